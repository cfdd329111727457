"""Temporal expressions: the "timex" component, event dates and publication dates inferred from the text.

`timex` reads `body`, `sentences` and `published` and adds `timexes`: DATE, TIME, DURATION and SET expressions
with TIMEX3 values anchored on the publication date or on the expression before them ("the following day"),
pointed backwards or forwards by the tense of the verb they attach to ("will go ahead on Friday" is the coming
Friday, "arrived on Tuesday" the last one).  Recognition lives in timex_rules, normalisation in timex_resolve.
Scored on TempEval-3 (TimeBank + AQUAINT) by detente.evaluate.timeml and bench/timex_vs_dateparser.py.
"""

from __future__ import annotations

import bisect
import re

from detente.model import Document, Sentence, Timex
from detente.nlp.timex_resolve import (
    FUTURE, PAST, Context, mention_type, parse_dct, resolve, safe_date, value_granularity,
)
from detente.nlp.timex_rules import Mention, find_mentions, lexicon
from detente.pipeline import component
from detente.settings import Settings

# Verbs whose complement is later than themselves: "plans to meet on Friday".
PROSPECTIVE_LEMMAS = frozenset({
    "plan", "expect", "intend", "hope", "aim", "schedule", "agree", "decide", "want", "seek", "prepare", "set",
    "promise", "pledge", "vow", "threaten", "propose", "call", "urge", "ask", "demand", "insist", "offer", "need",
    "ready", "due", "likely", "able",
})
# Verbs that place their object ahead of themselves whatever their tense: "planned a demonstration on Saturday".
SCHEDULING_LEMMAS = frozenset({"plan", "schedule", "intend", "set"})
AHEAD_CUE = re.compile(r"\bas\s+(?:soon|early)\s+as\s+$|\bby\s+next\s+$", re.IGNORECASE)
FUTURE_AUXILIARIES = frozenset({"will", "'ll", "shall", "wo", "would", "'d", "going"})
PAST_WORDS = re.compile(r"\b(?:was|were|had|did|said|told|ago|\w{3,}ed)\b", re.IGNORECASE)
# Kinds whose value depends on the direction of the verb (a bare "Friday", "June", "this summer").
DIRECTED_KINDS = frozenset({"weekday", "month", "mdy", "dmy", "holiday", "season", "quarter", "half", "the_unit",
                            "rel_unit", "clock"})
# Kinds computed from the expression before them; chaining on them would drift ("a year ago" twice).
DERIVED_KINDS = frozenset({"ago", "year_earlier", "the_unit", "year_period", "the_year", "fixed"})
# "A year ago" re-uses the quarter or month of an expression this close before it (financial reports).
PREVIOUS_NEAR_CHARS = 300
WEAK_EVIDENCE = "past form"
# Earnings reports compare a quarter with "a year ago": the comparison keeps the quarter this close before it.
QUARTER_NEAR_CHARS = 1500
DEADLINE_CUES = frozenset({"by", "no later than", "not later than"})


@component("timex")
class TimexComponent:
    """Finds temporal expressions and resolves them to TIMEX3 values against the publication date."""

    version = "1"
    requires = ("body", "sentences", "published")
    assigns = ("timexes",)

    def __init__(self, settings: Settings) -> None:
        lexicon()
        find_mentions("warm up on 18 December 2015")  # compiles the patterns once per process

    def __call__(self, doc: Document) -> Document:
        doc.timexes = extract_timexes(doc)
        return doc


