"""Near-duplicate documents: wire copies and lightly edited rewrites, found at ingest with MinHash/LSH.

A document is reduced to the set of its word 5-grams ("shingles") after normalisation (case folded, accents
and punctuation dropped), and two documents are near-duplicates when the Jaccard similarity of those sets is at
least `DEFAULT_THRESHOLD`.  MinHash signatures estimate that similarity and an LSH index (datasketch) finds
the candidates without comparing every pair, so a lookup costs the same with ten or a million documents held.

The index keeps only the signatures, and `to_bytes`/`from_bytes` round-trip it through a small self-describing
format (a JSON header and the raw signature words, no pickle) so the store can persist it in a BLOB column.
"""

from __future__ import annotations

import json
import re
import struct
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH

# Word 5-grams: long enough that two unrelated articles on the same story share almost none (agency phrases
# like "said in a statement on" are the longest common runs), short enough that one edited word only removes
# five shingles.  On the BBC corpus (bench/neardup_bbc.py) 5-grams separate the copies from the rest cleanly.
SHINGLE_WORDS = 5
# Jaccard similarity of shingle sets from which a document counts as a copy.  Wire copies with a new headline
# and a changed paragraph score 0.6-0.9; different articles on the same event score under 0.2 (the test corpus
# in tests/test_neardup.py and bench/neardup_bbc.py), so 0.5 sits in the wide gap between the two.
DEFAULT_THRESHOLD = 0.5
# 128 permutations give a standard error of about 0.04 on the estimate near the threshold (1/sqrt(128*J)).
DEFAULT_NUM_PERM = 128
# Fixed so that signatures made in different processes (and stored ones) are comparable.
MINHASH_SEED = 1
# datasketch 2.0's default permutation scheme, named so stored signatures stay comparable if the default moves.
MINHASH_SCHEME = "affine32"
# Documents shorter than this many words are never flagged: a two-line brief shares its few shingles too
# easily with a longer story that quotes it.
MIN_WORDS = 25

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_FORMAT = b"detente.neardup.v1\n"


def normalise_words(text: str) -> list[str]:
    """The text's words, case folded and stripped of accents and punctuation."""
    folded = text.casefold()
    if not folded.isascii():  # the accent strip is the costly step; most English news never needs it
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WORD.findall(folded)


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """The set of word `size`-grams of the normalised text (the whole text when shorter)."""
    return _word_shingles(normalise_words(text), size)


def _word_shingles(words: list[str], size: int) -> set[bytes]:
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def jaccard(a: str, b: str) -> float:
    """Exact Jaccard similarity of two texts' shingle sets (for tests and benchmarks; the index estimates it)."""
    sa, sb = shingles(a), shingles(b)
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)


