"""Inputs to `Document`s: files, directories, JSONL/JSON/CSV records, stdin, URLs and feeds.

`read_inputs` is the one entry point the CLI and the Python API call.  It never raises on a bad document: it
yields a `Document` with an empty body and `rejected` set (codes E101-E113 of detente.errors) and goes on.
Only a missing input path is a usage error (E201), raised before anything is read.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from detente.errors import DetenteError, UsageError
from detente.ingest import boilerplate, feeds, html, text
from detente.ingest.fetch import FetchResult, Fetcher
from detente.model import Document, Rejection, content_id
from detente.settings import Settings

log = logging.getLogger(__name__)

SUFFIXES = {
    ".txt": "text", ".text": "text", ".html": "html", ".htm": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv",
}
HTML_START = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*"
    rb"<(!doctype\s+html|html|head|body|article|main|div|p|section|meta|title)\b",
    re.IGNORECASE | re.DOTALL,
)
URL_START = re.compile(r"^https?://", re.IGNORECASE)
ISO_DATE_START = re.compile(r"^\d{4}-\d{2}-\d{2}(?:$|[T ]\d{2})")


@dataclass
class Metadata:
    """What an input says about a document before its content is read (record fields, feed entries)."""

    id: str | None = None
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None  # validated ISO value
    published_source: str = "unknown"


@dataclass
class Context:
    """Per-run reading options: limits, the --published date, the fetcher."""

    settings: Settings
    published: str | None = None
    fetcher: Fetcher | None = None
    max_chars: int = 5_000_000
    max_bytes: int = 50_000_000

    @classmethod
    def from_settings(
        cls, settings: Settings, published: str | None = None, fetcher: Fetcher | None = None,
    ) -> Context:
        """The context of a run, limits taken from the `ingest` settings."""
        return cls(
            settings=settings, published=published, fetcher=fetcher,
            max_chars=int(settings.get("ingest.max_chars", 5_000_000)),
            max_bytes=int(settings.get("ingest.max_bytes", 50_000_000)),
        )

    def get_fetcher(self) -> Fetcher:
        """The run's fetcher, created on first use so that offline runs never build one."""
        if self.fetcher is None:
            self.fetcher = Fetcher(self.settings)
        return self.fetcher


def read_inputs(
    inputs: Iterable[str],
    settings: Settings,
    published: str | None = None,
    stdin: BinaryIO | None = None,
    fetcher: Fetcher | None = None,
) -> Iterator[Document]:
    """Documents from paths, directories, "-" (stdin) and http(s) URLs, rejected ones included, in order."""
    inputs = list(inputs)
    for item in inputs:
        if item != "-" and not URL_START.match(item) and not Path(item).exists():
            raise UsageError("E201", path=item)
    given = check_published(published) if published is not None else None
    if published is not None and given is None:
        raise UsageError("E204", value=published)
    ctx = Context.from_settings(settings, published=given, fetcher=fetcher)
    for item in inputs:
        if item == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _guard("-", read_stream(stream, "-", ctx))
        elif URL_START.match(item):
            yield from _guard(item, read_url(item, ctx))
        elif Path(item).is_dir():
            for child in walk_directory(Path(item)):
                yield from _guard(str(child), read_path(child, ctx))
        else:
            yield from _guard(item, read_path(Path(item), ctx))


def _guard(source: str, documents: Iterator[Document]) -> Iterator[Document]:
    """Yield from `documents`; an unexpected error becomes one E113 rejection instead of ending the batch."""
    try:
        yield from documents
    except DetenteError as err:
        yield rejected(source, err)
    except Exception as err:  # a bug must not stop a batch of thousands; the rejection says to report it
        log.exception("reading %s failed", source)
        yield rejected(source, DetenteError("E113", detail=f"{type(err).__name__}: {err}"))


