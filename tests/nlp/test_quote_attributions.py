"""Attributions beyond "X said" (issue 6, PolNeAR recall): transcripts, headline sources, beliefs, findings,
judgements, noun cues, and the rules that keep them precise."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from detente.model import Document
from detente.nlp.quote_cues import cue_forms, cue_lexicon
from detente.pipeline import Pipeline


@pytest.fixture(scope="module")
def quotes_pipeline():
    """Paragraphs, parse and quotes only, so that these cases do not depend on the actors stage."""
    return Pipeline(names=["prefilter", "parse", "quotes"])


def run(pipeline, body: str, title: str | None = None) -> list:
    return pipeline(Document(body=body, title=title, published="2016-10-01")).quotes


def found(quotes) -> list[tuple[str, str, str | None]]:
    """(kind, text, speaker words) of each quote."""
    return [(q.kind, q.text, q.speaker and q.speaker.entity_text) for q in quotes]


@pytest.mark.parametrize("body, kind, text, speaker", [
    # the outermost cue reports: the spokesman announced the plan ("plans" is no cue of its own here)
    ("In addition, the campaign plans to release more detailed medical records soon, a spokesman announced "
     "Monday morning.", "indirect", "In addition, the campaign plans to release more detailed medical records soon",
     "a spokesman"),
    # "as X pointed out, ...": the clause the cue is set into
    ("As many tax experts have pointed out, Mr. Trump is free to disclose his returns.", "indirect",
     "Mr. Trump is free to disclose his returns", "many tax experts"),
    # "calling for X to ...", which the parser makes an adverbial clause
    ("Hillary Clinton is calling for the United States to step up military efforts against the Islamic State.",
     "indirect", "the United States to step up military efforts against the Islamic State", "Hillary Clinton"),
    # a finding: evidence as subject of "show"
    ("Polling averages show Clinton with a lead in the low single digits.", "indirect",
     "Clinton with a lead in the low single digits", "Polling averages"),
    # a judgement with its reason, and a view cast "as" something
    ("Obama blasted Trump for his disrespectful treatment of women.", "indirect",
     "Trump for his disrespectful treatment of women", "Obama"),
    ("Critics of the program see its renewal as an opportunity to fix its problems.", "indirect",
     "its renewal as an opportunity to fix its problems", "Critics of the program"),
    ("Trump talked about Mexican rapists and the wall at the rally.", "indirect",
     "Mexican rapists and the wall", "Trump"),
    # a frame closing the sentence reports what comes before it, however the parser hung it
    ("Since Clinton has 2.5 million more votes than Sanders, superdelegates who back him would be going against "
     "the will of the voters, Mook said.", "indirect", "Since Clinton has 2.5 million more votes than Sanders, "
     "superdelegates who back him would be going against the will of the voters", "Mook"),
    # a noun cue: the report's clause, said by the paper named with it
    ("Clinton is seizing upon a New York Times report that Trump had a net loss of $915 million in 1995.",
     "indirect", "that Trump had a net loss of $915 million in 1995", "New York Times"),
    # spaCy lemmatises "recognizes" to "recognize"; the lexicon files it under "recognise"
    ("This group recognizes that millions of people are still struggling to find good jobs.", "indirect",
     "that millions of people are still struggling to find good jobs", "This group"),
    # a "that" clause the parser hung on a prepositional phrase
    ("Clinton claimed at the time that she had turned over everything work-related.", "indirect",
     "that she had turned over everything work-related", "Clinton"),
    # the subject of the adjectival passive a participle qualifies still speaks
    ("Democrats were outraged by the announcement, saying that he provided so little detail.", "indirect",
     "that he provided so little detail", "Democrats"),
    # acting on a view in public (the verbs chosen on PolNeAR's even documents)
    ("The White House declined to comment on the report about the talks.", "indirect",
     "to comment on the report about the talks", "The White House"),
    ("The Washington Post backs Hillary Clinton for president.", "indirect", "Hillary Clinton for president",
     "The Washington Post"),
    ("Twenty-seven states are challenging the Clean Power Plan rules in court.", "indirect",
     "the Clean Power Plan rules in court", "Twenty-seven states"),
    ("The Sanders campaign sought a recount in three counties.", "indirect", "a recount",
     "The Sanders campaign"),
    # a cue noun made the object of a light verb: the verb's subject said it
    ("Donald Trump has recently made comments about the possibility of voter fraud.", "indirect",
     "the possibility of voter fraud", "Donald Trump"),
    ("Mr. Sanders's allies are mounting a public attack on the president's housing secretary.", "indirect",
     "the president's housing secretary", "Mr. Sanders's allies"),
    # a topic after adverbs, and the prepositions particular verbs take
    ("Comedian George Lopez spoke briefly about the abrupt cancellation of his late night show.", "indirect",
     "the abrupt cancellation of his late night show", "Comedian George Lopez"),
    ("In a changing economy, young voters still believe in the American dream.", "indirect", "the American dream",
     "young voters"),
    # "as they vowed to ...": what they vowed, not the clause the cue is set into
    ("Even as they all vowed to carry their campaigns onward, the sense of urgency was evident all day.", "indirect",
     "to carry their campaigns onward", "they"),
    # taking a side on someone: the pronoun is what was reported
    ("Both of his Republican senators strongly supported him.", "indirect", "him", "Both of his Republican senators"),
    # "according to" qualifies its own sentence, even where the parser ran two together
    ("Ferguson, however, had two murders in 2014, according to the FBI data.\nThe town released a statement "
     "Wednesday saying the comments were wrong.", "indirect", "Ferguson, however, had two murders in 2014",
     "the FBI data"),
    # what "say" takes as its object was said
    ("A chorus of prominent Republicans has said the same thing.", "indirect", "the same thing",
     "A chorus of prominent Republicans"),
    # phrasal cues: the verb alone is none, the phrase is
    ("Obama laid out the stakes for a divided nation.", "indirect", "the stakes for a divided nation", "Obama"),
    ("The candidate has made clear that he will not back down.", "indirect", "that he will not back down",
     "The candidate"),
    ("Reid has gone after Trump as a human leech who will bleed the country.", "indirect",
     "Trump as a human leech who will bleed the country", "Reid"),
    # adjectives of a view held by the copula's subject
    ("Democratic leaders are wary of steering the party too far left.", "indirect", "steering the party too far left",
     "Democratic leaders"),
    ("The Mexican government is worried that Trump's rhetoric could hurt foreign investment.", "indirect",
     "that Trump's rhetoric could hurt foreign investment", "The Mexican government"),
    # through an adjective to its copula's subject, and through a noun to its owner or its verb's subject
    ("But he is correct to note that Obamacare was an effort to achieve a liberal policy goal.", "indirect",
     "that Obamacare was an effort to achieve a liberal policy goal", "he"),
    ("In responding Friday, Clinton's campaign took the unusual step of criticizing the intelligence community.",
     "indirect", "the intelligence community", "Clinton's campaign"),
    # a subject the parser hung on the phrase before it
    ("In addition to Mr. Regalado, two Republican members of Congress from Florida, Ileana Ros-Lehtinen and Carlos "
     "Curbelo, have said they will not back Mr. Trump.", "indirect", "they will not back Mr. Trump",
     "two Republican members of Congress from Florida"),
])
def test_attributions_beyond_said(quotes_pipeline, body, kind, text, speaker):
    quotes = found(run(quotes_pipeline, body))
    assert any(k == kind and t == text and speaker in (s or "") for k, t, s in quotes), quotes


@pytest.mark.parametrize("body", [
    # talking reports what it is about, not whom it is addressed to
    "Trump talked to the reporters on the plane for an hour.",
    # "seem" judges its subject, it names no one who holds a view
    "Investor concern over the declines in subscribers seemed to be abating.",
    # "see" without "as" or a "that" clause is no cue
    "She saw the rally on television with her father.",
    # generic "you" believes nothing
    "If you think the plan will work, the numbers will disappoint.",
    # what someone responds or adds to is no content of theirs
    "An attorney for Mills did not respond to requests for comment.",
    "Hillary Clinton is adding to her delegate lead over Bernie Sanders.",
    # "continue" with a gerund is an act going on
    "Trump continued taunting the reporters at the back of the room.",
    # a pronoun object says nothing unless a side is taken on a person
    "The senator denied it on Tuesday.",
    # a day the parser took for an object is no content
    "The Public Policy Institute released Wednesday.",
    # the one asked asks nothing
    "When asked about the Florida Standards, the candidate smiled.",
    # verbs that report only a clause, and a participle that only qualifies a noun
    "Clinton maintains a large pledged delegate lead over Sanders.",
    "When he assumed office as secretary general in 2007, the body was divided.",
    "She has bristled at the implication that he could overcome her big leads in pledged delegates.",
    # "it" before a copula names no one who notes anything
    "It is important to note that the plan was never funded.",
    # an adjective cue with nothing it is about, or not said of anyone
    "The senators were worried.",
    "It is clear that the talks will resume.",
    # the verb of a phrasal cue is none on its own
    "The delegates went to the convention hall and laid the flowers at the gate.",
])
def test_no_attribution(quotes_pipeline, body):
    assert [q for q in run(quotes_pipeline, body) if q.speaker is not None] == []


def test_a_dateline_is_no_part_of_the_speaker(quotes_pipeline):
    body = ("WASHINGTON (AP) — President Barack Obama on Tuesday accused Donald Trump of showering praise on "
            "Vladimir Putin.")
    speakers = [q.speaker.entity_text for q in run(quotes_pipeline, body) if q.speaker is not None]
    assert speakers and all("WASHINGTON" not in s for s in speakers), speakers


TRANSCRIPT = ("Partial transcript as follows:\n\n"
              "\"WALLACE: Let’s start with breaking news on the debate story tonight.\n\n"
              "\"PENCE: Well, look, Hillary Clinton apparently thinks this is an episode of a game show.\n\n"
              "\"(CROSSTALK.)\n\n"
              "\"WALLACE: If I may, sir, because we’ve got limited time.")


def test_transcript_turns_are_direct_quotes_of_their_speakers(quotes_pipeline):
    quotes = run(quotes_pipeline, TRANSCRIPT)
    assert [(q.kind, q.cue, q.speaker.entity_text) for q in quotes] == [
        ("direct", ":", "WALLACE"), ("direct", ":", "PENCE"), ("direct", ":", "WALLACE")]
    assert quotes[1].text == "Well, look, Hillary Clinton apparently thinks this is an episode of a game show"
    assert TRANSCRIPT[quotes[1].start:quotes[1].end] == quotes[1].text


def test_a_quoted_turn_goes_on_until_the_next_speaker_or_a_stage_direction(quotes_pipeline):
    body = ("\"PENCE: Well, look, Mark Cuban has been out there saying some pretty tough stuff.\n\n"
            "\"But the truth is that Donald Trump has a unique way of communicating to the American people.\n\n"
            "\"(CROSSTALK.)\n\n"
            "\"WALLACE: Governor, I don’t want to interrupt, but I want to try to get on.\n\n"
            "\"Follow Pam Key on Twitter @pamkeyNEN.\"")
    quotes = run(quotes_pipeline, body)
    assert [(q.speaker.entity_text, q.text) for q in quotes] == [
        ("PENCE", "Well, look, Mark Cuban has been out there saying some pretty tough stuff. But the truth is that "
                  "Donald Trump has a unique way of communicating to the American people"),
        ("WALLACE", "Governor, I don’t want to interrupt, but I want to try to get on")]


@pytest.mark.parametrize("body, text, speaker", [
    # the speaker's name alone on a line, the words below it
    ("JAKE TAPPER:\n\nDonald Trump released a video on Friday talking about racial healing.",
     "Donald Trump released a video on Friday talking about racial healing", "JAKE TAPPER"),
    ("EXCLUSIVE – STONE: I think the stakes are so high this year.", "I think the stakes are so high this year",
     "STONE"),
])
def test_transcript_turn_forms(quotes_pipeline, body, text, speaker):
    assert ("direct", text, speaker) in found(run(quotes_pipeline, body))


@pytest.mark.parametrize("body", [
    "VIDEO: Hillary and Obama and Biden all told the families the same story.",
    "CLARIFICATION: The first sentence has been clarified to reflect the chairman's view.",
    "The Latest: Sanders wins Minnesota Democratic caucuses.",
])
def test_labels_before_a_colon_are_no_speakers(quotes_pipeline, body):
    assert [q for q in run(quotes_pipeline, body) if q.cue == ":"] == []


def test_a_headline_names_its_source_before_a_colon(quotes_pipeline):
    title = "Pence: Gennifer Flowers Won’t Be at Debate, Trump Was ‘Mocking’ Clinton Camp"
    body = title + ".\n\nOn Sunday Governor Mike Pence said the tweet was only meant to mock the Clinton camp."
    quotes = [q for q in run(quotes_pipeline, body, title) if q.cue == ":"]
    assert found(quotes) == [("indirect", "Gennifer Flowers Won’t Be at Debate, Trump Was ‘Mocking’ Clinton Camp",
                              "Pence")]


def test_a_colon_in_a_body_paragraph_in_title_case_is_no_turn(quotes_pipeline):
    body = "The senator said the bill was dead.\n\nStated Stone: the stakes are very high in this election."
    assert [q for q in run(quotes_pipeline, body) if q.cue == ":"] == []


@pytest.mark.parametrize("word, lemma, expected", [
    ("recognizes", "recognize", "recognise"),
    ("realized", "realize", "realise"),
    ("emphasize", "emphasize", "emphasise"),
    ("said", "say", "say"),
    ("walked", "walk", "walk"),
    # spaCy's lemma wrong, the word itself a cue form
    ("hoping", "hop", "hope"),
    ("extolled", "extoll", "extol"),
])
def test_lexicon_lemma_of_spelling_variants(word, lemma, expected):
    assert cue_lexicon().lemma_of(SimpleNamespace(lemma_=lemma, lower_=word)) == expected


def test_noun_cues_are_prefilter_words():
    assert {"claim", "claims", "report", "statement", "statements", "belief"} <= cue_forms()


@pytest.mark.parametrize("label", ["video", "the latest", "clarification", "editor's note"])
def test_turn_labels_are_loaded(label):
    assert label in cue_lexicon().turn_labels


@pytest.mark.parametrize("body", [
    "Pence said on CNN’s “State of the Union” that the campaign was doing well.",
    "In his 2002 book, “Make Your Kid a Millionaire,” McKinley suggested saving early.",
    "Conway acknowledged on NBC’s “Meet the Press” that Trump was trailing.",
])
def test_titles_of_works_are_not_quotes(quotes_pipeline, body):
    assert [q for q in run(quotes_pipeline, body) if q.kind != "indirect"] == []


def test_a_direct_quote_after_a_partial_one_continues_its_speaker(quotes_pipeline):
    body = ('The answers to veteran suicides are "not meeting the demand," says Paul Rieckhoff, a veterans '
            'advocate. "We often compare it to the early days of the AIDS crisis."')
    quotes = [q for q in run(quotes_pipeline, body) if q.text.startswith("We often")]
    assert [(q.kind, q.speaker and q.speaker.entity_text) for q in quotes] == [("direct", "Paul Rieckhoff")]


def test_a_headline_repeating_a_quote_of_the_body_is_no_quote_of_its_own(quotes_pipeline):
    title = "Lavrov: Russia Will Not Accept Any Deadline for Assad"
    body = title + ".\n\nRussian Foreign Minister Sergei Lavrov said Russia will not accept any deadline for Assad."
    quotes = run(quotes_pipeline, body, title)
    assert [q for q in quotes if q.cue == ":"] == []
    assert [q.text for q in quotes] == ["Russia will not accept any deadline for Assad"]


def test_a_second_act_coordinated_into_the_reported_clause_is_the_speakers_own(quotes_pipeline):
    body = ("Sudan has called for international mediators to join the talks and accused Ethiopia of endangering "
            "its own dams downstream.")
    assert sorted((q.cue, q.text, q.speaker and q.speaker.entity_text) for q in run(quotes_pipeline, body)) == [
        ("accused", "Ethiopia of endangering its own dams downstream", "Sudan"),
        ("called", "international mediators to join the talks", "Sudan")]


def test_a_dash_and_a_name_after_a_quote_credit_it(quotes_pipeline):
    body = ("What readers told us.\n\n"
            "\u201dMr. Trump embodies the lasting legacy of racism. He represents our greatest shame.\u201d \u2015 Sonya Herridge\n"
            "\u201cDuring the debate Trump said Hispanics live in hell. He is ignorant.\u201d\u2015 Pamela Padilla.\n")
    quotes = found(run(quotes_pipeline, body))
    # the first quote opens with a closing mark, as pasted round-ups often do; it is still a quote
    assert ("direct", "Mr. Trump embodies the lasting legacy of racism. He represents our greatest shame.",
            "Sonya Herridge") in quotes
    assert ("direct", "During the debate Trump said Hispanics live in hell. He is ignorant.", "Pamela Padilla") in quotes


def test_a_dash_before_a_clause_is_no_credit(quotes_pipeline):
    body = '"We will win," he said \u2014 and the crowd cheered for a minute.'
    assert [s for _, _, s in found(run(quotes_pipeline, body))] == ["he"]


def test_first_person_inside_a_quote_is_its_speaker():
    from detente.evaluate.polnear import polnear_pipeline

    body = ('Donald Trump said on CNN that Bush "has to bring his mother out at 90 years old. '
            'I think it\'s a very sad situation."')
    quotes = polnear_pipeline()(Document(body=body, published="2016-10-01")).quotes
    inner = next(q for q in quotes if q.text == "it's a very sad situation")
    assert (inner.speaker.entity_text, inner.speaker.identifier_text) == ("I", "Donald Trump")
    assert inner.speaker.rule == "quotes:first person inside a quote"
