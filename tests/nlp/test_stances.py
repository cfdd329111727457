"""Stances: issue normalisation, polarity from stance events and quotes, the holders-by-issues matrix."""

from __future__ import annotations

import pytest

from detente.model import Document, Entity, Event, Quote
from detente.nlp.parse import Parse
from detente.nlp.stances import Slot, find_stances, issue_table, normalise_issue, stance_grid, stance_matrix
from detente.settings import load_settings


ASSAD = Slot(name="Bashar al-Assad", code="SYR")
SYRIA = Slot(name="Syria", code="SYR")


@pytest.mark.parametrize("lemmas, slots, key", [
    ("removal of X0", [ASSAD], "removal-of:Bashar al-Assad"),
    ("call for X0 to be remove", [ASSAD], "removal-of:Bashar al-Assad"),
    ("X0 must go", [ASSAD], "removal-of:Bashar al-Assad"),
    ("X0 step down", [ASSAD], "removal-of:Bashar al-Assad"),
    ("X0 to leave office", [ASSAD], "removal-of:Bashar al-Assad"),
    ("X0 's departure", [ASSAD], "removal-of:Bashar al-Assad"),
    ("idea of oust X0", [ASSAD], "removal-of:Bashar al-Assad"),
    ("new round of X0 talk in new york", [SYRIA], "talks:SYR"),
    ("peace talk on X0", [SYRIA], "talks:SYR"),
    ("ceasefire in X0", [SYRIA], "ceasefire:SYR"),
    ("sanction on X0", [Slot(name="Iran", code="IRN")], "sanctions-on:Iran"),
    ("X0", [Slot(name="Islamic State", code="IMG")], "actor:Islamic State"),
    # a pattern deep inside the phrase does not name its issue
    ("common ground on which group should participate in talk", [], "topic:common-ground-group-participate"),
])
def test_phrasings_of_one_issue_share_a_key(lemmas, slots, key):
    issue = normalise_issue(lemmas, slots, lemmas.split(), issue_table())
    assert issue is not None and issue.key == key


def test_assad_going_stays_only_as_an_opposite_assertion():
    issue = normalise_issue("X0 will stay", [ASSAD], ["Assad", "will", "stay"], issue_table())
    assert (issue.key, issue.assertive) == ("removal-of:Bashar al-Assad", "against")


def test_a_country_slot_falls_back_to_the_document_focus():
    issue = normalise_issue("new talk in geneva", [], ["new", "talks", "in", "Geneva"], issue_table(), focus=SYRIA)
    assert (issue.key, issue.text) == ("talks:SYR", "talks on Syria")


# ------------------------------------------------------------------- hand-built documents (parse only)
@pytest.fixture(scope="module")
def parse():
    return Parse(load_settings())


def mention(body: str, text: str, code: str, sector: list[str] | None = None, name: str | None = None,
            nth: int = 0) -> Entity:
    start = -1
    for _ in range(nth + 1):
        start = body.index(text, start + 1)
    return Entity(code=code, sector=sector or [], entity_text=text, identifier_text=name, start=start,
                  end=start + len(text))


def build(parse, body: str, mentions: list[tuple], events: list[tuple], quotes: list[tuple] = ()) -> Document:
    """A parsed document with hand-made mentions, events (category, actor text, trigger, status) and quotes."""
    doc = parse(Document(body=body, published="2016-03-01"))
    doc.mentions = sorted((mention(body, *m) for m in mentions), key=lambda m: m.start)
    by_text = {m.entity_text: m for m in doc.mentions}
    for n, (category, actor, trigger, status) in enumerate(events):
        at = body.index(trigger)
        sentence = next(s for s in doc.sentences if s.start <= at < s.end)
        doc.events.append(Event(id=f"e{n}", event=[category], actor=[by_text[actor]], event_text=trigger,
                                status=status, text_info={"sequence": 0, "start": sentence.start,
                                                          "end": sentence.end}))
    for speaker, text in quotes:
        at = body.index(text)
        doc.quotes.append(Quote(speaker=by_text[speaker], text=text, kind="direct", cue="said", start=at,
                                end=at + len(text)))
    return doc


