"""Where the store tests find PostgreSQL, and an isolated schema per test (see docs/postgres.md).

DETENTE_TEST_POSTGRES_URL names a database the tests may create schemas in (scripts/postgres-test-server
starts a throwaway one and prints its URL).  Without it the PostgreSQL cases skip, unless
DETENTE_REQUIRE_POSTGRES=1 (CI), where a missing server fails them instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from detente.store.postgres_backend import with_search_path

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


@contextmanager
def fresh_schema() -> Iterator[str]:
    """A URL whose sessions work in a new, empty schema, dropped with everything in it afterwards."""
    import psycopg

    url = server_url()
    schema = f"detente_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_search_path(url, schema)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")
