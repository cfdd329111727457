"""Recognition of temporal expressions: the word lists of data/time/lexicon.yaml compiled into patterns.

`find_mentions(text)` returns non-overlapping `Mention`s: the span, the TIMEX3 type and the parts the pattern
read (month, day, weekday, unit, count, relative word ...).  Turning those parts into a value needs the
document date and the tense around the mention; that is detente.nlp.timex_resolve's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """The time word lists (data/time/lexicon.yaml), loaded once per process."""
    text = resources.files("detente").joinpath("data/time/lexicon.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@dataclass
class Mention:
    """A recognised temporal expression before resolution."""

    start: int
    end: int
    type: str
    kind: str
    parts: dict[str, Any] = field(default_factory=dict)
    mod: str | None = None
    deadline: bool = False
    cue: str | None = None  # the deadline or direction word in front ("by", "until", "since")


def _alternation(words: list[str], abbreviation: bool = False) -> str:
    """Regex alternation of `words`, longest first; abbreviations may carry a full stop."""
    parts = []
    for word in sorted(words, key=len, reverse=True):
        escaped = re.escape(word).replace(r"\ ", r"\s+")
        shortened = abbreviation and any(other != word and other.startswith(word) for other in words)
        parts.append(escaped + (r"\.?" if shortened else ""))
    return "(?:" + "|".join(parts) + ")"


def number_value(text: str) -> float | None:
    """Value of a number written in digits or words ("two", "twenty-five", "a"); None when vague."""
    lex = lexicon()
    word = re.sub(r"\s+", " ", text.lower().strip())
    if re.fullmatch(r"\d+ 1/2", word):
        return float(word.split()[0]) + 0.5
    if re.fullmatch(r"\d+(?:\.\d+)?", word.replace(",", "")):
        return float(word.replace(",", ""))
    if word in lex["numbers"]:
        return float(lex["numbers"][word])
    pieces = re.split(r"[- ]", word)
    if len(pieces) == 2 and all(p in lex["numbers"] for p in pieces):
        return float(lex["numbers"][pieces[0]] + lex["numbers"][pieces[1]])
    return None


def ordinal_value(text: str) -> int | None:
    """Day number of "18", "18th" or "eighteenth"."""
    word = text.lower().strip()
    digits = re.match(r"(\d{1,2})", word)
    if digits:
        return int(digits.group(1))
    return lexicon()["ordinals"].get(word)


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, str]:
    lex = lexicon()
    number_words = [w for w in lex["numbers"]]
    tens = [w for w, v in lex["numbers"].items() if v in (20, 30, 40, 50, 60, 70, 80, 90)]
    units_small = [w for w, v in lex["numbers"].items() if isinstance(v, int) and 1 <= v <= 9 and w not in ("a", "an")]
    compound = "(?:" + _alternation(tens) + "-" + _alternation(units_small) + ")"
    vague = _alternation(lex["vague_numbers"])
    return {
        "TENS": _alternation(tens + ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                                     "seventeen", "eighteen", "nineteen"]),
        "DIGIT": _alternation(units_small),
        "MONTH": _alternation(list(lex["months"]), abbreviation=True),
        "WEEKDAY": _alternation(list(lex["weekdays"]), abbreviation=True),
        "SEASON": _alternation(list(lex["seasons"])),
        "PART": _alternation(list(lex["parts_of_day"])),
        "ORD": _alternation([w for w in lex["ordinals"] if w != "last"]),
        "NUM": rf"(?:\d+\s+1/2|\d+(?:\.\d+)?|{compound}|{_alternation(number_words)}|{vague})",
        "UNIT": r"(?:second|minute|hour|day|night|week|fortnight|month|quarter|year|decade|centur(?:y|ie))",
        "POSMOD": _alternation(list(lex["position_mods"])),
        "QMOD": _alternation(list(lex["quantity_mods"])),
        "DEADLINE": _alternation(list(lex["deadline_cues"])),
        "FIXED": _alternation(list(lex["fixed_refs"])),
        "RELDAY": _alternation(list(lex["relative_days"])),
        "HOLIDAY": _alternation(list(lex["holidays"])),
    }


# The patterns, in order of preference when two match the same longest span.  Each names its kind.
_PATTERNS: list[tuple[str, str, str]] = [
    ("TIME", "clock",
     r"(?:(?P<h>\d{1,2})(?::(?P<m>\d\d))?\s*(?P<ampm>a\.m\.?|p\.m\.?|am\b|pm\b)|(?P<h2>\d{1,2}):(?P<m2>\d\d)\b"
     r"|(?<!high\s)(?P<noon>noon|midnight|midday))"
     r"(?:\s+(?P<tz>EST|EDT|CST|CDT|MST|MDT|PST|PDT|GMT|UTC|local\s+time))?"
     r"(?:,?\s+(?:on\s+)?(?:(?P<day>today|yesterday|tomorrow|tonight|{WEEKDAY}(?![\w-]))|"
     r"(?P<mon>{MONTH})\s+(?P<mday>\d{1,2})(?!\d)))?"),
    ("DATE", "iso", r"(?<![\d-])(?P<year>\d{4})-(?P<mon>\d\d)-(?P<day>\d\d)(?![\d-])"),
    ("DATE", "slash", r"(?<![\d/])(?P<mon>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4}|\d\d)(?![\d/])"),
    ("DATE", "mdy",
     r"(?:(?P<rel>this|next|last|this\s+coming|coming)\s+)?(?:(?P<wd>{WEEKDAY}),?\s+)?(?P<mon>{MONTH})\s+"
     r"(?P<day>\d{1,2}(?:st|nd|rd|th)?|{ORD})(?!\d|:\d)(?:,?\s+(?P<year>\d{4}|'\d\d)(?!\d))?"),
    ("DATE", "dmy",
     r"(?:(?P<rel>this|next|last|this\s+coming|coming)\s+)?(?:(?P<wd>{WEEKDAY}),?\s+)?(?:the\s+)?"
     r"(?P<day>\d{1,2}(?:st|nd|rd|th)?|{ORD})\s+(?:of\s+)?(?P<mon>{MONTH})(?:,?\s+(?P<year>\d{4})(?!\d))?"),
    ("DATE", "month_year", r"(?P<mon>{MONTH}),?\s+(?:of\s+)?(?P<year>\d{4})(?!\d)"),
    ("DATE", "month_rel_year", r"(?P<mon>{MONTH})\s+(?:of\s+)?(?P<rel>this|last|next)\s+year(?![\w-])"),
    ("DATE", "spelled_year", r"(?P<century>nineteen|twenty)\s+(?P<num>{TENS}(?:-{DIGIT})?)(?![\w-])"),
    ("DATE", "century", r"(?:the\s+)?(?P<ord>\d{1,2})(?:st|nd|rd|th)[- ]century(?![\w-])"),
    ("DATE", "year_end", r"(?:the\s+)?year(?:'s)?[- ]end(?![\w-])"),
    ("DATE", "year_words", r"the\s+year\s+two\s+thousand(?:\s+and\s+(?P<num>{NUM}))?(?![\w-])"),
    ("DATE", "month",
     r"(?:(?P<rel>this|next|last|this\s+past|the\s+previous|the\s+following|the\s+coming|coming|past)\s+)?"
     r"(?P<mon>{MONTH})(?![\w-])"),
    ("DATE", "holiday", r"(?:(?P<rel>this|next|last)\s+)?(?P<holiday>{HOLIDAY})(?:\s+(?P<year>\d{4}))?"),
    ("DATE", "weekday",
     r"(?:(?P<rel>last|next|this|this\s+coming|this\s+past|coming|the\s+previous|the\s+following|the\s+next|"
     r"previous|following|that)\s+)?(?P<wd>{WEEKDAY})(?![\w-])(?:\s+(?P<part>{PART}))?"),
    ("DATE", "relday", r"(?P<relday>{RELDAY})(?:\s+(?P<part>{PART}))?"),
    ("TIME", "this_part", r"(?P<rel>this|last|that|early\s+this|late\s+last)\s+(?P<part>morning|afternoon|evening|night)"),
    ("DATE", "decade", r"(?:the\s+)?(?P<decade>(?:1[5-9]|20)\d0|'\d0)'?s(?![\w-])"),
    ("DATE", "year",
     r"(?:(?P<fiscal>fiscal(?:\s+year)?|the\s+year|calendar(?:\s+year)?)\s+)?(?<![\w$.,#])(?<!\d-)(?P<year>1[6-9]\d\d|20\d\d)"
     r"(?![\w%]|[.,]\d|-\d|\s+(?:percent|per\s+cent|people|years?|miles|feet|men|troops|soldiers|dollars))"),
    ("DATE", "quarter",
     r"(?P<pre>(?:(?:the|this|last|next|its|their|this\s+year's|last\s+year's|year-earlier|year-ago|"
     r"the\s+year-earlier|the\s+year-ago|a\s+year-earlier|fiscal|next\s+year's|the\s+\d{4}|\d{4})\s+)*)(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)"
     r"(?:[- ]fiscal)?[- ]quarter(?:\s+of\s+(?:fiscal\s+)?(?P<year>\d{4}|this\s+year|last\s+year|next\s+year))?"),
    ("DATE", "half",
     r"(?:the\s+)?(?P<h>first|second|last)\s+half(?:\s+of\s+(?:fiscal\s+)?(?P<year>\d{4}|this\s+year|last\s+year|next\s+year))?"),
    ("DATE", "season",
     r"(?:(?P<rel>this|next|last|the\s+past|the\s+coming|the|this\s+past)\s+)?(?P<season>{SEASON})(?![\w-])"
     r"(?:\s+(?:of\s+)?(?P<year>\d{4}))?"),
    ("DATE", "rel_unit",
     r"(?P<rel>this|next|last|the\s+past|the\s+previous|the\s+following|the\s+coming|the\s+current|the\s+latest|"
     r"the\s+same|that|the\s+next|the\s+last|this\s+past|past|coming|current|previous)\s+"
     r"(?P<unit>week|weekend|month|year|quarter|decade|century|fiscal\s+year|period)(?![\w-])(?P<poss>'s)?"),
    ("DATE", "the_unit", r"(?P<rel>the)\s+(?P<unit>quarter|weekend|(?:year-earlier|year-ago|comparable\s+year-ago|"
     r"comparable\s+year-earlier)\s+(?:quarter|period))(?![\w-])"),
    ("DATE", "year_period", r"the\s+(?P<year>\d{4})\s+(?P<unit>quarter|period)(?![\w-])"),
    ("DURATION", "the_year", r"the\s+(?:fiscal\s+|calendar\s+)?year(?![\w-])(?!\s+(?:\d|two))"),
    ("DATE", "rel_unit", r"the\s+(?P<rel>full)\s+(?P<unit>year)(?![\w-])"),
    ("DATE", "chain",
     r"(?:the\s+(?P<rel>following|next|previous|preceding|same|prior)\s+(?P<unit>day|week|month|year|morning|"
     r"night|evening)|(?P<rel2>that|the\s+same)\s+(?P<unit2>day|week|month|year|morning|night|evening)"
     r"|the\s+day\s+(?P<dir>before|after))(?![\w-])"),
    ("DATE", "ago",
     r"(?:(?P<qmod>{QMOD})\s+)?(?P<num>{NUM})[- ](?P<unit>{UNIT})s?(?:\s+or\s+so)?\s+(?P<dir>ago|earlier|later|from\s+now|hence)(?![\w-])"),
    ("DATE", "year_earlier", r"(?P<unit>year|month|quarter)-(?P<dir>earlier|ago)"),
    ("SET", "every",
     r"(?:(?P<num>once|twice|{NUM}\s+times)\s+(?:a|an|per|every|each)|every|each|per)\s+(?P<other>other\s+)?"
     r"(?P<unit>day|week|month|quarter|year|weekend|morning|evening|night|{WEEKDAY}|{MONTH})(?![\w-])"),
    ("DURATION", "duration",
     r"(?:(?P<qmod>{QMOD})\s+)?(?:the\s+(?:(?P<span>past|last|next|first|previous|coming|following|final|"
     r"remaining|latest)\s+)?)?(?P<num>{NUM})(?:\s+(?:more|additional|straight|consecutive|full|trading|long))?"
     r"[- ](?P<unit>{UNIT})s?(?![\w]|-old|\s+old\b|\s+of\s+age)(?:[- ](?:long|period|span|term|stretch)\b)?"),
    ("DURATION", "bare_units",
     r"(?:(?<=\bfor\s)|(?<=\bin\s)|(?<=\bover\s)|(?<=\bwithin\s)|(?<=\btook\s))(?P<unit>hour|day|week|month|year|decade)s(?![\w-])"),
    ("DATE", "fixed", r"(?P<fixed>{FIXED})(?![\w-])"),
]


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[str, str, re.Pattern[str]]]:
    vocab = _vocabulary()
    compiled = []
    for type_, kind, pattern in _PATTERNS:
        for key, alternation in vocab.items():
            pattern = pattern.replace("{" + key + "}", alternation)
        compiled.append((type_, kind, re.compile(r"(?<![\w])" + pattern, re.IGNORECASE)))
    return compiled


@lru_cache(maxsize=1)
def _prefixes() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    vocab = _vocabulary()
    position = re.compile(r"(?:^|(?<=\W))(?P<mod>" + vocab["POSMOD"] + r")(?:[\s-]+(?:in|on|of|this|the))?[\s-]+$",
                          re.IGNORECASE)
    deadline = re.compile(r"(?:^|(?<=\W))(?P<cue>" + vocab["DEADLINE"] + r")\s+$", re.IGNORECASE)
    direction = re.compile(r"(?:^|(?<=\W))(?P<cue>until|till|since|from|through|after|before|in|on|during|"
                           r"over|for|at)\s+(?:the\s+)?$", re.IGNORECASE)
    return position, deadline, direction


_CAPITALISED_KINDS = {"month", "weekday", "mdy", "dmy", "month_year"}
# Words before an ambiguous month name ("May", "March") that make it a month.
_MONTH_CUES = re.compile(r"(?:in|of|since|until|till|by|last|next|this|early|late|mid|from|through|during|"
                         r"before|after|end|beginning|between|than)[\s-]+$", re.IGNORECASE)
_SEASON_CUES = re.compile(r"(?:in|of|since|until|till|by|last|next|this|early|late|mid|from|through|during|"
                          r"before|after|the|past|coming)[\s-]+$", re.IGNORECASE)


def _plausible(kind: str, match: re.Match[str], text: str) -> bool:
    """Filters the word-sense traps of each pattern (the verb "may", "fall", "a second", "current" ...)."""
    groups = match.groupdict()
    before = text[max(0, match.start() - 30):match.start()]
    if kind in _CAPITALISED_KINDS:
        for name in ("mon", "wd"):
            word = groups.get(name)
            if word and not word[0].isupper():
                return False
        month = (groups.get("mon") or "").lower().rstrip(".")
        if kind == "month" and month in lexicon()["ambiguous_months"] and not groups.get("rel"):
            if not _MONTH_CUES.search(before):
                return False
        wd = (groups.get("wd") or "").lower().rstrip(".")
        if wd in lexicon()["ambiguous_weekdays"] and kind == "weekday":
            return False
    if kind == "season" and (groups.get("season") or "").lower() in ("fall", "spring"):
        if not groups.get("rel") and not groups.get("year") and not _SEASON_CUES.search(before):
            return False
    if kind == "duration":
        unit = groups["unit"].lower()
        num = groups["num"].lower()
        # "a second" and "a minute" are ordinals and idioms far more often than durations.
        if unit in ("second", "minute", "quarter", "night") and num in ("a", "an"):
            return False
        if unit == "quarter" and not groups.get("span"):
            return False
        if re.fullmatch(r"\d{4}", num) and not match.group(0).lower().rstrip().endswith("s"):
            return False
    if kind == "fixed":
        word = groups["fixed"].lower()
        if word == "current" and re.match(r"\s+(?:account|affairs|events|events|of|flows?|density)\b",
                                          text[match.end():match.end() + 12]):
            return False
        after = text[match.end():match.end() + 12]
        if word == "daily" and re.match(r"\s+[A-Z]", after):
            return False  # "the party daily Granma" is a newspaper
        if groups["fixed"] == "Now" and re.match(r",|\s+(?:the|a|an|we|he|she|they|it|i|you|for|that|there|events)\b",
                                                  after, re.IGNORECASE):
            return False  # sentence-opening "Now, ..." is a discourse marker
        if word == "future" and re.match(r"\s*(?:s\b|contracts?|markets?|trading|prices?|exchange)",
                                         text[match.end():match.end() + 12], re.IGNORECASE):
            return False
    if kind == "relday":
        word = groups["relday"]
        after = text[match.end():match.end() + 20].lower()
        if re.match(r"'s\s+(?:world|youth|society|generation|standards|children)\b", after):
            return False  # "today's world" is the present age, not a day
        if word.lower() in ("today", "tomorrow") and (re.search(r"\bof\s+$", before)
                                                    or word[0].isupper() and re.search(r"[A-Z]\w*\s+$", before)):
            return False  # "the people of tomorrow", the programme "VOA Today"
    if kind == "rel_unit" and groups["unit"][0].isupper():
        return False  # "This Week" is a programme's title
    if kind == "year":
        # A bare year after a number word ("1,500 2000") or as a count ("2000 of them") is not a date.
        if re.search(r"[$£€]\s*$", before) or re.match(r"\s+of\s+(?:the|them|whom|which)\b", text[match.end():]):
            return False
    return True


# Which words a pattern cannot match without: patterns only run in windows around those words, which keeps
# recognition several times faster than scanning every pattern over the whole text (bench/throughput.py).
_KIND_ANCHORS = {
    "clock": ("digits",), "iso": ("digits",), "slash": ("digits",), "year": ("digits",), "decade": ("digits",),
    "spelled_year": ("digits",), "century": ("digits",), "mdy": ("calendar",), "dmy": ("calendar",),
    "month_year": ("calendar",), "month_rel_year": ("calendar",), "month": ("calendar",),
    "holiday": ("calendar",), "weekday": ("calendar",), "every": ("unit", "calendar"), "fixed": ("fixed",),
}
WINDOW_BEFORE, WINDOW_AFTER = 60, 60
TOKEN = re.compile(r"[A-Za-z]+|\d+")


@lru_cache(maxsize=1)
def _anchor_words() -> dict[str, frozenset[str]]:
    lex = lexicon()
    holidays = {name.split()[0].split("'")[0] for name in lex["holidays"]}
    units = {"second", "minute", "hour", "day", "night", "week", "weekend", "fortnight", "month", "quarter",
             "year", "decade", "century", "centuries", "period", "half", "end", "morning", "afternoon", "evening",
             "overnight", "thousand"}
    units |= {u + "s" for u in units} | set(lex["seasons"]) | {w.split()[-1] for w in lex["relative_days"]}
    return {
        "calendar": frozenset(set(lex["months"]) | set(lex["weekdays"]) | holidays),
        "unit": frozenset(units),
        "digits": frozenset({"nineteen", "twenty", "noon", "midnight", "midday"}),
        "fixed": frozenset(w.split()[-1] for w in lex["fixed_refs"]),
    }


def _windows(text: str) -> dict[str, list[tuple[int, int]]]:
    """Merged character windows around the anchor words of each group."""
    groups = _anchor_words()
    spans: dict[str, list[tuple[int, int]]] = {name: [] for name in groups}
    for token in TOKEN.finditer(text):
        word = token.group(0).lower()
        for name, words in groups.items():
            if word in words or (name == "digits" and word.isdigit()):
                spans[name].append((max(0, token.start() - WINDOW_BEFORE), token.end() + WINDOW_AFTER))
    merged: dict[str, list[tuple[int, int]]] = {}
    for name, found in spans.items():
        windows: list[tuple[int, int]] = []
        for start, end in found:
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(windows[-1][1], end))
            else:
                windows.append((start, end))
        merged[name] = windows
    return merged


def _matches(pattern: re.Pattern[str], kind: str, text: str, windows: dict[str, list[tuple[int, int]]]):
    seen = set()
    for group in _KIND_ANCHORS.get(kind, ("unit",)):
        for start, end in windows[group]:
            for match in pattern.finditer(text, start, min(end, len(text))):
                if match.span() not in seen:
                    seen.add(match.span())
                    yield match


def find_mentions(text: str) -> list[Mention]:
    """Temporal expressions of `text`, longest match first, without overlaps, in text order."""
    candidates: list[tuple[int, int, int, Mention]] = []
    windows = _windows(text)
    for rank, (type_, kind, pattern) in enumerate(_compiled()):
        for match in _matches(pattern, kind, text, windows):
            if match.end() == match.start() or not _plausible(kind, match, text):
                continue
            parts = {k: v for k, v in match.groupdict().items() if v is not None}
            candidates.append((match.start(), -(match.end() - match.start()), rank,
                               Mention(match.start(), match.end(), type_, kind, parts)))
    candidates.sort(key=lambda c: (c[1], c[0], c[2]))
    taken: list[Mention] = []
    occupied = bytearray(len(text) + 1)
    for _start, _negative_length, _rank, mention in candidates:
        if any(occupied[mention.start:mention.end]):
            continue
        occupied[mention.start:mention.end] = b"\x01" * (mention.end - mention.start)
        taken.append(mention)
    taken.sort(key=lambda m: m.start)
    for mention in taken:
        _attach_prefixes(text, mention)
    return taken


RATE_BEFORE = re.compile(r"(?:[$£€]\s*[\d.,]+|\d[\d.,]*\s*(?:%|percent))(?:\s+(?:million|billion|trillion))?\s*$")


def _attach_prefixes(text: str, mention: Mention) -> None:
    """Widens a mention over "early"/"the end of" (mod) and "by"/"within" (deadline) in front of it."""
    position, deadline, direction = _prefixes()
    if mention.kind == "duration" and mention.parts.get("num", "").lower() in ("a", "an") \
            and RATE_BEFORE.search(text[max(0, mention.start - 40):mention.start]):
        mention.type, mention.kind = "SET", "every"  # "$1.76 a year" is a rate, not a span
    window_start = max(0, mention.start - 40)
    before = text[window_start:mention.start]
    if mention.type in ("DATE", "TIME") and mention.kind != "fixed" or mention.kind == "the_year":
        found = position.search(before)
        if found:
            if mention.kind == "the_year":  # "the end of the year" is a date, "the year" alone a duration
                mention.type, mention.kind, mention.parts = "DATE", "rel_unit", {"rel": "this", "unit": "year"}
            mention.mod = lexicon()["position_mods"][re.sub(r"\s+", " ", found.group("mod").lower())]
            mention.start = window_start + found.start()
            before = text[max(0, mention.start - 40):mention.start]
            window_start = max(0, mention.start - 40)
    if mention.kind == "year_end":
        mention.mod = mention.mod or "END"
    found = deadline.search(before)
    if found:
        cue = re.sub(r"\s+", " ", found.group("cue").lower())
        is_window = mention.type == "DURATION" and cue == "within"
        is_due = mention.type in ("DATE", "TIME") and cue != "within"
        if is_window or is_due:
            mention.deadline = True
            mention.cue = cue
            mention.mod = mention.mod or lexicon()["deadline_cues"][cue]
            mention.start = window_start + found.start()
            return
    found = direction.search(before)
    if found:
        mention.cue = found.group("cue").lower()
        if mention.kind == "fixed" and re.sub(r"^the\s+", "", mention.parts.get("fixed", "").lower()).startswith("coming") \
                and mention.cue in ("in", "over"):
            mention.deadline = True
