"""Temporal expressions: recognition, resolution against the publication date, deadlines, bad input."""

from __future__ import annotations

import json

import pytest

from detente.model import Document
from detente.nlp.timex import event_date, extract_timexes, infer_published
from detente.pipeline import Pipeline
from tests.paths import shared_path

PUBLISHED = "2015-12-16"  # a Wednesday, the seed article's date


@pytest.fixture(scope="module")
def time_pipeline():
    """prefilter + parse + timex, the stages the timex component needs."""
    return Pipeline(names=["prefilter", "parse", "timex"])


def timexes_of(pipeline, text: str, published: str | None = PUBLISHED):
    doc = pipeline(Document(body=text, published=published, published_source="given"))
    assert doc.rejected is None
    return doc


def only(doc, fragment: str):
    """The timex whose text contains `fragment`."""
    found = [t for t in doc.timexes if fragment in t.text]
    assert found, f"no timex with {fragment!r} in {[t.text for t in doc.timexes]}"
    return found[0]


@pytest.mark.parametrize("text, fragment, value, mod, type_", [
    # direction from the verb
    ("The next round of talks will go ahead in New York on Friday.", "Friday", "2015-12-18", None, "DATE"),
    ("Kerry had arrived in Moscow on Tuesday with no guarantee.", "Tuesday", "2015-12-15", None, "DATE"),
    ("Speaking in Moscow late on Tuesday, Lavrov said he agreed.", "Tuesday", "2015-12-15", "END", "DATE"),
    ("Russia was until Tuesday non-committal on his announcement.", "Tuesday", "2015-12-15", None, "DATE"),
    ("The ministers met last Friday in Vienna.", "Friday", "2015-12-11", None, "DATE"),
    ("The ministers will meet next Monday in Vienna.", "Monday", "2015-12-21", None, "DATE"),
    # weeks, months, years, quarters, seasons, decades
    ("Russia supports a new round of talks this week.", "week", "2015-W51", None, "DATE"),
    ("Last week rebel groups agreed to form a committee.", "week", "2015-W50", None, "DATE"),
    ("The plan was announced in Vienna in November.", "November", "2015-11", None, "DATE"),
    ("The war should end next year, he said.", "next year", "2016", None, "DATE"),
    ("They will meet representatives early next year.", "next year", "2016", "START", "DATE"),
    ("The deal was signed late last year.", "last year", "2014", "END", "DATE"),
    ("Ban Ki-moon earlier this month announced talks.", "this month", "2015-12", "START", "DATE"),
    ("Profits fell in the third quarter.", "third quarter", "2015-Q3", None, "DATE"),
    ("Fighting resumed in the summer of 2014.", "summer", "2014-SU", None, "DATE"),
    ("The conflict began in the 1990s.", "1990s", "199", None, "DATE"),
    ("The treaty was signed on Dec. 5, 1998 in Paris.", "Dec. 5", "1998-12-05", None, "DATE"),
    ("The treaty was signed on 18 December 2015.", "December", "2015-12-18", None, "DATE"),
    ("The ministers met yesterday.", "yesterday", "2015-12-15", None, "DATE"),
    ("The vote is due tomorrow.", "tomorrow", "2015-12-17", None, "DATE"),
    ("The fighting began three years ago.", "years ago", "2012", None, "DATE"),
    ("The council meets at 9 a.m. on Tuesday.", "9 a.m.", "2015-12-15T09:00", None, "TIME"),
    ("Negotiators are now in Geneva.", "now", "PRESENT_REF", None, "DATE"),
    ("Inspectors visit the site every week.", "every week", "P1W", None, "SET"),
    # durations and deadlines
    ("A new constitution within two years.", "two years", "P2Y", "EQUAL_OR_LESS", "DURATION"),
    ("The siege lasted about six months.", "six months", "P6M", "APPROX", "DURATION"),
    ("The talks lasted 2 1/2 years.", "years", "P2Y6M", None, "DURATION"),
    ("A transitional administration by June would oversee elections.", "June", "2016-06", "ON_OR_BEFORE",
     "DATE"),
    ("Troops must leave before the end of the year.", "year", "2015", "END", "DATE"),
    ("The report is due no later than March.", "March", "2016-03", "ON_OR_BEFORE", "DATE"),
])
def test_resolution(time_pipeline, text, fragment, value, mod, type_):
    timex = only(timexes_of(time_pipeline, text), fragment)
    assert (timex.value, timex.mod, timex.type) == (value, mod, type_)


@pytest.mark.parametrize("text, fragment, deadline", [
    ("A transitional administration by June would oversee elections.", "June", True),
    ("A new constitution within two years.", "two years", True),
    ("Troops must leave before the end of the year.", "year", True),
    ("A decision is expected in the coming weeks.", "weeks", True),
    ("The plan was announced in Vienna in November.", "November", False),
])
def test_deadlines(time_pipeline, text, fragment, deadline):
    assert only(timexes_of(time_pipeline, text), fragment).deadline is deadline


