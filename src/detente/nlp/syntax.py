"""Small readings of spaCy's dependency parse shared by the stages (stances, quotes).

Penn tags and dependency labels are those of en_core_web_sm.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Penn tags of finite verbs.
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})


def is_finite(verb: Any) -> bool:
    """Whether a verb is finite by its tag or by a finite auxiliary ("has called", "was told")."""
    return verb.tag_ in FINITE_TAGS or any(c.dep_ in ("aux", "auxpass") and c.tag_ in FINITE_TAGS
                                           for c in verb.children)


def is_misplaced_act(token: Any) -> bool:
    """A finite verb the parser coordinated with a non-finite one: in "X called for mediators to join the talks
    and accused Ethiopia", "accused" hangs on "join" but is X's next act, not part of the clause it ends."""
    return token.dep_ == "conj" and token.pos_ in ("VERB", "AUX") and is_finite(token) \
        and not is_finite(token.head)


def misplaced_acts(tokens: Iterable[Any]) -> list[Any]:
    """The tokens that are `is_misplaced_act`."""
    return [t for t in tokens if is_misplaced_act(t)]
