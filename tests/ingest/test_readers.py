"""read_inputs: every input kind, every rejection kind, encodings, line endings and where dates come from."""

from __future__ import annotations

import codecs
import io
import json
import shutil

import pytest

from detente.errors import UsageError
from detente.ingest import check_published, read_inputs
from detente.model import content_id

from .ingest_support import FIXTURES, SEED, SEED_EXPECTED

ARTICLE = (FIXTURES / "article.html").read_text(encoding="utf-8")
SAVED_PAGE = (FIXTURES / "saved_page.txt").read_text(encoding="utf-8")
PARAGRAPHS = "Norland and Sudria agreed to meet in Geneva.\n\nThe talks will last two days."


def read(paths, settings, **kwargs):
    return list(read_inputs([str(p) for p in paths], settings, **kwargs))


def write(path, content):
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


# ------------------------------------------------------------------------------------------- input kinds

def test_text_file(tmp_path, settings):
    path = write(tmp_path / "envoys.txt", SAVED_PAGE)
    [doc] = read([path], settings)
    assert doc.rejected is None
    assert doc.title == "Envoys set June deadline for Kestrel Valley ceasefire"
    assert doc.outlet == "The Northern Ledger"
    assert doc.body.startswith("Mediators from the regional council say")
    assert "\n\n\n" not in doc.body and "Share this article" not in doc.body
    assert (doc.source, doc.id) == (str(path), content_id(doc.body))
    assert (doc.published, doc.published_source) == (None, "unknown")
    assert doc.notes["boilerplate"][0] == {"group": "navigation", "text": "Skip to main content"}


@pytest.mark.parametrize("name, published, expected", [
    # a page saved under its date: the date in its name or path is its address's date
    ("envoys-2019-03-04.txt", None, ("2019-03-04", "url")),
    ("envoys_2019_03_04.txt", None, ("2019-03-04", "url")),
    # a folder's date is when it was filled, and a number that reads as a date may be an id
    ("crawl-2023-05-01/envoys.txt", None, (None, "unknown")),
    ("2019/03/04/envoys.txt", None, (None, "unknown")),
    ("exports/20150101.txt", None, (None, "unknown")),
    ("envoys-2019-13-04.txt", None, (None, "unknown")),  # no such month
    ("envoys.txt", None, (None, "unknown")),
    # a date given on the command line wins
    ("envoys-2019-03-04.txt", "2019-03-06", ("2019-03-06", "given")),
])
def test_a_date_in_the_file_name_dates_an_undated_page(tmp_path, settings, name, published, expected):
    path = write(tmp_path / name, SAVED_PAGE)
    [doc] = read([path], settings, published=published)
    assert (doc.published, doc.published_source) == expected


def test_records_of_a_dated_corpus_file_do_not_take_its_date(tmp_path, settings):
    path = write(tmp_path / "export-2024-01-05.jsonl", json.dumps({"text": PARAGRAPHS}) + "\n")
    [doc] = read([path], settings)
    assert (doc.published, doc.published_source) == (None, "unknown")


def test_html_file(tmp_path, settings):
    path = write(tmp_path / "geneva.htm", ARTICLE)
    [doc] = read([path], settings)
    assert (doc.title, doc.outlet) == ("Ministers agree to meet in Geneva next month", "The Harbour Herald")
    assert (doc.published, doc.published_source) == ("2019-03-04", "metadata")
    assert doc.url == "https://herald.example.org/world/ministers-geneva"
    assert doc.body.startswith("The foreign ministers of Norland and Sudria say")
    assert "Privacy" not in doc.body


