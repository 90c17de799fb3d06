"""Every relative (and every absolute) expression in the five seed articles
resolves to the value a careful reader gives it."""

from collections import Counter

import pytest

from generator.temporal import tag
from tests.support import seed_articles

EXPECTED = {
    "000_bcca74d3700e75c2.txt": [  # published 2018-06-03 (a Sunday)
        ("May 31, 2018", "2018-05-31"), ("Friday", "2018-06-01"), ("earlier this year", "2018"),
        ("mid-2020s", "202"), ("2024", "2024"), ("coming years", "FUTURE_REF"), ("last month", "2018-05"),
        ("last month", "2018-05"), ("2014", "2014"), ("last month", "2018-05"),
        ("the end of last month", "2018-05"), ("2017", "2017"), ("2018", "2018"), ("2016", "2016"),
        ("late last month", "2018-05"), ("this year", "2018"), ("last year", "2017"), ("Last year", "2017"),
        ("currently", "PRESENT_REF"), ("Some two decades", "P20Y"), ("six-year", "P6Y"), ("ten days", "P10D"),
    ],
    "001_890a185fec132625.txt": [  # published 2018-09-12 (a Wednesday)
        ("Tuesday", "2018-09-11"), ("Monday", "2018-09-10"), ("June", "2018-06"), ("this week", "2018-W37"),
        ("early 1950s", "195"), ("next week", "2018-W38"), ("this year", "2018"), ("June", "2018-06"),
        ("the coming months", "FUTURE_REF"), ("June", "2018-06"), ("1999", "1999"),
    ],
    "002_8c19c0999db05f1e.txt": [  # published 2024-09-20
        ("This September", "2024-09"), ("July of\u00a0this year", "2024-07"), ("June", "2024-06"),
        ("2023", "2023"), ("April", "2024-04"), ("2022", "2022"), ("2014", "2014"),
        ("February 2022", "2022-02"), ("recent years", "PAST_REF"), ("75 years", "P75Y"),
    ],
    "003_52b1213e8f2775c9.txt": [  # published 2018-09-17 (a Monday)
        ("today", "2018-09-17"), ("last week", "2018-W37"), ("Last week", "2018-W37"),
        ("Last Monday", "2018-09-10"), ("June", "2018-06"), ("last week", "2018-W37"), ("early 1950s", "195"),
        ("this week", "2018-W38"), ("June", "2018-06"), ("June", "2018-06"), ("coming months", "FUTURE_REF"),
        ("1999", "1999"),
    ],
    "004_7dd0a630c73659db.txt": [  # published 2019-05-16 (a Thursday)
        ("Tuesday", "2019-05-14"), ("last year", "2018"), ("Tuesday", "2019-05-14"), ("1987", "1987"),
        ("last year", "2018"), ("2017", "2017"), ("2013", "2013"), ("2016", "2016"), ("2020", "2020"),
        ("Tuesday", "2019-05-14"), ("Monday", "2019-05-13"), ("last year", "2018"), ("for now", "PRESENT_REF"),
        ("around a decade", "P10Y"),
    ],
}

ARTICLES = {a["file"]: a for a in seed_articles()}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_expressions(name):
    article = ARTICLES[name]
    found = Counter((t.text, t.value) for t in tag(article["text"], article["dct"]))
    missing = Counter(EXPECTED[name]) - found
    assert not missing, f"missing or wrong: {dict(missing)}; tagger gave {sorted(found)}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_relative_expression_left_unresolved(name):
    article = ARTICLES[name]
    assert [t.text for t in tag(article["text"], article["dct"]) if not t.value] == []


def test_relative_expressions_stay_unresolved_without_a_date():
    article = ARTICLES["001_890a185fec132625.txt"]
    found = {t.text: t.value for t in tag(article["text"], None)}
    assert found["Tuesday"] == "" and found["this week"] == ""
    assert found["1999"] == "1999"  # absolute dates still work
