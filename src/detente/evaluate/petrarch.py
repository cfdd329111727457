"""Scoring against the PETRARCH unit-test records (petr_unittest_records.jsonl), CAMEO codes mapped to PLOVER.

The records' expected CAMEO codes go through the CAMEO2PLOVER table (read at evaluation time from the shared
data beside the gold file); CAMEO codes without a PLOVER reading (public statements, appeals) mean "no PLOVER
event", and records carrying PETRARCH's own test codes (9xx, 212, 345 ...: no CAMEO meaning) are left out.
Caution: the expected codes come from PETRARCH's validation dictionaries, which give verbs arbitrary codes
("welcomed" = 041 telephone discussion, "restore ties" = 064 share intelligence, "believes" = 023), so the
category scores measure agreement with those dictionaries, not PLOVER accuracy; actor scores are meaningful.  Most records are about fictional Middle-earth states, so a test-only actor list
(YAML: name -> CAMEO-style code such as GON or DAGGOV) is matched into doc.mentions before events are re-coded.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from detente.evaluate.plover import CategoryTally, main_event, prf, ratio, spread
from detente.model import Document, Entity
from detente.nlp.events import code_document

MAPPING_NAME = "CAMEO2PLOVER-2021.txt"
MAPPING_LINE = re.compile(r"^(\d{2,4}):\s*([A-Z]+)")
# Where the test-only actor list of the fictional states lives in a source checkout.
DEFAULT_ACTORS = Path(__file__).resolve().parents[3] / "tests" / "data" / "petrarch_actors.yaml"


@dataclass
class GoldRecord:
    """One PETRARCH unit-test sentence and the PLOVER categories its CAMEO codings map to."""

    id: str
    text: str
    date: str | None
    categories: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)


def find_mapping(gold_path: Path) -> Path | None:
    """CAMEO2PLOVER-2021.txt next to the gold file's data folder (../plover/), or None."""
    for candidate in (gold_path.parent / MAPPING_NAME, gold_path.parent.parent / "plover" / MAPPING_NAME):
        if candidate.exists():
            return candidate
    return None


@lru_cache(maxsize=2)
def read_mapping(path: Path) -> dict[str, str]:
    """CAMEO code -> PLOVER category, from a CAMEO2PLOVER table."""
    mapping = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = MAPPING_LINE.match(line.strip())
        if match:
            mapping.setdefault(match.group(1), match.group(2))
    return mapping


def cameo_to_plover(code: str | None, mapping: dict[str, str]) -> str | None:
    """The PLOVER category of a CAMEO code, trying the code then its shorter prefixes; None if unmapped."""
    code = (code or "").strip()
    for length in (len(code), 3, 2):
        if 2 <= length <= len(code) and code[:length] in mapping:
            return mapping[code[:length]]
    return None


def is_cameo(code: str | None) -> bool:
    """Whether an expected code is a CAMEO event code (root 01-20), not one of PETRARCH's own test codes (9xx,
    212, 345, 802 ...), which have no CAMEO meaning and so no PLOVER reading either way."""
    match = re.match(r"^(\d{2})\d{0,2}[A-Z]?$", (code or "").strip())
    return bool(match) and 1 <= int(match.group(1)) <= 20 and len(code.strip()) >= 3


def actor_country(code: str | None) -> str | None:
    """The three-letter country/IGO part of a CAMEO actor code ("DAGGOV" -> "DAG"); None for unknown ("---")."""
    if not code or not re.match(r"^[A-Z]{3}", code) or code.startswith("---"):
        return None
    return code[:3]


def read_petrarch(path: Path | str, mapping: dict[str, str]) -> list[GoldRecord]:
    """Gold records with PLOVER categories; records expected to fail coding ("error") are left out."""
    records = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        codings = raw.get("event_codings") or []
        if not codings or any("error" in c for c in codings):
            continue
        if any(not is_cameo(c.get("eventcode")) for c in codings if "eventcode" in c):
            continue
        record = GoldRecord(id=raw["id"], text=raw["text"], date=_iso(raw.get("date")))
        for coding in codings:
            category = cameo_to_plover(coding.get("eventcode"), mapping)
            if category:
                record.categories.add(category)
                record.sources.update(filter(None, [actor_country(coding.get("sourcecode"))]))
                record.targets.update(filter(None, [actor_country(coding.get("targetcode"))]))
        records.append(record)
    return records


def _iso(value: str | None) -> str | None:
    if value and re.match(r"^\d{8}$", value):
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return None


def is_petrarch_gold(path: Path) -> bool:
    """Whether a JSONL file holds PETRARCH unit records (an `event_codings` field on its first line)."""
    if path.suffix != ".jsonl":
        return False
    with path.open(encoding="utf-8") as handle:
        return '"event_codings"' in handle.readline()


