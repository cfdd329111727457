"""Reading, coding and storing documents: the plain functions behind `detente extract`, `ingest` and the API.

`detente extract --workers N` codes in N processes forked after the pipeline is built, so the model, lexicons
and gazetteer are loaded once and shared; each worker codes chunks of documents in batches (Pipeline.pipe) and
the results come back in input order.

Ingest works in batches: each batch is read, stripped of documents the store already holds (so a killed run
resumes without re-parsing what it had finished), coded, and written in one transaction.  `ingest --workers N`
codes in N forked processes the same way while the parent writes the finished batches in input order.
"""

from __future__ import annotations

import errno
import io
import logging
import multiprocessing as mp
import os
import pickle
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

from detente.errors import DetenteError
from detente.ingest import read_inputs
from detente.model import Document, Sentence
from detente.neardup import NearDuplicateIndex, flag_near_duplicates, signature_from_bytes, signature_scheme
from detente.pipeline import Pipeline
from detente.settings import Settings, load_settings
from detente.store.repository import SignatureRows, iter_batches

log = logging.getLogger(__name__)

HTML_SNIFF = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<article|<div|<p[ >])", re.IGNORECASE)


@dataclass
class IngestSummary:
    """What an ingest run did; printed at the end of `detente ingest` and returned by the API."""

    read: int = 0
    stored: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    events: int = 0
    rejected: list[tuple[str, str, str]] = field(default_factory=list)  # (source, code, message)
    run_id: str | None = None

    @property
    def exit_code(self) -> int:
        """0 when every document went in (or was a duplicate), 1 when some were rejected."""
        return 1 if self.rejected else 0

    def to_dict(self) -> dict:
        return {
            "read": self.read, "stored": self.stored, "duplicates": self.duplicates,
            "near_duplicates": self.near_duplicates, "events": self.events,
            "rejected": [{"source": s, "code": c, "message": m} for s, c, m in self.rejected],
            "run_id": self.run_id,
        }


@lru_cache(maxsize=4)
def _cached_pipeline(config: str | None) -> Pipeline:
    return Pipeline(load_settings(config))


def default_pipeline(settings: Settings | None = None) -> Pipeline:
    """The configured pipeline; built once per process for the default settings."""
    if settings is None:
        return _cached_pipeline(None)
    return Pipeline(settings)


def complete_metadata(doc: Document) -> Document:
    """Infer a missing publication date from the text (weekday-date pairs) before time is resolved."""
    if doc.published or doc.rejected is not None:
        return doc
    try:
        from detente.nlp.timex import infer_published
    except ImportError:
        return doc
    date, evidence = infer_published(doc)
    if date:
        doc.published, doc.published_source = date, "inferred"
        doc.notes["published_evidence"] = evidence
    return doc


def code_documents(docs: Iterable[Document], pipeline: Pipeline) -> Iterator[Document]:
    """Run the pipeline over documents, in batches; rejected ones pass through untouched."""
    yield from pipeline.pipe(complete_metadata(doc) for doc in docs)


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def extract_documents(inputs: Iterable[str], settings: Settings | None = None, published: str | None = None,
                      stdin=None, workers: int = 1) -> Iterator[Document]:
    """Read and code documents without a store (`detente extract`), in `workers` processes when above 1."""
    pipeline = default_pipeline(settings)
    settings = settings or pipeline.settings
    docs = read_inputs(inputs, settings, published=published, stdin=stdin)
    if workers > 1 and "fork" in mp.get_all_start_methods():
        yield from code_in_processes(docs, pipeline, workers)
    else:
        yield from code_documents(docs, pipeline)


# The pipeline forked workers inherit (set by the parent just before it forks them).
_WORKER_PIPELINE: Pipeline | None = None


