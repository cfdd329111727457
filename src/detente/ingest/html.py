"""HTML article pages to main text and metadata, with trafilatura (and htmldate for the date).

`extract_html(html, url=None)` returns an `HtmlPage` (title, paragraphs, outlet, url, published and where the
date came from) or raises `DetenteError("E108")` when the page holds no main text.  `date_from_url` reads
dates such as /2015/12/16/ from an article address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import htmldate
import trafilatura

from detente.errors import DetenteError
from detente.ingest import boilerplate, text

# Dates in article addresses: /2015/12/16/, /2015-12-16-, /20151216/.
URL_DATES = (
    re.compile(r"(?<!\d)((?:19|20)\d{2})/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?!\d)"),
    re.compile(r"(?<!\d)((?:19|20)\d{2})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?!\d)"),
    re.compile(r"/((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=[/_.-])"),
)

# Header and JSON-LD metadata only, URL dates after those (htmldate's default is URL first), and no guessing
# from dates in the free text, which in news are mostly dates of the events reported.
METADATA_DATE_PARAMS = {"original_date": True, "extensive_search": False, "deferred_url_extractor": True}


@dataclass
class HtmlPage:
    """Main text and metadata of one HTML page."""

    title: str | None
    paragraphs: list[str]
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    published_source: str = "unknown"  # "metadata" or "url"
    dropped: list[tuple[str, str]] = field(default_factory=list)


def date_from_url(url: str | None) -> str | None:
    """ISO date written in an article address (/2015/12/16/), or None."""
    if not url:
        return None
    path = urlsplit(url).path
    for pattern in URL_DATES:
        match = pattern.search(path)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                continue
    return None


def extract_html(html: str | bytes, url: str | None = None, where: str | None = None) -> HtmlPage:
    """Main text, title, outlet, address and date of an article page; E108 when there is no main text."""
    where = where or url or "input"
    try:
        extracted = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False,
            date_extraction_params=dict(METADATA_DATE_PARAMS),
        )
    except (ValueError, TypeError) as err:  # lxml refuses some malformed documents outright
        raise DetenteError("E108", where=where) from err
    if extracted is None or not (extracted.text or "").strip():
        raise DetenteError("E108", where=where)
    page_url = url or extracted.url
    metadata_title = _clean(extracted.title)
    # trafilatura's text has one line per block element; each is a paragraph.
    paragraphs = text.split_paragraphs(extracted.text.replace("\n", "\n\n"))
    cleaned = boilerplate.clean_page(paragraphs, title=metadata_title, infer_title=metadata_title is None)
    if not cleaned.paragraphs:
        raise DetenteError("E108", where=where)
    page = HtmlPage(
        title=cleaned.title, paragraphs=cleaned.paragraphs, outlet=_clean(extracted.sitename) or cleaned.outlet,
        url=page_url, dropped=cleaned.dropped,
    )
    page.published, page.published_source = _page_date(html, extracted.date, page_url)
    return page


def _page_date(html: str | bytes, metadata_date: str | None, url: str | None) -> tuple[str | None, str]:
    """The page date and its origin: trafilatura's metadata, else the URL, else htmldate's search of the text."""
    from_url = date_from_url(url)
    if metadata_date:
        if metadata_date != from_url:
            return metadata_date, "metadata"
        # htmldate falls back on the URL, so an equal date may come from it; it came from the page when the
        # page spells it out (meta tags, JSON-LD and <time> use ISO form) and the URL does not.
        raw = html if isinstance(html, str) else html.decode("utf-8", errors="ignore")
        mentions_in_urls = raw.count(url) * url.count(metadata_date) if url else 0
        in_page = raw.count(metadata_date) > mentions_in_urls
        return metadata_date, "metadata" if in_page else "url"
    if from_url:
        return from_url, "url"
    try:
        found = htmldate.find_date(html, extensive_search=True, original_date=True)
    except (ValueError, TypeError):
        found = None
    if found and found.endswith("-01-01"):
        # The wide search turns a bare year ("Copyright 2019") into 1 January; unknown beats wrong.
        found = None
    return (found, "metadata") if found else (None, "unknown")


def _clean(value: str | None) -> str | None:
    """Metadata strings with whitespace collapsed; empty ones become None."""
    if not value:
        return None
    value = text.clean_line(value)
    return value or None
