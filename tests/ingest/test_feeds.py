"""Feeds: parsing RSS and Atom, reading URL and feed inputs, and `watch` ingesting each item once."""

from __future__ import annotations

import json

import pytest

from detente.errors import UsageError
from detente.ingest import Fetcher, parse_feed, parse_interval, read_inputs, watch
from detente.ingest.feeds import is_feed, load_seen

from .ingest_support import FIXTURES, TEST_AGENT

RSS = (FIXTURES / "feed.xml").read_bytes()
ATOM = (FIXTURES / "atom.xml").read_bytes()
ARTICLE = (FIXTURES / "article.html").read_bytes()
SAVED_PAGE = (FIXTURES / "saved_page.txt").read_bytes()


@pytest.fixture
def news_site(site):
    """The local site serving two articles, an RSS feed, an Atom feed and a robots.txt."""
    site.routes.update({
        "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
        "/feed.xml": (200, "application/rss+xml", RSS),
        "/atom.xml": (200, "application/xml", ATOM),
        "/articles/geneva.html": (200, "text/html; charset=utf-8", ARTICLE),
        "/articles/envoys.txt": (200, "text/plain; charset=utf-8", SAVED_PAGE),
        "/articles/ports.html": (200, "text/html", ARTICLE.replace(b"Geneva next month", b"Geneva soon")),
        "/private/secret.html": (200, "text/html", ARTICLE),
    })
    return site


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def fetcher(settings, sleeps):
    return Fetcher(settings, sleep=sleeps.append)


def test_parse_rss():
    items = parse_feed(RSS, "https://herald.example.org/world/feed.xml")
    assert [(i.url, i.title, i.published) for i in items] == [
        ("https://herald.example.org/articles/geneva.html", "Ministers agree to meet in Geneva next month", "2019-03-04T09:30:00+00:00"),
        ("https://herald.example.org/articles/envoys.txt", "Envoys set June deadline for ceasefire", "2019-03-06T12:00:00+00:00"),
    ]
    assert items[0].summary == "Talks on the river border."


def test_parse_atom():
    [item] = parse_feed(ATOM, "https://herald.example.org/atom.xml")
    assert (item.url, item.title, item.published, item.summary) == (
        "https://herald.example.org/articles/ports.html", "Ports reopen after strike ends", "2019-03-05T10:00:00+00:00",
        "Dock workers return.",
    )


@pytest.mark.parametrize(
    ("content", "content_type", "expected"),
    [
        (RSS, "application/rss+xml", True),
        (RSS, "text/xml", True),
        (ATOM, "application/xml", True),
        (ATOM, "", True),
        (ARTICLE, "text/html", False),
        (b"<?xml version='1.0'?><sitemap/>", "application/xml", False),
    ],
)
def test_is_feed(content, content_type, expected):
    assert is_feed(content, content_type) is expected


@pytest.mark.parametrize(("value", "seconds"), [("30s", 30), ("15m", 900), ("2h", 7200), ("1d", 86400), ("45", 45), ("1.5m", 90)])
def test_parse_interval(value, seconds):
    assert parse_interval(value) == seconds


@pytest.mark.parametrize("value", ["", "soon", "15x", "-5m", "0s"])
def test_parse_interval_rejects(value):
    with pytest.raises(UsageError):
        parse_interval(value)


def test_url_input_reads_an_article(news_site, settings, fetcher):
    url = news_site.url("/articles/geneva.html")
    [doc] = read_inputs([url], settings, fetcher=fetcher)
    assert (doc.source, doc.url, doc.rejected) == (url, url, None)
    assert doc.title == "Ministers agree to meet in Geneva next month"
    assert (doc.published, doc.published_source) == ("2019-03-04", "metadata")
    assert set(news_site.agents) == {TEST_AGENT}


