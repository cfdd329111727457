"""PostgreSQL connection handling for the store: open, transactions, bulk inserts, queries.

Like duckdb_backend.py it holds no SQL of the store's own: repository.py, event_queries.py and schema.py
write every query once, with `?` placeholders, and `_placeholders` turns them into psycopg's `%s`.  Results
come back typed as DuckDB types them (see `_ARROW_TYPES`), so both backends return the same Arrow tables
and, through the same conversion, the same DataFrames.

Several processes may write to one PostgreSQL database at once (DuckDB allows one).  Two things keep that
safe: a document row goes in with `ON CONFLICT DO NOTHING` (`insert_unique_rows`), so the unique id and
content-hash constraints decide which writer stores it, and `lock` is a transaction-scoped advisory lock,
which schema.migrate takes so two processes opening a fresh database do not both migrate it.
"""

from __future__ import annotations

import functools
import re
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pyarrow as pa

from detente.errors import DetenteError

# Seconds to wait for the server before giving up with E207.
CONNECT_TIMEOUT_S = 10
# First key of every advisory lock detente takes (the second names the schema and the purpose), so its
# locks cannot collide with another application's on a shared server.
_LOCK_NAMESPACE = "detente"
# Arrow types of PostgreSQL result columns, by type OID: the types DuckDB gives the same columns.
_STRING_LIST = pa.list_(pa.field("l", pa.string()))
_ARROW_TYPES: dict[int, pa.DataType] = {
    16: pa.bool_(), 20: pa.int64(), 21: pa.int16(), 23: pa.int32(), 25: pa.string(), 114: pa.string(),
    700: pa.float32(), 701: pa.float64(), 705: pa.string(), 1043: pa.string(), 1082: pa.date32(),
    1114: pa.timestamp("us"), 1184: pa.timestamp("us", tz="UTC"), 1700: pa.float64(), 3802: pa.string(),
    1009: _STRING_LIST, 1015: _STRING_LIST, 1007: pa.list_(pa.field("l", pa.int32())),
    1016: pa.list_(pa.field("l", pa.int64())),
}


class PostgresBackend:
    """One PostgreSQL connection, shared by the store's methods under a lock (a transaction on a shared
    connection must not interleave with statements from another thread)."""

    name = "postgresql"

    def __init__(self, url: str, read_only: bool = False) -> None:
        self.path = redact(url)
        self.read_only = read_only
        self._lock = threading.RLock()
        self._connection = _connect(url, self.path, read_only)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one statement with `?` placeholders."""
        with self._lock:
            self._connection.execute(_placeholders(sql), list(params))

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Run a query and return its rows as tuples."""
        with self._lock:
            return self._connection.execute(_placeholders(sql), list(params)).fetchall()

    def query(self, sql: str, params: Sequence[Any] = (), as_arrow: bool = False) -> Any:
        """Run a query and return a pandas DataFrame, or a pyarrow Table when `as_arrow`."""
        with self._lock:
            cursor = self._connection.execute(_placeholders(sql), list(params))
            rows = cursor.fetchall()
            description = cursor.description or []
        table = _arrow_table(description, rows)
        return table if as_arrow else _frame(table)

    def insert_rows(self, table: str, columns: dict[str, list[Any]]) -> None:
        """Append rows given column by column, with one COPY (the fastest way into PostgreSQL)."""
        if not columns or not next(iter(columns.values())):
            return
        with self._lock:
            self._copy(table, columns)

    def insert_unique_rows(self, table: str, columns: dict[str, list[Any]], key: str) -> list[Any]:
        """Append rows, skipping those that repeat a stored (or concurrently written) unique value; returns
        the `key` of each row inserted.

        Rows go through a session-local staging table so the batch still arrives by COPY; the INSERT then
        waits for any other transaction writing the same unique value and keeps whichever commits first.
        """
        if not columns or not next(iter(columns.values())):
            return []
        staging = f"_detente_staging_{table}"
        names = ", ".join(columns)
        # A savepoint inside the caller's transaction: a failure rolls the staged rows back with it, success
        # ends with the DELETE, so the next batch finds the staging table empty either way.
        with self._lock, self._connection.transaction():
            self._connection.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} (LIKE {table} INCLUDING DEFAULTS)"
                " ON COMMIT DELETE ROWS"
            )
            self._copy(staging, columns)
            rows = self._connection.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} ORDER BY {key}"
                f" ON CONFLICT DO NOTHING RETURNING {key}"
            ).fetchall()
            self._connection.execute(f"DELETE FROM {staging}")
        return [row[0] for row in rows]

    def table_exists(self, table: str) -> bool:
        """Whether `table` exists in the connection's current schema (the first of its search_path)."""
        rows = self.fetchall(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?",
            (table,),
        )
        return bool(rows)

    def lock(self, name: str) -> None:
        """Wait for, then hold until the transaction ends, the advisory lock `name` of the current schema."""
        self.execute(
            "SELECT pg_advisory_xact_lock(hashtext(?), hashtext(current_schema() || ':' || ?))",
            (_LOCK_NAMESPACE, name),
        )

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together or, on any exception, not at all."""
        with self._lock, self._connection.transaction():
            yield

    def close(self) -> None:
        """Close the connection; an open transaction is rolled back by the server."""
        with self._lock:
            self._connection.close()

    def _copy(self, table: str, columns: dict[str, list[Any]]) -> None:
        names = ", ".join(columns)
        with self._connection.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in zip(*columns.values()):
                copy.write_row(row)


def redact(url: str) -> str:
    """A database URL without its password (in the authority or as a `password=` parameter)."""
    url = re.sub(r"//([^:/@?]*):[^@/?]*@", r"//\1:***@", url)
    return re.sub(r"([?&]password=)[^&]*", r"\1***", url)


def with_search_path(url: str, schema: str) -> str:
    """`url` with the connection option that makes `schema` the current schema (where the store's tables
    live) of every session; replaces any `options` the URL had."""
    # Split by hand: urlunsplit would turn "postgresql:///db" (no host: the default socket) into "postgresql:/db".
    base, _, query_text = url.partition("?")
    query = [(k, v) for k, v in parse_qsl(query_text) if k != "options"]
    query.append(("options", f"-csearch_path={schema}"))
    return f"{base}?{urlencode(query, safe='/')}"


@contextmanager
def temporary_schema(url: str, prefix: str = "detente_tmp") -> Iterator[str]:
    """A URL into a new, empty schema of `url`'s database, dropped with everything in it afterwards."""
    import psycopg

    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_search_path(url, schema)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


