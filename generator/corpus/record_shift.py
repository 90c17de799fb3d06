"""The preview's merge record moved to the places of an edit that adds or
removes dated sentences (mentions) in an article, keeping its date.

Every structure of the record is indexed by a mention's place in the
corpus's list (clustering.Scored, the groups, the clusters, the topic's
days), so one mention added shifts every place after it. Rather than merge
everything again (13.97 s at 10,000 articles, stop 50), the record is
moved to the new places (its (word, year) buckets read through the move,
corpus/buckets.py, and its pairs, partners and groups too until the
merge's early page is out, corpus/moved.py; the rest moved here), and the
edit is then served as a rewording
(clustering.recluster, merge.merge_recorded): the article's first and last
mentions that the edit left as they were keep what the record knew of
them, those between take what it knew of the earlier ones by rank, as many
as there are (`_same_ends`), a mention added comes in
with no words and no pairs (a blank, whose words then "change"), and a
mention removed (`Shift.gone`) leaves the counts of its words, its (word,
year) buckets and its day, its pairs and its group going with the first
mention its article still has, which is dirty, so everything it touched
is scored and made again.

An article removed, or left with no dated sentence, comes here with its
mentions then taken as a neighbour's, which carries them away
(merge_record._folded). What cannot be served this way merges everything
again: a mention count that crosses a step of the rarity's grid (every
word's rarity moves: rarity.py), or a record without what the clustering
scored (one read from disk).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import accumulate, chain
from operator import attrgetter

from ..model import Analysis, Mention
from ..temporal import When
from .buckets import Buckets
from .clustering import Features, Scored, _years
from .merge_record import MergeRecord
from .moved import MovedGroups, MovedNear, MovedPairs
from .rarity import on_grid


@dataclass(frozen=True)
class Shift:
    """A record moved to the places now, and what the edit took away."""

    record: MergeRecord
    # each mention of the edited articles now (its place) -> its earlier self, the mention of the
    # same rank in the earlier analysis, or None for one added (a blank in the record)
    earlier: dict[int, Mention | None]
    gone: list[tuple[Features, When]]  # the removed mentions' features and dates (then)
    old_keywords: list[tuple[str, ...]]  # every earlier mention's of the edited articles (the topic's statements)
    # each earlier place -> its place now (a removed mention's: its article's first mention's), which the
    # record's groups and clusters' places are still at (moved once the early page is out), and each place
    # now -> its earlier place (None: a mention added)
    move: list[int]
    to_old: list[int | None]


_WHEN = attrgetter("when")


def _article_at(starts: list[int], place: int) -> int:
    """The article (its index) whose mentions' places, from `starts`, hold `place`."""
    return bisect_right(starts, place) - 1


def _same_ends(old: Sequence[Mention], new: Sequence[Mention]) -> tuple[int, int]:
    """How many of an article's first and last mentions an edit left as
    they were (the same sentence, date expression and date; their offsets
    may have moved), the two ends not overlapping: a sentence added or
    removed then adds or removes just its own mentions."""
    def same(a: Mention, b: Mention) -> bool:
        return (a.sentence, a.timex.text, a.timex.value) == (b.sentence, b.timex.text, b.timex.value)

    most = min(len(old), len(new))
    head = 0
    while head < most and same(old[head], new[head]):
        head += 1
    tail = 0
    while tail < most - head and same(old[-1 - tail], new[-1 - tail]):
        tail += 1
    return head, tail


