"""Matching predicted events against the analyst's expected record."""

from __future__ import annotations

import pytest

from detente.evaluate.seed import commitment_parts, match, quote_matches, stance_matches
from detente.model import Commitment, Entity, Event, Quote, Stance


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


def quote(speaker, text, code=None, sector=()):
    return Quote(Entity(code=code, sector=list(sector), entity_text=speaker, identifier_text=speaker), text,
                 "direct", "said", 0, len(text))


EXPECTED_QUOTE = {"speaker": "Sergei Lavrov", "actor": "RUS GOV", "kind": "direct",
                  "text": "We support the idea of convening another meeting this Friday, December 18."}


@pytest.mark.parametrize("predicted, right", [
    (quote("Lavrov", "We support the idea of convening another meeting this Friday, December 18."), True),
    (quote("the minister", "We support the idea of convening another meeting", "RUS", ["GOV"]), True),
    (quote("Kerry", "We support the idea of convening another meeting this Friday, December 18."), False),
    (quote("Lavrov", "December 18"), False),  # too little of the content
])
def test_quote_matches(predicted, right):
    assert quote_matches(predicted, EXPECTED_QUOTE) is right


def stance(label, issue, key, polarity):
    code, *sector = label.split()
    return Stance(Entity(code=code, sector=sector), issue, key, polarity, None, {})


EXPECTED_STANCE = {"holder": "RUS GOV", "issue": "removal of Bashar al-Assad", "polarity": "against"}


@pytest.mark.parametrize("predicted, right", [
    (stance("RUS GOV", "removal of Bashar al-Assad", "removal-of:Bashar al-Assad", "against"), True),
    (stance("RUS", "Assad stepping down", "removal-of:Bashar al-Assad", "against"), True),
    (stance("RUS GOV", "removal of Bashar al-Assad", "removal-of:Bashar al-Assad", "for"), False),
    (stance("IRN GOV", "removal of Bashar al-Assad", "removal-of:Bashar al-Assad", "against"), False),
    (stance("RUS GOV", "talks on SYR", "talks:SYR", "against"), False),
])
def test_stance_matches(predicted, right):
    assert stance_matches(predicted, EXPECTED_STANCE) is right


EXPECTED_COMMITMENT = {"what": "transitional administration in Syria", "due": "2016-06", "precision": "month",
                       "by": ["IGO"]}


def commitment(what, due, precision, by, firmness="agreed"):
    return Commitment(what, [Entity(code=b.split()[0], sector=b.split()[1:]) for b in by], due, precision,
                      firmness, None, {})


@pytest.mark.parametrize("predicted, wrong", [
    (commitment("creation of a transitional administration", "2016-06", "month", ["IGO GOV"]), []),
    (commitment("creation of a transitional administration", "2016-06", "month", []), ["by"]),
    (commitment("creation of a transitional administration", "2016-06", "month", ["IGO", "SYR GOV"]), ["by"]),
    (commitment("creation of a transitional administration", "2016", "year", ["IGO"]), ["due", "precision"]),
    (commitment("elections", "2016-06", "month", ["IGO"]), ["what"]),
])
def test_commitment_parts(predicted, wrong):
    parts = commitment_parts(predicted, EXPECTED_COMMITMENT)
    assert [k for k, ok in parts.items() if not ok] == wrong


def test_firmness_counts_only_where_expected():
    hoped = dict(EXPECTED_COMMITMENT, firmness="hoped")
    predicted = commitment("transitional administration", "2016-06", "month", ["IGO"], "agreed")
    assert commitment_parts(predicted, EXPECTED_COMMITMENT)["firmness"] is True
    assert commitment_parts(predicted, hoped)["firmness"] is False


def test_seed_report_scores_statements():
    from detente.evaluate.seed import score_statements
    from detente.model import Document

    doc = Document(body="x")
    doc.quotes = [quote("Lavrov", EXPECTED_QUOTE["text"])]
    expected = {"quotes": [EXPECTED_QUOTE, dict(EXPECTED_QUOTE, speaker="John Kerry", actor="USA GOV")],
                "stances": [EXPECTED_STANCE], "commitments": [EXPECTED_COMMITMENT]}
    report = score_statements(doc, expected)
    assert (report["quotes_required"], report["quotes_required_found"]) == (2, 1)
    assert (report["stances_required_found"], report["commitments_required_found"]) == (0, 0)
    assert len(report["statement_misses"]) == 3
