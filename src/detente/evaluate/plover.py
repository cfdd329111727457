"""Scoring against the PLOVER gold-standard records (PLOVER_GSR_CAMEO.json) and the category tally.

Each gold record is one edited sentence with one hand-coded event.  The pipeline codes the sentence; its main
event (highest confidence, then first) is compared with the gold event: category, actor codes and recipient
codes.  Old PLOVER 0.5b1 labels are mapped to the current categories.  `CategoryTally` (per-category P/R/F1
and a confusion matrix) is shared by the other event evaluators.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detente.model import Document, Event

# PLOVER 0.5b1 labels of the gold file -> current PLOVER categories (shared data README).
OLD_LABELS = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
# CAMEO-era country codes in the gold file that differ from ISO-3166 alpha-3.
CODE_ALIASES = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}
# The 0.5b1 gold codes every intergovernmental body (UN, EU, NATO ...) as IGO; detente's UNO and EUR compare
# as IGO against it.  It also codes international NGOs as IGO (Amnesty International, the Red Cross: 4 of its 8
# non-governmental organisations), with NGO only for a few others, so IGO and NGO compare as one
# "international organisation" class on both sides.
GOLD_IGO = {"UNO": "IGO", "EUR": "IGO", "NGO": "IGO"}
NO_EVENT = "-"
# The lexicon and rules are tuned on the gold records of even position in the file ("tune") and checked on the odd
# ones ("held"), so the report gives both halves besides the whole.
HALVES = ("tune", "held")
# The gold records carry a placeholder date.
GOLD_DATE = "2000-01-01"


@dataclass
class GoldEvent:
    """One gold sentence with its single coded event."""

    id: str
    text: str
    category: str
    actors: set[str] = field(default_factory=set)
    recipients: set[str] = field(default_factory=set)
    reciprocal: bool = False


def normal_code(code: str | None) -> str | None:
    """Gold actor code with CAMEO-era aliases mapped to ISO-3166."""
    if not code:
        return None
    code = code.strip().upper()
    return CODE_ALIASES.get(code, code)


def _codes(value: Any) -> set[str]:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return set()
    codes = (normal_code(a.get("code")) for a in value if isinstance(a, dict))
    return {GOLD_IGO.get(c, c) for c in codes if c}


def read_plover(path: Path | str) -> list[GoldEvent]:
    """The coded sentences of a PLOVER GSR file (the DOCUMENT header skipped), labels mapped."""
    records = json.loads(Path(path).read_text(encoding="utf-8"))
    gold = []
    for record in records:
        label = record.get("event")
        if not label or label == "DOCUMENT" or not record.get("text"):
            continue
        info = record.get("textInfo")
        markup = info.get("markup", "") if isinstance(info, dict) else str(info or "")
        gold.append(GoldEvent(
            id=record["id"], text=record["text"], category=OLD_LABELS.get(label, label),
            actors=_codes(record.get("source")), recipients=_codes(record.get("target")),
            reciprocal="SRC/TAR" in markup,
        ))
    return gold


def is_plover_gold(path: Path) -> bool:
    """Whether a JSON file is a PLOVER GSR array (its first record is the DOCUMENT header)."""
    if path.suffix != ".json":
        return False
    with path.open(encoding="utf-8") as handle:
        head = handle.read(400)
    return head.lstrip().startswith("[") and '"DOCUMENT"' in head


def main_event(events: list[Event]) -> Event | None:
    """The event a one-event gold sentence is compared with: highest confidence, then first in the text."""
    if not events:
        return None
    return max(events, key=lambda e: (e.confidence, -e.text_info.get("start", 0), -events.index(e)))


def entity_codes(entities) -> set[str]:
    """Codes of a list of entities in the gold file's terms (uncoded ones left out)."""
    return {GOLD_IGO.get(e.code, e.code) for e in entities if e.code}


def roles_match(event: Event, gold: GoldEvent) -> tuple[bool, bool]:
    """(actor right, recipient right) for an event against a gold event; reciprocal events compare all parties."""
    actors, recipients = entity_codes(event.actor), entity_codes(event.recipient)
    if gold.reciprocal and not gold.recipients:
        everyone = actors | recipients
        return everyone == gold.actors, everyone == gold.actors
    return actors == gold.actors, recipients == gold.recipients


