"""Migrations: versions recorded, idempotent, all-or-nothing."""

from __future__ import annotations

import duckdb
import pytest

from detente.store import open_store, schema
from detente.store.duckdb_backend import DuckDBBackend


def test_new_database_is_migrated_to_the_latest_version(store):
    assert store.schema_version() == schema.LATEST_VERSION
    rows = store.backend.fetchall("SELECT version, name FROM schema_migrations ORDER BY version")
    assert [r[0] for r in rows] == [m.version for m in schema.MIGRATIONS]
    assert all(name for _, name in rows)


def test_opening_twice_applies_nothing_again(db_path):
    open_store(db_path).close()
    backend = DuckDBBackend(db_path)
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


def test_a_failing_migration_leaves_nothing_behind(db_path, monkeypatch):
    open_store(db_path).close()
    broken = schema.Migration(schema.LATEST_VERSION + 1, "broken", (
        "CREATE TABLE half_done (a INTEGER)",
        "THIS IS NOT SQL",
    ))
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, broken))
    backend = DuckDBBackend(db_path)
    try:
        with pytest.raises(duckdb.Error):
            schema.migrate(backend)
        assert not backend.table_exists("half_done")
        assert broken.version not in schema.applied_versions(backend)
    finally:
        backend.close()
