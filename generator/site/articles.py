"""What the templates receive about articles: the article's HTML cut into
segments around its dated expressions and cited sentences, so the template
marks them (<time>, links to events, anchors) and the Python writes no
markup of its own."""

from __future__ import annotations

import bisect
import hashlib
from collections import defaultdict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from sys import intern
from typing import TYPE_CHECKING

from ..content import slugify
from ..digest import Keyed
from ..forked import release_free_memory
from ..model import Analysis, Event
from .dates import display_date, display_day, html_datetime
from .urls import Urls
from .views import EventBrief, EventView, TagLink

if TYPE_CHECKING:
    from ..analysis.cache import ReadBack

UNPLACED = {"DURATION": "a length of time", "SET": "a recurring time", "TIME": "a time of day"}


@dataclass(slots=True)
class TimexMark:
    """A dated expression as the article page shows it. Not frozen, as
    Segment, QuoteView and SourceView: a frozen dataclass's __init__ sets
    each field through object.__setattr__, 4.5 times as slow, and a site of
    10,000 articles makes a million of these as its article pages render."""

    value: str
    type: str
    datetime: str | None
    display: str
    event_url: str | None  # the event it dates, if it is one


@dataclass(slots=True)
class Segment:
    """A piece of the article's HTML: plain HTML, an anchor before a cited
    sentence, or a dated expression (`html` is its own HTML then)."""

    kind: str  # html | anchor | timex
    html: str = ""
    anchor: str = ""
    timex: TimexMark | None = None


@dataclass(frozen=True, slots=True)
class ArticleView:
    slug: str
    url: str
    title: str
    source: str
    author: str
    date: str
    display_date: str
    tags: list[TagLink]
    original_url: str
    segments: list[Segment] | MarkedText
    events: list[EventBrief]
    summary: str
    draft: bool
    unresolved: int


# Told, while a page renders (render.Templates sets it), when a template prints an
# article's view whole: its repr holds the summary, which the page then shows.
ARTICLE_PRINTED: ContextVar[Callable[[ArticleView], None] | None] = ContextVar("article_printed", default=None)
_dataclass_repr = ArticleView.__repr__


def _told_repr(view: ArticleView) -> str:
    told = ARTICLE_PRINTED.get()
    if told is not None:
        told(view)
    return _dataclass_repr(view)


ArticleView.__repr__ = _told_repr  # type: ignore[method-assign, assignment]


def html_end(html: str, offsets, index: int) -> int:
    """HTML index just after plain character `index` (an entity counts whole)."""
    start = offsets[index]
    if html.startswith("&", start):
        semi = html.find(";", start, start + 12)  # bounded: an "&" with no ";" after it would scan the rest
        if semi != -1:
            return semi + 1
    return start + 1


# A segment as plain values (Segment's fields, the timex as TimexMark's or
# None): what a forked worker sends back (site.plan), as tuples pickle and
# unpickle in C, and slotted dataclasses in Python.
Piece = tuple[str, str, str, tuple | None]
# A place to mark: (start, 0 for an anchor or 1 for a timex, its order
# among its kind, end, anchor, TimexMark's fields). Sorted, the marks come
# as the page shows them: by place, an anchor before a timex at the same one.
MarkAt = tuple[int, int, int, int, str, tuple | None]


def pieces(html: str, offsets, runs, marks: list[MarkAt]) -> list[Piece]:
    """Split the HTML at the marks. A timex that would cross a tag (half in
    italics, say) is left unmarked."""
    out: list[Piece] = []
    pos = 0
    for start, is_timex, _, end, anchor, timex in sorted(marks):
        if not is_timex:
            at = offsets[start]
            if at < pos:
                continue
            if before := html[pos:at]:
                out.append(("html", before, "", None))
            out.append(("anchor", "", anchor, None))
            pos = at
            continue
        if end <= start:
            continue
        run = runs[start]
        if run < 0 or run != runs[end - 1]:
            continue
        a = offsets[start]
        if a < pos:
            continue
        b = html_end(html, offsets, end - 1)
        if before := html[pos:a]:
            out.append(("html", before, "", None))
        out.append(("timex", html[a:b], "", timex))
        pos = b
    if rest := html[pos:]:
        out.append(("html", rest, "", None))
    return out


def marked_text(a: Analysis, cited: dict[int, str], timex_links: dict[tuple[int, str], str]) -> list[Piece]:
    """The article's HTML cut around its cited sentences (`cited`: their
    indexes -> their anchors, mentions.SentenceAnchors) and dated expressions (`timex_links`: (sentence index,
    expression) -> the URL of the event it dates)."""
    return pieces(a.html, a.offsets, a.runs, _marks(a, cited, timex_links))


