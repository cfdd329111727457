"""Quotes: who said what, in direct, partial and indirect speech, with the speaker resolved and the cue.

`quotes` reads `body`, `paragraphs`, `sentences` (spaCy spans where the paragraph was parsed), `title`,
`mentions` and `notes["people"]` (both from the actors stage when it ran) and assigns `quotes`: a list of
`Quote(speaker, text, kind, cue, start, end)` in body order, `start`/`end` delimiting the quoted content
without its quote marks.

Decisions (issue 6):
- Quote marks: straight and curly double quotes (and '' as in newspaper archives) pair as quotes; an opening
  mark with no closing one in its paragraph continues into the next paragraph when that one opens with a
  quote mark (the convention for long quotes; `text` then drops the paragraph break and the repeated mark).
  A quote never runs past `MAX_QUOTE_PARAGRAPHS` paragraphs or `MAX_QUOTE_CHARS` characters; a mark that
  never closes quotes to its paragraph end only when it opened the paragraph or followed a colon, and only
  up to `MAX_UNCLOSED_CHARS`.
- Single quotes count only where an opening mark (after a space or at the start) pairs with a closing mark in
  the same paragraph; a mark between two letters is an apostrophe (don't, Russia's).
- A quoted phrase is a *partial* quote only when a cue (a speech or thought verb governing it, or "according
  to") names its speaker; otherwise it is a scare quote or a title, not a quote. A quoted single word right
  after a determiner ("any 'transition'", a "transitional" administration) is a label, never a quote.
- A quote in the title line, or in a photo caption line (one ending in an agency credit such as "(AFP)"),
  is not a separate quote; the same words quoted twice in the body are one quote (the first).
- Indirect quotes come from parsed sentences only: the complement clause of a cue verb, or the clause that
  "according to X" qualifies. A sentence with a partial quote yields both the partial and the indirect
  quote (the verbatim words and the paraphrase carry different information).
- Speakers: names (a surname resolves to the full name met earlier), titles, "he"/"she" (the latest person
  mention in the same or previous sentence, else the latest speaker within `PRONOUN_REACH` sentences),
  role nouns ("the minister": the latest person holding that title), and other phrases ("a spokesman for the
  foreign ministry"), which keep their own text.  The speaker `Entity` carries the span that named the
  speaker in the quoting sentence (`entity_text`, `start`, `end`) and the resolved identity
  (`identifier_text`, `code`, `sector`, `office`) from the actors stage when it ran.
- A direct quote with no cue of its own right after another direct quote (same paragraph, or opening the
  next one) continues it: same speaker, same cue.  One opening a paragraph after a paragraph ending in a
  colon ("Potts echoed:") or in a sentence of reported speech takes that sentence's speaker and cue.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from detente.model import Document, Entity, Quote, Sentence
from detente.pipeline import component
from detente.settings import Settings

# Bounds that keep a malformed document (a stray opening mark) from quoting everything after it.
MAX_QUOTE_PARAGRAPHS = 8
MAX_QUOTE_CHARS = 4000
# An opening mark at a paragraph start that never closes quotes the paragraph only up to this length.
MAX_UNCLOSED_CHARS = 1200
# Single quotes are more often apostrophes than quotes; a single-quoted span is a quote only up to this size.
MAX_SINGLE_QUOTE_CHARS = 400
# How far (in characters) after a closing mark the "he said" frame may sit.
MAX_FRAME_CHARS = 160
# "he"/"she" falls back to the latest quote speaker at most this many sentences back.
PRONOUN_REACH = 4

DOUBLE_OPEN = "“„«"
DOUBLE_CLOSE = "”»"
DOUBLE_MARK = re.compile(r"''|[\"“„«”»]")
SINGLE_MARK = re.compile(r"['‘’]")
OPENING_CONTEXT = set(" \t\n([{—–-/\"“")
CLOSING_CONTEXT = set(" \t\n.,;:!?)]}—–-\"”")

AUXILIARIES = ("has|have|had|is|was|were|also|later|then|further|again|once|would|will|recently|previously"
               "|earlier|simply|just|quickly|subsequently|repeatedly|often|has long|had long|never|did|does")
CAPTION_LINE = re.compile(
    r"\((?:AFP|AP|Reuters|EPA|Getty|Getty Images|Anadolu|AA|Xinhua|SANA|MEE|File|Photo|[A-Z][\w .&/-]{0,40}"
    r"(?:Photo|Images|/AFP|/Reuters|/AP))\)\s*$")
WORD = re.compile(r"\w+(?:['’]\w+)*")
SENTENCE_END = re.compile(r"[.!?][\"”’')]*\s+(?=[\"“‘'A-Z])")
FRAME_END = re.compile(r"[.!?](?=\s|$)|[\"“‘]|''")
# '"...," he answered': any verb right after a pronoun or name that follows a closing quote is its cue.
GENERIC_FRAME = re.compile(r"^[\s,.!?;:—–-]*(?P<spk>[Hh]e|[Ss]he|(?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’.-]*)"
                           r"\s+"
                           r"(?P<cue>[a-z]{3,}(?:ed|es|s))\b(?=\s*(?:[,.;:!?]|$))")
COLON_SPEAKER = re.compile(r"(?:^|(?<=[\s(]))(?P<spk>(?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’.-]*)\s*:\s*$")
OTHER_PRONOUNS = frozenset({"they", "we", "i", "it", "you"})
# Words that show a frame's "speaker" is really a clause ("a claim that he denied").
CLAUSE_WORDS = frozenset({"that", "which", "who", "whom", "when", "while", "because", "if", "as", "but", "was",
                          "is", "are", "were", "to", "what", "not"})


@dataclass(frozen=True)
class CueLexicon:
    """The cue words of data/quotes/cues.yaml, by role (forms map an inflected form to its lemma)."""

    speech_forms: dict[str, str]
    thought_forms: dict[str, str]
    phrases: tuple[str, ...]
    offices: frozenset[str]
    label_words: frozenset[str]
    person_pronouns: frozenset[str]
    speech_lemmas: frozenset[str]  # cue direct, partial and indirect quotes
    cue_lemmas: frozenset[str]  # speech and thought verbs: cue partial and indirect quotes


@lru_cache(maxsize=1)
def cue_lexicon() -> CueLexicon:
    """The cue lexicon, loaded once per process."""
    data = yaml.safe_load(resources.files("detente").joinpath("data/quotes/cues.yaml").read_text(encoding="utf-8"))
    speech, thought = ({f.lower(): lemma for lemma, fs in data[group].items() for f in fs}
                       for group in ("speech", "thought"))
    words = lambda key: frozenset(w.lower() for w in data[key])  # noqa: E731
    return CueLexicon(speech, thought, tuple(data["phrases"]), words("offices"), words("label_words"),
                      words("person_pronouns"), frozenset(speech.values()),
                      frozenset(speech.values()) | frozenset(thought.values()))


@lru_cache(maxsize=1)
def cue_forms() -> frozenset[str]:
    """Every inflected cue word (for the prefilter: a paragraph holding one is worth a parse)."""
    lex = cue_lexicon()
    words = {w for phrase in lex.phrases for w in phrase.split()}
    return frozenset(set(lex.speech_forms) | set(lex.thought_forms) | words)


@lru_cache(maxsize=1)
def _frame_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """Regexes for the "he said" frame after a quote, "said X" after it, and "X said:" before it.

    Cue words match in lower case only, so that "State" in "State Department" is no cue.
    """
    forms = "|".join(sorted(map(re.escape, cue_lexicon().speech_forms), key=len, reverse=True))
    speaker = r"(?P<spk>[^,.;:!?\"“”‘’\n]{1,80}?)(?:\s*,[^,.;!?\"“”\n]{1,90},)?"
    aux = rf"(?:(?:{AUXILIARIES})\s+){{0,3}}"
    after_speaker_cue = re.compile(rf"^[\s,.!?;:—–-]*{speaker}\s+{aux}(?P<cue>{forms})\b")
    after_cue_speaker = re.compile(
        rf"^[\s,.!?;:—–-]*(?P<cue>{forms})\s+(?P<spk>(?:the |a |an )?[^,.;:!?\"“”\n]{{1,80}}?)"
        r"(?=\s*(?:[,.;:!?\"“”]|$|\b(?:who|in|on|at|during|after|before|when|while|to|from|of)\b))")
    before = re.compile(
        rf"{speaker}\s+{aux}(?P<cue>{forms})\b[^\"“”.!?]{{0,120}}?[:,]?\s*$"
        r"|[Aa]ccording to\s+(?P<spk2>[^,.;:!?\"“”\n]{1,80}?)\s*[:,]?\s*$")
    return after_speaker_cue, after_cue_speaker, before


@dataclass
class QuoteSpan:
    """Quoted content found between quote marks; `start`/`end` exclude the marks."""

    start: int
    end: int
    open_mark: int
    close_mark: int | None
    single: bool = False
    paragraph: int = 0


def find_quote_spans(body: str, paragraphs: list[tuple[int, int]]) -> list[QuoteSpan]:
    """Double- and single-quoted spans of `body`, paragraph-spanning quotes joined, in body order."""
    spans: list[QuoteSpan] = []
    chain: QuoteSpan | None = None  # a quote still open at the end of the previous paragraph
    chain_paragraphs = 0
    for index, (p_start, p_end) in enumerate(paragraphs):
        text = body[p_start:p_end]
        lead = p_start + len(text) - len(text.lstrip())
        doubles, unclosed = _pair_doubles(text, p_start)
        for span in doubles:
            span.paragraph = index
        if unclosed is not None:
            unclosed.paragraph, unclosed.end = index, p_end
        inside = [(s.open_mark, s.close_mark) for s in doubles]
        if unclosed is not None:
            inside.append((unclosed.open_mark, p_end))
        first = min(doubles + ([unclosed] if unclosed else []), key=lambda s: s.open_mark, default=None)
        if chain is not None:
            continues = (first is not None and first.open_mark == lead and chain_paragraphs < MAX_QUOTE_PARAGRAPHS
                         and first.end - chain.start <= MAX_QUOTE_CHARS)
            if continues and first is unclosed:
                chain.end, chain_paragraphs, unclosed = p_end, chain_paragraphs + 1, None
                doubles = []
            elif continues:
                spans.append(QuoteSpan(chain.start, first.end, chain.open_mark, first.close_mark, False,
                                       chain.paragraph))
                doubles = [s for s in doubles if s is not first]
                chain = None
            else:
                _end_unclosed(body, paragraphs, chain, chain_paragraphs, spans)
                chain = None
        spans.extend(s for s in doubles if s.end - s.start <= MAX_QUOTE_CHARS)
        if unclosed is not None:
            chain, chain_paragraphs = unclosed, 1
        spans.extend(_pair_singles(text, p_start, index, inside))
    if chain is not None:
        _end_unclosed(body, paragraphs, chain, chain_paragraphs, spans)
    spans.sort(key=lambda s: s.start)
    return spans


def _end_unclosed(body: str, paragraphs: list[tuple[int, int]], span: QuoteSpan, count: int,
                  spans: list[QuoteSpan]) -> None:
    """An opening mark that never closed: the quote ends with its paragraph, if it opened the paragraph
    (or followed a colon) and stays short; a stray mark elsewhere quotes nothing."""
    p_start = paragraphs[span.paragraph][0]
    before = body[p_start:span.open_mark]
    if count == 1 and (span.end - span.start > MAX_UNCLOSED_CHARS
                       or before.strip() and not before.rstrip().endswith(":")):
        return
    if body[span.start:span.end].strip():
        spans.append(QuoteSpan(span.start, span.end, span.open_mark, None, False, span.paragraph))


def _pair_doubles(text: str, offset: int) -> tuple[list[QuoteSpan], QuoteSpan | None]:
    """Pairs the double quote marks of one paragraph; returns the closed spans and the one left open.

    Two apostrophes ('') stand for a straight double quote, as in some newspaper archives.
    """
    spans: list[QuoteSpan] = []
    current: QuoteSpan | None = None
    for mark in DOUBLE_MARK.finditer(text):
        i, ch, width = mark.start(), mark.group()[0], len(mark.group())
        if ch in "\"'":
            if current is None:
                current = QuoteSpan(offset + i + width, -1, offset + i, None)
            else:
                current.end, current.close_mark = offset + i, offset + i + width - 1
                spans.append(current)
                current = None
        elif ch in DOUBLE_OPEN:
            # A second opening mark before any closing one: the first was stray.
            current = QuoteSpan(offset + i + 1, -1, offset + i, None)
        elif current is not None:
            current.end, current.close_mark = offset + i, offset + i
            spans.append(current)
            current = None
    return spans, current


def _pair_singles(text: str, offset: int, paragraph: int, inside: list[tuple[int, int]]) -> list[QuoteSpan]:
    """Single-quoted spans of one paragraph outside double quotes; apostrophes are skipped."""
    spans: list[QuoteSpan] = []
    opened: int | None = None
    for mark in SINGLE_MARK.finditer(text):
        i, ch = mark.start(), mark.group()
        if text[i - 1:i] == "'" or text[i + 1:i + 2] == "'":
            continue  # '' is a double quote mark
        if any(a <= offset + i <= b for a, b in inside):
            continue
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if before.isalnum() and after.isalnum():
            continue  # don't, Russia's
        can_open = ch in "'‘" and before in OPENING_CONTEXT and (after.isalpha() or after in "“\"")
        can_close = ch in "'’" and not before.isspace() and after in CLOSING_CONTEXT
        if opened is not None and can_close:
            if 0 < i - opened - 1 <= MAX_SINGLE_QUOTE_CHARS:
                spans.append(QuoteSpan(offset + opened + 1, offset + i, offset + opened, offset + i, True,
                                       paragraph))
            opened = None
        elif can_open:
            opened = i
    return spans


@dataclass
class Person:
    """A person mention in the body: where, the full name, the titles met with it, the actors' entity."""

    start: int
    end: int
    name: str
    titles: set[str] = field(default_factory=set)
    entity: Entity | None = None


