"""Child process for the kill-and-resume test: ingests synthetic documents batch by batch.

usage: python crash_writer.py DB PROGRESS TOTAL BATCH_SIZE [PAUSE_AT_BATCH]    (DB: a DuckDB path or a URL)

After each committed batch it appends "committed INDEX" to PROGRESS.  With PAUSE_AT_BATCH it stops inside that
batch's transaction (documents inserted, events not yet), writes "paused INDEX" and sleeps, so the parent can
kill it there for certain.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_factory import make_documents  # noqa: E402

from detente.store import iter_batches, open_store  # noqa: E402


def main(db: str, progress: str, total: int, batch_size: int, pause_at: int | None) -> None:
    log = open(progress, "a", buffering=1, encoding="utf-8")
    with open_store(db) as store:
        current = {"batch": -1}
        insert_unique_rows = store.backend.insert_unique_rows

        def pausing_insert_unique_rows(table: str, columns: dict, key: str) -> list:
            inserted = insert_unique_rows(table, columns, key)
            if table == "documents" and current["batch"] == pause_at:
                log.write(f"paused {current['batch']}\n")
                time.sleep(120)
            return inserted

        store.backend.insert_unique_rows = pausing_insert_unique_rows
        run_id = store.begin_run("ingest", ["synthetic"])
        for index, batch in enumerate(iter_batches(make_documents(total), batch_size)):
            current["batch"] = index
            store.write_batch(batch, run_id)
            log.write(f"committed {index}\n")
        store.finish_run(run_id, {"total": total})
    log.write("done\n")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0], args[1], int(args[2]), int(args[3]), int(args[4]) if len(args) > 4 else None)
