"""Toponyms in the body, resolved to gazetteer places (the `places` component).

Recognition has two sources: spaCy's GPE/LOC/FAC entities in parsed sentences (a GPE/LOC of several words that
the gazetteer does not know is kept unresolved, or resolved to the known place that leads it, "Florida Highway
Patrol"; an unknown single word is dropped; a FAC is kept only when the gazetteer knows it), and a phrase match
of the gazetteer over the whole body, so unparsed sentences count too.  The phrase match is a dict lookup of the
capitalised token sequences (longest first, at most `Gazetteer.max_words` tokens), not a loop over names.  A match
NER did not confirm must also pass the common-word guards in `_plausible`.  A one-word town name that the
document uses for a person is dropped (`_names_of_people`: "Robertson said", or a given name before it, "Jessica
Kay").  Named roads ("Memphis Street", "Main St.", "County Road 43") are found by pattern and kept unresolved.  US
counties are gazetteer places ("Henry County", "Henry Co."), and the names of a list of counties stand each for
its county ("Jackson and Barrow counties": Jackson County, Barrow County).  An unresolved toponym takes the focus
country when that holds at least `UNRESOLVED_FOCUS_SHARE` of the votes ("Neches River" in a Texas story), and no
name or coordinates.

Resolution scores each candidate by population, whether the name is its own, the document's focus country
(votes of its distinct place names and of locale cues such as dollar amounts, else `doc.notes["focus_country"]`
from the actors stage; the bonus grows with the focus's share of the votes), a region named right after it
("Alexandria, La."), regions named elsewhere in the document and the regions its other names share, nearness to
places that are unambiguous, a town and a county of different names that lie together (`_colocation`: "Paris"
with "Henry County" is Paris, Tennessee, and the county is Tennessee's), and the dateline ("MOSCOW (Reuters) -",
"NEWARK  It"), which also goes to `doc.notes["dateline"]`.  Demonyms ("Russian") are not places: spaCy tags them
NORP and the gazetteer does not index them.
"""

from __future__ import annotations

import calendar
import csv
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pycountry
from spacy.lang.en.stop_words import STOP_WORDS

from detente.model import Document, Place
from detente.nlp.gazetteer import GazPlace, Gazetteer, load_gazetteer, name_key
from detente.pipeline import component
from detente.settings import Settings

PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Entities inside which a gazetteer match is part of a name, not a place ("Jordan" in "Michael Jordan").  A place
# inside an organisation's name still names that place ("the Minnesota Department of Transportation"), as LGL
# annotates it.
NAME_LABELS = {"PERSON", "WORK_OF_ART", "PRODUCT", "LAW"}
# A gazetteer match NER did not confirm needs a place at least this populous (countries, regions and extras
# pass through their population floors).  Set on LGL and GeoVirus (evaluate/geo.py): lower let in towns named
# like surnames, higher lost small places named in unparsed sentences.
MIN_UNCONFIRMED_POPULATION = 20_000
# Reject a town name followed by another capitalised word ("Boston Globe", "Paris Hilton") when NER did not
# confirm it.  Off: LGL annotates places inside names ("Mansfield Police Department"), and turning it on lost
# more recall than it gained precision there (evaluate/geo.py).
TOWN_NAME_CONTINUATION_GUARD = False
# Disambiguation weights, added to log10(population): set on LGL (evaluate/geo.py) so a Texas story's "Paris"
# goes to Paris, Texas, while a story with no US context keeps Paris, France (tests/nlp/test_places.py).
FOCUS_COUNTRY_BONUS = 2.0
# A focus country with at least this share of the place-name votes gets the whole bonus, less in proportion.
FULL_FOCUS_SHARE = 0.67
# A place's own name outranks an alternate name of another ("Egypt" the country over Goodyear, Arizona, one
# of whose GeoNames alternates is "Egypt"; "Salisbury" over Harare).
PRIMARY_NAME_BONUS = 3.0
NAMED_REGION_BONUS = 2.5
ADJACENT_REGION_BONUS = 6.0
NEARBY_BONUS = 1.5
# Added in proportion to the other names' support for a candidate's region (_region_support).
SHARED_REGION_BONUS = 2.0
DATELINE_BONUS = 1.0
# A town and a county of two different names that lie together ("Paris" and "Henry County": Paris, Tennessee in
# Henry County, Tennessee; "Palestine" and "Anderson County": Texas) support each other, whichever is ambiguous.
# Set on LGL's even articles (evaluate/geo.py): 1.5 to 3.5 scored within 0.2 points of exact place; 3.5 lets a
# rural county whose towns are few in cities500 ("Harris County", Georgia, 3k) beat a populous namesake less often.
# Town with town gains nothing: that cost half a point there.
COLOCATED_BONUS = 3.5
# A town within this distance of a county's centre (the median of its towns) counts as inside it; 35 to 75 km
# scored alike.
COLOCATED_KM = 50.0
# Candidates per name placed on the grid, most populous first: bounds the work for "Washington" (hundreds).
MAX_COLOCATION_CANDIDATES = 60
# A toponym the gazetteer cannot resolve (a river, a township, a street) is given the focus country when the
# focus holds at least this share of the place-name votes: local news rarely strays abroad for such names.
UNRESOLVED_FOCUS_SHARE = 0.5
# Places within this distance of an unambiguous place or the dateline count as nearby.
NEARBY_KM = 250.0
# Distance checks per candidate are bounded by this many anchor towns.
MAX_ANCHORS = 20
# A name is unambiguous when its most populous candidate outweighs the next by this factor.
DOMINANCE_RATIO = 20.0
# The focus-country vote of a name that is dominant but not single-country (see _focus_country).
DOMINANT_NAME_VOTE = 0.5
# The vote of each locale cue (a dollar amount, a US telephone number: data/places/locale_cues.tsv).
LOCALE_CUE_VOTE = 0.25
LOCALE_CUES_PATH = "data/places/locale_cues.tsv"

