"""RSS and Atom feeds: parsing items, and `watch`, which polls feeds and ingests each new item once.

`parse_feed(content, base_url)` gives the items of a feed (feedparser).  `watch(...)` runs rounds: fetch every
feed, read the items whose address it has not seen, hand the documents to `on_documents`, remember the
addresses in a JSON state file (written atomically, so a restarted watch does not fetch them again), sleep.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin

import feedparser

from detente.errors import DetenteError, UsageError
from detente.ingest.fetch import Fetcher
from detente.model import Document
from detente.settings import Settings

log = logging.getLogger(__name__)

FEED_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json",
})
XML_TYPES = frozenset({"application/xml", "text/xml", ""})
FEED_ROOT = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
# A fetch failure leaves the item unseen so the next round tries again; other rejections are final.
RETRIED_CODES = frozenset({"E110"})


@dataclass
class FeedItem:
    """One feed entry: its article address, title, date (ISO, as the feed gave it) and summary."""

    url: str
    title: str | None = None
    published: str | None = None
    summary: str | None = None


def is_feed(content: bytes, content_type: str = "") -> bool:
    """True when a response is an RSS or Atom feed (by media type, or an XML body with a feed root)."""
    if content_type in FEED_TYPES:
        return True
    if content_type not in XML_TYPES and not content_type.endswith("+xml"):
        return False
    return FEED_ROOT.search(content[:4096]) is not None


def parse_feed(content: bytes, base_url: str | None) -> list[FeedItem]:
    """The items of an RSS/Atom feed, with links made absolute against `base_url`; items without a link skipped."""
    headers = {"content-location": base_url} if base_url else None
    parsed = feedparser.parse(content, response_headers=headers)
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or _first_alternate(entry)
        if not link:
            continue
        items.append(FeedItem(
            url=urljoin(base_url or "", link),
            title=(entry.get("title") or "").strip() or None,
            published=_entry_date(entry),
            summary=(entry.get("summary") or "").strip() or None,
        ))
    return items


def _first_alternate(entry: dict) -> str | None:
    for link in entry.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"]
    return None


def _entry_date(entry: dict) -> str | None:
    """ISO datetime (UTC) of an entry's published or updated time."""
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime(*parsed[:6], tzinfo=timezone.utc).isoformat()


def parse_interval(value: str) -> float:
    """Seconds in an interval such as "30s", "15m", "2h" or "1d" (a bare number is seconds)."""
    match = INTERVAL.match(str(value))
    if not match or float(match.group(1)) <= 0:
        raise UsageError("E203", key="every", value=value, detail="use a positive interval such as 30s, 15m or 2h")
    return float(match.group(1)) * UNIT_SECONDS[match.group(2).lower()]


def load_seen(state_path: Path) -> set[str]:
    """Item addresses already ingested, from the watch state file (none when it does not exist)."""
    try:
        data = json.loads(Path(state_path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return set()
    except (OSError, ValueError) as err:
        log.warning("ignoring unreadable watch state %s: %s", state_path, err)
        return set()
    return set(data.get("seen", []))


def save_seen(state_path: Path, seen: set[str]) -> None:
    """Write the watch state atomically: a temporary file in the same folder, then a rename."""
    state_path = Path(state_path)
    state_path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps({"version": 1, "seen": sorted(seen)}, ensure_ascii=False, indent=0)
    fd, tmp = tempfile.mkstemp(prefix=state_path.name, suffix=".tmp", dir=state_path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, state_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def watch(
    feeds: list[str],
    every_s: float,
    on_documents: Callable[[list[Document]], None],
    settings: Settings,
    state_path: Path,
    iterations: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
    fetcher: Fetcher | None = None,
) -> None:
    """Poll `feeds` every `every_s` seconds, passing each round's new documents to `on_documents`."""
    # readers imports this module (feed URLs given to `ingest`), so importing it back waits until here.
    from detente.ingest.readers import read_feed_item

    fetcher = fetcher or Fetcher(settings)
    seen = load_seen(state_path)
    round_number = 0
    while iterations is None or round_number < iterations:
        round_number += 1
        for feed_url in feeds:
            try:
                result = fetcher.get(feed_url)
            except DetenteError as err:
                log.warning("feed %s: %s", feed_url, err.message)
                continue
            items = [i for i in parse_feed(result.content, result.final_url) if i.url not in seen]
            if not items:
                continue
            documents = [read_feed_item(item, settings, fetcher) for item in items]
            on_documents(documents)
            # Remembered only after on_documents returned, so a crash in storing refetches the round.
            seen.update(
                item.url for item, doc in zip(items, documents)
                if doc.rejected is None or doc.rejected.code not in RETRIED_CODES
            )
            save_seen(state_path, seen)
        if iterations is None or round_number < iterations:
            sleep(every_s)
