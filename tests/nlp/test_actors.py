"""The actors component: phrase coding, document memory, bad input, the PLOVER gold harness, the seed article."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.extraction import extract
from detente.model import Document
from detente.nlp.actors import Actors, code_phrase, explain_name, find_mentions, mentions_between
from detente.pipeline import REGISTRY, Pipeline
from detente.settings import load_settings
from tests.paths import SEED, shared_path

# The gold predates PLOVER's split of UNO and EUR out of IGO and codes NGOs (Amnesty, the Red Cross) as IGO too;
# three codes are misspelt.  The harness maps these, and skips gold entities without a code.
GOLD_CODE_TYPOS = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}
INTERNATIONAL = {"UNO", "EUR", "NGO"}
# Floors: issue 3 asks for actor country >= 0.92, actor sector >= 0.85 and recipient country >= 0.88; these
# are the figures reached (0.924, 0.881, 0.922, recipient sector 0.800), rounded down.  Raise, never lower.
FLOOR_ACTOR_COUNTRY = 0.92
FLOOR_ACTOR_SECTOR = 0.88
FLOOR_RECIPIENT_COUNTRY = 0.92
FLOOR_RECIPIENT_SECTOR = 0.80


@pytest.fixture(scope="module")
def actors():
    return Actors(load_settings())


def test_registered_as_a_pipeline_component():
    assert REGISTRY["actors"].name == "actors"
    assert set(Actors.assigns) >= {"mentions", "notes.focus_country", "notes.people"}


@pytest.mark.parametrize("text,date,code,sector,identifier,office", [
    ("Russian Foreign Minister Sergei Lavrov", "2015-12-16", "RUS", "GOV", "Sergei Lavrov", "foreign minister"),
    ("Russian Foreign Minister", None, "RUS", "GOV", None, "foreign minister"),
    ("Sergey Lavrov", "2015-12-16", "RUS", "GOV", "Sergei Lavrov", "foreign minister"),
    ("Kerry", "2015-06-01", "USA", "GOV", "John Kerry", "secretary of state"),
    ("Kerry", "2010-06-01", "USA", "LEG", "John Kerry", "senator"),
    ("Erdoğan", "2016-01-01", "TUR", "GOV", "Recep Tayyip Erdogan", "president"),
    ("Erdogan", "2010-01-01", "TUR", "GOV", "Recep Tayyip Erdogan", "prime minister"),
    ("ERDOGAN", "2010-01-01", "TUR", "GOV", "Recep Tayyip Erdogan", "prime minister"),
    ("Ban Ki Moon", "2015-12-16", "UNO", "GOV", "Ban Ki-moon", "secretary-general"),
    ("Menem", "2004-01-01", "ARG", "ELI", "Carlos Menem", "president"),
    ("former President Mubarak", "2014-01-01", "EGY", "ELI", "Hosni Mubarak", None),
    ("the Kremlin", None, "RUS", "GOV", "Kremlin", None),
    ("the Pentagon", None, "USA", "MIL", "Pentagon", None),
    ("Downing Street", None, "GBR", "GOV", "Downing Street", None),
    ("Washington", None, "USA", "GOV", "Washington", None),
    ("International Syria Support Group", None, "IGO", "GOV", "International Syria Support Group", None),
    ("NATO", None, "IGO", "MIL", "NATO", None),
    ("the UN Security Council", None, "UNO", "GOV", "UN Security Council", None),
    ("Daesh", None, "IMG", "REB", "Islamic State", None),
    ("Hezbollah", None, "LBN", "REB", "Hezbollah", None),
    ("Syrian government", None, "SYR", "GOV", None, None),
    ("Russian troops", None, "RUS", "MIL", None, None),
    ("Israeli army", None, "ISR", "MIL", None, None),
    ("Palestinian refugees", None, "PSE", "REF", None, None),
    ("Syrians", None, "SYR", "CVL", "Syria", None),
    ("Saudi Arabia", None, "SAU", "GOV", "Saudi Arabia", None),
    ("Emirati officials", None, "ARE", "GOV", None, None),
    ("president of Armenia", None, "ARM", "GOV", None, "president"),
    ("Rebels in the Ivory Coast", None, "CIV", "REB", None, None),
    ("Afghan rebel leaders", None, "AFG", "REB", None, None),
    ("Russia's ally Bashar al-Assad", "2015-12-16", "SYR", "GOV", "Bashar al-Assad", "president"),
    ("Planning Minister Tran Xuan Gia", None, None, "GOV", "Tran Xuan Gia", "planning minister"),
    ("rebel groups", None, None, "REB", None, None),
    ("Abkhazia", None, "GEO", "PRE", "Abkhazia", None),
    # Nationality nouns beyond titles, agencies, leaders' governments, possessors with described groups.
    ("Palestinian factions", None, "PSE", "REB", None, None),
    ("Chinese peacekeepers", None, "CHN", "MIL", None, None),
    ("an Indian proposal", None, "IND", "GOV", "India", None),  # the state whose proposal it is
    ("Israeli shelling", None, "ISR", "MIL", "Israel", None),
    ("ICE", None, "USA", "COP", "ICE", None),
    ("USAID", None, "USA", "GOV", "USAID", None),
    ("U.S. Congress", None, "USA", "LEG", "Congress", None),
    ("the Trump administration", None, "USA", "GOV", "Donald Trump", None),
    ("Colombia's leftist rebels", None, "COL", "REB", None, None),
    ("police in Baghdad", None, "IRQ", "COP", "Baghdad", None),
    ("Libyan Prime Minister Fayez al-Sarraj", None, "LBY", "GOV", "Fayez al-Sarraj", "prime minister"),
    ("US Ambassador John R. Bass", None, "USA", "GOV", "John R. Bass", "ambassador"),
])
def test_code_phrase(text, date, code, sector, identifier, office):
    entity = code_phrase(text, date)
    assert entity is not None
    assert (entity.code, entity.sector[0] if entity.sector else None) == (code, sector)
    assert entity.identifier_text == identifier
    if office is not None:
        assert entity.office == office


@pytest.mark.parametrize("date,rule_suffix", [
    ("2015-12-16", ""), ("2015-12-16T10:00:00Z", ""), ("2015", ""), (None, ":longest"), ("16/12/2015", ":longest"),
    ("", ":longest"),
])
def test_undated_office_holders_take_their_longest_role_and_say_so(date, rule_suffix):
    entity = code_phrase("Lavrov", date)
    assert entity.rule == "kb:office_holders:Sergei Lavrov" + rule_suffix


@pytest.mark.parametrize("name, date, code", [
    # ten years prime minister, then eight as the Quartet's envoy: undated, he is Britain's
    ("Tony Blair", None, "GBR"),
    ("Tony Blair", "2005-03-01", "GBR"),
    ("Tony Blair", "2010-03-01", "IGO"),
])
def test_an_undated_mention_codes_the_office_held_longest(name, date, code):
    assert code_phrase(name, date).code == code


@pytest.mark.parametrize("text", [
    "", "   ", "the", "'s", "of the", "...", "Mr", "John Smith", "foreign minister", "ＵＮ", "\u200b", "İ" * 50,
    "AL-QAEDA AND IS AND WHO", "Al-Assad's", "the the the rebels rebels",
])
def test_bad_phrases_never_crash(text):
    entity = code_phrase(text, "2015-01-01")
    assert entity is None or entity.entity_text


@pytest.mark.parametrize("text", [
    "the Syrian war",  # a demonym before a noun no state makes or does stays a description
    "Iraqi oil",
])
def test_lone_demonyms_before_other_nouns_are_not_actors(text):
    entity = code_phrase(text)
    assert entity is None or entity.sector == []


@pytest.mark.parametrize("text", ["Mr Smith", "John Smith", "Jane Doe",
                                  # a capital or a country after a title of address is a surname
                                  "Mr Wellington", "Mrs Jordan", "Dr. Chad"])
def test_unknown_people_without_a_title_keep_no_code(text):
    entity = code_phrase(text)
    assert entity is None or entity.code is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("aAzZ .,'-\u2019ğİ\n") + ["Russia", "the ", "Minister ", "Lavrov", "rebels",
                                                                "US", "IS", "Mr ", ", the "]), max_size=30)
       .map("".join))
def test_any_text_codes_without_crashing(text):
    mentions, _ = find_mentions(Document(body=text, published="2015-01-01"))
    starts = [(m.start, m.end) for m in mentions]
    assert starts == sorted(starts)
    assert all(a[1] <= b[0] for a, b in zip(starts, starts[1:]))
    assert all(text[m.start:m.end] == m.entity_text for m in mentions)


def _mention(doc: Document, text: str, nth: int = 0) -> object:
    hits = [m for m in doc.mentions if m.entity_text == text]
    assert len(hits) > nth, (text, [m.entity_text for m in doc.mentions])
    return hits[nth]


MEMORY_STORY = (
    "Egyptian Foreign Minister Ahmed Nabil met his Jordanian counterpart in Amman. "
    "Nabil said the talks went well. Mr Nabil later flew home. "
    "Tom Brandt, the German ambassador, declined to comment. Brandt said nothing. Jane Quill said nothing."
)


@pytest.mark.parametrize("text,nth,code,sector,identifier,rule_prefix", [
    ("Egyptian Foreign Minister Ahmed Nabil", 0, "EGY", "GOV", "Ahmed Nabil", "demonym:Egyptian"),
    ("Nabil", 0, "EGY", "GOV", "Ahmed Nabil", "memory:"),
    ("Nabil", 1, "EGY", "GOV", "Ahmed Nabil", "memory:"),
    ("Tom Brandt, the German ambassador", 0, "DEU", "GOV", "Tom Brandt", "appositive:"),
    ("Brandt", 0, "DEU", "GOV", "Tom Brandt", "memory:"),
])
def test_titles_and_appositives_teach_the_document(actors, text, nth, code, sector, identifier, rule_prefix):
    doc = actors(Document(body=MEMORY_STORY, published="2015-03-01"))
    mention = _mention(doc, text, nth)
    assert (mention.code, mention.sector, mention.identifier_text) == (code, [sector], identifier)
    assert mention.rule.startswith(rule_prefix)
    assert "Nabil" in doc.notes["people"]


def test_the_minister_reuses_the_last_minister(actors):
    doc = actors(Document(body="Russian Foreign Minister Sergei Lavrov arrived. Later the minister spoke.",
                          published="2015-12-16"))
    minister = _mention(doc, "the minister")
    assert (minister.code, minister.identifier_text) == ("RUS", "Sergei Lavrov")


@pytest.mark.parametrize("body,text,code,sector", [
    ("Syrian forces shelled Aleppo. Damascus blamed the rebels. The war in Syria goes on.", "the rebels", "SYR",
     "REB"),
    ("Protesters gathered in Cairo against the Egyptian government. Egypt's crisis deepened.", "Protesters", "EGY",
     "CVL"),
    ("Russian troops crossed into Ukraine, the Ukrainian government said.", "Russian troops", "RUS", "MIL"),
])
def test_bare_group_nouns_take_the_focus_country(actors, body, text, code, sector):
    doc = actors(Document(body=body, published="2015-01-01"))
    mention = _mention(doc, text)
    assert (mention.code, mention.sector[0]) == (code, sector)


def test_compound_actors_are_separate_mentions(actors):
    doc = actors(Document(body="Both Russia and Iran have resisted all calls.", published="2015-12-16"))
    assert [(m.entity_text, m.code) for m in doc.mentions] == [("Russia", "RUS"), ("Iran", "IRN")]


def test_coordinated_demonyms_share_the_head(actors):
    doc = actors(Document(body="Senior Hungarian and Romanian officials agreed on Wednesday.", published=None))
    assert [(m.code, m.sector) for m in doc.mentions] == [("HUN", ["GOV"]), ("ROU", ["GOV"])]


def test_capital_as_a_place_is_not_an_actor(actors):
    doc = actors(Document(body="Talks were held in Vienna. Vienna welcomed them.", published=None))
    assert [(m.entity_text, m.code) for m in doc.mentions] == [("Vienna", "AUT")]
    assert doc.mentions[0].start > 20


def test_all_caps_wire_copy(actors):
    doc = actors(Document(body="RUSSIAN FOREIGN MINISTER SERGEI LAVROV SAID WHO OFFICIALS WOULD GO.",
                          published="2015-01-01"))
    assert doc.mentions[0].identifier_text == "Sergei Lavrov"
    assert not any(m.org == "World Health Organization" for m in doc.mentions)


def test_mentions_between(actors):
    doc = actors(Document(body="Russia and Iran met. Saudi Arabia did not.", published=None))
    assert [m.code for m in mentions_between(doc, 0, 20)] == ["RUS", "IRN"]
    assert mentions_between(doc, 5, 8) == []


def test_code_phrase_uses_the_document(actors):
    doc = actors(Document(body="Tom Brandt, the German ambassador, declined to comment.", published="2015-01-01"))
    entity = code_phrase("Brandt", doc=doc)
    assert (entity.code, entity.identifier_text) == ("DEU", "Tom Brandt")


def test_explain_name_lists_rules_and_terms():
    report = explain_name("Kerry", "2010-01-01")
    assert report["entity"]["code"] == "USA" and report["entity"]["sector"] == ["LEG"]
    assert report["entity"]["rule"] == "kb:office_holders:John Kerry"
    assert {t["office"] for t in report["office_terms"]} >= {"senator", "secretary of state"}
    assert report["matches"][0]["kind"] == "person"


def _gold_scores() -> dict[str, tuple[int, int, int, int]]:
    """Country and sector accuracy of code_phrase on the PLOVER gold actor and recipient texts.

    Each gold sentence becomes a one-sentence document (date 2000-01-01, the gold's placeholder) so that
    code_phrase has the context the pipeline would give it: the focus country and the people it names.
    Sector is scored where the gold gives one (its first three letters; CIV read as CVL; '***' skipped)."""
    records = json.loads(shared_path("data", "plover", "PLOVER_GSR_CAMEO.json").read_text(encoding="utf-8"))
    actors = Actors(load_settings())
    scores = {"source": [0, 0, 0, 0], "target": [0, 0, 0, 0]}
    for record in records[1:]:
        doc = actors(Document(body=record["text"], published="2000-01-01"))
        for role in ("source", "target"):
            entities = record.get(role)
            if not isinstance(entities, list):  # None or "" where the event has no recipient (SRC/TAR records)
                continue
            for gold in entities:
                gold_code = GOLD_CODE_TYPOS.get(gold.get("code"), gold.get("code"))
                if not gold_code:
                    continue
                entity = code_phrase(gold["actorText"], "2000-01-01", doc)
                code = entity.code if entity else None
                if gold_code == "IGO" and code in INTERNATIONAL:
                    code = "IGO"
                tally = scores[role]
                tally[0] += 1
                tally[1] += code == gold_code
                gold_sector = (gold.get("sector") or "")[:3].upper().replace("CIV", "CVL")
                if gold_sector and gold_sector != "***":
                    tally[2] += 1
                    tally[3] += bool(entity and entity.sector and entity.sector[0] == gold_sector)
    return {role: tuple(t) for role, t in scores.items()}


def test_plover_gold_floors():
    scores = _gold_scores()
    (n_a, ok_a, ns_a, oks_a), (n_r, ok_r, ns_r, oks_r) = scores["source"], scores["target"]
    figures = (f"actor country {ok_a / n_a:.3f} ({n_a}), actor sector {oks_a / ns_a:.3f} ({ns_a}), "
               f"recipient country {ok_r / n_r:.3f} ({n_r}), recipient sector {oks_r / ns_r:.3f} ({ns_r})")
    print(f"\nPLOVER gold: {figures}")
    assert ok_a / n_a >= FLOOR_ACTOR_COUNTRY, figures
    assert oks_a / ns_a >= FLOOR_ACTOR_SECTOR, figures
    assert ok_r / n_r >= FLOOR_RECIPIENT_COUNTRY, figures
    assert oks_r / ns_r >= FLOOR_RECIPIENT_SECTOR, figures


@pytest.fixture(scope="module")
def seed_doc():
    if not SEED.exists():
        pytest.skip("seed article absent")
    pipeline = Pipeline(names=["prefilter", "parse", "actors"])
    return pipeline(Document(body=SEED.read_text(encoding="utf-8"), published="2015-12-16"))


@pytest.mark.parametrize("text,code,sector,identifier", [
    ("Russian Foreign Minister Sergei Lavrov", "RUS", "GOV", "Sergei Lavrov"),
    ("Lavrov", "RUS", "GOV", "Sergei Lavrov"),
    ("Kerry", "USA", "GOV", "John Kerry"),
    ("Russian President Vladimir Putin", "RUS", "GOV", "Vladimir Putin"),
    ("Ban Ki Moon", "UNO", "GOV", "Ban Ki-moon"),
    ("Bashar al-Assad", "SYR", "GOV", "Bashar al-Assad"),
    ("Assad", "SYR", "GOV", "Bashar al-Assad"),
    ("the Kremlin", "RUS", "GOV", None),
    ("Washington", "USA", "GOV", None),
    ("the International Syria Support Group", "IGO", "GOV", "International Syria Support Group"),
    ("rebel groups", "SYR", "REB", None),
    ("the rebels", "SYR", "REB", None),
    ("Saudi Arabia", "SAU", "GOV", "Saudi Arabia"),
    ("Iran", "IRN", "GOV", "Iran"),
    ("the Islamic State (IS)", "IMG", "REB", "Islamic State"),
    ("representatives of the Syrian government", "SYR", "GOV", None),
])
def test_seed_article_actors(seed_doc, text, code, sector, identifier):
    mention = _mention(seed_doc, text)
    assert mention.code == code
    assert (mention.sector[0] if mention.sector else None) == sector
    if identifier is not None:
        assert mention.identifier_text == identifier


def test_seed_article_memory_and_focus(seed_doc):
    assert seed_doc.notes["focus_country"] == "SYR"
    assert seed_doc.notes["people"]["Lavrov"].identifier_text == "Sergei Lavrov"
    assert _mention(seed_doc, "the International Syria Support Group").org == "International Syria Support Group"
    spans = [(m.start, m.end) for m in seed_doc.mentions]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


@pytest.mark.parametrize("text, codes", [
    # the side taken is not the party: the journalist is not Syrian, the separatists are Ukraine's
    ("The anti-Syria journalist was arrested by Lebanese police.", [("LBN", "COP")]),
    ("Pro-Russian separatists attacked Ukrainian troops.", [("UKR", "REB"), ("UKR", "MIL")]),
    # without the prefix the country codes as before
    ("Syrian journalists were arrested by Lebanese police.", [("SYR", "JRN"), ("LBN", "COP")]),
])
def test_a_country_named_as_the_side_taken_does_not_code_the_mention(text, codes):
    doc = extract(text, published="2015-01-01")
    assert [(m.code, m.sector[0] if m.sector else None) for m in doc.mentions] == codes
