"""What the templates receive about articles: the article's HTML cut into
segments around its dated expressions and cited sentences, so the template
marks them (<time>, links to events, anchors) and the Python writes no
markup of its own."""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ..content import slugify
from ..model import Analysis
from .dates import display_date, display_day, html_datetime
from .urls import Urls
from .views import EventBrief, EventView, TagLink

UNPLACED = {"DURATION": "a length of time", "SET": "a recurring time", "TIME": "a time of day"}


@dataclass(frozen=True, slots=True)
class TimexMark:
    """A dated expression as the article page shows it."""

    value: str
    type: str
    datetime: str | None
    display: str
    event_url: str | None  # the event it dates, if it is one


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of the article's HTML: plain HTML, an anchor before a cited
    sentence, or a dated expression (`html` is its own HTML then)."""

    kind: str  # html | anchor | timex
    html: str = ""
    anchor: str = ""
    timex: TimexMark | None = None


@dataclass(frozen=True, slots=True)
class Mark:
    """Something to place in the page at plain-text positions [start, end)."""

    start: int
    end: int
    anchor: str = ""  # an anchor (end == start)
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
    segments: list[Segment]
    events: list[EventBrief]
    summary: str
    draft: bool
    unresolved: int


def html_end(html: str, offsets, index: int) -> int:
    """HTML index just after plain character `index` (an entity counts whole)."""
    start = offsets[index]
    if html.startswith("&", start):
        semi = html.find(";", start, start + 12)  # bounded: an "&" with no ";" after it would scan the rest
        if semi != -1:
            return semi + 1
    return start + 1


def segments(html: str, offsets, runs, marks: list[Mark]) -> list[Segment]:
    """Split the HTML at the marks. A timex that would cross a tag (half in
    italics, say) is left unmarked."""
    out: list[Segment] = []
    pos = 0
    for mark in sorted(marks, key=lambda m: (m.start, not m.anchor)):
        if mark.anchor:
            at = offsets[mark.start]
            if at < pos:
                continue
            out.append(Segment("html", html[pos:at]))
            out.append(Segment("anchor", anchor=mark.anchor))
            pos = at
            continue
        if mark.end <= mark.start or runs[mark.start] != runs[mark.end - 1] or runs[mark.start] < 0:
            continue
        a = offsets[mark.start]
        b = html_end(html, offsets, mark.end - 1)
        if a < pos:
            continue
        out.append(Segment("html", html[pos:a]))
        out.append(Segment("timex", html[a:b], timex=mark.timex))
        pos = b
    out.append(Segment("html", html[pos:]))
    return [s for s in out if not (s.kind == "html" and s.html == "")]


def _marks(a: Analysis, cited: set[int], timex_links: dict[tuple[int, str], str]) -> list[Mark]:
    marks: list[Mark] = []
    starts = [s0 for s0, _ in a.sentences]
    for i, s0 in enumerate(starts):
        if i in cited:
            marks.append(Mark(s0, s0, anchor=f"s{i}"))
    for t in a.timexes:
        idx = bisect.bisect_right(starts, t.start) - 1
        marks.append(Mark(t.start, t.end, timex=TimexMark(
            value=t.value or "unresolved", type=t.type, datetime=html_datetime(t.when),
            display=display_date(t.when) if t.when else UNPLACED.get(t.type, "date not resolved"),
            event_url=timex_links.get((idx, t.text)))))
    return marks


@dataclass
class ArticleLinks:
    """What each article page links to: the events that cite it, its cited
    sentences (anchors) and, for each dated expression of a cited sentence,
    the event it dates. Kept by the preview after a build, so the page of an
    article just saved can be drafted without planning the site again
    (generator.draft)."""

    events: dict[str, list[EventBrief]]  # article slug -> the events that cite it
    cited: dict[str, set[int]]  # article slug -> its cited sentence indexes
    timexes: dict[str, dict[tuple[int, str], str]]  # slug -> (sentence index, expression) -> event URL


def article_links(views: list[EventView]) -> ArticleLinks:
    events_of_article: dict[str, list[EventBrief]] = defaultdict(list)
    cited_sentences: dict[str, set[int]] = defaultdict(set)
    timex_links: dict[str, dict[tuple[int, str], str]] = defaultdict(dict)
    for v in views:
        brief = v.brief()
        for s in v.sources:
            events_of_article[s.article].append(brief)
            for q in s.quotes:
                cited_sentences[s.article].add(q.sentence_index)
                timex_links[s.article][(q.sentence_index, q.expression)] = v.url
    return ArticleLinks(dict(events_of_article), dict(cited_sentences), dict(timex_links))


def lead_text(text: str) -> str:
    """What an article without a summary of its own is summed up by: the
    start of its first paragraph (the same again when given that)."""
    return text.split("\n\n", 1)[0][:300]


def article_views(analyses: list[Analysis], links: ArticleLinks, urls: Urls) -> list[ArticleView]:
    """Every article, newest first, with its marked text and the events it reports."""
    ordered = sorted(analyses, key=lambda a: (a.article.date or date.min, a.article.slug), reverse=True)
    return [article_view(a, links, urls) for a in ordered]


def article_view(a: Analysis, links: ArticleLinks, urls: Urls) -> ArticleView:
    art = a.article
    return ArticleView(
        slug=art.slug, url=urls.article(art.slug), title=art.title, source=art.source, author=art.author,
        date=art.date.isoformat() if art.date else "",
        display_date=display_day(art.date) if art.date else "undated",
        tags=[TagLink(t, urls.tag(slugify(t))) for t in art.tags], original_url=art.url,
        segments=segments(a.html, a.offsets, a.runs, _marks(a, links.cited.get(art.slug, set()),
                                                                links.timexes.get(art.slug, {}))),
        events=list(links.events.get(art.slug, [])),
        summary=art.summary or lead_text(a.text), draft=art.draft,
        unresolved=len(a.unresolved),
    )
