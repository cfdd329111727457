"""Commitment tracking across documents: kept, missed and pending over a small dated corpus."""

from __future__ import annotations

import pytest

from detente.tracking import add_duration, document_topics, due_window, precision_of, track


@pytest.mark.parametrize("due, precision, window", [
    ("2015-12-18", "day", ("2015-12-18", "2015-12-18")),
    ("2016-06", "month", ("2016-06-01", "2016-06-30")),
    ("2016-02", "month", ("2016-02-01", "2016-02-29")),
    ("2016", "year", ("2016-01-01", "2016-12-31")),
    ("2016", "early in year", ("2016-01-01", "2016-04-30")),
    ("2016", "mid-year", ("2016-05-01", "2016-08-31")),
    ("2016-02", "late in month", ("2016-02-21", "2016-02-29")),
    ("2016-02", "early in month", ("2016-02-01", "2016-02-10")),
    ("2016", "late in year", ("2016-09-01", "2016-12-31")),
    ("2016-W10", "week", ("2016-03-07", "2016-03-13")),
    ("2016-Q4", "quarter", ("2016-10-01", "2016-12-31")),
    ("2017-11", "within P2Y of 2015-11", ("2015-11-01", "2017-11-30")),
    (None, None, None),
    ("2016-06", "within P2Y of nonsense", None),
])
def test_due_window(due, precision, window):
    assert due_window(due, precision) == window


@pytest.mark.parametrize("anchor, duration, due", [
    ("2015-11", "P2Y", "2017-11"),
    ("2015-12-16", "P2Y", "2017-12-16"),
    ("2015-12-16", "P6M", "2016-06-16"),
    ("2015-12-16", "P3W", "2016-01-06"),
    ("2015", "P2Y", "2017"),
    ("2015-11", "P18M", "2017-05"),
    ("2015-11", "soon", None),
])
def test_add_duration(anchor, duration, due):
    assert add_duration(anchor, duration) == due


@pytest.mark.parametrize("value, mod, precision", [
    ("2015-12-18", None, "day"), ("2016-06", "ON_OR_BEFORE", "month"), ("2016", "START", "early in year"),
    ("2016", "END", "late in year"), ("2016-W10", None, "week"), ("PRESENT_REF", None, None),
])
def test_precision_of(value, mod, precision):
    assert precision_of(value, mod) == precision


# ------------------------------------------------------------------------------------------ the corpus
def entity(label: str) -> dict:
    code, *sector = label.split()
    return {"code": code, "sector": sector, "entity_text": code, "identifier_text": None}


def event(event_id: str, category: str, actors: list[str], recipients: list[str], date: str, status: str,
          place: str | None = None) -> dict:
    return {"id": event_id, "event": [category], "actor": [entity(a) for a in actors],
            "recipient": [entity(r) for r in recipients], "date": date, "status": status,
            "event_loc": {"name": place} if place else None}


# Article 1, 2016-03-01: "The Russian and Turkish foreign ministers will meet in Geneva on Friday" (a planned
# CONSULT), and "Damascus promised elections by June".
# Article 2, 2016-03-10: "NATO said it would withdraw its trainers by the end of 2017".
# Article 3, 2016-03-05: "The ministers met in Geneva on Friday" (the meeting was held).
# Article 4, 2016-04-20 and article 5, 2016-07-15: reports on Syria with no election held.
ARTICLE_EVENTS = [
    event("a1-e1", "CONSULT", ["RUS GOV"], ["TUR GOV"], "2016-03-04", "planned", "Geneva"),
    event("a3-e1", "CONSULT", ["RUS GOV"], ["TUR GOV"], "2016-03-04", "occurred", "Geneva"),
    event("a4-e1", "ASSAULT", ["SYR GOV"], ["SYR REB"], "2016-04-19", "occurred"),
    event("a5-e1", "ACCUSE", ["SYR OPP"], ["SYR GOV"], "2016-07-14", "occurred"),
]
COMMITMENTS = [
    {"what": "foreign ministers meet in Geneva", "by": [entity("RUS GOV"), entity("TUR GOV")],
     "due": "2016-03-04", "precision": "day", "firmness": "announced", "event_id": "a1-e1",
     "published": "2016-03-01"},
    {"what": "elections in Syria", "by": [entity("SYR GOV")], "due": "2016-06", "precision": "month",
     "firmness": "announced", "event_id": None, "category": ["CONSULT"], "published": "2016-03-01"},
    {"what": "NATO trainers withdraw", "by": [entity("IGO")], "due": "2017", "precision": "late in year",
     "firmness": "announced", "event_id": None, "category": ["RETREAT"], "published": "2016-03-10"},
]


def statuses(tracked: list[dict]) -> list[tuple[str, str | None]]:
    return [(t["status"], t["kept_by"]) for t in tracked]


