"""run_eval's choice of reader per gold file, floors and the terminal report."""

from __future__ import annotations

import json

import pytest

import detente.evaluate as evaluate
from detente.evaluate import check_floors, format_report, gold_kind, load_floors, metric, run_eval
from detente.model import Document


@pytest.mark.parametrize("name, content, kind", [
    ("a.expected.json", "{}", "seed"),
    ("gold.json", json.dumps([{"event": "DOCUMENT", "id": "x"}]), "plover"),
    ("recs.jsonl", json.dumps({"id": "a", "text": "t", "event_codings": []}) + "\n", "petrarch"),
    ("polnear_x.jsonl", "{}\n", "polnear"),
    ("class.tsv", "A sentence.\t3\n", "conflibert_class"),
    ("ner.txt", "Iraqi B-S\ntroops I-S\n", "conflibert_ner"),
    ("lgl.xml", "<articles/>", "geo"),
    ("doc.tml", "<TimeML/>", "timeml"),
    ("news.jsonl", json.dumps({"id": "a", "text": "t", "category": "politics"}) + "\n", "news"),
    ("notes.csv", "a,b\n", None),
])
def test_gold_kind(tmp_path, name, content, kind):
    path = tmp_path / name
    path.write_text(content)
    assert gold_kind(path) == kind


def test_folder_of_timeml_files(tmp_path):
    (tmp_path / "x.tml").write_text("<TimeML/>")
    assert gold_kind(tmp_path) == "timeml"


def test_missing_evaluator_is_reported_not_fatal(tmp_path, monkeypatch):
    path = tmp_path / "lgl.xml"
    path.write_text("<articles/>")
    monkeypatch.setitem(evaluate.RUNNERS, "geo", ("detente.evaluate.not_there", "evaluate_geo"))
    result = run_eval([str(path), str(tmp_path / "unknown.csv")], pipeline=None)
    assert "not available" in result["sets"]["lgl"]["error"]
    assert result["sets"]["unknown.csv"]["kind"] is None


def test_news_overgeneration_report(tmp_path):
    path = tmp_path / "news.jsonl"
    rows = [{"id": "1", "category": "politics", "text": "A. B."}, {"id": "2", "category": "sport", "text": "C."}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")

    def pipeline(doc: Document) -> Document:
        doc.sentences = [object(), object()]
        return doc

    report = run_eval([str(path)], pipeline)["sets"]["news"]
    assert (report["articles"], report["sentences"], report["events_per_article"]) == (1, 2, 0.0)


def test_limited_run_is_keyed_by_its_limit(tmp_path):
    path = tmp_path / "news.jsonl"
    rows = [{"id": str(i), "category": "politics", "text": "A."} for i in range(3)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")

    def pipeline(doc: Document) -> Document:
        doc.sentences = [object()]
        return doc

    sets = run_eval([str(path)], pipeline, limit=2)["sets"]
    assert list(sets) == ["news@2"] and sets["news@2"]["articles"] == 2


@pytest.mark.parametrize("value, failures", [(0.9, 0), (0.5, 1), (None, 1)])
def test_check_floors(value, failures):
    result = {"sets": {"gold": {"category": {"f1": value}}, "other": {"x": 0.1}}}
    assert len(check_floors(result, {"gold": {"category.f1": 0.75}})) == failures


@pytest.mark.parametrize("value, failures", [(2, 0), (3, 0), (4, 1)])
def test_check_ceilings(value, failures):
    result = {"sets": {"seed": {"extra_events": value}}}
    assert len(check_floors(result, {"seed": {"max extra_events": 3}})) == failures


def test_recorded_floors_are_numbers():
    floors = load_floors()
    assert floors and all(isinstance(v, (int, float)) for metrics in floors.values() for v in metrics.values())


def test_metric_path():
    assert metric({"a": {"b": {"c": 1}}}, "a.b.c") == 1 and metric({"a": 1}, "a.b") is None


def test_format_report_shows_categories_and_confusion():
    report = {"sets": {"g": {"kind": "plover", "category_accuracy": 0.5,
                             "per_category": {"AGREE": {"precision": 1.0, "recall": 0.5, "f1": 0.667, "support": 2}},
                             "confusion": {"AGREE": {"AGREE": 1, "-": 1}}}}, "seconds": 1}
    text = format_report(report)
    assert "category_accuracy" in text and "AGREE" in text and "gold\\pred" in text
