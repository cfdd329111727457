"""Paths and the local web site the ingest tests share (imported by conftest.py and the test modules)."""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SEED = SHARED / "examples" / "mee-2015-12-16-syria-talks.txt"
SEED_EXPECTED = SHARED / "examples" / "mee-2015-12-16-syria-talks.expected.json"
TEST_AGENT = "detente-test/1.0 (+https://example.org/detente)"


class Site:
    """A tiny web site on 127.0.0.1: routes map paths to (status, content type, body) or a callable."""

    def __init__(self) -> None:
        self.routes: dict[str, object] = {}
        self.hits: Counter[str] = Counter()
        self.agents: list[str] = []
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        # A short poll interval makes shutdown() return at once instead of after half a second.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                site.hits[self.path] += 1
                site.agents.append(self.headers.get("User-Agent", ""))
                route = site.routes.get(self.path)
                if callable(route):
                    route = route(site.hits[self.path])
                if route is None:
                    route = (404, "text/plain", b"not found")
                status, content_type, body, *extra = route
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (extra[0] if extra else {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:  # keep the test output clean
                pass

        return Handler
