"""content.check_shape's quick answer (_plainly_within) never lets through
what the line-by-line walk (walk_shape) refuses.

The quick answer says "nothing to refuse" from three bounds without walking
the lines; wherever it says so, the walk must raise nothing. Checked on the
seed articles, generated articles, and bodies made to sit on each bound
(a lead of exactly `nesting` characters and one more, tabs, quotes, escaped
and unescaped brackets, paragraphs a byte either side of the limit, multi-
byte characters), with small limits so that the bounds are reached.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from generator.config import LimitSettings
from generator.content import _plainly_within, check_shape, split_front_matter, walk_shape
from generator.errors import BuildError
from tests.support import shared_dir

PATH = Path("article.md")


def _walk_refuses(body: str, limits: LimitSettings) -> bool:
    try:
        walk_shape(body, 1, PATH, limits)
    except BuildError:
        return True
    return False


def _bodies() -> list[str]:
    """Real article bodies (the seeds), and lines made to sit on the bounds."""
    out = []
    for path in sorted((shared_dir() / "seeds").rglob("*.md")):
        try:
            out.append(split_front_matter(path.read_text(encoding="utf-8"), path).body)
        except BuildError:
            continue
    rng = random.Random(7)
    pieces = ["", " ", "  ", "    ", "\t", ">", "> ", ">>", " >", "[", "]", "\\[", "[x](y)", "é", "€", "\U0001f600",
              "word", "a longer line of words", "\n", "\n\n", "\n  \n"]
    for _ in range(3000):
        out.append("".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))))
    for lead in range(0, 9):  # exactly at the bound of nesting=4 and past it, with each lead character
        for ch in (" ", "\t", ">", " >", "> "):
            line = (ch * lead)[:lead] + "text"
            out += [line, "first\n" + line, "a\n\n" + line + "\nb"]
    return out


LIMITS = [LimitSettings(nesting=4, paragraph_bytes=24), LimitSettings(nesting=2, paragraph_bytes=60),
          LimitSettings(nesting=6, paragraph_bytes=200), LimitSettings()]


@pytest.mark.parametrize("limits", LIMITS, ids=lambda lim: f"nesting{lim.nesting}-bytes{lim.paragraph_bytes}")
def test_the_quick_answer_never_lets_through_what_the_walk_refuses(limits):
    bodies = _bodies()
    quick = walked = 0
    for body in bodies:
        if _plainly_within(body, limits):
            quick += 1
            assert not _walk_refuses(body, limits), repr(body)
        else:
            walked += 1
    assert quick and (walked or limits == LimitSettings())  # both ways taken, with the small limits


def test_check_shape_still_names_the_line_that_is_too_deep():
    limits = LimitSettings(nesting=3)
    body = "intro\n\n" + "\n".join("  " * k + "- item" for k in range(0, 12, 2))
    with pytest.raises(BuildError) as got:
        check_shape(body, 10, PATH, limits)
    # "- item" indented by 8 spaces (two levels) is fine; 16 (four levels) is the first refused, on line 10 + 6
    assert got.value.problems[0].line == 16 and "nested more than 3 levels" in got.value.problems[0].message


def test_a_body_at_the_paragraph_limit_passes_and_one_byte_more_is_refused():
    limits = LimitSettings(paragraph_bytes=100)
    for text, refused in (("x" * 99, False), ("x" * 100, True), ("é" * 49, False), ("é" * 50, True)):
        # a one-line paragraph counts its bytes and its newline
        assert _walk_refuses(text, limits) is refused, text[:3]
        if refused:
            with pytest.raises(BuildError):
                check_shape(text, 1, PATH, limits)
        else:
            check_shape(text, 1, PATH, limits)
