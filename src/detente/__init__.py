"""detente: news coverage of conflict and diplomacy as a structured, queryable, auditable record.

For notebooks::

    import detente
    doc = detente.extract(open("article.html").read(), published="2015-12-16")
    doc.to_dict()                       # the detente.document.v1 record
    store = detente.open("detente.duckdb")
    store.events(actor="RUS", since="2015-12-01")   # a pandas DataFrame
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["extract", "open", "__version__"]


def extract(text_or_html, published=None, settings=None, **metadata):
    """Code one article given as text or HTML; returns a Document (`.to_dict()` gives the OUTPUT.md record)."""
    from detente.extraction import extract as _extract

    return _extract(text_or_html, published=published, settings=settings, **metadata)


def open(db="detente.duckdb", read_only=False):  # noqa: A001 - mirrors the documented API name
    """Open (or create) a detente store; its query methods return pandas DataFrames or Arrow tables."""
    from detente.store import open_store

    return open_store(db, read_only=read_only)
