"""What keeping merged events up to date costs as a store grows: windowed re-merging against whole blocks.

Writes --docs synthetic coded documents, in order of publication, into a new DuckDB store in batches of
--batch, and prints, for each tenth of the run, the seconds per batch and the reports each batch read back to
re-merge.  Each document reports 5 events drawn from 8 long-running processes (a dyad and a category, so
8 merging blocks that grow all run long), each a round every 4 to 20 days over --days days, reported by a few
outlets in the week after, dated to the day, the week or only by publication.  It does this twice: as the store
works (new reports re-merge only the stretch of time within reach of them, store/merges.py), and with the reach
made unbounded, which reads and re-merges every touched block whole, as the store did before schema v5.
Both runs must end with the same merged events; the script checks that.

    .venv/bin/python bench/merge_growth.py [--docs 4000] [--batch 50]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

EVENTS_PER_DOCUMENT = 5
PROCESSES = [("USA", "RUS", "CONSULT"), ("ISR", "PSE", "ASSAULT"), ("TUR", "SYR", "ACCUSE"),
             ("RUS", "UKR", "ASSAULT"), ("USA", "IRN", "SANCTION"), ("SAU", "YEM", "ASSAULT"),
             ("CHN", "USA", "CONSULT"), ("UNO", "SYR", "AID")]


def process_documents(count: int, days: int, seed: int = 7) -> list:
    """`count` documents of EVENTS_PER_DOCUMENT events each, sorted by publication date."""
    import random
    from datetime import date

    from detente.model import Document, Entity, Event

    rng = random.Random(seed)
    start = date(2015, 1, 1)
    rounds = []  # (process, day of the round)
    for process in PROCESSES:
        day = rng.randint(0, 10)
        while day < days:
            rounds.append((process, start + timedelta(days=day)))
            day += rng.randint(4, 20)
    docs = []
    rounds.sort(key=lambda item: item[1])
    for number in range(count):
        today = start + timedelta(days=days * number // count)
        recent = [r for r in rounds if today - timedelta(days=7) <= r[1] <= today] or rounds[:1]
        picked = [rng.choice(recent) for _ in range(EVENTS_PER_DOCUMENT)]  # news of the last week
        published = max(day for _, day in picked) + timedelta(days=rng.randint(0, 2))
        doc = Document(body=f"Synthetic report {number}.", outlet=f"Wire {number % 9}",
                       published=published.isoformat(), published_source="given", source=f"synthetic:{number}")
        for k, ((actor, recipient, category), day) in enumerate(picked):
            precision = rng.choice(["day", "day", "day", "week", "publication"])
            when = {"day": day.isoformat(), "week": day.strftime("%G-W%V"),
                    "publication": published.isoformat()}[precision]
            doc.events.append(Event(
                id=f"{doc.id}-e{k}", event=[category], actor=[Entity(code=actor, sector=["GOV"])],
                recipient=[Entity(code=recipient, sector=["GOV"])], date=when, date_precision=precision,
                status="occurred", event_text=category.lower(), confidence=0.5))
        docs.append(doc)
    return sorted(docs, key=lambda d: (d.published, d.source))


def run(docs: list, batch: int, whole_blocks: bool) -> tuple[list[tuple[int, float, float]], list[tuple]]:
    """(batches written, seconds per batch, reports read per batch) per tenth, and the final merged rows."""
    from detente import merging
    from detente.store import open_store

    reach = merging.LINK_REACH
    merge_events = merging.merge_events
    read: list[int] = []

    def counting(reports):
        reports = list(reports)
        read.append(len(reports))
        return merge_events(reports)

    merging.merge_events = counting
    if whole_blocks:
        merging.LINK_REACH = timedelta(days=100_000)
    try:
        with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "growth.duckdb") as store:
            batches = [docs[i:i + batch] for i in range(0, len(docs), batch)]
            tenth = max(1, len(batches) // 10)
            marks, started = [], time.perf_counter()
            for number, chunk in enumerate(batches, 1):
                store.write_batch(chunk, None)
                if number % tenth == 0:
                    elapsed = time.perf_counter() - started
                    marks.append((number, elapsed / tenth, sum(read[-tenth:]) / tenth))
                    started = time.perf_counter()
            merged = sorted(store.backend.fetchall("SELECT id, sources, mentions FROM merged_events"))
    finally:
        merging.merge_events = merge_events
        merging.LINK_REACH = reach
    return marks, merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=4000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--days", type=int, default=730)
    args = parser.parse_args()
    docs = process_documents(args.docs, args.days)
    print(f"{args.docs} documents, {args.docs * EVENTS_PER_DOCUMENT} events in {len(PROCESSES)} blocks over"
          f" {args.days} days, batches of {args.batch}")
    windowed, merged_windowed = run(docs, args.batch, whole_blocks=False)
    whole, merged_whole = run(docs, args.batch, whole_blocks=True)
    print(f"{'batches':>8} {'stored docs':>12} {'windowed s/batch':>17} {'reports read':>13}"
          f" {'whole-block s/batch':>20} {'reports read':>13}")
    for (number, seconds, read), (_, seconds_whole, read_whole) in zip(windowed, whole):
        print(f"{number:>8} {number * args.batch:>12} {seconds:>17.3f} {read:>13.0f}"
              f" {seconds_whole:>20.3f} {read_whole:>13.0f}")
    print(f"merged events: {len(merged_windowed)} windowed, {len(merged_whole)} whole-block;"
          f" identical: {merged_windowed == merged_whole}")


if __name__ == "__main__":
    main()
