"""Scoring against the ConfliBERT CAMEO sets: sentence class (cameo_class) and actor spans (cameo_ner).

cameo_class rows are `sentence<TAB>label`, the label one of five classes: 0 make statement, 1 verbal
cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict.  The quad class folds "make
statement" into verbal cooperation, as CAMEO's quad classes do (01-05 verbal cooperation).  A sentence's
predicted class is the PLOVER quad of its main event's category (the manual's quad table, which puts SANCTION
under verbal conflict and CONCEDE under verbal cooperation), or the CAMEO quad of the trigger's own CAMEO root
where the lexicon files a trigger under another root (appeals: 02; 01-05 -> 1, 06-08 -> 2, 09-13 -> 3,
14-20 -> 4); a sentence without an event counts as a statement.

cameo_ner is CoNLL (`token label`, blank line between sentences) with B-/I- S (source), T (target) and R
(reciprocal, counted as both); the source and target spans of the pipeline's events are scored at token level
and as exact spans.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

from detente.evaluate.plover import CategoryTally, main_event, prf, ratio, spread
from detente.model import Document, Event
from detente.nlp.lexicon import categories

PENTA_NAMES = {0: "statement", 1: "verbal_cooperation", 2: "material_cooperation", 3: "verbal_conflict",
               4: "material_conflict"}
# Publication date for undated wire sentences: only relative dates depend on it, and they are not scored.
UNDATED = None


def cameo_quad(cameo: str | None) -> int | None:
    """CAMEO quad class (1-4) of a CAMEO root code."""
    if not cameo or not cameo[:2].isdigit():
        return None
    root = int(cameo[:2])
    if 1 <= root <= 5:
        return 1
    if 6 <= root <= 8:
        return 2
    if 9 <= root <= 13:
        return 3
    if 14 <= root <= 20:
        return 4
    return None


def penta_to_quad(label: int) -> int:
    """Quad class of a five-class label: statements are verbal cooperation."""
    return 1 if label == 0 else label


def predicted_classes(events: list[Event]) -> tuple[int, int]:
    """(penta, quad) predicted for a sentence from its main event; no event is a statement (0, 1)."""
    event = main_event(events)
    if event is None:
        return 0, 1
    quad = event.quad_code or cameo_quad(event.cameo) or 1
    own = categories().get(event.event[0], {}).get("cameo")
    if event.cameo and own and event.cameo[:2] != own[:2]:  # a trigger CAMEO files elsewhere ("urge" = 02)
        quad = cameo_quad(event.cameo) or quad
    return quad, quad


def read_class_rows(path: Path | str) -> list[tuple[str, int]]:
    """(sentence, label) rows of a cameo_class TSV."""
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        sentence, _, label = line.rstrip("\r").rpartition("\t")
        if sentence and label.strip().isdigit():
            rows.append((sentence, int(label)))
    return rows


def evaluate_class(paths: list[Path], pipeline, limit: int | None = None) -> dict[str, Any]:
    """Quad and penta class accuracy, with per-class scores and confusion matrices."""
    quad, penta = CategoryTally(), CategoryTally()
    counts = Counter()
    started = time.perf_counter()
    for path in paths:
        rows = read_class_rows(path)
        for sentence, label in spread(rows, limit):
            doc = pipeline(Document(body=sentence, published=UNDATED))
            predicted_penta, predicted_quad = predicted_classes(doc.events)
            quad.add(str(penta_to_quad(label)), str(predicted_quad))
            penta.add(PENTA_NAMES[label], PENTA_NAMES[predicted_penta])
            counts["sentences"] += 1
            counts["events"] += len(doc.events)
            counts["with_event"] += bool(doc.events)
    quad_report, penta_report = quad.report(), penta.report()
    return {
        "sentences": counts["sentences"],
        "quad_accuracy": quad_report["accuracy"],
        "penta_accuracy": penta_report["accuracy"],
        "quad": quad_report,
        "penta": penta_report,
        "events_per_sentence": ratio(counts["events"], counts["sentences"]),
        "share_with_event": ratio(counts["with_event"], counts["sentences"]),
        "seconds": round(time.perf_counter() - started, 2),
    }


def read_conll(path: Path | str) -> list[list[tuple[str, str]]]:
    """Sentences of a CoNLL file as lists of (token, label)."""
    sentences, current = [], []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.rstrip("\r")
        if not line.strip():
            if current:
                sentences.append(current)
                current = []
            continue
        token, _, label = line.rpartition(" ")
        current.append((token, label or "O"))
    if current:
        sentences.append(current)
    return sentences


def gold_spans(tokens: list[tuple[str, str]], role: str) -> set[tuple[int, int]]:
    """Token spans [start, end) of a role (S or T; R counts for both)."""
    spans, start = set(), None
    for i, (_, label) in enumerate([*tokens, ("", "O")]):
        kind, _, tag = label.partition("-")
        inside = tag in (role, "R")
        if start is not None and (not inside or kind == "B"):
            spans.add((start, i))
            start = None
        if inside and (kind == "B" or start is None):
            start = i
    return spans


def token_offsets(tokens: list[tuple[str, str]]) -> tuple[str, list[tuple[int, int]]]:
    """The sentence text (tokens joined by spaces) and each token's character range."""
    offsets, pos = [], 0
    for token, _ in tokens:
        offsets.append((pos, pos + len(token)))
        pos += len(token) + 1
    return " ".join(t for t, _ in tokens), offsets


