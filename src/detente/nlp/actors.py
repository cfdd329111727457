"""Actor recognition and coding: who is named in the body and what PLOVER code and sector they carry.

The component `actors` reads `body`, `sentences` and `published`; it adds `mentions` (coded `Entity` objects,
sorted, non-overlapping, longest first), `notes["focus_country"]` (the country the document is mostly about)
and `notes["people"]` (the document's memory: name or surname -> the coded person learned from titles and
appositives, reused by later bare mentions such as "Lavrov", "Mr Lavrov" or "the minister").

How a mention is found: the knowledge base's token trie marks names in every sentence (parsed or not); spaCy's
PERSON and ORG entities add names the base lacks where a sentence was parsed; capitalised words after a title
or an honorific add unknown people.  Neighbouring pieces join into one mention ("Russian" + "Foreign Minister"
+ "Sergei Lavrov"); how it is coded is recorded in `Entity.rule`.  Compound actors ("Russia and Iran") stay
separate mentions: the events stage builds the list from the conjunction.  Transnational armed groups such as
Islamic State and al-Qaeda are coded IMG (PLOVER's "Transnational Militarized Group") with the group in `org`.

Other stages use `code_phrase` (code any noun phrase), `mentions_between` (the mentions in a character range)
and `explain_name` (how a name is coded and why, for `detente actor NAME`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from detente.model import Document, Entity, Sentence, entity_record
from detente.nlp.actor_extent import widen_mentions
from detente.nlp.actor_kb import (
    NONSTATE_CODES, ActorKB, Country, Metonym, NameEntry, OfficeTerm, Organisation, SectorTerm, fold,
    knowledge_base, tokens_of,
)
from detente.pipeline import component
from detente.settings import Settings

# Order in which one surface form's readings are preferred ("US" is a country before it is an adjective).
KIND_RANK = {"person": 0, "org": 1, "metonym": 2, "country": 3, "plural": 4, "adjective": 5, "sector": 6}
# A name after a title runs over capitalised words and these particles ("Bashar al-Assad", "Ban Ki Moon").
NAME_WORD = re.compile(r"(?:[A-Z][\w.'\u2019-]*|al-\w+|el-\w+|bin|ibn|bint|de|del|da|van|von|der|le|la|al|el)")
POSSESSIVE_END = re.compile(r"\s*['\u2019]s?$")
ISO_DAY = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?(?![\d/])")
UPPER = re.compile(r"[A-Z\u00c0-\u00de]")
LETTER = re.compile(r"[^\W\d_]")
GAP_WORD = re.compile(r"[\w'\u2019.-]+|[^\w\s]")
# An unknown name right before ", the British ambassador".
APPOSITIVE_NAME = re.compile(r"((?:[A-Z][\w'\u2019.-]+|al-\w+|bin|ibn)"
                             r"(?:\s+(?:[A-Z][\w'\u2019.-]+|al-\w+|bin|ibn)){1,4}),\s*$")
# Atoms that can own what follows a possessive "'s".
POSSESSORS = frozenset({"country", "metonym", "org", "adjective"})
# Knowledge-base kinds that name a place; after an honorific they are a person's surname.
PLACE_KINDS = frozenset({"country", "metonym"})
INITIAL = re.compile(r"[A-Z]\.")
# One or two lower-case words after a lone demonym ("an Indian proposal", "Syrian air strikes", "U.S.-drafted").
AUTHORED_NOUN = re.compile(r"(?:-[a-z]+)?\s+([a-z]+(?:[ -][a-z]+)?)\b")
# Words that turn an official into ELI (PLOVER: former officials who no longer hold office).
FORMER = frozenset({"former", "ex", "ousted", "deposed", "exiled"})


@dataclass
class Atom:
    """A piece of a mention: a knowledge-base name, an unknown name, or a title/group noun."""

    start: int
    end: int
    kind: str  # person, org, metonym, country, plural, adjective, sector, name, unknown_org
    entry: NameEntry | None = None

    @property
    def sector_term(self) -> SectorTerm | None:
        return self.entry.ref if self.kind == "sector" and self.entry else None


@dataclass
class Chunk:
    """Consecutive atoms that name one actor."""

    atoms: list[Atom] = field(default_factory=list)
    start: int = 0
    end: int = 0
    possessor: bool = False  # split off before a possessed person ("Russia" in "Russia's ally Assad")


# ---------------------------------------------------------------------------------------------------------
# Finding atoms

def _is_acronym(form: str) -> bool:
    letters = [c for c in form if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6


def _case_ok(form: str, surface: str, kind: str, casing: str, kb: ActorKB) -> bool:
    """Whether the surface casing fits a name: proper nouns capitalised, acronyms upper-case (see cues.yaml)."""
    if kind == "sector":
        return True
    if _is_acronym(form):
        if casing == "upper":
            return form not in kb.cues["ambiguous_acronyms"]
        if casing == "lower":
            return False
        return surface.replace(".", "").isupper() or surface == form
    if not form[:1].isupper() or casing != "mixed":
        return True
    return surface[:1].isupper()


def _casing(text: str) -> str:
    """'upper' for ALL-CAPS copy, 'lower' for text without capitals, else 'mixed'."""
    if text == text.lower():
        return "lower" if text != text.upper() else "mixed"
    upper = len(UPPER.findall(text))
    letters = len(LETTER.findall(text))
    if letters > 3 and upper / letters > 0.8:
        return "upper"
    return "mixed"


def kb_atoms(text: str, folded: str, offset: int, kb: ActorKB) -> list[Atom]:
    """Knowledge-base names in `text` (body offsets = `offset` + index), one reading per span."""
    casing = _casing(text)
    atoms = []
    for start, end, entries in kb.match(folded):
        surface = text[start:end]
        usable = [e for e in entries if _case_ok(e.form, surface, e.kind, casing, kb)]
        if not usable:
            continue
        best = min(usable, key=lambda e: KIND_RANK[e.kind])
        if best.kind in PLACE_KINDS and _after_honorific(text, start, kb):
            continue  # "Mr Wellington", "Mrs Jordan": a person's name, not a capital or a country
        atoms.append(Atom(offset + start, offset + end, best.kind, best))
    return atoms


def _after_honorific(text: str, start: int, kb: ActorKB) -> bool:
    """Whether the word before `start` is a title of address ("Mr", "Dr.")."""
    m = re.search(r"\b([A-Za-z]{2,8})\.?\s+$", text[max(0, start - 12):start])
    return m is not None and m.group(1)[:1].isupper() and fold(m.group(1)) in kb.cues["honorifics"]


def name_atoms(text: str, offset: int, atoms: list[Atom], kb: ActorKB) -> list[Atom]:
    """Unknown names after a title ("Planning Minister Tran Xuan Gia") or an honorific ("Mr Smith")."""
    if _casing(text) != "mixed":
        return []
    taken = [(a.start - offset, a.end - offset) for a in atoms]
    starts = [a.end - offset for a in atoms if a.kind == "sector" and a.sector_term.kind == "title"
              and not _loose_title(text, a.start - offset, taken, kb)]
    for m in re.finditer(r"\b([A-Z][a-z]{1,5})\.?\s+(?=[A-Z])", text):
        if fold(m.group(1)) in kb.cues["honorifics"]:
            starts.append(m.end())
    found = []
    for pos in starts:
        first = end = None
        for count, m in enumerate(re.finditer(r"\S+", text[pos:pos + 120])):
            raw = m.group()
            # A middle initial ("John R. Bass") keeps its full stop without ending the name.
            word = raw if INITIAL.fullmatch(raw) else POSSESSIVE_END.sub("", raw.rstrip(",;:.)\"")).rstrip("'\u2019")
            wstart = pos + m.start()
            if count >= 5 or not NAME_WORD.fullmatch(word) or any(s <= wstart < e for s, e in taken):
                break
            if first is None:
                if not word[:1].isupper():
                    break
                if fold(word.rstrip(".")) in kb.cues["honorifics"] and word == raw:
                    continue  # "Prime Minister Dr Abiy Ahmed": the honorific is not part of the name
                first = wstart
            if word[:1].isupper() or "-" in word:  # "al-Sarraj" ends a name, a bare "al" or "bin" does not
                end = wstart + len(word)
            if word != raw:
                break
        if first is not None and end is not None:
            found.append(Atom(offset + first, offset + end, "name"))
    return found


def _loose_title(text: str, start: int, taken: list[tuple[int, int]], kb: ActorKB) -> bool:
    """A title after a plain lower-case word is a description, not a person's title: "market leader Diageo"."""
    m = re.search(r"(?<![\w-])([a-z][\w-]*)\s+$", text[max(0, start - 30):start])
    if m is None:
        return False
    word_start = start - (len(text[max(0, start - 30):start]) - m.start(1))
    if any(s <= word_start < e for s, e in taken):
        return False
    return fold(m.group(1)) not in kb.cues["modifiers"]


