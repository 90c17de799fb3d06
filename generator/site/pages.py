"""The list of pages: which template renders what, at which URL.

No page lists more than listings.PAGE_SIZE event cards: long lists (a busy
month, a person named in a thousand events) are split into pages, and the
front page shows the overview (overview.py), never every event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter

from ..content import slugify
from ..digest import Derived
from ..search import bundle_subfolder, bundles_with_pages, indexed_pages
from .articles import ArticleView
from .dates import MONTHS
from .listings import PAGE_SIZE, Headings, ListPage, listing
from .urls import KIND_FOLDERS, KIND_LABELS, Link, Urls
from .views import EventView

FILTER_OPTIONS = 40  # per kind: the names most often on the page
_COUNT = itemgetter(1)
ARTICLE_TEMPLATE = "article.html"


@dataclass
class Page:
    path: str  # file path inside the output folder
    url: str  # absolute URL path (with base path)
    template: str
    context: dict = field(default_factory=dict)  # template variable -> view
    title: str = ""
    in_sitemap: bool = True


@dataclass(frozen=True)
class Filter:
    name: str
    label: str
    options: list[str]


@dataclass(frozen=True)
class SitemapEntry:
    loc: str


@dataclass(frozen=True)
class ArticlesPage:
    """One page of the list of articles."""

    articles: list
    pager: list[Link]
    number: int


def filters(cards: list[EventView]) -> list[Filter]:
    """The filter's choices: the names, tags and years of the events on the page."""
    counts: dict[str, dict[str, int]] = {k: {} for k in (*KIND_FOLDERS, "tag", "year")}
    tags, years = counts["tag"], counts["year"]
    for v in {v.id: v for v in cards}.values():  # plain dicts: faster than Counter here
        for ent in v.entities:
            c = counts[ent.kind]
            c[ent.name] = c.get(ent.name, 0) + 1
        for t in v.tags:
            tags[t] = tags.get(t, 0) + 1
        if v.year:
            y = str(v.year)
            years[y] = years.get(y, 0) + 1
    out = []
    for name, c in counts.items():
        # most often first, then by name: sorted by name, then (stable) by count, both in C
        top = [n for n, _ in sorted(sorted(c.items()), key=_COUNT, reverse=True)[:FILTER_OPTIONS]]
        if top:
            out.append(Filter(name, name.capitalize(), sorted(top, key=str.lower)))
    return out


FILTERS_READ = ("id", "entities.kind", "entities.name", "tags", "year")  # what filters() reads of a view
# ...and of a listing page, whose cards are its highlights and its groups' events
PAGE_FILTERS_READ = tuple(f"{cards}.{field}" for cards in ("highlights", "groups.events") for field in FILTERS_READ)


def _page_filters(pages: list[ListPage]) -> list[Filter]:
    """The filter choices of a listing page (`pages`: it alone)."""
    return filters(_cards(pages[0]))


def _filters(page: ListPage) -> Derived:
    """A listing page's filter choices, worked out when its template reads
    them (digest.Derived): a rebuild renders few of the listing pages.
    Fingerprinted as the page itself, whose token its context has made
    already (the page's cards hashed once, not twice)."""
    return Derived(_page_filters, [page], PAGE_FILTERS_READ)


def by_month_heading(v: EventView) -> tuple[str, str]:
    """Entity and tag lists: events under their month ("April 2009") or their own date."""
    if v.month and v.year:
        return f"{MONTHS[v.month - 1]} {v.year}", f"p-{v.year}-{v.month:02d}"
    return v.display_date, "p-" + slugify(v.display_date)


