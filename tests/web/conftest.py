"""A real server on 127.0.0.1 (uvicorn in a thread, ephemeral port) and a headless Debian Chromium."""

from __future__ import annotations

import os

import threading
import time
from pathlib import Path

import pytest

from detente.api import create_app
from detente.settings import load_settings
from tests.api.corpus import filled_store
from tests.paths import REPO

CHROMIUM = Path("/usr/bin/chromium")
# Flags for a sandbox-less container and for a browser that must not reach any network service.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def web_store(tmp_path_factory, pipeline):
    """Examples, the seed article and generated reports through the pipeline, plus located synthetic events."""
    store = filled_store(tmp_path_factory.mktemp("web"), pipeline, 40)
    yield store
    store.close()


@pytest.fixture(scope="session")
def base_url(web_store):
    """URL of a live server over `web_store`, stopped at the end of the session."""
    import uvicorn

    app = create_app(load_settings(env={}), web_store)
    # ws="none": the server needs no websockets, and importing them would warn.
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", ws="none",
                                           http="h11", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright; skipped when either is missing, except in CI
    (DETENTE_REQUIRE_BROWSER=1, set by .ci/run), where a missing browser is a failure, not a skip."""
    required = os.environ.get("DETENTE_REQUIRE_BROWSER") == "1"
    if not CHROMIUM.exists():
        message = "Debian Chromium is not installed at /usr/bin/chromium (apt-get install chromium)"
        pytest.fail(message) if required else pytest.skip(message)
    if required:
        import playwright.sync_api as sync_api
    else:
        sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, base_url):
    """A fresh page that records console errors, uncaught exceptions and every URL it requested."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.problems = []
    opened.requested = []
    opened.on("console", lambda message: message.type == "error" and opened.problems.append(message.text))
    opened.on("pageerror", lambda error: opened.problems.append(str(error)))
    opened.on("request", lambda request: opened.requested.append(request.url))
    yield opened
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
