"""How far an actor mention reaches: from the coded core ("Turkish court") to the noun phrase that names the
actor ("A Turkish court", "Unidentified gunmen", "Vladimir Putin, the Russian president", "Nigerian Air Force
(NAF)").

The actors component codes the words that carry a code (names, demonyms, titles); the phrase around them tells
the reader which actor is meant and is what annotators mark.  `widen_mentions` grows each coded mention, reading
the dependency parse where the sentence was parsed (not spaCy's entities):
- up to the group noun it modifies ("Brazil's truck drivers", "Four Taliban members", "U.S. military
  airstrikes"); a bare state named through its people or body takes that noun's sector;
- to the group of which it names a part ("Members of the New People's Army", "Thousands of ... workers");
- left over the determiners, numbers and modifiers of the phrase, not over a date ("17 July 2017");
- right over a named place or body ("police in the Gaza Strip") and a parenthesised acronym ("(NAF)");
- over an appositive naming the same actor: a person and a title mention separated by a comma, "Omar al-Bashir
  of Sudan", "Republicans in Congress".
Without a parse, or in all-caps copy, only a preceding article ("a", "an", "the") and acronyms join.  A widened
mention never reaches into another mention and never crosses a sentence boundary.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import replace

from detente.model import Document, Entity, Sentence
from detente.nlp.actor_kb import ActorKB, SectorTerm

# Dependents that make up the left part of a noun phrase (determiners, numbers, adjectives, nouns in compounds).
LEFT_DEPS = frozenset({"det", "predet", "preconj", "amod", "compound", "nummod", "quantmod", "advmod", "nmod",
                       "npadvmod", "poss", "case", "punct", "nn", "cc", "conj", "prep", "pobj"})
# Dependencies by which a mention modifies the group noun it belongs to ("Brazil's truck drivers").
POSSESSED_DEPS = frozenset({"poss", "compound", "amod", "nmod", "nn"})
# Prepositions whose phrase after the head still describes the actor ("police in Baghdad", "Bashir of Sudan").
POSTMODIFIER_PREPS = frozenset({"in", "of", "from", "at"})
# Entity types of a "police in Baghdad" object that make it part of the mention.
PLACE_ENTITIES = frozenset({"GPE", "LOC", "ORG", "FAC", "NORP"})
# Words before a mention that belong to it even without a parse.
ARTICLE = re.compile(r"(?:^|(?<=\s))(?:the|The|THE|a|A|an|An|AN)\s+$")
# What sits between a person and the title mention describing him ("Putin, the Russian president").
APPOSITION_GAP = re.compile(r"\s*,\s*")
ACRONYM = re.compile(r"\s*\(\s*([A-Z][A-Za-z.&-]{1,9})\s*\)")
OF_COUNTRY_GAP = re.compile(r"\s+(?:of|in)\s+(?:the\s+)?")


def widen_mentions(doc: Document, mentions: list[Entity], kb: ActorKB) -> list[Entity]:
    """The mentions grown to their noun phrases; appositive pairs naming one actor merged (see module doc)."""
    mentions = [replace(m, sector=list(m.sector)) for m in mentions]
    if not mentions:
        return mentions
    bounds = _sentence_bounds(doc)
    mentions = _merge_appositions(doc.body, mentions, bounds)
    parsed = ParsedTokens(doc)
    for i, mention in enumerate(mentions):
        floor = mentions[i - 1].end if i else 0
        ceiling = mentions[i + 1].start if i + 1 < len(mentions) else len(doc.body)
        sentence = _sentence_of(bounds, mention.start)
        if sentence is not None:
            floor, ceiling = max(floor, sentence[0]), min(ceiling, sentence[1])
        found = _head_token(mention, parsed)
        if found is None or (sentence is not None and _shouting(doc.body[sentence[0]:sentence[1]])):
            # All-caps wire copy: the tagger reads every word as a name, so only the article is trusted.
            start, end = _article_start(doc.body, mention.start, floor), mention.end
        else:
            start, end = _phrase(doc.body, mention, found, floor, ceiling, kb)
        end = _acronym_end(doc.body, mention, end, ceiling)
        if (start, end) != (mention.start, mention.end):
            mention.start, mention.end = start, end
            mention.entity_text = doc.body[start:end]
    return mentions


def _shouting(text: str) -> bool:
    """Whether a sentence is written in capitals (wire copy), where the parse of modifiers is unreliable."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 3 and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _sentence_bounds(doc: Document) -> list[tuple[int, int]]:
    spans = [(s.start, s.end) for s in doc.sentences] or list(doc.paragraphs) or [(0, len(doc.body))]
    return sorted(spans)