def _marks(a: Analysis, cited: dict[int, str], timex_links: dict[tuple[int, str], str]) -> list[MarkAt]:
    sentences = a.sentences
    marks: list[MarkAt] = [(sentences[i][0], 0, i, sentences[i][0], anchor, None)
                           for i, anchor in sorted(cited.items()) if 0 <= i < len(sentences)]
    starts = [s0 for s0, _ in sentences] if timex_links else []
    for n, t in enumerate(a.timexes):
        url = timex_links.get((bisect.bisect_right(starts, t.start) - 1, t.text)) if timex_links else None
        display = display_date(t.when) if t.when else UNPLACED.get(t.type, "date not resolved")
        marks.append((t.start, 1, n, t.end, "", (t.value or "unresolved", t.type, html_datetime(t.when), display, url)))
    return marks


SHARED_HTML = 64  # a piece of HTML shorter than this is interned ("On ", "the same day", ", ")


def segments(marked: list[Piece]) -> list[Segment]:
    """The pieces as the templates read them. The pieces come pickled from a
    forked worker (site.plan), each string its own copy: the short ones
    (anchors, a timex's value, type, display and link, short runs of HTML)
    recur over the site and are interned, so one string serves them all
    (10,000 articles: about 40 MB held through rendering)."""
    out = []
    for kind, html, anchor, timex in marked:
        if len(html) < SHARED_HTML:
            html = intern(html)
        out.append(Segment(intern(kind), html, intern(anchor), _timex_mark(timex) if timex else None))
    return out


def _timex_mark(timex: tuple) -> TimexMark:
    value, kind, datetime, display, event_url = timex
    return TimexMark(intern(value), intern(kind), datetime if datetime is None else intern(datetime),
                     intern(display), event_url if event_url is None else intern(event_url))


class MarkedText(Keyed):
    """An article's marked text (its segments), made when the article's page
    renders, named by what it is made from: the analysis's cache key (an
    analysis is a pure function of its key), the cited sentences and each
    dated expression's event URL. A rebuild fingerprints the page by that
    name (digest.Keyed) and makes the text only for a page it renders (one
    edit at 10,000 articles: one article's, not 10,000), and the plan holds
    the analyses' HTML and offsets, not the site's marked text. Not kept
    once made: the bundled article page reads it once (a template that reads
    it item by item makes it again each time). A command-line build of many
    articles lets the analysis go once the site is planned (let_go,
    let_go_analyses); its page, and any later reading, decodes it again
    from the cache."""

    __slots__ = ("_analysis", "_cited", "_links", "_key", "_back")

    def __init__(self, analysis: Analysis, cited: dict[int, str], links: dict[tuple[int, str], str], key: str):
        named = f"{key}|{sorted(cited.items())!r}|{sorted(links.items())!r}"
        super().__init__(hashlib.sha1(named.encode("utf-8", "surrogatepass")).hexdigest())
        # (copies: what the token names is what the text is made from, whatever changes the plan's sets after)
        self._analysis: Analysis | None = analysis
        self._cited, self._links = dict(cited), dict(links)
        self._key = key
        self._back: ReadBack | None = None

    def let_go(self, back: ReadBack) -> None:
        """Hold the analysis no longer if the per-article cache holds its
        entry whole (`back`) to read it back from: after the planning, a
        command-line build holds the analyses' sentences, expressions and
        names for the article pages alone (its merge never had their HTML:
        site.merged_from), and lets them go before the exports, the pages'
        fingerprints and the rendering. The page, and a template that reads
        an article's text on another page, reads it decoded again (0.3 ms an
        article, each time)."""
        if self._analysis is not None and back.holds(self._key):
            self._analysis, self._back = None, back

    def made(self) -> list[Segment]:
        """The segments. A failure is a RuntimeError, not a LookupError, which
        a template's item lookup would take for a missing item and hide."""
        a = self._analysis
        if a is None:
            assert self._back is not None
            a = self._back.get(self._key)
            if a is None:
                raise RuntimeError(f"the analysis {self._key} could not be read back from the cache "
                                   f"({self._back.cache.folder}): its entry changed during the build")
        elif not len(a.offsets):  # (a real analysis maps every character and the end: one entry at least)
            raise RuntimeError(f"the analysis {self._key} lost its markup (site.merged_from, read_slim) "
                               "but was not let go to be read back from the cache")
        return segments(marked_text(a, self._cited, self._links))

    @classmethod
    def of(cls, a: Analysis, links: ArticleLinks | Citations, key: str) -> MarkedText:
        """The article's text as `links` (the site's, each article's by its slug) mark it."""
        slug = a.article.slug
        return cls(a, links.cited.get(slug, {}), links.timexes.get(slug, {}), key)


def let_go_analyses(views: list[ArticleView], back: ReadBack) -> None:
    """A command-line build's planning is done: the article views' texts
    hold their analyses no longer where the cache holds the entry to read
    them back from when the page renders (MarkedText.let_go), and the free
    pages go back to the system (forked.release_free_memory). Nothing else
    holds the analyses then: 10,000 articles, their dated expressions,
    sentences and names (some 100 MB) go before the exports, the pages'
    fingerprints and the rendering, each of which a forked worker runs
    beside, or the search indexer (0.3 ms to read an article back, as its
    page renders)."""
    for view in views:
        if isinstance(view.segments, MarkedText):
            view.segments.let_go(back)
    release_free_memory()