# Words, with inner dots and apostrophes ("U.S.", "O'Hare") but not possessives; hyphens split words so that
# "Fargo-Moorhead" and "R-Elbow Lake" reach their parts, and names join across single spaces or hyphens.
TOKEN = re.compile(r"[^\W\d_]+(?:[.][^\W\d_]+|['’](?![sS]\b)[^\W\d_]+)*\.?")
NAME_GAPS = (" ", "-")
# "MOSCOW (Reuters) -", "BEIRUT, Dec 16 (AFP) -", "GAZA CITY, Gaza Strip —", "WASHINGTON —", and local papers'
# "MAINEVILLE, Ohio (AP)  Some", "FALLS VILLAGE—The", "NEWARK  It" (a dash lost in extraction)
DATELINE = re.compile(
    r"(?P<name>[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+){0,3})"
    r"(?:,\s*(?P<qualifier>[A-Z][\w.]*(?: [\w.]+){0,3}?))?"
    r"(?:\s*\((?P<agency>[^()\n]{1,40})\)\s*(?:[-–—]{1,2}\s*)?|\s*[-–—]{1,2}\s*|\s{2,})(?=[A-Z\"“])")
# Datelines are looked for at sentence starts in the first characters of the body (a headline may precede).
DATELINE_WINDOW = 400
SENTENCE_START = re.compile(r"(?:^|(?<=[.!?]\s)|(?<=\n))\s*(?=[A-Z]{2})")
# Unresolved NER spans with these endings are nationality words, not places (they are not in the gazetteer).
DEMONYM = re.compile(r"(?:an|ans|ians?|ese|is?|ish)$")
# Named roads over the whole body: "Memphis Street", "Augusta St.", "County Road 43", "Interstate 395".
ROAD = re.compile(r"\b(?:(?:[A-Z][a-z]+|\d+(?:st|nd|rd|th)) )+(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Drive|Dr\.|"
                  r"Boulevard|Blvd\.|Lane|Parkway|Highway|Pike)(?: (?:North|South|East|West))?(?!\w)(?! [A-Z][a-z])|"
                  r"\b(?:County Road|State Highway|Highway|Interstate|Route|State Route) \d+\b")
DIRECTION_WORDS = {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "central",
                   "northern", "southern", "eastern", "western", "upper", "lower", "greater", "downtown", "metro"}
# Words after a place name that make a different, natural or built, feature of it ("Neches River",
# "Santa Clara Valley", "Oxford Road"): the NER span is then kept whole and unresolved.
FEATURE_WORDS = {"river", "lake", "valley", "creek", "bay", "mountain", "mountains", "island", "islands", "park",
                 "road", "rd", "street", "st", "avenue", "ave", "drive", "boulevard", "lane", "highway", "sea",
                 "ocean", "gulf", "harbor", "harbour", "port", "airport", "canyon", "falls", "hills", "beach",
                 "county", "parish", "township", "village", "heights", "springs", "forest", "desert"}
# Words that may come before the place inside a longer NER name that still names it ("State of Illinois").
LEADING_WORDS = DIRECTION_WORDS | {"state", "city", "town", "county", "village", "borough", "of", "historic",
                                   "old", "new"}
# A speech verb after a name makes it a person ("Robertson said"), not the town of that name.
SPEECH_AFTER = re.compile(r" (?:said|told|added|explained|asked|replied|testified)\b")
# "a resident of Tyler said": the speaker is from the town, not named after it.
PLACE_PREPOSITION_BEFORE = re.compile(r"\b(?:of|in|at|from|near|to|outside)\s+$")
# A legislator's party and state: "Sen. Byron Dorgan, D-N.D.", "R-Ga.".
PARTY_BEFORE = re.compile(r"\b(?:D|R|I|DFL)-$")
# Two capitalised words, the second looked at for a surname ("Jessica Kay"); overlapping pairs are all seen.
NAME_PAIR = re.compile(r"\b([A-Z][a-z]+) (?=([A-Z][a-z]+)\b)")
GIVEN_NAMES_PATH = "data/places/given_names.txt"
# "Eastland and Callahan counties", "Barrow, Jackson and Madison counties", "Avoyelles and Rapides parishes":
# names of one or two capitalised words, separated by commas and a last "and"/"or".
COUNTY_LIST_NAME = re.compile(r"[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)?")
COUNTY_LIST = re.compile(r"\b(?P<names>(?:{name}, )*{name},? (?:and|or|&) {name}) (?P<kind>[Cc]ounties|[Pp]arishes)\b"
                         .format(name=COUNTY_LIST_NAME.pattern))
