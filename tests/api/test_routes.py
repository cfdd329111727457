"""The API's reads over a store filled by the pipeline: filters, sort, cursor pages, downloads, series."""

from __future__ import annotations

import io
import json

import pyarrow.parquet as pq
import pytest

from .conftest import SYNTHETIC_DOCUMENTS


def _all_pages(client, **params):
    """Every event of a query, following next_cursor page by page."""
    events, cursor, pages = [], None, 0
    while True:
        body = client.get("/api/v1/events", params={**params, **({"cursor": cursor} if cursor else {})}).json()
        events.extend(body["events"])
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            return events, pages


def test_index_reports_counts_and_read_only(client, api_store):
    body = client.get("/api/v1").json()
    assert body["counts"] == api_store.counts()
    assert body["writable"] is False
    assert body["counts"]["events"] > SYNTHETIC_DOCUMENTS


@pytest.mark.parametrize("sort", ["date", "-date", "scale", "-confidence"])
def test_cursor_pages_cover_every_event_once_in_order(client, api_store, sort):
    events, pages = _all_pages(client, sort=sort, limit=7)
    ids = [e["id"] for e in events]
    assert len(ids) == len(set(ids)) == api_store.counts()["events"]
    assert pages == -(-len(ids) // 7)
    if sort == "date":
        days = [e["date"][:10] for e in events if e["date"] and e["date"][:4].isdigit() and len(e["date"]) >= 10]
        assert days == sorted(days)
    if sort == "-confidence":
        values = [e["confidence"] for e in events]
        assert values == sorted(values, reverse=True)


def test_a_cursor_from_another_sort_is_refused(client):
    cursor = client.get("/api/v1/events", params={"limit": 1}).json()["next_cursor"]
    response = client.get("/api/v1/events", params={"limit": 1, "sort": "-date", "cursor": cursor})
    assert response.status_code == 400


@pytest.mark.parametrize("params, check", [
    ({"actor": "RUS"}, lambda e: "RUS" in [a["code"] for a in e["actor"]]),
    ({"actor": "TUR MIL"}, lambda e: any(a["code"] == "TUR" and "MIL" in a["sector"] for a in e["actor"])),
    ({"actor": "lavrov"}, lambda e: any("lavrov" in (a["identifier_text"] or "").lower() for a in e["actor"])),
    ({"recipient": "SYR"}, lambda e: "SYR" in [r["code"] for r in e["recipient"]]),
    ({"category": "consult"}, lambda e: "CONSULT" in e["event"]),
    ({"quad_code": 4}, lambda e: e["quad_code"] == 4),
    ({"status": "occurred"}, lambda e: e["status"] == "occurred"),
    ({"since": "2016-03-10", "until": "2016-03-12"}, lambda e: "2016-03-10" <= e["date"] <= "2016-03-12"),
    ({"place": "CHE"}, lambda e: e["event_loc"]["country"] == "CHE"),
    ({"place": "alepp"}, lambda e: e["event_loc"]["name"] == "Aleppo"),
    ({"q": "Synthetic report 7"}, lambda e: e["document"]["title"] == "Synthetic report 7"),
], ids=lambda value: json.dumps(value) if isinstance(value, dict) else "")
def test_event_filters_keep_only_matching_events(client, params, check):
    events, _ = _all_pages(client, limit=100, **params)
    assert events, params
    assert all(check(e) for e in events)


def test_filters_narrow_the_results(client, api_store):
    everything = api_store.counts()["events"]
    narrowed, _ = _all_pages(client, limit=500, quad_code=4, place="SYR")
    assert 0 < len(narrowed) < everything


def test_pipeline_coded_events_are_served(client):
    events, _ = _all_pages(client, limit=200, q="Kinshasa")
    coded = [e for e in events if e["document"]["outlet"] == "detente examples"]
    assert coded and all(e["document"]["id"] for e in coded)


def test_one_event_by_id(client):
    first = client.get("/api/v1/events", params={"limit": 1}).json()["events"][0]
    assert client.get(f"/api/v1/events/{first['id']}").json() == first


@pytest.mark.parametrize("params", [{}, {"quad_code": 1}, {"actor": "USA", "since": "2016-03-05"}])
def test_csv_and_parquet_downloads_hold_the_same_events_as_the_query(client, params):
    expected, _ = _all_pages(client, limit=500, **params)
    csv_response = client.get("/api/v1/events.csv", params=params)
    assert csv_response.headers["content-type"].startswith("text/csv")
    lines = csv_response.text.strip().splitlines()
    assert len(lines) == len(expected) + 1
    assert lines[0].startswith('"doc_id","event_id"')
    table = pq.read_table(io.BytesIO(client.get("/api/v1/events.parquet", params=params).content))
    assert table.column("event_id").to_pylist() == [e["id"] for e in expected]


def test_download_limit_truncates(client):
    table = pq.read_table(io.BytesIO(client.get("/api/v1/events.parquet", params={"limit": 5}).content))
    assert table.num_rows == 5


@pytest.mark.parametrize("by", ["category", "dyad", "quad", "all"])
@pytest.mark.parametrize("interval", ["day", "month", "total"])
def test_series_counts_add_up_to_the_dated_events(client, api_store, by, interval):
    series = client.get("/api/v1/series", params={"by": by, "interval": interval}).json()["series"]
    dated = int(api_store.backend.fetchall("SELECT COUNT(*) FROM events WHERE event_date IS NOT NULL")[0][0])
    total = sum(point["events"] for point in series)
    assert total == (api_store.counts()["events"] if interval == "total" else dated)
    if interval != "total":
        assert all(len(point["period"]) == 10 for point in series)


def test_dyad_series_per_day(client):
    series = client.get("/api/v1/series", params={"by": "dyad", "actor": "TUR", "recipient": "RUS"}).json()
    assert series["series"] and {p["key"] for p in series["series"]} == {"TUR-RUS"}


def test_network_edges_split_cooperation_and_conflict(client):
    body = client.get("/api/v1/network", params={"since": "2016-03-01", "until": "2016-03-31"}).json()
    edges = {(e["source"], e["target"]): e for e in body["edges"]}
    assert edges[("RUS", "USA")]["cooperation"] == edges[("RUS", "USA")]["events"]
    assert edges[("SYR", "TUR")]["conflict"] == edges[("SYR", "TUR")]["events"]
    assert {n["id"] for n in body["nodes"]} >= {"RUS", "USA", "SYR", "TUR"}


def test_map_places_have_coordinates_and_counts(client):
    places = {p["name"]: p for p in client.get("/api/v1/map", params={"q": "Synthetic"}).json()["places"]}
    assert set(places) == {"Geneva", "Moscow", "Aleppo"}
    assert places["Geneva"]["lat"] == pytest.approx(46.2)
    assert sum(p["events"] for p in places.values()) == SYNTHETIC_DOCUMENTS


def test_basemap_is_a_dotted_world(client):
    cells = client.get("/api/v1/basemap").json()["cells"]
    assert len(cells) > 1000
    assert all(-90 <= lat <= 90 and -180 <= lon <= 180 for lat, lon in cells)


def test_documents_list_search_and_record(client):
    listed = client.get("/api/v1/documents", params={"q": "Kinshasa"}).json()["documents"]
    assert listed and all("body" not in d for d in listed)
    record = client.get(f"/api/v1/documents/{listed[0]['id']}").json()
    assert "Kinshasa" in record["body"] and record["schema"] == "detente.document.v1"
    mentions = client.get(f"/api/v1/documents/{listed[0]['id']}/mentions").json()["mentions"]
    assert all(record["body"][m["start_offset"]:m["end_offset"]] for m in mentions if m["start_offset"] is not None)


@pytest.mark.parametrize("url, key", [
    ("/api/v1/quotes?limit=3", "quotes"), ("/api/v1/stances", "stances"), ("/api/v1/commitments", "commitments"),
    ("/api/v1/actors?limit=5", "actors"), ("/api/v1/runs", "runs"),
])
def test_item_lists(client, url, key):
    response = client.get(url)
    assert response.status_code == 200
    assert isinstance(response.json()[key], list)


def test_quotes_and_actors_come_from_the_pipeline(client):
    assert client.get("/api/v1/quotes", params={"limit": 3}).json()["quotes"]
    assert len(client.get("/api/v1/actors", params={"limit": 5}).json()["actors"]) == 5


def test_openapi_lists_every_api_route(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/v1/events", "/api/v1/events.csv", "/api/v1/series", "/api/v1/documents/{doc_id}"} <= set(spec["paths"])
    assert not any(path.startswith("/static") for path in spec["paths"])


def test_processes_and_their_timelines(client):
    response = client.get("/api/v1/processes")
    assert response.status_code == 200
    processes = response.json()["processes"]
    assert processes and all(p["id"].startswith("pr-") and p["name"] for p in processes)
    syria = [p for p in processes if p["topic"] == "SYR"]
    assert syria, [p["name"] for p in processes]
    timeline = client.get(f"/api/v1/processes/{syria[0]['id']}/timeline").json()["timeline"]
    from detente.tracking import period

    starts = [period(t["date"])[0] for t in timeline if t["date"]]
    assert timeline and starts == sorted(starts)  # in date order, "2015-W50" before "2015-12-15"
    missing = client.get("/api/v1/processes/no-such-process-at-all/timeline")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "E312"


def test_merged_events_and_their_reports(client, api_store):
    body = client.get("/api/v1/merged-events", params={"limit": 500}).json()["merged_events"]
    # every stored report belongs to exactly one merged event, so the merged counts add up to the events
    assert sum(m["mentions"] for m in body) == api_store.counts()["events"]
    assert all(m["id"].startswith("me-") and m["sources"] >= 1 for m in body)
    most = max(body, key=lambda m: m["sources"])
    reports = client.get(f"/api/v1/merged-events/{most['id']}/reports").json()["reports"]
    assert len({r["doc_id"] for r in reports}) == most["sources"]
    filtered = client.get("/api/v1/merged-events", params={"min_sources": most["sources"]}).json()
    assert most["id"] in {m["id"] for m in filtered["merged_events"]}
    missing = client.get("/api/v1/merged-events/me-nosuchevent/reports")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "E313"
