"""Events and articles -> the pages of the site, with their URLs and links.

`plan()` builds the typed views the templates receive (views, articles,
indexes), with every URL made by `urls.Urls`, then the list of pages
(pages). No markup is written here; the templates hold the presentation.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from ..config import SiteConfig
from ..corpus.entities import EntityIndex
from ..corpus.history import Moved
from ..errors import Problem
from ..forked import Parts
from ..model import Analysis, Event, Steps
from ..search import bundle_count
from ..temporal import calendar
from .articles import (
    ArticleLinks,
    ArticleView,
    Citations,
    MarkedText,
    Segment,
    article_links,
    article_view,
    lead_text,
    let_go_analyses,
    newest_first,
    segments,
)
from .indexes import EntityView, TagView, entity_views, tag_views
from .memo import PlanMemo
from .notices import PLACEHOLDER, site_warnings
from .overview import Overview, overview
from .pages import Page, pages
from .periods import Periods, plan_periods
from .ranking import Ranking, mark_key_and_background
from .urls import Urls
from .views import (
    EventBrief,
    EventView,
    Names,
    Related,
    SourceArticles,
    briefs_of,
    coverage_start,
    event_view,
    link_neighbours,
)


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
    ranking: Ranking  # the events by salience (the lists' highlights)
    search_available: bool = False
    search_bundles: int = 1  # how many bundles the search index has (search.bundle_count)
    redirects: dict[str, str] = field(default_factory=dict)  # old URL path -> new URL path (both with base)
    warnings: list[Problem] = field(default_factory=list)  # what the site would show wrongly
    pages: list[Page] = field(default_factory=list)
    links: ArticleLinks | None = None  # what each article page links to (kept by the preview: generator.draft)


# Below this, a worker does not pay: at 1,000 articles (6,700 events) the plan took 1.0 s
# with one and without (medians of 5, three times each, 2 shared cores).
FORK_MIN_EVENTS = 10_000
RELATED_PART = 500  # events per part of that work
ARTICLE_PART = 100  # articles per part of the marking of their text


NO_STEPS = Steps(array("i"), array("i"), array("i"), 0)  # the maps of an analysis whose markup went


def merged_from(a: Analysis, markup: bool = True) -> Analysis:
    """An analysis with only what the merge and plan() read of it, for a
    build that keeps nothing else: of the plain text only the start an
    article's summary may take (articles.lead_text; the mentions hold their
    sentences), of the Markdown source only one that still holds the
    placeholder text (notices.site_warnings). At 10,000 articles the source
    and the text are about 210 MB of the 700 MB the analyses hold, which
    the merge's forked parts then run beside. Without `markup`, nor the
    HTML and its maps from the plain text (offsets, runs), which only the
    article's page reads (articles.marked_text), read back from the cache
    then (the caller's ReadBack holds the entry): 10,000 articles, another
    127 MB. An analysis that holds no more than that already is given back
    as it is (10,000 articles: 0.2 s of copies again in `planned`)."""
    if not markup and a.html:
        a = read_slim(a)
    body = a.article.body if PLACEHOLDER in a.article.body else ""
    text = lead_text(a.text)
    if text == a.text and body == a.article.body:
        return a
    return replace(a, article=replace(a.article, body=body), text=text)


def read_slim(a: Analysis) -> Analysis:
    """An analysis as a command-line build that reads each article page's
    analysis back from the cache keeps it from the moment it is read:
    without its HTML, its maps and its text past the lead, but with the
    article whole (its cache key is made from the article, and the reader
    hands it on); merged_from(markup=False) then drops the source too."""
    return replace(a, text=lead_text(a.text), html="", offsets=NO_STEPS, runs=NO_STEPS)


def planned(a: Analysis) -> Analysis:
    """An analysis with only what plan() reads of it (merged_from), and no
    mentions: the events hold what the pages show of them, and the views and
    pages the planning makes then fill the space the mentions leave."""
    return replace(merged_from(a), mentions=(), lower_words="")


def plan(config: SiteConfig, analyses: list[Analysis], events: list[Event], index: EntityIndex,
         search_available: bool = False, redirects: dict[str, str] | None = None,
         moved: list[Moved] | None = None, jobs: int | None = 1, memo: PlanMemo | None = None,
         go_on: Callable[[], None] | None = None, keys: list[str] | None = None) -> Site:
    """The site's views and pages. `redirects` (old URL -> new URL) and
    `moved` (ids no longer published, corpus.history) become redirect pages.
    Two pieces of the work need only the events and the analyses: the
    articles' text cut around their dated expressions and cited sentences
    (a quarter of the work), and each event's related events (a sixth; only
    places go back). With `jobs` > 1 and many events, a forked worker does
    them (the articles first) while this process makes the event views,
    periods and the overview, then both do what is left. With a `memo` (the
    preview's), the views and texts made from what the last plan made them
    from are taken over (memo.py), and the memo then holds this plan's.
    `go_on` (the preview's BuildState.go_on) is called between the plan's
    steps and may raise to stop it: every object a step changes is one
    this plan made (a view taken over from the memo is a copy), and the
    memo is replaced only at the end, so a plan stopped halfway leaves it
    as the last whole plan left it. With `keys` (each analysis's cache key,
    as `analyses`), an article's marked text is made only when its page
    renders (articles.MarkedText), not here: a rebuild renders few article
    pages, and the plan then holds none of the site's marked text."""
    urls = Urls(config)
    memo = memo.serving(urls) if memo is not None else None
    ordered = newest_first(analyses)
    citations = Citations.of(events, urls)
    related = Related(events)
    known = memo.related.known(related) if memo is not None else [None] * len(events)
    to_relate = [i for i, places in enumerate(known) if places is None]
    kept: list[list[Segment] | MarkedText | None] = \
        [memo.text(a, citations) for a in ordered] if memo is not None else [None] * len(ordered)
    if keys is not None:  # the texts not taken over, made when their pages render
        key_of = {a.article.slug: k for a, k in zip(analyses, keys, strict=True)}
        kept = [text if text is not None else MarkedText.of(a, citations, key_of[a.article.slug])
                for a, text in zip(ordered, kept, strict=True)]
    to_mark = [a for a, text in zip(ordered, kept, strict=True) if text is None]
    article_parts = -(-len(to_mark) // ARTICLE_PART)

    def part(n: int) -> list:
        if n < article_parts:
            return [citations.marked_text(a) for a in to_mark[n * ARTICLE_PART:(n + 1) * ARTICLE_PART]]
        n -= article_parts
        return [related.places(i) for i in to_relate[n * RELATED_PART:(n + 1) * RELATED_PART]]

    count = article_parts + -(-len(to_relate) // RELATED_PART)
    with Parts(part, count, jobs if len(events) >= FORK_MIN_EVENTS else 1) as parts:
        done: list[list] = []

        def texts() -> list[list[Segment] | MarkedText]:
            """Each article's marked text (`ordered`): the memo's, else made when its page renders
            (with `keys`), else marked now."""
            done[:] = parts.results()
            new = iter([segments(m) for p in done[:article_parts] for m in p])
            return [text if text is not None else next(new) for text in kept]

        site, briefs = _plan(config, urls, analyses, ordered, citations, texts, events, index, search_available,
                             redirects, moved, memo, go_on or _go_on)
        # nothing in the plan reads the links to related events: the templates do
        new = iter([places for p in done[article_parts:] for places in p])
        found = [places if places is not None else next(new) for places in known]
        link_neighbours(site.events, found, briefs)
    if memo is not None:
        memo.related.remember(related, found)
    return site


def _plan(config: SiteConfig, urls: Urls, analyses: list[Analysis], ordered: list[Analysis], citations: Citations,
          texts: Callable[[], list[list[Segment] | MarkedText]], events: list[Event], index: EntityIndex,
          search_available: bool,
          redirects: dict[str, str] | None, moved: list[Moved] | None, memo: PlanMemo | None,
          go_on: Callable[[], None]) -> tuple[Site, list[EventBrief]]:
    """The site and its event views' briefs, `texts()` (the articles' marked
    text, `ordered`) asked for once the views that do not need it are made."""
    by_slug = {a.article.slug: a for a in analyses}
    names = Names(events, index, urls)
    sources = SourceArticles(by_slug, urls)
    taken = memo.event_views(events, names, sources) if memo is not None else [None] * len(events)
    views = [v if v is not None else event_view(e, sources, names, urls) for e, v in zip(events, taken, strict=True)]
    start = coverage_start(analyses)
    go_on()
    ranking = mark_key_and_background(views, events, config.key_events)
    periods = plan_periods(views, urls, start, ranking)
    go_on()
    dates = [a.article.date for a in analyses if a.article.date]
    newest = max(dates, default=date(1970, 1, 1))
    coverage = (start, newest) if start else None
    entities = entity_views(views, names)
    front = overview(views, periods, urls, coverage, config.order == "newest", ranking)
    briefs = briefs_of(views, memo.briefs if memo is not None else None)
    links = article_links(views, citations, briefs)
    marked = texts()
    old_views = [memo.article_view(a, links, t) for a, t in zip(ordered, marked, strict=True)] if memo is not None \
        else [None] * len(ordered)
    articles = [v if v is not None else article_view(a, links, urls, text=t)
                for a, t, v in zip(ordered, marked, old_views, strict=True)]
    site = Site(config, urls, views, articles, entities, tag_views(analyses, views, articles, urls),
                periods, front, built=newest.isoformat() + "T00:00:00Z", ranking=ranking,
                search_available=search_available,
                redirects={**moved_urls(moved or [], urls, periods), **(redirects or {})},
                warnings=site_warnings(config, analyses), links=links)
    site.search_bundles = bundle_count(len(analyses), config.site.search_bundle)
    go_on()
    site.pages = pages(site)
    if memo is not None:
        memo.remember(urls, events, views, names, sources, ordered, citations, marked, articles, briefs)
    return site, briefs


def _go_on() -> None:
    """No stop: a plan that nothing supersedes (the command line's)."""


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


__all__ = ["Page", "Site", "Urls", "let_go_analyses", "merged_from", "plan", "planned", "read_slim"]
