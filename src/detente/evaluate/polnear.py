"""Quote attribution scored against PolNeAR (Newell, Margolin and Ruths, LREC 2018).

PolNeAR annotates every attribution in 2015-16 US election news: a source span, a cue span and a content
span (direct quotes, paraphrases, beliefs and findings alike).  Where an article has several annotators the
first annotation set is the gold.  Scores, all over word tokens (runs of letters and digits):

- `detection`: a predicted quote and a gold attribution match when their contents share a token (PolNeAR's
  authors match attributions by content overlap); precision over predicted quotes, recall over gold ones.
- `content`: token overlap of the content spans over the whole corpus: precision is the share of predicted
  content tokens inside gold content, recall the share of gold content tokens predicted.
- `content_matched`: the same token overlap restricted to matched attributions (how well the span is cut
  once the attribution is found).
- `speaker`: on matched pairs (each gold attribution with the predicted quote overlapping it most), the
  speaker is right when its span overlaps the gold source span or its resolved name shares a word with the
  gold source; precision over pairs with a predicted speaker, recall over pairs with a gold source.
- `speaker_all`: the speaker scored end to end.  Recall: over every gold attribution with a source, the share
  whose best-overlapping quote has the right speaker (a missed attribution counts as wrong).  Precision: over
  every predicted quote with a speaker, the share whose speaker is right for the gold attribution that quote
  overlaps most (a quote overlapping none counts as wrong).  Each side counts its own items, so a long gold
  quote found as three sentence quotes with the right speaker is three right predictions, not one.
- `cue_accuracy`: on matched pairs with a gold cue, the predicted cue word occurs in the gold cue.
- `halves`: content and speaker figures for the documents of even and of odd position in the file, so that
  rules tuned on one half can be checked on the other.
- `reported_speech`: the same figures with recall over the gold attributions that are reported speech
  (see `is_reported_speech`); precision still counts against all gold attributions.
"""

from __future__ import annotations

import bisect
import json
import re
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from detente.model import Document, Quote
from detente.pipeline import REGISTRY, Pipeline, load_builtins

TOKEN = re.compile(r"\w+")
QUOTE_MARKS = ('"', "“", "”", "‘", "’ ")
# The components the quotes stage needs, in order; those not (yet) written are left out.
POLNEAR_COMPONENTS = ("prefilter", "parse", "actors", "quotes")


def polnear_pipeline(names: Iterable[str] = POLNEAR_COMPONENTS) -> Pipeline:
    """A pipeline of the given components that exist in this installation."""
    load_builtins()
    return Pipeline(names=[n for n in names if n in REGISTRY])


def read_polnear(paths: Iterable[Path], compartments: Iterable[str] | None = None,
                 limit: int | None = None) -> Iterator[dict[str, Any]]:
    """PolNeAR records (one article each) from JSONL files, optionally of some compartments only."""
    wanted = set(compartments) if compartments else None
    count = 0
    for path in paths:
        with Path(path).open(encoding="utf-8") as lines:
            for line in lines:
                if limit is not None and count >= limit:
                    return
                record = json.loads(line)
                if wanted and record.get("compartment") not in wanted:
                    continue
                count += 1
                yield record


def evaluate_polnear(paths: list[Path], pipeline: Pipeline | None = None, limit: int | None = None,
                     compartments: Iterable[str] | None = None) -> dict[str, Any]:
    """Runs the pipeline on PolNeAR articles and scores its quotes against the first annotation set."""
    pipeline = pipeline or polnear_pipeline()
    totals, speech = _Totals(), _Totals()
    halves = {"even": _Totals(), "odd": _Totals()}
    began = time.perf_counter()
    for index, record in enumerate(read_polnear(paths, compartments, limit)):
        doc = pipeline(Document(body=record["text"], published=record.get("publication_date") or None,
                                title=record.get("title") or None))
        annotations = record.get("annotations") or []
        gold = annotations[0]["attributions"] if annotations else []
        quotes = doc.quotes if doc.rejected is None else []
        totals.add(record["text"], gold, quotes)
        halves["odd" if index % 2 else "even"].add(record["text"], gold, quotes)
        speech.add(record["text"], [g for g in gold if is_reported_speech(g)], quotes, reference=gold)
    report = totals.report()
    report["reported_speech"] = speech.report()
    report["halves"] = {name: {key: half.report()[key] for key in ("documents", "content", "speaker", "speaker_all")}
                        for name, half in halves.items()}
    report["seconds"] = round(time.perf_counter() - began, 2)
    return report


