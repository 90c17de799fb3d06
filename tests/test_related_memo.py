"""The preview's plan works out again only the related events an edit can
change (generator.site.related_memo): on the events of a generated news
corpus, after each kind of change, every event's related events are those
Related works out afresh, and most are the last plan's."""

from __future__ import annotations

import zlib
from dataclasses import replace

import pytest

from generator import pipeline
from generator.corpus.salience import listing_order
from generator.site.related_memo import RelatedMemo
from generator.site.views import Related
from generator.temporal import calendar
from tests.support import analysed, make_corpus


@pytest.fixture(scope="module")
def events(tmp_path_factory):
    project = tmp_path_factory.mktemp("related")
    make_corpus(120, "plain", project, "Related", search=False)
    config, resources, analyses, _ = analysed(project)
    merged, _ = pipeline.merged_events(analyses, resources, config)
    assert len(merged) > 500
    return merged


def _ordered(events):
    return sorted(events, key=lambda e: (*listing_order(e), e.id))


def _step(memo: RelatedMemo, events) -> int:
    """The memo's answer for `events` is Related's afresh; how many it knew."""
    related = Related(events)
    known = memo.known(related)
    fresh = [related.places(i) for i in range(len(events))]
    assert [k if k is not None else f for k, f in zip(known, fresh, strict=True)] == fresh
    memo.remember(related, fresh)
    return sum(k is not None for k in known)


def test_the_related_events_kept_are_those_worked_out_afresh(events):
    memo = RelatedMemo()
    assert _step(memo, events) == 0
    assert _step(memo, events) == len(events)  # nothing changed: every answer kept

    # an event moved a year back, as a redated article moves its events
    i = len(events) // 2
    moved = events[i]
    year = calendar.when(moved.date.replace(moved.date[:4], str(int(moved.date[:4]) - 1), 1))
    assert year is not None
    redated = _ordered([*events[:i], replace(moved, when=year), *events[i + 1:]])
    kept = _step(memo, redated)
    assert len(events) // 2 < kept < len(events)

    # a name added to an event that another event gives
    j = next(k for k, e in enumerate(redated) if e.entities)
    name = next(n for e in redated[j + 1:] for n in e.entities if n not in redated[j].entities)
    renamed = [*redated[:j], replace(redated[j], entities=(*redated[j].entities, name)), *redated[j + 1:]]
    assert _step(memo, renamed) < len(events)

    # an event gone, another new
    fewer = renamed[:7] + renamed[8:]
    assert _step(memo, fewer) < len(fewer)
    more = _ordered([*fewer, replace(fewer[3], id=fewer[3].id + "-new")])
    assert _step(memo, more) < len(more)

    # saliences moved everywhere: events of one day change places, compared by id
    shuffled = _ordered([replace(e, salience=(zlib.crc32(e.id.encode()) % 997) / 997) for e in more])
    assert [e.id for e in shuffled] != [e.id for e in more]
    _step(memo, shuffled)
    assert _step(memo, shuffled) == len(shuffled)



def test_events_of_one_day_that_change_places_change_the_related_events_of_others(events):
    """Event X gives a name twenty events of a later day give too: the
    fifteen of them nearest X in the name's list of events are its
    candidates, and the five with the lowest ids its related events (they
    share the name and lie as close). When those twenty change places
    (their saliences moved), others are nearest, though X, its neighbours
    in date order and every event's names and days stay the same; the
    memo sees it in the name's list of events."""
    base = events[0]
    x = replace(base, id="x", when=calendar.when("2010-05-01"), entities=("Rare",))
    fillers = [replace(base, id=f"f{k}", when=calendar.when(f"2010-05-0{2 + k // 3}"), entities=(f"Filler {k}",))
               for k in range(10)]
    sharers = [replace(base, id=f"r{k:02d}", when=calendar.when("2010-05-30"), salience=k / 20, entities=("Rare",))
               for k in range(20)]
    memo = RelatedMemo()
    _step(memo, _ordered([x, *fillers, *sharers]))
    reversed_ = [replace(e, salience=1 - e.salience) for e in sharers]
    assert _step(memo, _ordered([x, *fillers, *reversed_])) < 31
