"""Which literal text must occur for a pattern to match at all.

A rule such as `(the )?(first|second|third|fourth)[- ]quarter` cannot match a
text without "quarter" in it. Finding such a required literal once, when the
rules are compiled, lets the extractor skip a rule for an article with a plain
substring test (C speed) instead of running the regular expression over it:
the cheap test rejects most rules for most articles. The analysis is
conservative: when in doubt it returns None and the rule always runs.
"""

from __future__ import annotations

import functools
import re
from re import _constants as C  # type: ignore[attr-defined]  # noqa: N812 - CPython's regex parser constants
from re import _parser  # type: ignore[attr-defined]

Factor = frozenset[str]
DIGITS: Factor = frozenset("0123456789")


@functools.lru_cache(maxsize=16)
def parsed(pattern: str, flags: int) -> tuple:
    """The items of _parser.parse(pattern, flags), parsed once for the
    analyses of one rule's pattern (rules.compile_rule_pattern asks seven
    of them, each of which parsed it again: 1.2 s of a cold build's 1.5 s
    of loading the rules). Its readers never change it. A memo of a pure
    function of its arguments, so a long preview cannot hold it stale."""
    return tuple(_parser.parse(pattern, flags))


def _class_chars(items) -> Factor | None:
    chars = set()
    for op, av in items:
        if op is C.LITERAL:
            chars.add(chr(av).lower())
        elif op is C.RANGE and av[1] - av[0] < 40:
            chars.update(chr(c).lower() for c in range(av[0], av[1] + 1))
        elif op is C.CATEGORY and av is C.CATEGORY_DIGIT:
            chars.update(DIGITS)
        else:
            return None
    return frozenset(chars) if chars else None


def _literal_alternatives(seq) -> Factor | None:
    """If `seq` is a fixed string, or an alternation of fixed strings, those strings."""
    if len(seq) == 1 and seq[0][0] is C.SUBPATTERN:
        return _literal_alternatives(seq[0][1][3])
    if len(seq) == 1 and seq[0][0] is C.BRANCH:
        out: set[str] = set()
        for alt in seq[0][1][1]:
            sub = _literal_alternatives(alt)
            if sub is None:
                return None
            out |= sub
        return frozenset(out)
    if all(op is C.LITERAL for op, _ in seq) and seq:
        return frozenset(["".join(chr(av) for _, av in seq).lower()])
    return None


# Adjacent fixed parts combine into one factor of their concatenations
# ("a " + "day|week" -> "a day", "a week"), which is rarer than either part,
# as long as there are at most this many strings.
PRODUCT_LIMIT = 48
# Classes of at most this many characters ("[0-9]", "['’]") combine with
# their neighbours like alternatives.
CLASS_LIMIT = 10