def walk_directory(root: Path) -> list[Path]:
    """Files of supported types under `root`, recursively, sorted, hidden files and folders skipped."""
    found = []
    for path in root.rglob("*"):
        relative = path.relative_to(root).parts
        if any(part.startswith(".") for part in relative):
            continue
        if path.suffix.lower() in SUFFIXES and path.is_file():
            found.append(path)
    return sorted(found)


def rejected(source: str, err: DetenteError, meta: Metadata | None = None) -> Document:
    """A document that could not be read: empty body, the coded reason, a stable id from its source."""
    meta = meta or Metadata()
    return Document(
        body="", id=meta.id or content_id(source), url=meta.url, title=meta.title, outlet=meta.outlet,
        source=source, rejected=Rejection(err.code, err.message),
    )


def check_published(value: Any) -> str | None:
    """The value, stripped, when it is an ISO date or datetime ("2015-12-16", "2015-12-16T10:00:00Z"); else None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    # Python also accepts the basic ("20151216") and week ("2015-W51-3") forms; later stages expect these.
    if not ISO_DATE_START.match(value):
        return None
    try:
        if len(value) == 10:
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value)
    except ValueError:
        return None
    return value


# Files ---------------------------------------------------------------------------------------------------

def read_path(path: Path, ctx: Context) -> Iterator[Document]:
    """Documents of one file, by suffix; an unsupported suffix is one E109 rejection."""
    source = str(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        yield rejected(source, DetenteError("E109", suffix=path.suffix or "(none)", where=source))
    elif kind == "jsonl":
        with path.open("rb") as handle:
            yield from read_jsonl(handle, source, ctx)
    elif kind == "json":
        yield from read_json_file(path, ctx)
    elif kind == "csv":
        yield from read_csv(read_bounded(path, None), source, ctx)
    else:
        raw = read_bounded(path, ctx.max_bytes)
        yield document_from_bytes(raw, kind, source, Metadata(), ctx)


def read_bounded(path: Path, max_bytes: int | None) -> bytes:
    """The file's bytes; E104 when a single-document file is larger than ingest.max_bytes."""
    with path.open("rb") as handle:
        raw = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    if max_bytes is not None and len(raw) > max_bytes:
        raise DetenteError("E104", size=path.stat().st_size, limit=max_bytes)
    return raw


def read_json_file(path: Path, ctx: Context) -> Iterator[Document]:
    """A .json file: an array of records, one (possibly indented) record, or one record per line."""
    source = str(path)
    raw = read_bounded(path, ctx.max_bytes)
    content = text.decode(raw)
    try:
        whole = json.loads(content)
    except ValueError as err:
        if content.lstrip("\ufeff \t\r\n").startswith("["):
            yield rejected(source, DetenteError("E105", where=_json_where(source, err), detail=_json_detail(err)))
        else:
            yield from read_jsonl(raw.splitlines(keepends=True), source, ctx)
        return
    records = whole if isinstance(whole, list) else [whole]
    for index, record in enumerate(records, start=1):
        yield document_from_record(record, f"{source}:{index}", ctx)


def _json_where(source: str, err: ValueError) -> str:
    line = getattr(err, "lineno", None)
    return f"{source}:{line}" if line else source


def _json_detail(err: ValueError) -> str:
    return getattr(err, "msg", None) or str(err)


def read_jsonl(lines: Iterable[bytes], source: str, ctx: Context, first_line: int = 1) -> Iterator[Document]:
    """One document per JSON line; a malformed line is an E105 rejection naming source:line, the rest go on.

    `first_line` numbers the first of `lines` when they are a slice of the file (batch partitions).
    """
    for number, raw_line in enumerate(lines, start=first_line):
        where = f"{source}:{number}"
        if number == 1:
            raw_line = raw_line.removeprefix(b"\xef\xbb\xbf")
        if not raw_line.strip():
            continue
        try:
            record = json.loads(text.decode(raw_line))
        except DetenteError as err:
            yield rejected(where, err)
            continue
        except ValueError as err:
            yield rejected(where, DetenteError("E105", where=where, detail=_json_detail(err)))
            continue
        yield document_from_record(record, where, ctx)


