"""PolNeAR scoring: the scorer's arithmetic on hand-made records, and the floors on a dev sample."""

from __future__ import annotations

import json

import pytest

from detente.evaluate.polnear import evaluate_polnear, is_reported_speech, polnear_pipeline, read_polnear
from detente.model import Document, Entity, Quote
from tests.paths import shared_path

TEXT = 'Lavrov said: "We support the talks." Kerry criticized the plan.'


def record(attributions: list[dict], compartment: str = "dev") -> dict:
    return {"filename": "x", "compartment": compartment, "publication_date": "2016-01-01", "title": "",
            "text": TEXT, "annotations": [{"annotator": "a", "attributions": attributions},
                                          {"annotator": "b", "attributions": []}]}


def span(start: int, end: int) -> list[dict]:
    return [{"spans": [[start, end]], "text": TEXT[start:end]}]


SPEECH = {"id": "E1", "source": span(0, 6), "cue": span(7, 11), "content": span(14, 35)}
STANCE = {"id": "E2", "source": span(37, 42), "cue": span(43, 53), "content": span(54, 62)}


class FixedPipeline:
    """Stands in for the pipeline: returns the quotes it was given."""

    def __init__(self, quotes: list[Quote]) -> None:
        self.quotes = quotes

    def __call__(self, doc: Document) -> Document:
        doc.quotes = list(self.quotes)
        return doc


@pytest.fixture
def gold_file(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(record([SPEECH, STANCE])) + "\n" + json.dumps(record([], "train")) + "\n")
    return path


LAVROV = Entity(entity_text="Lavrov", identifier_text="Sergei Lavrov", start=0, end=6)
ELSEWHERE = Entity(entity_text="he", identifier_text="Someone Else", start=50, end=52)


@pytest.mark.parametrize("quotes, figures", [
    # the speech attribution found exactly; the stance attribution missed
    ([Quote(LAVROV, "We support the talks.", "direct", "said", 14, 35)],
     {("detection", "precision"): 1.0, ("detection", "recall"): 0.5, ("content_matched", "f1"): 1.0,
      ("speaker", "f1"): 1.0, ("cue_accuracy",): 1.0, ("reported_speech", "detection", "recall"): 1.0,
      # end to end, the missed attribution's source counts as a wrong speaker
      ("speaker_all", "precision"): 1.0, ("speaker_all", "recall"): 0.5,
      ("halves", "even", "documents"): 1, ("halves", "odd", "documents"): 0}),
    # half the content, a wrong speaker, a wrong cue
    ([Quote(ELSEWHERE, "We support", "direct", "added", 14, 24)],
     {("content_matched", "precision"): 1.0, ("content_matched", "recall"): 0.5, ("speaker", "f1"): 0.0,
      ("cue_accuracy",): 0.0}),
    # a quote no gold attribution holds
    ([Quote(LAVROV, "Kerry", "indirect", "said", 37, 42)],
     {("detection", "precision"): 0.0, ("content", "precision"): 0.0, ("speaker", "f1"): 0.0,
      ("speaker_all", "precision"): 0.0}),
    # one gold quote found as two quotes, both with the right speaker: two right predictions, one gold found
    ([Quote(LAVROV, "We support", "direct", "said", 14, 24), Quote(LAVROV, "the talks.", "direct", "said", 25, 35)],
     {("speaker_all", "precision"): 1.0, ("speaker_all", "recall"): 0.5, ("detection", "precision"): 1.0}),
    # nothing predicted
    ([], {("detection", "recall"): 0.0, ("content", "f1"): 0.0}),
])
def test_scores_of_hand_made_predictions(gold_file, quotes, figures):
    report = evaluate_polnear([gold_file], FixedPipeline(quotes), compartments=["dev"])
    assert report["documents"] == 1 and report["gold"] == 2
    for path, expected in figures.items():
        value = report
        for key in path:
            value = value[key]
        assert value == pytest.approx(expected), path


def test_reader_filters_compartments_and_limits(gold_file):
    assert [r["compartment"] for r in read_polnear([gold_file])] == ["dev", "train"]
    assert [r["compartment"] for r in read_polnear([gold_file], ["train"])] == ["train"]
    assert len(list(read_polnear([gold_file], limit=1))) == 1


@pytest.mark.parametrize("attribution, speech", [(SPEECH, True), (STANCE, False)])
def test_reported_speech_subset(attribution, speech):
    assert is_reported_speech(attribution) is speech


# Floors on this sample (the first 12 dev articles), a little under what was measured when they were set
# (content F1 0.848, content_matched F1 0.944, speaker F1 0.852, reported-speech content F1 0.904, detection
# precision 0.963, cue accuracy 0.896; 2026-11-28).  Issue 6 asks for content F1 >= 0.80 over every gold
# content token and speaker F1 >= 0.75.  Floors only go up.
SAMPLE_DOCUMENTS = 12
FLOORS = {
    ("content_matched", "f1"): 0.93,
    ("speaker", "f1"): 0.85,
    ("reported_speech", "content", "f1"): 0.88,
    ("content", "f1"): 0.83,
    ("detection", "precision"): 0.95,
    ("cue_accuracy",): 0.88,
}


def test_polnear_dev_sample_meets_the_floors():
    path = shared_path("data", "polnear", "polnear_attributions_half_a.jsonl")
    report = evaluate_polnear([path], polnear_pipeline(), limit=SAMPLE_DOCUMENTS, compartments=["dev"])
    assert report["documents"] == SAMPLE_DOCUMENTS
    for keys, floor in FLOORS.items():
        value = report
        for key in keys:
            value = value[key]
        assert value >= floor, (keys, value)
