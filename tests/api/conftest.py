"""One store for the API tests, filled by the pipeline (examples, seed article, generated reports) plus
synthetic coded documents; read-only, a read-write and a token-less app over it."""

from __future__ import annotations

import pytest

from detente.api import create_app
from detente.settings import load_settings
from detente.store import open_store

from .client import ApiClient
from .corpus import filled_store

TOKEN = "test-token-0123456789"
SYNTHETIC_DOCUMENTS = 60


@pytest.fixture(scope="session")
def api_store(tmp_path_factory, pipeline):
    """A DuckDB store holding everything the tests query; shared, so tests that write use their own."""
    store = filled_store(tmp_path_factory.mktemp("api"), pipeline, SYNTHETIC_DOCUMENTS)
    yield store
    store.close()


def _settings(token: str):
    settings = load_settings(env={})
    settings.override("server.token", token)
    return settings


@pytest.fixture(scope="session")
def client(api_store) -> ApiClient:
    """A read-only server (no token configured) over the shared store."""
    return ApiClient(create_app(_settings(""), api_store))


@pytest.fixture
def writable_client(tmp_path, pipeline) -> ApiClient:
    """A server with a token configured, over a fresh empty store."""
    store = open_store(tmp_path / "writable.duckdb")
    yield ApiClient(create_app(_settings(TOKEN), store, pipeline=pipeline))
    store.close()
