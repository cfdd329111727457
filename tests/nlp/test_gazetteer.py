"""Gazetteer: the column layout, the cache file (written once, read after, rebuilt when stale or damaged)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from detente.nlp import gazetteer as gazetteer_module
from detente.nlp.gazetteer import GazPlace, Gazetteer, PlaceTable, _Builder, cache_path, load_cached_gazetteer

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