class NearDuplicateIndex:
    """MinHash/LSH index of document bodies: `add` originals, `query` a new body for its near-duplicates."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, num_perm: int = DEFAULT_NUM_PERM) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._signatures: dict[str, MinHash] = {}
        self._published: dict[str, str | None] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._signatures

    def signature(self, body: str) -> MinHash | None:
        """The body's MinHash signature, or None when it is too short to be judged."""
        words = normalise_words(body)
        if len(words) < MIN_WORDS:
            return None
        minhash = MinHash(num_perm=self.num_perm, seed=MINHASH_SEED, scheme=MINHASH_SCHEME)
        minhash.update_batch(list(_word_shingles(words, SHINGLE_WORDS)))
        return minhash

    def add(self, doc_id: str, body: str, published: str | None = None, signature: MinHash | None = None) -> bool:
        """Index a document; False (and nothing indexed) when it is too short or the id is already held."""
        if doc_id in self._signatures:
            return False
        minhash = signature if signature is not None else self.signature(body)
        if minhash is None:
            return False
        self._insert(doc_id, minhash, published)
        return True

    def _insert(self, doc_id: str, minhash: MinHash, published: str | None) -> None:
        self._lsh.insert(doc_id, minhash)
        self._signatures[doc_id] = minhash
        self._published[doc_id] = published

    def query(self, body: str) -> list[tuple[str, float]]:
        """Indexed documents whose estimated similarity to `body` reaches the threshold, most similar first."""
        return self.query_signature(self.signature(body))

    def query_signature(self, minhash: MinHash | None) -> list[tuple[str, float]]:
        """Like `query`, for a signature already computed with `signature` (None matches nothing)."""
        if minhash is None:
            return []
        # LSH returns candidates that share a band; the estimate drops the band collisions below threshold.
        scored = [(doc_id, float(minhash.jaccard(self._signatures[doc_id]))) for doc_id in self._lsh.query(minhash)]
        return sorted(((d, round(s, 4)) for d, s in scored if s >= self.threshold), key=lambda x: (-x[1], x[0]))

    def signature_bytes(self, doc_id: str) -> bytes | None:
        """The stored signature of an indexed document as bytes (see `signature_to_bytes`); None if absent."""
        minhash = self._signatures.get(doc_id)
        return signature_to_bytes(minhash) if minhash is not None else None

    def published(self, doc_id: str) -> str | None:
        """The publication date recorded with an indexed document."""
        return self._published.get(doc_id)

    def to_bytes(self) -> bytes:
        """The index as bytes: a JSON header line (settings, ids, dates) followed by the signatures."""
        ids = sorted(self._signatures)
        header = json.dumps({
            "threshold": self.threshold, "num_perm": self.num_perm, "seed": MINHASH_SEED, "scheme": MINHASH_SCHEME,
            "shingle_words": SHINGLE_WORDS, "ids": ids, "published": [self._published[i] for i in ids],
        }).encode("utf-8")
        words = np.stack([self._signatures[i].hashvalues for i in ids]) if ids else np.zeros((0, self.num_perm))
        return _FORMAT + struct.pack("<Q", len(header)) + header + words.astype("<u8").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> NearDuplicateIndex:
        """Rebuild an index written by `to_bytes`."""
        if not data.startswith(_FORMAT):
            raise ValueError("not a detente near-duplicate index")
        offset = len(_FORMAT)
        (size,) = struct.unpack_from("<Q", data, offset)
        offset += 8
        header = json.loads(data[offset:offset + size].decode("utf-8"))
        settings = (header.get("seed"), header.get("scheme"), header.get("shingle_words"))
        if settings != (MINHASH_SEED, MINHASH_SCHEME, SHINGLE_WORDS):
            raise ValueError("near-duplicate index was built with other shingling settings; rebuild it")
        index = cls(threshold=header["threshold"], num_perm=header["num_perm"])
        words = np.frombuffer(data, dtype="<u8", offset=offset + size).reshape(len(header["ids"]), index.num_perm)
        for doc_id, published, hashvalues in zip(header["ids"], header["published"], words):
            minhash = MinHash(num_perm=index.num_perm, seed=MINHASH_SEED, scheme=MINHASH_SCHEME,
                              hashvalues=hashvalues.astype(np.uint64))
            index._insert(doc_id, minhash, published)
        return index


def signature_scheme(index: NearDuplicateIndex) -> str:
    """Names the settings a signature depends on, so one made under other settings is never compared."""
    return f"minhash-{MINHASH_SCHEME}-seed{MINHASH_SEED}-shingle{SHINGLE_WORDS}-perm{index.num_perm}"


def signature_to_bytes(minhash: MinHash) -> bytes:
    """One document's signature as bytes (num_perm little-endian words), for a per-document store column."""
    return minhash.hashvalues.astype("<u8").tobytes()


def signature_from_bytes(data: bytes) -> MinHash:
    """A signature written by `signature_to_bytes`; pass it to `NearDuplicateIndex.add(signature=...)`."""
    words = np.frombuffer(data, dtype="<u8").astype(np.uint64)
    return MinHash(num_perm=len(words), seed=MINHASH_SEED, scheme=MINHASH_SCHEME, hashvalues=words)


def _field(doc: Any, name: str) -> Any:
    return doc.get(name) if isinstance(doc, Mapping) else getattr(doc, name, None)


def find_original(doc: Any, index: NearDuplicateIndex) -> tuple[str, float] | None:
    """The indexed document that `doc` (a Document or record) copies: most similar, then earliest; else None."""
    return _original_of(_field(doc, "id"), index.signature(_field(doc, "body") or ""), index)


def _original_of(doc_id: str | None, minhash: MinHash | None, index: NearDuplicateIndex) -> tuple[str, float] | None:
    matches = [(other, sim) for other, sim in index.query_signature(minhash) if other != doc_id]
    if not matches:
        return None
    # Among equally close copies the earliest published is the original; undated ones sort last, ids break ties.
    best = min(matches, key=lambda m: (-m[1], index.published(m[0]) or "9999", m[0]))
    return best


def flag_near_duplicates(docs: Iterable[Any], index: NearDuplicateIndex) -> dict[str, tuple[str, float]]:
    """Check documents in order against the index, adding each original; {copy id: (original id, similarity)}."""
    copies: dict[str, tuple[str, float]] = {}
    for doc in docs:
        doc_id, body = _field(doc, "id"), _field(doc, "body") or ""
        minhash = index.signature(body)
        original = _original_of(doc_id, minhash, index)
        if original is not None:
            copies[doc_id] = original
        elif minhash is not None:
            index.add(doc_id, body, _field(doc, "published"), signature=minhash)
    return copies
