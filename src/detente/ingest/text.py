"""Bytes to clean text: binary detection, encoding detection, line endings and paragraph normalisation.

`decode` turns raw bytes into a string or raises `DetenteError` (E102 binary, E103 undecodable).
`split_paragraphs` and `normalise` give the body form every later stage relies on: paragraphs separated by
exactly one blank line ("\\n\\n"), no trailing spaces, runs of blanks collapsed, hard-wrapped lines joined.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

from detente.errors import DetenteError

# Byte-order marks, longest first so that UTF-32 LE is not mistaken for UTF-16 LE.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Leading bytes of the binary formats most often fed to a text tool by mistake.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\xd0\xcf\x11\xe0", "legacy Office document"),
    (b"\x7fELF", "executable"),
    (b"RIFF", "RIFF media"),
    (b"ID3", "MP3 audio"),
)

# How much of the input the binary sniffing looks at; enough to see control bytes, cheap on large files.
SNIFF_BYTES = 8192
# Share of C0 control bytes (other than tab, newline, carriage return, form feed) above which the input is
# binary: text files have none, while compressed or executable data has about 1/8 of its bytes there.
MAX_CONTROL_SHARE = 0.05
CONTROL_BYTES = bytes(sorted(frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}))

# charset-normalizer cannot tell the single-byte Latin code pages apart on short English text (it often says
# cp1250 or iso8859_14 for windows-1252 input).  The WHATWG Encoding Standard decodes all "latin-1" labels as
# windows-1252, which is also by far the most common legacy encoding of English news, so it wins among these.
WESTERN_SINGLE_BYTE = re.compile(r"^(cp125[02]|latin_1|iso8859_(1|2|3|4|9|10|13|14|15|16)|mac_(roman|latin2)|cp850)$")

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")
BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
# Runs of blanks, and single blanks other than a plain space (replacing every single space costs a call each).
INLINE_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}|[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
# Zero-width characters and soft hyphens that copy-paste leaves inside words, and stray control characters.
INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f]")

# Hard-wrapped text (e-mail, wire copy) has lines of at most this many characters; a saved web page puts
# each paragraph on one longer line, or a short line per caption or heading.
WRAP_WIDTH_MAX = 100
WRAP_WIDTH_MIN = 40
# Lines wrapped at one width differ by less than a long word.
WRAP_WIDTH_SPREAD = 20
SENTENCE_END = re.compile(r"""[.!?:;]["'\u201d\u2019)]*$""")


def sniff_binary(raw: bytes) -> str | None:
    """Name of the binary format `raw` looks like, or None when it may be text."""
    for magic, name in MAGIC:
        if raw.startswith(magic):
            return name
    head = raw[:SNIFF_BYTES]
    if not head:
        return None
    if b"\x00" in head:
        return None if _looks_utf16(head) else "contains NUL bytes"
    controls = len(head) - len(head.translate(None, CONTROL_BYTES))
    if controls / len(head) > MAX_CONTROL_SHARE:
        return "contains control bytes"
    return None


def _looks_utf16(head: bytes) -> bool:
    """True when NUL bytes sit on every other position, as in UTF-16 text without a byte-order mark."""
    even, odd = head[0::2], head[1::2]
    return even.count(0) > 0.4 * len(even) or odd.count(0) > 0.4 * len(odd)


def declared_charset(raw: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag, if Python knows it."""
    match = META_CHARSET.search(raw[:4096])
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def decode(raw: bytes, declared: str | None = None) -> str:
    """Raw bytes to text: BOM, then UTF-8, then a declared charset, then detection; E102/E103 on failure."""
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom):].decode(encoding)
            except UnicodeDecodeError as err:
                detail = f"invalid {encoding} after its byte-order mark: {err.reason}"
                raise DetenteError("E103", detail=detail) from err
    binary = sniff_binary(raw)
    if binary:
        raise DetenteError("E102", detail=binary)
    head = raw[:SNIFF_BYTES]
    if b"\x00" in head:
        # sniff_binary let NUL bytes through only in the UTF-16 pattern; the NUL side gives the byte order.
        encoding = "utf-16-le" if head[1::2].count(0) >= head[0::2].count(0) else "utf-16-be"
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as err:
            raise DetenteError("E103", detail=f"invalid {encoding}: {err.reason}") from err
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared and declared not in ("utf-8", "ascii"):
        try:
            return raw.decode(_whatwg(declared))
        except (UnicodeDecodeError, LookupError):
            pass
    best = from_bytes(raw).best()
    if best is None:
        raise DetenteError("E103", detail="no text encoding fits these bytes")
    encoding = best.encoding
    if WESTERN_SINGLE_BYTE.match(encoding):
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            pass
    return str(best)


def _whatwg(encoding: str) -> str:
    """Browsers decode pages labelled latin-1 as windows-1252; so do we."""
    return "cp1252" if encoding in ("iso8859-1", "latin-1", "latin_1") else encoding


def clean_line(line: str) -> str:
    """One line with invisible and control characters removed and runs of spaces collapsed."""
    return INLINE_SPACE.sub(" ", INVISIBLE.sub("", line)).strip()


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of `text`: blank lines separate them; inside a block, wrapped lines are joined, others split."""
    # Whole-text passes, each skipped when a cheap test shows it has nothing to do (the common case).
    ascii_only = text.isascii()
    if not ascii_only or "\r" in text or "\x0b" in text or "\x0c" in text:
        text = NEWLINES.sub("\n", text)
    text = INVISIBLE.sub("", text)
    if not ascii_only or "\t" in text or "  " in text:
        text = INLINE_SPACE.sub(" ", text)
    if not ascii_only:
        text = unicodedata.normalize("NFC", text)
    paragraphs: list[str] = []
    for block in BLANK_LINES.split(text):
        lines = [stripped for line in block.split("\n") if (stripped := line.strip())]
        if not lines:
            continue
        if _hard_wrapped(lines):
            paragraphs.append(" ".join(lines))
        else:
            paragraphs.extend(lines)
    return paragraphs


def _hard_wrapped(lines: list[str]) -> bool:
    """True when the block's lines are one paragraph wrapped at a fixed width (all but the last line full)."""
    if len(lines) < 2:
        return False
    body = lines[:-1]
    if any(not WRAP_WIDTH_MIN <= len(line) <= WRAP_WIDTH_MAX for line in body) or len(lines[-1]) > WRAP_WIDTH_MAX:
        return False
    # A list of short sentences (one per line) is not a wrapped paragraph.
    if sum(1 for line in body if SENTENCE_END.search(line)) > len(body) // 2:
        return False
    # Wrapping breaks lines mid-sentence, so most continuation lines start in lower case; a headline over a
    # standfirst, or a standfirst over a caption, starts each line with a capital.
    continued = sum(1 for line in lines[1:] if line[0].islower())
    same_width = max(len(line) for line in body) - min(len(line) for line in body) <= WRAP_WIDTH_SPREAD
    return continued * 2 >= len(lines) - 1 or (len(body) >= 2 and same_width)


def join_paragraphs(paragraphs: list[str]) -> str:
    """The body form: paragraphs separated by exactly one blank line."""
    return "\n\n".join(p for p in paragraphs if p)


def normalise(text: str) -> str:
    """Line endings, whitespace and paragraph breaks normalised to the body form."""
    return join_paragraphs(split_paragraphs(text))
