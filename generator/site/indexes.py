"""The site's indexes: people/places/organisations and tags, each with the
events (and, for tags, the articles) it lists. Years and months are periods
(periods.py).

An entity's or a tag's every event is in `all_events`, a name no bundled
template prints: its pages show one page of the list (their `chunk`) and
the count, so the pages' fingerprints (digest.py, which counts a view's
field only if a template names it) do not take in every event of the list.
Otherwise one event edited anywhere in a tag made every page of that tag
look changed: at 1,000 articles, a dated sentence edited re-rendered 236
pages of which 191 came out the same, 165 of them tag pages. A user's
template that names `all_events` makes it count again, as it must."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..content import slugify
from ..model import Analysis
from .articles import ArticleView
from .urls import KIND_LABELS, Urls
from .views import EventView, Names


@dataclass(frozen=True)
class EntityView:
    name: str
    kind: str
    url: str
    label: str  # People, Places, Organisations
    all_events: list[EventView]  # every event naming it, by date (its pages list them a page at a time)
    count: int


@dataclass(frozen=True)
class TagView:
    name: str
    slug: str
    url: str
    all_events: list[EventView]  # every event tagged so, by date (its pages list them a page at a time)
    count: int  # of events
    articles: list[ArticleView]


def entity_views(views: list[EventView], names: Names) -> list[EntityView]:
    by_id = {v.id: v for v in views}
    out = []
    for name in sorted(names.kind, key=lambda n: (names.kind[n], n.lower())):
        link = names.link(name)
        assert link is not None
        events = [by_id[i] for i in names.events[name]]
        out.append(EntityView(link.name, link.kind, link.url, KIND_LABELS[link.kind], events, len(events)))
    return out


def tag_views(analyses: list[Analysis], views: list[EventView], articles: list[ArticleView],
              urls: Urls) -> list[TagView]:
    names: dict[str, str] = {}
    for a in analyses:
        for t in a.article.tags:
            names.setdefault(slugify(t), t)
    for v in views:
        for t in v.tags:
            names.setdefault(slugify(t), t)
    events: dict[str, list[EventView]] = defaultdict(list)
    tagged_articles: dict[str, list[ArticleView]] = defaultdict(list)
    for v in views:
        for slug in dict.fromkeys(slugify(t) for t in v.tags):
            events[slug].append(v)
    for view in articles:
        for slug in dict.fromkeys(slugify(t.name) for t in view.tags):
            tagged_articles[slug].append(view)
    return [TagView(name, slug, urls.tag(slug), events[slug], len(events[slug]), tagged_articles[slug])
            for slug, name in sorted(names.items())]