def test_jsonl_records(tmp_path, settings):
    records = [
        {"id": "a1", "text": PARAGRAPHS, "published": "2019-03-04", "title": "Talks", "outlet": "Ledger"},
        {"html": ARTICLE, "url": "https://herald.example.org/2019/03/04/geneva"},
        {"text": "Ports reopen.\n\nDock workers return.", "url": "https://example.org/news/2019/03/05/ports"},
    ]
    path = write(tmp_path / "batch.jsonl", "\n".join(json.dumps(r) for r in records) + "\n")
    docs = read([path], settings)
    assert [d.source for d in docs] == [f"{path}:1", f"{path}:2", f"{path}:3"]
    assert (docs[0].id, docs[0].title, docs[0].outlet, docs[0].body) == ("a1", "Talks", "Ledger", PARAGRAPHS)
    assert (docs[0].published, docs[0].published_source) == ("2019-03-04", "given")
    assert docs[1].title == "Ministers agree to meet in Geneva next month"
    assert docs[1].url == "https://herald.example.org/2019/03/04/geneva"
    assert (docs[2].published, docs[2].published_source) == ("2019-03-05", "url")
    assert all(d.rejected is None for d in docs)


@pytest.mark.parametrize(
    "content",
    [
        json.dumps([{"text": PARAGRAPHS}, {"text": "Second document."}]),
        json.dumps({"text": PARAGRAPHS}) + "\n" + json.dumps({"text": "Second document."}) + "\n",
        json.dumps({"text": PARAGRAPHS}, indent=2),
    ],
    ids=["array", "lines", "one-indented-object"],
)
def test_json_file(tmp_path, settings, content):
    path = write(tmp_path / "batch.json", content)
    docs = read([path], settings)
    expected = [PARAGRAPHS, "Second document."][: len(docs)]
    assert [d.body for d in docs] == expected and len(docs) == content.count('"text"')
    assert [d.source for d in docs] == [f"{path}:{n}" for n in range(1, len(docs) + 1)]


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2015-12-16", True), ("2015-12-16T10:00:00Z", True), ("2015-12-16 10:00", True),
        ("2015-12-16T10:00:00+03:00", True), (" 2015-12-16 ", True),
        ("20151216", False), ("2015-W51-3", False), ("2015-13-01", False), ("16/12/2015", False),
        ("2015-12", False), ("", False), (20151216, False), (None, False),
    ],
)
def test_check_published(value, valid):
    assert (check_published(value) is not None) is valid


def test_csv_rows(tmp_path, settings):
    content = (
        "id,title,published,text\r\n"
        'c1,Talks,2019-03-04,"Norland and Sudria agreed to meet in Geneva.\r\n\r\nThe talks will last two days."\r\n'
        "c2,Ports,,Ports reopen after the strike.\r\n"
    )
    path = write(tmp_path / "rows.csv", content)
    docs = read([path], settings)
    assert [(d.id, d.title, d.body, d.source) for d in docs] == [
        ("c1", "Talks", PARAGRAPHS, f"{path}:2"),
        ("c2", "Ports", "Ports reopen after the strike.", f"{path}:5"),
    ]
    assert [d.published_source for d in docs] == ["given", "unknown"]


def test_directory_is_read_recursively_in_order(tmp_path, settings):
    write(tmp_path / "in" / "b.txt", "Second document.")
    write(tmp_path / "in" / "a" / "z.html", ARTICLE)
    write(tmp_path / "in" / "c.jsonl", json.dumps({"text": "Third document."}))
    write(tmp_path / "in" / "notes.md", "not read")
    write(tmp_path / "in" / ".hidden" / "x.txt", "not read either")
    docs = read([tmp_path / "in"], settings)
    assert [d.source for d in docs] == [
        str(tmp_path / "in" / "a" / "z.html"), str(tmp_path / "in" / "b.txt"), f"{tmp_path / 'in' / 'c.jsonl'}:1",
    ]


@pytest.mark.parametrize(
    ("content", "sources", "first_body"),
    [
        (PARAGRAPHS.encode(), ["-"], PARAGRAPHS),
        (ARTICLE.encode(), ["-"], "The foreign ministers of Norland and Sudria say"),
        (b'{"text": "One."}\n{"text": "Two."}\n', ["-:1", "-:2"], "One."),
    ],
    ids=["text", "html", "jsonl"],
)
def test_stdin(settings, content, sources, first_body):
    docs = list(read_inputs(["-"], settings, stdin=io.BytesIO(content)))
    assert [d.source for d in docs] == sources
    assert docs[0].body.startswith(first_body)


# -------------------------------------------------------------------------------------------- rejections

