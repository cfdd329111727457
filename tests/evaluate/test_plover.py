"""PLOVER gold reader and scorer, and the shared category tally."""

from __future__ import annotations

import json

import pytest

from detente.evaluate.plover import (CategoryTally, GoldEvent, evaluate_plover, main_event, normal_code,
                                     read_plover, roles_match, spread)
from detente.model import Document, Entity, Event
from tests.paths import shared_path

CATEGORIES = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
              "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}


def event(category: str, actors=(), recipients=(), confidence: float = 0.5) -> Event:
    return Event(id=category, event=[category], actor=[Entity(code=c) for c in actors],
                 recipient=[Entity(code=c) for c in recipients], confidence=confidence)


def test_real_gold_uses_current_categories():
    gold = read_plover(shared_path("data", "plover", "PLOVER_GSR_CAMEO.json"))
    assert len(gold) == 322
    assert {g.category for g in gold} <= CATEGORIES
    assert sum(g.category == "REQUEST" for g in gold) == 34  # DEMAND mapped
    assert sum(g.category == "ACCUSE" for g in gold) == 25  # DISAPPROVE 16 + INVESTIGATE 9
    assert sum(g.category == "ASSAULT" for g in gold) == 32  # ASSAULT 15 + FIGHT 17
    assert not any("NGO" in g.actors | g.recipients for g in gold)  # read as IGO, the way detente's NGO compares


@pytest.mark.parametrize("code, expected", [("JAP", "JPN"), ("usa", "USA"), ("", None), (None, None)])
def test_normal_code(code, expected):
    assert normal_code(code) == expected


@pytest.mark.parametrize("predicted, gold, expected", [
    (event("AGREE", ["USA"], ["RUS"]), GoldEvent("a", "", "AGREE", {"USA"}, {"RUS"}), (True, True)),
    (event("AGREE", ["USA"], []), GoldEvent("a", "", "AGREE", {"USA"}, {"RUS"}), (True, False)),
    (event("AGREE", ["USA"], ["JOR"]), GoldEvent("a", "", "AGREE", {"USA", "JOR"}, set(), True), (True, True)),
    (event("AGREE", ["UNO"], []), GoldEvent("a", "", "AGREE", {"IGO"}, set()), (True, True)),
    # the 0.5b1 gold codes international NGOs (Amnesty, the Red Cross) as IGO
    (event("ACCUSE", ["NGO"], ["USA"]), GoldEvent("a", "", "ACCUSE", {"IGO"}, {"USA"}), (True, True)),
    (event("ACCUSE", ["NGO"], ["USA"]), GoldEvent("a", "", "ACCUSE", {"USA"}, {"USA"}), (False, True)),
])
def test_roles_match(predicted, gold, expected):
    assert roles_match(predicted, gold) == expected


def test_main_event_prefers_confidence_then_order():
    first, second, third = event("AGREE", confidence=0.5), event("REJECT", confidence=0.7), event("AID", confidence=0.7)
    assert main_event([first, second, third]) is second
    assert main_event([]) is None


def test_category_tally():
    tally = CategoryTally()
    for gold, predicted in [("AGREE", "AGREE"), ("AGREE", "SUPPORT"), ("REJECT", None), (None, "REJECT")]:
        tally.add(gold, predicted)
    report = tally.report()
    assert report["accuracy"] == 0.25
    assert report["per_category"]["AGREE"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}
    assert report["per_category"]["REJECT"]["precision"] == 0.0
    assert report["confusion"]["AGREE"] == {"AGREE": 1, "SUPPORT": 1}
    assert report["micro"]["recall"] == pytest.approx(1 / 3, abs=1e-4)


def test_evaluate_plover_with_a_stub_pipeline(tmp_path):
    records = [
        {"id": "DOC", "event": "DOCUMENT"},
        {"id": "1", "event": "DEMAND", "text": "X demanded.", "source": [{"code": "USA"}], "target": [{"code": "RUS"}]},
        {"id": "2", "event": "FIGHT", "text": "Y fought.", "source": [{"code": "SYR"}], "target": ""},
    ]
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(records))

    def pipeline(doc: Document) -> Document:
        doc.events = [event("REQUEST", ["USA"], ["RUS"])] if doc.body.startswith("X") else []
        return doc

    report = evaluate_plover([path], pipeline)
    assert report["sentences"] == 2
    assert report["category_accuracy"] == 0.5
    assert report["actor_category_recipient"] == 0.5
    assert report["extra_events_per_sentence"] == 0.0
    # record 1 is the tuning half's (even position), record 2 the held-out half's
    assert (report["category_accuracy_tune"], report["category_accuracy_held"]) == (1.0, 0.0)
    assert (report["actor_category_recipient_tune"], report["actor_category_recipient_held"]) == (1.0, 0.0)


@pytest.mark.parametrize("size, limit, expected", [
    (10, 3, [0, 3, 6]), (10, None, list(range(10))), (3, 5, [0, 1, 2]), (4, 4, [0, 1, 2, 3]), (0, 2, []),
])
def test_spread(size, limit, expected):
    assert spread(list(range(size)), limit) == expected
