"""Headlines of event mentions on hand-written sentences."""

from __future__ import annotations

from datetime import date

import pytest

from generator.analysis.clauses import premodifier
from generator.analysis.headlines import make_title, shorten, strip_dangling
from generator.analysis.sentences import split
from generator.resources import language_resources
from generator.temporal import tag

RES = language_resources()


def title_of(text: str, expression: str, dct: date = date(2018, 9, 12)) -> str:
    spans = split(text, RES.abbreviations)
    timexes = tag(text, dct, spans=spans, rules=RES.temporal)
    t = next(x for x in timexes if x.text == expression)
    sentence = next(s for s in spans if s[0] <= t.start < s[1])
    return make_title(text, sentence, t, timexes, RES.vocab, premodifier(text, t, RES.vocab))


@pytest.mark.parametrize("text,expression,expected", [
    ("Putin met Xi in Vladivostok on Tuesday.", "Tuesday", "Putin met Xi in Vladivostok"),
    ("However, on Monday the ministers signed a trade deal in Kazan.", "Monday",
     "The ministers signed a trade deal in Kazan"),
    ("He recalled the 1987 Intermediate-Range Nuclear Forces Treaty which banned the missiles.", "1987",
     "Intermediate-Range Nuclear Forces Treaty"),
])
def test_headline_is_the_clause_without_its_date(text, expression, expected):
    assert title_of(text, expression) == expected


def test_long_headline_is_cut_at_a_natural_break():
    long = "Putin met Xi in Vladivostok to talk about trade, energy, security, the war games and a gas pipeline"
    assert shorten(long, 60) == "Putin met Xi in Vladivostok to talk about trade"


def test_dangling_words_are_dropped():
    assert strip_dangling("Putin held talks with the") == "Putin held talks"