def _factors(seq, memo: dict | None = None) -> list[Factor]:
    """Sets of strings such that every match contains one string of each set.
    `memo`: the factors of the sub-patterns already seen, by identity (for
    match_reach, which asks again for every prefix of one parsed pattern)."""
    if memo is None:
        memo = {}

    def inner(sub) -> list[Factor]:
        known = memo.get(id(sub))
        if known is None:
            known = memo[id(sub)] = (sub, _factors(sub, memo))
        return known[1]

    factors: list[Factor] = []
    cur: set[str] | None = None  # concatenations of the adjacent fixed parts so far

    def flush():
        nonlocal cur
        if cur:
            factors.append(frozenset(x.lower() for x in cur))
        cur = None

    def extend(alternatives):
        nonlocal cur
        if cur is not None and len(cur) * len(alternatives) > PRODUCT_LIMIT:
            flush()
        cur = set(alternatives) if cur is None else {c + a for c in cur for a in alternatives}

    for op, av in seq:
        if op is C.LITERAL:
            extend((chr(av),))
            continue
        if op is C.IN:  # a small class is alternatives too: "['’]" + "[0-9]" -> "'0", "’9"...
            chars = _class_chars(av)
            if chars and len(chars) <= CLASS_LIMIT:
                extend(sorted(chars))
                continue
        if op in (C.SUBPATTERN, C.BRANCH):
            alts = _literal_alternatives(av[3] if op is C.SUBPATTERN else [(op, av)])
            if alts:
                extend(alts)
                continue
        if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1 and len(av[2]) == 1 and av[2][0][0] is C.IN:
            # "[0-9]{3,4}": its first character is adjacent to what comes before
            # (" 1" of "flight 1549"); the ones after it are not fixed.
            chars = _class_chars(av[2][0][1])
            if chars and len(chars) <= CLASS_LIMIT:
                extend(sorted(chars))
                flush()
                continue
        flush()
        if op is C.SUBPATTERN:
            factors.extend(inner(av[3]))
        elif op is C.BRANCH:
            best = [_best(inner(alt)) for alt in av[1]]
            if best and all(f is not None for f in best):
                factors.append(frozenset().union(*(f for f in best if f is not None)))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1:
            factors.extend(inner(av[2]))
        elif op is C.IN:
            chars = _class_chars(av)
            if chars:
                factors.append(chars)
        elif op is C.CATEGORY and av is C.CATEGORY_DIGIT:
            factors.append(DIGITS)
    flush()
    return factors


# Words so common that requiring one of them rejects nothing; and the full
# stop and the comma, which end most sentences and clauses (a rule needing
# "." or ":" searched around every full stop of a text: "at 10.30" is better
# found from its digits).
_COMMON = {"the", "a", "an", "in", "of", "at", "by", "to", "and", "on", "or", "from", "for", "after",
           "before", "until", "during", "since", "this", "that", "is", "it", "as", "with", ".", ","}


def _selectivity(f: Factor) -> tuple:
    words = {s.strip() for s in f}
    common = bool(words & _COMMON)
    shortest = min(map(len, f))
    punctuation = all(len(s) == 1 and not s.isalnum() and not s.isspace() for s in f)
    # A digit with a character beside it ("'9" of "'98", "0s") is rarer than
    # the digit, or the apostrophe of every "company's".
    digit_and_more = shortest >= 2 and all(any(c in DIGITS for c in s) for s in f)
    return (not common, punctuation or digit_and_more or shortest >= 3, shortest, -len(f))


def _best(factors: list[Factor]) -> Factor | None:
    """The most selective factor: no common words, longest shortest string,
    fewest strings. Single characters count only if punctuation or digits."""
    useful = [f for f in factors if f and (min(map(len, f)) >= 2 or f <= DIGITS or all(
        len(s) == 1 and not s.isalnum() and not s.isspace() for s in f))]
    if not useful:
        return None
    return max(useful, key=_selectivity)


def fewest_literals(literals: Factor | None) -> Factor | None:
    """The literals without those that hold another of them: a text holds
    one of the set exactly when it holds one of these ("appeared " stands
    for "a version appeared on p1"... "p9"), and fewer strings cost fewer
    tests."""
    if literals is None:
        return None
    return frozenset(lit for lit in literals if not any(o != lit and o in lit for o in literals))


def holds_digit(pattern: str) -> bool:
    """Whether every match of `pattern` holds a digit: a "\\d", a class of
    digits or a digit, outside any optional part or lookaround (every
    alternative of a branch must hold one). Such a digit is one "\\d"
    matches, so a text without any cannot match."""
    try:
        return _holds_digit(list(parsed(pattern, 0)))
    except re.error:
        return False


def _holds_digit(seq) -> bool:
    for op, av in seq:
        if op is C.LITERAL and chr(av) in "0123456789":
            return True
        if op is C.IN and av and all(_digit_item(o, a) for o, a in av):
            return True
        if op is C.SUBPATTERN and _holds_digit(av[3]):
            return True
        if op is C.ATOMIC_GROUP and _holds_digit(av):
            return True
        if op is C.BRANCH and all(_holds_digit(alt) for alt in av[1]):
            return True
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1 and _holds_digit(av[2]):
            return True
    return False


