"""DuckDB connection handling for the store: open, transactions, bulk inserts, queries.

Holds no SQL of its own beyond what the `Backend` interface needs (see repository.py); every query the
store runs is written once in repository.py or schema.py.  DuckDB keeps a write-ahead log and replays only
committed transactions, which is what makes a batch all-or-nothing even when the process is killed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from detente.errors import DetenteError

# Name under which a batch's rows are exposed to DuckDB for `INSERT ... SELECT`; one insert at a time
# holds the lock, so a fixed name cannot clash.
_STAGING_VIEW = "_detente_staging_rows"


class DuckDBBackend:
    """One DuckDB connection, shared by the store's methods under a lock (DuckDB connections are not
    thread-safe and the HTTP API may call from several threads)."""

    name = "duckdb"

    def __init__(self, path: str | os.PathLike, read_only: bool = False) -> None:
        self.path = str(path)
        self.read_only = read_only
        self._lock = threading.RLock()
        self._connection = _connect(self.path, read_only)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one statement with `?` placeholders."""
        with self._lock:
            self._connection.execute(sql, list(params))

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Run a query and return its rows as tuples."""
        with self._lock:
            return self._connection.execute(sql, list(params)).fetchall()

    def query(self, sql: str, params: Sequence[Any] = (), as_arrow: bool = False) -> Any:
        """Run a query and return a pandas DataFrame, or a pyarrow Table when `as_arrow`."""
        with self._lock:
            # A relation (`sql`), not a DB-API result: DuckDB hands it to Arrow without an extra copy.
            relation = self._connection.sql(sql, params=list(params))
            return relation.to_arrow_table() if as_arrow else relation.df()

    def insert_rows(self, table: str, columns: dict[str, list[Any]]) -> None:
        """Append rows given column by column; one `INSERT ... SELECT` over an Arrow table.

        Measured on 1,000 event rows: 4 ms this way against 900 ms with `executemany`.
        """
        names = list(columns)
        if not names or not columns[names[0]]:
            return
        staged = pa.table(columns)
        column_list = ", ".join(names)
        with self._lock:
            self._connection.register(_STAGING_VIEW, staged)
            try:
                self._connection.execute(
                    f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {_STAGING_VIEW}"
                )
            finally:
                self._connection.unregister(_STAGING_VIEW)

    def insert_unique_rows(self, table: str, columns: dict[str, list[Any]], key: str) -> list[Any]:
        """Append rows, skipping those that repeat a stored unique value; returns the `key` of each row
        inserted (`ON CONFLICT DO NOTHING`, as in PostgreSQL)."""
        names = list(columns)
        if not names or not columns[names[0]]:
            return []
        staged = pa.table(columns)
        column_list = ", ".join(names)
        with self._lock:
            self._connection.register(_STAGING_VIEW, staged)
            try:
                rows = self._connection.execute(
                    f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {_STAGING_VIEW}"
                    f" ON CONFLICT DO NOTHING RETURNING {key}"
                ).fetchall()
            finally:
                self._connection.unregister(_STAGING_VIEW)
        return [row[0] for row in rows]

    def lock(self, name: str) -> None:
        """Nothing to wait for: one process at a time holds a DuckDB file open for writing."""

    def table_exists(self, table: str) -> bool:
        """Whether `table` exists in the main schema."""
        rows = self.fetchall(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?",
            (table,),
        )
        return bool(rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together or, on any exception, not at all."""
        with self._lock:
            self._connection.begin()
            try:
                yield
            except BaseException:
                self._connection.rollback()
                raise
            self._connection.commit()

    def close(self) -> None:
        """Close the connection; DuckDB checkpoints the WAL into the file on a clean close."""
        with self._lock:
            self._connection.close()


def _connect(path: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, turning every failure into E207 with the reason in words."""
    if path != ":memory:":
        target = Path(path)
        if not target.parent.exists():
            raise DetenteError("E207", path=path, detail=f"the directory {target.parent} does not exist")
        if read_only and not target.exists():
            raise DetenteError("E207", path=path, detail="the file does not exist (opened read-only)")
        if target.is_dir():
            raise DetenteError("E207", path=path, detail="it is a directory, not a database file")
    try:
        return duckdb.connect(path, read_only=read_only)
    except duckdb.Error as error:
        raise DetenteError("E207", path=path, detail=_reason(error)) from error


def _reason(error: Exception) -> str:
    """DuckDB's message, first line only, with a hint for the common lock conflict."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if "lock" in text.lower():
        return f"{text} (another process has it open; close that process or use another --db)"
    return text
