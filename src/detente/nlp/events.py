"""PLOVER events: who did what to whom, when and where, and whether it happened.

The `events` component reads parsed sentences (doc.sentences with spaCy spans), actor mentions
(doc.mentions), time expressions (doc.timexes), places (doc.places) and the publication date, and assigns
doc.events.  Each event comes from one trigger of the data lexicon (data/events/triggers.yaml): a verb, a
noun naming its own participants, or a multiword pattern on the dependency tree.  Precision first: reporting
verbs never code events, an embedded trigger ("agreed to *meet*") yields to the one governing it, verbal
categories need an actor with a code, and identical events of one document are kept once.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from detente.model import Document, Entity, Event, Place
from detente.nlp import event_modality as modality
from detente.nlp.event_roles import MentionIndex, RoleFinder, dedupe
from detente.nlp.lexicon import NON_EVENT, Lexicon, Trigger, load_lexicon
from detente.pipeline import component
from detente.settings import Settings

# Tokens inside these named entities are names, not triggers ("International Syria Support Group").
NAME_ENTITY_TYPES = frozenset({"ORG", "GPE", "PERSON", "NORP", "FAC", "LOC", "WORK_OF_ART", "LAW", "PRODUCT",
                               "EVENT", "LANGUAGE"})
VERB_TAGS = frozenset({"VERB"})
NOUN_TAGS = frozenset({"NOUN"})
# Dependencies of a modifier written before the noun it modifies ("war" in "war games").
MODIFIER_DEPS = frozenset({"compound", "amod"})
# Prepositions under a noun trigger that introduce its own participants.
NOUN_ACTOR_PREPS = frozenset({"between", "among", "by"})
NOUN_RECIPIENT_PREPS = frozenset({"with", "against", "on", "to", "toward", "towards", "at"})
# Entity types of an "over" object that place or time an act rather than name a grievance.
PLACE_OR_TIME_TYPES = frozenset({"DATE", "TIME", "GPE", "LOC", "FAC"})
# Prepositions under an accusation verb naming what it is about ("complained to the UN over Israeli raids").
GRIEVANCE_PREPS = frozenset({"over", "about", "against"})
# Possessive pronouns a noun trigger's own actor may hide behind.
POSSESSIVE_PRONOUNS = frozenset({"its", "their", "his", "her"})
# Dependencies a trigger sits in when it repeats its governor's event rather than starting a new one.
CONJUNCT_DEPS = frozenset({"conj"})
MATERIAL_CONFLICT = 4
# Deployments and arrivals that, when the troops are peacekeepers, provide protection: AID (CAMEO 074).
PEACEKEEPING_CATEGORIES = frozenset({"CONSULT", "MOBILIZE"})
# CAMEO root of appeals ("call for", "urge"), verbal cooperation unless what they call for is conflictual.
APPEAL = "02"
# Material cooperation is always done *to* someone (PLOVER "Requires recipient: Yes"); without a recipient or
# a reciprocal pair of actors, "gave", "provided" or "cooperated" are too often not events at all.
NEEDS_RECIPIENT = frozenset({"AID", "COOPERATE"})
# Mode of the joint exercises under COOPERATE; an exercise without a partner is a MOBILIZE.
SOLO_EXERCISE_MODE = "military"
# Categories whose recipient may be the subject of the clause they govern ("demanded that the US cancel",
# "allowed Iran to open").
ADDRESSED = frozenset({"REQUEST", "ACCUSE", "CONCEDE"})
# PLOVER's reading of modality (manual, AGREE and THREATEN): a promised or intended cooperative act is an
# AGREE, a promised or conditional conflictual act a THREATEN, and a refusal ("will not meet", "failed to reach
# agreement") of a cooperative act a REJECT.  An announced concession or retreat ("will release", "is prepared
# to lift the ban") is an AGREE too: CAMEO2PLOVER maps "express intent to yield / release / ease / de-escalate"
# (035x) to AGREE.
COOPERATIVE = frozenset({"CONSULT", "SUPPORT", "COOPERATE", "AID"})
CONFLICTUAL = frozenset({"ASSAULT", "COERCE", "PROTEST", "SANCTION", "MOBILIZE"})
YIELDING = frozenset({"CONCEDE", "RETREAT"})
REFUSABLE = COOPERATIVE | {"AGREE"} | YIELDING
COMMITMENT_CUES = frozenset({"future", "intention", "reported_would", "modal"})
REFUSAL_CUES = frozenset({"refusal", "denial_verb"})
# Confidence lost per level of embedding, so a sentence's main clause gives its main event.
DEPTH_PENALTY = 0.01
MAX_DEPTH_PENALTY = 0.1
# Confidence of a coded event (tuned by eye on the seed article and PLOVER gold; see evaluate/floors.yaml).
BASE_CONFIDENCE = 0.55
PHRASE_BONUS = 0.15
RECIPIENT_BONUS = 0.1
UNCODED_PENALTY = 0.25
NOUN_PENALTY = 0.05
# A noun trigger inside another event's clause ("demanded the resignation of X") ranks below that event.
EMBEDDED_PENALTY = 0.15
# Rules of actors coded from the event's place rather than named: they score like uncoded actors.
PLACED_ACTOR_RULES = ("uncoded noun phrase, country of the event place",
                      "unnamed actor, country of the event place")
# Dependents that open a clause of their own, and the subject relations that show it has its own actor.
CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "advcl", "acl", "relcl", "csubj", "pcomp", "parataxis"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})


@dataclass
class Match:
    """A trigger found in a sentence: its token, the lexicon reading and the words that matched."""

    token: Any
    trigger: Trigger
    words: list[Any]
    kind: str  # "verb", "noun" or "phrase"


def reclassify(category: str, status: str, cue: str) -> tuple[str, str]:
    """(category, status) after PLOVER's modality conventions; the status keeps the modality of the act."""
    if cue in REFUSAL_CUES and category in REFUSABLE:
        return "REJECT", "occurred"
    if cue in COMMITMENT_CUES:
        if category in COOPERATIVE:
            return "AGREE", status
        if category in CONFLICTUAL:
            return "THREATEN", status
        if category in YIELDING:
            return "AGREE", status
    return category, status


