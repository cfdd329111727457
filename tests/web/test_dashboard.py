"""The dashboard in a real browser: every page loads offline, clicks lead to the source sentence, filters
live in the URL."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from .conftest import screenshot


def _settled(page):
    """Wait until the page's data has loaded (the status line leaves "Loading…")."""
    page.wait_for_function("() => { const s = document.getElementById('status');"
                           " return s && s.textContent && !s.textContent.startsWith('Loading'); }")
    assert "error" not in (page.get_attribute("#status", "class") or ""), page.text_content("#status")


@pytest.mark.parametrize("path, selector", [
    ("/timeline", "#timeline a.event-dot"),
    ("/network", "#network line.edge"),
    ("/map", "#map circle.place"),
])
def test_each_page_loads_offline_and_draws(page, base_url, path, selector):
    page.goto(base_url + path)
    _settled(page)
    assert page.locator(selector).count() > 0
    screenshot(page, path.strip("/"))
    assert page.problems == []
    assert all(url.startswith(base_url) for url in page.requested), "the page reached outside the server"


def test_home_redirects_to_the_timeline(page, base_url):
    page.goto(base_url + "/")
    assert urlparse(page.url).path == "/timeline"


def test_map_draws_the_land_outline(page, base_url):
    page.goto(base_url + "/map")
    _settled(page)
    assert page.locator("#map circle.land").count() > 1000


def test_timeline_event_leads_to_its_sentence_and_record(page, base_url, web_store):
    page.goto(base_url + "/timeline?q=Kinshasa")
    _settled(page)
    assert page.locator("#timeline a.event-dot").count() > 0, page.text_content("#status")
    dot = page.locator("#timeline a.event-dot").last  # drawn last, so on top of any dot it overlaps
    event_id = dot.get_attribute("data-event-id")
    dot.click()
    page.wait_for_url(re.compile(r"/document\?id="))
    _settled(page)
    sentence = page.locator("#article span.event.focus").first
    sentence.wait_for(state="visible")
    doc_id = parse_qs(urlparse(page.url).query)["id"][0]
    body = web_store.document(doc_id)["body"]
    event = next(e for e in web_store.document(doc_id)["events"] if e["id"] == event_id)
    expected = body[event["text_info"]["start"]:event["text_info"]["end"]]
    focused = "".join(page.locator("#article span.event.focus").all_text_contents())
    assert focused and focused in expected
    screenshot(page, "document")
    # ... and from the sentence to the event's record card, and back.
    sentence.click()
    page.wait_for_url(re.compile(f"#record-{re.escape(event_id)}$"))
    assert "focus" in page.get_attribute(f"[id='record-{event_id}']", "class")
    page.locator(f"[id='record-{event_id}'] a.to-sentence").click()
    page.wait_for_url(re.compile(f"#event-{re.escape(event_id)}$"))
    assert page.locator("#article span.event.focus").count() > 0
    assert page.problems == []


def test_timeline_filter_is_reflected_in_the_url_and_results(page, base_url):
    page.goto(base_url + "/timeline")
    _settled(page)
    before = page.locator("#events tr[data-event-id]").count()
    page.fill("input[name=actor]", "TUR")
    page.select_option("select[name=quad_code]", "3")
    page.click("form#filters button[type=submit]")
    page.wait_for_url(re.compile(r"actor=TUR"))
    _settled(page)
    query = parse_qs(urlparse(page.url).query)
    assert query == {"actor": ["TUR"], "quad_code": ["3"]}
    rows = page.locator("#events tr[data-event-id]")
    assert 0 < rows.count() < before
    assert all("TUR" in text for text in page.locator("#events tr[data-event-id] td:nth-child(3)").all_text_contents())
    assert all(tag == "ACCUSE" for tag in page.locator("#events tr[data-event-id] td:nth-child(2)").all_text_contents())
    screenshot(page, "timeline-filtered")
    # The shared URL reproduces the view, and the navigation carries the filters to the other pages.
    page.goto(page.url)
    _settled(page)
    assert page.input_value("input[name=actor]") == "TUR"
    assert page.get_attribute("header nav a[data-page='/network']", "href") == "/network?actor=TUR&quad_code=3"


def test_network_date_filter(page, base_url):
    page.goto(base_url + "/network?since=2016-03-01&until=2016-03-05")
    _settled(page)
    assert page.input_value("input[name=since]") == "2016-03-01"
    edges = page.locator("#edges tr.edge-row").count()
    page.fill("input[name=until]", "2016-03-31")
    page.click("form#filters button[type=submit]")
    page.wait_for_url(re.compile(r"until=2016-03-31"))
    _settled(page)
    totals = [int(n) for n in page.locator("#edges tr.edge-row td:nth-child(3)").all_text_contents()]
    assert page.locator("#edges tr.edge-row").count() >= edges and sum(totals) > 0
    screenshot(page, "network-filtered")


def test_map_place_filter(page, base_url):
    page.goto(base_url + "/map")
    _settled(page)
    page.fill("input[name=place]", "CHE")
    page.click("form#filters button[type=submit]")
    page.wait_for_url(re.compile(r"place=CHE"))
    _settled(page)
    assert page.locator("#places tr.place-row td:nth-child(2)").all_text_contents() == ["CHE"]


@pytest.mark.parametrize("raw_path", [
    "/static/../../api/app.py", "/static/../../../pyproject.toml", "/static/..%2f..%2fsettings.yaml",
    "/static/....//....//settings.yaml", "/../../../etc/passwd",
])
def test_raw_path_traversal_is_refused_by_the_live_server(base_url, raw_path):
    import http.client

    host, port = urlparse(base_url).hostname, urlparse(base_url).port
    connection = http.client.HTTPConnection(host, port, timeout=10)
    try:
        connection.request("GET", raw_path)  # sent as is: no client-side normalisation of ".."
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
    finally:
        connection.close()
    assert response.status in (400, 404)
    assert "import" not in body and "root:" not in body and "token" not in body


def test_timeline_lists_processes_and_opens_one(page, base_url):
    page.goto(base_url + "/timeline")
    _settled(page)
    page.wait_for_selector("#processes a[data-process]")  # the list loads beside the events, not before them
    links = page.locator("#processes a[data-process]")
    assert links.count() > 0
    process_id = links.first.get_attribute("data-process")
    links.first.click()
    page.wait_for_url(re.compile(r"process=" + re.escape(process_id)))
    page.wait_for_selector("#process-timeline tr td")
    assert page.locator("#process-timeline tr").count() > 1
    screenshot(page, "timeline-process")
