"""Who did it and to whom: actor and recipient entities of a trigger, read from the dependency parse.

Helpers for detente.nlp.events.  A noun phrase's entities are the actor mentions (doc.mentions, written by the
actors component) that overlap its core: the head, its modifiers, conjuncts ("Russia and Iran") and, for a
few head nouns ("the government of Syria", "the removal of Assad"), their "of" complement.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace
from functools import lru_cache

from detente.model import Document, Entity, Place, Sentence
from detente.nlp.actor_kb import knowledge_base
from detente.nlp.syntax import is_misplaced_act

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
# Prepositions whose gerund did not happen ("cut crime without asking people to pay more").
UNREALISED_PREPS = frozenset({"without", "instead"})
# Marks of the condition a threat is aimed at.
CONDITION_MARKS = frozenset({"if", "unless"})
# Possessive pronouns that, on a subject inside reported speech, stand for the speaker ("their forces").
POSSESSIVE_PRONOUNS = frozenset({"its", "their", "our"})
# Prepositions of a group or event noun that name whose it is ("soldiers from Gondor", "lawmakers in Fornost",
# "the summit between the EU and Turkey failed").
MEMBER_PREPS = frozenset({"of", "from", "in", "between", "among"})


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
        self.located = cues.get("located", frozenset())
        self.of_heads = cues.get("of_heads", frozenset())
        self.help_nouns = cues.get("help_nouns", frozenset())

    # -- offsets --
    def start(self, token) -> int:
        """Body offset where `token` starts."""
        return self.offset + token.idx

    def end(self, token) -> int:
        """Body offset where `token` ends."""
        return self.offset + token.idx + len(token.text)

    # -- noun phrases --
    def core_tokens(self, head, appositives: bool = True) -> list:
        """The head and its core dependents (modifiers, conjuncts, some "of" complements)."""
        tokens, stack = [], [head]
        while stack:
            token = stack.pop()
            tokens.append(token)
            for child in token.children:
                if child.dep_ == "appos" and child.pos_ == "NOUN" and not appositives:
                    continue  # a description ("a key U.S. ally"), not a second name
                if child.dep_ in CORE_DEPS:
                    stack.append(child)
                elif child.dep_ == "prep" and child.lower_ == "of" and token.lemma_.lower() in self.of_heads:
                    stack.extend(c for c in child.children if c.dep_ == "pobj")
        return tokens

    def entities(self, head) -> list[Entity]:
        """Copies of the coded mentions that the noun phrase headed by `head` names, in text order; an appositive
        counts only when the head names no one ("Pakistan, a key U.S. ally" is Pakistan)."""
        if head is None:
            return []
        found = self._mentions_of(self.core_tokens(head, appositives=False))
        if not found:
            found = self._mentions_of(self.core_tokens(head))
        if not found and head.pos_ == "NOUN":
            for pobj in self.prep_objects(head, MEMBER_PREPS) + self.home_of(head):
                found.update(self._mentions_of(self.core_tokens(pobj)))
        return dedupe([replace(m, sector=list(m.sector)) for _, m in sorted(found.items())])

    def home_of(self, head) -> list:
        """Objects of "in" under a participle that places a group ("a newspaper based in Beirut", "troops stationed
        in Kosovo"): the place names whose group it is."""
        return [pobj for child in head.children
                if child.dep_ == "acl" and child.lemma_.lower() in self.located
                for pobj in self.prep_objects(child, frozenset({"in", "at"}))]

    def _mentions_of(self, tokens) -> dict[int, Entity]:
        found: dict[int, Entity] = {}
        for token in tokens:
            for mention in self.index.overlapping(self.start(token), self.end(token)):
                found.setdefault(mention.start, mention)
        return found

    def adjective_parties(self, head) -> list[Entity]:
        """Countries named only by an adjective on a noun no mention covers: "an Indian proposal" is India's,
        "proposed Israeli changes" Israel's (the party whose proposal is rejected or accepted)."""
        found = []
        modifiers = [c for c in head.children if c.dep_ in ("amod", "compound")]
        modifiers += [c for m in modifiers for c in m.children if c.dep_ == "conj"]  # "Turkish and Greek sides"
        for child in modifiers:
            if child.pos_ not in ("ADJ", "PROPN") or not child.is_title:
                continue
            if self.index.overlapping(self.start(child), self.end(child)):
                continue
            code = adjective_country(child.text)
            if code:
                found.append(Entity(code=code, entity_text=child.text, start=self.start(child), end=self.end(child),
                                    rule="country adjective on the object"))
        return found

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
            if verb.tag_ != "VBG":
                return self.verbless_subject(verb)
            if verb.head.dep_ == "dobj" and not self.entities(verb.head) and depth < 4:
                return self.subject(verb.head.head, depth + 1)  # "issued a statement demanding ...": the issuer
            return verb.head
        if depth < 4 and verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.i != verb.head.i \
                and verb.head.lower_ not in UNREALISED_PREPS:
            # "are guilty of violating ...", "after meeting Bush, Blair said": the gerund's understood subject is
            # that of the word its preposition hangs on
            return self.subject(verb.head.head, depth + 1)
        if depth < 4 and verb.dep_ in INHERIT_DEPS and verb.head.i != verb.i:
            return self.subject(verb.head, depth + 1)
        return None

    def verbless_subject(self, participle):
        """For a sentence the parser left without a main verb ("Doctors from two aid groups donated and delivered
        goods to ..." parsed as a noun with a participle), the noun at its root, when the participle or its
        conjunct is finite, the act of that noun; else None ("soldiers killed in the attack" stays passive)."""
        root = self.sentence.span.root
        if root.pos_ not in ("NOUN", "PROPN") or not any(t.i == participle.i for t in root.subtree):
            return None
        if participle.tag_ == "VBD" or any(is_misplaced_act(c) for c in participle.children):
            return root
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
                if subject is not None and subject.pos_ == "VERB":  # "The Red Cross operating in Iraq said"
                    subject = next((c for c in subject.children if c.dep_ in SUBJECT_DEPS), subject)
                if subject is None:
                    subject = self.quoted_subject(node)
                if subject is not None and subject.pos_ != "PRON":
                    return self.entities(subject)
                return []
        return []

    @staticmethod
    def quoted_subject(reporting):
        """The passive subject a subjectless reporting verb speaks for: "King Hassan was quoted as saying ...",
        "the minister was reported as saying ..."."""
        if reporting.dep_ != "pcomp" or reporting.head.lower_ != "as":
            return None
        governor = reporting.head.head
        return next((c for c in governor.children if c.dep_ == "nsubjpass"), None)

    def actors_of_subject(self, subject) -> list[Entity]:
        """Entities for a subject token, resolving speaker pronouns inside reported speech ("we", "their forces")
        and national adjectives no mention covers ("the Turkish and Greek sides")."""
        if subject is None:
            return []
        if subject.pos_ == "PRON":
            return self.speaker(subject) if subject.lower_ in SPEAKER_PRONOUNS else []
        found = self.entities(subject)
        if found or subject.pos_ != "NOUN":
            return found
        if any(c.dep_ == "poss" and c.lower_ in POSSESSIVE_PRONOUNS for c in subject.children):
            found = self.speaker(subject)  # "Bosnian Serbs said their forces had completed ...": the Serbs'
        return found or self.adjective_parties(subject)

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
        # A dative "to" parsed as the object itself ("providing photographs to Macedonia"): its object counts.
        objects = [next((g for g in c.children if g.dep_ == "pobj"), c) if c.pos_ == "ADP" else c for c in objects]
        heads.extend(objects)
        heads.extend(self.prep_objects(verb, RECIPIENT_PREPS))
        for obj in objects:  # "held talks with X", "imposed sanctions on X"
            heads.extend(self.prep_objects(obj, RECIPIENT_PREPS))
        for particle in (c for c in verb.children if c.dep_ == "prt"):
            heads.extend(self.prep_objects(particle, RECIPIENT_PREPS))
        # "with Albania's help", "with the support of X": a helper of the actor, not a party acted on
        heads = [h for h in heads if h is None or not (h.head.lower_ == "with" and h.lemma_.lower() in self.help_nouns)]
        found: list[Entity] = []
        for head in heads:
            if head is not None:
                found.extend(self.actors_of_subject(head) if head.pos_ == "PRON" else self.entities(head))
        if not found:  # "rejected an Indian proposal", "shared evidence with their Chinese counterparts"
            for head in (h for h in heads if h is not None and h.pos_ == "NOUN"):
                found.extend(self.adjective_parties(head))
        return dedupe(found)

    def condition_subjects(self, verb, actors: list[Entity]) -> list[Entity]:
        """Parties of an "if" or "unless" clause under the verb or its complement, the ones a threat is aimed at
        ("threatened to stop talks if the United States goes ahead"); the actors themselves left out."""
        own = {a.code for a in actors if a.code}
        clauses = [c for c in verb.children if c.dep_ == "advcl"]
        for complement in (c for c in verb.children if c.dep_ == "xcomp"):
            clauses.extend(c for c in complement.children if c.dep_ == "advcl")
        for clause in clauses:
            if not any(m.dep_ == "mark" and m.lower_ in CONDITION_MARKS for m in clause.children):
                continue
            subject = next((c for c in clause.children if c.dep_ in SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS), None)
            found = [e for e in self.entities(subject) if e.code and e.code not in own] if subject is not None else []
            if found:
                return found
        return []

    def addressee(self, verb) -> list[Entity]:
        """Entities of the subject of a "that" clause or object clause ("demanded that the US cancel ...")."""
        for child in verb.children:
            # "pushing hard for the US to support ...": a "for" clause parsed as an adverbial one
            for_clause = child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "for" for m in child.children)
            if child.dep_ in ("ccomp", "xcomp", "acl") or for_clause:
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


@lru_cache(maxsize=4096)
def adjective_country(word: str) -> str | None:
    """The country code a national adjective names in the actor knowledge base ("Indian" -> IND), else None."""
    codes = {entry.ref.code for entry in knowledge_base().lookup(word) if entry.kind == "adjective"}
    return codes.pop() if len(codes) == 1 else None


def dedupe(entities: list[Entity]) -> list[Entity]:
    """Entities with duplicates (same code and sector, or same span when uncoded) removed, order kept."""
    seen, kept = set(), []
    for entity in entities:
        key = (entity.code, tuple(entity.sector[:1])) if entity.code else ("", entity.start)
        if key not in seen:
            seen.add(key)
            kept.append(entity)
    return kept
