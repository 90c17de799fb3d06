"""The per-article stage: Markdown, plain text, sentences, temporal
expressions and event mentions for one article.

Nothing here looks at another article, so the result depends only on the
file's content, its publication date and the generator's version: it is
cached by that key (cache.py) and can run in a worker process.
"""

from __future__ import annotations

from . import sentences as sentence_splitter
from . import temporal
from .events import find_mentions
from .entities import Gazetteer
from .markup import plain_text, render_markdown
from .model import Analysis, Article, TimexRef


def analyse(article: Article, gaz: Gazetteer, language: str = "en", min_precision: str = "decade",
            max_title: int = 100, include_future: bool = True) -> Analysis:
    html = render_markdown(article.body)
    plain = plain_text(html)
    spans = sentence_splitter.split(plain.text)
    timexes = tuple(
        TimexRef(t.start, t.end, t.text, t.type, t.value, t.mod, t.relative)
        for t in temporal.tag(plain.text, article.date, language, spans)
    )
    mentions = find_mentions(article.slug, plain.text, spans, timexes, gaz, min_precision, max_title,
                             article.date, include_future)
    unresolved = tuple(t for t in timexes if not t.value)
    return Analysis(
        article=article,
        html=html,
        text=plain.text,
        offsets=plain.offsets,
        runs=plain.runs,
        sentences=tuple(spans),
        timexes=timexes,
        mentions=tuple(mentions),
        unresolved=unresolved,
    )
