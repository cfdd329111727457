"""An in-process HTTP client for the API: httpx over the ASGI app, no socket and no network."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx


class ApiClient:
    """Synchronous calls into an ASGI app (fastapi.testclient is deprecated in this Starlette)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        """Send one request to the app and return the whole response."""
        return asyncio.run(self._send(method, url, **options))

    async def _send(self, method: str, url: str, **options: Any) -> httpx.Response:
        # The app answers crashes itself (E310); do not re-raise them into the test.
        transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.request(method, url, **options)

    def get(self, url: str, **options: Any) -> httpx.Response:
        return self.request("GET", url, **options)

    def post(self, url: str, **options: Any) -> httpx.Response:
        return self.request("POST", url, **options)
