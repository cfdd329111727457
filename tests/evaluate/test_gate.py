"""The CI accuracy gate: `detente eval --check-floors` over every gold set (events, actors, places, quotes,
time), as a user would run it."""

from __future__ import annotations

import io
import json

from detente.cli import main
from tests.paths import SEED_EXPECTED, shared_path


def test_eval_gate_on_the_dev_sets_meets_every_floor():
    gold = [
        shared_path("data", "plover", "PLOVER_GSR_CAMEO.json"),
        shared_path("data", "petrarch", "petr_unittest_records.jsonl"),
        shared_path("data", "conflibert", "cameo_class_train.tsv"),
        shared_path("data", "conflibert", "cameo_ner_train.txt"),
        shared_path("data", "news", "bbc_fulltext_2004_2005.jsonl"),
        SEED_EXPECTED,
        shared_path("data", "geoparsing", "lgl.xml"),
        shared_path("data", "geoparsing", "GeoVirus.xml"),
        shared_path("data", "polnear", "polnear_attributions_half_a.jsonl"),
        shared_path("data", "tempeval3", "TBAQ-cleaned"),
    ]
    out = io.StringIO()
    code = main(["eval", *map(str, gold), "--limit", "150", "--check-floors", "--json"], out=out)
    result = json.loads(out.getvalue())
    assert result["floor_failures"] == [], result["floor_failures"]
    assert code == 0
    # Every set was scored against its own @150 floors, not skipped.
    assert len(result["report"]["sets"]) == len(gold)
