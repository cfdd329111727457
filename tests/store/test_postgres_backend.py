"""PostgreSQL: connection errors (E207, password redacted), placeholders, results identical to DuckDB's,
and writers in several processes at once storing each document exactly once."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from detente.errors import DetenteError
from detente.merging import event_records, merge_events
from detente.model import Place
from detente.store import open_store
from detente.store.postgres_backend import _placeholders, redact, with_search_path
from detente.store.repository import is_database_url

from .postgres import REQUIRE_VARIABLE, URL_VARIABLE, fresh_schema, server_url
from .store_factory import EVENTS_PER_DOCUMENT, make_document, make_documents, make_rejected

CONCURRENT_WRITER = Path(__file__).resolve().parent / "concurrent_writer.py"


@pytest.mark.parametrize("url, shown", [
    ("postgresql://reader:s3cret@db.example:5432/detente", "postgresql://reader:***@db.example:5432/detente"),
    ("postgres://reader:@localhost/detente", "postgres://reader:***@localhost/detente"),
    ("postgresql://reader@localhost/detente", "postgresql://reader@localhost/detente"),
    ("postgresql:///detente?host=/run/pg&password=s3cret&port=5433",
     "postgresql:///detente?host=/run/pg&password=***&port=5433"),
    ("postgresql://localhost/detente", "postgresql://localhost/detente"),
])
def test_redact_hides_only_the_password(url, shown):
    assert redact(url) == shown


@pytest.mark.parametrize("db, expected", [
    ("postgresql://localhost/detente", True),
    ("postgres://localhost/detente", True),
    ("detente.duckdb", False),
    ("/data/postgresql/detente.duckdb", False),
    (Path("postgresql:/x"), False),
])
def test_only_postgresql_urls_select_postgresql(db, expected):
    assert is_database_url(db) is expected


@pytest.mark.parametrize("sql, expected", [
    ("SELECT 1 FROM t WHERE a = ? AND b = ?", "SELECT 1 FROM t WHERE a = %s AND b = %s"),
    ("SELECT * FROM t WHERE a ILIKE ? ESCAPE '\\'", "SELECT * FROM t WHERE a ILIKE %s ESCAPE '\\'"),
    ("SELECT '?' || ?", "SELECT '?' || %s"),
    ("SELECT 'a%b', ?", "SELECT 'a%%b', %s"),
    ("SELECT x % 2 FROM t", "SELECT x %% 2 FROM t"),
])
def test_placeholders_become_psycopg_ones(sql, expected):
    assert _placeholders(sql) == expected


@pytest.mark.parametrize("url, reason", [
    ("postgresql://reader:s3cret@127.0.0.1:1/detente", "refused"),
    ("postgresql://reader:s3cret@/detente?host=/nonexistent-socket-dir", "No such file or directory"),
    ("postgresql://reader:s3cret@localhost:notaport/detente", "port"),
], ids=["nothing-listening", "no-socket", "bad-port"])
def test_unreachable_server_is_e207_with_the_reason_and_no_password(url, reason):
    with pytest.raises(DetenteError) as caught:
        open_store(url)
    message = caught.value.message
    assert caught.value.code == "E207"
    assert reason in message
    assert "s3cret" not in message
    assert "reader:***@" in message


@pytest.mark.parametrize("require, outcome", [("", pytest.skip.Exception), ("1", pytest.fail.Exception)])
def test_without_a_server_url_postgresql_cases_skip_unless_required(monkeypatch, require, outcome):
    monkeypatch.delenv(URL_VARIABLE, raising=False)
    monkeypatch.setenv(REQUIRE_VARIABLE, require)
    with pytest.raises(outcome):
        server_url()


@pytest.mark.parametrize("url, expected", [
    ("postgresql://h/db", "postgresql://h/db?options=-csearch_path%3Dnews"),
    ("postgresql:///db?host=/run/pg&port=5433", "postgresql:///db?host=/run/pg&port=5433&options=-csearch_path%3Dnews"),
    ("postgresql://h/db?options=-csearch_path%3Dold", "postgresql://h/db?options=-csearch_path%3Dnews"),
])
def test_with_search_path_sets_the_schema_option(url, expected):
    assert with_search_path(url, "news") == expected


def test_url_into_a_missing_schema_is_e207_saying_so():
    with pytest.raises(DetenteError) as caught:
        open_store(with_search_path(server_url(), "no_such_schema"))
    assert caught.value.code == "E207"
    assert "CREATE SCHEMA" in caught.value.message


def test_unknown_database_is_e207_naming_it():
    url = server_url().replace("/detente_test?", "/no_such_database?")
    with pytest.raises(DetenteError) as caught:
        open_store(url)
    assert caught.value.code == "E207"
    assert 'database "no_such_database" does not exist' in caught.value.message


# ------------------------------------------------------------------------------- same results as DuckDB

# Columns holding the time a row was written, which differs between any two stores.
_WRITE_TIMES = ["ingested_at", "started_at", "finished_at", "rejected_at"]


def _fill(store) -> None:
    run_id = store.begin_run("ingest", ["synthetic", "bad.bin"])
    docs = make_documents(12) + [make_document(40, events=0, day=3), make_rejected()]
    docs[2].events[0].date = None  # falls back on the publication date
    docs[3].events[1].event_loc = None
    for doc in docs[4:8]:
        doc.events[0].event_loc = Place(text="Vienna", start=0, end=6, name="Vienna", country="AUT",
                                        lat=48.21, lon=16.37)
    store.write_batch(docs, run_id)
    store.finish_run(run_id, {"stored": 13})


_READS = [
    ("documents", {}), ("documents", {"since": "2015-12-04", "outlet": "outlet 2"}),
    ("events", {}), ("events", {"actor": "RUS GOV", "type": "consult"}), ("events", {"recipient": "syrian"}),
    ("quotes", {"speaker": "lavrov"}), ("stances", {"issue": "bashar"}), ("commitments", {"due_after": "2016-01-01"}),
    ("timexes", {}), ("places", {}), ("actors", {}), ("runs", {}), ("rejections", {}),
    ("mentions", {"doc_id": make_document(5).id}), ("event_series", {"by": "dyad", "interval": "week"}),
    ("event_series", {"interval": None}), ("event_network", {}), ("event_places", {}),
    ("document_page", {"text": "Report 1"}),
]


@pytest.fixture(scope="module")
def twin_stores(tmp_path_factory):
    """The same documents in a DuckDB file and in a PostgreSQL schema."""
    with fresh_schema() as url, open_store(url) as postgres, \
            open_store(tmp_path_factory.mktemp("twin") / "twin.duckdb") as duck:
        _fill(duck)
        _fill(postgres)
        yield duck, postgres


@pytest.mark.parametrize("method, kwargs", _READS, ids=lambda v: v if isinstance(v, str) else "")
def test_reads_return_the_same_frames_and_tables_on_both_backends(twin_stores, method, kwargs):
    duck, postgres = twin_stores
    expected, got = getattr(duck, method)(**kwargs), getattr(postgres, method)(**kwargs)
    assert len(expected) > 0
    drop = [c for c in _WRITE_TIMES if c in expected.columns]
    pd.testing.assert_frame_equal(got.drop(columns=drop), expected.drop(columns=drop))
    expected_table = getattr(duck, method)(as_arrow=True, **kwargs)
    got_table = getattr(postgres, method)(as_arrow=True, **kwargs)
    assert got_table.schema.equals(expected_table.schema)


def test_event_pages_and_downloads_match_on_both_backends(twin_stores):
    duck, postgres = twin_stores
    cursors = {}
    for name, store in (("duckdb", duck), ("postgresql", postgres)):
        pages, cursor = [], None
        while True:
            page, cursor = store.event_page(sort="-scale", cursor=cursor, limit=7)
            pages.append(page)
            if cursor is None:
                break
        cursors[name] = pd.concat(pages, ignore_index=True)
    pd.testing.assert_frame_equal(cursors["postgresql"], cursors["duckdb"])
    assert len(cursors["duckdb"]) == 12 * EVENTS_PER_DOCUMENT
    assert postgres.event_table(sort="date").equals(duck.event_table(sort="date"))


def test_stored_records_and_lookups_match(twin_stores):
    duck, postgres = twin_stores
    doc = make_document(9)  # one _fill leaves as made
    assert postgres.document(doc.id) == duck.document(doc.id) == doc.to_dict()
    assert postgres.document(doc.id[:8]) == doc.to_dict()
    assert postgres.known_hashes([doc.content_hash, "0" * 16]) == {doc.content_hash}
    assert postgres.counts() == duck.counts()


# ----------------------------------------------------------------------------------- concurrent writers


def test_a_document_another_transaction_is_storing_is_counted_once():
    """Writer B checks for the document before A commits it; the unique constraint makes B skip it."""
    shared, mine = make_document(1), make_document(2)
    with fresh_schema() as url, open_store(url) as first, open_store(url) as second:
        outcome = {}
        with first.backend.transaction():
            first.write_batch([shared], None)
            racer = threading.Thread(target=lambda: outcome.update(result=second.write_batch([shared, mine], None)))
            racer.start()
            time.sleep(0.5)
            assert racer.is_alive()  # waiting on the row `first` has not committed yet
        racer.join(timeout=30)
        result = outcome["result"]
        assert (result.stored, result.duplicates, result.stored_ids) == (1, 1, [mine.id])
        counts = second.counts()
        assert (counts["documents"], counts["events"], counts["quotes"]) == (2, 2 * EVENTS_PER_DOCUMENT, 2)


# Writer A stores documents 100-199 then 0-99, writer B 100-299: both start on the same 100 documents.
WRITER_NUMBERS = {"a": "100-199,0-99", "b": "100-299"}
DISTINCT_DOCUMENTS = 300
WRITER_BATCH_SIZE = 10


def test_two_processes_ingesting_overlapping_documents_store_each_exactly_once(tmp_path):
    go = tmp_path / "go"
    with fresh_schema() as url:  # empty: both processes also race to migrate it
        writers = {
            name: subprocess.Popen(
                [sys.executable, str(CONCURRENT_WRITER), url, str(go), numbers, str(WRITER_BATCH_SIZE)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
            for name, numbers in WRITER_NUMBERS.items()
        }
        time.sleep(1.0)  # let both interpreters start before the signal
        go.touch()
        totals = {}
        for name, writer in writers.items():
            out, err = writer.communicate(timeout=120)
            assert writer.returncode == 0, err
            totals[name] = json.loads(out)
        with open_store(url) as store:
            documents = store.documents()
            counts = store.counts()
            runs = store.runs()
            migrations = store.backend.fetchall("SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations")
            events_per_document = store.events().groupby("doc_id").size()
            merged = store.merged_events()
    expected_ids = {make_document(n).id for n in range(DISTINCT_DOCUMENTS)}
    # The two writers re-merged shared blocks one after the other: the result is one merge of everything stored.
    expected_merged = merge_events(event_records(make_document(n).to_dict() for n in range(DISTINCT_DOCUMENTS)))
    assert sorted(zip(merged["id"], merged["sources"])) == sorted((m.id, m.sources) for m in expected_merged)
    assert counts["event_merges"] == counts["events"] and any(m.sources > 1 for m in expected_merged)
    assert len(documents) == DISTINCT_DOCUMENTS and set(documents["id"]) == expected_ids
    assert counts["events"] == EVENTS_PER_DOCUMENT * DISTINCT_DOCUMENTS
    assert (events_per_document == EVENTS_PER_DOCUMENT).all()
    assert counts["mentions"] == 2 * DISTINCT_DOCUMENTS and counts["quotes"] == DISTINCT_DOCUMENTS
    assert totals["a"]["stored"] + totals["b"]["stored"] == DISTINCT_DOCUMENTS
    for name in WRITER_NUMBERS:
        assert totals[name]["stored"] + totals[name]["duplicates"] == 200
    assert sorted(runs["stored"]) == sorted(t["stored"] for t in totals.values())
    assert migrations[0][0] == migrations[0][1]
