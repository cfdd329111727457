"""Batch mode: partitions, idempotent re-runs, resuming a killed batch, and loading into the store.

One LocalCluster with 2 worker processes serves the whole module: starting Dask and building the pipeline in
each worker takes most of the time on a 2-core machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from detente.batch import (document_from_record, load_batch, partition_done, plan_partitions, read_partition,
                           run_batch)
from detente.errors import UsageError
from detente.ingest import read_inputs
from detente.settings import load_settings
from detente.store import open_store

COUNTRIES = ["Russia", "Ukraine", "France", "Germany", "Iran", "Turkey", "China", "Japan"]
VERBS = ["accused", "met with", "threatened", "praised", "criticised", "sanctioned"]
PARTITION_SIZE = 5


def _article(i: int) -> str:
    actor, target, verb = COUNTRIES[i % 8], COUNTRIES[(i * 3 + 1) % 8], VERBS[i % len(VERBS)]
    return (f"{actor} {verb} {target} on Tuesday during talks about the border, officials said. "
            f"The meeting number {i} was held in Geneva.")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[str]:
    """About 40 short documents in JSONL (with a malformed and a blank line), CSV and Parquet."""
    root = tmp_path_factory.mktemp("corpus")
    lines = []
    for i in range(30):
        if i == 7:
            lines.append("{not json")
        elif i == 11:
            lines.append("")
        else:
            lines.append(json.dumps({"id": f"jsonl-{i:02d}", "text": _article(i), "published": "2020-03-10"}))
    (root / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = ["id,text,published"] + [f'csv-{i},"{_article(100 + i)}\nSecond line.",2021-05-0{1 + i}'
                                    for i in range(6)]
    (root / "news.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    pq.write_table(pa.table({"id": [f"pq-{i}" for i in range(4)], "text": [_article(200 + i) for i in range(4)],
                             "published": ["2022-01-02"] * 4}), root / "news.parquet")
    return [str(root / "news.jsonl"), str(root / "news.csv"), str(root / "news.parquet")]


@pytest.fixture(scope="module")
def scheduler():
    """Address of a 2-worker LocalCluster shared by the module's tests."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def first_run(corpus, scheduler, tmp_path_factory):
    """The uninterrupted batch every other test compares with."""
    out = tmp_path_factory.mktemp("batch") / "out"
    return out, run_batch(corpus, out, load_settings(), scheduler=scheduler, partition_size=PARTITION_SIZE)


def _file_digests(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.glob("*/part-*.parquet"))}


def _records(out: Path) -> list[tuple]:
    rows = []
    for part in sorted((out / "documents").glob("part-*.parquet")):
        table = pq.read_table(part, columns=["id", "source", "record", "mentions"])
        rows.extend(zip(*(table.column(n).to_pylist() for n in table.column_names)))
    return sorted(rows)


def _store_contents(store) -> dict[str, list[tuple]]:
    """Everything a load writes, without run ids and timestamps."""
    fetch = store.backend.fetchall
    return {
        "documents": fetch("SELECT id, content_hash, source, published, record FROM documents ORDER BY id"),
        "events": fetch("SELECT doc_id, position, record FROM events ORDER BY doc_id, position"),
        "mentions": fetch("SELECT doc_id, position, code, entity_text FROM mentions ORDER BY doc_id, position"),
        "places": fetch("SELECT doc_id, position, record FROM places ORDER BY doc_id, position"),
        "rejections": fetch("SELECT source, doc_id, code, message FROM rejections ORDER BY source, doc_id"),
    }


# ------------------------------------------------------------------------------------- without a cluster


@pytest.mark.parametrize("name, partitions", [("news.jsonl", 6), ("news.csv", 2), ("news.parquet", 1)])
def test_plan_splits_each_input_into_row_ranges(corpus, name, partitions):
    path = next(p for p in corpus if p.endswith(name))
    planned = plan_partitions([path], PARTITION_SIZE)
    assert len(planned) == partitions
    assert [p.start for p in planned] == list(range(0, PARTITION_SIZE * partitions, PARTITION_SIZE))
    assert len({p.id for p in planned}) == partitions
    assert [p.id for p in plan_partitions([path], PARTITION_SIZE)] == [p.id for p in planned]


@pytest.mark.parametrize("name", ["news.jsonl", "news.csv"])
def test_partitions_read_the_same_documents_as_ingest(corpus, name):
    path = next(p for p in corpus if p.endswith(name))
    settings = load_settings()
    whole = [(d.id, d.source, d.body, d.rejected and d.rejected.code) for d in read_inputs([path], settings)]
    parts = [(d.id, d.source, d.body, d.rejected and d.rejected.code)
             for p in plan_partitions([path], PARTITION_SIZE) for d in read_partition(p, settings)]
    assert parts == whole


@pytest.mark.parametrize("inputs, size, code", [(["/no/such/corpus.jsonl"], 10, "E201"), ([], 0, "E203")])
def test_plan_rejects_bad_arguments(inputs, size, code):
    with pytest.raises(UsageError) as caught:
        plan_partitions(inputs, size)
    assert caught.value.code == code


