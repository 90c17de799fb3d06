"""The site's planning runs with the cyclic garbage collector off, its
objects then moved to the oldest generation (build.made_old): they live to
the build's end and hold no cycle (at 10,000 articles the forked worker's
pipes leave 9; these tests plan without one), so the young collections
walked them for nothing (10,000 articles, a preview rebuild's planning 8.5
-> 7.2 s)."""

from __future__ import annotations

import gc
import multiprocessing

from generator import pipeline
from generator.build import made_old
from generator.site import plan
from tests.support import analysed, seed_project


def test_objects_made_while_planning_go_to_the_oldest_generation():
    was = gc.isenabled()
    gc.enable()
    try:
        with made_old():
            assert not gc.isenabled()
            made = [[n] for n in range(50)]
        assert gc.isenabled()
        oldest = {id(o) for o in gc.get_objects(generation=2)}
        assert all(id(o) in oldest for o in made)
        young = {id(o) for g in (0, 1) for o in gc.get_objects(generation=g)}
        assert not any(id(o) in young for o in made)
    finally:
        if not was:
            gc.disable()
    gc.disable()
    try:
        with made_old():
            pass
        assert not gc.isenabled()  # a caller's collector left as it was
    finally:
        if was:
            gc.enable()


def _garbage_of_planning(project) -> tuple[int, int, int]:
    """Pages planned, then the cycles a collection finds after planning and after the site goes.
    The site is planned once before, and let go: what a first plan in a process may leave once
    (a module imported on first use, a cache filled) is not what a build's plans leave."""
    # What an earlier test left in the worker this process was forked from: a preview it ran freezes
    # its objects between builds (serve.rebuild), and a frozen object is never collected, until
    # planning's made_old unfreezes it (a closed preview's event loop: the full suite's 86 objects)
    gc.unfreeze()
    gc.collect()
    config, resources, analyses, _ = analysed(project)
    events, index = pipeline.merged_events(analyses, resources, config)
    gc.disable()
    plan(config, analyses, events, index)
    gc.collect()
    site = plan(config, analyses, events, index)
    pages, after_plan = len(site.pages), gc.collect()
    del site
    return pages, after_plan, gc.collect()


def test_planning_leaves_no_cycle_behind(tmp_path):
    """What made_old rests on: the planned site holds no cycle, and planning
    leaves none behind, so nothing is left for a collection to find. In a
    forked process: there no thread an earlier test left running in this
    one (a preview's event loop) makes garbage of its own meanwhile."""
    with multiprocessing.get_context("fork").Pool(1) as pool:
        pages, after_plan, after_del = pool.apply(_garbage_of_planning, (seed_project(tmp_path),))
    assert pages > 20
    assert after_plan == 0
    assert after_del == 0


def _garbage_of_merging(project) -> tuple[int, bool, int, int]:
    """A dated sentence added to a seed article merged with the last
    merge's record, as the preview merges (its record moved to the places
    now: record_shift.py), then the cycles a collection finds after the
    merge and after its results go."""
    from generator.analysis.cache import Cache
    from generator.corpus import merge

    gc.unfreeze()
    gc.collect()
    config, resources, analyses, keys = analysed(project, write_output=True)
    gc.collect()
    gc.disable()
    _, _, known = pipeline.merge_corpus(analyses, resources, config, 1, keys, keep_scored=True)
    after_first = gc.collect()
    gc.enable()
    path = sorted((project / "content").rglob("*.md"))[0]
    path.write_text(path.read_text() + "\n\nThe council met again in Oslo on 4 March 2019.\n")
    config, resources, analyses, keys = analysed(project, write_output=True)
    earlier = Cache(project / ".cache" / "articles", writable=False).get
    anew: list[int] = []
    clustering_all = merge.cluster_scored
    merge.cluster_scored = lambda *a, **k: anew.append(1) or clustering_all(*a, **k)  # type: ignore[assignment]
    gc.collect()
    gc.disable()
    try:
        merged = pipeline.merge_corpus(analyses, resources, config, 1, keys, known, earlier, keep_scored=True)
    finally:
        merge.cluster_scored = clustering_all
    after_merge = gc.collect()
    del merged, known
    return after_first, not anew, after_merge, gc.collect()


def test_a_merge_with_the_record_leaves_no_cycle_behind(tmp_path):
    """What made_old around the preview's merge rests on: a merge served by
    the last record (a dated sentence added: the record moved, the edit
    reclustered) leaves no cycle, nor do its events and record once let go,
    nor does the first merge, of every mention."""
    with multiprocessing.get_context("fork").Pool(1) as pool:
        after_first, served, after_merge, after_del = pool.apply(_garbage_of_merging, (seed_project(tmp_path),))
    assert after_first == 0
    assert served  # (the record served it: nothing clustered anew)
    assert after_merge == 0
    assert after_del == 0
