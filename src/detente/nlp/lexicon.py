"""Loader for the event trigger lexicon and the cue words the cheap prefilter looks for (data/events/).

`triggers.yaml` holds, per PLOVER category, verb, noun and phrase triggers ("lemma/mode"), plus the cue words
that shape actors and status (reporting verbs, light verbs, intention verbs ...).  `plover.yaml` holds each
category's quad code, scale and CAMEO root.  Both are read once per process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

VOWELS = set("aeiou")
# Category of the lexicon's non-event phrases: a match that silences its head word.
NON_EVENT = "NONE"


@dataclass(frozen=True)
class Trigger:
    """One lexicon reading: the PLOVER category, an optional mode, and how it was written ("verb:agree")."""

    category: str
    mode: str | None
    rule: str
    cameo: str | None = None  # a CAMEO root finer than the category's own ("call for" is 02 appeal, not 10)


@dataclass(frozen=True)
class Phrase:
    """A multiword trigger: a head lemma plus lemmas that must appear among its dependents."""

    head: str
    children: tuple[str, ...]
    trigger: Trigger


@dataclass
class Lexicon:
    """The trigger lexicon, indexed by lemma for constant-time lookups per token."""

    verbs: dict[str, Trigger] = field(default_factory=dict)
    nouns: dict[str, Trigger] = field(default_factory=dict)
    phrases: dict[str, list[Phrase]] = field(default_factory=dict)
    cues: dict[str, frozenset[str]] = field(default_factory=dict)
    contexts: dict[str, str] = field(default_factory=dict)  # lemma -> context
    irregular: dict[str, list[str]] = field(default_factory=dict)
    categories: dict[str, dict[str, Any]] = field(default_factory=dict)


def _read_yaml(name: str) -> Any:
    text = resources.files("detente").joinpath(f"data/events/{name}").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _split_entry(entry: str) -> tuple[str, str | None, str | None]:
    """("lemma words", mode, cameo) of an entry written "lemma", "lemma/mode" or "lemma/mode/cameo"."""
    lemma, _, rest = str(entry).partition("/")
    mode, _, cameo = rest.partition("/")
    return lemma.strip().lower(), (mode.strip() or None), (cameo.strip() or None)


@lru_cache(maxsize=1)
def categories() -> dict[str, dict[str, Any]]:
    """PLOVER category table (quad_code, event_scale, cameo, mode_scale ...) from plover.yaml."""
    return _read_yaml("plover.yaml")


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The trigger lexicon of triggers.yaml; a word form listed under two categories is a data error."""
    data = _read_yaml("triggers.yaml")
    lexicon = Lexicon(categories=categories())
    for category in lexicon.categories:
        block = data.get(category) or {}
        for kind, table in (("verb", lexicon.verbs), ("noun", lexicon.nouns)):
            for entry in block.get(kind + "s") or []:
                lemma, mode, cameo = _split_entry(entry)
                if lemma in table:
                    raise ValueError(f"trigger {kind} {lemma!r} listed under {table[lemma].category} and {category}")
                table[lemma] = Trigger(category, mode, f"{kind}:{lemma}", cameo)
        for entry in block.get("phrases") or []:
            words, mode, cameo = _split_entry(entry)
            head, *children = words.split()
            phrase = Phrase(head, tuple(children), Trigger(category, mode, f"phrase:{words}", cameo))
            for other in lexicon.phrases.get(head, []):
                if set(other.children) == set(children):
                    raise ValueError(f"trigger phrase {words!r} listed under {other.trigger.category} and {category}")
            lexicon.phrases.setdefault(head, []).append(phrase)
    # Phrases that make their head no trigger at all ("sworn in" is an inauguration, not a vow).
    for words in data.get("non_events") or []:
        head, *children = str(words).lower().split()
        phrase = Phrase(head, tuple(children), Trigger(NON_EVENT, None, f"non-event:{words}"))
        lexicon.phrases.setdefault(head, []).append(phrase)
    # Longer phrases first so "walk out of" wins over "walk out".
    for phrases in lexicon.phrases.values():
        phrases.sort(key=lambda p: -len(p.children))
    lexicon.cues = {name: frozenset(words) for name, words in (data.get("cues") or {}).items()}
    for context, words in (data.get("contexts") or {}).items():
        for word in words:
            lexicon.contexts.setdefault(word, context)
    lexicon.irregular = data.get("irregular") or {}
    return lexicon


def inflections(lemma: str, irregular: dict[str, list[str]] | None = None) -> set[str]:
    """Likely surface forms of an English lemma (over-generating is harmless for a prefilter)."""
    forms = {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "d", lemma + "ing"}
    if lemma.endswith("e"):
        forms.add(lemma[:-1] + "ing")
    if lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in VOWELS:
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if len(lemma) > 2 and lemma[-1] not in VOWELS | {"w", "x", "y"} and lemma[-2] in VOWELS \
            and lemma[-3] not in VOWELS:
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    forms.update((irregular or {}).get(lemma, []))
    return forms


@lru_cache(maxsize=1)
def prefilter_forms() -> frozenset[str]:
    """Lower-case word forms whose presence makes a paragraph worth a full parse."""
    data = _read_yaml("prefilter.yaml")
    forms = {w.lower() for group in data.values() for w in group}
    lexicon = load_lexicon()
    lemmas = set(lexicon.verbs) | set(lexicon.nouns) | set(lexicon.phrases)
    lemmas |= lexicon.cues.get("reporting", frozenset()) | lexicon.cues.get("intention", frozenset())
    lemmas |= lexicon.cues.get("demand", frozenset())
    for lemma in lemmas:
        forms |= {f.lower() for f in inflections(lemma, lexicon.irregular)}
    # Hyphenated triggers ("cease-fire") reach the prefilter split on hyphens too.
    forms |= {part for form in list(forms) if "-" in form for part in form.split("-") if len(part) > 3}
    return frozenset(forms)
