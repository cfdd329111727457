"""Bytes to text: binary and encoding detection, line endings, whitespace and paragraph normalisation."""

from __future__ import annotations

import codecs

import pytest

from detente.errors import DetenteError
from detente.ingest import text

SAMPLE = "Talks in Genève: \u201cWe are ready,\u201d the minister said \u2013 it\u2019s agreed.\n\nNext paragraph."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (SAMPLE.encode("utf-8"), SAMPLE),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), SAMPLE),
        (codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), SAMPLE),
        (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), SAMPLE),
        (SAMPLE.encode("utf-16"), SAMPLE),
        (SAMPLE.encode("utf-16-le"), SAMPLE),  # no byte-order mark: the NUL pattern gives the order
        (SAMPLE.encode("cp1252"), SAMPLE),  # smart quotes and dashes in windows-1252
        ("Le ministre a déclaré à Genève que les négociations reprendront à Zürich.".encode("latin-1"),
         "Le ministre a déclaré à Genève que les négociations reprendront à Zürich."),
        ("Президент заявил, что переговоры в Женеве продолжатся в следующем месяце.".encode("cp1251"),
         "Президент заявил, что переговоры в Женеве продолжатся в следующем месяце."),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16-default", "utf16le-no-bom", "cp1252", "latin1", "cp1251"],
)
def test_decode_detects_encoding(raw, expected):
    assert text.decode(raw) == expected


def test_decode_honours_declared_charset():
    raw = "<meta charset=\"windows-1252\"><p>caf\u00e9 \u2013 na\u00efve</p>".encode("cp1252")
    assert text.decode(raw, declared=text.declared_charset(raw)) == raw.decode("cp1252")


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP archive or Office document"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip archive"),
        (b"abc\x00\x01\x02\x03\xff\xfe\x00\x00\x10\x11" * 50, "contains NUL bytes"),
        (b"text \x01\x02\x03\x04\x05\x06\x07\x08 more \x0e\x0f\x10\x11" * 20, "contains control bytes"),
    ],
)
def test_binary_input_is_e102(raw, detail):
    with pytest.raises(DetenteError) as caught:
        text.decode(raw)
    assert caught.value.code == "E102"
    assert detail in caught.value.message


@pytest.mark.parametrize("raw", [bytes(range(0x80, 0x100)) * 4, codecs.BOM_UTF8 + b"ok \xff\xfe\xfd"])
def test_undecodable_input_is_e103(raw):
    with pytest.raises(DetenteError) as caught:
        text.decode(raw)
    assert caught.value.code == "E103"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("One.\r\n\r\nTwo.\r\n", "One.\n\nTwo."),
        ("One.\r\rTwo.", "One.\n\nTwo."),
        ("One.\n\n\n\n   \n\t\nTwo.", "One.\n\nTwo."),
        ("  One   has\tspaces\u00a0inside.  \n\nTwo.", "One has spaces inside.\n\nTwo."),
        ("Zero\u200bwidth and soft\u00adhyphen.", "Zerowidth and softhyphen."),
        ("Headline\nStandfirst line that stands alone", "Headline\n\nStandfirst line that stands alone"),
        ("Line separator\u2028inside.\x0cPage two.", "Line separator\n\ninside.\n\nPage two."),
        ("", ""),
        ("\n \n\t\n", ""),
    ],
)
def test_normalise(raw, expected):
    assert text.normalise(raw) == expected


def test_hard_wrapped_lines_are_joined_into_one_paragraph():
    wrapped = (
        "The foreign ministers of Norland and Sudria agreed on\n"
        "Monday to meet in Geneva in April, their offices said in\n"
        "a joint statement.\n\nA second paragraph."
    )
    assert text.split_paragraphs(wrapped) == [
        "The foreign ministers of Norland and Sudria agreed on Monday to meet in Geneva in April, their offices "
        "said in a joint statement.",
        "A second paragraph.",
    ]


@pytest.mark.parametrize(
    "block",
    [
        "Mediators say both armies accepted a timetable for a truce\nSoldiers at a checkpoint outside Dorrin (Reuters)",
        "Ministers agree to meet in Geneva next month\nThe foreign ministers say they will hold talks soon",
    ],
)
def test_standfirst_and_caption_lines_stay_apart(block):
    assert text.split_paragraphs(block) == block.split("\n")


def test_one_sentence_per_line_is_not_joined():
    lines = "Norland agreed to the talks on Monday evening.\nSudria said it would send its deputy minister.\nNo date was set."
    assert len(text.split_paragraphs(lines)) == 3


def test_decomposed_accents_are_composed():
    assert text.normalise("Gene\u0300ve") == "Genève"
