"""Expressions anchored in the story rather than to the document date.

"Later that year", "the following month", "the previous Friday", "the 1988
quarter" and "a year earlier" take their value from a date the story has
just mentioned (the antecedent), found among the expressions already tagged
in the last few sentences. When there is none, the expression falls back to
the document date (a REF/LAST/NEXT value for the resolver).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from datetime import date, timedelta

from . import calendar
from . import resolve as _resolve


def anchor(c, previous: list, spans, dct: date | None):
    """(value anchored in the story or None, whether it is relative, the
    candidate to resolve against the document date when there is no value)."""
    try:
        return _anchor(c, previous, spans, dct)
    except (ValueError, OverflowError):  # a date out of the calendar's range: no story anchor
        return None, False, c


def _anchor(c, previous: list, spans, dct: date | None):
    kind = c.value.split(":", 1)[0]
    if kind == "ANAPHOR":
        return _anaphor(c, previous, spans, dct), True, c
    if kind == "PERIODOF":
        _, year, _period = c.value.split(":")
        return _period_of(c, previous, spans, year) or year, False, c
    if kind == "NARRATIVE":
        value = _narrative(c, previous, spans)
        if value:
            return value, True, c
        base, bar, suffix = c.value.partition("|")
        _, unit, off = base.split(":")[:3]
        if unit == STORY_DAY:  # no day named in the sentence: the document's day
            unit = "D"
        if unit.startswith("WD"):  # the weekday before or after the document date
            return None, True, replace(c, value=f"{'LAST' if int(off) < 0 else 'NEXT'}:weekday:{unit[2:]}")
        return None, True, replace(c, value=f"REF:{unit}:{off}{bar}{suffix}")
    return None, False, c


def _anaphor(c, previous: list, spans, dct: date | None) -> str | None:
    """'a year earlier' after 'the third quarter' or 'the six months ended
    Aug. 12' (in the last few sentences): that period one year before; after
    'the nine months', the year before (those months have no value of their
    own); after a year named in the same sentence ('last year, down from
    the year before'), the year before that one. A comparison with a year
    ago is about a reported period, so a date after the document's ('the
    third quarter of 1990') is not the antecedent."""
    _, unit, off, period = (c.value.split(":") + [""])[:4]
    if unit != "Y":
        return None
    candidates = []
    for t in _antecedents(c, previous, spans):
        if t.rule.startswith(("rel.year-ago", "date.year-period")):
            continue  # never shift a value that was itself shifted ("the 1988 quarter")
        if _reports_months(t):
            candidates.append(("months", "", t.rule))
            continue
        value = t.value.split("T")[0]
        span = calendar.span(value)
        if t.type != "DATE" or not span or (dct is not None and span[0] > dct):
            continue
        precision = calendar.precision(value) or ""
        if precision == "year" and _sentence_index(spans, t.start) != _sentence_index(spans, c.start):
            continue  # a year anchors only in its own sentence ("last year, down from the year before")
        candidates.append((precision, value, t.rule))
    # A reported period (a month, a quarter) is the usual antecedent; a
    # calendar day ("the six months ended Aug. 12") only when there is none,
    # and never a weekday, which in news dates the report ("said Friday").
    nearer_day = False
    for precision, value, rule in candidates:
        if precision in ("month", "quarter"):
            return _resolve.shift_years(value, int(off))
        nearer_day = nearer_day or (precision == "day" and rule.startswith("date."))
        if precision == "months" and not nearer_day and dct is not None:
            # "for the nine months ... a year earlier": those months a year
            # back have no value of their own; the year holds them. (After
            # "the six months ended Aug. 12" the day below anchors them.)
            return f"{dct.year + int(off):04d}"
    for precision, value, rule in candidates:
        if precision == "day" and rule.startswith("date."):  # not "said Friday"
            if period in ("quarter", "period"):
                value = _resolve.resolve(value + "|>Q", dct, None) or value
            return _resolve.shift_years(value, int(off))
    for precision, value, _ in candidates:
        if precision == "year" and value.isdigit():  # "last year, down from $450 million the year before"
            return f"{int(value) + int(off):04d}"
    return None


# How fine a value must be to anchor a NARRATIVE unit ("that day" needs a day).
_FINE_ENOUGH = {
    "D": ("day",),
    "W": ("day", "week"),
    "M": ("day", "month"),
    "Y": ("day", "week", "month", "quarter", "year"),
}


# At most this many antecedents are looked at: a story names its date within
# a few expressions, and a cap keeps a sentence of thousands of dates linear.
MAX_ANTECEDENTS = 48


def _sentence_index(spans, offset: int) -> int | None:
    """Index of the sentence span containing `offset` (binary search)."""
    i = bisect_right(spans, (offset, float("inf"))) - 1
    return i if i >= 0 and spans[i][0] <= offset < spans[i][1] else None


def _antecedents(c, previous: list, spans, back: int = 3):
    """The expressions already tagged in the candidate's sentence and the
    `back` sentences before it, nearest first."""
    here = _sentence_index(spans, c.start)
    window_start = spans[max(0, here - back)][0] if here is not None else 0
    for k in range(len(previous) - 1, max(-1, len(previous) - 1 - MAX_ANTECEDENTS), -1):
        t = previous[k]
        if t.start < window_start:
            return
        yield t


def _narrative(c, previous: list, spans) -> str | None:
    """'later that year', 'the following month': the period of the date the
    story last mentioned, moved by the offset. A coarser antecedent leaves the
    finer part unknown ('last October ... that same day' = 1998-10-XX)."""
    base, _, suffix = c.value.partition("|")
    value = _narrative_base(base, c, previous, spans)
    return value + suffix if value else None


# Parts of a day that run into its night. A NARRATIVE value's optional
# fourth field is the offset after an antecedent already in one of them:
# "overnight" (NARRATIVE:D:-1:0|TNI) is the night before the story's day,
# but after "Thursday afternoon" it is Thursday night.
_INTO_NIGHT = ("TAF", "TEV", "TNI")


# A bare clock time ("at 4:30 p.m.") is on the day the story has just told
# of: NARRATIVE:DS:0|T16:30.
STORY_DAY = "DS"


def _narrative_base(base: str, c, previous: list, spans) -> str | None:
    _, unit, offset, *late = base.split(":")
    off = int(offset)
    if unit == STORY_DAY:
        return _story_day(c, previous, spans)
    if unit.startswith("WD"):
        # The story's day is usually set once, in the lead: look further back.
        return _narrative_weekday(_antecedents(c, previous, spans, 8), int(unit[2:]), off)
    for t in _antecedents(c, previous, spans):
        if t.type not in ("DATE", "TIME") or not t.value[:4].isdigit():
            continue
        if late and t.value.endswith(_INTO_NIGHT):
            off = int(late[0])
        day = t.value.split("T")[0]
        prec = calendar.precision(day)
        placed = calendar.span(day)
        if placed and prec in _FINE_ENOUGH.get(unit, ()):
            first = placed[0]
            if unit == "Y":
                return f"{first.year + off:04d}"
            if unit == "M":
                y, m = calendar.add_months(first.year, first.month, off)
                return f"{y:04d}-{m:02d}"
            if unit == "W":
                return calendar.week_value(first + timedelta(weeks=off))
            return (first + timedelta(days=off)).isoformat()
        if unit == "D" and off == 0 and prec == "month":
            return day + "-XX"
        if prec in ("month", "quarter", "year", "week", "day"):
            return None  # the nearest date is too coarse to anchor this one
    return None


def _story_day(c, previous: list, spans) -> str | None:
    """'The fire broke out Tuesday afternoon and firefighters arrived at 4:30
    p.m.': the day named last in the same sentence, or None (the document's
    day). A sentence before is not enough: news moves between days from one
    sentence to the next ('Senators said on Wednesday ... The stock was up
    by 1336 GMT' is the document's day). After an evening or a night, an
    early-morning hour is the next day's ('at 11 p.m. Tuesday ... by 3
    a.m.')."""
    for t in _antecedents(c, previous, spans, back=0):
        if t.type not in ("DATE", "TIME") or not t.value[:4].isdigit():
            continue
        day, _, clock = t.value.partition("T")
        if calendar.precision(day) != "day":
            return None  # the nearest date is coarser: no day to tell of
        hour = c.value.partition("|T")[2][:2]
        late = clock in ("EV", "NI") or (clock[:2].isdigit() and 18 <= int(clock[:2]) < 24)
        if late and hour.isdigit() and int(hour) < 6:
            return (date.fromisoformat(day) + timedelta(days=1)).isoformat()
        return day
    return None


def _narrative_weekday(antecedents, weekday: int, off: int) -> str | None:
    """'the previous Friday' after 'Friday, Oct. 27': Oct. 20."""
    for t in antecedents:
        day = t.value.split("T")[0]
        if t.type in ("DATE", "TIME") and calendar.precision(day) == "day":
            d = date.fromisoformat(day)
            step = -1 if off < 0 else 1
            d += timedelta(days=step)
            while d.isoweekday() != weekday:
                d += timedelta(days=step)
            return d.isoformat()
    return None


def _reports_months(t) -> bool:
    """'the first nine months', 'the six months': a reported stretch of the
    year longer than a quarter, which the year-ago figures compare with."""
    return t.type == "DURATION" and t.value in ("P6M", "P9M") and t.text.lower().startswith("the ")


def _period_of(c, previous: list, spans, year: str) -> str | None:
    """'the 1988 quarter' after 'the third quarter': 1988-Q3; 'the 1988
    period' after 'the first nine months': 1988."""
    for t in _antecedents(c, previous, spans):
        if _reports_months(t):
            return None
        if t.type == "DATE" and calendar.precision(t.value) == "quarter" and t.value[:4].isdigit():
            return year + t.value[4:]
    return None
