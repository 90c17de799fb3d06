"""Which events' related events the preview's next plan must work out
again (views.Related), and the last plan's answer for the others.

Related.places(i) reads, of the events: event i's names and first day;
its neighbours in date order (four each side); for each of its names, the
events that give the name, in date order (the rarest names first, by how
many events give them); and those candidates' names, first days and ids.
An edit moves a few events, yet every event's related events were worked
out again (10,000 articles, 65,000 events: about 2.3 s of CPU on every
rebuild). Event i's answer, as event ids, is the last plan's when:
- event i was in the last plan, with the same names (in the same order)
  and first day;
- its neighbours in date order are the same events, none of them changed;
- for each of its names, the events giving it are the same, in the same
  order, and none of them changed (a changed event's names, old and new,
  all count as changed).
Then every candidate, its names, day and id, and so every score, is the
same. Unchanged events can change places (within a day, events are listed
by salience, which any edit moves a little): the comparisons are of ids,
never of places.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .views import Related

WINDOW = 4  # neighbours on each side in date order that Related.places reads


def _window(ids: list[str], i: int) -> list[str]:
    return ids[max(0, i - WINDOW):i + WINDOW + 1]


@dataclass
class RelatedMemo:
    """The last plan's related events, by event id, and what they were made from."""

    ids: list[str] = field(default_factory=list)  # the events in date order
    place: dict[str, int] = field(default_factory=dict)  # id -> place in `ids`
    basis: dict[str, tuple] = field(default_factory=dict)  # id -> (names, first day)
    givers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name -> ids of the events giving it
    found: dict[str, tuple[str, ...]] = field(default_factory=dict)  # id -> its related events' ids
    # what known() read of this plan's events, for remember() to keep (not made twice)
    _read: tuple | None = field(default=None, repr=False, compare=False)

    def known(self, related: Related) -> list[list[int] | None]:
        """Each event's related events (places), the last plan's where they
        are the same by the rules above, else None (to be worked out)."""
        ids = related.ids
        basis, givers = self._basis(related), self._givers(related)
        self._read = (related, basis, givers)
        if not self.found:
            return [None] * len(ids)
        old_basis = self.basis
        changed: set[str] = set()
        dirty: set[str] = set()  # names whose events changed
        for id_, b in zip(ids, basis, strict=True):
            old = old_basis.get(id_)
            if old != b:
                changed.add(id_)
                dirty.update(b[0])
                if old is not None:
                    dirty.update(old[0])
        for gone in old_basis.keys() - set(ids):
            dirty.update(old_basis[gone][0])
        dirty.update(n for n, g in givers.items() if self.givers.get(n) != g)
        dirty.update(self.givers.keys() - givers.keys())
        place = {id_: i for i, id_ in enumerate(ids)}
        old_ids, old_place, found, names = self.ids, self.place, self.found, related.names
        out: list[list[int] | None] = []
        for i, id_ in enumerate(ids):
            got = found.get(id_)
            if got is None or id_ in changed or not dirty.isdisjoint(names[i]):
                out.append(None)
                continue
            window = _window(ids, i)
            if window != _window(old_ids, old_place[id_]) or not changed.isdisjoint(window):
                out.append(None)
                continue
            out.append([place[j] for j in got])
        return out

    def remember(self, related: Related, places: list[list[int]]) -> None:
        """This plan's related events (`places`, each event's), for the next."""
        ids = related.ids
        read = self._read if self._read is not None and self._read[0] is related else None
        self._read = None
        basis, givers = (read[1], read[2]) if read is not None else (self._basis(related), self._givers(related))
        self.ids = list(ids)
        self.place = {id_: i for i, id_ in enumerate(ids)}
        self.basis = dict(zip(ids, basis, strict=True))
        self.givers = givers
        self.found = {id_: tuple(ids[j] for j in p) for id_, p in zip(ids, places, strict=True)}

    @staticmethod
    def _basis(related: Related) -> list[tuple]:
        return list(zip(related.entities, related.days, strict=True))

    @staticmethod
    def _givers(related: Related) -> dict[str, tuple[str, ...]]:
        ids = related.ids
        return {name: tuple(map(ids.__getitem__, at)) for name, at in related.by_entity.items()}
