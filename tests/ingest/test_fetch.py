"""Polite fetching against a local HTTP server: User-Agent, robots.txt, retries, Retry-After, rate limit."""

from __future__ import annotations

import socket

import pytest

from detente.errors import DetenteError
from detente.ingest.fetch import Fetcher

from .ingest_support import TEST_AGENT

PAGE = (200, "text/html; charset=utf-8", b"<html><body><p>Hello.</p></body></html>")
ROBOTS = (200, "text/plain", b"User-agent: *\nDisallow: /private/\n")


class FakeTime:
    """A clock that moves only when slept on, recording every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time():
    return FakeTime()


def fetcher_for(settings, fake_time) -> Fetcher:
    return Fetcher(settings, sleep=fake_time.sleep, clock=fake_time.clock)


def test_get_sends_our_user_agent(site, settings, fake_time):
    site.routes["/a"] = PAGE
    result = fetcher_for(settings, fake_time).get(site.url("/a"))
    assert (result.status, result.content, result.content_type, result.charset) == (200, PAGE[2], "text/html", "utf-8")
    assert result.final_url == site.url("/a")
    assert site.agents and set(site.agents) == {TEST_AGENT}


def test_robots_disallow_is_e111_and_robots_is_fetched_once(site, settings, fake_time):
    site.routes["/robots.txt"] = ROBOTS
    site.routes["/public/a"] = PAGE
    site.routes["/private/b"] = PAGE
    fetcher = fetcher_for(settings, fake_time)
    assert fetcher.get(site.url("/public/a")).status == 200
    with pytest.raises(DetenteError) as caught:
        fetcher.get(site.url("/private/b"))
    assert caught.value.code == "E111"
    assert site.hits["/robots.txt"] == 1
    assert site.hits["/private/b"] == 0


def test_robots_can_be_ignored_by_setting(site, settings, fake_time):
    site.routes["/robots.txt"] = ROBOTS
    site.routes["/private/b"] = PAGE
    settings.override("fetch.respect_robots", False)
    assert fetcher_for(settings, fake_time).get(site.url("/private/b")).status == 200
    assert site.hits["/robots.txt"] == 0


@pytest.mark.parametrize(("status", "allowed"), [(404, True), (500, True), (403, False)])
def test_robots_status(site, settings, fake_time, status, allowed):
    site.routes["/robots.txt"] = (status, "text/plain", b"")
    site.routes["/a"] = PAGE
    fetcher = fetcher_for(settings, fake_time)
    if allowed:
        assert fetcher.get(site.url("/a")).status == 200
    else:
        with pytest.raises(DetenteError, match="E111"):
            fetcher.get(site.url("/a"))


def test_failing_twice_then_succeeding_is_retried_with_backoff(site, settings, fake_time):
    site.routes["/flaky"] = lambda hit: PAGE if hit > 2 else (503, "text/plain", b"busy")
    result = fetcher_for(settings, fake_time).get(site.url("/flaky"))
    assert result.status == 200
    assert site.hits["/flaky"] == 3
    assert fake_time.sleeps == pytest.approx([0.01, 0.02])


def test_retry_after_is_honoured_and_capped(site, settings, fake_time):
    site.routes["/limited"] = lambda hit: PAGE if hit > 2 else (429, "text/plain", b"", {"Retry-After": "3" if hit == 1 else "7200"})
    settings.override("fetch.max_retry_after_s", 30.0)
    fetcher_for(settings, fake_time).get(site.url("/limited"))
    assert fake_time.sleeps == pytest.approx([3.0, 30.0])


def test_retries_run_out_as_e110(site, settings, fake_time):
    site.routes["/down"] = (502, "text/plain", b"bad gateway")
    with pytest.raises(DetenteError) as caught:
        fetcher_for(settings, fake_time).get(site.url("/down"))
    assert caught.value.code == "E110" and "502" in caught.value.message
    assert site.hits["/down"] == settings["fetch"]["retries"] + 1


def test_not_found_is_not_retried(site, settings, fake_time):
    with pytest.raises(DetenteError, match="E110"):
        fetcher_for(settings, fake_time).get(site.url("/missing"))
    assert site.hits["/missing"] == 1


def test_connection_refused_is_e110(settings, fake_time):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.override("fetch.respect_robots", False)
    with pytest.raises(DetenteError) as caught:
        fetcher_for(settings, fake_time).get(f"http://127.0.0.1:{port}/a")
    assert caught.value.code == "E110"
    assert len(fake_time.sleeps) == settings["fetch"]["retries"]


@pytest.mark.parametrize("url", ["ftp://example.org/a", "file:///etc/passwd", "not a url"])
def test_only_http_is_fetched(settings, fake_time, url):
    with pytest.raises(DetenteError, match="E110"):
        fetcher_for(settings, fake_time).get(url)


def test_per_host_rate_limit(site, settings, fake_time):
    site.routes["/a"] = PAGE
    site.routes["/b"] = PAGE
    settings.override("fetch.per_host_interval_s", 2.5)
    fetcher = fetcher_for(settings, fake_time)
    fetcher.get(site.url("/a"))  # robots.txt, then /a: one wait between them
    fetcher.get(site.url("/b"))
    assert fake_time.sleeps == pytest.approx([2.5, 2.5])


def test_oversized_response_is_e110(site, settings, fake_time):
    site.routes["/big"] = (200, "text/plain", b"x" * 500)
    settings.override("ingest.max_bytes", 100)
    with pytest.raises(DetenteError, match="larger than 100 bytes"):
        fetcher_for(settings, fake_time).get(site.url("/big"))