@pytest.mark.parametrize("text, values, anchors", [
    ("The summit opened on 3 March 2014. Two days later the talks collapsed.",
     ["2014-03-03", "2014-03-05"], [None, "t1"]),
    ("The summit opened on 3 March 2014. The following day the talks collapsed.",
     ["2014-03-03", "2014-03-04"], [None, "t1"]),
])
def test_chaining(time_pipeline, text, values, anchors):
    doc = timexes_of(time_pipeline, text)
    assert [t.value for t in doc.timexes] == values
    assert [t.anchor for t in doc.timexes] == anchors


def test_weekday_date_pair_agrees_and_clashes(time_pipeline):
    agreeing = only(timexes_of(time_pipeline, "They meet this Friday, December 18."), "Friday")
    assert agreeing.value == "2015-12-18"
    assert any("agrees" in step for step in agreeing.steps)
    clashing = only(timexes_of(time_pipeline, "They met on Friday, December 17, 2015."), "Friday")
    assert clashing.value == "2015-12-17"  # the explicit date wins
    assert any("clash" in step for step in clashing.steps)


@pytest.mark.parametrize("text, published, value", [
    ("The vote was set for February 30, 2015.", PUBLISHED, None),  # impossible date
    ("The vote was set for February 30.", PUBLISHED, None),
    ("The treaty was signed on Dec. 5, '98 in Paris.", PUBLISHED, "1998-12-05"),  # two-digit year
    ("The colony was founded in the year 1700.", PUBLISHED, "1700"),
    ("The plan runs until December 31, 9999.", PUBLISHED, "9999-12-31"),
    ("The rock formed 100000000 years ago.", PUBLISHED, None),  # beyond the calendar
    ("They will meet on Friday.", None, "XXXX-WXX-5"),  # no publication date: no guess
    ("They will meet on December 18.", None, "XXXX-12-18"),
    ("They will meet next year.", None, None),
    ("They met yesterday.", "not a date", None),
])
def test_bad_input_never_crashes(time_pipeline, text, published, value):
    doc = timexes_of(time_pipeline, text, published)
    assert doc.timexes, "the expression is kept even when its value is not"
    assert doc.timexes[0].value == value


def test_no_date_never_uses_today(time_pipeline):
    doc = timexes_of(time_pipeline, "The ministers met yesterday and will meet again tomorrow.", None)
    assert [t.value for t in doc.timexes] == [None, None]


def test_steps_explain_the_direction(time_pipeline):
    timex = only(timexes_of(time_pipeline, "The talks will go ahead in New York on Friday."), "Friday")
    assert any(step.startswith("direction: future") for step in timex.steps)


@pytest.mark.parametrize("text, published, span, head, expected", [
    ("The talks will go ahead on Friday in New York.", PUBLISHED, (0, 46), None, ("2015-12-18", "day")),
    ("The war should end next year, officials said.", PUBLISHED, (0, 45), None, ("2016", "year")),
    ("Rebels agreed to form a committee.", PUBLISHED, (0, 34), None, (PUBLISHED, "publication")),
    ("Rebels agreed to form a committee.", None, (0, 34), None, (None, "unknown")),
    ("Kerry arrived on Tuesday and they will meet on Friday.", PUBLISHED, (0, 54), 6, ("2015-12-15", "day")),
])
def test_event_date(time_pipeline, text, published, span, head, expected):
    doc = timexes_of(time_pipeline, text, published)
    assert event_date(doc, *span, head_offset=head) == expected


@pytest.mark.parametrize("text, expected_date, evidence_word", [
    ("After the 2015 Vienna talks, ministers meet this Friday, December 18.", "2015-12-18", "2015"),
    ("Ministers meet on Friday, December 18.", None, None),  # no year mentioned: no guess
])
def test_infer_published(text, expected_date, evidence_word):
    found, evidence = infer_published(Document(body=text))
    assert found == expected_date
    if evidence_word:
        assert evidence_word in evidence


def test_extract_without_sentences_uses_cue_words():
    doc = Document(body="The ministers will meet on Friday.", published=PUBLISHED)
    assert [t.value for t in extract_timexes(doc)] == ["2015-12-18"]


def test_seed_article(time_pipeline):
    """All fourteen expressions of the analyst's record come out with the listed values."""
    text = shared_path("examples", "mee-2015-12-16-syria-talks.txt").read_text(encoding="utf-8")
    expected = json.loads(shared_path("examples", "mee-2015-12-16-syria-talks.expected.json")
                          .read_text(encoding="utf-8"))["temporal_expressions"]
    doc = timexes_of(time_pipeline, text, PUBLISHED)
    position, problems = 0, []
    for entry in expected:
        start = doc.body.index(entry["text"], position)
        end = start + len(entry["text"])
        position = end
        overlapping = [t for t in doc.timexes if t.start < end and t.end > start]
        good = [t for t in overlapping if t.value == entry["value"]
                and (not entry.get("deadline") or t.deadline)
                and (not entry.get("modifier") or t.mod == entry["modifier"])]
        if not good:
            problems.append((entry, [(t.text, t.value, t.mod, t.deadline) for t in overlapping]))
    assert len(expected) == 14
    assert problems == []
