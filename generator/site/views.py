"""What the templates receive about events: typed views built by small
functions from the merged events, with every URL already made.

A template that names a field a view does not have fails at render time
(StrictUndefined) and in the type checker before that.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from sys import intern

from ..content import slugify
from ..corpus.entities import EntityIndex
from ..corpus.salience import RECALLED_DAYS, Coverage
from ..model import Analysis, Event, Source
from ..temporal import When, calendar
from .dates import display_date, display_day, html_datetime
from .urls import KIND_FOLDERS, Urls


@dataclass(frozen=True, slots=True)
class EntityLink:
    name: str
    kind: str  # person | place | organisation
    url: str


@dataclass(frozen=True, slots=True)
class TagLink:
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class EventBrief:
    """Enough of an event to link to it with its date."""

    id: str
    url: str
    title: str
    display_date: str
    date: str
    datetime: str | None


@dataclass(slots=True)
class QuoteView:
    """One sentence of a source article that reports the event."""

    sentence: str
    expression: str
    value: str
    value_display: str  # the value as readers read it ("week of 10 September 2018")
    url: str  # the sentence's anchor on the article page (its number is no page's: own_pages._places)


@dataclass(slots=True)
class SourceView:
    """One article that reports the event, with its quotes."""

    article: str
    article_title: str
    article_url: str
    url: str  # the first quote's anchor on the article page
    quotes: list[QuoteView]
    source_name: str
    author: str
    published: str
    published_display: str


@dataclass(slots=True)
class EventView:
    id: str
    url: str
    when: When
    date: str
    precision: str
    mod: str
    display_date: str
    datetime: str | None
    title: str
    summary: str
    salience: float
    entities: list[EntityLink]  # the names of the event's own clauses (its card)
    entity_names: list[str]
    sources: list[SourceView]
    tags: list[str]
    tag_refs: list[TagLink]
    year: int | None  # None for decades and centuries
    year_url: str | None
    month: int | None  # for days, weeks and months
    edited: list[str]
    draft: bool  # every source is a draft article
    updated: str  # the newest source's publication date
    background: bool = False  # before the corpus's coverage (ranking.mark_key_and_background)
    key: bool = False  # one of the site's key events
    listing_url: str = ""  # where the event is listed in its period, with its card as #target
    listing_label: str = ""  # that period ("April 2009")
    previous: EventBrief | None = None
    next: EventBrief | None = None
    related: list[EventBrief] = field(default_factory=list)
    named: list[EntityLink] = field(default_factory=list)  # every name of its sources' sentences (its page)

    def brief(self) -> EventBrief:
        return EventBrief(self.id, self.url, self.title, self.display_date, self.date, self.datetime)


def brief_of(e: Event, urls: Urls) -> EventBrief:
    """The brief of the event's view (event_view(...).brief(): the same
    fields, made from the event alone, without the names its view links):
    what an article page needs of the events that cite it (early_pages.py)."""
    return EventBrief(e.id, urls.event(e.id), e.title, display_date(e.when), e.date, html_datetime(e.when))


def every_name(e: Event) -> tuple[str, ...]:
    """The names of an event's sources' sentences, its clauses' first."""
    return tuple(dict.fromkeys((*e.entities, *e.named)))


class Names:
    """The entities that get pages: each name whose kind is known in the
    sentences the events quote (not only in their clauses: "Putin met Macron
    and Merkel last month" gives Macron and Merkel pages too), with its slug
    (unique within its kind) and URL; and the events that name each."""

    def __init__(self, events: list[Event], index: EntityIndex, urls: Urls):
        self.kind: dict[str, str] = {}
        self.events: dict[str, list[str]] = defaultdict(list)
        for e in events:
            for name in every_name(e):
                kind = index.kinds.get(name) or index.gaz.kinds.get(name, "")
                if kind in KIND_FOLDERS:
                    self.kind[name] = kind
                    self.events[name].append(e.id)
        self.slug: dict[str, str] = {}
        taken: set[tuple[str, str]] = set()
        for name in sorted(self.kind):
            slug, n = slugify(name), 2
            while (self.kind[name], slug) in taken:
                slug, n = f"{slugify(name)}-{n}", n + 1
            taken.add((self.kind[name], slug))
            self.slug[name] = slug
        self.urls = urls
        self._links: dict[str, EntityLink] = {}
        self._tags: dict[str, TagLink] = {}

    def link(self, name: str) -> EntityLink | None:
        """The name's link, made once and shared by every event that names it."""
        if name not in self.kind:
            return None
        got = self._links.get(name)
        if got is None:
            kind = self.kind[name]
            got = self._links[name] = EntityLink(name, kind, self.urls.entity(kind, self.slug[name]))
        return got

    def tag(self, tag: str) -> TagLink:
        """A tag's link, made once and shared by every event it tags."""
        got = self._tags.get(tag)
        if got is None:
            got = self._tags[tag] = TagLink(intern(tag), self.urls.tag(slugify(tag)))
        return got


@lru_cache(maxsize=1 << 16)
def _value_display(value: str) -> str:
    """Worked out once per value: the quotes of 65,000 events (10,000 articles) share a few thousand."""
    when = calendar.when(value)
    return display_date(when) if when else value


class SourceArticles:
    """What an event's source shows of its article (its page, author and
    publication date), worked out once per article rather than once per
    event that cites it."""

    def __init__(self, articles: dict[str, Analysis], urls: Urls):
        self.articles, self.urls = articles, urls
        self._facts: dict[str, tuple[str, str, str, str, bool]] = {}

    def facts(self, slug: str) -> tuple[str, str, str, str, bool]:
        """(page URL, author, published, published as readers read it, draft)."""
        got = self._facts.get(slug)
        if got is None:
            art = self.articles[slug].article
            got = self._facts[slug] = (self.urls.article(slug), art.author, art.date.isoformat() if art.date else "",
                                       display_day(art.date) if art.date else "", art.draft)
        return got


