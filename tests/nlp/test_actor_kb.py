"""The actor knowledge base: tables load, names resolve, malformed rows fail loudly, terms are consistent."""

from __future__ import annotations

import pytest

from detente.nlp import actor_kb
from detente.nlp.actor_kb import ActorKBError, fold, knowledge_base
from detente.nlp.actors import code_phrase


@pytest.fixture(scope="module")
def kb():
    return knowledge_base()


def test_loaded_once_per_process():
    assert knowledge_base() is knowledge_base()


def test_every_plover_state_and_exception_is_listed(kb):
    # COW states plus the manual's exceptions (Holy See, Hong Kong, Palestine, Antarctica, Kosovo as KOS).
    assert len(kb.countries) >= 195
    for code in ("VAT", "HKG", "PSE", "ATA", "KOS", "SSD", "TLS", "MNE", "SRB"):
        assert code in kb.countries


@pytest.mark.parametrize("form,kind,code", [
    ("Britain", "country", "GBR"),
    ("the UK", "country", "GBR"),
    ("U.S.", "country", "USA"),
    ("Russian Federation", "country", "RUS"),
    ("Emirati", "adjective", "ARE"),
    ("Saudi", "adjective", "SAU"),
    ("Iranian", "adjective", "IRN"),
    ("Syrians", "plural", "SYR"),
    ("Kremlin", "metonym", "RUS"),
    ("Pentagon", "metonym", "USA"),
    ("Downing Street", "metonym", "GBR"),
    ("Elysee", "metonym", "FRA"),
    ("Damascus", "metonym", "SYR"),
    ("Daesh", "org", "IMG"),
    ("ISIL", "org", "IMG"),
    ("Hizbollah", "org", "LBN"),
    ("Houthis", "org", "YEM"),
    ("YPG", "org", "SYR"),
    ("Arab League", "org", "IGO"),
    ("Security Council", "org", "UNO"),
    ("EU", "org", "EUR"),
])
def test_names_resolve(kb, form, kind, code):
    entries = [e for e in kb.lookup(form.removeprefix("the ")) if e.kind == kind]
    assert entries, form
    assert entries[0].ref.code == code


@pytest.mark.parametrize("phrase,sector", [
    ("foreign minister", "GOV"), ("secretary of state", "GOV"), ("warplanes", "MIL"), ("troops", "MIL"),
    ("insurgents", "REB"), ("opposition", "OPP"), ("police", "COP"), ("lawmakers", "LEG"), ("senator", "LEG"),
    ("judge", "JUD"), ("protesters", "CVL"), ("refugees", "REF"), ("journalists", "JRN"),
])
def test_sector_vocabulary(kb, phrase, sector):
    assert kb.sector_terms[phrase].sector == sector


@pytest.mark.parametrize("text", ["Erdoğan", "Côte d\u2019Ivoire", "İstanbul", "Ban Ki\u2013moon", "plain", ""])
def test_fold_keeps_offsets(text):
    assert len(fold(text)) == len(text)


def test_fold_strips_diacritics_and_case():
    assert fold("Erdoğan") == "erdogan"


@pytest.mark.parametrize("loader,name,content,message", [
    (actor_kb.load_countries, "countries.tsv",
     "code\tname\tofficial_name\tvariants\tadjectives\tplurals\nRUSS\tRussia\t\t\t\t\n", "bad code"),
    (actor_kb.load_countries, "countries.tsv",
     "code\tname\tofficial_name\tvariants\tadjectives\tplurals\nRUS\tRussia\n", "columns"),
    (actor_kb.load_countries, "countries.tsv", "code\tname\nRUS\tRussia\n", "header"),
    (actor_kb.load_sector_terms, "sectors.tsv", "phrase\tsector\tkind\toffice\nrebels\tXXX\tgroup\t\n",
     "unknown sector"),
    (actor_kb.load_sector_terms, "sectors.tsv",
     "phrase\tsector\tkind\toffice\nrebels\tREB\tgroup\t\nRebels\tREB\tgroup\t\n", "duplicate"),
])
def test_malformed_rows_fail_loudly(monkeypatch, loader, name, content, message):
    monkeypatch.setattr(actor_kb, "_read", lambda n: content if n == name else "")
    with pytest.raises(ActorKBError, match=message):
        loader()


@pytest.mark.parametrize("row,message", [
    ("Jane Doe\t\tXYZ\tpresident\tGOV\t2001-01-01\t\ty", "unknown code"),
    ("Jane Doe\t\tUSA\tpresident\tGOV\t2001-13\t\ty", "bad start"),
    ("Jane Doe\t\tUSA\tpresident\tGOV\t2005-01-01\t2001-01-01\ty", "end before start"),
    ("Jane Doe\t\tUSA\tpresident\tBOSS\t2001-01-01\t\ty", "unknown sector"),
    ("Jane Doe\t\tUSA\tpresident\tGOV\t2001-01-01\t\tmaybe", "certain"),
])
def test_malformed_office_terms_fail_loudly(monkeypatch, kb, row, message):
    header = "person\taliases\tcountry\toffice\tsector\tstart\tend\tcertain\n"
    monkeypatch.setattr(actor_kb, "_read", lambda n: header + row + "\n")
    with pytest.raises(ActorKBError, match=message):
        actor_kb.load_office_terms(kb.countries)


@pytest.mark.parametrize("content,message", [
    ("- {name: NATO, code: XXX, sector: MIL}", "unknown code"),
    ("- {name: NATO, code: IGO, sector: MIL, alias: [x]}", "unknown keys"),
    ("- {code: IGO, sector: MIL}", "needs a name"),
    ("name: NATO", "list"),
])
def test_malformed_organisations_fail_loudly(monkeypatch, kb, content, message):
    monkeypatch.setattr(actor_kb, "_read", lambda n: content)
    with pytest.raises(ActorKBError, match=message):
        actor_kb.load_organisations(kb.countries)


def test_a_person_holds_one_office_at_a_time(kb):
    overlaps = []
    for person, terms in kb.terms.items():
        for a, b in zip(terms, terms[1:]):
            if a.end is None or b.start < a.end:
                overlaps.append((person, a.office, b.office))
    assert overlaps == []


@pytest.mark.parametrize("person,office", [
    ("Bashar al-Assad", "president"), ("Sergei Lavrov", "foreign minister"), ("John Kerry", "secretary of state"),
    ("Ban Ki-moon", "secretary-general"), ("Vladimir Putin", "president"), ("Barack Obama", "president"),
])
def test_office_holders_are_in_the_base(kb, person, office):
    assert office in {t.office for t in kb.holder_terms(person)}


@pytest.mark.parametrize("name,date,code,office", [
    # Elected Security Council members' leaders, and people who moved between a state and an organisation.
    ("Solberg", "2016-01-01", "NOR", "prime minister"),
    ("Tusk", "2010-01-01", "POL", "prime minister"),
    ("Tusk", "2016-01-01", "EUR", "European Council president"),
    ("Kallas", "2022-01-01", "EST", "prime minister"),
    ("Charles Michel", "2016-05-01", "BEL", "prime minister"),
    ("Piñera", "2019-01-01", "CHL", "president"),
    ("Akufo-Addo", "2020-01-01", "GHA", "president"),
])
def test_elected_security_council_members_leaders(name, date, code, office):
    entity = code_phrase(name, date)
    assert (entity.code, entity.office) == (code, office)
