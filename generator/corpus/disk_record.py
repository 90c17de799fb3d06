"""A merge record read from disk, made whole as the preview keeps it in
memory, so that a command-line rebuild after an edit that adds or removes
dated sentences, or whole articles, is served as the preview's save is
(record_shift.py, clustering.recluster) instead of merging every mention
again (10,000 articles: the merge 11 s, the rebuild some 33 s).

The record on disk holds each group's mentions (their places), each
group's made part, the scored pairs and the folding of names. The
preview's record holds besides, in memory, what the clustering scored
(each mention's features, the words' rarity and counts, the (word, year)
buckets, each mention's partners, the groups in place order), each group's
cluster (its mentions and date) and span, the corpus's topic and the
analyses the record was made of. Every one of these is a function of those
analyses, the record's folding of names and its pairs: made here from
them, they are the values the preview's merge keeps (as
merge_record.completed makes them for the preview from a record that
clustered nothing). The analyses then are the articles' now where the
cache key is the recorded one, and the earlier analyses of the others, read
from the per-article cache under their recorded keys (an article removed
or edited since). tests/test_merge_record.py checks that a merge served
this way makes the events of merging anew.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from itertools import chain

from ..analysis.names import Gazetteer
from ..model import Analysis
from .merge import best_when
from .merge_record import MergeRecord, recorded_index, rescored, shift_serves
from .rarity import on_grid
from .topic import Topic


def served(record: MergeRecord, settings: str, analyses: Sequence[Analysis], keys: Sequence[str],
           earlier: Callable[[str], Analysis | None], gazetteer: Gazetteer
           ) -> tuple[MergeRecord, dict[int, Analysis]] | None:
    """`record` (from disk) made whole, and the articles added, removed or
    edited since (merge_record.redated_articles, as the preview's record
    serves them), when such a record would serve this merge: the same
    settings, every article that is still there of the same date, the
    earlier analyses readable, and as many mentions on the rarity's grid
    (record_shift.shifted). None otherwise: the caller merges as before."""
    if record.scored is not None or record.events is not None:
        return None  # (the preview's record: whole already)
    # what the record made whole serves (merge_record.redated_articles would find the same), checked
    # first: making it whole takes a second at 10,000 articles
    redated = shift_serves(record, settings, analyses, keys, earlier)
    if redated is None:
        return None
    then_n, now_n = sum(map(len, record.groups)), sum(len(a.mentions) for a in analyses)
    if on_grid(max(then_n, 1)) != on_grid(max(now_n, 1)):
        return None  # every word's rarity moves: everything is merged again
    then = analyses_then(record, analyses, keys, earlier)
    whole = made_whole(record, then, gazetteer) if then is not None else None
    if whole is None or not _moves(whole, analyses, redated):
        return None
    return whole, redated


def _moves(whole: MergeRecord, analyses: Sequence[Analysis], redated: dict[int, Analysis]) -> bool:
    """Will the merge take the record made whole, rather than merge
    everything anew after all and hold it meanwhile (some 200 MB at 10,000
    articles)? Not when an edited article is left with no mention
    (record_shift.shifted), nor when the edited mentions' words move every
    closeness to the corpus's topic (merge._topic_reworded). Their
    keywords, then and now, in the order the merge reads them."""
    if any(not analyses[o].mentions and old.mentions for o, old in redated.items()):
        return False
    old = [m.keywords for o in sorted(redated) for m in redated[o].mentions]
    new = [m.keywords for o in sorted(redated) for m in analyses[o].mentions]
    return old == new or whole.topic is None or whole.topic.reworded(old, new) is not None


def analyses_then(record: MergeRecord, analyses: Sequence[Analysis], keys: Sequence[str],
                  earlier: Callable[[str], Analysis | None]) -> tuple[Analysis, ...] | None:
    """The analyses the record was made of, in its articles' order: each
    article's now (the very object) where its cache key is the recorded
    one, else its earlier analysis under the recorded key; None when one
    cannot be read."""
    now = {a.article.slug: (a, k) for a, k in zip(analyses, keys, strict=True)}
    out: list[Analysis] = []
    for slug, key in record.articles:
        got = now.get(slug)
        if got is not None and got[1] == key:
            out.append(got[0])
            continue
        old = earlier(key)
        if old is None or old.article.slug != slug:
            return None
        out.append(old)
    return tuple(out)


def made_whole(record: MergeRecord, then: Sequence[Analysis], gazetteer: Gazetteer) -> MergeRecord | None:
    """The record with what the preview's keeps in memory, made from the
    analyses it was made of (`then`) and its folding of names; None when
    its groups do not hold their mentions."""
    mentions = list(chain.from_iterable(a.mentions for a in then))
    if sum(map(len, record.groups)) != len(mentions):  # (each place once: merge_record.load checks it)
        return None
    scored = rescored(record, mentions, recorded_index(record, gazetteer))
    clusters = []
    for g in record.groups:  # each group's mentions in the order the merge made its event from them
        ms = [mentions[i] for i in g]
        clusters.append((ms, best_when([m.when for m in ms]), g))
    topic = Topic(mentions)
    return replace(record, scored=scored, edges=(), analyses=tuple(then), clusters=tuple(clusters),
                   spans=tuple((when.start, when.end) for _, when, _ in clusters), made_topic=topic,
                   topic=topic.words)
