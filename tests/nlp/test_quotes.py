"""Quotes: kinds, speakers, cues, quote marks across paragraphs, malformed text, title and caption lines."""

from __future__ import annotations

import json

import pytest

from detente.model import Document
from detente.nlp.quotes import MAX_QUOTE_CHARS, cue_forms, find_quote_spans
from detente.nlp.parse import split_paragraphs
from detente.pipeline import REGISTRY, Pipeline, load_builtins
from tests.paths import shared_path

LAVROV = "Russian Foreign Minister Sergei Lavrov arrived in Geneva on Monday. "
KERRY = "US Secretary of State John Kerry arrived in Moscow on Tuesday. "


@pytest.fixture(scope="module")
def quotes_pipeline():
    """Paragraphs, parse and quotes only, so that these cases do not depend on the actors stage."""
    return Pipeline(names=["prefilter", "parse", "quotes"])


def run(pipeline, body: str, title: str | None = None) -> list:
    return pipeline(Document(body=body, title=title, published="2015-12-16")).quotes


def speaker_name(quote) -> str | None:
    if quote.speaker is None:
        return None
    return quote.speaker.identifier_text or quote.speaker.entity_text


@pytest.mark.parametrize("body, kind, text, speaker, cue", [
    # direct, curly marks, "X said" after the quote
    (LAVROV + "“We will not retreat,” Lavrov said.", "direct", "We will not retreat,", "Sergei Lavrov",
     "said"),
    # direct, straight marks, "X said:" before the quote
    (LAVROV + 'Lavrov said: "We support the idea of a meeting in New York."', "direct",
     "We support the idea of a meeting in New York.", "Sergei Lavrov", "said"),
    # inverted frame: "said X"
    ('"The talks are over," said John Kerry.', "direct", "The talks are over,", "John Kerry", "said"),
    # a cue outside the prefilter's words (the paragraph is not parsed)
    (LAVROV + "“Nobody wants this war,” Lavrov warned.", "direct", "Nobody wants this war,", "Sergei Lavrov",
     "warned"),
    # he -> the latest person mention in the same or previous sentence
    (KERRY + '"We found common ground," he said.', "direct", "We found common ground,", "John Kerry", "said"),
    # a role noun -> the latest person holding that title
    ("Foreign Minister Sergei Lavrov met John Kerry on Tuesday. "
     '"The meeting was useful," the minister said.', "direct", "The meeting was useful,", "Sergei Lavrov", "said"),
    # an unnamed spokesman keeps his description
    ('"We reject the accusations," a spokesman for the foreign ministry said.', "direct",
     "We reject the accusations,", "a spokesman for the foreign ministry", "said"),
    # according to X
    ("The talks will resume in January, according to a spokesman for the United Nations.", "indirect",
     "The talks will resume in January", "a spokesman for the United Nations", "according to"),
    # indirect: the complement clause of the cue verb
    (LAVROV + "Lavrov said Russia supported the idea of new talks.", "indirect",
     "Russia supported the idea of new talks", "Sergei Lavrov", "said"),
    # partial, double quotes, speaker named by surname -> full name met earlier
    (KERRY + 'Kerry said the two sides had found "common ground" on the opposition.', "partial",
     "common ground", "John Kerry", "said"),
    # partial, single quotes
    ("Foreign Minister Sergei Lavrov says Russia 'supports' a new round of talks.", "partial", "supports",
     "Sergei Lavrov", "says"),
])
def test_quote_kind_speaker_and_cue(quotes_pipeline, body, kind, text, speaker, cue):
    quotes = run(quotes_pipeline, body)
    found = [q for q in quotes if q.kind == kind and q.text == text]
    assert found, [(q.kind, q.text) for q in quotes]
    quote = found[0]
    # a person is checked by resolved name, an unnamed speaker by the words that describe it
    assert speaker in (speaker_name(quote), quote.speaker.entity_text)
    assert quote.cue == cue
    assert body[quote.start:quote.end] == text


@pytest.mark.parametrize("body", [
    # a paragraph-spanning quote: the first paragraph opens and does not close, the next opens again
    LAVROV + "Lavrov said: “We support the talks.\n\n“We will attend on Friday.”",
])
def test_quote_spanning_paragraphs_is_one_quote(quotes_pipeline, body):
    quotes = [q for q in run(quotes_pipeline, body) if q.kind == "direct"]
    assert len(quotes) == 1
    assert quotes[0].text == "We support the talks. We will attend on Friday."
    assert speaker_name(quotes[0]) == "Sergei Lavrov"


