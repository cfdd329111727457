"""Opening DuckDB files: every failure is E207 with the reason; transactions are all-or-nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from detente.errors import DetenteError
from detente.store import open_store
from detente.store.duckdb_backend import DuckDBBackend


def _not_a_database(tmp_path: Path) -> Path:
    path = tmp_path / "notes.duckdb"
    path.write_text("these are notes, not a database\n" * 200, encoding="utf-8")
    return path


@pytest.mark.parametrize("make_path, read_only, reason", [
    (lambda tmp: tmp / "missing-dir" / "x.duckdb", False, "does not exist"),
    (lambda tmp: tmp, False, "directory"),
    (lambda tmp: tmp / "absent.duckdb", True, "does not exist"),
    (_not_a_database, False, "not a valid DuckDB database"),
])
def test_unopenable_path_raises_e207_with_reason(tmp_path, make_path, read_only, reason):
    path = make_path(tmp_path)
    with pytest.raises(DetenteError) as caught:
        open_store(path, read_only=read_only)
    assert caught.value.code == "E207"
    assert reason in caught.value.message
    assert str(path) in caught.value.message


@pytest.mark.parametrize("url", ["postgresql://user:secret@localhost/detente", "postgres://localhost/db"])
def test_postgresql_url_is_not_available_yet(url):
    with pytest.raises(DetenteError) as caught:
        open_store(url)
    assert caught.value.code == "E207"
    assert "PostgreSQL backend not available yet" in caught.value.message
    assert "secret" not in caught.value.message


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write to read-only directories")
def test_read_only_directory_raises_e207(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(DetenteError) as caught:
            open_store(locked / "x.duckdb")
    finally:
        locked.chmod(0o755)
    assert caught.value.code == "E207"


def test_database_held_by_another_process_raises_e207(db_path):
    open_store(db_path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(60)",
         str(db_path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(DetenteError) as caught:
            open_store(db_path)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert caught.value.code == "E207"
    assert "another process" in caught.value.message


def test_transaction_rolls_back_on_error(db_path):
    backend = DuckDBBackend(db_path)
    try:
        backend.execute("CREATE TABLE notes (text VARCHAR)")
        with pytest.raises(RuntimeError):
            with backend.transaction():
                backend.insert_rows("notes", {"text": ["kept?"]})
                raise RuntimeError("injected")
        assert backend.fetchall("SELECT COUNT(*) FROM notes") == [(0,)]
        with backend.transaction():
            backend.insert_rows("notes", {"text": ["a", "b"]})
        assert backend.fetchall("SELECT text FROM notes ORDER BY text") == [("a",), ("b",)]
    finally:
        backend.close()


@pytest.mark.parametrize("columns", [{}, {"text": []}])
def test_insert_of_no_rows_is_a_no_op(db_path, columns):
    backend = DuckDBBackend(db_path)
    try:
        backend.execute("CREATE TABLE notes (text VARCHAR)")
        backend.insert_rows("notes", columns)
        assert backend.fetchall("SELECT COUNT(*) FROM notes") == [(0,)]
    finally:
        backend.close()


def test_read_only_store_reads_but_refuses_writes(db_path):
    with open_store(db_path) as writable:
        writable.write_batch([], writable.begin_run("ingest", []))
    with open_store(db_path, read_only=True) as store:
        assert store.runs()["run_id"].tolist() == [1]
        with pytest.raises(DetenteError) as caught:
            store.begin_run("ingest", [])
    assert caught.value.code == "E207"
    assert "read-only" in caught.value.message


def test_read_only_open_of_an_unmigrated_file_says_how_to_fix_it(db_path):
    DuckDBBackend(db_path).close()
    with pytest.raises(DetenteError) as caught:
        open_store(db_path, read_only=True)
    assert caught.value.code == "E207"
    assert "without read-only" in caught.value.message
