from __future__ import annotations

import pytest

from detente.errors import UsageError
from detente.model import Document
from detente.pipeline import REGISTRY, Pipeline, component


def test_unknown_component_is_a_usage_error():
    with pytest.raises(UsageError) as err:
        Pipeline(names=["prefilter", "no-such-stage"])
    assert err.value.code == "E202"


def test_every_configured_component_declares_its_contract(pipeline):
    described = pipeline.describe()
    assert [d["name"] for d in described] == pipeline.settings.get("pipeline.components")
    for item in described:
        assert item["version"] and item["assigns"] and item["requires"] and item["doc"], item


def test_a_failing_component_rejects_the_document_and_the_next_goes_on():
    @component("test-explodes-on-boom")
    class Explodes:
        version, requires, assigns = "1", ("body",), ("events",)

        def __init__(self, settings):
            pass

        def __call__(self, doc):
            if "boom" in doc.body:
                raise RuntimeError("boom")
            return doc

    try:
        pipe = Pipeline(names=["prefilter", "test-explodes-on-boom"])
        docs = list(pipe.pipe([Document(body="boom goes the stage"), Document(body="a quiet text")]))
    finally:
        REGISTRY.pop("test-explodes-on-boom")
    assert docs[0].rejected.code == "E113" and "RuntimeError" in docs[0].rejected.message
    assert docs[1].rejected is None


def test_parse_splits_paragraphs_and_parses_only_candidates():
    pipe = Pipeline(names=["prefilter", "parse"])
    body = "The weather was mild.\n\nRussia said it would attend the talks. Iran agreed."
    doc = pipe(Document(body=body))
    assert [body[s:e] for s, e in doc.paragraphs] == ["The weather was mild.",
                                                      "Russia said it would attend the talks. Iran agreed."]
    assert [s.text for s in doc.sentences] == ["The weather was mild.", "Russia said it would attend the talks.",
                                               "Iran agreed."]
    assert [s.candidate for s in doc.sentences] == [False, True, True]
    assert doc.sentences[0].span is None and doc.sentences[1].span is not None
    for sentence in doc.sentences:
        assert body[sentence.start:sentence.end] == sentence.text


def test_a_document_over_the_time_bound_is_rejected_with_e114_and_the_next_goes_on():
    import time

    from detente.settings import load_settings

    @component("test-sleeps-on-slow")
    class Sleeps:
        version, requires, assigns = "1", ("body",), ("events",)

        def __init__(self, settings):
            pass

        def __call__(self, doc):
            if "slow" in doc.body:
                time.sleep(5)
            return doc

    settings = load_settings()
    settings.override("pipeline.max_seconds_per_doc", 0.5)
    try:
        pipe = Pipeline(settings, names=["prefilter", "test-sleeps-on-slow"])
        docs = list(pipe.pipe([Document(body="a slow text"), Document(body="a quick text")]))
    finally:
        REGISTRY.pop("test-sleeps-on-slow")
    assert docs[0].rejected.code == "E114" and "max_seconds_per_doc" in docs[0].rejected.message
    assert docs[1].rejected is None
