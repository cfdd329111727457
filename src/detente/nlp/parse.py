"""Paragraphs, sentences and the spaCy parse, with a cheap pass that spares the parser most of the text.

`prefilter` reads `body` and adds `paragraphs` and `notes["candidate_paragraphs"]`: the paragraphs holding a word
that can start an event, a quote or a commitment (the prefilter words of the lexicon and of the quotes and
commitments stages) or a quotation mark. `parse` reads those and adds `sentences` and `notes["paragraph_docs"]`.
Every paragraph is tokenized and split into sentences by the statistical sentence splitter (cheap); then, with
`pipeline.prefilter: sentence`, only the *sentences* of candidate paragraphs that hold such a word or mark get the
tagger, parser and lemmatizer, each sentence on its own, and NER runs only on the parsed sentences with a
capitalised word the actor knowledge base does not name (`pipeline.ner: uncovered`). The parsed and unparsed
sentences of a paragraph are joined back into one spaCy Doc per paragraph, so offsets stay paragraph-relative. The
attribute ruler and lemmatizer run through memoised equivalents that give spaCy's exact annotations. `Parse.pipe`
does all this for a batch of documents at once, which keeps spaCy's batches full. Issue 9 measured it with
bench/throughput.py; beside `prefilter: paragraph, ner: all` on the same code, the dev gold sets (`detente eval
--limit 150`, PolNeAR @100) scored the same, BBC@150 coded one event fewer in 150 articles.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy
import spacy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from detente.errors import UsageError
from detente.model import Document, Sentence
from detente.nlp import lexicon
from detente.pipeline import component
from detente.settings import Settings

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
# Quotation marks: a sentence holding one may be a quote or its attribution (the quotes stage reads its parse).
# A straight single quote counts only when it opens a word, so apostrophes ("Iran's") do not.
QUOTE_MARK = re.compile(r"[\"“”„«»‘’]|(?:^|\s)'")
PREFILTER_MODES = ("sentence", "paragraph", "off")
NER_MODES = ("uncovered", "all")


@dataclass
class Segment:
    """One sentence of a paragraph as the parser sees it: its text up to the next sentence, whether it is
    parsed, and its parsed spaCy Doc."""

    text: str
    chosen: bool
    parsed: Doc | None = None


@lru_cache(maxsize=2)
def load_model(name: str) -> Language:
    """The spaCy model, loaded once per process, with the sentence splitter available for the cheap pass."""
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


@lru_cache(maxsize=1)
def selection_forms() -> frozenset[str]:
    """Lower-case words that make a sentence worth parsing: the lexicon's trigger and cue forms plus the quotes
    and commitments stages' own prefilter words (read from their data, so the stages cannot drift apart)."""
    # Imported here, not at the top: the later stages' modules pull in most of the package.
    from detente.nlp.commitments import prefilter_forms as commitment_forms
    from detente.nlp.quote_cues import cue_forms

    forms = set(lexicon.prefilter_forms())
    forms |= {w for form in cue_forms() for w in form.split()}
    irregular = lexicon.load_lexicon().irregular
    forms |= {f for word in commitment_forms() for f in lexicon.inflections(word, irregular)}
    return frozenset(forms)


def needs_ner(sentence_text: str, words: Sequence[str]) -> bool:
    """Whether NER can add to a sentence: it holds a capitalised word (not its first) that no KB name covers.

    Actors named in the knowledge base are coded from it; NER only finds the others (people, companies, places
    the KB lacks), and those are capitalised.  `words` are the sentence's (text, char offset) token pairs.
    """
    capitalised = [(text, idx) for text, idx in words[1:] if text[:1].isupper()]
    if not capitalised:
        return False
    from detente.nlp.actor_kb import fold, knowledge_base

    covered = [(start, end) for start, end, _ in knowledge_base().match(fold(sentence_text))]
    return any(not any(start <= idx < end for start, end in covered) for _, idx in capitalised)


