"""What the preview's next plan takes from its last one (site.plan): each
event's view, and each article's marked text and view, where everything
they are made from is the same as then.

An edit changes a few events and articles; the plan made all 65,000 event
views and 10,000 articles' marked text again (10,000 articles: most of the
planning's work). Only the preview keeps a memo (state.BuildState): the
command line plans once per process.

What a view is made from, and how sameness is told:
- an event's view (views.event_view): the event itself, the very object
  (the preview's merge keeps the events it need not make again) or one
  equal to it but for its floats (made again; the view takes the new
  salience), its source articles' facts (SourceArticles.facts: URL, author,
  publication date, draft), its names' links (Names: kind and slug), and
  the URLs' base;
- an article's marked text: the very analysis (the preview keeps unchanged
  ones in memory: no other object can take their ids), its cited sentences
  and its expressions' event URLs (Citations);
- an article's view: its marked text's inputs, the events that cite it
  (their briefs, equal field for field) and the URLs' base.
Anything else, and the view is made afresh. Every value compared is a
string, an int, None, a set or dict of them, or a frozen view of strings:
equal exactly when it prints the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter

from ..model import Analysis, Event
from .articles import ArticleLinks, ArticleView, Citations, MarkedText, Segment
from .related_memo import RelatedMemo
from .urls import Urls
from .views import EventBrief, EventView, Names, SourceArticles, every_name

# EventView's fields the planning sets after making the view (ranking, periods,
# link_neighbours): a view taken over starts without them, as a new one does.
SET_LATER = frozenset({"background", "key", "listing_url", "listing_label", "previous", "next", "related"})
_NAMES = tuple(f.name for f in fields(EventView))
_FIRST_LATER = min(_NAMES.index(n) for n in SET_LATER)
# the made fields before the first set later are given by place (2.3 us a view, against 5.8 by name)
_leading = attrgetter(*_NAMES[:_FIRST_LATER])
_TRAILING = tuple(n for n in _NAMES[_FIRST_LATER:] if n not in SET_LATER)
# Event's fields of floats (the others are strings, ints, dates and tuples of frozen views of them)
_FLOAT_FIELDS = tuple(f.name for f in fields(Event) if f.type in ("float", float))
_compared = attrgetter(*(f.name for f in fields(Event) if f.name not in _FLOAT_FIELDS))


def _same_event(old: Event, new: Event) -> bool:
    """The very event, or one equal to it but for its floats (a merge that
    made it again: a changed article elsewhere moves the saliences). The
    view shows no float of the event but its salience, which it takes
    (_taken_over): floats are never compared, as 0.0 == -0.0 and they
    print differently."""
    return old is new or _compared(old) == _compared(new)


def _taken_over(old: EventView, e: Event) -> EventView:
    """A new view with the old one's made fields (shared: no view's lists are
    changed once made) and the event's salience."""
    view = EventView(*_leading(old), **{f: getattr(old, f) for f in _TRAILING})
    view.salience = e.salience
    return view


@dataclass
class _Article:
    analysis: Analysis
    cited: dict[int, str]
    timexes: dict[tuple[int, str], str]
    text: list[Segment] | MarkedText
    view: ArticleView


@dataclass
class PlanMemo:
    """The last plan's views and what they were made from; `taken` counts
    what the last plan took over (events, articles' texts, articles' views)."""

    base: tuple[str, str] | None = None  # the URLs' (Urls.base, Urls.site_url)
    events: dict[str, tuple[Event, EventView]] = field(default_factory=dict)  # by id
    kinds: dict[str, str] = field(default_factory=dict)  # Names.kind
    slugs: dict[str, str] = field(default_factory=dict)  # Names.slug
    facts: dict[str, tuple] = field(default_factory=dict)  # article slug -> SourceArticles.facts
    articles: dict[str, _Article] = field(default_factory=dict)  # by slug
    related: RelatedMemo = field(default_factory=RelatedMemo)  # each event's related events (related_memo.py)
    briefs: dict[str, EventBrief] = field(default_factory=dict)  # each event view's brief, by id (views.briefs_of)
    taken: tuple[int, int, int] = (0, 0, 0)
    _taking: list[int] = field(default_factory=lambda: [0, 0, 0])  # the plan's under way (taken once remembered)

    def serving(self, urls: Urls) -> PlanMemo:
        """This memo for a new plan, emptied first if its views were made with other URLs."""
        if self.base != (urls.base, urls.site_url):
            self.events, self.articles, self.facts, self.kinds, self.slugs = {}, {}, {}, {}, {}
            self.related, self.briefs = RelatedMemo(), {}
        self._taking = [0, 0, 0]
        return self

    def text(self, a: Analysis, citations: Citations) -> list[Segment] | MarkedText | None:
        """The article's marked text as the last plan made it, if made from the same."""
        got = self.articles.get(a.article.slug)
        if got is None or got.analysis is not a:
            return None
        slug = a.article.slug
        if got.cited != citations.cited.get(slug, {}) or got.timexes != citations.timexes.get(slug, {}):
            return None
        self._taking[1] += 1
        return got.text

    def event_views(self, events: list[Event], names: Names, sources: SourceArticles) -> list[EventView | None]:
        """Each event's view taken over, or None where it must be made."""
        changed_names = self._changed_names(names)
        same_facts: dict[str, bool] = {}

        def facts_same(slug: str) -> bool:
            got = same_facts.get(slug)
            if got is None:
                got = same_facts[slug] = self.facts.get(slug) == sources.facts(slug)
            return got

        out: list[EventView | None] = []
        for e in events:
            old = self.events.get(e.id)
            if (old is None or not _same_event(old[0], e)
                    or (changed_names and not changed_names.isdisjoint(every_name(e)))
                    or not all(facts_same(s.article) for s in e.sources)):
                out.append(None)
            else:
                out.append(_taken_over(old[1], e))
                self._taking[0] += 1
        return out

    def _changed_names(self, names: Names) -> set[str]:
        if names.kind == self.kinds and names.slug == self.slugs:
            return set()
        return {n for n in names.kind.keys() | self.kinds.keys()
                if names.kind.get(n) != self.kinds.get(n) or names.slug.get(n) != self.slugs.get(n)}

    def article_view(self, a: Analysis, links: ArticleLinks, text: list[Segment] | MarkedText) -> ArticleView | None:
        """The last plan's view of the article, if made from the same (`text`: this plan's, the memo's if taken)."""
        got = self.articles.get(a.article.slug)
        if got is None or got.text is not text or got.view.events != links.events.get(a.article.slug, []):
            return None
        self._taking[2] += 1
        return got.view

    def remember(self, urls: Urls, events: list[Event], views: list[EventView], names: Names,
                 sources: SourceArticles, ordered: list[Analysis], citations: Citations,
                 texts: list[list[Segment] | MarkedText], articles: list[ArticleView],
                 briefs: list[EventBrief]) -> None:
        """This plan's views and what they were made from, for the next."""
        self.base = (urls.base, urls.site_url)
        self.events = {e.id: (e, v) for e, v in zip(events, views, strict=True)}
        self.kinds, self.slugs = dict(names.kind), dict(names.slug)
        self.facts = {slug: sources.facts(slug) for slug in {s.article for e in events for s in e.sources}}
        self.articles = {
            a.article.slug: _Article(a, citations.cited.get(a.article.slug, {}),
                                     citations.timexes.get(a.article.slug, {}), t, v)
            for a, t, v in zip(ordered, texts, articles, strict=True)}
        self.briefs = {v.id: b for v, b in zip(views, briefs, strict=True)}
        self.taken = (self._taking[0], self._taking[1], self._taking[2])
