"""Near-duplicates and cross-document event merging on the BBC news corpus (2004-2005, 2,225 articles).

Prints how many documents the MinHash/LSH index flags as near-duplicates of an earlier one, the exact Jaccard
similarity distribution of the flagged pairs and of the closest unflagged pairs, and, with --events, how many
events detente codes on the politics articles before and after cross-document merging.

    .venv/bin/python bench/neardup_bbc.py [--threshold 0.5] [--events] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from pathlib import Path

from detente.neardup import DEFAULT_THRESHOLD, NearDuplicateIndex, find_original, jaccard

BBC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "news" / "bbc_fulltext_2004_2005.jsonl"


def read_bbc(limit: int | None = None, category: str | None = None) -> list[dict]:
    """The BBC articles as {id, body, category}, in file order."""
    rows = []
    with BBC.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if category and row["category"] != category:
                continue
            rows.append({"id": row["id"], "body": row["text"], "category": row["category"]})
            if limit and len(rows) >= limit:
                break
    return rows


def near_duplicates(rows: list[dict], threshold: float) -> list[tuple[str, str, float, float]]:
    """(copy, original, estimated similarity, exact Jaccard) for each flagged document, in corpus order."""
    index = NearDuplicateIndex(threshold=threshold)
    bodies = {r["id"]: r["body"] for r in rows}
    flagged = []
    for row in rows:
        original = find_original(row, index)
        if original:
            flagged.append((row["id"], original[0], original[1], jaccard(row["body"], bodies[original[0]])))
        else:
            index.add(row["id"], row["body"])
    return flagged


def merge_counts(rows: list[dict], copies: set[str], published: str | None) -> dict[str, int]:
    """Code the articles (near-duplicates left out) and count events before and after cross-document merging.

    The BBC files carry no publication dates: with `published` None only events with an absolute date can
    merge; with one nominal date for every article all undated events fall in one window (an upper bound).
    """
    from detente.extraction import extract_documents
    from detente.merging import event_records, merge_events

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bbc.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for row in rows:
                if row["id"] not in copies:
                    out.write(json.dumps({"id": row["id"], "text": row["body"]}) + "\n")
        started = time.perf_counter()
        docs = [doc.to_dict() for doc in extract_documents([str(path)], published=published)]
        elapsed = time.perf_counter() - started
    events = event_records(docs)
    merged = merge_events(events)
    return {"documents": len(docs), "seconds": round(elapsed), "events": len(events), "merged": len(merged),
            "multi_source": sum(1 for m in merged if m.sources > 1),
            "dated_events": sum(1 for e in events if e.get("date_precision") not in ("publication", "unknown"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--events", action="store_true", help="also code BBC politics and merge its events")
    args = parser.parse_args()
    rows = read_bbc(args.limit)
    started = time.perf_counter()
    flagged = near_duplicates(rows, args.threshold)
    elapsed = time.perf_counter() - started
    print(f"documents: {len(rows)}  flagged near-duplicate: {len(flagged)} (threshold {args.threshold}, "
          f"{len(rows) / elapsed:.0f} docs/s)")
    buckets = Counter(min(int(j * 10), 9) / 10 for *_, j in flagged)
    print("exact Jaccard of flagged pairs:", {f">={k:.1f}": v for k, v in sorted(buckets.items())})
    by_category = Counter(copy.split("/")[0] for copy, *_ in flagged)
    print("flagged by category:", dict(sorted(by_category.items())))
    for copy, original, estimate, exact in sorted(flagged, key=lambda f: f[3])[:8]:
        print(f"  least similar flagged: {copy} ~ {original}: estimated {estimate:.2f}, exact {exact:.2f}")
    if args.events:
        politics = [row for row in rows if row["category"] == "politics"]
        copies = {copy for copy, *_ in flagged}
        for published in (None, "2005-01-15"):
            print(f"BBC politics, published={published}:", merge_counts(politics, copies, published))


if __name__ == "__main__":
    main()
