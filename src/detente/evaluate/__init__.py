"""`detente eval`: score the pipeline against gold data, print the report, and check the recorded floors.

`run_eval(gold_paths, pipeline)` picks a reader per gold file: PLOVER GSR records, PETRARCH unit records,
ConfliBERT CAMEO class and NER sets, `*.expected.json` example records, unlabelled news JSONL (events per
article, to show over-generation), and, when their modules are installed, TimeML (`*.tml` or a folder of
them), geoparsing XML (LGL, GeoVirus) and PolNeAR JSONL.  Reports are keyed by the gold file's stem;
`floors.yaml` records the lowest acceptable score per set and metric, and `check_floors` lists the misses.
"""

from __future__ import annotations

import importlib
import json
import time
from collections import defaultdict
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from detente.evaluate import conflibert, petrarch, plover, seed
from detente.model import Document

# Kinds of gold file, in the order they are tried; each maps to (module, function) run on all files of it.
RUNNERS = {
    "plover": ("detente.evaluate.plover", "evaluate_plover"),
    "petrarch": ("detente.evaluate.petrarch", "evaluate_petrarch"),
    "conflibert_class": ("detente.evaluate.conflibert", "evaluate_class"),
    "conflibert_ner": ("detente.evaluate.conflibert", "evaluate_ner"),
    "seed": ("detente.evaluate.seed", "evaluate_seed"),
    "news": ("detente.evaluate", "evaluate_news"),
    "timeml": ("detente.evaluate.timeml", "evaluate_timeml"),
    "geo": ("detente.evaluate.geo", "evaluate_geo"),
    "polnear": ("detente.evaluate.polnear", "evaluate_polnear"),
}
# Runners that score several files together and return one report, not one per file stem.
POOLED = frozenset({"timeml", "polnear"})
# The news check codes only this section of the BBC set (issue 4: "the BBC politics articles").
NEWS_SECTION = "politics"


def gold_kind(path: Path) -> str | None:
    """The kind of a gold file or folder, or None when no reader knows it."""
    if path.is_dir():
        return "timeml" if any(path.rglob("*.tml")) else None
    name = path.name.lower()
    if name.endswith(".tml"):
        return "timeml"
    if name.endswith(".expected.json"):
        return "seed"
    if name.endswith(".xml"):
        return "geo"
    if name.startswith("polnear") and name.endswith(".jsonl"):
        return "polnear"
    if plover.is_plover_gold(path):
        return "plover"
    if petrarch.is_petrarch_gold(path):
        return "petrarch"
    if conflibert.is_class_gold(path):
        return "conflibert_class"
    if conflibert.is_ner_gold(path):
        return "conflibert_ner"
    if _is_news(path):
        return "news"
    return None


def _is_news(path: Path) -> bool:
    if path.suffix != ".jsonl":
        return False
    with path.open(encoding="utf-8") as handle:
        first = handle.readline()
    try:
        record = json.loads(first)
    except ValueError:
        return False
    return isinstance(record, dict) and "text" in record and "annotations" not in record


def _runner(kind: str):
    module_name, function = RUNNERS[kind]
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        return None, f"{module_name} is not available ({err})"
    return getattr(module, function, None), None


def set_name(kind: str, paths: list[Path]) -> str:
    """Report key of a pooled gold set: the folder or file stem (timeml: "timeml")."""
    if kind == "timeml":
        return "timeml"
    return paths[0].name.split(".")[0]


def run_eval(gold_paths: list[str], pipeline, limit: int | None = None) -> dict[str, Any]:
    """Scores per gold set, keyed by set name ("NAME@LIMIT" for a limited run), plus the total time; unknown files
    are reported, not fatal."""
    started = time.perf_counter()
    by_kind: dict[str, list[Path]] = defaultdict(list)
    sets: dict[str, Any] = {}
    for raw in gold_paths:
        path = Path(raw)
        kind = gold_kind(path) if path.exists() else None
        if kind is None:
            sets[path.name] = {"kind": None, "error": "not a gold format detente knows (or missing)"}
            continue
        by_kind[kind].append(path)
    for kind, paths in by_kind.items():
        function, problem = _runner(kind)
        if function is None:
            sets[set_name(kind, paths)] = {"kind": kind, "error": problem or "no evaluator"}
            continue
        if kind in POOLED:
            sets[set_name(kind, paths)] = {"kind": kind, **function(paths, pipeline, limit=limit)}
        elif kind in ("seed", "geo"):
            for name, report in function(paths, pipeline, limit=limit).items():
                sets[name] = {"kind": kind, **report}
        else:
            for path in paths:
                sets[path.name.split(".")[0]] = {"kind": kind, **function([path], pipeline, limit=limit)}
    if limit:  # a subset has floors of its own ("PLOVER_GSR_CAMEO@150"), never the full set's
        sets = {f"{name}@{limit}": report for name, report in sets.items()}
    return {"sets": sets, "seconds": round(time.perf_counter() - started, 2)}


