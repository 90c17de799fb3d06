"""Every URL an event was ever published at keeps leading somewhere.

An event's id comes from its first report (merge._anchor), so other
articles coming and going never rename it. But a merge or a split can: two
events that become one keep one id, and an event whose first report is
edited or deleted gets another. The build manifest keeps, for every id ever
published, the sentences it was made from (merge.mention_key) and its date.
An event that holds most of the sentences of a retired id takes that id back
(keep_ids); any other retired id leads to the event that now holds most of
its sentences, else to the page of its period (moved). So the output depends
on the content and on the ids the site has published before, never on
anything else.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress, filterfalse
from operator import attrgetter, not_

from ..model import Event

_ID = attrgetter("id")

Record = dict[str, dict[str, object]]  # id -> {"keys": [mention keys], "date": TIMEX3 value}


@dataclass(frozen=True)
class Moved:
    old_id: str
    new_id: str | None  # the event that holds most of its sentences; None: none is left
    date: str  # the old event's date (for its period's page)


def sentence_keys(entry: object) -> set[str]:
    """The sentence keys (merge.mention_key) an id was published with: none
    when its history entry is not the {"keys": [...]} a build writes."""
    keys = entry.get("keys") if isinstance(entry, dict) else None
    return {k for k in keys if isinstance(k, str)} if isinstance(keys, list) else set()


def published(manifest: dict, written: bool = False) -> Record:
    """The history a build manifest holds ({} when it holds none, or
    garbage). `written`: the manifest is the very one this process wrote
    (manifest_memo.Manifests, the preview's), whose history `record` made:
    handed on as it is, unchecked (every reader only reads it; checking
    and copying 65,000 ids took some 10 ms of every preview save)."""
    ids = manifest.get("ids")
    if not isinstance(ids, dict):
        return {}
    if written:
        return ids
    if set(map(type, ids)) <= {str} and set(map(type, ids.values())) <= {dict}:
        return dict(ids)  # a sound one, checked in C (65,000 ids at 10,000 articles, at every preview save)
    return {k: v for k, v in ids.items() if isinstance(k, str) and isinstance(v, dict)}


def record(previous: Record, events: list[Event]) -> Record:
    """The history to keep: every id published now, and every id published
    before with what it was made from then."""
    out: Record = {k: v for k, v in previous.items() if isinstance(v, dict)}
    for e in events:
        out[e.id] = {"keys": list(e.mentions), "date": e.date}
    return dict(sorted(out.items()))


def moved(previous: Record, events: list[Event]) -> list[Moved]:
    """Where each id of the history that is not published now should lead."""
    current = {e.id for e in events}
    holder: dict[str, str] = {}
    for e in events:
        for k in e.mentions:
            holder.setdefault(k, e.id)
    out = []
    for old_id, entry in sorted(previous.items()):
        if old_id in current or not isinstance(entry, dict):
            continue
        counts = Counter(holder[k] for k in sentence_keys(entry) if k in holder)
        new_id = min(counts, key=lambda i: (-counts[i], i)) if counts else None
        out.append(Moved(old_id, new_id, str(entry.get("date", ""))))
    return out


def keep_ids(previous: Record, events: list[Event], ids: Sequence[str] | None = None) -> list[Event]:
    """Events that hold most of the sentences of an id published before and
    no longer in use keep that id: an edit to an event's first sentence, or
    the arrival of an earlier report, then changes no URL at all. `ids`:
    the events' ids in order, when known (the preview's merge record's:
    MergeRecord.ids), instead of a pass over every event for them."""
    # (the record's as they are: a copy of 65,000 ids took 6 ms of each preview save; they are only read)
    ids = ids if ids is not None and len(ids) == len(events) else list(map(_ID, events))
    now = set(ids)
    gone = set(filterfalse(now.__contains__, previous))  # the ids published and now free (in C, a few)
    retired = {i: keys for i, keys in ((i, sentence_keys(previous[i])) for i in sorted(gone)) if keys}
    if not retired:
        return events
    by_key: dict[str, list[str]] = {}
    for old_id, keys in retired.items():
        for k in keys:
            by_key.setdefault(k, []).append(old_id)
    claims: list[tuple[float, str, int]] = []
    # the events whose own id was not published (one that was keeps it), found in C
    for n in compress(range(len(ids)), map(not_, map(previous.__contains__, ids))):
        e = events[n]
        counts = Counter(old for k in e.mentions for old in by_key.get(k, ()))
        for old_id, shared in counts.items():
            if shared * 2 > len(retired[old_id]):  # most of the old event's sentences are here
                claims.append((-shared / len(retired[old_id]), old_id, n))
    renamed: dict[int, str] = {}
    used: set[str] = set()
    for _share, old_id, n in sorted(claims):
        if n not in renamed and old_id not in used:
            renamed[n] = old_id
            used.add(old_id)
    out = list(events)
    for n, old_id in renamed.items():
        out[n] = dataclasses.replace(events[n], id=old_id)
    return out
