"""Process threads: events, quotes, stances and commitments grouped by topic, family and time."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from detente.processes import build_processes, code_name, find_process, timeline

CORPUS = Path(__file__).resolve().parent / "data" / "merging"
SYRIA = {"country": "SYR", "feature": "PCLI"}


def event(doc_id: str, published: str, actor: str, recipient: str | None, category: str, date: str,
          n: int = 0) -> dict:
    """An event record with its reporting document's id and publication date."""
    return {"id": f"{doc_id}-e{n}", "doc_id": doc_id, "published": published, "event": [category],
            "actor": [{"code": actor, "sector": ["GOV"], "identifier_text": actor}],
            "recipient": [{"code": recipient, "sector": ["GOV"]}] if recipient else [],
            "date": date, "date_precision": "day", "status": "occurred", "event_loc": None}


def places(doc_id: str, *countries: str) -> list[dict]:
    """Country-level place mentions of one document."""
    return [{"doc_id": doc_id, "country": c, "feature": "PCLI"} for c in countries]


EVENTS = [
    event("d1", "2015-12-15", "USA", "RUS", "CONSULT", "2015-12-15"),
    event("d2", "2015-12-16", "RUS", "USA", "CONSULT", "2015-12-15"),  # the same meeting, another outlet
    event("d3", "2015-12-19", "UNO", None, "CONSULT", "2015-12-18"),
    event("d4", "2016-01-25", "UNO", "SYR", "REQUEST", "2016-01-25"),
    event("d5", "2016-01-26", "SYR", "SYR", "FIGHT", "2016-01-26"),  # fighting: another process
    event("d6", "2016-09-10", "USA", "RUS", "AGREE", "2016-09-09"),  # after a long gap: a new round
]
PLACES = places("d1", "SYR", "SYR", "RUS") + places("d2", "SYR") + places("d3", "SYR") + places("d4", "SYR") \
    + places("d5", "SYR") + places("d6", "SYR", "SYR")
STANCES = [{"doc_id": "d3", "holder": {"code": "UNO"}, "issue": "ceasefire in Syria", "polarity": "for",
            "date": "2015-12-18"}]
COMMITMENTS = [{"doc_id": "d4", "what": "talks in Geneva", "by": [{"code": "UNO"}], "due": "2016-01",
                "firmness": "announced", "event_id": None}]
QUOTES = [{"doc_id": "d1", "speaker": {"identifier_text": "John Kerry"}, "text": "common ground", "kind": "partial"}]


def build(events=EVENTS):
    return build_processes(events, QUOTES, STANCES, COMMITMENTS, PLACES)


def test_processes_by_topic_family_and_time():
    processes = build()
    assert [(p.name, p.start, p.end, len(p.events)) for p in processes] == [
        ("Syria peace talks, 2015-16", "2015-12-15", "2016-01-25", 3),
        ("Syria conflict, 2016", "2016-01-26", "2016-01-26", 1),
        ("Syria talks, 2016", "2016-09-09", "2016-09-09", 1),  # no stance or commitment speaks of peace
    ]
    talks = processes[0]
    assert (len(talks.stances), len(talks.commitments), len(talks.quotes)) == (1, 1, 1)
    assert talks.doc_ids == ["d1", "d2", "d3", "d4"]
    assert talks.participants == ["UNO", "RUS", "SYR", "USA"]
    assert talks.issues == ["ceasefire in Syria"]


def test_process_ids_are_stable_and_order_free():
    shuffled = EVENTS[:]
    random.Random(3).shuffle(shuffled)
    assert [(p.id, p.name) for p in build(shuffled)] == [(p.id, p.name) for p in build()]
    assert len({p.id for p in build()}) == 3