def _connect(url: str, shown: str, read_only: bool) -> Any:
    """Open the connection, turning every failure into E207 with the reason in words (never the password)."""
    try:
        import psycopg
        from psycopg.types.string import TextLoader
    except ImportError:
        raise DetenteError("E207", path=shown,
                           detail="the psycopg package is not installed (pip install 'psycopg[binary]')") from None
    try:
        connection = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
    except (psycopg.Error, ValueError) as error:
        raise DetenteError("E207", path=shown, detail=_reason(error, url)) from None
    # The store reads JSON columns as text, as DuckDB returns them; psycopg would parse them.
    for json_type in ("json", "jsonb"):
        connection.adapters.register_loader(json_type, TextLoader)
    if connection.execute("SELECT current_schema()").fetchone()[0] is None:
        connection.close()
        raise DetenteError("E207", path=shown, detail="no schema of its search_path exists (CREATE SCHEMA it first)")
    if read_only:
        connection.execute("SET default_transaction_read_only = on")
    return connection


def _reason(error: Exception, url: str) -> str:
    """The driver's message on one line, with anything that could carry the password taken out."""
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    text = "; ".join(lines) if lines else type(error).__name__
    password = re.search(r"//[^:/@?]*:([^@/?]+)@", url)
    if password:
        text = text.replace(password.group(1), "***")
    return redact(text)


@functools.lru_cache(maxsize=512)
def _placeholders(sql: str) -> str:
    """`sql` with its `?` placeholders as psycopg's `%s` and literal `%` doubled; string literals untouched
    except for the doubling (psycopg reads `%` everywhere)."""
    out: list[str] = []
    in_string = False
    for char in sql:
        if char == "'":
            in_string = not in_string
        if char == "%":
            out.append("%%")
        elif char == "?" and not in_string:
            out.append("%s")
        else:
            out.append(char)
    return "".join(out)


def _arrow_table(description: Sequence[Any], rows: list[tuple]) -> pa.Table:
    """Rows as an Arrow table typed as DuckDB would type the same columns."""
    arrays, names = [], []
    for index, column in enumerate(description):
        values = [row[index] for row in rows]
        arrow_type = _ARROW_TYPES.get(column.type_code)
        if column.type_code == 1700:
            values = [None if v is None else float(v) for v in values]
        arrays.append(pa.array(values, type=arrow_type) if arrow_type is not None else pa.array(values))
        names.append(column.name)
    return pa.Table.from_arrays(arrays, names=names)


_converters = threading.local()


def _frame(table: pa.Table) -> Any:
    """The DataFrame DuckDB makes of the same Arrow table, so both backends return identical frames.

    DuckDB decides dtypes per result (nullable integers only where a NULL occurs, dates as datetime64[us]);
    letting it convert is the one way to match it exactly.  One in-memory connection per thread.
    """
    import duckdb

    connection = getattr(_converters, "connection", None)
    if connection is None:
        connection = _converters.connection = duckdb.connect()
    return connection.from_arrow(table).df()