@pytest.mark.parametrize(
    ("path", "code"),
    [("/private/secret.html", "E111"), ("/missing.html", "E110")],
)
def test_url_input_rejections(news_site, settings, fetcher, path, code):
    url = news_site.url(path)
    [doc] = read_inputs([url], settings, fetcher=fetcher)
    assert (doc.rejected.code, doc.source, doc.body) == (code, url, "")


@pytest.mark.parametrize(
    ("feed", "titles"),
    [
        ("/feed.xml", ["Ministers agree to meet in Geneva next month", "Envoys set June deadline for Kestrel Valley ceasefire"]),
        ("/atom.xml", ["Ministers agree to meet in Geneva soon"]),
    ],
)
def test_feed_url_reads_every_item(news_site, settings, fetcher, feed, titles):
    docs = list(read_inputs([news_site.url(feed)], settings, fetcher=fetcher))
    assert [d.title for d in docs] == titles
    assert all(d.rejected is None for d in docs)
    assert docs[0].source.startswith(news_site.url("/articles/"))


def test_feed_item_date_is_used_when_the_page_has_none(news_site, settings, fetcher):
    docs = list(read_inputs([news_site.url("/feed.xml")], settings, fetcher=fetcher))
    envoys = docs[1]
    assert envoys.outlet == "The Northern Ledger"
    assert (envoys.published, envoys.published_source) == ("2019-03-06T12:00:00+00:00", "metadata")


def test_watch_ingests_new_items_once_across_restarts(news_site, settings, fetcher, sleeps, tmp_path):
    state = tmp_path / "watch.json"
    rounds: list[list[str]] = []

    def on_documents(docs):
        rounds.append([d.title for d in docs])

    feeds = [news_site.url("/feed.xml")]
    watch(feeds, 60.0, on_documents, settings, state, iterations=2, sleep=sleeps.append, fetcher=fetcher)
    assert rounds == [["Ministers agree to meet in Geneva next month", "Envoys set June deadline for Kestrel Valley ceasefire"]]
    assert sleeps.count(60.0) == 1  # between the two rounds, not after the last
    assert news_site.hits["/articles/geneva.html"] == 1
    assert len(load_seen(state)) == 2

    # A restarted watch, with one new item in the feed, reads only that item.
    news_site.routes["/feed.xml"] = (200, "application/rss+xml", RSS.replace(
        b"<item>", b"<item><title>Ports reopen</title><link>/articles/ports.html</link></item><item>", 1))
    watch(feeds, 60.0, on_documents, settings, state, iterations=2, sleep=sleeps.append, fetcher=fetcher)
    assert rounds[1:] == [["Ministers agree to meet in Geneva soon"]]
    assert news_site.hits["/articles/geneva.html"] == 1
    assert json.loads(state.read_text(encoding="utf-8"))["seen"] == sorted(load_seen(state))
    assert len(load_seen(state)) == 3


def test_watch_retries_items_that_failed_to_fetch(news_site, settings, fetcher, sleeps, tmp_path):
    news_site.routes["/articles/envoys.txt"] = lambda hit: (
        (200, "text/plain", SAVED_PAGE) if hit > settings["fetch"]["retries"] + 1 else (503, "text/plain", b"busy")
    )
    rounds: list[list[str | None]] = []
    watch([news_site.url("/feed.xml")], 5.0, lambda docs: rounds.append([d.rejected and d.rejected.code for d in docs]),
          settings, tmp_path / "state.json", iterations=2, sleep=sleeps.append, fetcher=fetcher)
    assert rounds == [[None, "E110"], [None]]


def test_watch_survives_a_failing_feed(news_site, settings, fetcher, sleeps, tmp_path):
    rounds = []
    watch([news_site.url("/gone.xml"), news_site.url("/atom.xml")], 5.0, rounds.append, settings,
          tmp_path / "state.json", iterations=1, sleep=sleeps.append, fetcher=fetcher)
    assert [len(r) for r in rounds] == [1]
    assert sleeps == []