def extract_timexes(doc: Document) -> list[Timex]:
    """The temporal expressions of `doc.body`, resolved in text order so that each can chain on the last."""
    dct = parse_dct(doc.published)
    sentence_starts = [s.start for s in doc.sentences]
    timexes: list[Timex] = []
    previous: Timex | None = None
    last_quarter: Timex | None = None
    for mention in find_mentions(doc.body):
        sentence = _sentence_at(doc.sentences, sentence_starts, mention.start)
        direction, evidence = mention_direction(doc, sentence, mention)
        context = Context(dct=dct, direction=direction, previous=previous.value if previous else None,
                          previous_id=previous.id if previous else None,
                          previous_near=previous is not None and mention.start - previous.end < PREVIOUS_NEAR_CHARS,
                          strong=direction is not None and not evidence.startswith(WEAK_EVIDENCE),
                          quarter=last_quarter.value if last_quarter is not None
                          and mention.start - last_quarter.end < QUARTER_NEAR_CHARS else None)
        context.steps.append(f"recognised as {mention.kind} ({mention.type})")
        if mention.kind in DIRECTED_KINDS:
            context.steps.append(f"direction: {direction or 'none'} ({evidence})")
        if dct is None:
            context.steps.append("no publication date: relative parts stay unresolved")
        value = resolve(mention, context)
        mod = mention.mod or lexicon()["quantity_mods"].get(re.sub(r"\s+", " ", mention.parts.get("qmod", "").lower()))
        timex = Timex(text=doc.body[mention.start:mention.end], start=mention.start, end=mention.end,
                      type=mention_type(mention, value), value=value, mod=mod,
                      id=f"t{len(timexes) + 1}", deadline=mention.deadline)
        timex.anchor = _anchor(mention, context, value)
        if mention.deadline:
            context.steps.append(f"deadline: '{mention.cue}' makes it due {value}")
        context.steps.append(f"value {value}" + (f", mod {timex.mod}" if timex.mod else ""))
        timex.steps = context.steps
        timexes.append(timex)
        if timex.type in ("DATE", "TIME") and value_granularity(value) and mention.kind not in DERIVED_KINDS:
            previous = timex
            if value_granularity(value) == "quarter":
                last_quarter = timex
    return timexes


def _anchor(mention: Mention, context: Context, value: str | None) -> str | None:
    """"published", the id of the timex chained on, or None for absolute expressions and durations."""
    if context.previous_id and any("chained" in step and "nothing to chain" not in step
                                   for step in context.steps):
        return context.previous_id
    if mention.type in ("DURATION", "SET") or value is None:
        return None
    if mention.parts.get("year") or mention.kind in ("year", "decade", "iso", "month_year"):
        return None
    return "published" if context.dct else None


def _sentence_at(sentences: list[Sentence], starts: list[int], offset: int) -> Sentence | None:
    index = bisect.bisect_right(starts, offset) - 1
    if 0 <= index < len(sentences) and sentences[index].start <= offset < sentences[index].end:
        return sentences[index]
    return None


def mention_direction(doc: Document, sentence: Sentence | None, mention: Mention) -> tuple[str | None, str]:
    """PAST, FUTURE or None for a mention, with the evidence: deadline cue, the parsed verb, or cue words."""
    cue = mention.cue or ""
    if AHEAD_CUE.search(doc.body[max(0, mention.start - 20):mention.start]):
        return FUTURE, "cue 'as soon as'"
    verb = _governing_verb(doc, sentence, mention)
    if verb is not None:
        tense, evidence = _verb_tense(verb)
    else:
        tense, evidence = _cue_tense(doc, sentence, mention)
    if cue in DEADLINE_CUES and not evidence.startswith("past perfect"):
        return FUTURE, f"deadline cue '{cue}'"
    if cue == "since":
        return PAST, "cue 'since'"
    return tense, evidence


def _governing_verb(doc: Document, sentence: Sentence | None, mention: Mention):
    """The verb the mention attaches to in the spaCy parse, or None when the sentence was not parsed."""
    if sentence is None or sentence.span is None:
        return None
    span = sentence.span
    offset = mention.start - sentence.start
    token = None
    for candidate in span:
        relative = candidate.idx - span.start_char
        if relative <= offset < relative + len(candidate.text) or relative >= offset:
            token = candidate
            break
    steps = 0
    while token is not None and steps < 8:
        if token.pos_ in ("VERB", "AUX") and token.dep_ not in ("aux", "auxpass"):
            return token
        if token.head is token:
            return token if token.pos_ in ("VERB", "AUX") else None
        token, steps = token.head, steps + 1
    return None


def _verb_tense(verb) -> tuple[str | None, str]:
    """Tense of a parsed verb from its tag and auxiliaries, climbing out of participles and infinitives."""
    for _ in range(4):
        auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
        words = {a.lower_ for a in auxiliaries}
        if words & FUTURE_AUXILIARIES:
            return FUTURE, f"'{verb.text}' with '{sorted(words & FUTURE_AUXILIARIES)[0]}'"
        if "had" in words and verb.tag_ == "VBN":
            return PAST, f"past perfect 'had {verb.text}'"
        if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxiliaries):
            return PAST, f"past tense '{verb.text}'"
        if verb.tag_ == "VBN" and words & {"has", "have"}:
            return PAST, f"present perfect '{verb.text}'"
        if verb.lemma_.lower() in SCHEDULING_LEMMAS:
            return FUTURE, f"scheduling verb '{verb.text}'"
        if verb.tag_ == "VB" and "to" in words:
            head = verb.head
            if head.lemma_.lower() in PROSPECTIVE_LEMMAS:
                if any(c.lower_ == "had" for c in head.children if c.dep_ in ("aux", "auxpass")):
                    return PAST, f"past perfect 'had ... {head.text}'"
                return FUTURE, f"infinitive '{verb.text}' after '{head.text}'"
        if verb.tag_ in ("VBG", "VBN", "VB") and verb.head is not verb and verb.dep_ != "ROOT":
            verb = verb.head
            continue
        if verb.tag_ in ("VBZ", "VBP"):
            return None, f"present tense '{verb.text}'"
        break
    return None, f"no tense on '{verb.text}'"


