"""Indirect quotes for the quotes stage: what a cue verb, a cue noun or "according to" reports in a parsed
sentence ("Lavrov said Russia supported ...", "his claim that ...", "..., according to the ministry").

`ClauseQuotes` is the half of `quotes._DocumentQuotes` that reads the parse; it uses the document indexes and
the speaker resolver that class sets up (`body`, `lex`, `sentences`, `resolver`, `direct_ranges`) and its
position helpers (`_offset`, `_token_at`, `_inside_quote`, `_overlaps_direct`, `_skipped`, `_from_verb`,
`_according`).  What each rule reports, and on which PolNeAR documents it was measured, is in the `quotes`
module's docstring.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

from detente.model import Quote, Sentence
from detente.nlp.quote_cues import Attribution, cue_forms
from detente.nlp.quote_marks import QUOTE_WORD, clean_quote_text
from detente.nlp.quote_speakers import passive_agent
from detente.nlp.syntax import misplaced_acts
from detente.nlp.timex_rules import lexicon as time_lexicon

# Cue verbs whose object is the person addressed or a pronoun, not what was said ("told reporters", "added it").
# Not "say": its object is what was said ("has said the same thing", "says Trump modeling policies on Putin").
ADDRESSEE_VERBS = frozenset({"tell", "ask", "add", "brief", "answer", "quote", "call", "find", "show"})
# Prepositions right after a cue verb that introduce what it is about ("called for", "spoke about").
TOPIC_PREPOSITIONS = frozenset({"for", "about", "of", "against", "on", "to"})
# Speech verbs whose preposition names what they answer or add to, not what was said ("responded to the
# president", "did not respond to requests for comment", "is adding to her lead").
TOPICLESS_VERBS = frozenset({"say", "tell", "add", "respond", "reply"})
# Prepositions that introduce what a particular cue verb is about, beyond TOPIC_PREPOSITIONS.
VERB_TOPIC_PREPOSITIONS = {"believe": frozenset({"in"}), "agree": frozenset({"with"}), "point": frozenset({"to"})}
# Words of amount between a cue verb and its topic ("said much about", "knows all about", "wrote little on").
QUANTITY_OBJECTS = frozenset({"much", "little", "nothing", "all", "more", "less", "lot", "a"})
# Prepositions after an adjective cue that introduce what the view is about ("wary of", "confident in").
ADJECTIVE_PREPOSITIONS = frozenset({"of", "about", "in", "to", "with", "that"})
# Personal pronouns that are content as the object of a side-taking verb (`side_verbs` in cues.yaml).
PERSON_OBJECTS = frozenset({"him", "her", "them"})
# Prepositions after an owned noun cue that introduce what was said or held ("his support for the wall").
NOUN_TOPIC_PREPOSITIONS = frozenset({"for", "of", "about", "on", "against"})
# Verbs of talking report only what they are about: "talked about the wall", not "talked to reporters" nor
# "speaks the language".
TOPIC_ONLY_VERBS = frozenset({"talk", "speak"})
ABOUT_PREPOSITIONS = frozenset({"about", "of"})  # not "on": "spoke on condition of anonymity"
# Verbs that label their object: the object and the label are the content.
LABEL_VERBS = frozenset({"call", "describe", "label", "brand", "dub", "term"})
# Verbs that report a view only when they cast their object "as" something ("see the program as an opportunity");
# without the "as" they are no cue ("saw the rally", "painted the house").
AS_LABEL_VERBS = frozenset({"see", "view", "paint", "portray", "characterize"})
# Verbs that report only a clause: "maintained that she complied", but "maintains a lead", "assumed office",
# "advised Mrs. Clinton" report nothing (issue 6: on PolNeAR, 4 of the 26 quotes this and the "pledged
# delegates" rule removed were right).
CLAUSE_ONLY_VERBS = frozenset({"maintain", "assume", "advise"})
# Verbs whose passive names the one addressed, not the speaker ("when asked whether ...", "was questioned about").
ASKED_VERBS = frozenset({"ask", "question"})
# Verbs whose infinitive is an act committed to, not words reported: "agreed to resume talks" is an AGREE event
# (the events stage codes it) and no quote, while "agreed that the talks had failed" still reports content;
# "continued to taunt reporters" is an act going on ("...," he continued still frames a direct quote).
ACT_INFINITIVE_VERBS = frozenset({"agree", "continue"})
# Verbs that report a view only when a person does them: "Trump attacked Clinton's record" is PolNeAR's attribution,
# "rebels attacked the town" is an event (the events stage codes it).
PERSON_ONLY_VERBS = frozenset({"attack"})
# Verbs that report a finding when their subject is evidence ("polls show Clinton ahead", "data indicate ...").
EVIDENCE_VERBS = frozenset({"show", "find", "indicate", "suggest", "reveal", "confirm"})
# What may follow a cue verb closing its sentence ("..., Mook said Tuesday in a statement."): no complement.
TAIL_FRAME_DEPS = frozenset({"punct", "npadvmod", "advmod", "prep"})
# A sentence-final frame reports what comes before it when that is at least this many tokens.
MIN_TAIL_CONTENT_TOKENS = 3
# How many words after a cue verb a stray "that" clause may open ("claimed at the time that ...").
LOOSE_THAT_REACH = 10
# An object reported as content has at least this many tokens ("denied the accusations"); shorter ones
# ("denied it", "wrote that") say nothing.
MIN_OBJECT_TOKENS = 2


class ClauseQuotes:
    """Indirect quotes from parsed sentences; mixed into the quotes stage's per-document reader."""

    def _indirect(self) -> list[Quote]:
        """Complement clauses of cue verbs and clauses qualified by "according to", in parsed sentences."""
        found: list[Quote] = []
        forms = cue_forms()
        for sentence in self.sentences:
            if sentence.span is None or self._skipped(sentence.start):
                continue
            taken: list[tuple[int, int]] = []
            # Only the cue words' tokens are looked at: walking every token of every sentence is the slow part.
            cues = [(match.start(), self._token_at(sentence, match.start()))
                    for match in QUOTE_WORD.finditer(self.body, sentence.start, sentence.end)
                    if match.group().lower() in forms]
            # The outermost cue first: in "The campaign plans to ..., a spokesman announced" the spokesman
            # announced the plan; "plans" inside it reports nothing of its own.
            cues.sort(key=lambda cue: (_depth(cue[1]), cue[0]))
            for at, token in cues:
                if token is None or any(a <= at < b for a, b in taken):
                    continue  # not a cue, or a cue inside reported content ("said he believes that ...")
                if token.lower_ == "according":
                    quote = self._according_clause(sentence, token)
                elif token.pos_ == "VERB" and (phrase := self._phrase_after(token)) is not None:
                    quote = self._phrasal_quote(sentence, token, phrase)
                elif token.lower_ in self.lex.adjective_cues and token.dep_ == "acomp":
                    quote = self._adjective_clause(sentence, token)
                elif self.lex.lemma_of(token) in self.lex.cue_lemmas and token.pos_ in ("VERB", "AUX") \
                        and token.dep_ != "amod":  # "her lead in pledged delegates" reports nothing
                    quote = self._complement_clause(sentence, token)
                elif token.pos_ == "NOUN" and token.lemma_.lower() in self.lex.noun_cues:
                    quote = self._noun_clause(sentence, token)
                else:
                    continue
                if quote is not None:
                    found.append(quote)
                    taken.append((quote.start, quote.end))
        return found

    def _complement_clause(self, sentence: Sentence, verb: Any) -> Quote | None:
        """"Lavrov said Russia supported ...": the complement clause, with the verb's subject as speaker."""
        if self.lex.lemma_of(verb) in ASKED_VERBS and verb.tag_ == "VBN" and passive_agent(verb) is None \
                and not any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children):
            # "Asked whether he would back Trump, Rubio said ...": Rubio was asked, he asked nothing ("was asked
            # by reporters whether ..." still names who asked)
            return None
        if verb.lemma_.lower() in ACT_INFINITIVE_VERBS and any(
                c.dep_ == "xcomp" and (c.tag_ == "VBG" or any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children))
                for c in verb.children):
            return None
        if self.lex.lemma_of(verb) in PERSON_ONLY_VERBS:
            speaker = self._from_verb(sentence, verb)
            if speaker.speaker_start is None or not self.resolver.names_person(speaker.speaker_start,
                                                                               speaker.speaker_end):
                return None
        if self.lex.lemma_of(verb) in TOPIC_ONLY_VERBS:
            # "talked about the wall": the topic only, never an object or a clause ("speaks the language").
            span = self._topic(verb, ABOUT_PREPOSITIONS)
            return self._indirect_quote(sentence, verb, *span, None) if span is not None else None
        if self.lex.lemma_of(verb) in AS_LABEL_VERBS:
            # "Critics see the program as an opportunity" / "sees that the race is tightening": nothing looser.
            clause = next((c for c in verb.children if c.dep_ == "ccomp" and c.i > verb.i and _marked_that(c)
                           and self._is_clause(c)), None)
            span = (clause.left_edge, clause.right_edge) if clause is not None else self._object_content(verb)
            return self._indirect_quote(sentence, verb, *span, None) if span is not None else None
        own_object = self._object_content(verb)  # its infinitive or object, where it has one
        clauses = [c for c in verb.children if c.dep_ == "ccomp" and self._is_clause(c)]
        quoted = [c for c in clauses if c.i < verb.i and self._overlaps_direct(
            self._offset(sentence, c.left_edge), self._offset(sentence, c.right_edge) + 1)]
        if quoted and (len(quoted) < len(clauses) or own_object is not None):
            # A clause before the cue that is a direct quote already reported ('"...," he asked Conway to ...')
            # leaves the cue's other complements to report.
            clauses = [c for c in clauses if c not in quoted]
        # A "that" clause after the verb is its complement even where the parser hung an earlier clause on it
        # ("... in the hours before the polls Trump said Tuesday that Rubio was ...").
        clause = next((c for c in clauses if c.i > verb.i and _marked_that(c)), clauses[0] if clauses else None)
        frame: tuple[int, int] | None = None  # the "he said" inside the content, left out of its text
        if clause is not None:
            first, last = clause.left_edge, clause.right_edge
        elif verb.head.i != verb.i and self._is_clause(verb.head) and (
                verb.dep_ in ("parataxis", "ccomp") or (verb.dep_ == "advcl" and _marked_as(verb))) \
                and own_object is None:
            # "The talks will go ahead, Lavrov said" / "In a merger, he said, the brand would survive" / "As
            # experts have pointed out, Trump is free to ...": the clause the cue is set into is what was said,
            # less the cue's own words; but a cue with its own object or infinitive reports that ("as they vowed
            # to carry on, ...", "Democrats oppose taxing consumption; lower earners spend ...").
            head = verb.head
            first, last = head.left_edge, head.right_edge
            if verb.left_edge.i <= first.i:
                first = verb.right_edge.nbor(1) if verb.right_edge.i + 1 < last.i else last
            elif verb.right_edge.i >= last.i:
                last = verb.left_edge.nbor(-1)
            else:
                frame = (self._offset(sentence, verb.left_edge), self._offset(sentence, verb.right_edge)
                         + len(verb.right_edge.text))
        elif any(c.dep_ == "ccomp" and c.i > verb.i for c in verb.children) and verb.i + 1 < sentence.span.end:
            # A complement the parser left without a subject ("said the days when ... are gone"): what follows
            # the verb up to the complement's end.
            clause = max((c for c in verb.children if c.dep_ == "ccomp"), key=lambda c: c.i)
            first, last = verb.nbor(1), clause.right_edge
        elif (reported := self._tail_frame(sentence, verb) or own_object
              or self._loose_clause(verb)) is not None:
            first, last = reported
        else:
            return None
        return self._indirect_quote(sentence, verb, first, last, frame)

    def _indirect_quote(self, sentence: Sentence, verb: Any, first: Any, last: Any,
                        frame: tuple[int, int] | None, cue: str | None = None) -> Quote | None:
        """The indirect quote of a cue verb reporting the tokens first..last (less a frame inside them); `cue`
        names the cue where it is more than the verb ("laid out", "wary")."""
        # A finite verb the parser coordinated with the reported clause's non-finite one is the speaker's next
        # act, not part of what was said ("called for mediators to join the talks and accused Ethiopia").
        acts = [t for t in misplaced_acts(first.doc[first.i:last.i + 1]) if t.head.i >= first.i]
        if acts:
            last = first.doc[max(first.i, min(a.left_edge.i for a in acts) - 1)]
        while last.i > first.i and (last.is_punct or last.dep_ == "cc"):
            last = last.nbor(-1)
        while first.i < last.i and first.is_punct:
            first = first.nbor(1)
        start = self._offset(sentence, first)
        end = self._offset(sentence, last) + len(last.text)
        one_word = first.i == last.i and (_names_something(first) or (
            first.lower_ in PERSON_OBJECTS and self.lex.lemma_of(verb) in self.lex.side_verbs))
        if (end - start < 8 and not one_word) \
                or self._overlaps_direct(start, end) \
                or self._inside_quote(self._offset(sentence, verb)):
            return None
        attribution = self._from_verb(sentence, verb)
        if attribution.speaker_start is None:
            return None
        text = self.body[start:end] if frame is None else \
            f"{self.body[start:frame[0]].rstrip(' ,')} {self.body[frame[1]:end].lstrip(' ,')}"
        return Quote(self.resolver.resolve(attribution), clean_quote_text(text), "indirect", cue or attribution.cue,
                     start, end)

    def _phrase_after(self, verb: Any) -> tuple[str, ...] | None:
        """The words of a phrasal cue that follow `verb` ("after" in "went after Trump"), if any."""
        phrases = self.lex.phrasal.get(verb.lower_)
        if not phrases:
            return None
        after = [t.lower_ for t in verb.doc[verb.i + 1:verb.i + 1 + max(map(len, phrases))]]
        return next((p for p in phrases if tuple(after[:len(p)]) == p), None)

    def _phrasal_quote(self, sentence: Sentence, verb: Any, phrase: tuple[str, ...]) -> Quote | None:
        """"went after Trump as a leech", "laid out a plan", "made clear that ...": what the phrase reports."""
        end = verb.doc[verb.i + len(phrase)]
        objects = [g for g in end.children if g.dep_ in ("pobj", "pcomp")]
        if end.pos_ == "ADP" and objects:
            first, last = end.nbor(1), objects[-1].right_edge
            label = next((c for c in verb.children
                          if c.dep_ == "prep" and c.lower_ == "as" and c.i == last.i + 1), None)
            if label is not None:
                last = label.right_edge  # "went after Trump as a human leech"
        else:
            phrase_tokens = {verb.i + k for k in range(len(phrase) + 1)}
            reported = next((t for t in verb.doc[end.i + 1:verb.sent.end]
                             if t.head.i in phrase_tokens and t.dep_ in ("ccomp", "dobj", "acl", "xcomp", "advcl")
                             and not (t.dep_ == "advcl" and not _marked_that(t))), None)
            if reported is None:
                return None
            first, last = reported.left_edge, reported.right_edge
            if first.i <= end.i:
                first = end.nbor(1)
        return self._indirect_quote(sentence, verb, first, last, None, " ".join((verb.lower_,) + phrase))

    def _adjective_clause(self, sentence: Sentence, adjective: Any) -> Quote | None:
        """"Democrats are wary of steering the party too far left", "he was confident that ...": the adjective's
        clause, infinitive or prepositional object, held by the subject of its copula."""
        clause = next((c for c in adjective.children if c.dep_ in ("ccomp", "xcomp") and c.i > adjective.i), None)
        if clause is not None:
            first, last = clause.left_edge, clause.right_edge
        else:
            prep = next((c for c in adjective.children if c.dep_ == "prep" and c.i == adjective.i + 1
                         and c.lower_ in ADJECTIVE_PREPOSITIONS
                         and any(g.dep_ in ("pobj", "pcomp") for g in c.children)), None)
            if prep is None:
                return None
            first, last = prep.nbor(1), prep.right_edge
        return self._indirect_quote(sentence, adjective.head, first, last, None, adjective.lower_)

    def _noun_clause(self, sentence: Sentence, noun: Any) -> Quote | None:
        """"his claim that people would learn nothing", "a New York Times report that ...": the noun's "that"
        clause (or to-infinitive), said by the possessive or the name compounded with the noun, or by the
        subject of a light verb the noun is the object of ("Trump made comments about voter fraud")."""
        clause = next((c for c in noun.children if c.dep_ in ("acl", "relcl", "ccomp") and c.i > noun.i
                       and ((_marked_that(c) and self._is_clause(c))
                            or any(a.dep_ == "aux" and a.lower_ == "to" and a.i < c.i for a in c.children))),
                      None)
        owner = next((c for c in noun.children if c.dep_ == "poss"), None)
        names = [c for c in noun.children if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < noun.i]
        light = noun.head if owner is None and not names and noun.dep_ == "dobj" \
            and noun.head.lemma_.lower() in self.lex.light_verbs else None
        topic = None
        if clause is None and (owner is not None or light is not None):
            # "her long support for stem cell research", "Clinton's allegations of a conspiracy": with an owner,
            # the object of the preposition after the noun is what was said or held
            topic = next((c for c in noun.children if c.dep_ == "prep" and c.i == noun.i + 1
                          and c.lower_ in NOUN_TOPIC_PREPOSITIONS
                          and any(g.dep_ in ("pobj", "pcomp") for g in c.children)), None)
        if clause is None and topic is None:
            return None
        cue = noun.text.lower()
        if light is not None:
            said_by = self._from_verb(sentence, light)
            if said_by.speaker_start is None:
                return None
            attribution = replace(said_by, cue=cue)
        else:
            if owner is not None:
                first, last = owner.left_edge, owner
            elif names:
                first, last = names[0].left_edge, names[-1]
            else:
                return None
            start = self._offset(sentence, first)
            end = self._offset(sentence, last) + len(last.text)
            end -= len(self.body[start:end]) - len(re.sub(r"['’]s?$", "", self.body[start:end]))
            if end <= start or self._inside_quote(start):
                return None
            attribution = Attribution(cue, start, end)
        first, last = (clause.left_edge, clause.right_edge) if clause is not None else \
            (topic.nbor(1), topic.right_edge)
        while last.i > first.i and last.is_punct:
            last = last.nbor(-1)
        c_start, c_end = self._offset(sentence, first), self._offset(sentence, last) + len(last.text)
        if c_end - c_start < 8 or self._overlaps_direct(c_start, c_end):
            return None
        return Quote(self.resolver.resolve(attribution), clean_quote_text(self.body[c_start:c_end]), "indirect", cue,
                     c_start, c_end)

    def _according_clause(self, sentence: Sentence, according: Any) -> Quote | None:
        """"X, according to Y" / "According to Y, X": the rest of the sentence, said by Y."""
        attribution = self._according(sentence)
        if attribution is None or attribution.speaker_start is None:
            return None
        phrase = list(according.subtree)
        tokens = [t for t in sentence.span if not t.is_space]
        # what "according to" qualifies ends at a full stop or a line break, even where the parser ran two
        # sentences together ("..., according to the FBI data.\nThe town released ...")
        ends = [t.i for t in sentence.span if t.text in (".", "!", "?", ";") or (t.is_space and "\n" in t.text)]
        low = max((i for i in ends if i < phrase[0].i), default=-1)
        high = min((i for i in ends if i > phrase[-1].i), default=1 << 30)
        before = [t for t in tokens if low < t.i < phrase[0].i]
        after = [t for t in tokens if phrase[-1].i < t.i < high]
        part = after if len(after) > len(before) else before
        while part and part[0].is_punct:
            part = part[1:]
        while part and part[-1].is_punct:
            part = part[:-1]
        if len(part) < 3:
            return None
        start = self._offset(sentence, part[0])
        end = self._offset(sentence, part[-1]) + len(part[-1].text)
        if self._overlaps_direct(start, end):
            return None
        return Quote(self.resolver.resolve(attribution), clean_quote_text(self.body[start:end]), "indirect",
                     "according to", start, end)

    def _object_content(self, verb: Any) -> tuple[Any, Any] | None:
        """What a cue verb without a clause reports: its infinitive ("urged Clinton to decide", "vowed to
        fight") or, for verbs other than those naming the addressee, its object ("denied the accusations")."""
        children = list(verb.children)
        if self.lex.lemma_of(verb) in CLAUSE_ONLY_VERBS:
            return None
        if self.lex.lemma_of(verb) in AS_LABEL_VERBS:
            dobj = next((c for c in children if c.dep_ == "dobj" and c.i > verb.i), None)
            label = next((c for c in children if c.dep_ == "prep" and c.lower_ == "as" and dobj is not None
                          and c.i > dobj.i and any(g.dep_ == "pobj" for g in c.children)), None)
            return (dobj.left_edge, label.right_edge) if label is not None else None
        passive = next((c for c in children if c.dep_ == "nsubjpass"), None)
        if passive is not None and passive_agent(verb) is not None and passive.pos_ != "PRON":
            return passive.left_edge, passive.right_edge  # "This proposal was rejected by 64 percent of voters"
        xcomp = next((c for c in children if c.dep_ == "xcomp" and c.i > verb.i
                      and (any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children) or c.tag_ == "VBG")),
                     None)  # "vowed to fight", "proposed taxing carbon emissions"
        if xcomp is None:
            # "is calling for the United States to step up ...": the parser makes the "for X to" clause an
            # adverbial one; with its own subject it is still what is called for, not a purpose.
            xcomp = next((c for c in children if c.dep_ == "advcl" and c.i > verb.i
                          and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
                          and any(a.dep_ == "nsubj" for a in c.children)), None)
        dobj = next((c for c in children if c.dep_ == "dobj" and c.i > verb.i), None)
        if dobj is not None and self._shows_evidence(verb):
            # "Polling averages show Clinton with a lead": a finding, the object and what qualifies it.
            last = max((c for c in children if c.i > verb.i and not c.is_punct), key=lambda c: c.i)
            return dobj.left_edge, last.right_edge
        if dobj is not None and verb.lemma_.lower() in LABEL_VERBS and verb.right_edge.i > dobj.right_edge.i:
            return dobj.left_edge, verb.right_edge  # "called the judge a 'hater of Donald Trump'"
        if xcomp is not None:
            first = dobj.left_edge if dobj is not None and dobj.i < xcomp.i else xcomp.left_edge
            if first.lower_ == "for" and first.i < xcomp.i:
                first = first.nbor(1)
            return first, xcomp.right_edge
        reason = next((c for c in children if c.dep_ == "prep" and c.lower_ in ("for", "of", "as") and dobj is not None
                       and c.i > dobj.right_edge.i and any(g.dep_ in ("pobj", "pcomp") for g in c.children)), None)
        if reason is not None and verb.lemma_.lower() not in ADDRESSEE_VERBS:
            return dobj.left_edge, reason.right_edge  # "blasted him for not paying taxes", "praised Putin as a leader"
        if dobj is not None and dobj.lower_ in PERSON_OBJECTS and self.lex.lemma_of(verb) in self.lex.side_verbs:
            return dobj, dobj  # "Both of his senators strongly supported him"
        if dobj is not None and verb.lemma_.lower() not in ADDRESSEE_VERBS and dobj.pos_ != "PRON" \
                and (dobj.right_edge.i - dobj.left_edge.i >= MIN_OBJECT_TOKENS - 1 or _names_something(dobj)):
            return dobj.left_edge, dobj.right_edge
        if dobj is None and verb.lemma_.lower() not in TOPICLESS_VERBS:
            return self._topic(verb, TOPIC_PREPOSITIONS)
        return None

    @staticmethod
    def _topic(verb: Any, prepositions: frozenset[str]) -> tuple[Any, Any] | None:
        """"called for a ban", "spoke about the economy", "warned of a crisis": the preposition's object, the
        preposition right after the verb or after adverbs only ("spoke briefly about", "wrote extensively on");
        some verbs take their own ("believes in the American dream", "agreed with much of the speech")."""
        own = VERB_TOPIC_PREPOSITIONS.get(verb.lemma_.lower(), frozenset())
        for prep in (c for c in verb.children if c.dep_ == "prep" and c.i > verb.i
                     and (c.lower_ in prepositions or c.lower_ in own)
                     and all(t.dep_ in ("advmod", "neg") or t.lower_ in QUANTITY_OBJECTS
                             for t in verb.doc[verb.i + 1:c.i])):
            objects = [g for g in prep.children if g.dep_ in ("pobj", "pcomp")]
            if objects and (objects[-1].right_edge.i - prep.i >= MIN_OBJECT_TOKENS or _names_something(objects[-1])):
                return prep.nbor(1), objects[-1].right_edge
        return None

    def _tail_frame(self, sentence: Sentence, verb: Any) -> tuple[Any, Any] | None:
        """"..., superdelegates would be going against the voters, Mook said.": a speech verb closing its
        sentence after a comma and its subject reports everything before the comma, however the parser hung it."""
        if self.lex.lemma_of(verb) not in self.lex.speech_lemmas:
            return None
        subject = next((c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i), None)
        span = sentence.span
        if subject is None or subject.left_edge.i - 2 < span.start or subject.left_edge.nbor(-1).text != ",":
            return None
        if any(c.dep_ not in TAIL_FRAME_DEPS for c in verb.children if c.i > verb.i):
            return None  # "X said Russia ..." or "X said the thing": the verb's own complement follows
        first = span[0] if not span[0].is_punct else span[0].nbor(1)
        last = subject.left_edge.nbor(-2)
        return (first, last) if last.i - first.i >= MIN_TAIL_CONTENT_TOKENS else None

    def _loose_clause(self, verb: Any) -> tuple[Any, Any] | None:
        """A complement the parser hung elsewhere: "claimed at the time that she had turned over everything"
        (a "that" clause a few words on, inside the cue's phrase), or "says the conflict, and its root cause,
        remain" (an object and a verb with no subject of its own, which together are a clause)."""
        for token in verb.subtree:
            if token.i <= verb.i or token.i - verb.i > LOOSE_THAT_REACH:
                continue
            # "that" opens the clause as its marker, or (where the parser took "the time that ..." for a
            # relative clause) as an adverb of it
            if token.lower_ == "that" and token.dep_ in ("mark", "advmod") and self._is_clause(token.head) \
                    and token.head.i > verb.i:
                return token, token.head.right_edge
        if self.lex.lemma_of(verb) in self.lex.speech_lemmas or self._shows_evidence(verb):
            dobj = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i and c.pos_ in ("NOUN", "PROPN")),
                        None)
            conj = next((c for c in verb.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")
                         and dobj is not None and c.i > dobj.i
                         and not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)), None)
            if conj is not None:
                return dobj.left_edge, conj.right_edge
        return None

    def _shows_evidence(self, verb: Any) -> bool:
        """A finding verb with evidence for its subject ("polls show", "records found", "data indicate")."""
        if self.lex.lemma_of(verb) not in EVIDENCE_VERBS:
            return False
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        return subject is not None and subject.lemma_.lower() in self.lex.evidence_nouns

    @staticmethod
    def _is_clause(token: Any) -> bool:
        """A complement worth reporting: a verb with a subject (not "said so", "said yes")."""
        return token.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl")
                                                     for c in token.children)


