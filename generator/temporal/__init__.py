"""The temporal tagger: find temporal expressions and normalize them.

    tag(text, dct) -> [Timex(start, end, text, type, value, mod, ...)]

Three steps, each its own module: `extract` runs the rules (data files under
`rules/<lang>/`) and yields underspecified values; `tense` reads the tense of
each expression's clause; `resolve` anchors the value to the document
creation time (DCT). Offsets are Python string indices into `text`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from .. import sentences
from . import calendar, resolve as _resolve
from .extract import find
from .rules import load
from .tense import tense_at


# Unusual spaces (no-break, thin, figure...) become plain spaces for matching;
# one character for one, so offsets into the original text stay valid.
_SPACES = str.maketrans({c: " " for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"})


@dataclass(frozen=True)
class Timex:
    start: int
    end: int
    text: str
    type: str  # DATE | TIME | DURATION | SET
    value: str  # TIMEX3 value; "" if it needed a DCT and there was none
    mod: str = ""
    rule: str = ""
    relative: bool = False  # resolved against the DCT
    tense: str | None = None

    @property
    def precision(self) -> str | None:
        if self.type not in ("DATE", "TIME"):
            return None
        return calendar.precision(self.value)

    @property
    def resolved(self) -> bool:
        return bool(self.value)


def tag(
    text: str,
    dct: date | None,
    language: str = "en",
    spans: list[tuple[int, int]] | None = None,
) -> list[Timex]:
    """All temporal expressions in `text`, anchored to `dct` (may be None:
    relative expressions then come back with an empty value)."""
    res = load(language)
    plain = text.translate(_SPACES)
    if spans is None:
        spans = sentences.split(plain)
    out: list[Timex] = []
    for c in find(plain, res):
        if c.value.startswith("ANAPHOR:"):
            value = _anaphor(c, out, spans, dct)
            if value:
                out.append(Timex(c.start, c.end, text[c.start : c.end], c.type, value, c.mod, c.rule, True, None))
                continue
        if c.value.startswith("PERIODOF:"):
            _, year, _period = c.value.split(":")
            value = _period_of(c, out, spans, year) or year
            out.append(Timex(c.start, c.end, text[c.start : c.end], c.type, value, c.mod, c.rule, False, None))
            continue
        if c.value.startswith("NARRATIVE:"):
            value = _narrative(c, out, spans)
            if value:
                out.append(Timex(c.start, c.end, text[c.start : c.end], c.type, value, c.mod, c.rule, True, None))
                continue
            _, unit, off = c.value.split("|")[0].split(":")
            if unit.startswith("WD"):  # no antecedent: the weekday before or after the document date
                c = replace(c, value=f"{'LAST' if int(off) < 0 else 'NEXT'}:weekday:{unit[2:]}")
            else:  # no antecedent: the document date
                c = replace(c, value="REF:" + c.value.split(":", 1)[1])
        tense = None
        if c.value.startswith(("TENSE:", "HOLIDAY:")):
            sentence = sentences.containing(spans, c.start) or (0, len(text))
            tense = tense_at(plain, sentence, c.start, c.end, res.tense)
        relative = _resolve.needs_dct(c.value)
        value = _resolve.resolve(c.value, dct, tense) or ""
        out.append(
            Timex(c.start, c.end, text[c.start : c.end], c.type, value, c.mod, c.rule, relative, tense)
        )
    return out


def _anaphor(c, previous: list[Timex], spans, dct: date | None) -> str | None:
    """'a year earlier' after 'the third quarter' or 'the six months ended
    Aug. 12' (in the last few sentences): that period one year before. A
    comparison with a year ago is about a reported period, so a date after
    the document's ('the third quarter of 1990') is not the antecedent."""
    _, unit, off, period = (c.value.split(":") + [""])[:4]
    if unit != "Y":
        return None
    window_start = _antecedent_window(c, spans)
    candidates = []
    for t in reversed(previous):
        if t.start < window_start:
            break
        if t.rule.startswith(("rel.year-ago", "date.year-period")):
            continue  # never shift a value that was itself shifted ("the 1988 quarter")
        value = t.value.split("T")[0]
        span = calendar.span(value)
        if t.type != "DATE" or not span or (dct is not None and span[0] > dct):
            continue
        candidates.append((calendar.precision(value), value, t.rule))
    # A reported period (a month, a quarter) is the usual antecedent; a
    # calendar day ("the six months ended Aug. 12") only when there is none,
    # and never a weekday, which in news dates the report ("said Friday").
    for precision, value, _ in candidates:
        if precision in ("month", "quarter"):
            return _resolve.shift_years(value, int(off))
    for precision, value, rule in candidates:
        if precision == "day" and rule.startswith("date."):  # not "said Friday"
            if period in ("quarter", "period"):
                value = _resolve.resolve(value + "|>Q", dct, None) or value
            return _resolve.shift_years(value, int(off))
    return None


