"""Who did it and to whom: actor and recipient entities of a trigger, read from the dependency parse.

Helpers for detente.nlp.events.  A noun phrase's entities are the actor mentions (doc.mentions, written by the
actors component) that overlap its core: the head, its modifiers, conjuncts ("Russia and Iran") and, for a
few head nouns ("the government of Syria", "the removal of Assad"), their "of" complement.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace

from detente.model import Document, Entity, Place, Sentence

# Dependents that belong to a noun phrase's core when looking for the entities it names.
CORE_DEPS = frozenset({"compound", "amod", "poss", "det", "nummod", "nmod", "flat", "appos", "conj", "cc",
                       "preconj", "quantmod", "case", "npadvmod", "predet", "nn"})
SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
PASSIVE_SUBJECT_DEPS = frozenset({"nsubjpass", "csubjpass"})
OBJECT_DEPS = frozenset({"dobj", "dative", "obj", "attr"})
# Prepositions whose object is the recipient of an event ("talks with X", "fired on X", "call on X").
RECIPIENT_PREPS = frozenset({"with", "against", "to", "toward", "towards", "on", "upon", "at", "into", "from"})
# Pronouns that, inside a reported clause, stand for the reporting speaker ("Lavrov said: 'We support ...'").
SPEAKER_PRONOUNS = frozenset({"i", "we", "he", "she", "they", "me", "us", "it"})
# Dependencies through which a subject-less verb takes its subject from its head ("agreed to form").
INHERIT_DEPS = frozenset({"xcomp", "conj", "advcl", "pcomp", "acomp"})
# Prepositions of a group noun that name whose group it is ("soldiers from Gondor", "lawmakers in Fornost").
MEMBER_PREPS = frozenset({"of", "from", "in"})


class MentionIndex:
    """Mentions of a document sorted by start, for range look-ups without a scan per token."""

    def __init__(self, doc: Document) -> None:
        self.mentions = sorted((m for m in doc.mentions if m.start is not None and m.end is not None),
                               key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self.longest = max((m.end - m.start for m in self.mentions), default=0)

    def overlapping(self, start: int, end: int) -> list[Entity]:
        """Mentions overlapping the body range [start, end)."""
        found = []
        i = bisect_left(self.starts, start - self.longest)
        while i < len(self.mentions) and self.mentions[i].start < end:
            mention = self.mentions[i]
            if mention.end > start:
                found.append(mention)
            i += 1
        return found


class RoleFinder:
    """Finds actor and recipient entities around a trigger token of one parsed sentence."""

    def __init__(self, doc: Document, sentence: Sentence, index: MentionIndex, cues: dict[str, frozenset[str]]):
        self.doc = doc
        self.sentence = sentence
        self.index = index
        self.offset = doc.paragraphs[sentence.paragraph][0] if doc.paragraphs else sentence.start - \
            sentence.span.start_char
        self.reporting = cues.get("reporting", frozenset())
        self.of_heads = cues.get("of_heads", frozenset())

    # -- offsets --
    def start(self, token) -> int:
        """Body offset where `token` starts."""
        return self.offset + token.idx

    def end(self, token) -> int:
        """Body offset where `token` ends."""
        return self.offset + token.idx + len(token.text)

    # -- noun phrases --
    def core_tokens(self, head) -> list:
        """The head and its core dependents (modifiers, conjuncts, some "of" complements)."""
        tokens, stack = [], [head]
        while stack:
            token = stack.pop()
            tokens.append(token)
            for child in token.children:
                if child.dep_ in CORE_DEPS:
                    stack.append(child)
                elif child.dep_ == "prep" and child.lower_ == "of" and token.lemma_.lower() in self.of_heads:
                    stack.extend(c for c in child.children if c.dep_ == "pobj")
        return tokens

    def entities(self, head) -> list[Entity]:
        """Copies of the coded mentions that the noun phrase headed by `head` names, in text order."""
        if head is None:
            return []
        found: dict[int, Entity] = {}
        for token in self.core_tokens(head):
            for mention in self.index.overlapping(self.start(token), self.end(token)):
                found.setdefault(mention.start, mention)
        if not found and head.pos_ == "NOUN":
            for pobj in self.prep_objects(head, MEMBER_PREPS):
                for token in self.core_tokens(pobj):
                    for mention in self.index.overlapping(self.start(token), self.end(token)):
                        found.setdefault(mention.start, mention)
        return dedupe([replace(m, sector=list(m.sector)) for _, m in sorted(found.items())])

    def uncoded(self, head) -> list[Entity]:
        """An entity without a code for a noun phrase no mention covers ("gunmen", "protesters")."""
        if head is None or head.pos_ not in ("NOUN", "PROPN"):
            return []
        tokens = sorted(self.core_tokens(head), key=lambda t: t.i)
        text = self.doc.body[self.start(tokens[0]):self.end(tokens[-1])]
        return [Entity(code=None, entity_text=text, start=self.start(tokens[0]), end=self.end(tokens[-1]),
                       rule="uncoded noun phrase")]

    # -- roles of a verb --
    def subject(self, verb, depth: int = 0):
        """The subject token of `verb`, taken from the governing verb when it has none ("agreed to form")."""
        for child in verb.children:
            if child.dep_ in SUBJECT_DEPS:
                if child.tag_ == "WDT" or child.lower_ in ("who", "which", "that"):
                    return verb.head if verb.dep_ == "relcl" else None
                return child
        if verb.dep_ == "relcl":
            return verb.head
        if verb.dep_ == "acl":  # "demonstrators protesting ..." acts through its noun; "talks held by X" does not
            return verb.head if verb.tag_ == "VBG" else None
        if depth < 4 and verb.dep_ in INHERIT_DEPS and verb.head.i != verb.i:
            return self.subject(verb.head, depth + 1)
        return None

    def agent(self, verb):
        """The object of a passive "by" phrase."""
        for child in verb.children:
            if child.dep_ == "agent":
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj":
                        return grandchild
        return None

    def passive_subject(self, verb):
        """The subject of a passive verb (its recipient)."""
        return next((c for c in verb.children if c.dep_ in PASSIVE_SUBJECT_DEPS), None)

    def speaker(self, token):
        """Entities of the subject of the reporting verb above `token`, for pronouns inside reported speech."""
        node = token
        for _ in range(8):
            if node.head.i == node.i:
                break
            node = node.head
            if node.lemma_.lower() in self.reporting:
                subject = next((c for c in node.children if c.dep_ in SUBJECT_DEPS), None)
                if subject is not None and subject.pos_ != "PRON":
                    return self.entities(subject)
                return []
        return []

    def actors_of_subject(self, subject) -> list[Entity]:
        """Entities for a subject token, resolving speaker pronouns inside reported speech."""
        if subject is None:
            return []
        if subject.pos_ == "PRON":
            return self.speaker(subject) if subject.lower_ in SPEAKER_PRONOUNS else []
        return self.entities(subject)

    def prep_objects(self, token, preps: frozenset[str]) -> list:
        """Objects of the prepositions under `token` whose word is in `preps`."""
        objects = []
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in preps:
                objects.extend(c for c in child.children if c.dep_ in ("pobj", "pcomp"))
        return objects

    def recipients_of_verb(self, verb, passive: bool) -> list[Entity]:
        """Entities the verb acts on: passive subject, direct or dative object, "with/against/to X"."""
        heads = []
        if passive:
            heads.append(self.passive_subject(verb))
        objects = [c for c in verb.children if c.dep_ in OBJECT_DEPS]
        heads.extend(objects)
        heads.extend(self.prep_objects(verb, RECIPIENT_PREPS))
        for obj in objects:  # "held talks with X", "imposed sanctions on X"
            heads.extend(self.prep_objects(obj, RECIPIENT_PREPS))
        for particle in (c for c in verb.children if c.dep_ == "prt"):
            heads.extend(self.prep_objects(particle, RECIPIENT_PREPS))
        found: list[Entity] = []
        for head in heads:
            if head is not None:
                found.extend(self.actors_of_subject(head) if head.pos_ == "PRON" else self.entities(head))
        return dedupe(found)

    def addressee(self, verb) -> list[Entity]:
        """Entities of the subject of a "that" clause or object clause ("demanded that the US cancel ...")."""
        for child in verb.children:
            if child.dep_ in ("ccomp", "xcomp"):
                subject = next((c for c in child.children if c.dep_ in SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS), None)
                if subject is not None and subject.pos_ != "PRON":
                    return self.entities(subject)
        return []

    def places_of(self, token, places: list[Place], preps: frozenset[str] = frozenset({"in", "at"})) -> Place | None:
        """The place named by an "in/at X" complement of `token` ("talks in New York", "arrived in Moscow")."""
        for pobj in self.prep_objects(token, preps):
            start, end = self.start(pobj.left_edge), self.end(pobj)
            for place in places:
                if place.start < end and place.end > start:
                    return place
        return None


def dedupe(entities: list[Entity]) -> list[Entity]:
    """Entities with duplicates (same code and sector, or same span when uncoded) removed, order kept."""
    seen, kept = set(), []
    for entity in entities:
        key = (entity.code, tuple(entity.sector[:1])) if entity.code else ("", entity.start)
        if key not in seen:
            seen.add(key)
            kept.append(entity)
    return kept
