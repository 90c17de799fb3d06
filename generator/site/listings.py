"""Long lists of events made readable: grouped under dated headings (BBC and
Reuters timelines do it: a date, then what happened), split into pages of at
most PAGE_SIZE cards, each page labelled with the dates it covers, and with
the list's most salient events first.

Every list of events on the site (a period, a person, a tag) is a `Listing`;
the templates draw one with the same macro.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from sys import intern

from .dates import MONTHS, display_day
from .ranking import Ranking
from .urls import Urls
from .views import EventView

PAGE_SIZE = 100  # the most event cards on one page (the limit is about 200; 100 keeps a page quick on a phone)
HIGHLIGHTS = 5  # a long list starts with its most salient events
HIGHLIGHTS_AFTER = 20  # ...when it has more events than this


@dataclass
class Group:
    """Events under one dated heading ("12 May 2010", "April 2009")."""

    label: str
    anchor: str
    events: list[EventView]
    url: str | None = None  # a page of its own for this heading, if there is one


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str
    label: str  # the dates the page covers ("1–14 May 2010")
    current: bool


@dataclass
class ListPage:
    """One page of a listing."""

    number: int
    url: str
    label: str
    groups: list[Group]
    highlights: list[EventView] = field(default_factory=list)  # on the first page only
    pager: list[PageLink] = field(default_factory=list)  # every page of the listing (empty if one)

    @property
    def cards(self) -> int:
        return len(self.highlights) + sum(len(g.events) for g in self.groups)


@dataclass
class Listing:
    url: str
    total: int
    pages: list[ListPage]


def span_label(events: list[EventView]) -> str:
    """The days a page covers: '11 May 2010', '1–7 June 2010', '28 May – 3 June 2010'."""
    if not events:
        return ""
    if events[0].year is None or events[-1].year is None:  # decades, centuries
        first, last = events[0].display_date, events[-1].display_date
        return first if first == last else f"{first} – {last}"
    a, b = events[0].when.start, events[-1].when.start
    if a == b:
        return display_day(a)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{b.day} {MONTHS[a.month - 1]} {a.year}"
    if a.year == b.year:
        return f"{a.day} {MONTHS[a.month - 1]} – {display_day(b)}"
    return f"{display_day(a)} – {display_day(b)}"


class Headings:
    """Each event's heading (label, anchor) in the lists of one kind, worked
    out once per view: an event is listed under the same heading on every
    name and tag page that lists it (10,000 articles: 65,000 events, listed
    400,000 times). By the view's identity: the views outlive this."""

    def __init__(self, heading: Callable[[EventView], tuple[str, str]]):
        self.heading = heading
        self.known: dict[int, tuple[str, str]] = {}

    def __call__(self, v: EventView) -> tuple[str, str]:
        got = self.known.get(id(v))
        if got is None:
            got = self.known[id(v)] = self.heading(v)
        return got


def listing(views: list[EventView], url: str, urls: Urls, heading: Callable[[EventView], tuple[str, str]],
            ranking: Ranking, heading_url: Callable[[EventView], str | None] | None = None,
            size: int = PAGE_SIZE) -> Listing:
    """`views` (in date order) under their headings (`heading(v)` = (label,
    anchor); a Headings for many lists), split into pages of at most `size`
    cards; the first page opens with the most salient events (by the site's
    `ranking`) when the list is long."""
    top = ranking.most_salient(views, HIGHLIGHTS) if len(views) > HIGHLIGHTS_AFTER else []
    chunks: list[list[EventView]] = []
    room = size - len(top)
    for v in views:
        if not chunks or len(chunks[-1]) >= room:
            chunks.append([])
            room = size if len(chunks) > 1 else room
        chunks[-1].append(v)
    chunks = chunks or [[]]
    pages = [ListPage(n, urls.paged(url, n), span_label(chunk), _groups(chunk, heading, heading_url))
             for n, chunk in enumerate(chunks, 1)]
    pages[0].highlights = top
    if len(pages) > 1:
        # every page's pager links every page: the links to the other pages are shared
        # (a list of 10,000 events has 100 pages: 10,000 links, made 100 times, were 1.5 s)
        others = [PageLink(o.number, o.url, o.label, False) for o in pages]
        for i, p in enumerate(pages):
            p.pager = [*others[:i], PageLink(p.number, p.url, p.label, True), *others[i + 1:]]
    return Listing(url, len(views), pages)


def _groups(events: list[EventView], heading: Callable[[EventView], tuple[str, str]],
            heading_url: Callable[[EventView], str | None] | None) -> list[Group]:
    """Consecutive events with the same heading form one group; anchors stay unique on the page."""
    out: list[Group] = []
    seen: set[str] = set()
    current, add = None, None  # the last group's label, and its events' append
    for v in events:
        label, anchor = heading(v)
        if label == current and add is not None:
            add(v)
            continue
        unique, n = anchor, 2
        while unique in seen:
            unique, n = f"{anchor}-{n}", n + 1
        seen.add(unique)
        # (a heading recurs on every list of its period: one string serves them)
        out.append(Group(intern(label), intern(unique), [v], heading_url(v) if heading_url else None))
        current, add = label, out[-1].events.append
    return out
