"""Near-duplicate detection: wire copies flagged, rewrites of the same story not, the index round-trips."""

from __future__ import annotations

import json

import pytest

from detente.neardup import (
    DEFAULT_THRESHOLD, NearDuplicateIndex, find_original, flag_near_duplicates, jaccard, normalise_words, shingles,
    signature_from_bytes, signature_to_bytes,
)
from tests.paths import shared_path

ORIGINAL = (
    "Russian Foreign Minister Sergei Lavrov met Turkish Foreign Minister Mevlut Cavusoglu in Belgrade on "
    "Thursday, the first high-level contact between the two governments since relations collapsed last month. "
    "The meeting took place on the sidelines of a conference of the Organization for Security and Co-operation "
    "in Europe. Lavrov told reporters afterwards that he had heard nothing new from his counterpart. Cavusoglu "
    "said the talks had been useful and that dialogue between the neighbours should continue despite the "
    "tensions of recent weeks."
)
WIRE_COPY = "Lavrov, Cavusoglu meet in Belgrade. " + ORIGINAL.replace("high-level", "senior-level").replace(
    "told reporters afterwards", "told journalists later")
REWRITE = (
    "Turkish Foreign Minister Mevlut Cavusoglu held talks with Russian Foreign Minister Sergei Lavrov in "
    "Belgrade on December 3, officials said. It was the first meeting at that level since the crisis between "
    "Ankara and Moscow began. Diplomats described the atmosphere as cool but correct, and neither side "
    "announced any agreement after the forty-minute encounter on the margins of the OSCE gathering."
)


@pytest.mark.parametrize(("text", "flagged"), [
    (ORIGINAL, True),  # the same text again
    (WIRE_COPY, True),  # new headline, two phrases edited
    (ORIGINAL.upper().replace(",", ""), True),  # case and punctuation are normalised away
    (REWRITE, False),  # another outlet's account of the same meeting
    ("Lavrov met Cavusoglu in Belgrade.", False),  # too short to judge
])
def test_query_flags_copies_not_rewrites(text, flagged):
    index = NearDuplicateIndex()
    index.add("original", ORIGINAL)
    matches = index.query(text)
    assert bool(matches) is flagged
    if flagged:
        assert matches[0][0] == "original" and matches[0][1] >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(("a", "b", "low", "high"), [
    (ORIGINAL, WIRE_COPY, 0.6, 0.95),
    (ORIGINAL, REWRITE, 0.0, 0.1),
])
def test_exact_jaccard_bands(a, b, low, high):
    assert low <= jaccard(a, b) <= high


@pytest.mark.parametrize(("text", "words"), [
    ("Señor Assad's “talks”, today!", ["senor", "assad", "s", "talks", "today"]),
    ("Kerry\u2014Lavrov", ["kerry", "lavrov"]),
])
def test_normalise_words(text, words):
    assert normalise_words(text) == words


def test_short_text_is_one_shingle():
    assert shingles("Two words") == {b"two words"}


def test_index_round_trips_through_bytes():
    index = NearDuplicateIndex(threshold=0.6, num_perm=64)
    index.add("original", ORIGINAL, published="2015-12-04")
    index.add("other", REWRITE, published="2015-12-03")
    copy = NearDuplicateIndex.from_bytes(index.to_bytes())
    assert (copy.threshold, copy.num_perm, len(copy)) == (0.6, 64, 2)
    assert copy.query(WIRE_COPY) == index.query(WIRE_COPY)
    assert copy.published("original") == "2015-12-04"


def test_signature_round_trips_through_bytes():
    index = NearDuplicateIndex()
    signature = signature_from_bytes(signature_to_bytes(index.signature(ORIGINAL)))
    assert index.add("original", "", signature=signature)
    assert index.query(WIRE_COPY)[0][0] == "original"
    assert index.signature_bytes("original") == signature_to_bytes(signature)
    assert index.signature_bytes("absent") is None


@pytest.mark.parametrize("data", [b"", b"not an index", NearDuplicateIndex().to_bytes()[:-1] + b"x"])
def test_from_bytes_rejects_other_data(data):
    with pytest.raises(ValueError):
        NearDuplicateIndex.from_bytes(data)


def test_find_original_prefers_earliest_of_equal_copies():
    index = NearDuplicateIndex()
    index.add("later", ORIGINAL, published="2015-12-05")
    index.add("earlier", ORIGINAL, published="2015-12-04")
    assert find_original({"id": "new", "body": WIRE_COPY}, index)[0] == "earlier"
    assert find_original({"id": "new", "body": REWRITE}, index) is None
    assert find_original({"id": "earlier", "body": ORIGINAL}, index)[0] == "later"  # never itself


def test_flag_near_duplicates_links_copies_and_indexes_originals():
    docs = [{"id": "a", "body": ORIGINAL}, {"id": "b", "body": REWRITE}, {"id": "c", "body": WIRE_COPY}]
    index = NearDuplicateIndex()
    copies = flag_near_duplicates(docs, index)
    assert list(copies) == ["c"] and copies["c"][0] == "a"
    assert "a" in index and "b" in index and "c" not in index


def test_bbc_politics_near_duplicates():
    """The BBC corpus repeats some stories; measured with bench/neardup_bbc.py at the default threshold."""
    path = shared_path("data", "news", "bbc_fulltext_2004_2005.jsonl")
    with path.open(encoding="utf-8") as lines:
        docs = [{"id": row["id"], "body": row["text"]} for row in map(json.loads, lines)
                if row["category"] == "politics"]
    copies = flag_near_duplicates(docs, NearDuplicateIndex())
    assert len(docs) == 417
    assert len(copies) == 27
    assert all(jaccard(next(d["body"] for d in docs if d["id"] == c), next(
        d["body"] for d in docs if d["id"] == o)) >= 0.4 for c, (o, _) in copies.items())