def document_entities(doc: Document) -> list[tuple[int, int, str]]:
    """spaCy PERSON and ORG entities of the parsed paragraphs, in body offsets, in order."""
    found = []
    for index, pdoc in sorted((doc.notes.get("paragraph_docs") or {}).items()):
        if index >= len(doc.paragraphs):
            continue
        para = doc.paragraphs[index][0]
        for ent in pdoc.ents:
            if ent.label_ in ("PERSON", "ORG") and not ent.text[:1].islower():
                found.append((para + ent.start_char, para + ent.end_char, ent.label_))
    return found


def ner_atoms(entities: list[tuple[int, int, str]], start: int, end: int, atoms: list[Atom],
              text_of: Any) -> list[Atom]:
    """The entities inside [start, end) that hold no knowledge-base name."""
    found = []
    for ent_start, ent_end, label in entities[bisect_left(entities, (start,)):]:
        if ent_start >= end:
            break
        if label == "PERSON" and POSSESSIVE_END.search(text_of(ent_start, ent_end)):
            ent_end -= len(POSSESSIVE_END.search(text_of(ent_start, ent_end)).group())
        if ent_end > end or any(a.start < ent_end and ent_start < a.end for a in atoms):
            continue
        found.append(Atom(ent_start, ent_end, "name" if label == "PERSON" else "unknown_org"))
    return found


# ---------------------------------------------------------------------------------------------------------
# Joining atoms into chunks

def _gap_words(body: str, start: int, end: int) -> list[str]:
    return [fold(w) for w in GAP_WORD.findall(body[start:end])]


