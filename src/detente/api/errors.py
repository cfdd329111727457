"""The HTTP API's error codes and its one error shape: `{"error": {"code", "message", "status"}}`.

API-only problems (routing, authentication, request size) have E3xx codes here, documented in docs/api.md;
errors raised by detente itself (`DetenteError`, e.g. E204 for a bad date) keep their own codes.
"""

from __future__ import annotations

from fastapi.responses import JSONResponse

from detente.errors import DetenteError, UsageError

API_MESSAGES: dict[str, str] = {
    "E301": "No route {method} {path}; GET /api/v1 lists the API and docs/api.md documents it.",
    "E302": "Method {method} is not allowed on {path}; use {allowed}.",
    "E303": "Invalid request: {detail}.",
    "E304": "No document with id '{doc_id}'; GET /api/v1/documents lists them.",
    "E305": "Missing or wrong bearer token; send the header 'Authorization: Bearer <server.token>'.",
    "E306": "This server is read-only: no server.token is configured; set one (DETENTE_SERVER_TOKEN) to allow writes.",
    "E307": "{feature} is not available in this version of detente yet.",
    "E308": "No event with id '{event_id}'; GET /api/v1/events lists them.",
    "E309": "Request too large: {detail}.",
    "E310": "Internal error ({detail}); please report it with the request that caused it.",
    "E311": "No file {path} in the dashboard.",
    "E312": "No process matches '{key}'; GET /api/v1/processes lists them.",
    "E313": "No merged event with id '{key}'; GET /api/v1/merged-events lists them.",
}


class ApiError(Exception):
    """An HTTP error with a stable E3xx code; rendered in the one error shape."""

    def __init__(self, status: int, code: str, headers: dict[str, str] | None = None, **details: object) -> None:
        self.status = status
        self.code = code
        self.headers = headers
        try:
            self.message = API_MESSAGES[code].format(**details)
        except (KeyError, IndexError):
            self.message = API_MESSAGES[code]
        super().__init__(f"{code}: {self.message}")


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The one JSON error body every failing request gets."""
    return JSONResponse({"error": {"code": code, "message": message, "status": status}}, status_code=status,
                        headers=headers)


def detente_error_status(error: DetenteError) -> int:
    """HTTP status of a detente error: the caller's mistake is 400, a database it cannot open 503."""
    if isinstance(error, UsageError):
        return 400
    if error.code == "E207":
        return 503
    return 500
