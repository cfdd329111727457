"""Every API route is documented in docs/api.md (a test fails when one is not)."""

from __future__ import annotations

import pytest

from detente.api import create_app
from detente.settings import load_settings
from tests.paths import REPO

API_DOC = (REPO / "docs" / "api.md").read_text(encoding="utf-8")


def _api_routes():
    """(METHOD, path) of every API route, from the app's OpenAPI description."""
    from detente.store import open_store

    store = open_store(":memory:")
    try:
        paths = create_app(load_settings(env={}), store).openapi()["paths"]
    finally:
        store.close()
    return [(method.upper(), path) for path, operations in paths.items() for method in operations
            if path.startswith("/api/")]


@pytest.mark.parametrize("method, path", _api_routes())
def test_route_documented(method, path):
    assert f"### `{method} {path}`" in API_DOC, f"{method} {path} is missing from docs/api.md"


def test_routes_are_found():
    assert ("GET", "/api/v1/events") in _api_routes()


def test_every_documented_route_exists():
    routes = {f"{m} {p}" for m, p in _api_routes()}
    documented = [line[5:-1] for line in API_DOC.splitlines() if line.startswith("### `")]
    assert set(documented) <= routes
