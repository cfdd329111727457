"""The store's one repository layer: every read and write of detente's database goes through `Store`.

All SQL lives here (queries and writes) or in schema.py (DDL), in the dialect DuckDB and PostgreSQL share,
with `?` placeholders and values always passed as parameters.  What differs between databases (connecting,
transactions, bulk inserts, locks, result conversion) sits behind the small `Backend` interface, implemented
by duckdb_backend.py (a file path) and postgres_backend.py (a postgresql:// URL).

Reads return pandas DataFrames, or pyarrow Tables with `as_arrow=True`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Protocol

from detente.errors import DetenteError, UsageError
from detente.model import Document, Entity, Rejection
from detente.store import merges, schema
from detente.tracking import period

# A filter value of three capital letters, optionally followed by a sector ("RUS", "RUS GOV"), is a PLOVER
# code or label; anything else is matched as part of a name.
_CODE_OR_LABEL = re.compile(r"^[A-Z]{3}( [A-Z]{3})?$")
# Shortest id prefix `document()` accepts; shorter ones match too many documents to be useful.
MIN_ID_PREFIX = 6
# Separator joining a list of names into one string for substring search; cannot occur in a name.
_NAME_SEPARATOR_SQL = "chr(31)"
# URL schemes that select the PostgreSQL backend (libpq accepts both).
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")
# Values per `IN (...)` list: far below either database's parameter limit.
_IN_CHUNK = 500


class Backend(Protocol):
    """What a database needs to provide for `Store`; SQL uses `?` placeholders."""

    name: str
    path: str
    read_only: bool

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one statement."""

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Run a query and return its rows as tuples."""

    def query(self, sql: str, params: Sequence[Any] = (), as_arrow: bool = False) -> Any:
        """Run a query and return a pandas DataFrame, or a pyarrow Table when `as_arrow`."""

    def insert_rows(self, table: str, columns: dict[str, list[Any]]) -> None:
        """Append rows given column by column, as fast as the database allows."""

    def insert_unique_rows(self, table: str, columns: dict[str, list[Any]], key: str) -> list[Any]:
        """Append rows, skipping any whose unique values are already stored or being stored by another
        transaction; return the `key` value of each row inserted."""

    def table_exists(self, table: str) -> bool:
        """Whether `table` exists."""

    def lock(self, name: str) -> None:
        """Hold the lock `name` until the current transaction ends, waiting while another process has it."""

    def transaction(self) -> AbstractContextManager[None]:
        """Context in which everything commits together or not at all."""

    def close(self) -> None:
        """Release the connection."""


# {doc id: (shingling scheme, MinHash signature bytes or None)}: what `write_batch` stores for near-duplicates.
SignatureRows = dict[str, tuple[str, bytes | None]]


@dataclass
class BatchResult:
    """What one `write_batch` did: counts, and the ids of the documents it stored."""

    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    events: int = 0
    stored_ids: list[str] = field(default_factory=list)


def iter_batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    """Split a stream of documents into lists of `size` for `write_batch`."""
    batch: list[Document] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def open_store(db: str | os.PathLike, read_only: bool = False) -> Store:
    """Open (creating and migrating if needed) the store at `db`: a DuckDB file path or a database URL."""
    backend = open_backend(db, read_only=read_only)
    try:
        if read_only:
            missing = schema.pending(backend)
            if missing:
                raise DetenteError(
                    "E207", path=backend.path,
                    detail=f"its schema lacks version {missing[0].version}; open it once without read-only",
                )
        else:
            applied = schema.migrate(backend)
            if {3, 5} & set(applied) and 1 not in applied:
                Store(backend).rebuild_merges()  # a store from before merged events or their periods
    except BaseException:
        backend.close()
        raise
    return Store(backend)


def is_database_url(db: str | os.PathLike) -> bool:
    """Whether `db` names a PostgreSQL database (a postgresql:// URL) rather than a DuckDB file."""
    return isinstance(db, str) and db.startswith(_POSTGRES_SCHEMES)


def open_backend(db: str | os.PathLike, read_only: bool = False) -> Backend:
    """The connection for `db`, not migrated: PostgreSQL for a postgresql:// URL, else a DuckDB file."""
    if is_database_url(db):
        from detente.store.postgres_backend import PostgresBackend

        return PostgresBackend(str(db), read_only=read_only)
    from detente.store.duckdb_backend import DuckDBBackend

    return DuckDBBackend(os.fspath(db), read_only=read_only)


class Store:
    """detente's database: ingest runs, documents and everything coded in them."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    # ----------------------------------------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Close the database connection."""
        self.backend.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def schema_version(self) -> int:
        """Highest applied schema version."""
        return max(schema.applied_versions(self.backend), default=0)

    # -------------------------------------------------------------------------------------------- writes

    def begin_run(self, command: str, inputs: list[str]) -> int:
        """Record the start of an ingest run and return its id."""
        self._check_writable()
        rows = self.backend.fetchall(
            "INSERT INTO ingest_runs (command, inputs, started_at, status) VALUES (?, ?, ?, 'running')"
            " RETURNING id",
            (command, [str(i) for i in inputs], _utc_now()),
        )
        return int(rows[0][0])

    def finish_run(self, run_id: int, summary: dict[str, Any]) -> None:
        """Mark a run finished and keep its summary (counts, rejections by code, timings)."""
        self._check_writable()
        self.backend.execute(
            "UPDATE ingest_runs SET finished_at = ?, status = 'finished', summary = ? WHERE id = ?",
            (_utc_now(), _json(summary), run_id),
        )

    def write_batch(self, docs: list[Document], run_id: int | None,
                    signatures: SignatureRows | None = None) -> BatchResult:
        """Store a batch in one transaction: all of it or, on any error, none of it.

        A document whose id or content hash is already stored, or repeats one earlier in the batch, counts
        as a duplicate; a document with `rejected` set goes to `rejections` instead of `documents`.
        `signatures` ({doc id: (scheme, signature bytes or None)}) are stored for the documents inserted.
        """
        self._check_writable()
        result = BatchResult()
        now = _utc_now()
        rows = _TableRows()
        with self.backend.transaction():
            known = self._known_keys(docs)
            fresh: list[Document] = []
            for doc in docs:
                if doc.rejected is not None or not doc.body:
                    # A body-less document that no reader rejected is still nothing to store: say why.
                    rejection = doc.rejected or Rejection("E101", DetenteError("E101").message)
                    rows.add("rejections", run_id=run_id, source=doc.source, doc_id=doc.id,
                             code=rejection.code, message=rejection.message, rejected_at=now)
                    result.rejected += 1
                    continue
                keys = {doc.id, doc.content_hash}
                if keys & known:
                    result.duplicates += 1
                    continue
                known |= keys
                fresh.append(doc)
            # Another process may have stored some of `fresh` since `_known_keys` looked (PostgreSQL takes
            # concurrent writers): the unique constraints decide, and only the documents inserted here get
            # their coded rows.
            records = [doc.to_dict() for doc in fresh]
            inserted = set(self._insert_documents(fresh, records, run_id, now))
            for doc, record in zip(fresh, records):
                if doc.id not in inserted:
                    result.duplicates += 1
                    continue
                _add_coded_rows(rows, doc, record)
                if signatures and doc.id in signatures:
                    scheme, signature = signatures[doc.id]
                    rows.add("document_signatures", doc_id=doc.id, scheme=scheme, published=doc.published,
                             signature=signature)
                result.stored += 1
                result.events += len(doc.events)
                result.stored_ids.append(doc.id)
            for table, columns in rows.tables.items():
                self.backend.insert_rows(table, columns)
            merges.remerge_new(self.backend, [{**event, "doc_id": doc.id, "published": doc.published}
                                              for doc, record in zip(fresh, records) if doc.id in inserted
                                              for event in record["events"]])
            if run_id is not None:
                self.backend.execute(
                    "UPDATE ingest_runs SET batches = batches + 1, stored = stored + ?,"
                    " duplicates = duplicates + ?, rejected = rejected + ?, events = events + ? WHERE id = ?",
                    (result.stored, result.duplicates, result.rejected, result.events, run_id),
                )
        return result

    def signatures(self, scheme: str) -> list[tuple[str, str | None, bytes | None]]:
        """(doc id, published, signature bytes or None) of every stored signature made with `scheme`."""
        rows = self.backend.fetchall(
            "SELECT doc_id, published, signature FROM document_signatures WHERE scheme = ? ORDER BY doc_id", (scheme,))
        return [(doc_id, published, bytes(signature) if signature is not None else None)
                for doc_id, published, signature in rows]

    def unsigned_documents(self, scheme: str) -> list[tuple[str, str, str | None]]:
        """(id, body, published) of the stored documents with no signature made with `scheme`."""
        return self.backend.fetchall(
            "SELECT d.id, d.body, d.published FROM documents d LEFT JOIN document_signatures s"
            " ON s.doc_id = d.id AND s.scheme = ? WHERE s.doc_id IS NULL ORDER BY d.id", (scheme,))

    def save_signatures(self, scheme: str, rows: list[tuple[str, str | None, bytes | None]]) -> None:
        """Store (doc id, published, signature or None) rows made with `scheme`, replacing older ones."""
        self._check_writable()
        if not rows:
            return
        ids = [doc_id for doc_id, _, _ in rows]
        with self.backend.transaction():
            for chunk in _chunks(ids):
                self.backend.execute(
                    f"DELETE FROM document_signatures WHERE doc_id IN ({', '.join('?' * len(chunk))})", chunk)
            self.backend.insert_rows("document_signatures", {
                "doc_id": ids, "scheme": [scheme] * len(rows), "published": [p for _, p, _ in rows],
                "signature": [s for _, _, s in rows]})

    def rebuild_merges(self) -> int:
        """Recompute every report's merging block and period and all merged events from the stored reports
        (for a store written before they were kept); returns the number of merged events."""
        self._check_writable()
        with self.backend.transaction():
            return merges.rebuild(self.backend)

    def _insert_documents(self, docs: list[Document], records: list[dict[str, Any]], run_id: int | None,
                          now: datetime) -> list[str]:
        """Insert the `documents` rows of `docs` (with their records), skipping any already stored; the ids
        inserted."""
        rows = _TableRows()
        for doc, record in zip(docs, records):
            _add_document_row(rows, doc, record, run_id, now)
        if not docs:
            return []
        return self.backend.insert_unique_rows("documents", rows.tables["documents"], "id")

    def _check_writable(self) -> None:
        if self.backend.read_only:
            raise DetenteError("E207", path=self.backend.path,
                               detail="it was opened read-only; nothing can be written")

    def _known_keys(self, docs: list[Document]) -> set[str]:
        """Ids and hashes of `docs` that are already stored (as an id or as a content hash)."""
        keys = sorted({k for d in docs if d.body for k in (d.id, d.content_hash) if k})
        if not keys:
            return set()
        found = self.backend.fetchall(
            "SELECT id, content_hash FROM documents WHERE id = ANY(?) OR content_hash = ANY(?)", (keys, keys)
        )
        return {value for row in found for value in row}

    # -------------------------------------------------------------------------------------- dedup lookups

    def has_document(self, doc_id_or_hash: str) -> bool:
        """Whether a document with this id or content hash is stored."""
        rows = self.backend.fetchall(
            "SELECT 1 FROM documents WHERE id = ? OR content_hash = ? LIMIT 1", (doc_id_or_hash,) * 2
        )
        return bool(rows)

    def known_hashes(self, hashes: Iterable[str]) -> set[str]:
        """The subset of `hashes` already stored as content hashes (lets a resumed run skip parsing)."""
        wanted = sorted(set(hashes))
        if not wanted:
            return set()
        rows = self.backend.fetchall("SELECT content_hash FROM documents WHERE content_hash = ANY(?)", (wanted,))
        return {row[0] for row in rows}

    # --------------------------------------------------------------------------------------------- reads

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """The stored OUTPUT.md record by id, content hash or unique id prefix (6+ characters); else None."""
        rows = self.backend.fetchall(
            "SELECT record FROM documents WHERE id = ? OR content_hash = ? LIMIT 1", (doc_id, doc_id)
        )
        if not rows and len(doc_id) >= MIN_ID_PREFIX:
            rows = self.backend.fetchall(
                "SELECT record FROM documents WHERE id LIKE ? ESCAPE '\\' LIMIT 2", (_like_prefix(doc_id),)
            )
            if len(rows) != 1:
                return None
        return json.loads(rows[0][0]) if rows else None

    def documents(self, since: str | None = None, until: str | None = None, outlet: str | None = None,
                  limit: int | None = None, as_arrow: bool = False) -> Any:
        """Stored documents, oldest publication first; dates are ISO, inclusive; outlet is a substring."""
        where = _Where()
        where.add("d.published_date >= ?", _iso_date(since))
        where.add("d.published_date <= ?", _iso_date(until))
        where.add("d.outlet ILIKE ? ESCAPE '\\'", _like_substring(outlet))
        sql = (
            "SELECT d.id, d.published, d.published_date, d.outlet, d.title, d.url, d.published_source,"
            " d.source, d.n_events AS events, d.n_quotes AS quotes, d.body, d.ingested_at, d.run_id"
            f" FROM documents d{where.sql} ORDER BY d.published_date NULLS LAST, d.id"
        )
        return self._query(sql, where.params, limit, as_arrow)

    def events(self, actor: str | None = None, recipient: str | None = None, type: str | None = None,
               status: str | None = None, since: str | None = None, until: str | None = None,
               doc_id: str | None = None, limit: int | None = None, as_arrow: bool = False) -> Any:
        """Coded events; actor/recipient match a code ("RUS"), a label ("RUS GOV") or part of a name."""
        where = _event_where(EventFilter(actor=actor, recipient=recipient, category=type, status=status,
                                         since=since, until=until, doc_id=doc_id))
        sql = f"SELECT {_EVENT_COLUMNS} FROM events e JOIN documents d ON d.id = e.doc_id{where.sql}" \
              " ORDER BY e.event_date NULLS LAST, e.doc_id, e.position"
        return self._query(sql, where.params, limit, as_arrow)

    def merged_events(self, actor: str | None = None, recipient: str | None = None, party: str | None = None,
                      type: str | None = None, since: str | None = None, until: str | None = None,
                      min_sources: int | None = None, limit: int | None = None, as_arrow: bool = False) -> Any:
        """Real-world events, each merged from its reports across documents, most reported first within a day.

        actor, recipient and party (either side: a meeting's representative report may name either party
        first) are country or organisation codes ("RUS").
        """
        where = _Where()
        where.add("array_position(m.actor_codes, ?) IS NOT NULL", _code(actor))
        where.add("array_position(m.recipient_codes, ?) IS NOT NULL", _code(recipient))
        if party:
            where.add_many("(array_position(m.actor_codes, ?) IS NOT NULL"
                           " OR array_position(m.recipient_codes, ?) IS NOT NULL)", [_code(party)] * 2)
        where.add("m.event_type = ?", type.upper() if type else None)
        where.add("m.event_date >= ?", _iso_date(since))
        where.add("m.event_date <= ?", _iso_date(until))
        where.add("m.sources >= ?", min_sources)
        sql = (
            "SELECT m.id, m.event_date, m.date, m.date_precision, m.event_type, m.actor_codes, m.recipient_codes,"
            " m.status, m.place_name, m.place_country, m.sources, m.mentions, m.first_reported, m.last_reported,"
            f" m.record FROM merged_events m{where.sql}"
            " ORDER BY m.event_date NULLS LAST, m.sources DESC, m.id"
        )
        return self._query(sql, where.params, limit, as_arrow)

    def merged_event_reports(self, merged_id: str, as_arrow: bool = False) -> Any:
        """The reports one merged event was made from: document, outlet, publication date and event text."""
        sql = (
            "SELECT x.doc_id, d.outlet, d.published, d.title, e.event_id, e.event_type, e.date, e.event_text"
            " FROM event_merges x JOIN events e ON e.doc_id = x.doc_id AND e.event_id = x.event_id"
            " JOIN documents d ON d.id = x.doc_id WHERE x.merged_id = ? ORDER BY d.published, x.doc_id"
        )
        return self._query(sql, [merged_id], None, as_arrow)

    def quotes(self, doc_id: str | None = None, as_arrow: bool = False, speaker: str | None = None,
               text: str | None = None, limit: int | None = None) -> Any:
        """Quotes with their speakers, in document order; `speaker` is a code, label or part of a name."""
        where = _Where()
        where.add("doc_id = ?", doc_id)
        if speaker and speaker.strip():
            value = speaker.strip()
            where.add_many("(speaker_code = ? OR speaker_label = ? OR speaker_name ILIKE ? ESCAPE '\\')",
                           [value, value, _like_substring(value)])
        where.add("text ILIKE ? ESCAPE '\\'", _like_substring(text.strip()) if text else None)
        return self._query(
            "SELECT doc_id, speaker_code, speaker_label, speaker_name, text, kind, cue, start_offset,"
            f" end_offset, record FROM quotes{where.sql} ORDER BY doc_id, position", where.params, limit, as_arrow,
        )

    def stances(self, issue: str | None = None, as_arrow: bool = False, holder: str | None = None,
                doc_id: str | None = None, limit: int | None = None) -> Any:
        """Stances; `issue` matches the issue key exactly or part of the issue text."""
        where = _Where()
        if issue:
            where.add_many("(issue_key = ? OR issue ILIKE ? ESCAPE '\\')", [issue, _like_substring(issue)])
        if holder and holder.strip():
            value = holder.strip()
            where.add_many("(holder_code = ? OR holder_label = ? OR holder_name ILIKE ? ESCAPE '\\')",
                           [value, value, _like_substring(value)])
        where.add("doc_id = ?", doc_id)
        return self._query(
            "SELECT doc_id, holder_code, holder_label, holder_name, issue, issue_key, polarity, date,"
            f" start_offset, end_offset, record FROM stances{where.sql} ORDER BY doc_id, position",
            where.params, limit, as_arrow,
        )

    def commitments(self, status: str | None = None, due_before: str | None = None,
                    as_arrow: bool = False, due_after: str | None = None, doc_id: str | None = None,
                    limit: int | None = None) -> Any:
        """Commitments; `due_before`/`due_after` bound the last day of the due period (ISO dates, inclusive)."""
        where = _Where()
        where.add("status = ?", status.lower() if status else None)
        where.add("due_date <= ?", _iso_date(due_before))
        where.add("due_date >= ?", _iso_date(due_after))
        where.add("doc_id = ?", doc_id)
        return self._query(
            "SELECT doc_id, what, by_labels, by_names, due, due_date, precision, firmness, event_id, status,"
            f" start_offset, end_offset, record FROM commitments{where.sql}"
            " ORDER BY due_date NULLS LAST, doc_id, position",
            where.params, limit, as_arrow,
        )

    def timexes(self, doc_id: str | None = None, as_arrow: bool = False) -> Any:
        """Time expressions with their resolved values, in document order."""
        where = _Where()
        where.add("doc_id = ?", doc_id)
        return self._query(
            "SELECT doc_id, timex_id, text, start_offset, end_offset, type, value, mod, anchor, deadline"
            f" FROM timexes{where.sql} ORDER BY doc_id, position", where.params, None, as_arrow,
        )

    def places(self, doc_id: str | None = None, as_arrow: bool = False) -> Any:
        """Resolved places, in document order."""
        where = _Where()
        where.add("doc_id = ?", doc_id)
        return self._query(
            "SELECT doc_id, text, start_offset, end_offset, name, country, lat, lon, geonameid, feature"
            f" FROM places{where.sql} ORDER BY doc_id, position", where.params, None, as_arrow,
        )

    def actors(self, limit: int | None = None, as_arrow: bool = False) -> Any:
        """Coded actors by how often they are mentioned: label, code, name, mentions, documents."""
        return self._query(
            "SELECT label, code, COALESCE(identifier_text, entity_text) AS identifier_text,"
            " COUNT(*) AS mentions, COUNT(DISTINCT doc_id) AS documents"
            " FROM mentions WHERE code IS NOT NULL"
            " GROUP BY label, code, COALESCE(identifier_text, entity_text)"
            " ORDER BY mentions DESC, documents DESC, label, identifier_text",
            [], limit, as_arrow,
        )

    def runs(self, as_arrow: bool = False) -> Any:
        """Ingest runs, oldest first, with their running counts (a killed run stays 'running')."""
        return self._query(
            "SELECT id AS run_id, command, inputs, started_at, finished_at, status, batches, stored,"
            " duplicates, rejected, events, summary FROM ingest_runs ORDER BY id", [], None, as_arrow,
        )

    def rejections(self, run_id: int | None = None, as_arrow: bool = False) -> Any:
        """Rejected documents with their error code and message."""
        where = _Where()
        where.add("run_id = ?", run_id)
        return self._query(
            f"SELECT run_id, source, doc_id, code, message, rejected_at FROM rejections{where.sql}"
            " ORDER BY rejected_at, run_id", where.params, None, as_arrow,
        )

    def counts(self) -> dict[str, int]:
        """Row count of each content table (documents, events, quotes, ...)."""
        return {table: int(self.backend.fetchall(f"SELECT COUNT(*) FROM {table}")[0][0]) for table in _TABLES}

    def _query(self, sql: str, params: list[Any], limit: int | None, as_arrow: bool) -> Any:
        if limit is not None:
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
                raise UsageError("E203", key="limit", value=limit, detail="use a whole number of 0 or more")
            sql, params = f"{sql} LIMIT ?", [*params, limit]
        return self.backend.query(sql, params, as_arrow=as_arrow)


    # ---------------------------------------------------------------- API reads (pages, series, maps)

    def event_page(self, where: EventFilter | None = None, sort: str = "date", cursor: str | None = None,
                   limit: int = 50, as_arrow: bool = False) -> tuple[Any, str | None]:
        """One page of events by keyset pagination, and the cursor of the next page (None on the last)."""
        from detente.store import event_queries

        return event_queries.event_page(self, where or EventFilter(), sort, cursor, limit, as_arrow)

    def event_table(self, where: EventFilter | None = None, sort: str = "date", limit: int | None = None) -> Any:
        """Every event matching `where` (up to `limit`) as a flat pyarrow Table, for CSV/Parquet downloads."""
        from detente.store import event_queries

        return event_queries.event_table(self, where or EventFilter(), sort, limit)

    def event_series(self, where: EventFilter | None = None, by: str = "category",
                     interval: str | None = "day", as_arrow: bool = False) -> Any:
        """Event counts per period (`interval`: day, week, month; None for totals) and per `by` key."""
        from detente.store import event_queries

        return event_queries.event_series(self, where or EventFilter(), by, interval, as_arrow)

    def event_network(self, where: EventFilter | None = None, limit: int = 500, as_arrow: bool = False) -> Any:
        """Actor-to-recipient edges (first coded actor and recipient) with cooperation and conflict counts."""
        from detente.store import event_queries

        return event_queries.event_network(self, where or EventFilter(), limit, as_arrow)

    def event_places(self, where: EventFilter | None = None, limit: int = 2000, as_arrow: bool = False) -> Any:
        """Event locations with coordinates and their event counts, most events first."""
        from detente.store import event_queries

        return event_queries.event_places(self, where or EventFilter(), limit, as_arrow)

    def mentions(self, doc_id: str, as_arrow: bool = False) -> Any:
        """Actor mentions of one document with their offsets, in document order."""
        return self._query(
            "SELECT code, sector, label, entity_text, identifier_text, office, org, start_offset, end_offset"
            " FROM mentions WHERE doc_id = ? ORDER BY position", [doc_id], None, as_arrow,
        )

    def document_page(self, text: str | None = None, since: str | None = None, until: str | None = None,
                      outlet: str | None = None, limit: int = 50, offset: int = 0, as_arrow: bool = False) -> Any:
        """Documents newest first, without bodies; `text` matches part of the title or the body."""
        from detente.store import event_queries

        return event_queries.document_page(self, text, since, until, outlet, limit, offset, as_arrow)


# Tables `counts()` reports; fixed names, never user input.
_TABLES = ("documents", "events", "quotes", "stances", "commitments", "timexes", "places", "mentions",
           "rejections", "ingest_runs", "merged_events", "event_merges")


class _Where:
    """Collects `AND`-ed conditions and their parameters, skipping filters that were not given."""

    def __init__(self) -> None:
        self.conditions: list[str] = []
        self.params: list[Any] = []

    def add(self, condition: str, value: Any) -> None:
        if value is not None:
            self.add_many(condition, [value])

    def add_many(self, condition: str, values: list[Any]) -> None:
        self.conditions.append(condition)
        self.params.extend(values)

    @property
    def sql(self) -> str:
        return " WHERE " + " AND ".join(self.conditions) if self.conditions else ""


@dataclass
class EventFilter:
    """Filters of an event query; None means "any".  Every value reaches SQL as a parameter."""

    actor: str | None = None  # code ("RUS"), label ("RUS GOV") or part of a name
    recipient: str | None = None
    category: str | None = None  # PLOVER category, e.g. CONSULT
    quad_code: int | None = None  # 1 verbal cooperation .. 4 material conflict
    status: str | None = None
    since: str | date | None = None  # ISO dates, inclusive
    until: str | date | None = None
    place: str | None = None  # country code ("SYR") or part of a place name
    text: str | None = None  # part of the trigger, an actor or recipient name, the place or the title
    doc_id: str | None = None
    event_id: str | None = None


def _event_where(where: EventFilter) -> _Where:
    """The SQL conditions of an event filter over `events e JOIN documents d`."""
    conditions = _Where()
    for role, value in (("actor", where.actor), ("recipient", where.recipient)):
        if value and value.strip():
            conditions.add_many(*_entity_condition(role, value))
    conditions.add("array_position(e.event_types, ?) IS NOT NULL",
                   where.category.strip().upper() if where.category else None)
    conditions.add("e.quad_code = ?", where.quad_code)
    conditions.add("e.status = ?", where.status.strip().lower() if where.status else None)
    conditions.add("e.event_date >= ?", _iso_date(where.since))
    conditions.add("e.event_date <= ?", _iso_date(where.until))
    conditions.add("e.doc_id = ?", where.doc_id)
    conditions.add("e.event_id = ?", where.event_id)
    if where.place and where.place.strip():
        place = where.place.strip()
        conditions.add_many("(e.place_country = ? OR e.place_name ILIKE ? ESCAPE '\\')",
                            [place.upper(), _like_substring(place)])
    if where.text and where.text.strip():
        pattern = _like_substring(where.text.strip())
        conditions.add_many(
            "(e.event_text ILIKE ? ESCAPE '\\'"
            f" OR array_to_string(e.actor_names, {_NAME_SEPARATOR_SQL}) ILIKE ? ESCAPE '\\'"
            f" OR array_to_string(e.recipient_names, {_NAME_SEPARATOR_SQL}) ILIKE ? ESCAPE '\\'"
            " OR e.place_name ILIKE ? ESCAPE '\\' OR d.title ILIKE ? ESCAPE '\\')",
            [pattern] * 5,
        )
    return conditions


_EVENT_COLUMNS = (
    "e.doc_id, e.event_id, e.event_date, e.date, e.date_precision, e.event_type,"
    " e.event_types, e.actor_code, e.actor_labels, e.recipient_code, e.recipient_labels,"
    " e.status, e.event_text, e.mode, e.context, e.quad_code, e.event_scale, e.cameo,"
    " e.confidence, e.sources, e.place_name, e.place_country, d.published, d.outlet, d.title,"
    " e.record"
)


def _entity_condition(role: str, value: str) -> tuple[str, list[Any]]:
    """SQL condition (fixed text) and parameters matching an actor or recipient filter value."""
    value = value.strip()
    if _CODE_OR_LABEL.match(value):
        column = f"e.{role}_labels" if " " in value else f"e.{role}_codes"
        # array_position, not `? = ANY(...)`: same meaning in DuckDB and PostgreSQL, and in DuckDB 4x faster
        # on 100,000 events (bench/api_latency.py).
        return f"array_position({column}, ?) IS NOT NULL", [value]
    return (
        f"array_to_string(e.{role}_names, {_NAME_SEPARATOR_SQL}) ILIKE ? ESCAPE '\\'",
        [_like_substring(value)],
    )


# ------------------------------------------------------------------------------------------ row building


class _TableRows:
    """Rows for each table, column by column, ready for `Backend.insert_rows`."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, list[Any]]] = {}

    def add(self, table: str, **row: Any) -> None:
        columns = self.tables.setdefault(table, {name: [] for name in row})
        for name, value in row.items():
            columns[name].append(value)


def _published_date(doc: Document) -> date | None:
    published_day = period(doc.published)
    return published_day[0] if published_day else None


def _add_document_row(rows: _TableRows, doc: Document, record: dict[str, Any], run_id: int | None,
                      now: datetime) -> None:
    """Add the `documents` row of one document; `record` is its OUTPUT.md record."""
    rows.add(
        "documents", id=doc.id, content_hash=doc.content_hash, url=doc.url, outlet=doc.outlet,
        title=doc.title, published=doc.published, published_date=_published_date(doc),
        published_source=doc.published_source, language=doc.language, body=doc.body, source=doc.source,
        n_events=len(doc.events), n_quotes=len(doc.quotes), ingested_at=now, run_id=run_id,
        record=_json(record),
    )


def _add_coded_rows(rows: _TableRows, doc: Document, record: dict[str, Any]) -> None:
    """Add the rows of everything coded in one document (events, quotes, ... mentions)."""
    published_date = _published_date(doc)
    for position, event in enumerate(doc.events):
        span = period(event.date)
        place = event.event_loc
        rows.add(
            "events", doc_id=doc.id, position=position, event_id=event.id,
            event_type=event.event[0] if event.event else None, event_types=list(event.event),
            **_entity_lists("actor", event.actor), **_entity_lists("recipient", event.recipient),
            date=event.date, event_date=span[0] if span else published_date,
            date_precision=event.date_precision, status=event.status, mode=list(event.mode),
            context=list(event.context), event_text=event.event_text, quad_code=event.quad_code,
            event_scale=_float(event.event_scale), cameo=event.cameo, confidence=_float(event.confidence),
            sources=event.sources, place_name=place.name if place else None,
            place_country=place.country if place else None, place_lat=_float(place.lat) if place else None,
            place_lon=_float(place.lon) if place else None, record=_json(record["events"][position]),
            **merges.placement_columns({**record["events"][position], "doc_id": doc.id,
                                        "published": doc.published}),
        )
    for position, quote in enumerate(doc.quotes):
        speaker = quote.speaker
        rows.add(
            "quotes", doc_id=doc.id, position=position, speaker_code=speaker.code if speaker else None,
            speaker_label=speaker.label() if speaker else None, speaker_name=_name(speaker),
            text=quote.text, kind=quote.kind, cue=quote.cue, start_offset=quote.start, end_offset=quote.end,
            record=_json(record["quotes"][position]),
        )
    for position, stance in enumerate(doc.stances):
        rows.add(
            "stances", doc_id=doc.id, position=position, holder_code=stance.holder.code,
            holder_label=stance.holder.label(), holder_name=_name(stance.holder), issue=stance.issue,
            issue_key=stance.issue_key, polarity=stance.polarity, date=stance.date,
            start_offset=stance.evidence.get("start"), end_offset=stance.evidence.get("end"),
            record=_json(record["stances"][position]),
        )
    for position, commitment in enumerate(doc.commitments):
        due = period(commitment.due)
        by = _entity_lists("by", commitment.by)
        rows.add(
            "commitments", doc_id=doc.id, position=position, what=commitment.what, by_codes=by["by_codes"],
            by_labels=by["by_labels"], by_names=by["by_names"], due=commitment.due,
            due_date=due[1] if due else None, precision=commitment.precision, firmness=commitment.firmness,
            event_id=commitment.event_id, status=commitment.status,
            start_offset=commitment.evidence.get("start"), end_offset=commitment.evidence.get("end"),
            record=_json(record["commitments"][position]),
        )
    for position, timex in enumerate(doc.timexes):
        rows.add(
            "timexes", doc_id=doc.id, position=position, timex_id=timex.id, text=timex.text,
            start_offset=timex.start, end_offset=timex.end, type=timex.type, value=timex.value, mod=timex.mod,
            anchor=timex.anchor, deadline=bool(timex.deadline), record=_json(record["timexes"][position]),
        )
    for position, place in enumerate(doc.places):
        rows.add(
            "places", doc_id=doc.id, position=position, text=place.text, start_offset=place.start,
            end_offset=place.end, name=place.name, country=place.country, lat=_float(place.lat),
            lon=_float(place.lon), geonameid=place.geonameid, feature=place.feature,
            record=_json(record["places"][position]),
        )
    for position, mention in enumerate(doc.mentions):
        rows.add(
            "mentions", doc_id=doc.id, position=position, code=mention.code, sector=list(mention.sector),
            label=mention.label() if mention.code else None, entity_text=mention.entity_text,
            identifier_text=mention.identifier_text, office=mention.office, org=mention.org,
            start_offset=mention.start, end_offset=mention.end,
        )


def _code(value: str | None) -> str | None:
    return value.strip().upper() if value else None


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start:start + _IN_CHUNK]


def _entity_lists(role: str, entities: list[Entity]) -> dict[str, Any]:
    """First code, all codes, all "CODE SECTOR" labels and all names (canonical and as written)."""
    codes = [e.code for e in entities if e.code]
    names: list[str] = []
    for entity in entities:
        for text in (entity.identifier_text, entity.entity_text):
            if text and text not in names:
                names.append(text)
    return {
        f"{role}_code": codes[0] if codes else None, f"{role}_codes": codes,
        f"{role}_labels": [e.label() for e in entities if e.code], f"{role}_names": names,
    }


def _name(entity: Entity | None) -> str | None:
    if entity is None:
        return None
    return entity.identifier_text or entity.entity_text or None


# ------------------------------------------------------------------------------------ values and dates


def _iso_date(value: str | date | None) -> date | None:
    """A filter date given as an ISO string (or date); E204 when it is not one."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise UsageError("E204", value=value) from None


def _like_substring(value: str | None) -> str | None:
    """An ILIKE pattern matching `value` anywhere, with LIKE's wildcards in it taken literally."""
    if not value:
        return None
    return f"%{_escape_like(value)}%"


def _like_prefix(value: str) -> str:
    return f"{_escape_like(value)}%"


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)

