"""Writes need the token, filter values are data, costs are bounded, files outside the dashboard stay out."""

from __future__ import annotations

import pytest

from detente.api.routes import MAX_FILTER_CHARS, MAX_PAGE_SIZE

from .conftest import TOKEN

_ONE_DOCUMENT = {"documents": [{"text": "Egypt and Ethiopia agreed on Sunday to resume talks in Kinshasa.",
                                "published": "2021-04-04", "title": "Dam talks"}]}


@pytest.mark.parametrize("url", ["/api/v1/documents", "/api/v1/tracking/run"])
def test_without_a_configured_token_the_server_is_read_only(client, url):
    response = client.post(url, json=_ONE_DOCUMENT, headers={"Authorization": "Bearer anything"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "E306"


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
    {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": "Bearer"},
], ids=["none", "wrong", "basic-scheme", "longer", "empty"])
def test_a_missing_or_wrong_token_is_401(writable_client, headers):
    response = writable_client.post("/api/v1/documents", json=_ONE_DOCUMENT, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "E305"
    assert response.headers["www-authenticate"] == "Bearer"
    assert writable_client.get("/api/v1").json()["counts"]["documents"] == 0


def test_the_right_token_ingests_and_the_document_is_served(writable_client):
    response = writable_client.post("/api/v1/documents", json=_ONE_DOCUMENT,
                                    headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    summary = response.json()
    assert (summary["read"], summary["stored"]) == (1, 1)
    listed = writable_client.get("/api/v1/documents").json()["documents"]
    assert [d["title"] for d in listed] == ["Dam talks"]
    record = writable_client.get(f"/api/v1/documents/{listed[0]['id']}").json()
    assert record["schema"] == "detente.document.v1"
    assert record["published"] == "2021-04-04"


def test_tracking_rerun_with_the_token_tracks_every_commitment(writable_client):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    text = "Egypt and Ethiopia will hold talks in Kinshasa on Tuesday and hope to reach a deal by June."
    posted = writable_client.post("/api/v1/documents", headers=auth,
                                  json={"documents": [{"text": text, "published": "2021-04-05"}]})
    assert posted.status_code in (200, 201), posted.text
    response = writable_client.post("/api/v1/tracking/run", headers=auth)
    assert response.status_code == 200
    body = response.json()
    assert sum(body["counts"].values()) == len(body["commitments"]) > 0
    assert {c["status"] for c in body["commitments"]} <= {"pending", "kept", "missed"}


@pytest.mark.parametrize("body", [
    {"documents": []}, {"documents": [{"title": "no text"}]}, {"documents": [{"text": "x", "sql": "DROP"}]},
    {"documents": [{"text": "x"}] * 101},
], ids=["empty", "no-text", "unknown-field", "too-many"])
def test_bad_post_bodies_are_422(writable_client, body):
    response = writable_client.post("/api/v1/documents", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "E303"


@pytest.mark.parametrize("field", ["actor", "recipient", "category", "status", "place", "q"])
@pytest.mark.parametrize("value", [
    "' OR 1=1 --", "RUS'; DROP TABLE events; --", "%", "_", "\\", "x) UNION SELECT record FROM documents --",
])
def test_sql_looking_filter_values_are_data(client, api_store, field, value):
    before = api_store.counts()
    response = client.get("/api/v1/events", params={field: value})
    assert response.status_code == 200
    assert response.json()["events"] == []
    assert api_store.counts() == before


@pytest.mark.parametrize("url", [
    f"/api/v1/events?limit={MAX_PAGE_SIZE + 1}", "/api/v1/documents?limit=100000", "/api/v1/quotes?limit=501",
    "/api/v1/network?limit=100000", "/api/v1/map?limit=100000", "/api/v1/events.csv?limit=100000000",
    f"/api/v1/events?q={'x' * (MAX_FILTER_CHARS + 1)}",
])
def test_page_sizes_and_filter_lengths_are_capped(client, url):
    response = client.get(url)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "E303"


def test_a_huge_body_is_refused_before_it_is_read(writable_client):
    response = writable_client.post("/api/v1/documents", content=b"{}",
                                    headers={"Authorization": f"Bearer {TOKEN}", "Content-Length": "999999999"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "E309"


@pytest.mark.parametrize("path", [
    "/static/..%2f..%2fapi%2fapp.py", "/static/%2e%2e/%2e%2e/settings.yaml", "/static/..%2F..%2Fsettings.yaml",
    "/static/%2e%2e%2f%2e%2e%2fsettings.yaml", "/..%2fsettings.yaml", "/static//etc/passwd",
    "/static/%2fetc%2fpasswd", "/%2e%2e%2f%2e%2e%2fpyproject.toml",
])
def test_path_traversal_out_of_the_dashboard_is_refused(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "token" not in response.text and "root:" not in response.text and "import" not in response.text


def test_dashboard_assets_are_served(client):
    response = client.get("/static/common.js")
    assert response.status_code == 200
    assert "detente" in response.text