def _gone_pairs(then: dict[tuple[int, int], float], near_then: dict[int, list[int]], onto: dict[int, list[int]],
                move: Callable[[int], int]
                ) -> tuple[dict[tuple[int, int], float], dict[int, list[int]], list[tuple[int, int]], list[int]]:
    """The pairs and partners of each article's first mention now that
    removed mentions went onto (`onto`: its place now -> the earlier places
    moved onto it: the removed mentions, and the mention it was if it was
    one): every pair of those earlier places, moved, in place order, less a
    pair of that mention with itself; its partners are then theirs. Also the
    keys the base's pairs and partners of those earlier places take when
    moved, which those replace (corpus/moved.py: made whole). The recluster
    drops every pair of that dirty mention and finds its partners and
    theirs again."""
    edges: dict[tuple[int, int], float] = {}
    near: dict[int, list[int]] = {}
    cleared_pairs: list[tuple[int, int]] = []
    for f, olds in onto.items():
        own: set[int] = set()
        for g in olds:
            for j in near_then.get(g, ()):
                pair = (g, j) if g < j else (j, g)
                cleared_pairs.append((move(pair[0]), move(pair[1])))
                other = move(j)
                if other != f:
                    edges[(f, other) if f < other else (other, f)] = then[pair]
                    own.add(other)
        if own:
            near[f] = sorted(own)
    return edges, near, cleared_pairs, list(onto)


def resized(analyses: Sequence[Analysis], redated: dict[int, Analysis]) -> bool:
    """Has an edited article another number of mentions than it had?"""
    return any(len(old.mentions) != len(analyses[o].mentions) for o, old in redated.items())


