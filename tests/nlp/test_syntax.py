"""Shared parse readings: finite verbs and acts the parser coordinated into another clause."""

from __future__ import annotations

import pytest

from detente.model import Document
from detente.nlp.syntax import is_finite, misplaced_acts


def parsed(pipeline, text: str):
    doc = pipeline(Document(body=text, published="2021-04-05"))
    return next(s.span for s in doc.sentences if s.span is not None)


@pytest.mark.parametrize("text, word, finite", [
    ("Sudan has called for talks.", "called", True),  # by its auxiliary
    ("Sudan called for talks.", "called", True),
    ("Sudan wants mediators to join the talks.", "join", False),
])
def test_is_finite(pipeline, text, word, finite):
    assert is_finite(next(t for t in parsed(pipeline, text) if t.text == word)) is finite


@pytest.mark.parametrize("text, acts", [
    ("Sudan has called for international mediators to join the talks and accused Ethiopia of intransigence.",
     ["accused"]),
    ("Russia supported the plan and opposed the deadline.", []),  # two finite verbs: one clause level
    ("The ministers will meet and sign the accord.", []),
])
def test_misplaced_acts(pipeline, text, acts):
    assert [t.text for t in misplaced_acts(parsed(pipeline, text))] == acts
