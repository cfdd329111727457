"""Quote marks: the quoted spans of a body, paragraph-spanning quotes joined, transcript turns, the lines to
skip, and the quoted words that are no one's (a work's title) or said already (a repeat).

Part of the quotes stage (detente.nlp.quotes), which explains the decisions: straight and curly double quotes
(and '' as in newspaper archives) pair as quotes; an opening mark with no closing one in its paragraph
continues into the next paragraph when that one opens with a quote mark; single quotes count only where an
opening mark pairs with a closing one in the same paragraph (a mark between two letters is an apostrophe).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from detente.model import Document, Quote

# Bounds that keep a malformed document (a stray opening mark) from quoting everything after it.
MAX_QUOTE_PARAGRAPHS = 8
MAX_QUOTE_CHARS = 4000
# An opening mark at a paragraph start that never closes quotes the paragraph only up to this length.
MAX_UNCLOSED_CHARS = 1200
# Single quotes are more often apostrophes than quotes; a single-quoted span is a quote only up to this size.
MAX_SINGLE_QUOTE_CHARS = 400

DOUBLE_OPEN = "“„«"
DOUBLE_CLOSE = "”»"
DOUBLE_MARK = re.compile(r"''|[\"“„«”»]")
SINGLE_MARK = re.compile(r"['‘’]")
OPENING_CONTEXT = set(" \t\n([{—–-/\"“")
CLOSING_CONTEXT = set(" \t\n.,;:!?)]}—–-\"”")
CAPTION_LINE = re.compile(
    r"\((?:AFP|AP|Reuters|EPA|Getty|Getty Images|Anadolu|AA|Xinhua|SANA|MEE|File|Photo|[A-Z][\w .&/-]{0,40}"
    r"(?:Photo|Images|/AFP|/Reuters|/AP))\)\s*$")
# A transcript turn: a paragraph opening with its speaker's name in capitals and a colon ("WALLACE: ...",
# '"PENCE: Well, ...', "JAKE TAPPER:" with the words in the next paragraph), after an optional label and dash.
TRANSCRIPT_TURN = re.compile(r"[\"“]?\s*(?:[A-Z]+\s+[–—-]\s+)?"
                             r"(?P<spk>(?:[A-Z][A-Z.'’-]+\s+){0,2}[A-Z][A-Z.'’-]+)\s*:(?=\s|$)")
# A headline naming its source before a colon ("Pence: Gennifer Flowers Won't Be at Debate").
HEADLINE_SOURCE = re.compile(r"(?:[A-Z]+\s+[–—-]\s+)?(?P<spk>(?:[A-Z][\w.'’-]*\s+){0,3}[A-Z][\w.'’-]*)"
                             r"\s*:\s+(?=\S)")
# A paragraph going on with the turn before it: it opens with a quote mark, not with a stage direction "(".
CONTINUED_TURN = re.compile(r"[\"“]\s*(?!\()\S")
# Shorter paragraphs after a turn are credit lines ("Follow Pam Key on Twitter @pamkeyNEN."), not its words.
MIN_CONTINUED_TURN_WORDS = 8
# A turn reports at least this many characters.
MIN_TURN_CHARS = 8
WORD = re.compile(r"\w+")


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
    # a mark right after "=" quotes a markup attribute left in the text (<tweet author="realDonaldTrump">)
    return [s for s in spans if body[max(0, s.open_mark - 1):s.open_mark] != "="]


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
        elif ch in DOUBLE_OPEN or (current is None and (i == 0 or text[i - 1] in OPENING_CONTEXT)
                                   and text[i + 1:i + 2].isalnum()):
            # A second opening mark before any closing one: the first was stray.  A closing mark set where an
            # opening one belongs (at the start or after a space, a word right after it) opens a quote too.
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


def title_and_caption_lines(doc: Document) -> list[tuple[int, int]]:
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


def clean_quote_text(text: str) -> str:
    """Quoted words with paragraph breaks and continuation marks of a multi-paragraph quote removed."""
    text = re.sub(r"\s*\n\s*\n\s*[\"“]?", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Turn:
    """A transcript turn or a headline's source: the speaker's name span, the content span, and the kind of
    quote it makes (a turn is the speaker's words: direct; a headline paraphrases: indirect)."""

    speaker_start: int
    speaker_end: int
    start: int
    end: int
    kind: str


def transcript_turns(doc: Document, labels: frozenset[str]) -> list[Turn]:
    """Transcript turns ("WALLACE: ...", in capitals, anywhere) and a title line naming its source before a
    colon ("Pence: ..."); a name in `labels` ("VIDEO", "The Latest") is no speaker."""
    body, paragraphs = doc.body, doc.paragraphs
    turns = []
    for index, (p_start, p_end) in enumerate(paragraphs):
        headline = index == 0 and is_title_line(doc, p_start, p_end)
        match = (HEADLINE_SOURCE if headline else TRANSCRIPT_TURN).match(body, p_start, p_end)
        if match is None or " ".join(match.group("spk").lower().split()) in labels:
            continue
        start, end = match.end(), p_end
        if not body[start:end].strip() and index + 1 < len(paragraphs) \
                and not TRANSCRIPT_TURN.match(body, *paragraphs[index + 1]):
            start, end = paragraphs[index + 1]  # "JAKE TAPPER:" alone, the words below it
        elif not headline and body[p_start] in "\"“":
            end = _turn_continued(body, paragraphs, index, end)
        start += len(body[start:end]) - len(body[start:end].lstrip(" \t\n\"“”"))
        end -= len(body[start:end]) - len(body[start:end].rstrip(" \t\n\"“”."))
        if end - start >= MIN_TURN_CHARS:
            turns.append(Turn(match.start("spk"), match.end("spk"), start, end, "indirect" if headline else "direct"))
    return turns


def _turn_continued(body: str, paragraphs: list[tuple[int, int]], index: int, end: int) -> int:
    """Where a quoted transcript turn ends: paragraphs after it that open with a quote mark and name no speaker
    are the same speaker going on ('"PENCE: Well, ...' then '"But the truth is ...'); a stage direction
    ('"(CROSSTALK.)') or a short credit line ('"Follow Pam Key on Twitter.') ends it."""
    for p_start, p_end in paragraphs[index + 1:]:
        text = body[p_start:p_end]
        if not CONTINUED_TURN.match(text) or TRANSCRIPT_TURN.match(text) \
                or len(WORD.findall(text)) < MIN_CONTINUED_TURN_WORDS:
            break
        end = p_end
    return end


def is_title_line(doc: Document, start: int, end: int) -> bool:
    """Whether a body line is the document's title (some sources end it with a full stop or move a mark)."""
    title = " ".join(WORD.findall((doc.title or "").lower()))
    return bool(title) and " ".join(WORD.findall(doc.body[start:end].lower())) == title


# Words as the quotes stage compares quotes ("don't" one word).
QUOTE_WORD = re.compile(r"\w+(?:['’]\w+)*")
# Quoted words in title case are a work's title, not someone's words, up to this many words.
MAX_TITLE_WORDS = 10
TITLE_SMALL_WORDS = frozenset({"a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "but", "by",
                               "with", "from", "as", "vs", "is"})
# A headline quote whose content words are at least this share of one body quote's words repeats it.
HEADLINE_REPEAT_SHARE = 0.6


def is_work_title(text: str) -> bool:
    """Whether quoted words are the title of a show, book or film: two to `MAX_TITLE_WORDS` words, every one
    capitalised but the small words of titles ("Meet the Press", "Face the Nation", "State of the Union")."""
    words = QUOTE_WORD.findall(text)
    return 2 <= len(words) <= MAX_TITLE_WORDS and words[0][0].isupper() and all(
        w[0].isupper() or w[0].isdigit() or w.lower() in TITLE_SMALL_WORDS for w in words)


def repeats_a_quote(text: str, quotes: list[Quote]) -> bool:
    """Whether most of the content words of `text` are those of one of the quotes."""
    words = {w for w in QUOTE_WORD.findall(text.lower()) if len(w) > 2}
    if not words:
        return False
    return any(len(words & {w for w in QUOTE_WORD.findall(q.text.lower())}) >= HEADLINE_REPEAT_SHARE * len(words)
               for q in quotes)


def deduplicate(quotes: list[Quote]) -> list[Quote]:
    """Drops a quote whose words were already quoted, and a partial quote repeating an earlier direct one."""
    seen: set[str] = set()
    direct: list[str] = []
    kept = []
    for quote in quotes:
        key = " ".join(QUOTE_WORD.findall(quote.text.lower()))
        if not key or key in seen or (quote.kind == "partial" and any(key in d for d in direct)):
            continue
        seen.add(key)
        if quote.kind == "direct":
            direct.append(key)
        kept.append(quote)
    return kept