def code_in_processes(docs: Iterable[Document], pipeline: Pipeline, workers: int) -> Iterator[Document]:
    """Code documents in `workers` forked processes sharing the already built pipeline; input order is kept.

    The coded documents come back without their spaCy objects (sentence spans, paragraph Docs), which only
    the stages themselves read.  A worker that dies (killed, out of memory) breaks the pool; the chunks it
    left unfinished, and the rest of the input, are then coded in this process, so nothing is lost or hangs.
    """
    global _WORKER_PIPELINE
    _WORKER_PIPELINE = pipeline
    docs, size = iter(docs), max(1, pipeline.doc_batch_size)
    pending: deque = deque()
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
        broken = False
        while chunk := list(islice(docs, size)):
            if not broken:
                try:
                    pending.append((pool.submit(_code_chunk, chunk), chunk))
                except BrokenProcessPool:  # a worker died before this chunk could be handed out
                    log.warning("a worker process died; coding the rest of the input in this process")
                    broken = True
                else:
                    # A few chunks in flight per worker keep them busy without reading the whole input ahead.
                    if len(pending) >= 2 * workers:
                        coded, broken = _collect(*pending.popleft(), pipeline)
                        yield from coded
                    continue
            # The pool is broken: the chunks still in flight come first, to keep the input order.
            while pending:
                yield from _collect(*pending.popleft(), pipeline)[0]
            yield from code_documents(chunk, pipeline)
        while pending:
            yield from _collect(*pending.popleft(), pipeline)[0]


def _collect(future: Future, chunk: list[Document], pipeline: Pipeline) -> tuple[list[Document], bool]:
    """A chunk's coded documents from its worker, or coded here when the pool broke; and whether it did."""
    try:
        return [pickle.loads(data) for data in future.result()], False
    except BrokenProcessPool:
        log.warning("a worker process died; coding its documents and the rest of the input in this process")
        return list(code_documents(chunk, pipeline)), True


def _code_chunk(docs: list[Document]) -> list[bytes]:
    return [_portable(doc) for doc in code_documents(docs, _WORKER_PIPELINE)]


def _portable(doc: Document) -> bytes:
    """The coded document pickled for the parent; what a stage left that cannot be pickled is dropped."""
    try:
        return pickle.dumps(detach(doc), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # a stage's cache on a mention or note; the public record does not need it
        log.warning("dropping the working notes of %s: they cannot be copied to the parent process", doc.id)
        doc.sentences, doc.notes = [], {}
        return pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)


def detach(doc: Document) -> Document:
    """The document without the spaCy objects and caches the stages left on it (only the stages read them)."""
    doc.sentences = [Sentence(s.start, s.end, s.paragraph, s.text, s.candidate) for s in doc.sentences]
    doc.notes = {k: v for k, v in doc.notes.items()
                 if k != "paragraph_docs" and not type(v).__module__.startswith("spacy")}
    return doc


def extract(text_or_html: str | bytes, published: str | None = None, settings: Settings | None = None,
            **metadata: str) -> Document:
    """Code one article given as text or HTML; `.to_dict()` on the result gives the OUTPUT.md record."""
    data = text_or_html.encode("utf-8") if isinstance(text_or_html, str) else text_or_html
    pipeline = default_pipeline(settings)
    settings = settings or pipeline.settings
    docs = list(read_inputs(["-"], settings, published=published, stdin=io.BytesIO(data)))
    doc = docs[0]
    for key in ("title", "outlet", "url"):
        if metadata.get(key):
            setattr(doc, key, metadata[key])
    return pipeline(complete_metadata(doc))


def ingest(inputs: list[str], store, settings: Settings | None = None, published: str | None = None,
           batch_size: int = 50, stdin=None, on_progress: Callable[[IngestSummary], None] | None = None,
           pipeline: Pipeline | None = None, workers: int = 1) -> IngestSummary:
    """Read, code and store documents batch by batch, one transaction per batch (`detente ingest`).

    With `workers` above 1 the documents are coded in forked processes (as `extract --workers`) while this
    process reads ahead and writes finished batches in input order, so a killed run still leaves whole batches.
    """
    settings = settings or load_settings()
    pipeline = pipeline or default_pipeline(settings)
    summary = IngestSummary()
    summary.run_id = store.begin_run("ingest", list(inputs))
    # A resumed run meets the rejections of the killed one again: report them, but store each only once.
    recorded = {(r.source, r.doc_id, r.code) for r in store.rejections().itertuples()}
    near = _near_duplicate_index(store)
    batches = _fresh_batches(read_inputs(inputs, settings, published=published, stdin=stdin), store, near,
                             batch_size, summary)
    for coded in code_batches(batches, pipeline, workers):
        summary.rejected.extend((d.source or d.id or "?", d.rejected.code, d.rejected.message)
                                for d in coded if d.rejected is not None)
        to_store = [d for d in coded if d.rejected is None
                    or (d.source, d.id, d.rejected.code) not in recorded]
        result = _write(store, to_store, summary.run_id, _signature_rows(to_store, near))
        summary.stored += result.stored
        summary.duplicates += result.duplicates
        summary.events += result.events
        if on_progress:
            on_progress(summary)
    store.finish_run(summary.run_id, summary.to_dict())
    return summary