@dataclass
class Attribution:
    """A speaker span and cue found for a quote, before the speaker is resolved."""

    cue: str
    speaker_start: int | None
    speaker_end: int | None


@component("quotes")
class Quotes:
    """Finds direct, partial and indirect quotes, their cue and their speaker, resolved to an actor."""

    version = "1"
    requires = ("body", "paragraphs", "sentences", "mentions", "title")
    assigns = ("quotes",)

    def __init__(self, settings: Settings) -> None:
        self.lexicon = cue_lexicon()
        self.actors = _actors_module()

    def __call__(self, doc: Document) -> Document:
        if not doc.paragraphs:
            from detente.nlp.parse import split_paragraphs

            doc.paragraphs = split_paragraphs(doc.body)
        reader = _DocumentQuotes(doc, self.lexicon, self.actors)
        doc.quotes = reader.quotes()
        return doc


def _actors_module() -> Any:
    """The actors stage's module when it exists (its `code_phrase` codes speakers no mention covers)."""
    try:
        from detente.nlp import actors
    except ImportError:
        return None
    return actors


class _DocumentQuotes:
    """The quotes of one document; holds the per-document indexes the rules share."""

    def __init__(self, doc: Document, lexicon: CueLexicon, actors: Any) -> None:
        self.doc, self.body, self.lex, self.actors = doc, doc.body, lexicon, actors
        # Without the parse stage each paragraph stands as a sentence; full stops still end clauses (SENTENCE_END).
        self.sentences = doc.sentences or [Sentence(s, e, i, doc.body[s:e])
                                           for i, (s, e) in enumerate(doc.paragraphs)]
        self.sentence_starts = [s.start for s in self.sentences]
        self.paragraph_starts = [s for s, _ in doc.paragraphs]
        self.skip_lines = _title_and_caption_lines(doc)
        self.spans = [s for s in find_quote_spans(doc.body, doc.paragraphs) if not self._skipped(s.open_mark)]
        self.direct_ranges: list[tuple[int, int]] = []
        self.mentions = sorted((m for m in doc.mentions if m.code and m.start is not None and m.end is not None),
                               key=lambda m: m.start)
        self.mention_starts = [m.start for m in self.mentions]
        self.people = _people(doc, self.sentences)
        self.person_starts = [p.start for p in self.people]
        self.surnames: dict[str, Person] = {}
        for person in self.people:
            if " " in person.name:
                self.surnames.setdefault(_key(person.name.split()[-1]), person)
        for person in self.people:
            full = self._full(person)
            if full is not person:
                full.titles |= person.titles  # "Kerry, the US Secretary of State" titles John Kerry
        self.speakers: list[tuple[int, Person]] = []  # (sentence index, person) of the quotes so far

    # -- direct and partial quotes ------------------------------------------------------------------------

    def quotes(self) -> list[Quote]:
        """All quotes of the document, deduplicated, in body order."""
        found: list[Quote] = []
        previous: Quote | None = None
        for span in self.spans:
            kind = self._kind(span)
            content = _clean(self.body[span.start:span.end])
            if kind == "direct":
                # Registered first so that names inside the quote are not taken for its speaker.
                self.direct_ranges.append((span.open_mark, span.close_mark or span.end))
                attribution = self._frame(span) or self._governing_cue(span, verbs_only=True)
                if attribution is None and previous is not None and self._continues(previous, span):
                    previous = Quote(previous.speaker, content, "direct", previous.cue, span.start, span.end)
                    found.append(previous)
                    continue
                attribution = attribution or self._introduced(span)
            else:
                attribution = None if self._is_label(span) else self._governing_cue(span)
            if attribution is None:
                continue
            quote = Quote(self._speaker(attribution), content, kind, attribution.cue, span.start, span.end)
            previous = quote if kind == "direct" else previous
            found.append(quote)
        found.extend(self._indirect())
        found = [q for q in found if not self._skipped(q.start)]
        found.sort(key=lambda q: q.start)
        return _deduplicate(found)

    def _kind(self, span: QuoteSpan) -> str:
        """Direct when the quote stands as an utterance of its own, partial when it sits inside a clause."""
        content = self.body[span.start:span.end].strip()
        if not content:
            return "partial"
        before = self.body[self._clause_start(span.open_mark):span.open_mark]
        if not before.strip():
            return "direct"
        if re.search(r"[:,]\s*$", before) and self._cue_near_end(before):
            return "direct"
        words = WORD.findall(content)
        if len(words) >= 4 and content[0].isupper() and re.search(r"[.!?]$", content):
            return "direct"
        return "partial"

    def _cue_near_end(self, before: str) -> bool:
        words = [w.lower() for w in WORD.findall(before)][-12:]
        return any(w in self.lex.speech_forms for w in words) or "according to" in before.lower()

    def _continues(self, previous: Quote, span: QuoteSpan) -> bool:
        """A cue-less direct quote right after another one (same or next paragraph) continues it."""
        gap = self._paragraph_of(span.open_mark) - self._paragraph_of(previous.end)
        return gap == 0 or (gap == 1 and self._opens_paragraph(span))

    def _introduced(self, span: QuoteSpan) -> Attribution | None:
        """A quote opening its paragraph after one that introduces it: 'Jared Potts echoed:' or a sentence
        of reported speech ('Kerry said that 100,000 would be accepted.')."""
        index = self._paragraph_of(span.open_mark)
        if index == 0 or not self._opens_paragraph(span):
            return None
        p_start, p_end = self.doc.paragraphs[index - 1]
        last = self._sentence_at(max(p_start, p_end - 1))
        start = max(last.start, p_start)
        if self.body[p_start:p_end].rstrip().endswith(":"):
            return self._colon_frame(start, p_end)
        if last.span is None or self._overlaps_direct(start, p_end):
            return None
        for token in reversed(last.span):
            if token.lemma_.lower() in self.lex.speech_lemmas and token.pos_ == "VERB":
                found = self._from_verb(last, token)
                if found.speaker_start is not None:
                    return found
        return None

    def _clause_start(self, pos: int) -> int:
        """Start of the sentence around `pos`, but after any direct quote that closed earlier in it."""
        start = max(self._sentence_at(pos).start, self.paragraph_starts[self._paragraph_of(pos)])
        # The parser sometimes runs a sentence on past a closing quote; a full stop before `pos` ends it.
        for match in SENTENCE_END.finditer(self.body, start, pos + 1):
            start = match.end()
        for _, close in reversed(self.direct_ranges):
            if close < pos:
                if close >= start:
                    start = close + 1
                break
        return start

    def _is_label(self, span: QuoteSpan) -> bool:
        """A quoted single word after a determiner is a label or scare quote, not someone's words."""
        if len(WORD.findall(self.body[span.start:span.end])) != 1:
            return False
        before = self.body[max(0, span.open_mark - 40):span.open_mark]
        previous = WORD.findall(before)
        return re.search(r"so-called\s*$", before, re.IGNORECASE) is not None or (
            bool(previous) and previous[-1].lower() in self.lex.label_words)

    def _frame(self, span: QuoteSpan) -> Attribution | None:
        """The cue and speaker framing a direct quote: after it ("...," he said), or before it (X said: "...")."""
        after_speaker_cue, after_cue_speaker, before_pattern = _frame_patterns()
        if span.close_mark is not None:
            pos = span.close_mark + 1
            trail = self.body[pos:self._frame_stop(pos)]
            for pattern in (after_cue_speaker, after_speaker_cue, GENERIC_FRAME):
                match = pattern.match(trail)
                if match and self._plausible_speaker(match.group("spk")):
                    return self._attribution(pos, match, "spk")
        start = self._clause_start(span.open_mark)
        match = before_pattern.search(self.body, start, span.open_mark)
        if match:
            group = "spk" if match.group("spk") else "spk2"
            if self._plausible_speaker(match.group(group)):
                return self._attribution(0, match, group)
        if self.body[start:span.open_mark].rstrip().endswith(":"):
            return self._colon_frame(start, span.open_mark)
        return None

    def _colon_frame(self, start: int, mark: int) -> Attribution | None:
        """'X echoed: "..."' or a transcript's 'Kerry: "..."': the subject of the verb before the colon."""
        colon = self.body.rindex(":", start, mark)
        sentence = self._sentence_at(colon)
        if sentence.span is not None:
            verbs = [t for t in sentence.span if t.pos_ == "VERB" and start <= self._offset(sentence, t) < colon]
            if verbs:
                found = self._from_verb(sentence, verbs[-1])
                return found if found.speaker_start is not None else None
        match = COLON_SPEAKER.search(self.body, start, colon + 1)
        if match and self._plausible_speaker(match.group("spk")):
            return Attribution(":", match.start("spk"), match.end("spk"))
        return None

    def _frame_stop(self, pos: int) -> int:
        """Where the frame after a closing quote mark ends: the sentence end, the next quote or paragraph."""
        para_end = self.doc.paragraphs[self._paragraph_of(pos - 1)][1]
        stop = min(len(self.body), pos + MAX_FRAME_CHARS, para_end)
        match = FRAME_END.search(self.body, pos, stop)
        return match.start() if match else stop

    def _attribution(self, offset: int, match: re.Match, group: str) -> Attribution:
        """Cue and speaker span of a regex frame, the speaker taken from the parse where there is one."""
        cue = match.group("cue") if group == "spk" else "according to"
        start, end = offset + match.start(group), offset + match.end(group)
        if group == "spk":
            cue_at = offset + match.start("cue")
            sentence = self._sentence_at(cue_at)
            if sentence.span is not None:
                token = self._token_at(sentence, cue_at)
                if token is not None and token.lower_ == cue.lower():
                    parsed = self._from_verb(sentence, token)
                    if parsed.speaker_start is not None and start <= parsed.speaker_start < end + 1:
                        return parsed
        text = self.body[start:end]
        start += len(text) - len(text.lstrip())
        end -= len(text) - len(text.rstrip())
        return Attribution(cue.lower(), start, end)

    def _plausible_speaker(self, text: str | None) -> bool:
        """A frame's speaker starts with a capital, a pronoun or a determiner and holds no clause."""
        if not text or not text.strip():
            return False
        words = text.split()
        first = words[0].lower()
        if first in self.lex.person_pronouns or first in OTHER_PRONOUNS:
            return len(words) == 1
        if len(words) > 9 or any(w.lower() in CLAUSE_WORDS for w in words):
            return False
        return words[0][0].isupper() or first in ("the", "a", "an", "one", "another", "some", "many")

    def _governing_cue(self, span: QuoteSpan, verbs_only: bool = False) -> Attribution | None:
        """The cue verb whose clause holds a quote, from the parse, else a "X said" earlier in its sentence."""
        sentence = self._sentence_at(span.start)
        if sentence.span is not None:
            token = self._token_at(sentence, span.start)
            lemmas = self.lex.cue_lemmas
            # The outermost cue verb above the quote: in "Kerry said Russia had found 'common ground'" the
            # quoted words are Kerry's, not Russia's.
            cue = None
            for _ in range(12):
                if token is None:
                    break
                at = self._offset(sentence, token)
                if token.lemma_.lower() in lemmas and token.pos_ in ("VERB", "AUX") \
                        and not self._inside_quote(at) and not span.start <= at < span.end:
                    cue = token
                if token.head.i == token.i:
                    break
                token = token.head
            if cue is not None:
                found = self._from_verb(sentence, cue)
                return found if found.speaker_start is not None else None
            return None if verbs_only else self._according(sentence)
        if verbs_only:
            return None
        start = self._clause_start(span.open_mark)
        for match in reversed(list(_lead_cue_pattern().finditer(self.body, start, span.open_mark))):
            if self._plausible_speaker(match.group("spk")):
                return self._attribution(0, match, "spk")
        return None

    def _from_verb(self, sentence: Sentence, verb: Any) -> Attribution:
        """Cue and speaker of a cue verb: its subject, or the subject of the verb it depends on."""
        head, subject = verb, None
        for _ in range(3):
            subject = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is not None or head.dep_ not in ("advcl", "xcomp", "conj", "pcomp", "acl") \
                    or head.head.i == head.i:
                break
            head = head.head
        if subject is not None and subject.lower_ in ("who", "which", "that") and head.dep_ == "relcl":
            subject = head.head  # "Trump, who called the plan 'a disaster'": the speaker is Trump
        cue = verb.text.lower()
        if subject is None or subject.dep_ == "nsubjpass" or subject.pos_ == "PRON" and subject.lower_ == "it":
            return Attribution(cue, None, None)
        start, end = self._noun_phrase(sentence, subject)
        if self._inside_quote(start):
            return Attribution(cue, None, None)
        return Attribution(cue, start, end)

    def _according(self, sentence: Sentence) -> Attribution | None:
        """"according to X" in the sentence: X is the speaker."""
        for token in sentence.span:
            if token.lower_ != "according":
                continue
            to = next((c for c in token.children if c.lower_ == "to"), None)
            obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
            if obj is not None:
                start, end = self._noun_phrase(sentence, obj)
                return Attribution("according to", start, end)
        return None

    def _noun_phrase(self, sentence: Sentence, head: Any) -> tuple[int, int]:
        """Body span of a subject: its subtree up to the first comma after the head (appositions cut)."""
        left, right = head.left_edge, head
        for token in head.subtree:
            if token.i <= head.i:
                continue
            if token.is_punct or token.dep_ in ("relcl", "appos", "acl", "advcl"):
                break
            right = token
        return self._offset(sentence, left), self._offset(sentence, right) + len(right.text)

    # -- indirect quotes ----------------------------------------------------------------------------------

    def _indirect(self) -> list[Quote]:
        """Complement clauses of cue verbs and clauses qualified by "according to", in parsed sentences."""
        found: list[Quote] = []
        forms = cue_forms()
        for sentence in self.sentences:
            if sentence.span is None or self._skipped(sentence.start):
                continue
            taken: list[tuple[int, int]] = []
            # Only the cue words' tokens are looked at: walking every token of every sentence is the slow part.
            for match in WORD.finditer(self.body, sentence.start, sentence.end):
                if match.group().lower() not in forms or any(a <= match.start() < b for a, b in taken):
                    continue  # not a cue, or a cue inside reported content ("said he believes that ...")
                token = self._token_at(sentence, match.start())
                if token is None:
                    continue
                if token.lower_ == "according":
                    quote = self._according_clause(sentence, token)
                elif token.lemma_.lower() in self.lex.cue_lemmas and token.pos_ in ("VERB", "AUX"):
                    quote = self._complement_clause(sentence, token)
                else:
                    continue
                if quote is not None:
                    found.append(quote)
                    taken.append((quote.start, quote.end))
        return found

    def _complement_clause(self, sentence: Sentence, verb: Any) -> Quote | None:
        """"Lavrov said Russia supported ...": the complement clause, with the verb's subject as speaker."""
        clause = next((c for c in verb.children if c.dep_ == "ccomp" and self._is_clause(c)), None)
        if clause is not None:
            first, last = clause.left_edge, clause.right_edge
        elif verb.dep_ in ("parataxis", "ccomp") and verb.i > verb.head.i and self._is_clause(verb.head) \
                and verb.left_edge.i > verb.head.left_edge.i:
            # "The talks will go ahead, Lavrov said": the main clause before the verb is what was said.
            first, last = verb.head.left_edge, verb.left_edge.nbor(-1)
        else:
            return None
        while last.i > first.i and (last.is_punct or last.dep_ == "cc"):
            last = last.nbor(-1)
        while first.i < last.i and first.is_punct:
            first = first.nbor(1)
        start = self._offset(sentence, first)
        end = self._offset(sentence, last) + len(last.text)
        if end - start < 8 or self._overlaps_direct(start, end) \
                or self._inside_quote(self._offset(sentence, verb)):
            return None
        attribution = self._from_verb(sentence, verb)
        if attribution.speaker_start is None:
            return None
        return Quote(self._speaker(attribution), _clean(self.body[start:end]), "indirect", attribution.cue,
                     start, end)

    def _according_clause(self, sentence: Sentence, according: Any) -> Quote | None:
        """"X, according to Y" / "According to Y, X": the rest of the sentence, said by Y."""
        attribution = self._according(sentence)
        if attribution is None or attribution.speaker_start is None:
            return None
        phrase = list(according.subtree)
        tokens = [t for t in sentence.span if not t.is_space]
        before = [t for t in tokens if t.i < phrase[0].i]
        after = [t for t in tokens if t.i > phrase[-1].i]
        part = after if len(after) > len(before) else before
        while part and part[0].is_punct:
            part = part[1:]
        while part and part[-1].is_punct:
            part = part[:-1]
        if len(part) < 3:
            return None
        start = self._offset(sentence, part[0])
        end = self._offset(sentence, part[-1]) + len(part[-1].text)
        if self._overlaps_direct(start, end):
            return None
        return Quote(self._speaker(attribution), _clean(self.body[start:end]), "indirect", "according to",
                     start, end)

    @staticmethod
    def _is_clause(token: Any) -> bool:
        """A complement worth reporting: a verb with a subject (not "said so", "said yes")."""
        return token.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl")
                                                     for c in token.children)

    # -- speakers -----------------------------------------------------------------------------------------

    def _speaker(self, attribution: Attribution) -> Entity | None:
        """The speaker entity: the span naming it here, resolved to a person or actor where possible."""
        if attribution.speaker_start is None or attribution.speaker_end is None:
            return None
        start, end = attribution.speaker_start, attribution.speaker_end
        text = self.body[start:end]
        words = text.split()
        if not words:
            return None
        lower = text.lower()
        if lower in self.lex.person_pronouns:
            person = self._antecedent(start)
            return self._person_entity(person, text, start, end) if person else \
                Entity(entity_text=text, start=start, end=end, rule="quotes:unresolved pronoun")
        if lower in OTHER_PRONOUNS:
            return Entity(entity_text=text, start=start, end=end, rule="quotes:pronoun")
        office = self._office_word(words)
        person = self._person_in(start, end)
        if person is None and words[0].lower() in ("the", "a", "an") and office:
            if words[0].lower() == "the" and len(words) <= 4:
                person = self._latest_with_title(office, start)
            if person is None:
                return self._actor_entity(text, start, end, office)
        if person is None:
            named = [w for w in words if w[:1].isupper() and _key(w) not in self.lex.offices]
            person = self._surname(named[-1]) if named else None
        if person is not None:
            self.speakers.append((self._sentence_index(start), person))
            return self._person_entity(person, text, start, end)
        return self._actor_entity(text, start, end, office)

    def _antecedent(self, pos: int) -> Person | None:
        """The latest person mention in the same or previous sentence, else the latest speaker nearby."""
        index = self._sentence_index(pos)
        earliest = self.sentences[max(0, index - 1)].start if self.sentences else 0
        i = bisect.bisect_left(self.person_starts, pos) - 1
        while i >= 0 and self.people[i].start >= earliest:
            person = self.people[i]
            if not self._inside_quote(person.start):
                return self._full(person)
            i -= 1
        for sentence_index, person in reversed(self.speakers):
            if index - sentence_index > PRONOUN_REACH:
                break
            return person
        return None

    def _latest_with_title(self, office: str, pos: int) -> Person | None:
        """The latest person mentioned before `pos` with this title ("the minister" -> Lavrov)."""
        i = bisect.bisect_left(self.person_starts, pos) - 1
        while i >= 0:
            person = self.people[i]
            if office in person.titles or (person.entity is not None and person.entity.office
                                           and office in person.entity.office.lower()):
                return self._full(person)
            i -= 1
        return None

    def _office_word(self, words: list[str]) -> str | None:
        for word in reversed(words):
            if _key(word) in self.lex.offices:
                return _key(word)
        return None

    def _person_in(self, start: int, end: int) -> Person | None:
        """A person mention inside the span, as its fullest name."""
        i = bisect.bisect_left(self.person_starts, start)
        while i < len(self.people) and self.people[i].start < end:
            if self.people[i].end <= end:
                return self._full(self.people[i])
            i += 1
        return None

    def _full(self, person: Person) -> Person:
        """The first mention with the full name of a person met by surname ("Kerry" -> "John Kerry")."""
        full = self.surnames.get(_key(person.name.split()[-1]))
        return full if full is not None and len(full.name) >= len(person.name) else person

    def _surname(self, word: str) -> Person | None:
        return self.surnames.get(_key(word))

    def _person_entity(self, person: Person, text: str, start: int, end: int) -> Entity:
        """The speaker as the person it names: identity from the actors stage, span from this sentence."""
        actor = person.entity or self._actor_at(person.start, person.end) or self._person_by_name(person.name)
        if actor is not None:
            return replace(actor, entity_text=text, start=start, end=end,
                           identifier_text=actor.identifier_text or person.name)
        return Entity(entity_text=text, identifier_text=person.name, start=start, end=end, rule="quotes:person")

    def _person_by_name(self, name: str) -> Entity | None:
        """The actors stage's entity for a person named elsewhere in the document, or in its memory."""
        for person in (p for p in self.people if p.name == name):
            if person.entity or self._actor_at(person.start, person.end):
                return person.entity or self._actor_at(person.start, person.end)
        people = self.doc.notes.get("people")
        if isinstance(people, dict):
            found = people.get(name) or people.get(name.split()[-1])
            if isinstance(found, Entity):
                return found
        return None

    def _actor_entity(self, text: str, start: int, end: int, office: str | None) -> Entity:
        """A speaker that is no known person: the actors stage codes the phrase when it can."""
        actor = self._actor_at(start, end)
        if actor is None and self.actors is not None and hasattr(self.actors, "code_phrase"):
            try:
                coded = self.actors.code_phrase(text, self.doc.published, self.doc)
            except Exception:  # noqa: BLE001 - a coding failure must not lose the quote
                coded = None
            if isinstance(coded, Entity):
                actor = coded
        if actor is not None:
            return replace(actor, entity_text=text, start=start, end=end)
        return Entity(entity_text=text, office=office, start=start, end=end, rule="quotes:phrase")

    def _actor_at(self, start: int, end: int) -> Entity | None:
        """The actors stage's coded mention overlapping a span ("Sergei Lavrov" in "Russian Foreign Minister
        Sergei Lavrov"), when that stage ran."""
        i = bisect.bisect_left(self.mention_starts, end)
        found = [m for m in self.mentions[max(0, i - 12):i] if m.start < end and start < m.end]
        return min(found, key=lambda m: abs(m.start - start)) if found else None

    # -- positions ----------------------------------------------------------------------------------------

    def _sentence_index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.sentence_starts, pos) - 1)

    def _sentence_at(self, pos: int) -> Sentence:
        if not self.sentences:
            return Sentence(0, len(self.body), 0, self.body)
        return self.sentences[self._sentence_index(pos)]

    def _paragraph_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.paragraph_starts, pos) - 1)

    def _opens_paragraph(self, span: QuoteSpan) -> bool:
        para_start = self.paragraph_starts[self._paragraph_of(span.open_mark)]
        return not self.body[para_start:span.open_mark].strip()

    def _offset(self, sentence: Sentence, token: Any) -> int:
        return self.paragraph_starts[sentence.paragraph] + token.idx

    def _token_at(self, sentence: Sentence, pos: int) -> Any:
        """The first word token of a parsed sentence ending after `pos`."""
        span = sentence.span
        rel = max(pos - self.paragraph_starts[sentence.paragraph], span.start_char)
        found = span.doc.char_span(rel, min(rel + 1, span.end_char), alignment_mode="expand") \
            if rel < span.end_char else None
        i = found.start if found is not None and len(found) else span.end
        while i < span.end and span.doc[i].is_punct:
            i += 1
        return span.doc[i] if i < span.end else None

    def _inside_quote(self, pos: int) -> bool:
        return any(a < pos < b for a, b in self.direct_ranges)

    def _overlaps_direct(self, start: int, end: int) -> bool:
        return any(a < end and start < b for a, b in self.direct_ranges)

    def _skipped(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.skip_lines)


