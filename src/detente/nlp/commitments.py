"""What was promised by when: commitments (announced future actions) with due dates and firmness.

The `commitments` component runs after `stances` (and so after `timex`, `actors`, `events` and `quotes`).  It
reads the parsed `sentences`, `timexes`, `events`, `mentions`, `quotes` and `published`, and assigns
`commitments`.

Anchors, per parsed sentence:
- a deadline time expression ("by June", "within two years"): a commitment by itself;
- a future time expression whose clause carries a cue (a planned meeting, "will", "is due to", "hoped");
- a planned event with a future date the time expressions did not cover;
- a binding verb with an object and no date ("pledged aid", "planned ceasefires").
From the anchor the stage climbs the dependency tree: the nearest firmness cue (data/commitments/cues.yaml)
says agreed, announced, hoped or demanded; the nearest coded event on the way gives who is bound and the event
id; the clause gives the short description.  "Within two years" is counted from the plan's own date when the
text gives one (the previous sentence's "in November" for "It planned ..."), else from publication.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from detente.model import Commitment, Document, Entity, Event, Sentence, Timex
from detente.nlp.stances import (FOCUS_DEFAULT, DocumentContext, paragraph_offset, stance_holder, trigger_token,
                                 word_index)
from detente.pipeline import component
from detente.settings import Settings
from detente.tracking import add_duration, due_window, period, precision_of

DEADLINE_MODS = frozenset({"ON_OR_BEFORE", "BEFORE", "EQUAL_OR_LESS", "LESS_THAN", "ON_OR_AFTER_NOT"})
# Dependencies that do not belong in a commitment's description.
DROP_DEPS = frozenset({"nsubj", "nsubjpass", "aux", "auxpass", "neg", "mark", "punct", "advcl", "relcl",
                       "ccomp", "parataxis", "appos", "meta", "intj", "discourse", "preconj"})
CORE_DEPS = frozenset({"compound", "amod", "poss", "nummod", "nmod", "flat", "case", "quantmod", "conj", "cc"})
SPEECH_LEMMAS = frozenset({"say", "tell", "add", "announce", "state", "declare", "report", "write", "insist"})
CLITIC_SPACE = re.compile(r"\s+(['’]s|n't)\b")
PAST_AUXILIARIES = frozenset({"was", "were", "had", "has", "have", "did", "'d"})
# Longest description, in words: a commitment's `what` names the action, it does not retell the sentence.
MAX_WHAT_WORDS = 14
# Subjects that stand for a plan named in the sentence before ("It planned ceasefires").
PLAN_PRONOUNS = frozenset({"it", "this", "that"})
# How far up the dependency tree a cue may govern an anchor.
MAX_CLIMB = 8


# ------------------------------------------------------------------------------------------------ cues
@dataclass(frozen=True)
class CommitmentCues:
    """The cue table (data/commitments/cues.yaml)."""

    firmness: dict[str, str]  # word form or lemma -> agreed | announced | hoped | demanded
    binding: frozenset[str]
    meeting: frozenset[str]
    future: frozenset[str]
    plan_references: frozenset[str]
    doubt: frozenset[str]


@lru_cache(maxsize=1)
def commitment_cues() -> CommitmentCues:
    """The commitment cue table, loaded once per process."""
    text = resources.files("detente").joinpath("data/commitments/cues.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    firmness: dict[str, str] = {}
    for level, words in data["firmness"].items():
        for word in words:
            firmness.setdefault(str(word).lower(), level)
    return CommitmentCues(
        firmness=firmness,
        binding=frozenset(data.get("binding_verbs", [])),
        meeting=frozenset(data.get("meeting", [])),
        future=frozenset(data.get("future", [])),
        plan_references=frozenset(data.get("plan_references", [])),
        doubt=frozenset(data.get("doubt", [])),
    )


# Words of the deadline and schedule cues the time expressions do not carry, for the parse prefilter.
PREFILTER_EXTRA = frozenset({"due", "scheduled", "deadline", "ultimatum", "within", "later", "until"})


@lru_cache(maxsize=1)
def prefilter_forms() -> frozenset[str]:
    """Word forms that make a paragraph worth parsing for commitments ("will" is left out: too common)."""
    cues = commitment_cues()
    levels = {word for word, level in cues.firmness.items() if level in ("agreed", "hoped", "demanded")}
    words = levels | cues.binding | cues.meeting | PREFILTER_EXTRA
    return frozenset(w for w in words if " " not in w and w.isalpha())


def _forms(token) -> tuple[str, str]:
    return token.lower_, token.lemma_.lower()


def _is(token, words: frozenset[str]) -> bool:
    lower, lemma = _forms(token)
    return lower in words or lemma in words


# ------------------------------------------------------------------------------------------- the finder
@dataclass
class Draft:
    """A commitment being built, with what merging and linking need."""

    commitment: Commitment
    head: Any  # spaCy token the description was built from
    meeting: bool
    covered: set[int]  # token indices (in the paragraph doc) of the anchor's clause
    paragraph: int
    category: list[str]
    announced: str | None


class CommitmentFinder:
    """Finds the commitments of one document."""

    def __init__(self, doc: Document, cues: CommitmentCues) -> None:
        self.doc = doc
        self.cues = cues
        self.context = DocumentContext.of(doc)
        self.published = period(doc.published)[0] if period(doc.published) else None
        self.events_by_sentence: dict[int, list[Event]] = {}
        for event in doc.events:
            self.events_by_sentence.setdefault(event.text_info.get("start", -1), []).append(event)
        self.quote_ranges = [(q.start, q.end, q.speaker) for q in doc.quotes if q.speaker is not None]
        self.previous: Sentence | None = None  # the sentence before the one being read ("It planned ...")

    # -- driver --
    def find(self) -> list[Commitment]:
        """All commitments of the document, merged and in text order."""
        drafts: list[Draft] = []
        timexes = sorted(self.doc.timexes, key=lambda t: t.start)
        for index, sentence in enumerate(self.doc.sentences):
            if sentence.span is None:
                continue
            inside = [t for t in timexes if sentence.start <= t.start < sentence.end]
            previous = self.doc.sentences[index - 1] if index else None
            self.previous = previous
            drafts.extend(self.sentence_drafts(sentence, inside, previous, timexes))
        return [d.commitment for d in _merge(drafts)]

    def sentence_drafts(self, sentence: Sentence, timexes: list[Timex], previous: Sentence | None,
                        all_timexes: list[Timex]) -> list[Draft]:
        """Drafts anchored in one parsed sentence."""
        offset = paragraph_offset(self.doc, sentence)
        events = self.events_by_sentence.get(sentence.start, [])
        triggers = {}
        for event in events:
            token = trigger_token(sentence, event, offset)
            if token is not None:
                triggers.setdefault(token.i, event)
        drafts: list[Draft] = []
        for timex in timexes:
            draft = self.timex_draft(sentence, offset, timex, triggers, previous, all_timexes)
            if draft is not None:
                drafts.append(draft)
        covered = set().union(*(d.covered for d in drafts)) if drafts else set()
        linked = {d.commitment.event_id for d in drafts}
        for event in events:
            if event.id in linked:
                continue
            draft = self.event_draft(sentence, offset, event, triggers, covered)
            if draft is not None:
                drafts.append(draft)
                covered |= draft.covered
        drafts.extend(self.binding_drafts(sentence, offset, triggers, covered))
        return drafts

    # -- anchors --
    def timex_draft(self, sentence: Sentence, offset: int, timex: Timex, triggers: dict[int, Event],
                    previous: Sentence | None, all_timexes: list[Timex]) -> Draft | None:
        """The commitment a deadline or future-dated clause states, if it states one."""
        value = timex.value or ""
        duration = timex.type == "DURATION" or value.startswith("P")
        deadline = timex.deadline or (timex.mod in DEADLINE_MODS)
        if timex.type not in ("DATE", "DURATION") or (duration and not deadline):
            return None
        chars = sentence.span.doc.char_span(timex.start - offset, timex.end - offset, alignment_mode="expand")
        span_tokens = list(chars) if chars is not None else []
        if not span_tokens:
            return None
        head = _governor(span_tokens)
        if head is None:
            return None
        chain = _chain(head)
        local = _local_chain(chain)
        if self.doubted(chain):
            return None
        firmness = self.firmness(chain)
        meeting = self.is_meeting(head, local)
        if not duration:
            span = period(value)
            if span is None or self.published is None or span[1] <= self.published:
                return None
            if _past_tense(head) and not self.future_marked(local):
                return None  # the date of a past act ("announced earlier this month")
            if not deadline and span[0] < self.published and not self.future_marked(local):
                return None
            if not (deadline or firmness or meeting or self.future_marked(local)):
                return None
            due, precision = _date_part(value), precision_of(_date_part(value), timex.mod)
        else:
            anchor = self.plan_date(sentence, offset, chain, triggers, previous, all_timexes)
            due = add_duration(anchor, value)
            if due is None:
                return None
            precision = f"within {value} of {anchor}"
        exclude = {t.i for t in span_tokens}
        found = self.draft(sentence, offset, head, chain, triggers, firmness or "announced", due, precision,
                           meeting, exclude)
        _set_optional(found.commitment, deadline=deadline)
        return found

    def event_draft(self, sentence: Sentence, offset: int, event: Event, triggers: dict[int, Event],
                    covered: set[int]) -> Draft | None:
        """A planned event with a future date that no time expression anchored."""
        if event.status not in ("planned", "intended") or not event.date:
            return None
        token = next((sentence.span.doc[i] for i, e in triggers.items() if e is event), None)
        span = period(event.date)
        if token is None or token.i in covered or span is None or self.published is None \
                or span[1] <= self.published:
            return None
        chain = _chain(token)
        if self.doubted(chain):
            return None
        precision = event.date_precision if event.date_precision not in ("publication", "unknown") else None
        return self.draft(sentence, offset, token, chain, triggers, self.firmness(chain) or "announced",
                          event.date, precision or precision_of(event.date), _is(token, self.cues.meeting),
                          set())

    def binding_drafts(self, sentence: Sentence, offset: int, triggers: dict[int, Event],
                       covered: set[int]) -> list[Draft]:
        """Undated commitments of promise and plan verbs: each object no dated anchor covers."""
        drafts = []
        index = word_index(sentence)
        verbs = sorted({t.i: t for word in self.cues.binding & index.keys() for t in index[word]}.values(),
                       key=lambda t: t.i)
        for token in verbs:
            if token.pos_ != "VERB":
                continue
            chain = _chain(token)
            if self.doubted(chain):
                continue
            for obj in _objects(token):
                subtree = {t.i for t in obj.subtree}
                if subtree & covered or obj.i in covered:
                    continue
                draft = self.draft(sentence, offset, obj, [obj, *chain], triggers,
                                   self.firmness(chain) or "announced", None, None,
                                   _is(obj, self.cues.meeting), set())
                drafts.append(draft)
                covered |= subtree
        return drafts

    # -- building --
    def draft(self, sentence: Sentence, offset: int, head, chain: list, triggers: dict[int, Event],
              firmness: str, due: str | None, precision: str | None, meeting: bool, exclude: set[int]) -> Draft:
        """A commitment from its head token and climbed chain."""
        what_tokens = _description_tokens(head, exclude)
        event = next((triggers[t.i] for t in chain if t.i in triggers), None) or \
            next((triggers[t.i] for t in what_tokens if t.i in triggers), None)
        by = self.bound(head, chain, event, meeting, offset)
        what = self.describe(what_tokens, head, offset)
        start = offset + min(t.idx for t in what_tokens)
        end = max(offset + t.idx + len(t.text) for t in what_tokens)
        if exclude:
            first = min(exclude)
            last = max(exclude)
            doc_tokens = head.doc
            start = min(start, offset + doc_tokens[first].idx)
            end = max(end, offset + doc_tokens[last].idx + len(doc_tokens[last].text))
        commitment = Commitment(what=what, by=by, due=due, precision=precision, firmness=firmness,
                                event_id=event.id if event else None, evidence={"start": start, "end": end})
        category = list(event.event) if event else (["CONSULT"] if meeting else [])
        announced = event.date if event and event.status == "occurred" and event.date else self.doc.published
        _set_optional(commitment, category=category, announced=announced,
                      place=event.event_loc if event else None)
        covered = {t.i for t in head.subtree} | {head.i} | exclude
        return Draft(commitment=commitment, head=head, meeting=meeting or "CONSULT" in category, covered=covered,
                     paragraph=sentence.paragraph, category=category, announced=announced)

    def bound(self, head, chain: list, event: Event | None, meeting: bool, offset: int) -> list[Entity]:
        """Who the commitment binds: the nearest event's actors (and a meeting's other side), else the subject."""
        found: list[Entity] = []
        if event is not None:
            found.extend(event.actor)
            if meeting or "CONSULT" in event.event:
                found.extend(event.recipient)
        if not found:
            found.extend(self.subject_entities(chain, offset))
        if meeting:
            for token in chain[:3]:
                if _is(token, self.cues.meeting):
                    found.extend(self.object_entities(token, offset))
        return _dedupe([stance_holder(e) for e in found])

    def subject_entities(self, chain: list, offset: int) -> list[Entity]:
        """Entities of the nearest subject up the chain; pronouns go to the quote's or the report's speaker."""
        for token in chain:
            subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is None:
                continue
            if subject.pos_ == "PRON":
                speaker = self.speaker_of(subject, offset) or self.plan_owner(subject, offset)
                if speaker:
                    return speaker
                continue
            entities = self.entities_in(_core(subject), offset) or self.plan_owner(subject, offset)
            if entities:
                return entities
        return []

    def plan_owner(self, subject, offset: int) -> list[Entity]:
        """Who a plan binds when the plan is the subject: "the plan by the powers", or "It planned ..." after a
        sentence naming "a new drive by diplomats" (the agents of the plan noun there)."""
        plan_nouns = self.cues.plan_references - PLAN_PRONOUNS
        if _is(subject, plan_nouns):
            return self.agent_entities(subject, offset)
        previous = self.previous
        if subject.lower_ not in PLAN_PRONOUNS or previous is None or previous.span is None:
            return []
        previous_offset = paragraph_offset(self.doc, previous)
        for token in previous.span:
            if token.pos_ == "NOUN" and _is(token, plan_nouns):
                found = self.agent_entities(token, previous_offset)
                if found:
                    return found
        return []

    def agent_entities(self, noun, offset: int) -> list[Entity]:
        """The coded agents of a plan noun: its possessor, compound or "by X"; an uncoded group noun ("by
        diplomats") takes the code of a mention with the same head elsewhere ("Diplomats in the ... Group")."""
        agents = [c for c in noun.children if c.dep_ in ("poss", "compound")]
        agents += [g for c in noun.children if c.dep_ == "prep" and c.lower_ == "by"
                   for g in c.children if g.dep_ == "pobj"]
        found: list[Entity] = []
        for agent in agents:
            entities = self.entities_in(_core(agent), offset)
            # A bare group noun is coded by the focus-country default at best; the document's full naming of
            # the same group is better evidence of who it is.
            if agent.tag_ in ("NNS", "NNPS") and all(FOCUS_DEFAULT in (e.rule or "") for e in entities):
                entities = self.context.same_head_mentions(agent.lower_) or entities
            found.extend(e for e in entities if e not in found)
        return found

    def speaker_of(self, pronoun, offset: int) -> list[Entity]:
        """Who "we"/"they" stand for: the quote's speaker, or the subject of the reporting verb above."""
        at = offset + pronoun.idx
        for start, end, speaker in self.quote_ranges:
            if start <= at < end:
                return [speaker]
        node = pronoun
        for _ in range(MAX_CLIMB):
            if node.head.i == node.i:
                break
            node = node.head
            if node.lemma_.lower() in SPEECH_LEMMAS:
                subject = next((c for c in node.children if c.dep_ == "nsubj"), None)
                if subject is not None and subject.pos_ != "PRON":
                    return self.entities_in(_core(subject), offset)
        return []

    def object_entities(self, token, offset: int) -> list[Entity]:
        """Entities a meeting word names as its other side: its object, "with X", "between X and Y"."""
        found = []
        for child in token.children:
            if child.dep_ in ("dobj", "obj"):
                found.extend(self.entities_in(_core(child), offset))
            elif child.dep_ == "prep" and child.lower_ in ("with", "between", "among"):
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        found.extend(self.entities_in(_core(pobj), offset))
        return found

    def entities_in(self, tokens: list, offset: int) -> list[Entity]:
        """Coded mentions overlapping the tokens."""
        found = []
        for token in tokens:
            mention = self.context.mention_at(offset + token.idx, offset + token.idx + len(token.text))
            if mention is not None and mention.code and mention not in found:
                found.append(mention)
        return found

    def describe(self, tokens: list, head, offset: int) -> str:
        """The short readable description of the committed action."""
        words = []
        for token in tokens:
            if token.is_quote or (token.is_punct and token.lower_ not in ("-", "/")):
                continue
            if token.pos_ == "PRON" and token.lower_ in ("him", "her", "he", "she"):
                name = self.context.person_before(offset + token.idx)
                words.append(name or token.text)
                continue
            words.append(token.text)
        while words and words[0].lower() in ("the", "a", "an", "that", "which", "to"):
            words.pop(0)
        text = " ".join(words[:MAX_WHAT_WORDS])
        return CLITIC_SPACE.sub(r"\1", text)

    # -- cues on the chain --
    def is_meeting(self, head, local: list) -> bool:
        """Whether the anchor's clause is a meeting: a meeting word at or just above it, or as its subject."""
        near = list(local[:3])
        subject = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None:
            near.extend(_core(subject))
        return any(_is(t, self.cues.meeting) for t in near)

    def firmness(self, chain: list) -> str | None:
        """The nearest firmness cue governing the anchor: the chain's words and their auxiliaries."""
        for token in chain:
            # A modal outranks its verb: "a deal must be signed" is demanded, not agreed.
            modals = [c for c in token.children if c.dep_ == "aux" and c.tag_ == "MD"]
            others = [c for c in token.children if c.dep_ in ("aux", "auxpass", "acomp") and c.tag_ != "MD"]
            for word in [*modals, token, *others]:
                level = self.cues.firmness.get(word.lower_) or self.cues.firmness.get(word.lemma_.lower())
                if level and not (word.i == token.i and token.pos_ == "NOUN" and level == "announced"):
                    return level
        return None

    def future_marked(self, chain: list) -> bool:
        """Whether the clause is future by its own words ("will", "is due to", "upcoming")."""
        for token in chain:
            if _is(token, self.cues.future):
                return True
            if any(_is(c, self.cues.future) for c in token.children if c.dep_ in ("aux", "auxpass", "amod",
                                                                                  "acomp")):
                return True
        return False

    def doubted(self, chain: list) -> bool:
        """Whether the clause is negated or doubted ("no guarantee the meeting would ...", "if talks ...")."""
        for token in chain:
            if token.lemma_.lower() in self.cues.doubt and token.pos_ == "NOUN":
                return True
            for child in token.children:
                if child.dep_ == "neg" or (child.dep_ == "mark" and child.lower_ in self.cues.doubt):
                    return True
                if child.dep_ == "det" and child.lower_ == "no" and token.pos_ == "NOUN":
                    return True
        return False

    def plan_date(self, sentence: Sentence, offset: int, chain: list, triggers: dict[int, Event],
                  previous: Sentence | None, timexes: list[Timex]) -> str:
        """The date a "within N years" deadline counts from: the plan's own date, else publication."""
        for token in chain:
            event = triggers.get(token.i)
            if event and event.date and event.date_precision not in ("publication", "unknown"):
                return _date_part(event.date)
        own = [t for t in timexes if sentence.start <= t.start < sentence.end and self._past(t)]
        if own:
            return _date_part(own[-1].value)
        root = chain[-1] if chain else None
        subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None) if root else None
        if previous is not None and subject is not None and _is(subject, self.cues.plan_references):
            earlier = [t for t in timexes if previous.start <= t.start < previous.end and self._past(t)]
            if earlier:
                return _date_part(earlier[-1].value)
        return self.doc.published or ""

    def _past(self, timex: Timex) -> bool:
        span = period(_date_part(timex.value or ""))
        return timex.type == "DATE" and span is not None and self.published is not None \
            and span[1] < self.published


