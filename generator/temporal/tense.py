"""Guess the tense of the clause around an expression, from word cues.

News prose rarely needs a parser for this: the verb nearest to "on Friday"
says which Friday ("met" -> before the article, "will meet" -> after). We
walk from the expression leftwards, then rightwards, through its sentence and
return the first cue found; the cue lists live in rules/<lang>/tense.toml.

Whether a word is a cue, and which, depends only on the words around it, not
on the expression, so each sentence is read once (`Sentence`): every word's
verdict, and for every word the nearest cue on each side. An expression then
costs two binary searches, however long the sentence and however many
expressions it holds (a sentence of 5,000 weekdays stays linear).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import accumulate, count
from operator import add

from .resolve import FUTURE, PAST, PRESENT

_NOT_PAST_AUX = {"be", "being", "is", "are", "am", "can", "could", "may", "might", "must", "should", "get", "gets"}
_DETERMINERS = {"a", "an", "the", "its", "their", "his", "her", "our", "this", "these", "those"}
_PAST_PERFECT = {"had", "hadn't", "hadn’t"}
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?|['’]ll")


def _after_forward_preposition(before: str, forward, forward_ends: tuple[str, ...] | None = None) -> bool:
    """Whether `before` ends with a preposition that points ahead ("until",
    "effective"), perhaps before "the". `forward_ends`: those words each with
    a space in front, if the caller has them made."""
    before = before.rstrip()
    if before.endswith(" the"):
        before = before[:-4].rstrip()
    if forward_ends is None:
        forward_ends = tuple(" " + p for p in forward)
    return before in forward or before.endswith(forward_ends)


def _ed_form(w: str, ed_ok) -> bool:
    """A regular past tense or participle ("signed"), not "need" or "hundred"."""
    return len(w) > 4 and w.endswith("ed") and w not in ed_ok


def after_determiner(words: list[str], i: int, cues: dict) -> bool:
    """Word i follows a determiner, perhaps past an adverb: "an unspecified
    date", "a still unspecified date", "the recently passed bill"."""
    if i and words[i - 1] in _DETERMINERS:
        return True
    return i > 1 and words[i - 2] in _DETERMINERS and words[i - 1] in cues["adjective_adverbs"]


def _participle_follows(words: list[str], i: int, cues: dict, ed_ok) -> bool:
    """'have come', 'has already fallen': a perfect tense."""
    j = i + 1
    while j < len(words) and j <= i + 2 and words[j] in cues["perfect_adverbs"]:
        j += 1
    return j < len(words) and (words[j] in cues["participles"] or _ed_form(words[j], ed_ok))


def _verdict(words: list[str], i: int, capitalised: bool, cues: dict) -> str | None:
    """What word i says about the tense of its clause, or None (no cue)."""
    w = words[i]
    pair = w + " " + words[i + 1] if i + 1 < len(words) else ""
    triple = pair + " " + words[i + 2] if i + 2 < len(words) else ""
    if pair in cues["not_cues"] or triple in cues["not_cues"]:
        return None
    future, ed_ok = cues["future"], cues["ed_exceptions"]
    if w in future or pair in future or triple in future:
        # "had been scheduled to expire at midnight Friday": a plan in the past perfect
        if any(a in _PAST_PERFECT for a in words[max(0, i - 2) : i]):
            return PAST
        return FUTURE
    # "signed" is a verb, "an unspecified date" an adjective after its determiner
    regular_past = _ed_form(w, ed_ok) and not capitalised and not after_determiner(words, i, cues)
    if w in cues["past"] or regular_past:
        # "will be held", "is to be signed", "will have met": the auxiliaries decide;
        # "can be exercised", "is expected": a participle, not a past tense.
        aux = words[max(0, i - 3) : i]
        if any(a in future for a in aux) or (len(aux) >= 2 and aux[-2:] == ["to", "be"]):
            return FUTURE
        if regular_past and aux and aux[-1] in _NOT_PAST_AUX:
            return None
        return PAST
    if w in cues["perfect_aux"] and _participle_follows(words, i, cues, ed_ok):
        return PAST
    if w in cues["present"]:
        return PRESENT
    return None


_HEADS: dict[int, tuple[dict, frozenset[str], re.Pattern, tuple[str, ...]]] = {}


def _heads(cues: dict) -> tuple[dict, frozenset[str], re.Pattern, tuple[str, ...]]:
    known = _HEADS.get(id(cues))
    if known is None or known[0] is not cues:
        phrases = [*cues["future"], *cues["past"], *cues["perfect_aux"], *cues["present"]]
        heads = frozenset(p.split(" ")[0] for p in phrases)
        # A word of the sentence's lower-cased words joined by spaces that can
        # be a cue: a head, or a regular -ed form ("signed"; see _ed_form).
        words = "|".join(re.escape(h) for h in sorted(heads, key=lambda h: (-len(h), h)))
        pattern = re.compile(rf"(?<![^ ])(?:{words}|[^ ]{{3,}}ed)(?![^ ])")
        known = _HEADS[id(cues)] = (cues, heads, pattern, tuple(" " + p for p in cues["forward"]))
    return known


