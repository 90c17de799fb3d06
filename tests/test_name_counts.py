"""The preview's folding of names from counts moved by what came and went
(state.NameRefs.index, entities.NameCounts): after every edit, the same
entities and kinds as folding every name of the corpus anew
(EntityIndex.build), on the names of a generated news corpus, through a
session of edits that add, drop and rewrite names: surnames that a full
name then completes, near spellings, kinds voted otherwise, names whose
kinds tie (where the order names first come decides, so the corpus is
counted again in order)."""

from __future__ import annotations

import dataclasses
import random

import pytest

from generator.corpus.entities import EntityIndex, NameCounts
from generator.model import EntityRef
from generator.state import NameRefs
from tests.support import analysed, make_corpus

KINDS = ("person", "place", "organisation", "")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    project = tmp_path_factory.mktemp("names") / "p"
    make_corpus(80, "plain", project, "Names", search=False)
    config, resources, analyses, _ = analysed(project)
    assert sum(len(m.every_name) for a in analyses for m in a.mentions) > 300
    return resources, analyses


def _renamed(analysis, rng: random.Random, pool: list[str]):
    """`analysis` with the names of some of its dated sentences rewritten: a
    name dropped, one added from `pool` (with a kind, maybe another than its
    usual), a near spelling, a surname alone, or a name's kind changed."""
    mentions = list(analysis.mentions)
    for k in rng.sample(range(len(mentions)), min(len(mentions), rng.randint(1, 3))):
        m = mentions[k]
        named = list(m.named)
        how = rng.randrange(5)
        if how == 0 and named:
            named.pop(rng.randrange(len(named)))
        elif how == 1:
            named.append(EntityRef(rng.choice(pool), rng.choice(KINDS)))
        elif how == 2:
            name = rng.choice(pool)
            named.append(EntityRef(name[:-1] + "e" if len(name) > 6 else name + "s", "place"))
        elif how == 3:
            name = rng.choice([n for n in pool if " " in n] or pool)
            named.append(EntityRef(name.split()[-1], ""))
        elif named:
            j = rng.randrange(len(named))
            named[j] = EntityRef(named[j].name, rng.choice(KINDS))
        mentions[k] = dataclasses.replace(m, named=tuple(named))
    return dataclasses.replace(analysis, mentions=tuple(mentions))


def _same(index: EntityIndex, expected: EntityIndex) -> None:
    assert index.canonical == expected.canonical
    assert index.kinds == expected.kinds


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_names_folded_from_moved_counts_are_folded_as_anew(corpus, seed):
    resources, analyses = corpus
    gaz = resources.gazetteer
    rng = random.Random(seed)
    pool = sorted({r.name for a in analyses for m in a.mentions for r in m.every_name}) + [
        "Carol Robinson", "Zebedee Robinson", "Vladivostok", "Vladivostock", "Arbuthnot Hall"]
    names, memo = NameRefs(), {}
    now = list(analyses)
    common = frozenset({"the", "council"})
    _same(names.index(now, gaz, common, memo), EntityIndex.build(
        [r for a in now for m in a.mentions for r in m.every_name], gaz, common))
    assert names.recounts == 1
    for step in range(40):
        for o in rng.sample([o for o, a in enumerate(now) if a.mentions], rng.randint(1, 3)):
            now[o] = _renamed(now[o], rng, pool)
        if step % 10 == 9:
            now.append(_renamed(now.pop(0), rng, pool))  # (an article gone, one come)
        expected = EntityIndex.build([r for a in now for m in a.mentions for r in m.every_name], gaz, common)
        _same(names.index(now, gaz, common, memo), expected)
    # most folds were served by the counts moved; some were counted again, in order (kinds tied)
    assert 1 < names.recounts < 30


