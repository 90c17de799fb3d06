"""The opening test of a pattern (openings.py) lets every match through: it
is a necessary condition, so the scan pattern that uses it finds what the
pattern finds. (test_temporal_linear checks the whole fast path against
every rule's plain pattern on all of TempEval; this checks the test itself,
rule by rule, on every match and example.)"""

import re

import pytest

from generator.temporal import extract, load, required, rules
from generator.temporal.openings import opening_test
from tests.conftest import TEMPEVAL
from tests.support import seed_articles
from tests.support.timeml import read_tml

RES = load("en")


def test_openings_of_small_patterns():
    assert opening_test(r"\b(?:the )?(?:last|next) week") == r"last|next|the\ "
    assert opening_test(r"(?<![0-9])(?:1[0-2]|0?[1-9]):[0-5][0-9]") == "0[1-9]:[0-5]|1[0-2]:[0-5]|[1-9]:[0-5][0-9]"
    assert opening_test(r"(?P<m>may|march) (?P<d>[0-9]{1,2})") == r"m(?:a(?:rc|y\ ))"
    assert opening_test(r"a\s+couple of days") == r"a[\s]"  # a repeat ends the opening after one copy
    assert opening_test(r"yesterday") == "yest"


@pytest.mark.parametrize("pattern", [r"\d+ days", r"(?:a|b)?", r"(?i:may) 1", r"(a)\1"])
def test_no_opening_where_none_can_be_told(pattern):
    assert opening_test(pattern) is None


@pytest.fixture(scope="module")
def lowered_texts() -> list[str]:
    docs = [read_tml(p) for p in sorted(TEMPEVAL.rglob("*.tml"))]
    return [extract.lower_ascii(t) for t in [d.text for d in docs[::4]] + [a["text"] for a in seed_articles()]]


@pytest.mark.parametrize("item", RES.rules + RES.vetoes, ids=lambda i: i.id)
def test_every_match_and_example_passes_the_opening_test(item, lowered_texts):
    pattern = rules._optional_as_branch(rules._lowered(item.regex.pattern))
    opening = opening_test(pattern)
    if opening is None:
        pytest.skip("no opening test for this pattern")
    test = re.compile(opening)
    plain = re.compile(pattern)
    examples = [e.text for e in item.examples] if isinstance(item, rules.Rule) else list(item.examples)
    checked = 0
    for lowered in [extract.lower_ascii(e) for e in examples] + lowered_texts:
        for m in plain.finditer(lowered):
            checked += 1
            assert test.match(lowered, m.start()), (item.id, m.group(0))
    assert checked or not examples


def test_rules_that_open_with_their_required_word():
    assert required.opens_with(r"(?P<month>january|may|june)\.? [0-9]+", frozenset({"january", "may", "june"}))
    assert required.opens_with(r"\byesterday\b", frozenset({"yesterday"}))
    assert not required.opens_with(r"\b(?:the )?(?:last|next) week", frozenset({"week"}))
    assert not required.opens_with(r"(?:early )?(?P<month>may|june)", frozenset({"may", "june"}))
    assert not required.opens_with(r"[0-9]+ days", frozenset({"days"}))
    anchored = {r.id for r in RES.rules if r.anchored}
    assert {"date.month-day-year", "rel.yesterday", "rel.weekday"} <= anchored
    assert "dur.count-unit" not in anchored


def test_a_rule_tried_at_its_words_finds_what_its_search_finds():
    """_scan_at (one attempt where each required word starts) against the
    search of the whole text, for every anchored rule, on every text."""
    texts = [d.text for d in (read_tml(p) for p in sorted(TEMPEVAL.rglob("*.tml")))]
    texts += [a["text"] for a in seed_articles()] + ["Sept. 5 and Sept 5, May 5 2001 ... Mayday, March March 3"]
    items = [i for i in RES.rules + RES.vetoes if i.anchored]
    for text in texts:
        lowered = extract.lower_ascii(text)
        positions = extract.literal_positions(lowered, RES)
        for item in items:
            starts = sorted({p for lit in item.required or () for p in positions.get(lit, ())})
            at = [(a, b) for a, b, _ in extract._scan_at(text, lowered, item, starts)]
            searched = [(a, b) for a, b, _ in extract._scan(text, lowered, item, [(0, len(text))])]
            assert at == searched, (item.id, text[:60])


def test_small_classes_combine_into_rarer_required_words():
    """An apostrophe with its digit, not every apostrophe of "company's"; a
    year's first digits, not every 1 and 2."""
    assert required.required_literals(r"(?:in|since) (?P<y>['’][0-9][0-9])") == frozenset(
        q + d for q in "'’" for d in "0123456789")
    assert required.required_literals(r"(?:1[5-9][0-9]|20[0-9])[0-9]") == frozenset(
        ["15", "16", "17", "18", "19"] + [f"20{d}" for d in range(10)])