def _fresh_batches(docs: Iterable[Document], store, near: NearDuplicateIndex, batch_size: int,
                   summary: IngestSummary) -> Iterator[list[Document]]:
    """Batches without the documents already stored or already read in this run, near-duplicate copies marked
    (stored with their link and body for provenance, but not coded a second time)."""
    seen: set[str] = set()
    for batch in iter_batches(docs, batch_size):
        summary.read += len(batch)
        fresh = []
        known = store.known_hashes([d.content_hash for d in batch if d.rejected is None])
        for doc in batch:
            if doc.rejected is None and (doc.content_hash in known or doc.content_hash in seen):
                summary.duplicates += 1
                continue
            seen.add(doc.content_hash)
            fresh.append(doc)
        copies = flag_near_duplicates([d for d in fresh if d.rejected is None and d.body], near)
        for doc in fresh:
            if doc.id in copies:
                doc.near_duplicate_of = copies[doc.id][0]
                summary.near_duplicates += 1
        yield fresh


def code_batches(batches: Iterable[list[Document]], pipeline: Pipeline,
                 workers: int = 1) -> Iterator[list[Document]]:
    """Each batch with its documents coded, in order; near-duplicate copies pass through uncoded.

    The documents of all batches flow through one coder (in `workers` forked processes when above 1), so
    workers never wait at a batch boundary; a batch is handed back as soon as its last document is coded.
    """
    waiting: deque[tuple[list[Document], list[int]]] = deque()  # (batch, positions still to code)

    def to_code() -> Iterator[Document]:
        for batch in batches:
            positions = [i for i, doc in enumerate(batch) if not doc.near_duplicate_of]
            waiting.append((batch, positions))
            yield from (batch[i] for i in positions)

    if workers > 1 and "fork" in mp.get_all_start_methods():
        coded = code_in_processes(to_code(), pipeline, workers)
    else:
        coded = code_documents(to_code(), pipeline)
    filled = 0
    for doc in coded:
        while filled == len(waiting[0][1]):  # batches with nothing (left) to code
            yield waiting.popleft()[0]
            filled = 0
        batch, positions = waiting[0]
        batch[positions[filled]] = doc
        filled += 1
    while waiting:
        yield waiting.popleft()[0]


def _near_duplicate_index(store) -> NearDuplicateIndex:
    """MinHash index of the stored documents, loaded from their stored signatures.

    Documents stored without one (by `detente load`, the API, or a store from before signatures were kept) are
    shingled once here and their signatures saved, so each body is shingled once in the store's life rather
    than at the start of every run (about 9 ms a document, bench/neardup_bbc.py).
    """
    index = NearDuplicateIndex()
    scheme = signature_scheme(index)
    for doc_id, published, data in store.signatures(scheme):
        if data is not None:
            index.add(doc_id, "", published, signature=signature_from_bytes(data))
    missing = []
    for doc_id, body, published in store.unsigned_documents(scheme):
        index.add(doc_id, body, published)
        missing.append((doc_id, published, index.signature_bytes(doc_id)))
    if missing and not store.backend.read_only:
        store.save_signatures(scheme, missing)
    return index


def _signature_rows(docs: list[Document], index: NearDuplicateIndex) -> SignatureRows:
    """The signatures a batch's documents got in the index (None for copies and for bodies too short)."""
    scheme = signature_scheme(index)
    return {doc.id: (scheme, index.signature_bytes(doc.id)) for doc in docs if doc.id}


def _write(store, docs: list[Document], run_id, signatures: SignatureRows):
    """One batch in one transaction; a full disk becomes E209 (the transaction has rolled back)."""
    try:
        return store.write_batch(docs, run_id, signatures)
    except OSError as err:
        if err.errno == errno.ENOSPC:
            raise DetenteError("E209", path=store.backend.path) from err
        raise
    except Exception as err:  # DuckDB reports a full disk as its own IOException
        if "No space left" in str(err):
            raise DetenteError("E209", path=store.backend.path) from err
        raise
