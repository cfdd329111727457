"""`detente serve --db postgresql://...`: the app opens the store from settings, as the CLI does."""

from __future__ import annotations

from detente.api import create_app
from detente.settings import load_settings
from detente.store import open_store
from tests.store.postgres import fresh_schema
from tests.store.store_factory import make_documents

from .client import ApiClient


def _app(url: str, token: str):
    settings = load_settings(env={})
    settings.override("store.db", url)
    settings.override("server.token", token)
    return create_app(settings)


def test_app_serves_documents_from_a_postgres_url():
    with fresh_schema() as url:
        with open_store(url) as store:
            store.write_batch(make_documents(3), None)
        app = _app(url, "")
        try:
            response = ApiClient(app).get("/api/v1/documents")
            assert response.status_code == 200
            assert len(response.json()["documents"]) == 3
        finally:
            app.state.store.close()


def test_without_a_token_the_postgres_store_is_opened_read_only():
    with fresh_schema() as url:
        with open_store(url):
            pass  # migrate the fresh schema so the read-only open finds tables
        app = _app(url, "")
        try:
            assert app.state.store.backend.read_only
        finally:
            app.state.store.close()