@pytest.mark.parametrize("body, texts", [
    # continued after "he added"
    (LAVROV + "“We support the talks,” Lavrov said. “We will attend,” he added.",
     ["We support the talks,", "We will attend,"]),
    # interrupted by its frame
    (LAVROV + "“We support the talks,” Lavrov said, “and we will attend.”",
     ["We support the talks,", "and we will attend."]),
    # a bare quote in the next paragraph continues the previous speaker's
    (LAVROV + "“We support the talks,” Lavrov said.\n\n“We will attend on Friday.”",
     ["We support the talks,", "We will attend on Friday."]),
])
def test_continued_quotes_keep_the_speaker(quotes_pipeline, body, texts):
    quotes = [q for q in run(quotes_pipeline, body) if q.kind == "direct"]
    assert [q.text for q in quotes] == texts
    assert all(speaker_name(q) == "Sergei Lavrov" for q in quotes)


@pytest.mark.parametrize("body", [
    "Russia's foreign minister said he didn't expect Assad's fall.",
    "The rebels' statement rejected the plan; the Kurds’ leaders don’t agree.",
    "Music of the ’90s and rock ’n’ roll.",
])
def test_apostrophes_are_not_quote_marks(body):
    assert find_quote_spans(body, split_paragraphs(body)) == []


@pytest.mark.parametrize("body", [
    "The rebels want a \"transitional\" administration by June.",
    "Lavrov said the so-called 'moderate' rebels must join the talks.",
    "The statement insisted on removing Assad before any 'transition' takes place.",
    "He watched \"Meet the Press\" on Sunday.",
])
def test_labels_and_scare_quotes_are_not_quotes(quotes_pipeline, body):
    assert [q for q in run(quotes_pipeline, body) if q.kind != "indirect"] == []


@pytest.mark.parametrize("body", [
    'He said "we will go.\n\nNothing else happened. Later the talks began.',
    "“" + "word " * 20000,
    ("“Unclosed paragraph goes on.\n\n" * 40) + "The end.",
    '"' * 7 + " odd marks " + "'" * 5,
    "“”‘’\"'",
    "",
    "said: “",
])
def test_malformed_quote_marks_never_crash_or_run_away(quotes_pipeline, body):
    spans = find_quote_spans(body, split_paragraphs(body))
    assert all(0 <= s.start <= s.end <= len(body) and s.end - s.start <= MAX_QUOTE_CHARS for s in spans)
    doc = quotes_pipeline(Document(body=body or " ", published="2015-12-16"))
    assert doc.rejected is None
    assert all(q.end - q.start <= MAX_QUOTE_CHARS for q in doc.quotes)


def test_unclosed_mark_inside_a_paragraph_quotes_nothing():
    body = 'He said "we will go and then nothing else.\n\nThe talks began.'
    assert find_quote_spans(body, split_paragraphs(body)) == []


@pytest.mark.parametrize("body, title", [
    # a photo caption repeating what the body says
    ("Lavrov said Russia supported the talks in New York (AFP)\n\nThe talks went ahead.", None),
    # the title line repeated in the body
    ("Lavrov says Russia 'supports' the talks\n\nThe talks went ahead.",
     "Lavrov says Russia 'supports' the talks"),
])
def test_title_and_caption_lines_are_not_quotes(quotes_pipeline, body, title):
    assert run(quotes_pipeline, body, title) == []


def test_the_same_words_quoted_twice_are_one_quote(quotes_pipeline):
    body = (LAVROV + "“We will not retreat,” Lavrov said.\n\n"
            "Later on Monday he repeated: “We will not retreat,” to reporters.")
    quotes = [q for q in run(quotes_pipeline, body) if q.kind == "direct"]
    assert len(quotes) == 1
    assert quotes[0].start < len(LAVROV) + 30


def test_cue_forms_include_the_inflections():
    assert {"said", "says", "told", "added", "according", "insisted", "warned"} <= cue_forms()


def test_seed_article_quotes(pipeline_for_seed):
    expected = json.loads(shared_path("examples", "mee-2015-12-16-syria-talks.expected.json").read_text())
    body = shared_path("examples", "mee-2015-12-16-syria-talks.txt").read_text(encoding="utf-8")
    doc = pipeline_for_seed(Document(body=body, published="2015-12-16"))
    for item in expected["quotes"]:
        found = [q for q in doc.quotes if q.kind == item["kind"] and q.text == item["text"]]
        if item.get("optional") and not found:
            continue
        assert found, item
        assert speaker_name(found[0]) == item["speaker"]
        if "actors" in REGISTRY:
            assert found[0].speaker.label() == item["actor"]
    # the caption "Lavrov said Russia supported ... (AFP)" repeats the body: no quote starts there
    caption = body.index("Lavrov said Russia supported")
    assert not [q for q in doc.quotes if caption <= q.start < caption + 70]


