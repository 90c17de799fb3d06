"""The final form (id and place in the site's order) of the events a
redating made again, found from the merge's region alone.

A dated save in the preview changes a few hundred of 65,000 events (at
10,000 articles): the clusters that hold the moved mentions, and those of
the spans and days they touch (merge._made_again). The saved article's page
shows only the events that cite it, all of them among those, yet before it
could be rendered the merge sorted every event again, numbered every shared
id base (merge.ids_assigned), and history.keep_ids looked at every id: some
0.2 s of passes over the whole corpus before the page the editor waits for.

Those passes give each of the region's events what depends on a few others
only:
- its id: its base, numbered among the events with the same base
  (ids_assigned sorts them by their sentences), then, when that id was never
  published, the retired id whose sentences it holds most of (keep_ids);
- its place: the site's order is by (salience.listing_order, id)
  (overrides.apply_overrides sorts each run of equal keys by id).

So `final_events` works them out from the record's index of its events'
bases and ids (`Naming`, made once per merge) and an index of the
published ids' sentences (`PublishedKeys`, made once per published
manifest), touching only the region. Where that could differ from the
passes (a base that is, or looks like, another base's numbered id, which
ids_assigned would suffix with "-x"; one sentence's key in two events) it
gives None, and the page waits for the passes.
The pipeline hands the page over early from these events, and the page the
full merge then renders is compared with it (pipeline._run): a difference
is shown at once, and tests/test_early_pages.py checks there is none.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..model import Event
from .history import sentence_keys
from .salience import listing_order


@dataclass(frozen=True)
class Naming:
    """Of a merge's events: each one by its id as ids_assigned gave it
    (before keep_ids), and the events of each id base that more than one
    has. Made from what ids_assigned found, in C: a pass of Python over
    65,000 events' bases took 0.1 to 0.2 s of every preview merge."""

    by_id: dict[str, Event]
    shared: dict[str, tuple[Event, ...]]

    @classmethod
    def of(cls, ranked: Sequence[Event], ids: Sequence[str], shared: dict[str, list[int]]) -> Naming:
        """`ranked`: the events in the site's order, before their ids (their
        `id` is their base); `ids`: theirs; `shared`: each base more than one
        has -> their places in `ranked` (ids_assigned's `shared`)."""
        return cls(dict(zip(ids, ranked, strict=True)),
                   {base: tuple(map(ranked.__getitem__, places)) for base, places in shared.items()})

    def members(self, base: str) -> tuple[Event, ...]:
        """The events whose base is `base`."""
        got = self.shared.get(base)
        if got is not None:
            return got
        e = self.by_id.get(base)  # (a lone base is its event's id)
        return (e,) if e is not None and e.id == base else ()


@dataclass(frozen=True)
class PublishedKeys:
    """Each sentence key (merge.mention_key) -> the ids published with it,
    of one published history (`source`, the manifest's "ids", by identity:
    the record a build wrote, which the preview's next build reads back)."""

    source: Mapping[str, object]
    ids_of: dict[str, tuple[str, ...]]
    sizes: dict[str, int]  # each id's number of distinct keys (history.keep_ids's share is of these)

    @classmethod
    def of(cls, published: Mapping[str, object]) -> PublishedKeys:
        ids_of: dict[str, list[str]] = defaultdict(list)
        sizes: dict[str, int] = {}
        for old_id, entry in published.items():
            distinct = sentence_keys(entry)
            sizes[old_id] = len(distinct)
            for k in distinct:
                ids_of[k].append(old_id)
        return cls(published, {k: tuple(v) for k, v in ids_of.items()}, sizes)


@dataclass(frozen=True)
class Region:
    """What a redating's merge made again, handed to the pipeline before it
    sorts and names every event (merge.merge_recorded's `early`)."""

    events: list[Event]  # every event in the clusters' order, before their ids (the record's or made now)
    again: list[int]  # the places of the clusters made again
    dropped: set[int]  # the record's events (places in its clusters' order) no cluster takes back
    record_events: tuple[Event, ...]  # the record's, in its clusters' order, before their ids
    naming: Naming  # the record's
    moved: frozenset[str]  # the slugs of the articles whose mentions moved