class CachedAttributeRuler:
    """spaCy's attribute ruler with its per-token result memoised: the same POS, morphology and lemma, faster.

    Its one-token patterns read only a token's lower-case form, tag, dependency and whether it is a space, so
    the attributes they set are a function of those four, and of the form only through whether it is one of the
    few words the patterns name (they name about a hundred: "was", "n't", "themself" ...): every other word
    is keyed as one, so the memo fills after a few documents instead of never.  Documents where a multi-token
    pattern may match ("there is", "gonna": one of their tokens can start such a pattern) or that hold a space
    token (whose tag and dependency the ruler rewrites) go to the real ruler, as do those with a combination not
    seen yet (which are then remembered).  The ruler's Matcher costs about as much as the parser
    (bench/throughput.py, issue 9); a dict lookup per token does not.
    """

    KEY = [LOWER, TAG, DEP, IS_SPACE]
    SET = [POS, MORPH, LEMMA]

    def __init__(self, nlp: Language) -> None:
        self.ruler = nlp.get_pipe("attribute_ruler")
        self.strings = nlp.vocab.strings
        self.multi = Matcher(nlp.vocab)
        multi = [p["patterns"][0] for p in self.ruler.patterns if len(p["patterns"][0]) > 1]
        if multi:
            self.multi.add("multi_token", multi)
        self.starts = [_first_token_test(pattern[0], self.strings) for pattern in multi]
        self.named = _named_forms(self.ruler.patterns, self.strings)
        self.form_key: dict[int, int] = {}  # form id -> itself when a pattern names it, else 0
        self.may_start: dict[tuple[int, int], bool] = {}  # (lower, dep) -> can start a multi-token pattern
        self.cache: dict[tuple[int, ...], tuple[int, ...]] = {}

    def __call__(self, doc: Doc) -> Doc:
        rows = [tuple(row) for row in doc.to_array(self.KEY).tolist()]
        if any(row[3] for row in rows) or (self.starts and self._may_match_multi(rows) and self.multi(doc)):
            return self.ruler(doc)
        keys = rows if self.named is None else [(self._form_key(row[0]), *row[1:]) for row in rows]
        known = [self.cache.get(key) for key in keys]
        if None in known:
            doc = self.ruler(doc)
            self.cache.update(zip(keys, map(tuple, doc.to_array(self.SET).tolist())))
            return doc
        if known:
            doc.from_array(self.SET, numpy.array(known, dtype="uint64"))
        return doc

    def _form_key(self, lower: int) -> int:
        key = self.form_key.get(lower)
        if key is None:
            forms, expressions = self.named
            text = self.strings[lower]
            named = text in forms or any(e.search(text) for e in expressions)
            key = self.form_key[lower] = lower if named else 0
        return key

    def _may_match_multi(self, keys: list[tuple[int, ...]]) -> bool:
        """Whether a token could start a multi-token pattern (a cheap test before running the Matcher)."""
        for lower, _, dep, _ in keys:
            answer = self.may_start.get((lower, dep))
            if answer is None:
                text = self.strings[lower]
                answer = self.may_start[(lower, dep)] = any(test(text, dep) for test in self.starts)
            if answer:
                return True
        return False


def _named_forms(patterns: list[dict], strings) -> tuple[frozenset[str], tuple[re.Pattern[str], ...]] | None:
    """The lower-case forms the ruler's one-token patterns name, as words and as regular expressions; None
    when one names forms some other way, so the whole form must key the memo."""
    forms: set[str] = set()
    expressions = []
    for entry in patterns:
        pattern = entry["patterns"][0]
        if len(pattern) != 1:
            continue
        spec = pattern[0]
        if set(spec) & {"ORTH", "TEXT", "NORM", "LEMMA"}:
            return None
        lower = spec.get("LOWER")
        if isinstance(lower, str):
            forms.add(lower)
        elif isinstance(lower, dict) and set(lower) == {"IN"}:
            forms.update(lower["IN"])
        elif isinstance(lower, dict) and set(lower) == {"REGEX"}:
            expressions.append(re.compile(lower["REGEX"]))
        elif lower is not None:
            return None
    return frozenset(forms), tuple(expressions)


