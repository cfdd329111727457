"""One JSON error shape for every failure: {"error": {"code", "message", "status"}} (pinned)."""

from __future__ import annotations

import pytest

from detente.api.errors import API_MESSAGES
from tests.paths import REPO


@pytest.mark.parametrize("method, url, status, code", [
    ("GET", "/api/v1/no-such-route", 404, "E301"),
    ("GET", "/api/v1/documents/0000000000000000", 404, "E304"),
    ("GET", "/api/v1/events/no-such-event", 404, "E308"),
    ("DELETE", "/api/v1/events", 405, "E302"),
    ("GET", "/api/v1/events?limit=0", 422, "E303"),
    ("GET", "/api/v1/events?quad_code=9", 422, "E303"),
    ("GET", "/api/v1/events?sort=sideways", 422, "E303"),
    ("GET", "/api/v1/events?since=yesterday", 400, "E204"),
    ("GET", "/api/v1/events?cursor=not-a-cursor", 400, "E203"),
    ("GET", "/api/v1/series?by=weather", 422, "E303"),
    ("POST", "/api/v1/documents", 403, "E306"),
    ("POST", "/api/v1/tracking/run", 403, "E306"),
    ("GET", "/no-such-page", 404, "E311"),
    ("GET", "/static/no-such-file.js", 404, "E301"),
], ids=lambda value: str(value)[:40])
def test_every_error_has_the_one_shape(client, method, url, status, code):
    response = client.request(method, url)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"]
    assert set(body["error"]) == {"code", "message", "status"}
    assert body["error"]["code"] == code
    assert body["error"]["status"] == status
    assert body["error"]["message"]


def test_a_crash_is_a_coded_500_without_a_traceback(api_store, monkeypatch):
    from detente.api import create_app
    from detente.settings import load_settings

    from .client import ApiClient

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(api_store, "actors", broken)
    response = ApiClient(create_app(load_settings(env={}), api_store)).get("/api/v1/actors")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "E310"
    assert "secret internals" not in response.text


def test_api_error_codes_are_documented():
    doc = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    for code in API_MESSAGES:
        assert f"| {code} |" in doc, code