def test_corpus_ends_with_kept_missed_and_pending():
    tracked = track(COMMITMENTS, ARTICLE_EVENTS, coverage_until="2016-07-15")
    assert statuses(tracked) == [("kept", "a3-e1"), ("missed", None), ("pending", None)]


def test_tracking_again_after_more_coverage_updates_statuses():
    early = track(COMMITMENTS, ARTICLE_EVENTS[:1], coverage_until="2016-03-02")
    assert statuses(early) == [("pending", None), ("pending", None), ("pending", None)]
    later = track(early, ARTICLE_EVENTS, coverage_until="2016-07-15")
    assert statuses(later) == [("kept", "a3-e1"), ("missed", None), ("pending", None)]


@pytest.mark.parametrize("held, status", [
    (event("x", "CONSULT", ["RUS GOV"], ["TUR GOV"], "2016-03-04", "occurred", "Geneva"), "kept"),
    # the report comes a day late, dated by its publication
    (event("x", "CONSULT", ["RUS GOV"], ["TUR GOV"], "2016-03-05", "occurred", "Geneva"), "kept"),
    # wrong place
    (event("x", "CONSULT", ["RUS GOV"], ["TUR GOV"], "2016-03-04", "occurred", "Vienna"), "missed"),
    # other actors
    (event("x", "CONSULT", ["USA GOV"], ["IRN GOV"], "2016-03-04", "occurred", "Geneva"), "missed"),
    # incompatible category
    (event("x", "ASSAULT", ["RUS GOV"], ["TUR GOV"], "2016-03-04", "occurred", "Geneva"), "missed"),
    # only planned again, not held
    (event("x", "CONSULT", ["RUS GOV"], ["TUR GOV"], "2016-03-04", "planned", "Geneva"), "missed"),
    # held long after the day
    (event("x", "CONSULT", ["RUS GOV"], ["TUR GOV"], "2016-05-02", "occurred", "Geneva"), "missed"),
])
def test_what_keeps_a_planned_meeting(held, status):
    (tracked,) = track(COMMITMENTS[:1], [ARTICLE_EVENTS[0], held, LATER_NEWS_OF_RUSSIA], coverage_until="2016-06-01")
    assert tracked["status"] == status


# A later report about one of the parties, of a kind that keeps nothing: news of them went on.
LATER_NEWS_OF_RUSSIA = event("n1", "ACCUSE", ["RUS GOV"], ["USA GOV"], "2016-05-20", "occurred")
LATER_NEWS_OF_SYRIA = event("n2", "ACCUSE", ["SYR GOV"], ["USA GOV"], "2016-07-10", "occurred")


@pytest.mark.parametrize("later_news, status", [
    ([], "pending"),  # the store runs on, but says nothing more of Russia or Turkey: nothing to call it missed
    ([event("n", "ACCUSE", ["USA GOV"], ["IRN GOV"], "2016-05-20", "occurred")], "pending"),  # news of others
    ([LATER_NEWS_OF_RUSSIA], "missed"),
])
def test_a_day_passes_as_missed_only_when_news_of_its_parties_goes_on(later_news, status):
    (tracked,) = track(COMMITMENTS[:1], [ARTICLE_EVENTS[0], *later_news], coverage_until="2016-06-01")
    assert tracked["status"] == status


def test_a_deadline_is_kept_by_an_event_before_it():
    promise = dict(COMMITMENTS[1], category=["RETREAT"])
    done = event("w", "RETREAT", ["SYR GOV"], [], "2016-04-02", "occurred")
    assert track([promise], [done], coverage_until="2016-07-15")[0]["status"] == "kept"


def test_an_event_before_the_announcement_does_not_keep_it():
    promise = dict(COMMITMENTS[1], category=["RETREAT"])
    earlier = event("w", "RETREAT", ["SYR GOV"], [], "2016-02-02", "occurred")
    assert track([promise], [earlier, LATER_NEWS_OF_SYRIA], coverage_until="2016-07-15")[0]["status"] == "missed"


@pytest.mark.parametrize("later_news, status", [
    ([event("n", "ACCUSE", ["EGY GOV"], ["ETH GOV"], "2017-02-01", "occurred")], "pending"),  # another process
    ([event("n", "ACCUSE", ["SYR GOV"], ["TUR GOV"], "2017-02-01", "occurred")], "missed"),  # the same states
])
def test_a_mediators_deadline_is_missed_only_when_news_of_the_states_it_concerns_goes_on(later_news, status):
    agreed = {"what": "a transitional administration", "by": [entity("IGO GOV")], "due": "2016-06",
              "precision": "month", "firmness": "agreed", "event_id": None, "category": ["AGREE"],
              "published": "2015-12-16", "doc_id": "seed"}
    reported = dict(event("s1", "REQUEST", ["SYR REB"], ["SYR GOV"], "2015-12-16", "occurred"), doc_id="seed")
    (tracked,) = track([agreed], [reported, *later_news], coverage_until="2017-03-01")
    assert tracked["status"] == status
    # what the document names most as countries, when known, says what it is about
    (tracked,) = track([agreed], [reported, *later_news], coverage_until="2017-03-01", doc_topics={"seed": {"EGY"}})
    assert tracked["status"] == {"pending": "missed", "missed": "pending"}[status]


