"""Scoring against the analyst's example records (*.expected.json beside the article .txt).

Each expected event lists acceptable alternatives: event_type, actor and recipient labels ("RUS GOV", "UNO",
null for none) and a status.  A predicted event matches an expected one when its category is acceptable and
its actor and recipient are right (a sector missing on one side is not a mismatch); PLOVER's reciprocal form (all parties as actors, no recipient) counts as
right when the expected recipient is among the predicted actors.  Events matching no expected event, required
or optional, are extra.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from detente.model import Document, Entity, Event


def _alternatives(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def labels(entities: list[Entity]) -> set[str]:
    """Labels ("RUS GOV", "UNO") of coded entities; sector-less codes label as the code alone."""
    return {e.label() for e in entities if e.code}


def _label_ok(label: str, accepted: list[Any]) -> bool:
    """A predicted label is right when it equals an accepted one or differs only by a sector one side lacks.

    A bare state name ("Russia agrees") is coded by country alone; its sector is unknown rather than wrong, so
    "RUS" matches an expected "RUS GOV" (and "IGO GOV" an expected "IGO").
    """
    for option in accepted:
        if option is None:
            continue
        if label == option or (" " not in option or " " not in label) and label.split()[0] == option.split()[0]:
            return True
    return False


def actor_right(event: Event, expected: dict[str, Any]) -> bool:
    """Whether some predicted actor is acceptable and none is foreign to the expected parties."""
    accepted = _alternatives(expected.get("actor"))
    parties = accepted + _alternatives(expected.get("recipient"))
    predicted = labels(event.actor)
    return any(_label_ok(p, accepted) for p in predicted) and all(_label_ok(p, parties) for p in predicted)


def recipient_right(event: Event, expected: dict[str, Any]) -> bool:
    """Whether the recipient is acceptable: none when null is allowed, an accepted label, or reciprocal form."""
    accepted = _alternatives(expected.get("recipient"))
    predicted = labels(event.recipient)
    if not predicted:
        return None in accepted or any(_label_ok(a, [r]) for r in accepted if r for a in labels(event.actor))
    return all(_label_ok(p, accepted) for p in predicted)


def match(event: Event, expected: dict[str, Any]) -> dict[str, bool]:
    """Which parts of an expected event a predicted event gets right."""
    category = any(c in _alternatives(expected.get("event_type")) for c in event.event)
    return {
        "category": category,
        "actor": actor_right(event, expected),
        "recipient": recipient_right(event, expected),
        "status": event.status in _alternatives(expected.get("status", "occurred")),
    }


def read_document(text_path: Path, published: str | None, pipeline) -> Document:
    """The article as `detente extract` reads it (boilerplate removed), or the raw text if ingest is absent."""
    try:
        from detente.ingest import read_inputs
        return next(iter(read_inputs([str(text_path)], pipeline.settings, published=published)))
    except ImportError:
        return Document(body=text_path.read_text(encoding="utf-8"), published=published, published_source="given")


def evaluate_seed(paths: list[Path], pipeline, limit: int | None = None) -> dict[str, Any]:
    """Per example record: required events found right, optional ones found, extra events, and the misses."""
    report: dict[str, Any] = {}
    for path in paths:
        path = Path(path)
        started = time.perf_counter()
        expected = json.loads(path.read_text(encoding="utf-8"))
        text_path = path.with_name(path.name.replace(".expected.json", ".txt"))
        published = (expected.get("document") or {}).get("published")
        doc = pipeline(read_document(text_path, published, pipeline))
        wanted = expected.get("events") or []
        matched_events: set[int] = set()
        required_found, optional_found, misses = 0, 0, []
        for item in wanted:
            best = None
            for i, event in enumerate(doc.events):
                parts = match(event, item)
                if parts["category"] and parts["actor"] and parts["recipient"]:
                    matched_events.add(i)
                    if best is None or (parts["status"] and not best[1]["status"]):
                        best = (event, parts)
            complete = best is not None and best[1]["status"]
            if item.get("optional"):
                optional_found += best is not None
            else:
                required_found += complete
                if not complete:
                    misses.append({"expected": item.get("evidence"),
                                   "got_status": best[0].status if best else None})
        required = sum(1 for item in wanted if not item.get("optional"))
        extra = [e for i, e in enumerate(doc.events) if i not in matched_events]
        report[text_path.stem] = {
            "required": required,
            "required_found": required_found,
            "optional": len(wanted) - required,
            "optional_found": optional_found,
            "events": len(doc.events),
            "extra_events": len(extra),
            "extra": [f"{e.event[0]} {sorted(labels(e.actor))} -> {sorted(labels(e.recipient))}: {e.event_text}"
                      for e in extra],
            "misses": misses,
            "seconds": round(time.perf_counter() - started, 2),
        }
    return report