def evaluate_news(paths: list[Path], pipeline, limit: int | None = None) -> dict[str, Any]:
    """Over-generation check on unlabelled news: events per article and the share of sentences with one."""
    articles = sentences = with_event = events = 0
    started = time.perf_counter()
    for path in paths:
        with Path(path).open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                if record.get("category") not in (None, NEWS_SECTION):
                    continue
                if limit and articles >= limit:
                    break
                doc = pipeline(Document(body=record["text"], id=record.get("id"), published=record.get("published")))
                articles += 1
                sentences += len(doc.sentences)
                events += len(doc.events)
                with_event += len({e.text_info.get("sequence") for e in doc.events})
    return {
        "articles": articles, "sentences": sentences, "events": events,
        "events_per_article": plover.ratio(events, articles),
        "share_of_sentences_with_event": plover.ratio(with_event, sentences),
        "seconds": round(time.perf_counter() - started, 2),
    }


@lru_cache(maxsize=1)
def load_floors() -> dict[str, dict[str, float]]:
    """Recorded floors: gold set name -> metric path ("category.f1") -> lowest acceptable value."""
    text = resources.files("detente.evaluate").joinpath("floors.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text) or {}


def metric(report: dict[str, Any], path: str) -> Any:
    """A value of a report by dotted path ("source.tokens.f1"), or None."""
    value: Any = report
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def check_floors(result: dict[str, Any], floors: dict[str, dict[str, float]] | None = None) -> list[str]:
    """Messages for every scored set whose metric is below its floor (sets not evaluated are skipped).

    A metric written "max PATH" is a ceiling instead (extra events, share of sentences with an event).
    """
    floors = load_floors() if floors is None else floors
    failures = []
    for name, report in result.get("sets", {}).items():
        for key, bound in (floors.get(name) or {}).items():
            ceiling = key.startswith("max ")
            path = key[4:] if ceiling else key
            value = metric(report, path)
            if not isinstance(value, (int, float)):
                failures.append(f"{name} {path}: not measured (bound {bound})")
            elif ceiling and value > bound:
                failures.append(f"{name} {path}: {value} > ceiling {bound}")
            elif not ceiling and value < bound:
                failures.append(f"{name} {path}: {value} < floor {bound}")
    return failures


def format_report(report: dict[str, Any]) -> str:
    """The terminal form of a run_eval result: headline scores, per-category table, confusion matrix."""
    lines = []
    for name, scores in report.get("sets", {}).items():
        lines.append(f"== {name} ({scores.get('kind')})")
        if "error" in scores:
            lines.append(f"   error: {scores['error']}")
            continue
        for key, value in scores.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool) and key != "kind":
                lines.append(f"   {key:<32} {value}")
            elif isinstance(value, dict):
                lines.extend(_prf_lines(key, value))
        per_category = scores.get("per_category") or (scores.get("quad") or {}).get("per_category")
        if per_category:
            lines.append(f"   {'category':<12} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}")
            for label, row in sorted(per_category.items()):
                lines.append(f"   {label:<12} {row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f} "
                             f"{row.get('support', 0):>5}")
        confusion = scores.get("confusion") or (scores.get("quad") or {}).get("confusion")
        if confusion:
            lines.extend("   " + line for line in confusion_table(confusion))
        for extra in scores.get("extra") or []:
            lines.append(f"   extra: {extra}")
        for miss in scores.get("misses") or []:
            lines.append(f"   missed: {miss}")
    lines.append(f"total {report.get('seconds', 0)} s")
    return "\n".join(lines)


def _prf_lines(key: str, value: dict[str, Any]) -> list[str]:
    """"key  P .. R .. F1 .." for a precision/recall/F1 dict, one level of nesting included ("source.exact")."""
    if set(value) >= {"precision", "recall", "f1"}:
        return [f"   {key:<32} P {value['precision']:.3f}  R {value['recall']:.3f}  F1 {value['f1']:.3f}"]
    if key in ("per_category", "confusion", "quad", "penta"):
        return []
    lines = []
    for sub, inner in value.items():
        if isinstance(inner, dict) and set(inner) >= {"precision", "recall", "f1"}:
            lines.extend(_prf_lines(f"{key}.{sub}", inner))
    return lines


def confusion_table(confusion: dict[str, dict[str, int]]) -> list[str]:
    """Rows of a gold x predicted confusion matrix with four-letter column heads."""
    labels = sorted(set(confusion) | {p for row in confusion.values() for p in row})
    head = "gold\\pred    " + " ".join(f"{label[:4]:>4}" for label in labels)
    rows = [head]
    for gold in labels:
        row = confusion.get(gold, {})
        rows.append(f"{gold[:12]:<12} " + " ".join(f"{row.get(p, 0) or '.':>4}" for p in labels))
    return rows


__all__ = ["run_eval", "format_report", "check_floors", "load_floors", "gold_kind", "evaluate_news",
           "plover", "petrarch", "conflibert", "seed"]
