"""Transcript turns and headline sources found without the parser (detente.nlp.quote_marks)."""

from __future__ import annotations

import pytest

from detente.model import Document
from detente.nlp.parse import split_paragraphs
from detente.nlp.quote_cues import cue_lexicon
from detente.nlp.quote_marks import is_title_line, transcript_turns


def turns_of(body: str, title: str | None = None) -> list[tuple[str, str, str]]:
    doc = Document(body=body, title=title)
    doc.paragraphs = split_paragraphs(body)
    return [(body[t.speaker_start:t.speaker_end], body[t.start:t.end], t.kind)
            for t in transcript_turns(doc, cue_lexicon().turn_labels)]


@pytest.mark.parametrize("body, title, expected", [
    ("WALLACE: Let’s start with the debate story.", None,
     [("WALLACE", "Let’s start with the debate story", "direct")]),
    ("\"JAKE TAPPER: Take a listen to this.\"", None, [("JAKE TAPPER", "Take a listen to this", "direct")]),
    ("Pence: Flowers Won’t Be at Debate.\n\nThe governor spoke on Sunday.", "Pence: Flowers Won’t Be at Debate",
     [("Pence", "Flowers Won’t Be at Debate", "indirect")]),
    # a label, a one-letter tag, a title-case name outside the title line, a time: no turn
    ("VIDEO: Hillary and Obama all told the same story.", None, []),
    ("Q: Do you support the deal with Iran?", None, []),
    ("The senator said no.\n\nStated Stone: the stakes are high this year.", None, []),
    ("At 9:55 p.m. the polls closed in Texas.", None, []),
    # a name in title case before a colon is a headline source only in the title line
    ("Pence: Flowers Won’t Be at Debate.", "Another title altogether", []),
])
def test_transcript_turns(body, title, expected):
    assert turns_of(body, title) == expected


@pytest.mark.parametrize("line, title, expected", [
    ("Pence: Flowers Won’t Be at Debate.", "Pence: Flowers Won’t Be at Debate", True),
    ("Women ‘Don’t Belong In The Workforce.’", "Women ‘Don’t Belong In The Workforce’", True),
    ("Pence spoke on Sunday.", "Pence: Flowers Won’t Be at Debate", False),
    ("Pence spoke on Sunday.", None, False),
])
def test_is_title_line(line, title, expected):
    assert is_title_line(Document(body=line, title=title), 0, len(line)) is expected
