"""The clustering's (feature, year) buckets as the preview's record keeps
them (corpus/buckets.py): a base dict read through a move of its places,
with the buckets changed since held beside it. Checked against plain
dicts made the long way, on the seeds' real buckets, through a session of
places moved (mentions added and removed), buckets changed and removed,
and the whole made one dict again."""

from __future__ import annotations

import random

import pytest

from generator import pipeline
from generator.corpus import buckets as buckets_module
from generator.corpus.buckets import Buckets
from generator.corpus.clustering import _buckets
from tests.support import analysed, seed_project


@pytest.fixture(scope="module")
def seed_buckets(tmp_path_factory) -> dict[tuple[str, int], list[int]]:
    config, resources, analyses, keys = analysed(seed_project(tmp_path_factory.mktemp("seeds")))
    _, _, record = pipeline.merge_corpus(analyses, resources, config, 1, keys, keep_scored=True)
    assert record is not None and record.scored is not None
    made = _buckets(record.scored.feats, record.scored.whens)
    assert len(made) > 100 and sum(map(len, made.values())) > len(made)
    return made


def _moved(reference: dict, to_new: list[int], gone: set[int]) -> dict:
    """The long way: every bucket's places moved, the removed ones left out."""
    out = {}
    for key, ids in reference.items():
        now = [to_new[i] for i in ids if i not in gone]
        if now:
            out[key] = now
    return out


def _a_move(n: int, rng: random.Random) -> tuple[list[int], set[int], int]:
    """Places 0..n-1 moved as an edit moves them: some removed at one spot
    (sent onto the place before them, as record_shift does), some added
    after it. Returns (to_new, removed, places now)."""
    at = rng.randrange(n)
    removed = set(range(at, min(n, at + rng.randrange(3))))
    added = rng.randrange(3)
    to_new, now = [], 0
    for p in range(n):
        if p in removed:
            to_new.append(max(now - 1, 0))
            continue
        if p == at + len(removed):
            now += added
        to_new.append(now)
        now += 1
    return to_new, removed, now + (added if at + len(removed) >= n else 0)


@pytest.mark.parametrize("flatten_share", [buckets_module.FLATTEN_SHARE, 10 ** 9, 1])
def test_buckets_read_through_moves_are_the_buckets_moved_the_long_way(seed_buckets, flatten_share, monkeypatch):
    """Twenty edits in a row: each moves the places (a few removed, a few
    added), puts right the buckets that held a removed place, and changes
    some buckets as a recluster does (a place added to one, taken from
    another, one emptied). After each, every read (`[]`, `get`, `in`,
    iteration, length, equality) is the reference dict's. The base dict is
    never changed. With the whole made one dict again at once (share 1),
    never (a huge share), and as the generator does."""
    monkeypatch.setattr(buckets_module, "FLATTEN_SHARE", flatten_share)
    rng = random.Random(7)
    base = {k: list(v) for k, v in seed_buckets.items()}
    frozen = {k: list(v) for k, v in base.items()}
    n = 1 + max(i for ids in base.values() for i in ids)
    reference = dict(base)
    kept: Buckets = Buckets.of(base)
    for _ in range(20):
        to_new, removed, n = _a_move(n, rng)
        then = kept
        kept = kept.moved(to_new)
        for key in [k for k, ids in reference.items() if not removed.isdisjoint(ids)]:
            ids = [to_new[i] for i in then[key] if i not in removed]
            if ids:
                kept[key] = ids
            else:
                del kept[key]
        reference = _moved(reference, to_new, removed)
        # a recluster's changes: a place put in one bucket, taken out of another, a bucket emptied
        kept = Buckets.of(kept)
        keys = sorted(reference)
        one, other, emptied = rng.sample(keys, 3)
        place = rng.randrange(n)
        reference[one] = sorted({*reference[one], place})
        kept[one] = list(reference[one])
        reference[other] = reference[other][1:]
        if reference[other]:
            kept[other] = list(reference[other])
        else:
            del reference[other], kept[other]
        del reference[emptied], kept[emptied]
        kept = kept.settled()
        assert kept == reference
        assert len(kept) == len(reference)
        assert set(kept) == set(reference)
        for key in keys:
            assert kept.get(key) == reference.get(key)
            assert (key in kept) == (key in reference)
        with pytest.raises(KeyError):
            kept[emptied]
        assert kept.get(emptied, ()) == ()
    assert base == frozen  # the record's dict, which a failed build goes on with, as it was


def test_a_copy_changes_alone(seed_buckets):
    """Buckets.of a Buckets is a copy: what the next recluster changes is not
    in the record it read (a build that fails goes on with that one)."""
    first = Buckets.of({k: list(v) for k, v in seed_buckets.items()})
    key = next(iter(first))
    second = Buckets.of(first)
    second[key] = [0]
    del second[next(k for k in first if k != key)]
    assert first == seed_buckets
    assert second != seed_buckets


def test_keyword_holders_found_from_the_buckets_are_those_of_every_mention(tmp_path_factory):
    """clustering.keyword_holders (the topic's moved words' mentions, found
    from the record's buckets) gives what going through every mention's
    keywords gives: for plain words, and for words of names, which are no
    "k:" feature of a mention that resolves the name (features())."""
    from generator.analysis.words import stem
    from generator.corpus import merge_record
    from generator.corpus.clustering import keyword_holders

    config, resources, analyses, keys = analysed(seed_project(tmp_path_factory.mktemp("holders")))
    _, index, record = pipeline.merge_corpus(analyses, resources, config, 1, keys, keep_scored=True)
    record = merge_record.completed(record, analyses, index)
    mentions = [m for a in analyses for m in a.mentions]
    every = sorted({w for m in mentions for w in m.keywords})
    name_words = sorted({stem(p) for m in mentions for r in m.entities for p in r.name.split()} & set(every))
    assert len(name_words) > 3  # (words of names the mentions hold as keywords too)
    rng = random.Random(3)
    for trial in range(40):
        words = set(rng.sample(every, rng.randint(1, 4)))
        if trial % 2:
            words.update(rng.sample(name_words, rng.randint(1, 2)))
        got = keyword_holders(words, mentions, record.scored)
        assert got == [i for i, m in enumerate(mentions) if not words.isdisjoint(m.keywords)], words
