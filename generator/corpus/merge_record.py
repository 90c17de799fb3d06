"""What a merge found, kept for the next build, so that an edit which does
not change what the clustering reads re-makes only the edited articles'
events (an early cutoff, as build systems do when a step's inputs are the
same as last time).

Merging is corpus-wide: the clustering weighs words by their rarity over
every mention, folds names over every article, and scores a day's reports
against every article's dates. But all of that reads each article only
through what its mentions say, never where in the article they stand,
except relative to one another ("the next sentence", "the same sentence").
So each article has a position-free digest (`digest`) of what those
corpus-wide steps read: its date, and each mention's every field but
those that only the event's own making reads (offsets, whether it is in the
lead), with its sentence number counted from the article's first mention.
The names are folded over the whole corpus first (entities.EntityIndex, which
also reads every article's lower-case words): the record keeps a digest of
the folding (`index_digest`), which must be the same. The record keeps
each article's cache key; an article whose key changed is compared with
its earlier analysis, still in the per-article cache under the recorded
key (nothing to compute for the others, nor on a cold build). If every
article is the one recorded, in the same order, or differs only where its
digest does not look, the clustering reads exactly the same values and
finds the same groups; the corpus's topic, coverage and per-day report
counts are the same. An event then changes only if one of its mentions
comes from an article whose analysis changed (its text, title, tags...):
those events are made again, every other event's made part
(`Made`) is taken from the record. Anything else (another article, a
changed date or words, other resources, settings or code) merges everything
again. tests/test_merge_record.py checks that both ways give the same
events.

The record is JSON (never pickle: a file someone else wrote cannot run
code) in the project's cache, checked field by field when read: a missing,
foreign or garbled record is simply not used.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..model import Analysis
from .entities import EntityIndex

FORMAT = 1


class Made(NamedTuple):
    """What the per-event work finds for one cluster: places in its
    mentions and short strings (merge._made), all a merge worker sends
    back and all the record keeps of an event."""

    rep: int  # the representative mention (merge._representative)
    titled: int  # the mention whose headline names the event (merge._best_titled)
    anchor: int  # the first report (merge._anchor)
    summary: str
    salience: float
    entities: tuple[str, ...]
    named: tuple[str, ...]
    tags: tuple[str, ...]
    mentions: tuple[str, ...]
    day_closeness: float


@dataclass(frozen=True)
class MergeRecord:
    settings: str  # the resources, settings and code the merge ran with
    index: str  # index_digest() of the names' folding
    articles: tuple[tuple[str, str], ...]  # (slug, analysis key) in the analyses' order
    groups: tuple[tuple[int, ...], ...]  # each event's mentions (places in the corpus's list), in event-making order
    made: tuple[Made, ...]  # each group's made part


def digest(a: Analysis) -> str:
    """What the corpus-wide part of merging reads of one article, positions
    within the article aside (see the module's docstring)."""
    art = a.article
    first = a.mentions[0].sentence_index if a.mentions else 0
    rows: list[object] = [art.slug, art.date.isoformat() if art.date else None]
    for m in a.mentions:
        x, w = m.timex, m.when
        rows.append([m.article, m.sentence_index - first, m.sentence, x.text, x.type, x.value, x.mod, x.rule,
                     x.relative, x.tense, w.value, w.precision, w.start.toordinal(), w.end.toordinal(), m.title,
                     [[e.name, e.kind] for e in m.entities], sorted(m.keywords), m.head, sorted(m.focus),
                     list(m.quotes), m.action, m.since, [[e.name, e.kind] for e in m.named]])
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8", "surrogatepass")).hexdigest()[:32]


def index_digest(index: EntityIndex) -> str:
    """The folding of names the merge read (the gazetteer is one of the resources, in the settings)."""
    data = [sorted(index.canonical.items()), sorted(index.kinds.items())]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8", "surrogatepass")).hexdigest()[:32]


def changed_articles(record: MergeRecord | None, settings: str, index: str, analyses: Sequence[Analysis],
                     keys: Sequence[str], earlier: Callable[[str], Analysis | None]) -> set[int] | None:
    """The places of the articles whose analysis changed since `record`
    (`earlier`: an analysis by its cache key), if the record's groups hold
    for these analyses and the names' folding (`index`: its digest); None
    if everything must be merged again."""
    if record is None or record.settings != settings or record.index != index \
            or len(record.articles) != len(analyses):
        return None
    changed: set[int] = set()
    for i, (a, key, (slug, old_key)) in enumerate(zip(analyses, keys, record.articles, strict=True)):
        if a.article.slug != slug:
            return None
        if key != old_key:
            old = earlier(old_key)
            if old is None or digest(old) != digest(a):
                return None
            changed.add(i)
    return changed


# ------------------------------------------------------------------ on disk


def save(path: Path, record: MergeRecord) -> None:
    """Written atomically; a cache that cannot be written only costs speed."""
    data = {"format": FORMAT, "settings": record.settings, "index": record.index, "articles": record.articles,
            "groups": record.groups, "made": record.made}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:  # json.dumps, in C (json.dump encodes in Python)
                fh.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass"))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass


def load(path: Path, settings: str) -> MergeRecord | None:
    """The record at `path` if it is one this version wrote with these
    settings; None for anything else."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8", "surrogatepass"))
        return _checked(data, settings)
    except (OSError, ValueError, TypeError, KeyError, IndexError):
        return None


def _strings(x: object, n: int | None = None) -> tuple[str, ...]:
    if not isinstance(x, list) or (n is not None and len(x) != n) or not all(type(s) is str for s in x):
        raise ValueError("not a list of strings")
    return tuple(x)


def _pair(x: object) -> tuple[str, str]:
    a, b = _strings(x, 2)
    return a, b


def _checked(data: object, settings: str) -> MergeRecord | None:
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("settings") != settings \
            or type(data.get("index")) is not str:
        return None
    articles = tuple(_pair(row) for row in data["articles"])
    groups: list[tuple[int, ...]] = []
    made: list[Made] = []
    total = 0
    raw_groups, raw_made = data["groups"], data["made"]
    if not isinstance(raw_groups, list) or not isinstance(raw_made, list) or len(raw_groups) != len(raw_made):
        return None
    for g, m in zip(raw_groups, raw_made, strict=True):
        if not isinstance(g, list) or not g or not all(type(i) is int and i >= 0 for i in g):
            return None
        if not isinstance(m, list) or len(m) != len(Made._fields):
            return None
        rep, titled, anchor, summary, salience, entities, named, tags, mentions, day = m
        if not all(type(k) is int and 0 <= k < len(g) for k in (rep, titled, anchor)) or type(summary) is not str \
                or not all(type(v) in (int, float) for v in (salience, day)):
            return None
        groups.append(tuple(g))
        made.append(Made(rep, titled, anchor, summary, float(salience), _strings(entities), _strings(named),
                         _strings(tags), _strings(mentions), float(day)))
        total += len(g)
    places = sorted(i for g in groups for i in g)
    if places != list(range(total)):  # every mention in exactly one group
        return None
    return MergeRecord(settings, data["index"], articles, tuple(groups), tuple(made))