def _digit_item(op, av) -> bool:
    if op is C.LITERAL:
        return chr(av) in "0123456789"
    if op is C.RANGE:
        return 48 <= av[0] and av[1] <= 57
    return op is C.CATEGORY and av is C.CATEGORY_DIGIT


def required_literals(pattern: str) -> Factor | None:
    """Strings (lower case) one of which every match of `pattern` contains, or None."""
    try:
        seq = list(parsed(pattern, re.IGNORECASE))
    except re.error:
        return None
    return _best(_factors(seq))


# Characters assumed for an unbounded repeat ("\s+", "[a-z]+") when bounding
# how far a match can reach; the extractor never looks further than its
# WINDOW anyway.
REPEAT_CAP = 16


def _width(seq) -> tuple[int, int]:
    """(longest match of `seq`, how far past its end a lookahead can look)."""
    width = ahead = 0
    for op, av in seq:
        if op in (C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN, C.RANGE, C.CATEGORY):
            width += 1
        elif op is C.SUBPATTERN:
            w, a = _width(av[3])
            ahead = max(ahead, width + a)
            width += w
        elif op is C.BRANCH:
            parts = [_width(alt) for alt in av[1]]
            ahead = max(ahead, width + max(a for _, a in parts))
            width += max(w for w, _ in parts)
        elif op is C.GROUPREF_EXISTS:
            parts = [_width(alt) for alt in av[1:] if alt is not None]
            ahead = max(ahead, width + max(a for _, a in parts))
            width += max(w for w, _ in parts)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            w, a = _width(av[2])
            count = REPEAT_CAP if av[1] is C.MAXREPEAT else min(av[1], REPEAT_CAP)
            ahead = max(ahead, width + (count - 1) * w + a)
            width += count * w
        elif op in (C.ASSERT, C.ASSERT_NOT):
            if av[0] > 0:  # a lookahead sees past the current position
                w, a = _width(av[1])
                ahead = max(ahead, width + max(w, a))
        elif op is C.GROUPREF:
            width += REPEAT_CAP
        elif op is C.ATOMIC_GROUP:
            w, a = _width(av)
            ahead = max(ahead, width + a)
            width += w
        # AT (\b, ^, $) and the like take no characters
    return width, max(ahead, width)


def match_reach(pattern: str) -> tuple[int, int]:
    """(before, after) for a pattern compiled for lower-case text: a match
    starts at most `before` characters before its required literal starts,
    and neither it nor its lookaheads read further than `after` characters
    from that start (unbounded repeats counted as REPEAT_CAP characters).
    The literal's place is found from the shortest prefix and the shortest
    suffix of the pattern that already require it; if they do not overlap,
    a match holds it twice ("2018-05-31" and "-"), and the whole width counts.
    Other occurrences (in optional parts) lie within that reach of the
    required one, so their windows merge with its window."""
    try:
        seq = list(parsed(pattern, re.IGNORECASE))
    except re.error:
        return 10**6, 10**6
    width, reach = _width(seq)
    memo: dict = {}
    best = _best(_factors(seq, memo))
    if best is None:
        return width, reach
    k = next((k for k in range(len(seq)) if best in _factors(seq[: k + 1], memo)), len(seq) - 1)
    j = next((j for j in range(len(seq) - 1, -1, -1) if best in _factors(seq[j:], memo)), 0)
    if k < j:
        return width, reach
    return _width(seq[: k + 1])[0], _width(seq[j:])[1]


# Which characters a match can start with. CPython's regex search tries a
# pattern at every position unless the pattern opens with a literal or a
# character class; then it skips in C, at memory speed, to the next position
# holding one of those characters. Most rules open with a zero-width test
# ("\b", a lookbehind), which hides their first characters from it.

