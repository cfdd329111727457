"""Whether a coded event happened: the `status` of an event and the date it is pinned to.

Helpers for detente.nlp.events.  Status is read from the clause around the trigger: negation and "no
guarantee" deny it, "if" and "could" make it hypothetical, "plans to" intended, a demand verb above it
demanded, "will" or a date after publication planned; otherwise it occurred.
"""

from __future__ import annotations

import re
from datetime import date

from detente.model import Document, Timex

# Dependents that open a nested clause with its own time and status.
NESTED_CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "advcl", "relcl", "acl", "csubj", "parataxis", "pcomp"})
NEGATION_WORDS = frozenset({"not", "n't", "never", "no"})
CONDITIONAL_MARKS = frozenset({"if", "unless", "whether"})
# How far up the tree status cues are looked for; deeper chains are rare and usually cross a reporting verb.
MAX_ANCESTORS = 6

PRECISION_PATTERNS = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}"), "day"),
    (re.compile(r"^\d{4}-W\d{2}$"), "week"),
    (re.compile(r"^\d{4}-\d{2}$"), "month"),
    (re.compile(r"^\d{4}-Q\d$"), "quarter"),
    (re.compile(r"^\d{4}(-(SP|SU|FA|WI|H\d))?$"), "year"),
)


def negated(token) -> bool:
    """Whether the token carries a negation ("did not meet", "no talks")."""
    return any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no") for c in token.children)


def clause_status(trigger, clause_verb, cues: dict[str, frozenset[str]]) -> tuple[str, str]:
    """(status, cue) of the event whose trigger is `trigger`, with `clause_verb` the verb of its clause.

    The cue says what set the status: "negation", "refusal" ("will not"), "denial_verb" ("failed to"),
    "negating_noun" ("no guarantee"), "conditional", "modal", "intention", "demand", "future", "reported_would"
    or "none".
    """
    auxiliaries = {c.lower_ for c in clause_verb.children if c.dep_ in ("aux", "auxpass")}
    if negated(trigger) or negated(clause_verb):
        if auxiliaries & (cues.get("future", frozenset()) | {"would", "can", "could", "ca"}):
            return "denied", "refusal"
        return "denied", "negation"
    if _conditional(clause_verb):
        return "hypothetical", "conditional"
    if auxiliaries & cues.get("hypothetical", frozenset()):
        return "hypothetical", "modal"
    node = clause_verb
    for _ in range(MAX_ANCESTORS):
        if node.head.i == node.i:
            break
        dep, node = node.dep_, node.head
        lemma = node.lemma_.lower()
        if lemma in cues.get("negating_nouns", frozenset()) and negated(node):
            return "denied", "negating_noun"
        if dep == "xcomp" and lemma in cues.get("denial", frozenset()):
            return "denied", "denial_verb"
        if dep == "xcomp" and lemma in cues.get("intention", frozenset()):
            return "intended", "intention"
        if lemma in cues.get("demand", frozenset()):
            return "demanded", "demand"
        if lemma in cues.get("reporting", frozenset()):
            break
    if auxiliaries & cues.get("future", frozenset()) or _going_to(clause_verb):
        return "planned", "future"
    if "would" in auxiliaries and _reported(clause_verb, cues):
        return "planned", "reported_would"
    return "occurred", "none"


def _conditional(verb) -> bool:
    node = verb
    for _ in range(3):
        if any(c.dep_ == "mark" and c.lower_ in CONDITIONAL_MARKS for c in node.children):
            return True
        if node.dep_ not in ("conj", "xcomp") or node.head.i == node.i:
            return False
        node = node.head
    return False


def ultimatum(verb, cues: dict[str, frozenset[str]]) -> bool:
    """Whether a promised act is made conditional on the other side's compliance ("will withdraw unless ...")."""
    marks = cues.get("ultimatum", frozenset())
    return any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in marks for m in c.children)
               for c in verb.children)


def _going_to(verb) -> bool:
    head = verb.head
    return verb.dep_ == "xcomp" and head.lemma_ == "go" and head.tag_ == "VBG"


def _reported(verb, cues: dict[str, frozenset[str]]) -> bool:
    node = verb
    for _ in range(MAX_ANCESTORS):
        if node.head.i == node.i:
            return False
        node = node.head
        if node.lemma_.lower() in cues.get("reporting", frozenset()):
            return True
    return False


def clause_range(clause_verb, trigger, offset: int) -> list[tuple[int, int]]:
    """Body ranges to look for the event's time in: a noun trigger's own phrase, then its clause's words.

    The clause is the clause verb with its dependents, nested clauses left out (at any depth) unless they hold
    the trigger, so "agreed to form a committee to meet ... early next year" dates the agreement, not the meeting.
    """
    ranges = []
    if trigger.i != clause_verb.i:
        ranges.append((offset + trigger.left_edge.idx, offset + trigger.right_edge.idx + len(trigger.right_edge)))
    indices, stack = [], [clause_verb]
    while stack:
        token = stack.pop()
        indices.append(token.i)
        for child in token.children:
            if child.dep_ in NESTED_CLAUSE_DEPS and not _contains(child, trigger):
                continue
            stack.append(child)
    indices.sort()
    doc = clause_verb.doc
    run_start = previous = indices[0]
    for i in indices[1:] + [None]:
        if i is not None and i == previous + 1:
            previous = i
            continue
        first, last = doc[run_start], doc[previous]
        ranges.append((offset + first.idx, offset + last.idx + len(last)))
        if i is not None:
            run_start = previous = i
    return ranges


def attached_timex(doc: Document, ranges: list[tuple[int, int]], anchor: int) -> Timex | None:
    """The dated timex inside the first range that holds one, nearest to `anchor`."""
    for start, end in ranges:
        inside = [t for t in doc.timexes if t.start >= start and t.end <= end and t.value
                  and t.type in ("DATE", "TIME") and precision_of(t.value) != "unknown"]
        if inside:
            return min(inside, key=lambda t: abs(t.start - anchor))
    return None


def precision_of(value: str | None) -> str:
    """date_precision of a TIMEX3 value: day, week, month, quarter, year, or unknown."""
    if not value:
        return "unknown"
    if "/" in value:  # an interval such as a week written as its two ends
        return "week"
    for pattern, precision in PRECISION_PATTERNS:
        if pattern.match(value):
            return precision
    return "unknown"


def start_date(value: str | None) -> date | None:
    """The first day a TIMEX3 date value covers, or None when it names no calendar period."""
    if not value:
        return None
    value = value.split("/")[0]
    try:
        if re.match(r"^\d{4}-W\d{2}", value):
            return date.fromisocalendar(int(value[:4]), int(value[6:8]), 1)
        if re.match(r"^\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value[:10])
        if re.match(r"^\d{4}-\d{2}$", value):
            return date(int(value[:4]), int(value[5:7]), 1)
        if re.match(r"^\d{4}-Q\d$", value):
            return date(int(value[:4]), 3 * int(value[6]) - 2, 1)
        if re.match(r"^\d{4}$", value):
            return date(int(value), 1, 1)
    except ValueError:
        return None
    return None


def after_publication(value: str | None, published: str | None) -> bool:
    """Whether a dated event starts after the publication day (so it is still to come)."""
    begins = start_date(value)
    if begins is None or not published:
        return False
    try:
        return begins > date.fromisoformat(published[:10])
    except ValueError:
        return False


def _contains(head, token) -> bool:
    return head.left_edge.i <= token.i <= head.right_edge.i