def is_reported_speech(attribution: dict[str, Any]) -> bool:
    """A gold attribution that is a quote in detente's sense: quoted words, or a speech cue / "according to".

    PolNeAR also annotates beliefs, findings and stances ("Trump criticized the deal"); recall on this subset
    measures the quotes detente sets out to find, precision still counts against every attribution.
    """
    content = " ".join(part["text"] for part in attribution.get("content", []))
    if any(mark in content for mark in QUOTE_MARKS):
        return True
    cue = " ".join(part["text"] for part in attribution.get("cue", [])).lower()
    words = set(TOKEN.findall(cue))
    return bool(words & speech_forms()) or "according" in words or cue.strip().endswith(":")


def speech_forms() -> frozenset[str]:
    """The speech-verb forms of the quotes lexicon."""
    from detente.nlp.quotes import cue_lexicon

    return frozenset(cue_lexicon().speech_forms)


class _Totals:
    """Counts summed over documents."""

    def __init__(self) -> None:
        self.documents = self.gold = self.predicted = 0
        self.matched_gold = self.matched_predicted = 0
        self.content_overlap = self.content_predicted = self.content_gold = self.content_reference_overlap = 0
        self.matched_overlap = self.matched_predicted_tokens = self.matched_gold_tokens = 0
        self.speaker_right = self.speaker_predicted = self.speaker_gold = 0
        self.cue_right = self.cue_gold = 0
        self.all_speakers_predicted = self.all_sources_gold = self.predicted_speakers_right = 0

    def add(self, text: str, gold: list[dict[str, Any]], quotes: list[Quote],
            reference: list[dict[str, Any]] | None = None) -> None:
        """Scores one document; precision counts against `reference` (all gold) when recall uses a subset."""
        starts = [m.start() for m in TOKEN.finditer(text)]
        ends = [m.end() for m in TOKEN.finditer(text)]
        tokens = lambda spans: _tokens(starts, ends, spans)  # noqa: E731
        content = lambda g: tokens([tuple(s) for p in g.get("content", []) for s in p["spans"]])  # noqa: E731
        gold_items = [(t, g) for t, g in ((content(g), g) for g in gold) if t]
        predicted = [(t, q) for t, q in ((tokens([(q.start, q.end)]), q) for q in quotes) if t]
        self.documents += 1
        self.gold += len(gold_items)
        self.predicted += len(predicted)
        gold_union = set().union(*(t for t, _ in gold_items))
        reference_union = set().union(*(content(g) for g in reference)) if reference is not None else gold_union
        predicted_union = set().union(*(t for t, _ in predicted))
        self.content_overlap += len(gold_union & predicted_union)
        self.content_reference_overlap += len(reference_union & predicted_union)
        self.content_gold += len(gold_union)
        self.content_predicted += len(predicted_union)
        self.matched_predicted += sum(1 for t, _ in predicted if t & reference_union)
        self.all_speakers_predicted += sum(1 for _, q in predicted if _has_speaker(q))
        reference_items = gold_items if reference is None else [(t, g) for t, g in
                                                                ((content(g), g) for g in reference) if t]
        self.predicted_speakers_right += sum(1 for t, q in predicted if _has_speaker(q)
                                             and _right_for_best_gold(text, t, q, reference_items))
        self.all_sources_gold += sum(1 for _, g in gold_items if g.get("source"))
        matched_predicted_tokens: set[int] = set()
        for gold_tokens, attribution in gold_items:
            overlapping = [(len(t & gold_tokens), t, q) for t, q in predicted if t & gold_tokens]
            if not overlapping:
                continue
            self.matched_gold += 1
            covered = set().union(*(t for _, t, _ in overlapping))
            self.matched_overlap += len(covered & gold_tokens)
            self.matched_gold_tokens += len(gold_tokens)
            matched_predicted_tokens |= covered
            _, _, best = max(overlapping, key=lambda item: item[0])
            self._score_pair(text, attribution, best)
        self.matched_predicted_tokens += len(matched_predicted_tokens)

    def _score_pair(self, text: str, attribution: dict[str, Any], quote: Quote) -> None:
        sources = [tuple(s) for part in attribution.get("source", []) for s in part["spans"]]
        speaker = quote.speaker
        has_speaker = _has_speaker(quote)
        if has_speaker:
            self.speaker_predicted += 1
        if sources:
            self.speaker_gold += 1
        if has_speaker and sources and _speaker_matches(text, speaker, sources):
            self.speaker_right += 1
        cue_words = {w.lower() for part in attribution.get("cue", []) for w in TOKEN.findall(part["text"])}
        if cue_words:
            self.cue_gold += 1
            if quote.cue and set(TOKEN.findall(quote.cue.lower())) & cue_words:
                self.cue_right += 1

    def report(self) -> dict[str, Any]:
        """The figures as a JSON-ready dict."""
        return {
            "documents": self.documents, "gold": self.gold, "predicted": self.predicted,
            "detection": _prf(self.matched_predicted, self.predicted, self.matched_gold, self.gold),
            "content": _prf(self.content_reference_overlap, self.content_predicted, self.content_overlap,
                            self.content_gold),
            "content_matched": _prf(self.matched_overlap, self.matched_predicted_tokens, self.matched_overlap,
                                    self.matched_gold_tokens),
            "speaker": _prf(self.speaker_right, self.speaker_predicted, self.speaker_right, self.speaker_gold),
            "speaker_all": _prf(self.predicted_speakers_right, self.all_speakers_predicted, self.speaker_right,
                                self.all_sources_gold),
            "cue_accuracy": round(self.cue_right / self.cue_gold, 4) if self.cue_gold else 0.0,
        }


