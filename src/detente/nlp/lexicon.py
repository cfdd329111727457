"""Loader for the event trigger lexicon and the cue words the cheap prefilter looks for (data/events/)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml


@lru_cache(maxsize=1)
def prefilter_forms() -> frozenset[str]:
    """Lower-case word forms whose presence makes a paragraph worth a full parse."""
    text = resources.files("detente").joinpath("data/events/prefilter.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return frozenset(w.lower() for group in data.values() for w in group)