CALENDAR_WORDS = {w.lower() for w in (*calendar.day_name, *calendar.month_name, *calendar.month_abbr) if w}


@dataclass
class Mention:
    """A toponym span before resolution."""

    start: int
    end: int
    text: str
    confirmed: bool  # spaCy tagged it GPE/LOC/FAC, or it is the dateline
    candidates: list[GazPlace]
    dateline: bool = False
    place: GazPlace | None = None
    country: str | None = None  # of an unresolved toponym, from the document's focus ("Neches River": USA)
    # The gazetteer name looked up when it is not the text: "Jackson County" for "Jackson" in "Jackson and
    # Barrow counties".
    name: str | None = None

    @property
    def key(self) -> str:
        """The lookup key of the name this mention stands for: mentions with one key share a place."""
        return name_key(self.name or self.text)


@component("places")
class Places:
    """Finds toponyms (spaCy GPE/LOC/FAC plus a gazetteer phrase match) and resolves them to GeoNames places."""

    version = "1"
    requires = ("body", "sentences")
    assigns = ("places", "notes.dateline")

    def __init__(self, settings: Settings) -> None:
        self.gazetteer = load_gazetteer()

    def __call__(self, doc: Document) -> Document:
        doc.places = find_places(doc, self.gazetteer)
        return doc


def find_places(doc: Document, gazetteer: Gazetteer | None = None) -> list[Place]:
    """Recognise and resolve the toponyms of `doc`; sets `doc.notes["dateline"]` when the body has one."""
    gazetteer = gazetteer or load_gazetteer()
    body = doc.body
    dateline = _dateline_mention(doc, gazetteer)
    phrase_matches = list(_phrase_matches(body, gazetteer))
    longest_at = {m.start: m for m in phrase_matches}
    ner_places, name_spans, person_spans = _ner_mentions(doc, gazetteer)
    mentions = [dateline] if dateline else []
    county_lists = [m for m in _county_list_mentions(body, gazetteer)
                    if dateline is None or not _overlaps(m, [(dateline.start, dateline.end)])]
    mentions += county_lists
    listed = [(m.start, m.end) for m in county_lists]
    # "Sanford said", after "Mark Sanford": the surname of a person the document names, not the town
    surnames = {body[s:e].split()[-1] for s, e in person_spans if " " in body[s:e]}
    for found in ner_places:
        for mention in _refine_ner_mention(found, body, phrase_matches, longest_at, gazetteer):
            if mention.text in surnames and all(c.feature.startswith("PPL") for c in mention.candidates):
                continue
            if (dateline is None or not _overlaps(mention, [(dateline.start, dateline.end)])) \
                    and not _overlaps(mention, listed):
                mentions.append(mention)
    for road in ROAD.finditer(body):
        mention = Mention(road.start(), road.end(), road.group(), True, [])
        if not _overlaps(mention, [(m.start, m.end) for m in mentions]):
            mentions.append(mention)
    taken = sorted((m.start, m.end) for m in mentions)
    lowercase_words = {w for w in TOKEN.findall(body) if w.islower()}
    for mention in phrase_matches:
        town = all(c.feature.startswith("PPL") for c in mention.candidates)
        if _overlaps(mention, taken) or (town and _inside_longer_name(mention, name_spans)):
            continue
        if mention.text in surnames:
            continue
        if _plausible(mention, body, gazetteer, lowercase_words):
            mentions.append(mention)
    mentions.sort(key=lambda m: m.start)
    mentions = _bare_county_names(body, mentions, person_spans, gazetteer)
    people = _names_of_people(body, mentions)
    mentions = [m for m in mentions if m.text not in people or m.name or (m.confirmed and not people[m.text])]
    _resolve(mentions, doc, gazetteer)
    places = [_place(m) for m in mentions]
    if dateline is not None:
        doc.notes["dateline"] = _place(dateline)
    return places


def _county_list_mentions(body: str, gazetteer: Gazetteer) -> list[Mention]:
    """The names of a list of counties ("Jackson and Barrow counties", "Clarke, Madison, Oconee and Oglethorpe
    counties"), each standing for "X County" (or "X Parish"), confirmed; a name that is no such county is left
    to the other sources ("In Becker, ..." is tried as "In Becker", then "Becker")."""
    mentions = []
    for listing in COUNTY_LIST.finditer(body):
        suffix = "County" if listing.group("kind").lower() == "counties" else "Parish"
        for name in COUNTY_LIST_NAME.finditer(listing.group("names")):
            start = listing.start("names") + name.start()
            text = name.group()
            candidates = gazetteer.lookup(f"{text} {suffix}") if not text.startswith("The ") else []
            if not candidates and " " in text:
                start, text = start + text.index(" ") + 1, text.split(" ", 1)[1]
                candidates = gazetteer.lookup(f"{text} {suffix}")
            candidates = [c for c in candidates if c.feature == "ADM2"]
            if candidates:
                mentions.append(Mention(start, start + len(text), text, True, candidates,
                                        name=f"{text} {suffix}"))
    return mentions