@lru_cache(maxsize=1)
def _lead_cue_pattern() -> re.Pattern:
    """"X said" (a speaker then a speech or thought verb) anywhere before a partial quote."""
    lex = cue_lexicon()
    forms = "|".join(sorted(map(re.escape, set(lex.speech_forms) | set(lex.thought_forms)), key=len,
                            reverse=True))
    aux = rf"(?:(?:{AUXILIARIES})\s+){{0,3}}"
    return re.compile(rf"(?:^|(?<=[\s,(]))(?P<spk>(?:[A-Z][\w'’.-]*\s+){{0,4}}[A-Z][\w'’.-]*|[Hh]e|[Ss]he"
                      rf"|(?:[Tt]he|[Aa]n?)\s+[a-z][\w -]{{0,40}}?)(?:\s*,[^,\"“”]{{1,90}},)?\s+{aux}"
                      rf"(?P<cue>{forms})\b")


def _people(doc: Document, sentences: list[Sentence]) -> list[Person]:
    """Person mentions in body order: spaCy PERSON entities, the actors' people, titles met with them."""
    people: dict[int, Person] = {}
    lex = cue_lexicon()
    for sentence in sentences:
        span = sentence.span
        if span is None:
            continue
        offset = doc.paragraphs[sentence.paragraph][0]
        for ent in span.ents:
            if ent.label_ != "PERSON":
                continue
            name = " ".join(t.text for t in ent if not t.is_punct and t.lower_ not in lex.offices
                            and t.text not in ("Mr", "Mrs", "Ms", "Mr.", "Mrs.", "Ms.", "Dr", "Dr."))
            name = re.sub(r"['’]s$", "", name).strip()
            if not name:
                continue
            titles = set()
            # Title words right before the name ("Foreign Minister Sergei Lavrov") and in an apposition
            # after it ("Kerry, the US Secretary of State,").
            i = ent.start - 1
            while i >= max(ent.start - 5, span.start) \
                    and (ent.doc[i].is_title or ent.doc[i].lower_ in lex.offices):
                if ent.doc[i].lower_ in lex.offices:
                    titles.add(ent.doc[i].lower_)
                i -= 1
            for child in ent.root.children:
                if child.dep_ == "appos":
                    titles.update(t.lower_ for t in child.subtree if t.lower_ in lex.offices)
            start = offset + ent.start_char
            people[start] = Person(start, offset + ent.end_char, name, titles)
    for mention in doc.mentions:
        if mention.start is None or mention.end is None or not (mention.office or _is_person(mention)):
            continue
        name = mention.identifier_text or mention.entity_text
        overlapping = [p for p in people.values() if p.start < mention.end and mention.start < p.end]
        for person in overlapping:
            person.entity = mention
            if mention.office:
                person.titles.update(w for w in mention.office.lower().split() if w in lex.offices)
        if not overlapping and name:
            people[mention.start] = Person(mention.start, mention.end, name, set(), mention)
    return [people[k] for k in sorted(people)]