def _timex_event_date():
    """detente.nlp.timex.event_date when the timex stage provides it, else None."""
    try:
        module = importlib.import_module("detente.nlp.timex")
    except ModuleNotFoundError:
        return None
    return getattr(module, "event_date", None)


@lru_cache(maxsize=1)
def _event_date_function():
    return _timex_event_date()


def find_triggers(span, lexicon: Lexicon) -> list[Match]:
    """Trigger matches of a parsed sentence, one per token, phrases before single words."""
    matches: dict[int, Match] = {}
    event_heads = lexicon.cues.get("event_heads", frozenset())
    for token in span:
        if token.i in matches:
            continue  # the head of a modifier-first phrase already matched ("air strike" at "strike")
        if token.ent_type_ in NAME_ENTITY_TYPES and token.pos_ == "PROPN":
            continue
        if token.ent_type_ in NAME_ENTITY_TYPES and token.ent_iob_ != "O" and _inside_name(token):
            continue
        lemma = verb_lemma(token, lexicon) if token.pos_ in VERB_TAGS else token.lemma_.lower()
        match = _phrase_match(token, lemma, lexicon)
        if match is None and token.pos_ in VERB_TAGS and lemma in lexicon.verbs:
            match = Match(token, lexicon.verbs[lemma], [token], "verb")
        if match is None and token.pos_ in NOUN_TAGS and lemma in lexicon.nouns and \
                not _kind_modifier(token, event_heads):
            match = Match(token, lexicon.nouns[lemma], [token], "noun")
        if match is not None and match.trigger.category == NON_EVENT:
            continue
        if match is not None:
            if match.kind == "phrase" and match.token.pos_ in NOUN_TAGS:
                match.kind = "noun"  # "war games", "air strike": a nominal event, coded like a noun trigger
            matches[match.token.i] = match
    return [matches[i] for i in sorted(matches)]


def _kind_modifier(token, event_heads: frozenset[str]) -> bool:
    """Whether a noun only says what kind of thing its head is ("battle zones", "attack helicopters"), unless the
    head is a container of events ("bombing campaign", "aid convoy")."""
    return token.dep_ == "compound" and token.head.pos_ in NOUN_TAGS and \
        token.head.lemma_.lower() not in event_heads


def verb_lemma(token, lexicon: Lexicon) -> str:
    """The token's lemma, or a lexicon lemma its form inflects when the lemmatiser slipped ("staged" -> "stag")."""
    lemma = token.lemma_.lower()
    if lemma in lexicon.verbs or lemma in lexicon.phrases:
        return lemma
    form = token.lower_
    for suffix, ending in (("ed", "e"), ("ed", ""), ("ies", "y"), ("es", "e"), ("s", ""), ("ing", "e"), ("ing", "")):
        if form.endswith(suffix):
            candidate = form[: -len(suffix)] + ending
            if candidate in lexicon.verbs or candidate in lexicon.phrases:
                return candidate
    return lemma


def _inside_name(token) -> bool:
    """Whether a common noun sits inside a multi-word proper name (spaCy's entity covers capitalised words)."""
    return token.is_title and token.i > 0 and token.nbor(-1).ent_type_ == token.ent_type_


def _phrase_match(token, lemma: str, lexicon: Lexicon) -> Match | None:
    phrases = lexicon.phrases.get(lemma)
    if not phrases:
        return None
    below: dict[str, Any] = {}
    quantities = lexicon.cues.get("quantities", frozenset())
    for child in token.children:
        below.setdefault(child.lemma_.lower(), child)
        for grandchild in child.children:
            below.setdefault(grandchild.lemma_.lower(), grandchild)
            if child.lemma_.lower() in quantities and grandchild.lower_ == "of":
                # "handed over 700 kg of medicine", "received a mission of observers": the measured thing
                for measured in grandchild.children:
                    if measured.dep_ == "pobj":
                        below.setdefault(measured.lemma_.lower(), measured)
    # A phrase written modifier first ("war game", "air strike") starts at a compound whose head is the event.
    head = token.head if token.dep_ in MODIFIER_DEPS and token.head.i != token.i else None
    for phrase in phrases:
        if all(word in below for word in phrase.children):
            words = sorted([token, *(below[w] for w in phrase.children)], key=lambda t: t.i)
            if phrase.trigger.mode == "visit" and any(_infinitive_to(w) for w in words):
                continue  # "going to be" is the future tense, not a trip: a visit's "to" is a preposition
            return Match(token, phrase.trigger, words, "phrase")
        if head is not None and phrase.children == (head.lemma_.lower(),):
            return Match(head, phrase.trigger, [token, head], "phrase")
    return None


def _infinitive_to(token) -> bool:
    return token.tag_ == "TO" and token.dep_ == "aux"


def clause_verb_of(token):
    """The verb heading the clause a trigger sits in (the trigger itself when it is a verb)."""
    node = token
    for _ in range(8):
        if node.pos_ in ("VERB", "AUX") or node.head.i == node.i:
            return node
        node = node.head
    return node