def _bare_county_names(body: str, mentions: list[Mention], person_spans: list[tuple[int, int]],
                       gazetteer: Gazetteer) -> list[Mention]:
    """`mentions` where the bare name of a county the document also names in full stands for that county
    ("DeKalb County ... DeKalb police", "Gwinnett Medical Center"), whether it was found as a town, or not at all.

    Not inside a person's name or after another capitalised word ("Daniel Boone" in a Boone County story), and
    not when a town of that name lies in one of the counties so named: "Charleston" in a Charleston County story
    is mostly the town (on LGL's even articles "Charleston", "Lexington" and "Pratt" were).
    """
    counties: dict[str, Mention] = {}
    for mention in mentions:
        if mention.candidates and all(c.feature == "ADM2" for c in mention.candidates):
            stem, _, suffix = (mention.name or mention.text).rpartition(" ")
            if stem and suffix in ("County", "Parish", "Co.") and not _county_seat_named(stem, mention, gazetteer):
                counties.setdefault(stem, mention)
    if not counties:
        return mentions
    at = {(m.start, m.end): m for m in mentions}
    pattern = re.compile(r"\b(?:{})\b(?! (?:County|Parish|Co\.|[Cc]ounties|[Pp]arishes)\b)".format(
        "|".join(re.escape(stem) for stem in sorted(counties, key=len, reverse=True))))
    found = []
    for bare in pattern.finditer(body):
        span = (bare.start(), bare.end())
        county = counties[bare.group()]
        known = at.get(span)
        bare_mention = known or Mention(*span, bare.group(), True, county.candidates)
        if _overlaps(bare_mention, person_spans) or _after_capitalised_word(body, span[0]) \
                or SPEECH_AFTER.match(body, span[1]):
            continue
        if known is not None and known.name is None and not all(c.feature == "ADM2" for c in known.candidates):
            known.candidates, known.name = county.candidates, county.name or county.text
        elif known is None and not _overlaps(bare_mention, [(m.start, m.end) for m in mentions]):
            bare_mention.name = county.name or county.text
            found.append(bare_mention)
    return sorted(mentions + found, key=lambda m: m.start) if found else mentions


def _county_seat_named(stem: str, county: Mention, gazetteer: Gazetteer) -> bool:
    """True when a town called `stem` lies within COLOCATED_KM of one of the county's candidates, in its state."""
    key = name_key(stem)  # a town whose alternate name it is does not count ("Kanawha" for Charleston, W.Va.)
    towns = [t for t in gazetteer.lookup(stem)
             if t.feature.startswith("PPL") and t.lat is not None and gazetteer.is_usual_name(key, t)]
    return any(t.admin1 == c.admin1 and t.country == c.country
               and distance_km(t.lat, t.lon, c.lat, c.lon) < COLOCATED_KM
               for c in county.candidates if c.lat is not None for t in towns)


def _after_capitalised_word(body: str, start: int) -> bool:
    """True when a capitalised word that does not start a sentence comes right before `start`."""
    before = body[max(0, start - 40):start]
    preceding = re.search(r"([A-Z][\w'’-]*) $", before)
    return preceding is not None and preceding.group(1).lower() not in STOP_WORDS \
        and not _sentence_start(before, preceding.start(1))


def _names_of_people(body: str, mentions: list[Mention]) -> dict[str, bool]:
    """Single-word town names that the document uses for people, each with whether a speech verb showed it
    ("Robertson said": every mention goes) or only a given name before it ("Jessica Kay": only the mentions
    NER did not confirm go)."""
    towns = {m.text for m in mentions if " " not in m.text and m.candidates and not m.dateline
             and all(c.feature == "PPL" for c in m.candidates)}
    if not towns:
        return {}
    people = {m.text: True for m in mentions if m.text in towns and SPEECH_AFTER.match(body, m.end)
              and not PLACE_PREPOSITION_BEFORE.search(body, max(0, m.start - 8), m.start)}
    for pair in NAME_PAIR.finditer(body):
        given, surname = pair.group(1), pair.group(2)
        if surname in towns and surname not in people and given.lower() in _given_names():
            people[surname] = False
    return people


