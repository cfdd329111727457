"""Speakers of quotes: the people of a document and the rules that resolve a speaker span to a person or actor.

Part of the quotes stage (detente.nlp.quotes): names (a surname resolves to the full name met earlier),
titles, "he"/"she" (the latest person mention in the same or previous sentence, else the latest speaker within
`PRONOUN_REACH` sentences), role nouns ("the minister": the latest person holding that title), and other
phrases ("a spokesman for the foreign ministry"), which keep their own text and are coded by the actors stage;
relative pronouns ("who") keep their span and take the identity of the phrase they stand for.  Also the parse
helpers that find a cue's subject where the parser hid it (a dateline, a passive's agent, a split sentence).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from typing import Any

from detente.model import Document, Entity, Sentence
from detente.nlp.quote_cues import Attribution, CueLexicon, cue_lexicon

# "he"/"she" falls back to the latest quote speaker at most this many sentences back.
PRONOUN_REACH = 4
OTHER_PRONOUNS = frozenset({"they", "we", "i", "it", "you", "their", "our", "my", "its"})
# Dashes that end a dateline the parser may take into the subject ("WASHINGTON (AP) — President Obama said").
DATELINE_DASHES = frozenset({"—", "–", "--"})
# "his claim that ...": a possessive names its speaker as "he" would.
POSSESSIVE_PRONOUNS = frozenset({"his", "her"})


@dataclass
class Person:
    """A person mention in the body: where, the full name, the titles met with it, the actors' entity."""

    start: int
    end: int
    name: str
    titles: set[str] = field(default_factory=set)
    entity: Entity | None = None