def _first_token_test(spec: dict, strings) -> Callable[[str, int], bool]:
    """A test of (lower-case text, dependency id) that passes every token the pattern token `spec` matches
    (and maybe others); a spec on anything else passes every token, so the Matcher always decides."""
    lower, dep = spec.get("LOWER"), spec.get("DEP")
    if isinstance(lower, str):
        return lambda text, _dep: text == lower
    if isinstance(lower, dict) and set(lower) == {"REGEX"}:
        pattern = re.compile(lower["REGEX"])
        return lambda text, _dep: bool(pattern.search(text))
    if isinstance(lower, dict) and set(lower) == {"IN"}:
        allowed = frozenset(lower["IN"])
        return lambda text, _dep: text in allowed
    if lower is None and isinstance(dep, str):
        dep_id = strings[dep]
        return lambda _text, token_dep: token_dep == dep_id
    return lambda _text, _dep: True


class CachedLemmatizer:
    """spaCy's rule lemmatizer memoised on (word, POS, morphology), all it reads; spaCy caches only some."""

    KEY = [ORTH, POS, MORPH, LEMMA]

    def __init__(self, nlp: Language) -> None:
        self.lemmatizer = nlp.get_pipe("lemmatizer")
        self.strings = nlp.vocab.strings
        self.cache: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        rows = doc.to_array(self.KEY)
        lemmas = rows[:, 3].copy()
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma == 0:
                key = (orth, pos, morph)
                found = self.cache.get(key)
                if found is None:
                    found = self.cache[key] = self.strings.add(self.lemmatizer.lemmatize(doc[i])[0])
                lemmas[i] = found
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc


@component("prefilter")
class Prefilter:
    """Finds the paragraphs worth a full parse: those containing a trigger, cue or commitment word."""

    version = "2"
    requires = ("body",)
    assigns = ("paragraphs", "notes.candidate_paragraphs")

    def __init__(self, settings: Settings) -> None:
        self.forms = selection_forms()
        self.enabled = settings.get("pipeline.prefilter", "sentence") != "off"

    def __call__(self, doc: Document) -> Document:
        if not doc.paragraphs:
            doc.paragraphs = split_paragraphs(doc.body)
        if not self.enabled:
            doc.notes["candidate_paragraphs"] = list(range(len(doc.paragraphs)))
            return doc
        candidates = []
        for index, (start, end) in enumerate(doc.paragraphs):
            text = doc.body[start:end]
            if QUOTE_MARK.search(text) or {w.lower() for w in WORD.findall(text)} & self.forms:
                candidates.append(index)
        doc.notes["candidate_paragraphs"] = candidates
        return doc