def _refine_ner_mention(found: Mention, body: str, phrase_matches: list[Mention], longest_at: dict[int, Mention],
                        gazetteer: Gazetteer) -> list[Mention]:
    """An NER place made longer, split into known parts, dropped, or kept unresolved."""
    longer = longest_at.get(found.start)
    if longer is not None and longer.end > found.end:  # "Idlib province", where NER tagged "Idlib"
        return [Mention(longer.start, longer.end, longer.text, True, longer.candidates)]
    if found.candidates:
        return [found]
    if DEMONYM.search(found.text):  # "Ismaili", "Sri Lankan": not places, whatever NER says
        return []
    if found.text.replace(".", "").isupper():  # an unknown acronym ("UN", "NATO") is not a place
        return []
    # A single word the gazetteer does not know is mostly a surname the small model took for a place ("Farrin",
    # "Pawlenty"): on LGL (even articles) 81 of 103 such spans were not toponyms.
    if " " not in found.text and "-" not in found.text:
        return []
    inner = [Mention(m.start, m.end, m.text, True, m.candidates) for m in phrase_matches
             if found.start <= m.start and m.end <= found.end and _known_name(m, gazetteer)]
    rest = body[found.start:found.end]
    for m in reversed(inner):
        rest = rest[:m.start - found.start] + rest[m.end - found.start:]
    # "Northeast Georgia" -> Georgia, "Fargo-Moorhead" -> both; but not "Nueva Ecija" -> Ecija, Spain, nor
    # "Memphis St." -> Memphis
    if inner and all(w.lower() in DIRECTION_WORDS for w in TOKEN.findall(rest)):
        return inner
    # A name led by a known place names that place, as LGL annotates it ("Florida Highway Patrol", "State of
    # Illinois", "Historic Dublin"), unless the next word makes the whole a feature of its own ("Neches River",
    # "Oxford Road"); "Lake Ontario" and "Gulf of Mexico" do not qualify, their leading words are not in
    # LEADING_WORDS.
    if inner:
        first = inner[0]
        leading = TOKEN.findall(body[found.start:first.start])
        following = TOKEN.match(body, first.end + 1) if body[first.end:first.end + 1] == " " else None
        if all(w.lower() in LEADING_WORDS for w in leading) and \
                (following is None or following.group().lower().rstrip(".") not in FEATURE_WORDS):
            return [first]
    return [found]


def _place(mention: Mention) -> Place:
    """The public Place of a mention (name and coordinates empty when unresolved)."""
    p = mention.place
    if p is None:
        return Place(text=mention.text, start=mention.start, end=mention.end, country=mention.country)
    return Place(text=mention.text, start=mention.start, end=mention.end, name=p.name, country=p.country,
                 lat=None if p.lat is None else round(p.lat, 5), lon=None if p.lon is None else round(p.lon, 5),
                 geonameid=p.geonameid, feature=p.feature)


def _dateline_mention(doc: Document, gazetteer: Gazetteer) -> Mention | None:
    """The dateline city at the start of the body or of one of its first paragraphs, if any."""
    for start in SENTENCE_START.finditer(doc.body[:DATELINE_WINDOW]):
        match = DATELINE.match(doc.body, start.end())
        if not match:
            continue
        name = match.group("name")
        candidates = gazetteer.lookup(name.title()) or gazetteer.lookup(name)
        if not candidates:
            continue
        mention = Mention(match.start("name"), match.end("name"), name, True, candidates, dateline=True)
        qualifier = match.group("qualifier")
        if qualifier and not qualifier.split()[0].lower().strip(".") in CALENDAR_WORDS:
            hinted = _region_filter(candidates, qualifier, gazetteer)
            mention.candidates = hinted or candidates
        return mention
    return None


def _ner_mentions(doc: Document, gazetteer: Gazetteer) -> tuple[list[Mention], list, list]:
    """Place mentions spaCy found in parsed sentences, the spans of its names, and of its person names."""
    mentions, names, persons = [], [], []
    for sentence in doc.sentences:
        if sentence.span is None:
            continue
        offset = doc.paragraphs[sentence.paragraph][0] if doc.paragraphs else 0
        for ent in sentence.span.ents:
            start, end = offset + ent.start_char, offset + ent.end_char
            if ent.label_ not in PLACE_LABELS:
                if ent.label_ in NAME_LABELS:
                    names.append((start, end))
                if ent.label_ == "PERSON":
                    persons.append((start, end))
                continue
            text = doc.body[start:end]
            if text.lower().startswith("the "):
                start, text = start + 4, text[4:]
            if text.endswith(("'s", "’s")):
                end, text = end - 2, text[:-2]
            if not text or not text[0].isupper():  # "gulf", "metro": the small model's lower-case guesses
                continue
            candidates = gazetteer.lookup(text)
            if text.replace(".", "").isupper():  # acronyms: only countries and regions ("US", "UAE"), not "Un"
                candidates = [c for c in candidates if not c.feature.startswith("PPL")]
            if not candidates and ent.label_ == "FAC":
                continue
            mentions.append(Mention(start, end, text, True, candidates))
    names.sort()
    return mentions, names, persons


def _phrase_matches(body: str, gazetteer: Gazetteer):
    """Longest gazetteer names starting at capitalised tokens, in body order."""
    tokens = list(TOKEN.finditer(body))
    i = 0
    while i < len(tokens):
        first = tokens[i].group()
        if not first[0].isupper() or first in ("The", "THE"):
            i += 1
            continue
        found = None
        last = i
        # Extend the window over tokens separated by single spaces only: a comma or line break ends a name.
        while last + 1 < len(tokens) and last - i + 1 < gazetteer.max_words and \
                body[tokens[last].end():tokens[last + 1].start()] in NAME_GAPS:
            last += 1
        for j in range(last, i - 1, -1):
            start, end = tokens[i].start(), tokens[j].end()
            text = body[start:end]
            candidates = gazetteer.lookup(text)
            if not candidates and text.endswith("."):
                end, text = end - 1, text[:-1]
                candidates = gazetteer.lookup(text)
            if candidates:
                found = (Mention(start, end, text, False, candidates), j)
                break
        if found:
            yield found[0]
            i = found[1] + 1
        else:
            i += 1