def _first_of(seq) -> tuple[frozenset[str] | None, bool]:
    """(the characters a match of `seq` can start with, None if any; whether
    `seq` can match the empty string)."""
    out: set[str] = set()
    for op, av in seq:
        chars, nullable = _first_op(op, av)
        if chars is None:
            return None, False
        out |= chars
        if not nullable:
            return frozenset(out), False
    return frozenset(out), True


def _first_op(op, av) -> tuple[frozenset[str] | None, bool]:
    if op is C.LITERAL:
        return frozenset(chr(av)), False
    if op is C.IN:
        return _exact_class(av), False
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return frozenset(), True  # zero width: the next part starts the match
    if op is C.SUBPATTERN:
        if av[1] & re.IGNORECASE:  # "(?i:...)": both cases would start it
            return None, False
        return _first_of(av[3])
    if op is C.ATOMIC_GROUP:
        return _first_of(av)
    if op in (C.BRANCH, C.GROUPREF_EXISTS):
        alts = av[1] if op is C.BRANCH else av[1:]
        parts = [(frozenset(), True) if alt is None else _first_of(alt) for alt in alts]
        if any(chars is None for chars, _ in parts):
            return None, False
        return frozenset().union(*(chars for chars, _ in parts if chars)), any(n for _, n in parts)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        chars, nullable = _first_of(av[2])
        return chars, nullable or av[0] == 0
    return None, False  # any character, \d, a back-reference...: anything can start it


def _exact_class(items) -> frozenset[str] | None:
    """The characters of a class ([0-9a-f], [12]) exactly, or None."""
    chars: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            chars.add(chr(av))
        elif op is C.RANGE and av[1] - av[0] < 256:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:  # a negated class, \d (any script's digits), \w, \s...
            return None
    return frozenset(chars)


def first_chars(pattern: str) -> frozenset[str] | None:
    """The characters every match of `pattern` (compiled case-sensitively, as
    the lower-case patterns are) starts with, or None: any character, or the
    pattern can match the empty string."""
    try:
        chars, nullable = _first_of(list(parsed(pattern, 0)))
    except re.error:
        return None
    return None if nullable or not chars else chars


def required_and_reach(pattern: str) -> tuple[Factor | None, tuple[int, int]]:
    """(required literals, reach) of a pattern for lower-case text. A pattern
    that needs no literal ("(?=[12][0-9]{3})...", a bare year) but can only
    start with a digit needs that digit: its windows open at the digits."""
    required = required_literals(pattern)
    if required is not None:
        return required, match_reach(pattern)
    first = first_chars(pattern)
    if first is not None and first <= DIGITS:
        return first, (0, match_reach(pattern)[1])
    return None, match_reach(pattern)


def opens_at_word_boundary(pattern: str) -> bool:
    """Whether every match of `pattern` starts at a word boundary (it opens with "\\b")."""
    try:
        seq = list(parsed(pattern, 0))
    except re.error:
        return False
    return bool(seq) and seq[0] == (C.AT, C.AT_BOUNDARY)


def opens_with(pattern: str, literals: Factor | None) -> bool:
    """Whether every match of `pattern` (for lower-case text) starts with one
    of `literals` (its required literals): "(?P<month>january|...) [0-9]+"
    opens with a month, "\\byesterday\\b" with "yesterday". The extractor
    then tries such a rule only where one of them starts, not at every
    position around it."""
    if not literals:
        return False
    try:
        seq = list(parsed(pattern, 0))
    except re.error:
        return False
    i = 0
    while i < len(seq) and seq[i][0] in (C.AT, C.ASSERT, C.ASSERT_NOT):  # they take no character
        i += 1
    if i == len(seq):
        return False
    op, _ = seq[i]
    if op in (C.SUBPATTERN, C.BRANCH):
        alternatives = _literal_alternatives([seq[i]])
        return alternatives is not None and alternatives <= literals
    if op is C.LITERAL:
        run = []
        while i < len(seq) and seq[i][0] is C.LITERAL:
            run.append(chr(seq[i][1]))
            i += 1
        opening = "".join(run).lower()
        return any(opening.startswith(lit) for lit in literals)
    return False