def _names_something(token: Any) -> bool:
    """A one-word object that is still content: a name or a noun ("endorsed Cruz", "talked about immigration"),
    not a pronoun or a determiner ("denied it", "wrote that"), nor a day the parser took for an object ("released
    Tuesday")."""
    return token.left_edge.i == token.right_edge.i and token.pos_ in ("PROPN", "NOUN") \
        and token.ent_type_ not in ("DATE", "TIME") and token.lower_ not in _day_words()


@lru_cache(maxsize=1)
def _day_words() -> frozenset[str]:
    """Single words that name a day ("Tuesday", "yesterday"), from the time stage's lexicon."""
    lex = time_lexicon()
    return frozenset((set(lex["weekdays"]) - set(lex["ambiguous_weekdays"]))
                     | {day for day in lex["relative_days"] if " " not in day})


def _depth(token: Any) -> int:
    """How many heads lie above a token in its parse (0 for the root; a large number for no token)."""
    if token is None:
        return 1 << 20
    depth = 0
    while token.head.i != token.i and depth < 64:
        token, depth = token.head, depth + 1
    return depth


def _marked_that(token: Any) -> bool:
    """Whether a clause opens with "that" ("said that ...")."""
    return any(c.dep_ == "mark" and c.lower_ == "that" for c in token.children)


def _marked_as(token: Any) -> bool:
    """Whether a clause opens with "as" ("as experts have pointed out")."""
    return any(c.dep_ == "mark" and c.lower_ == "as" for c in token.children)