def _plausible(mention: Mention, body: str, gazetteer: Gazetteer, lowercase_words: set[str]) -> bool:
    """Common-word guards for a gazetteer match NER did not confirm."""
    key = name_key(mention.text)
    text = mention.text
    if key in gazetteer.ignored or key in STOP_WORDS or key in CALENDAR_WORDS:
        return False
    if " " not in key and key in lowercase_words:  # the same word appears in lower case: a common word here
        return False
    if text.isupper() and len(text.replace(".", "")) > 3:  # headline capitals, not a name
        return False
    if text.replace(".", "").isupper():  # acronyms name countries and regions ("US", "UAE"), never "Un", India
        mention.candidates = [c for c in mention.candidates if not c.feature.startswith("PPL")]
        if not mention.candidates:
            return False
    # State abbreviations ("Ga.", "Miss.", "Ind.") only after a town or a party letter: "Athens, Ga.", "D-S.C.",
    # never "Miss Smith"; a country's ("U.S.") anywhere.
    if text.endswith(".") and len(text) <= 6 and not body[:mention.start].endswith(", ") \
            and not PARTY_BEFORE.search(body, max(0, mention.start - 4), mention.start) \
            and not any(c.feature.startswith("PCL") for c in mention.candidates):
        return False
    if not any(c.population >= MIN_UNCONFIRMED_POPULATION or c.feature == "ADM2" for c in mention.candidates):
        return False
    before = body[max(0, mention.start - 40):mention.start]
    after = body[mention.end:mention.end + 40]
    # Part of a longer proper name ("Boston Globe", "Texas Rangers", "Syria Support Group", "Paris Hilton").
    # Only for town names: a region or county inside a name is still that place ("Rapides Parish Fire District").
    following = re.match(r" ([A-Z][\w'’-]*)", after)
    town = all(c.feature.startswith("PPL") for c in mention.candidates)
    if TOWN_NAME_CONTINUATION_GUARD and town and following \
            and following.group(1).lower() not in CALENDAR_WORDS | STOP_WORDS:
        return False
    preceding = re.search(r"([A-Z][\w'’-]*) $", before)
    if preceding and preceding.group(1).lower() not in STOP_WORDS and not re.search(r"[.!?:\"“]\s*\S+ $", before):
        return not _sentence_start(before, preceding.start(1))
    return True


def _sentence_start(before: str, index: int) -> bool:
    """True when the capitalised word at `index` of `before` starts a sentence or a line."""
    head = before[:index].rstrip()
    return not head or head[-1] in ".!?:\"“\n"


def _known_name(mention: Mention, gazetteer: Gazetteer) -> bool:
    """A part of an unknown NER span that stands as a place on its own ("Georgia" in "Northeast Georgia")."""
    key = name_key(mention.text)
    best = mention.candidates[0]
    return key not in gazetteer.ignored and key not in STOP_WORDS and \
        (best.population >= MIN_UNCONFIRMED_POPULATION or best.feature == "ADM2")


def _inside_longer_name(mention: Mention, spans: list[tuple[int, int]]) -> bool:
    """True inside a longer person or organisation name ("Georgia School Boards Association"); a name entity
    that is exactly the match is the small model's guess ("Alexandria" as PERSON) and does not veto."""
    return any(s <= mention.start and mention.end <= e and (s, e) != (mention.start, mention.end)
               for s, e in spans)


def _overlaps(mention: Mention, spans: list[tuple[int, int]]) -> bool:
    return any(s < mention.end and mention.start < e for s, e in spans)


def _region_filter(candidates: list[GazPlace], region: str, gazetteer: Gazetteer) -> list[GazPlace]:
    """Candidates inside the region (US state or country) a qualifier names ("Paris, Texas", "Tripoli, Lebanon")."""
    key = name_key(region).rstrip(".")
    state = gazetteer.admin1_of.get(key) or gazetteer.admin1_of.get(key + ".")
    if state:
        country, code = state.split(".")
        return [c for c in candidates if c.country == country and c.admin1 == code and c.feature != "ADM1"]
    countries = {c.country for c in gazetteer.lookup(region) if c.feature.startswith("PCL")}
    return [c for c in candidates if c.country in countries and not c.feature.startswith("PCL")]