def _joins(body: str, left: Chunk, atom: Atom, kb: ActorKB) -> bool:
    """Whether `atom` continues the mention `left` across the text between them."""
    words = _gap_words(body, left.end, atom.start)
    if "\n" in body[left.end:atom.start]:
        return False
    kinds = {a.kind for a in left.atoms}
    if atom.kind in ("person", "name") and kinds & {"person", "name"}:
        # A first name the base spells otherwise right before a known person: "Benjamim Netanyahu", not "Ian
        # Blair" (another Blair) nor "End Bush".
        return atom.kind == "person" and left.atoms[-1].kind == "name" and not body[left.end:atom.start].strip() \
            and _same_first_name(body[left.atoms[-1].start:left.atoms[-1].end], atom.entry.ref)
    if atom.kind in ("country", "metonym") and kinds & {"country", "metonym", "plural"}:
        # "U.S. Congress", "the U.S. State Department": a seat of the same state continues the mention.
        same = atom.kind == "metonym" and left.atoms[-1].kind in ("country", "adjective") \
            and atom.entry.ref.code == left.atoms[-1].entry.ref.code
        if not (same and not _gap_words(body, left.end, atom.start)):
            return False
    if atom.kind in ("org", "unknown_org") and kinds & {"person", "name", "org"}:
        return False
    if atom.kind == "unknown_org" and left.atoms[-1].kind == "sector":
        return False  # "market leader Diageo": a title describes people, not an unknown organisation
    if left.atoms[-1].kind in ("person", "name") and atom.kind != "org":
        # A name ends a mention ("Lavrov said Russia") unless it names whose government it is: "the Trump
        # administration", "Prime Minister Hun Sen's government".
        term = atom.sector_term
        return term is not None and " ".join(tokens_of(term.phrase)) in kb.cues["leader_bodies"] and \
            _gap_words(body, left.end, atom.start) in ([], ["'s"], ["'"])
    if words[:1] in (["'s"], ["'"]):
        # A possessive joins a possessor country or organisation to what it owns: "Russia's foreign minister".
        if atom.kind in ("country", "metonym", "org", "plural", "adjective") or not kinds & POSSESSORS:
            return False
        words = words[1:]
        if atom.kind == "sector" and _described(body, left.end, atom.start, words, kb):
            return True  # "Colombia's leftist rebels", "France's conservative government"
    head = left.atoms[-1].sector_term
    if words and words[0] in ("of", "in", "for") and head is not None:
        rest = [w for w in words[1:] if w != "the"]
        key = " ".join(tokens_of(head.phrase))
        allowed = {"in": kb.cues["standalone_groups"], "of": kb.cues["of_heads"], "for": kb.cues["for_heads"]}[words[0]]
        # A demonym after "in" describes a place or a war ("civilians in the Syrian war"), not whose group it is.
        # A capital or region after "in" is where the group serves: "police in Baghdad", "police in Gaza".
        kinds_ok = ("country", "org", "metonym") if words[0] == "in" else ("country", "org", "adjective")
        return not rest and key in allowed and atom.kind in kinds_ok
    return all(w in kb.cues["modifiers"] or w in kb.cues["honorifics"] for w in words)


def _same_first_name(name: str, person: str) -> bool:
    """Whether an unknown first name spells the known person's first name another way (same first four letters)."""
    first, known = fold(name.split()[-1]), fold(person.split()[0])
    return len(first) >= 4 and first[:4] == known[:4]


def _described(body: str, start: int, end: int, words: list[str], kb: ActorKB) -> bool:
    """Whether the words after a possessive are one or two lower-case descriptive words ("embattled")."""
    raw = GAP_WORD.findall(body[start:end])[-len(words):] if words else []
    return 0 < len(words) <= 2 and all(
        re.fullmatch(r"[a-z][a-z-]+", w) and w not in kb.cues["not_names"] and w not in kb.cues["locative_prepositions"]
        for w in raw)


def chunk_atoms(body: str, atoms: list[Atom], kb: ActorKB) -> list[Chunk]:
    """Group sorted atoms into mentions."""
    chunks: list[Chunk] = []
    for atom in atoms:
        last = chunks[-1] if chunks else None
        if last is not None and _joins(body, last, atom, kb):
            last.atoms.append(atom)
            last.end = atom.end
        else:
            chunks.append(Chunk([atom], atom.start, atom.end))
    return chunks


# ---------------------------------------------------------------------------------------------------------
# Coding

def resolve_term(terms: list[OfficeTerm], date: str | None) -> tuple[OfficeTerm, str]:
    """The office the person held on `date`: the term in force, else the nearest one; no date: the office held
    longest (open terms counted to the last date the office table knows).

    With no date, the latest office is usually the wrong guess: careers end in envoys' and elders' posts
    (Tony Blair, prime minister for ten years, then the Quartet's envoy), while the office held longest is
    what most coverage of the person is about.
    """
    if date is None:
        horizon = office_table_horizon()
        return max(terms, key=lambda t: (_days(t.end or horizon, t.start), t.start)), "longest"
    day = date[:10]
    active = [t for t in terms if t.start <= day and (t.end is None or day < t.end)]
    if active:
        return max(active, key=lambda t: t.start), "dated"
    ended = [t for t in terms if t.end and t.end <= day]
    later = [t for t in terms if t.start > day]
    if not ended:
        # Not yet in any office we know: the person is news for the office they came to hold.
        return max(terms, key=lambda t: t.start), "before"
    if not later or _days(day, ended[-1].end) <= _days(later[0].start, day):
        return max(ended, key=lambda t: t.end or ""), "after"
    return min(later, key=lambda t: t.start), "between"


