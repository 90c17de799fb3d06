"""Events and articles -> the pages of the site, with their URLs and links.

`plan()` builds the typed views the templates receive (views, articles,
indexes), with every URL made by `urls.Urls`, then the list of pages
(pages). No markup is written here; the templates hold the presentation.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from ..config import SiteConfig
from ..corpus.entities import EntityIndex
from ..corpus.history import Moved
from ..errors import Problem
from ..forked import Parts
from ..model import Analysis, Event
from ..search import bundle_count
from ..temporal import calendar
from .articles import ArticleLinks, ArticleView, article_links, article_views, lead_text
from .indexes import EntityView, TagView, entity_views, tag_views
from .notices import PLACEHOLDER, site_warnings
from .overview import Overview, overview
from .pages import Page, pages
from .periods import Periods, plan_periods
from .urls import Urls
from .views import EventView, Names, Related, coverage_start, event_view, link_neighbours, mark_key_and_background


@dataclass
class Site:
    config: SiteConfig
    urls: Urls
    events: list[EventView]  # chronological
    articles: list[ArticleView]  # newest first
    entities: list[EntityView]
    tags: list[TagView]
    periods: Periods
    overview: Overview
    built: str  # ISO timestamp of the newest article (deterministic: not the clock)
    search_available: bool = False
    search_bundles: int = 1  # how many bundles the search index has (search.bundle_count)
    redirects: dict[str, str] = field(default_factory=dict)  # old URL path -> new URL path (both with base)
    warnings: list[Problem] = field(default_factory=list)  # what the site would show wrongly
    pages: list[Page] = field(default_factory=list)
    links: ArticleLinks | None = None  # what each article page links to (kept by the preview: generator.draft)


FORK_MIN_EVENTS = 10_000  # below this (1,000 articles: 6,700 events), a worker for the related events does not pay
RELATED_PART = 500  # events per part of that work


def planned(a: Analysis) -> Analysis:
    """An analysis with only what plan() reads of it, for a build that keeps
    nothing else: no mentions (the events hold what the pages show of them),
    of the plain text only the start an article's summary may take
    (articles.lead_text), of the Markdown source only one that still holds
    the placeholder text (notices.site_warnings). At 10,000 articles the
    source and the text alone are about 250 MB; the views and pages the
    planning makes then fill the space the mentions leave."""
    body = a.article.body if PLACEHOLDER in a.article.body else ""
    return replace(a, article=replace(a.article, body=body), text=lead_text(a.text), mentions=(), lower_words="")


def plan(config: SiteConfig, analyses: list[Analysis], events: list[Event], index: EntityIndex,
         search_available: bool = False, redirects: dict[str, str] | None = None,
         moved: list[Moved] | None = None, jobs: int | None = 1) -> Site:
    """The site's views and pages. `redirects` (old URL -> new URL) and
    `moved` (ids no longer published, corpus.history) become redirect pages.
    With `jobs` > 1 and many events, each event's related events (a fifth of
    the work, and only places go back) are found by a forked worker while
    this process makes the views and pages, then by both."""
    related = Related(events)

    def part(n: int) -> list[list[int]]:
        return [related.places(i) for i in range(n * RELATED_PART, min((n + 1) * RELATED_PART, len(events)))]

    with Parts(part, -(-len(events) // RELATED_PART), jobs if len(events) >= FORK_MIN_EVENTS else 1) as parts:
        site = _plan(config, analyses, events, index, search_available, redirects, moved)
        # nothing in the plan reads the links to related events: the templates do
        link_neighbours(site.events, [places for p in parts.results() for places in p])
    return site


def _plan(config: SiteConfig, analyses: list[Analysis], events: list[Event], index: EntityIndex,
          search_available: bool, redirects: dict[str, str] | None, moved: list[Moved] | None) -> Site:
    urls = Urls(config)
    by_slug = {a.article.slug: a for a in analyses}
    names = Names(events, index, urls)
    views = [event_view(e, by_slug, names, urls) for e in events]
    start = coverage_start(analyses)
    mark_key_and_background(views, events, config.key_events)
    periods = plan_periods(views, urls, start)
    links = article_links(views)
    articles = article_views(analyses, links, urls)
    dates = [a.article.date for a in analyses if a.article.date]
    newest = max(dates, default=date(1970, 1, 1))
    coverage = (start, newest) if start else None
    site = Site(config, urls, views, articles, entity_views(views, names), tag_views(analyses, views, articles, urls),
                periods, overview(views, periods, urls, coverage, config.order == "newest"),
                built=newest.isoformat() + "T00:00:00Z", search_available=search_available,
                redirects={**moved_urls(moved or [], urls, periods), **(redirects or {})},
                warnings=site_warnings(config, analyses), links=links)
    site.search_bundles = bundle_count(len(analyses), config.site.search_bundle)
    site.pages = pages(site)
    return site


def moved_urls(moved: list[Moved], urls: Urls, periods: Periods) -> dict[str, str]:
    """Old event URL -> the event that holds its sentences now, else its period's page, else the timeline."""
    out = {}
    for m in moved:
        if m.new_id is not None:
            target = urls.event(m.new_id)
        else:
            when = calendar.when(m.date)
            target = (periods.page_for(when.start) if when else None) or urls.index()
        out[urls.event(m.old_id)] = target
    return out


__all__ = ["Page", "Site", "Urls", "plan", "planned"]
