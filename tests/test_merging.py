"""Cross-document event merging: one event from many reports, distinct events kept apart, order-free."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from detente.merging import assign_incrementally, event_records, merge_events, merged_event_id

CORPUS = Path(__file__).resolve().parent / "data" / "merging"
MOSCOW = {"name": "Moscow", "country": "RUS", "geonameid": 524901, "feature": "PPLC"}
GENEVA = {"name": "Geneva", "country": "CHE", "geonameid": 2660646, "feature": "PPLA"}
RUSSIA = {"name": "Russia", "country": "RUS", "geonameid": 2017370, "feature": "PCLI"}


def report(doc_id: str, published: str, actor: str = "USA", recipient: str | None = "RUS",
           category: str = "CONSULT", date: str | None = "2015-12-15", precision: str = "day",
           place: dict | None = None, status: str = "occurred", confidence: float = 0.6) -> dict:
    """An event record as extraction writes it, plus the reporting document's id and date."""
    return {
        "id": f"{doc_id}-e0", "doc_id": doc_id, "published": published, "event": [category],
        "actor": [{"code": actor, "sector": ["GOV"]}],
        "recipient": [{"code": recipient, "sector": ["GOV"]}] if recipient else [],
        "date": date if precision != "publication" else published, "date_precision": precision,
        "event_loc": place, "status": status, "confidence": confidence, "mode": [], "context": [],
    }


FIVE_OUTLETS = [
    report("a", "2015-12-15", place=MOSCOW),
    report("b", "2015-12-16", actor="RUS", recipient="USA"),  # told from the other side
    report("c", "2015-12-16", date="2015-12-16", place=MOSCOW),  # "late on Tuesday", filed the next day
    report("d", "2015-12-17", date="2015-W51", precision="week", place=RUSSIA),
    report("e", "2015-12-15", date=None, precision="publication", confidence=0.9),
]


@pytest.mark.parametrize(("records", "sources"), [
    (FIVE_OUTLETS, [5]),
    # two meetings of the same parties a week apart
    ([report("a", "2015-12-08", date="2015-12-08"), report("b", "2015-12-15")], [1, 1]),
    # ... and a vague "talks this month" report between them does not bridge them
    ([report("a", "2015-12-08", date="2015-12-08"), report("b", "2015-12-15"),
      report("c", "2015-12-20", date="2015-12", precision="month")], [1, 2]),
    # same day, other city
    ([report("a", "2015-12-15", place=MOSCOW), report("b", "2015-12-15", place=GENEVA)], [1, 1]),
    # one says where, the other does not
    ([report("a", "2015-12-15", place=MOSCOW), report("b", "2015-12-15")], [2]),
    # dates two days apart are two events
    ([report("a", "2015-12-15"), report("b", "2015-12-17", date="2015-12-17")], [1, 1]),
    # undated reports published within three days are one; a week apart, two
    ([report("a", "2015-12-15", precision="publication"), report("b", "2015-12-18", precision="publication")], [2]),
    ([report("a", "2015-12-15", precision="publication"), report("b", "2015-12-22", precision="publication")],
     [1, 1]),
    # ISO weeks: same week one, next week two
    ([report("a", "2015-12-18", date="2015-W51", precision="week"),
      report("b", "2015-12-19", date="2015-W51", precision="week")], [2]),
    ([report("a", "2015-12-18", date="2015-W51", precision="week"),
      report("b", "2015-12-26", date="2015-W52", precision="week")], [1, 1]),
    # other parties or categories are other events; FIGHT and ASSAULT are compatible, one-sided order matters
    ([report("a", "2015-12-15"), report("b", "2015-12-15", recipient="CHN")], [1, 1]),
    ([report("a", "2015-12-15"), report("b", "2015-12-15", category="AGREE")], [1, 1]),
    ([report("a", "2015-12-15", category="FIGHT"), report("b", "2015-12-15", category="ASSAULT")], [2]),
    ([report("a", "2015-12-15", category="ACCUSE"), report("b", "2015-12-15", "RUS", "USA", "ACCUSE")], [1, 1]),
    # planned then held is one event; denied and held are not
    ([report("a", "2015-12-14", status="planned"), report("b", "2015-12-16")], [2]),
    ([report("a", "2015-12-15", status="denied"), report("b", "2015-12-16")], [1, 1]),
    # events without coded participants are never merged
    ([report("a", "2015-12-15", actor=None, recipient=None), report("b", "2015-12-15", actor=None, recipient=None)],
     [1, 1]),
])
def test_merge_events_sources(records, sources):
    merged = merge_events(records)
    assert sorted(m.sources for m in merged) == sources
    assert sum(len(m.mentions) for m in merged) == len(records)  # every mention kept for provenance


def test_a_war_reported_every_day_stays_an_event_a_day_not_one_event():
    days = [f"2015-12-{day:02d}" for day in range(1, 21)]
    records = [report(f"{outlet}{day}", day, "ISR", "PSE", "ASSAULT", date=day) for day in days for outlet in "ab"]
    records += [report(f"u{day}", day, "ISR", "PSE", "ASSAULT", precision="publication") for day in days[:10]]
    merged = merge_events(records)
    spans = [{r["date"] for r in m.records if r["date_precision"] == "day"} for m in merged]
    assert all(len(span) <= 3 for span in spans)  # a main day and at most the day on each side
    assert len(merged) >= len(days) // 3
    assert sum(m.sources for m in merged) == len(records)


