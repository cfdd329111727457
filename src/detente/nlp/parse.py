"""Paragraphs, sentences and the spaCy parse, with a cheap pass that spares the parser most sentences.

`prefilter` reads `body` and adds `paragraphs` and `notes["candidate_paragraphs"]`: the paragraphs holding a
word that can start an event, a quote or a commitment (the lexicon's prefilter forms).  `parse` reads those and
adds `sentences`: candidate paragraphs get spaCy's full pipeline (tagger, parser, NER), the rest only the
statistical sentence splitter, which is several times faster (measured in bench/throughput.py).
"""

from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.language import Language

from detente.model import Document, Sentence
from detente.nlp import lexicon
from detente.pipeline import component
from detente.settings import Settings

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


@lru_cache(maxsize=2)
def load_model(name: str) -> Language:
    """The spaCy model, loaded once per process, with the sentence splitter available for cheap paragraphs."""
    nlp = spacy.load(name)
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    return nlp


def split_paragraphs(body: str) -> list[tuple[int, int]]:
    """Character spans of the blank-line separated paragraphs of `body`."""
    spans, pos = [], 0
    for match in PARAGRAPH_BREAK.finditer(body):
        if body[pos:match.start()].strip():
            spans.append((pos, match.start()))
        pos = match.end()
    if body[pos:].strip():
        spans.append((pos, len(body.rstrip())))
    return spans


@component("prefilter")
class Prefilter:
    """Finds the paragraphs worth a full parse: those containing a trigger, cue or commitment word."""

    version = "1"
    requires = ("body",)
    assigns = ("paragraphs", "notes.candidate_paragraphs")

    def __init__(self, settings: Settings) -> None:
        self.forms = lexicon.prefilter_forms()

    def __call__(self, doc: Document) -> Document:
        if not doc.paragraphs:
            doc.paragraphs = split_paragraphs(doc.body)
        candidates = []
        for index, (start, end) in enumerate(doc.paragraphs):
            words = {w.lower() for w in WORD.findall(doc.body[start:end])}
            if words & self.forms:
                candidates.append(index)
        doc.notes["candidate_paragraphs"] = candidates
        return doc


@component("parse")
class Parse:
    """Splits paragraphs into sentences; parses candidate paragraphs with spaCy (tags, dependencies, NER)."""

    version = "1"
    requires = ("body", "paragraphs")
    assigns = ("sentences",)

    def __init__(self, settings: Settings) -> None:
        self.nlp = load_model(settings.get("pipeline.model"))
        self.batch_size = int(settings.get("pipeline.batch_size", 64))
        self.full = [p for p in self.nlp.pipe_names if p != "senter"]

    def __call__(self, doc: Document) -> Document:
        if not doc.paragraphs:
            doc.paragraphs = split_paragraphs(doc.body)
        chosen = doc.notes.get("candidate_paragraphs")
        chosen = set(range(len(doc.paragraphs)) if chosen is None else chosen)
        full = [i for i in range(len(doc.paragraphs)) if i in chosen]
        cheap = [i for i in range(len(doc.paragraphs)) if i not in chosen]
        parsed: dict[int, object] = {}
        texts = lambda ids: (doc.body[slice(*doc.paragraphs[i])] for i in ids)  # noqa: E731
        with self.nlp.select_pipes(enable=self.full):
            for i, sdoc in zip(full, self.nlp.pipe(texts(full), batch_size=self.batch_size)):
                parsed[i] = sdoc
        with self.nlp.select_pipes(enable=["senter"]):
            for i, sdoc in zip(cheap, self.nlp.pipe(texts(cheap), batch_size=self.batch_size)):
                parsed[i] = sdoc
        sentences = []
        for i, (offset, _end) in enumerate(doc.paragraphs):
            for sent in parsed[i].sents:
                if not sent.text.strip():
                    continue
                start = offset + sent.start_char
                sentences.append(Sentence(start=start, end=offset + sent.end_char, paragraph=i,
                                          text=sent.text, candidate=i in chosen,
                                          span=sent if i in chosen else None))
        doc.sentences = sentences
        doc.notes["paragraph_docs"] = parsed
        return doc


def char_offset(doc: Document, sentence: Sentence, token) -> int:
    """Body offset of a spaCy token of a parsed sentence."""
    para_start = doc.paragraphs[sentence.paragraph][0]
    return para_start + token.idx
