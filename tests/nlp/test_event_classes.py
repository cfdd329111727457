"""Event rules for classes of error found on the held-out half of the PLOVER gold (issue #4): stative passives,
obligations on a copula, promised coercion, quantities in phrases, returns, non-agent subjects, other senses of
protest verbs, verbal attacks, gerund subjects, attempts, grievances and the parties let act."""

from __future__ import annotations

import pytest

from tests.nlp.test_events import coded, parser, summary  # noqa: F401  (parser is a fixture)


@pytest.mark.parametrize("text, places, expected", [
    # "is opposed to", "were engaged in": a state of the subject, the subject acts
    ("Israel is opposed to Russia's plan.", (), [("REJECT", ["ISR"], ["RUS"], "occurred")]),
    ("Russia was engaged in fighting against Iran.", (), [("ASSAULT", ["RUS"], ["IRN"], "occurred")]),
    # "must be ready to": an obligation on a copula that asks for an act is the speaker's demand
    ("Israel said Russia must be ready to meet Iran.", (), [("REQUEST", ["ISR"], ["RUS"], "occurred")]),
    # ... but a judgement on a copula is no demand
    ("Israel said the answer must be clear.", (), []),
    # a promised coercive act written as a noun is a threat
    ("Russia announced that it will extend the curfew in Vienna.", ("Vienna",),
     [("THREATEN", ["RUS"], ["AUT"], "planned")]),
    # a phrase trigger looks through a measure noun to what is measured
    ("Russia handed over 700 kg of medicine to Iran.", (), [("AID", ["RUS"], ["IRN"], "occurred")]),
    # returning what was seized (manual, RETREAT)
    ("The rebels returned weapons to Russia.", (), [("RETREAT", ["SYR REB"], ["RUS"], "occurred")]),
    # an agentless passive of withdrawal moves the subject's own forces
    ("Russian troops were withdrawn from Iran.", (), [("RETREAT", ["RUS"], ["IRN"], "occurred")]),
    # sending inspectors is investigating
    ("Russia sent inspectors to Iran.", (), [("ACCUSE", ["RUS"], ["IRN"], "occurred")]),
    # "pressuring X to do": a demand, the pressured act embedded in it
    ("Russia has been pressuring Iran to cancel the talks.", (), [("REQUEST", ["RUS"], ["IRN"], "occurred")]),
])
def test_event_classes(parser, text, places, expected):  # noqa: F811
    assert summary(coded(parser, text, places)) == expected


@pytest.mark.parametrize("text, expected", [
    # an uncoded subject that is no one (an idea, a law, a count of things) does not make an event
    ("Sexism prevents women from working.", []),
    ("The plan prevents abuses.", []),
    # ... a noun for people who act does, and so does a count of people
    ("Gunmen killed three people.", [("ASSAULT", ["-"], [], "occurred")]),
    ("Thousands of protesters blocked the roads.", [("PROTEST", ["-"], [], "occurred")]),
    # "demonstrate that" is to show, "rally supporters" to gather them: no protest
    ("Russia demonstrated that the plan works.", []),
    ("Putin rallied his supporters.", []),
    ("Russia demonstrated against Iran.", [("PROTEST", ["RUS"], ["IRN"], "occurred")]),
])
def test_agents_and_senses(parser, text, expected):  # noqa: F811
    assert summary(coded(parser, text)) == expected


@pytest.mark.parametrize("text, category", [
    # an attack that gives its grievance is a criticism (CAMEO 111), not violence
    ("Russia attacked Iran for failing to stop the talks.", "ACCUSE"),
    ("Russia attacked Iran over the talks.", "ACCUSE"),
    ("Russia attacked Iran.", "ASSAULT"),
])
def test_verbal_attacks(parser, text, category):  # noqa: F811
    assert [e.event[0] for e in coded(parser, text).events] == [category]


@pytest.mark.parametrize("text, expected", [
    # a gerund under an adjective's preposition takes the subject of the clause it hangs on
    ("Russia and Iran are guilty of violating the ceasefire.", [("ASSAULT", ["IRN", "RUS"], [], "occurred")]),
    # ... not when the preposition says it did not happen
    ("Russia cut the tariffs without asking Iran to pay.", []),
])
def test_gerunds_and_efforts(parser, text, expected):  # noqa: F811
    assert summary(coded(parser, text)) == expected


def test_an_attempt_with_an_unnamed_author_is_coded_from_its_place(parser):  # noqa: F811
    doc = coded(parser, "An attempt to assassinate Putin was thwarted in Vienna.", ("Vienna",))
    assert summary(doc) == [("ASSAULT", ["AUT"], ["RUS GOV"], "occurred")]


@pytest.mark.parametrize("text, recipients", [
    # an accusation's recipient is the party accused, not the audience it is made to
    ("Israel complained to Russia over Iranian air raids.", ["IRN"]),
    # the party let (or not) act is the recipient of a refusal to allow
    ("Israel refused to allow planes from Russia to land.", ["RUS"]),
    # "with X's help": a helper of the actor, not a party acted on
    ("Russia tightened the blockade of Iran with Israel's help.", ["IRN"]),
    # "pushing for X to do": X is the one asked
    ("Israel is pushing hard for Russia to support the plan.", ["RUS"]),
])
def test_recipients(parser, text, recipients):  # noqa: F811
    events = coded(parser, text).events
    assert [sorted(r.label() for r in e.recipient) for e in events][:1] == [recipients]


def test_a_quoted_speaker_is_the_passive_subject(parser):  # noqa: F811
    doc = coded(parser, "Putin was quoted as saying he would be ready to host a meeting between Israel and Iran.")
    main = max(doc.events, key=lambda e: e.confidence)
    assert (main.event[0], [a.label() for a in main.actor]) == ("AGREE", ["RUS GOV"])


@pytest.mark.parametrize("text, expected", [
    # a sentence parsed as a noun with a finite participle: the noun at the root acts
    ("Doctors from Russia donated and delivered medicine to Iran.", [("AID", ["RUS"], ["IRN"], "occurred")]),
    # a headline participle without a finite verb stays a passive: the soldiers did not kill
    ("Russian soldiers killed in Iran", []),
])
def test_verbless_sentences(parser, text, expected):  # noqa: F811
    assert summary(coded(parser, text)) == expected


def test_an_uncoded_victim_yields_to_the_country_of_the_place(parser):  # noqa: F811
    from detente.model import Document, Entity, Place
    from detente.nlp.events import code_document
    from tests.nlp.test_events import hand_mentions

    text = "In Vienna, Russian gunmen killed Oleg Chemezov."
    doc = parser(Document(body=text, published="2015-12-16"))
    start = text.index("Oleg Chemezov")
    doc.mentions = [*hand_mentions(text), Entity(code=None, entity_text="Oleg Chemezov", start=start,
                                                 end=start + len("Oleg Chemezov"))]
    doc.places = [Place(text="Vienna", start=3, end=9, name="Vienna", country="AUT")]
    doc.events = code_document(doc)
    # the named victim stays beside the country it is taken to belong to
    assert summary(doc) == [("ASSAULT", ["RUS"], ["-", "AUT"], "occurred")]