def test_a_vague_report_does_not_gather_reports_months_apart():
    undated = [report(f"u{n}", day, "ISR", "PSE", "ASSAULT", precision="publication")
               for n, day in enumerate(["2015-03-01", "2015-06-01", "2015-09-01"])]
    this_year = report("y", "2015-01-02", "ISR", "PSE", "ASSAULT", date="2015", precision="year")
    this_month = report("m", "2015-06-01", "ISR", "PSE", "ASSAULT", date="2015-06", precision="month")
    for vague in (this_year, this_month):
        merged = merge_events([vague, *undated])
        assert sorted(m.sources for m in merged) in ([1, 1, 1, 1], [1, 1, 2])


@pytest.mark.parametrize(("reported", "events"), [
    # three outlets date the strike Tuesday, one Wednesday: one event
    ({"2015-12-15": 3, "2015-12-16": 1}, 1),
    # two days reported alike, then a third: the second joins the first, the third stands alone
    ({"2015-12-15": 2, "2015-12-16": 2, "2015-12-17": 2}, 2),
    # the busiest day takes in both neighbours
    ({"2015-12-15": 1, "2015-12-16": 4, "2015-12-17": 1}, 1),
])
def test_neighbouring_days_join_the_most_reported_day(reported, events):
    records = [report(f"{day}-{n}", day, "ISR", "PSE", "ASSAULT", date=day)
               for day, count in reported.items() for n in range(count)]
    assert len(merge_events(records)) == events
    assert len(merge_events(list(reversed(records)))) == events


def test_merged_event_fields():
    (merged,) = merge_events(FIVE_OUTLETS)
    assert merged.id == merged_event_id("a", "a-e0")
    assert (merged.first_reported, merged.last_reported) == ("2015-12-15", "2015-12-17")
    assert merged.event["date"] == "2015-12-15" and merged.event["date_precision"] == "day"
    assert merged.event["event_loc"] == MOSCOW  # the town most reports give, not the country
    assert merged.event["sources"] == 5 and merged.event["confidence"] == 0.9
    assert merged.doc_ids == ["a", "e", "b", "c", "d"]
    assert merged.to_dict()["mentions"][0] == {"event_id": "a-e0", "doc_id": "a"}


@pytest.mark.parametrize("seed", range(5))
def test_merging_ignores_input_order(seed):
    records = FIVE_OUTLETS + [report("f", "2015-12-22", date="2015-12-22"), report("g", "2015-12-23", "RUS", "CHN"),
                              report("h", "2015-12-09", date="2015-12", precision="month")]
    shuffled = records[:]
    random.Random(seed).shuffle(shuffled)
    assert [m.to_dict() for m in merge_events(shuffled)] == [m.to_dict() for m in merge_events(records)]


@pytest.mark.parametrize("split", [1, 2, 3, 5, 7])
def test_incremental_equals_batch(split):
    records = FIVE_OUTLETS + [report("f", "2015-12-22", date="2015-12-22"), report("g", "2015-12-23", "RUS", "CHN"),
                              report("h", "2015-12-09", date="2015-12", precision="month")]
    shuffled = records[:]
    random.Random(split).shuffle(shuffled)
    merged = merge_events(shuffled[:split])
    for start in range(split, len(shuffled), 2):
        merged = assign_incrementally(merged, shuffled[start:start + 2])
    assert [m.to_dict() for m in merged] == [m.to_dict() for m in merge_events(records)]


def test_event_records_adds_document_fields():
    docs = [{"id": "x", "published": "2015-12-15", "events": [{"id": "x-e0"}]},
            {"id": "y", "published": None, "events": [{"id": "y-e0"}], "rejected": {"code": "E104"}}]
    assert event_records(docs) == [{"id": "x-e0", "doc_id": "x", "published": "2015-12-15"}]


def _coded(name: str) -> list[dict]:
    from detente.extraction import extract_documents

    return [doc.to_dict() for doc in extract_documents([str(CORPUS / name)])]


def test_five_outlets_and_a_wire_copy_become_one_event():
    """The real pipeline on five outlets' accounts ("Thursday" vs "on December 3") plus one wire copy."""
    from detente.neardup import NearDuplicateIndex, flag_near_duplicates

    docs = _coded("five_outlets.jsonl")
    copies = flag_near_duplicates(docs, NearDuplicateIndex())
    assert set(copies) == {"wire-copy"} and copies["wire-copy"][0] == "outlet-a"
    originals = [doc for doc in docs if doc["id"] not in copies]
    meetings = [m for m in merge_events(event_records(originals))
                if m.event["event"] == ["CONSULT"] and {"RUS", "TUR"} <= {e["code"] for e in
                                                                         m.event["actor"] + m.event["recipient"]}]
    assert [(m.sources, m.event["date"]) for m in meetings] == [(5, "2015-12-03")]
    assert meetings[0].doc_ids == ["outlet-b", "outlet-a", "outlet-c", "outlet-e", "outlet-d"]
    # without the near-duplicate check the copy would count as a sixth source
    assert max(m.sources for m in merge_events(event_records(docs))) == 6


def test_two_meetings_a_week_apart_stay_two():
    docs = _coded("two_meetings.jsonl")
    meetings = [m for m in merge_events(event_records(docs)) if m.event["event"] == ["CONSULT"]]
    assert sorted((m.event["date"], m.sources) for m in meetings) == [("2015-12-03", 1), ("2015-12-10", 1)]
