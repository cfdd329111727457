"""Fixtures for the store tests: a fresh DuckDB store in a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.store import open_store

from .store_factory import make_documents


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "detente.duckdb"


@pytest.fixture
def store(db_path: Path):
    with open_store(db_path) as opened:
        yield opened


@pytest.fixture(scope="module")
def filled_store(tmp_path_factory):
    """A store holding synthetic documents 0..9 from one finished run; shared, so tests must only read."""
    with open_store(tmp_path_factory.mktemp("filled") / "detente.duckdb") as opened:
        run_id = opened.begin_run("ingest", ["synthetic"])
        opened.write_batch(make_documents(10), run_id)
        opened.finish_run(run_id, {"stored": 10})
        yield opened
