"""Fixtures for the store tests: fresh stores on every backend (a DuckDB file, a PostgreSQL schema)."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.store import open_store

from .postgres import fresh_schema
from .store_factory import make_documents

BACKENDS = ["duckdb", "postgresql"]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A DuckDB file that does not exist yet."""
    return tmp_path / "detente.duckdb"


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path: Path):
    """An empty database on each backend: a DuckDB path, or a URL into a schema of its own."""
    if request.param == "duckdb":
        yield str(tmp_path / "detente.duckdb")
        return
    with fresh_schema() as url:
        yield url


@pytest.fixture
def store(db: str):
    with open_store(db) as opened:
        yield opened


@pytest.fixture(scope="module", params=BACKENDS)
def filled_store(request, tmp_path_factory):
    """A store holding synthetic documents 0..9 from one finished run; shared, so tests must only read."""
    if request.param == "duckdb":
        with _filled(str(tmp_path_factory.mktemp("filled") / "detente.duckdb")) as opened:
            yield opened
        return
    with fresh_schema() as url, _filled(url) as opened:
        yield opened


def _filled(db: str):
    opened = open_store(db)
    run_id = opened.begin_run("ingest", ["synthetic"])
    opened.write_batch(make_documents(10), run_id)
    opened.finish_run(run_id, {"stored": 10})
    return opened
