"""Who stands where: stances (holder, issue, for/against) from stance events and quotes.

The `stances` component runs after `events` and `quotes`.  It reads `events` (SUPPORT, REJECT, REQUEST, ACCUSE
and AGREE), `quotes`, `mentions`, the parsed `sentences` and `published`, and assigns `stances`.

A stance's issue is the phrase its trigger governs, normalised with the project's synonym table
(data/stances/issues.yaml): the phrase becomes a lemma string with actors and people replaced by slots, and the
table's patterns give one key per issue ("removal-of:Bashar al-Assad") whatever the wording ("the removal of
Assad", "calls for Assad to be removed", "Assad must go").  Slots take the canonical names the actors stage
gives, so keys agree across documents.  `stance_matrix` turns stance records into the holders-by-issues view
of `detente stances`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from detente.model import Document, Entity, Event, Quote, Sentence, Stance
from detente.nlp.syntax import misplaced_acts
from detente.pipeline import component
from detente.settings import Settings

# The actors stage's rule suffix for a group noun coded only by the document's focus country ("diplomats").
FOCUS_DEFAULT = "focus-country"
STANCE_CATEGORIES = ("SUPPORT", "REJECT", "REQUEST", "ACCUSE", "AGREE")
# Slots fill from spaCy's entities where the actors stage left no mention (a person it does not know).
SLOT_ENTITY_TYPES = frozenset({"PERSON", "ORG", "NORP"})  # not GPE: an uncoded place is not a party
PERSON_PRONOUNS = frozenset({"he", "him", "she", "her"})
FIRST_PERSON = frozenset({"i", "we", "me", "us"})
# Codes that are not countries: a `country` slot ignores them ("meeting of the Syria Support Group").
NON_COUNTRY_CODES = frozenset({"UNO", "EUR", "IGO", "NGO", "IMG", "ISM", "MNC"})
# Longest readable issue, in words; longer phrases are cut (a stance's issue is a name, not a sentence).
MAX_ISSUE_WORDS = 10
MAX_TOPIC_LEMMAS = 4
# A table pattern names the issue only when it matches within the phrase's first words: "common ground on
# which ... talks" is not about talks.  Leading modifiers ("immediate removal of X") fit inside this.
MAX_PATTERN_START_WORDS = 3
SLOT = re.compile(r"X(\d+)")
# Prepositions that may open an issue phrase ("insisted on X", "called for X", "agreed to X").
ISSUE_PREPOSITIONS = frozenset({"on", "for", "to", "with", "against", "about", "that", "upon", "of", "over"})
POSSESSIVE = re.compile(r"['’]s?$")
ARTICLE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
EMPTY_SLOT = re.compile(r"\s*\b(in|on|of|for|against)\s+\{x\}")
LEADING_FUNCTION_WORD = re.compile(r"^(for|of|on|to|that|about|with|against) ")


# --------------------------------------------------------------------------------------------- the table
@dataclass(frozen=True)
class IssueRule:
    """One issue of the synonym table with its compiled patterns."""

    key: str
    label: str
    slot: str
    patterns: tuple[re.Pattern, ...]
    assertive: tuple[re.Pattern, ...]
    against: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class IssueTable:
    """The synonym table (data/stances/issues.yaml), compiled."""

    rules: tuple[IssueRule, ...]
    wrappers: tuple[re.Pattern, ...]
    determiners: frozenset[str]
    boundaries: frozenset[str]
    noise: frozenset[str]
    actor_label: str
    event_polarity: dict[str, str]
    quote_verbs: dict[str, frozenset[str]]


def _compile(pattern: str) -> re.Pattern:
    """A table pattern as a regex over a lemma string; each {x} becomes a named slot group."""
    count = 0

    def slot(_match: re.Match) -> str:
        nonlocal count
        count += 1
        return rf"(?P<x{count}>X\d+)"

    body = re.sub(r"\{x\}", slot, pattern)
    return re.compile(rf"(?:^| ){body}(?= |$)")


@lru_cache(maxsize=1)
def issue_table() -> IssueTable:
    """The issue synonym table, loaded and compiled once per process."""
    text = resources.files("detente").joinpath("data/stances/issues.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    rules = tuple(
        IssueRule(key=key, label=spec["label"], slot=spec.get("slot", "required"),
                  patterns=tuple(_compile(p) for p in spec.get("patterns", [])),
                  assertive=tuple(_compile(p) for p in spec.get("assertive", [])),
                  against=tuple(_compile(p) for p in spec.get("against", [])))
        for key, spec in data["issues"].items()
    )
    return IssueTable(
        rules=rules,
        wrappers=tuple(re.compile(rf"^{w} ") for w in data.get("wrappers", [])),
        determiners=frozenset(data.get("determiners", [])),
        boundaries=frozenset(data.get("boundaries", [])),
        noise=frozenset(data.get("noise", [])),
        actor_label=data.get("actor_issue", {}).get("label", "{x}"),
        event_polarity=dict(data.get("event_polarity", {})),
        quote_verbs={k: frozenset(v) for k, v in data.get("quote_verbs", {}).items()},
    )


# ------------------------------------------------------------------------------------------ the phrase
@dataclass
class Slot:
    """An actor or person inside an issue phrase, with the name its key uses."""

    name: str
    code: str | None = None


@dataclass
class Issue:
    """A normalised issue: key, readable text, and whether its wording states a position by itself."""

    key: str
    text: str
    assertive: str | None = None  # "for" or "against" when the phrase alone is a stance ("Assad must go")


@dataclass
class DocumentContext:
    """Per-document look-ups shared by every stance of the document."""

    doc: Document
    mentions: list[Entity] = field(default_factory=list)
    mention_starts: list[int] = field(default_factory=list)
    people: list[tuple[int, str]] = field(default_factory=list)  # (body offset, canonical name), sorted
    sentence_starts: list[int] = field(default_factory=list)
    known_people: dict[str, str] = field(default_factory=dict)  # name or surname -> canonical name (actors)
    focus: Slot | None = None  # the document's focus country, for slot-less country issues

    @classmethod
    def of(cls, doc: Document) -> DocumentContext:
        """Build the look-ups once per document."""
        mentions = sorted((m for m in doc.mentions if m.start is not None and m.end is not None),
                          key=lambda m: m.start)
        context = cls(doc=doc, mentions=mentions, mention_starts=[m.start for m in mentions],
                      sentence_starts=[s.start for s in doc.sentences])
        people: list[tuple[int, str]] = []
        for mention in mentions:
            if mention.office or (mention.identifier_text and not mention.code):
                people.append((mention.start, mention.identifier_text or mention.entity_text))
        for sentence in doc.sentences:
            if sentence.span is None:
                continue
            offset = paragraph_offset(doc, sentence)
            for ent in sentence.span.ents:
                if ent.label_ == "PERSON":
                    people.append((offset + ent.start_char, _strip_possessive(ent.text)))
        people.sort()
        context.people = people
        for name, person in (doc.notes.get("people") or {}).items():
            canonical = getattr(person, "identifier_text", None)
            if canonical:
                context.known_people[name] = canonical
        focus = doc.notes.get("focus_country")
        if focus:
            named = next((m for m in mentions if m.code == focus and not m.sector and m.identifier_text), None)
            context.focus = Slot(name=named.identifier_text if named else focus, code=focus)
        return context

    def mention_at(self, start: int, end: int) -> Entity | None:
        """The coded mention overlapping the body range [start, end), if any."""
        i = bisect_right(self.mention_starts, end) - 1
        while i >= 0:
            mention = self.mentions[i]
            if mention.end > start:
                return mention
            if mention.end <= start - 200:  # mentions are short; stop scanning far left
                break
            i -= 1
        return None

    def same_head_mentions(self, word: str) -> list[Entity]:
        """The first coded mention whose text starts with this word ("diplomats" -> "Diplomats in the Syria
        Support Group"): an uncoded group noun is the group the document names in full elsewhere."""
        for mention in self.mentions:
            text = (mention.entity_text or "").lower().split()
            if mention.code and len(text) > 1 and text[0] == word and FOCUS_DEFAULT not in (mention.rule or ""):
                return [mention]
        return []

    def full_name(self, surface: str) -> str:
        """The longest person name of the document ending with `surface` ("Assad" -> "Bashar al-Assad")."""
        if surface in self.known_people:
            return self.known_people[surface]
        best = surface
        for _offset, name in self.people:
            if name != surface and name.endswith(surface) and len(name) > len(best):
                best = name
        return best

    def person_before(self, offset: int) -> str | None:
        """The last person named before `offset`, for "him"/"her" in an issue phrase."""
        i = bisect_right(self.people, (offset, "")) - 1
        return self.full_name(self.people[i][1]) if i >= 0 else None

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence holding body offset `offset`."""
        i = bisect_right(self.sentence_starts, offset) - 1
        if i >= 0 and offset < self.doc.sentences[i].end:
            return self.doc.sentences[i]
        return None


def paragraph_offset(doc: Document, sentence: Sentence) -> int:
    """Body offset of the paragraph a parsed sentence's spaCy span is relative to."""
    if doc.paragraphs:
        return doc.paragraphs[sentence.paragraph][0]
    return sentence.start - sentence.span.start_char


def _strip_possessive(text: str) -> str:
    return POSSESSIVE.sub("", text).strip()


def _strip_determiner(text: str) -> str:
    return ARTICLE.sub("", text)


def phrase_tokens(trigger, table: IssueTable, trigger_words: frozenset[str] = frozenset()) -> list:
    """The tokens of the issue a stance trigger governs: its right-hand subtree, cut at clause boundaries."""
    right = [t for t in trigger.subtree if t.i > trigger.i]
    # The object of a phrase trigger is part of the trigger ("found common ground", "resisted calls for X").
    part_of_trigger = {t.i for t in right if t.head.i == trigger.i and t.pos_ in ("NOUN", "PROPN")
                       and (t.lower_ in trigger_words or t.lemma_.lower() in trigger_words)}
    for i in list(part_of_trigger):
        part_of_trigger.update(left.i for left in trigger.doc[i].lefts)
    right = [t for t in right if t.i not in part_of_trigger]
    # Light-verb and particle phrases ("insist on", "call for") put the issue under the particle.
    while right and right[0].head.i == trigger.i and right[0].pos_ in ("ADP", "PART", "SCONJ") \
            and right[0].dep_ in ("prep", "prt", "mark", "aux", "dative"):
        if right[0].dep_ == "prep" and right[0].lower_ not in ISSUE_PREPOSITIONS:
            return []  # "meet in Minsk": a circumstance, not an issue
        right = right[1:]
    # A second verb coordinated with the trigger is another act, not part of the issue ("called for mediators to
    # join the talks and accused Ethiopia of ...").
    # The parser often hangs that verb on the issue's own verb instead; a finite verb coordinated with a
    # non-finite one ("to join ... and accused") shows it.
    acts = [child for child in trigger.children if child.dep_ == "conj" and child.pos_ in ("VERB", "AUX")]
    acts += misplaced_acts(right)
    next_act = min((t.i for act in acts for t in act.subtree), default=None)
    kept = []
    for token in right:
        lower = token.lower_
        if next_act is not None and token.i >= next_act:
            break
        if _in_relative_clause(token, trigger):
            continue
        if token.ent_type_ in ("DATE", "TIME") and not _is_object(token):
            break  # when the stance holds ("backed the plan on Monday"), not what it is about
        if lower in table.boundaries and token.dep_ in ("mark", "prep", "advmod", "advcl", "pcomp"):
            break
        if token.is_punct and lower in ("-", "–", "—") and not token.doc[token.i - 1].whitespace_:
            pass  # a hyphen inside a name ("al-Assad")
        elif token.is_punct and lower in ("-", "–", "—", ";", ":", "(", ")", ".", "!", "?"):
            break
        if lower == "," and (kept and token.nbor(1).pos_ in ("SCONJ", "ADV", "VERB", "PRON")
                             if token.i + 1 < len(token.doc) else True):
            break
        kept.append(token)
    while kept and (kept[-1].is_punct or kept[-1].pos_ == "CCONJ" or (kept[-1].pos_ == "ADP"
                                                                      and kept[-1].dep_ != "prt")):
        kept.pop()
    return kept


def _is_object(token) -> bool:
    """Whether the date or time entity holding `token` is a verb's object ("to use the next two months")."""
    root = token
    while root.head.i != root.i and root.head.ent_iob_ != "O" and root.head.ent_type_ == token.ent_type_ \
            and root.dep_ in ("det", "amod", "nummod", "compound", "quantmod"):
        root = root.head
    return root.dep_ == "dobj"


def _in_relative_clause(token, trigger) -> bool:
    """Whether `token` sits in a relative clause below the trigger ("ground on which groups should ...")."""
    node = token
    while node.i != trigger.i and node.head.i != node.i:
        if node.dep_ == "relcl" and _has_relative_word(node):
            return True
        node = node.head
    return False


def _has_relative_word(clause) -> bool:
    """Whether a clause the parser calls relative opens with a wh-word (spaCy also says relcl for "calls for X
    to step down")."""
    return any(t.tag_ in ("WDT", "WP", "WP$", "WRB") for t in clause.subtree if t.i < clause.i)


def lemma_string(tokens: list, context: DocumentContext, sentence: Sentence,
                 table: IssueTable) -> tuple[str, list[Slot], list[str]]:
    """Lemma string of a phrase with actors/people as slots X0.., the slots, and the readable words."""
    offset = paragraph_offset(context.doc, sentence)
    words: list[str] = []
    readable: list[str] = []
    slots: list[Slot] = []
    open_slot: tuple[int, int] | None = None  # (mention start or -1 for an entity, slot index)
    for token in tokens:
        start = offset + token.idx
        end = start + len(token.text)
        inside = context.mention_at(start, end)
        if open_slot is not None and inside is not None and open_slot[0] == ("m", inside.start):
            continue  # the rest of the slot's mention, function words included ("representatives of the ...")
        key, slot = _slot_of(token, start, end, context)
        if slot is not None:
            if open_slot is not None and open_slot[0] == key:
                continue
            open_slot = (key, len(slots))
            words.append(f"X{len(slots)}")
            readable.append(slot.name)
            slots.append(slot)
            continue
        open_slot = None
        lemma = token.lemma_.lower() if token.pos_ != "PROPN" else token.lower_
        if token.is_punct or token.is_quote:
            continue
        if lemma in table.determiners and token.pos_ in ("DET", "PRON", "CCONJ", "ADJ"):
            if readable:
                readable.append(token.text)
            continue
        words.append(lemma)
        readable.append(token.text)
    return " ".join(words), slots, readable


def _slot_of(token, start: int, end: int, context: DocumentContext) -> tuple[Any, Slot | None]:
    """The slot a token belongs to: a coded mention, a spaCy name, or a resolved "him"/"her"."""
    mention = context.mention_at(start, end)
    if mention is not None and token.pos_ in ("PROPN", "NOUN", "ADJ", "PRON", "DET", "PART"):
        name = mention.identifier_text or _strip_determiner(_strip_possessive(mention.entity_text))
        if not mention.identifier_text and token.ent_type_ == "PERSON":
            name = context.full_name(name)
        return ("m", mention.start), Slot(name=name, code=mention.code)
    if token.ent_type_ in SLOT_ENTITY_TYPES and token.pos_ in ("PROPN", "ADJ", "NOUN"):
        ent_start = _ent_start(token)
        surface = _strip_possessive(_ent_text(token))
        name = context.full_name(surface) if token.ent_type_ == "PERSON" else surface
        return ("e", ent_start), Slot(name=name)
    if token.lower_ in PERSON_PRONOUNS and token.pos_ == "PRON" and token.dep_ != "poss":
        name = context.person_before(start)
        if name:
            return ("p", start), Slot(name=name)
    return None, None


def _ent_start(token) -> int:
    i = token.i
    while i > 0 and token.doc[i].ent_iob_ == "I":
        i -= 1
    return i


def _ent_text(token) -> str:
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end:
            return ent.text
    return token.text


def normalise_issue(lemmas: str, slots: list[Slot], readable: list[str], table: IssueTable,
                    focus: Slot | None = None) -> Issue | None:
    """The issue key and text of a phrase's lemma string, from the synonym table or its content lemmas."""
    stripped, changed = lemmas, True
    while changed:
        changed = False
        new = LEADING_FUNCTION_WORD.sub("", stripped, count=1)
        if new != stripped:
            stripped, changed = new, True
        for wrapper in table.wrappers:
            new = wrapper.sub("", stripped, count=1)
            if new != stripped:
                stripped, changed = new, True
    if not stripped:
        return None
    latest_start = _word_start(stripped, MAX_PATTERN_START_WORDS)
    for rule in table.rules:
        for polarity, patterns in (("for", rule.assertive), ("against", rule.against), (None, rule.patterns)):
            for pattern in patterns:
                match = pattern.search(stripped)
                if not match or match.start() > latest_start:
                    continue
                issue = _rule_issue(rule, match, slots, focus)
                if issue is not None:
                    issue.assertive = polarity
                    return issue
    only_slot = SLOT.fullmatch(stripped)
    if only_slot:
        slot = slots[int(only_slot[1])]
        return Issue(key=f"actor:{slot.name}", text=table.actor_label.format(x=slot.name))
    return _topic_issue(stripped, slots, readable, table)


def _word_start(text: str, n: int) -> int:
    """Character index where the n-th word (0-based) of a lemma string starts (its length if fewer)."""
    index = 0
    for _ in range(n):
        space = text.find(" ", index)
        if space < 0:
            return len(text)
        index = space + 1
    return index


def _rule_issue(rule: IssueRule, match: re.Match, slots: list[Slot], focus: Slot | None) -> Issue | None:
    """The issue a table pattern names, or None when the pattern's required slot is missing."""
    found = [value for name, value in match.groupdict().items() if name.startswith("x") and value]
    slot = slots[int(found[0][1:])] if found else None
    if rule.slot == "country" and slot is not None and (not slot.code or slot.code in NON_COUNTRY_CODES):
        slot = None
    if slot is None and rule.slot == "country":
        slot = focus
    if slot is None:
        if rule.slot == "required":
            return None
        return Issue(key=rule.key, text=EMPTY_SLOT.sub("", rule.label))
    value = slot.code if rule.slot == "country" else slot.name
    return Issue(key=f"{rule.key}:{value}", text=rule.label.format(x=slot.name))


def _topic_issue(stripped: str, slots: list[Slot], readable: list[str], table: IssueTable) -> Issue | None:
    """A lemma-based key for a phrase the table does not know: its content lemmas in order."""
    parts = []
    for word in stripped.split():
        slot = SLOT.fullmatch(word)
        if slot:
            parts.append(slots[int(slot[1])].name.lower().replace(" ", "_"))
        elif word not in table.noise and word not in table.determiners and word[:1].isalnum() \
                and word not in _FUNCTION_WORDS:
            parts.append(word)
    if not parts:
        return None
    words = list(readable)
    while words and (words[0].lower() in table.determiners or words[0].lower() in ISSUE_PREPOSITIONS):
        words.pop(0)
    words = words[:MAX_ISSUE_WORDS]
    # a phrase cut at the word limit ends on its last content word, not "to open the"
    while len(words) > 1 and (words[-1].lower() in _FUNCTION_WORDS or words[-1].lower() in table.determiners):
        words.pop()
    text = " ".join(words)
    return Issue(key="topic:" + "-".join(parts[:MAX_TOPIC_LEMMAS]), text=text)


_FUNCTION_WORDS = frozenset({"of", "to", "in", "on", "for", "with", "by", "at", "from", "and", "or", "be", "'s",
                             "that", "which", "who", "it", "they", "we", "not", "have", "do", "will", "would",
                             "should", "could", "can", "may", "must", "as", "than", "about", "into", "over"})


# ---------------------------------------------------------------------------------------- the component
def word_index(sentence: Sentence) -> dict[str, list]:
    """Tokens of a parsed sentence by lower-case form and lemma, built once per sentence and cached on it."""
    index = getattr(sentence, "_word_index", None)
    if index is None:
        index = {}
        for token in sentence.span:
            index.setdefault(token.lower_, []).append(token)
            lemma = token.lemma_.lower()
            if lemma != token.lower_:
                index.setdefault(lemma, []).append(token)
        sentence._word_index = index
    return index


def trigger_token(sentence: Sentence, event: Event, offset: int):
    """The spaCy token of an event's trigger word inside its (parsed) sentence."""
    words = event.event_text.lower().split()
    if not words or sentence.span is None:
        return None
    candidates = sorted(word_index(sentence).get(words[0], []), key=lambda t: t.i)
    if len(words) > 1:
        rest = set(words[1:])
        with_rest = [t for t in candidates if rest & {w.lower_ for w in t.subtree}]
        candidates = with_rest or candidates
    return candidates[0] if candidates else None


class StanceFinder:
    """Finds the stances of one document."""

    def __init__(self, doc: Document, table: IssueTable) -> None:
        self.doc = doc
        self.table = table
        self.context = DocumentContext.of(doc)

    def from_event(self, event: Event) -> list[Stance]:
        """Stances of a SUPPORT/REJECT/REQUEST/ACCUSE/AGREE event: one per actor."""
        category = next((c for c in event.event if c in self.table.event_polarity), None)
        if category is None or event.status == "hypothetical":
            return []
        polarity = self.table.event_polarity[category]
        if event.status == "denied":
            polarity = _flip(polarity)
        sentence = self.context.sentence_at(event.text_info.get("start", -1))
        if sentence is None or sentence.span is None:
            return []
        offset = paragraph_offset(self.doc, sentence)
        trigger = trigger_token(sentence, event, offset)
        if trigger is None:
            return []
        issue, end = self.issue_of(trigger, sentence, frozenset(event.event_text.lower().split()[1:]))
        if issue is None and category == "ACCUSE" and event.recipient:
            target = event.recipient[0]
            name = target.identifier_text or target.entity_text
            issue, end = Issue(key=f"actor:{name}", text=name), offset + trigger.idx + len(trigger.text)
        if issue is None:
            return []
        if issue.assertive == "against":
            polarity = _flip(polarity)
        evidence = {"start": offset + trigger.idx, "end": end}
        date = event.date if event.date and event.date_precision not in ("publication", "unknown") \
            else self.doc.published
        return [Stance(holder=stance_holder(actor), issue=issue.text, issue_key=issue.key, polarity=polarity, date=date,
                       evidence=dict(evidence))
                for actor in event.actor if actor.code or actor.identifier_text]

    def issue_of(self, trigger, sentence: Sentence,
                 trigger_words: frozenset[str] = frozenset()) -> tuple[Issue | None, int]:
        """The normalised issue a trigger governs and the body offset where its phrase ends."""
        tokens = phrase_tokens(trigger, self.table, trigger_words)
        if not tokens:
            return None, 0
        lemmas, slots, readable = lemma_string(tokens, self.context, sentence, self.table)
        offset = paragraph_offset(self.doc, sentence)
        issue = normalise_issue(lemmas, slots, readable, self.table, self.context.focus)
        return issue, offset + tokens[-1].idx + len(tokens[-1].text)

    def from_quote(self, quote: Quote, covered: list[tuple[int, int, str]]) -> list[Stance]:
        """Stances a quote states that no stance event already gave: first-person stance verbs, assertions."""
        speaker = quote.speaker
        if speaker is None or not (speaker.code or speaker.identifier_text):
            return []
        label = speaker.label()
        if any(s < quote.end and quote.start < e and holder == label for s, e, holder in covered):
            return []
        found: list[Stance] = []
        for sentence, tokens in self.quote_tokens(quote):
            offset = paragraph_offset(self.doc, sentence)
            for token in tokens:
                polarity = self.verb_polarity(token)
                if polarity is None:
                    continue
                issue, end = self.issue_of(token, sentence)
                if issue is None:
                    continue
                if issue.assertive == "against":
                    polarity = _flip(polarity)
                found.append(self._quote_stance(speaker, issue, polarity, offset + token.idx, end))
            if not found and tokens:
                lemmas, slots, readable = lemma_string(tokens, self.context, sentence, self.table)
                issue = normalise_issue(lemmas, slots, readable, self.table, self.context.focus)
                if issue is not None and issue.assertive:
                    found.append(self._quote_stance(speaker, issue, issue.assertive, quote.start, quote.end))
        return found

    def verb_polarity(self, token) -> str | None:
        """"for"/"against" when `token` is a stance verb whose subject is the speaker (I, we, or none)."""
        lemma = token.lemma_.lower()
        polarity = next((p for p, verbs in self.table.quote_verbs.items()
                         if lemma in verbs or token.lower_ in verbs), None)
        if polarity is None or token.pos_ not in ("VERB", "AUX"):
            return None
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects and subjects[0].lower_ not in FIRST_PERSON:
            return None
        if any(c.dep_ == "neg" for c in token.children):
            polarity = _flip(polarity)
        return polarity

    def quote_tokens(self, quote: Quote) -> list[tuple[Sentence, list]]:
        """The parsed tokens inside a quote, per sentence (quotes in unparsed sentences give none)."""
        result = []
        i = max(bisect_right(self.context.sentence_starts, quote.start) - 1, 0)
        sentences = self.doc.sentences
        while i < len(sentences) and sentences[i].start < quote.end:
            sentence = sentences[i]
            if sentence.span is not None:
                offset = paragraph_offset(self.doc, sentence)
                tokens = [t for t in sentence.span if quote.start <= offset + t.idx < quote.end]
                if tokens:
                    result.append((sentence, tokens))
            i += 1
        return result

    def _quote_stance(self, speaker: Entity, issue: Issue, polarity: str, start: int, end: int) -> Stance:
        return Stance(holder=stance_holder(speaker), issue=issue.text, issue_key=issue.key, polarity=polarity,
                      date=self.doc.published, evidence={"start": start, "end": end})


def stance_holder(actor: Entity) -> Entity:
    """The holder entity of a stance: a country named bare ("Russia resisted ...") holds it as a government."""
    if actor.code and not actor.sector and actor.code not in NON_COUNTRY_CODES and not actor.office:
        return replace(actor, sector=["GOV"], rule=(actor.rule or "") + "; stances: country as government")
    return actor


def _flip(polarity: str) -> str:
    return "against" if polarity == "for" else "for"


def find_stances(doc: Document, table: IssueTable | None = None) -> list[Stance]:
    """The stances of a document whose events and quotes are coded, one per holder, issue and polarity."""
    finder = StanceFinder(doc, table or issue_table())
    stances: list[Stance] = []
    for event in doc.events:
        stances.extend(finder.from_event(event))
    covered = [(s.evidence["start"], s.evidence["end"], s.holder.label()) for s in stances]
    for event in doc.events:
        sentence_span = (event.text_info.get("start", -1), event.text_info.get("end", -1))
        if any(c in finder.table.event_polarity for c in event.event):
            covered.extend((sentence_span[0], sentence_span[1], a.label()) for a in event.actor)
    for quote in doc.quotes:
        stances.extend(finder.from_quote(quote, covered))
    return _unify_topics(_deduplicate(stances))


def _deduplicate(stances: list[Stance]) -> list[Stance]:
    """One stance per holder, issue key and polarity: the first in the text."""
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for stance in sorted(stances, key=lambda s: s.evidence["start"]):
        key = (_holder_key(stance.holder), stance.issue_key, stance.polarity)
        if key not in seen:
            seen.add(key)
            kept.append(stance)
    return kept


def _holder_key(holder: Entity) -> str:
    return holder.label() if holder.code else (holder.identifier_text or holder.entity_text)


def _unify_topics(stances: list[Stance]) -> list[Stance]:
    """Give slot-less issues ("new talks") the document's one slotted variant ("talks:SYR"), if it has one."""
    variants: dict[str, set[tuple[str, str]]] = {}
    for stance in stances:
        base, _, slot = stance.issue_key.partition(":")
        if slot and base != "topic" and base != "actor":
            variants.setdefault(base, set()).add((stance.issue_key, stance.issue))
    for stance in stances:
        if ":" not in stance.issue_key and len(variants.get(stance.issue_key, ())) == 1:
            stance.issue_key, stance.issue = next(iter(variants[stance.issue_key]))
    return _deduplicate(stances)


@component("stances")
class Stances:
    """Finds stances (holder, issue, for/against) in stance events and quotes; issues normalised to keys."""

    version = "1"
    requires = ("events", "quotes", "mentions", "sentences", "published")
    assigns = ("stances",)

    def __init__(self, settings: Settings) -> None:
        self.table = issue_table()

    def __call__(self, doc: Document) -> Document:
        doc.stances = find_stances(doc, self.table)
        return doc


# ---------------------------------------------------------------------------------------- the matrix
MATRIX_COLUMNS = ["holder", "issue_key", "issue", "first_polarity", "first_date", "last_polarity", "last_date",
                  "changes", "stances", "documents"]


def stance_matrix(stances):
    """Holders x issues: per pair the first and last polarity with their dates, flips and counts.

    Takes stance records (dicts) or the store's stances DataFrame.
    """
    import pandas as pd

    if isinstance(stances, pd.DataFrame):
        stances = stances.to_dict("records")
    rows = []
    for record in stances:
        rows.append({"holder": _record_holder(record), "issue_key": record.get("issue_key"),
                     "issue": record.get("issue"), "polarity": record.get("polarity"),
                     "date": record.get("date") or "", "doc_id": record.get("doc_id")})
    if not rows:
        return pd.DataFrame(columns=MATRIX_COLUMNS)
    frame = pd.DataFrame(rows).sort_values(["holder", "issue_key", "date"], kind="stable")
    cells = []
    for (holder, key), group in frame.groupby(["holder", "issue_key"], sort=True):
        polarities = list(group["polarity"])
        cells.append({
            "holder": holder, "issue_key": key, "issue": group["issue"].iloc[-1],
            "first_polarity": polarities[0], "first_date": group["date"].iloc[0] or None,
            "last_polarity": polarities[-1], "last_date": group["date"].iloc[-1] or None,
            "changes": sum(a != b for a, b in zip(polarities, polarities[1:])),
            "stances": len(group), "documents": group["doc_id"].nunique(),
        })
    return pd.DataFrame(cells, columns=MATRIX_COLUMNS)


def stance_grid(matrix):
    """The matrix pivoted to one row per holder and one column per issue key; cells read "for", "for->against"."""
    if matrix.empty:
        return matrix
    cell = matrix.apply(lambda r: r["first_polarity"] if r["changes"] == 0 and r["first_polarity"] ==
                        r["last_polarity"] else f"{r['first_polarity']}->{r['last_polarity']}", axis=1)
    grid = matrix.assign(cell=cell).pivot(index="holder", columns="issue_key", values="cell")
    return grid.fillna("")


def _record_holder(record: dict[str, Any]) -> str:
    """Holder label of a stance record from the store (holder_label) or from a document (holder entity)."""
    if record.get("holder_label") and record["holder_label"] != "-":
        return record["holder_label"]
    holder = record.get("holder") or {}
    if isinstance(holder, Entity):
        return _holder_key(holder)
    if holder.get("code"):
        return " ".join([holder["code"], *(holder.get("sector") or [])[:1]])
    return holder.get("identifier_text") or holder.get("entity_text") or record.get("holder_name") or "-"
