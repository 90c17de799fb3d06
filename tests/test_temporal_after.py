"""A rule's `after` (what comes right before its required word) is read
backwards on the reversed text; it must say exactly what the forward pattern
says, and hold for every match the rule finds."""

import random
import re

import pytest

from generator.temporal import extract, load, rules
from generator.temporal.reverse import Unreversible, reverse_pattern
from tests.support import seed_articles

RES = load("en")


def _forward_and_backward(pattern: str):
    return re.compile(f"(?:{pattern})\\Z"), re.compile(reverse_pattern(pattern))


@pytest.mark.parametrize("pattern", [
    r"(?:[0-9½]|\b(?:a\s+couple\s+of|one|two)|more)[- ]",
    r"ab+c?|x{2,3}\B[^a]",
    r"(?P<n>[a-c]+?)\d\s(?:no|yes)*",
])
def test_a_reversed_pattern_matches_where_the_pattern_ends(pattern):
    forward, backward = _forward_and_backward(pattern)
    rng = random.Random(3)
    alphabet = "abcx12½- one two more couple of\tyes"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        backwards = text[::-1]
        for end in range(len(text) + 1):
            assert (forward.search(text, 0, end) is not None) == (
                backward.match(backwards, len(text) - end) is not None), (pattern, text, end)


def test_lookarounds_and_anchors_are_not_reversed():
    for pattern in (r"(?<=a)b", r"a(?!b)", r"^a", r"a$", r"(?i:a)"):
        with pytest.raises(Unreversible):
            reverse_pattern(pattern)


def test_every_match_of_a_rule_with_after_follows_it():
    """The words a rule's `after` turns down are never inside one of its
    matches (searched with the rule's own pattern over the whole text)."""
    guarded = [r for r in (*RES.rules, *RES.vetoes) if r.after is not None]
    assert {r.id for r in guarded} >= {"dur.count-unit", "dur.range", "dur.count-fraction", "dur.range-between",
                                       "rel.units-ago", "date.day-month", "veto.numbered-things"}
    texts = [a["text"] for a in seed_articles()] + [
        "two to three weeks, 5 1/2 hours, a 2½-day meeting, twenty-one years, a couple of  months, "
        "two more years, the next 12 to 18 months, yesterday and today, the year, Monday-Friday, a week or so ago, "
        "two years earlier, an earlier decision, 3 days hence, ten years from now, between five and 10 days, "
        "between 2 and three-day talks, six months or so earlier, on 17 September, the 3rd of May 2009, at 10:30 "
        "21st June, 9 am 4 July, Flight 1549, Resolution 2231 of 2015, H.R. 3962, pp. 1998, the Boeing 737"]
    for rule in guarded:
        plain = re.compile(rules._lowered(rule.regex.pattern))
        for text in texts:
            lowered = extract.lower_ascii(text)
            backwards = lowered[::-1]
            for m in plain.finditer(lowered):
                inside = [i for lit in rule.required for i in _occurrences(lowered, lit, *m.span())]
                assert any(rule.after.match(backwards, len(lowered) - i) for i in inside), (rule.id, m.group())


def _occurrences(text: str, word: str, start: int, end: int):
    at = text.find(word, start, end)
    while 0 <= at <= end - len(word):
        yield at
        at = text.find(word, at + 1, end)