# -------------------------------------------------------------------------------------------- on a cluster


def test_first_run_codes_every_partition(first_run):
    out, summary = first_run
    assert summary.failed == []
    assert summary.partitions == 9 and len(summary.computed) == 9 and summary.skipped == []
    assert summary.documents == 29 + 6 + 4  # the blank JSONL line is no document
    assert summary.rejected >= 1  # the malformed JSON line, as E105
    assert summary.events > 0
    assert sorted(_file_digests(out)) == sorted(
        f"{kind}/part-{pid}.parquet" for pid in summary.computed for kind in ("documents", "events"))


def test_records_rebuild_into_the_same_documents(first_run):
    out, _ = first_run
    for _doc_id, source, record, mentions in _records(out):
        rebuilt = document_from_record(json.loads(record), source=source, mentions=json.loads(mentions))
        assert rebuilt.to_dict() == json.loads(record)


def test_rerun_skips_finished_partitions_and_changes_nothing(first_run, corpus, scheduler):
    out, first = first_run
    before = _file_digests(out)
    again = run_batch(corpus, out, load_settings(), scheduler=scheduler, partition_size=PARTITION_SIZE)
    assert again.computed == [] and sorted(again.skipped) == sorted(first.computed)
    assert (again.documents, again.rejected, again.events) == (first.documents, first.rejected, first.events)
    assert _file_digests(out) == before


def test_second_run_gives_the_same_output(first_run, corpus, scheduler, tmp_path):
    out, _ = first_run
    run_batch(corpus, tmp_path / "out", load_settings(), scheduler=scheduler, partition_size=PARTITION_SIZE)
    assert _records(tmp_path / "out") == _records(out)


def test_deleted_partition_alone_is_recomputed(first_run, corpus, scheduler, tmp_path):
    out, first = first_run
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    lost = first.computed[3]
    (copy / "documents" / f"part-{lost}.parquet").unlink()
    assert not partition_done(copy, lost)
    kept = {p: p.stat().st_mtime_ns for p in copy.glob("*/part-*.parquet")}
    rerun = run_batch(corpus, copy, load_settings(), scheduler=scheduler, partition_size=PARTITION_SIZE)
    assert rerun.computed == [lost] and len(rerun.skipped) == 8
    untouched = {p: mtime for p, mtime in kept.items() if lost not in p.name}
    assert {p: p.stat().st_mtime_ns for p in untouched} == untouched
    assert _records(copy) == _records(out)


def test_loading_twice_adds_nothing(first_run, tmp_path):
    out, summary = first_run
    with open_store(tmp_path / "batch.duckdb") as store:
        loaded = load_batch(out, store)
        contents = _store_contents(store)
        again = load_batch(out, store)
        assert (loaded.stored, loaded.rejected) == (summary.documents - summary.rejected, summary.rejected)
        assert loaded.events == summary.events
        assert (again.stored, again.rejected, again.events) == (0, 0, 0)
        assert again.duplicates == summary.documents
        assert _store_contents(store) == contents


def test_killed_batch_resumed_matches_uninterrupted_run(first_run, corpus, scheduler, tmp_path):
    out, _ = first_run
    resumed = tmp_path / "killed"
    # Partitions of one row: many small tasks, so the kill lands while some are finished and some are not.
    script = ("import sys; from pathlib import Path; from detente.batch import run_batch; "
              "run_batch(sys.argv[3:], Path(sys.argv[1]), scheduler=sys.argv[2], partition_size=1)")
    child = subprocess.Popen([sys.executable, "-c", script, str(resumed), scheduler, *corpus],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    try:
        while len(list(resumed.glob("documents/part-*.parquet"))) < 3 and time.monotonic() < deadline:
            assert child.poll() is None, "the batch ended before it could be killed"
            time.sleep(0.05)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    total = len(plan_partitions(corpus, 1))
    assert 3 <= len(list(resumed.glob("documents/part-*.parquet"))) < total
    summary = run_batch(corpus, resumed, load_settings(), scheduler=scheduler, partition_size=1)
    assert summary.failed == [] and len(summary.computed) + len(summary.skipped) == total
    assert all(partition_done(resumed, p.id) for p in plan_partitions(corpus, 1))
    with open_store(tmp_path / "resumed.duckdb") as resumed_store, \
            open_store(tmp_path / "uninterrupted.duckdb") as uninterrupted_store:
        load_batch(resumed, resumed_store)
        load_batch(out, uninterrupted_store)
        assert _store_contents(resumed_store) == _store_contents(uninterrupted_store)
        assert _store_contents(resumed_store)["documents"]


def test_load_of_a_missing_directory_is_a_usage_error(tmp_path):
    with open_store(tmp_path / "empty.duckdb") as store, pytest.raises(UsageError) as caught:
        load_batch(tmp_path / "nothing-here", store)
    assert caught.value.code == "E201"