class SentenceCoder:
    """Codes the events of one parsed sentence."""

    def __init__(self, doc: Document, index: int, mentions: MentionIndex, lexicon: Lexicon):
        self.doc = doc
        self.index = index
        self.sentence = doc.sentences[index]
        self.lexicon = lexicon
        self.cues = lexicon.cues
        self.roles = RoleFinder(doc, self.sentence, mentions, lexicon.cues)

    def code(self) -> list[Event]:
        """Events of the sentence, governing triggers before the ones they embed."""
        matches = find_triggers(self.sentence.span, self.lexicon)
        matches.sort(key=lambda m: _depth(m.token))
        emitted: dict[int, Event] = {}
        consumed = {w.i for m in matches if m.kind == "phrase" for w in m.words if w.i != m.token.i}
        consumed |= self.acted_on(matches)
        for token, event in self.obligations() + self.dismissals():
            emitted[token.i] = event
        governing: dict[int, Event] = dict(emitted)  # triggers and the light verbs that carry noun triggers
        for match in matches:
            if match.token.i in consumed or match.token.i in emitted:
                continue  # "X said Y must agree": the obligation is the event, not Y's agreeing
            event = self.code_match(match, governing)
            if event is not None:
                emitted[match.token.i] = event
                governing[match.token.i] = event
                verb = clause_verb_of(match.token)
                if match.kind == "noun" and verb.i != match.token.i and (
                        self.light_object(match.token, verb) or match.token.dep_ in ("dobj", "obj")):
                    # "began a hunger strike to demand ...", "reiterated its demand that Israel ease ...": the
                    # noun's event carries the clauses of its verb
                    governing.setdefault(verb.i, event)
        return [emitted[i] for i in sorted(emitted)]

    def acted_on(self, matches: list[Match]) -> set[int]:
        """Noun triggers that are the object of a verb trigger: the thing that verb acts on ("violated a ban",
        "demanded the resignation of X", "condemned the attack"), not a second event of the sentence."""
        verbs = {m.token.i for m in matches if m.kind in ("verb", "phrase") and m.token.pos_ in VERB_TAGS
                 and m.token.lemma_.lower() not in self.cues.get("light", frozenset())}
        return {m.token.i for m in matches
                if m.kind == "noun" and m.token.dep_ in ("dobj", "obj") and m.token.head.i in verbs}

    def obligations(self) -> list[tuple[Any, Event]]:
        """REQUEST events of reported obligations: "Russia said Sudan must return the helicopter"."""
        found = []
        obligation = self.cues.get("obligation", frozenset())
        for token in self.sentence.span:
            if token.pos_ not in ("VERB", "AUX") or \
                    not any(c.dep_ == "aux" and c.lower_ in obligation for c in token.children):
                continue
            if token.pos_ == "AUX" and not self.obliged_readiness(token):
                continue
            speakers = self.roles.speaker(token)
            if not any(s.code for s in speakers):
                continue
            addressees = self.roles.entities(self.roles.subject(token))
            if token.pos_ == "AUX" and not any(a.code for a in addressees):
                continue  # "the answer must be clear": an opinion, not a demand on a party
            # A party of the speaker's own country in another role is still addressed ("the rebels said the
            # government must agree"); the speaker itself is not.
            addressees = [a for a in addressees if all(_party(a) != _party(s) for s in speakers)]
            words = [c for c in token.children if c.dep_ == "aux" and c.lower_ in obligation] + [token]
            trigger = Trigger("REQUEST", None, "modal:" + words[0].lower_)
            match = Match(token, trigger, words, "modal")
            found.append((token, self.build(match, token, speakers, addressees, self.lexicon.categories["REQUEST"])))
        return found

    def obliged_readiness(self, copula) -> bool:
        """Whether an obligation on a copula asks for an act: "the US must be ready to mediate", "Iran must be
        willing to talk" (a predicate adjective governing a clause), not a judgement ("must be clear")."""
        if copula.dep_ in ("aux", "auxpass"):
            return False
        return any(c.dep_ in ("acomp", "attr") and any(g.dep_ == "xcomp" for g in c.children)
                   for c in copula.children)

    def dismissals(self) -> list[tuple[Any, Event]]:
        """REJECT events of reported dismissals: "the US said lifting the sanctions on Burma is out of the
        question" is the speaker's refusal, aimed at the parties of the dismissed act; keyed by the copula, so the
        dismissed act (the clausal subject) is embedded in it."""
        found = []
        pairs = {tuple(words.split()) for words in self.cues.get("dismissal", frozenset())}
        for token in self.sentence.span:
            if token.dep_ != "prep" or token.head.lemma_.lower() != "be":
                continue
            nouns = {g.lemma_.lower() for c in token.children for g in [c, *c.children]}
            if not any(token.lower_ == prep and noun in nouns for prep, noun in pairs):
                continue
            speakers = self.roles.speaker(token)
            if not any(s.code for s in speakers):
                continue
            copula = token.head
            subject = next((c for c in copula.children if c.dep_ in SUBJECT_DEPS), None)
            parties = []
            for word in subject.subtree if subject is not None else []:
                parties.extend(self.roles.index.overlapping(self.roles.start(word), self.roles.end(word)))
            targets = dedupe([replace(p, sector=list(p.sector)) for p in parties
                              if p.code and all(_party(p) != _party(s) for s in speakers)])
            match = Match(token, Trigger("REJECT", None, "dismissal:" + token.lower_), [token], "modal")
            table = self.lexicon.categories["REJECT"]
            found.append((copula, self.build(match, copula, speakers, targets, table,
                                             ("REJECT", "occurred", "dismissal"))))
        return found

    def code_match(self, match: Match, emitted: dict[int, Event]) -> Event | None:
        """The event of one trigger, or None when it lacks an actor or repeats its governor's event."""
        if self.civilian_deployment(match) or self.natural_harm(match) or self.other_sense(match):
            return None
        if self.figurative(match):
            if match.token.lemma_.lower() not in self.cues.get("verbal_attack", frozenset()):
                return None  # "help fight crime", "fight the seat"
            # "attacked the Tory plans": a criticism (CAMEO 111), not an assault
            match = replace(match, trigger=Trigger("ACCUSE", "disapprove", f"{match.trigger.rule} (verbal)"))
        token, trigger = match.token, match.trigger
        own = self.noun_participants(token, trigger.category) if match.kind == "noun" else None
        embedded = self.governed(token, emitted)
        if embedded and not (own and own[0]):
            return None
        verb = clause_verb_of(token)
        if match.kind == "noun":
            actors, recipients = own if own else ([], [])
            if actors and not recipients and self.light_object(token, verb):
                recipients = self.verb_roles(verb)[1]  # "mounted its invasion of South Lebanon"
            if not actors:
                if not self.light_object(token, verb):
                    return None
                actors, recipients_of_light = self.verb_roles(verb)
                recipients = recipients or recipients_of_light
        else:
            actors, recipients = self.verb_roles(token)
        category = trigger.category
        table = self.lexicon.categories[category]
        if not any(a.code for a in actors) and trigger.mode in table.get("placed_actor_modes", ()) and \
                self.unattributed_passive(verb):
            # "A US national has been put under investigation in Italy": the authorities of the place act
            actors = [a for a in self.placed_actors(token, verb, [], match.words) if a.code]
            if not actors:
                return None
        if not any(a.code for a in actors):
            if not table.get("uncoded_actor"):
                return None
            subject = self.roles.agent(verb) or self.roles.subject(verb)
            passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
            doer = self.roles.agent(verb) if passive else subject
            if doer is not None and not self.agentive(doer, category):
                return None  # "sexism prevents women ...", "the evidence demonstrates": no one acts
            actors = actors or self.roles.uncoded(subject)
            if not actors and not (self.unattributed_passive(verb) or self.unnamed_attempt(verb)):
                return None
            actors = self.placed_actors(token, verb, actors)
        if not recipients and category in ADDRESSED:
            if match.kind != "noun":
                recipients = self.roles.addressee(token)
            elif token.dep_ in ("dobj", "obj") and token.head.i == verb.i:
                # "reiterated its demand that Israel ease ...", the clause under the noun or its verb
                recipients = self.roles.addressee(token) or self.roles.addressee(verb)
        if not recipients and match.kind != "noun":  # "refused to meet Iran", "agreed to visit Iran"
            for clause in (c for c in token.children if c.dep_ == "xcomp"):
                # "refused to allow United Nations planes to land": the party let (or not) act
                recipients = self.roles.recipients_of_verb(clause, passive=False) or self.roles.addressee(clause)
                break
        if category == "ACCUSE" and match.kind != "noun":
            recipients = self.grievance(token) or recipients
        recipients = [r for r in recipients if all(r.start != a.start for a in actors)]
        # The actor's own country beside a foreign one is a possessive or a mention of the actor ("its troops
        # from Lebanon"), not a party acted on.
        own = {a.code for a in actors if a.code}
        if any(r.code and r.code not in own for r in recipients):
            recipients = [r for r in recipients if r.code not in own]
        if trigger.mode == "visit" and not recipients:
            recipients = self.destination(token, verb, actors)
        if category in NEEDS_RECIPIENT and not recipients and len(actors) < 2:
            # a partner named further down the clause ("provided 6 million euros to projects for Palestinian
            # refugees") still makes it an act done to someone
            recipients = self.implied_recipients(token, verb, actors, table)
            if not recipients and (trigger.mode != SOLO_EXERCISE_MODE or self.joint(match)):
                return None
            if not recipients:
                # PLOVER manual, MOBILIZE: a single country's exercise is a show of force, not cooperation
                match = replace(match, trigger=Trigger("MOBILIZE", "troops", f"{trigger.rule} (single-country)"))
                category, table = "MOBILIZE", self.lexicon.categories["MOBILIZE"]
        coding = self.coded_category(match, verb)
        if not recipients and coding[0] == "THREATEN":  # "threatened to stop talks if the US goes ahead"
            recipients = self.roles.condition_subjects(verb, actors)
        if not any(r.code for r in recipients):
            # an uncoded victim ("assassinate deputy governor Oleg Chemezov") belongs to a party of the place or
            # the actor's own; the named victim stays beside it
            recipients = [*self.implied_recipients(token, verb, actors, table), *recipients]
        event = self.build(match, verb, actors, recipients, table, coding)
        if embedded:  # "demanded the resignation of X": the demand is the sentence's main event
            event.confidence = max(0.05, event.confidence - EMBEDDED_PENALTY)
        return event

    def agentive(self, head, category: str) -> bool:
        """Whether an uncoded subject can be the doer of an event: a name (person, organisation, group) or a noun
        for people who act ("gunmen", "protesters", "hackers"); plans, laws, ideas and numbers are not (PLOVER
        manual, "Required entities": events without an actor are not coded)."""
        if head.pos_ == "PROPN":
            return head.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or not head.ent_type_
        if head.pos_ == "PRON":
            return True  # resolved, if at all, by the speaker rules
        lemma = head.lemma_.lower()
        if head.pos_ == "NUM" or lemma in self.cues.get("quantities", frozenset()):
            # "thousands of Nigerians", "hundreds of thousands of people": the people counted
            counted = self.roles.prep_objects(head, frozenset({"of"}))
            if counted:
                return any(self.agentive(pobj, category) for pobj in counted)
        reading = self.lexicon.nouns.get(lemma)
        if reading is not None and reading.category == category:
            return True  # "a roadside bombing killed ...", "a rally to protest ...": the event, its author unnamed
        return lemma in self.cues.get("agents", frozenset()) or lemma in self.cues.get("crowds", frozenset()) or \
            lemma in self.cues.get("forces", frozenset())

    # -- roles --
    def unattributed_passive(self, verb) -> bool:
        """A passive without "by" ("three civilians were killed"): the act is reported, its author unknown."""
        return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) and self.roles.agent(verb) is None

    def grievance(self, verb) -> list[Entity]:
        """Parties of what a complaint is about ("complained to the UN over two Israeli air raids"): PLOVER's
        recipient of an accusation is the party accused, not the audience it is made to."""
        found = []
        for pobj in self.roles.prep_objects(verb, GRIEVANCE_PREPS):
            found.extend(self.roles.entities(pobj) or (self.roles.adjective_parties(pobj) if pobj.pos_ == "NOUN"
                                                       else []))
        return dedupe([e for e in found if e.code])

    def unnamed_attempt(self, verb) -> bool:
        """An act whose would-be author goes unnamed ("an attempt to assassinate the governor was thwarted"): PLOVER
        codes attempted attacks like done ones (manual, ASSAULT "targeted"), the author from the place."""
        attempt = verb.head
        return verb.dep_ == "acl" and attempt.lemma_.lower() in self.cues.get("attempts", frozenset()) and \
            any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children) and \
            attempt.dep_ in SUBJECT_DEPS and not any(c.dep_ == "poss" for c in attempt.children)

    def verb_roles(self, verb) -> tuple[list[Entity], list[Entity]]:
        """Actors and recipients of a verb trigger, passive voice included."""
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
        if passive and self.roles.agent(verb) is None and \
                verb.lemma_.lower() in self.cues.get("stative_passive", frozenset()) | \
                self.cues.get("withdrawn_passive", frozenset()):
            # "Vietnam is committed to opening up": Vietnam commits itself
            return self.roles.actors_of_subject(self.roles.passive_subject(verb)), \
                self.roles.recipients_of_verb(verb, passive=False)
        if passive:
            actors = self.roles.entities(self.roles.agent(verb))
        else:
            subject = self.roles.subject(verb)
            actors = self.roles.actors_of_subject(subject) if subject is not None else self.stranded_subject(verb)
        recipients = self.roles.recipients_of_verb(verb, passive)
        return actors, recipients

    def joint(self, match: Match) -> bool:
        """Whether the words of a trigger say it is done together ("joint military exercises")."""
        joint = self.cues.get("joint", frozenset())
        return any(c.lemma_.lower() in joint for w in match.words for c in w.children)

    def stranded_subject(self, verb) -> list[Entity]:
        """For a main verb the parser left without a subject (the subject attached to an opening phrase: "With
        the signing of the MOU, the government and the SPLM have agreed"), the parties named between the last
        comma and the verb."""
        if verb.dep_ != "ROOT":
            return []
        words = []
        for token in reversed(self.sentence.span[:verb.i - self.sentence.span.start]):
            if token.is_punct and token.text != "/":
                break
            words.append(token)
        found = [m for t in words if t.dep_ not in ("aux", "neg", "advmod")
                 for m in self.roles.index.overlapping(self.roles.start(t), self.roles.end(t))]
        return dedupe([replace(m, sector=list(m.sector)) for m in sorted(found, key=lambda m: m.start)])

    def noun_participants(self, noun, category: str) -> tuple[list[Entity], list[Entity]]:
        """Participants a noun trigger names itself: "X's attack", "talks between X and Y", "meeting of X"."""
        actors: list[Entity] = []
        # A name compounded onto a verbal noun is usually its topic ("Syria talks", "Iran deal"); onto a
        # material one, its author ("US air strikes").
        material = self.lexicon.categories[category]["quad_code"] == MATERIAL_CONFLICT
        for child in noun.children:
            if child.dep_ == "poss" and child.pos_ == "PRON" and child.lower_ in POSSESSIVE_PRONOUNS:
                actors.extend(self.possessor(noun))  # "the ILO reiterated its demand": the ILO's
            elif child.dep_ == "poss" or (child.dep_ == "amod" and child.pos_ == "ADJ") or \
                    (material and child.dep_ == "compound" and child.pos_ == "PROPN"):
                actors.extend(self.roles.entities(child))
        if not actors and material:  # "Palestinian riots", "Israeli air strikes"; but "Syrian talks" is a topic
            actors.extend(self.roles.adjective_parties(noun))
        for pobj in self.roles.prep_objects(noun, NOUN_ACTOR_PREPS | {"of"}):
            if pobj.head.lower_ == "of" and noun.lemma_.lower() not in self.cues.get("of_heads", frozenset()):
                continue
            actors.extend(self.roles.entities(pobj))
        recipients = []
        for pobj in self.roles.prep_objects(noun, NOUN_RECIPIENT_PREPS):
            recipients.extend(self.roles.entities(pobj) or self.roles.adjective_parties(pobj))
        return dedupe(actors), dedupe(recipients)

    def possessor(self, noun) -> list[Entity]:
        """Who "its" or "their" stands for on a noun trigger that is the object of a verb: that verb's subject
        ("the ILO reiterated its demand", "the rebels stepped up their attacks")."""
        if noun.dep_ not in ("dobj", "obj") or noun.head.pos_ not in ("VERB", "AUX"):
            return []
        return self.roles.actors_of_subject(self.roles.subject(noun.head))

    def light_object(self, noun, verb) -> bool:
        """Whether a noun trigger is the object of a light verb whose subject acts ("held talks")."""
        if verb.lemma_.lower() not in self.cues.get("light", frozenset()):
            return False
        node = noun
        while node.i != verb.i and node.head.i != node.i:
            if node.dep_ in ("dobj", "pobj", "attr", "conj", "prep", "nsubjpass", "compound", "obj"):
                node = node.head
            else:
                return False
        return node.i == verb.i

    def governed(self, token, emitted: dict[int, Event]) -> bool:
        """Whether an emitted trigger above `token` already codes its event ("agreed to form ... to meet")."""
        node = token
        for _ in range(10):
            if node.head.i == node.i:
                return False
            dep, node = node.dep_, node.head
            if dep in CONJUNCT_DEPS:
                continue  # a conjoined verb is a sibling event, not an embedded one
            if node.i in emitted:
                return True
            if node.lemma_.lower() in self.cues.get("reporting", frozenset()):
                return False
        return False

    def destination(self, token, verb, actors: list[Entity]) -> list[Entity]:
        """For visits without a recipient mention: the government of the country visited."""
        preps = frozenset({"in", "at", "to"})
        place = self.roles.places_of(token, self.doc.places, preps) or self.roles.places_of(verb, self.doc.places, preps)
        if place is None or not place.country or any(a.code == place.country for a in actors):
            return []
        return [Entity(code=place.country, sector=["GOV"], entity_text=place.text, identifier_text=place.name,
                       start=place.start, end=place.end, rule="visit destination")]

    def placed_actors(self, token, verb, actors: list[Entity], words: tuple | list = ()) -> list[Entity]:
        """Unnamed actors ("gunmen", an unattributed passive) coded, as PLOVER coders do, with the country of the
        place the sentence puts the event in; unchanged when the sentence names no place."""
        place = self.location([*words, token, verb])
        if place is None:
            place = next((p for p in self.doc.places
                          if self.sentence.start <= p.start < self.sentence.end and p.country), None)
        if place is None or not place.country:
            return actors
        if actors:
            return [replace(actors[0], code=place.country, rule=PLACED_ACTOR_RULES[0])]
        return [Entity(code=place.country, entity_text=place.text, identifier_text=place.name, start=place.start,
                       end=place.end, rule=PLACED_ACTOR_RULES[1])]

    def implied_recipients(self, token, verb, actors: list[Entity], table: dict[str, Any]) -> list[Entity]:
        """Recipients the grammar does not give, the way PLOVER coders supply them: another party named in the
        trigger's clause ("aid for Romania"); else, for categories marked internal_recipient and an actor of one
        country, the country where the event happens or the actor's own."""
        if not any(a.code for a in actors):
            return []
        # Not the subject, nor a clause with a subject of its own ("calls for Assad to be removed"): their
        # parties act, they are not acted on.
        subject = self.roles.subject(verb)
        skip = {t.i for t in subject.subtree} if subject is not None else set()
        for word in verb.subtree:
            if word.i != verb.i and word.dep_ in CLAUSE_DEPS and \
                    any(c.dep_ in SUBJECT_DEPS for c in word.children):
                skip.update(t.i for t in word.subtree)
        countries = {a.code for a in actors if a.code}
        named = []
        for word in (w for w in verb.subtree if w.i not in skip):
            for mention in self.roles.index.overlapping(self.roles.start(word), self.roles.end(word)):
                if mention.code and mention.code not in countries:
                    named.append(replace(mention, sector=list(mention.sector), rule="named in the clause"))
        if named:
            return dedupe(named)
        if table.get("place_recipient") and len(countries) == 1:
            # "suspended aid deliveries in Baghdad": the country where it happens is the one acted on
            objects = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
            place = self.location([token, verb, *objects])
            if place is not None and place.country and place.country not in countries:
                return [Entity(code=place.country, entity_text=place.text, identifier_text=place.name,
                               start=place.start, end=place.end, rule="event place")]
        if not table.get("internal_recipient") or len(countries) > 1:
            return []
        place = self.location([token, verb])
        if place is not None and place.country:
            return [Entity(code=place.country, entity_text=place.text, identifier_text=place.name,
                           start=place.start, end=place.end, rule="event place")]
        actor = next(a for a in actors if a.code)
        # Implied, not named: no span, or the actor's own words would read as its recipient too.
        return [Entity(code=actor.code, rule="internal event")]

    # -- the event record --
    def coded_category(self, match: Match, verb) -> tuple[str, str, str]:
        """(category, status, cue) of a trigger after PLOVER's modality conventions and conditional threats."""
        token, trigger = match.token, match.trigger
        status, cue = modality.clause_status(token, verb, self.cues)
        if match.kind == "noun" and cue in COMMITMENT_CUES:
            if trigger.category in CONFLICTUAL and token.dep_ in ("dobj", "obj") and token.head.i == verb.i:
                # "will extend the curfew", "would impose sanctions": the actor promises a conflictual act
                return "THREATEN", status, cue
            return trigger.category, status, cue  # a scheduled event ("the talks will go ahead"), not a promise
        if match.kind != "modal" and trigger.category not in ("AGREE", "THREATEN", "REQUEST") and \
                cue in COMMITMENT_CUES and modality.ultimatum(verb, self.cues):
            return "THREATEN", status, "ultimatum"  # "will withdraw its force unless ...": a threat
        if trigger.category in PEACEKEEPING_CATEGORIES and self.peacekeepers(verb):
            return reclassify("AID", status, cue) + ("peacekeeping",)  # CAMEO 074: provide peacekeepers
        if trigger.category == "COERCE" and self.by_protesters(verb):
            return "PROTEST", status, "protesters"  # "students seized the university": a protest, not repression
        if trigger.category == "REQUEST" and self.closure_order(token):
            return "COERCE", status, "closure order"  # "ordered the newspaper to suspend publication"
        if trigger.category == "ASSAULT" and cue == "intention" and self.readied(verb):
            return "MOBILIZE", "occurred", "readiness"  # "the army prepared to resume shelling": force posture
        if trigger.category == "AGREE" and self.vowed_conflict(token):
            return "THREATEN", status, "vow"  # "vowed to fight on", "swore to retaliate"
        category, status = reclassify(trigger.category, status, cue)
        return category, status, cue

    def peacekeepers(self, verb) -> bool:
        """Whether a deployment or arrival moves forces that are peacekeepers ("peacekeeping troops arrived",
        "sent 200 troops to serve as a peacekeeping force"); a meeting about peacekeeping is not one."""
        words, forces = self.cues.get("peacekeeping", frozenset()), self.cues.get("forces", frozenset())
        subject = self.roles.subject(verb)
        movers = [c for c in verb.children if c.dep_ in ("dobj", "obj", "nsubjpass")]
        movers += [subject] if subject is not None else []
        if not any(t.lemma_.lower() in forces | words for head in movers for t in head.subtree):
            return False
        tokens = list(verb.subtree) + (list(subject.subtree) if subject is not None else [])
        return any(t.lemma_.lower() in words for t in tokens)

    def civilian_deployment(self, match: Match) -> bool:
        """Whether a mobilisation verb moves something other than forces or arms ("deployed election observers",
        "mobilising funds", "reinforced its commitment"): no MOBILIZE event."""
        if match.kind != "verb" or match.trigger.category != "MOBILIZE":
            return False
        forces = self.cues.get("forces", frozenset())
        objects = [c for c in match.token.children if c.dep_ in ("dobj", "obj") and c.pos_ in ("NOUN", "PROPN")]
        return bool(objects) and all(o.lemma_.lower() not in forces for o in objects)

    def appeal_for_conflict(self, token) -> bool:
        """Whether an appeal asks for a conflictual act ("called for sanctions against Turkey"): CAMEO files it
        as a demand (10, verbal conflict), not an appeal (02)."""
        wanted = self.roles.prep_objects(token, frozenset({"for"}))
        wanted += [c for c in token.children if c.dep_ in ("dobj", "obj")]
        for noun in wanted:
            reading = self.lexicon.nouns.get(noun.lemma_.lower()) if noun.pos_ == "NOUN" else None
            if reading is not None and reading.category in CONFLICTUAL | {"THREATEN"}:
                return True
        return False

    def figurative(self, match: Match) -> bool:
        """Whether a violent verb acts on a policy, an idea or a social ill ("attacked the plans", "fight crime",
        "the system is being abused"): a figure of speech, not violence."""
        if match.kind != "verb" or match.trigger.category != "ASSAULT":
            return False
        token = match.token
        return self.acts_on_idea(token) or (token.lemma_.lower() in self.cues.get("verbal_attack", frozenset())
                                            and self.criticised_for(token))

    def criticised_for(self, verb) -> bool:
        """Whether an attack verb gives the grievance it is about, as criticism does ("attacked Mr Brown for
        failing to ...", "attacked the government over Iraq", "attacked the imperialists, saying ...")."""
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ == "for" and any(g.tag_ == "VBG" for g in child.children):
                return True
            if child.dep_ == "prep" and child.lower_ == "over" and any(
                    g.dep_ == "pobj" and g.ent_type_ not in PLACE_OR_TIME_TYPES for g in child.children):
                return True  # "over Iraq", but not "over the weekend" or "over Baghdad"
            if child.dep_ == "advcl" and child.lemma_.lower() in self.cues.get("reporting", frozenset()):
                return True
        return False

    def other_sense(self, match: Match) -> bool:
        """Whether a protest verb is used in its other sense: with an object or a clause "demonstrate" is to show
        ("History demonstrates that ..."), "rally" to gather support ("rallies Labour voters")."""
        if match.kind != "verb" or match.token.lemma_.lower() not in self.cues.get("transitive_senses", frozenset()):
            return False
        return any(c.dep_ in ("dobj", "obj", "ccomp", "xcomp", "nsubjpass", "auxpass") for c in match.token.children)

    def acts_on_idea(self, verb) -> bool:
        """Whether a verb's object (or passive subject) is a policy, an idea or a social ill."""
        words = self.cues.get("figurative_objects", frozenset())
        return any(c.lemma_.lower() in words for c in verb.children if c.dep_ in ("dobj", "obj", "nsubjpass"))

    def natural_harm(self, match: Match) -> bool:
        """Whether the doer of a violent verb is a disaster or an illness ("the tidal wave which killed 150,000",
        "HIV is killing adults"), not a party to a conflict."""
        if match.kind != "verb" or match.trigger.category != "ASSAULT":
            return False
        agents = [self.roles.agent(match.token), self.roles.subject(match.token)]
        words = self.cues.get("natural_agents", frozenset())
        return any(a is not None and a.lemma_.lower() in words for a in agents)

    def by_protesters(self, verb) -> bool:
        """Whether the doer of a coercive act is a crowd of civilians (protesters, strikers, students): PLOVER's
        COERCE is repression by those holding power, the same acts by a crowd are a PROTEST."""
        subject = self.roles.subject(verb) if not any(c.dep_ == "nsubjpass" for c in verb.children) \
            else self.roles.agent(verb)
        return subject is not None and subject.lemma_.lower() in self.cues.get("crowds", frozenset())

    def closure_order(self, token) -> bool:
        """Whether an order tells its addressee to close, suspend or disband ("ordered the newspaper to suspend
        publication"): an authority's restriction (COERCE, CAMEO 172), not a request."""
        if token.lemma_.lower() not in self.cues.get("command", frozenset()):
            return False
        closing = self.cues.get("closing", frozenset())
        return any(c.dep_ in ("xcomp", "ccomp") and c.lemma_.lower() in closing for c in token.children)

    def readied(self, verb) -> bool:
        """Whether an act is what its actor is getting ready for ("prepared to resume shelling", "troops poised to
        attack"): the preparation is a move short of force, PLOVER's MOBILIZE."""
        readiness = self.cues.get("readiness", frozenset())
        node = verb
        for _ in range(3):
            if node.dep_ not in ("xcomp", "acl") or node.head.i == node.i:
                return False
            node = node.head
            if node.lemma_.lower() in readiness:
                return True
        return False

    def vowed_conflict(self, token) -> bool:
        """Whether a promise verb governs a conflictual act ("vowed to fight", "pledged to retaliate")."""
        if token.lemma_.lower() not in self.cues.get("promise", frozenset()):
            return False
        for clause in (c for c in token.children if c.dep_ in ("xcomp", "advcl")
                       and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)):
            reading = self.lexicon.verbs.get(verb_lemma(clause, self.lexicon))
            if reading is not None and reading.category in CONFLICTUAL | {"THREATEN"} and \
                    not self.acts_on_idea(clause):  # "vowed to fight crime" is a pledge, not a threat
                return True
        return False

    def build(self, match: Match, verb, actors: list[Entity], recipients: list[Entity],
              table: dict[str, Any], coding: tuple[str, str, str] | None = None) -> Event:
        """The Event of a trigger with its roles known: status, date, place, context, scores."""
        token, trigger = match.token, match.trigger
        roles = self.roles
        category, status, cue = coding or self.coded_category(match, verb)
        mode = [trigger.mode] if trigger.mode and category == trigger.category else []
        table = self.lexicon.categories[category]
        ranges = modality.clause_range(verb, token, roles.offset)
        date, precision = self.event_date(ranges, roles.start(token))
        if status == "occurred" and precision != "publication" and modality.after_publication(date, self.doc.published):
            status = "planned"
        scale = table.get("mode_scale", {}).get(mode[0] if mode else None, table["event_scale"])
        confidence = BASE_CONFIDENCE + (PHRASE_BONUS if match.kind == "phrase" else 0.0)
        confidence += RECIPIENT_BONUS if recipients else 0.0
        named = [a for a in actors if a.code and a.rule not in PLACED_ACTOR_RULES]
        confidence -= UNCODED_PENALTY if not named else 0.0
        confidence -= NOUN_PENALTY if match.kind == "noun" else 0.0
        confidence -= min(MAX_DEPTH_PENALTY, DEPTH_PENALTY * _depth(token))
        start = roles.start(token)
        return Event(
            id=f"{self.doc.id}-s{self.index}-t{start}",
            event=[category],
            actor=actors,
            recipient=recipients,
            date=date,
            date_precision=precision,
            mode=mode,
            context=self.contexts(verb, token),
            event_loc=self.location([*match.words, verb]),
            event_text=" ".join(w.text for w in match.words),
            quad_code=table["quad_code"],
            event_scale=float(scale),
            text_info={"sequence": self.index, "start": self.sentence.start, "end": self.sentence.end},
            status=status,
            cameo=trigger.cameo if trigger.cameo and category == trigger.category and
            not (trigger.cameo == APPEAL and self.appeal_for_conflict(token)) else table["cameo"],
            confidence=max(0.05, min(0.95, confidence)),
            rule=trigger.rule if category == trigger.category else f"{trigger.rule} ({cue} -> {category})",
        )

    def event_date(self, ranges: list[tuple[int, int]], head: int) -> tuple[str | None, str]:
        """The date of the timex attached to the trigger's clause, else the publication date."""
        external = _event_date_function()
        if external is not None:
            for start, end in ranges:
                value, precision = external(self.doc, start, end, head)
                if precision not in ("publication", "unknown"):
                    return value, precision
        else:
            timex = modality.attached_timex(self.doc, ranges, head)
            if timex is not None:
                return timex.value, modality.precision_of(timex.value)
        if self.doc.published:
            return self.doc.published[:10], "publication"
        return None, "unknown"

    def location(self, tokens: list) -> Place | None:
        """The place attached to a trigger word or its clause verb, else the dateline place, else None."""
        for token in tokens:
            place = self.roles.places_of(token, self.doc.places)
            if place is not None:
                return place
        dateline = self.doc.notes.get("dateline")
        return dateline if isinstance(dateline, Place) else None

    def contexts(self, verb, token) -> list[str]:
        """PLOVER contexts suggested by words of the trigger's clause."""
        found = set()
        for word in verb.subtree:
            context = self.lexicon.contexts.get(word.lemma_.lower())
            if context:
                found.add(context)
        return sorted(found)