class CategoryTally:
    """Per-category precision/recall/F1, accuracy and a confusion matrix of gold vs predicted categories."""

    def __init__(self) -> None:
        self.confusion: dict[str, Counter] = defaultdict(Counter)
        self.items = 0
        self.correct = 0

    def add(self, gold: str | None, predicted: str | None) -> None:
        """Count one item; None (or "-") on either side means "no event"."""
        gold, predicted = gold or NO_EVENT, predicted or NO_EVENT
        self.confusion[gold][predicted] += 1
        self.items += 1
        self.correct += gold == predicted

    def per_category(self) -> dict[str, dict[str, float]]:
        """P/R/F1 and support for every category seen on either side (the no-event class excluded)."""
        labels = sorted({g for g in self.confusion} | {p for row in self.confusion.values() for p in row})
        scores = {}
        for label in labels:
            if label == NO_EVENT:
                continue
            true_positive = self.confusion[label][label] if label in self.confusion else 0
            predicted = sum(row[label] for row in self.confusion.values())
            support = sum(self.confusion[label].values()) if label in self.confusion else 0
            scores[label] = {**prf(true_positive, predicted, support), "support": support}
        return scores

    def micro(self) -> dict[str, float]:
        """Micro-averaged P/R/F1 over events (no-event predictions are misses, not false positives)."""
        true_positive = sum(self.confusion[g][g] for g in self.confusion if g != NO_EVENT)
        predicted = sum(n for row in self.confusion.values() for p, n in row.items() if p != NO_EVENT)
        gold = sum(n for g, row in self.confusion.items() if g != NO_EVENT for n in row.values())
        return prf(true_positive, predicted, gold)

    def report(self) -> dict[str, Any]:
        """Accuracy, micro P/R/F1, per-category scores and the confusion matrix as plain dicts."""
        return {
            "accuracy": ratio(self.correct, self.items),
            "micro": self.micro(),
            "per_category": self.per_category(),
            "confusion": {g: dict(row) for g, row in sorted(self.confusion.items())},
        }


def prf(true_positive: int, predicted: int, gold: int) -> dict[str, float]:
    """Precision, recall and F1 rounded to four places."""
    precision = true_positive / predicted if predicted else 0.0
    recall = true_positive / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def spread(items: list, limit: int | None) -> list:
    """`limit` items spread evenly over the list (all of them without a limit): a fixed subset that, unlike the
    first N, covers gold files sorted by category."""
    if not limit or limit >= len(items):
        return list(items)
    return [items[i * len(items) // limit] for i in range(limit)]


def ratio(part: int, whole: int) -> float:
    """part/whole rounded to four places, 0 when there is nothing to divide."""
    return round(part / whole, 4) if whole else 0.0


def evaluate_plover(paths: list[Path], pipeline, limit: int | None = None,
                    keep_errors: bool = False) -> dict[str, Any]:
    """Scores the pipeline's main event per PLOVER gold sentence: category, actor, recipient, extra events."""
    tally = CategoryTally()
    counts = Counter()
    errors = []
    started = time.perf_counter()
    for path in paths:
        gold_events = read_plover(path)
        position = {id(gold): i for i, gold in enumerate(gold_events)}
        for gold in spread(gold_events, limit):
            half = HALVES[position[id(gold)] % 2]
            doc = pipeline(Document(body=gold.text, published=GOLD_DATE, published_source="given"))
            event = main_event(doc.events)
            predicted = event.event[0] if event else None
            tally.add(gold.category, predicted)
            counts["sentences"] += 1
            counts["predicted_events"] += len(doc.events)
            counts["extra_events"] += max(0, len(doc.events) - 1)
            counts["any_category"] += any(gold.category in e.event for e in doc.events)
            actor_ok = recipient_ok = False
            if event is not None:
                actor_ok, recipient_ok = roles_match(event, gold)
            counts["actor"] += actor_ok
            counts["recipient"] += recipient_ok
            counts["all_right"] += actor_ok and recipient_ok and predicted == gold.category
            counts[half] += 1
            counts[half + "_category"] += predicted == gold.category
            counts[half + "_all_right"] += actor_ok and recipient_ok and predicted == gold.category
            if keep_errors and not (actor_ok and recipient_ok and predicted == gold.category):
                errors.append({"id": gold.id, "text": gold.text, "gold": gold.category,
                               "gold_actors": sorted(gold.actors), "gold_recipients": sorted(gold.recipients),
                               "predicted": predicted, "actors": sorted(entity_codes(event.actor)) if event else [],
                               "recipients": sorted(entity_codes(event.recipient)) if event else [],
                               "rule": event.rule if event else None})
    sentences = counts["sentences"]
    report = tally.report()
    report.update({
        "sentences": sentences,
        "category_accuracy": report["accuracy"],
        "category_found_any": ratio(counts["any_category"], sentences),
        "actor_accuracy": ratio(counts["actor"], sentences),
        "recipient_accuracy": ratio(counts["recipient"], sentences),
        "actor_category_recipient": ratio(counts["all_right"], sentences),
        "events_per_sentence": ratio(counts["predicted_events"], sentences),
        "extra_events_per_sentence": ratio(counts["extra_events"], sentences),
        "seconds": round(time.perf_counter() - started, 2),
    })
    for half in HALVES:
        report[f"category_accuracy_{half}"] = ratio(counts[half + "_category"], counts[half])
        report[f"actor_category_recipient_{half}"] = ratio(counts[half + "_all_right"], counts[half])
    if keep_errors:
        report["errors"] = errors
    return report