@lru_cache(maxsize=1)
def office_table_horizon() -> str:
    """The latest start or end date in the office-holder table: how far its knowledge reaches."""
    terms = [t for person_terms in knowledge_base().terms.values() for t in person_terms]
    return max(max(t.start for t in terms), max((t.end for t in terms if t.end), default=""))


def _days(a: str, b: str) -> int:
    """Rough days from b to a on ISO-like dates (YYYY[-MM[-DD]])."""
    def num(s: str) -> int:
        parts = [int(p) for p in s.split("-")] + [1, 1]
        return parts[0] * 372 + parts[1] * 31 + parts[2]
    return abs(num(a[:10]) - num(b[:10]))


def iso_day(value: str | None) -> str | None:
    """The YYYY[-MM[-DD]] prefix of an ISO date or datetime; None for anything else."""
    if not value:
        return None
    m = ISO_DAY.match(value.strip())
    return m.group() if m else None


@dataclass
class Context:
    """What coding a mention may use beyond its words: date, focus country and the document's memory."""

    date: str | None = None
    focus: str | None = None
    people: dict[str, Entity] = field(default_factory=dict)
    # In documents a bare surname of a knowledge-base person counts only when that person is in office on the
    # date, carries a title, or was named in full earlier; code_phrase, given a phrase alone, trusts it.
    strict: bool = False


def _former(body: str, chunk: Chunk) -> bool:
    """Whether "former", "ex-" or "ousted" qualifies the mention."""
    # Up to three words back: "former Socialist prime minister", "ex-President".
    before = fold(body[max(0, chunk.start - 40):chunk.start]).replace("-", " ").split()[-3:]
    inside = [fold(w) for w in GAP_WORD.findall(body[chunk.start:chunk.end])]
    return bool(FORMER & set(before) or FORMER & set(inside[:2]))


def code_chunk(body: str, chunk: Chunk, kb: ActorKB, ctx: Context) -> Entity | None:
    """The Entity for a chunk, or None when it names no actor on its own (a bare adjective, "people")."""
    text = body[chunk.start:chunk.end]
    country: tuple[str, str] | None = None  # (code, rule)
    org: Organisation | None = None
    person: tuple[str, OfficeTerm, str] | None = None
    name: str | None = None
    metonym: Metonym | None = None
    plural = False
    titles: list[SectorTerm] = []
    for atom in chunk.atoms:
        ref = atom.entry.ref if atom.entry else None
        if atom.kind == "person":
            term, how = resolve_term(kb.holder_terms(ref), ctx.date)
            surface = body[atom.start:atom.end]
            if ctx.strict and how != "dated" and len(tokens_of(surface)) == 1 and ref not in ctx.people \
                    and not any(a.kind == "sector" for a in chunk.atoms):
                name = surface  # a bare surname of someone out of office: likely a namesake ("Powell", an analyst)
                continue
            person = (ref, term, how)
        elif atom.kind == "name":
            name = body[atom.start:atom.end]
        elif atom.kind == "org":
            org = ref
        elif atom.kind == "unknown_org":
            name = name or body[atom.start:atom.end]
        elif atom.kind == "metonym":
            metonym = ref
            country = country or (ref.code, f"metonym:{ref.phrase}")
        elif atom.kind in ("country", "adjective", "plural"):
            rule = "country" if atom.kind == "country" else "demonym"
            country = country or (ref.code, f"{rule}:{body[atom.start:atom.end]}")
            plural = plural or atom.kind == "plural"
        elif atom.kind == "sector":
            titles.append(ref)
    head = titles[-1] if titles else None
    for wanted in ("REB", "OPP"):
        marked = [t for t in titles if t.sector == wanted]
        if marked and head is not None and head.sector not in ("REB", "OPP", "MIL"):
            head = replace(marked[-1], office=head.office if head.kind == "title" else marked[-1].office)
            break
    if head is None and not (country or org or person or name):
        return None
    entity = Entity(entity_text=text, start=chunk.start, end=chunk.end)
    if head is not None and head.kind == "title":
        entity.office = head.office
    if person is not None:
        pname, term, how = person
        entity.code, entity.sector = term.country, [term.sector]
        entity.identifier_text, entity.office = pname, term.office
        entity.rule = f"kb:office_holders:{pname}" + ("" if how == "dated" else f":{how}")
        if how in ("before", "after") and head is not None and head.kind == "title":
            entity.sector, entity.office = [head.sector], head.office  # the text's title beats a stale term
        elif how == "after":
            entity.sector = ["ELI"]  # PLOVER ELI: former officials no longer in office
        if head is not None and head.sector == "ELI":
            entity.sector = ["ELI"]
        if term.country in NONSTATE_CODES and term.country != "UNO" and org is not None:
            entity.org = org.name
        return _former_eli(body, chunk, entity)
    if org is not None and (country is None or org.code in NONSTATE_CODES or chunk.atoms[-1].kind == "org"
                            or org.kind == "group"):
        entity.code, entity.org = org.code, org.name
        # "a spokesman for the UN" is an unnamed person of the UN: the organisation is `org`, not the identifier.
        entity.identifier_text = None if head is not None and head.kind == "title" else org.name
        entity.sector = [head.sector] if head is not None else [org.sector]
        entity.rule = f"kb:{'igos' if org.kind == 'igo' else 'groups'}:{org.name}"
    elif country is not None:
        entity.code, entity.rule = country
        if head is not None:
            entity.sector = [head.sector]
            entity.rule += f"+{head.kind}:{head.phrase}"
            if metonym is not None and metonym.sector == "PRE":
                entity.sector.append("PRE")
        elif metonym is not None:
            # A region standing as an actor is its people ("Tel Aviv", "East Jerusalem"): CVL.
            entity.sector = [metonym.sector or "CVL"]
        elif plural:
            entity.sector = ["CVL"]
        elif any(a.kind == "country" for a in chunk.atoms):
            # A state named as an actor ("Russia agreed") acts through its government, as analysts code it.
            entity.sector = ["GOV"]
            entity.rule += "+state"
    elif head is not None:
        entity.sector = [head.sector]
        entity.rule = f"{head.kind}:{head.phrase}"
        remembered = _remembered_title(head, ctx) if name is None else None
        if remembered is not None:
            entity.code, entity.sector = remembered.code, list(remembered.sector)
            entity.identifier_text, entity.office = remembered.identifier_text, remembered.office
            entity.org, entity.rule = remembered.org, f"memory:{head.phrase}->{remembered.identifier_text}"
        elif ctx.focus is not None:
            entity.code = ctx.focus
            entity.rule += "+focus-country"
    if name is not None:
        remembered = ctx.people.get(name) or ctx.people.get(name.split()[-1])
        if remembered is not None and entity.code is None and head is None:
            entity = replace(remembered, entity_text=text, start=chunk.start, end=chunk.end,
                             rule=f"memory:{name}")
        else:
            entity.identifier_text = name
            if entity.code is None and head is None:
                entity.rule = "ner:unknown"
    elif entity.identifier_text is None and metonym is not None:
        entity.identifier_text = metonym.phrase
    elif entity.identifier_text is None and head is None and country is not None and entity.code in kb.countries:
        entity.identifier_text = kb.countries[entity.code].name
    return _former_eli(body, chunk, entity)


