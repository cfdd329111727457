"""Commitments: deadlines, planned meetings, promises and plans with due dates, precision and firmness."""

from __future__ import annotations

import re

import pytest

from detente.model import Document, Entity, Event, Timex
from detente.nlp.commitments import commitment_cues, find_commitments, prefilter_forms
from detente.nlp.parse import Parse
from detente.settings import load_settings


PUBLISHED = "2016-03-01"  # a Tuesday


@pytest.fixture(scope="module")
def parse():
    return Parse(load_settings())


def span(body: str, text: str) -> tuple[int, int]:
    start = body.index(text)
    return start, start + len(text)


def build(parse, body: str, timexes: list[tuple] = (), mentions: list[tuple] = (),
          events: list[tuple] = ()) -> Document:
    """A parsed document with hand-made timexes (text, value, type, mod, deadline), mentions and events."""
    doc = parse(Document(body=body, published=PUBLISHED))
    for text, value, kind, mod, deadline in timexes:
        start, end = span(body, text)
        doc.timexes.append(Timex(text=text, start=start, end=end, type=kind, value=value, mod=mod,
                                 deadline=deadline))
    for text, code, sector in mentions:
        start, end = span(body, text)
        doc.mentions.append(Entity(code=code, sector=sector, entity_text=text, start=start, end=end))
    doc.mentions.sort(key=lambda m: m.start)
    by_text = {m.entity_text: m for m in doc.mentions}
    for n, (category, actors, trigger, status, date) in enumerate(events):
        at = body.index(trigger)
        sentence = next(s for s in doc.sentences if s.start <= at < s.end)
        doc.events.append(Event(id=f"e{n}", event=[category], actor=[by_text[a] for a in actors],
                                event_text=trigger, status=status, date=date, date_precision="day",
                                text_info={"sequence": 0, "start": sentence.start, "end": sentence.end}))
    return doc


CASES = [
    # a planned meeting on a weekday
    ("The two foreign ministers will meet in Geneva on Friday.", [("Friday", "2016-03-04", "DATE", None, False)],
     "2016-03-04", "day", "announced", "meet in Geneva"),
    # a promise with a deadline
    ("The government pledged to hold elections by June.",
     [("by June", "2016-06", "DATE", "ON_OR_BEFORE", True)], "2016-06", "month", "announced", "hold elections"),
    # a hope, counted from publication
    ("The rebels hope to reach a settlement within two years.",
     [("within two years", "P2Y", "DURATION", "EQUAL_OR_LESS", True)], "2018-03-01",
     "within P2Y of 2016-03-01", "hoped", "reach a settlement"),
    # an ultimatum
    ("The army ordered the militants to leave the city by Sunday.",
     [("by Sunday", "2016-03-06", "DATE", "ON_OR_BEFORE", True)], "2016-03-06", "day", "demanded",
     "militants leave the city"),
    # an agreed plan, early in a year
    ("Both sides agreed to resume negotiations early next year.",
     [("early next year", "2017", "DATE", "START", False)], "2017", "early in year", "agreed",
     "resume negotiations"),
    # "is due to"
    ("The envoy is due to visit Kabul next week.", [("next week", "2016-W10", "DATE", None, False)],
     "2016-W10", "week", "announced", "visit Kabul"),
    # a modal outranks its verb: "must be signed" is a demand, not a signed deal
    ("Egypt said a deal must be signed within three months.",
     [("within three months", "P3M", "DURATION", "EQUAL_OR_LESS", True)], "2016-06-01",
     "within P3M of 2016-03-01", "demanded", "deal signed"),
]


@pytest.mark.parametrize("body, timexes, due, precision, firmness, what", CASES)
def test_announced_future_actions_are_commitments(parse, body, timexes, due, precision, firmness, what):
    commitments = find_commitments(build(parse, body, timexes))
    assert [(c.due, c.precision, c.firmness, c.status) for c in commitments] == \
        [(due, precision, firmness, "pending")]
    assert what in commitments[0].what
    evidence = body[commitments[0].evidence["start"]:commitments[0].evidence["end"]]
    assert timexes[0][0] in evidence


