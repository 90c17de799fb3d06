"""The list of pages: which template renders what, at which URL."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..content import slugify
from .dates import MONTHS, display_date
from .urls import KIND_FOLDERS, KIND_LABELS, Urls
from .views import EventView


@dataclass
class Page:
    path: str  # file path inside the output folder
    url: str  # absolute URL path (with base path)
    template: str
    context: dict = field(default_factory=dict)  # template variable -> view
    title: str = ""
    in_sitemap: bool = True


@dataclass
class MonthGroup:
    label: str
    anchor: str
    events: list[EventView]


@dataclass
class YearGroup:
    """A year on the timeline: its year-level events, then its months."""

    label: str
    year: int | None
    url: str | None
    anchor: str
    general: list[EventView] = field(default_factory=list)
    months: list[MonthGroup] = field(default_factory=list)


@dataclass(frozen=True)
class Filter:
    name: str
    label: str
    options: list[str]


@dataclass(frozen=True)
class SitemapEntry:
    loc: str


def group_by_year_month(views: list[EventView], newest_first: bool) -> list[YearGroup]:
    groups: dict[str, YearGroup] = {}
    months: dict[str, dict[int, MonthGroup]] = {}
    for v in views:
        key = str(v.year) if v.year else display_date(v.when)
        g = groups.get(key)
        if g is None:
            g = groups[key] = YearGroup(key, v.year, v.year_url, "y-" + slugify(key))
            months[key] = {}
        if v.month:
            m = months[key].get(v.month)
            if m is None:
                m = months[key][v.month] = MonthGroup(MONTHS[v.month - 1], f"y-{slugify(key)}-{v.month:02d}", [])
            m.events.append(v)
        else:
            g.general.append(v)
    out = []
    for key, g in groups.items():
        g.months = [m for _, m in sorted(months[key].items(), reverse=newest_first)]
        if newest_first:
            for m in g.months:
                m.events = list(reversed(m.events))
        out.append(g)
    if newest_first:
        out.reverse()
    return out


def key_events(views: list[EventView], n: int, newest_first: bool) -> list[EventView]:
    """The n most salient events, in timeline order."""
    key = sorted(views, key=lambda v: (-v.salience, v.when.sort_key()))[: max(0, n)]
    key.sort(key=lambda v: v.when.sort_key(), reverse=newest_first)
    return key


def filters(site) -> list[Filter]:
    out = [Filter(kind, kind.capitalize(), [e.name for e in site.entities if e.kind == kind])
           for kind in KIND_FOLDERS]
    out += [Filter("tag", "Tag", [t.name for t in site.tags]),
            Filter("year", "Year", [str(y.year) for y in site.years])]
    return [f for f in out if f.options]


def pages(site) -> list[Page]:
    """Every page of the site (a `Site` from generator.site.plan)."""
    urls: Urls = site.urls
    newest_first = site.config.order == "newest"
    out: list[Page] = []

    def add(url: str, template: str, title: str, in_sitemap: bool = True, **ctx):
        out.append(Page(urls.file_for(url), url, template, ctx, title, in_sitemap))

    add(urls.index(), "index.html", site.config.title,
        groups=group_by_year_month(site.events, newest_first), events=site.events,
        key_events=key_events(site.events, site.config.key_events, newest_first), filters=filters(site))
    for v in site.events:
        add(v.url, "event.html", v.title, event=v)
    for a in site.articles:
        add(a.url, "article.html", a.title, article=a)
    add(urls.articles(), "articles.html", "Articles", articles=site.articles)
    for y in site.years:
        add(y.url, "year.html", str(y.year), year=y)
    add(urls.years(), "years.html", "Years", years=site.years)
    for ent in site.entities:
        add(ent.url, "entity.html", ent.name, entity=ent)
    for kind in KIND_FOLDERS:
        add(urls.kind_index(kind), "entities.html", KIND_LABELS[kind], kind=kind, label=KIND_LABELS[kind],
            entities=[e for e in site.entities if e.kind == kind])
    for t in site.tags:
        add(t.url, "tag.html", t.name, tag=t)
    add(urls.tags(), "tags.html", "Tags", tags=site.tags)
    add(urls.search(), "search.html", "Search", search_available=site.search_available)
    add(urls.not_found(), "404.html", "Page not found", in_sitemap=False)
    newest = sorted(site.events, key=lambda v: v.when.sort_key(), reverse=True)
    add(urls.feed(), "feed.xml", "Feed", in_sitemap=False, entries=newest[: site.config.feed.entries])
    html_pages = [p for p in out if p.in_sitemap]
    add(urls.sitemap(), "sitemap.xml", "Sitemap", in_sitemap=False,
        entries=[SitemapEntry(urls.absolute(p.url)) for p in html_pages])
    add(urls.robots(), "robots.txt", "robots", in_sitemap=False, sitemap=urls.absolute(urls.sitemap()))
    return out
