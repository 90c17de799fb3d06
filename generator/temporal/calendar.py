"""Calendar arithmetic on TIMEX3 values: precision, spans, shifts.

Kept apart from the resolver so the events stage can ask the same questions
("is 2018-09-11 inside 2018-W37?") without knowing anything about rules.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

PRECISIONS = ("day", "week", "month", "quarter", "year", "decade", "century")
# Lower rank = more precise.
PRECISION_RANK = {p: i for i, p in enumerate(PRECISIONS)}

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T.*)?$")
_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})(?:-WE)?$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_SEASON = re.compile(r"^(\d{4})-(SP|SU|FA|WI)$")
_YEAR = re.compile(r"^(\d{4})$")
_DECADE = re.compile(r"^(\d{3})X?$")
_CENTURY = re.compile(r"^(\d{2})(?:XX)?$")

_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}


def month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def week_value(d: date) -> str:
    iso = d.isocalendar()
    return f"{iso[0]:04d}-W{iso[1]:02d}"  # year 1 is 0001, as every TIMEX3 year


def week_monday(year: int, week: int) -> date:
    return date.fromisocalendar(year, week, 1)


@functools.lru_cache(maxsize=65536)
def precision(value: str) -> str | None:
    """The precision of a placeable DATE/TIME value, or None (PAST_REF, P3Y...)."""
    if _DAY.match(value):
        return "day"
    if _WEEK.match(value):
        return "week"
    if _MONTH.match(value):
        return "month"
    if _QUARTER.match(value) or _HALF.match(value) or _SEASON.match(value):
        return "quarter"
    if _YEAR.match(value):
        return "year"
    if _DECADE.match(value):
        return "decade"
    if _CENTURY.match(value):
        return "century"
    return None


@functools.lru_cache(maxsize=65536)
def span(value: str) -> tuple[date, date] | None:
    """First and last day covered by a placeable value (inclusive); cached,
    since merging asks about the same few values many times."""
    try:
        if m := _DAY.match(value):
            d = date(int(m[1]), int(m[2]), int(m[3]))
            return d, d
        if m := _WEEK.match(value):
            start = week_monday(int(m[1]), int(m[2]))
            if value.endswith("-WE"):
                return start + timedelta(days=5), start + timedelta(days=6)
            return start, start + timedelta(days=6)
        if m := _MONTH.match(value):
            y, mo = int(m[1]), int(m[2])
            return date(y, mo, 1), month_end(y, mo)
        if m := _QUARTER.match(value):
            y, q = int(m[1]), int(m[2])
            return date(y, 3 * q - 2, 1), month_end(y, 3 * q)
        if m := _HALF.match(value):
            y, h = int(m[1]), int(m[2])
            return date(y, 6 * h - 5, 1), month_end(y, 6 * h)
        if m := _SEASON.match(value):
            y = int(m[1])
            first, last = _SEASON_MONTHS[m[2]]
            end_year, end_month = (y + 1, last - 12) if last > 12 else (y, last)
            return date(y, first, 1), month_end(end_year, end_month)
        if m := _YEAR.match(value):
            y = int(m[1])
            return date(y, 1, 1), date(y, 12, 31)
        if m := _DECADE.match(value):
            y = int(m[1]) * 10
            return date(max(y, 1), 1, 1), date(y + 9, 12, 31)
        if m := _CENTURY.match(value):
            y = int(m[1]) * 100
            return date(max(y, 1), 1, 1), date(y + 99, 12, 31)
    except ValueError:
        return None
    return None


def contains(outer: str, inner: str) -> bool:
    """True if every day of `inner` lies inside `outer`."""
    a, b = span(outer), span(inner)
    if not a or not b:
        return False
    return a[0] <= b[0] and b[1] <= a[1]


def compatible(a: str, b: str) -> bool:
    """Two values can name the same time: one contains the other."""
    return contains(a, b) or contains(b, a)


def sort_key(value: str) -> tuple:
    """Chronological order; at equal start, the wider span first."""
    s = span(value)
    if not s:
        return (date.max, 0)
    return (s[0], -(s[1] - s[0]).days)


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + delta
    return total // 12, total % 12 + 1


@dataclass(frozen=True, slots=True)
class When:
    """A placeable TIMEX3 value parsed once: every later stage (clustering,
    salience, events, pages, exports) asks it, not the string, for its span
    and precision."""

    value: str
    precision: str  # day | week | month | quarter | year | decade | century
    start: date  # first day covered
    end: date  # last day covered (inclusive)

    @property
    def rank(self) -> int:
        """Lower = more precise."""
        return PRECISION_RANK[self.precision]

    def contains(self, other: When) -> bool:
        return self.start <= other.start and other.end <= self.end

    def compatible(self, other: When) -> bool:
        """Can both name the same time? (one contains the other)"""
        return self.contains(other) or other.contains(self)

    def sort_key(self) -> tuple:
        """Chronological order; at equal start, the wider span first."""
        return (self.start, -(self.end - self.start).days)


@functools.lru_cache(maxsize=65536)
def when(value: str) -> When | None:
    """The parsed value, or None if it cannot be placed on a calendar
    (PAST_REF, P3Y, an impossible date)."""
    p, s = precision(value), span(value)
    return When(value, p, s[0], s[1]) if p and s else None
