"""The preview's record read through a shift's move until the early page
is out (corpus/moved.py): on the seeds' real record, moved by real edits
(a dated sentence removed from one article, one added to another), what is
read through the move one key at a time is what the settled dicts and
lists hold, before and after the changes a recluster makes (pairs dropped,
scored again, partners put right), and a copy changes alone."""

from __future__ import annotations

import dataclasses
import random

import pytest

from generator import pipeline
from generator.corpus import merge_record, record_shift
from generator.corpus.moved import MovedGroups, MovedNear, MovedPairs
from tests.support import analysed, seed_project


@pytest.fixture(scope="module")
def shifted(tmp_path_factory):
    config, resources, analyses, keys = analysed(seed_project(tmp_path_factory.mktemp("seeds")))
    _, index, record = pipeline.merge_corpus(analyses, resources, config, 1, keys, keep_scored=True)
    record = merge_record.completed(record, analyses, index)
    # a mention removed that has pairs, from an article whose first mention has some too (its pairs then
    # go onto that mention: owned), and a sentence added to another article
    starts, at = [], 0
    for a in analyses:
        starts.append(at)
        at += len(a.mentions)
    near = record.scored.near
    cut, gone = next((o, j) for o, a in enumerate(analyses) for j in range(1, len(a.mentions))
                     if near.get(starts[o] + j) and near.get(starts[o]))
    grown = next(o for o, a in enumerate(analyses) if o != cut and a.mentions)
    now = list(analyses)
    mentions = analyses[cut].mentions
    now[cut] = dataclasses.replace(analyses[cut], mentions=mentions[:gone] + mentions[gone + 1:])
    extra = dataclasses.replace(analyses[grown].mentions[0], sentence="An added sentence.")
    now[grown] = dataclasses.replace(analyses[grown], mentions=(extra, *analyses[grown].mentions))
    shift = record_shift.shifted(record, now, {cut: analyses[cut], grown: analyses[grown]})
    assert shift is not None and shift.gone  # (a mention removed: its article's first mention owns its pairs)
    assert shift.record.scored.near.get(starts[cut] + (cut > grown))  # (it has some)
    return record, shift


def _pairs_the_long_way(record, shift) -> dict:
    """Every earlier pair at the places now, a removed mention's moved onto its
    article's first mention (and none of that mention with itself)."""
    out = {}
    for (a, b), score in record.scored.edges.items():
        na, nb = shift.move[a], shift.move[b]
        if na != nb:
            out[(min(na, nb), max(na, nb))] = score
    return out


def test_pairs_read_through_the_move_are_the_settled_ones(shifted):
    record, shift = shifted
    pairs = shift.record.scored.edges
    assert isinstance(pairs, MovedPairs)
    whole = pairs.whole()
    # the same keys as moving every pair the long way (the scores of the owned mention's pairs may be any
    # one of those moved onto it: the recluster scores them all again)
    assert whole.keys() == _pairs_the_long_way(record, shift).keys()
    n = len(shift.move) + 3
    for a in range(n):
        for b in range(a + 1, n):
            assert pairs.get((a, b)) == whole.get((a, b)), (a, b)
    assert dict(pairs.items()) == whole


def test_changes_to_a_copy_read_as_they_would_in_a_dict(shifted):
    _, shift = shifted
    for made in (shift.record.scored.edges, shift.record.scored.near):
        base_whole = made.whole()
        rng = random.Random(5)
        for trial in range(30):
            mine, plain = made.copy(), dict(base_whole)
            keys = list(plain)
            for _ in range(rng.randrange(1, 12)):
                how = rng.randrange(3)
                key = rng.choice(keys) if keys else (0, 1)
                if how == 0 and key in plain:
                    del mine[key], plain[key]
                elif how == 1:
                    value = 0.5 if isinstance(made, MovedPairs) else [trial]
                    mine[key] = plain[key] = value
                else:
                    assert mine.pop(key, None) == plain.pop(key, None)
            assert mine.whole() == plain
            assert all(mine.get(k) == plain.get(k) for k in keys)
        assert made.whole() == base_whole  # (the copies changed alone)


def test_partners_and_groups_read_through_the_move(shifted):
    record, shift = shifted
    near = shift.record.scored.near
    assert isinstance(near, MovedNear)
    whole = near.whole()
    assert all(near.get(i) == whole.get(i) for i in range(len(shift.move) + 3))
    # each mention's partners are those of the pairs (the owned mention's, deduplicated)
    partners: dict[int, set[int]] = {}
    for a, b in shift.record.scored.edges.whole():
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    assert {i: set(js) for i, js in whole.items() if js} == partners
    groups = shift.record.scored.groups
    assert isinstance(groups, MovedGroups)
    moved = [tuple(shift.move[i] for i in g) for g in record.scored.groups]
    assert groups.whole() == moved == [groups[k] for k in range(len(groups))]
    assert groups.firsts() == [g[0] for g in moved]
