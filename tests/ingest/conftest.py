"""Shared fixtures for the ingest tests: settings without user overrides, a local HTTP site."""

from __future__ import annotations

import pytest

from detente.settings import Settings, load_settings

from .ingest_support import TEST_AGENT, Site


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    """Packaged defaults only (no user file, no environment), with no real waiting between requests."""
    monkeypatch.chdir(tmp_path)
    loaded = load_settings(env={})
    loaded.override("fetch.user_agent", TEST_AGENT)
    loaded.override("fetch.per_host_interval_s", 0.0)
    loaded.override("fetch.backoff_s", 0.01)
    loaded.override("fetch.timeout_s", 5)
    return loaded


@pytest.fixture
def site():
    """A running local site; stopped after the test."""
    running = Site()
    running.thread.start()
    try:
        yield running
    finally:
        running.server.shutdown()
        running.server.server_close()
        running.thread.join(timeout=5)