# ------------------------------------------------------------------------------------------- tree walks
def _governor(span_tokens: list):
    """The token a time expression modifies: above its top token, past a governing preposition."""
    inside = {t.i for t in span_tokens}
    top = next((t for t in span_tokens if t.head.i not in inside or t.head.i == t.i), span_tokens[0])
    head = top.head
    if head.i == top.i:
        return None
    while head.pos_ == "ADP" and head.head.i != head.i:
        head = head.head
    return head


def _past_tense(verb) -> bool:
    """Whether a verb reports a past act: "met", "were announced", "has agreed"."""
    if verb.tag_ == "VBD":
        return True
    auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    return verb.tag_ == "VBN" and any(a.lower_ in PAST_AUXILIARIES for a in auxiliaries)


def _chain(token) -> list:
    """The token and its ancestors up to the root, nearest first."""
    chain = [token]
    node = token
    for _ in range(MAX_CLIMB):
        if node.head.i == node.i:
            break
        node = node.head
        chain.append(node)
    return chain


def _local_chain(chain: list) -> list:
    """The chain up to where a clause modifies a noun ("a push to END the war"): the clause's own words."""
    for index, token in enumerate(chain):
        if token.dep_ in ("acl", "relcl") and index + 1 < len(chain):
            return chain[:index + 1]
    return chain