def predicted_spans(events: list[Event], offsets: list[tuple[int, int]], role: str) -> set[tuple[int, int]]:
    """Token spans of the actors (role S) or recipients (role T) of the events."""
    spans = set()
    for event in events:
        for entity in event.actor if role == "S" else event.recipient:
            if entity.start is None or entity.end is None:
                continue
            covered = [i for i, (s, e) in enumerate(offsets) if s < entity.end and e > entity.start]
            if covered:
                spans.add((covered[0], covered[-1] + 1))
    return spans


def evaluate_ner(paths: list[Path], pipeline, limit: int | None = None) -> dict[str, Any]:
    """Source and target span F1 (exact spans and tokens) of the pipeline's event actors and recipients."""
    counts = Counter()
    started = time.perf_counter()
    for path in paths:
        sentences = read_conll(path)
        for tokens in spread(sentences, limit):
            text, offsets = token_offsets(tokens)
            doc = pipeline(Document(body=text, published=UNDATED))
            counts["sentences"] += 1
            for role in ("S", "T"):
                gold, predicted = gold_spans(tokens, role), predicted_spans(doc.events, offsets, role)
                counts[f"{role}_gold"] += len(gold)
                counts[f"{role}_pred"] += len(predicted)
                counts[f"{role}_exact"] += len(gold & predicted)
                gold_tokens = {i for s, e in gold for i in range(s, e)}
                predicted_tokens = {i for s, e in predicted for i in range(s, e)}
                counts[f"{role}_tok_gold"] += len(gold_tokens)
                counts[f"{role}_tok_pred"] += len(predicted_tokens)
                counts[f"{role}_tok_hit"] += len(gold_tokens & predicted_tokens)
    report: dict[str, Any] = {"sentences": counts["sentences"]}
    for role, name in (("S", "source"), ("T", "target")):
        report[name] = {
            "exact": prf(counts[f"{role}_exact"], counts[f"{role}_pred"], counts[f"{role}_gold"]),
            "tokens": prf(counts[f"{role}_tok_hit"], counts[f"{role}_tok_pred"], counts[f"{role}_tok_gold"]),
        }
    report["seconds"] = round(time.perf_counter() - started, 2)
    return report


def is_class_gold(path: Path) -> bool:
    """Whether a file is a cameo_class TSV (sentence, tab, digit label)."""
    if path.suffix != ".tsv":
        return False
    with path.open(encoding="utf-8") as handle:
        first = handle.readline().rstrip("\r\n")
    return "\t" in first and first.rpartition("\t")[2].strip().isdigit()


def is_ner_gold(path: Path) -> bool:
    """Whether a file is CoNLL with S/T/R actor-role tags."""
    if path.suffix not in (".txt", ".conll"):
        return False
    with path.open(encoding="utf-8") as handle:
        head = [handle.readline() for _ in range(40)]
    return any(line.rstrip().endswith((" B-S", " B-T", " B-R", " I-S")) for line in head) and \
        all(len(line.split()) <= 2 for line in head if line.strip())
