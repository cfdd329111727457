"""detente's timex component against dateparser's search_dates on the same TimeML documents, in one run.

    python bench/timex_vs_dateparser.py [TIMEML_FOLDER_OR_FILES ...] [--limit N]

Both systems see the plain text of each document with its creation date as the anchor (dateparser:
settings RELATIVE_BASE = DCT).  dateparser returns a datetime per match, so its values are days (2015-12-18);
it has no durations, sets, weeks or modifiers.  Prints strict/relaxed extent F1, type and value accuracy and
value F1 (TempEval-3 definitions, detente.evaluate.timeml) and the seconds each system took.
"""

from __future__ import annotations

import argparse
import time
import warnings
from datetime import datetime
from pathlib import Path

from detente.evaluate.timeml import TimexTally, read_timeml, timeml_files
from detente.model import Document
from detente.pipeline import Pipeline

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "tempeval3" / "TBAQ-cleaned"


def dateparser_timexes(text: str, dct: str | None) -> list[tuple[int, int, str, str | None]]:
    """(start, end, "DATE", day value) for each expression dateparser's search_dates finds."""
    from dateparser.search import search_dates

    settings = {"RELATIVE_BASE": datetime.fromisoformat(dct)} if dct else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            found = search_dates(text, languages=["en"], settings=settings) or []
        except Exception:  # dateparser raises on some inputs; count that document as finding nothing
            found = []
    timexes, position = [], 0
    for substring, moment in found:
        start = text.find(substring, position)
        if start < 0:
            start = text.find(substring)
        if start < 0:
            continue
        position = start + len(substring)
        timexes.append((start, start + len(substring), "DATE", moment.date().isoformat()))
    return timexes


def run(paths: list[Path], limit: int | None = None) -> dict[str, dict]:
    """Scores and seconds of both systems on the same documents."""
    files = timeml_files(paths)[:limit] if limit else timeml_files(paths)
    golds = [read_timeml(path) for path in files]
    pipeline = Pipeline(names=["prefilter", "parse", "timex"])
    results = {}
    tally, started = TimexTally(), time.perf_counter()
    for gold in golds:
        doc = pipeline(Document(body=gold.text, published=gold.dct, published_source="given"))
        tally.add(gold, [(t.start, t.end, t.type, t.value) for t in doc.timexes])
    results["detente timex"] = {**tally.scores(), "seconds": time.perf_counter() - started}
    tally, started = TimexTally(), time.perf_counter()
    for gold in golds:
        tally.add(gold, dateparser_timexes(gold.text, gold.dct))
    results["dateparser search_dates"] = {**tally.scores(), "seconds": time.perf_counter() - started}
    results["_documents"] = {"count": len(golds)}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT_DATA])
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    results = run(args.paths, args.limit)
    documents = results.pop("_documents")["count"]
    print(f"TimeML documents: {documents}")
    header = f"{'system':26} {'strict F1':>9} {'relaxed F1':>10} {'type acc':>8} {'value acc':>9} {'value F1':>8} " \
             f"{'found':>6} {'gold':>5} {'seconds':>8}"
    print(header)
    print("-" * len(header))
    for name, scores in results.items():
        print(f"{name:26} {scores['strict']['f1']:9.3f} {scores['relaxed']['f1']:10.3f} "
              f"{scores['type_accuracy']:8.3f} {scores['value_accuracy']:9.3f} {scores['value']['f1']:8.3f} "
              f"{scores['system']:6d} {scores['gold']:5d} {scores['seconds']:8.1f}")


if __name__ == "__main__":
    main()
