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
and as exact spans.  Gold spans are whole noun phrases ("a Swiss court", "Bahraini Prime Minister, Prince
Khalifa", "Britain and Germany"), so three scoring choices keep the comparison fair: the pipeline reads the
sentence as news prints it (tokens joined back: "al-Sarraj", "Japan's", "3,000"), not as spaced tokens; a
compound actor in PLOVER's reciprocal form ("Britain", "Germany" as actors, no recipient) is one span where
only a conjunction or comma separates its members, as the gold marks reciprocal parties (conjoined S or T
parties it keeps apart); and a reciprocal party (R) counts for both roles whichever role the pipeline gave it.
Alternate sentences form a tuning and a held-out half, scored apart too.
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
# Tokens printed against their neighbour: closers and clitics after, openers before.
CLOSERS = frozenset({".", ",", ")", "]", ":", ";", "!", "?", "%", "\u201d"})
CLITICS = frozenset({"'s", "\u2019s", "n't", "'re", "'ll", "'ve", "'d", "'m"})
OPENERS = frozenset({"(", "[", "$", "\u20ac", "\u00a3", "\u201c", "\u2018"})
APOSTROPHES = frozenset({"'", "\u2019"})
# Words that join the members of a compound actor into the one span the gold marks ("Britain and Germany").
COORDINATION = frozenset({",", "and", "or", "&"})


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


def _glued(previous: str, token: str, following: str, before_previous: str) -> bool:
    """Whether `token` follows `previous` without a space in printed text."""
    if token in CLOSERS or token.lower() in CLITICS or previous in OPENERS:
        return True
    if token in APOSTROPHES:
        return True  # "Farmers' Federation", "Japan ' s"
    if previous in APOSTROPHES and token.lower() in ("s", "t", "re", "ll", "ve", "d", "m"):
        return True
    if "-" in (previous, token) and previous not in ("", "(") and following:
        return True  # "al - Sarraj", "U.N. - backed": hyphens were split off words
    return previous == "," and before_previous.isdigit() and token.isdigit() and len(token) == 3  # "3 , 000"


def detokenized(tokens: list[tuple[str, str]]) -> tuple[str, list[tuple[int, int]]]:
    """The sentence as printed (tokens glued where news text has no space) and each token's character range."""
    words = [t for t, _ in tokens]
    parts, offsets, pos = [], [], 0
    for i, word in enumerate(words):
        if i and not _glued(words[i - 1], word, words[i + 1] if i + 1 < len(words) else "",
                            words[i - 2] if i > 1 else ""):
            parts.append(" ")
            pos += 1
        offsets.append((pos, pos + len(word)))
        parts.append(word)
        pos += len(word)
    return "".join(parts), offsets


def predicted_spans(events: list[Event], offsets: list[tuple[int, int]], role: str,
                    words: list[str] | None = None) -> set[tuple[int, int]]:
    """Token spans of the actors (role S) or recipients (role T) of the events; with the sentence's `words`,
    the parties of an event without recipient that only a conjunction or comma separates form one span."""
    spans = set()
    for event in events:
        own = []
        for entity in event.actor if role == "S" else event.recipient:
            if entity.start is None or entity.end is None:
                continue
            covered = [i for i, (s, e) in enumerate(offsets) if s < entity.end and e > entity.start]
            if covered:
                own.append((covered[0], covered[-1] + 1))
        # PLOVER's reciprocal form (all parties actors, no recipient: "Britain and Germany agreed") is what the
        # gold marks as one R span; one-sided events keep their conjoined parties apart, as the gold does.
        spans |= _coordinated(sorted(set(own)), words) if words and not event.recipient else set(own)
    return spans


def _coordinated(spans: list[tuple[int, int]], words: list[str]) -> set[tuple[int, int]]:
    """Sorted spans with those joined by "and", "or" or commas alone merged."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and merged[-1][1] < start and all(w.lower() in COORDINATION for w in words[merged[-1][1]:start]):
            merged[-1] = (merged[-1][0], end)
        elif merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return set(merged)


def evaluate_ner(paths: list[Path], pipeline, limit: int | None = None) -> dict[str, Any]:
    """Source and target span F1 (exact spans and tokens) of the pipeline's event actors and recipients."""
    counts = {half: Counter() for half in ("all", "tune", "held_out")}
    started = time.perf_counter()
    for path in paths:
        sentences = read_conll(path)
        numbered = list(enumerate(sentences))
        for number, tokens in spread(numbered, limit):
            text, offsets = detokenized(tokens)
            doc = pipeline(Document(body=text, published=UNDATED))
            for half in ("all", "tune" if number % 2 == 0 else "held_out"):
                _tally(counts[half], tokens, doc.events, offsets)
    report: dict[str, Any] = {"sentences": counts["all"]["sentences"], **_span_scores(counts["all"])}
    # Rules were tuned on the even-numbered sentences; the odd ones are the held-out check.
    for half in ("tune", "held_out"):
        report[f"{half}_sentences"] = counts[half]["sentences"]
        report.update({f"{half}_{name}": scores for name, scores in _span_scores(counts[half]).items()})
    report["seconds"] = round(time.perf_counter() - started, 2)
    return report


def _tally(counts: Counter, tokens: list[tuple[str, str]], events: list[Event],
           offsets: list[tuple[int, int]]) -> None:
    """Add one sentence's gold and predicted spans to the counts."""
    counts["sentences"] += 1
    predictions = role_predictions(tokens, events, offsets)
    for role in ("S", "T"):
        gold, predicted = gold_spans(tokens, role), predictions[role]
        counts[f"{role}_gold"] += len(gold)
        counts[f"{role}_pred"] += len(predicted)
        counts[f"{role}_exact"] += len(gold & predicted)
        gold_tokens = {i for s, e in gold for i in range(s, e)}
        predicted_tokens = {i for s, e in predicted for i in range(s, e)}
        counts[f"{role}_tok_gold"] += len(gold_tokens)
        counts[f"{role}_tok_pred"] += len(predicted_tokens)
        counts[f"{role}_tok_hit"] += len(gold_tokens & predicted_tokens)


def role_predictions(tokens: list[tuple[str, str]], events: list[Event],
                     offsets: list[tuple[int, int]]) -> dict[str, set[tuple[int, int]]]:
    """Predicted source (S) and target (T) spans.  A reciprocal gold party (R: "Putin will meet Erdogan") is
    each side's source and target; PLOVER codes such events with one party as actor and the other as recipient
    (or all as actors), so a predicted party of either role that meets an R span stands for both roles."""
    words = [t for t, _ in tokens]
    actors, recipients = predicted_spans(events, offsets, "S", words), predicted_spans(events, offsets, "T", words)
    reciprocal = gold_spans(tokens, "R")

    def meeting(spans: set[tuple[int, int]]) -> set[tuple[int, int]]:
        return {p for p in spans if any(p[0] < r[1] and r[0] < p[1] for r in reciprocal)}
    return {"S": actors | meeting(recipients), "T": recipients | meeting(actors)}


def _span_scores(counts: Counter) -> dict[str, Any]:
    """Source and target P/R/F1, exact spans and tokens."""
    return {name: {"exact": prf(counts[f"{role}_exact"], counts[f"{role}_pred"], counts[f"{role}_gold"]),
                   "tokens": prf(counts[f"{role}_tok_hit"], counts[f"{role}_tok_pred"], counts[f"{role}_tok_gold"])}
            for role, name in (("S", "source"), ("T", "target"))}


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