def _sentence_of(bounds: list[tuple[int, int]], offset: int | None) -> tuple[int, int] | None:
    if offset is None:
        return None
    i = bisect_right(bounds, (offset, 1 << 62)) - 1  # the last sentence starting at or before offset
    return bounds[i] if i >= 0 and bounds[i][0] <= offset < bounds[i][1] else None


class ParsedTokens:
    """The dependency-parsed tokens of a document by body offset, for range look-ups by bisection."""

    def __init__(self, doc: Document) -> None:
        pairs = []
        for sentence in doc.sentences:
            if sentence.span is not None:
                offset = _offset(doc, sentence)
                pairs.extend((offset + token.idx, token) for token in sentence.span)
        pairs.sort(key=lambda pair: pair[0])
        self.starts = [pos for pos, _ in pairs]
        self.tokens = [token for _, token in pairs]

    def between(self, start: int, end: int) -> list[tuple[int, object]]:
        """(body offset, token) of the tokens starting in [start, end)."""
        i, j = bisect_left(self.starts, start), bisect_left(self.starts, end)
        return list(zip(self.starts[i:j], self.tokens[i:j]))


def _offset(doc: Document, sentence: Sentence) -> int:
    if doc.paragraphs and sentence.paragraph < len(doc.paragraphs):
        return doc.paragraphs[sentence.paragraph][0]
    return sentence.start - sentence.span.start_char


def _article_start(body: str, start: int, floor: int) -> int:
    """The start of a mention with a directly preceding article ("a", "an", "the") when there is no parse."""
    before = body[max(floor, start - 5):start]
    m = ARTICLE.search(before)
    return start - (len(before) - m.start()) if m is not None else start


def _phrase(body: str, mention: Entity, found: tuple[int, object], floor: int, ceiling: int,
            kb: ActorKB) -> tuple[int, int]:
    """[start, end) of the noun phrase the mention's head token heads, kept between `floor` and `ceiling`."""
    head_at, head = found
    end = mention.end
    # "Brazil's truck drivers", "a Taliban suicide bomber": the mention modifies a group noun it belongs to.
    while head.dep_ in POSSESSED_DEPS and head.head.i > head.i and head.head.pos_ in ("NOUN", "PROPN"):
        noun = head.head
        noun_end = head_at + (noun.idx - head.idx) + len(noun.text)
        term = _group_term(noun.text, kb)
        # Members and weapons of the actor keep its sector: "Four Taliban members", "U.S. military airstrikes".
        keeps = noun.lower_ in kb.cues["partitives"] or noun.lower_ in kb.cues["armed_action_nouns"]
        if (term is None and not keeps) or noun_end > ceiling or not _clean_left(noun, head):
            break
        if term is not None and mention.rule and mention.rule.endswith("+state"):  # a state through its people
            mention.sector, mention.rule = [term.sector], f"{mention.rule[:-6]}+{term.kind}:{term.phrase}"
            mention.identifier_text = None
        head_at, head, end = head_at + (noun.idx - head.idx), noun, max(end, noun_end)
    # "Members of the New People's Army", "Thousands of textile workers": a part of the group names it.
    of = head.head if head.dep_ == "pobj" else None
    whole = of.head if of is not None and of.lower_ == "of" and of.head.i < of.i else None
    if whole is not None and (whole.lemma_.lower() in kb.cues["partitives"] or whole.lower_ in kb.cues["partitives"]):
        head_at, head = head_at - (head.idx - whole.idx), whole
    start = mention.start
    edge = head.left_edge
    # A date or time before the phrase is the clause's, not the actor's: "17 July 2017 Russia's Supreme Court".
    while edge.i < head.i and (edge.ent_type_ in ("DATE", "TIME") or edge.dep_ == "npadvmod" or edge.is_punct):
        edge = edge.nbor()
    first = head_at - (head.idx - edge.idx)  # one paragraph's tokens: body offsets differ as their idx do
    if floor <= first < start and _clean_left(head, edge):
        start = first
    # "police in Baghdad", "Omar al-Bashir of Sudan": a place or affiliation after the head.
    for child in head.rights:
        child_at = head_at + (child.idx - head.idx)
        if child.dep_ != "prep" or child.lower_ not in POSTMODIFIER_PREPS or child_at < end:
            continue
        if body[end:child_at].strip():
            break
        place = [c for c in child.children if c.dep_ == "pobj"]
        if not place or not (place[0].pos_ == "PROPN" or place[0].ent_type_ in PLACE_ENTITIES):
            break  # "the Taliban gunmen in reaction": only a named place or body describes the actor
        last = child.right_edge
        last_end = head_at + (last.idx - head.idx) + len(last.text)
        if last_end > ceiling or any(t.pos_ in ("VERB", "AUX", "PRON") or t.text in (",", ";", "(")
                                     for t in child.subtree):
            break
        end = last_end
    return start, end