def _former_eli(body: str, chunk: Chunk, entity: Entity) -> Entity:
    """Former officials are ELI (PLOVER sector table)."""
    if entity.sector and entity.sector[0] in ("GOV", "MIL", "LEG", "JUD") and _former(body, chunk):
        entity.sector = ["ELI"]
        entity.rule = (entity.rule or "") + "+former"
    return entity


def _remembered_title(head: SectorTerm, ctx: Context) -> Entity | None:
    """The most recent person of the document whose office shares the title's words ("the minister")."""
    if head.kind != "title" or not head.office:
        return None
    words = set(head.office.split())
    for entity in reversed(list(ctx.people.values())):
        if entity.office and words <= set(entity.office.split()):
            return entity
    return None


# ---------------------------------------------------------------------------------------------------------
# Document level

def _standalone(chunk: Chunk, kb: ActorKB) -> bool:
    """Whether a chunk of only title/group nouns names an actor by itself ("the rebels", not "people")."""
    key = " ".join(tokens_of(chunk.atoms[-1].sector_term.phrase))
    return key in kb.cues["standalone_groups"]


def _locative(body: str, chunk: Chunk, kb: ActorKB) -> bool:
    """A lone capital after "in", "at", "from" ... is a place ("talks in Vienna"), not a government."""
    if len(chunk.atoms) != 1 or chunk.atoms[0].kind != "metonym" or chunk.atoms[0].entry.ref.kind == "seat":
        return False
    before = fold(body[max(0, chunk.start - 14):chunk.start]).split()
    return bool(before) and before[-1] in kb.cues["locative_prepositions"]


def focus_country(body: str, chunks: list[Chunk], kb: ActorKB) -> str | None:
    """The country the document is mostly about: country words, counted double where they name a topic or a
    place (after a preposition, or an adjective not heading an actor: "the Syrian war") rather than an actor."""
    scores: dict[str, float] = {}
    preps = kb.cues["locative_prepositions"] | {"on", "over", "about", "beyond", "to", "of", "against"}
    for chunk in chunks:
        for atom in chunk.atoms:
            if atom.kind not in ("country", "adjective", "plural", "metonym"):
                continue
            code = atom.entry.ref.code
            if code not in kb.countries:
                continue
            before = fold(body[max(0, atom.start - 10):atom.start]).split()
            topic = (before[-1:] and before[-1] in preps) or (
                atom.kind == "adjective" and all(a.kind == "adjective" for a in chunk.atoms))
            weight = 0.5 if atom.kind == "metonym" else 1.0
            scores[code] = scores.get(code, 0.0) + weight * (2 if topic else 1)
    if not scores:
        return None
    return max(scores.items(), key=lambda kv: kv[1])[0]


def _learn(entity: Entity, ctx: Context) -> None:
    """Remember a coded person under the full name and the surname."""
    if not entity.identifier_text or entity.code is None or entity.org:
        return
    # Re-inserting keeps the dict in order of last mention, which "the minister" relies on.
    ctx.people.pop(entity.identifier_text, None)
    ctx.people[entity.identifier_text] = entity
    parts = entity.identifier_text.split()
    if len(parts) > 1:
        ctx.people.pop(parts[-1], None)
        ctx.people[parts[-1]] = entity
        bare = re.sub(r"^(?:al|el|ad|as|ash|an|ar)-", "", parts[-1])  # "al-Assad" is also "Assad"
        ctx.people[bare] = entity


