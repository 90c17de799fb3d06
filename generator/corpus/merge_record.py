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
The names are folded over the whole corpus first (entities.EntityIndex):
it reads the mentions' names and every article's lower-case words, so with
the same digests and the same words (`words_digest`) the recorded folding
serves too; with other words, the folding is made again and must be the
recorded one (`folds`). The record keeps
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
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple

from ..analysis.names import Gazetteer
from ..cache_file import json_bytes, parse_json, save_bytes
from ..model import Analysis, Event, Mention
from ..temporal import When
from .clustering import Scored, scored_from
from .entities import EntityIndex
from .region_events import Naming
from .salience import listing_order
from .topic import Topic, TopicWords

FORMAT = 4  # 2: each event's id base (Made.slug); 3: the clustering's scored pairs; 4: the corpus's
# lower-case words the names were folded with (`common`: folds_as_recorded serves the command line too)


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
    slug: str  # the event's id before assign_ids (merge.slug_base of its first report)


@dataclass(frozen=True)
class MergeRecord:
    settings: str  # the resources, settings and code the merge ran with
    words: str  # words_digest() of the corpus's lower-case words (the names' folding reads them)
    canonical: tuple[tuple[str, str], ...]  # the names' folding (entities.EntityIndex), in its order
    kinds: tuple[tuple[str, str], ...]
    articles: tuple[tuple[str, str], ...]  # (slug, analysis key) in the analyses' order
    groups: tuple[tuple[int, ...], ...]  # each event's mentions (places in the corpus's list), in event-making order
    made: tuple[Made, ...]  # each group's made part
    # the pairs of mentions (places) whose score reached the clustering's threshold, with it, by place;
    # a record that keeps `scored` (the preview's) holds none: pairs() makes them from it when asked
    edges: tuple[tuple[int, int, float], ...] = ()
    # all that the clustering scored (clustering.Scored: the pairs, and the features, rarity and weights
    # they were scored with): kept in memory by the preview, never on disk (a million features at
    # 10,000 articles; a record read from disk makes them again from the mentions when it needs them)
    scored: Scored | None = field(default=None, compare=False)
    # the events made of the groups, in their order, before their ids (merge.assign_ids): in memory only
    events: tuple[Event, ...] | None = field(default=None, compare=False)
    # what the corpus's topic made of the mentions' words (topic.TopicWords; in memory only, and only
    # once a merge made the topic): a record that serves the next merge was made of the same words
    topic: TopicWords | None = field(default=None, compare=False)
    # each of `events`' place in the site's lists (salience.listing_order), by the event's identity (the
    # record keeps the events alive): the next merge and the overrides sort the events they take
    # back without working their keys out again (in memory only, with `events`)
    order: dict[int, tuple] | None = field(default=None, compare=False)
    analyses: tuple[Analysis, ...] | None = field(default=None, compare=False)  # whose mentions `clusters` holds
    # the corpus's topic as the merge made it (in memory only, when it made one): a redating's merge
    # moves the dirty mentions' days in it (Topic.moved) instead of making it anew
    made_topic: Topic | None = field(default=None, compare=False)
    # `events` in the site's order (their keys: `order`; in memory only): the next merge sorts only the
    # events it makes again into them (merge._sorted_again)
    ranked: tuple[Event, ...] | None = field(default=None, compare=False)
    ranked_keys: tuple[tuple, ...] | None = field(default=None, compare=False)  # each one's key (`order`'s)
    ids: tuple[str, ...] | None = field(default=None, compare=False)  # each one's id (merge.ids_assigned)
    # the keys more than one of `ranked` has, or a few more (in memory only): the overrides sort those
    # runs by id (salience.order_runs), and the next merge finds its ties from them (merge._sorted_again)
    ties: tuple[tuple, ...] | None = field(default=None, compare=False)
    # each group's cluster as the merge made it (its mentions, its date, their places) and its date's span
    # (first and last day), in the groups' order (in memory only, with `events`): a redating's merge takes
    # the recorded groups' whole, in C (merge._Spans)
    clusters: tuple[tuple[list[Mention], When, tuple[int, ...] | list[int]], ...] | None = field(
        default=None, compare=False)
    spans: tuple[tuple[date, date], ...] | None = field(default=None, compare=False)
    # each id base's events and each event's place by its id (in memory only, with `events`): the next
    # redating names the events it makes again from them (region_events.py)
    naming: Naming | None = field(default=None, compare=False)
    # the corpus's lower-case words the names were folded with (on disk too since FORMAT 4), and the
    # lower-case words of the names folded, once asked for (folds_as_recorded)
    common: frozenset[str] | None = field(default=None, compare=False)
    memo: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def members(self) -> tuple[list[Mention], ...] | None:
        """Each group's mentions (its cluster's), when the record keeps the clusters."""
        return tuple(c[0] for c in self.clusters) if self.clusters is not None else None

    @property
    def ascending(self) -> tuple[tuple[int, ...], ...] | None:
        """Each group's places in ascending order, when the record keeps
        what the clustering scored (in memory only): its groups, which the
        record's follow one for one."""
        if self.scored is None or self.scored.groups is None:
            return None
        self.scored.settle()  # (read through a shift's move until its merge's early page is out: settled then)
        return tuple(self.scored.groups)  # type: ignore[arg-type]

    def order_of(self, e: Event) -> tuple:
        """salience.listing_order(e), from `order` when `e` is one of `events`."""
        got = self.order.get(id(e)) if self.order is not None else None
        return got if got is not None else listing_order(e)

    def pairs(self) -> tuple[tuple[int, int, float], ...]:
        """The scored pairs (`edges`), from `scored` when the record keeps it
        instead: sorting 100,000 pairs into a tuple held up the preview's
        merge (10,000 articles: 0.15 s), and only writing the record to disk
        (in a forked child) reads them."""
        if self.edges or self.scored is None:
            return self.edges
        return tuple((a, b, sim) for (a, b), sim in sorted(self.scored.edges.items()))


