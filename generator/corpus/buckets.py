"""The clustering's (feature, year) buckets as the preview's record keeps
them from save to save: a dict made once, read through a move of its
places, with the buckets changed since held beside it.

A bucket lists the places of the mentions holding a feature in a year,
in place order (clustering._buckets). An edit that adds or removes a dated
sentence moves every place after it (corpus/record_shift.py), and moving
every bucket's places took 0.18 to 0.22 s of each such save at 10,000
articles (38,000 buckets, a million places), where a recluster reads a few
hundred of them. So the places are moved when a bucket is read: the move
of the base's places to the places now is one list (composed with the next
move in one pass over it), and the buckets an edit changed, or a removed
mention left, are held whole in `own`. Once those are a quarter of the
base, the whole is made into a dict again, so a long session's reads do
not slow.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

Key = tuple[str, int]

FLATTEN_SHARE = 4  # the held buckets at which the whole is made one dict again: a quarter of the base's


class Buckets(Mapping[Key, list[int]]):
    """(feature, year) -> the places of its mentions, in place order.

    `base` is never changed (it may be the last record's, which a build
    that fails goes on with); `move` takes each of its places to the place
    now (None: as they are); `own` holds each bucket changed since, at the
    places now (None: gone). Every bucket that ever held a place since
    removed is in `own`: a removed mention's place moves onto another
    mention's, which only `own` puts right."""

    __slots__ = ("_base", "_move", "_own")

    def __init__(self, base: dict[Key, list[int]], move: list[int] | None = None,
                 own: dict[Key, list[int] | None] | None = None):
        self._base = base
        self._move = move
        self._own: dict[Key, list[int] | None] = {} if own is None else own

    @classmethod
    def of(cls, buckets: Mapping[Key, list[int]]) -> Buckets:
        """`buckets` as Buckets: a copy to change (a dict is shared as the base, not copied)."""
        if isinstance(buckets, Buckets):
            return Buckets(buckets._base, buckets._move, dict(buckets._own))
        assert isinstance(buckets, dict)
        return cls(buckets)

    def _moved(self, ids: list[int]) -> list[int]:
        return ids if self._move is None else list(map(self._move.__getitem__, ids))

    def __getitem__(self, key: Key) -> list[int]:
        if key in self._own:
            ids = self._own[key]
            if ids is None:
                raise KeyError(key)
            return ids
        return self._moved(self._base[key])

    def get(self, key: Key, default=None):
        if key in self._own:
            ids = self._own[key]
            return default if ids is None else ids
        ids = self._base.get(key)
        return default if ids is None else self._moved(ids)

    def __contains__(self, key: object) -> bool:
        if key in self._own:
            return self._own[key] is not None
        return key in self._base

    def __iter__(self) -> Iterator[Key]:
        own = self._own
        yield from (k for k in self._base if own.get(k, k) is not None)
        yield from (k for k, ids in own.items() if ids is not None and k not in self._base)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __setitem__(self, key: Key, ids: list[int]) -> None:
        self._own[key] = ids

    def __delitem__(self, key: Key) -> None:
        if key not in self:
            raise KeyError(key)
        self._own[key] = None

    def moved(self, to_new: list[int]) -> Buckets:
        """These buckets with every place `p` at `to_new[p]` (a copy; the
        caller then puts right the buckets of any place removed)."""
        step = to_new.__getitem__
        move = to_new if self._move is None else list(map(step, self._move))
        own = {k: None if ids is None else list(map(step, ids)) for k, ids in self._own.items()}
        return Buckets(self._base, move, own)

    def settled(self) -> Buckets:
        """These buckets, as one dict again once the held ones are many (FLATTEN_SHARE)."""
        if len(self._own) * FLATTEN_SHARE < len(self._base):
            return self
        return Buckets(dict(self.items()))
