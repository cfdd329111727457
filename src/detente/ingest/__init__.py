"""Reading news into `Document`s: files, directories, JSONL/CSV records, stdin, URLs and RSS/Atom feeds.

The flow is bytes -> text (`text`: binary and encoding detection, normalisation) -> main text (`html` for
pages, `boilerplate` for pages saved as text) -> `Document` (`readers`).  `fetch` and `feeds` bring live
sources in politely.
"""

from detente.ingest.feeds import FeedItem, parse_feed, parse_interval, watch
from detente.ingest.fetch import FetchResult, Fetcher
from detente.ingest.readers import check_published, read_inputs

__all__ = [
    "FeedItem", "FetchResult", "Fetcher", "check_published", "parse_feed", "parse_interval", "read_inputs", "watch",
]
