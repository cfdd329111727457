"""detente's ASGI app: the /api/v1 routes, the dashboard pages and one JSON error shape for every failure.

`create_app` builds the app over an open store (tests pass their own); `serve` opens the configured store
and runs it with uvicorn, bound to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from detente.api.errors import API_MESSAGES, ApiError, detente_error_status, error_response
from detente.api.routes import router
from detente.errors import DetenteError
from detente.settings import Settings

STATIC_DIR = Path(__file__).resolve().parents[1] / "web" / "static"
# Dashboard pages: URL path -> HTML file in web/static.  A fixed table, so no request path reaches the disk.
PAGES = {"timeline": "timeline.html", "network": "network.html", "map": "map.html", "document": "document.html"}
# Largest request body accepted (bytes); bigger ingests belong to `detente ingest`.
MAX_BODY_BYTES = 20_000_000

log = logging.getLogger("detente.api")


def create_app(settings: Settings, store: Any = None, pipeline: Any = None) -> FastAPI:
    """The app over `store` (opened from settings `store.db` when None); `pipeline` codes POSTed documents."""
    from detente import __version__

    app = FastAPI(title="detente", version=__version__, openapi_url="/openapi.json", docs_url=None,
                  redoc_url=None, description="News about conflict and diplomacy as a structured record.")
    app.state.settings = settings
    app.state.store = store if store is not None else _open_store(settings)
    app.state.pipeline = _pipeline_factory(settings, pipeline)
    _add_error_handlers(app)
    _add_body_limit(app)
    app.include_router(router)
    _add_dashboard(app)
    return app


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Run the API and dashboard with uvicorn on host:port (default: settings server.host/server.port)."""
    import uvicorn

    app = create_app(settings)
    try:
        uvicorn.run(app, host=host or settings.get("server.host", "127.0.0.1"),
                    port=int(port or settings.get("server.port", 8000)), log_level="info")
    finally:
        app.state.store.close()


def _open_store(settings: Settings) -> Any:
    """The configured store: writable only when a token allows writes (so readers can share the file)."""
    from detente.store import open_store
    from detente.store.repository import is_database_url

    location = str(settings.get("store.db"))
    if is_database_url(location):
        # A shared server is never created by opening it, so without a token the API only reads.
        return open_store(location, read_only=not settings.get("server.token"))
    db = Path(location)
    writable = bool(settings.get("server.token")) or not db.exists()
    return open_store(db, read_only=not writable)


def _pipeline_factory(settings: Settings, pipeline: Any):
    """A function returning the pipeline, built on first use (loading spaCy takes seconds)."""
    built: list[Any] = [pipeline] if pipeline is not None else []

    def get() -> Any:
        if not built:
            from detente.extraction import default_pipeline

            built.append(default_pipeline(settings))
        return built[0]

    return get


def _add_error_handlers(app: FastAPI) -> None:
    """Every error, from routing to validation to a crash, leaves as {"error": {code, message, status}}."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError):
        return error_response(error.status, error.code, error.message, error.headers)

    @app.exception_handler(DetenteError)
    async def detente_error(request: Request, error: DetenteError):
        return error_response(detente_error_status(error), error.code, error.message)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError):
        problems = []
        for problem in error.errors():
            where = ".".join(str(part) for part in problem.get("loc", ()) if part not in ("query", "body"))
            problems.append(f"{where or 'request'}: {problem.get('msg', 'invalid')}")
        return error_response(422, "E303", API_MESSAGES["E303"].format(detail="; ".join(problems)[:1000]))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        if error.status_code == 404:
            return error_response(404, "E301", API_MESSAGES["E301"].format(method=request.method,
                                                                           path=request.url.path[:200]))
        if error.status_code == 405:
            allowed = (error.headers or {}).get("Allow", "another method")
            message = API_MESSAGES["E302"].format(method=request.method, path=request.url.path[:200],
                                                  allowed=allowed)
            return error_response(405, "E302", message, error.headers)
        return error_response(error.status_code, "E303", API_MESSAGES["E303"].format(detail=error.detail))

    @app.exception_handler(Exception)
    async def crash(request: Request, error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "E310", API_MESSAGES["E310"].format(detail=type(error).__name__))


def _add_body_limit(app: FastAPI) -> None:
    """Refuse bodies over MAX_BODY_BYTES before reading them (E309)."""

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        length = request.headers.get("content-length")
        if length and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            return error_response(413, "E309", API_MESSAGES["E309"].format(
                detail=f"the body is over {MAX_BODY_BYTES} bytes; use `detente ingest` for large loads"))
        return await call_next(request)


def _add_dashboard(app: FastAPI) -> None:
    """The dashboard's pages at /, /timeline, /network, /map, /document and its assets under /static."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/timeline")

    @app.get("/{page}", include_in_schema=False)
    def dashboard_page(page: str) -> FileResponse:
        if page not in PAGES:
            raise ApiError(404, "E311", path=f"/{page[:80]}")
        return FileResponse(STATIC_DIR / PAGES[page], media_type="text/html")
