"""A fingerprint of what a page is rendered from, so a rebuild renders only
the pages whose inputs changed.

A page is the same when its template files, the site-wide values every
template sees and its own context are the same. Contexts share most of their
data (an event's view is listed on the timeline, its year and every entity and
tag page), so the fingerprint is a Merkle hash: each dict and list is hashed
once per build, by identity, and a container's hash covers its children's.
"""

from __future__ import annotations

import hashlib

LONG = 8  # lists of scalars longer than this are hashed element by element (memoised); shorter ones whole
SHORT = 40  # a container whose text is at most this long stands for itself (a SHA-1 is 40 hex digits, no braces)
_SCALARS = {str, int, float, bool, type(None)}
_CONTAINERS = ("list", "dict", "tuple", "set", "Any", "object")


def _leaf(cls: type) -> bool:
    """A view whose fields hold no lists or dicts (a link, a quote, a date):
    its repr (one call) is its full text, faithful as its fields' reprs are."""
    fields = cls.__dataclass_fields__.values()  # type: ignore[attr-defined]
    generated_repr = cls.__dataclass_params__.repr and hasattr(cls.__repr__, "__wrapped__")  # type: ignore[attr-defined]
    return generated_repr and all(f.repr and not any(c in str(f.type) for c in _CONTAINERS) for f in fields)


class ContextHasher:
    def __init__(self, base: str):
        self.base = base
        self._memo: dict[int, str] = {}
        self._keep: list = []  # holds hashed containers alive, so their ids stay unique
        self._fields: dict[type, tuple[str, ...] | None] = {}  # a view's fields; None for a leaf view

    def token(self, obj) -> str:
        """A dict, a view (dataclass) or a list: the hash of its parts, once per object. Short
        lists, small views and scalars are written out whole by repr (C speed); a value
        repr cannot show faithfully (an object without a stable repr) makes
        the page look changed, so it is rendered again: never the other way."""
        key = id(obj)
        got = self._memo.get(key)
        if got is not None:
            return got
        value = self._value
        t = type(obj)
        if t is dict:
            body = "{" + ",".join([f"{k!r}:{value(v)}" for k, v in obj.items()]) + "}"
        elif hasattr(t, "__dataclass_fields__"):  # a view: its class and fields
            if t in self._fields:
                names = self._fields[t]
            else:
                names = self._fields[t] = None if _leaf(t) else tuple(t.__dataclass_fields__)
            if names is None:
                body = repr(obj)
            else:
                body = t.__name__ + "{" + ",".join([f"{k}:{value(getattr(obj, k))}" for k in names]) + "}"
        else:
            body = "[" + ",".join([value(v) for v in obj]) + "]"
        digest = body if len(body) <= SHORT and ("{" in body or "[" in body) else \
            hashlib.sha1(body.encode("utf-8", "surrogatepass")).hexdigest()
        self._memo[key] = digest
        self._keep.append(obj)
        return digest

    def _value(self, v) -> str:
        t = type(v)
        if t in _SCALARS:
            return repr(v)
        if t is list or t is tuple:
            if len(v) <= LONG and all(type(x) in _SCALARS for x in v):
                return repr(v)
            return self.token(v)
        if t is dict:
            return self.token(v)
        if hasattr(t, "__dataclass_fields__"):
            if t not in self._fields:
                self._fields[t] = None if _leaf(t) else tuple(t.__dataclass_fields__)
            return repr(v) if self._fields[t] is None else self.token(v)  # a leaf: its text, not memoised
        return repr(v)

    def page(self, template: str, url: str, title: str, context: dict) -> str:
        body = f"{self.base}|{template}|{url}|{title}|{self.token(context)}"
        return hashlib.sha1(body.encode("utf-8", "surrogatepass")).hexdigest()
