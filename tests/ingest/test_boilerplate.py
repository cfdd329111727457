"""Boilerplate removal for pages saved as text: the seed article, a fixture page, and tables of lines."""

from __future__ import annotations

import json

import pytest

from detente.ingest import boilerplate, text

from .ingest_support import FIXTURES, SEED, SEED_EXPECTED


@pytest.mark.parametrize(
    ("line", "group"),
    [
        ("Skip to main content", "navigation"),
        ("Skip navigation", "navigation"),
        ("Home", "navigation"),
        ("Stay informed with the Herald's newsletters", "newsletter"),
        ("Sign up to get the latest alerts, insights and analysis, starting with Borderlands", "newsletter"),
        ("Subscribe to our daily briefing", "newsletter"),
        ("Sign up for our weekly Borderlands newsletter", "newsletter"),
        ("To learn more about republishing this content, please contact us.", "promo"),
        ("Republish this article", "promo"),
        ("Advertisement", "promo"),
        ("4 min read", "promo"),
        ("Share this article", "share"),
        ("Share", "share"),
        ("Facebook Twitter WhatsApp Email", "share"),
        ("Follow us on Twitter", "share"),
        ("Follow The Herald on Telegram for breaking news", "share"),
        ("Read more: Ports reopen after strike ends", "share"),
        ("Most read", "share"),
        ("Photo: Jane Doe/Harbour Herald", "caption"),
        ("Soldiers at a checkpoint outside Dorrin in March (Reuters)", "caption"),
        ("Protesters in the capital on Friday (AFP/Getty Images)", "caption"),
        ("The minister arrives for talks (Jane Doe/AFP)", "caption"),
        ("Crowds gather in the square. Photograph: Jane Doe/Reuters", "caption"),
        ("Published date: 4 March 2019 09:30 UTC", "dateline"),
        ("The Harbour Herald delivers independent coverage of the northern coast.", "outlet"),
        ("Copyright 2019 The Harbour Herald. All rights reserved.", "outlet"),
    ],
)
def test_boilerplate_lines_are_classified(line, group):
    assert boilerplate.classify(line)[0] == group


@pytest.mark.parametrize(
    "line",
    [
        "The foreign ministers agreed on Monday to meet in Geneva in April.",
        "MOSCOW (AFP) - Russia said on Tuesday it would attend the talks.",
        "Kerry spoke to Agence France-Presse (AFP).",
        "Both sides said they would share intelligence on the armed groups.",
        "Home to 2 million people, the valley has been shelled for months.",
        "Follow-up talks are planned for June, the mediators said.",
        "Ministers agree to meet in Geneva next month",
    ],
)
def test_article_lines_are_kept(line):
    assert boilerplate.classify(line) == (None, None)


@pytest.mark.parametrize(
    ("line", "outlet"),
    [
        ("The Harbour Herald delivers independent coverage of the northern coast. Republishing: contact us.", "The Harbour Herald"),
        ("Northern Ledger provides independent reporting from the coast.", "Northern Ledger"),
        ("Support Northern Ledger's independent journalism", "Northern Ledger"),
        ("\u00a9 2019 Coastal Times", "Coastal Times"),
    ],
)
def test_outlet_is_inferred_from_promo_lines(line, outlet):
    page = boilerplate.clean_page(["Headline of the day", "An article paragraph.", line])
    assert page.outlet == outlet
    assert page.paragraphs == ["An article paragraph."]


@pytest.mark.parametrize(
    ("paragraphs", "given", "title", "body"),
    [
        (["Ministers agree to meet", "They agreed on Monday."], None, "Ministers agree to meet", ["They agreed on Monday."]),
        (["They agreed on Monday.", "A second paragraph."], None, None, ["They agreed on Monday.", "A second paragraph."]),
        (["Ministers agree to meet"], None, None, ["Ministers agree to meet"]),
        (["Ministers agree to meet", "They agreed."], "Ministers Agree to Meet", "Ministers Agree to Meet", ["They agreed."]),
        (["A different line", "They agreed."], "Given title", "Given title", ["A different line", "They agreed."]),
        (["Ministers agree to meet", "They agreed."], "Ministers agree to meet | Herald", "Ministers agree to meet | Herald",
         ["They agreed."]),
        (["Skip to main content", "Ministers agree to meet", "They agreed."], None, "Ministers agree to meet", ["They agreed."]),
    ],
)
def test_headline_becomes_title(paragraphs, given, title, body):
    page = boilerplate.clean_page(paragraphs, title=given)
    assert (page.title, page.paragraphs) == (title, body)


def test_dateline_gives_a_date():
    page = boilerplate.clean_page(["Headline here", "Published: 4 March 2019 09:30 GMT", "Body text."])
    assert page.published == "2019-03-04"


def test_fixture_saved_page():
    paragraphs = text.split_paragraphs((FIXTURES / "saved_page.txt").read_text(encoding="utf-8"))
    page = boilerplate.clean_page(paragraphs)
    assert page.title == "Envoys set June deadline for Kestrel Valley ceasefire"
    assert page.outlet == "The Northern Ledger"
    assert page.paragraphs[0].startswith("Mediators from the regional council say")
    assert page.paragraphs[-1].startswith("The agreement follows months of shelling")
    assert len(page.paragraphs) == 4
    assert not any("(Reuters)" in p or "newsletter" in p for p in page.paragraphs)


@pytest.mark.skipif(not SEED.exists(), reason="../shared/examples is not available")
def test_seed_article():
    expected = json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))
    raw_paragraphs = text.split_paragraphs(text.decode(SEED.read_bytes()))
    page = boilerplate.clean_page(raw_paragraphs)
    body = text.join_paragraphs(page.paragraphs)
    for line in expected["boilerplate_not_in_body"]:
        assert line not in body
    assert page.title == expected["document"]["title"] == "Russia agrees to new round of Syria talks in New York"
    assert page.outlet == expected["document"]["outlet"]
    assert page.paragraphs[0].startswith("Foreign Minister Sergei Lavrov says")
    assert "(AFP)" not in body
    # Every paragraph of the article proper (after the caption, before the promo block) survives, in order.
    start = next(i for i, p in enumerate(raw_paragraphs) if p.endswith("(AFP)")) + 1
    end = next(i for i, p in enumerate(raw_paragraphs) if p.startswith("Stay informed"))
    assert page.paragraphs[1:] == raw_paragraphs[start:end]