@dataclass
class ArticleLinks:
    """What each article page links to: the events that cite it, its cited
    sentences (anchors) and, for each dated expression of a cited sentence,
    the event it dates. Kept by the preview after a build, so the page of an
    article just saved can be drafted without planning the site again
    (generator.draft)."""

    events: dict[str, list[EventBrief]]  # article slug -> the events that cite it
    cited: dict[str, dict[int, str]]  # article slug -> its cited sentences' indexes -> their anchors
    timexes: dict[str, dict[tuple[int, str], str]]  # slug -> (sentence index, expression) -> event URL

    def moved_to(self, new: Analysis) -> ArticleLinks:
        """This article's links on its sentences where `new` has them: each
        cited sentence found by its anchor, which its words make
        (mentions.SentenceAnchors), so a sentence added above it moves it
        down; a cited sentence that changed, or is dated no more, loses its
        links. The links may be older than the article's last analysis (an
        own-pages rebuild keeps the last full build's: own_pages.py), so the
        anchors place them, never the sentence numbers."""
        slug = new.article.slug
        at = {m.anchor: m.sentence_index for m in new.mentions}
        cited = self.cited.get(slug, {})
        moved = {i: at[anchor] for i, anchor in cited.items() if anchor in at}
        return ArticleLinks({slug: self.events.get(slug, [])}, {slug: {moved[i]: cited[i] for i in moved}},
                            {slug: {(moved[i], e): url for (i, e), url in self.timexes.get(slug, {}).items()
                                    if i in moved}})


@dataclass
class Citations:
    """The article side of the links, found from the events themselves
    (their sources' quotes and ids), so the site's plan can mark the
    articles' text in a forked worker before any event view is made."""

    cited: dict[str, dict[int, str]]  # article slug -> its cited sentences' indexes -> their anchors
    timexes: dict[str, dict[tuple[int, str], str]]  # slug -> (sentence index, expression) -> event URL

    @classmethod
    def of(cls, events: list[Event], urls: Urls) -> Citations:
        cited: dict[str, dict[int, str]] = defaultdict(dict)
        timex_links: dict[str, dict[tuple[int, str], str]] = defaultdict(dict)
        for e in events:
            url = urls.event(e.id)  # the event's view's URL
            for s in e.sources:
                for q in s.quotes:
                    cited[s.article][q.sentence_index] = q.anchor
                    timex_links[s.article][(q.sentence_index, q.expression)] = url
        return cls(dict(cited), dict(timex_links))

    def marked_text(self, a: Analysis) -> list[Piece]:
        slug = a.article.slug
        return marked_text(a, self.cited.get(slug, {}), self.timexes.get(slug, {}))


def article_links(views: list[EventView], citations: Citations,
                  briefs: list[EventBrief] | None = None) -> ArticleLinks:
    """`views`: the views of the events `citations` were found from, in the
    same order; `briefs`: theirs (views.briefs_of), else made here."""
    events_of_article: dict[str, list[EventBrief]] = defaultdict(list)
    for v, brief in zip(views, briefs if briefs is not None else (v.brief() for v in views), strict=True):
        for s in v.sources:
            events_of_article[s.article].append(brief)
    return ArticleLinks(dict(events_of_article), citations.cited, citations.timexes)


def newest_first(analyses: list[Analysis]) -> list[Analysis]:
    """The order of the list of articles."""
    return sorted(analyses, key=lambda a: (a.article.date or date.min, a.article.slug), reverse=True)


def lead_text(text: str) -> str:
    """What an article without a summary of its own is summed up by: the
    start of its first paragraph (the same again when given that)."""
    return text.split("\n\n", 1)[0][:300]


def article_view(a: Analysis, links: ArticleLinks, urls: Urls, text: list[Segment] | MarkedText | None = None,
                 key: str | None = None) -> ArticleView:
    """An article's view; `text`: its marked text's segments, if made already
    (by a forked worker, or by the last plan: site.memo); else, with `key`
    (the analysis's cache key), the text made when the page renders
    (MarkedText), or made now."""
    art = a.article
    if text is None and key is not None:
        text = MarkedText.of(a, links, key)
    return ArticleView(
        slug=art.slug, url=urls.article(art.slug), title=art.title, source=art.source, author=art.author,
        date=art.date.isoformat() if art.date else "",
        display_date=display_day(art.date) if art.date else "undated",
        tags=[TagLink(t, urls.tag(slugify(t))) for t in art.tags], original_url=art.url,
        segments=text if text is not None else
        segments(marked_text(a, links.cited.get(art.slug, {}), links.timexes.get(art.slug, {}))),
        events=list(links.events.get(art.slug, [])),
        summary=art.summary or lead_text(a.text), draft=art.draft,
        unresolved=len(a.unresolved),
    )
