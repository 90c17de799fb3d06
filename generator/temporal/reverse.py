"""A pattern read backwards: what matches the reversed text.

A rule's `after` says what the text ends with right before a required word
("two" or "12 " before "years"). Asked forwards, that is a search through
the characters before the word, trying every alternative at each of them;
matched backwards from the word, on the reversed text, it is one attempt
that fails at its first character for almost every word. Only the plain
parts of a pattern are reversed (characters, classes, groups, alternatives,
repeats, word boundaries); anything else is a RuleError for the rule's file.
"""

from __future__ import annotations

import re
from re import _constants as C  # type: ignore[attr-defined]  # noqa: N812 - CPython's regex parser constants
from re import _parser  # type: ignore[attr-defined]


class Unreversible(ValueError):
    """The pattern holds a part that has no plain backwards reading (a lookaround, an anchor)."""


_CATEGORIES = {
    C.CATEGORY_DIGIT: r"\d", C.CATEGORY_NOT_DIGIT: r"\D", C.CATEGORY_SPACE: r"\s",
    C.CATEGORY_NOT_SPACE: r"\S", C.CATEGORY_WORD: r"\w", C.CATEGORY_NOT_WORD: r"\W",
}


def _char(code: int) -> str:
    return re.escape(chr(code))


def _class(items) -> str:
    out: list[str] = []
    for op, av in items:
        if op is C.NEGATE:
            out.insert(0, "^")
        elif op is C.LITERAL:
            out.append(_char(av))
        elif op is C.RANGE:
            out.append(f"{_char(av[0])}-{_char(av[1])}")
        elif op is C.CATEGORY and av in _CATEGORIES:
            out.append(_CATEGORIES[av])
        else:
            raise Unreversible(f"class item {op}")
    return "[" + "".join(out) + "]"


def _reversed(seq) -> str:
    out = []
    for op, av in reversed(list(seq)):
        if op is C.LITERAL:
            out.append(_char(av))
        elif op is C.NOT_LITERAL:
            out.append(f"[^{_char(av)}]")
        elif op is C.IN:
            out.append(_class(av))
        elif op is C.ANY:
            out.append(".")
        elif op is C.BRANCH:
            out.append("(?:" + "|".join(_reversed(alt) for alt in av[1]) + ")")
        elif op is C.SUBPATTERN:
            if av[1] or av[2]:
                raise Unreversible("a group with flags")
            out.append("(?:" + _reversed(av[3]) + ")")
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            low, high, inner = av
            upper = "" if high is C.MAXREPEAT else str(high)
            lazy = "?" if op is C.MIN_REPEAT else ""
            out.append(f"(?:{_reversed(inner)}){{{low},{upper}}}{lazy}")
        elif op is C.AT and av in (C.AT_BOUNDARY, C.AT_NON_BOUNDARY):
            out.append(r"\b" if av is C.AT_BOUNDARY else r"\B")
        else:
            raise Unreversible(str(op))
    return "".join(out)


def reverse_pattern(pattern: str) -> str:
    """A pattern that matches s[::-1] at the start exactly where `pattern`
    matches s ending at its end (capturing groups become plain groups)."""
    return _reversed(_parser.parse(pattern))
