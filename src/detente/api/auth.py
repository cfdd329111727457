"""Who may write: a bearer token from `server.token`; without one configured the server is read-only."""

from __future__ import annotations

import hmac

from fastapi import Request

from detente.api.errors import ApiError


def require_writer(request: Request) -> None:
    """Let the request through only with `Authorization: Bearer <server.token>` (E306 read-only, E305 bad)."""
    token = str(request.app.state.settings.get("server.token") or "")
    if not token:
        raise ApiError(403, "E306")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    # compare_digest: the time taken must not reveal how much of the token was right.
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise ApiError(401, "E305", headers={"WWW-Authenticate": "Bearer"})
