"""ConfliBERT CAMEO class and NER scoring helpers."""

from __future__ import annotations

import pytest

from detente.evaluate.conflibert import (cameo_quad, detokenized, evaluate_class, evaluate_ner, gold_spans,
                                         is_class_gold, is_ner_gold, penta_to_quad, predicted_classes, predicted_spans,
                                         read_conll, role_predictions, token_offsets)
from detente.model import Document, Entity, Event


@pytest.mark.parametrize("cameo, quad", [("03", 1), ("05", 1), ("07", 2), ("08", 2), ("09", 3), ("13", 3),
                                         ("14", 4), ("18", 4), ("20", 4), (None, None), ("xx", None)])
def test_cameo_quad(cameo, quad):
    assert cameo_quad(cameo) == quad


@pytest.mark.parametrize("label, quad", [(0, 1), (1, 1), (2, 2), (3, 3), (4, 4)])
def test_penta_to_quad(label, quad):
    assert penta_to_quad(label) == quad


CONLL = "Iraqi B-S\ntroops I-S\nattacked O\nthe B-T\nKurds I-T\n. O\n\nTalks B-R\nended O\n"


def test_read_conll_and_spans(tmp_path):
    path = tmp_path / "ner.txt"
    path.write_text(CONLL)
    first, second = read_conll(path)
    assert gold_spans(first, "S") == {(0, 2)} and gold_spans(first, "T") == {(3, 5)}
    assert gold_spans(second, "S") == {(0, 1)} == gold_spans(second, "T")
    assert is_ner_gold(path)


def test_predicted_spans_from_event_entities():
    tokens = [("Iraqi", "B-S"), ("troops", "I-S"), ("attacked", "O"), ("the", "B-T"), ("Kurds", "I-T")]
    text, offsets = token_offsets(tokens)
    assert text == "Iraqi troops attacked the Kurds"
    event = Event(id="e", event=["ASSAULT"], actor=[Entity(code="IRQ", start=0, end=12)],
                  recipient=[Entity(code="IRQ", start=26, end=31)])
    assert predicted_spans([event], offsets, "S") == {(0, 2)}
    assert predicted_spans([event], offsets, "T") == {(4, 5)}


def test_evaluate_class_with_a_stub_pipeline(tmp_path):
    path = tmp_path / "class.tsv"
    path.write_text("Troops attacked.\t4\r\nLeaders met.\t1\r\nHe spoke.\t0\r\n")
    assert is_class_gold(path)

    def pipeline(doc: Document) -> Document:
        doc.events = [Event(id="e", event=["ASSAULT"], cameo="18")] if "attacked" in doc.body else []
        return doc

    report = evaluate_class([path], pipeline)
    assert report["sentences"] == 3
    assert report["quad_accuracy"] == 1.0  # no event counts as a statement, i.e. verbal cooperation
    assert report["penta_accuracy"] == pytest.approx(0.6667)


@pytest.mark.parametrize("category, quad_code, cameo, expected", [
    ("SANCTION", 3, "16", (3, 3)),  # the PLOVER quad table, not CAMEO's root 16
    ("CONCEDE", 1, "08", (1, 1)),
    ("REQUEST", 3, "02", (1, 1)),  # a trigger CAMEO files under appeals
    ("ASSAULT", None, "18", (4, 4)),
])
def test_predicted_classes(category, quad_code, cameo, expected):
    assert predicted_classes([Event(id="e", event=[category], quad_code=quad_code, cameo=cameo)]) == expected


def test_no_event_is_a_statement():
    assert predicted_classes([]) == (0, 1)


@pytest.mark.parametrize("words, printed", [
    ("Libyan Prime Minister Fayez al - Sarraj said .", "Libyan Prime Minister Fayez al-Sarraj said."),
    ("Japan ’ s government , the U.N. - backed body", "Japan’s government, the U.N.-backed body"),
    ("Nigerian Air Force ( NAF ) killed 3 , 000", "Nigerian Air Force (NAF) killed 3,000"),
    ("Farmers ’ Federation gave $ 2 million", "Farmers’ Federation gave $2 million"),
    ("Russia 's president , Mr Putin", "Russia's president, Mr Putin"),
])
def test_detokenized_reads_like_news(words, printed):
    tokens = [(w, "O") for w in words.split()]
    text, offsets = detokenized(tokens)
    assert text == printed
    assert [text[s:e] for s, e in offsets] == [w for w, _ in tokens]


@pytest.mark.parametrize("words, spans, merged", [
    ("Britain and Germany agreed", [(0, 1), (2, 3)], {(0, 3)}),
    ("Russia , Iran and Turkey met", [(0, 1), (2, 3), (4, 5)], {(0, 5)}),
    ("Russia met Iran", [(0, 1), (2, 3)], {(0, 1), (2, 3)}),
])
def test_compound_actors_score_as_one_span(words, spans, merged):
    tokens = [(w, "O") for w in words.split()]
    text, offsets = token_offsets(tokens)
    actors = [Entity(code="X", start=offsets[s][0], end=offsets[e - 1][1]) for s, e in spans]
    event = Event(id="e", event=["AGREE"], actor=actors)
    assert predicted_spans([event], offsets, "S", [w for w, _ in tokens]) == merged
    assert predicted_spans([event], offsets, "S") == set(spans)  # without the words, no merging
    one_sided = Event(id="e", event=["AGREE"], actor=actors, recipient=[Entity(code="Y", start=0, end=1)])
    assert predicted_spans([one_sided], offsets, "S", [w for w, _ in tokens]) == set(spans)


def test_evaluate_ner_scores_halves_apart(tmp_path):
    path = tmp_path / "ner.txt"
    path.write_text("Iraqi B-S\ntroops I-S\nattacked O\nthe B-T\nKurds I-T\n\nTurkey B-S\nwarned O\nIraq B-T\n")

    def pipeline(doc: Document) -> Document:  # right on the first sentence only
        if doc.body.startswith("Iraqi"):
            doc.events = [Event(id="e", event=["ASSAULT"], actor=[Entity(code="IRQ", start=0, end=12)],
                                recipient=[Entity(code="IRQ", start=22, end=31)])]
        return doc

    report = evaluate_ner([path], pipeline)
    assert report["sentences"] == 2 and report["tune_sentences"] == 1 == report["held_out_sentences"]
    assert report["tune_source"]["exact"]["f1"] == 1.0
    assert report["held_out_source"]["exact"]["recall"] == 0.0
    assert report["source"]["exact"]["recall"] == 0.5


@pytest.mark.parametrize("labels, expected_s, expected_t", [
    # Reciprocal parties: the recipient Erdogan is also a source, the actor Putin also a target.
    (["B-R", "O", "B-R"], {(0, 1), (2, 3)}, {(0, 1), (2, 3)}),
    # A plain source and target keep their roles.
    (["B-S", "O", "B-T"], {(0, 1)}, {(2, 3)}),
])
def test_reciprocal_parties_count_in_either_role(labels, expected_s, expected_t):
    tokens = list(zip(["Putin", "met", "Erdogan"], labels))
    text, offsets = token_offsets(tokens)
    event = Event(id="e", event=["CONSULT"], actor=[Entity(code="RUS", start=0, end=5)],
                  recipient=[Entity(code="TUR", start=10, end=17)])
    predicted = role_predictions(tokens, [event], offsets)
    assert (predicted["S"], predicted["T"]) == (expected_s, expected_t)
