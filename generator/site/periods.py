"""The periods events are listed under, as archives do it: a page per year,
a page per month for the years with many events, a page per decade or
century for events dated no closer; each page in date order, paged when
long, with previous and next periods.

Every event is listed on exactly one period page, with its card as the
`#e-<id>` target: that is where "back to the timeline" and the chart lead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..content import slugify
from .dates import MONTHS, display_day
from .listings import Listing, listing
from .ranking import Ranking
from .urls import Urls
from .views import EventView

MONTH_PAGES_AFTER = 120  # a year with more events than this gets a page per month


@dataclass(frozen=True)
class PeriodLink:
    label: str
    url: str
    count: int


@dataclass
class Period:
    key: str  # 2009, 2009-04, the-1990s
    kind: str  # era | year | month
    label: str  # 2009, April 2009, the 1990s
    url: str
    start: date
    end: date
    events: list[EventView]  # the events listed on this period's pages
    count: int  # every event of the period (a year's months included)
    background: bool = False  # the whole period lies before the coverage
    months: list[PeriodLink] = field(default_factory=list)  # a year's month pages
    parent: PeriodLink | None = None  # a month's year
    previous: PeriodLink | None = None
    next: PeriodLink | None = None
    listing: Listing | None = None

    def link(self) -> PeriodLink:
        return PeriodLink(self.label, self.url, self.count)


@dataclass
class Periods:
    """Every period page, in date order, and where each event and month is listed."""

    all: list[Period]
    event_home: dict[str, str]  # event id -> URL of its page and card (#e-id)
    month_home: dict[tuple[int, int], str]  # (year, month) -> URL where that month's events begin

    def years(self) -> list[Period]:
        return [p for p in self.all if p.kind != "month"]

    def page_for(self, day: date) -> str | None:
        """The URL of the narrowest period page that covers a day, if one does."""
        home = self.month_home.get((day.year, day.month))
        if home:
            return home
        covering = [p for p in self.all if p.start <= day <= p.end]
        return min(covering, key=lambda p: p.end - p.start).url if covering else None


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _heading_in_year(v: EventView) -> tuple[str, str]:
    """On a year page: events under their month, coarser ones under their own date."""
    if v.month:
        return MONTHS[v.month - 1], f"m-{v.month:02d}"
    return v.display_date, "g-" + slugify(v.display_date)


def _heading_in_month(v: EventView) -> tuple[str, str]:
    """On a month page: events under their day (or their week, or the month)."""
    if v.precision == "day":
        return display_day(v.when.start), f"d-{v.when.start:%d}"
    return v.display_date, "g-" + slugify(v.display_date)


def plan_periods(views: list[EventView], urls: Urls, coverage: date | None, ranking: Ranking) -> Periods:
    by_year: dict[int, list[EventView]] = defaultdict(list)
    eras: dict[str, list[EventView]] = defaultdict(list)
    for v in views:
        if v.year:
            by_year[v.year].append(v)
        else:
            eras[v.display_date].append(v)
    periods: list[Period] = []
    for label, evs in eras.items():
        start, end = evs[0].when.start, max(e.when.end for e in evs)
        periods.append(Period(slugify(label), "era", label, urls.era(slugify(label)), start, end, evs, len(evs)))
    for year, evs in by_year.items():
        y = Period(str(year), "year", str(year), urls.year(year), date(year, 1, 1), date(year, 12, 31), evs, len(evs))
        periods.append(y)
        if len(evs) <= MONTH_PAGES_AFTER:
            continue
        by_month: dict[int, list[EventView]] = defaultdict(list)
        rest: list[EventView] = []
        for v in evs:
            (by_month[v.month] if v.month else rest).append(v)
        y.events = rest
        for m, mevs in sorted(by_month.items()):
            month = Period(f"{year}-{m:02d}", "month", f"{MONTHS[m - 1]} {year}", urls.month(year, m),
                           date(year, m, 1), _month_end(year, m), mevs, len(mevs), parent=y.link())
            y.months.append(month.link())
            periods.append(month)
    periods.sort(key=lambda p: (p.start, -(p.end - p.start).days))
    event_home: dict[str, str] = {}
    month_home: dict[tuple[int, int], str] = {}
    for i, p in enumerate(periods):
        p.background = bool(coverage and p.end < coverage)
        p.previous = periods[i - 1].link() if i else None
        p.next = periods[i + 1].link() if i + 1 < len(periods) else None
        heading = _heading_in_month if p.kind == "month" else _heading_in_year
        p.listing = listing(p.events, p.url, urls, heading, ranking)
        for page in p.listing.pages:
            for g in page.groups:
                for v in g.events:
                    event_home[v.id] = f"{page.url}#e-{v.id}"
                    v.listing_url, v.listing_label = event_home[v.id], p.label
                if p.kind == "year" and g.anchor.startswith("m-"):
                    month_home.setdefault((int(p.key), int(g.anchor[2:4])), f"{page.url}#{g.anchor}")
        if p.kind == "month":
            month_home[(p.start.year, p.start.month)] = p.url
    return Periods(periods, event_home, month_home)
