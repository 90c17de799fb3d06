"""Every value the tagger emits is a valid TIMEX3 value (generator.temporal.validate)."""

from datetime import date

import pytest

from generator.temporal import tag
from generator.temporal.validate import is_valid_value, sanitize
from tests.conftest import TEMPEVAL
from tests.support import seed_articles
from tests.support.timeml import read_tml

VALID = [
    ("DATE", "2018"), ("DATE", "2018-09"), ("DATE", "2018-09-12"), ("DATE", "2016-02-29"), ("DATE", "2018-W37"),
    ("DATE", "2020-W53"), ("DATE", "2018-W37-2"), ("DATE", "2018-W37-WE"), ("DATE", "2018-Q3"), ("DATE", "2018-H1"),
    ("DATE", "2018-SU"), ("DATE", "2018-WI"), ("DATE", "199"), ("DATE", "19"), ("DATE", "199X"), ("DATE", "19XX"),
    ("DATE", "XXXX-09-12"), ("DATE", "XXXX-02-29"), ("DATE", "1998-10-XX"), ("DATE", "1989-QX"), ("DATE", "1989-WXX"),
    ("DATE", "PRESENT_REF"), ("DATE", "PAST_REF"), ("DATE", "FUTURE_REF"),
    ("TIME", "2018-09-12T15:30"), ("TIME", "2018-09-12T15"), ("TIME", "2018-09-12T15:30:05"),
    ("TIME", "2018-09-12T24:00"), ("TIME", "2018-09-12TNI"), ("TIME", "2018-09-12TMO"), ("TIME", "XXXX-XX-XXTEV"),
    ("TIME", "2018-W37-2TAF"), ("TIME", "PRESENT_REF"),
    ("DURATION", "P6Y"), ("DURATION", "P2DE"), ("DURATION", "P1CE"), ("DURATION", "P10D"), ("DURATION", "PT2H"),
    ("DURATION", "PXY"), ("DURATION", "PTXM"), ("DURATION", "P2Y6M"), ("DURATION", "P2DT12H"),
    ("DURATION", "PT5H30M"), ("DURATION", "PT1M30S"), ("DURATION", "P1.5Y"), ("DURATION", "P1WE"),
    ("DURATION", "PXQ"), ("DURATION", "P1ML"),
    ("SET", "P1W"), ("SET", "PT1H"), ("SET", "XXXX-WXX-1"), ("SET", "XXXX-07"), ("SET", "XXXX-WXX-2TNI"),
    ("SET", "XXXX-SU"), ("SET", "XXXX-Q4"),
]
INVALID = [
    ("DATE", ""), ("DATE", "2018-02-29"), ("DATE", "2018-02-30"), ("DATE", "2019-04-31"), ("DATE", "XXXX-02-30"),
    ("DATE", "2018-13"), ("DATE", "2018-00"), ("DATE", "2018-W53"), ("DATE", "2018-W00"), ("DATE", "2000-W7"),
    ("DATE", "2018-Q5"), ("DATE", "0000"), ("DATE", "10000"), ("DATE", "-001"), ("DATE", "2018-09-12T10:00"),
    ("DATE", "P1Y"), ("DATE", "REF:M:-1"), ("DATE", "TENSE:weekday:5"), ("DATE", "2018-XS"),
    ("TIME", "2018-09-12"), ("TIME", "2018-09-12T25:00"), ("TIME", "2018-09-12T24:30"), ("TIME", "2018-09-12T10:60"),
    ("TIME", "2018-09TNI"), ("TIME", "2018-02-30T10:00"), ("TIME", "2018-09-12TXY"),
    ("DURATION", "P"), ("DURATION", "PT"), ("DURATION", "P1YT"), ("DURATION", "P2M1Y"), ("DURATION", "1Y"),
    ("DURATION", "PRESENT_REF"), ("DURATION", "P1Z"), ("DURATION", "2018"),
    ("SET", "XXXX-WXX-8"), ("SET", "PAST_REF"), ("SET", ""), ("OTHER", "2018"),
]


@pytest.mark.parametrize("type_,value", VALID)
def test_valid_values(type_, value):
    assert is_valid_value(type_, value)


@pytest.mark.parametrize("type_,value", INVALID)
def test_invalid_values(type_, value):
    assert not is_valid_value(type_, value)


@pytest.mark.parametrize("type_,value,expected", [
    ("DATE", "2018-02-30", "2018-02-XX"), ("DATE", "XXXX-04-31", "XXXX-04-XX"),
    ("TIME", "2018-02-30T10:00", "2018-02-XXT10:00"), ("DATE", "10000", ""), ("DATE", "2018-05-31", "2018-05-31"),
    ("DATE", "", ""), ("DURATION", "P", ""),
])
def test_sanitize(type_, value, expected):
    assert sanitize(type_, value) == expected


def _tempeval_documents():
    return [read_tml(p) for p in sorted(TEMPEVAL.rglob("*.tml"))]


def test_every_value_on_tempeval_and_the_seeds_is_valid():
    docs = [(d.name, d.text, d.dct) for d in _tempeval_documents()]
    docs += [(a["file"], a["text"], a["dct"]) for a in seed_articles()]
    assert len(docs) == 261
    bad = [(name, t.text, t.type, t.value) for name, text, dct in docs for t in tag(text, dct)
           if not is_valid_value(t.type, t.value)]
    assert bad == []


@pytest.mark.parametrize("text,expect,value", [
    ("It was signed on February 30, 2018 in Paris.", "February 30, 2018", "2018-02-XX"),
    ("It was signed on 31 April 2019 in Paris.", "31 April 2019", "2019-04-XX"),
    ("It was signed on Tuesday, Feb. 30, 2018.", "Tuesday, Feb. 30, 2018", "2018-02-XX"),
    ("The file is dated 2019-02-29.", "2019-02-29", "2019-02-XX"),
    ("The file is dated 2/30/2018.", "2/30/2018", "2018-02-XX"),
    ("They met on Feb. 30.", "Feb. 30", "2018-02-XX"),
    ("They will meet on April 31.", "April 31", "2019-04-XX"),
    ("The deadline is 5 p.m. EST, Feb. 30.", "5 p.m. EST, Feb. 30", "2019-02-XXT17:00"),  # as "Feb. 28" would
    ("talks set for the week of Feb. 30, 2015", "the week of Feb. 30, 2015", "2015-WXX"),
])
def test_impossible_calendar_dates_become_an_unknown_day_of_their_month(text, expect, value):
    """TimeML writes a day it cannot know as XX; the month and year are known."""
    found = tag(text, date(2018, 9, 12))
    assert [(t.text, t.value) for t in found] == [(expect, value)]


@pytest.mark.parametrize("dct", [date.min, date(1, 1, 7), date(1, 12, 31), date(9999, 1, 1), date(9999, 12, 27),
                                 date.max])
def test_resolver_is_total_at_the_ends_of_the_calendar(dct):
    text = ("Last week, yesterday, tomorrow, next year, last year, next month, a year ago, in 100 years, "
            "in the next decade, next century, last Christmas, next Easter, on Friday, the weekend, next "
            "quarter, in March, on May 3, 10 p.m. Monday, the following day, later that year, the previous "
            "Friday, a year earlier, this spring, last week's vote, 9,000 years from now, 3000 years ago, "
            "the nineties, '98.")
    for t in tag(text, dct):
        assert t.value == "" or is_valid_value(t.type, t.value), (t.text, t.value)
