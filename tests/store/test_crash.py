"""Kill-and-resume: a writer killed with SIGKILL leaves whole batches only, and a rerun completes the work.

The writer is a real child process (crash_writer.py) ingesting synthetic documents, into a DuckDB file or a
PostgreSQL schema (where the server rolls back the transaction of a connection that dies).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from detente.merging import event_records, merge_events
from detente.store import iter_batches, open_store

from .store_factory import EVENTS_PER_DOCUMENT, make_documents

WRITER = Path(__file__).resolve().parent / "crash_writer.py"
TOTAL = 300
BATCH_SIZE = 20
COMMITTED_BEFORE_KILL = 3
# Generous: the child only needs a few seconds, but CI machines can be slow to start Python.
WAIT_S = 60


def _start_writer(db: str, progress: Path, pause_at: int | None) -> subprocess.Popen:
    args = [sys.executable, str(WRITER), str(db), str(progress), str(TOTAL), str(BATCH_SIZE)]
    if pause_at is not None:
        args.append(str(pause_at))
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _wait_for(progress: Path, line: str, child: subprocess.Popen) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if progress.exists() and line in progress.read_text(encoding="utf-8").splitlines():
            return
        if child.poll() is not None:
            pytest.fail(f"writer exited early ({child.returncode}): {child.stderr.read()}")
        time.sleep(0.01)
    pytest.fail(f"writer never wrote {line!r}")


def _committed_batches(progress: Path) -> int:
    return sum(line.startswith("committed ") for line in progress.read_text(encoding="utf-8").splitlines())


def _assert_consistent(store) -> None:
    """Every stored document has all its rows, and only whole batches are present."""
    counts = store.counts()
    documents = counts["documents"]
    assert documents % BATCH_SIZE == 0
    for table in ("quotes", "stances", "commitments", "timexes", "places"):
        assert counts[table] == documents, table
    assert counts["mentions"] == 2 * documents
    assert counts["events"] == EVENTS_PER_DOCUMENT * documents
    events_per_doc = store.events().groupby("doc_id").size()
    assert (events_per_doc == EVENTS_PER_DOCUMENT).all()
    assert set(events_per_doc.index) == set(store.documents()["id"])
    # Whole batches, in order: the stored ids are exactly the first k batches.
    expected_ids = [d.id for batch in list(iter_batches(make_documents(TOTAL), BATCH_SIZE))
                    [: documents // BATCH_SIZE] for d in batch]
    assert set(store.documents()["id"]) == set(expected_ids)
    # Merged events cover every stored report once, as one merge of everything stored would.
    assert counts["event_merges"] == counts["events"]
    expected = merge_events(event_records(d.to_dict() for d in make_documents(TOTAL) if d.id in set(expected_ids)))
    assert sorted(store.merged_events()["id"]) == sorted(m.id for m in expected)
    runs = store.runs()
    assert runs["stored"].sum() == documents


@pytest.mark.parametrize("pause_inside_batch", [True, False], ids=["killed-inside-a-transaction", "killed-anywhere"])
def test_sigkill_then_rerun_completes_without_duplicates(tmp_path, db, pause_inside_batch):
    progress = tmp_path / "progress.log"
    child = _start_writer(db, progress, COMMITTED_BEFORE_KILL if pause_inside_batch else None)
    try:
        _wait_for(progress, f"committed {COMMITTED_BEFORE_KILL - 1}", child)
        if pause_inside_batch:
            _wait_for(progress, f"paused {COMMITTED_BEFORE_KILL}", child)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=WAIT_S)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    committed = _committed_batches(progress)
    with open_store(db) as store:
        _assert_consistent(store)
        stored = store.counts()["documents"]
        # The kill may land between a commit and the progress line that reports it.
        assert committed * BATCH_SIZE <= stored <= (committed + 1) * BATCH_SIZE
        if pause_inside_batch:
            assert stored == COMMITTED_BEFORE_KILL * BATCH_SIZE
        assert store.runs()["status"].tolist() == ["running"]

    rerun = subprocess.run(
        [sys.executable, str(WRITER), str(db), str(tmp_path / "rerun.log"), str(TOTAL), str(BATCH_SIZE)],
        capture_output=True, text=True, timeout=WAIT_S * 2,
    )
    assert rerun.returncode == 0, rerun.stderr
    with open_store(db) as store:
        _assert_consistent(store)
        documents = store.documents()
        assert len(documents) == TOTAL
        assert documents["id"].is_unique
        assert store.backend.fetchall("SELECT COUNT(DISTINCT content_hash) FROM documents") == [(TOTAL,)]
        last_run = store.runs().iloc[-1]
        assert (last_run["status"], last_run["stored"], last_run["duplicates"]) == (
            "finished", TOTAL - stored, stored)