def _appositive(body: str, left: Entity, right: Entity) -> bool:
    """Whether only a comma (and "the") separates two mentions."""
    gap = body[left.end:right.start]
    m = re.fullmatch(r"\s*,\s*(?:the\s+|The\s+)?(?:([A-Z][a-z]{1,6})\.?\s+)?", gap)
    # "Bahraini Prime Minister, Prince Khalifa ...": an honorific may open the person's name.
    return m is not None and (m.group(1) is None or fold(m.group(1)) in knowledge_base().cues["honorifics"])


def _appositive_names(body: str, coded: list[tuple[Entity, bool]], kb: ActorKB) -> list[tuple[Entity, bool]]:
    """Unknown names right before ", the British ambassador": people the title mention describes."""
    out: list[tuple[Entity, bool]] = []
    for entity, is_person in coded:
        start = entity.start or 0
        m = None if is_person or not entity.office else APPOSITIVE_NAME.search(body[max(0, start - 80):start])
        if m is not None:
            name_start = start - (len(body[max(0, start - 80):start]) - m.start(1))
            words = m.group(1).split()
            taken = out[-1][0].end if out else 0
            if name_start >= (taken or 0) and not any(fold(w) in kb.cues["not_names"] for w in words) \
                    and not any(e.kind != "sector" for e in kb.lookup(m.group(1))):
                out.append((Entity(entity_text=m.group(1), identifier_text=m.group(1), start=name_start,
                                   end=name_start + len(m.group(1)), rule="ner:unknown"), True))
        out.append((entity, is_person))
    return out


def _share(body: str, mentions: list[tuple[Entity, bool]], ctx: Context) -> None:
    """Appositives teach each other: "Kerry, the US Secretary of State" and "The UN chief, Ban Ki Moon".
    `mentions` pairs each entity with whether it names a person."""
    for (left, left_person), (right, right_person) in zip(mentions, mentions[1:]):
        if left_person == right_person or not _appositive(body, left, right):
            continue
        person, title = (left, right) if left_person else (right, left)
        if not title.office:
            continue
        if person.code is None:
            person.code, person.sector, person.office = title.code, list(title.sector), title.office
            person.org = title.org
            person.rule = f"appositive:{title.entity_text}"
        title.identifier_text = person.identifier_text
        _learn(person, ctx)


def _surname_mentions(body: str, taken: list[Entity], ctx: Context) -> list[Entity]:
    """Later bare surnames of people learned in this document that no other pass found."""
    names = sorted((k for k, v in ctx.people.items() if k[:1].isupper() and v.rule and
                    not v.rule.startswith("kb:")), key=len, reverse=True)
    if not names:
        return []
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")
    found = []
    for m in pattern.finditer(body):
        if any(e.start < m.end() and m.start() < e.end for e in taken):
            continue
        known = ctx.people[m.group(1)]
        found.append(replace(known, entity_text=m.group(1), start=m.start(), end=m.end(),
                             rule=f"memory:{m.group(1)}"))
    return found


SIDE_PREFIX = re.compile(r"(?:^|[^A-Za-z])(?:anti|pro)-$", re.IGNORECASE)


def _taken_sides_with(body: str, atom: Atom) -> bool:
    """Whether a country named by `atom` is only the side someone takes ("anti-Syria journalist", "pro-Russian
    separatists"): that names the side, not the party, so the country does not code the mention."""
    before = body[max(0, atom.start - 6):atom.start]
    return atom.kind in ("country", "adjective", "plural") and bool(SIDE_PREFIX.search(before))


def _sentence_spans(doc: Document) -> list[Sentence]:
    """The parsed sentences, or the paragraphs (or the whole body) when the parse stage did not run."""
    if doc.sentences:
        return doc.sentences
    spans = doc.paragraphs or [(0, len(doc.body))]
    return [Sentence(s, e, i, doc.body[s:e], span=None) for i, (s, e) in enumerate(spans)]


