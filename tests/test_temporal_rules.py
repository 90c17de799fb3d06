"""Every rule's and veto's examples (in the rule files) run as tests."""

from datetime import date

import pytest

from generator.temporal import load, tag

RES = load("en")
EXAMPLES = [(r.id, ex) for r in RES.rules for ex in r.examples]
VETO_EXAMPLES = [(v.id, ex) for v in RES.vetoes for ex in v.examples]


def test_every_rule_has_an_example():
    missing = [r.id for r in RES.rules if not r.examples and r.id != "dur.the-weekend"]
    assert missing == []


@pytest.mark.parametrize("rule_id,example", EXAMPLES, ids=[f"{r}:{e.text}" for r, e in EXAMPLES])
def test_rule_example(rule_id, example):
    found = tag(example.text, date.fromisoformat(example.dct))
    if not example.expect:  # an example of what must NOT be tagged
        assert found == [] or all(t.rule != rule_id for t in found), found
        return
    hits = [t for t in found if t.text == example.expect]
    assert hits, f"{example.expect!r} not found in {[(t.text, t.value) for t in found]}"
    assert hits[0].value == example.value, (hits[0].value, hits[0].rule)


@pytest.mark.parametrize("veto_id,text", VETO_EXAMPLES)
def test_false_friends_are_not_tagged(veto_id, text):
    found = tag(text, date(2018, 9, 12))
    assert [t.text for t in found if t.type in ("DATE", "TIME")] == []


@pytest.mark.parametrize("text", [
    "Putin may visit China.", "Protesters march to the square.", "the 2000 votes were counted",
    "a 7-Eleven store", "according to the Sunday Times", "He scored 1998 points in total",
    "a 2000-mile gas pipeline",
])
def test_false_friends_from_the_issue(text):
    assert [t.text for t in tag(text, date(2018, 9, 12)) if t.type == "DATE"] == []


def test_offsets_are_string_indices():
    text = "Xi\u00a0met Putin on\u00a0Tuesday, 11 September 2018 — and “last month’s” forum."
    for t in tag(text, date(2018, 9, 12)):
        assert text[t.start:t.end] == t.text


def test_literal_positions_match_a_plain_scan():
    """The word finder derives long words from the short ones they contain;
    on every seed article it must find exactly what a scan of each word finds."""
    from generator.temporal.extract import literal_positions, lower_ascii
    from tests.support import seed_articles

    for article in seed_articles():
        lowered = lower_ascii(article["text"])
        expected = {}
        for lit in RES.literals:
            hits = [i for i in range(len(lowered)) if lowered.startswith(lit, i)]
            if hits:
                expected[lit] = hits
        assert literal_positions(lowered, RES) == expected, article["file"]