def test_document_topics_are_the_countries_named_most_as_countries():
    places = [{"doc_id": "seed", "country": c, "feature": f} for c, f in [
        ("SYR", "PCLI"), ("RUS", "PCLI"), ("SYR", "PCLI"), ("RUS", "PCLI"), ("USA", "PCLI"),
        ("USA", "PPL"), ("USA", "PPL"), ("USA", "PPL")]]  # towns do not count: New York is not the topic
    assert document_topics(places) == {"seed": {"SYR", "RUS"}}


@pytest.mark.parametrize("deadline, status", [(True, "kept"), (False, "missed")])
def test_a_deadline_for_a_day_is_kept_from_the_announcement_on(deadline, status):
    # "Russia will withdraw its troops by December 18", said on December 10; the withdrawal came on the 15th
    promise = {"what": "withdraw its troops", "by": [entity("RUS GOV")], "due": "2015-12-18", "precision": "day",
               "deadline": deadline, "category": ["RETREAT"], "event_id": None, "published": "2015-12-10"}
    done = event("w", "RETREAT", ["RUS GOV"], [], "2015-12-15", "occurred")
    later = event("n", "ACCUSE", ["RUS GOV"], ["USA GOV"], "2016-01-10", "occurred")
    assert track([promise], [done, later], coverage_until="2016-01-10")[0]["status"] == status


def test_a_planned_event_of_an_undated_document_is_no_later_news():
    promise = dict(COMMITMENTS[1], category=["RETREAT"])
    planned = event("p", "CONSULT", ["SYR GOV"], ["RUS GOV"], "2017-01-15", "planned")
    assert track([promise], [planned], coverage_until="2017-02-01")[0]["status"] == "pending"


def test_a_meeting_set_for_a_day_is_not_kept_by_a_meeting_before_that_day():
    # announced on March 1 for Friday, March 4: a meeting of the same parties on March 1 is another one
    before = event("b", "CONSULT", ["RUS GOV"], ["TUR GOV"], "2016-03-01", "occurred", "Geneva")
    (tracked,) = track(COMMITMENTS[:1], [ARTICLE_EVENTS[0], before, LATER_NEWS_OF_RUSSIA], coverage_until="2016-06-01")
    assert tracked["status"] == "missed"


def test_store_rows_with_labels_are_tracked_too():
    row = {"what": "talks", "by_labels": ["RUS GOV", "TUR GOV"], "due": "2016-03-04", "precision": "day",
           "event_id": None, "category": ["CONSULT"]}
    store_event = {"event_id": "s1", "event_types": ["CONSULT"], "actor_labels": ["RUS GOV"],
                   "recipient_labels": ["TUR GOV"], "event_date": "2016-03-04", "status": "occurred",
                   "place_name": "Geneva"}
    assert statuses(track([row], [store_event], coverage_until="2016-04-01")) == [("kept", "s1")]


def test_undated_commitments_stay_pending():
    undated = {"what": "ceasefires", "by": [], "due": None, "precision": None}
    assert track([undated], ARTICLE_EVENTS, coverage_until="2030-01-01")[0]["status"] == "pending"


@pytest.mark.parametrize("held, status", [
    # the parties the mediator announced, coded by name in the report of the meeting
    (event("x", "CONSULT", ["EGY GOV"], ["ETH GOV"], "2021-04-06", "occurred", "Kinshasa"), "kept"),
    (event("x", "CONSULT", ["EGY GOV"], ["ETH GOV"], "2021-04-06", "occurred", "Addis Ababa"), "missed"),
    (event("x", "ACCUSE", ["EGY GOV"], ["ETH GOV"], "2021-04-06", "occurred", "Kinshasa"), "missed"),
])
def test_a_meeting_a_mediator_announced_is_kept_by_a_meeting_at_the_town_it_named(held, status):
    announced = {"what": "delegations meet in Kinshasa", "by": [entity("IGO GOV")], "due": "2021-04-06",
                 "precision": "day", "firmness": "announced", "event_id": None, "category": ["CONSULT"],
                 "published": "2021-04-05"}
    (tracked,) = track([announced], [held], coverage_until="2021-06-01")
    assert tracked["status"] == status


def test_a_commitment_that_names_no_kind_of_act_is_not_kept_by_any_event_of_its_party():
    fill = {"what": "fill the reservoir", "by": [entity("ETH GOV")], "due": "2021-07", "precision": "month",
            "firmness": "announced", "event_id": None, "published": "2021-04-08"}
    accusation = event("x", "ACCUSE", ["EGY GOV"], ["ETH GOV"], "2021-04-08", "occurred")
    assert statuses(track([fill], [accusation], coverage_until="2021-04-08")) == [("pending", None)]