@pytest.mark.parametrize("body, timexes", [
    # past events are not commitments
    ("The ministers met in Geneva on Monday.", [("on Monday", "2016-02-29", "DATE", None, False)]),
    ("The talks were announced earlier this month.", [("earlier this month", "2016-03", "DATE", "START", False)]),
    # a doubted or negated plan is not a commitment
    ("There is no guarantee the summit will take place next month.",
     [("next month", "2016-04", "DATE", None, False)]),
    ("The president will not meet the rebels on Friday.", [("on Friday", "2016-03-04", "DATE", None, False)]),
    # a future date without any cue of intention
    ("A push to end the war next year faces many obstacles.", [("next year", "2017", "DATE", None, False)]),
])
def test_past_doubted_and_uncued_dates_are_not_commitments(parse, body, timexes):
    assert find_commitments(build(parse, body, timexes)) == []


def test_commitment_binds_the_event_actors_and_links_the_event(parse):
    body = "Russia and Turkey will hold talks in Ankara on Friday."
    doc = build(parse, body, [("on Friday", "2016-03-04", "DATE", None, False)],
                [("Russia", "RUS", []), ("Turkey", "TUR", [])],
                [("CONSULT", ["Russia", "Turkey"], "talks", "planned", "2016-03-04")])
    (commitment,) = find_commitments(doc)
    assert [b.label() for b in commitment.by] == ["RUS GOV", "TUR GOV"]
    assert commitment.event_id == "e0"


def test_within_counts_from_the_plans_own_date(parse):
    body = ("The plan was agreed in Vienna in November. It foresees a new constitution within two years.")
    doc = build(parse, body, [("in November", "2015-11", "DATE", None, False),
                              ("within two years", "P2Y", "DURATION", "EQUAL_OR_LESS", True)])
    (commitment,) = find_commitments(doc)
    assert (commitment.due, commitment.precision) == ("2017-11", "within P2Y of 2015-11")


def test_reported_hope_binds_the_speaker(parse):
    body = "Diplomats from the European Union said they hoped to have a deal by April."
    doc = build(parse, body, [("by April", "2016-04", "DATE", "ON_OR_BEFORE", True)],
                [("the European Union", "EUR", [])])
    (commitment,) = find_commitments(doc)
    assert (commitment.firmness, [b.code for b in commitment.by]) == ("hoped", ["EUR"])


@pytest.mark.parametrize("body, mentions, bound", [
    # "It" stands for the plan the sentence before names; its agent is bound
    ("The talks are part of a new drive by the European Union. It planned a new constitution by June.",
     [("the European Union", "EUR", [])], ["EUR"]),
    # an uncoded group noun takes the code of the group the document names in full elsewhere
    ("The talks are part of a new drive by diplomats. It planned a new constitution by June. "
     "Diplomats in the Contact Group met.", [("Diplomats in the Contact Group", "IGO", [])], ["IGO"]),
    # a plan noun as the subject binds its own agent
    ("The plan by the European Union foresees a new constitution by June.",
     [("the European Union", "EUR", [])], ["EUR"]),
    # "It" with no plan before it binds no one
    ("The weather was bad. It planned a new constitution by June.", [], []),
])
def test_a_plan_binds_its_agents(parse, body, mentions, bound):
    doc = build(parse, body, [("by June", "2016-06", "DATE", "ON_OR_BEFORE", True)], mentions)
    (commitment,) = find_commitments(doc)
    assert [b.code for b in commitment.by] == bound


def test_undated_promise_is_a_commitment_without_due(parse):
    body = "The donors pledged emergency aid for the refugees."
    (commitment,) = find_commitments(build(parse, body))
    assert (commitment.due, commitment.precision, commitment.firmness) == (None, None, "announced")
    assert "aid" in commitment.what