def read_csv(raw: bytes, source: str, ctx: Context, rows: range | None = None) -> Iterator[Document]:
    """One document per CSV row with a header naming text or html; bad rows are E106 rejections.

    `rows` limits it to those data rows (a batch partition; the rows before are parsed, cheaply, but not read
    as documents), and then only the partition starting at row 0 reports problems of the whole file.
    """
    whole_file = rows is None or rows.start == 0
    try:
        content = text.decode(raw)
    except DetenteError as err:
        if whole_file:
            yield rejected(source, err)
        return
    # Rows hold whole articles, far longer than the csv module's default field limit of 128 KiB.
    csv.field_size_limit(max(ctx.max_chars * 4, csv.field_size_limit()))
    # strict: an unterminated quote is an error, not a field that silently swallows the rest of the file.
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        if whole_file:
            yield rejected(source, DetenteError("E101"))
        return
    except csv.Error as err:
        if whole_file:
            yield rejected(f"{source}:1", DetenteError("E106", where=f"{source}:1", detail=str(err)))
        return
    if "text" not in header and "html" not in header:
        if whole_file:
            where = f"{source}:1"
            detail = f"header has no 'text' or 'html' column ({', '.join(header)})"
            yield rejected(where, DetenteError("E106", where=where, detail=detail))
        return
    for index in itertools.count():
        where = f"{source}:{reader.line_num + 1}"
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            if rows is None or index in rows:
                yield rejected(where, DetenteError("E106", where=where, detail=str(err)))
            # The csv module cannot resume inside a broken row; nothing after it can be trusted.
            return
        if rows is not None and index < rows.start:
            continue
        if rows is not None and index >= rows.stop:
            return
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            detail = f"{len(row)} fields, header has {len(header)}"
            yield rejected(where, DetenteError("E106", where=where, detail=detail))
            continue
        yield document_from_record(dict(zip(header, row)), where, ctx)


# Stdin and URLs ------------------------------------------------------------------------------------------

def read_stream(stream: BinaryIO, source: str, ctx: Context) -> Iterator[Document]:
    """Documents from a byte stream such as stdin, sniffed as JSONL, HTML or plain text."""
    raw = stream.read(ctx.max_bytes + 1)
    if len(raw) > ctx.max_bytes:
        yield rejected(source, DetenteError("E104", size=f"more than {ctx.max_bytes}", limit=ctx.max_bytes))
        return
    kind = sniff_kind(raw)
    if kind == "jsonl":
        yield from read_jsonl(raw.splitlines(keepends=True), source, ctx)
    else:
        yield document_from_bytes(raw, kind, source, Metadata(), ctx)


def sniff_kind(raw: bytes, content_type: str = "") -> str:
    """"html", "jsonl" or "text" for content with no file name, from its media type or its first bytes."""
    if content_type in ("text/html", "application/xhtml+xml"):
        return "html"
    if content_type in ("application/x-ndjson", "application/jsonl", "application/json"):
        return "jsonl"
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if HTML_START.match(head):
        return "html"
    if head.startswith(b"{"):
        first_line = head.split(b"\n", 1)[0]
        try:
            json.loads(first_line)
            return "jsonl"
        except ValueError:
            pass
    return "text"


def read_url(url: str, ctx: Context) -> Iterator[Document]:
    """The document at `url`, or, when it is an RSS/Atom feed, the document behind each of its items."""
    try:
        result = ctx.get_fetcher().get(url)
    except DetenteError as err:
        yield rejected(url, err, Metadata(url=url))
        return
    if feeds.is_feed(result.content, result.content_type):
        for item in feeds.parse_feed(result.content, result.final_url):
            yield read_item(item, ctx)
        return
    kind = sniff_kind(result.content, result.content_type)
    if kind == "jsonl":
        yield from read_jsonl(result.content.splitlines(keepends=True), url, ctx)
        return
    yield document_from_fetch(result, kind, url, Metadata(url=result.final_url), ctx)