def _tokens(starts: list[int], ends: list[int], spans: list[tuple[int, int]]) -> set[int]:
    """Indexes of the word tokens overlapping any of the character spans."""
    found: set[int] = set()
    for start, end in spans:
        i = bisect.bisect_right(ends, start)
        while i < len(starts) and starts[i] < end:
            found.add(i)
            i += 1
    return found


def _has_speaker(quote: Quote) -> bool:
    return quote.speaker is not None and quote.speaker.start is not None


def _right_for_best_gold(text: str, quote_tokens: set[int], quote: Quote,
                         gold_items: list[tuple[set[int], dict[str, Any]]]) -> bool:
    """Whether the quote's speaker matches the source of the gold attribution it overlaps most."""
    overlapping = [(len(quote_tokens & t), g) for t, g in gold_items if quote_tokens & t]
    if not overlapping:
        return False
    _, attribution = max(overlapping, key=lambda item: item[0])
    sources = [tuple(s) for part in attribution.get("source", []) for s in part["spans"]]
    return bool(sources) and _speaker_matches(text, quote.speaker, sources)


def _speaker_matches(text: str, speaker: Any, sources: list[tuple[int, int]]) -> bool:
    """The predicted speaker's span overlaps the gold source, or its resolved name shares a name word."""
    if any(speaker.start < end and start < speaker.end for start, end in sources):
        return True
    name = speaker.identifier_text or ""
    name_words = {w.lower() for w in TOKEN.findall(name) if w[:1].isupper()}
    source_words = {w.lower() for start, end in sources for w in TOKEN.findall(text[start:end])}
    return bool(name_words & source_words)


def _prf(right_p: int, predicted: int, right_r: int, gold: int) -> dict[str, float]:
    precision = right_p / predicted if predicted else 0.0
    recall = right_r / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}
