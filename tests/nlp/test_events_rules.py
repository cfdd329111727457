"""Event rules added for the PLOVER gold: ultimatums, vows, obligations, possessors, adjectives, peacekeepers."""

from __future__ import annotations

import pytest

from detente.nlp.lexicon import NON_EVENT, load_lexicon
from tests.nlp.test_events import coded, parser, summary  # noqa: F401  (parser is a fixture)


@pytest.mark.parametrize("text, places, expected", [
    # a promised act made conditional on the other side's compliance is a threat, aimed at that side
    ("Russia will withdraw its troops unless Iran stops the attacks.", (),
     [("THREATEN", ["RUS"], ["IRN"], "planned")]),
    ("Russia threatened to stop the talks if Iran goes ahead.", (), [("THREATEN", ["RUS"], ["IRN"], "occurred")]),
    # a promise of a conflictual act is a threat, not an agreement
    ("Russia vowed to fight Iran.", (), [("THREATEN", ["RUS"], ["IRN"], "occurred")]),
    ("Russia vowed to support Iran.", (), [("AGREE", ["RUS"], ["IRN"], "occurred")]),
    # "X said Y must agree": X's demand, not Y's agreement
    ("Israel said Sudan must agree to the plan.", (), [("REQUEST", ["ISR"], ["SDN"], "occurred")]),
    # "its demand" is the subject's; the demanded clause is not a second event
    ("Russia reiterated its demand that Iran withdraw.", (), [("REQUEST", ["RUS"], ["IRN"], "occurred")]),
    # the issuer of a statement demands, not the statement
    ("The rebels issued a statement demanding that Assad resign.", (),
     [("REQUEST", ["SYR REB"], ["SYR GOV"], "occurred")]),
    # a descriptive appositive is not a second actor
    ("Russia, a key Iran ally, refused to meet Israel.", (), [("REJECT", ["RUS"], ["ISR"], "occurred")]),
    # a dative "to" parsed as the object
    ("Russia is providing weapons to Iran.", (), [("AID", ["RUS"], ["IRN"], "occurred")]),
    # peacekeepers arriving provide protection (CAMEO 074: AID)
    ("Russian peacekeeping troops from Russia arrived in Vienna.", ("Vienna",),
     [("AID", ["RUS"], ["AUT GOV"], "occurred")]),
    # an inauguration is not a vow
    ("Putin was sworn in as president.", (), []),
    ("Russia allowed Iran to open an embassy.", (), [("CONCEDE", ["RUS"], ["IRN"], "occurred")]),
    # "going to" before a verb is the future tense, not a trip; before a place it is a visit
    ("Russia is going to be a significant player.", (), []),
    ("Russia went to Iran.", (), [("CONSULT", ["RUS"], ["IRN"], "occurred")]),
])
def test_event_rules(parser, text, places, expected):  # noqa: F811
    assert summary(coded(parser, text, places)) == expected


@pytest.mark.parametrize("text, expected", [
    # nationality adjectives (read from the actor knowledge base) name the party a mention does not
    ("Russia rejected an Iranian proposal.", [("REJECT", ["RUS"], ["IRN"], "occurred")]),
    ("Iranian protests against Israeli policies continued.", [("PROTEST", ["IRN"], ["ISR"], "occurred")]),
])
def test_country_adjectives(parser, text, expected):  # noqa: F811
    assert summary(coded(parser, text)) == expected


def test_a_demand_noun_outranks_the_event_it_embeds(parser):  # noqa: F811
    doc = coded(parser, "Israel demanded the resignation of Assad.")
    main = max(doc.events, key=lambda e: e.confidence)
    assert main.event == ["REQUEST"]


def test_non_event_phrases_silence_their_head():
    lexicon = load_lexicon()
    [phrase] = [p for p in lexicon.phrases["swear"] if p.children == ("in",)]
    assert phrase.trigger.category == NON_EVENT and "swear" in lexicon.verbs


@pytest.mark.parametrize("text, expected", [
    # CAMEO 196: violating a ceasefire is a use of force
    ("Russia violated the ceasefire with Iran.", [("ASSAULT", ["RUS"], ["IRN"], "occurred")]),
    # eased economic sanctions are a RETREAT (CAMEO2PLOVER-2021, 085)
    ("Russia lifted sanctions on Iran.", [("RETREAT", ["RUS"], ["IRN"], "occurred")]),
    # a decision is taken, not intended
    ("Israel decided to ease restrictions on Sudan.", [("CONCEDE", ["ISR"], ["SDN"], "occurred")]),
    # mobilising funds or observers is no mobilisation of forces
    ("Russia deployed election observers in Iran.", []),
    ("Russia deployed troops in Iran.", [("MOBILIZE", ["RUS"], ["IRN"], "occurred")]),
])
def test_cameo_conventions(parser, text, expected):  # noqa: F811
    assert summary(coded(parser, text)) == expected


@pytest.mark.parametrize("text, cameo", [
    ("Israel called for sanctions against Iran.", "10"),  # an appeal for a conflictual act is a demand
    ("Israel called for talks with Iran.", "02"),
])
def test_appeal_cameo(parser, text, cameo):  # noqa: F811
    [event] = coded(parser, text).events
    assert (event.event, event.cameo) == (["REQUEST"], cameo)


def test_a_meeting_about_peacekeeping_is_no_aid(parser):  # noqa: F811
    assert summary(coded(parser, "Kerry met Lavrov to discuss the peacekeeping mission.")) == \
        [("CONSULT", ["USA GOV"], ["RUS GOV"], "occurred")]
