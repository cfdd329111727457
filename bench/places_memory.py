"""Start-up cost of the gazetteer: load time, resident memory, index sizes, and per-document lookup speed.

Run: .venv/bin/python bench/places_memory.py
"""

from __future__ import annotations

import resource
import time
from pathlib import Path


def rss_mib() -> float:
    """Current resident set size in MiB (Linux /proc), falling back to the peak."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Print gazetteer load time and memory, then the phrase-matching speed on a synthetic article."""
    before = rss_mib()
    started = time.perf_counter()
    from detente.nlp.gazetteer import CITY_DATASET, load_gazetteer

    gazetteer = load_gazetteer()
    load_s = time.perf_counter() - started
    after = rss_mib()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"dataset            {CITY_DATASET}")
    print(f"places             {len(gazetteer.places):,}")
    print(f"names indexed      {len(gazetteer.by_name):,}")
    print(f"load time          {load_s:.2f} s (imports included)")
    print(f"RSS                {before:.0f} MiB -> {after:.0f} MiB (+{after - before:.0f}), peak {peak:.0f} MiB")

    from detente.model import Document
    from detente.nlp.places import find_places

    paragraph = ("Kerry arrived in Moscow on Tuesday, before talks in New York and Vienna. Both sides met in "
                 "Riyadh last week, while fighting went on in Idlib province and near Aleppo, Syria. ")
    body = "\n\n".join([paragraph] * 20)  # about 4,000 words, unparsed: phrase matching only
    doc = Document(body=body)
    runs = 50
    started = time.perf_counter()
    for _ in range(runs):
        places = find_places(doc, gazetteer)
    per_doc_ms = (time.perf_counter() - started) / runs * 1000
    print(f"lookup             {per_doc_ms:.2f} ms per {len(body):,}-character document "
          f"({len(places)} places, no parse)")


if __name__ == "__main__":
    main()
