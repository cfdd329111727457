"""Opening DuckDB files: every failure is E207 with the reason (transactions: test_repository.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from detente.errors import DetenteError
from detente.store import open_store


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
