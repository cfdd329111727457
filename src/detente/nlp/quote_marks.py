"""Quote marks: the quoted spans of a body, paragraph-spanning quotes joined, and the lines to skip.

Part of the quotes stage (detente.nlp.quotes), which explains the decisions: straight and curly double quotes
(and '' as in newspaper archives) pair as quotes; an opening mark with no closing one in its paragraph
continues into the next paragraph when that one opens with a quote mark; single quotes count only where an
opening mark pairs with a closing one in the same paragraph (a mark between two letters is an apostrophe).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from detente.model import Document

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
