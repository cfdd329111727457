"""The Store: batch writes (dedup, rejections, all-or-nothing), reads and their filters."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pandas as pd
import pyarrow as pa
import pytest

from detente.errors import DetenteError
from detente.merging import event_records, merge_events
from detente.model import Document, Event
from detente.store import BatchResult, iter_batches
from detente.store.repository import open_backend, open_store
from detente.tracking import period

from .store_factory import EVENTS_PER_DOCUMENT, make_document, make_documents, make_rejected

# --------------------------------------------------------------------------------------------- writes


def test_batch_stores_documents_and_everything_coded_in_them(store):
    docs = make_documents(10)
    result = store.write_batch(docs, store.begin_run("ingest", ["x"]))
    assert result == BatchResult(stored=10, duplicates=0, rejected=0, events=10 * EVENTS_PER_DOCUMENT,
                                 stored_ids=[d.id for d in docs])
    assert store.counts() == {
        "documents": 10, "events": 30, "quotes": 10, "stances": 10, "commitments": 10, "timexes": 10,
        "places": 10, "mentions": 20, "rejections": 0, "ingest_runs": 1,
        "merged_events": len(merge_events(event_records(d.to_dict() for d in docs))), "event_merges": 30,
    }


def test_stored_record_is_the_output_record(filled_store):
    doc = make_document(4)
    assert filled_store.document(doc.id) == doc.to_dict()


def _same_body_new_id(doc: Document) -> Document:
    return Document(body=doc.body, id="another-id")


def _same_id_new_body(doc: Document) -> Document:
    return Document(body=doc.body + " Updated.", id=doc.id)


@pytest.mark.parametrize("stored_first, batch, expected", [
    ([], [make_document(0), make_document(0)], (1, 1)),
    ([make_document(0)], [make_document(0), make_document(1)], (1, 1)),
    ([make_document(0)], [_same_body_new_id(make_document(0))], (0, 1)),
    ([make_document(0)], [_same_id_new_body(make_document(0))], (0, 1)),
    ([], [make_document(2), _same_body_new_id(make_document(2))], (1, 1)),
], ids=["repeated-in-batch", "already-stored", "same-body-new-id", "same-id-new-body", "same-body-in-batch"])
def test_duplicates_are_counted_not_stored(store, stored_first, batch, expected):
    store.write_batch(stored_first, None)
    result = store.write_batch(batch, None)
    assert (result.stored, result.duplicates) == expected
    assert store.counts()["documents"] == len(stored_first) + expected[0]


def test_rejected_documents_go_to_rejections(store):
    run_id = store.begin_run("ingest", ["bad.bin", "a.txt"])
    result = store.write_batch([make_rejected("bad.bin", "E102"), make_document(1)], run_id)
    assert (result.stored, result.rejected) == (1, 1)
    rejections = store.rejections(run_id=run_id)
    assert rejections[["run_id", "source", "code"]].values.tolist() == [[run_id, "bad.bin", "E102"]]
    assert store.counts()["documents"] == 1
    assert store.rejections(run_id=run_id + 1).empty


def test_document_without_body_is_rejected_as_empty(store):
    result = store.write_batch([Document(body="", source="blank.txt")], None)
    assert (result.stored, result.rejected) == (0, 1)
    assert store.rejections()[["source", "code"]].values.tolist() == [["blank.txt", "E101"]]


# Documents go in through insert_unique_rows (skipping ones another writer stored), the rest through insert_rows.
@pytest.mark.parametrize("failing_table, method", [
    ("documents", "insert_unique_rows"), ("events", "insert_rows"), ("mentions", "insert_rows"),
])
def test_failure_mid_batch_stores_nothing(store, monkeypatch, failing_table, method):
    run_id = store.begin_run("ingest", ["x"])
    insert = getattr(store.backend, method)

    def failing_insert(table, columns, *key):
        inserted = insert(table, columns, *key)
        if table == failing_table:
            raise OSError("disk full (injected)")
        return inserted

    monkeypatch.setattr(store.backend, method, failing_insert)
    with pytest.raises(OSError):
        store.write_batch(make_documents(5), run_id)
    assert set(store.counts().values()) == {0, 1}  # only the ingest run row
    assert store.runs().loc[0, ["batches", "stored"]].tolist() == [0, 0]

    monkeypatch.undo()
    assert store.write_batch(make_documents(5), run_id).stored == 5
    assert store.counts()["events"] == 5 * EVENTS_PER_DOCUMENT


def test_run_records_progress_and_summary(store):
    run_id = store.begin_run("ingest", ["a", "b"])
    for batch in iter_batches(make_documents(7) + [make_document(0)], 3):
        store.write_batch(batch, run_id)
    running = store.runs().iloc[0]
    assert (running["status"], running["batches"], running["stored"], running["duplicates"]) == (
        "running", 3, 7, 1)
    store.finish_run(run_id, {"read": 8, "stored": 7})
    finished = store.runs().iloc[0]
    assert finished["status"] == "finished"
    assert list(finished["inputs"]) == ["a", "b"]
    assert '"stored":7' in finished["summary"]
    assert not pd.isna(finished["finished_at"])


def test_reads_and_writes_from_several_threads(store):
    def write(start: int) -> int:
        return store.write_batch(make_documents(10, start=start), None).stored

    def read(_: int) -> int:
        return len(store.events(actor="RUS")) + len(store.documents())

    with ThreadPoolExecutor(max_workers=4) as pool:
        writes = [pool.submit(write, start) for start in range(0, 80, 10)]
        reads = [pool.submit(read, n) for n in range(16)]
        assert sum(f.result() for f in writes) == 80
        assert all(f.result() >= 0 for f in reads)
    assert store.counts()["events"] == 80 * EVENTS_PER_DOCUMENT


def test_has_document_and_known_hashes(filled_store):
    stored, absent = make_document(3), make_document(99)
    assert filled_store.has_document(stored.id)
    assert filled_store.has_document(stored.content_hash)
    assert not filled_store.has_document(absent.id)
    assert filled_store.known_hashes([stored.content_hash, absent.content_hash]) == {stored.content_hash}
    assert filled_store.known_hashes([]) == set()


# ------------------------------------------------------------------------------- backends, read-only


def test_transaction_rolls_back_on_error(db):
    backend = open_backend(db)
    try:
        backend.execute("CREATE TABLE notes (text VARCHAR)")
        with pytest.raises(RuntimeError):
            with backend.transaction():
                backend.insert_rows("notes", {"text": ["kept?"]})
                raise RuntimeError("injected")
        assert backend.fetchall("SELECT COUNT(*) FROM notes") == [(0,)]
        with backend.transaction():
            backend.insert_rows("notes", {"text": ["a", "b"]})
        assert backend.fetchall("SELECT text FROM notes ORDER BY text") == [("a",), ("b",)]
    finally:
        backend.close()


@pytest.mark.parametrize("columns", [{}, {"text": []}])
def test_insert_of_no_rows_is_a_no_op(db, columns):
    backend = open_backend(db)
    try:
        backend.execute("CREATE TABLE notes (text VARCHAR PRIMARY KEY)")
        backend.insert_rows("notes", columns)
        assert backend.insert_unique_rows("notes", columns, "text") == []
        assert backend.fetchall("SELECT COUNT(*) FROM notes") == [(0,)]
    finally:
        backend.close()


def test_insert_unique_rows_skips_stored_values_and_returns_the_inserted(db):
    backend = open_backend(db)
    try:
        backend.execute("CREATE TABLE notes (id VARCHAR PRIMARY KEY, text VARCHAR UNIQUE)")
        backend.insert_rows("notes", {"id": ["a"], "text": ["first"]})
        inserted = backend.insert_unique_rows(
            "notes", {"id": ["a", "b", "c"], "text": ["new", "first", "third"]}, "id")
        assert inserted == ["c"]  # "a" repeats the id, "b" the text
        assert backend.fetchall("SELECT id, text FROM notes ORDER BY id") == [("a", "first"), ("c", "third")]
    finally:
        backend.close()


def test_read_only_store_reads_but_refuses_writes(db):
    with open_store(db) as writable:
        writable.write_batch([], writable.begin_run("ingest", []))
    with open_store(db, read_only=True) as store:
        assert store.runs()["run_id"].tolist() == [1]
        with pytest.raises(DetenteError) as caught:
            store.begin_run("ingest", [])
    assert caught.value.code == "E207"
    assert "read-only" in caught.value.message


def test_read_only_open_of_an_unmigrated_database_says_how_to_fix_it(db):
    open_backend(db).close()
    with pytest.raises(DetenteError) as caught:
        open_store(db, read_only=True)
    assert caught.value.code == "E207"
    assert "without read-only" in caught.value.message


# ---------------------------------------------------------------------------------------------- reads


def test_document_by_id_prefix(store):
    store.write_batch([Document(body="one", id="abcdef01"), Document(body="two", id="abcdef02"),
                       Document(body="three", id="fedcba987")], None)
    assert store.document("abcdef01")["body"] == "one"
    assert store.document("fedcba")["body"] == "three"
    assert store.document("abcdef") is None  # two documents start with it
    assert store.document("fedcb") is None  # shorter than six characters
    assert store.document("zzzzzz") is None
    assert store.document("fedcb%") is None  # LIKE wildcards are literal


def _names(entities) -> list[str]:
    return [t for e in entities for t in (e.identifier_text, e.entity_text) if t]


def _entity_matches(entities, value: str) -> bool:
    if value.isupper():
        return value in [e.code for e in entities] + [e.label() for e in entities]
    return any(value.lower() in name.lower() for name in _names(entities))


def _reference_events(docs: list[Document], actor=None, recipient=None, type=None, status=None,
                      since=None, until=None, doc_id=None) -> set[tuple[str, str]]:
    """The events a filter should select, worked out in Python over the documents themselves."""
    selected = set()
    for doc in docs:
        for event in doc.events:
            day = date.fromisoformat(event.date)
            if ((actor is None or _entity_matches(event.actor, actor))
                    and (recipient is None or _entity_matches(event.recipient, recipient))
                    and (type is None or type.upper() in event.event)
                    and (status is None or event.status == status)
                    and (since is None or day >= date.fromisoformat(since))
                    and (until is None or day <= date.fromisoformat(until))
                    and (doc_id is None or doc.id == doc_id)):
                selected.add((doc.id, event.id))
    return selected


@pytest.mark.parametrize("filters", [
    {},
    {"actor": "RUS"},
    {"actor": "RUS GOV"},
    {"actor": "SYR REB"},
    {"actor": "USA REB"},
    {"actor": "lavrov"},
    {"actor": "Support Group"},
    {"recipient": "USA"},
    {"recipient": "syrian opp"},
    {"actor": "IGO", "recipient": "RUS"},
    {"type": "consult"},
    {"type": "AGREE", "status": "planned"},
    {"status": "demanded"},
    {"since": "2015-12-05", "until": "2015-12-08"},
    {"until": "2015-12-03"},
    {"doc_id": make_document(3).id},
], ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()) or "all")
def test_event_filters_select_what_the_documents_say(filled_store, filters):
    frame = filled_store.events(**filters)
    expected = _reference_events(make_documents(10), **filters)
    assert set(zip(frame["doc_id"], frame["event_id"])) == expected
    assert len(frame) == len(expected)


def test_event_filters_are_not_all_empty_or_all_full(filled_store):
    sizes = {len(filled_store.events(actor=a)) for a in ("RUS", "USA REB", "lavrov")}
    assert len(sizes) > 1 and 0 in sizes


def test_event_without_date_falls_back_on_publication_date(store):
    doc = make_document(0, events=0, day=20)
    doc.events = [Event(id="e1", event=["CONSULT"], date=None)]
    store.write_batch([doc], None)
    assert len(store.events(since="2015-12-20", until="2015-12-20")) == 1
    assert store.events(since="2015-12-21").empty


@pytest.mark.parametrize("method, kwargs", [
    ("events", {"actor": "RUS'; DROP TABLE events; --"}),
    ("events", {"recipient": "x' OR '1'='1"}),
    ("events", {"type": "CONSULT' OR 1=1 --"}),
    ("events", {"status": "occurred' OR 'a'='a"}),
    ("events", {"doc_id": "' OR 1=1; DELETE FROM documents; --"}),
    ("events", {"actor": "%"}),
    ("events", {"actor": "_"}),
    ("documents", {"outlet": "x'); DROP TABLE documents; --"}),
    ("documents", {"outlet": "%"}),
    ("stances", {"issue": "' OR ''='"}),
    ("quotes", {"doc_id": "1 OR 1=1"}),
])
def test_sql_in_filter_values_is_data(filled_store, method, kwargs):
    before = filled_store.counts()
    assert getattr(filled_store, method)(**kwargs).empty
    assert filled_store.counts() == before
    assert filled_store.document("'; DROP TABLE documents; --") is None


@pytest.mark.parametrize("method, kwargs", [
    ("documents", {}), ("events", {"actor": "RUS"}), ("quotes", {}), ("stances", {}), ("commitments", {}),
    ("timexes", {}), ("places", {}), ("actors", {}), ("runs", {}), ("rejections", {}),
])
def test_arrow_output_matches_the_dataframe(filled_store, method, kwargs):
    frame = getattr(filled_store, method)(**kwargs)
    table = getattr(filled_store, method)(as_arrow=True, **kwargs)
    assert isinstance(frame, pd.DataFrame)
    assert isinstance(table, pa.Table)
    assert table.column_names == list(frame.columns)
    assert table.num_rows == len(frame)


def test_arrow_keeps_list_columns_as_lists(filled_store):
    table = filled_store.events(actor="RUS", as_arrow=True)
    assert pa.types.is_list(table.schema.field("actor_labels").type)
    assert ["RUS GOV"] in table.column("actor_labels").to_pylist()


@pytest.mark.parametrize("filters, expected", [
    ({}, 10),
    ({"since": "2015-12-05"}, 6),
    ({"since": "2015-12-05", "until": "2015-12-06"}, 2),
    ({"outlet": "outlet 1"}, 3),
    ({"limit": 4}, 4),
    ({"limit": 0}, 0),
])
def test_document_filters(filled_store, filters, expected):
    assert len(filled_store.documents(**filters)) == expected


@pytest.mark.parametrize("call, code", [
    (lambda s: s.documents(since="16/12/2015"), "E204"),
    (lambda s: s.events(until="yesterday"), "E204"),
    (lambda s: s.commitments(due_before="June"), "E204"),
    (lambda s: s.documents(limit=-1), "E203"),
    (lambda s: s.actors(limit="10; DROP TABLE mentions"), "E203"),
])
def test_bad_filter_values_raise_usage_errors(filled_store, call, code):
    with pytest.raises(DetenteError) as caught:
        call(filled_store)
    assert caught.value.code == code


def test_actors_counts_mentions_and_documents(filled_store):
    actors = filled_store.actors()
    lavrov = actors[actors["identifier_text"] == "Sergei Lavrov"].iloc[0]
    assert (lavrov["label"], lavrov["code"], lavrov["mentions"], lavrov["documents"]) == ("RUS GOV", "RUS", 10, 10)
    assert actors["mentions"].sum() == 20
    assert actors["mentions"].is_monotonic_decreasing
    assert len(filled_store.actors(limit=2)) == 2


@pytest.mark.parametrize("kwargs, expected", [
    ({}, 10),
    ({"due_before": "2016-06-30"}, 10),  # due "2016-06": the whole month counts
    ({"due_before": "2016-06-29"}, 0),
    ({"status": "pending"}, 10),
    ({"status": "kept"}, 0),
])
def test_commitment_filters(filled_store, kwargs, expected):
    assert len(filled_store.commitments(**kwargs)) == expected


@pytest.mark.parametrize("issue, expected", [(None, 10), ("assad_removal", 10), ("bashar", 10), ("ceasefire", 0)])
def test_stance_filter(filled_store, issue, expected):
    assert len(filled_store.stances(issue=issue)) == expected


@pytest.mark.parametrize("method", ["quotes", "timexes", "places"])
def test_per_document_items(filled_store, method):
    doc_id = make_document(2).id
    rows = getattr(filled_store, method)(doc_id=doc_id)
    assert rows["doc_id"].tolist() == [doc_id]
    assert len(getattr(filled_store, method)()) == 10


@pytest.mark.parametrize("value, expected", [
    ("2015", (date(2015, 1, 1), date(2015, 12, 31))),
    ("2016-02", (date(2016, 2, 1), date(2016, 2, 29))),
    ("2016-12", (date(2016, 12, 1), date(2016, 12, 31))),
    ("2015-12-16", (date(2015, 12, 16), date(2015, 12, 16))),
    ("2015-12-16T10:30:00", (date(2015, 12, 16), date(2015, 12, 16))),
    ("2016-W01", (date(2016, 1, 4), date(2016, 1, 10))),
    ("2016-Q2", (date(2016, 4, 1), date(2016, 6, 30))),
    ("2016-Q4", (date(2016, 10, 1), date(2016, 12, 31))),
    ("2015-13", None),
    ("PRESENT_REF", None),
    ("", None),
    (None, None),
])
def test_period_of_a_date_value(value, expected):
    assert period(value) == expected


def test_signatures_are_stored_with_their_documents_only(store):
    docs = make_documents(3)
    signatures = {docs[0].id: ("scheme-a", b"\x01\x02" * 8), docs[1].id: ("scheme-a", None),
                  "never-stored": ("scheme-a", b"\x00")}
    store.write_batch(docs, None, signatures)
    assert store.signatures("scheme-a") == sorted([(docs[0].id, docs[0].published, b"\x01\x02" * 8),
                                                   (docs[1].id, docs[1].published, None)])
    assert [row[0] for row in store.unsigned_documents("scheme-a")] == [docs[2].id]
    # signatures of another scheme do not count, and saving replaces the old row
    assert len(store.unsigned_documents("scheme-b")) == 3
    store.save_signatures("scheme-b", [(docs[0].id, None, b"\x03")])
    assert store.signatures("scheme-b") == [(docs[0].id, None, b"\x03")]
    assert store.signatures("scheme-a") == [(docs[1].id, docs[1].published, None)]
