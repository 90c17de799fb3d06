"""Anchor underspecified values to the document creation time (DCT).

Extraction produces values such as ``REF:M:-1`` (last month) or
``TENSE:weekday:5`` (a bare "Friday"); this module turns them into TIMEX3
values given the DCT and the tense of the sentence. It is one small table of
functions, one per kind of value, so a new kind is one more entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from dateutil.easter import easter

from .calendar import add_months, week_value

PAST, FUTURE, PRESENT = "PAST", "FUTURE", "PRESENT"

_SEASON_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def _shift(dct: date, unit: str, off: int) -> str | None:
    if unit == "D":
        return (dct + timedelta(days=off)).isoformat()
    if unit == "W":
        return week_value(dct + timedelta(weeks=off))
    if unit == "M":
        y, m = add_months(dct.year, dct.month, off)
        return f"{y:04d}-{m:02d}"
    if unit == "Q":
        q = (dct.month - 1) // 3 + off
        return f"{dct.year + q // 4:04d}-Q{q % 4 + 1}"
    if unit == "H":
        h = (dct.month - 1) // 6 + off
        return f"{dct.year + h // 2:04d}-H{h % 2 + 1}"
    if unit == "Y":
        return f"{dct.year + off:04d}"
    if unit == "DE":
        return f"{dct.year // 10 + off:03d}"
    if unit == "CE":
        return f"{dct.year // 100 + off:02d}"
    if unit == "WE":
        return week_value(dct + timedelta(weeks=off)) + "-WE"
    return None


def _ref(dct, tense, unit, off):
    return _shift(dct, unit, int(off))


def _ago(dct, tense, unit, n, sign):
    """'two weeks ago' keeps week precision; 'a decade ago' gives a year."""
    if n == "X":
        return "PAST_REF" if sign == "-" else "FUTURE_REF"
    k = float(n) * (-1 if sign == "-" else 1)
    if unit in {"DE", "CE"}:
        return f"{dct.year + int(k * (10 if unit == 'DE' else 100)):04d}"
    if unit.startswith("T"):
        return dct.isoformat()
    if k != int(k):
        return None
    return _shift(dct, unit, int(k))


def _pick(candidates: list[date], dct: date, tense: str | None, strict: bool = False) -> date:
    """Choose an occurrence: the latest not after the DCT in past tense, the
    earliest not before it in future tense, otherwise the nearest."""
    past = [c for c in candidates if (c < dct if strict else c <= dct)]
    future = [c for c in candidates if (c > dct if strict else c >= dct)]
    if tense == PAST and past:
        return max(past)
    if tense == FUTURE and future:
        return min(future)
    return min(candidates, key=lambda c: (abs((c - dct).days), c > dct))


def _weekday(dct, tense, mode, n):
    n = int(n)
    monday = dct - timedelta(days=dct.weekday())
    this_week = monday + timedelta(days=n - 1)
    candidates = [this_week + timedelta(weeks=k) for k in (-1, 0, 1)]
    if mode == "THIS":
        return this_week.isoformat()
    if mode == "LAST":
        return max(c for c in candidates if c < dct).isoformat()
    if mode == "NEXT":
        return min(c for c in candidates if c > dct).isoformat()
    if mode == "RECENT":  # "Thursday's closing price": the latest one up to the DCT
        return _pick(candidates, dct, PAST).isoformat()
    return _pick(candidates, dct, tense).isoformat()


def _month(dct, tense, mode, mm):
    mm = int(mm)
    if mode == "THIS":
        return f"{dct.year:04d}-{mm:02d}"
    if mode == "LAST":
        # "last April" (in November): this year's April; but the month just
        # gone is "last month", so "last February" said in March is a year back.
        return f"{dct.year if mm < dct.month - 1 else dct.year - 1:04d}-{mm:02d}"
    if mode == "NEXT":
        return f"{dct.year if mm > dct.month else dct.year + 1:04d}-{mm:02d}"
    firsts = [date(dct.year + k, mm, 1) for k in (-1, 0, 1)]
    anchor = date(dct.year, dct.month, 1)
    d = _pick(firsts, anchor, tense)  # without a tense, the nearest ("is ... by February" in October)
    # A bare month name is rarely 9+ months away, unless the tense says so
    # and the month is in the document's own year ("In January, the company
    # hired..." written in October).
    same_year_by_tense = tense in (PAST, FUTURE) and d.year == anchor.year
    if not same_year_by_tense and abs((d.year - anchor.year) * 12 + d.month - anchor.month) >= 9:
        d = _pick(firsts, anchor, None)
    return f"{d.year:04d}-{mm:02d}"


def _monthday(dct, tense, mode, md):
    mm, dd = (int(x) for x in md.split("-"))
    candidates = []
    for y in (dct.year - 1, dct.year, dct.year + 1):
        try:
            candidates.append(date(y, mm, dd))
        except ValueError:
            pass
    if not candidates:  # "Feb. 30", "April 31": a day of that month we cannot know
        return _month(dct, tense, mode, mm) + "-XX"
    if mode == "THIS":
        return next((c for c in candidates if c.year == dct.year), candidates[0]).isoformat()
    if mode == "LAST":
        return max(c for c in candidates if c < dct).isoformat()
    if mode == "NEXT":
        return min(c for c in candidates if c > dct).isoformat()
    picked = _pick(candidates, dct, tense)
    if abs((picked - dct).days) > 300:  # "expire Nov. 21" two weeks ahead, not 11 months back
        picked = _pick(candidates, dct, None)
    return picked.isoformat()


def _season(dct, tense, mode, code):
    start = _SEASON_MONTH[code]
    # A season is named by the year it starts in (winter 2018 = Dec 2018 - Feb 2019).
    current_season_year = dct.year if dct.month >= start or code != "WI" else dct.year - 1
    firsts = [date(current_season_year + k, start, 1) for k in (-1, 0, 1)]
    if mode == "THIS":
        d = firsts[1]
    elif mode == "LAST":  # "last spring": the one in the year before
        d = firsts[0]
    elif mode == "RECENT":  # "this past spring": the latest one already begun
        d = max(f for f in firsts if f <= date(dct.year, dct.month, 1))
    elif mode == "NEXT":
        d = min(f for f in firsts if f > date(dct.year, dct.month, 1))
    else:
        d = _pick(firsts, date(dct.year, dct.month, 1), tense) if tense in (PAST, FUTURE) else firsts[1]
    return f"{d.year:04d}-{code}"


def _quarter(dct, tense, mode, q):
    """A named quarter is the latest one not after the document's, unless the
    clause looks ahead ("sales will rise in the fourth quarter")."""
    q = int(q)
    current = (dct.month - 1) // 3 + 1
    if mode == "LAST":
        return f"{dct.year - 1 if q >= current else dct.year:04d}-Q{q}"
    if mode == "NEXT":
        return f"{dct.year if q > current else dct.year + 1:04d}-Q{q}"
    if mode == "TENSE" and tense == FUTURE:  # "will report third-quarter results" in Q4: this year's
        return f"{dct.year + 1 if q < current - 1 else dct.year:04d}-Q{q}"
    return f"{dct.year if q <= current else dct.year - 1:04d}-Q{q}"


def _occurrence(dct, tense, mode, kind, arg):
    return _OCCURRENCE[kind](dct, tense, mode, arg)


_OCCURRENCE: dict[str, Callable] = {
    "weekend": lambda dct, tense, mode, arg: _weekend(dct, tense, arg),
    "weekday": _weekday,
    "month": _month,
    "monthday": _monthday,
    "season": _season,
    "quarter": _quarter,
}


def _weekend(dct, tense, _arg):
    """'the weekend': the one just past in past tense (or the current one on a
    Saturday or Sunday), the coming one otherwise."""
    saturday = dct - timedelta(days=dct.weekday()) + timedelta(days=5)
    if tense != FUTURE and dct.weekday() < 5:
        saturday -= timedelta(weeks=1)
    return week_value(saturday) + "-WE"


def _movable_holiday(name: str, year: int) -> date | None:
    def nth_weekday(month: int, weekday: int, n: int) -> date:
        first = date(year, month, 1)
        d = first + timedelta(days=(weekday - first.weekday()) % 7)
        if n > 0:
            return d + timedelta(weeks=n - 1)
        last = date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
        return last - timedelta(days=(last.weekday() - weekday) % 7)

    if name == "easter":
        return easter(year)
    if name == "goodfriday":
        return easter(year) - timedelta(days=2)
    if name == "thanksgiving":
        return nth_weekday(11, 3, 4)
    if name == "electionday":  # Tuesday after the first Monday of November
        return nth_weekday(11, 0, 1) + timedelta(days=1)
    if name == "memorialday":
        return nth_weekday(5, 0, -1)
    if name == "laborday":
        return nth_weekday(9, 0, 1)
    if name == "mothersday":
        return nth_weekday(5, 6, 2)
    if name == "fathersday":
        return nth_weekday(6, 6, 3)
    return None


def _holiday(dct, tense, name, mode=""):
    candidates = [d for d in (_movable_holiday(name, y) for y in (dct.year - 1, dct.year, dct.year + 1)) if d]
    if mode == "THIS":
        return next(c for c in candidates if c.year == dct.year).isoformat()
    if mode == "LAST":
        return max(c for c in candidates if c < dct).isoformat()
    if mode == "NEXT":
        return min(c for c in candidates if c > dct).isoformat()
    picked = _pick(candidates, dct, tense)
    if abs((picked - dct).days) > 300:  # "as Easter week began" six days ahead, not a year back
        picked = _pick(candidates, dct, None)
    return picked.isoformat()


def _weekday_of_week(dct, tense, n, off):
    monday = dct - timedelta(days=dct.weekday()) + timedelta(weeks=int(off))
    return (monday + timedelta(days=int(n) - 1)).isoformat()


def _year2(dct, tense, yy):
    yy = int(yy)
    candidates = [c * 100 + yy for c in (dct.year // 100 - 1, dct.year // 100)]
    # Two-digit years name the nearest year not more than ~10 years ahead.
    best = max(c for c in candidates if c <= dct.year + 10)
    return f"{best:04d}"


def _year2_decade(dct, tense, d):
    year = int(_year2(dct, tense, f"{d}0"))
    return f"{year // 10:03d}"


def _century(dct, tense, n):
    return f"{int(n) - 1:02d}"


# kind -> (function, takes_dct). The first field of the value selects the row.
RESOLVERS: dict[str, Callable] = {
    "REF": _ref,
    "AGO": _ago,
    "WEEKDAYOFWEEK": _weekday_of_week,
    "YEAR2": _year2,
    "YEAR2DECADE": _year2_decade,
    "HOLIDAY": _holiday,
    "ANAPHOR": lambda dct, tense, unit, off, period="": (
        _shift(dct, "Q", -5) if period in ("quarter", "period") else _shift(dct, unit, int(off))),
    "TENSE": lambda dct, tense, kind, arg: _occurrence(dct, tense, "TENSE", kind, arg),
    "LAST": lambda dct, tense, kind, arg: _occurrence(dct, tense, "LAST", kind, arg),
    "NEXT": lambda dct, tense, kind, arg: _occurrence(dct, tense, "NEXT", kind, arg),
    "THIS": lambda dct, tense, kind, arg: _occurrence(dct, tense, "THIS", kind, arg),
    # "this past spring", "Thursday's closing price": the latest one begun by the DCT.
    "RECENT": lambda dct, tense, kind, arg: _occurrence(dct, tense, "RECENT", kind, arg),
}

# Kinds that do not need the document date.
DCT_FREE = {"CENTURY": _century}

_DURATION_TIME = re.compile(r"^P([0-9.]+|X)T([HMS])$")
_DURATION_HALF = re.compile(r"^P([0-9]+)\.5(TH|TM|D|Y|DE|CE)$")
_DURATION_DECADES = re.compile(r"^P([0-9]+|X)(DE|CE)$")


def _in_years(n: str, unit: str) -> str:
    """'two decades' P2DE -> P20Y, 'decades' -> PXY, 'a century' -> P100Y:
    TimeBank (and AQUAINT) write a length of decades or centuries in years
    ("two decades" P20Y, "the past decade" P10Y, "decades-long" PXY).
    'centuries' stays PXCE (a vague count of years would lose its size)."""
    if n == "X":
        return "PXY" if unit == "DE" else "PXCE"
    return f"P{int(n) * (10 if unit == 'DE' else 100)}Y"


def _half_duration(n: int, unit: str) -> str:
    """'two and a half years' P2.5Y -> P2Y6M, '5 1/2 hours' -> PT5H30M: the
    half in the next smaller unit, as TimeML annotators write it."""
    if unit == "DE":
        return f"P{10 * n + 5}Y"
    if unit == "CE":
        return f"P{100 * n + 50}Y"
    whole, half = {"TH": ("H", "30M"), "TM": ("M", "30S"), "D": ("D", "T12H"), "Y": ("Y", "6M")}[unit]
    if unit in ("TH", "TM"):
        return f"PT{n}{whole}{half}" if n else f"PT{half}"
    return f"P{n}{whole}{half}" if n else f"P{half}"


_DAY_SHIFT = re.compile(r"^([+-][0-9]+)D$")


def _shift_day(value: str, days: int) -> str | None:
    try:
        return (date.fromisoformat(value) + timedelta(days=days)).isoformat()
    except (ValueError, OverflowError):
        return None


def needs_dct(value: str) -> bool:
    return ":" in value and value.split(":", 1)[0] in RESOLVERS


def _coarsen(value: str, unit: str) -> str | None:
    """'2000-03-06', 'W' -> '2000-W10' ("the week of March 6"); 'Q' -> the quarter."""
    try:
        d = date.fromisoformat(value[:10])
    except ValueError:  # "the week of Feb. 30, 2015": a week of that year we cannot know
        return f"{value[:4]}-WXX" if unit == "W" and value[:4].isdigit() else None
    if unit == "W":
        return week_value(d)
    if unit == "Q":
        return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
    return None


def resolve(value: str, dct: date | None, tense: str | None) -> str | None:
    """The TIMEX3 value, or None when it cannot be anchored (no DCT)."""
    base, _, suffix = value.partition("|")
    if suffix.startswith(">"):  # resolve the day, then give its week or quarter
        day = resolve(base, dct, tense)
        return _coarsen(day, suffix[1:]) if day else None
    if m := _DAY_SHIFT.match(suffix):  # "the day before last Tuesday": resolve the day, then move it
        day = resolve(base, dct, tense)
        return _shift_day(day, int(m.group(1))) if day else None
    if m := _DURATION_HALF.match(base):
        return _half_duration(int(m.group(1)), m.group(2))
    if m := _DURATION_DECADES.match(base):
        return _in_years(m.group(1), m.group(2)) + suffix
    if m := _DURATION_TIME.match(base):
        return f"PT{m.group(1)}{m.group(2)}"
    if ":" not in base:
        return base + suffix
    head, *args = base.split(":")
    try:
        if head in DCT_FREE:
            out = DCT_FREE[head](dct, tense, *args)
        elif head in RESOLVERS:
            if dct is None:
                return None
            out = RESOLVERS[head](dct, tense, *args)
        else:
            return base + suffix
    except (ValueError, KeyError, TypeError, StopIteration, OverflowError):
        # A value the tables cannot anchor, or a date past the calendar's ends
        # (a document dated 9999-12-31 and "next year"): unresolved, never a crash.
        return None
    if out is None:
        return None
    return out + suffix


_SHIFTABLE = re.compile(r"^(\d{4})(-(?:\d{2}(?:-\d{2})?|Q[1-4]|H[12]|W\d{2}|SP|SU|FA|WI))$")


def shift_years(value: str, years: int) -> str | None:
    """'1989-Q3', -1 -> '1988-Q3' (a period finer than a year, moved by whole years)."""
    m = _SHIFTABLE.match(value)
    if not m:
        return None
    out = f"{int(m.group(1)) + years:04d}{m.group(2)}"
    if out.endswith("-02-29"):
        out = out[:-2] + "28"
    return out
