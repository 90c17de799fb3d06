"""Pickling for the frozen, slotted dataclasses of the model.

A dataclass with slots pickles through the get/set-state functions
dataclasses gives it: a Python call per object, and on loading a Python
loop that sets each field. The per-article analyses come back from the
worker processes (or a Dask cluster) pickled, some 100 objects an
article, so that doubled the time to pickle an analysis (0.30 -> 0.59 ms)
and made loading one a fifth slower (0.71 -> 0.87 ms). Pickled as the
constructor's call with the fields in order instead, an object is taken
apart in C and made again by its own __init__. Not for a class whose
__post_init__ checks its fields (model.Steps): that check would run again
on every load."""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from typing import TypeVar

T = TypeVar("T", bound=type)


def pickled_by_fields(cls: T) -> T:
    """Give a dataclass a __reduce__ that is its constructor and its fields' values, in order."""
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} checks its fields after __init__: it would check them on every load")
    names = [f.name for f in dataclasses.fields(cls) if f.init]
    if len(names) != len(dataclasses.fields(cls)):
        raise TypeError(f"{cls.__name__} has fields its constructor does not take")
    values = attrgetter(*names) if len(names) > 1 else (lambda obj: (attrgetter(names[0])(obj),))

    def __reduce__(self):
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign,assignment]
    return cls