def final_events(region: Region, wanted: Iterable[str], published: Mapping[str, object],
                 keys: PublishedKeys) -> list[Event] | None:
    """The events holding any of the sentence keys `wanted` (all among the
    region's), with the ids the full merge gives them, in the site's order;
    None where that cannot be told from the region (see the module's
    docstring). `published`: the history the build read (history.published),
    whose keys `keys` indexes."""
    wanted = set(wanted)
    events, naming, made = region.events, region.naming, region.record_events
    gone = {id(made[k]) for k in region.dropped}  # the record's events not taken back (by identity)
    fresh: dict[str, list[Event]] = defaultdict(list)  # the events made again, by base
    for i in region.again:
        fresh[events[i].id].append(events[i])
    for base in fresh:
        e = naming.by_id.get(base)
        if e is not None and e.id != base:
            return None  # a base that is a numbered id of the record's: ids_assigned's "-x"
    affected = set(fresh).union(made[k].id for k in region.dropped)
    for base in affected:
        # a base that looks like another base's numbered id ("X-2", "X-2-x"): its coming or going renames
        # that base's events ("-x" added or dropped), which may lie outside the region
        prefix = _NUMBERED.fullmatch(base)
        if prefix is not None and (len(naming.members(prefix[1])) > 1 or len(fresh.get(prefix[1], ())) > 1):
            return None
    citing = [i for i in region.again if not wanted.isdisjoint(events[i].mentions)]
    # every event of an affected base, numbered as ids_assigned numbers them
    pre_id: dict[int, str] = {}  # id(event) -> its id before keep_ids
    place = {id(events[i]): i for i in region.again}  # an event made again -> its cluster's place
    for base in affected:
        members = [e for e in naming.members(base) if id(e) not in gone] + fresh.get(base, [])
        ordered = sorted(members, key=_MENTIONS)
        for a, b in zip(ordered, ordered[1:], strict=False):
            # equal sentence lists (a sentence key in two events) go in the site's order before the ids:
            # by key, then cluster place; known here for the events made again only
            if a.mentions == b.mentions and (id(a) not in place or id(b) not in place):
                return None
        ordered.sort(key=lambda e: (e.mentions, listing_order(e), place.get(id(e), -1)))
        for n, e in enumerate(ordered, 1):
            numbered = f"{base}-{n}"
            if n > 1 and (naming.members(numbered) or numbered in fresh):
                return None  # another event's base: ids_assigned's "-x"
            pre_id[id(e)] = base if n == 1 else numbered
    now = set(pre_id.values())

    def in_use(old_id: str) -> bool:
        """Is `old_id` an event's id now (before keep_ids)?"""
        if old_id in now:
            return True
        e = naming.by_id.get(old_id)
        return e is not None and id(e) not in gone and e.id not in affected

    out = []
    taken: set[str] = set()
    for i in citing:
        e = events[i]
        own = pre_id[id(e)]
        final = own if own in published else _claimed(e, published, keys, in_use) or own
        if final != own and any(_claims(events[j], final, published, keys, pre_id) for j in region.again if j != i):
            return None  # one sentence's key in two events (a sentence giving one expression twice)
        if final in taken:
            return None
        taken.add(final)
        out.append(e if final == e.id else dataclasses.replace(e, id=final))
    out.sort(key=lambda e: (listing_order(e), e.id))
    return out


def _claimed(e: Event, published: Mapping[str, object], keys: PublishedKeys, in_use) -> str | None:
    """The retired id (published, not in use now) that history.keep_ids
    gives `e`: the one whose sentences it holds the greatest share of, more
    than half (an event holds its sentences alone, so no other claims it)."""
    counts = Counter(old for k in e.mentions for old in keys.ids_of.get(k, ())
                     if old in published and not in_use(old))
    claims = [(-shared / keys.sizes[old], old) for old, shared in counts.items() if shared * 2 > keys.sizes[old]]
    return min(claims)[1] if claims else None


def _claims(e: Event, old_id: str, published: Mapping[str, object], keys: PublishedKeys,
            pre_id: dict[int, str]) -> bool:
    """Could history.keep_ids give `old_id` to `e` too? Only if `e`'s own id
    was never published and `e` holds more than half of its sentences: an
    event that shares a sentence key with another (a sentence giving one
    expression twice makes two mentions with one key)."""
    if pre_id.get(id(e), e.id) in published:
        return False
    return len(sentence_keys(published.get(old_id)).intersection(e.mentions)) * 2 > keys.sizes.get(old_id, 0)


_NUMBERED = re.compile(r"(.+)-\d+(?:-x)*")  # a numbered id (ids_assigned): its base and a number


def _MENTIONS(e: Event) -> tuple[str, ...]:
    return e.mentions