def _party(entity: Entity) -> tuple[str | None, str | None]:
    """An entity's code and main sector: two mentions of one country with different sectors are two parties."""
    return entity.code, (entity.sector[0] if entity.sector else None)


def _depth(token) -> int:
    depth = 0
    while token.head.i != token.i and depth < 50:
        token = token.head
        depth += 1
    return depth


def event_key(event: Event) -> tuple:
    """What makes two events of one document the same report: category, parties, status and date."""
    parties = lambda entities: frozenset(e.label() if e.code else e.entity_text.lower() for e in entities)  # noqa: E731
    return (tuple(event.event), parties(event.actor), parties(event.recipient), event.status, event.date)


def merge_repeats(events: list[Event]) -> list[Event]:
    """Events with a key seen earlier in the document dropped (headline, lead and body repeat one event)."""
    seen, kept = set(), []
    for event in events:
        key = event_key(event)
        if key not in seen:
            seen.add(key)
            kept.append(event)
    return kept


def code_document(doc: Document, lexicon: Lexicon | None = None) -> list[Event]:
    """The PLOVER events of a document whose sentences are parsed and whose mentions are coded."""
    lexicon = lexicon or load_lexicon()
    mentions = MentionIndex(doc)
    events: list[Event] = []
    for index, sentence in enumerate(doc.sentences):
        if sentence.span is None:
            continue
        events.extend(SentenceCoder(doc, index, mentions, lexicon).code())
    return merge_repeats(events)


@component("events")
class Events:
    """Codes PLOVER events (category, actor, recipient, mode, context, status, date, place) per sentence."""

    version = "1"
    requires = ("sentences", "mentions", "timexes", "places", "published")
    assigns = ("events",)

    def __init__(self, settings: Settings) -> None:
        self.lexicon = load_lexicon()

    def __call__(self, doc: Document) -> Document:
        doc.events = code_document(doc, self.lexicon)
        return doc