def test_a_tie_of_kinds_counts_the_names_again_in_order(corpus):
    """"Arbuthnot Hall" written once as a person and once as a place, in two
    articles: the kind that comes first wins (Counter.most_common), which
    moved counts do not know, so they are counted again in the corpus's order."""
    resources, analyses = corpus
    gaz = resources.gazetteer
    now = [a for a in analyses if a.mentions][:6]

    def naming(a, kind):
        m = a.mentions[0]
        return dataclasses.replace(a, mentions=(dataclasses.replace(m, named=(EntityRef("Arbuthnot Hall", kind),)),
                                                *a.mentions[1:]))

    names, common = NameRefs(), frozenset()
    names.index(now, gaz, common)
    now[3] = naming(now[3], "place")
    got = names.index(now, gaz, common)
    assert got.kinds["Arbuthnot Hall"] == "place" and names.recounts == 1  # (one kind: served by the counts)
    now[1] = naming(now[1], "person")  # now one each: the first in the corpus's order, a person, wins
    got = names.index(now, gaz, common)
    assert got.kinds["Arbuthnot Hall"] == "person" and names.recounts == 2
    assert EntityIndex.build([r for a in now for m in a.mentions for r in m.every_name], gaz,
                             common).kinds["Arbuthnot Hall"] == "person"


def test_counts_moved_leave_the_last_ones_as_they_were(corpus):
    """The last build's counts are what a build that fails goes on with."""
    resources, analyses = corpus
    refs = [r for a in analyses for m in a.mentions for r in m.every_name]
    counts = NameCounts.of(refs, resources.gazetteer)
    before = (dict(counts.counts), {n: dict(c) for n, c in counts.votes.items()})
    moved = counts.moved(refs[:50], [EntityRef("Arbuthnot Hall", "place")], resources.gazetteer)
    assert (dict(counts.counts), {n: dict(c) for n, c in counts.votes.items()}) == before
    assert moved.counts["Arbuthnot Hall"] == 1 and not moved.in_order
    assert moved.counts == NameCounts.of([*refs[50:], EntityRef("Arbuthnot Hall", "place")],
                                         resources.gazetteer).counts


def test_an_entity_of_no_kind_whose_spellings_bring_two_kinds_is_folded_in_order(corpus):
    """"Quendrillan", written with no kind, takes the near spellings
    "Quendrillon" (a place) and "Quendrillen" (an organisation): it takes the
    kind of the one that comes last in the corpus's order, which moved
    counts do not know, so they are counted again in order."""
    resources, analyses = corpus
    gaz = resources.gazetteer
    now = [a for a in analyses if a.mentions][:6]

    def naming(a, *refs):
        m = a.mentions[0]
        return dataclasses.replace(a, mentions=(dataclasses.replace(m, named=refs), *a.mentions[1:]))

    names, common = NameRefs(), frozenset()
    now[4] = naming(now[4], EntityRef("Quendrillan", ""), EntityRef("Quendrillon", "place"))
    names.index(now, gaz, common)
    now[0] = naming(now[0], EntityRef("Quendrillen", "organisation"))  # (before the others)
    got = names.index(now, gaz, common)
    expected = EntityIndex.build([r for a in now for m in a.mentions for r in m.every_name], gaz, common)
    assert got.canonical["Quendrillen"] == got.canonical["Quendrillon"] == "Quendrillan"
    _same(got, expected)
    assert expected.kinds["Quendrillan"] == "place" and names.recounts == 2


def test_the_preview_counts_the_names_once_its_first_site_is_live(tmp_path):
    """A preview whose first build is served by the merge record on disk
    (the command line built the site before) folds no names in that build;
    it counts them and folds their spellings once the site is live, so the
    first save moves the counts (NameRefs.index) instead of reading every
    name and comparing every group of spellings (about 0.5 s at 10,000
    articles before that save's early page)."""
    import time

    from generator.corpus import merge_record
    from generator.serve import PreviewState, rebuild
    from tests.support import build_site, seed_project

    project = seed_project(tmp_path)
    build_site(project / "site.toml", output=project / "out", search_index=False)
    time.sleep(2.2)  # (the files just written out of the racy window: the record on disk serves)
    folded: list[int] = []
    build = merge_record.recorded_index

    def recorded(*args):
        folded.append(1)
        return build(*args)

    merge_record.recorded_index = recorded  # (counted: the first build's names are the record's)
    try:
        state = PreviewState(project / "site.toml", None, project / ".preview")
        assert rebuild(state)
    finally:
        merge_record.recorded_index = build
    assert folded  # served by the record on disk: no names folded in the build
    names = state.kept.names
    assert names.counted is not None and names.recounts == 1 and state.kept.spellings
    assert len(names.known) == 5  # (every seed article's names)
