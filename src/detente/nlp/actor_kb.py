"""The actor knowledge base (data/actors/): countries, capitals and seats, organisations, armed and political
groups, sector nouns and office holders over time, with a token trie that finds all their names in a text.

Every table is checked when loaded: a malformed row raises `ActorKBError` naming the file, the row and what is
wrong, so a bad edit fails at start-up rather than coding actors wrongly.  `knowledge_base()` loads once per
process.  Names are matched on `fold`ed text (lower case, no diacritics, hyphens as spaces), which keeps
character offsets: `fold(text)` has the length of `text`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

# PLOVER country-name codes beyond ISO 3166 alpha-3 (manual, "Country names", Table "International non-state
# actor names") and the sector codes of its "Sector Codes" table.
NONSTATE_CODES = frozenset({"IGO", "UNO", "EUR", "NGO", "ISM", "IMG", "MNC"})
SECTOR_CODES = frozenset({
    "COP", "GOV", "JUD", "LEG", "MIL", "PRM", "PTY", "REB", "SPY", "UAF", "UNK", "AGR", "BUS", "CRM", "CVL",
    "EDU", "ELI", "JRN", "LAB", "MED", "REF", "OPP", "PRE", "REL", "SOC",
})
DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
CODE = re.compile(r"^[A-Z]{3}$")
# Word tokens for the trie: runs of letters/digits, or one punctuation mark; hyphens and spaces separate.
TOKEN = re.compile(r"[^\W_]+|[^\w\s-]")
NON_ASCII = re.compile(r"[^\x00-\x7f]")


class ActorKBError(ValueError):
    """A knowledge-base file is malformed; the message names the file and row."""


@dataclass(frozen=True)
class Country:
    """A PLOVER country name: ISO code, names, variants and demonyms."""

    code: str
    name: str
    official_name: str
    variants: tuple[str, ...]
    adjectives: tuple[str, ...]
    plurals: tuple[str, ...]


@dataclass(frozen=True)
class Organisation:
    """An IGO, UN body, NGO or non-state group; `kind` is "igo" or "group"."""

    name: str
    code: str
    sector: str
    aliases: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class Metonym:
    """A capital, seat of power or region standing for a country ("the Kremlin", "Darfur")."""

    phrase: str
    code: str
    sector: str
    kind: str


@dataclass(frozen=True)
class SectorTerm:
    """A title or group noun and the PLOVER sector it gives ("foreign minister" GOV, "rebels" REB)."""

    phrase: str
    sector: str
    kind: str  # title | group | modifier
    office: str | None


@dataclass(frozen=True)
class OfficeTerm:
    """One person holding one office from `start` to `end` (None: still in office)."""

    person: str
    aliases: tuple[str, ...]
    country: str
    office: str
    sector: str
    start: str
    end: str | None
    certain: bool


@dataclass(frozen=True)
class NameEntry:
    """What a surface form in the trie stands for: kind is country, adjective, plural, metonym, org, person,
    sector; `ref` is the Country, Organisation, Metonym, SectorTerm or the person's canonical name."""

    kind: str
    form: str
    ref: Any


@dataclass
class ActorKB:
    """All tables, and the token trie over every name they hold."""

    countries: dict[str, Country]
    organisations: list[Organisation]
    metonyms: list[Metonym]
    sector_terms: dict[str, SectorTerm]
    terms: dict[str, list[OfficeTerm]]  # canonical person name -> terms, by start date
    cues: dict[str, frozenset[str]]
    trie: dict = field(default_factory=dict)

    def add_name(self, form: str, entry: NameEntry) -> None:
        """Index `form` (any casing) in the trie under `entry`."""
        node = self.trie
        tokens = tokens_of(form)
        if not tokens:
            return
        for tok in tokens:
            node = node.setdefault(tok, {})
        entries = node.setdefault(None, [])
        if entry not in entries:
            entries.append(entry)

    def lookup(self, form: str) -> list[NameEntry]:
        """The entries whose name is exactly `form` (folded)."""
        node = self.trie
        for tok in tokens_of(form):
            node = node.get(tok)
            if node is None:
                return []
        return list(node.get(None, []))

    def match(self, folded: str) -> Iterator[tuple[int, int, list[NameEntry]]]:
        """Longest, left-to-right, non-overlapping trie matches in folded text: (start, end, entries)."""
        spans = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(folded)]
        i = 0
        while i < len(spans):
            node, best, j = self.trie, None, i
            while j < len(spans):
                node = node.get(spans[j][2])
                if node is None:
                    break
                if None in node:
                    best = (j, node[None])
                j += 1
            if best is None:
                i += 1
                continue
            yield spans[i][0], spans[best[0]][1], best[1]
            i = best[0] + 1

    def holder_terms(self, person: str) -> list[OfficeTerm]:
        """Every office term of the person with this canonical name."""
        return self.terms.get(person, [])