def _resolve(mentions: list[Mention], doc: Document, gazetteer: Gazetteer) -> None:
    """Choose each mention's place; see the module docstring for the evidence used.

    One sense per document: every mention of a name gets the same place, and evidence next to any one of them
    ("Paris, Texas") counts for all.
    """
    body = doc.body
    unambiguous_mentions = [m for m in mentions if m.candidates and _is_unambiguous(m.candidates)]
    unambiguous = [m.candidates[0] for m in unambiguous_mentions]
    focus, focus_share = _focus_country(doc.notes.get("focus_country"), mentions, _locale_votes(body))
    focus_bonus = FOCUS_COUNTRY_BONUS * min(1.0, focus_share / FULL_FOCUS_SHARE)
    regions = {(c.country, c.admin1) for c in unambiguous if c.feature in ("ADM1", "ADM2")}
    # A named country, or a named first- or second-level region of one ("England", "Henry County"), favours
    # that country's towns.
    countries_named = {c.country for c in unambiguous if c.feature.startswith(("PCL", "ADM1", "ADM2"))}
    # Towns near which others are looked for, each with its name: a name is never its own anchor ("Paris" would
    # otherwise always find Paris, France nearby).
    anchors = list(dict.fromkeys((m.key, m.candidates[0].lat, m.candidates[0].lon)
                                 for m in unambiguous_mentions
                                 if m.candidates[0].feature.startswith("PPL") and m.candidates[0].lat is not None))
    anchors = anchors[:MAX_ANCHORS]
    support = _region_support(mentions, focus)
    colocated = _colocation(mentions)
    dateline = next((m for m in mentions if m.dateline), None)
    if dateline is not None:
        key = name_key(dateline.text)
        dateline.place = dateline.candidates[0] if len(dateline.candidates) == 1 else max(
            dateline.candidates,
            key=lambda c: _score(c, key, focus, focus_bonus, regions, countries_named, anchors, None)
            + (PRIMARY_NAME_BONUS if gazetteer.is_usual_name(key, c) else 0.0)
            + _shared_region_weight(dateline.candidates) * support(key, c)
            + (COLOCATED_BONUS if colocated(key, c) else 0.0))
    groups: dict[str, list[int]] = {}
    for index, mention in enumerate(mentions):
        if mention.candidates and not mention.dateline:
            groups.setdefault(mention.key, []).append(index)
    for indices in groups.values():
        candidates = mentions[indices[0]].candidates
        if len(candidates) == 1:
            chosen = candidates[0]
        else:
            adjacent: set[GazPlace] = set()
            for index in indices:
                following = mentions[index + 1] if index + 1 < len(mentions) else None
                adjacent.update(_adjacent_region(mentions[index], following, body, gazetteer) or ())
            key = mentions[indices[0]].key
            shared = _shared_region_weight(candidates)
            chosen = max(candidates,
                         key=lambda c: _score(c, key, focus, focus_bonus, regions, countries_named, anchors, dateline)
                         + (ADJACENT_REGION_BONUS if c in adjacent else 0.0)
                         + (PRIMARY_NAME_BONUS if gazetteer.is_usual_name(key, c) else 0.0)
                         + shared * support(key, c)
                         + (COLOCATED_BONUS if colocated(key, c) else 0.0))
        for index in indices:
            mentions[index].place = chosen
    if focus is not None and focus_share >= UNRESOLVED_FOCUS_SHARE:
        for mention in mentions:
            if not mention.candidates:
                mention.country = focus


def _shared_region_weight(candidates: list[GazPlace]) -> float:
    """SHARED_REGION_BONUS for a name of comparable towns; none against a dominant sense ("Cairo") or when the
    name is a country's or state's ("Mexico", "Oregon": GeoVirus lost them to small US towns otherwise)."""
    if _is_unambiguous(candidates) or any(c.feature.startswith(("PCL", "ADM1")) for c in candidates):
        return 0.0
    return SHARED_REGION_BONUS


def _region_support(mentions: list[Mention], focus: str | None):
    """How far the document's other names share a first-level region with a candidate, from 0 to 1.

    Each distinct name spreads one vote over the regions (country and admin-1) of its candidates, so "Henry
    County" (a dozen states) weighs less than "Texas" or "Clarke County" (one); a candidate of one name is
    supported by the votes of the other names for its region ("Decatur" with "DeKalb County": Georgia).  Only
    candidates in the focus country get support: it picks among namesakes there, and on GeoVirus (international
    news) letting it pick the country cost 1.3 points of correct country.
    """
    regions_of: dict[str, set] = {}
    for mention in mentions:
        key = mention.key
        if mention.candidates and key not in regions_of:
            regions_of[key] = {(c.country, c.admin1) for c in mention.candidates if c.admin1}
    votes: Counter = Counter()
    for regions in regions_of.values():
        for region in regions:
            votes[region] += 1.0 / len(regions)

    def support(key: str, candidate: GazPlace) -> float:
        region = (candidate.country, candidate.admin1)
        if candidate.admin1 is None or region not in votes or candidate.country != focus:
            return 0.0
        own = regions_of.get(key, ())
        return min(1.0, votes[region] - (1.0 / len(own) if region in own else 0.0))

    return support


def _colocation(mentions: list[Mention]):
    """A test of whether a candidate of one name lies within COLOCATED_KM of a candidate of another name, one
    of the two a county: town and county then confirm each other ("Athens" and "Henderson County": Texas).

    The candidate points sit on a grid of whole degrees, so each test looks at nine cells, not every pair.
    """
    grid: dict[tuple[int, int], list[tuple[str, float, float, bool]]] = {}
    seen = set()
    for mention in mentions:
        key = mention.key
        if key in seen:
            continue
        seen.add(key)
        for c in mention.candidates[:MAX_COLOCATION_CANDIDATES]:
            if c.lat is not None and (c.feature.startswith("PPL") or c.feature == "ADM2"):
                grid.setdefault((math.floor(c.lat), math.floor(c.lon)), []).append(
                    (key, c.lat, c.lon, c.feature == "ADM2"))

    def colocated(key: str, candidate: GazPlace) -> bool:
        if candidate.lat is None or not (candidate.feature.startswith("PPL") or candidate.feature == "ADM2"):
            return False
        county = candidate.feature == "ADM2"
        row, column = math.floor(candidate.lat), math.floor(candidate.lon)
        return any(other != key and (county or other_county)
                   and distance_km(candidate.lat, candidate.lon, lat, lon) < COLOCATED_KM
                   for r in (row - 1, row, row + 1) for c in (column - 1, column, column + 1)
                   for other, lat, lon, other_county in grid.get((r, c), ()))

    return colocated