def read_feed_item(item: feeds.FeedItem, settings: Settings, fetcher: Fetcher | None = None) -> Document:
    """The document behind one feed item (used by `watch`); rejected with E110/E111 when it cannot be fetched."""
    return read_item(item, Context.from_settings(settings, fetcher=fetcher))


def read_item(item: feeds.FeedItem, ctx: Context) -> Document:
    """Fetch a feed item's link and read it, the feed's title and date serving where the page has none."""
    fallback = Metadata(title=item.title, url=item.url)
    if item.published and check_published(item.published):
        fallback.published, fallback.published_source = item.published, "metadata"
    try:
        result = ctx.get_fetcher().get(item.url)
    except DetenteError as err:
        return rejected(item.url, err, Metadata(url=item.url, title=item.title))
    kind = sniff_kind(result.content, result.content_type)
    if kind == "jsonl":
        kind = "text"
    return document_from_fetch(result, kind, item.url, replace(fallback, url=result.final_url), ctx, fallback=True)


def document_from_fetch(
    result: FetchResult, kind: str, source: str, meta: Metadata, ctx: Context, fallback: bool = False,
) -> Document:
    """A fetched page as a document; its Content-Type charset guides decoding."""
    try:
        content = text.decode(result.content, declared=result.charset or _declared(result.content, kind))
    except DetenteError as err:
        return rejected(source, err, meta)
    if kind == "html":
        return document_from_html(content, source, meta, ctx, fallback=fallback)
    return document_from_text(content, source, meta, ctx, fallback=fallback)


# Records and content -------------------------------------------------------------------------------------

def document_from_record(record: Any, where: str, ctx: Context) -> Document:
    """A JSONL/CSV record (fields id, text or html, published, url, title, outlet) as a document."""
    if not isinstance(record, dict):
        detail = f"expected an object, got {type(record).__name__}"
        return rejected(where, DetenteError("E105", where=where, detail=detail))
    meta = Metadata(
        id=_field(record, "id"), title=_field(record, "title"), outlet=_field(record, "outlet"),
        url=_field(record, "url"),
    )
    raw_published = record.get("published")
    if raw_published not in (None, ""):
        published = check_published(raw_published)
        if published is None:
            return rejected(where, DetenteError("E112", value=raw_published, where=where), meta)
        meta.published, meta.published_source = published, "given"
    body_text, body_html = record.get("text"), record.get("html")
    if isinstance(body_text, str) and body_text.strip():
        return document_from_text(body_text, where, meta, ctx)
    if isinstance(body_html, str) and body_html.strip():
        return document_from_html(body_html, where, meta, ctx)
    if isinstance(body_text, str) or isinstance(body_html, str):
        # The field is there but holds only whitespace: an empty document, not a missing field.
        return rejected(where, DetenteError("E101"), meta)
    return rejected(where, DetenteError("E107", where=where), meta)


def _field(record: dict, name: str) -> str | None:
    value = record.get(name)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _declared(raw: bytes, kind: str) -> str | None:
    return text.declared_charset(raw) if kind == "html" else None


def document_from_bytes(raw: bytes, kind: str, source: str, meta: Metadata, ctx: Context) -> Document:
    """Decode raw bytes (E102/E103 on failure) and read them as HTML or text."""
    try:
        content = text.decode(raw, declared=_declared(raw, kind))
    except DetenteError as err:
        return rejected(source, err, meta)
    if kind == "html":
        return document_from_html(content, source, meta, ctx)
    return document_from_text(content, source, meta, ctx)