def pages(site) -> list[Page]:
    """Every page of the site (a `Site` from generator.site.plan)."""
    urls: Urls = site.urls
    out: list[Page] = []

    def add(url: str, template: str, title: str, in_sitemap: bool = True, **ctx):
        out.append(Page(urls.file_for(url), url, template, ctx, title, in_sitemap))

    ov = site.overview
    add(urls.index(), "index.html", site.config.title, overview=ov, filters=filters(ov.cards),
        total=len(site.events))
    for v in site.events:
        add(v.url, "event.html", v.title, event=v)
    out += [article_page(a, urls) for a in site.articles]
    chunks = [site.articles[i:i + PAGE_SIZE] for i in range(0, len(site.articles), PAGE_SIZE)] or [[]]
    pager = [Link(f"{n}", urls.paged(urls.articles(), n)) for n in range(1, len(chunks) + 1)] if len(chunks) > 1 else []
    for n, chunk in enumerate(chunks, 1):
        add(urls.paged(urls.articles(), n), "articles.html", "Articles" if n == 1 else f"Articles, page {n}",
            listing=ArticlesPage(chunk, pager, n), total=len(site.articles))
    for p in site.periods.all:
        for page in p.listing.pages:
            title = p.label if page.number == 1 else f"{p.label}, page {page.number}"
            add(page.url, "period.html", title, period=p, chunk=page, filters=_filters(page))
    add(urls.years(), "years.html", "Years", overview=ov)
    headings, month_url = Headings(by_month_heading), _month_url(site)
    for ent in site.entities:
        lst = listing(ent.all_events, ent.url, urls, headings, site.ranking, month_url)
        for page in lst.pages:
            add(page.url, "entity.html", ent.name if page.number == 1 else f"{ent.name}, page {page.number}",
                entity=ent, chunk=page, filters=_filters(page))
    for kind in KIND_FOLDERS:
        add(urls.kind_index(kind), "entities.html", KIND_LABELS[kind], kind=kind, label=KIND_LABELS[kind],
            entities=[e for e in site.entities if e.kind == kind])
    for t in site.tags:
        lst = listing(t.all_events, t.url, urls, headings, site.ranking, month_url)
        for page in lst.pages:
            add(page.url, "tag.html", t.name if page.number == 1 else f"{t.name}, page {page.number}",
                tag=t, chunk=page, filters=_filters(page))
    add(urls.tags(), "tags.html", "Tags", tags=site.tags)
    merged: list[str] = []  # the search bundles the search page merges: known once every page is
    add(urls.search(), "search.html", "Search", search_available=site.search_available, merged_bundles=merged)
    add(urls.not_found(), "404.html", "Page not found", in_sitemap=False)
    taken = {p.url for p in out}
    for old, new in sorted(site.redirects.items()):
        if old not in taken and old.startswith(urls.base) and new != old:
            add(old, "redirect.html", "Moved", in_sitemap=False, target=new, canonical=urls.absolute(new))
    if urls.absolute_ok:  # the feed and the sitemap need absolute URLs (see config.missing_base_url)
        newest = sorted(site.events, key=lambda v: v.when.sort_key(), reverse=True)
        add(urls.feed(), "feed.xml", "Feed", in_sitemap=False, entries=newest[: site.config.feed.entries])
        html_pages = [p for p in out if p.in_sitemap]
        add(urls.sitemap(), "sitemap.xml", "Sitemap", in_sitemap=False,
            entries=[SitemapEntry(urls.absolute(p.url)) for p in html_pages])
    add(urls.robots(), "robots.txt", "robots", in_sitemap=False, sitemap=urls.absolute(urls.sitemap()))
    filled = bundles_with_pages(indexed_pages(p.path for p in out), site.search_bundles)
    merged += [urls.pagefind(bundle_subfolder(b)) for b in filled if b != 0]
    return out


def article_page(a: ArticleView, urls: Urls) -> Page:
    """An article's page (also drafted alone by the preview: generator.draft)."""
    return Page(urls.file_for(a.url), a.url, ARTICLE_TEMPLATE, {"article": a}, a.title)


def _cards(page) -> list[EventView]:
    return [*page.highlights, *(v for g in page.groups for v in g.events)]


def _month_url(site):
    """A heading's link: the period page where that month's (or year's) events are listed."""
    def url(v: EventView) -> str | None:
        if v.month and v.year:
            return site.periods.month_home.get((v.year, v.month))
        return v.listing_url.split("#")[0] if v.listing_url else None
    return url
