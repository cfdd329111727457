"""Child process for the concurrent-ingest test: one writer of synthetic documents into a shared database.

usage: python concurrent_writer.py DB GO_FILE NUMBERS BATCH_SIZE

Waits until GO_FILE exists (so the writers start together), opens the store (migrating it if it is new),
writes the documents numbered NUMBERS ("100-199,0-99": ranges in that order) batch by batch in one run, and
prints that run's counts as JSON.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_factory import make_document  # noqa: E402

from detente.store import iter_batches, open_store  # noqa: E402

WAIT_S = 60


def _numbers(spec: str) -> list[int]:
    numbers: list[int] = []
    for part in spec.split(","):
        first, last = part.split("-")
        numbers.extend(range(int(first), int(last) + 1))
    return numbers


def main(db: str, go_file: str, spec: str, batch_size: int) -> None:
    deadline = time.monotonic() + WAIT_S
    while not Path(go_file).exists():
        if time.monotonic() > deadline:
            raise SystemExit("never told to start")
        time.sleep(0.005)
    with open_store(db) as store:
        run_id = store.begin_run("ingest", [spec])
        totals = {"stored": 0, "duplicates": 0, "events": 0}
        for batch in iter_batches((make_document(n) for n in _numbers(spec)), batch_size):
            result = store.write_batch(batch, run_id)
            totals["stored"] += result.stored
            totals["duplicates"] += result.duplicates
            totals["events"] += result.events
        store.finish_run(run_id, totals)
    print(json.dumps(totals))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