def completed(record: MergeRecord, analyses: Sequence[Analysis], index: EntityIndex) -> MergeRecord:
    """The preview's record (`events` kept) with what its next redating's
    merge would make first, made now from the record and the analyses it
    was made of (the same values): what the clustering scored, with its
    groups in place order (a record that served a merge which clustered
    nothing keeps only the pairs, as read from disk), its indexes
    (clustering.Scored.complete), and the corpus's topic. The preview asks
    once the site is live: at 10,000 articles a first save after the
    server's start made them before its early page, about 0.5 s."""
    if record.events is None:
        if record.scored is not None:
            record.scored.complete()
        return record

    @cache
    def mentions() -> list[Mention]:  # a pass over every mention, only when something is made of them
        return list(chain.from_iterable(a.mentions for a in analyses))

    scored = record.scored
    changes: dict[str, Any] = {}
    if scored is None and record.edges and len(mentions()) == sum(map(len, record.groups)):
        scored = rescored(record, mentions(), index)
        changes.update(scored=scored, edges=())
    if scored is not None:
        scored.complete()  # (after a redating: its indexes are made already)
    if record.made_topic is None:
        topic = Topic(mentions(), record.topic)
        changes.update(made_topic=topic, topic=topic.words)
    return replace(record, **changes) if changes else record


def rescored(record: MergeRecord, mentions: list[Mention], index: EntityIndex) -> Scored:
    """What the clustering scored, made again from the record's pairs and
    the mentions it was made of (`index`: the folding their features were
    made with): the features, rarity and weights, the groups in place order
    (the record's follow them one for one) and the indexes a recluster
    reads (clustering.Scored.complete). For completed, and for a record
    from disk made whole (disk_record.py)."""
    scored = scored_from(mentions, index, record.edges, [m.when for m in mentions])
    scored.groups = [tuple(sorted(g)) for g in record.groups]
    scored.complete()
    return scored


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


def words_digest(common: frozenset[str]) -> str:
    """The corpus's lower-case words, which the names' folding reads besides the mentions' names."""
    return _sorted_digest(sorted(common))