class SpeakerResolver:
    """Resolves the speaker spans of one document; remembers the speakers met so far for "he"/"she"."""

    def __init__(self, doc: Document, lexicon: CueLexicon, actors: Any, sentences: list[Sentence],
                 direct_ranges: list[tuple[int, int]]) -> None:
        self.doc, self.body, self.lex, self.actors = doc, doc.body, lexicon, actors
        self.sentences = sentences
        self.sentence_starts = [s.start for s in sentences]
        self.direct_ranges = direct_ranges  # shared with the quote finder, which fills it as it goes
        self.mentions = sorted((m for m in doc.mentions if m.code and m.start is not None and m.end is not None),
                               key=lambda m: m.start)
        self.mention_starts = [m.start for m in self.mentions]
        self.people = people_of(doc, self.sentences)
        self.person_starts = [p.start for p in self.people]
        self.surnames: dict[str, Person] = {}
        for person in self.people:
            if " " in person.name:
                self.surnames.setdefault(key_word(person.name.split()[-1]), person)
        for person in self.people:
            full = self._full(person)
            if full is not person:
                full.titles |= person.titles  # "Kerry, the US Secretary of State" titles John Kerry
        self.speakers: list[tuple[int, Person]] = []  # (sentence index, person) of the quotes so far

    def resolve(self, attribution: Attribution) -> Entity | None:
        """The speaker entity: the span naming it here, resolved to a person or actor where possible."""
        if attribution.speaker_start is None or attribution.speaker_end is None:
            return None
        start, end = attribution.speaker_start, attribution.speaker_end
        if attribution.referent_start is not None and attribution.referent_end is not None:
            return self._relative(attribution)
        text = self.body[start:end]
        words = text.split()
        if not words:
            return None
        lower = text.lower()
        if lower in self.lex.person_pronouns or lower in POSSESSIVE_PRONOUNS:
            person = self._antecedent(start)
            return self._person_entity(person, text, start, end) if person else \
                Entity(entity_text=text, start=start, end=end, rule="quotes:unresolved pronoun")
        if lower in OTHER_PRONOUNS:
            return Entity(entity_text=text, start=start, end=end, rule="quotes:pronoun")
        office = self._office_word(words)
        person = self._person_in(start, end)
        if person is None and words[0].lower() in ("the", "a", "an") and office:
            if words[0].lower() == "the" and len(words) <= 4:
                person = self._latest_with_title(office, start)
            if person is None:
                return self._actor_entity(text, start, end, office)
        if person is None:
            named = [w for w in words if w[:1].isupper() and key_word(w) not in self.lex.offices]
            person = self._surname(named[-1]) if named else None
        if person is not None:
            self.speakers.append((self._sentence_index(start), person))
            return self._person_entity(person, text, start, end)
        return self._actor_entity(text, start, end, office)

    def names_person(self, start: int, end: int) -> bool:
        """Whether a speaker span names a person: "he"/"she", a person mention, or a person's surname."""
        text = self.body[start:end]
        if text.lower() in self.lex.person_pronouns:
            return True
        if self._person_in(start, end) is not None:
            return True
        named = [w for w in text.split() if w[:1].isupper() and key_word(w) not in self.lex.offices]
        return bool(named) and self._surname(named[-1]) is not None

    def _relative(self, attribution: Attribution) -> Entity | None:
        """A relative pronoun speaker ("who"): its own span, the identity of the phrase it stands for."""
        referent = self.resolve(replace(attribution, speaker_start=attribution.referent_start,
                                        speaker_end=attribution.referent_end, referent_start=None,
                                        referent_end=None))
        start, end = attribution.speaker_start, attribution.speaker_end
        text = self.body[start:end]
        if referent is None:
            return Entity(entity_text=text, start=start, end=end, rule="quotes:relative pronoun")
        return replace(referent, entity_text=text, start=start, end=end,
                       identifier_text=referent.identifier_text or referent.entity_text)

    def _antecedent(self, pos: int) -> Person | None:
        """The latest person mention in the same or previous sentence, else the latest speaker nearby."""
        index = self._sentence_index(pos)
        earliest = self.sentences[max(0, index - 1)].start if self.sentences else 0
        i = bisect.bisect_left(self.person_starts, pos) - 1
        while i >= 0 and self.people[i].start >= earliest:
            person = self.people[i]
            if not self._inside_quote(person.start):
                return self._full(person)
            i -= 1
        for sentence_index, person in reversed(self.speakers):
            if index - sentence_index > PRONOUN_REACH:
                break
            return person
        return None

    def _latest_with_title(self, office: str, pos: int) -> Person | None:
        """The latest person mentioned before `pos` with this title ("the minister" -> Lavrov)."""
        i = bisect.bisect_left(self.person_starts, pos) - 1
        while i >= 0:
            person = self.people[i]
            if office in person.titles or (person.entity is not None and person.entity.office
                                           and office in person.entity.office.lower()):
                return self._full(person)
            i -= 1
        return None

    def _office_word(self, words: list[str]) -> str | None:
        for word in reversed(words):
            if key_word(word) in self.lex.offices:
                return key_word(word)
        return None

    def _person_in(self, start: int, end: int) -> Person | None:
        """A person mention inside the span, as its fullest name."""
        i = bisect.bisect_left(self.person_starts, start)
        while i < len(self.people) and self.people[i].start < end:
            if self.people[i].end <= end:
                return self._full(self.people[i])
            i += 1
        return None

    def _full(self, person: Person) -> Person:
        """The first mention with the full name of a person met by surname ("Kerry" -> "John Kerry")."""
        full = self.surnames.get(key_word(person.name.split()[-1]))
        return full if full is not None and len(full.name) >= len(person.name) else person

    def _surname(self, word: str) -> Person | None:
        return self.surnames.get(key_word(word))

    def _person_entity(self, person: Person, text: str, start: int, end: int) -> Entity:
        """The speaker as the person it names: identity from the actors stage, span from this sentence."""
        actor = person.entity or self._actor_at(person.start, person.end) or self._person_by_name(person.name)
        if actor is not None:
            return replace(actor, entity_text=text, start=start, end=end,
                           identifier_text=actor.identifier_text or person.name)
        return Entity(entity_text=text, identifier_text=person.name, start=start, end=end, rule="quotes:person")

    def _person_by_name(self, name: str) -> Entity | None:
        """The actors stage's entity for a person named elsewhere in the document, or in its memory."""
        for person in (p for p in self.people if p.name == name):
            if person.entity or self._actor_at(person.start, person.end):
                return person.entity or self._actor_at(person.start, person.end)
        people = self.doc.notes.get("people")
        if isinstance(people, dict):
            found = people.get(name) or people.get(name.split()[-1])
            if isinstance(found, Entity):
                return found
        return None

    def _actor_entity(self, text: str, start: int, end: int, office: str | None) -> Entity:
        """A speaker that is no known person: the actors stage codes the phrase when it can."""
        actor = self._actor_at(start, end)
        if actor is None and self.actors is not None and hasattr(self.actors, "code_phrase"):
            try:
                coded = self.actors.code_phrase(text, self.doc.published, self.doc)
            except Exception:  # noqa: BLE001 - a coding failure must not lose the quote
                coded = None
            if isinstance(coded, Entity):
                actor = coded
        if actor is not None:
            return replace(actor, entity_text=text, start=start, end=end)
        return Entity(entity_text=text, office=office, start=start, end=end, rule="quotes:phrase")

    def _actor_at(self, start: int, end: int) -> Entity | None:
        """The actors stage's coded mention overlapping a span ("Sergei Lavrov" in "Russian Foreign Minister
        Sergei Lavrov"), when that stage ran."""
        i = bisect.bisect_left(self.mention_starts, end)
        found = [m for m in self.mentions[max(0, i - 12):i] if m.start < end and start < m.end]
        return min(found, key=lambda m: abs(m.start - start)) if found else None

    def _sentence_index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.sentence_starts, pos) - 1)

    def _inside_quote(self, pos: int) -> bool:
        return any(a < pos < b for a, b in self.direct_ranges)