def _group_term(word: str, kb: ActorKB) -> SectorTerm | None:
    """The sector term a single noun is ("drivers", "government"), if any."""
    for entry in kb.lookup(word):
        if entry.kind == "sector":
            return entry.ref
    return None


def _head_token(mention: Entity, parsed: ParsedTokens) -> tuple[int, object] | None:
    """(body offset, token) of the parse token heading the mention's words (its head lies outside them)."""
    inside = parsed.between(mention.start, mention.end)
    if not inside:
        return None
    ids = {t.i for _, t in inside}
    heads = [(pos, t) for pos, t in inside if t.head.i not in ids or t.head.i == t.i]
    if len(heads) != 1 or heads[0][1].pos_ not in ("NOUN", "PROPN"):
        return None
    return heads[0]


def _clean_left(head, edge) -> bool:
    """Whether the words from `edge` to the head are all the head's own left modifiers (no verb, no clause)."""
    for token in head.doc[edge.i:head.i]:
        if token.pos_ in ("VERB", "AUX", "PRON") and token.dep_ not in ("amod", "compound"):
            return False
        if token.dep_ not in LEFT_DEPS or (token.pos_ == "PUNCT" and token.text not in ("-", "'", "\u2019")):
            return False
        if token.dep_ in ("prep", "pobj", "conj", "cc") and token.head.i > head.i:
            return False
    return True


def _acronym_end(body: str, mention: Entity, end: int, ceiling: int) -> int:
    """The end of a parenthesised acronym right after the mention ("Nigerian Air Force (NAF)")."""
    m = ACRONYM.match(body, end)
    if m is None or m.end() > ceiling:
        return end
    letters = [w[0] for w in re.findall(r"[A-Za-z]+", mention.entity_text or "") if w[0].isupper()]
    acronym = re.sub(r"[^A-Z]", "", m.group(1))
    return m.end() if acronym and set(acronym) <= set(letters) else end


def _merge_appositions(body: str, mentions: list[Entity], bounds: list[tuple[int, int]]) -> list[Entity]:
    """Merge "person, title" / "title, person" pairs naming one actor, and "person of Country"."""
    out: list[Entity] = []
    for mention in mentions:
        last = out[-1] if out else None
        if last is not None and _same_actor(body, last, mention, bounds):
            keep = _richer(last, mention)
            end = max(mention.end, keep.end)
            merged = replace(keep, start=last.start, end=end, entity_text=body[last.start:end])
            out[-1] = merged
            continue
        out.append(mention)
    return out


def _same_actor(body: str, left: Entity, right: Entity, bounds: list[tuple[int, int]]) -> bool:
    """Whether two neighbouring mentions name one actor: an appositive title, an acronym, "X of Country"."""
    if left.end is None or right.start is None or _sentence_of(bounds, left.start) != _sentence_of(bounds, right.start):
        return False
    gap = body[left.end:right.start]
    if gap.strip() == "(" and body[right.end:right.end + 1] == ")" and right.entity_text.isupper() \
            and (right.code is None or right.code == left.code):
        right.end += 1  # "Nigerian Air Force (NAF)": the acronym repeats the name
        return True
    person_left, person_right = _names_person(left), _names_person(right)
    if APPOSITION_GAP.fullmatch(gap):
        if body[right.end:right.end + 1] not in (",", ".", "", " ", ";", ")"):
            return False
        titled = (person_left and right.office and not person_right) or \
            (person_right and left.office and not person_left)
        return bool(titled and (left.code is None or right.code is None or left.code == right.code))
    if not OF_COUNTRY_GAP.fullmatch(gap) or not left.code or left.code != right.code or right.office:
        return False
    # "Omar al-Bashir of Sudan", "Republicans in Congress": the second names where the first belongs.
    return bool(person_left and _country_name(right)) or bool(
        left.org and right.rule and right.rule.startswith("metonym:"))


def _names_person(entity: Entity) -> bool:
    """Whether the mention's words name a person (not only a title that learned whom it describes)."""
    name = entity.identifier_text
    if not name or entity.org or _country_name(entity):
        return False
    return name.split()[-1].lower() in (entity.entity_text or "").lower()


def _country_name(entity: Entity) -> str | None:
    """The identifier a bare country mention carries (its short name), recognised by the rule that coded it."""
    return entity.identifier_text if entity.rule and entity.rule.startswith(("country:", "metonym:")) else None


def _richer(left: Entity, right: Entity) -> Entity:
    """Of two mentions of one actor, the one with a code and a named person."""
    def score(e: Entity) -> tuple[int, int, int]:
        return (e.code is not None, bool(e.identifier_text), bool(e.office))
    return left if score(left) >= score(right) else right