@lru_cache(maxsize=2)
def load_actor_list(path: Path) -> tuple[tuple[re.Pattern[str], Entity], ...]:
    """Name patterns and entities of a test actor list (YAML name -> CAMEO-style code), longest names first."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = []
    for name, code in sorted(data.items(), key=lambda item: -len(item[0])):
        code = str(code)
        sectors = [code[i:i + 3] for i in range(3, len(code), 3)]
        entity = Entity(code=code[:3], sector=sectors, entity_text=name, identifier_text=name, rule="test actor list")
        entries.append((re.compile(r"\b" + re.escape(name) + r"\b"), entity))
    return tuple(entries)


def add_listed_actors(doc: Document, actors: tuple[tuple[re.Pattern[str], Entity], ...]) -> None:
    """Put mentions of the listed actors into doc.mentions, replacing overlapping mentions of the KB coder."""
    taken: list[tuple[int, int]] = []
    added = []
    for pattern, entity in actors:
        for match in pattern.finditer(doc.body):
            if any(match.start() < end and match.end() > start for start, end in taken):
                continue
            taken.append((match.start(), match.end()))
            added.append(Entity(code=entity.code, sector=list(entity.sector), entity_text=match.group(0),
                                identifier_text=entity.identifier_text, start=match.start(), end=match.end(),
                                rule=entity.rule))
    kept = [m for m in doc.mentions
            if m.start is None or not any(m.start < end and m.end > start for start, end in taken)]
    doc.mentions = sorted(kept + added, key=lambda m: (m.start or 0))


def evaluate_petrarch(paths: list[Path], pipeline, limit: int | None = None, actor_list: Path | None = None,
                      keep_errors: bool = False) -> dict[str, Any]:
    """Category P/R/F1 (sets of PLOVER categories per record), confusion matrix and actor accuracy."""
    actor_list = actor_list or (DEFAULT_ACTORS if DEFAULT_ACTORS.exists() else None)
    listed = load_actor_list(actor_list) if actor_list else ()
    tally = CategoryTally()
    counts = Counter()
    per_category = Counter()
    errors = []
    started = time.perf_counter()
    for path in paths:
        mapping_path = find_mapping(Path(path))
        if mapping_path is None:
            return {"error": f"{MAPPING_NAME} not found beside {path}"}
        records = read_petrarch(path, read_mapping(mapping_path))
        for record in spread(records, limit):
            doc = pipeline(Document(body=record.text, published=record.date, published_source="given"))
            if listed and doc.rejected is None:
                add_listed_actors(doc, listed)
                doc.events = code_document(doc)
            predicted = {e.event[0] for e in doc.events}
            hits = predicted & record.categories
            counts["records"] += 1
            counts["true_positive"] += len(hits)
            counts["predicted"] += len(predicted)
            counts["gold"] += len(record.categories)
            counts["predicted_events"] += len(doc.events)
            for category in hits:
                per_category[(category, "tp")] += 1
            for category in predicted:
                per_category[(category, "pred")] += 1
            for category in record.categories:
                per_category[(category, "gold")] += 1
            if len(record.categories) <= 1:
                event = main_event(doc.events)
                tally.add(next(iter(record.categories), None), event.event[0] if event else None)
            event = main_event([e for e in doc.events if e.event[0] in record.categories])
            if event is not None:
                counts["with_hit"] += 1
                actors = {a.code for a in event.actor if a.code}
                counts["actor_right"] += bool(actors) and actors <= record.sources
            if keep_errors and predicted != record.categories:
                errors.append({"id": record.id, "text": record.text, "gold": sorted(record.categories),
                               "predicted": sorted(predicted), "rules": [e.rule for e in doc.events]})
    labels = sorted({c for c, _ in per_category})
    report = {
        "records": counts["records"],
        "category": prf(counts["true_positive"], counts["predicted"], counts["gold"]),
        "per_category": {c: {**prf(per_category[(c, "tp")], per_category[(c, "pred")], per_category[(c, "gold")]),
                             "support": per_category[(c, "gold")]} for c in labels},
        "confusion": tally.report()["confusion"],
        "single_event_accuracy": tally.report()["accuracy"],
        "actor_accuracy_on_hits": ratio(counts["actor_right"], counts["with_hit"]),
        "events_per_sentence": ratio(counts["predicted_events"], counts["records"]),
        "actor_list": str(actor_list) if actor_list else None,
        "seconds": round(time.perf_counter() - started, 2),
    }
    if keep_errors:
        report["errors"] = errors
    return report