# How fine a value must be to anchor a NARRATIVE unit ("that day" needs a day).
_FINE_ENOUGH = {
    "D": ("day",),
    "W": ("day", "week"),
    "M": ("day", "month"),
    "Y": ("day", "week", "month", "quarter", "year"),
}


def _antecedent_window(c, spans, back: int = 3) -> int:
    """Start of the text an anaphor may look back over: its sentence and the
    `back` before it."""
    here = sentences.containing(spans, c.start)
    if not here:
        return 0
    i = spans.index(here)
    return spans[max(0, i - back)][0]


def _narrative(c, previous: list[Timex], spans) -> str | None:
    """'later that year', 'the following month': the period of the date the
    story last mentioned, moved by the offset. A coarser antecedent leaves the
    finer part unknown ('last October ... that same day' = 1998-10-XX)."""
    base, _, suffix = c.value.partition("|")
    value = _narrative_base(base, c, previous, spans)
    return value + suffix if value else None


def _narrative_base(base: str, c, previous: list[Timex], spans) -> str | None:
    _, unit, off = base.split(":")
    off = int(off)
    if unit.startswith("WD"):
        # The story's day is usually set once, in the lead: look further back.
        return _narrative_weekday(previous, _antecedent_window(c, spans, 8), int(unit[2:]), off)
    window_start = _antecedent_window(c, spans)
    for t in reversed(previous):
        if t.start < window_start:
            break
        if t.type not in ("DATE", "TIME") or not t.value[:4].isdigit():
            continue
        day = t.value.split("T")[0]
        prec = calendar.precision(day)
        if prec in _FINE_ENOUGH.get(unit, ()):
            first = calendar.span(day)[0]
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


def _narrative_weekday(previous: list[Timex], window_start: int, weekday: int, off: int) -> str | None:
    """'the previous Friday' after 'Friday, Oct. 27': Oct. 20."""
    for t in reversed(previous):
        if t.start < window_start:
            break
        day = t.value.split("T")[0]
        if t.type in ("DATE", "TIME") and calendar.precision(day) == "day":
            d = date.fromisoformat(day)
            step = -1 if off < 0 else 1
            d += timedelta(days=step)
            while d.isoweekday() != weekday:
                d += timedelta(days=step)
            return d.isoformat()
    return None


def _period_of(c, previous: list[Timex], spans, year: str) -> str | None:
    """'the 1988 quarter' after 'the third quarter': 1988-Q3."""
    window_start = _antecedent_window(c, spans)
    for t in reversed(previous):
        if t.start < window_start:
            break
        if t.type == "DATE" and calendar.precision(t.value) == "quarter" and t.value[:4].isdigit():
            return year + t.value[4:]
    return None


def fingerprint(language: str = "en") -> str:
    """Changes whenever a rule or vocabulary file changes (for caches)."""
    return load(language).fingerprint


__all__ = ["Timex", "tag", "fingerprint", "load"]
