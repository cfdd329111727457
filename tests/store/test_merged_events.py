"""Merged events kept in the store: re-merged as documents arrive, equal to one merge of everything stored."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from detente.merging import block_key, event_records, merge_events
from detente.model import Document, Entity, Event, Place
from detente.store import merges, open_store, schema

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
    monkeypatch.setattr(merges, "remerge_new", lambda backend, reports: None)
    with open_store(db) as store:
        insert = store.backend.insert_rows
        store.backend.insert_rows = lambda table, columns: insert(
            table, {name: values for name, values in columns.items()
                    if name not in ("block_key", "merge_from", "merge_to")})
        store.write_batch(FIVE_OUTLETS + UNRELATED, None)
        assert store.schema_version() == 2
    monkeypatch.undo()
    with open_store(db) as store:
        assert store.schema_version() == schema.LATEST_VERSION
        assert sorted(store.merged_events()["sources"]) == [2, 5]
        assert sorted(store.events()["sources"]) == [2, 2, 5, 5, 5, 5, 5]


def test_opening_a_store_from_before_merging_periods_fills_them_and_keeps_merging_right(db, monkeypatch):
    # a store at schema version 4: its reports have blocks but no periods (its merged events, left out here,
    # are recomputed on opening anyway)
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:4])
    monkeypatch.setattr(merges, "placement_columns", lambda record: {"block_key": block_key(record)})
    monkeypatch.setattr(merges, "remerge_new", lambda backend, reports: None)
    with open_store(db) as store:
        store.write_batch(FIVE_OUTLETS[:3], None)
        assert store.schema_version() == 4
    monkeypatch.undo()
    with open_store(db) as store:
        assert store.schema_version() == schema.LATEST_VERSION
        unfilled = store.backend.fetchall("SELECT count(*) FROM events WHERE merge_from IS NULL")[0][0]
        assert unfilled == 0
        store.write_batch(FIVE_OUTLETS[3:] + UNRELATED, None)  # later reports find the earlier ones
        assert sorted(store.merged_events()["sources"]) == [2, 5]


def _episodes(count: int) -> list[Document]:
    """A year of one dyad's talks: rounds a fortnight or more apart, each reported over a few days by several
    outlets, some vaguely (the week, the month, no date)."""
    rng = random.Random(11)
    docs = []
    start = date(2015, 1, 5)
    for episode in range(count):
        held = start + timedelta(days=episode * 16 + rng.randint(0, 2))
        for outlet in range(rng.randint(2, 5)):  # at most five reports a round
            published = held + timedelta(days=rng.randint(0, 2))
            kind = rng.choice(["day", "day", "week", "publication"])
            when = {"day": held.isoformat(), "week": held.strftime("%G-W%V"),
                    "publication": published.isoformat()}[kind]
            docs.append(report(f"Outlet {episode}-{outlet}", published.isoformat(), actor="ISR", recipient="PSE",
                               date=when, precision=kind))
    return docs


def test_a_long_block_re_merged_window_by_window_equals_one_merge(store, monkeypatch):
    docs = _episodes(20)
    shuffled = random.Random(3).sample(docs, len(docs))
    loaded = []

    def counting(reports):
        reports = list(reports)
        loaded.append(len(reports))
        return merge_events(reports)

    monkeypatch.setattr(merges.merging, "merge_events", counting)
    for start in range(0, len(shuffled), 4):
        store.write_batch(shuffled[start:start + 4], None)
    expected = merge_events(event_records(d.to_dict() for d in docs))
    assert merged_rows(store) == sorted((m.id, m.sources, len(m.mentions)) for m in expected)
    assert len({m.id for m in expected}) > 5  # the block holds many merged events, not one
    # each batch read at most the rounds of talks its four reports belong to (five reports a round at most),
    # never the whole block
    assert max(loaded) <= 4 * 5 < len(docs)
