"""The data that flows between the stages of a build.

Frozen dataclasses only: each stage takes these and returns new ones, so a
stage can be read, tested, cached and timed on its own. A temporal expression
is one record from the tagger to the templates (`Timex`), and its value is
parsed once into a `When` (span and precision) that every later stage uses.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .slotted import pickled_by_fields
from .temporal import Timex, When


@pickled_by_fields
@dataclass(frozen=True, slots=True)
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


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class EntityRef:
    name: str  # as written, titles stripped
    kind: str  # person | place | organisation | "" (unknown)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
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
    keywords: tuple[str, ...]  # of the whole sentence, sorted (analysis.words.keywords)
    lead: bool  # in the first paragraph/sentences of the article
    head: str = ""  # the event noun the date modifies ("last week's conference"), if any
    focus: tuple[str, ...] = ()  # keywords of the part the headline was made from, sorted
    quotes: tuple[str, ...] = ()  # what the sentence quotes, lower-cased (one quote: one statement)
    action: str = ""  # "putin|met": the headline's subject and verb, lower-cased
    since: bool = False  # the day bounds a span ("since April 20"): it recalls that day's event
    named: tuple[EntityRef, ...] = ()  # every name of the sentence (`entities`: those of the event's own clause)
    twin: int = 0  # the article's earlier dated sentences whose anchor this one's would be (mentions.SentenceAnchors)

    @property
    def anchor(self) -> str:
        """The sentence's anchor on its article's page, made from its words
        (and its twins before it): worked out when asked (once per quote,
        merge._sources), not held by every mention (some 200,000 at 10,000
        articles, 12 MB of strings read and kept through the merge)."""
        return sentence_anchor(self.sentence, self.twin)

    @property
    def every_name(self) -> tuple[EntityRef, ...]:
        """Every name of the sentence, each once, the clause's first."""
        return tuple(dict.fromkeys((*self.entities, *self.named)))

    @property
    def when(self) -> When:
        """A mention is only made for a placeable date, so this is never None."""
        assert self.timex.when is not None
        return self.timex.when


def sentence_anchor(sentence: str, twin: int = 0) -> str:
    """A dated sentence's anchor: "s-" and eight hex digits of the SHA-1 of
    its words, then "-2", "-3"... for its `twin`s (mentions.SentenceAnchors)."""
    base = "s-" + hashlib.sha1(sentence.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return base if not twin else f"{base}-{twin + 1}"


@dataclass(frozen=True, slots=True)
class Steps:
    """A long sequence of ints made of pieces, each a constant or counting up
    by one: where each plain-text character of an article sits in its HTML,
    and its text run (markup.plain_text). The text is copied from the HTML
    between tags, so an article of 5,000 characters has a few hundred
    pieces: three small arrays instead of two of 4 bytes a character, which
    a corpus kept them all in memory for (and pickled, cached and unpickled)."""

    starts: array  # index where each piece begins, ascending, the first 0
    firsts: array  # the value at that index
    slopes: array  # 1: the value grows by one with the index; 0: it stays
    length: int

    def __post_init__(self) -> None:
        starts = self.starts
        if not (len(starts) == len(self.firsts) == len(self.slopes)) or bool(starts) != (self.length > 0) \
                or (starts and (starts[0] != 0 or starts[-1] >= self.length)) \
                or any(b <= a for a, b in zip(starts, starts[1:], strict=False)) or not set(self.slopes) <= {0, 1}:
            raise ValueError("not a sequence of pieces")  # a garbled cache entry: read as a miss

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, i: int) -> int:
        if i < 0:
            i += self.length
        if not 0 <= i < self.length:
            raise IndexError("Steps index out of range")
        k = bisect_right(self.starts, i) - 1
        return self.firsts[k] + (i - self.starts[k]) * self.slopes[k]

    def __iter__(self):
        ends = [*self.starts[1:], self.length] if self.starts else []
        for start, end, first, slope in zip(self.starts, ends, self.firsts, self.slopes, strict=True):
            yield from (range(first, first + end - start) if slope else [first] * (end - start))


@dataclass(frozen=True, slots=True)
class Spans:
    """An article's sentences: (start, end) pairs of its plain text, in
    order, held as one array of ints (start, end, start, end...). An
    article has some fifty, which as tuples of two ints took 6.4 MB per
    1,000 articles against 0.4, and a list each to decode in every cache
    entry. Reads as the sequence of pairs."""

    bounds: array  # each sentence's start, then its end, ascending

    def __post_init__(self) -> None:
        b = self.bounds
        if len(b) % 2 or (b and b[0] < 0) or b.tolist() != sorted(b):  # (ascending, checked in C)
            raise ValueError("not a sequence of spans")  # a garbled cache entry: read as a miss

    @classmethod
    def of(cls, pairs: Iterable[tuple[int, int]]) -> Spans:
        return cls(array("i", [x for pair in pairs for x in pair]))

    def __len__(self) -> int:
        return len(self.bounds) // 2

    def __getitem__(self, i: int) -> tuple[int, int]:
        n = len(self.bounds) // 2
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("Spans index out of range")
        return self.bounds[2 * i], self.bounds[2 * i + 1]

    def __iter__(self):
        it = iter(self.bounds)
        return zip(it, it, strict=False)  # (pairs: the length is even)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything per-article work produces; cached by content hash."""

    article: Article
    html: str  # rendered, sanitised Markdown
    text: str  # plain text of the body (what the tagger saw)
    offsets: Steps  # plain-text index -> index into html (one more entry than the text: len(html))
    runs: Steps  # plain-text index -> text-run number (same run = no tag between; -1 between blocks)
    sentences: Spans  # the plain text's sentences, (start, end) pairs
    timexes: tuple[Timex, ...]
    mentions: tuple[Mention, ...]
    unresolved: tuple[Timex, ...] = ()
    lower_words: str = ""  # the words it writes in lower case (names are not), sorted, space-separated

    @property
    def common_words(self) -> frozenset[str]:
        """The words the article writes in lower case. Kept as one string: a
        set of a few hundred words per article was a sixth of a corpus's
        analyses in memory."""
        return frozenset(self.lower_words.split())

    @staticmethod
    def corpus_common_words(analyses: Iterable[Analysis]) -> frozenset[str]:
        """The union of the analyses' common_words: one split of all their
        words, in C, where a set made of each article's words first took
        1.1 s against 0.3 s at 10,000 articles."""
        return frozenset(" ".join([a.lower_words for a in analyses]).split())


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Quote:
    """One sentence of an article that reports an event."""

    sentence: str
    expression: str  # the temporal expression as written
    value: str  # its TIMEX3 value
    sentence_index: int
    anchor: str  # the sentence's anchor on the article page


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Source:
    """One article that reports an event, with every sentence that does:
    an event's sources are articles, never sentences."""

    article: str
    article_title: str
    quotes: tuple[Quote, ...]
    source_name: str = ""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
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
    # how close its summary comes to what the corpus says about its day (corpus/topic.py, 0 to 1;
    # 0 for an event dated coarser than a day): with `salience`, its place among the day's events
    day_closeness: float = 0.0

    @property
    def date(self) -> str:
        """The TIMEX3 value (2018-09-11, 2018-W37, 2018-06...)."""
        return self.when.value

    @property
    def precision(self) -> str:
        return self.when.precision
