"""Mention extent: actor mentions reach over their noun phrase, appositives and acronyms (nlp/actor_extent.py)."""

from __future__ import annotations

import pytest

from detente.model import Document
from detente.nlp.actors import Actors
from detente.pipeline import Pipeline
from detente.settings import load_settings


@pytest.fixture(scope="module")
def parsed():
    pipeline = Pipeline(names=["prefilter", "parse", "actors"])
    return lambda body: pipeline(Document(body=body, published=None))


@pytest.fixture(scope="module")
def unparsed():
    actors = Actors(load_settings())
    return lambda body: actors(Document(body=body, published=None))


def _found(doc: Document) -> list[tuple[str, str | None, str | None]]:
    return [(m.entity_text, m.code, m.sector[0] if m.sector else None) for m in doc.mentions]


@pytest.mark.parametrize("body,mention", [
    ("A Turkish court has released the journalist.", ("A Turkish court", "TUR", "JUD")),
    ("Unidentified gunmen attacked a checkpoint.", ("Unidentified gunmen", None, "UAF")),
    ("Vladimir Putin, the Russian president, met the press.",
     ("Vladimir Putin, the Russian president", "RUS", "GOV")),
    ("Nigerian Air Force (NAF) says it has killed several fighters.",
     ("Nigerian Air Force (NAF)", "NGA", "MIL")),
    ("Brazil's truck drivers blocked the roads.", ("Brazil's truck drivers", "BRA", "LAB")),
    ("Colombia's leftist rebels attacked the town.", ("Colombia's leftist rebels", "COL", "REB")),
    ("An Indian proposal was rejected on Monday.", ("An Indian proposal", "IND", "GOV")),
    ("The Trump administration imposed new tariffs.", ("The Trump administration", "USA", "GOV")),
    ("Omar al-Bashir of Sudan met the envoy.", ("Omar al-Bashir of Sudan", "SDN", "GOV")),
    ("The U.S. State Department criticised the vote.", ("The U.S. State Department", "USA", "GOV")),
    ("Members of the New People's Army attacked the base.",
     ("Members of the New People's Army", "PHL", "REB")),
])
def test_mentions_cover_their_noun_phrase(parsed, body, mention):
    found = _found(parsed(body))
    text, code, sector = mention
    hit = [m for m in found if m[0] == text]
    assert hit, found
    assert hit[0][1:] == (code, sector) or (code is None and hit[0][2] == sector)


@pytest.mark.parametrize("body,text", [
    ("A Turkish court has released the journalist.", "A Turkish court"),
    ("Talks with an Iranian delegation ended.", "an Iranian delegation"),
])
def test_without_a_parse_the_article_still_joins(unparsed, body, text):
    assert text in [m.entity_text for m in unparsed(body).mentions]


@pytest.mark.parametrize("body", [
    "THE RUSSIAN FOREIGN MINISTER SERGEY LAVROV MET ERDOĞAN IN ANKARA ON TUESDAY.",
    "Erdoğan met Sergey Lavrov in Ankara.",
    "MEANWHILE, A SWISS COURT REJECTED THE CROATIAN GOVERNMENT'S REQUEST.",
])
def test_caps_diacritics_and_transliterations(parsed, body):
    doc = parsed(body)
    codes = {m.code for m in doc.mentions}
    assert "RUS" in codes or "CHE" in codes
    assert all(body[m.start:m.end] == m.entity_text for m in doc.mentions)
    assert not any(m.entity_text.upper().startswith("MET ") for m in doc.mentions)  # a verb is not a modifier


def test_widened_mentions_never_overlap(parsed):
    doc = parsed("Russia's ally Bashar al-Assad, the Syrian president, met Iranian and Iraqi officials in Tehran.")
    spans = [(m.start, m.end) for m in doc.mentions]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert any(m.code == "SYR" and "Assad" in m.entity_text for m in doc.mentions)