def document_from_text(content: str, source: str, meta: Metadata, ctx: Context, fallback: bool = False) -> Document:
    """Plain text (a page saved as text, or a record's text) with boilerplate removed."""
    if len(content) > ctx.max_chars * 2:
        # Whitespace and boilerplate rarely halve a text; spare the normalisation of a huge input.
        return rejected(source, DetenteError("E104", size=len(content), limit=ctx.max_chars), meta)
    page = boilerplate.clean_page(text.split_paragraphs(content), title=None if fallback else meta.title)
    found = Metadata(title=page.title, outlet=page.outlet)
    if page.published:
        found.published, found.published_source = page.published, "metadata"
    return _finish(text.join_paragraphs(page.paragraphs), source, meta, found, page.dropped, ctx, fallback)


def document_from_html(content: str, source: str, meta: Metadata, ctx: Context, fallback: bool = False) -> Document:
    """An HTML page's main text and metadata; E108 when it has no main text."""
    try:
        page = html.extract_html(content, url=meta.url, where=source)
    except DetenteError as err:
        return rejected(source, err, meta)
    found = Metadata(title=page.title, outlet=page.outlet, url=page.url)
    if page.published:
        found.published, found.published_source = page.published, page.published_source
    body = text.join_paragraphs(page.paragraphs)
    if not fallback and meta.title and page.title != meta.title and body.startswith(meta.title + "\n\n"):
        body = body[len(meta.title) + 2:]
    return _finish(body, source, meta, found, page.dropped, ctx, fallback)


def _finish(
    body: str, source: str, meta: Metadata, found: Metadata, dropped: list[tuple[str, str]], ctx: Context,
    fallback: bool,
) -> Document:
    """Merge what the input said with what the content showed, check limits, build the Document."""
    first, second = (found, meta) if fallback else (meta, found)
    if not body:
        return rejected(source, DetenteError("E101"), meta)
    if len(body) > ctx.max_chars:
        return rejected(source, DetenteError("E104", size=len(body), limit=ctx.max_chars), meta)
    url = first.url or second.url
    published, published_source = resolve_published(meta, ctx.published, found, url, source)
    doc = Document(
        body=body, id=meta.id, url=url, outlet=first.outlet or second.outlet, title=first.title or second.title,
        published=published, published_source=published_source, source=source,
    )
    if dropped:
        doc.notes["boilerplate"] = [{"group": group, "text": line} for line, group in dropped]
    return doc


# A date in a file name, its parts separated by dashes or underscores.
FILE_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_](0[1-9]|1[0-2])[-_](0[1-9]|[12]\d|3[01])(?!\d)")


def resolve_published(
    meta: Metadata, argument: str | None, found: Metadata, url: str | None, source: str | None = None,
) -> tuple[str | None, str]:
    """The publication date and its source: record field, then --published, then page metadata, feed, URL,
    then a date in the name of the file a single page was read from ("mee-2015-12-16-syria-talks.txt"),
    also reported as `url`, the document's address."""
    if meta.published and meta.published_source == "given":
        return meta.published, "given"
    if argument:
        return argument, "given"
    if found.published and found.published_source == "metadata":
        return found.published, "metadata"
    if meta.published and meta.published_source == "metadata":  # the feed entry's date
        return meta.published, "metadata"
    if found.published:
        return found.published, found.published_source
    from_address = html.date_from_url(url) or _date_from_file_name(source)
    if from_address:
        return from_address, "url"
    return None, "unknown"


def _date_from_file_name(source: str | None) -> str | None:
    """The date written in the name of the file a single page was read from ("mee-2015-12-16-syria-talks.txt"),
    with its parts separated (a bare "20150101" may be an id); None for web addresses and for records of a
    corpus file ("dump-2024-01-05.jsonl:3" is the dump's date, not the article's).  Only the name counts: a
    folder's date ("crawl-2023-05-01/") is when it was filled."""
    if not source or "://" in source or re.search(r":\d+$", source):
        return None
    match = FILE_NAME_DATE.search(os.path.basename(source))
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return None