# A token and the text before it: split by it, a sentence gives its tokens and
# (from the lengths of the parts) their offsets without a match object each.
_SPLIT = re.compile(f"({_TOKEN.pattern})")


_START = re.Match.start
_UNKNOWN = -2  # not yet read (a candidate's verdict, or its nearest cue)


class Sentence:
    """One sentence read once: its tokens and the words that can be cues.

    A candidate's verdict is worked out only when an expression asks for the
    nearest cue on its side (most sentences hold one expression, whose cue is
    the verb just before it: the other candidates are never read), and each
    candidate remembers the nearest cue found from it, so a sentence of
    thousands of expressions is still read once."""

    __slots__ = ("positions", "words", "_text", "_cues", "_offsets", "_starts", "_verdicts", "_left", "_right",
                 "_blocked")

    def __init__(self, text: str, span: tuple[int, int], cues: dict):
        s, e = span
        parts = _SPLIT.split(text[s:e])  # [before, token, between, token, ..., after]
        self.positions: list[int] = list(accumulate(map(len, parts), initial=s))[1::2]
        # Tokens hold no space: lower-cased joined, they are lower-cased in one call.
        tokens = parts[1::2]
        joined = " ".join(tokens).lower()
        self.words: list[str] = joined.split(" ") if tokens else []
        self._text = text
        self._cues = cues
        # Where each word starts in `joined` (its index plus the lengths before
        # it), and where the words that can be cues start there (most are not).
        self._starts: list[int] = list(map(add, accumulate(map(len, tokens), initial=0), count()))
        self._offsets: list[int] = list(map(_START, _heads(cues)[2].finditer(joined)))
        n = len(self._offsets)
        self._verdicts: list = [_UNKNOWN] * n
        self._left: list[int] = [_UNKNOWN] * n  # the nearest cue at or before each candidate (-1: none)
        self._right: list[int] = [_UNKNOWN] * n  # ... at or after it (n: none)
        self._blocked: bool | None = None

    def blocked(self, blockers) -> bool:
        """Whether a past perfect ("had") keeps a forward preposition from pointing ahead."""
        if self._blocked is None:
            self._blocked = not blockers.isdisjoint(self.words)
        return self._blocked

    def _verdict(self, k: int) -> str | None:
        verdict = self._verdicts[k]
        if verdict == _UNKNOWN:
            i = bisect_left(self._starts, self._offsets[k])
            verdict = self._verdicts[k] = _verdict(self.words, i, self._text[self.positions[i]].isupper(), self._cues)
        return verdict

    def _nearest(self, k: int, step: int, known: list[int]) -> int:
        """The nearest candidate from k on (step -1: leftwards, +1: rightwards)
        that is a cue; -1 or len(candidates) if none."""
        end = len(known) if step > 0 else -1
        walked = []
        while k != end:
            found = known[k]
            if found != _UNKNOWN:
                k = found
                break
            if self._verdict(k) is not None:
                known[k] = k
                break
            walked.append(k)
            k += step
        for j in walked:
            known[j] = k
        return k

    def tense(self, start: int, end: int) -> str | None:
        """The nearest cue left of [start, end), else the nearest right of it."""
        left = bisect_left(self.positions, start) - 1  # the last word before the expression
        if left >= 0:
            k = self._nearest(bisect_right(self._offsets, self._starts[left]) - 1, -1, self._left)
            if k >= 0:
                return self._verdicts[k]
        right = bisect_left(self.positions, end)  # the first word after it
        if right < len(self.words):
            k = self._nearest(bisect_left(self._offsets, self._starts[right]), 1, self._right)
            if k < len(self._offsets):
                return self._verdicts[k]
        return None


class TenseReader:
    """Tenses for the expressions of one text; each sentence is read once."""

    def __init__(self, text: str, cues: dict):
        self.text = text
        self.cues = cues
        self._sentences: dict[tuple[int, int], Sentence] = {}

    def at(self, sentence: tuple[int, int], start: int, end: int) -> str | None:
        s = sentence[0]
        # "postponed until Friday", "effective Feb. 1": ahead, unless past perfect.
        if _after_forward_preposition(self.text[max(s, start - 24) : start].lower(), self.cues["forward"],
                                      _heads(self.cues)[3]):
            if not self._read(sentence).blocked(self.cues["forward_blockers"]):
                return FUTURE
        return self._read(sentence).tense(start, end)

    def _read(self, sentence: tuple[int, int]) -> Sentence:
        read = self._sentences.get(sentence)
        if read is None:
            read = self._sentences[sentence] = Sentence(self.text, sentence, self.cues)
        return read


def tense_at(text: str, sentence: tuple[int, int], start: int, end: int, cues: dict) -> str | None:
    """The tense of the clause around text[start:end] (one-off; `tag` keeps a TenseReader)."""
    return TenseReader(text, cues).at(sentence, start, end)
