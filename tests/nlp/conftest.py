"""Fixtures shared by the stage tests."""

from __future__ import annotations

import pytest

from tests.paths import SEED, shared_path


@pytest.fixture(scope="session")
def coded_seed(pipeline):
    """The seed article as ingest reads it (boilerplate removed), coded by every stage of the default pipeline."""
    from detente.ingest import read_inputs

    shared_path("examples", SEED.name)
    doc = next(iter(read_inputs([str(SEED)], pipeline.settings, published="2015-12-16")))
    return pipeline(doc)
