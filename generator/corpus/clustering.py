"""Group mentions into events: compatible dates plus shared words and names.

Candidate pairs share a feature (a word stem or a name) within the same
year, so the work grows with the corpus, not with its square. A pair merges
if the dates are compatible (one contains the other: 2018-09-11 is inside
2018-W37) and the similarity, plus the bonuses for one article naming one
day, reaches the threshold. Pairs are joined best first, and a union never
makes a group whose dates are not all compatible.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from ..analysis.words import Vocab, is_event_noun, stem
from ..forked import map_parts
from ..model import Mention
from ..temporal import When
from .entities import EntityIndex

BUCKET_CAP = 60  # a (feature, year) shared by more mentions than this says little
Features = dict[str, float]


class Clusters:
    """Union-find over mentions that keeps each cluster's dates compatible."""

    def __init__(self, mentions: list[Mention]):
        self.parent = list(range(len(mentions)))
        self.whens = [{m.when} for m in mentions]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        merged = self.whens[ra] | self.whens[rb]
        if not all(x.compatible(y) for x in merged for y in merged):
            return False
        self.parent[rb] = ra
        self.whens[ra] = merged
        return True


CONTEXT_WEIGHT = 0.3  # a keyword of the sentence outside the part the headline was made from


def features(m: Mention, index: EntityIndex) -> Features:
    """Keywords of the event's own part of the sentence (weight 1), of the
    rest of the sentence (CONTEXT_WEIGHT) and resolved names (weight 2); a
    name's own words are not counted again as keywords. Keywords go in
    sorted order: the similarity sums float weights in this order, and a
    frozenset's order changes with PYTHONHASHSEED (the last bits of a sum
    with it, which decided ties between equally similar pairs)."""
    feats: Features = {}
    for kw in sorted(m.keywords):
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
    buckets: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, (f, w) in enumerate(zip(feats, whens, strict=True)):
        for year in _years(w):
            for k in f:
                buckets[(k, year)].append(i)
    pairs: set[tuple[int, int]] = set()
    add = pairs.add
    for ids in buckets.values():
        if len(ids) > BUCKET_CAP:
            continue
        for x, a in enumerate(ids):
            sa, ea = first[a], last[a]
            for b in ids[x + 1:]:
                sb, eb = first[b], last[b]
                if (sa <= sb and eb <= ea) or (sb <= sa and ea <= eb):  # one contains the other
                    add((a, b) if a < b else (b, a))
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        by_article[m.article].append(i)
    for ids in by_article.values():
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
    return pairs


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


PAIR_PART = 20_000  # candidate pairs scored per part, in forked workers too (forked.py)


def cluster_mentions(mentions: list[Mention], index: EntityIndex, threshold: float, v: Vocab,
                     feats: list[Features] | None = None, jobs: int | None = 1) -> list[list[int]]:
    """Groups of mention indexes, one group an event. `feats`: each mention's
    features, if the caller has them already. With `jobs` > 1, the candidate
    pairs are scored in forked workers too: each pair's score is its own,
    and the pairs are joined in the order of their scores, so the groups do
    not depend on which process scored what."""
    if feats is None:
        feats = [features(m, index) for m in mentions]
    df = Counter(k for f in feats for k in f)
    n = max(len(mentions), 1)
    idf = {k: math.log(1 + n / c) for k, c in df.items()}
    weight = [sum(w * idf[k] for k, w in f.items()) for f in feats]
    first, last = days = _days([m.when for m in mentions])
    pairs = list(_candidate_pairs(mentions, feats, days))

    def score(part: int) -> list[tuple[float, int, int]]:
        """The pairs of the part that reach the threshold, with their scores."""
        out = []
        for a, b in pairs[part * PAIR_PART:(part + 1) * PAIR_PART]:
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

    scored = [s for part in map_parts(score, -(-len(pairs) // PAIR_PART), jobs) for s in part]
    clusters = Clusters(mentions)
    for _sim, a, b in sorted(scored, reverse=True):
        clusters.union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        groups[clusters.find(i)].append(i)
    return list(groups.values())
