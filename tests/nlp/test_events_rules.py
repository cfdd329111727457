"""Event rules added for the PLOVER gold: ultimatums, vows, obligations, possessors, adjectives, peacekeepers."""

from __future__ import annotations

import pytest

from detente.nlp.lexicon import NON_EVENT, load_lexicon, prefilter_forms
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


@pytest.mark.parametrize("text, places, expected", [
    # a phrase written modifier first ("war games") is found at the noun it modifies
    ("Russia and Iran launched war games.", (), [("COOPERATE", ["IRN", "RUS"], [], "occurred")]),
    # a trigger noun that only classifies its head ("attack helicopters") is no event
    ("Russia displayed its attack helicopters.", (), []),
    # a trigger noun acted on by a trigger verb is that verb's object, not a second event
    ("Israel violated the ban by Russia.", (), [("REJECT", ["ISR"], ["RUS"], "occurred")]),
    # "their forces" inside reported speech are the speaker's
    ("Russia said their forces had completed their withdrawal from Iran.", (),
     [("RETREAT", ["RUS"], ["IRN"], "occurred")]),
    # national adjectives name the parties of a subject no mention covers
    ("The Russian and Iranian sides agreed to meet.", (), [("AGREE", ["IRN", "RUS"], [], "occurred")]),
    # "is committed to" is the subject's own commitment, not a passive
    ("Russia is committed to opening up its economy.", (), [("AGREE", ["RUS"], [], "occurred")]),
    # an agentless investigation is by the authorities of the place
    ("A Russian national has been put under investigation in Vienna.", ("Vienna",),
     [("ACCUSE", ["AUT"], ["RUS"], "occurred")]),
    # relations cut in a place are cut with that place's country
    ("Russia suspended aid deliveries in Vienna.", ("Vienna",), [("SANCTION", ["RUS"], ["AUT"], "occurred")]),
    # getting ready for an attack is a move of forces
    ("Israel prepared to resume shelling Sudan.", (), [("MOBILIZE", ["ISR"], ["SDN"], "occurred")]),
    # an order to close is a coercive restriction, not a request
    ("Russia ordered the newspaper to suspend publication.", (), [("COERCE", ["RUS"], ["RUS"], "occurred")]),
    # withdrawing inspectors is a sanction (CAMEO 1662); announced, a threat
    ("Russia will withdraw its inspectors from Iran.", (), [("THREATEN", ["RUS"], ["IRN"], "planned")]),
    # a single country's exercise is a show of force, a joint one cooperation
    ("Russia held military exercises.", (), [("MOBILIZE", ["RUS"], [], "occurred")]),
    ("Russia and Iran held military exercises.", (), [("COOPERATE", ["IRN", "RUS"], [], "occurred")]),
    # a parse that hangs the subject on an opening phrase
    ("With the signing of the accord, Russia and Iran have agreed to cooperate.", (),
     [("AGREE", ["IRN", "RUS"], [], "occurred")]),
    # a party of the speaker's country in another sector is addressed
    ("The rebels said Assad must resign.", (), [("REQUEST", ["SYR REB"], ["SYR GOV"], "occurred")]),
    # what repression is for a government is a protest for a crowd of civilians
    ("Protesters seized the embassy of Russia.", (), [("PROTEST", ["-"], ["RUS"], "occurred")]),
    ("Russia seized the embassy of Iran.", (), [("COERCE", ["RUS"], ["IRN"], "occurred")]),
    # a reported dismissal rejects the act it dismisses
    ("Russia said lifting the sanctions on Iran is out of the question.", (),
     [("REJECT", ["RUS"], ["IRN"], "occurred")]),
])
def test_plover_gold_rules(parser, text, places, expected):  # noqa: F811
    assert summary(coded(parser, text, places)) == expected


@pytest.mark.parametrize("text, expected", [
    # violent verbs aimed at a policy or an idea: a criticism, or nothing
    ("Russia attacked the plans of Iran.", [("ACCUSE", ["RUS"], ["IRN"], "occurred")]),
    ("Russia vowed to fight crime.", [("AGREE", ["RUS"], [], "occurred")]),
    ("Russia vowed to fight Iran.", [("THREATEN", ["RUS"], ["IRN"], "occurred")]),
    # disasters and illnesses kill, but are no party to a conflict
    ("The earthquake killed 300 people in Iran.", []),
    # a press briefing is no consultation, striking a balance no assault
    ("Putin held a news conference.", []),
    ("Russia struck a balance between Iran and Israel.", []),
])
def test_figures_of_speech_are_no_violence(parser, text, expected):  # noqa: F811
    assert summary(coded(parser, text)) == expected


def test_verbal_attack_verbs_are_assault_triggers():
    lexicon = load_lexicon()
    assert {"attack", "strike"} <= lexicon.cues["verbal_attack"]
    assert lexicon.verbs["attack"].category == "ASSAULT"


# phrases are found from their first word ("war" of "war games"), so that word must reach the prefilter
@pytest.mark.parametrize("form", ["war", "investigation", "withdraw", "repealed", "branded", "earmarked"])
def test_prefilter_reaches_new_trigger_forms(form):
    assert form in prefilter_forms()