def fold(text: str) -> str:
    """Lower-cased text without diacritics, curly quotes straightened; same length as `text`."""
    if text.isascii():
        return text.lower()
    folded = NON_ASCII.sub(lambda m: _fold_char(m.group()), text).lower()
    if len(folded) != len(text):  # a lower() that grew a character: fall back to one char at a time
        folded = "".join(ch.lower()[:1] if ch.isascii() else _fold_char(ch) for ch in text)
    return folded


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in "\u2019\u2018\u02bc`":
        return "'"
    if ch in "\u2010\u2011\u2012\u2013\u2014":
        return "-"
    base = unicodedata.normalize("NFKD", ch)[0].lower()
    return base[:1] or ch


def tokens_of(form: str) -> list[str]:
    """The trie tokens of a name."""
    return TOKEN.findall(fold(form))


def _read(name: str) -> str:
    return resources.files("detente").joinpath(f"data/actors/{name}").read_text(encoding="utf-8")


def _tsv(name: str, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a TSV with a header (comment lines skipped); every row must have exactly the header's columns."""
    lines = [(n, line) for n, line in enumerate(_read(name).splitlines(), 1)
             if line.strip() and not line.startswith("#")]
    if not lines:
        raise ActorKBError(f"{name}: empty")
    header = lines[0][1].split("\t")
    if tuple(header) != columns:
        raise ActorKBError(f"{name}: header {header} is not {list(columns)}")
    for n, line in lines[1:]:
        cells = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(cells) != len(columns):
            raise ActorKBError(f"{name} line {n}: {len(cells)} columns, expected {len(columns)}: {line!r}")
        yield n, dict(zip(columns, (c.strip() for c in cells)))


def _split(cell: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in cell.split("|") if x.strip())


def _check(ok: bool, where: str, what: str) -> None:
    if not ok:
        raise ActorKBError(f"{where}: {what}")


def _code_ok(code: str, countries: dict[str, Country]) -> bool:
    return code in countries or code in NONSTATE_CODES


def load_countries() -> dict[str, Country]:
    """countries.tsv, checked."""
    out: dict[str, Country] = {}
    cols = ("code", "name", "official_name", "variants", "adjectives", "plurals")
    for n, row in _tsv("countries.tsv", cols):
        where = f"countries.tsv line {n}"
        _check(bool(CODE.match(row["code"])), where, f"bad code {row['code']!r}")
        _check(bool(row["name"]), where, "empty name")
        _check(row["code"] not in out, where, f"duplicate code {row['code']}")
        out[row["code"]] = Country(row["code"], row["name"], row["official_name"], _split(row["variants"]),
                                   _split(row["adjectives"]), _split(row["plurals"]))
    return out


def load_metonyms(countries: dict[str, Country]) -> list[Metonym]:
    """metonyms.tsv, checked."""
    out = []
    for n, row in _tsv("metonyms.tsv", ("phrase", "code", "sector", "kind")):
        where = f"metonyms.tsv line {n}"
        _check(bool(row["phrase"]), where, "empty phrase")
        _check(_code_ok(row["code"], countries), where, f"unknown code {row['code']!r}")
        _check(row["kind"] in ("capital", "seat", "region"), where,
               f"kind must be capital, seat or region, not {row['kind']!r}")
        _check(row["sector"] in SECTOR_CODES or (row["kind"] == "region" and not row["sector"]), where,
               f"unknown sector {row['sector']!r}")
        out.append(Metonym(row["phrase"], row["code"], row["sector"], row["kind"]))
    return out


def load_organisations(countries: dict[str, Country]) -> list[Organisation]:
    """igos.yaml and groups.yaml, checked."""
    out = []
    for name, kind in (("igos.yaml", "igo"), ("groups.yaml", "group")):
        data = yaml.safe_load(_read(name))
        _check(isinstance(data, list), name, "must be a list of entries")
        for i, item in enumerate(data, 1):
            where = f"{name} entry {i}"
            _check(isinstance(item, dict), where, "must be a mapping")
            unknown = set(item) - {"name", "code", "sector", "aliases"}
            _check(not unknown, where, f"unknown keys {sorted(unknown)}")
            _check(isinstance(item.get("name"), str) and bool(item["name"]), where, "needs a name")
            _check(_code_ok(str(item.get("code")), countries), where, f"unknown code {item.get('code')!r}")
            _check(item.get("sector") in SECTOR_CODES, where, f"unknown sector {item.get('sector')!r}")
            aliases = item.get("aliases") or []
            _check(isinstance(aliases, list) and all(isinstance(a, str) for a in aliases), where,
                   "aliases must be a list of strings")
            out.append(Organisation(item["name"], item["code"], item["sector"], tuple(aliases), kind))
    return out


def load_sector_terms() -> dict[str, SectorTerm]:
    """sectors.tsv, checked; keyed by the folded phrase."""
    out: dict[str, SectorTerm] = {}
    for n, row in _tsv("sectors.tsv", ("phrase", "sector", "kind", "office")):
        where = f"sectors.tsv line {n}"
        _check(row["sector"] in SECTOR_CODES, where, f"unknown sector {row['sector']!r}")
        _check(row["kind"] in ("title", "group"), where, f"kind must be title or group, not {row['kind']!r}")
        key = " ".join(tokens_of(row["phrase"]))
        _check(bool(key) and key not in out, where, f"empty or duplicate phrase {row['phrase']!r}")
        out[key] = SectorTerm(row["phrase"], row["sector"], row["kind"], row["office"] or None)
    return out


def load_office_terms(countries: dict[str, Country]) -> dict[str, list[OfficeTerm]]:
    """office_holders.tsv, checked; person -> terms sorted by start."""
    out: dict[str, list[OfficeTerm]] = {}
    cols = ("person", "aliases", "country", "office", "sector", "start", "end", "certain")
    for n, row in _tsv("office_holders.tsv", cols):
        where = f"office_holders.tsv line {n}"
        _check(bool(row["person"]), where, "empty person")
        _check(_code_ok(row["country"], countries), where, f"unknown code {row['country']!r}")
        _check(row["sector"] in SECTOR_CODES, where, f"unknown sector {row['sector']!r}")
        _check(bool(row["office"]), where, "empty office")
        _check(bool(DATE.match(row["start"])), where, f"bad start date {row['start']!r}")
        _check(not row["end"] or bool(DATE.match(row["end"])), where, f"bad end date {row['end']!r}")
        _check(not row["end"] or row["end"] >= row["start"], where, "end before start")
        _check(row["certain"] in ("y", "approx"), where, f"certain must be y or approx, not {row['certain']!r}")
        out.setdefault(row["person"], []).append(OfficeTerm(
            row["person"], _split(row["aliases"]), row["country"], row["office"], row["sector"], row["start"],
            row["end"] or None, row["certain"] == "y"))
    for terms in out.values():
        terms.sort(key=lambda t: t.start)
    return out


def load_cues() -> dict[str, frozenset[str]]:
    """cues.yaml: word lists, lower-cased except the acronym list."""
    data = yaml.safe_load(_read("cues.yaml"))
    needed = ("locative_prepositions", "modifiers", "honorifics", "ambiguous_acronyms", "standalone_groups",
              "of_heads", "for_heads", "not_names", "leader_bodies", "partitives", "authored_nouns",
              "armed_action_nouns")
    for key in needed:
        _check(isinstance(data.get(key), list), "cues.yaml", f"needs a list {key!r}")
    return {k: frozenset(str(w) if k == "ambiguous_acronyms" else " ".join(tokens_of(str(w))) for w in v)
            for k, v in data.items()}


@lru_cache(maxsize=1)
def knowledge_base() -> ActorKB:
    """The whole knowledge base with its name trie, loaded and checked once per process."""
    countries = load_countries()
    kb = ActorKB(countries=countries, organisations=load_organisations(countries),
                 metonyms=load_metonyms(countries), sector_terms=load_sector_terms(),
                 terms=load_office_terms(countries), cues=load_cues())
    for c in countries.values():
        for form in (c.name, c.official_name, *c.variants):
            if form:
                kb.add_name(form, NameEntry("country", form, c))
        for form in c.adjectives:
            kb.add_name(form, NameEntry("adjective", form, c))
        for form in c.plurals:
            kb.add_name(form, NameEntry("plural", form, c))
    for m in kb.metonyms:
        kb.add_name(m.phrase, NameEntry("metonym", m.phrase, m))
    for org in kb.organisations:
        for form in (org.name, *org.aliases):
            kb.add_name(form, NameEntry("org", form, org))
    for key, term in kb.sector_terms.items():
        kb.add_name(term.phrase, NameEntry("sector", term.phrase, term))
    for person, terms in kb.terms.items():
        forms = {person}
        for t in terms:
            forms.update(t.aliases)
        for form in sorted(forms):
            kb.add_name(form, NameEntry("person", form, person))
    return kb
