"""Geoparsing evaluation: gold readers, span matching, the metrics, and the floors on an LGL sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.evaluate.geo import evaluate_geo, geo_pipeline, match_spans, read_gold, GoldToponym
from detente.model import Document, Place

GEO = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "geoparsing"

LGL_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<articles><article docid="1"><text><![CDATA[Fire in Alexandria, La. and in Moscow.]]></text>
<toponyms count="2">
 <toponym><start>8</start><end>18</end><phrase>Alexandria</phrase>
  <gaztag geonameid="4314550"><name>Alexandria</name><lat>31.3113</lat><lon>-92.4451</lon>
  <country geonameid="6252001">United States</country></gaztag></toponym>
 <toponym><start>31</start><end>37</end><phrase>Moscow</phrase>
  <gaztag geonameid="524901"><name>Moscow</name><lat>55.75</lat><lon>37.62</lon>
  <country geonameid="2017370">Russia</country></gaztag></toponym>
</toponyms></article></articles>"""

GEOVIRUS_STYLE = """<articles><article><source>x</source><text>Cases rose in Lagos and Kano.</text><locations>
 <location><name>Lagos</name><start>14</start><end>19</end><lat>6.45</lat><lon>3.4</lon><page>p</page></location>
 <location><name>Kano</name><start>24</start><end>28</end><lat>12.0</lat><lon>8.52</lon><page>p</page></location>
</locations></article></articles>"""


class FixedPlaces:
    """A stand-in pipeline that returns the same places for every document."""

    def __init__(self, places: list[Place]) -> None:
        self.places = places

    def __call__(self, doc: Document) -> Document:
        doc.places = list(self.places)
        return doc


@pytest.fixture()
def lgl_file(tmp_path: Path) -> Path:
    path = tmp_path / "lgl_mini.xml"
    path.write_text(LGL_STYLE, encoding="utf-8")
    return path


@pytest.fixture()
def geovirus_file(tmp_path: Path) -> Path:
    path = tmp_path / "geovirus_mini.xml"
    path.write_text(GEOVIRUS_STYLE, encoding="utf-8")
    return path


def test_read_lgl_style(lgl_file: Path) -> None:
    [article] = read_gold(lgl_file)
    assert [(t.phrase, t.geonameid, t.country) for t in article.toponyms] == [
        ("Alexandria", 4314550, "USA"), ("Moscow", 524901, "RUS")]


def test_read_geovirus_style(geovirus_file: Path) -> None:
    [article] = read_gold(geovirus_file)
    assert [(t.phrase, t.geonameid, t.country) for t in article.toponyms] == [
        ("Lagos", None, "NGA"), ("Kano", None, "NGA")]


@pytest.mark.parametrize("gold, predicted, pairs", [
    ([(0, 5)], [(0, 5)], 1),
    ([(0, 5)], [(3, 9)], 1),       # overlap counts
    ([(0, 5)], [(5, 9)], 0),       # touching does not
    ([(0, 5), (2, 4)], [(0, 5)], 1),  # one to one
])
def test_match_spans(gold, predicted, pairs: int) -> None:
    golds = [GoldToponym(s, e, "x") for s, e in gold]
    places = [Place(text="x", start=s, end=e) for s, e in predicted]
    assert len(match_spans(golds, places)) == pairs


def test_metrics_on_known_predictions(lgl_file: Path) -> None:
    predicted = [
        Place("Alexandria", 8, 18, "Alexandria", "EGY", 31.2, 29.92, 361058, "PPL"),  # wrong place and country
        Place("Moscow", 31, 37, "Moscow", "RUS", 55.75, 37.62, 524901, "PPLC"),
        Place("Fire", 0, 4),  # false positive
    ]
    report = evaluate_geo([lgl_file], FixedPlaces(predicted))["lgl_mini"]
    assert report["recognition"] == {"precision": 0.6667, "recall": 1.0, "f1": 0.8}
    assert (report["exact"], report["country"], report["within_161km"]) == (0.5, 0.5, 0.5)


def test_geovirus_exact_is_by_distance(geovirus_file: Path) -> None:
    predicted = [Place("Lagos", 14, 19, "Lagos", "NGA", 6.45, 3.39), Place("Kano", 24, 28, "Kano", "NGA", 9.0, 8.0)]
    report = evaluate_geo([geovirus_file], FixedPlaces(predicted))["geovirus_mini"]
    assert (report["exact"], report["country"], report["within_161km"]) == (0.5, 1.0, 0.5)


# The first LGL_SAMPLE articles through geo_pipeline() (parse, actors, places; every paragraph parsed) measured
# F1 0.789, exact 0.794, country 0.948, within 161 km 0.833 (about 20-45 s).  The floors sit a little below so that
# only a real regression fails; floors only go up.
LGL_SAMPLE = 25
LGL_SAMPLE_FLOORS = {"f1": 0.77, "exact": 0.77, "country": 0.93, "within_161km": 0.81}


@pytest.mark.skipif(not (GEO / "lgl.xml").exists(), reason="shared geoparsing data not present")
def test_lgl_sample_meets_recorded_floors() -> None:
    report = evaluate_geo([GEO / "lgl.xml"], geo_pipeline(), limit=LGL_SAMPLE)["lgl"]
    assert report["recognition"]["f1"] >= LGL_SAMPLE_FLOORS["f1"]
    for metric in ("exact", "country", "within_161km"):
        assert report[metric] >= LGL_SAMPLE_FLOORS[metric], metric


@pytest.mark.parametrize("half, phrases", [(None, ["Lagos", "Kano", "Abuja"]), ("even", ["Lagos", "Abuja"]),
                                           ("odd", ["Kano"])])
def test_half_keeps_articles_of_one_parity(tmp_path: Path, half, phrases: list[str]) -> None:
    texts = ["Cases rose in Lagos.", "Cases rose in Kano.", "Cases rose in Abuja."]
    body = "".join(f"<article><text>{t}</text><locations><location><name>{t[14:-1]}</name><start>14</start>"
                   f"<end>{len(t) - 1}</end><lat>9.0</lat><lon>7.0</lon></location></locations></article>"
                   for t in texts)
    path = tmp_path / "three.xml"
    path.write_text(f"<articles>{body}</articles>", encoding="utf-8")
    report = evaluate_geo([path], FixedPlaces([]), half=half)["three"]
    assert report["articles"] == len(phrases) and report["counts"]["gold"] == len(phrases)
