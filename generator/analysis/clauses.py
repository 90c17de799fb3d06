"""Where a date sits in its sentence: the clause around it, the event noun
it modifies, and whether a projection governs it. Shared by mention finding
and headline making, which ask these questions of the same expression.
"""

from __future__ import annotations

import itertools
import re

from ..temporal import Timex
from .words import Vocab, is_event_noun, may_match

_NOT_IN_NOUN_PHRASE = {"to", "of", "in", "on", "at", "by", "for", "with", "from", "was", "were", "is", "are",
                       "had", "has", "have", "will", "would", "that", "which", "who", "when", "as"}
_DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|its|his|her|their|this|that)\s+$")
_NOUN_PHRASE_WORD = re.compile(r"[A-Za-z][A-Za-z-]*|[,;:.]")
PARENTHETICAL = re.compile(r"\s(?:--|—|–)\s[^—–]{1,120}?\s(?:--|—|–|-)\s")
_CLAUSE_BREAK = re.compile(r";\s|\s[—–]\s|:\s")
_FOUR_DIGITS = re.compile(r"\d{4}")
_POSSESSIVE_S = re.compile(r"^['’]s")
_PAST_VERB = re.compile(r"\b(?:met|said|signed|was|were|had|did|went|came|took|held|[a-z]{3,}ed)\b")


def premodifier(text: str, t: Timex, v: Vocab) -> str | None:
    """If the expression modifies an event noun ("the 2016 election", "June's
    Singapore summit", "the April terrorist attack"), that noun."""
    after = text[t.end : t.end + 80]
    possessive = t.text.endswith(("'s", "’s")) or after.startswith(("'s", "’s"))
    if not (possessive or _FOUR_DIGITS.fullmatch(t.text)
            or _DETERMINER_BEFORE.search(text[max(0, t.start - 12) : t.start].lower())):
        return None
    if after.startswith(("'", "’")):
        after = _POSSESSIVE_S.sub("", after)
    for m in itertools.islice(_NOUN_PHRASE_WORD.finditer(after), 5):  # the first five words
        w = m.group()
        if w in ",;:." or w.lower() in _NOT_IN_NOUN_PHRASE:
            return None
        if is_event_noun(w, v):
            return w
    return None


def blank_parentheticals(piece: str, fill: str = "x") -> str:
    """The text with asides (" -- who ... - ") blanked out, same length.
    An aside opens with a dash: a piece without one is not searched (the
    pattern opens with a space, so its search stops at every space)."""
    if "—" not in piece and "–" not in piece and "--" not in piece:
        return piece
    return PARENTHETICAL.sub(lambda m: fill * len(m.group(0)), piece)


def clause(text: str, start: int, end: int, t: Timex) -> tuple[int, int]:
    """The clause of the sentence around the expression (split at ; — :),
    ignoring dashes that pair up around an aside ("this has — so far — played").
    Most sentences hold none of those marks: they are one clause."""
    piece = text[start:end]
    if ";" not in piece and ":" not in piece and "—" not in piece and "–" not in piece:
        return start, end
    piece = blank_parentheticals(piece)
    cuts = [start] + [start + m.end() for m in _CLAUSE_BREAK.finditer(piece)]
    bounds = cuts + [end]
    for a, b in itertools.pairwise(bounds):
        if a <= t.start < b:
            return a, b
    return start, end


def projected(clause_text: str, at: int, v: Vocab) -> bool:
    """Is the date governed by a projection ("by the mid-2020s he will have
    been...", "hopes to meet ... in the coming months")? A projection cue
    counts only if no past-tense verb stands between it and the date ("hopes
    to meet Kim ... after he met Moon in June": June is a fact). A clause
    without any word a cue needs is not searched."""
    if not may_match(clause_text, v.projection_needs):
        return False
    for m in v.projection.finditer(clause_text):
        if m.start() > at:
            return True  # "in June ... will have been": the cue governs what follows
        if not _PAST_VERB.search(clause_text[m.end() : at]):
            return True
    return False
