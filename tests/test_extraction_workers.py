"""`extract_documents(..., workers=N)`: forked workers give the records of one process, in input order."""

from __future__ import annotations

import json
import multiprocessing as mp
import pickle
from pathlib import Path

import pytest

from detente import extraction
from detente.extraction import default_workers, detach, extract_documents
from detente.model import Document

ARTICLES = [
    "Russia and China signed a trade agreement in Beijing on Monday.",
    "The weather was mild.",
    "Protesters clashed with police in Kiev, officials said.\n\n\"We will not stop,\" one told reporters.",
    "Iran rejected the proposal. The EU said it would impose sanctions.",
    "Shares rose 2% in London.",
]


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps({"id": f"a{i}", "text": t}) + "\n" for i, t in enumerate(ARTICLES)))
    return str(path)


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="workers are forked")
def test_workers_give_the_records_of_one_process_in_order(corpus, pipeline):
    one = [d.to_dict() for d in extract_documents([corpus], published="2005-01-01", workers=1)]
    two = [d.to_dict() for d in extract_documents([corpus], published="2005-01-01", workers=2)]
    assert [r["id"] for r in two] == [f"a{i}" for i in range(len(ARTICLES))]
    assert two == one
    assert any(r["events"] for r in two)


def test_detached_documents_pickle_without_spacy_objects(pipeline):
    doc = pipeline(Document(body=ARTICLES[2], published="2005-01-01"))
    assert any(s.span is not None for s in doc.sentences) and "paragraph_docs" in doc.notes
    copy = pickle.loads(pickle.dumps(detach(doc)))
    assert copy.to_dict() == doc.to_dict()
    assert all(s.span is None for s in copy.sentences) and "paragraph_docs" not in copy.notes


def test_default_workers_is_at_least_one():
    assert default_workers() >= 1


def _die_on_second_article(docs):
    """A worker's chunk function that kills its own process when handed "a1" (as the OOM killer would)."""
    import os
    import signal

    if any(doc.id == "a1" for doc in docs):
        os.kill(os.getpid(), signal.SIGKILL)
    return _real_code_chunk(docs)


_real_code_chunk = extraction._code_chunk




def _stored(db: str) -> tuple[list, list, list]:
    from detente.store import open_store

    with open_store(db, read_only=True) as store:
        documents = store.documents()
        events = store.events()
        return (sorted(zip(documents["id"], documents["events"])),
                sorted(zip(events["doc_id"], events["event_type"], events["sources"])),
                sorted(store.merged_events()["id"]))


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="workers are forked")
def test_ingest_with_workers_stores_what_one_process_stores(tmp_path, corpus, pipeline):
    """Batches of two: a duplicate and a wire copy land in later batches than their originals."""
    from detente.store import open_store

    rows = [json.loads(line) for line in Path(corpus).read_text().splitlines()]
    rows.append({"id": "again", "text": ARTICLES[0]})  # exact duplicate of a0, two batches later
    wire = ("Turkey and Russia held talks in Moscow on Tuesday about the war in Syria, the first meeting of their "
            "foreign ministers since the downing of a Russian jet last month. Both sides said the talks were useful "
            "and agreed to meet again in January.")
    rows.insert(3, {"id": "wire", "text": wire})
    rows.append({"id": "copy", "text": "MOSCOW - " + wire})  # near duplicate of the wire story
    path = tmp_path / "more.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    stored = {}
    for workers in (1, 2):
        db = str(tmp_path / f"w{workers}.duckdb")
        with open_store(db) as store:
            summary = extraction.ingest([str(path)], store, published="2005-01-01", batch_size=2,
                                        pipeline=pipeline, workers=workers)
        assert (summary.read, summary.stored, summary.duplicates, summary.near_duplicates) == (8, 7, 1, 1)
        stored[workers] = _stored(db)
    assert stored[2] == stored[1]
    documents, events, merged = stored[2]
    assert ("copy", 0) in documents and any(n for _, n in documents) and events and merged


class _PoolBrokenOnSecondSubmit(extraction.ProcessPoolExecutor):
    """A pool whose second `submit` finds it broken, as when a worker dies before the parent hands out more."""

    def submit(self, *args, **kwargs):
        self.submitted = getattr(self, "submitted", 0) + 1
        if self.submitted == 2:
            raise extraction.BrokenProcessPool("a worker died")
        return super().submit(*args, **kwargs)


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="workers are forked")
@pytest.mark.parametrize("attribute, failing", [
    ("_code_chunk", _die_on_second_article),  # a worker killed while coding
    ("ProcessPoolExecutor", _PoolBrokenOnSecondSubmit),  # the pool found broken when handing out a chunk
])
def test_a_dead_worker_neither_hangs_nor_loses_documents(corpus, pipeline, monkeypatch, attribute, failing):
    monkeypatch.setattr(extraction, attribute, failing)
    monkeypatch.setattr(pipeline, "doc_batch_size", 1)
    one = [d.to_dict() for d in extract_documents([corpus], published="2005-01-01", workers=1)]
    two = [d.to_dict() for d in extract_documents([corpus], published="2005-01-01", workers=2)]
    assert two == one
