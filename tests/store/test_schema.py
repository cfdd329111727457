"""Migrations: versions recorded, idempotent, all-or-nothing, and applied once when processes race."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import duckdb
import pytest

from detente.store import open_store, schema
from detente.store.repository import open_backend

from .postgres import fresh_schema


def _database_errors() -> tuple[type[Exception], ...]:
    import psycopg

    return duckdb.Error, psycopg.Error


def test_new_database_is_migrated_to_the_latest_version(store):
    assert store.schema_version() == schema.LATEST_VERSION
    rows = store.backend.fetchall("SELECT version, name FROM schema_migrations ORDER BY version")
    assert [r[0] for r in rows] == [m.version for m in schema.MIGRATIONS]
    assert all(name for _, name in rows)


def test_opening_twice_applies_nothing_again(db):
    open_store(db).close()
    backend = open_backend(db)
    try:
        assert schema.pending(backend) == []
        assert schema.migrate(backend) == []
        count = backend.fetchall("SELECT COUNT(*) FROM schema_migrations")[0][0]
    finally:
        backend.close()
    assert count == len(schema.MIGRATIONS)


@pytest.mark.parametrize("table", [
    "documents", "events", "quotes", "stances", "commitments", "timexes", "places", "mentions",
    "ingest_runs", "rejections",
])
def test_every_table_exists(store, table):
    assert store.backend.table_exists(table)


def test_versions_are_increasing_and_unique():
    versions = [m.version for m in schema.MIGRATIONS]
    assert versions == sorted(set(versions))


def test_a_failing_migration_leaves_nothing_behind(db, monkeypatch):
    open_store(db).close()
    broken = schema.Migration(schema.LATEST_VERSION + 1, "broken", (
        "CREATE TABLE half_done (a INTEGER)",
        "THIS IS NOT SQL",
    ))
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, broken))
    backend = open_backend(db)
    try:
        with pytest.raises(_database_errors()):
            schema.migrate(backend)
        assert not backend.table_exists("half_done")
        assert broken.version not in schema.applied_versions(backend)
    finally:
        backend.close()


CONCURRENT_OPENERS = 6


def test_connections_opening_a_fresh_postgresql_schema_at_once_migrate_it_once():
    """Without the advisory lock, the losers fail on "relation already exists" or a repeated version."""
    with fresh_schema() as url:
        backends = [open_backend(url) for _ in range(CONCURRENT_OPENERS)]
        try:
            with ThreadPoolExecutor(max_workers=CONCURRENT_OPENERS) as pool:
                applied = list(pool.map(schema.migrate, backends))
            versions = backends[0].fetchall("SELECT version FROM schema_migrations ORDER BY version")
        finally:
            for backend in backends:
                backend.close()
    all_versions = [m.version for m in schema.MIGRATIONS]
    assert sorted(applied, key=len) == [[]] * (CONCURRENT_OPENERS - 1) + [all_versions]
    assert [v for (v,) in versions] == all_versions
