"""Merged events kept in the store: re-merged as documents arrive, equal to one merge of everything stored."""

from __future__ import annotations

import random

import pytest

from detente.merging import event_records, merge_events
from detente.model import Document, Entity, Event, Place
from detente.store import open_store, schema
from detente.store.repository import Store

MOSCOW = Place(text="Moscow", start=0, end=6, name="Moscow", country="RUS", geonameid=524901, feature="PPLC")


def report(name: str, published: str, actor: str = "USA", recipient: str = "RUS", category: str = "CONSULT",
           date: str | None = "2015-12-15", precision: str = "day", place: Place | None = None) -> Document:
    """A one-event document as an outlet would file it."""
    doc = Document(body=f"{name}, {published}: the {actor} and {recipient} ministers met.", outlet=name,
                   published=published, published_source="given")
    doc.events = [Event(id=f"{doc.id}-e0", event=[category], actor=[Entity(code=actor, sector=["GOV"])],
                        recipient=[Entity(code=recipient, sector=["GOV"])],
                        date=date if precision != "publication" else published, date_precision=precision,
                        event_text="met", status="occurred", confidence=0.7, event_loc=place)]
    return doc


FIVE_OUTLETS = [
    report("Agency A", "2015-12-15", place=MOSCOW),
    report("Agency B", "2015-12-16", actor="RUS", recipient="USA"),
    report("Paper C", "2015-12-16", date="2015-12-16", place=MOSCOW),
    report("Paper D", "2015-12-17", date="2015-W51", precision="week"),
    report("Radio E", "2015-12-15", precision="publication"),
]
TWO_MEETINGS = [report("Agency A", "2015-12-08", date="2015-12-08"), report("Agency B", "2015-12-15")]
UNRELATED = [report("Paper F", "2015-12-15", actor="TUR", recipient="SYR", category="ACCUSE"),
             report("Paper G", "2015-12-16", actor="TUR", recipient="SYR", category="ACCUSE", date="2015-12-16")]


def merged_rows(store) -> list[tuple[str, int, int]]:
    frame = store.merged_events()
    return sorted(zip(frame["id"], frame["sources"], frame["mentions"]))


@pytest.mark.parametrize(("docs", "sources"), [
    (FIVE_OUTLETS, [5]),
    (TWO_MEETINGS, [1, 1]),
    (FIVE_OUTLETS + UNRELATED, [2, 5]),
])
def test_reports_of_one_event_are_stored_as_one(store, docs, sources):
    for doc in docs:  # one document per batch: every one re-merges its block
        store.write_batch([doc], None)
    assert sorted(store.merged_events()["sources"]) == sources
    # every report row carries the merged count, and the merged event lists its reports
    events = store.events()
    merged = store.merged_events()
    assert sorted(events["sources"]) == sorted(n for n in sources for _ in range(n))
    biggest = merged.sort_values("sources").iloc[-1]
    reports = store.merged_event_reports(biggest["id"])
    assert len(reports) == biggest["sources"] and set(reports["outlet"]) <= {d.outlet for d in docs}


def test_incremental_merging_equals_one_merge_in_any_order(store):
    docs = FIVE_OUTLETS + TWO_MEETINGS + UNRELATED
    shuffled = random.Random(7).sample(docs, len(docs))
    for start in range(0, len(shuffled), 3):
        store.write_batch(shuffled[start:start + 3], None)
    expected = merge_events(event_records(d.to_dict() for d in docs))
    assert len(store.documents()) == len(docs)
    assert merged_rows(store) == sorted((m.id, m.sources, len(m.mentions)) for m in expected)


def test_a_duplicate_document_changes_nothing(store):
    store.write_batch(FIVE_OUTLETS, None)
    before = merged_rows(store)
    result = store.write_batch([FIVE_OUTLETS[0]], None)
    assert result.duplicates == 1 and merged_rows(store) == before


def test_rebuild_recomputes_blocks_and_merges_of_an_older_store(store):
    store.write_batch(FIVE_OUTLETS + UNRELATED, None)
    expected = merged_rows(store)
    # what a store written before merged events looks like: no blocks, no merged rows, one source per report
    store.backend.execute("UPDATE events SET block_key = NULL, sources = 1")
    store.backend.execute("DELETE FROM merged_events")
    store.backend.execute("DELETE FROM event_merges")
    assert store.rebuild_merges() == len(expected)
    assert merged_rows(store) == expected
    assert sorted(store.events()["sources"]) == [2, 2, 5, 5, 5, 5, 5]


@pytest.mark.parametrize(("filters", "count"), [
    ({"actor": "tur"}, 1), ({"recipient": "RUS"}, 1), ({"party": "syr"}, 1), ({"party": "USA"}, 1),
    ({"type": "consult"}, 1), ({"min_sources": 3}, 1),
    ({"since": "2015-12-16"}, 0), ({"until": "2015-12-15"}, 2), ({"actor": "CHN"}, 0),
])
def test_merged_event_filters(store, filters, count):
    store.write_batch(FIVE_OUTLETS + UNRELATED, None)
    assert len(store.merged_events(**filters)) == count



def test_opening_a_store_from_before_merged_events_merges_what_it_holds(db, monkeypatch):
    # write a store at schema version 2: no merged-event tables, no block column, one source per report
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:2])
    monkeypatch.setattr(Store, "_remerge", lambda self, keys: None)
    with open_store(db) as store:
        insert = store.backend.insert_rows
        store.backend.insert_rows = lambda table, columns: insert(
            table, {name: values for name, values in columns.items() if name != "block_key"})
        store.write_batch(FIVE_OUTLETS + UNRELATED, None)
        assert store.schema_version() == 2
    monkeypatch.undo()
    with open_store(db) as store:
        assert store.schema_version() == schema.LATEST_VERSION
        assert sorted(store.merged_events()["sources"]) == [2, 5]
        assert sorted(store.events()["sources"]) == [2, 2, 5, 5, 5, 5, 5]
