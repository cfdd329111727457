"""Cue words and frames of the quotes stage: the lexicon of data/quotes/cues.yaml and the regex frames
("...," he said; said X; X said: "...") that find a cue and its speaker where the parse does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

AUXILIARIES = ("has|have|had|is|was|were|also|later|then|further|again|once|would|will|recently|previously"
               "|earlier|simply|just|quickly|subsequently|repeatedly|often|has long|had long|never|did|does")
# '"...," he answered': any verb right after a pronoun or name that follows a closing quote is its cue.
GENERIC_FRAME = re.compile(r"^[\s,.!?;:—–-]*(?P<spk>[Hh]e|[Ss]he|(?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’.-]*)"
                           r"\s+"
                           r"(?P<cue>[a-z]{3,}(?:ed|es|s))\b(?=\s*(?:[,.;:!?]|$))")
# '"..." ― Karen Bobadilla': a dash and a name (and what describes them) closing the quote's sentence, the way
# round-ups and epigraphs credit a quote.
DASH_SPEAKER = re.compile(r"^\s*(?P<cue>[―—–])\s*(?P<spk>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,4})"
                          r"\s*(?:,[^\n\"“”]{0,80})?\s*$")
# "Gerald F. Seib, The Wall Street Journal: "..."": a name and its affiliation opening a paragraph of a round-up.
LISTED_SPEAKER = re.compile(r"\s*(?P<spk>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}\s*,[^,:;\"“”\n]{1,50}?)"
                            r"\s*:\s*$")
COLON_SPEAKER = re.compile(r"(?:^|(?<=[\s(]))(?P<spk>(?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’.-]*)\s*:\s*$")


@dataclass(frozen=True)
class CueLexicon:
    """The cue words of data/quotes/cues.yaml, by role (forms map an inflected form to its lemma)."""

    speech_forms: dict[str, str]
    thought_forms: dict[str, str]
    phrases: tuple[str, ...]
    offices: frozenset[str]
    label_words: frozenset[str]
    person_pronouns: frozenset[str]
    noun_cues: frozenset[str]  # "his claim that ...": nouns whose clause is what someone said or holds
    evidence_nouns: frozenset[str]  # "polls show ...": subjects that report a finding
    turn_labels: frozenset[str]  # "VIDEO:", "The Latest:": a label before a colon, not a speaker
    speech_lemmas: frozenset[str]  # cue direct, partial and indirect quotes
    cue_lemmas: frozenset[str]  # speech and thought verbs: cue partial and indirect quotes
    # "went after", "laid out": an inflected form of a phrasal cue's verb -> the word sequences after it
    phrasal: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    adjective_cues: frozenset[str] = frozenset()  # "are wary of ...": a view held by the copula's subject
    side_verbs: frozenset[str] = frozenset()  # "endorsed him": a pronoun object is still content
    light_verbs: frozenset[str] = frozenset()  # "made comments about ...": the subject says the cue noun

    def lemma_of(self, token: Any) -> str:
        """The lexicon's lemma for a parsed token: spaCy lemmatises "recognizes" to "recognize", the lexicon
        files it under "recognise", so the lemma is looked up among the inflected forms first; then the word
        itself, whose lemma spaCy sometimes gets wrong ("hoping" -> "hop", "extolled" -> "extoll")."""
        lemma, form = token.lemma_.lower(), token.lower_
        return (self.speech_forms.get(lemma) or self.thought_forms.get(lemma) or self.speech_forms.get(form)
                or self.thought_forms.get(form) or lemma)


@lru_cache(maxsize=1)
def cue_lexicon() -> CueLexicon:
    """The cue lexicon, loaded once per process."""
    data = yaml.safe_load(resources.files("detente").joinpath("data/quotes/cues.yaml").read_text(encoding="utf-8"))
    speech, thought = ({f.lower(): lemma for lemma, fs in data[group].items() for f in fs}
                       for group in ("speech", "thought"))
    thought.update({f.lower(): lemma for lemma, fs in data.get("judgement", {}).items() for f in fs})
    words = lambda key: frozenset(w.lower() for w in data[key])  # noqa: E731
    phrasal = {form.lower(): tuple(tuple(phrase.lower().split()) for phrase in entry["phrases"])
               for entry in data.get("phrasal", {}).values() for form in entry["forms"]}
    return CueLexicon(speech, thought, tuple(data["phrases"]), words("offices"), words("label_words"),
                      words("person_pronouns"), words("noun_cues"), words("evidence_nouns"), words("turn_labels"),
                      frozenset(speech.values()), frozenset(speech.values()) | frozenset(thought.values()), phrasal,
                      words("adjective_cues"), words("side_verbs"), words("light_verbs"))


@lru_cache(maxsize=1)
def cue_forms() -> frozenset[str]:
    """Every inflected cue word (for the prefilter: a paragraph holding one is worth a parse)."""
    lex = cue_lexicon()
    words = {w for phrase in lex.phrases for w in phrase.split()}
    nouns = set(lex.noun_cues) | {noun + "s" for noun in lex.noun_cues}
    return frozenset(set(lex.speech_forms) | set(lex.thought_forms) | words | nouns | set(lex.phrasal)
                     | lex.adjective_cues)


@lru_cache(maxsize=1)
def frame_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """Regexes for the "he said" frame after a quote, "said X" after it, and "X said:" before it.

    Cue words match in lower case only, so that "State" in "State Department" is no cue.
    """
    forms = "|".join(sorted(map(re.escape, cue_lexicon().speech_forms), key=len, reverse=True))
    # A speaker may hold titles and state abbreviations ("Rep. John Mica (R-Fla.)", "Glenn Thompson, R-Pa.,").
    abbreviation = r"[A-Z][a-z]{0,3}\.(?=[\s,)])|\([^()\n]{1,20}\)"
    speaker = (rf"(?P<spk>(?:{abbreviation}|[^,.;:!?\"“”‘’\n]){{1,80}}?)"
               rf"(?:\s*,(?:{abbreviation}|[^,.;!?\"“”\n]){{1,90}},)?")
    aux = rf"(?:(?:{AUXILIARIES})\s+){{0,3}}"
    after_speaker_cue = re.compile(rf"^[\s,.!?;:—–-]*{speaker}\s+{aux}(?P<cue>{forms})\b")
    after_cue_speaker = re.compile(
        rf"^[\s,.!?;:—–-]*(?P<cue>{forms})\s+"
        rf"(?P<spk>(?:the |a |an )?(?:{abbreviation}|[^,.;:!?\"“”\n]){{1,80}}?)"
        r"(?=\s*(?:[,.;:!?\"“”]|$|\b(?:who|in|on|at|during|after|before|when|while|to|from|of)\b))")
    before = re.compile(
        rf"{speaker}\s+{aux}(?P<cue>{forms})\b[^\"“”.!?]{{0,120}}?[:,]?\s*$"
        r"|[Aa]ccording to\s+(?P<spk2>[^,.;:!?\"“”\n]{1,80}?)\s*[:,]?\s*$")
    return after_speaker_cue, after_cue_speaker, before



@lru_cache(maxsize=1)
def lead_cue_pattern() -> re.Pattern:
    """"X said" (a speaker then a speech or thought verb) anywhere before a partial quote."""
    lex = cue_lexicon()
    forms = "|".join(sorted(map(re.escape, set(lex.speech_forms) | set(lex.thought_forms)), key=len,
                            reverse=True))
    aux = rf"(?:(?:{AUXILIARIES})\s+){{0,3}}"
    return re.compile(rf"(?:^|(?<=[\s,(]))(?P<spk>(?:[A-Z][\w'’.-]*\s+){{0,4}}[A-Z][\w'’.-]*|[Hh]e|[Ss]he"
                      rf"|(?:[Tt]he|[Aa]n?)\s+[a-z][\w -]{{0,40}}?)(?:\s*,[^,\"“”]{{1,90}},)?\s+{aux}"
                      rf"(?P<cue>{forms})\b")



@dataclass
class Attribution:
    """A speaker span and cue found for a quote, before the speaker is resolved."""

    cue: str
    speaker_start: int | None
    speaker_end: int | None
    # A relative pronoun speaker ("Leeds, who told ...") keeps its own span; its antecedent says who it is.
    referent_start: int | None = None
    referent_end: int | None = None
