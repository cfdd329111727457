"""The TimeML reader, the TempEval-3-style scorer, and the floors on TimeBank + AQUAINT."""

from __future__ import annotations

import pytest

from detente.evaluate.timeml import TimexTally, evaluate_timeml, match_timexes, parse_timeml, timeml_files
from detente.pipeline import Pipeline
from tests.paths import shared_path

TINY = """<?xml version="1.0" ?>
<TimeML>
<DOCID>TINY</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="1998-08-07T10:00" functionInDocument="CREATION_TIME">1998-08-07</TIMEX3></DCT>
<TITLE>Ignored</TITLE>
<TEXT>
Talks <EVENT eid="e1">ended</EVENT> <TIMEX3 tid="t1" type="DATE" value="1998-08-07">Friday</TIMEX3> &amp; resume \
<TIMEX3 tid="t2" type="DATE" value="1998-09" mod="START">early September</TIMEX3> for \
<TIMEX3 tid="t3" type="DURATION" value="P2D">two days</TIMEX3>.
</TEXT>
</TimeML>
"""


def test_reader_strips_tags_and_keeps_offsets():
    doc = parse_timeml(TINY)
    assert doc.dct == "1998-08-07"
    assert doc.text == "\nTalks ended Friday & resume early September for two days.\n"
    assert [doc.text[start:end] for start, end, *_ in doc.gold] == ["Friday", "early September", "two days"]
    assert doc.gold[1][2:] == ("DATE", "1998-09", "START")
    assert doc.gold[2][2:] == ("DURATION", "P2D", None)


@pytest.mark.parametrize("system, strict_f1, relaxed_f1, value_accuracy, type_accuracy", [
    ([(13, 19, "DATE", "1998-08-07"), (29, 44, "DATE", "1998-09"), (49, 57, "DURATION", "P2D")], 1.0, 1.0, 1.0, 1.0),
    ([(13, 19, "DATE", "1998-08-14")], 0.5, 0.5, 0.0, 1.0),  # right span, wrong value
    ([(35, 44, "DATE", "1998-09"), (49, 57, "DATE", "P2D")], 0.4, 0.8, 1.0, 0.5),  # partial span, wrong type
    ([], 0.0, 0.0, 0.0, 0.0),
])
def test_scores(system, strict_f1, relaxed_f1, value_accuracy, type_accuracy):
    tally = TimexTally()
    tally.add(parse_timeml(TINY), system)
    scores = tally.scores()
    assert scores["strict"]["f1"] == pytest.approx(strict_f1, abs=1e-3)
    assert scores["relaxed"]["f1"] == pytest.approx(relaxed_f1, abs=1e-3)
    assert scores["value_accuracy"] == pytest.approx(value_accuracy)
    assert scores["type_accuracy"] == pytest.approx(type_accuracy)


def test_matching_is_one_to_one():
    gold = [(0, 10, "DATE", "x", None)]
    system = [(0, 4, "DATE", "x"), (2, 10, "DATE", "x")]
    assert match_timexes(gold, system) == [(0, 1)]  # the larger overlap wins, the other stays spurious


def test_floors_on_tempeval3():
    """Relaxed extent F1 >= 0.88 and value F1 >= 0.80 (issue 5) on all 256 TimeBank and AQUAINT documents."""
    folder = shared_path("data", "tempeval3", "TBAQ-cleaned")
    files = timeml_files([folder])
    scores = evaluate_timeml(files, Pipeline(names=["prefilter", "parse", "timex"]))
    assert scores["documents"] == len(files) == 256
    assert scores["relaxed"]["f1"] >= 0.88
    assert scores["value"]["f1"] >= 0.80
