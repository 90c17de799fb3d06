"""The preview's merge record read through a move of its places, made
whole only once the saved article's page is shown.

An edit that adds or removes a dated sentence moves the place of every
mention after it (corpus/record_shift.py), and every structure of the
record is indexed by places. Moving them all took 0.18 to 0.21 s of each
such save at 10,000 articles before the page could be shown, where the
recluster and the events it makes again read the pairs, partners and
groups of a few dozen mentions. So the scored pairs (`MovedPairs`), each
mention's partners (`MovedNear`) and the groups (`MovedGroups`) are read
through the move until the early page is out (merge.merge_recorded), and
then made into plain dicts and lists, as moving them whole would have
made them (`whole`): the next merge, the record's checks and the tests
read those.

Every place an article's removed mentions went onto (its first mention
now, which is dirty: record_shift._gone_pairs) is `owned`: its pairs and
partners are those the shift worked out, held beside the base, never read
from it.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from collections.abc import Set as AbstractSet
from itertools import chain
from operator import itemgetter
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")
Pair = tuple[int, int]

_FIRST, _SECOND = itemgetter(0), itemgetter(1)


class _Overlay(MutableMapping[K, V], Generic[K, V]):
    """A base dict (the last record's, never changed) read at the places
    now, with what changed since held beside it: `own` (entries set now)
    and `dropped` (entries of the base deleted now)."""

    __slots__ = ("_base", "_move", "_to_old", "_owned", "_own", "_dropped", "_cleared")

    def __init__(self, base: dict, move: list[int], to_old: list[int | None], owned: frozenset[int],
                 own: dict | None = None, dropped: set | None = None, cleared: list | None = None):
        self._base, self._move, self._to_old, self._owned = base, move, to_old, owned
        self._own: dict = {} if own is None else own
        self._dropped: set = set() if dropped is None else dropped
        # the base's keys (earlier places) that the owned places held, to leave out when made whole
        self._cleared: list = [] if cleared is None else cleared

    def _from_base(self, key: K) -> V:  # (KeyError if the base holds none at the key now)
        raise NotImplementedError

    def __getitem__(self, key: K) -> V:
        own = self._own.get(key)
        if own is not None or key in self._own:
            return own  # type: ignore[return-value]
        if key in self._dropped:
            raise KeyError(key)
        return self._from_base(key)

    def __contains__(self, key: object) -> bool:
        try:
            self[key]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __setitem__(self, key: K, value: V) -> None:
        self._own[key] = value
        self._dropped.discard(key)

    def __delitem__(self, key: K) -> None:
        if key not in self:
            raise KeyError(key)
        self._own.pop(key, None)
        try:
            self._from_base(key)
        except KeyError:
            return
        self._dropped.add(key)

    def base_size(self) -> int:
        """How many entries the base holds (what making these plain passes over)."""
        return len(self._base)

    def copy(self):
        """A copy to change (the base shared, never changed)."""
        return type(self)(self._base, self._move, self._to_old, self._owned, dict(self._own), set(self._dropped),
                          self._cleared)

    def _moved_base(self) -> dict:
        raise NotImplementedError

    def whole(self) -> dict:
        """A plain dict of these entries: the base's moved in one pass (as
        record_shift moved them before), less those of the owned places and
        those dropped, with the own entries."""
        out = self._moved_base()
        for key in chain(self._cleared, self._dropped):
            out.pop(key, None)
        out.update(self._own)
        return out

    def __iter__(self) -> Iterator[K]:
        return iter(self.whole())

    def __len__(self) -> int:
        return len(self.whole())


class MovedPairs(_Overlay[Pair, float]):
    """The scored pairs (clustering.Scored.edges: (place, place) in place
    order -> score) at the places now. A place's earlier place is
    `to_old`'s (None: a mention added, in no pair); the move keeps the
    order of every place not removed, so a pair's order holds."""

    def _from_base(self, key: Pair) -> float:
        a, b = key
        if a in self._owned or b in self._owned or not 0 <= a < b < len(self._to_old):
            raise KeyError(key)
        oa, ob = self._to_old[a], self._to_old[b]
        if oa is None or ob is None:
            raise KeyError(key)
        return self._base[(oa, ob)]

    def _moved_base(self) -> dict:
        move, keys = self._move.__getitem__, list(self._base)
        return dict(zip(zip(map(move, map(_FIRST, keys)), map(move, map(_SECOND, keys)), strict=True),
                        self._base.values(), strict=True))


class MovedNear(_Overlay[int, list[int]]):
    """Each mention's partners (clustering.Scored.near: place -> the places
    it has a pair with) at the places now, each list moved as it is read."""

    def _from_base(self, key: int) -> list[int]:
        if key in self._owned or not 0 <= key < len(self._to_old):
            raise KeyError(key)
        old = self._to_old[key]
        if old is None:
            raise KeyError(key)
        return list(map(self._move.__getitem__, self._base[old]))

    def _moved_base(self) -> dict:
        move = self._move.__getitem__
        return dict(zip(map(move, self._base), [list(map(move, run)) for run in self._base.values()], strict=True))


class MovedGroups:
    """The clustering's groups (each a tuple of places) at the places now:
    `base` (the last record's, in its order) read through the move. Each
    group's first place now is found in one pass (`firsts`), a group is
    moved as it is read, and `whole` moves them all."""

    __slots__ = ("base", "move")

    def __init__(self, base: list[tuple[int, ...]], move: list[int]):
        self.base, self.move = base, move

    def __len__(self) -> int:
        return len(self.base)

    def __getitem__(self, k: int) -> tuple[int, ...]:
        return tuple(map(self.move.__getitem__, self.base[k]))

    def firsts(self) -> list[int]:
        """Each group's first place, moved (a removed mention's place moves onto its article's first mention)."""
        return list(map(self.move.__getitem__, map(_FIRST, self.base)))

    def whole(self) -> list[tuple[int, ...]]:
        step = self.move.__getitem__
        return [tuple(map(step, g)) for g in self.base]


def moved_whole(groups: list, move: list[int], made: AbstractSet[int]) -> list[tuple[int, ...]]:
    """`groups` at the places now, where the groups whose identity is in
    `made` are at those places already and the others at the earlier ones."""
    step = move.__getitem__
    return [g if id(g) in made else tuple(map(step, g)) for g in groups]