def find_mentions(doc: Document, kb: ActorKB | None = None) -> tuple[list[Entity], Context]:
    """Every actor mention in the document, coded, with the context (focus, memory) it built."""
    kb = kb or knowledge_base()
    body, folded = doc.body, fold(doc.body)
    chunks: list[Chunk] = []
    entities = document_entities(doc)
    for sentence in _sentence_spans(doc):
        text = body[sentence.start:sentence.end]
        atoms = kb_atoms(text, folded[sentence.start:sentence.end], sentence.start, kb)
        atoms += name_atoms(text, sentence.start, atoms, kb)
        atoms += ner_atoms(entities, sentence.start, sentence.end, atoms, lambda a, b: body[a:b])
        atoms.sort(key=lambda a: (a.start, -a.end))
        atoms = [a for a in _drop_overlaps(atoms) if not _taken_sides_with(body, a)]
        chunks += chunk_atoms(body, atoms, kb)
    ctx = Context(date=iso_day(doc.published), focus=focus_country(body, chunks, kb), strict=True)
    coded: list[tuple[Entity, bool]] = []
    chunks = _split_possessors(body, chunks, kb, ctx.date)
    shared_heads = _coordinated_heads(body, chunks)
    for chunk in chunks:
        if _locative(body, chunk, kb):
            continue
        if all(a.kind == "sector" for a in chunk.atoms) and not _standalone(chunk, kb):
            continue
        authored = None
        if len(chunk.atoms) == 1 and chunk.atoms[0].kind == "adjective":
            authored = _authored(body, chunk, kb) if id(chunk) not in shared_heads else None
            if id(chunk) not in shared_heads and authored is None:
                continue  # "the Syrian war": a demonym alone modifies, it does not act
            if authored is None:
                chunk = Chunk(chunk.atoms + [shared_heads[id(chunk)]], chunk.start, chunk.end)
        entity = code_chunk(body, chunk, kb, ctx)
        if entity is None:
            continue
        if authored is not None:  # "an Indian proposal", "Russian air strikes": the state that made them
            entity.end, (noun, sector) = authored[0], authored[1:]
            entity.entity_text, entity.sector = body[entity.start:entity.end], [sector]
            entity.rule = f"{entity.rule}+authored:{noun}"
        entity = _with_article(body, entity)
        is_person = any(a.kind in ("person", "name") for a in chunk.atoms)
        if is_person:
            _learn(entity, ctx)
        coded.append((entity, is_person))
    coded = _appositive_names(body, coded, kb)
    _share(body, coded, ctx)
    mentions = [entity for entity, _ in coded]
    mentions += _surname_mentions(body, mentions, ctx)
    mentions.sort(key=lambda e: (e.start, -(e.end or 0)))
    return widen_mentions(doc, _drop_overlapping_entities(mentions), kb), ctx


def _authored(body: str, chunk: Chunk, kb: ActorKB) -> tuple[int, str, str] | None:
    """(end, noun, sector) when a lone demonym qualifies a noun naming what a state made or did: "an Indian
    proposal" (GOV), "Russian air strikes" (MIL)."""
    m = AUTHORED_NOUN.match(body, chunk.end)
    if m is None:
        return None
    for words, end in ((m.group(1), m.end(1)), (m.group(1).split()[0], m.start(1) + len(m.group(1).split()[0]))):
        key = fold(words)
        if key in kb.cues["authored_nouns"]:
            return end, words, "GOV"
        if key in kb.cues["armed_action_nouns"]:
            return end, words, "MIL"
    return None


def _coordinated_heads(body: str, chunks: list[Chunk]) -> dict[int, Atom]:
    """"Hungarian and Romanian officials": a lone demonym before "and"/"or" shares the next mention's head."""
    shared: dict[int, Atom] = {}
    for left, right in zip(chunks, chunks[1:]):
        if len(left.atoms) != 1 or left.atoms[0].kind != "adjective":
            continue
        if not re.fullmatch(r"\s*(?:,|and|or|,\s*and)\s*", body[left.end:right.start]):
            continue
        if right.atoms[0].kind == "adjective" and right.atoms[-1].kind == "sector":
            shared[id(left)] = right.atoms[-1]
        elif id(right) in shared:
            shared[id(left)] = shared[id(right)]
    for left, right in reversed(list(zip(chunks, chunks[1:]))):  # chains: "Russian, Iranian and Syrian troops"
        if id(right) in shared and id(left) not in shared and len(left.atoms) == 1 \
                and left.atoms[0].kind == "adjective" and re.fullmatch(r"\s*,\s*", body[left.end:right.start]):
            shared[id(left)] = shared[id(right)]
    return shared


def _with_article(body: str, entity: Entity) -> Entity:
    """Include a directly preceding "the" in the mention text ("the Kremlin", "the rebels")."""
    start = entity.start or 0
    m = re.search(r"\b(?:the|The|THE)\s+$", body[max(0, start - 4):start])
    if m and entity.rule and not entity.rule.startswith(("kb:office_holders", "ner:")):
        entity.start = start - (len(body[max(0, start - 4):start]) - m.start())
        entity.entity_text = body[entity.start:entity.end]
    return entity


def _split_possessors(body: str, chunks: list[Chunk], kb: ActorKB, date: str | None) -> list[Chunk]:
    """"Russia's ally Bashar al-Assad": a person of another country than the possessor is a mention of his own."""
    out = []
    for chunk in chunks:
        people = [i for i, a in enumerate(chunk.atoms) if a.kind == "person"]
        places = [i for i, a in enumerate(chunk.atoms) if a.kind in ("country", "metonym")]
        if people and places and places[0] < people[0]:
            term, _ = resolve_term(kb.holder_terms(chunk.atoms[people[0]].entry.ref), date)
            code = chunk.atoms[places[0]].entry.ref.code
            if term.country != code:
                cut = places[-1] + 1
                first, second = chunk.atoms[:cut], chunk.atoms[cut:]
                out.append(Chunk(first, first[0].start, first[-1].end, possessor=True))
                out.append(Chunk(second, second[0].start, second[-1].end))
                continue
        out.append(chunk)
    return out


def _drop_overlaps(atoms: list[Atom]) -> list[Atom]:
    kept: list[Atom] = []
    for atom in atoms:
        if kept and atom.start < kept[-1].end:
            continue
        kept.append(atom)
    return kept


def _drop_overlapping_entities(mentions: list[Entity]) -> list[Entity]:
    kept: list[Entity] = []
    for m in mentions:
        if kept and (m.start or 0) < (kept[-1].end or 0):
            if (m.end or 0) - (m.start or 0) > (kept[-1].end or 0) - (kept[-1].start or 0):
                kept[-1] = m
            continue
        kept.append(m)
    return kept


