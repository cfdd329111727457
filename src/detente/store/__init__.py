"""The store: detente's database of ingest runs, documents and what was coded in them.

`open_store(db)` opens a DuckDB file or, given a postgresql:// URL, a PostgreSQL database (either created
and migrated on first use) and returns a `Store`, the one repository layer through which everything reads
and writes.  See repository.py for the query methods and docs/postgres.md for PostgreSQL.
"""

from __future__ import annotations

from detente.store.repository import BatchResult, Store, iter_batches, open_store
from detente.store.schema import LATEST_VERSION

__all__ = ["LATEST_VERSION", "BatchResult", "Store", "iter_batches", "open_store"]