def _is_person(mention: Entity) -> bool:
    """An actors-stage mention of a person: coded from the office holders, an apposition or its memory."""
    rule = mention.rule or ""
    return rule.startswith(("kb:office_holders", "appositive", "memory")) or "person" in rule


def _title_and_caption_lines(doc: Document) -> list[tuple[int, int]]:
    """Body lines that are the title or a photo caption: quotes there repeat the article's."""
    lines = []
    title = re.sub(r"\s+", " ", (doc.title or "")).strip().lower()
    pos = 0
    for line in doc.body.split("\n"):
        end = pos + len(line)
        text = line.strip()
        if text and (CAPTION_LINE.search(text) or (title and re.sub(r"\s+", " ", text).lower() == title)):
            lines.append((pos, end))
        pos = end + 1
    return lines


def _clean(text: str) -> str:
    """Quoted words with paragraph breaks and continuation marks of a multi-paragraph quote removed."""
    text = re.sub(r"\s*\n\s*\n\s*[\"“]?", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _deduplicate(quotes: list[Quote]) -> list[Quote]:
    """Drops a quote whose words were already quoted, and a partial quote repeating an earlier direct one."""
    seen: set[str] = set()
    direct: list[str] = []
    kept = []
    for quote in quotes:
        key = " ".join(WORD.findall(quote.text.lower()))
        if not key or key in seen or (quote.kind == "partial" and any(key in d for d in direct)):
            continue
        seen.add(key)
        if quote.kind == "direct":
            direct.append(key)
        kept.append(quote)
    return kept


def _key(word: str) -> str:
    """A word as the name and title indexes hold it: lower case, without possessive or punctuation."""
    return re.sub(r"['’]s$", "", word.strip(".,;:")).lower()
