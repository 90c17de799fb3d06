"""Whether a rule's required word can stand inside a longer word.

The extractor opens a window around every occurrence of a rule's required
literals (required.py), and most of them, on news, are inside other words:
the months' "dec" of "decision", "mar" of "market", the unit "day" of
"today". When the pattern says what stands right before (or after) the
literal in every match, a word boundary or a character that is no letter,
digit or "_" ("(?:of )?(?P<month>...)", "[- ](?P<unit>...)", "...)\\b"),
an occurrence with such a character there cannot be the one a match holds,
and opens no window. Found from the parsed pattern, place by place as
required._factors finds the literals; when in doubt, no.
"""

from __future__ import annotations

import re
from re import _constants as C  # type: ignore[attr-defined]  # noqa: N812 - CPython's regex parser constants

from .required import (
    CLASS_LIMIT,
    DIGITS,
    PRODUCT_LIMIT,
    Factor,
    _best,
    _class_chars,
    _exact_class,
    _literal_alternatives,
    parsed,
)

# What a word character is to the extractor's test of the text (lower-cased:
# no capital letters); "\b" and "\w" count more characters as word
# characters, never fewer, so a pattern that excludes theirs excludes these.
WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")

# The character beside a place, as far as the pattern says: surely none of
# WORD (or no character at all); maybe one of WORD; or none read yet (the
# elements read can match empty): read further out.
_OK, _BAD, _PASS = 1, 0, 2

_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)


def _edge(seq, forward: bool) -> int:
    """The character beside a place, read from `seq`: the elements after the
    place (forward) or before it (read backwards), nearest first."""
    for op, av in (seq if forward else reversed(seq)):
        state = _edge_op(op, av, forward)
        if state != _PASS:
            return state
    return _PASS


def _edge_op(op, av, forward: bool) -> int:
    if op is C.LITERAL:
        return _BAD if chr(av).lower() in WORD else _OK
    if op is C.IN:
        chars = _exact_class(av)
        if chars is None:
            return _OK if av == [(C.CATEGORY, C.CATEGORY_SPACE)] else _BAD
        return _BAD if any(c.lower() in WORD for c in chars) else _OK
    if op is C.AT:
        # A word boundary with nothing read between it and the place: the
        # place's own character is a word character where the test applies.
        if av is C.AT_BOUNDARY:
            return _OK
        if av in ((C.AT_END, C.AT_END_STRING) if forward else (C.AT_BEGINNING, C.AT_BEGINNING_STRING)):
            return _OK  # the end of the text (or "$" before its last line break)
        return _PASS
    if op is C.ASSERT:
        direction, sub = av
        if (direction > 0) == forward and _edge(sub, forward) == _OK:
            return _OK  # "(?<=\\bbetween )": what stands before the place
        return _PASS
    if op is C.ASSERT_NOT:
        return _PASS
    if op is C.SUBPATTERN:
        return _edge(av[3], forward)
    if op is C.ATOMIC_GROUP:
        return _edge(av, forward)
    if op is C.BRANCH:
        states = [_edge(alt, forward) for alt in av[1]]
        if _BAD in states:
            return _BAD
        return _PASS if _PASS in states else _OK
    if op in _REPEATS:
        state = _edge(av[2], forward)
        if state == _BAD:
            return _BAD
        return _PASS if av[0] == 0 else state
    return _BAD  # any character, a back-reference, a category...


def _side(seq, forward: bool, outer: bool) -> bool:
    state = _edge(seq, forward)
    return state == _OK or (state == _PASS and outer)


def placed_factors(seq, left: bool = False, right: bool = False) -> list[tuple[Factor, bool, bool]]:
    """required._factors(seq), each factor with whether every occurrence of
    it at its place has no character of WORD right before it (when its
    string opens with one) and right after it (when its string ends with
    one). `left`, `right`: the same of the place `seq` fills in the pattern."""
    out: list[tuple[Factor, bool, bool]] = []
    cur: set[str] | None = None
    cur_start = 0

    def flush(end: int) -> None:
        nonlocal cur
        if cur:
            out.append((frozenset(x.lower() for x in cur), _side(seq[:cur_start], False, left),
                        _side(seq[end:], True, right)))
        cur = None

    def extend(alternatives, i: int) -> None:
        nonlocal cur, cur_start
        if cur is not None and len(cur) * len(alternatives) > PRODUCT_LIMIT:
            flush(i)
        if cur is None:
            cur, cur_start = set(alternatives), i
        else:
            cur = {c + a for c in cur for a in alternatives}

    for i, (op, av) in enumerate(seq):
        if op is C.LITERAL:
            extend((chr(av),), i)
            continue
        if op is C.IN:
            chars = _class_chars(av)
            if chars and len(chars) <= CLASS_LIMIT:
                extend(sorted(chars), i)
                continue
        if op in (C.SUBPATTERN, C.BRANCH):
            alts = _literal_alternatives(av[3] if op is C.SUBPATTERN else [(op, av)])
            if alts:
                extend(alts, i)
                continue
        if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1 and len(av[2]) == 1 and av[2][0][0] is C.IN:
            chars = _class_chars(av[2][0][1])
            if chars and len(chars) <= CLASS_LIMIT:
                extend(sorted(chars), i)
                assert cur is not None
                # (more characters of the class may follow the factor's last)
                out.append((frozenset(x.lower() for x in cur), _side(seq[:cur_start], False, left), False))
                cur = None
                continue
        flush(i)
        inner_left, inner_right = _side(seq[:i], False, left), _side(seq[i + 1 :], True, right)
        if op is C.SUBPATTERN:
            out.extend(placed_factors(av[3], inner_left, inner_right))
        elif op is C.BRANCH:
            best: list[tuple[Factor, tuple[bool, bool]]] = []
            for alt in av[1]:
                placed = placed_factors(alt, inner_left, inner_right)
                chosen = _best([f for f, _, _ in placed])
                if chosen is None:
                    best = []
                    break
                flags = max(((a, b) for f, a, b in placed if f == chosen), key=lambda ab: (ab[0] and ab[1], ab))
                best.append((chosen, flags))
            if best:
                out.append((frozenset().union(*(f for f, _ in best)), all(a for _, (a, _) in best),
                            all(b for _, (_, b) in best)))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1:
            # one pass: its own context; more: beside another pass, unknown
            once = av[1] == 1
            out.extend(placed_factors(av[2], inner_left and once, inner_right and once))
        elif op is C.IN:
            chars = _class_chars(av)
            if chars:
                out.append((chars, False, False))
        elif op is C.CATEGORY and av is C.CATEGORY_DIGIT:
            out.append((DIGITS, False, False))
    flush(len(seq))
    return out


def literal_bounds(pattern: str, required: Factor | None) -> tuple[bool, bool]:
    """(left, right) for a pattern for lower-case text and its required
    literals: in every match, one of them stands at a place where no
    character of WORD precedes it (left; for those of them that open with
    one) or follows it (right; for those that end with one). (False,
    False) when the literals are not a factor of the pattern found here."""
    if not required:
        return False, False
    try:
        seq = list(parsed(pattern, re.IGNORECASE))  # parsed as required_literals parses it
    except re.error:
        return False, False
    places = [(a, b) for f, a, b in placed_factors(seq) if f == required]
    return max(places, key=lambda ab: (ab[0] and ab[1], ab), default=(False, False))
