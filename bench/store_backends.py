"""DuckDB against PostgreSQL through the same Store: ingest time and filtered event query latency.

For each backend, in a new database (a temporary DuckDB file; a new schema, dropped afterwards, in the
PostgreSQL database given): `detente ingest` of ../shared/examples with the pipeline already loaded, then
--docs synthetic coded documents (bench/api_latency.py's, 5 events each) written in batches of --batch,
then p50/p95 of filtered event queries over --repeat runs.

    .venv/bin/python bench/store_backends.py --postgres URL [--docs 500] [--batch 50] [--repeat 30]

URL defaults to $DETENTE_TEST_POSTGRES_URL (scripts/postgres-test-server prints one).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO.parent / "shared" / "examples"
sys.path.insert(0, str(REPO / "bench"))

from api_latency import EVENTS_PER_DOCUMENT, synthetic_documents  # noqa: E402

from detente.store import iter_batches, open_store  # noqa: E402
from detente.store.postgres_backend import temporary_schema  # noqa: E402
from detente.store.repository import EventFilter, Store  # noqa: E402


def queries() -> dict[str, Callable[[Store], object]]:
    """The filtered event reads the CLI and the API run most, by name."""
    return {
        "events actor=RUS": lambda s: s.events(actor="RUS"),
        "events actor=RUS GOV 2015-06..2015-08": lambda s: s.events(actor="RUS GOV", since="2015-06-01",
                                                                    until="2015-08-31"),
        "events type=ACCUSE status=occurred": lambda s: s.events(type="ACCUSE", status="occurred"),
        "events actor name ILIKE 'usa off'": lambda s: s.events(actor="usa off"),
        "API page actor=USA -date 50": lambda s: s.event_page(EventFilter(actor="USA"), sort="-date", limit=50),
        "API series by category per month": lambda s: s.event_series(EventFilter(category="CONSULT"),
                                                                     interval="month"),
    }


def measure(name: str, db: str, docs: int, batch: int, repeat: int, pipeline) -> None:
    """Print ingest and query figures for one backend."""
    from detente.extraction import ingest
    from detente.settings import load_settings

    with open_store(db) as store:
        if pipeline is not None:
            started = time.perf_counter()
            summary = ingest([str(EXAMPLES)], store, load_settings(env={}), pipeline=pipeline)
            print(f"{name:10s} ingest examples: {summary.stored} stored, {summary.events} events in "
                  f"{time.perf_counter() - started:.2f} s (pipeline loaded beforehand)")
        started = time.perf_counter()
        stored = 0
        for chunk in iter_batches(synthetic_documents(docs), batch):
            stored += store.write_batch(chunk, None).stored
        elapsed = time.perf_counter() - started
        print(f"{name:10s} write {stored} synthetic documents ({stored * EVENTS_PER_DOCUMENT} events) in batches "
              f"of {batch}: {elapsed:.2f} s, {stored / elapsed:.0f} docs/s")
        for label, run in queries().items():
            timings, rows = [], 0
            for _ in range(repeat):
                started = time.perf_counter()
                result = run(store)
                timings.append((time.perf_counter() - started) * 1000)
            rows = len(result[0] if isinstance(result, tuple) else result)
            timings.sort()
            print(f"{name:10s} {label:40s} p50 {statistics.median(timings):7.1f} ms  "
                  f"p95 {timings[math.ceil(0.95 * len(timings)) - 1]:7.1f} ms  ({rows} rows)")  # nearest rank


def main() -> None:
    """Run the comparison and print one line per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("DETENTE_TEST_POSTGRES_URL"))
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--no-examples", action="store_true", help="skip the pipeline ingest of the examples")
    args = parser.parse_args()
    if not args.postgres:
        parser.error("give --postgres URL or set DETENTE_TEST_POSTGRES_URL (scripts/postgres-test-server)")
    pipeline = None
    if not args.no_examples and EXAMPLES.exists():
        from detente.extraction import default_pipeline, ingest
        from detente.settings import load_settings

        pipeline = default_pipeline(load_settings(env={}))
        with open_store(":memory:") as warm_up:  # first documents through spaCy are slower
            ingest([str(EXAMPLES)], warm_up, load_settings(env={}), pipeline=pipeline)
    with tempfile.TemporaryDirectory() as directory:
        measure("duckdb", str(Path(directory) / "bench.duckdb"), args.docs, args.batch, args.repeat, pipeline)
    with temporary_schema(args.postgres, prefix="detente_bench") as url:
        measure("postgresql", url, args.docs, args.batch, args.repeat, pipeline)


if __name__ == "__main__":
    main()
