"""Scoring against the analyst's example records (*.expected.json beside the article .txt).

Each expected event lists acceptable alternatives: event_type, actor and recipient labels ("RUS GOV", "UNO",
null for none) and a status.  A predicted event matches an expected one when its category is acceptable and
its actor and recipient are right (a sector missing on one side is not a mismatch); PLOVER's reciprocal form (all parties as actors, no recipient) counts as
right when the expected recipient is among the predicted actors.  Events matching no expected event, required
or optional, are extra.

Quotes, stances and commitments of the expected record are scored the same way, required items counted and
the missed ones listed:
- a quote is found when a predicted quote's speaker is the expected person (a name word in common) or actor,
  and the contents overlap (token F1 >= `QUOTE_OVERLAP`);
- a stance when its holder label is acceptable, its polarity is the expected one and its issue shares a
  content word with the expected issue;
- a commitment when what is promised shares a content word with the expected one, its due date is one of the
  expected dates, its precision is the expected one where that is a unit (day, month, year), its firmness is
  the expected one where given, and its bound parties are acceptable (one at least, none foreign).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from detente.model import Commitment, Document, Entity, Event, Quote, Stance

# A quote's content matches the expected one from this token F1 up: a cut a few words shorter or longer
# ("...this Friday, December 18." without the date) is still the same quote.
QUOTE_OVERLAP = 0.5
WORD = re.compile(r"[a-z0-9]+")
# Words that carry no topic of an issue or promise ("removal of Assad" and "Assad's removal" share "removal").
FUNCTION_WORDS = frozenset("a an the of to in on at by for with and or any all his her its their this that new "
                           "be is are was were will would".split())
PRECISION_UNITS = frozenset({"day", "week", "month", "quarter", "year"})


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


def _content_words(text: str | None) -> set[str]:
    return {w for w in WORD.findall((text or "").lower()) if w not in FUNCTION_WORDS}


def _token_f1(expected: str, predicted: str) -> float:
    """Token-overlap F1 of two texts (multiset of lower-case word tokens)."""
    gold, got = WORD.findall(expected.lower()), WORD.findall(predicted.lower())
    common = sum(min(gold.count(w), got.count(w)) for w in set(gold))
    if not common:
        return 0.0
    precision, recall = common / len(got), common / len(gold)
    return 2 * precision * recall / (precision + recall)


def quote_matches(quote: Quote, expected: dict[str, Any]) -> bool:
    """Whether a predicted quote is the expected one: same speaker (name or actor), overlapping content."""
    speaker = quote.speaker
    if speaker is None:
        return False
    names = {w for w in WORD.findall(f"{speaker.identifier_text or ''} {speaker.entity_text or ''}".lower())}
    wanted = {w for w in WORD.findall((expected.get("speaker") or "").lower())}
    same_speaker = bool(names & wanted) or (bool(speaker.code) and expected.get("actor") is not None
                                            and _label_ok(speaker.label(), _alternatives(expected["actor"])))
    return same_speaker and _token_f1(expected.get("text") or "", quote.text) >= QUOTE_OVERLAP


def stance_matches(stance: Stance, expected: dict[str, Any]) -> bool:
    """Whether a predicted stance is the expected one: holder, polarity, and an issue word in common."""
    holder = stance.holder.label() if stance.holder is not None and stance.holder.code else None
    if holder is None or not _label_ok(holder, _alternatives(expected.get("holder"))):
        return False
    if stance.polarity not in _alternatives(expected.get("polarity")):
        return False
    issue = _content_words(f"{stance.issue} {stance.issue_key.replace('-', ' ').replace(':', ' ')}")
    return bool(issue & _content_words(expected.get("issue")))


def commitment_parts(commitment: Commitment, expected: dict[str, Any]) -> dict[str, bool]:
    """Which parts of an expected commitment a predicted one gets right."""
    due = [d for d in _alternatives(expected.get("due"))]
    precision = expected.get("precision")
    parties = [label for label in _alternatives(expected.get("by")) if label]
    bound = labels(commitment.by)
    return {
        "what": bool(_content_words(commitment.what) & _content_words(expected.get("what"))),
        "due": commitment.due in due,
        "precision": (precision not in PRECISION_UNITS or commitment.precision == precision)
        and (precision is None or commitment.precision is not None),
        "firmness": commitment.firmness in _alternatives(expected.get("firmness", commitment.firmness)),
        "by": not parties or (any(_label_ok(b, parties) for b in bound) and all(_label_ok(b, parties) for b in bound)),
    }


def _describe(entity: Entity | None) -> str:
    if entity is None:
        return "?"
    return entity.label() if entity.code else (entity.identifier_text or entity.entity_text or "?")


def score_items(expected: list[dict[str, Any]], found: list[Any], matches) -> dict[str, Any]:
    """Required and optional expected items matched by some predicted item; the required ones missed."""
    required = [item for item in expected if not item.get("optional")]
    hit = [any(matches(f, item) for f in found) for item in expected]
    return {
        "required": len(required),
        "required_found": sum(h for h, item in zip(hit, expected) if not item.get("optional")),
        "optional_found": sum(h for h, item in zip(hit, expected) if item.get("optional")),
        "predicted": len(found),
        "missed": [item for h, item in zip(hit, expected) if not h and not item.get("optional")],
    }


def _commitment_matches(commitment: Commitment, expected: dict[str, Any]) -> bool:
    return all(commitment_parts(commitment, expected).values())


def _commitment_miss(doc: Document, expected: dict[str, Any]) -> str:
    """What the closest predicted commitment (most parts right) got wrong."""
    best = max(doc.commitments, key=lambda c: sum(commitment_parts(c, expected).values()), default=None)
    if best is None:
        return f"commitment: {expected.get('what')} (none predicted)"
    wrong = [k for k, ok in commitment_parts(best, expected).items() if not ok]
    return (f"commitment: {expected.get('what')} due {expected.get('due')} by {expected.get('by')}; closest "
            f"'{best.what}' due {best.due} ({best.precision}, {best.firmness}) by "
            f"{sorted(labels(best.by))}: wrong {', '.join(wrong)}")


def score_statements(doc: Document, expected: dict[str, Any]) -> dict[str, Any]:
    """The quotes, stances and commitments part of a seed report (flat keys, as the terminal report prints)."""
    report: dict[str, Any] = {}
    misses: list[str] = []
    for key, found, matches in (("quotes", doc.quotes, quote_matches), ("stances", doc.stances, stance_matches),
                                ("commitments", doc.commitments, _commitment_matches)):
        scored = score_items(expected.get(key) or [], found, matches)
        report[f"{key}_required"] = scored["required"]
        report[f"{key}_required_found"] = scored["required_found"]
        report[f"{key}_optional_found"] = scored["optional_found"]
        report[f"{key}_predicted"] = scored["predicted"]
        for item in scored["missed"]:
            if key == "quotes":
                misses.append(f"quote: {item.get('speaker')} ({item.get('kind')}): {item.get('text')}")
            elif key == "stances":
                misses.append(f"stance: {item.get('holder')} {item.get('polarity')} {item.get('issue')}")
            else:
                misses.append(_commitment_miss(doc, item))
    report["statement_misses"] = misses
    report["statements"] = {
        "quotes": [f"{_describe(q.speaker)} [{q.kind}, {q.cue}]: {q.text}" for q in doc.quotes],
        "stances": [f"{_describe(s.holder)} {s.polarity} {s.issue_key} ({s.date})" for s in doc.stances],
        "commitments": [f"{sorted(labels(c.by))} {c.firmness}: {c.what} due {c.due} ({c.precision})"
                        for c in doc.commitments],
    }
    return report


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
        statements = score_statements(doc, expected)
        misses.extend(statements.pop("statement_misses"))
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
            **statements,
            "seconds": round(time.perf_counter() - started, 2),
        }
    return report