ASSAD_MENTIONS = [("Bashar al-Assad", "SYR", ["GOV"], "Bashar al-Assad")]
LEAD = "Syrian President Bashar al-Assad spoke on Monday. "


@pytest.mark.parametrize("sentence, actor, category, trigger, status, holder, polarity", [
    ("Turkey rejected calls for Assad to step down.", ("Turkey", "TUR"), "REJECT", "rejected", "occurred",
     "TUR GOV", "against"),
    ("France demanded the departure of Assad.", ("France", "FRA"), "REQUEST", "demanded", "occurred",
     "FRA GOV", "for"),
    ("The opposition insisted that Assad must go.", ("The opposition", "SYR", ["OPP"]), "REQUEST", "insisted",
     "occurred", "SYR OPP", "for"),
    ("Iran does not support the removal of Assad.", ("Iran", "IRN"), "SUPPORT", "support", "denied",
     "IRN GOV", "against"),
    ("Qatar backed the ouster of Assad.", ("Qatar", "QAT"), "SUPPORT", "backed", "occurred", "QAT GOV", "for"),
])
def test_stance_events_give_holder_issue_and_polarity(parse, sentence, actor, category, trigger, status, holder,
                                                      polarity):
    body = LEAD + sentence
    assad = ("Assad", "SYR", ["GOV"], "Bashar al-Assad", 1)
    doc = build(parse, body, [*ASSAD_MENTIONS, assad, actor], [(category, actor[0], trigger, status)])
    stances = find_stances(doc)
    assert [(s.holder.label(), s.issue_key, s.polarity) for s in stances] == \
        [(holder, "removal-of:Bashar al-Assad", polarity)]
    evidence = body[stances[0].evidence["start"]:stances[0].evidence["end"]]
    assert trigger in evidence and "Assad" in evidence


def test_hypothetical_events_hold_no_stance(parse):
    body = LEAD + "Turkey might reject calls for Assad to step down."
    doc = build(parse, body, [*ASSAD_MENTIONS, ("Turkey", "TUR")], [("REJECT", "Turkey", "reject", "hypothetical")])
    assert find_stances(doc) == []


def test_a_quote_states_a_stance_of_its_speaker(parse):
    body = 'Sergei Lavrov spoke in Moscow. "We oppose any ceasefire in Syria," Lavrov said.'
    doc = build(parse, body, [("Lavrov", "RUS", ["GOV"], "Sergei Lavrov", 1), ("Syria", "SYR", [], "Syria")],
                [], quotes=[("Lavrov", "We oppose any ceasefire in Syria,")])
    stances = find_stances(doc)
    assert [(s.holder.label(), s.issue_key, s.polarity, s.date) for s in stances] == \
        [("RUS GOV", "ceasefire:SYR", "against", "2016-03-01")]


def test_a_quoted_assertion_is_a_stance_without_a_stance_verb(parse):
    body = LEAD + 'A Saudi official said: "Assad must go."'
    doc = build(parse, body, [*ASSAD_MENTIONS, ("Assad", "SYR", ["GOV"], "Bashar al-Assad", 1),
                              ("A Saudi official", "SAU", ["GOV"])], [],
                quotes=[("A Saudi official", "Assad must go.")])
    assert [(s.holder.label(), s.issue_key, s.polarity) for s in find_stances(doc)] == \
        [("SAU GOV", "removal-of:Bashar al-Assad", "for")]


