"""The data that flows between the stages of a build.

Frozen dataclasses only: each stage takes these and returns new ones, so a
stage can be read, tested, cached and timed on its own. A temporal expression
is one record from the tagger to the templates (`Timex`), and its value is
parsed once into a `When` (span and precision) that every later stage uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .temporal import Timex, When


@dataclass(frozen=True)
class Article:
    """One content file, parsed (content stage)."""

    slug: str
    path: Path  # relative to the content folder
    title: str
    date: date | None
    source: str
    author: str
    tags: tuple[str, ...]
    draft: bool
    body: str  # Markdown source
    summary: str = ""
    body_line: int = 1  # line of the file where the body starts
    url: str = ""  # canonical link to the original, if given


@dataclass(frozen=True)
class EntityRef:
    name: str  # as written, titles stripped
    kind: str  # person | place | organisation | "" (unknown)


@dataclass(frozen=True)
class Mention:
    """A dated sentence that reports an event (per article)."""

    article: str  # slug
    sentence_index: int
    sentence: str  # plain text, as in the article
    start: int  # sentence offsets in the article's plain text
    end: int
    timex: Timex
    title: str
    entities: tuple[EntityRef, ...]
    keywords: frozenset[str]  # of the whole sentence
    lead: bool  # in the first paragraph/sentences of the article
    head: str = ""  # the event noun the date modifies ("last week's conference"), if any
    focus: frozenset[str] = frozenset()  # keywords of the part the headline was made from
    quotes: tuple[str, ...] = ()  # what the sentence quotes, lower-cased (one quote: one statement)
    action: str = ""  # "putin|met": the headline's subject and verb, lower-cased
    since: bool = False  # the day bounds a span ("since April 20"): it recalls that day's event
    named: tuple[EntityRef, ...] = ()  # every name of the sentence (`entities`: those of the event's own clause)

    @property
    def every_name(self) -> tuple[EntityRef, ...]:
        """Every name of the sentence, each once, the clause's first."""
        return tuple(dict.fromkeys((*self.entities, *self.named)))

    @property
    def when(self) -> When:
        """A mention is only made for a placeable date, so this is never None."""
        assert self.timex.when is not None
        return self.timex.when


@dataclass(frozen=True)
class Analysis:
    """Everything per-article work produces; cached by content hash."""

    article: Article
    html: str  # rendered, sanitised Markdown
    text: str  # plain text of the body (what the tagger saw)
    offsets: object  # array('i'): plain-text index -> index into html
    runs: object  # array('i'): plain-text index -> text-run number (same run = no tag between)
    sentences: tuple[tuple[int, int], ...]
    timexes: tuple[Timex, ...]
    mentions: tuple[Mention, ...]
    unresolved: tuple[Timex, ...] = ()
    common_words: frozenset[str] = frozenset()  # words the article writes in lower case (names are not)


@dataclass(frozen=True)
class Quote:
    """One sentence of an article that reports an event."""

    sentence: str
    expression: str  # the temporal expression as written
    value: str  # its TIMEX3 value
    sentence_index: int
    anchor: str  # the sentence's anchor on the article page


@dataclass(frozen=True)
class Source:
    """One article that reports an event, with every sentence that does:
    an event's sources are articles, never sentences."""

    article: str
    article_title: str
    quotes: tuple[Quote, ...]
    source_name: str = ""


@dataclass(frozen=True)
class Event:
    """A merged event. Editor overrides return changed copies (dataclasses.replace)."""

    id: str
    when: When
    title: str
    summary: str
    salience: float
    entities: tuple[str, ...]
    sources: tuple[Source, ...]
    mod: str = ""
    hidden: bool = False
    edited: tuple[str, ...] = ()  # fields an editor overrode
    tags: tuple[str, ...] = ()
    background: bool = False  # before the corpus's own coverage: recalled, not reported
    mentions: tuple[str, ...] = ()  # keys of the sentences it was made from (merge.mention_key)
    named: tuple[str, ...] = ()  # every name its sources' sentences give, `entities` first (entity pages)

    @property
    def date(self) -> str:
        """The TIMEX3 value (2018-09-11, 2018-W37, 2018-06...)."""
        return self.when.value

    @property
    def precision(self) -> str:
        return self.when.precision
