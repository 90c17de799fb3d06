"""How a match of a pattern can open: its first few characters, as a test.

CPython's regex search skips in C to the characters a match can start with
(rules.scan_pattern puts them first), and then runs the whole pattern there.
Those characters are common letters ("t" for "the past year", "a" to "s" for
"about", "several", "some"...), so most of a rule's time went on running
the pattern at the start of "tax", "said" or "other", to fail. The first few
characters of every way the pattern can open ("the", "abo", "sev", "[0-9]")
make a cheap lookahead that turns those down before the pattern runs.

The test is a necessary condition only: it never decides a match, so the
matches are the pattern's own whatever it lets through.
"""

from __future__ import annotations

import re
from re import _constants as C  # type: ignore[attr-defined]  # noqa: N812 - CPython's regex parser constants

from .required import parsed

# How many characters of each opening are tested, and how many openings at
# most (past that the test would cost about what it saves).
DEPTH = 4
MAX_OPENINGS = 400

_CATEGORIES = {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_NOT_DIGIT: r"\D", C.CATEGORY_SPACE: r"\s",
               C.CATEGORY_NOT_SPACE: r"\S", C.CATEGORY_WORD: r"\w", C.CATEGORY_NOT_WORD: r"\W"}


class _TooMany(Exception):
    pass


def _char(code: int) -> str:
    return re.escape(chr(code))


def _class(items) -> str | None:
    """A character class as regex source ("[0-9]", "[\\s]"), or None if it holds something else."""
    parts = []
    for op, av in items:
        if op is C.LITERAL:
            parts.append(_char(av))
        elif op is C.RANGE:
            parts.append(f"{_char(av[0])}-{_char(av[1])}")
        elif op is C.NEGATE:
            parts.insert(0, "^")
        elif op is C.CATEGORY and av in _CATEGORIES:
            parts.append(_CATEGORIES[av])
        else:
            return None
    return f"[{''.join(parts)}]" if parts else None


def _open(seq: list, prefix: tuple[str, ...], out: set[tuple[str, ...]]) -> None:
    """Add to `out` the openings of `seq` after `prefix` (each a tuple of
    one-character regex sources; cut short where the pattern gets too
    complex to follow, which only makes the test let more through)."""
    if len(out) > MAX_OPENINGS:
        raise _TooMany
    i = 0
    while i < len(seq) and len(prefix) < DEPTH:
        op, av = seq[i]
        if op is C.LITERAL:
            prefix += (_char(av),)
        elif op is C.NOT_LITERAL:
            prefix += (f"[^{_char(av)}]",)
        elif op is C.IN:
            cls = _class(av)
            if cls is None:
                break
            prefix += (cls,)
        elif op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            pass  # takes no character
        elif op is C.SUBPATTERN and not av[1] and not av[2]:  # no flags inside
            _open(list(av[3]) + seq[i + 1 :], prefix, out)
            return
        elif op is C.BRANCH:
            for alt in av[1]:
                _open(list(alt) + seq[i + 1 :], prefix, out)
            return
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            low, high, sub = av
            if low == 0:  # the repeat left out
                _open(seq[i + 1 :], prefix, out)
            copies = max(1, min(low, DEPTH))
            # After its copies a repeat of fixed count goes on with the rest;
            # one that may take more stops the opening there.
            rest = seq[i + 1 :] if (high == low or high == 1) else []
            _open(list(sub) * copies + rest, prefix, out)
            return
        else:
            break
        i += 1
    out.add(prefix)


def _render(openings: set[tuple[str, ...]]) -> str:
    """The openings as one alternation, shared beginnings written once
    ("th(?:e|is)"), so the engine tests each character once."""
    heads: dict[str, set[tuple[str, ...]]] = {}
    for opening in openings:
        heads.setdefault(opening[0], set()).add(opening[1:])
    alternatives = []
    for head in sorted(heads):
        tails = heads[head]
        if () in tails:  # a shorter opening lets every longer one through
            alternatives.append(head)
        else:
            inner = _render(tails)
            alternatives.append(head + (inner if "|" not in inner else f"(?:{inner})"))
    return "|".join(alternatives)


def opening_test(pattern: str) -> str | None:
    """A regex (to use as a lookahead) that every match of `pattern`, compiled
    case-sensitively as the lower-case patterns are, matches at its start;
    None if no useful one can be told."""
    try:
        seq = list(parsed(pattern, 0))
    except re.error:
        return None
    out: set[tuple[str, ...]] = set()
    try:
        _open(seq, (), out)
    except _TooMany:
        return None
    if not out or () in out or all(len(o) < 2 for o in out):
        return None  # nothing, or the first character only, which the search already skips to
    return _render(out)
