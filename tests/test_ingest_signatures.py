"""Near-duplicate signatures kept in the store: an ingest loads them instead of re-shingling stored bodies."""

from __future__ import annotations

import json

import pytest

from detente import extraction
from detente.neardup import NearDuplicateIndex
from detente.store import open_store

STORY = ("Turkey and Russia held talks in Moscow on Tuesday about the war in Syria, the first meeting of their "
         "foreign ministers since the downing of a Russian jet last month. Both sides said the talks were useful "
         "and agreed to meet again in January.")
OTHER = ("Germany and France agreed on Wednesday in Paris to send more aid to refugees in Greece, officials said, "
         "after a meeting of interior ministers that lasted late into the night and ended with a joint statement "
         "on border controls.")


def corpus(path, rows: list[tuple[str, str]]) -> str:
    path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in rows))
    return str(path)


@pytest.fixture
def shingled(monkeypatch):
    """The ids of the bodies the index shingles (computes a signature for)."""
    seen: list[str] = []
    real = NearDuplicateIndex.signature

    def counting(self, body):
        seen.append(body[:20])
        return real(self, body)

    monkeypatch.setattr(NearDuplicateIndex, "signature", counting)
    return seen


def signature_rows(store) -> dict[str, bool]:
    rows = store.backend.fetchall("SELECT doc_id, signature IS NOT NULL FROM document_signatures")
    return dict(rows)


def test_second_run_loads_signatures_and_still_flags_copies(tmp_path, pipeline, shingled):
    db = str(tmp_path / "s.duckdb")
    first = corpus(tmp_path / "a.jsonl", [("story", STORY), ("short", "Talks ended."), ("copy", "MOSCOW - " + STORY)])
    with open_store(db) as store:
        summary = extraction.ingest([first], store, published="2015-12-15", pipeline=pipeline)
        assert (summary.stored, summary.near_duplicates) == (3, 1)
        # the original has a signature; the copy and the too-short brief are stored as unsigned
        assert signature_rows(store) == {"story": True, "short": False, "copy": False}
    shingled.clear()
    second = corpus(tmp_path / "b.jsonl", [("other", OTHER), ("copy2", STORY + " Reuters")])
    with open_store(db) as store:
        summary = extraction.ingest([second], store, published="2015-12-16", pipeline=pipeline)
        assert (summary.stored, summary.near_duplicates) == (2, 1)
        assert signature_rows(store)["other"] is True
        assert store.document("copy2")["near_duplicate_of"] == "story"
    # only the two new bodies were shingled: the stored ones came from their signatures
    assert len(shingled) == 2


def test_documents_stored_without_signatures_are_signed_once(tmp_path, pipeline, shingled):
    db = str(tmp_path / "s.duckdb")
    with open_store(db) as store:
        store.write_batch([pipeline(extraction.complete_metadata(doc)) for doc in extraction.read_inputs(
            [corpus(tmp_path / "a.jsonl", [("story", STORY)])], pipeline.settings)], None)
        assert signature_rows(store) == {}
        copy = corpus(tmp_path / "b.jsonl", [("copy", "MOSCOW - " + STORY)])
        summary = extraction.ingest([copy], store, published="2015-12-16", pipeline=pipeline)
        assert summary.near_duplicates == 1 and signature_rows(store) == {"story": True, "copy": False}
    shingled.clear()
    with open_store(db) as store:
        extraction.ingest([corpus(tmp_path / "c.jsonl", [("other", OTHER)])], store, pipeline=pipeline)
    assert len(shingled) == 1
