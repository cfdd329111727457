"""Matching predicted events against the analyst's expected record."""

from __future__ import annotations

import pytest

from detente.evaluate.seed import match
from detente.model import Entity, Event


def event(category, actors, recipients=(), status="occurred"):
    entity = lambda label: Entity(code=label.split()[0], sector=label.split()[1:])  # noqa: E731
    return Event(id="e", event=[category], actor=[entity(a) for a in actors],
                 recipient=[entity(r) for r in recipients], status=status)


EXPECTED = {"actor": "USA GOV", "event_type": ["CONSULT"], "recipient": ["RUS GOV"], "status": "occurred"}


@pytest.mark.parametrize("predicted, parts", [
    (event("CONSULT", ["USA GOV"], ["RUS GOV"]), (True, True, True, True)),
    (event("CONSULT", ["USA GOV", "RUS GOV"]), (True, True, True, True)),  # PLOVER reciprocal form
    (event("CONSULT", ["USA"], ["RUS"]), (True, True, True, True)),  # sector unknown, not wrong
    (event("CONSULT", ["USA MIL"], ["RUS GOV"]), (True, False, True, True)),
    (event("AGREE", ["USA GOV"], ["RUS GOV"], "planned"), (False, True, True, False)),
    (event("CONSULT", ["USA GOV"], ["IRN GOV"]), (True, True, False, True)),
])
def test_match(predicted, parts):
    result = match(predicted, EXPECTED)
    assert (result["category"], result["actor"], result["recipient"], result["status"]) == parts


def test_null_recipient_allowed():
    expected = {"actor": ["RUS GOV", "IRN GOV"], "event_type": ["REJECT"], "recipient": ["SYR REB", None]}
    assert match(event("REJECT", ["RUS", "IRN"]), expected)["recipient"] is True