@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.txt", b"", "E101"),
        ("blank.txt", b" \r\n\t\n  \n", "E101"),
        ("only-chrome.txt", b"Skip to main content\n\nShare this article\n", "E101"),
        ("scan.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "E102"),
        ("image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "E102"),
        ("noise.txt", bytes(range(0x80, 0x100)) * 4, "E103"),
        ("big.txt", ("word " * 100).encode(), "E104"),
        ("menu.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "E108"),
        ("report.pdf", b"%PDF-1.4", "E109"),
    ],
)
def test_file_rejections(tmp_path, settings, name, content, code):
    settings.override("ingest.max_chars", 200)
    path = write(tmp_path / name, content)
    [doc] = read([path], settings)
    assert doc.rejected is not None and doc.rejected.code == code
    assert (doc.body, doc.source, doc.id) == ("", str(path), content_id(str(path)))
    assert doc.rejected.message


def test_raw_file_over_max_bytes_is_e104(tmp_path, settings):
    settings.override("ingest.max_bytes", 100)
    [doc] = read([write(tmp_path / "big.html", ARTICLE)], settings)
    assert doc.rejected.code == "E104"


def test_malformed_json_line_is_reported_and_the_batch_goes_on(tmp_path, settings):
    lines = [
        json.dumps({"text": "First document."}),
        '{"text": "broken',
        json.dumps({"title": "no body"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"text": "Dated.", "published": "16/12/2015"}),
        json.dumps({"text": "   "}),
        json.dumps({"text": 42}),
        json.dumps({"text": "Last document."}),
    ]
    path = write(tmp_path / "batch.jsonl", "\n".join(lines))
    docs = read([path], settings)
    codes = [d.rejected.code if d.rejected else None for d in docs]
    assert codes == [None, "E105", "E107", "E105", "E112", "E101", "E107", None]
    assert f"{path}:2" in docs[1].rejected.message
    assert docs[1].source == f"{path}:2"
    assert docs[2].title == "no body"
    assert "16/12/2015" in docs[4].rejected.message
    assert docs[-1].body == "Last document."


def test_unexpected_error_is_one_e113_rejection_and_the_batch_goes_on(tmp_path, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("extractor bug")

    monkeypatch.setattr("detente.ingest.readers.document_from_text", broken)
    first = write(tmp_path / "a.txt", "A document.")
    second = write(tmp_path / "b.html", ARTICLE)
    docs = read([first, second], settings)
    assert [d.rejected.code if d.rejected else None for d in docs] == ["E113", None]
    assert "extractor bug" in docs[0].rejected.message


def test_malformed_json_array_names_the_line(tmp_path, settings):
    path = write(tmp_path / "batch.json", '[\n{"text": "a"},\n{"text": }\n]')
    [doc] = read([path], settings)
    assert doc.rejected.code == "E105" and f"{path}:3" in doc.rejected.message


@pytest.mark.parametrize(
    ("content", "codes"),
    [
        ("title,body\nA,Some text\n", ["E106"]),
        ("text,title\nGood row.,A\nToo,many,fields\nAnother good row.,B\n", [None, "E106", None]),
        ("text,title\n,Empty\n", ["E101"]),
        ('text,title\nGood row.,A\n"unterminated quote,B\nmore,C\n', [None, "E106"]),
        ('text,title\n"bad "quoting" here",A\n', ["E106"]),
        ("", ["E101"]),
    ],
    ids=["no-text-column", "extra-fields", "empty-text", "unterminated-quote", "bad-quoting", "empty-file"],
)
def test_csv_rejections(tmp_path, settings, content, codes):
    path = write(tmp_path / "rows.csv", content)
    docs = read([path], settings)
    assert [d.rejected.code if d.rejected else None for d in docs] == codes
    for doc in docs:
        if doc.rejected and doc.rejected.code == "E106":
            assert f"{path}:" in doc.rejected.message


def test_missing_path_is_a_usage_error_before_anything_is_read(tmp_path, settings):
    good = write(tmp_path / "good.txt", "A document.")
    documents = read_inputs([str(good), str(tmp_path / "missing.txt")], settings)
    with pytest.raises(UsageError) as caught:
        next(documents)
    assert caught.value.code == "E201"


def test_invalid_published_argument_is_a_usage_error(tmp_path, settings):
    with pytest.raises(UsageError) as caught:
        read([write(tmp_path / "a.txt", "A document.")], settings, published="next Tuesday")
    assert caught.value.code == "E204" and "next Tuesday" in caught.value.message


# --------------------------------------------------------------------------------- encodings and endings

@pytest.mark.parametrize(
    "raw",
    [
        "Talks in Genève and Zürich résumé.\n\nMinisters met.".encode("latin-1"),
        codecs.BOM_UTF16_LE + "Talks in Genève and Zürich résumé.\n\nMinisters met.".encode("utf-16-le"),
        "Talks in Genève and Zürich résumé.\r\n\r\nMinisters met.\r\n".encode("cp1252"),
    ],
    ids=["latin-1", "utf-16-bom", "cp1252-crlf"],
)
def test_encodings(tmp_path, settings, raw):
    [doc] = read([write(tmp_path / "a.txt", raw)], settings)
    assert doc.body == "Talks in Genève and Zürich résumé.\n\nMinisters met."


def test_cp1252_smart_quotes(tmp_path, settings):
    sentence = "\u201cWe are ready,\u201d the minister said \u2013 it\u2019s agreed."
    [doc] = read([write(tmp_path / "q.txt", sentence.encode("cp1252"))], settings)
    assert doc.body == sentence


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings(tmp_path, settings, newline):
    content = newline.join(["One paragraph.", "", "", "Two paragraph.", "  ", "Three."])
    [doc] = read([write(tmp_path / "a.txt", content)], settings)
    assert doc.body == "One paragraph.\n\nTwo paragraph.\n\nThree."


# ------------------------------------------------------------------------------------------------ dates

@pytest.mark.parametrize(
    ("record", "argument", "expected"),
    [
        ({"published": "2019-03-01"}, "2019-02-01", ("2019-03-01", "given")),
        ({"published": "2019-03-01T10:00:00Z"}, None, ("2019-03-01T10:00:00Z", "given")),
        ({}, "2019-02-01", ("2019-02-01", "given")),
        ({}, None, ("2019-03-04", "metadata")),
        ({"url": "https://example.org/2018/07/09/x"}, None, ("2019-03-04", "metadata")),
    ],
)
def test_published_precedence_for_html(tmp_path, settings, record, argument, expected):
    path = write(tmp_path / "a.jsonl", json.dumps({"html": ARTICLE, **record}))
    [doc] = read([path], settings, published=argument)
    assert (doc.published, doc.published_source) == expected


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"url": "https://example.org/2018/07/09/x"}, ("2018-07-09", "url")),
        ({"url": "https://example.org/x"}, (None, "unknown")),
        ({"published": "2018-07-09 10:00"}, ("2018-07-09 10:00", "given")),
    ],
)
def test_published_for_text(tmp_path, settings, record, expected):
    path = write(tmp_path / "a.jsonl", json.dumps({"text": PARAGRAPHS, **record}))
    [doc] = read([path], settings)
    assert (doc.published, doc.published_source) == expected


# ------------------------------------------------------------------------------------------------- seed

@pytest.mark.skipif(not SEED.exists(), reason="../shared/examples is not available")
def test_seed_article(tmp_path, settings):
    expected = json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))
    path = shutil.copy(SEED, tmp_path / SEED.name)
    [doc] = read([path], settings, published="2015-12-16")
    for line in expected["boilerplate_not_in_body"]:
        assert line not in doc.body
    assert doc.title == "Russia agrees to new round of Syria talks in New York"
    assert doc.body.split("\n\n")[0].startswith("Foreign Minister Sergei Lavrov says")
    assert doc.outlet == "Middle East Eye"
    assert (doc.published, doc.published_source) == ("2015-12-16", "given")
    assert "(AFP)" not in doc.body
    assert doc.body.split("\n\n")[-1] == "Both Russia and Iran have resisted all calls for Assad to be removed."
    assert len(doc.body.split("\n\n")) == 14
