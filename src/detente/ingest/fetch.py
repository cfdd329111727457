"""Polite HTTP fetching with the standard library: User-Agent, timeouts, retries with backoff, a per-host
rate limit and robots.txt.

`Fetcher(settings).get(url)` returns a `FetchResult` or raises `DetenteError` E110 (fetch failed) or E111
(robots.txt disallows).  Settings come from the `fetch` section; `sleep` and `clock` are injectable so that
tests never really wait.
"""

from __future__ import annotations

import email.utils
import logging
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from detente.errors import DetenteError
from detente.settings import Settings

log = logging.getLogger(__name__)

# Statuses worth another try: rate limited, or a server-side failure that may pass.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# A server asking for a longer pause than this (Retry-After) is waited for only this long, then tried again;
# `fetch.max_retry_after_s` overrides it.
MAX_RETRY_AFTER_S = 60.0
ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,"
    "text/plain;q=0.8,*/*;q=0.5"
)


@dataclass
class FetchResult:
    """One HTTP response: the address asked for, where redirects ended, status, headers and body bytes."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case ("text/html")."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset parameter of Content-Type, if any."""
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'").lower()
        return None


class Fetcher:
    """Fetches URLs politely; one instance keeps the per-host clocks and the robots.txt cache."""

    def __init__(
        self,
        settings: Settings,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        options = settings["fetch"]
        self.user_agent = str(options["user_agent"])
        self.timeout_s = float(options["timeout_s"])
        self.retries = int(options["retries"])
        self.backoff_s = float(options["backoff_s"])
        self.per_host_interval_s = float(options["per_host_interval_s"])
        self.respect_robots = bool(options["respect_robots"])
        self.max_retry_after_s = float(options.get("max_retry_after_s", MAX_RETRY_AFTER_S))
        self.max_bytes = int(settings.get("ingest.max_bytes", 50_000_000))
        self.sleep = sleep
        self.clock = clock
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser] = {}

    def get(self, url: str) -> FetchResult:
        """The response for `url` after robots.txt, rate limit and retries; E110/E111 when it cannot be had."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise DetenteError("E110", url=url, detail="only http and https addresses can be fetched")
        if self.respect_robots and not self.allowed(url):
            raise DetenteError("E111", url=url)
        return self._get_with_retries(url)

    def allowed(self, url: str) -> bool:
        """Whether the site's robots.txt lets our User-Agent fetch `url` (fetched once per host, cached)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        robots = self._robots.get(origin)
        if robots is None:
            robots = self._load_robots(origin)
            self._robots[origin] = robots
        return robots.can_fetch(self.user_agent, url)

    def _load_robots(self, origin: str) -> RobotFileParser:
        """Parse the origin's robots.txt; a missing or unreachable one allows everything, 401/403 nothing."""
        robots = RobotFileParser(urljoin(origin, "/robots.txt"))
        try:
            result = self._get_with_retries(robots.url)
        except DetenteError as err:
            status = err.details.get("status")
            if status in (401, 403):
                robots.disallow_all = True
            else:
                robots.allow_all = True
            return robots
        lines = result.content.decode("utf-8", errors="replace").splitlines()
        robots.parse(lines)
        return robots

    def _get_with_retries(self, url: str) -> FetchResult:
        """GET with exponential backoff on connection errors, 429 and 5xx (Retry-After honoured, capped)."""
        attempt = 0
        while True:
            self._wait_for_host(url)
            try:
                return self._request(url)
            except urllib.error.HTTPError as err:
                status = err.code
                retry_after = _retry_after_s(err.headers.get("Retry-After") if err.headers else None)
                detail = f"HTTP {status} {err.reason}"
                err.close()
                if status not in RETRY_STATUSES or attempt >= self.retries:
                    raise DetenteError("E110", url=url, detail=detail, status=status) from None
                delay = self.backoff_s * 2**attempt
                if retry_after is not None:
                    delay = min(max(retry_after, delay), self.max_retry_after_s)
            except (urllib.error.URLError, TimeoutError, socket.timeout, ConnectionError, OSError) as err:
                reason = getattr(err, "reason", err)
                if attempt >= self.retries:
                    raise DetenteError("E110", url=url, detail=str(reason)) from None
                delay = self.backoff_s * 2**attempt
            attempt += 1
            log.info("retrying %s in %.1fs (attempt %d of %d)", url, delay, attempt, self.retries)
            self.sleep(delay)

    def _wait_for_host(self, url: str) -> None:
        """Sleep until `per_host_interval_s` has passed since the last request to this host."""
        host = urlsplit(url).netloc.lower()
        last = self._last_request.get(host)
        if last is not None:
            wait = self.per_host_interval_s - (self.clock() - last)
            if wait > 0:
                self.sleep(wait)
        self._last_request[host] = self.clock()

    def _request(self, url: str) -> FetchResult:
        """One GET; the body is read up to ingest.max_bytes."""
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent, "Accept": ACCEPT})
        with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310 (scheme checked)
            content = response.read(self.max_bytes + 1)
            if len(content) > self.max_bytes:
                raise DetenteError("E110", url=url, detail=f"response larger than {self.max_bytes} bytes")
            headers = {key.lower(): value for key, value in response.headers.items()}
            return FetchResult(
                url=url, final_url=response.geturl(), status=response.status, headers=headers, content=content,
            )


def _retry_after_s(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
