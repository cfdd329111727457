"""Places: gazetteer look-ups, toponym recognition and resolution, datelines, common-word guards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.model import Document
from detente.nlp.gazetteer import _extras_table, load_gazetteer, name_key
from detente.nlp.places import _given_names, distance_km, find_places
from detente.pipeline import Pipeline

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SEED = SHARED / "examples" / "mee-2015-12-16-syria-talks.txt"
SEED_EXPECTED = SHARED / "examples" / "mee-2015-12-16-syria-talks.expected.json"


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(names=["prefilter", "parse", "places"])


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def places_of(pipeline: Pipeline, body: str) -> list:
    doc = pipeline(Document(body=body))
    assert doc.rejected is None
    return doc.places


@pytest.mark.parametrize("name, country, feature", [
    ("Moscow", "RUS", "PPLC"),
    ("U.S.", "USA", "PCLI"),
    ("Britain", "GBR", "PCLI"),
    ("Texas", "USA", "ADM1"),
    ("Ga.", "USA", "ADM1"),
    ("Idlib province", "SYR", "ADM1"),
    ("the Golan Heights", "SYR", "PLAT"),
    ("Rapides Parish", "USA", "ADM2"),
    ("Sao Paulo", "BRA", "PPL"),
])
def test_gazetteer_lookup(gazetteer, name: str, country: str, feature: str) -> None:
    best = gazetteer.lookup(name)[0]
    assert (best.country, best.feature) == (country, feature)


def test_region_without_country_has_nominal_point(gazetteer) -> None:
    best = gazetteer.lookup("the Middle East")[0]
    assert best.feature == "RGN" and best.country is None and best.lat is not None


def test_extras_refer_to_known_places(gazetteer) -> None:
    known = {p.geonameid for p in gazetteer.places}
    dangling = [row["name"] or row["geonameid"] for row in _extras_table()
                if row["kind"] in ("alias", "centre") and int(row["geonameid"]) not in known]
    assert dangling == []


@pytest.mark.parametrize("raw, key", [("The Hague", "hague"), ("São  Paulo", "sao paulo"), ("U.S.", "u.s.")])
def test_name_key(raw: str, key: str) -> None:
    assert name_key(raw) == key


@pytest.mark.skipif(not SEED_EXPECTED.exists(), reason="shared examples not present")
def test_seed_places_match_the_analyst_record(pipeline) -> None:
    expected = json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))["places"]
    found = {p.text: p for p in places_of(pipeline, SEED.read_text(encoding="utf-8"))}
    for place in expected:
        got = found[place["text"]]
        assert got.country == place["country"]
        assert abs(got.lat - place["lat"]) <= 0.1 and abs(got.lon - place["lon"]) <= 0.1


@pytest.mark.parametrize("body, text, country", [
    ("Police in Paris, Texas, said a man was arrested near Dallas. Paris police later released him.",
     "Paris", "USA"),
    ("Paris police said the attack in France had been planned in Belgium.", "Paris", "FRA"),
    ("The storm hit Athens, Ga., on Monday, and Clarke County schools closed.", "Athens", "USA"),
    ("Ministers met in Athens to discuss the Greek debt.", "Athens", "GRC"),
])
def test_ambiguous_names_follow_context(pipeline, body: str, text: str, country: str) -> None:
    resolved = {p.country for p in places_of(pipeline, body) if p.text == text}
    assert resolved == {country}


@pytest.mark.parametrize("body, name, country", [
    ("MOSCOW (Reuters) - Russia said on Tuesday it would attend the talks.", "Moscow", "RUS"),
    ("BEIRUT, Dec 16 (AFP) - Fighting went on in Idlib province.", "Beirut", "LBN"),
    ("Talks resume. WASHINGTON — The State Department said talks would resume.", "Washington", "USA"),
    ("ATHENS, Ga. (AP) - A storm closed schools on Monday.", "Athens", "USA"),
])
def test_dateline(pipeline, body: str, name: str, country: str) -> None:
    doc = pipeline(Document(body=body))
    dateline = doc.notes["dateline"]
    assert (dateline.name, dateline.country) == (name, country)
    assert any(p.start == dateline.start and p.name == name for p in doc.places)


def test_no_dateline_in_plain_text(pipeline) -> None:
    doc = pipeline(Document(body="The talks resumed in Geneva on Monday."))
    assert "dateline" not in doc.notes


@pytest.mark.parametrize("body", [
    "Both sides agreed to talk. However, nothing changed. Last week the talks stalled.",
    "Mobile phones were banned. Reading the report, she frowned. May brought rain.",
    "Russian and Syrian officials said Iranian advisers had arrived.",
    "The UN envoy said nothing.",
])
def test_no_false_places(pipeline, body: str) -> None:
    assert places_of(pipeline, body) == []


def test_unparsed_paragraphs_are_matched(pipeline) -> None:
    doc = pipeline(Document(body="Rain fell all day.\n\nThe choir sang in Vienna and Salzburg."))
    assert doc.notes["candidate_paragraphs"] == []  # nothing parsed: the gazetteer phrase match found them
    assert [(p.text, p.country) for p in doc.places] == [("Vienna", "AUT"), ("Salzburg", "AUT")]


def test_offsets_point_into_body(pipeline) -> None:
    body = "Kerry arrived in Moscow on Tuesday.\n\nTalks in New York follow on Friday."
    for place in places_of(pipeline, body):
        assert body[place.start:place.end] == place.text


def test_focus_country_note_decides(gazetteer) -> None:
    doc = Document(body="Officials in Alexandria said the bridge would reopen.", notes={"focus_country": "USA"})
    assert [p.country for p in find_places(doc, gazetteer)] == ["USA"]
    doc = Document(body="Officials in Alexandria said the bridge would reopen.")
    assert [p.country for p in find_places(doc, gazetteer)] == ["EGY"]


@pytest.mark.parametrize("a, b, km", [((55.75, 37.62), (48.21, 16.37), 1670), ((0, 0), (0, 1), 111)])
def test_distance_km(a, b, km: float) -> None:
    assert abs(distance_km(*a, *b) - km) < 0.01 * km


@pytest.mark.parametrize("body, text, country", [
    # one vote per distinct name: six "Paris" do not outvote "Henry County"
    ("A Paris man was arrested. Paris police said the Paris man lived in Paris. The Henry County sheriff, Paris "
     "officers and Paris firefighters helped.", "Paris", "USA"),
    # a dollar amount tips a story with no other evidence towards the US
    ("Officials in Alexandria said the $5 million bridge would reopen.", "Alexandria", "USA"),
    # a country's name keeps its country in a story full of US places
    ("Cases rose in Texas, Ohio and Oregon after travellers returned from Mexico.", "Mexico", "MEX"),
])
def test_focus_country_evidence(pipeline, body: str, text: str, country: str) -> None:
    resolved = {p.country for p in places_of(pipeline, body) if p.text == text}
    assert resolved == {country}


def test_shared_region_picks_among_namesakes(pipeline) -> None:
    body = "Decatur police said the DeKalb County man was held in Decatur after a chase through Atlanta."
    decatur = [p for p in places_of(pipeline, body) if p.text == "Decatur"]
    assert decatur and all(p.country == "USA" and abs(p.lat - 33.77) < 0.2 for p in decatur)  # Georgia's


@pytest.mark.parametrize("body, text", [
    ("Troopers of the Florida Highway Patrol closed the road on Monday.", "Florida"),
    ("The State of Illinois defines the valuation in its guidance.", "Illinois"),
])
def test_place_leading_a_longer_name(pipeline, body: str, text: str) -> None:
    assert any(p.text == text and p.country == "USA" for p in places_of(pipeline, body))


def test_surname_is_not_a_place(pipeline) -> None:
    body = "Prosecutors charged Elizabeth Fairfield on Monday. Fairfield pleaded not guilty."
    assert [p.text for p in places_of(pipeline, body) if "Fairfield" in p.text] == []


@pytest.mark.parametrize("body, name", [
    # a given name before it, here or elsewhere in the story ("Jessica Kay" ... "Kay was taken")
    ("Jessica Kay, 18, of Paris died on Friday. Kay was taken to a hospital in Dallas.", "Kay"),
    # a speech verb after it
    ("Robertson said the theater in Hartford would reopen. Robertson bought it in 2003.", "Robertson"),
])
def test_person_named_like_a_town_is_not_a_place(gazetteer, body: str, name: str) -> None:
    assert gazetteer.knows(name)
    assert [p.text for p in find_places(Document(body=body), gazetteer) if p.text == name] == []


def test_speaker_from_a_town_keeps_the_town(gazetteer) -> None:
    body = "A resident of Tyler said the clinic in Dallas was busy."
    assert [p.country for p in find_places(Document(body=body), gazetteer) if p.text == "Tyler"] == ["USA"]


@pytest.mark.parametrize("body, name, lat", [
    ("CINCINNATI  The school trustees met on Monday.", "Cincinnati", 39.1),  # the dash lost in extraction
    ("DAYTON—The city council voted on Monday.", "Dayton", 39.8),
    ("SPRINGFIELD, Ill. (AP)  Lawmakers met on Monday.", "Springfield", 39.8),
])
def test_local_paper_datelines(gazetteer, body: str, name: str, lat: float) -> None:
    doc = Document(body=body)
    find_places(doc, gazetteer)
    dateline = doc.notes["dateline"]
    assert (dateline.name, dateline.country) == (name, "USA") and abs(dateline.lat - lat) < 0.2


@pytest.mark.parametrize("body, text, name", [
    ("Sen. Byron Dorgan, D-N.D., asked why the contract was renewed.", "N.D.", "North Dakota"),
    ("The resolution stems from a 2007 U.S. Supreme Court decision.", "U.S.", "United States"),
])
def test_abbreviations_after_party_letters_and_of_countries(gazetteer, body: str, text: str, name: str) -> None:
    found = [(p.text, p.name) for p in find_places(Document(body=body), gazetteer)]
    assert found == [(text, name)]


def test_abbreviated_street_names_are_toponyms(gazetteer) -> None:
    body = "A kitchen fire broke out at 775 Main St., near Dawes Street, in Dallas."
    assert [p.text for p in find_places(Document(body=body), gazetteer)][:2] == ["Main St.", "Dawes Street"]


@pytest.mark.parametrize("body, road, country", [
    # a US story: the street the gazetteer cannot resolve still gets its country
    ("Police closed Candlewood Drive in Dallas after the crash near Houston, Texas.", "Candlewood Drive", "USA"),
    # no country holds half the votes: none is guessed
    ("Ministers from Paris, Berlin, Rome and Madrid walked down Kennedy Avenue.", "Kennedy Avenue", None),
])
def test_unresolved_toponym_takes_a_clear_focus_country(gazetteer, body: str, road: str, country: str | None) -> None:
    found = {p.text: p for p in find_places(Document(body=body), gazetteer)}
    assert found[road].name is None and found[road].country == country


def test_given_names_table_is_lower_case_words() -> None:
    names = _given_names()
    assert "jessica" in names and all(name.isalpha() and name.islower() for name in names)


# GeoNames ids of the counties below (LGL's gold uses the same ids).
HENRY_COUNTY_TN, HENRY_COUNTY_IA = 4628829, 4860353
HENDERSON_COUNTY_TX, ANDERSON_COUNTY_TX, RICHMOND_COUNTY_GA = 4697070, 4670756, 4218744
EASTLAND_COUNTY_TX, CALLAHAN_COUNTY_TX, BARROW_COUNTY_GA = 4688072, 4678206, 4181182


@pytest.mark.parametrize("body, text, geonameid", [
    # the county of the towns named with it, whichever is the more populous namesake
    ("Paris and Henry County are rich in history. The Paris-Henry County Arts Council met.", "Henry County",
     HENRY_COUNTY_TN),
    ("The Athens Police Department arrested a man. He was booked into the Henderson County jail.",
     "Henderson County", HENDERSON_COUNTY_TX),
    ("An Elkhart man who fled a traffic stop near Palestine was indicted in Anderson County.", "Anderson County",
     ANDERSON_COUNTY_TX),
    ("Deputies from Augusta and Martinez searched Richmond County for the suspect.", "Richmond County",
     RICHMOND_COUNTY_GA),
    # the state named after it
    ("Supervisors in Henry County, Iowa, met on Monday.", "Henry County", HENRY_COUNTY_IA),
    # the abbreviation
    ("The Henry Co. sheriff said Paris, Tenn. roads were closed.", "Henry Co.", HENRY_COUNTY_TN),
    # names of a list of counties
    ("Fires burned in Eastland and Callahan counties, near Cisco, Texas.", "Eastland", EASTLAND_COUNTY_TX),
    ("Fires burned in Eastland and Callahan counties, near Cisco, Texas.", "Callahan", CALLAHAN_COUNTY_TX),
    ("School boards in Barrow, Jackson and Madison counties near Athens, Ga. met.", "Barrow", BARROW_COUNTY_GA),
])
def test_counties_resolve_to_their_geonames_entry(gazetteer, body: str, text: str, geonameid: int) -> None:
    found = {p.text: p for p in find_places(Document(body=body), gazetteer)}
    county = found[text]
    assert (county.geonameid, county.feature, county.country) == (geonameid, "ADM2", "USA")
    assert county.lat is not None and county.lon is not None


@pytest.mark.parametrize("body, text, town", [
    # a town takes the state of the county named with it
    ("Paris and Henry County are rich in history.", "Paris", 4647963),  # Paris, Tennessee
    ("The Athens Police Department arrested a man. He was booked into the Henderson County jail.", "Athens",
     4671545),  # Athens, Texas
])
def test_towns_follow_the_county_named_with_them(gazetteer, body: str, text: str, town: int) -> None:
    found = {p.text: p for p in find_places(Document(body=body), gazetteer)}
    assert found[text].geonameid == town


def test_county_list_names_are_not_towns_or_people(gazetteer) -> None:
    body = "Jessica Jackson said unemployment fell in Barrow and Jackson counties, Georgia."
    found = [(p.text, p.feature) for p in find_places(Document(body=body), gazetteer)]
    assert ("Jackson", "ADM2") in found and ("Barrow", "ADM2") in found


@pytest.mark.parametrize("body, text, feature", [
    # the bare name of a county the story names in full, where no town of that name lies in it
    ("Henrico County police met on Monday. Henrico police said the road was closed.", "Henrico", "ADM2"),
    ("Kanawha County commissioners met. A Kanawha Circuit judge ruled.", "Kanawha", "ADM2"),
    ("Gwinnett County schools reopened. Staff at Gwinnett Medical Center were busy.", "Gwinnett", "ADM2"),
    # the county seat of that name stays the town
    ("Charleston County deputies met in Charleston on Monday.", "Charleston", "PPL"),
])
def test_bare_county_names(gazetteer, body: str, text: str, feature: str) -> None:
    found = [p for p in find_places(Document(body=body), gazetteer) if p.text == text]
    assert found and all(p.feature == feature and p.country == "USA" for p in found)


def test_bare_county_name_of_a_person_is_not_a_place(gazetteer) -> None:
    body = "In Boone County, Ky., a statue of Daniel Boone was unveiled. Boone said little."
    assert [p.text for p in find_places(Document(body=body), gazetteer) if "Boone" in p.text] == ["Boone County"]


def test_british_county(gazetteer) -> None:
    body = "Lancashire County Council offers business help to firms in Preston."
    found = {p.text: p for p in find_places(Document(body=body), gazetteer)}
    assert (found["Lancashire"].geonameid, found["Lancashire"].country) == (2644974, "GBR")