def _score(candidate: GazPlace, key: str, focus: str | None, focus_bonus: float, regions: set,
           countries_named: set, anchors: list, dateline: Mention | None) -> float:
    """Population plus the context bonuses named at the top of the module."""
    score = math.log10(candidate.population + 10)
    if focus and candidate.country == focus:
        score += focus_bonus
    if (candidate.country, candidate.admin1) in regions and candidate.feature != "ADM1":
        score += NAMED_REGION_BONUS
    elif candidate.country in countries_named and not candidate.feature.startswith("PCL"):
        # shared among the countries named: a story naming eight of them favours none much
        score += NAMED_REGION_BONUS / 2 / len(countries_named)
    if candidate.lat is not None and any(distance_km(candidate.lat, candidate.lon, lat, lon) < NEARBY_KM
                                         for name, lat, lon in anchors if name != key):
        score += NEARBY_BONUS
    if dateline is not None and dateline.place is not None and dateline.place.lat is not None \
            and candidate.lat is not None \
            and distance_km(candidate.lat, candidate.lon, dateline.place.lat, dateline.place.lon) < NEARBY_KM:
        score += DATELINE_BONUS
    return score


def _adjacent_region(mention: Mention, following: Mention | None, body: str,
                     gazetteer: Gazetteer) -> list[GazPlace] | None:
    """Candidates inside the state or country named right after the mention ("Alexandria, La.")."""
    after = body[mention.end:mention.end + 30]
    match = re.match(r",\s*([A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*){0,2})", after)
    if not match:
        return None
    if following is not None and following.start == mention.end + match.start(1):
        region = following.text
    else:
        region = match.group(1)
    return _region_filter(mention.candidates, region, gazetteer) or None


def _is_unambiguous(candidates: list[GazPlace]) -> bool:
    """One candidate, or the most populous outweighs the rest (Moscow, Russia over Moscow, Idaho)."""
    if len(candidates) == 1:
        return True
    return candidates[0].population >= DOMINANCE_RATIO * max(candidates[1].population, 1)


def _single_country(candidates: list[GazPlace]) -> bool:
    """All candidates lie in one country: safe evidence for the document's focus country."""
    return len({c.country for c in candidates}) == 1


def _focus_country(noted: str | None, mentions: list[Mention], locale: Counter[str]) -> tuple[str | None, float]:
    """The country with most votes from the document's place names, else the actors stage's note, and its share
    of the votes (1.0 for the note), which scales FOCUS_COUNTRY_BONUS: a world story naming many countries has
    only a weak focus.

    Each distinct name votes once, however often it is repeated, so that a local story's six "Paris" do not
    outvote its "Henry County".  A name whose candidates all lie in one country ("Henry County", "Texas") casts a
    full vote; a name that is only dominant ("Paris", "Dublin", "Jordan": a capital with small namesakes
    elsewhere) casts `DOMINANT_NAME_VOTE`, since it is the very name in doubt.  The places come first: on LGL
    (articles 200-280) the actors stage's focus, used as an override, cut correct-country accuracy from 0.826 to
    0.781, because local US stories got foreign focus countries.
    """
    votes: Counter[str] = Counter(locale)
    seen = set()
    for mention in mentions:
        key = mention.key
        if not mention.candidates or key in seen:
            continue
        seen.add(key)
        best = mention.candidates[0]
        if best.country is None:
            continue
        if _single_country(mention.candidates):
            votes[best.country] += 1.0
        elif _is_unambiguous(mention.candidates):
            votes[best.country] += DOMINANT_NAME_VOTE
    if votes:
        country, count = votes.most_common(1)[0]
        return country, count / sum(votes.values())
    if noted and len(noted) == 2:
        record = pycountry.countries.get(alpha_2=noted.upper())
        return (record.alpha_3, 1.0) if record else (None, 0.0)
    return (noted.upper(), 1.0) if noted else (None, 0.0)


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    """The lower-cased given names of data/places/given_names.txt."""
    text = resources.files("detente").joinpath(GIVEN_NAMES_PATH).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _locale_cues() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Patterns of data/places/locale_cues.tsv with the country each points to."""
    text = resources.files("detente").joinpath(LOCALE_CUES_PATH).read_text(encoding="utf-8")
    return tuple((re.compile(row["pattern"]), row["country"])
                 for row in csv.DictReader(text.splitlines(), delimiter="\t"))


def _locale_votes(body: str) -> Counter[str]:
    """Focus-country votes from the body's currency amounts and telephone numbers, `LOCALE_CUE_VOTE` a cue."""
    votes: Counter[str] = Counter()
    for pattern, country in _locale_cues():
        if pattern.search(body):
            votes[country] += LOCALE_CUE_VOTE
    return votes


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))