def shifted(known: MergeRecord, analyses: Sequence[Analysis], redated: dict[int, Analysis],
            mentions: Sequence[Mention] | None = None) -> Shift | None:
    """`known` (the preview's record, its scored pairs complete) moved to
    the places of `analyses`, where the articles at the places of
    `redated` (their earlier analyses, of the same date) may have other
    numbers of mentions; None if that cannot serve (the module's
    docstring). `mentions`: every mention of `analyses` in order, if the
    caller made the list already (merge_recorded has)."""
    scored, clusters, topic = known.scored, known.clusters, known.made_topic
    if scored is None or scored.groups is None or clusters is None or topic is None or known.spans is None \
            or scored.df is None:
        return None  # (the counts must be the record's: made again from the moved features, they would lack
        # the removed mentions, which the recluster takes away again)
    scored.complete()  # (and settled: a plain record)
    assert scored.buckets is not None and scored.days is not None and scored.near is not None
    assert isinstance(scored.edges, dict) and isinstance(scored.near, dict) and isinstance(scored.groups, list)
    counts_now = [len(a.mentions) for a in analyses]
    counts_then = [len(redated[o].mentions) if o in redated else n for o, n in enumerate(counts_now)]
    old_n, new_n = sum(counts_then), sum(counts_now)
    if len(scored.feats) != old_n or sum(map(len, known.groups)) != old_n:
        return None  # the record does not hold these mentions
    if on_grid(max(old_n, 1)) != on_grid(max(new_n, 1)):
        return None  # every word's rarity moves
    if any(counts_now[o] == 0 and counts_then[o] > 0 for o in redated):
        return None  # (its removed mentions' pairs have no mention of theirs to go with)
    starts_then = list(accumulate(counts_then, initial=0))
    starts_now = list(accumulate(counts_now, initial=0))
    # the places now as pieces, in order: (earlier start, count) copied, or (None, count) blanks (added)
    pieces: list[tuple[int | None, int]] = []
    gone_places: list[int] = []  # the removed mentions' earlier places
    earlier: dict[int, Mention | None] = {}
    old_keywords: list[tuple[str, ...]] = []
    copied = 0  # the earlier places before this are in the pieces
    for o in sorted(redated):
        then, now, s_then, s_now = counts_then[o], counts_now[o], starts_then[o], starts_now[o]
        old, new = redated[o].mentions, analyses[o].mentions
        head, tail = _same_ends(old, new)
        # the article's mentions now: the same first `head` and last `tail` as then, and between them as
        # many of the earlier ones as there are (by rank), then blanks (added); the rest of them removed
        middle = min(then, now) - head - tail
        pieces += [(copied, s_then - copied), (s_then, head + middle), (None, now - head - middle - tail),
                   (s_then + then - tail, tail)]
        gone_places.extend(range(s_then + head + middle, s_then + then - tail))
        copied = s_then + then
        earlier.update((s_now + j, old[j] if j < head + middle else None) for j in range(now - tail))
        earlier.update((s_now + now - tail + j, old[then - tail + j]) for j in range(tail))
        old_keywords.extend(m.keywords for m in old)
    pieces.append((copied, old_n - copied))
    to_new = list(range(old_n))  # each earlier place -> its place now
    at = 0
    for start, count in pieces:
        if start is not None:
            to_new[start:start + count] = range(at, at + count)
        at += count
    for p in gone_places:  # a removed mention's pairs and group go with its article's first mention now
        to_new[p] = starts_now[_article_at(starts_then, p)]
    gone_set = set(gone_places)
    move = to_new.__getitem__  # an earlier place -> its place now

    def spliced(seq: list, blank) -> list:
        """`seq` (by earlier place) at the places now, `blank(mention)` for each mention added."""
        out: list = []
        for start, count in pieces:
            out.extend(seq[start:start + count] if start is not None else map(blank, added[len(out):len(out) + count]))
        return out

    # every mention now (the merge's list, when it gives it), read for the blanks alone
    added = mentions if mentions is not None else list(chain.from_iterable(a.mentions for a in analyses))
    feats = spliced(scored.feats, lambda m: {})
    whens = spliced(scored.whens, _WHEN)
    weight = spliced(scored.weight, lambda m: 0.0)
    first = spliced(scored.days[0], lambda m: m.when.start.toordinal())
    last = spliced(scored.days[1], lambda m: m.when.end.toordinal())
    # the pairs and each mention's partners (making them anew from the pairs took 0.13 s at 10,000),
    # read through the move until the early page is out (corpus/moved.py); a removed mention's pairs are
    # its article's first mention's now (`_gone_pairs`), which the recluster drops with every pair of
    # that dirty mention before anything reads them
    to_old: list[int | None] = [None] * new_n  # each place now -> its earlier place (None: a mention added)
    at = 0
    for start, count in pieces:
        if start is not None:
            to_old[at:at + count] = range(start, start + count)
        at += count
    onto: dict[int, list[int]] = {}  # a first mention now -> the earlier places moved onto it
    for p in gone_places:
        onto.setdefault(to_new[p], [])
    for o in sorted(redated):  # (an article with no mentions now starts where the next one does: not it)
        if counts_now[o] and starts_now[o] in onto:
            onto[starts_now[o]] = [p for p in range(starts_then[o], starts_then[o] + counts_then[o])
                                   if to_new[p] == starts_now[o]]
    own_edges, own_near, cleared_pairs, cleared_near = _gone_pairs(scored.edges, scored.near, onto, move)
    owned = frozenset(onto)
    edges = MovedPairs(scored.edges, to_new, to_old, owned, own_edges, cleared=cleared_pairs)
    near = MovedNear(scored.near, to_new, to_old, owned, own_near, cleared=cleared_near)
    # the (word, year) buckets: a removed mention leaves its own
    # (moved as each is read: corpus/buckets.py)
    buckets = Buckets.of(scored.buckets).moved(to_new)
    for key in {(k, y) for p in gone_places for k in scored.feats[p] for y in _years(scored.whens[p])}:
        ids = [move(i) for i in scored.buckets[key] if i not in gone_set]
        if ids:
            buckets[key] = ids
        else:
            del buckets[key]
    # the groups (ascending), read through the move too; the record's (in event-making order: the same
    # places) and the clusters' places (the record's groups again) are left at the earlier places, which
    # the merge moves once the early page is out (`Shift.move`)
    new_scored = Scored(edges, scored.idf, weight, feats, whens, buckets, MovedGroups(scored.groups, to_new),
                        (first, last), near, None, scored.df, moved=to_new)
    gone = [(scored.feats[p], scored.whens[p]) for p in gone_places]
    new_topic = topic.shifted(to_new, gone_set, [scored.whens[p] for p in gone_places])
    record = replace(known, scored=new_scored, made_topic=new_topic)
    return Shift(record, earlier, gone, old_keywords, to_new, to_old)