def people_of(doc: Document, sentences: list[Sentence]) -> list[Person]:
    """Person mentions in body order: spaCy PERSON entities, the actors' people, titles met with them."""
    people: dict[int, Person] = {}
    lex = cue_lexicon()
    for sentence in sentences:
        span = sentence.span
        if span is None:
            continue
        offset = doc.paragraphs[sentence.paragraph][0]
        for ent in span.ents:
            if ent.label_ != "PERSON":
                continue
            name = " ".join(t.text for t in ent if not t.is_punct and t.lower_ not in lex.offices
                            and t.text not in ("Mr", "Mrs", "Ms", "Mr.", "Mrs.", "Ms.", "Dr", "Dr."))
            name = re.sub(r"['’]s$", "", name).strip()
            if not name:
                continue
            titles = set()
            # Title words right before the name ("Foreign Minister Sergei Lavrov") and in an apposition
            # after it ("Kerry, the US Secretary of State,").
            i = ent.start - 1
            while i >= max(ent.start - 5, span.start) \
                    and (ent.doc[i].is_title or ent.doc[i].lower_ in lex.offices):
                if ent.doc[i].lower_ in lex.offices:
                    titles.add(ent.doc[i].lower_)
                i -= 1
            for child in ent.root.children:
                if child.dep_ == "appos":
                    titles.update(t.lower_ for t in child.subtree if t.lower_ in lex.offices)
            start = offset + ent.start_char
            people[start] = Person(start, offset + ent.end_char, name, titles)
    for mention in doc.mentions:
        if mention.start is None or mention.end is None or not (mention.office or _is_person(mention)):
            continue
        name = mention.identifier_text or mention.entity_text
        overlapping = [p for p in people.values() if p.start < mention.end and mention.start < p.end]
        for person in overlapping:
            person.entity = mention
            if mention.office:
                person.titles.update(w for w in mention.office.lower().split() if w in lex.offices)
        if not overlapping and name:
            people[mention.start] = Person(mention.start, mention.end, name, set(), mention)
    return [people[k] for k in sorted(people)]


def _is_person(mention: Entity) -> bool:
    """An actors-stage mention of a person: coded from the office holders, an apposition or its memory."""
    rule = mention.rule or ""
    return rule.startswith(("kb:office_holders", "appositive", "memory")) or "person" in rule


def key_word(word: str) -> str:
    """A word as the name and title indexes hold it: lower case, without possessive or punctuation."""
    return re.sub(r"['’]s$", "", word.strip(".,;:")).lower()


def carried_subject(root: Any) -> Any:
    """The subject a subjectless sentence opening with "and"/"but" shares with the sentence before it
    ("She declared “What a night!” and said that ...", which the parser splits after the quote)."""
    sent = root.sent
    first = next((t for t in sent if not t.is_punct), None)
    if first is None or first.dep_ != "cc" or first.head.i != root.i or sent.start == 0:
        return None
    previous = root.doc[sent.start - 1].sent.root
    if previous.pos_ not in ("VERB", "AUX"):
        return None
    return next((c for c in previous.children if c.dep_ == "nsubj"), None)


def stranded_subject(verb: Any) -> Any:
    """A subject the parser hung elsewhere, right before its finite verb ("In addition to Mr. Regalado, two
    members of Congress, Ileana Ros-Lehtinen and Carlos Curbelo, have said ..."): the noun phrase ending just
    before the verb and its auxiliaries, followed back through its coordinations to the phrase they join."""
    if verb.tag_ not in ("VBD", "VBZ", "VBP") and not any(c.dep_ == "aux" for c in verb.children):
        return None
    first = min([c for c in verb.children if c.dep_ in ("aux", "neg", "advmod") and c.i < verb.i] + [verb],
                key=lambda t: t.i)
    i = first.i - 1
    while i >= verb.sent.start and verb.doc[i].is_punct:
        i -= 1
    if i < verb.sent.start:
        return None
    token = verb.doc[i]
    if token.pos_ not in ("NOUN", "PROPN") or token.head.i == verb.i:
        return None  # "Tuesday said" is a date the verb governs
    while token.dep_ in ("conj", "compound") and token.head.i < token.i:
        token = token.head
    # a preposition's object is no subject ("In addition to Mr. Regalado have said" is no sentence)
    return token if token.dep_ not in ("pobj", "dobj", "npadvmod") else None


def subject_after_dateline(subject: Any, verb: Any) -> Any:
    """The phrase after a dateline's dash that the parser hung elsewhere ("PHILADELPHIA, July 25 (UPI) — The
    Democratic National Committee released ..."): the token heading the words between the dash and the verb."""
    dash = next((t for t in subject.doc[subject.i:verb.i] if t.text in DATELINE_DASHES), None)
    if dash is None or dash.i + 1 >= verb.i:
        return None
    words = subject.doc[dash.i + 1:verb.i]
    heads = [t for t in words if not (words.start <= t.head.i < words.end) and t.pos_ in ("NOUN", "PROPN")]
    return heads[0] if len(heads) == 1 else None


def passive_agent(verb: Any) -> Any:
    """The agent of a passive verb: the object of its "by" ("was rejected by the voters")."""
    by = next((c for c in verb.children if c.dep_ == "agent"), None)
    return next((g for g in by.children if g.dep_ == "pobj"), None) if by is not None else None
