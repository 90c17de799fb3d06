"""Is a string a valid TIMEX3 value for its type?

The tagger must never hand a later stage an impossible value ("2018-02-30",
"2018-W53", a year 10000 from a document dated 9999-12-31): the events stage
places values on a calendar, and a value that cannot be placed breaks it.
`is_valid_value` is the single definition of what the tagger may emit;
`sanitize` is applied to every value before it leaves `tag()`.

What counts as valid follows the TimeML 1.2.1 guidelines (TIMEX3 `value`):

* DATE: ``2018``, ``2018-09``, ``2018-09-12``, ``2018-W37``, ``2018-W37-2``,
  ``2018-W37-WE``, ``2018-Q3``, ``2018-H1``, ``2018-SU``, decades ``199`` and
  centuries ``19`` (also written ``199X``, ``19XX``), any digit group replaced
  by X's of the same length (``XXXX-09-12``, ``1998-10-XX``, ``XXXX-WXX-1``,
  ``1989-QX``), and ``PRESENT_REF`` / ``PAST_REF`` / ``FUTURE_REF``. A day must
  exist in its month (and year, when given); a week must exist in its year.
* TIME: a DATE of day (or weekday-of-week) precision, then ``T`` and a clock
  time ``15``, ``15:30``, ``15:30:05`` (``24:00`` is midnight at the end of the
  day) or a part of day ``MO`` ``AF`` ``EV`` ``NI`` ``DT``; a REF value.
* DURATION: ``P`` then number-unit pairs, largest unit first (``P2Y6M``,
  ``P1DE``, ``P2DT12H``, ``PT5H30M``, ``PXY``, ``P1.5Y``), the number a
  decimal or ``X``; units ML CE DE Y Q M W WE D, then after ``T`` H M S.
* SET: a DURATION (``P1W``) or a DATE/TIME with X's (``XXXX-WXX-1``,
  ``XXXX-07``, ``XXXX-WXX-2TNI``).
"""

from __future__ import annotations

import functools
import re
from datetime import date

REFS = frozenset({"PRESENT_REF", "PAST_REF", "FUTURE_REF"})

_Y = r"(?P<y>\d{4}|\d{3}X|\d{2}XX|XXXX)"
_DATE = re.compile(
    rf"^(?:{_Y}"
    r"(?:-(?P<m>\d{2}|XX)(?:-(?P<d>\d{2}|XX))?"
    r"|-W(?P<w>\d{2}|XX)(?:-(?P<wd>[1-7X]|WE))?"
    r"|-Q(?P<q>[1-4X])|-H(?P<h>[12X])|-(?P<s>SP|SU|FA|WI))?"
    r"|(?P<dec>\d{3})|(?P<cent>\d{2}))$"
)
_CLOCK = re.compile(r"^(?:(?P<pod>MO|AF|EV|NI|DT)|(?P<hh>\d{2}|XX)(?::(?P<mm>\d{2}|XX)(?::(?P<ss>\d{2}|XX))?)?)$")
_NUM = r"(?:\d+(?:\.\d+)?|X)"
_DURATION = re.compile(
    rf"^P(?!$)(?:{_NUM}ML)?(?:{_NUM}CE)?(?:{_NUM}DE)?(?:{_NUM}Y)?(?:{_NUM}Q)?(?:{_NUM}M)?"
    rf"(?:{_NUM}W)?(?:{_NUM}WE)?(?:{_NUM}D)?(?:T(?!$)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?$"
)
_TYPES = frozenset({"DATE", "TIME", "DURATION", "SET"})


def _days_in_month(year: int | None, month: int) -> int:
    if month == 2:
        if year is None:
            return 29
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _date_ok(value: str) -> tuple[bool, bool]:
    """(valid as a date value, precise to a day or a weekday of a week)."""
    m = _DATE.match(value)
    if not m:
        return False, False
    y = m["y"]
    year = int(y) if y and y.isdigit() else None
    if year == 0:
        return False, False  # no year 0 in the ISO calendar TimeML uses (1 BC is not written so)
    if m["m"] and m["m"] != "XX" and not 1 <= int(m["m"]) <= 12:
        return False, False
    if m["d"] and m["d"] != "XX":
        month = None if m["m"] == "XX" else int(m["m"])
        top = 31 if month is None else _days_in_month(year, month)
        if not 1 <= int(m["d"]) <= top:
            return False, False
    if m["w"] and m["w"] != "XX":
        week = int(m["w"])
        if not 1 <= week <= (_iso_weeks(year) if year else 53):
            return False, False
    by_day = bool(m["d"]) or (bool(m["wd"]) and m["wd"] != "WE")
    return True, by_day


@functools.lru_cache(maxsize=4096)
def _iso_weeks(year: int) -> int:
    return date(year, 12, 28).isocalendar()[1]


def _time_ok(value: str) -> bool:
    day, sep, clock = value.partition("T")
    if not sep:
        return False
    ok, by_day = _date_ok(day)
    m = _CLOCK.match(clock)
    if not (ok and by_day and m):
        return False
    if m["pod"]:
        return True
    hh, mm, ss = m["hh"], m["mm"], m["ss"]
    digits = [int(x) if x and x != "XX" else 0 for x in (hh, mm, ss)]
    if hh != "XX" and digits[0] == 24:
        return digits[1] == 0 and digits[2] == 0  # 24:00 ends the day
    return digits[0] <= 23 and digits[1] <= 59 and digits[2] <= 59


@functools.lru_cache(maxsize=65536)
def is_valid_value(type_: str, value: str) -> bool:
    """True if `value` is a valid TIMEX3 value for an expression of `type_`."""
    if type_ not in _TYPES or not value:
        return False
    if type_ == "DURATION":
        return bool(_DURATION.match(value))
    if type_ == "SET":
        return bool(_DURATION.match(value)) or _date_ok(value)[0] or _time_ok(value)
    if value in REFS:
        return True
    if type_ == "TIME":
        return _time_ok(value)
    return _date_ok(value)[0]


_IMPOSSIBLE_DAY = re.compile(r"^(\d{4}|XXXX)-(0[1-9]|1[0-2])-\d{2}(?=$|T)")


def sanitize(type_: str, value: str) -> str:
    """The value itself if valid; an impossible day of a real month ("February
    30, 2018") becomes an unknown day of that month (2018-02-XX), as TimeML
    writes a day it cannot know; anything else invalid becomes "" (the
    expression is kept, without a value)."""
    if not value or is_valid_value(type_, value):
        return value
    m = _IMPOSSIBLE_DAY.match(value)
    if m and type_ in ("DATE", "TIME"):
        fixed = f"{m.group(1)}-{m.group(2)}-XX{value[m.end():]}"  # a clock time stays
        if is_valid_value(type_, fixed):
            return fixed
    return ""
