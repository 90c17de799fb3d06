"""The site's planning runs with the cyclic garbage collector off, its
objects then moved to the oldest generation (build.made_old): they live to
the build's end and hold no cycle (at 10,000 articles the forked worker's
pipes leave 9; these tests plan without one), so the young collections
walked them for nothing (10,000 articles, a preview rebuild's planning 8.5
-> 7.2 s)."""

from __future__ import annotations

import gc

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


def test_planning_leaves_no_cycle_behind(tmp_path):
    """What made_old rests on: the planned site holds no cycle, and planning
    leaves none behind, so nothing is left for a collection to find."""
    config, resources, analyses, _ = analysed(seed_project(tmp_path))
    events, index = pipeline.merged_events(analyses, resources, config)
    was = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        site = plan(config, analyses, events, index)
        assert len(site.pages) > 20
        assert gc.collect() == 0
        del site
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()
