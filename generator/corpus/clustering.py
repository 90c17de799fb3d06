"""Group mentions into events: compatible dates plus shared words and names.

Candidate pairs share a feature (a word stem or a name) within the same
year, so the work grows with the corpus, not with its square. A pair merges
if the dates are compatible (one contains the other: 2018-09-11 is inside
2018-W37) and the similarity, plus the bonuses for one article naming one
day, reaches the threshold. Pairs are joined best first, and a union never
makes a group whose dates are not all compatible.
"""

from __future__ import annotations

import bisect
import operator
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import compress, filterfalse, repeat
from operator import itemgetter

from ..analysis.words import Vocab, is_event_noun, stem
from ..forked import map_parts
from ..model import Mention
from ..temporal import When
from .buckets import Buckets
from .entities import EntityIndex
from .moved import MovedGroups, _Overlay, moved_whole
from .rarity import on_grid, rarity

BUCKET_CAP = 60  # a (feature, year) shared by more mentions than this says little
Features = dict[str, float]


class Clusters:
    """Union-find over mentions that keeps each cluster's dates compatible;
    over every mention, or over those at the places `only` (_regrouped)."""

    def __init__(self, mentions: list[Mention], only: Iterable[int] | None = None):
        self.parent: list[int] | dict[int, int]
        self.whens: list[set[When]] | dict[int, set[When]]
        if only is None:
            self.parent = list(range(len(mentions)))
            self.whens = [{m.when} for m in mentions]
        else:
            self.parent = {i: i for i in only}
            self.whens = {i: {mentions[i].when} for i in only}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        # each side's dates are compatible among themselves already, and compatibility is symmetric and
        # reflexive: only the pairs across of dates one side has and the other has not need looking at (most
        # unions are of reports of one day: none; a set is shared, never changed)
        wa, wb = self.whens[ra], self.whens[rb]
        if wb <= wa:
            merged = wa
        elif wa <= wb:
            merged = wb
        else:
            if not all(x.compatible(y) for x in wa - wb for y in wb - wa):
                return False
            merged = wa | wb
        self.parent[rb] = ra
        self.whens[ra] = merged
        return True


CONTEXT_WEIGHT = 0.3  # a keyword of the sentence outside the part the headline was made from


def features(m: Mention, index: EntityIndex) -> Features:
    """Keywords of the event's own part of the sentence (weight 1), of the
    rest of the sentence (CONTEXT_WEIGHT) and resolved names (weight 2); a
    name's own words are not counted again as keywords. Keywords go in
    sorted order (as the mention holds them): the similarity sums float
    weights in this order, and a set's order changes with PYTHONHASHSEED
    (the last bits of a sum with it, which decided ties between equally
    similar pairs)."""
    feats: Features = {}
    for kw in m.keywords:
        feats["k:" + kw] = 1.0 if (not m.focus or kw in m.focus) else CONTEXT_WEIGHT
    for ref in m.entities:
        resolved = index.resolve(ref)
        name = resolved[0] if resolved else ref.name
        feats["e:" + name] = 2.0
        for part in name.split():
            feats.pop("k:" + stem(part), None)
    return feats


def similarity(fa: Features, fb: Features, idf: dict[str, float],
               wa: float | None = None, wb: float | None = None) -> float:
    """Weighted Jaccard: sum of the smaller weights over the sum of the larger.
    Since max = a + b - min, only the shared keys need visiting once each
    side's total (wa, wb) is known."""
    if wa is None:
        wa = sum(w * idf.get(k, 1.0) for k, w in fa.items())
    if wb is None:
        wb = sum(w * idf.get(k, 1.0) for k, w in fb.items())
    if len(fa) > len(fb):
        fa, fb = fb, fa
    num = 0.0
    for k, w in fa.items():
        o = fb.get(k)
        if o is not None:
            num += (w if w < o else o) * idf.get(k, 1.0)
    den = wa + wb - num
    return num / den if den > 0 else 0.0


def anaphoric(m: Mention, v: Vocab) -> bool:
    """Does the mention refer back to an event by a definite noun phrase?"""
    if m.head:
        return True
    first = re.match(r"^\W*(?:the|this|that|its)\s+(?:[a-z-]+\s+)?([a-z]+)", m.sentence, re.I)
    return bool(first and is_event_noun(first.group(1), v))


def _years(w: When) -> range:
    return range(w.start.year, min(w.end.year, w.start.year + 10) + 1)


def _days(whens: list[When]) -> tuple[list[int], list[int]]:
    """Each date's first and last day as day numbers: the hot loops compare
    these (the same test as When.compatible, a tenth of the time)."""
    return [w.start.toordinal() for w in whens], [w.end.toordinal() for w in whens]


