"""Shared fixtures: one pipeline per test session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def pipeline():
    """The default pipeline, built once (loading spaCy and the knowledge bases takes seconds)."""
    from detente.extraction import default_pipeline

    return default_pipeline()