@pytest.fixture(scope="module")
def pipeline_for_seed():
    """The stages quotes builds on that exist in this checkout (actors codes the speakers when present)."""
    load_builtins()
    return Pipeline(names=[n for n in ("prefilter", "parse", "actors", "quotes") if n in REGISTRY])


@pytest.mark.parametrize("body, text, speaker, cue", [
    ("“We will not retreat,” Lavrov warned.", "We will not retreat,", "Lavrov", "warned"),
    ('Lavrov told reporters: "We support the talks."', "We support the talks.", "Lavrov", "told"),
    ("Lavrov said Russia 'supports' the talks.", "supports", "Lavrov", "said"),
])
def test_quotes_without_the_parse_stage(body, text, speaker, cue):
    doc = Pipeline(names=["prefilter", "quotes"])(Document(body=body, published="2015-12-16"))
    found = [q for q in doc.quotes if q.text == text]
    assert found and found[0].speaker.entity_text == speaker and found[0].cue == cue


@pytest.mark.parametrize("body, kind, text, speaker", [
    # a cue set into the middle of what was said
    (LAVROV + "In a merger, Lavrov said, the Russian brand would survive.", "indirect",
     "In a merger the Russian brand would survive", "Lavrov"),
    # the frame nearest the quote gives the speaker; a leading "As" is no part of it
    ("When Michael Flynn was asked about the war, he said, “I mean, stop it with that kind of stuff.”",
     "direct", "I mean, stop it with that kind of stuff.", "Flynn"),
    ('As one employee told the local paper, "She wants to put fear in our hearts."', "direct",
     "She wants to put fear in our hearts.", "one employee"),
    # a title abbreviation and a party-state tag inside the speaker
    ('"We cannot have people deny the right," Rep. John Mica (R-Fla.) said.', "direct",
     "We cannot have people deny the right,", "Mica"),
    # an infinitive, an object, a label and a topic preposition as what was reported
    ("The newspaper urged Clinton to make a decision on the merits.", "indirect",
     "Clinton to make a decision on the merits", "The newspaper"),
    ("Senator Warren denied the accusations of the campaign.", "indirect", "the accusations of the campaign",
     "Warren"),
    ("Donald Trump called the judge a hater of his campaign.", "indirect", "the judge a hater of his campaign",
     "Trump"),
    ("Bernie Sanders called for a ban on fracking.", "indirect", "a ban on fracking", "Sanders"),
])
def test_reported_content_and_frames(quotes_pipeline, body, kind, text, speaker):
    found = [(q.kind, q.text, speaker_name(q)) for q in run(quotes_pipeline, body)]
    assert any(k == kind and t == text and speaker in (s or "") for k, t, s in found), found


def test_agreeing_to_act_is_no_quote_of_the_parties(quotes_pipeline):
    body = "Egypt and Ethiopia agreed on Sunday to resume talks on the dam, African Union officials said."
    found = [(q.text, speaker_name(q)) for q in run(quotes_pipeline, body)]
    assert found == [("Egypt and Ethiopia agreed on Sunday to resume talks on the dam", "African Union")], found


def test_unframed_direct_quote_is_kept_with_the_previous_speaker(quotes_pipeline):
    body = (KERRY + '"We found common ground," Kerry said.\n\n'
            "Then the ministers went to dinner.\n\n"
            '"This is a good day for diplomacy and for peace."')
    quotes = run(quotes_pipeline, body)
    last = [q for q in quotes if q.text.startswith("This is a good day")]
    assert [(q.kind, speaker_name(q)) for q in last] == [("direct", "John Kerry")]


def test_unframed_direct_quote_far_from_any_speaker_has_none(quotes_pipeline):
    quotes = run(quotes_pipeline, 'The weather was fine.\n\n"This is a good day for diplomacy and for peace."')
    assert [(q.kind, q.speaker) for q in quotes] == [("direct", None)]


@pytest.mark.parametrize("body, text, speaker", [
    # a participle qualifying a noun: the noun speaks
    ("The campaign sent out a fundraising email stressing the impact of the bid on the front-runner.",
     "the impact of the bid on the front-runner", "a fundraising email"),
])
def test_participle_speakers(quotes_pipeline, body, text, speaker):
    found = [(q.text, q.speaker and q.speaker.entity_text) for q in run(quotes_pipeline, body)]
    assert (text, speaker) in found, found


def test_a_participle_in_a_prepositional_phrase_has_no_noun_speaker(quotes_pipeline):
    body = "The statement insisted on elections, in effect calling on him to leave office by June."
    assert all((q.speaker and q.speaker.entity_text) != "effect" for q in run(quotes_pipeline, body))
