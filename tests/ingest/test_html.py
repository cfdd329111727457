"""HTML pages: main text without navigation and footer, title, outlet, URL and date from metadata or URL."""

from __future__ import annotations

import pytest

from detente.errors import DetenteError
from detente.ingest import html

from .ingest_support import FIXTURES

ARTICLE = (FIXTURES / "article.html").read_text(encoding="utf-8")

# The same article with its date only in the address, and with no date at all.
NO_META_DATE = ARTICLE.replace('<meta property="article:published_time" content="2019-03-04T09:30:00Z">\n', "")
UNDATED = NO_META_DATE.replace('<link rel="canonical" href="https://herald.example.org/world/ministers-geneva">\n', "")


def test_article_page_main_text_and_metadata():
    page = html.extract_html(ARTICLE)
    assert page.title == "Ministers agree to meet in Geneva next month"
    assert page.outlet == "The Harbour Herald"
    assert page.url == "https://herald.example.org/world/ministers-geneva"
    assert (page.published, page.published_source) == ("2019-03-04", "metadata")
    assert page.paragraphs[0] == (
        "The foreign ministers of Norland and Sudria say they will hold talks on the disputed river border."
    )
    assert len(page.paragraphs) == 4
    body = "\n\n".join(page.paragraphs)
    for chrome in ("Home", "Sport", "Skip to main content", "Privacy policy", "All rights reserved", "briefing"):
        assert chrome not in body


@pytest.mark.parametrize(
    ("page", "url", "published", "source"),
    [
        (ARTICLE, "https://herald.example.org/world/2019/03/04/geneva", "2019-03-04", "metadata"),
        (NO_META_DATE, "https://herald.example.org/world/2015/12/16/geneva", "2015-12-16", "url"),
        (UNDATED, None, None, "unknown"),  # "Copyright 2019" in the footer is not a date
        (UNDATED.replace("<main", '<p class="dateline">Posted 6 March 2019</p><main'), None, "2019-03-06", "metadata"),
    ],
)
def test_date_sources(page, url, published, source):
    extracted = html.extract_html(page, url=url)
    assert (extracted.published, extracted.published_source) == (published, source)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.example.org/news/2015/12/16/russia-agrees", "2015-12-16"),
        ("https://www.example.org/2015/1/5/story", "2015-01-05"),
        ("https://www.example.org/news/2015-12-16-russia-agrees", "2015-12-16"),
        ("https://www.example.org/news/20151216/russia-agrees", "2015-12-16"),
        ("https://www.example.org/news/2015/13/16/bad-month", None),
        ("https://www.example.org/news/2015/02/30/bad-day", None),
        ("https://www.example.org/news/russia-agrees-2015", None),
        (None, None),
    ],
)
def test_date_from_url(url, expected):
    assert html.date_from_url(url) == expected


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><title>Nothing here</title></head><body><nav><a href='/'>Home</a></nav></body></html>",
        "<html><body></body></html>",
        "<html><head><script>var x = 1;</script><style>p { color: red }</style></head><body></body></html>",
    ],
)
def test_page_without_main_text_is_e108(page):
    with pytest.raises(DetenteError) as caught:
        html.extract_html(page, where="page.html")
    assert caught.value.code == "E108"
    assert "page.html" in caught.value.message
