"""The pages of the articles just saved, rendered by the preview's rebuild
as soon as the events are merged, before the rest of the site is planned.

An edit that moves a date changes the events, so the draft of the saved
article's page (draft.py, from the last build's links) is not its rebuilt
page: the editor waited for the whole site (at 10,000 articles, merging a
few seconds, then planning, fingerprinting and rendering twelve more)
to see the page with its new links. But an article's page reads only its
own analysis, the events that cite it (their briefs, in the site's order)
and the site-wide values every template sees: all known once the events
are final (merged, their ids kept, the editor's overrides applied). So
the pipeline renders those pages then (`article_pages`) and hands them to
the preview, which serves them from memory like drafts, and the open page
shows its rebuilt version while the rest of the site is built; the page
the rebuild writes is the same bytes (tests/test_early_pages.py). Nothing
is written to the output: a rebuild that fails later leaves the last good
site, and the preview's overlay says why.

A redating (a save that moves the article's mentions in time, nothing else)
hands its pages over sooner still: from the events the merge made again,
named and ordered from the merge's region alone (`region_pages`,
corpus/region_events.py), before the merge sorts and names every event.
The page rendered once the events are final is compared with it, and shown
in its place if it differs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from itertools import compress
from operator import attrgetter, not_
from pathlib import Path

from .config import SiteConfig
from .corpus.merge import mention_key
from .corpus.region_events import PublishedKeys, Region, final_events
from .model import Analysis, Event
from .render import TemplateProblem, Templates
from .site.articles import ArticleLinks, Citations, article_view
from .site.pages import article_page
from .site.urls import Urls
from .site.views import EventBrief, brief_of

_MENTIONS, _EDITED = attrgetter("mentions"), attrgetter("edited")
_PATH, _DATE = attrgetter("article.path"), attrgetter("article.date")


def article_pages(config: SiteConfig, analyses: list[Analysis], events: list[Event], files: list[Path],
                  generator: str, bytecode_dir: Path | None = None, overridden: bool = True) -> dict[str, bytes]:
    """Output path -> the page of each article file in `files` that is one
    of `analyses`, as the full plan renders it from these final `events`
    (in the site's order). An article whose page does not render is left
    to the full build, which reports it. `overridden`: did an override
    apply (else no event is edited, and none is asked)?"""
    wanted = saved_analyses(config, analyses, files)
    return pages_of(config, analyses, wanted, events, generator, bytecode_dir, overridden) if wanted else {}


def region_pages(config: SiteConfig, analyses: list[Analysis], region: Region, files: list[Path],
                 published: Mapping[str, object], keys: PublishedKeys, generator: str,
                 bytecode_dir: Path | None = None) -> dict[str, bytes]:
    """article_pages() of the saved articles whose mentions a redating
    moved, from the events the merge made again (corpus/region_events.py),
    before it sorts and names every event; {} when some saved article is
    not one of those, or the region cannot tell the events' ids. No
    override may apply (the pipeline asks only then). `published`: the
    history the build read, `keys` its index."""
    wanted = saved_analyses(config, analyses, files)
    if not wanted or not region.moved.issuperset(wanted):
        return {}
    events = final_events(region, (mention_key(m) for a in wanted.values() for m in a.mentions), published, keys)
    return pages_of(config, analyses, wanted, events, generator, bytecode_dir, overridden=False) \
        if events is not None else {}


def saved_analyses(config: SiteConfig, analyses: list[Analysis], files: list[Path]) -> dict[str, Analysis]:
    """Slug -> the analysis of each article file in `files` (by its path in the content folder)."""
    wanted_paths = set()  # as an article's path is (content.read_article): relative to the content folder
    for f in files:
        if config.content_dir in f.parents:
            wanted_paths.add(f.relative_to(config.content_dir))
    return {a.article.slug: a for a in compress(analyses, map(wanted_paths.__contains__, map(_PATH, analyses)))}


def pages_of(config: SiteConfig, analyses: list[Analysis], wanted: dict[str, Analysis], events: list[Event],
             generator: str, bytecode_dir: Path | None = None, overridden: bool = True) -> dict[str, bytes]:
    """article_pages() of the `wanted` analyses (saved_analyses). `events`:
    the final events, in the site's order: all of them, or only those
    that cite the wanted articles (corpus/region_events.py)."""
    urls = Urls(config)
    # the events citing them, in the site's order: what site.articles.article_links and Citations
    # find for these articles from every event (an event lists each source article once). An event
    # cites an article when it holds one of the article's mentions (its sources are its mentions'
    # articles; an override that merges events joins both): one set test an event, where going
    # through every event's sources took 60 ms at 10,000 articles; an edited event is asked its sources
    theirs = {mention_key(m) for a in wanted.values() for m in a.mentions}
    # (both found in C, then taken in the site's order)
    holding = compress(range(len(events)), map(not_, map(theirs.isdisjoint, map(_MENTIONS, events))))
    edited = (k for k in compress(range(len(events)), map(_EDITED, events) if overridden else ())
              if any(s.article in wanted for s in events[k].sources))
    citing = [events[k] for k in sorted({*holding, *edited})]
    citations = Citations.of(citing, urls)
    briefs: dict[str, list[EventBrief]] = {slug: [] for slug in wanted}
    for e in citing:
        brief = brief_of(e, urls)
        for s in e.sources:
            if s.article in briefs:
                briefs[s.article].append(brief)
    links = ArticleLinks({k: v for k, v in briefs.items() if v}, citations.cited, citations.timexes)
    newest = max(filter(None, map(_DATE, analyses)), default=date(1970, 1, 1))  # (in C)
    templates = Templates(config, urls, newest.isoformat() + "T00:00:00Z", generator, bytecode_dir)
    out: dict[str, bytes] = {}
    for a in wanted.values():
        page = article_page(article_view(a, links, urls), urls)
        try:
            out[page.path] = templates.render(page)
        except TemplateProblem:
            continue
    return out
