"""The front page: overview first, detail on demand. The story's key events,
a chart of how many events fall in each month (or week, or year: whichever
fits the span), the latest (or first) periods in full, a link to every
period, and the background apart.

The chart is geometry only (bars with their position, size, label and
link); the template draws it as SVG, so it works without JavaScript.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from .dates import MONTHS, display_day
from .periods import Period, PeriodLink, Periods
from .ranking import Ranking
from .urls import Urls
from .views import EventView

FRONT_CARDS = 60  # event cards of the latest periods on the front page (the key events come on top)
BACKGROUND_CARDS = 5
CHART_WIDTH, CHART_HEIGHT, AXIS = 720, 150, 22
WEEKS_UNTIL = timedelta(days=200)  # a story this short (about 6 months) is charted by week
MONTHS_UNTIL = timedelta(days=366 * 12)  # ...this short by month, longer ones by year


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    url: str | None
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass
class Chart:
    unit: str  # week | month | year
    bars: list[Bar]
    ticks: list[Tick]
    width: int
    height: int
    axis_y: int
    first: str
    last: str
    total: int
    busiest: Bar | None


@dataclass
class FrontPeriod:
    """A period shown in full (or its latest events) on the front page."""

    label: str
    anchor: str
    url: str | None
    events: list[EventView]
    total: int


@dataclass(frozen=True)
class ArchiveYear:
    """A year (or decade) in the list of every period, with its months."""

    year: PeriodLink
    months: list[PeriodLink]


@dataclass
class Overview:
    key_events: list[EventView]
    chart: Chart | None
    latest: list[FrontPeriod]
    latest_heading: str  # "Latest" or "How it began"
    story: list[ArchiveYear]
    later: list[PeriodLink]  # periods after the coverage (scheduled and forecast events)
    background: list[PeriodLink]
    background_events: list[EventView]
    background_count: int
    coverage: str  # "from April 2009" (readers' words) or ""
    cards: list[EventView] = field(default_factory=list)  # every event card on the page


def _unit_key(unit: str, d: date):
    if unit == "week":
        return d - timedelta(days=d.weekday())
    if unit == "month":
        return (d.year, d.month)
    return d.year


def _next_key(unit: str, key):
    if unit == "week":
        return key + timedelta(days=7)
    if unit == "month":
        return (key[0] + key[1] // 12, key[1] % 12 + 1)
    return key + 1


def _label(unit: str, key) -> str:
    if unit == "week":
        return "week of " + display_day(key)
    if unit == "month":
        return f"{MONTHS[key[1] - 1]} {key[0]}"
    return str(key)


def chart(story: list[EventView], first: date, last: date, periods: Periods, urls: Urls) -> Chart | None:
    """Events per period from `first` to `last`: only events that fall
    within one bar are counted (a year-long event is no month's event)."""
    span = last - first
    unit = "week" if span <= WEEKS_UNTIL else "month" if span <= MONTHS_UNTIL else "year"
    counts: dict = defaultdict(list)
    for v in story:
        k = _unit_key(unit, v.when.start)
        if k == _unit_key(unit, v.when.end) and first <= v.when.start <= last:
            counts[k].append(v)
    keys, k, end = [], _unit_key(unit, first), _unit_key(unit, last)
    while k <= end:
        keys.append(k)
        k = _next_key(unit, k)
    if not keys or not counts:
        return None
    top = max(len(v) for v in counts.values())
    width = CHART_WIDTH / len(keys)
    gap = 1.0 if width > 4 else 0.0
    plot = CHART_HEIGHT - AXIS - 4
    bars, ticks = [], []
    for i, k in enumerate(keys):
        evs = counts.get(k, [])
        h = max(2.0, plot * len(evs) / top) if evs else 0.0
        bars.append(Bar(_label(unit, k), len(evs), _bar_url(unit, k, evs, periods, urls) if evs else None,
                        round(i * width + gap / 2, 2), round(CHART_HEIGHT - AXIS - h, 2), round(width - gap, 2),
                        round(h, 2)))
        tick = _tick(unit, k, i, len(keys))
        if tick:
            ticks.append(Tick(round(i * width, 2), tick))
    busiest = max(bars, key=lambda b: b.count)
    return Chart(unit, bars, ticks, CHART_WIDTH, CHART_HEIGHT, CHART_HEIGHT - AXIS, bars[0].label, bars[-1].label,
                 sum(b.count for b in bars), busiest)


def _bar_url(unit: str, key, events: list[EventView], periods: Periods, urls: Urls) -> str:
    if unit == "month":
        return periods.month_home[key]
    if unit == "year":
        return urls.year(key)
    return periods.event_home[events[0].id]  # a week: its first event on its period's page


def _tick(unit: str, key, i: int, n: int) -> str:
    if unit == "month":
        return str(key[0]) if key[1] == 1 or i == 0 else ""
    if unit == "week":
        return MONTHS[key.month - 1][:3] if key.day <= 7 or i == 0 else ""
    step = max(1, -(-n // 12))
    return str(key) if i % step == 0 else ""


def _latest(story: list[EventView], newest_first: bool, periods: Periods) -> list[FrontPeriod]:
    """The latest (or first) months in full, up to FRONT_CARDS cards."""
    months: dict[tuple[int, int], list[EventView]] = defaultdict(list)
    for v in story:
        if v.month and v.year:
            months[(v.year, v.month)].append(v)
    out: list[FrontPeriod] = []
    room = FRONT_CARDS
    for key in sorted(months, reverse=newest_first):
        evs = list(reversed(months[key])) if newest_first else months[key]
        out.append(FrontPeriod(_label("month", key), f"p-{key[0]}-{key[1]:02d}", periods.month_home.get(key),
                               evs[:room], len(evs)))
        room -= len(out[-1].events)
        if room <= 0:
            break
    return out


def _archive(years: list[Period], periods: Periods) -> list[ArchiveYear]:
    out = []
    for p in years:
        if p.months:
            months = p.months
        else:
            counts: dict[int, int] = defaultdict(int)
            for v in p.events:
                if v.month:
                    counts[v.month] += 1
            months = [PeriodLink(MONTHS[m - 1][:3], periods.month_home[(p.start.year, m)], c)
                      for m, c in sorted(counts.items())] if p.kind == "year" else []
        out.append(ArchiveYear(p.link(), [PeriodLink(m.label.split()[0][:3], m.url, m.count) for m in months]))
    return out


def overview(views: list[EventView], periods: Periods, urls: Urls, coverage: tuple[date, date] | None,
             newest_first: bool, ranking: Ranking) -> Overview:
    story = [v for v in views if not v.background]
    if coverage:
        first, last = coverage
    elif story:
        first, last = min(v.when.start for v in story), max(v.when.start for v in story)
    else:
        first = last = date(1970, 1, 1)  # no events: no chart is drawn
    in_coverage = [v for v in story if v.when.start <= last]
    key = sorted((v for v in views if v.key), key=lambda v: v.when.sort_key(), reverse=newest_first)
    latest = _latest(in_coverage, newest_first, periods)
    years = periods.years()
    background_events = [v for v in views if v.background]
    bg_top = ranking.most_salient(background_events, BACKGROUND_CARDS)
    ov = Overview(
        key_events=key, chart=chart(story, first, last, periods, urls), latest=latest,
        latest_heading="Latest" if newest_first else "How it began",
        story=_archive([p for p in years if not p.background and p.start <= last], periods),
        later=[p.link() for p in years if not p.background and p.start > last],
        background=[p.link() for p in years if p.background],
        background_events=list(reversed(bg_top)) if newest_first else bg_top,
        background_count=len(background_events),
        coverage=f"from {MONTHS[first.month - 1]} {first.year}" if coverage else "",
    )
    ov.cards = [*ov.key_events, *(v for p in latest for v in p.events), *ov.background_events]
    return ov