@component("parse")
class Parse:
    """Splits paragraphs into sentences; parses candidate sentences with spaCy (tags, dependencies, NER)."""

    version = "2"
    requires = ("body", "paragraphs")
    assigns = ("sentences", "notes.paragraph_docs")

    def __init__(self, settings: Settings) -> None:
        self.nlp = load_model(settings.get("pipeline.model"))
        self.batch_size = int(settings.get("pipeline.batch_size", 64))
        self.mode = settings.get("pipeline.prefilter", "sentence")
        self.ner_mode = settings.get("pipeline.ner", "uncovered")
        for key, value, choices in (("pipeline.prefilter", self.mode, PREFILTER_MODES),
                                    ("pipeline.ner", self.ner_mode, NER_MODES)):
            if value not in choices:
                raise UsageError("E203", key=key, value=value, detail="choose one of " + ", ".join(choices))
        self.forms = selection_forms()
        names = self.nlp.pipe_names
        self.ner = self.nlp.get_pipe("ner") if "ner" in names else None
        self.rules: list = []  # the rule stages after the parser, run through memoised equivalents
        rule_lemmatizer = "lemmatizer" in names and self.nlp.get_pipe("lemmatizer").mode == "rule"
        if names[-3:] == ["attribute_ruler", "lemmatizer", "ner"] and rule_lemmatizer:
            self.rules = [CachedAttributeRuler(self.nlp), CachedLemmatizer(self.nlp)]
            self.analysis = names[:-3]
        else:
            self.analysis = [p for p in names if p not in ("senter", "ner")]

    def __call__(self, doc: Document) -> Document:
        self.pipe([doc])
        return doc

    def pipe(self, docs: list[Document]) -> list[Document]:
        """Parse a batch of documents: one spaCy pass over all their paragraphs, one over all chosen sentences."""
        paragraphs = []  # (document, paragraph index, text)
        for doc in docs:
            if not doc.paragraphs:
                doc.paragraphs = split_paragraphs(doc.body)
            paragraphs += [(doc, i, doc.body[s:e]) for i, (s, e) in enumerate(doc.paragraphs)]
        split = self._split([text for _, _, text in paragraphs])
        plans = [self._plan(doc, i, text, sdoc) for (doc, i, text), sdoc in zip(paragraphs, split)]
        chosen = [seg for plan in plans for seg in plan if seg.chosen]
        for seg, parsed in zip(chosen, self._analyse([seg.text for seg in chosen])):
            seg.parsed = parsed
        for doc in docs:
            doc.sentences, doc.notes["paragraph_docs"] = [], {}
        for (doc, index, _text), plan, sdoc in zip(paragraphs, plans, split):
            self._assemble(doc, index, plan, sdoc)
        return docs

    def _split(self, texts: list[str]) -> list[Doc]:
        """Tokenized paragraphs with sentence boundaries from the statistical splitter alone."""
        with self.nlp.select_pipes(enable=["senter"]):
            return list(self.nlp.pipe(texts, batch_size=self.batch_size))

    def _plan(self, doc: Document, index: int, text: str, sdoc: Doc) -> list[Segment]:
        """The paragraph's sentences as segments that, joined, give back its text exactly."""
        candidates = doc.notes.get("candidate_paragraphs")
        in_candidate = candidates is None or index in candidates  # a short list: a few paragraphs
        sents = list(sdoc.sents)
        plan = []
        for k, sent in enumerate(sents):
            start = 0 if k == 0 else sent.start_char
            end = sents[k + 1].start_char if k + 1 < len(sents) else len(text)
            chosen = in_candidate and (self.mode != "sentence" or self._worth_parsing(sent))
            plan.append(Segment(text[start:end], chosen))
        return plan

    def _worth_parsing(self, sent) -> bool:
        return bool({t.lower_ for t in sent} & self.forms) or bool(QUOTE_MARK.search(sent.text))

    def _analyse(self, texts: list[str]) -> list[Doc]:
        """Tagger, parser and lemmatizer over the chosen sentences; NER over those that can use it."""
        with self.nlp.select_pipes(enable=self.analysis):
            docs = list(self.nlp.pipe(texts, batch_size=self.batch_size))
        for rule in self.rules:
            docs = [rule(d) for d in docs]
        if self.ner is None:
            return docs
        if self.ner_mode == "all":
            wanted = docs
        else:
            wanted = [d for d in docs if needs_ner(d.text, [(t.text, t.idx) for t in d if not t.is_space])]
        for _ in self.ner.pipe(wanted, batch_size=self.batch_size):
            pass
        return docs

    def _assemble(self, doc: Document, index: int, plan: list[Segment], sdoc: Doc) -> None:
        """The paragraph's spaCy Doc (parsed sentences joined to unparsed ones) and its `Sentence`s."""
        offset = doc.paragraphs[index][0]
        if not any(seg.chosen for seg in plan):
            pdoc = sdoc
            bounds = [(s.start, s.end) for s in sdoc.sents]
        else:
            parts = [seg.parsed if seg.chosen else self.nlp.make_doc(seg.text) for seg in plan]
            pdoc = Doc.from_docs(parts, ensure_whitespace=False, exclude=["tensor", "user_data", "spans"])
            bounds, first = [], 0
            for part in parts:
                bounds.append((first, first + len(part)))
                first += len(part)
        doc.notes["paragraph_docs"][index] = pdoc
        for (first, last), seg in zip(bounds, plan):
            span = pdoc[first:last]
            while span and span[-1].is_space:
                span = span[:-1]
            if not span.text.strip():
                continue
            doc.sentences.append(Sentence(start=offset + span.start_char, end=offset + span.end_char,
                                          paragraph=index, text=span.text, candidate=seg.chosen,
                                          span=span if seg.chosen else None))


def char_offset(doc: Document, sentence: Sentence, token) -> int:
    """Body offset of a spaCy token of a parsed sentence."""
    para_start = doc.paragraphs[sentence.paragraph][0]
    return para_start + token.idx
