"""Events and articles -> the pages of the site, with their URLs and links.

`plan()` builds the typed views the templates receive (views, articles,
indexes), with every URL made by `urls.Urls`, then the list of pages
(pages). No markup is written here; the templates hold the presentation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..config import SiteConfig
from ..corpus.entities import EntityIndex
from ..model import Analysis, Event
from .articles import ArticleView, article_views
from .indexes import EntityView, TagView, YearView, entity_views, tag_views, year_views
from .pages import Page, pages
from .urls import Urls
from .views import EventView, Names, event_view, link_neighbours


@dataclass
class Site:
    config: SiteConfig
    urls: Urls
    events: list[EventView]  # chronological
    articles: list[ArticleView]  # newest first
    entities: list[EntityView]
    tags: list[TagView]
    years: list[YearView]
    built: str  # ISO timestamp of the newest article (deterministic: not the clock)
    search_available: bool = False
    pages: list[Page] = field(default_factory=list)


def plan(config: SiteConfig, analyses: list[Analysis], events: list[Event], index: EntityIndex,
         search_available: bool = False) -> Site:
    urls = Urls(config)
    by_slug = {a.article.slug: a for a in analyses}
    names = Names(events, index, urls)
    views = [event_view(e, by_slug, names, urls) for e in events]
    link_neighbours(views)
    articles = article_views(analyses, views, urls)
    newest = max((a.article.date for a in analyses if a.article.date), default=date(1970, 1, 1))
    site = Site(config, urls, views, articles, entity_views(views, names), tag_views(analyses, views, articles, urls),
                year_views(views, urls), built=newest.isoformat() + "T00:00:00Z",
                search_available=search_available)
    site.pages = pages(site)
    return site


__all__ = ["Page", "Site", "Urls", "plan"]