def _candidate_pairs(mentions: list[Mention], feats: list[Features],
                     days: tuple[list[int], list[int]] | None = None) -> set[tuple[int, int]]:
    """Pairs that share a feature within a year and whose dates can be one
    event; and within one article, neighbouring sentences and one named day.
    `days`: _days() of the mentions' dates, if the caller has them."""
    whens = [m.when for m in mentions]
    first, last = days if days is not None else _days(whens)
    pairs: set[tuple[int, int]] = set()
    add = pairs.add
    for ids in _buckets(feats, whens).values():
        if len(ids) > BUCKET_CAP:
            continue
        for x, a in enumerate(ids):
            sa, ea = first[a], last[a]
            for b in ids[x + 1:]:
                sb, eb = first[b], last[b]
                if (sa <= sb and eb <= ea) or (sb <= sa and ea <= eb):  # one contains the other
                    add((a, b) if a < b else (b, a))
    for ids in _by_article(mentions).values():
        _article_pairs(mentions, ids, add)
    return pairs


def _article_pairs(mentions: list[Mention], ids: list[int], add: Callable[[tuple[int, int]], None]) -> None:
    """The candidate pairs within one article (`ids`, its mentions' places):
    neighbouring sentences, and mentions of the very same time."""
    by_sentence: dict[int, list[int]] = defaultdict(list)
    by_value: dict[tuple, list[int]] = defaultdict(list)
    for i in ids:
        by_sentence[mentions[i].sentence_index].append(i)
        by_value[(mentions[i].when.start, mentions[i].when.end)].append(i)
    for index, here in by_sentence.items():  # neighbouring sentences (the same sentence never merges)
        for near in (here, by_sentence.get(index + 1, [])):
            if len(here) * len(near) > BUCKET_CAP * BUCKET_CAP:
                continue  # an article that is one long list of dates: no neighbour says much
            for i in here:
                for j in near:
                    if i != j:
                        add((i, j) if i < j else (j, i))
    for same in by_value.values():
        if len(same) > BUCKET_CAP:  # thousands of mentions of one day: a chain joins them, in linear time
            for x in range(len(same) - 1):
                add((same[x], same[x + 1]))
            continue
        for x in range(len(same)):
            for y in range(x + 1, len(same)):
                add((same[x], same[y]))


_FIRST = itemgetter(0)
PAIR_PART = 20_000  # candidate pairs scored per part, in forked workers too (forked.py)


@dataclass
class Scored:
    """What a clustering scored, kept by the preview between builds
    (corpus/merge_record.py) so that an edit which moves some mentions'
    dates, and leaves every mention's words and names as they were, scores
    again only the pairs it touches (`recluster`): the mentions' features,
    the words' rarity and each mention's total weight (all read from the
    words and names alone), the pairs that reached the threshold with their
    scores, and the dates the pairs were found with."""

    edges: MutableMapping[tuple[int, int], float]  # (a dict but after a shift, until it settles: corpus/moved.py)
    idf: dict[str, float]
    weight: list[float]
    feats: list[Features]
    whens: list[When]
    # the mentions of each (feature, year) with these whens, in place order (_buckets), once a
    # recluster made them: the next takes them and moves only its dirty mentions (10,000 articles:
    # recluster 2.8 -> 1.8 s)
    buckets: Mapping[tuple[str, int], list[int]] | None = None
    # the groups these pairs made (_groups: each in place order, in the order of their first
    # mentions): the next recluster joins again only the pairs near what it changed (_regrouped)
    groups: list[tuple[int, ...]] | MovedGroups | None = None
    # each of `whens`' first and last day numbers (_days): the next recluster moves the dirty ones'
    days: tuple[list[int], list[int]] | None = None
    # each mention's partners in `edges` (_regrouped; a mention in no pair has none): the next
    # recluster updates the changed mentions' only, where making it anew took 0.06 s at 10,000 articles
    near: MutableMapping[int, list[int]] | None = None
    # each of `groups`' place among the groups of the Scored it was reclustered from, when it is one of
    # them and holds no dirty mention, else None (_regrouped): the merge takes those groups' events
    # without looking each group up among the recorded ones
    was: list[int | None] | None = None
    # each feature's number of mentions (the rarity's counts, _rarity): the next recluster moves the
    # reworded mentions' and finds the features whose rarity crossed a step of the grid
    df: Counter | None = None
    # set after a shift (corpus/record_shift.py) until the merge's early page is out: each earlier place
    # -> its place now, through which `edges`, `near` and `groups` are read (corpus/moved.py), and the
    # identities of the groups at the places now already (those the recluster joined again)
    moved: list[int] | None = None
    fresh: frozenset[int] = frozenset()

    def settle(self) -> None:
        """The pairs, partners and groups read through a shift's move made
        plain dicts and lists (corpus/moved.py), as moving them whole makes them."""
        if self.moved is None:
            return
        if isinstance(self.edges, _Overlay):
            self.edges = self.edges.whole()
        if isinstance(self.near, _Overlay):
            self.near = self.near.whole()
        if isinstance(self.groups, MovedGroups):
            self.groups = self.groups.whole()
        elif self.groups is not None:
            self.groups = moved_whole(self.groups, self.moved, self.fresh)
        self.moved, self.fresh = None, frozenset()

    def complete(self) -> None:
        """Make now what the next recluster would make first, from these
        pairs, features and dates alone (so the same values): the (feature,
        year) buckets, the day numbers and each mention's partners. The
        preview does it once the site of a build that clustered every
        mention is live: its first save made them before its early page."""
        self.settle()
        if self.buckets is None:
            self.buckets = _buckets(self.feats, self.whens)
        if self.days is None:
            self.days = _days(self.whens)
        if self.near is None:
            self.near = _partners(self.edges)


