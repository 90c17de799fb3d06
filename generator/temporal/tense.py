"""Guess the tense of the clause around an expression, from word cues.

News prose rarely needs a parser for this: the verb nearest to "on Friday"
says which Friday ("met" -> before the article, "will meet" -> after). We
walk from the expression leftwards, then rightwards, through its sentence and
return the first cue found; the cue lists live in rules/<lang>/tense.toml.
"""

from __future__ import annotations

import re

from .resolve import FUTURE, PAST, PRESENT

_NOT_PAST_AUX = {"be", "being", "is", "are", "am", "can", "could", "may", "might", "must", "should", "get", "gets"}
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?|['’]ll")


def _after_forward_preposition(before: str, forward) -> bool:
    before = before.rstrip()
    if before.endswith(" the"):
        before = before[:-4].rstrip()
    return any(before == p or before.endswith(" " + p) for p in forward)


def _ed_form(w: str, ed_ok) -> bool:
    """A regular past tense or participle ("signed"), not "need" or "hundred"."""
    return len(w) > 4 and w.endswith("ed") and w not in ed_ok


def _participle_follows(words: list[str], i: int, cues: dict, ed_ok) -> bool:
    """'have come', 'has already fallen': a perfect tense."""
    j = i + 1
    while j < len(words) and j <= i + 2 and words[j] in cues["perfect_adverbs"]:
        j += 1
    return j < len(words) and (words[j] in cues["participles"] or _ed_form(words[j], ed_ok))


def tense_at(text: str, sentence: tuple[int, int], start: int, end: int, cues: dict) -> str | None:
    s, e = sentence
    found = list(_TOKEN.finditer(text[s:e]))
    tokens = [(m.start() + s, m.group(0).lower()) for m in found]
    capitalised = {m.start() + s for m in found if m.group(0)[0].isupper()}
    # Left of the expression first, nearest first (the verb that governs a
    # date usually precedes it: "met on Friday", "will meet on Friday"), then
    # the right side, nearest first ("On Monday, Abe and Putin made...").
    left = sorted(((pos, w) for pos, w in tokens if pos < start), reverse=True)
    right = sorted((pos, w) for pos, w in tokens if pos >= end)
    outside = left + right
    words = [w for _, w in tokens]
    index = {pos: i for i, (pos, _) in enumerate(tokens)}
    if _after_forward_preposition(text[max(s, start - 24) : start].lower(), cues["forward"]):
        if not any(w in cues["forward_blockers"] for w in words):
            return FUTURE
    future, past, present, ed_ok = cues["future"], cues["past"], cues["present"], cues["ed_exceptions"]
    not_cues, perfect_aux = cues["not_cues"], cues["perfect_aux"]
    for pos, w in outside:
        i = index[pos]
        pair = w + " " + words[i + 1] if i + 1 < len(words) else ""
        triple = pair + " " + words[i + 2] if i + 2 < len(words) else ""
        if pair in not_cues or triple in not_cues:
            continue
        if w in future or pair in future or triple in future:
            return FUTURE
        regular_past = _ed_form(w, ed_ok) and pos not in capitalised
        if w in past or regular_past:
            # "will be held", "is to be signed", "will have met": the auxiliaries decide;
            # "can be exercised", "is expected": a participle, not a past tense.
            aux = words[max(0, i - 3) : i]
            if any(a in future for a in aux) or (len(aux) >= 2 and aux[-2:] == ["to", "be"]):
                return FUTURE
            if regular_past and aux and aux[-1] in _NOT_PAST_AUX:
                continue
            return PAST
        if w in perfect_aux and _participle_follows(words, i, cues, ed_ok):
            return PAST
        if w in present:
            return PRESENT
    return None
