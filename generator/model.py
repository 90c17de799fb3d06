"""The data that flows between the stages of a build.

Frozen dataclasses only: each stage takes these and returns new ones, so a
stage can be read, tested, cached and timed on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


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
class TimexRef:
    """A temporal expression found in an article's plain text."""

    start: int
    end: int
    text: str
    type: str
    value: str
    mod: str
    relative: bool


@dataclass(frozen=True)
class EntityRef:
    name: str  # as written, titles stripped
    kind: str  # person | place | organisation | "" (unknown)


@dataclass(frozen=True)
class Mention:
    """A dated sentence that reports an event (events stage, per article)."""

    article: str  # slug
    sentence_index: int
    sentence: str  # plain text, as in the article
    start: int  # sentence offsets in the article's plain text
    end: int
    timex: TimexRef
    title: str
    entities: tuple[EntityRef, ...]
    keywords: frozenset[str]
    lead: bool  # in the first paragraph/sentences of the article
    head: str = ""  # the event noun the date modifies ("last week's conference"), if any


@dataclass(frozen=True)
class Analysis:
    """Everything per-article work produces; cached by content hash."""

    article: Article
    html: str  # rendered, sanitised Markdown
    text: str  # plain text of the body (what the tagger saw)
    offsets: object  # array('i'): plain-text index -> index into html
    runs: object  # array('i'): plain-text index -> text-run number (same run = no tag between)
    sentences: tuple[tuple[int, int], ...]
    timexes: tuple[TimexRef, ...]
    mentions: tuple[Mention, ...]
    unresolved: tuple[TimexRef, ...] = ()


@dataclass(frozen=True)
class Source:
    """One article's report of an event, as events.json lists it."""

    article: str
    article_title: str
    sentence: str
    expression: str
    value: str
    sentence_index: int
    anchor: str
    source_name: str = ""


@dataclass
class Event:
    """A merged event (mutable while overrides are applied, then frozen in use)."""

    id: str
    date: str
    precision: str
    title: str
    summary: str
    salience: float
    entities: list[str]
    sources: list[Source]
    mod: str = ""
    hidden: bool = False
    edited: list[str] = field(default_factory=list)  # fields an editor overrode
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Entity:
    name: str
    kind: str  # person | place | organisation
    slug: str
    aliases: tuple[str, ...] = ()