def test_the_same_meeting_twice_is_one_commitment(parse):
    body = ("The ministers will meet in Geneva on Friday. "
            '"We look forward to the meeting in Geneva on Friday," the envoy said.')
    first, second = (m.start() for m in re.finditer("on Friday", body))
    doc = build(parse, body)
    doc.timexes = [Timex(text="on Friday", start=first, end=first + 9, value="2016-03-04"),
                   Timex(text="on Friday", start=second, end=second + 9, value="2016-03-04")]
    assert len(find_commitments(doc)) == 1


def test_cue_table_has_all_firmness_levels():
    assert set(commitment_cues().firmness.values()) == {"agreed", "announced", "hoped", "demanded"}


@pytest.mark.parametrize("word, present", [("pledged", True), ("due", True), ("hoped", True), ("summit", True),
                                           ("will", False), ("the", False)])
def test_prefilter_forms(word, present):
    assert (word in prefilter_forms()) is present


# ---------------------------------------------------------------------------------- the real pipeline
SEED_DATED = [
    ("2015-12-18", "day", None),
    ("2016-01", "month", "hoped"),
    ("2016", "early in year", None),
    ("2016-06", "month", None),
    ("2017-11", "within P2Y of 2015-11", None),
]


@pytest.mark.parametrize("body, due, precision, firmness, bound", [
    ("The leaders of Russia and Ukraine will meet in Minsk on Wednesday to discuss the ceasefire, the Kremlin "
     "said.", "2016-03-02", "day", "announced", {"RUS GOV", "UKR GOV"}),
    ("Kiev vowed to withdraw heavy weapons within two weeks.", "2016-03-15", "within P2W of 2016-03-01",
     "announced", {"UKR GOV"}),
    ("North Korea gave South Korea an ultimatum to halt the broadcasts by Saturday or face military action.",
     "2016-03-05", "day", "demanded", {"PRK GOV"}),
])
def test_real_pipeline_commitments_on_new_text(pipeline, body, due, precision, firmness, bound):
    doc = pipeline(Document(body=body, published=PUBLISHED))
    found = [(c.due, c.precision, c.firmness) for c in doc.commitments]
    assert found == [(due, precision, firmness)]
    assert bound <= {b.label() for b in doc.commitments[0].by}


@pytest.mark.parametrize("due, precision, firmness", SEED_DATED)
def test_seed_article_dated_commitments(coded_seed, due, precision, firmness):
    found = [c for c in coded_seed.commitments if (c.due, c.precision) == (due, precision)]
    assert found, [(c.due, c.precision, c.what) for c in coded_seed.commitments]
    if firmness:
        assert found[0].firmness == firmness


def test_seed_article_meetings_bind_their_parties(coded_seed):
    by_due = {c.due: {b.label() for b in c.by} for c in coded_seed.commitments}
    assert by_due["2015-12-18"] & {"IGO GOV", "IGO", "RUS GOV", "USA GOV"}
    assert {"SYR REB", "SYR GOV"} <= by_due["2016"]


def test_seed_article_plans_bind_the_support_group(coded_seed):
    plans = {c.due: {b.code for b in c.by} for c in coded_seed.commitments if c.firmness == "agreed"}
    assert plans["2016-06"] == {"IGO"} and plans["2017-11"] == {"IGO"}


def test_seed_article_has_one_commitment_for_the_december_meeting(coded_seed):
    assert [c.due for c in coded_seed.commitments].count("2015-12-18") == 1


def test_a_verb_coordinated_in_another_form_is_a_commitment_of_its_own(pipeline):
    doc = pipeline(Document(body="The African Union said the delegations would meet in Kinshasa on Tuesday and hoped "
                                 "to reach a binding agreement by June.", published="2021-04-05"))
    assert sorted(c.what for c in doc.commitments) == ["delegations meet in Kinshasa", "reach a binding agreement"]