def test_timeline_is_dated_with_sources():
    rows = timeline(build()[0])
    assert [(r["date"], r["kind"]) for r in rows] == [
        ("2015-12-15", "event"), ("2015-12-15", "quote"), ("2015-12-18", "event"), ("2015-12-18", "stance"),
        ("2016-01-25", "event"), ("2016-01-25", "commitment"),
    ]
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    first = rows[0]
    assert (first["kind"], first["date"], first["sources"], first["documents"]) == \
        ("event", "2015-12-15", 2, ["d1", "d2"])
    assert any(r["kind"] == "stance" and "ceasefire" in r["what"] for r in rows)


@pytest.mark.parametrize(("key", "found"), [
    ("Syria conflict, 2016", "Syria conflict, 2016"),
    ("syria CONFLICT", "Syria conflict, 2016"),
    ("peace talks, 2015-16", "Syria peace talks, 2015-16"),
    ("Syria", None),  # three processes match: ambiguous
    ("talks, 2016", "Syria talks, 2016"),
    ("Atlantis", None),
])
def test_find_process(key, found):
    process = find_process(build(), key)
    assert (process.name if process else None) == found


def test_find_process_by_id_and_prefix():
    processes = build()
    assert find_process(processes, processes[1].id) is processes[1]
    assert find_process(processes, processes[1].id[:8]) is processes[1]


def test_same_names_are_disambiguated():
    events = [event("d1", "2015-02-01", "UNO", "SYR", "CONSULT", "2015-02-01"),
              event("d6", "2015-09-01", "UNO", "SYR", "CONSULT", "2015-09-01")]
    names = [p.name for p in build_processes(events, places=places("d1", "SYR") + places("d6", "SYR"))]
    assert names == ["Syria talks, 2015 (from 2015-02)", "Syria talks, 2015 (from 2015-09)"]


@pytest.mark.parametrize(("code", "name"), [("SYR", "Syria"), ("UNO", "United Nations"), ("XYZ", "XYZ")])
def test_code_name(code, name):
    assert code_name(code) == name


def test_processes_and_timeline_from_store(tmp_path):
    """The functions behind `detente processes` and `detente timeline` on a real store."""
    from detente.extraction import extract_documents
    from detente.neardup import NearDuplicateIndex, flag_near_duplicates
    from detente.processes import processes_from_store, timeline_from_store
    from detente.store.repository import open_store

    docs = list(extract_documents([str(CORPUS / "five_outlets.jsonl")]))
    copies = flag_near_duplicates(docs, NearDuplicateIndex())
    with open_store(tmp_path / "detente.duckdb") as store:
        store.write_batch([d for d in docs if d.id not in copies], None)
        table = processes_from_store(store)
        assert "Russia-Turkey talks, 2015" in set(table["name"])
        rows = timeline_from_store(store, "Russia-Turkey talks")
        meeting = rows[(rows["kind"] == "event") & (rows["sources"] == 5)]
        assert list(meeting["date"]) == ["2015-12-03"]
        assert timeline_from_store(store, "no such process") is None
        # the stored merged events give the same processes as merging the stored reports again
        from detente.processes import _store_processes, build_processes

        again = build_processes([{**e, "doc_id": d.id, "published": d.published} for d in docs
                                 if d.id not in copies for e in d.to_dict()["events"]])
        assert [(p.id, p.name, [m.id for m in p.events], p.doc_ids) for p in _store_processes(store)] == \
               [(p.id, p.name, [m.id for m in p.events], p.doc_ids) for p in again]


@pytest.mark.parametrize(("date", "precision", "start"), [
    ("2015-W50", "week", "2015-12-07"),
    ("2015-12-07/2015-12-13", "week", "2015-12-07"),
    ("2015-11", "month", "2015-11-01"),
])
def test_coarse_dates_start_a_process_on_their_first_day(date, precision, start):
    coarse = {**event("d0", "2015-12-16", "SYR", "SYR", "AGREE", date), "date_precision": precision}
    (process,) = build_processes([coarse, event("d1", "2015-12-16", "UNO", "SYR", "CONSULT", "2015-12-15")],
                                 places=places("d0", "SYR") + places("d1", "SYR"))
    assert (process.start, process.end) == (start, "2015-12-15")
