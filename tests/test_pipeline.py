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


class _BatchStage:
    """A batch-capable test stage: records batch sizes; a document saying "boom" breaks its batch."""

    version, requires, assigns = "1", ("body",), ("events",)
    batches: list[int] = []

    def __init__(self, settings):
        pass

    def __call__(self, doc):
        return self.pipe([doc])[0]

    def pipe(self, docs):
        type(self).batches.append(len(docs))
        if any("boom" in d.body for d in docs):
            raise RuntimeError("boom")
        for doc in docs:
            doc.notes["seen"] = True
        return docs


@pytest.mark.parametrize("bodies, rejected, batches", [
    # Batches of three; the trailing stage runs per document after them.
    (["a", "b", "c", "d"], [None, None, None, None], [3, 1]),
    # A failing batch is retried one document at a time: only the bad document is rejected.
    (["a", "boom", "c"], [None, "E113", None], [3, 1, 1, 1]),
])
def test_pipe_runs_batch_capable_stages_on_batches(bodies, rejected, batches):
    from detente.settings import load_settings

    component("test-batch-stage")(_BatchStage)
    _BatchStage.batches = []
    settings = load_settings()
    settings.override("pipeline.doc_batch_size", 3)
    try:
        pipe = Pipeline(settings, names=["prefilter", "test-batch-stage", "timex"])
        docs = list(pipe.pipe(Document(body=b) for b in bodies))
    finally:
        REGISTRY.pop("test-batch-stage")
    assert [d.rejected.code if d.rejected else None for d in docs] == rejected
    assert [d.body for d in docs] == bodies
    assert all(d.notes.get("seen") for d in docs if d.rejected is None)
    assert _BatchStage.batches == batches


def test_pipe_gives_the_records_of_one_document_at_a_time(pipeline):
    bodies = ["Russia and China signed a trade agreement in Beijing on Monday.",
              "The weather was mild.",
              "Protesters clashed with police in Kiev, officials said.\n\n\"We will not stop,\" one told reporters."]
    alone = [pipeline(Document(body=b, published="2005-01-01")).to_dict() for b in bodies]
    together = [d.to_dict() for d in pipeline.pipe(Document(body=b, published="2005-01-01") for b in bodies)]
    assert together == alone