# ---------------------------------------------------------------------------------------------------------
# Public API for other stages and the CLI

def code_phrase(text: str, date: str | None = None, doc: Document | None = None) -> Entity | None:
    """Code an arbitrary noun phrase ("Russian Foreign Minister"); the first coded mention in it, or None."""
    if not text or not text.strip():
        return None
    kb = knowledge_base()
    atoms = kb_atoms(text, fold(text), 0, kb)
    atoms += name_atoms(text, 0, atoms, kb)
    atoms.sort(key=lambda a: (a.start, -a.end))
    chunks = chunk_atoms(text, _drop_overlaps(atoms), kb)
    ctx = Context(date=iso_day(date) or iso_day(doc.published if doc is not None else None))
    if doc is not None:
        ctx.focus = doc.notes.get("focus_country")
        ctx.people = dict(doc.notes.get("people") or {})
    chunks = _split_possessors(text, chunks, kb, ctx.date)
    heads = [c for c in chunks if not c.possessor] or chunks
    coded = [e for e in (_code_authored(text, c, kb, ctx) for c in heads) if e is not None]
    if not coded:
        remembered = ctx.people.get(text.strip()) or ctx.people.get(text.strip().split()[-1])
        if remembered is None:
            return None
        return replace(remembered, entity_text=text, start=0, end=len(text), rule=f"memory:{text.strip()}")
    best = next((e for e in coded if e.code), coded[0])
    if not best.sector:
        best.sector = next((list(e.sector) for e in coded if e.sector), [])
    if doc is not None and not best.sector:
        best.sector = _sector_in_document(text, best, doc)
    if best.code is None and ctx.people:
        remembered = ctx.people.get(text.strip()) or ctx.people.get(text.strip().split()[-1])
        if remembered is not None:
            best = replace(remembered, entity_text=text, start=0, end=len(text), rule=f"memory:{text.strip()}")
    return best


def _code_authored(text: str, chunk: Chunk, kb: ActorKB, ctx: Context) -> Entity | None:
    """code_chunk, with a lone demonym before a noun of what states make or do coded as in documents."""
    entity = code_chunk(text, chunk, kb, ctx)
    if entity is not None and len(chunk.atoms) == 1 and chunk.atoms[0].kind == "adjective":
        authored = _authored(text, chunk, kb)
        if authored is not None:
            entity.sector, entity.rule = [authored[2]], f"{entity.rule}+authored:{authored[1]}"
    return entity


def _sector_in_document(text: str, entity: Entity, doc: Document) -> list[str]:
    """The sector the document's own mention of this phrase carries ("Hungarian" in "Hungarian and Romanian
    officials" is GOV there)."""
    at = doc.body.find(text.strip())
    if at < 0:
        return []
    for m in doc.mentions:
        if (m.start or 0) <= at < (m.end or 0) and m.code == entity.code and m.sector:
            return list(m.sector)
    return []


def mentions_between(doc: Document, start: int, end: int) -> list[Entity]:
    """The document's mentions lying inside the character range [start, end)."""
    return [m for m in doc.mentions if m.start is not None and start <= m.start and (m.end or 0) <= end]


def explain_name(name: str, date: str | None = None) -> dict[str, Any]:
    """How a name is coded and which knowledge-base entries and rules match it (`detente actor NAME`)."""
    kb = knowledge_base()
    entity = code_phrase(name, date)
    matches = []
    for start, end, entries in kb.match(fold(name)):
        for e in entries:
            matches.append({"text": name[start:end], "kind": e.kind, "form": e.form, "entry": _describe(e, kb)})
    terms = []
    for person in {m["entry"]["person"] for m in matches if m["kind"] == "person"}:
        terms += [{"person": t.person, "country": t.country, "office": t.office, "sector": t.sector,
                   "start": t.start, "end": t.end, "certain": t.certain} for t in kb.holder_terms(person)]
    return {"name": name, "date": date, "entity": None if entity is None else {**entity_record(entity),
            "rule": entity.rule}, "matches": matches, "office_terms": terms}


def _describe(entry: NameEntry, kb: ActorKB) -> dict[str, Any]:
    ref = entry.ref
    if isinstance(ref, Country):
        return {"country": ref.code, "name": ref.name}
    if isinstance(ref, Organisation):
        return {"organisation": ref.name, "code": ref.code, "sector": ref.sector, "kind": ref.kind}
    if isinstance(ref, Metonym):
        return {"metonym": ref.phrase, "code": ref.code, "sector": ref.sector, "kind": ref.kind}
    if isinstance(ref, SectorTerm):
        return {"term": ref.phrase, "sector": ref.sector, "kind": ref.kind, "office": ref.office}
    return {"person": ref, "terms": len(kb.holder_terms(ref))}


@component("actors")
class Actors:
    """Finds actor mentions in every sentence and codes them (country, sector, office, identifier)."""

    version = "1"
    requires = ("body", "sentences", "published")
    assigns = ("mentions", "notes.focus_country", "notes.people")

    def __init__(self, settings: Settings) -> None:
        self.kb = knowledge_base()

    def __call__(self, doc: Document) -> Document:
        mentions, ctx = find_mentions(doc, self.kb)
        doc.mentions = mentions
        doc.notes["focus_country"] = ctx.focus
        doc.notes["people"] = ctx.people
        return doc