def _source_view(s: Source, articles: SourceArticles) -> SourceView:
    page, author, published, published_display, _ = articles.facts(s.article)
    quotes = [QuoteView(q.sentence, intern(q.expression), intern(q.value), _value_display(q.value),
                        page + "#" + q.anchor) for q in s.quotes]
    return SourceView(
        article=s.article, article_title=s.article_title, article_url=page, url=quotes[0].url, quotes=quotes,
        source_name=s.source_name, author=author, published=published, published_display=published_display,
    )


def event_view(e: Event, articles: SourceArticles, names: Names, urls: Urls) -> EventView:
    """The short strings an event shares with many (its date as written, its
    tags and names) are interned: the views are held through rendering, in
    the render worker too (10,000 articles: 65,000 views, some 30 MB of
    copies of a few thousand strings)."""
    sources = [_source_view(s, articles) for s in e.sources]
    year = e.when.start.year if e.precision not in ("decade", "century") else None
    datetime = html_datetime(e.when)
    tag_refs = [names.tag(t) for t in e.tags]
    return EventView(
        id=e.id, url=urls.event(e.id), when=e.when, date=intern(e.date), precision=intern(e.precision),
        mod=intern(e.mod), display_date=intern(display_date(e.when)),
        datetime=intern(datetime) if datetime is not None else None,
        title=e.title, summary=e.summary, salience=e.salience,
        entities=[r for r in (names.link(n) for n in e.entities) if r], entity_names=[intern(n) for n in e.entities],
        sources=sources, tags=[t.name for t in tag_refs], tag_refs=tag_refs,
        named=[r for r in (names.link(n) for n in every_name(e)) if r],
        year=year, year_url=urls.year(year) if year else None,
        month=e.when.start.month if e.precision in ("day", "week", "month") else None,
        edited=list(e.edited), draft=all(articles.facts(s.article)[4] for s in e.sources),
        updated=max((s.published for s in sources if s.published), default=""),
    )


COVERAGE_MARGIN = timedelta(days=RECALLED_DAYS)  # how far before its first reports the story may begin


def coverage_start(analyses: list[Analysis]) -> date | None:
    """The first day the corpus covers as news: where its coverage starts
    (corpus.salience.Coverage, a few stray early articles aside) less a month
    (the events that led up to its first reports)."""
    first = Coverage([a.article.date for a in analyses if a.article.date]).start()
    return first - COVERAGE_MARGIN if first else None


def briefs_of(views: list[EventView], last: dict[str, EventBrief] | None = None) -> list[EventBrief]:
    """Each view's brief: the very one of the `last` plan (the preview's
    memo, by event id) where equal, so that later comparisons of views
    (render.PageRenderer taking the last build's tokens, memo.article_view)
    find their neighbours' and related events' briefs the same by identity
    (10,000 articles: 65,000 views, each comparing seven briefs field by field)."""
    if not last:
        return [v.brief() for v in views]
    out = []
    for v in views:
        brief, old = v.brief(), last.get(v.id)
        out.append(old if old is not None and old == brief else brief)
    return out


def link_neighbours(views: list[EventView], related: list[list[int]], briefs: list[EventBrief] | None = None) -> None:
    """Each view's previous and next event in date order, and its related
    events (`related`: their places, Related.places of each); `briefs`: the views' (briefs_of)."""
    briefs = briefs if briefs is not None else briefs_of(views)
    for i, v in enumerate(views):
        v.previous = briefs[i - 1] if i > 0 else None
        v.next = briefs[i + 1] if i + 1 < len(views) else None
        v.related = [briefs[j] for j in related[i]]


class Related:
    """Events that share names with an event or lie close to it in time,
    found from what the events themselves say (their names, first days and
    ids, in date order): so they are worked out beside the views, in a
    forked worker for a big site (site.plan). Candidates come from the
    entity index (rarest names first) and the neighbours in date order, so
    this stays fast with thousands of events."""

    def __init__(self, events: list[Event]):
        self.by_entity: dict[str, list[int]] = defaultdict(list)
        for i, e in enumerate(events):
            for name in e.entities:
                self.by_entity[name].append(i)
        self.entities = [e.entities for e in events]
        self.names = [frozenset(e.entities) for e in events]  # each event's, made once, not once per candidate
        self.days = [e.when.start.toordinal() for e in events]
        self.ids = [e.id for e in events]

    def places(self, i: int, limit: int = 5) -> list[int]:
        """The places of event i's related events, the most related first."""
        by_entity = self.by_entity
        candidates: set[int] = set(range(max(0, i - 4), min(len(self.ids), i + 5)))
        for name in sorted(self.entities[i], key=lambda n: len(by_entity[n]))[:4]:
            ids = by_entity[name]
            # the events with this name nearest in time (ids are in date order)
            at = bisect.bisect_left(ids, i)
            candidates.update(ids[max(0, at - 15) : at + 15])
        candidates.discard(i)
        mine, names, days = self.names[i], self.names, self.days
        start = days[i]
        scored = []
        for j in candidates:
            other = names[j]
            # most candidates share no name: isdisjoint answers without building the intersection
            shared = 0 if mine.isdisjoint(other) else len(mine.intersection(other))
            apart = abs(days[j] - start)
            if shared or apart <= 31:
                scored.append((-(shared + 2.0 / (1 + apart / 30)), self.ids[j], j))
        scored.sort()  # by score, then id: ids are unique, so the place j never decides
        return [j for _, _, j in scored[:limit]]