def _sorted_digest(words: list[str]) -> str:
    """words_digest of the words `words` lists in order (a record on disk keeps them so)."""
    return hashlib.sha256("\n".join(words).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def changed_articles(record: MergeRecord | None, settings: str, analyses: Sequence[Analysis],
                     keys: Sequence[str], earlier: Callable[[str], Analysis | None]) -> set[int] | None:
    """The places of the articles whose analysis changed since `record`
    (`earlier`: an analysis by its cache key), if the record's groups hold
    for these analyses, given the same folding of names (`folds`); None if
    everything must be merged again."""
    edited = _edited(record, settings, analyses, keys, earlier, lambda old, a: digest(old) == digest(a))
    return None if edited is None else set(edited)


def redated_articles(record: MergeRecord | None, settings: str, analyses: Sequence[Analysis],
                     keys: Sequence[str], earlier: Callable[[str], Analysis | None]) -> dict[int, Analysis] | None:
    """The places of the articles whose analysis changed since `record`,
    with their earlier analyses, when each kept its date and its number of
    mentions, however its mentions' dates, words and names changed: a date
    corrected, a sentence's time redated, a dated sentence reworded. The
    mentions keep their places, and the coverage (the articles' dates) is
    the same: clustering.recluster then scores again only the pairs the
    changed mentions, and those whose weight moved with them, touch (the
    rarity is read on a grid: rarity.py), and merge.merge_recorded makes
    again only the events whose mentions, span, day or closeness to the
    topic changed; None if that cannot serve. (The names must still fold
    as before: pipeline.merge_corpus checks it.) The preview's record, which
    keeps what the clustering scored, serves an article with more or fewer
    mentions too, and articles added or removed: merge.merge_recorded moves
    it to the places now first (record_shift.py)."""
    shifts = record is not None and record.scored is not None and record.clusters is not None
    return _edited(record, settings, analyses, keys, earlier, lambda old, a: (
        old.article.date == a.article.date and (shifts or len(old.mentions) == len(a.mentions))), added=shifts)


def shift_serves(record: MergeRecord | None, settings: str, analyses: Sequence[Analysis], keys: Sequence[str],
                 earlier: Callable[[str], Analysis | None]) -> dict[int, Analysis] | None:
    """What redated_articles would give if `record` kept what the
    preview's keeps in memory: articles added or removed let in, and
    articles of the same date with other numbers of mentions (a record
    from disk is made so only then: disk_record.py)."""
    return _edited(record, settings, analyses, keys, earlier,
                   lambda old, a: old.article.date == a.article.date, added=True)


def _edited(record: MergeRecord | None, settings: str, analyses: Sequence[Analysis], keys: Sequence[str],
            earlier: Callable[[str], Analysis | None],
            serves: Callable[[Analysis, Analysis], bool], added: bool = False) -> dict[int, Analysis] | None:
    """The articles whose cache key changed since `record`, by place, with
    their earlier analyses, if the record was made with these settings and
    articles and `serves` (earlier, now) holds for each; else None.
    `added`: articles added or removed since count too (the record's
    articles and these in the same order): an added one with an earlier
    analysis of no mentions (`unwritten`), and the mentions of a removed
    one, or of one left with none, taken as its neighbour's then
    (`_folded`)."""
    if record is None or record.settings != settings:
        return None
    then = record.articles
    if len(then) != len(analyses) and not added:
        return None
    edited: dict[int, Analysis] = {}
    removed: list[tuple[int, Analysis]] = []  # (the place now of the article after it, its analysis then)
    now_slugs: set[str] | None = None  # (made at the first article added or removed: most edits have none)
    then_slugs: set[str] = set()
    i = j = 0
    while i < len(analyses) or j < len(then):
        slug = analyses[i].article.slug if i < len(analyses) else None
        if j < len(then) and slug == then[j][0]:
            if keys[i] != then[j][1]:
                old = earlier(then[j][1])
                if old is None or not serves(old, analyses[i]):
                    return None
                edited[i] = old
            i, j = i + 1, j + 1
            continue
        if not added:
            return None
        if now_slugs is None:
            now_slugs, then_slugs = {a.article.slug for a in analyses}, {s for s, _ in then}
        if j < len(then) and then[j][0] not in now_slugs:  # an article removed here (the preview's record
            # holds its analysis)
            old = record.analyses[j] if record.analyses is not None else earlier(then[j][1])
            if old is None:
                return None
            removed.append((i, old))
            j += 1
        elif slug is not None and slug not in then_slugs:  # an article added here
            edited[i] = unwritten(analyses[i])
            i += 1
        else:
            return None  # (the articles in another order)
    return _folded(analyses, edited, removed) if added else edited


def _folded(analyses: Sequence[Analysis], edited: dict[int, Analysis],
            removed: list[tuple[int, Analysis]]) -> dict[int, Analysis] | None:
    """`edited`, with the mentions then of each article removed (at the
    place now of the article after it) or left with none taken as the
    nearest article's then that has mentions now: the next one's first
    (or, for the last, the one before's last), every article between
    having none then or now, so that those places follow on as they did.
    Its article is then edited (its earlier analysis that one, with them),
    and record_shift.py moves the removed mentions' pairs and group onto
    its first mention now, which is dirty: it needs a mention of an edited
    article to carry them. None if no article has a mention now."""
    # (the place now of the article after them, which of two at one place came first then, their article
    # then): an article left with none came before an article removed after it
    orphans = [(at, 1, n, old) for n, (at, old) in enumerate(removed)]
    for o in sorted(edited):
        if edited[o].mentions and not analyses[o].mentions:
            orphans.append((o + 1, 0, o, edited[o]))
            edited[o] = replace(edited[o], mentions=())
    if not orphans:
        return edited

    def then(o: int) -> int:
        return len(edited[o].mentions) if o in edited else len(analyses[o].mentions)

    before: dict[int, list[Mention]] = defaultdict(list)  # an article now -> mentions then before its own
    after: dict[int, list[Mention]] = defaultdict(list)  # ... and after them
    for at, _, _, old in sorted(orphans, key=lambda orphan: orphan[:3]):  # (in the order they were then)
        k = at
        while k < len(analyses) and not analyses[k].mentions and not then(k):
            k += 1
        if k < len(analyses) and analyses[k].mentions:
            before[k].extend(old.mentions)
            continue
        k = at - 1
        while k >= 0 and not analyses[k].mentions and not then(k):
            k -= 1
        if k < 0 or not analyses[k].mentions:
            return None
        after[k].extend(old.mentions)
    for k in sorted(before.keys() | after.keys()):
        own = edited.get(k, analyses[k])
        edited[k] = replace(own, mentions=(*before.get(k, ()), *own.mentions, *after.get(k, ())))
    return edited


def unwritten(a: Analysis) -> Analysis:
    """An added article as it was before it was written: no mentions (what
    the merge record knew of it: nothing)."""
    return replace(a, timexes=(), mentions=(), unresolved=())


def recorded_index(record: MergeRecord, gaz: Gazetteer) -> EntityIndex:
    """The folding of names the record was made with (for the same names and words, the same)."""
    return EntityIndex(gaz, dict(record.canonical), dict(record.kinds))


def same_names(analyses: Sequence[Analysis], redated: dict[int, Analysis]) -> bool:
    """Do the redated articles' mentions name what they named, in the same
    order (every name of each sentence, with the kind it was written with)?
    The folding of names reads the names of every mention in the corpus's
    order (entities.EntityIndex.build: their counts, the kinds they were
    written with, the order they first come in), so with the same names in
    every article it reads the same names."""
    return all(tuple(chain.from_iterable(m.every_name for m in old.mentions)) == tuple(
        chain.from_iterable(m.every_name for m in analyses[o].mentions)) for o, old in redated.items())


def folds_as_recorded(record: MergeRecord, common: frozenset[str]) -> bool:
    """Would the names (the same as the record's: an edited article's
    digest holds its mentions' names, and same_names checks a redated
    one's) fold as the record's did, without folding them again
    (entities.EntityIndex.build: 1.2 s at 10,000 articles, every time an
    edit brings a word the corpus did not write in lower case or takes its
    last one away, in any sentence)? Of the corpus's lower-case words
    (`common`) the folding reads only whether each word of a name is one.
    So it is the record's when no word that came into or left `common`
    since the record's (kept with it, in memory and, since FORMAT 4, on
    disk) is a word of a name it folded."""
    if record.common is None:
        return False
    moved = record.common.symmetric_difference(common)
    if not moved:
        return True
    words = record.memo.get("name_words")
    if words is None:
        # every name folded, by the spelling the folding read
        words = record.memo["name_words"] = frozenset(w.lower() for name, _ in record.canonical for w in name.split())
    return moved.isdisjoint(words)


def folds(record: MergeRecord, index: EntityIndex) -> bool:
    """Does `index` fold names as the record's merge did? (New lower-case
    words seldom change the folding; if they do not, the record serves.)"""
    return index.canonical == dict(record.canonical) and index.kinds == dict(record.kinds)


def refolded_alone(record: MergeRecord, index: EntityIndex) -> bool:
    """Does every name that `index` resolves otherwise than the record's
    folding (EntityIndex.resolve: its entity or kind) lie outside one of
    the two foldings, so that no mention then or now held it but those of
    the edited articles (every name of every mention is in the folding of
    its corpus; the other articles are the same)? A name that a dated
    sentence added brings, or one whose last sentence an edit took away:
    the merge makes every mention of the edited articles again with the
    new folding, and every other mention resolves its names as it did. A
    name both foldings hold but fold otherwise (a surname that a full name
    added now completes) is held by other mentions too: False."""
    old_canonical, old_kinds = dict(record.canonical), dict(record.kinds)
    new_canonical, new_kinds = index.canonical, index.kinds
    for name in old_canonical.keys() & new_canonical.keys():
        old, new = old_canonical[name], new_canonical[name]
        if old != new or old_kinds.get(old) != new_kinds.get(new):
            return False
    return True


REFOLD_SHARE = 4  # with_refolded serves while the articles made again are at most 1 in this many


def with_refolded(record: MergeRecord, index: EntityIndex, analyses: Sequence[Analysis],
                  redated: dict[int, Analysis]) -> dict[int, Analysis] | None:
    """`redated`, and every other article with a mention of a name that
    `index` resolves otherwise than the record's folding did (its entity or
    kind: EntityIndex.resolve), as edited with its own analysis: a full
    name added completes a surname other articles write ("Robinson" ->
    "Carol Robinson"), or a removed article took the last full name away.
    The merge then makes those mentions' features again (the record's
    preview keeps the features it clustered with, so their old names leave
    the counts and buckets: clustering.recluster) and their events; every
    other mention resolves its names as it did. For the preview's record
    (one read from disk makes its features again with the folding now).
    None when more than one article in REFOLD_SHARE would be made again (a
    common surname folded otherwise): scoring nearly every pair again from
    the record is no cheaper than clustering anew, which forks."""
    old_canonical, old_kinds = dict(record.canonical), dict(record.kinds)
    aliases = index.gaz.aliases
    memo: dict[str, bool] = {}

    def refolded(name: str) -> bool:
        got = memo.get(name)
        if got is None:
            written = aliases.get(name, name)
            then, now = old_canonical.get(written, written), index.canonical.get(written, written)
            got = memo[name] = then != now or old_kinds.get(then) != index.kinds.get(now)
        return got

    out = dict(redated)
    for o, a in enumerate(analyses):
        if o not in out and any(refolded(ref.name) for m in a.mentions for ref in m.every_name):
            out[o] = a
    return out if len(out) * REFOLD_SHARE <= len(analyses) else None


# ------------------------------------------------------------------ on disk


def save(path: Path, record: MergeRecord) -> None:
    """Written atomically, in columns (read back with checks in C); a cache
    that cannot be written only costs speed."""
    made = {name: [m[i] for m in record.made] for i, name in enumerate(Made._fields)}
    pairs = record.pairs()
    data = {"format": FORMAT, "settings": record.settings, "words": record.words, "canonical": record.canonical,
            "kinds": record.kinds, "articles": record.articles, "groups": record.groups, "made": made,
            "edges": {"a": [e[0] for e in pairs], "b": [e[1] for e in pairs], "score": [e[2] for e in pairs]},
            "common": sorted(record.common) if record.common is not None else None}
    save_bytes(path, json_bytes(data))


def covers(record: MergeRecord | None, mentions: int) -> bool:
    """Do the record's groups hold as many mentions as the build has (the
    same places: the record can serve, as it is or with its changed
    articles made again)?"""
    return record is not None and sum(map(len, record.groups)) == mentions


def load(path: Path, settings: str) -> MergeRecord | None:
    """The record at `path` if it is one this version wrote with these
    settings; None for anything else."""
    try:
        raw = path.read_bytes()
        if not raw.startswith(_head(settings)):
            # another version's or other settings' (an upgrade of the generator, a resource changed):
            # not parsed, since it cannot serve (10,000 articles: 29 MB of JSON, 104 MB parsed, whose
            # freed space the merge's forked workers then allocate into, copying each page it lies on)
            return None
        data = parse_json(raw)
        return _checked(data, settings)
    except (OSError, ValueError, TypeError, KeyError, IndexError):
        return None


def _head(settings: str) -> bytes:
    """How `save` begins a record of this format with these settings (its
    first two keys, as cache_file.json_bytes writes them)."""
    return json_bytes({"format": FORMAT, "settings": settings})[:-1] + b","


def _kinds(column: Any) -> set[type]:
    """The types of a list's items (checked in C, not one call each)."""
    if type(column) is not list:
        raise ValueError("not a list")
    return set(map(type, column))


def _ints(column: Any) -> list[int]:
    if not _kinds(column) <= {int} or (column and min(column) < 0):
        raise ValueError("not a list of places")
    return column


def _rows(column: Any, of: type, n: int | None = None) -> list[tuple]:
    """A list of lists of `of` (each of `n` items) as tuples."""
    if not _kinds(column) <= {list} or not set(map(type, chain.from_iterable(column))) <= {of} \
            or (n is not None and column and set(map(len, column)) != {n}):
        raise ValueError("not a list of rows")
    return list(map(tuple, column))


def _checked(data: object, settings: str) -> MergeRecord | None:
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("settings") != settings \
            or type(data.get("words")) is not str or type(data.get("made")) is not dict:
        return None
    groups = _rows(data["groups"], int)
    places = sorted(chain.from_iterable(groups))
    if places != list(range(len(places))) or not all(groups):  # every mention in exactly one group
        return None
    columns = data["made"]
    if set(columns) != set(Made._fields) or set(map(len, columns.values())) != {len(groups)}:
        return None
    sizes = list(map(len, groups))
    for name in ("rep", "titled", "anchor"):  # a place in the group
        if not all(map(int.__lt__, _ints(columns[name]), sizes)):
            return None
    if not _kinds(columns["summary"]) | _kinds(columns["slug"]) <= {str} \
            or not _kinds(columns["salience"]) | _kinds(columns["day_closeness"]) <= {float}:
        return None
    made = list(map(Made, columns["rep"], columns["titled"], columns["anchor"], columns["summary"],
                    columns["salience"], _rows(columns["entities"], str), _rows(columns["named"], str),
                    _rows(columns["tags"], str), _rows(columns["mentions"], str), columns["day_closeness"],
                    columns["slug"]))
    edges = data["edges"]
    if type(edges) is not dict or set(edges) != {"a", "b", "score"}:
        return None
    a, b, score = _ints(edges["a"]), _ints(edges["b"]), edges["score"]
    if not _kinds(score) <= {float} or not len(a) == len(b) == len(score):
        return None
    pairs = list(zip(a, b, strict=True))
    if not all(map(int.__lt__, a, b)) or (b and max(b) >= len(places)) or not all(map(math.isfinite, score)) \
            or pairs != sorted(set(pairs)):
        return None  # distinct pairs of two mentions of the corpus, in order, each with a finite score
    common = data.get("common")
    if common is not None and (not _kinds(common) <= {str} or not all(map(str.__lt__, common, common[1:]))
                               or _sorted_digest(common) != data["words"]):
        return None  # (the words the record's `words` digests, in order, each once; or none kept)
    return MergeRecord(settings, data["words"], tuple(_rows(data["canonical"], str, 2)),
                       tuple(_rows(data["kinds"], str, 2)), tuple(_rows(data["articles"], str, 2)), tuple(groups),
                       tuple(made), tuple(zip(a, b, score, strict=True)),
                       common=frozenset(common) if common is not None else None)
