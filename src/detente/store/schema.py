"""The store's versioned schema: an ordered list of migrations, each a list of SQL statements.

The DDL is written in the subset DuckDB and PostgreSQL share (VARCHAR[], JSON, DOUBLE PRECISION, sequences
with `nextval`, `->`/`->>` on JSON), so one list serves every backend, with no per-database variant.
`schema_migrations` records which versions were applied; `migrate` applies the missing ones, in order, in
one transaction.  Add a migration to change the schema;
never edit one that has shipped.

Offsets are stored as `start_offset`/`end_offset` because `end` is a reserved word in SQL.  Every table that
holds part of a document carries `doc_id` and `position` (the item's index in the document's list) so rows
can be put back in document order; the `record` column keeps the item's OUTPUT.md JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from detente.store.repository import Backend


@dataclass(frozen=True)
class Migration:
    """One step of the schema; `statements` run in order inside the migration transaction."""

    version: int
    name: str
    statements: tuple[str, ...]


def _entity_columns(role: str) -> str:
    """Columns that flatten a list of entities (actors, recipients) so queries can filter on them."""
    return (
        f"{role}_code VARCHAR, {role}_codes VARCHAR[], {role}_labels VARCHAR[], {role}_names VARCHAR[]"
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", (
        "CREATE SEQUENCE ingest_run_ids START 1",
        """CREATE TABLE ingest_runs (
            id BIGINT PRIMARY KEY DEFAULT nextval('ingest_run_ids'),
            command VARCHAR NOT NULL, inputs VARCHAR[], started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP, status VARCHAR NOT NULL,
            batches INTEGER NOT NULL DEFAULT 0, stored INTEGER NOT NULL DEFAULT 0,
            duplicates INTEGER NOT NULL DEFAULT 0, rejected INTEGER NOT NULL DEFAULT 0,
            events INTEGER NOT NULL DEFAULT 0, summary JSON)""",
        """CREATE TABLE documents (
            id VARCHAR PRIMARY KEY, content_hash VARCHAR NOT NULL UNIQUE,
            url VARCHAR, outlet VARCHAR, title VARCHAR, published VARCHAR, published_date DATE,
            published_source VARCHAR, language VARCHAR, body VARCHAR NOT NULL, source VARCHAR,
            n_events INTEGER NOT NULL, n_quotes INTEGER NOT NULL,
            ingested_at TIMESTAMP NOT NULL, run_id BIGINT, record JSON NOT NULL)""",
        f"""CREATE TABLE events (
            doc_id VARCHAR NOT NULL, position INTEGER NOT NULL, event_id VARCHAR,
            event_type VARCHAR, event_types VARCHAR[],
            {_entity_columns("actor")}, {_entity_columns("recipient")},
            date VARCHAR, event_date DATE, date_precision VARCHAR, status VARCHAR,
            mode VARCHAR[], context VARCHAR[], event_text VARCHAR, quad_code INTEGER,
            event_scale DOUBLE PRECISION, cameo VARCHAR, confidence DOUBLE PRECISION, sources INTEGER,
            place_name VARCHAR, place_country VARCHAR, record JSON NOT NULL)""",
        """CREATE TABLE quotes (
            doc_id VARCHAR NOT NULL, position INTEGER NOT NULL,
            speaker_code VARCHAR, speaker_label VARCHAR, speaker_name VARCHAR,
            text VARCHAR, kind VARCHAR, cue VARCHAR, start_offset INTEGER, end_offset INTEGER,
            record JSON NOT NULL)""",
        """CREATE TABLE stances (
            doc_id VARCHAR NOT NULL, position INTEGER NOT NULL,
            holder_code VARCHAR, holder_label VARCHAR, holder_name VARCHAR,
            issue VARCHAR, issue_key VARCHAR, polarity VARCHAR, date VARCHAR,
            start_offset INTEGER, end_offset INTEGER, record JSON NOT NULL)""",
        """CREATE TABLE commitments (
            doc_id VARCHAR NOT NULL, position INTEGER NOT NULL,
            what VARCHAR, by_codes VARCHAR[], by_labels VARCHAR[], by_names VARCHAR[],
            due VARCHAR, due_date DATE, precision VARCHAR, firmness VARCHAR, event_id VARCHAR,
            status VARCHAR, start_offset INTEGER, end_offset INTEGER, record JSON NOT NULL)""",
        """CREATE TABLE timexes (
            doc_id VARCHAR NOT NULL, position INTEGER NOT NULL, timex_id VARCHAR,
            text VARCHAR, start_offset INTEGER, end_offset INTEGER, type VARCHAR, value VARCHAR,
            mod VARCHAR, anchor VARCHAR, deadline BOOLEAN, record JSON NOT NULL)""",
        """CREATE TABLE places (
            doc_id VARCHAR NOT NULL, position INTEGER NOT NULL,
            text VARCHAR, start_offset INTEGER, end_offset INTEGER, name VARCHAR, country VARCHAR,
            lat DOUBLE PRECISION, lon DOUBLE PRECISION, geonameid BIGINT, feature VARCHAR,
            record JSON NOT NULL)""",
        """CREATE TABLE mentions (
            doc_id VARCHAR NOT NULL, position INTEGER NOT NULL,
            code VARCHAR, sector VARCHAR[], label VARCHAR, entity_text VARCHAR, identifier_text VARCHAR,
            office VARCHAR, org VARCHAR, start_offset INTEGER, end_offset INTEGER)""",
        """CREATE TABLE rejections (
            run_id BIGINT, source VARCHAR, doc_id VARCHAR, code VARCHAR NOT NULL, message VARCHAR,
            rejected_at TIMESTAMP NOT NULL)""",
    )),
    # The API's map needs event coordinates without parsing each record, and its document view and
    # filters look rows up by document and date; existing rows get their coordinates from the record.
    Migration(2, "event coordinates and read indexes", (
        "ALTER TABLE events ADD COLUMN place_lat DOUBLE PRECISION",
        "ALTER TABLE events ADD COLUMN place_lon DOUBLE PRECISION",
        "UPDATE events SET place_lat = CAST(record->'event_loc'->>'lat' AS DOUBLE PRECISION),"
        " place_lon = CAST(record->'event_loc'->>'lon' AS DOUBLE PRECISION)"
        " WHERE record->'event_loc'->>'lat' IS NOT NULL",
        "CREATE INDEX events_doc_id ON events (doc_id)",
        "CREATE INDEX events_event_date ON events (event_date)",
        "CREATE INDEX documents_published_date ON documents (published_date)",
        "CREATE INDEX quotes_doc_id ON quotes (doc_id)",
        "CREATE INDEX mentions_doc_id ON mentions (doc_id)",
        "CREATE INDEX places_doc_id ON places (doc_id)",
        "CREATE INDEX timexes_doc_id ON timexes (doc_id)",
        "CREATE INDEX commitments_due_date ON commitments (due_date)",
    )),
    # Cross-document merging kept up to date as documents arrive (merging.py): each event row names its
    # merging block, so a new report re-merges only the block it falls into; `merged_events` holds one row
    # per real-world event and `event_merges` links every report to it.  Rows stored before this version
    # have no block yet: opening the store computes them once (Store.rebuild_merges).
    Migration(3, "merged events", (
        "ALTER TABLE events ADD COLUMN block_key VARCHAR",
        "CREATE INDEX events_block_key ON events (block_key)",
        """CREATE TABLE merged_events (
            id VARCHAR PRIMARY KEY, block_key VARCHAR NOT NULL, event_type VARCHAR,
            actor_codes VARCHAR[], recipient_codes VARCHAR[], date VARCHAR, event_date DATE,
            date_precision VARCHAR, status VARCHAR, place_name VARCHAR, place_country VARCHAR,
            sources INTEGER NOT NULL, mentions INTEGER NOT NULL, first_reported VARCHAR, last_reported VARCHAR,
            record JSON NOT NULL)""",
        "CREATE INDEX merged_events_block_key ON merged_events (block_key)",
        """CREATE TABLE event_merges (
            merged_id VARCHAR NOT NULL, block_key VARCHAR NOT NULL, doc_id VARCHAR NOT NULL,
            event_id VARCHAR NOT NULL)""",
        "CREATE INDEX event_merges_block_key ON event_merges (block_key)",
        "CREATE INDEX event_merges_merged_id ON event_merges (merged_id)",
    )),
    # Each stored document's MinHash signature (NULL: too short to judge, or stored as a near-duplicate copy),
    # so an ingest loads the near-duplicate index instead of re-shingling every stored body.  `scheme` names
    # the shingling settings; a row of another scheme is recomputed.
    Migration(4, "near-duplicate signatures", (
        """CREATE TABLE document_signatures (
            doc_id VARCHAR PRIMARY KEY, scheme VARCHAR NOT NULL, published VARCHAR, signature BYTEA)""",
    )),
    # Each report's period (the first and last day its date allows) beside its block, so new reports re-merge
    # only the stretch of their block within reach of them in time (store/merges.py), not the whole block.
    # Rows stored before this version get their periods when the store is opened (Store.rebuild_merges).
    Migration(5, "merging periods", (
        "ALTER TABLE events ADD COLUMN merge_from DATE",
        "ALTER TABLE events ADD COLUMN merge_to DATE",
        "CREATE INDEX events_block_period ON events (block_key, merge_from)",
    )),
)

LATEST_VERSION = MIGRATIONS[-1].version

_MIGRATIONS_TABLE = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"""


def applied_versions(backend: Backend) -> set[int]:
    """Versions recorded in `schema_migrations`; empty for a new database."""
    if not backend.table_exists("schema_migrations"):
        return set()
    return {row[0] for row in backend.fetchall("SELECT version FROM schema_migrations")}


def pending(backend: Backend) -> list[Migration]:
    """Migrations not yet applied to this database, in order."""
    done = applied_versions(backend)
    return [m for m in MIGRATIONS if m.version not in done]


def migrate(backend: Backend) -> list[int]:
    """Apply the missing migrations in one transaction; returns the versions applied (none if up to date).

    The transaction holds the backend's "schema" lock, and the pending list is read again under it: two
    processes opening a fresh PostgreSQL database at once migrate it once, the second waiting and then
    finding nothing left to do.
    """
    if not pending(backend):
        return []
    with backend.transaction():
        backend.lock("schema")
        missing = pending(backend)
        if not missing:
            return []
        backend.execute(_MIGRATIONS_TABLE)
        for migration in missing:
            for statement in migration.statements:
                backend.execute(statement)
            backend.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, _utc_now()),
            )
    return [m.version for m in missing]


def _utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
