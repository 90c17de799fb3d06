"""Property tests: the tagger never fails, whatever the text and the date.

Semi-structured English (weekdays, months, numbers, years, temporal words,
apostrophes, stray Unicode) with a document date anywhere from year 1 to
9999 goes through `tag()`. For every input: no exception, each expression's
offsets give back its text, and each value is empty (unanchorable) or a
valid TIMEX3 value. Derandomized, so CI sees the same inputs every run.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.temporal import tag
from generator.temporal.validate import is_valid_value

WORDS = [
    "Monday", "Tuesday", "Friday", "Sunday", "Fridays", "Tuesday's", "January", "February", "Feb.", "March", "May",
    "April", "Sept.", "December", "Dec", "spring", "summer", "Christmas", "Easter", "Thanksgiving", "New Year's Day",
    "last", "next", "this", "the", "a", "an", "of", "on", "in", "since", "until", "ago", "earlier", "later", "before",
    "after", "from now", "year", "years", "month", "months", "week", "weeks", "weekend", "day", "days", "decade",
    "decades", "century", "quarter", "quarters", "half", "hour", "hours", "minutes", "morning", "night", "tonight",
    "noon", "midnight", "a.m.", "p.m.", "EST", "GMT", "today", "yesterday", "tomorrow", "now", "recently", "early",
    "late", "mid-", "about", "nearly", "more than", "some", "every", "each", "per", "twice", "daily", "weekly",
    "annually", "fiscal", "first", "second", "third", "fourth", "twenty-four", "nineteen ninety-six", "two thousand",
    "the following", "the previous", "that", "same", "will", "was", "had", "said", "met", "'98", "’90s", "1990s",
    "’s", "'s", "-", "/", ":", "(", ")", ",", ".", "\n\n", "’", "\u00a0", "É", "日本", "½", "1/2", "%", "$",
]


def _number():
    return st.one_of(
        st.integers(0, 40).map(str),
        st.integers(1000, 2099).map(str),
        st.integers(0, 10**12).map(str),
        st.tuples(st.integers(0, 25), st.integers(0, 70)).map(lambda t: f"{t[0]}:{t[1]:02d}"),
        st.tuples(st.integers(0, 13), st.integers(0, 32), st.integers(0, 9999)).map(lambda t: f"{t[0]}/{t[1]}/{t[2]}"),
        st.tuples(st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32)).map(
            lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}"),
    )


TOKEN = st.one_of(st.sampled_from(WORDS), _number(), st.text(max_size=3))
SEPARATOR = st.sampled_from([" ", " ", " ", ", ", ". ", "-", "\n", "'", ""])
TEXT = st.lists(st.tuples(TOKEN, SEPARATOR), min_size=1, max_size=40).map(
    lambda parts: "".join(t + s for t, s in parts))


@settings(max_examples=2500, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT, dct=st.one_of(st.none(), st.dates()))
def test_tagger_never_fails_and_emits_only_valid_values(text, dct):
    for t in tag(text, dct):
        assert text[t.start : t.end] == t.text
        assert t.start < t.end
        assert t.type in ("DATE", "TIME", "DURATION", "SET")
        assert t.value == "" or is_valid_value(t.type, t.value), (t.text, t.type, t.value, dct)
