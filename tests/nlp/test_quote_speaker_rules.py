"""Speakers and cues of issue 6's second pass on PolNeAR: relative pronoun speakers, subjects carried across a
split sentence or out of a quote, the words a speaker delivers, taking-a-side verbs and one-word objects."""

from __future__ import annotations

import pytest

from detente.model import Document
from detente.pipeline import Pipeline


@pytest.fixture(scope="module")
def quotes_pipeline():
    """Paragraphs, parse, actors and quotes: speakers resolve to the people the document names."""
    return Pipeline(names=["prefilter", "parse", "actors", "quotes"])


def run(pipeline, body: str) -> list:
    return pipeline(Document(body=body, published="2016-10-01")).quotes


def found(quotes, body: str) -> list[tuple[str, str, str | None, str | None]]:
    """(kind, text, speaker span text, resolved name) of each quote."""
    return [(q.kind, q.text, q.speaker and body[q.speaker.start:q.speaker.end],
             q.speaker and q.speaker.identifier_text) for q in quotes]


@pytest.mark.parametrize("body, kind, text, speaker_span, speaker_name", [
    # a relative pronoun keeps its own span (as "he" does) and resolves to the person it stands for
    ("Trump met Jessica Leeds, who told the Times that Trump groped her.", "indirect", "that Trump groped her",
     "who", "Jessica Leeds"),
    # a sentence the parser split after a quote: "and said" shares the subject before the split
    ("Hillary Clinton marked several victories with a rally in Miami.\n\nShe declared “What a Super Tuesday!” "
     "and said that her campaign would continue to break barriers across the nation.", "indirect",
     "that her campaign would continue to break barriers across the nation", "She", "Hillary Clinton"),
    # a participle on the quote's own verb: the speaker is the subject of the frame set into the quote
    ("“To think of her being their boss, I don’t think so,” Donald Trump said, before suggesting that active "
     "duty generals are simply following protocol.", "indirect",
     "that active duty generals are simply following protocol", "Donald Trump", "Donald Trump"),
    # the words someone delivers are theirs, not the speech's
    ("Patricia Smith delivered an emotional speech blaming Clinton for her son’s death.", "indirect",
     "Clinton for her son’s death", "Patricia Smith", None),
    # taking a side, with a one-word object
    ("Former Governor Sarah Palin endorsed Trump in Iowa.", "indirect", "Trump", "Former Governor Sarah Palin",
     None),
    # voting for an act, which PolNeAR annotates as an attribution
    ("The House Oversight Committee voted 19-15 to send a contempt resolution to the full House.", "indirect",
     "to send a contempt resolution to the full House", "The House Oversight Committee", None),
    # a passive cue: the agent speaks, the passive subject is what it said something about
    ("This proposal was rejected by 64 percent of the electorate.", "indirect", "This proposal",
     "64 percent of the electorate", None),
    ("Trump was asked by reporters whether he would concede.", "indirect", "whether he would concede", "reporters",
     None),
    # a gerund is what was proposed, as an infinitive would be
    ("Senator Sheldon Whitehouse has proposed taxing carbon emissions.", "indirect", "taxing carbon emissions",
     "Senator Sheldon Whitehouse", None),
    # an owned noun cue with the object of its preposition
    ("Hillary Clinton renewed her long support for stem cell research.", "indirect", "stem cell research", "her",
     "Hillary Clinton"),
    # a round-up line: a name and its affiliation before a colon
    ("Here is what the pundits said.\n\nGerald F. Seib, The Wall Street Journal: \"It looked for a while as if "
     "Donald Trump had done what he needed.\"", "direct", "It looked for a while as if Donald Trump had done what he "
     "needed.", "Gerald F. Seib, The Wall Street Journal", "Gerald F. Seib"),
    # a lemma spaCy gets wrong ("hoping" -> "hop") still finds its cue
    ("Senator Bernie Sanders is hoping that young voters will turn out in large numbers.", "indirect",
     "that young voters will turn out in large numbers", "Senator Bernie Sanders", None),
])
def test_speakers_and_cues(quotes_pipeline, body, kind, text, speaker_span, speaker_name):
    quotes = found(run(quotes_pipeline, body), body)
    assert any(k == kind and t == text and s == speaker_span and (speaker_name is None or n == speaker_name)
               for k, t, s, n in quotes), quotes


@pytest.mark.parametrize("body", [
    # "attack" reports a view only when a person attacks: armed attacks are events
    "Rebels attacked the town of Homs on Monday.",
    "Russia attacked rebel positions near Aleppo.",
])
def test_armed_attacks_are_no_quotes(quotes_pipeline, body):
    assert [q for q in run(quotes_pipeline, body) if q.cue and q.cue.startswith("attack")] == []


def test_a_person_attacking_reports_a_view(quotes_pipeline):
    body = "Donald Trump spoke in Ohio on Monday. Trump attacked Hillary Clinton’s record on trade."
    quotes = [q for q in run(quotes_pipeline, body) if q.cue == "attacked"]
    assert [(q.text, q.speaker.identifier_text) for q in quotes] == [("Hillary Clinton’s record on trade",
                                                                       "Donald Trump")]


def test_markup_attributes_are_no_quotes(quotes_pipeline):
    body = ('Trump wrote on Twitter. <tweet pic="" author="realDonaldTrump" timestamp="1448038800" '
            'tweet_id="667777348029292544">I never suggested a database, a reporter did.')
    texts = [q.text for q in run(quotes_pipeline, body)]
    assert not any(t in ("realDonaldTrump", "1448038800", "667777348029292544") for t in texts), texts
