"""Dates as readers read them ("11 September 2018", "week of 10 September
2018") and as HTML's <time datetime> wants them."""

from __future__ import annotations

from datetime import date

from ..temporal import When

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
SEASONS = {"SP": "Spring", "SU": "Summer", "FA": "Autumn", "WI": "Winter"}


def display_day(d: date) -> str:
    """date(2018, 9, 11) -> '11 September 2018'."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def display_date(when: When) -> str:
    """2018-09-11 -> '11 September 2018'; 2018-W37 -> 'week of 10 September 2018'."""
    start, precision, value = when.start, when.precision, when.value
    if precision == "day":
        return display_day(start)
    if precision == "week":
        return "week of " + display_day(start)
    if precision == "month":
        return f"{MONTHS[start.month - 1]} {start.year}"
    if precision == "quarter":
        if "-Q" in value:
            return f"Q{value[-1]} {value[:4]}"
        if "-H" in value:
            return f"{'first' if value.endswith('1') else 'second'} half of {value[:4]}"
        return f"{SEASONS.get(value[5:], value[5:])} {value[:4]}"
    if precision == "year":
        return str(start.year)
    if precision == "decade":
        return f"the {start.year}s"
    if precision == "century":
        n = start.year // 100 + 1
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"the {n}{suffix} century"
    return value


def html_datetime(when: When | None) -> str | None:
    """A value valid in <time datetime>: dates, weeks, months, years; else None."""
    if when is None:
        return None
    p, value = when.precision, when.value
    if p == "day":
        return value[:10] if "T" not in value or len(value) < 16 else value[:16]
    if p == "week":
        return value[:4] + "-W" + value[6:8].zfill(2) if "-WE" not in value else value[:8]
    if p == "month" or (p == "year" and len(value) == 4):
        return value
    return None
