"""TimeML gold (TempEval-3's TimeBank and AQUAINT) and a TempEval-3-style scorer for temporal expressions.

`read_timeml` strips the tags of a `.tml` file's `<TEXT>` to the plain text detente is fed, keeping every gold
TIMEX3 as offsets into that exact string, and reads the document creation time.  `evaluate_timeml` runs a
pipeline over the documents and scores extent (strict: same span; relaxed: overlapping spans, one to one),
type and value accuracy on the relaxed matches, and the value F1 of the TempEval-3 scorer (a system timex counts
when it overlaps a gold one and carries the same value).
"""

from __future__ import annotations

import html
import re
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detente.model import Document

TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)([^>]*?)(/?)>", re.DOTALL)
ATTRIBUTE = re.compile(r'([A-Za-z_:]+)\s*=\s*"([^"]*)"')

GoldTimex = tuple[int, int, str, str, str | None]  # start, end, type, value, mod


@dataclass
class TimeMLDoc:
    """The plain text of a TimeML document, its creation date and its gold TIMEX3s (offsets into `text`)."""

    text: str
    dct: str | None
    gold: list[GoldTimex] = field(default_factory=list)
    name: str = ""


def _attributes(raw: str) -> dict[str, str]:
    return {key: html.unescape(value) for key, value in ATTRIBUTE.findall(raw)}


def parse_timeml(source: str, name: str = "") -> TimeMLDoc:
    """A TimeMLDoc from TimeML markup (the `<TEXT>` element, or the whole string when there is none)."""
    dct = None
    for match in re.finditer(r"<TIMEX3([^>]*)>", source):
        attrs = _attributes(match.group(1))
        if attrs.get("functionInDocument") == "CREATION_TIME":
            dct = attrs.get("value", "")[:10] or None
            break
    text_match = re.search(r"<TEXT>(.*?)</TEXT>", source, re.DOTALL)
    markup = text_match.group(1) if text_match else source
    pieces: list[str] = []
    length = 0
    open_timexes: list[tuple[int, dict[str, str]]] = []
    gold: list[GoldTimex] = []
    position = 0
    for tag in TAG.finditer(markup):
        plain = html.unescape(markup[position:tag.start()])
        pieces.append(plain)
        length += len(plain)
        position = tag.end()
        closing, name_, raw, self_closing = tag.groups()
        if name_ != "TIMEX3" or self_closing:
            continue
        if not closing:
            open_timexes.append((length, _attributes(raw)))
        elif open_timexes:
            start, attrs = open_timexes.pop()
            gold.append((start, length, attrs.get("type", "DATE"), attrs.get("value", ""), attrs.get("mod")))
    tail = html.unescape(markup[position:])
    pieces.append(tail)
    gold.sort()
    return TimeMLDoc(text="".join(pieces), dct=dct, gold=gold, name=name)


def read_timeml(path: Path | str) -> TimeMLDoc:
    """Reads a `.tml` file into its plain text, creation date and gold TIMEX3s."""
    path = Path(path)
    return parse_timeml(path.read_text(encoding="utf-8"), name=path.name)


def timeml_files(paths: Iterable[Path | str]) -> list[Path]:
    """The `.tml` files named, directories expanded recursively, in a stable order."""
    files: list[Path] = []
    for path in map(Path, paths):
        files.extend(sorted(path.rglob("*.tml")) if path.is_dir() else [path])
    return files


