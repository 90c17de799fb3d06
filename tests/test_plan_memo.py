"""The preview's plan takes over the last plan's views where what they are
made from is the same (generator.site.memo), and the site is then the one a
plan without the memo makes, view for view and byte for byte: what changed
(an event, an article's facts, a name's kind, the URLs' base) is made
again. The preview's rebuilds through seven edits are checked against cold
builds in test_state.py."""

from __future__ import annotations

import typing
from dataclasses import fields, is_dataclass, replace

import pytest

from generator import pipeline
from generator.build import GENERATOR
from generator.model import Event
from generator.render import PageRenderer
from generator.site import plan
from generator.site.memo import _FLOAT_FIELDS, PlanMemo, _same_event
from tests.support import analysed, seed_project


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    config, resources, analyses, _ = analysed(seed_project(tmp_path_factory.mktemp("memo")))
    events, index = pipeline.merged_events(analyses, resources, config)
    return config, analyses, events, index


def _pages(site) -> dict[str, bytes]:
    renderer = PageRenderer(site, GENERATOR)
    return {p.path: renderer.render_one(p) for p in site.pages}


def _same_site(site, config, analyses, events, index) -> None:
    """`site` is what a plan without a memo makes of these inputs."""
    fresh = plan(config, analyses, events, index)
    assert site.events == fresh.events and site.articles == fresh.articles
    assert _pages(site) == _pages(fresh)


def test_a_plan_of_the_same_inputs_takes_over_every_view(inputs):
    config, analyses, events, index = inputs
    memo = PlanMemo()
    first = plan(config, analyses, events, index, memo=memo)
    assert memo.taken == (0, 0, 0)
    again = plan(config, analyses, events, index, memo=memo)
    assert memo.taken == (len(events), len(analyses), len(analyses))
    assert again.events == first.events and all(a is not b for a, b in zip(again.events, first.events, strict=True))
    # the briefs of events and their neighbours are the last plan's very objects (views.briefs_of)
    assert all(a.next is b.next and all(x is y for x, y in zip(a.related, b.related, strict=True))
               for a, b in zip(again.events, first.events, strict=True))
    _same_site(again, config, analyses, events, index)
    # events made again by the merge, equal to the last ones: their views are taken over too
    remade = [replace(e) for e in events]
    site = plan(config, analyses, remade, index, memo=memo)
    assert memo.taken[0] == len(events)
    _same_site(site, config, analyses, remade, index)


def test_what_changed_is_made_again(inputs):
    config, analyses, events, index = inputs
    memo = PlanMemo()
    plan(config, analyses, events, index, memo=memo)

    # an event's title
    retitled = [replace(events[0], title=events[0].title + " again"), *events[1:]]
    site = plan(config, analyses, retitled, index, memo=memo)
    assert memo.taken[0] == len(events) - 1 and site.events[0].title.endswith(" again")
    _same_site(site, config, analyses, retitled, index)

    # an event gone: the articles it cited (the same analyses) are marked again, the others taken over
    cited = {s.article for s in retitled[-1].sources}
    fewer = retitled[:-1]
    site = plan(config, analyses, fewer, index, memo=memo)
    assert memo.taken[:2] == (len(fewer), len(analyses) - len(cited))
    _same_site(site, config, analyses, fewer, index)
    plan(config, analyses, retitled, index, memo=memo)

    # an article's author: the views of the events that cite it, its text and its view
    slug = events[0].sources[0].article
    citing = sum(any(s.article == slug for s in e.sources) for e in retitled)
    moved = [replace(a, article=replace(a.article, author="A. Newcomer")) if a.article.slug == slug else a
             for a in analyses]
    site = plan(config, moved, retitled, index, memo=memo)
    assert memo.taken == (len(events) - citing, len(analyses) - 1, len(analyses) - 1)
    assert all(s.author == "A. Newcomer" for v in site.events for s in v.sources if s.article == slug)
    _same_site(site, config, moved, retitled, index)

    # a name's kind: the views of the events that give the name
    name = next(n for e in events for n in e.entities if index.kinds.get(n) == "person")
    naming = sum(name in (*e.entities, *e.named) for e in retitled)
    other = replace(index, kinds={**index.kinds, name: "organisation"})
    site = plan(config, moved, retitled, other, memo=memo)
    assert memo.taken[0] == len(events) - naming
    assert any(link.kind == "organisation" for v in site.events for link in v.entities if link.name == name)
    _same_site(site, config, moved, retitled, other)

    # another base for the URLs: nothing is taken over
    elsewhere = replace(config, site=replace(config.site, base_url="https://example.org/timeline/"))
    site = plan(elsewhere, moved, retitled, other, memo=memo)
    assert memo.taken == (0, 0, 0) and site.events[0].url.startswith("/timeline/")
    _same_site(site, elsewhere, moved, retitled, other)


def test_an_event_whose_salience_moved_keeps_its_view_with_the_new_salience(inputs):
    """A changed article elsewhere moves the saliences of events it does not
    report (the merge makes them again): their views are taken over, with
    the salience of the event; floats are never compared (0.0 == -0.0)."""
    config, analyses, events, index = inputs
    memo = PlanMemo()
    plan(config, analyses, events, index, memo=memo)
    moved = [replace(e, salience=round(e.salience / 2, 3)) for e in events]
    site = plan(config, analyses, moved, index, memo=memo)
    assert memo.taken[0] == len(events)
    assert [v.salience for v in site.events] == [e.salience for e in moved]
    _same_site(site, config, analyses, moved, index)
    assert _same_event(events[0], replace(events[0], salience=-0.0, day_closeness=-0.0))


def _types_within(t, seen: set) -> None:
    """Every type a field of `t` may hold, nested dataclasses' too."""
    if t in seen:
        return
    seen.add(t)
    if is_dataclass(t):
        for f in fields(t):
            _types_within(typing.get_type_hints(t)[f.name], seen)
    for arg in typing.get_args(t):
        _types_within(arg, seen)


def test_the_floats_of_an_event_are_its_own_fields_alone():
    """_same_event leaves the floats out: a float deeper in an event (a
    source's, a quote's) would compare by ==, which holds for 0.0 and -0.0."""
    hints = typing.get_type_hints(Event)
    seen: set = set()
    for f in fields(Event):
        if f.name not in _FLOAT_FIELDS:
            _types_within(hints[f.name], seen)
    assert float not in seen and all(hints[f] is float for f in _FLOAT_FIELDS)