def _cue_tense(doc: Document, sentence: Sentence | None, mention: Mention) -> tuple[str | None, str]:
    """Tense from cue words in the sentence when no parse is available."""
    if sentence is None:
        start, end = max(0, mention.start - 120), min(len(doc.body), mention.end + 60)
        text = doc.body[start:end]
    else:
        text = sentence.text
    lowered = f" {text.lower()} "
    for cue in _future_cues():
        if re.search(rf"(?<![\w']){re.escape(cue)}(?![\w'])", lowered):
            return FUTURE, f"cue word '{cue}'"
    found = PAST_WORDS.search(text)
    if found:
        return PAST, f"past form '{found.group(0)}'"
    return None, "no tense cue"


def _future_cues() -> list[str]:
    return lexicon()["future_cues"]


PRECISION = {"day": "day", "week": "week", "month": "month", "quarter": "quarter", "half": "quarter",
             "season": "quarter", "year": "year", "decade": "year"}


def event_date(doc: Document, start: int, end: int, head_offset: int | None = None) -> tuple[str | None, str]:
    """(value, precision) of an event whose clause covers body[start:end]; publication date when none applies."""
    usable = [t for t in doc.timexes if t.type in ("DATE", "TIME") and value_granularity(t.value)
              and t.start < end and t.end > start]
    if usable:
        chosen = _attached_timex(doc, usable, head_offset)
        if chosen is None:
            focus = head_offset if head_offset is not None else start
            chosen = min(usable, key=lambda t: min(abs(t.start - focus), abs(t.end - focus)))
        granularity = value_granularity(chosen.value)
        return (chosen.value[:10] if granularity == "day" else chosen.value), PRECISION.get(granularity, "year")
    if doc.published:
        return doc.published[:10], "publication"
    return None, "unknown"


def _attached_timex(doc: Document, timexes: list[Timex], head_offset: int | None) -> Timex | None:
    """The timex whose governing verb is the event's head token, when the clause was parsed."""
    if head_offset is None or not doc.sentences:
        return None
    starts = [s.start for s in doc.sentences]
    sentence = _sentence_at(doc.sentences, starts, head_offset)
    if sentence is None or sentence.span is None:
        return None
    head = next((t for t in sentence.span if sentence.start + t.idx - sentence.span.start_char == head_offset), None)
    if head is None:
        return None
    for timex in timexes:
        if not sentence.start <= timex.start < sentence.end:
            continue
        mention = Mention(timex.start, timex.end, timex.type, "")
        verb = _governing_verb(doc, sentence, mention)
        if verb is not None and (verb == head or head in verb.ancestors):
            return timex
    return None


def infer_published(doc: Document) -> tuple[str | None, str | None]:
    """(date, evidence) for a document without one, from weekday+date pairs ("this Friday, December 18")."""
    years = [int(y) for y in re.findall(r"(?<![\w$.,-])(1[6-9]\d\d|20\d\d)(?![\w%]|[.,]\d)", doc.body)]
    latest_year = max(years) if years else None
    for mention in find_mentions(doc.body):
        parts = mention.parts
        if mention.kind not in ("mdy", "dmy") or not parts.get("wd") or parts.get("year"):
            continue
        month = lexicon()["months"][parts["mon"].lower().rstrip(".")]
        day = int(re.match(r"\d+", parts["day"]).group(0)) if parts["day"][0].isdigit() else \
            lexicon()["ordinals"].get(parts["day"].lower())
        weekday = lexicon()["weekdays"][parts["wd"].lower().rstrip(".")]
        if day is None or latest_year is None:
            continue
        for year in range(latest_year, latest_year - 28, -1):
            found = safe_date(year, month, day)
            if found is not None and found.isoweekday() == weekday:
                return found.isoformat(), (
                    f"'{doc.body[mention.start:mention.end]}' falls on a {parts['wd']} in {year}, the latest such "
                    f"year not after {latest_year} (the latest year the text mentions); the publication date is "
                    f"taken as that day")
    return None, None