def match_timexes(gold: list[GoldTimex], system: list[tuple[int, int, str, str | None]]) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, system index) of overlapping spans, largest overlap first."""
    pairs = []
    for g, (gs, ge, *_rest) in enumerate(gold):
        for s, (ss, se, *_more) in enumerate(system):
            overlap = min(ge, se) - max(gs, ss)
            if overlap > 0:
                pairs.append((-overlap, g, s))
    pairs.sort()
    used_gold, used_system, matched = set(), set(), []
    for _overlap, g, s in pairs:
        if g in used_gold or s in used_system:
            continue
        used_gold.add(g)
        used_system.add(s)
        matched.append((g, s))
    return matched


def _prf(correct: int, system: int, gold: int) -> dict[str, float]:
    precision = correct / system if system else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"p": round(precision, 4), "r": round(recall, 4), "f1": round(f1, 4)}


class TimexTally:
    """Counts accumulated over documents for the TempEval-3 timex scores."""

    def __init__(self) -> None:
        self.gold = self.system = self.strict = self.relaxed = self.type_ok = self.value_ok = 0
        self.per_type: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.errors: list[dict[str, Any]] = []

    def add(self, doc: TimeMLDoc, system: list[tuple[int, int, str, str | None]]) -> None:
        """Scores one document's system timexes (start, end, type, value) against its gold."""
        self.gold += len(doc.gold)
        self.system += len(system)
        gold_spans = {(g[0], g[1]) for g in doc.gold}
        self.strict += sum(1 for s in system if (s[0], s[1]) in gold_spans)
        matched = match_timexes(doc.gold, system)
        matched_gold = {g for g, _s in matched}
        matched_system = {s for _g, s in matched}
        self.relaxed += len(matched)
        for g in doc.gold:
            self.per_type[g[2]]["gold"] += 1
        for s in system:
            self.per_type[s[2]]["system"] += 1
        for g, s in matched:
            gold_timex, system_timex = doc.gold[g], system[s]
            type_ok = gold_timex[2] == system_timex[2]
            value_ok = gold_timex[3] == system_timex[3]
            self.type_ok += type_ok
            self.value_ok += value_ok
            self.per_type[gold_timex[2]]["matched"] += 1
            self.per_type[gold_timex[2]]["value_ok"] += value_ok
            if not (type_ok and value_ok):
                self.errors.append({"doc": doc.name, "text": doc.text[gold_timex[0]:gold_timex[1]],
                                    "system_text": doc.text[system_timex[0]:system_timex[1]],
                                    "gold": gold_timex[2:4], "system": system_timex[2:4], "dct": doc.dct})
        for index, gold_timex in enumerate(doc.gold):
            if index not in matched_gold:
                self.errors.append({"doc": doc.name, "missed": doc.text[gold_timex[0]:gold_timex[1]],
                                    "gold": gold_timex[2:4], "dct": doc.dct})
        for index, system_timex in enumerate(system):
            if index not in matched_system:
                self.errors.append({"doc": doc.name, "spurious": doc.text[system_timex[0]:system_timex[1]],
                                    "system": system_timex[2:4], "dct": doc.dct})

    def scores(self) -> dict[str, Any]:
        """Strict and relaxed extent P/R/F1, type and value accuracy, value F1 and the per-type breakdown."""
        per_type = {}
        for name, counts in sorted(self.per_type.items()):
            per_type[name] = {
                "gold": counts["gold"], "system": counts["system"],
                "recall_relaxed": round(counts["matched"] / counts["gold"], 4) if counts["gold"] else 0.0,
                "value_accuracy": round(counts["value_ok"] / counts["matched"], 4) if counts["matched"] else 0.0,
            }
        return {
            "gold": self.gold, "system": self.system,
            "strict": _prf(self.strict, self.system, self.gold),
            "relaxed": _prf(self.relaxed, self.system, self.gold),
            "type_accuracy": round(self.type_ok / self.relaxed, 4) if self.relaxed else 0.0,
            "value_accuracy": round(self.value_ok / self.relaxed, 4) if self.relaxed else 0.0,
            "value": _prf(self.value_ok, self.system, self.gold),
            "per_type": per_type,
        }


def evaluate_timeml(paths: list[Path], pipeline, limit: int | None = None,
                    keep_errors: bool = False) -> dict[str, Any]:
    """Runs `pipeline` (prefilter, parse, timex) on TimeML documents and returns the TempEval-3 scores."""
    files = timeml_files(paths)[:limit] if limit else timeml_files(paths)
    tally = TimexTally()
    started = time.perf_counter()
    for path in files:
        gold_doc = read_timeml(path)
        doc = pipeline(Document(body=gold_doc.text, published=gold_doc.dct, published_source="given"))
        system = [(t.start, t.end, t.type, t.value) for t in doc.timexes]
        tally.add(gold_doc, system)
    result = tally.scores()
    result["documents"] = len(files)
    result["seconds"] = round(time.perf_counter() - started, 2)
    if keep_errors:
        result["errors"] = tally.errors
    return result
