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
_SCALARS = {str, int, float, bool, type(None)}


class ContextHasher:
    def __init__(self, base: str):
        self.base = base
        self._memo: dict[int, str] = {}
        self._keep: list = []  # holds hashed containers alive, so their ids stay unique

    def token(self, obj) -> str:
        """A dict, a view (dataclass) or a list: the hash of its parts, once per object. Short
        lists and scalars are written out whole by repr (C speed); a value
        repr cannot show faithfully (an object without a stable repr) makes
        the page look changed, so it is rendered again: never the other way."""
        key = id(obj)
        got = self._memo.get(key)
        if got is not None:
            return got
        value = self._value
        if type(obj) is dict:
            body = "{" + ",".join(f"{k!r}:{value(v)}" for k, v in obj.items()) + "}"
        elif hasattr(obj, "__dataclass_fields__"):  # a view: its class and fields
            body = type(obj).__name__ + "{" + ",".join(f"{k}:{value(getattr(obj, k))}"
                                                         for k in obj.__dataclass_fields__) + "}"
        else:
            body = "[" + ",".join(value(v) for v in obj) + "]"
        digest = hashlib.sha1(body.encode("utf-8", "surrogatepass")).hexdigest()
        self._memo[key] = digest
        self._keep.append(obj)
        return digest

    def _value(self, v) -> str:
        t = type(v)
        if t in _SCALARS:
            return repr(v)
        if (t is list or t is tuple) and len(v) <= LONG and all(type(x) in _SCALARS for x in v):
            return repr(v)
        if t is dict or t is list or t is tuple or hasattr(v, "__dataclass_fields__"):
            return self.token(v)
        return repr(v)

    def page(self, template: str, url: str, title: str, context: dict) -> str:
        body = f"{self.base}|{template}|{url}|{title}|{self.token(context)}"
        return hashlib.sha1(body.encode("utf-8", "surrogatepass")).hexdigest()