def _objects(verb) -> list:
    """What a binding verb binds its subject to: direct objects and their conjuncts, "to" objects, xcomps."""
    found = []
    for child in verb.children:
        if child.dep_ in ("dobj", "obj", "xcomp"):
            found.append(child)
            found.extend(c for c in child.children if c.dep_ == "conj" and c.pos_ == child.pos_)
        elif child.dep_ == "prep" and child.lower_ == "to":
            found.extend(c for c in child.children if c.dep_ == "pobj")
    return found


def _core(token) -> list:
    """A noun phrase's core tokens (head, modifiers, conjuncts, "of" complements), not its "on X" topics."""
    tokens, stack = [], [token]
    while stack:
        node = stack.pop()
        tokens.append(node)
        for child in node.children:
            if child.dep_ in CORE_DEPS or child.dep_ == "det":
                stack.append(child)
            elif child.dep_ == "prep" and child.lower_ in ("of", "between", "among", "from"):
                tokens.append(child)
                stack.extend(c for c in child.children if c.dep_ == "pobj")
    return tokens


def _description_tokens(head, exclude: set[int]) -> list:
    """Tokens describing the action a head token names: a noun's phrase or a verb's subject and predicate."""
    if head.pos_ in ("NOUN", "PROPN"):
        node = head
        # "the creation of a transitional ADMINISTRATION": describe from the top of the "of" chain.
        while node.dep_ == "pobj" and node.head.lower_ == "of" and node.head.head.pos_ == "NOUN":
            node = node.head.head
        return _subtree(node, exclude, drop=frozenset({"relcl", "acl", "punct", "appos"}))
    # A verb coordinated in another form is a separate act ("would meet in Kinshasa and hoped to reach ..."),
    # with a commitment of its own where it names one; "meet and sign" stays one action.
    other_acts = [c for c in head.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") and c.tag_ != head.tag_]
    if other_acts:
        first_act = min(c.i for c in other_acts)
        exclude = exclude | {c.i for c in other_acts} | {c.i for c in head.children if c.dep_ == "cc"
                                                         and c.i < first_act and c.i > head.i}
    tokens = _subtree(head, exclude, drop=DROP_DEPS)
    subject = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None and head.dep_ in ("xcomp", "advcl", "acl") and head.head.i != head.i:
        # "calling on him to LEAVE", "a committee to MEET": the subject is the governing word's object.
        governor = head.head
        subject = next((c for c in governor.children if c.dep_ in ("dobj", "obj")), None)
        if subject is None:
            on = next((c for c in governor.children if c.dep_ == "prep" and c.lower_ in ("on", "upon")), None)
            subject = next((c for c in on.children if c.dep_ == "pobj" and c.ent_type_ not in ("DATE", "TIME")
                            and c.pos_ in ("PRON", "PROPN", "NOUN")), None) if on is not None else None
    if subject is not None and subject.lower_ not in ("that", "which", "who", "it", "they", "we", "i"):
        subject_tokens = [t for t in _core(subject) if t.i not in exclude and t.dep_ != "det" or t.i == subject.i]
        tokens = sorted({*subject_tokens, *tokens}, key=lambda t: t.i)
    return tokens


def _subtree(head, exclude: set[int], drop: frozenset[str]) -> list:
    """The head's subtree without excluded tokens and without the subtrees of dropped dependencies."""
    kept, stack = [], [head]
    while stack:
        node = stack.pop()
        if node.i in exclude:
            continue
        kept.append(node)
        for child in node.children:
            if child.dep_ in drop or child.i in exclude:
                continue
            if child.ent_type_ in ("DATE", "TIME") and child.i not in {head.i}:
                continue
            if child.dep_ == "prep" and any(g.ent_type_ in ("DATE", "TIME") for g in child.children):
                continue
            stack.append(child)
    return sorted(kept, key=lambda t: t.i)


# ------------------------------------------------------------------------------------------- helpers
def _date_part(value: str) -> str:
    """The date part of a TIMEX3 value ("2015-12-18T10:00" -> "2015-12-18")."""
    return value.split("T")[0] if value else value


def _dedupe(entities: list[Entity]) -> list[Entity]:
    seen, kept = set(), []
    for entity in entities:
        key = (entity.label(), entity.identifier_text)
        if key not in seen:
            seen.add(key)
            kept.append(entity)
    return kept


_COMMITMENT_FIELDS = frozenset(f.name for f in fields(Commitment))


def _set_optional(commitment: Commitment, **values: Any) -> None:
    """Set fields that newer versions of the model declare (category, announced, place, deadline) when it has
    them."""
    for name, value in values.items():
        if name in _COMMITMENT_FIELDS:
            setattr(commitment, name, value)


def _window(draft: Draft) -> tuple[date, date] | None:
    bounds = due_window(draft.commitment.due, draft.commitment.precision)
    return (date.fromisoformat(bounds[0]), date.fromisoformat(bounds[1])) if bounds else None


def _merge(drafts: list[Draft]) -> list[Draft]:
    """One commitment per planned meeting: meeting drafts due the same day (or period) are one."""
    drafts = sorted(drafts, key=lambda d: d.commitment.evidence["start"])
    kept: list[Draft] = []
    for draft in drafts:
        window = _window(draft)
        twin = None
        for other in kept:
            other_window = _window(other)
            same_anchor = other.commitment.evidence == draft.commitment.evidence
            same_meeting = window is not None and window == other_window and draft.meeting and other.meeting
            if same_anchor or same_meeting:
                twin = other
                break
        if twin is None:
            kept.append(draft)
            continue
        narrower = draft if window and (_window(twin) is None or (window[1] - window[0]) < (
            _window(twin)[1] - _window(twin)[0])) else twin
        wider = twin if narrower is draft else draft
        narrower.commitment.by = _dedupe([*narrower.commitment.by, *wider.commitment.by])
        narrower.commitment.event_id = narrower.commitment.event_id or wider.commitment.event_id
        if narrower is draft:
            kept[kept.index(twin)] = draft
    return sorted(kept, key=lambda d: d.commitment.evidence["start"])


def find_commitments(doc: Document, cues: CommitmentCues | None = None) -> list[Commitment]:
    """The commitments of a document whose time expressions, actors and events are coded."""
    return CommitmentFinder(doc, cues or commitment_cues()).find()


@component("commitments")
class Commitments:
    """Finds announced future actions (meetings, deadlines, promises, plans, ultimatums) with due dates."""

    version = "1"
    requires = ("sentences", "timexes", "events", "mentions", "quotes", "published")
    assigns = ("commitments",)

    def __init__(self, settings: Settings) -> None:
        self.cues = commitment_cues()

    def __call__(self, doc: Document) -> Document:
        doc.commitments = find_commitments(doc, self.cues)
        return doc
