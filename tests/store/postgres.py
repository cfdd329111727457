"""Where the store tests find PostgreSQL, and an isolated schema per test (see docs/postgres.md).

DETENTE_TEST_POSTGRES_URL names a database the tests may create schemas in (scripts/postgres-test-server
starts a throwaway one and prints its URL).  Without it the PostgreSQL cases skip, unless
DETENTE_REQUIRE_POSTGRES=1 (CI), where a missing server fails them instead.
"""

from __future__ import annotations

import os

import pytest

from detente.store.postgres_backend import temporary_schema

URL_VARIABLE = "DETENTE_TEST_POSTGRES_URL"
REQUIRE_VARIABLE = "DETENTE_REQUIRE_POSTGRES"


def server_url() -> str:
    """The test server's URL; skips the test (or fails it, when PostgreSQL is required) if none is set."""
    url = os.environ.get(URL_VARIABLE, "").strip()
    if not url:
        message = f"{URL_VARIABLE} is not set (scripts/postgres-test-server starts a server)"
        if os.environ.get(REQUIRE_VARIABLE) == "1":
            pytest.fail(f"{REQUIRE_VARIABLE}=1 but {message}")
        pytest.skip(message)
    return url


def fresh_schema():
    """A URL whose sessions work in a new, empty schema, dropped with everything in it afterwards."""
    return temporary_schema(server_url(), prefix="detente_test")
