"""Boilerplate removal for news pages saved as plain text: navigation, promos, share rows, photo captions.

`clean_page(paragraphs, title=None)` reads the paragraphs of a page (detente.ingest.text.split_paragraphs) and
returns a `PlainPage`: the headline as `title`, the article paragraphs (standfirst first), the outlet when a
promo or copyright line names it, and a date when a "Published: ..." line gives one.  The patterns are data,
in data/ingest/boilerplate.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from importlib import resources

import yaml

# A headline is a short line without sentence-final punctuation, followed by the article.
HEADLINE_MAX_CHARS = 200
HEADLINE_MAX_WORDS = 30
HEADLINE_END = re.compile(r"""[.,;:]["'\u201d\u2019]?$""")
HEADLINE_START = re.compile(r"""^[A-Z0-9'"\u2018\u201c]""")

# Formats of "Published: ..." lines worth recognising; anything else (and the ambiguous 04/03/2019) is dropped
# without a date.
DATE_FORMATS = (
    "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y",
    "%B %d %Y", "%A %d %B %Y", "%A, %d %B %Y", "%A, %B %d, %Y",
)
# A time and zone after the date ("09:30 GMT", "2.15pm"), cut before trying the formats.
DATE_TAIL = re.compile(r"\s*(\d{1,2}[:.]\d{2}(:\d{2})?(\s*[ap]\.?m\.?)?(\s*[A-Z]{2,4})?|[A-Z]{2,4})$", re.I)
NAMED_GROUP = re.compile(r"\(\?P<\w+>")


@dataclass
class BoilerplateRules:
    """Compiled patterns by group, matched against whole paragraphs."""

    max_chars: int
    groups: dict[str, list[re.Pattern[str]]]
    # All patterns in one alternation, without their named groups: article paragraphs, the common case,
    # are cleared with one regex call instead of one per pattern.
    any_boilerplate: re.Pattern[str]


@dataclass
class PlainPage:
    """What boilerplate removal found on a page: headline, article paragraphs, outlet, date."""

    title: str | None
    paragraphs: list[str]
    outlet: str | None = None
    published: str | None = None
    # (paragraph, group) pairs that were dropped; kept for `detente explain`.
    dropped: list[tuple[str, str]] = field(default_factory=list)


@lru_cache(maxsize=1)
def rules() -> BoilerplateRules:
    """The boilerplate patterns of data/ingest/boilerplate.yaml, compiled once per process."""
    text = resources.files("detente").joinpath("data/ingest/boilerplate.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    groups: dict[str, list[re.Pattern[str]]] = {}
    unnamed: list[str] = []
    for name, group in data["groups"].items():
        patterns = list(group["patterns"])
        if name == "caption":
            patterns.append(_credit_caption(data["photo_credits"]))
        flags = re.IGNORECASE if group.get("ignore_case") else 0
        # One regex per pattern rather than one alternation: several patterns capture the same named group.
        groups[name] = [re.compile(p, flags) for p in patterns]
        scope = "(?i:" if flags else "(?:"
        unnamed.extend(scope + NAMED_GROUP.sub("(?:", p) + ")" for p in patterns)
    return BoilerplateRules(
        max_chars=int(data["max_chars"]), groups=groups, any_boilerplate=re.compile("|".join(unnamed)),
    )


def _credit_caption(credits: list[str]) -> str:
    """A caption ending with a parenthesised photo credit: "... in New York (AFP)", "(Jane Doe/Reuters)"."""
    names = "|".join(re.escape(c) for c in sorted(credits, key=len, reverse=True))
    credit = rf"(?:(?:file )?(?:photo|image|picture|pic)s?:?\s*)?(?:{names})"
    return rf".{{1,300}}\s\((?:[^()]{{0,60}}[/,]\s*)?{credit}(?:\s*[/,]\s*[^()]{{1,60}}|\s+via\s+[^()]{{1,60}})?\)"


def classify(paragraph: str) -> tuple[str | None, re.Match[str] | None]:
    """The boilerplate group a paragraph belongs to (and the match), or (None, None) for article text."""
    table = rules()
    if len(paragraph) > table.max_chars or not table.any_boilerplate.fullmatch(paragraph):
        return None, None
    for name, patterns in table.groups.items():
        for pattern in patterns:
            match = pattern.fullmatch(paragraph)
            if match:
                return name, match
    return None, None


def clean_page(paragraphs: list[str], title: str | None = None, infer_title: bool = True) -> PlainPage:
    """Drop boilerplate paragraphs, take the headline as title (unless given) and keep the rest in order."""
    page = PlainPage(title=title, paragraphs=[])
    for paragraph in paragraphs:
        group, match = classify(paragraph)
        if group is None:
            page.paragraphs.append(paragraph)
            continue
        page.dropped.append((paragraph, group))
        captured = match.groupdict() if match else {}
        if captured.get("outlet") and page.outlet is None:
            page.outlet = outlet_name(captured["outlet"])
        if captured.get("date") and page.published is None:
            page.published = parse_page_date(captured["date"])
    _take_headline(page, infer_title)
    return page


def _take_headline(page: PlainPage, infer_title: bool) -> None:
    """Move the headline from the body to `title`: the given title if it opens the body, else a headline line."""
    if not page.paragraphs:
        return
    first = page.paragraphs[0]
    if page.title:
        if _repeats_title(first, page.title) and len(page.paragraphs) > 1:
            page.paragraphs.pop(0)
        return
    if infer_title and len(page.paragraphs) > 1 and looks_like_headline(first):
        page.title = page.paragraphs.pop(0)


def looks_like_headline(line: str) -> bool:
    """True for a short line with no sentence-final punctuation, starting with a capital or digit."""
    if len(line) > HEADLINE_MAX_CHARS or HEADLINE_END.search(line):
        return False
    words = line.split()
    return 1 < len(words) <= HEADLINE_MAX_WORDS and (line[0].isupper() or HEADLINE_START.match(line) is not None)


def outlet_name(raw: str) -> str:
    """An outlet name as a promo line wrote it, without a possessive or a closing full stop."""
    name = raw.strip().rstrip(".")
    for suffix in ("'s", "\u2019s"):
        name = name.removesuffix(suffix)
    return name.strip()


def _repeats_title(line: str, title: str) -> bool:
    """True when `line` is the title again, or most of it: pages title themselves "Headline | Outlet"."""
    folded_line, folded_title = _folded(line), _folded(title)
    if folded_line == folded_title:
        return True
    shorter, longer = sorted((folded_line, folded_title), key=len)
    return looks_like_headline(line) and shorter in longer and len(shorter) * 2 >= len(longer)


def _folded(value: str) -> str:
    return " ".join(value.casefold().split())


def parse_page_date(raw: str) -> str | None:
    """ISO date of a "Published: 16 December 2015 14:02 UTC" style date, or None when unrecognised."""
    value = raw.strip().rstrip(".")
    candidates = [value, DATE_TAIL.sub("", value).strip()]
    for candidate in candidates:
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(candidate, fmt).date().isoformat()
            except ValueError:
                continue
    return None