# ---------------------------------------------------------------------------------------- the matrix
def test_matrix_shows_how_a_stance_changed():
    turkey = {"code": "TUR", "sector": ["GOV"]}
    records = [
        {"holder": turkey, "issue_key": "removal-of:Bashar al-Assad", "issue": "removal of Bashar al-Assad",
         "polarity": "for", "date": "2015-10-01", "doc_id": "a"},
        {"holder": turkey, "issue_key": "removal-of:Bashar al-Assad", "issue": "removal of Bashar al-Assad",
         "polarity": "against", "date": "2016-08-20", "doc_id": "b"},
        {"holder_label": "RUS GOV", "issue_key": "talks:SYR", "issue": "talks on Syria", "polarity": "for",
         "date": "2015-12-16", "doc_id": "a"},
    ]
    matrix = stance_matrix(records).set_index(["holder", "issue_key"])
    turkey_row = matrix.loc[("TUR GOV", "removal-of:Bashar al-Assad")]
    assert (turkey_row["first_polarity"], turkey_row["first_date"], turkey_row["last_polarity"],
            turkey_row["last_date"], turkey_row["changes"], turkey_row["documents"]) == \
        ("for", "2015-10-01", "against", "2016-08-20", 1, 2)
    assert matrix.loc[("RUS GOV", "talks:SYR")]["changes"] == 0
    grid = stance_grid(stance_matrix(records))
    assert grid.loc["TUR GOV", "removal-of:Bashar al-Assad"] == "for->against"
    assert grid.loc["TUR GOV", "talks:SYR"] == ""


def test_empty_matrix_has_its_columns():
    assert "first_polarity" in stance_matrix([]).columns


# ---------------------------------------------------------------------------------- the real pipeline
REQUIRED_SEED_STANCES = [
    ("SYR REB", "removal-of:Bashar al-Assad", "for"),
    ("RUS GOV", "removal-of:Bashar al-Assad", "against"),
    ("IRN GOV", "removal-of:Bashar al-Assad", "against"),
    ("RUS GOV", "talks:SYR", "for"),
]


@pytest.mark.parametrize("body, expected", [
    ("Turkish Foreign Minister Mevlut Cavusoglu on Monday rejected calls for Syrian President Bashar al-Assad "
     "to step down before elections.", ("TUR GOV", "removal-of:Bashar al-Assad", "against")),
    ("Syrian President Bashar al-Assad met his generals. Saudi Arabia insisted that Assad must go.",
     ("SAU GOV", "removal-of:Bashar al-Assad", "for")),
    ("Iran said it opposed any foreign intervention in Syria.", ("IRN GOV", "military-action-against:Syria",
                                                                  "against")),
])
def test_real_pipeline_stances_on_new_text(pipeline, body, expected):
    doc = pipeline(Document(body=body, published="2016-03-01"))
    assert expected in {(s.holder.label(), s.issue_key, s.polarity) for s in doc.stances}


@pytest.mark.parametrize("body, holder, issue", [
    # a second act coordinated with the stance verb is not part of the issue
    ("Sudan called for international mediators to join the talks and accused Ethiopia of intransigence.",
     "SDN GOV", "international mediators to join the talks"),
    ("Saudi Arabia welcomed the extension and said it supported the United Nations.", "SAU GOV", "extension"),
    # a date that is the object of the issue's verb stays in it; the word limit does not end on "the"
    ("The UN envoy urged the parties to use the next two months to open the roads to the besieged city of Taiz.",
     "UNO GOV", "parties to use the next two months to open"),
    # an actor named by a phrase ("representatives of the Syrian government") is written once
    ("Rebel groups agreed to form a committee to meet representatives of the Syrian government next year.",
     "SYR REB", "form a committee to meet representatives of the Syrian government next year"),
])
def test_issue_text_is_the_phrase_the_stance_is_about(pipeline, body, holder, issue):
    doc = pipeline(Document(body=body, published="2021-04-05"))
    assert (holder, issue) in {(s.holder.label(), s.issue) for s in doc.stances}


@pytest.mark.parametrize("holder, key, polarity", REQUIRED_SEED_STANCES)
def test_seed_article_required_stances(coded_seed, holder, key, polarity):
    found = {(s.holder.label(), s.issue_key, s.polarity) for s in coded_seed.stances}
    assert (holder, key, polarity) in found


def test_seed_article_stances_are_readable_and_dated(coded_seed):
    removal = [s for s in coded_seed.stances if s.issue_key == "removal-of:Bashar al-Assad"]
    assert {s.issue for s in removal} == {"removal of Bashar al-Assad"}
    assert all(s.date for s in coded_seed.stances)
