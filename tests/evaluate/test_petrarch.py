"""PETRARCH unit records: CAMEO -> PLOVER mapping, actor codes, the test-only actor list."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.evaluate.petrarch import (actor_country, add_listed_actors, cameo_to_plover, is_cameo,
                                       load_actor_list, read_mapping, read_petrarch)
from detente.model import Document, Entity
from tests.paths import REPO, shared_path

ACTORS = REPO / "tests" / "data" / "petrarch_actors.yaml"


@pytest.fixture(scope="module")
def mapping():
    return read_mapping(shared_path("data", "plover", "CAMEO2PLOVER-2021.txt"))


@pytest.mark.parametrize("code, category", [
    ("0311", "AGREE"), ("042", "CONSULT"), ("064", "COOPERATE"), ("1721", "COERCE"), ("190", "ASSAULT"),
    ("163", "COERCE"), ("010", None), ("901", None), ("", None),
])
def test_cameo_to_plover(mapping, code, category):
    assert cameo_to_plover(code, mapping) == category


@pytest.mark.parametrize("code, country", [("DAGGOV", "DAG"), ("GON", "GON"), ("---GOV", None), ("###", None)])
def test_actor_country(code, country):
    assert actor_country(code) == country


@pytest.mark.parametrize("code, expected", [
    ("023", True), ("041", True), ("1717", True), ("174K", True), ("201", True),
    ("212", False), ("345", False), ("802", False), ("903", False), ("20", False), ("", False), (None, False),
])
def test_is_cameo(code, expected):
    assert is_cameo(code) is expected


def test_records_with_test_codes_are_left_out(tmp_path, mapping):
    path = tmp_path / "recs.jsonl"
    path.write_text("\n".join([
        '{"id": "a", "text": "Arnor will contribute.", "event_codings": [{"eventcode": "903"}]}',
        '{"id": "b", "text": "Arnor said.", "event_codings": [{"eventcode": "010"}]}',
    ]) + "\n")
    assert [(r.id, r.categories) for r in read_petrarch(path, mapping)] == [("b", set())]


def test_records_are_read_with_plover_categories(mapping):
    records = read_petrarch(shared_path("data", "petrarch", "petr_unittest_records.jsonl"), mapping)
    by_id = {r.id: r for r in records}
    assert "ERROR-01" not in by_id  # records expected to fail are left out
    assert by_id["DEMO-00"].categories == {"COOPERATE"} and by_id["DEMO-00"].sources == {"ARN"}
    assert by_id["DEMO-24"].categories == set()  # "noevents"


def test_listed_actors_replace_overlapping_mentions():
    doc = Document(body="Arnor is about to restore ties with Minas Tirith.")
    doc.mentions = [Entity(code=None, entity_text="Minas", start=36, end=41)]
    add_listed_actors(doc, load_actor_list(Path(ACTORS)))
    assert [(m.entity_text, m.code) for m in doc.mentions] == [("Arnor", "ARN"), ("Minas Tirith", "GON")]


def test_actor_list_sectors():
    entities = {e.entity_text: e for _, e in load_actor_list(Path(ACTORS))}
    assert (entities["Romendacil"].code, entities["Romendacil"].sector) == ("BRE", ["GOV"])