def _partners(edges: Iterable[tuple[int, int]]) -> dict[int, list[int]]:
    """Each mention's partners in the pairs `edges` (a mention in no pair has none)."""
    near: dict[int, list[int]] = defaultdict(list)
    for a, b in edges:
        near[a].append(b)
        near[b].append(a)
    return dict(near)


def cluster_mentions(mentions: list[Mention], index: EntityIndex, threshold: float, v: Vocab,
                     feats: list[Features] | None = None, jobs: int | None = 1) -> list[tuple[int, ...]]:
    """Groups of mention indexes, one group an event. `feats`: each mention's
    features, if the caller has them already. With `jobs` > 1, the candidate
    pairs are scored in forked workers too: each pair's score is its own,
    and the pairs are joined in the order of their scores, so the groups do
    not depend on which process scored what."""
    return cluster_scored(mentions, index, threshold, v, feats, jobs)[0]


def cluster_scored(mentions: list[Mention], index: EntityIndex, threshold: float, v: Vocab,
                   feats: list[Features] | None = None, jobs: int | None = 1) -> tuple[list[tuple[int, ...]], Scored]:
    """cluster_mentions(), and what it scored (Scored)."""
    if feats is None:
        feats = [features(m, index) for m in mentions]
    idf, weight, df = _rarity(feats)
    whens = [m.when for m in mentions]
    days = _days(whens)
    pairs = list(_candidate_pairs(mentions, feats, days))
    scorer = _Scorer(mentions, feats, idf, weight, days, v, index, threshold)

    def score(part: int) -> list[tuple[float, int, int]]:
        return scorer.scores(pairs[part * PAIR_PART:(part + 1) * PAIR_PART])

    scored = [s for part in map_parts(score, -(-len(pairs) // PAIR_PART), jobs) for s in part]
    groups = _groups(mentions, scored)
    kept = Scored({(a, b): sim for sim, a, b in scored}, idf, weight, feats, whens, groups=groups, days=days, df=df)
    return groups, kept


def _rarity(feats: list[Features]) -> tuple[dict[str, float], list[float], Counter]:
    """Each feature's rarity over the mentions (from counts on a grid:
    rarity.py), each mention's total weight, and each feature's count."""
    df = Counter(k for f in feats for k in f)
    n = on_grid(max(len(feats), 1))
    idf = {k: rarity(n, c) for k, c in df.items()}
    return idf, [_weight(f, idf) for f in feats], df


def _weight(f: Features, idf: dict[str, float]) -> float:
    """A mention's total weight (summed in its features' order: the same bits every time)."""
    return sum(w * idf[k] for k, w in f.items())


def scored_from(mentions: list[Mention], index: EntityIndex, edges: Iterable[tuple[int, int, float]],
                whens: list[When]) -> Scored:
    """The Scored of a record on disk, which keeps only the pairs: the
    features, rarity and weights made again from the mentions (their words
    and names are the record's, or it would not serve: merge_record.
    redated_articles), the mentions' dates then (`whens`) given."""
    feats = [features(m, index) for m in mentions]
    idf, weight, df = _rarity(feats)
    return Scored({(a, b): sim for a, b, sim in edges}, idf, weight, feats, whens, df=df)


class _Scorer:
    """Candidate pairs scored: those whose dates can be one event and whose score reaches the threshold."""

    def __init__(self, mentions: list[Mention], feats: list[Features], idf: dict[str, float], weight: list[float],
                 days: tuple[list[int], list[int]], v: Vocab, index: EntityIndex, threshold: float):
        self.mentions, self.feats, self.idf, self.weight = mentions, feats, idf, weight
        self.first, self.last = days
        self.v, self.index, self.threshold = v, index, threshold

    def scores(self, pairs) -> list[tuple[float, int, int]]:
        """The pairs that reach the threshold, with their scores."""
        mentions, feats, idf, weight, first, last = \
            self.mentions, self.feats, self.idf, self.weight, self.first, self.last
        v, index, threshold = self.v, self.index, self.threshold
        out = []
        for a, b in pairs:
            ma, mb = mentions[a], mentions[b]
            if ma.article == mb.article and ma.sentence_index == mb.sentence_index:
                continue
            sa, ea, sb, eb = first[a], last[a], first[b], last[b]
            if not ((sa <= sb and eb <= ea) or (sb <= sa and ea <= eb)):  # not When.compatible
                continue
            sim = similarity(feats[a], feats[b], idf, weight[a], weight[b]) + _bonus(ma, mb, v, index,
                                                                                     sa == sb and ea == eb)
            if sim >= threshold:
                out.append((sim, a, b))
        return out


def _groups(mentions: list[Mention], scored: list[tuple[float, int, int]],
            only: list[int] | None = None) -> list[tuple[int, ...]]:
    """The scored pairs joined best first (ties by place), each group in place order, the groups in the
    order of their first mentions. `only`: the places (in order) of the mentions to group, every pair
    scored being between two of them."""
    clusters = Clusters(mentions, only)
    for _sim, a, b in sorted(scored, reverse=True):
        clusters.union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(mentions)) if only is None else only:
        groups[clusters.find(i)].append(i)
    return [tuple(g) for g in groups.values()]


def _regrouped(mentions: list[Mention], edges: Mapping[tuple[int, int], float],
               groups: list[tuple[int, ...]] | MovedGroups, changed: set[int],
               near: MutableMapping[int, list[int]] | None = None, moved: set[int] | None = None
               ) -> tuple[list[tuple[int, ...]], list[int | None], MutableMapping[int, list[int]],
                          list[tuple[int, ...]]]:
    """_groups() of all the pairs `edges`, from the `groups` the last pairs
    made, `changed` holding both mentions of every pair added, dropped or
    scored again since, and every mention that moved in time. Pairs are
    joined within a connected part of the pairs' graph only, whose groups
    read nothing else (its pairs, its mentions' dates): a part that holds
    no changed mention has the pairs and dates it had, and was a part
    before too (a dropped pair's mentions are changed), so its groups are
    as they were; the parts that hold one (a few dozen mentions in news)
    are joined again. (Generated news at 1,000 articles: 10,503 mentions,
    6,529 parts, the largest of 40.) Also each group's place among
    `groups` when it is one of them holding no mention that `moved` (in
    time; else None), and each mention's partners in `edges` (`near`: the
    pairs' as they are, if given; else made from them), and the groups
    joined again. `groups` read through a shift's move (corpus/moved.py):
    the groups kept are given at the earlier places (moved_whole)."""
    if near is None:
        near = _partners(edges)
    region: set[int] = set()
    todo = list(changed)
    while todo:
        i = todo.pop()
        if i not in region:
            region.add(i)
            todo.extend(near.get(i, ()))
    inner = [(edges[(a, b)], a, b) for a in region for b in near.get(a, ()) if a < b]
    # a group lies wholly in a part or out: the last groups out of the region are kept, in their order
    # (found in C: 65,000 groups at 10,000 articles), and the region's groups placed among them
    starts = groups.firsts() if isinstance(groups, MovedGroups) else list(map(_FIRST, groups))
    inside = list(map(region.__contains__, starts))
    places: list[int | None] = list(compress(range(len(groups)), map(operator.not_, inside)))
    kept = groups.base if isinstance(groups, MovedGroups) else groups
    out = list(map(kept.__getitem__, places))  # type: ignore[arg-type]
    firsts = list(map(starts.__getitem__, places))  # type: ignore[arg-type]
    # a group of the region that is one of the last groups and holds no moved mention keeps its place
    moved = changed if moved is None else moved
    same = {groups[j]: j for j in compress(range(len(groups)), inside) if moved.isdisjoint(groups[j])}
    made = _groups(mentions, inner, sorted(region))  # (in the order of their first mentions too)
    # The groups joined again placed among those kept by their first mentions (a mention is one group's:
    # no ties), the kept ones copied over in slices between them: one pass, in C but for a step per group
    # made. Inserting each group made moved every kept group after it (10,000 articles: 65,000 of them,
    # in three lists), some 25 ms of a preview save's merge for a few hundred groups; merging the two
    # orders by a sort, for many, took as long as this.
    at = list(map(bisect.bisect_left, repeat(firsts), map(_FIRST, made)))
    placed: list[tuple[int, ...]] = []
    where: list[int | None] = []
    last = 0
    for n, g in zip(at, made, strict=True):
        placed += out[last:n]
        placed.append(g)
        where += places[last:n]
        where.append(same.get(g))
        last = n
    placed += out[last:]
    where += places[last:]
    return placed, where, near, made


def recluster(mentions: list[Mention], index: EntityIndex, threshold: float, v: Vocab, known: Scored,
              dirty: set[int], gone: Sequence[tuple[Features, When]] = ()) -> tuple[list[tuple[int, ...]], Scored]:
    """cluster_scored() after the mentions at `dirty` (every mention of the
    articles edited) changed, as many as before (merge_record.
    redated_articles checked): their dates, their words, their names; the
    names folded as before, so every other mention's features are
    `known`'s. A reworded mention moves the counts of the features it lost
    and gained: a feature whose count crosses a step of the grid
    (rarity.py) gets another rarity, and every mention holding it another
    weight (`reweighed`; seldom: a typo fixed moves none). A pair's score
    reads only its two mentions, the rarity and the weights, so the pairs
    whose score can differ are those with a dirty or reweighed mention; the
    other pairs can only become candidates or stop being ones, when a
    (feature, year) bucket that a dirty mention entered or left crosses
    BUCKET_CAP. Those are scored again or dropped; every other pair keeps
    its score. The groups are then joined from all the pairs, as
    cluster_scored does: the same groups, in the same order. `gone`: the
    features and dates of mentions an edit removed (`known` moved to the
    places now: corpus/record_shift.py, whose mentions added are dirty with
    no features in `known`): their words' counts and (feature, year)
    buckets lose them."""
    # the features now: the record's, but for the dirty mentions' (the other mentions are the record's)
    feats = list(known.feats)
    reworded = []
    for d in sorted(dirty):
        f = features(mentions[d], index)
        if list(f.items()) != list(feats[d].items()):
            feats[d] = f
            reworded.append(d)
    # the dates now: the record's, but for the dirty mentions' (every other mention is of an article
    # whose analysis is the record's, at the same place), where reading 100,000 mentions' dates and
    # working their days out took 0.1 s at 10,000 articles
    whens = list(known.whens)
    for d in dirty:
        whens[d] = mentions[d].when
    if known.days is not None:
        days = (list(known.days[0]), list(known.days[1]))
        for d in dirty:
            days[0][d], days[1][d] = whens[d].start.toordinal(), whens[d].end.toordinal()
    else:
        days = _days(whens)
    buckets = _buckets(feats, whens) if known.buckets is None else _moved(known.buckets, known.feats, feats,
                                                                         known.whens, whens, dirty)
    idf, weight, df = known.idf, known.weight, known.df
    reweighed: set[int] = set()
    if reworded or gone:
        idf, weight, df, reweighed = _reweighed(known, feats, reworded, [f for f, _ in gone],
                                                lambda crossed: _holding(crossed, buckets, days))
    rescored = dirty | reweighed  # the mentions whose every pair is scored again
    before = {d: _years(known.whens[d]) for d in dirty}
    touched = {(k, y) for d in dirty for k in known.feats[d] for y in before[d]}  # the buckets they left
    touched.update((k, y) for d in rescored for k in feats[d] for y in _years(whens[d]))
    gone_keys = Counter((k, y) for f, w in gone for k in f for y in _years(w))  # the buckets they left
    touched.update(gone_keys)
    candidates: set[tuple[int, int]] = set()
    crossed_up: set[int] = set()
    for key in touched:
        ids = buckets.get(key, [])
        k, year = key
        was = len(ids) - sum(1 for i in ids if i in dirty) + sum(1 for d in dirty if k in known.feats[d]
                                                                 and year in before[d]) + gone_keys[key]
        if len(ids) > BUCKET_CAP:
            if was <= BUCKET_CAP:  # its pairs may no longer be candidates
                crossed_up.update(i for i in ids if i not in dirty)
            continue
        every = was > BUCKET_CAP  # its pairs may have become candidates
        for x, a in enumerate(ids):  # (pairs whose dates cannot be one event: the scorer drops them)
            candidates.update((a, b) for b in ids[x + 1:] if every or a in rescored or b in rescored)
    # the candidate pairs within the articles of the rescored mentions: every mention of an edited article
    # is dirty; a reweighed one's article gives the pairs it is in
    for ids in _articles_of(mentions, rescored).values():
        _article_pairs(mentions, ids, lambda p: candidates.add(p) if p[0] in rescored or p[1] in rescored else None)
    changed = set(dirty)  # both mentions of every pair dropped, added or scored again (_regrouped)
    # found from the rescored mentions' partners when they are known (`near`: every pair's mentions), where
    # going through every pair for them took 8 ms of each preview save at 10,000 articles (100,000 pairs)
    with_rescored = ({(a, b) if a < b else (b, a) for a in rescored for b in known.near.get(a, ())}
                     if known.near is not None else list(filterfalse(rescored.isdisjoint, known.edges)))
    # less the pairs with a rescored mention (a copy: `known` is the last record's); after a shift, read
    # through its move (corpus/moved.py), where each pair read costs a call of Python: when this recluster
    # reads many (an article added to a large storyline), the pairs and partners are made plain first
    edges = _own_copy(known.edges, _many(len(candidates) + len(with_rescored), known.edges))
    for p in with_rescored:
        del edges[p]
        changed.update(p)
    if crossed_up:
        own: dict[str, set[tuple[int, int]]] = {}
        for p in [p for p in edges if p[0] in crossed_up and p[1] in crossed_up]:
            if not _still_candidate(p, mentions, feats, whens, buckets, own):
                del edges[p]
                changed.update(p)
    for p in candidates:
        edges.pop(p, None)
        changed.update(p)
    scorer = _Scorer(mentions, feats, idf, weight, days, v, index, threshold)
    edges.update({(a, b): sim for sim, a, b in scorer.scores(sorted(candidates))})
    if known.groups is None:
        groups = _groups(mentions, [(sim, a, b) for (a, b), sim in edges.items()])
        return groups, Scored(edges, idf, weight, feats, whens, buckets, groups, days, df=df)
    near = None
    if known.near is not None:  # the partners of the changed mentions (both of every pair gone or come) anew
        partners: dict[int, set[int]] = defaultdict(set)
        for a, b in candidates:
            partners[a].add(b)
            partners[b].add(a)
        if _many(len(changed), edges):
            edges = _own_copy(edges, True)
        # (plain as the pairs are; each changed mention's partners below read before they are written)
        near = _own_copy(known.near, not isinstance(edges, _Overlay))
        for i in changed:
            now = [j for j in {*near.get(i, ()), *partners.get(i, ())} if ((i, j) if i < j else (j, i)) in edges]
            if now:
                near[i] = now
            else:
                near.pop(i, None)
    groups, places, near, made = _regrouped(mentions, edges, known.groups, changed, near, dirty)
    # (after a shift, the groups kept are at the earlier places until the merge settles them)
    return groups, Scored(edges, idf, weight, feats, whens, buckets, groups, days, near, places, df, known.moved,
                          frozenset(map(id, made)) if known.moved is not None else frozenset())


def _holding(features: set[str], buckets: Mapping[tuple[str, int], list[int]], days: tuple[list[int], list[int]]
             ) -> list[int]:
    """The places, in order, of the mentions holding any of `features`,
    from the (feature, year) buckets of every mention (`days`: each one's
    first and last day number), where going through 150,000 mentions'
    features for them took 20 ms of a preview save at 10,000 articles."""
    if not days[0]:
        return []
    years = range(date.fromordinal(min(days[0])).year, date.fromordinal(max(days[1])).year + 1)
    found: set[int] = set()
    for k in features:
        for year in years:
            found.update(buckets.get((k, year), ()))
    return sorted(found)


def keyword_holders(words: set[str], mentions: list[Mention], scored: Scored) -> list[int] | None:
    """The places, in order, of the mentions whose keywords hold any of
    `words`, found from the (feature, year) buckets of `scored` (None
    without them), whose features are the mentions' (every mention's but
    those an edit changed): a keyword is a feature of its mention ("k:"
    and the word: features()) unless it is the stem of a word of a name
    the mention resolves, whose feature ("e:" and the name) then holds the
    mention. Going through every mention's keywords took 26 ms of a
    preview save at 10,000 articles."""
    if scored.buckets is None or scored.days is None or scored.df is None:
        return None
    keys = {"k:" + w for w in words}
    keys.update(f for f in scored.df if f.startswith("e:") and not words.isdisjoint(map(stem, f[2:].split())))
    return [i for i in _holding(keys, scored.buckets, scored.days) if not words.isdisjoint(mentions[i].keywords)]


SETTLE_SHARE = 8  # the reads of a recluster, against the pairs a shift moved, from which they are made plain


def _many(reads: int, pairs: Mapping) -> bool:
    """Would a recluster that reads about `reads` pairs or partners through
    a shift's move (corpus/moved.py: a call of Python each, some 1.5 us)
    spend more than making them plain dicts at once (a pass over every
    pair, some 0.3 us each, which settling after the early page would make
    anyway)? An article added to a large storyline at 1,000 articles read
    78,000 pairs that way (0.09 s) where making them plain took 10 ms.
    (False for pairs that are a plain dict already.)"""
    return isinstance(pairs, _Overlay) and reads * SETTLE_SHARE > pairs.base_size()


def _own_copy(entries: Mapping, plain: bool) -> MutableMapping:
    """A copy of `entries` (the last record's, or read through a shift's
    move) to change: a plain dict, or, read through the move and not
    `plain`, the move's own copy (corpus/moved.py)."""
    if isinstance(entries, _Overlay) and not plain:
        return entries.copy()
    return entries.whole() if isinstance(entries, _Overlay) else dict(entries)


def _reweighed(known: Scored, feats: list[Features], reworded: list[int], gone: Sequence[Features] = (),
               holding: Callable[[set[str]], list[int]] | None = None
               ) -> tuple[dict[str, float], list[float], Counter, set[int]]:
    """The rarity, the weights and the counts after the mentions at
    `reworded` took the features they have in `feats` (`known`'s before),
    and mentions with the features `gone` were removed (the mention count
    on the grid is the same: record_shift.py checks),
    and the other mentions whose weight moved: those holding a feature
    whose count crossed a step of the grid (`holding`: the places of the
    mentions that hold any of some features, if the caller can find them
    faster than a pass over `feats`). New dicts and lists: `known` is
    the last record's, which a build that fails goes on with."""
    before = known.df if known.df is not None else Counter(k for f in known.feats for k in f)
    df = Counter(before)
    touched: set[str] = set()
    for d in reworded:
        df.subtract(known.feats[d].keys())
        df.update(feats[d].keys())
        touched.update(known.feats[d], feats[d])
    for f in gone:
        df.subtract(f.keys())
        touched.update(f)
    n = on_grid(max(len(feats), 1))  # (as many mentions as before, or as many on the grid)
    crossed = set()
    idf = dict(known.idf)
    for k in sorted(touched):
        if df[k] <= 0:
            del df[k]
        if on_grid(df.get(k, 0)) != on_grid(before.get(k, 0)):
            crossed.add(k)
            if k in df:
                idf[k] = rarity(n, df[k])
            else:
                del idf[k]
    weight = list(known.weight)
    holders = ([] if not crossed else holding(crossed) if holding is not None
               else list(compress(range(len(feats)), map(operator.not_, map(crossed.isdisjoint, feats)))))
    for i in {*reworded, *holders}:
        weight[i] = _weight(feats[i], idf)
    return idf, weight, df, set(holders).difference(reworded)


def _articles_of(mentions: list[Mention], places: Iterable[int]) -> dict[str, list[int]]:
    """Every mention of the articles of the mentions at `places`, by article
    (an article's mentions are one run of places)."""
    out: dict[str, list[int]] = {}
    for i in sorted(places):
        article = mentions[i].article
        if article in out:
            continue
        first = i
        while first > 0 and mentions[first - 1].article == article:
            first -= 1
        last = i
        while last + 1 < len(mentions) and mentions[last + 1].article == article:
            last += 1
        out[article] = list(range(first, last + 1))
    return out


def _buckets(feats: list[Features], whens: list[When]) -> dict[tuple[str, int], list[int]]:
    """The mentions of each (feature, year), in place order."""
    buckets: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, (f, w) in enumerate(zip(feats, whens, strict=True)):
        for year in _years(w):
            for k in f:
                buckets[(k, year)].append(i)
    return dict(buckets)  # a plain dict: a lookup of a bucket that holds none adds none


def _moved(buckets: Mapping[tuple[str, int], list[int]], feats_before: list[Features], feats: list[Features],
           before: list[When], whens: list[When], dirty: set[int]) -> Mapping[tuple[str, int], list[int]]:
    """_buckets(feats, whens), from `buckets` made with the features
    `feats_before` and the dates `before`: only the `dirty` mentions'
    features and dates moved. A new dict; a bucket that changes is a new
    list (`buckets` is the last record's, which a build that fails goes on
    with; corpus/buckets.py keeps the others where they are)."""
    out = Buckets.of(buckets)
    for d in sorted(dirty):
        old = {(k, y) for k in feats_before[d] for y in _years(before[d])}
        new = {(k, y) for k in feats[d] for y in _years(whens[d])}
        for key in sorted(old - new):
            left = [i for i in out[key] if i != d]
            if left:
                out[key] = left
            else:
                del out[key]
        for key in sorted(new - old):
            ids = list(out.get(key, ()))
            bisect.insort(ids, d)
            out[key] = ids
    return out.settled()


def _by_article(mentions: list[Mention], only: set[str] | None = None) -> dict[str, list[int]]:
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        if only is None or m.article in only:
            by_article[m.article].append(i)
    return by_article


def _still_candidate(p: tuple[int, int], mentions: list[Mention], feats: list[Features], whens: list[When],
                     buckets: Mapping[tuple[str, int], list[int]], own: dict[str, set[tuple[int, int]]]) -> bool:
    """Is a pair that was a candidate (neither mention moved) one still, given the new buckets?"""
    a, b = p
    years = set(_years(whens[a])) & set(_years(whens[b]))
    if any(len(buckets.get((k, y), ())) <= BUCKET_CAP for k in feats[a].keys() & feats[b].keys() for y in years):
        return True
    article = mentions[a].article
    if article != mentions[b].article:
        return False
    if article not in own:
        own[article] = set()
        _article_pairs(mentions, _by_article(mentions, {article})[article], own[article].add)
    return p in own[article]


def same_time(a: When, b: When) -> bool:
    """The very same day, week, month...: "2009-06-11" and "2009-06-11T15:00"
    differ only by the time of day, so they name one day."""
    return a.start == b.start and a.end == b.end


def _where(m: Mention, index: EntityIndex) -> set[str]:
    """The places the sentence says something happened in or at ("in Sochi")."""
    out = set()
    for ref in m.entities:
        resolved = index.resolve(ref)
        if resolved and resolved[1] == "place" and re.search(rf"\b(?:in|at)\s+(?:the\s+)?{re.escape(ref.name)}\b",
                                                             m.sentence):
            out.add(resolved[0])
    return out


def different_places(ma: Mention, mb: Mention, index: EntityIndex) -> bool:
    """Both say where it happened, and nowhere in common: "met in Sochi" and
    "met in Kazan" on the same Monday are two meetings."""
    pa, pb = _where(ma, index), _where(mb, index)
    return bool(pa and pb and not pa & pb)


QUOTE_BONUS = 0.3  # the same words quoted: the same statement
KIND_BONUS = 0.25  # "the 2016 election" and "the 2016 campaign": one kind of happening at one time
ACTION_BONUS = 0.3  # one article, one time, the same subject doing the same thing: told twice
RECALL_BONUS = 0.3  # "since April 20", "after Tuesday's blast": the day's own event, recalled


def _shared_quote(ma: Mention, mb: Mention) -> bool:
    return any(qa in qb or qb in qa for qa in ma.quotes for qb in mb.quotes)


def _same_kind(ma: Mention, mb: Mention, v: Vocab) -> bool:
    ka, kb = v.noun_kind.get(ma.head.lower()), v.noun_kind.get(mb.head.lower())
    return ka is not None and ka == kb


SAME_DAY_BONUS = 1.0  # one article, one named day: one happening (unless it says two places)


def _bonus(ma: Mention, mb: Mention, v: Vocab, index: EntityIndex, same: bool | None = None) -> float:
    """Extra similarity: the same words quoted; and for two mentions of the
    very same time, one article or one kind of happening. `same`:
    same_time() of their dates, if the caller knows it."""
    quoted = QUOTE_BONUS if ma.quotes and mb.quotes and _shared_quote(ma, mb) else 0.0
    if not (same if same is not None else same_time(ma.when, mb.when)):
        return quoted
    if _same_kind(ma, mb, v):
        quoted += KIND_BONUS
    day = ma.when.precision == "day"
    if (ma.since or mb.since) and day:
        quoted += RECALL_BONUS
    same_article = ma.article == mb.article
    later = ma if ma.sentence_index > mb.sentence_index else mb
    if same_article and day and not different_places(ma, mb, index):
        return quoted + SAME_DAY_BONUS
    if same_article and abs(ma.sentence_index - mb.sentence_index) == 1 and anaphoric(later, v):
        return quoted + 0.35  # "...at the forum last week. Last week's conference..."
    if same_article and ma.action and ma.action == mb.action:
        return quoted + ACTION_BONUS  # "Putin met four leaders last month" ... "Putin met last month with Macron"
    return quoted + (0.1 if day else 0.05)
