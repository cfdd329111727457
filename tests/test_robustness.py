"""Hostile input through reading and the whole pipeline: no crash, no hang, every document coded or rejected.

Also: a full disk and read-only database paths give clear errors and leave nothing half-written.
"""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from detente.errors import MESSAGES, DetenteError
from detente.extraction import code_documents
from detente.ingest import read_inputs
from detente.model import Document
from detente.settings import load_settings
from detente.store import open_store
from detente.timeouts import run_with_deadline

# Reading alone never takes this long; only a hang reaches it, and the test then fails instead of stalling.
HANG_SECONDS = 120
# The per-document bound the pipeline enforces (pipeline.max_seconds_per_doc, E114) in these tests.
DOC_SECONDS = 10
SENTENCE = "Russia accused Ukraine of shelling Donetsk on Tuesday, officials said."

# Few examples: each goes through spaCy; the suite must stay within about a minute on 2 cores.
PROPERTY_SETTINGS = settings(
    max_examples=20, deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def pipeline():
    """The default pipeline with the per-document bound lowered to DOC_SECONDS."""
    from detente.pipeline import Pipeline

    settings = load_settings()
    settings.override("pipeline.max_seconds_per_doc", DOC_SECONDS)
    return Pipeline(settings)


def _code_stdin(raw: bytes, pipeline) -> list[Document]:
    """Everything `detente extract -` would produce for these bytes, each document within DOC_SECONDS."""
    docs = run_with_deadline(lambda: list(read_inputs(["-"], load_settings(), stdin=io.BytesIO(raw))),
                             HANG_SECONDS)
    return list(code_documents(docs, pipeline))


def _assert_coded_or_rejected(docs: list[Document]) -> None:
    assert docs, "every input yields at least one document or one rejection"
    for doc in docs:
        if doc.rejected is not None:
            assert doc.rejected.code in MESSAGES
            assert doc.rejected.message
        else:
            assert doc.body.strip()
        # The record must serialise: it is what extract writes and the store keeps.
        json.dumps(doc.to_dict(), ensure_ascii=False).encode("utf-8", errors="surrogatepass")


def _jsonl(*texts: str) -> bytes:
    # ensure_ascii writes lone surrogates as \ud800 escapes, which json.loads turns back into them.
    return "".join(json.dumps({"text": t, "published": "2020-01-01"}) + "\n" for t in texts).encode("ascii")


ADVERSARIAL = {
    "nul bytes": f"{SENTENCE}\x00\x00 Then\x00 silence.".encode(),
    "rtl and bidi marks": f"\u202e{SENTENCE}\u202c \u200f\u200e\u2067Iran\u2069 \u061c replied.".encode(),
    "zero width and bom": f"\ufeff\u200b{SENTENCE}\u200d\ufeff\u2060".encode(),
    "100k-char word": f"{SENTENCE} {'x' * 100_000} {SENTENCE}".encode(),
    "thousands of quote marks": f"{SENTENCE} {chr(34) * 1500} {'“' * 1000} said Lavrov {chr(39) * 1000}".encode(),
    "unbalanced quotes": f'"{SENTENCE} He said "we will "never" agree. “Not ” ” “'.encode(),
    "huge paragraph": (" ".join([SENTENCE] * 400)).encode(),
    "many tiny paragraphs": ("\n\n".join(["Iran."] * 5000)).encode(),
    "only punctuation": ("!?.,;:" * 2000).encode(),
    "invalid utf-8": b"\xff\xfe\xfd" + SENTENCE.encode() + b"\xc3\x28\xa0\xa1",
    "lone surrogate bytes": b"Russia \xed\xa0\x80 accused Ukraine.",
    "deeply nested html": ("<html><body>" + "<div>" * 2000 + f"<p>{SENTENCE}</p>" + "</div>" * 2000
                           + "</body></html>").encode(),
    "broken html": f"<html><body><p>{SENTENCE}<div><b><i>Iran</p></b> said <script>var x='</div>".encode(),
    "unclosed comment html": f"<html><body><p>{SENTENCE}</p><!-- never closed <p>more</p>".encode(),
    "html entities storm": ("<html><body><p>" + "&amp;&#0;&#x110000;&#xD800;&nbsp;" * 2000
                            + "</p></body></html>").encode(),
    "json lone surrogates": _jsonl(f"{SENTENCE} \ud800 and \udfff alone.", "\udc80" * 50, SENTENCE),
    "json nul and controls": _jsonl(f"{SENTENCE}\x00\x01\x1b[31m red", "\x00" * 100),
    "mixed scripts": f"{SENTENCE} Москва заявила. 北京表示。 طهران قالت. ".encode() * 50,
    "empty": b"",
    "whitespace only": " \n\t\r\n \u3000".encode(),
}


@pytest.mark.parametrize("raw", list(ADVERSARIAL.values()), ids=list(ADVERSARIAL))
def test_adversarial_input_is_coded_or_rejected(raw, pipeline):
    _assert_coded_or_rejected(_code_stdin(raw, pipeline))


@PROPERTY_SETTINGS
@given(text=st.text(alphabet=st.characters(exclude_categories=()), max_size=3000))
def test_random_unicode_is_coded_or_rejected(text, pipeline):
    raw = text.encode("utf-8", errors="surrogatepass")
    _assert_coded_or_rejected(_code_stdin(raw, pipeline))


@PROPERTY_SETTINGS
@given(texts=st.lists(st.text(max_size=400) | st.sampled_from([SENTENCE, "\ud800", "\x00", "\u202e"]),
                      min_size=1, max_size=6))
def test_random_jsonl_records_are_coded_or_rejected(texts, pipeline):
    docs = _code_stdin(_jsonl(*texts), pipeline)
    _assert_coded_or_rejected(docs)
    assert len(docs) <= len(texts)


_TAGS = st.sampled_from(["div", "p", "span", "b", "table", "tr", "td", "ul", "li", "script", "style", "a",
                         "article", "nav", "footer", "h1", "br", "img", "iframe", "svg", "math"])
_HTML = st.recursive(
    st.text(max_size=60) | st.just(SENTENCE) | st.sampled_from(["<", ">", "&", "</", "<!--", "-->", "<![CDATA["]),
    lambda children: st.builds(
        lambda tag, inner, closed: f"<{tag}>{''.join(inner)}" + (f"</{tag}>" if closed else ""),
        _TAGS, st.lists(children, max_size=4), st.booleans(),
    ),
    max_leaves=40,
)


@PROPERTY_SETTINGS
@given(fragment=_HTML, depth=st.integers(min_value=0, max_value=800))
def test_random_nested_or_broken_html_is_coded_or_rejected(fragment, depth, pipeline):
    page = "<html><body>" + "<div>" * depth + fragment + "</div>" * (depth // 2)
    _assert_coded_or_rejected(_code_stdin(page.encode("utf-8", errors="surrogatepass"), pipeline))


# ------------------------------------------------------------------------------------------ disk and paths


def _coded(pipeline, *texts: str) -> list[Document]:
    return list(code_documents(read_inputs(["-"], load_settings(), stdin=io.BytesIO(_jsonl(*texts))), pipeline))


def test_full_disk_during_a_batch_write_leaves_the_store_unchanged(tmp_path, monkeypatch, pipeline):
    first, second = _coded(pipeline, SENTENCE), _coded(pipeline, "Iran praised Turkey on Monday.")
    with open_store(tmp_path / "full.duckdb") as store:
        store.write_batch(first, None)
        before = store.counts()

        def no_space(table, columns):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(store.backend, "insert_rows", no_space)
        with pytest.raises(OSError) as caught:
            store.write_batch(second, None)
        assert caught.value.errno == errno.ENOSPC
        monkeypatch.undo()
        assert store.counts() == before  # the batch's transaction was rolled back whole
        assert store.write_batch(second, None).stored == 1


def test_full_disk_during_ingest_is_e209_and_a_rerun_completes(tmp_path, monkeypatch, pipeline):
    from detente.extraction import ingest

    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes(_jsonl(SENTENCE, "Iran praised Turkey on Monday."))
    settings = load_settings()
    settings.override("store.db", str(tmp_path / "full.duckdb"))
    with open_store(tmp_path / "full.duckdb") as store:
        def no_space(table, columns):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(store.backend, "insert_rows", no_space)
        with pytest.raises(DetenteError) as caught:
            ingest([str(corpus)], store, settings, pipeline=pipeline)
        assert caught.value.code == "E209" and "full.duckdb" in caught.value.message
        monkeypatch.undo()
        assert store.counts()["documents"] == 0
        assert ingest([str(corpus)], store, settings, pipeline=pipeline).stored == 2


@pytest.mark.parametrize("path, reason", [
    ("/dev/full", "No space left on device"),  # every write to /dev/full fails with ENOSPC
    ("/sys/detente.duckdb", "Permission denied"),  # read-only even for root
    ("/no/such/dir/detente.duckdb", "does not exist"),
])
def test_unwritable_database_paths_give_e207(path, reason):
    with pytest.raises(DetenteError) as caught:
        open_store(path)
    assert caught.value.code == "E207"
    assert path in caught.value.message and reason in caught.value.message


def test_store_opened_read_only_refuses_writes_with_e207(tmp_path, pipeline):
    open_store(tmp_path / "ro.duckdb").close()
    with open_store(tmp_path / "ro.duckdb", read_only=True) as store, pytest.raises(DetenteError) as caught:
        store.write_batch(_coded(pipeline, SENTENCE), None)
    assert caught.value.code == "E207" and "read-only" in caught.value.message


def test_full_disk_while_writing_a_partition_leaves_no_file(tmp_path, monkeypatch, pipeline):
    from detente import batch

    def no_space(table, where, **options):
        with open(where, "wb") as handle:  # a partial file, as a real full disk leaves one
            handle.write(b"PAR1")
        raise OSError(errno.ENOSPC, "No space left on device")

    (tmp_path / "events").mkdir()
    (tmp_path / "documents").mkdir()
    monkeypatch.setattr(batch.pq, "write_table", no_space)
    with pytest.raises(OSError) as caught:
        batch.write_partition(tmp_path, "0123456789abcdef", _coded(pipeline, SENTENCE))
    assert caught.value.errno == errno.ENOSPC
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == []
    assert not batch.partition_done(tmp_path, "0123456789abcdef")


# ----------------------------------------------------------------------------------- killed and resumed


_INGEST_SCRIPT = """
import sys
from detente.extraction import ingest
from detente.store import open_store

def progress(summary):
    print(summary.stored, flush=True)

with open_store(sys.argv[1]) as store:
    ingest([sys.argv[2]], store, batch_size=2, on_progress=progress)
"""


def _ingest_corpus(path) -> None:
    countries = ["Russia", "Ukraine", "France", "Iran", "Turkey", "China"]
    lines = [json.dumps({"id": f"doc-{i:02d}", "published": "2020-03-10",
                         "text": f"{countries[i % 6]} accused {countries[(i + 1) % 6]} of shelling on day {i}."})
             for i in range(24)]
    lines[1] = "{broken"  # rejected in the first batch, before the kill
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _contents(store) -> dict[str, list[tuple]]:
    fetch = store.backend.fetchall
    return {
        "documents": fetch("SELECT id, content_hash, source, record FROM documents ORDER BY id"),
        "events": fetch("SELECT doc_id, position, record FROM events ORDER BY doc_id, position"),
        "mentions": fetch("SELECT doc_id, position, code, entity_text FROM mentions ORDER BY doc_id, position"),
        "rejections": fetch("SELECT source, doc_id, code FROM rejections ORDER BY source, doc_id"),
    }


@pytest.fixture(scope="module")
def killed_and_resumed_ingest(tmp_path_factory):
    """An ingest killed with SIGKILL after a few batches, resumed in-process, and an uninterrupted one."""
    from detente.extraction import default_pipeline, ingest

    root = tmp_path_factory.mktemp("killed-ingest")
    corpus = root / "corpus.jsonl"
    _ingest_corpus(corpus)
    child = subprocess.Popen([sys.executable, "-c", _INGEST_SCRIPT, str(root / "resumed.duckdb"), str(corpus)],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        stored = 0
        for line in child.stdout:  # one line per committed batch
            stored = int(line)
            if stored >= 4:
                break
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
    pipeline = default_pipeline()
    with open_store(root / "resumed.duckdb") as store:
        before = store.counts()["documents"]
        ingest([str(corpus)], store, batch_size=2, pipeline=pipeline)
        resumed = _contents(store)
    with open_store(root / "uninterrupted.duckdb") as store:
        ingest([str(corpus)], store, batch_size=2, pipeline=pipeline)
        uninterrupted = _contents(store)
    return stored, before, resumed, uninterrupted


@pytest.mark.parametrize("table", ["documents", "events", "mentions"])
def test_killed_ingest_resumed_stores_the_same(killed_and_resumed_ingest, table):
    stored, before, resumed, uninterrupted = killed_and_resumed_ingest
    assert 4 <= stored and 4 <= before < len(uninterrupted["documents"])  # killed part-way
    assert resumed[table] == uninterrupted[table]
    assert uninterrupted[table]


def test_killed_ingest_resumed_records_each_rejection_once(killed_and_resumed_ingest):
    _, _, resumed, uninterrupted = killed_and_resumed_ingest
    assert resumed["rejections"] == uninterrupted["rejections"]
