"""A fingerprint of what a page is rendered from, so a rebuild renders only
the pages whose inputs changed.

A page is the same when its template files, the site-wide values every
template sees and its own context are the same. Contexts share most of their
data (an event's view is listed on the timeline, its year and every entity and
tag page), so the fingerprint is a Merkle hash: each dict, list and view is
hashed once per build, by identity, and a container's hash covers its children's.

Only what a template can print counts: a view's field whose name no template
file contains (`printed`, every word of the template files, user templates
included) is left out, so a value no page shows (an event's salience, which
moves a little with any edit anywhere in the corpus) does not make every page
listing the event look changed. A template that prints a whole view
(`{{ event }}`, its repr) instead of its fields is not supported by this.
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
import re
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path

LONG = 8  # lists of scalars longer than this are hashed element by element (memoised); shorter ones whole
SHORT = 40  # a container whose text is at most this long stands for itself (a SHA-1 is 40 hex digits, no braces)
_SCALARS = {str, int, float, bool, type(None)}
_CONTAINERS = ("list", "dict", "tuple", "set", "Any", "object")
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def template_words(files: Iterable[Path]) -> frozenset[str]:
    """Every identifier-like word of the template files: a view's field can
    only be printed by a template that names it."""
    words: set[str] = set()
    for path in files:
        try:
            words.update(WORD.findall(path.read_text("utf-8", errors="replace")))
        except OSError:
            continue
    return frozenset(words)


def _leaf(cls: type, names: tuple[str, ...]) -> bool:
    """A view whose (printed) fields hold no lists or dicts (a link, a quote,
    a date): its fields' reprs, one C call, are its full text, faithful as
    those reprs are."""
    fields = cls.__dataclass_fields__  # type: ignore[attr-defined]
    return all(not any(c in str(fields[n].type) for c in _CONTAINERS) for n in names)


def _methods(cls: type, fields: tuple[str, ...]) -> set[str]:
    """The public methods and properties of a view class (its own and inherited)."""
    return {name for klass in cls.__mro__[:-1] for name, v in vars(klass).items()
            if not name.startswith("_") and name not in fields and (callable(v) or isinstance(v, property))}


# The declared types whose values compare equal only when their reprs are equal: no float
# (0.0 == -0.0), no dict (equal in any order), no Any or object (1 == True, "x" == Markup("x")).
_COMPARABLE = {str, int, bool, type(None), date}


def _comparable(t, seen: frozenset = frozenset()) -> bool:
    """Do values of declared type `t` compare equal exactly when their reprs
    do? str, int, bool, None and dates, lists and tuples of them, unions of
    them, and dataclasses (compared on every field) made of them."""
    if t in _COMPARABLE:
        return True
    if isinstance(t, type) and issubclass(t, Keyed):
        return True  # equal exactly when the tokens are (never to a list), and a token names all it shows
    origin = typing.get_origin(t)
    if origin in (list, tuple, typing.Union, types.UnionType):
        return all(a is Ellipsis or _comparable(a, seen) for a in typing.get_args(t))
    if isinstance(t, type) and dataclasses.is_dataclass(t) and t.__eq__ is not object.__eq__:
        if t in seen:
            return True
        try:
            hints = typing.get_type_hints(t)
        except Exception:  # a name the module cannot resolve: not known to be comparable
            return False
        return all(_comparable(hints[f.name], seen | {t}) for f in dataclasses.fields(t))
    return False


class _Shape:
    """How a view class is hashed: the fields that count, read in one call."""

    __slots__ = ("prefix", "names", "leaf", "get", "comparable")

    def __init__(self, cls: type, printed: frozenset[str] | None):
        fields = tuple(cls.__dataclass_fields__)  # type: ignore[attr-defined]
        if printed is not None and _methods(cls, fields) & printed:
            printed = None  # a template may call a method or property that reads any field
        self.names = tuple(n for n in fields if printed is None or n in printed)
        self.leaf = _leaf(cls, self.names)
        # the class and its counted fields, named once: a view's text is then its values in that order
        self.prefix = cls.__name__ if self.leaf else f"{cls.__name__}{','.join(self.names)}"
        self.get: Callable[[object], tuple]
        if not self.names:
            self.get = lambda obj: ()
        elif len(self.names) == 1:
            one = operator.attrgetter(self.names[0])
            self.get = lambda obj: (one(obj),)
        else:
            self.get = operator.attrgetter(*self.names)
        # may two views of the class be told alike by comparing these fields (ContextHasher.prints_alike)?
        try:
            hints = typing.get_type_hints(cls)
            self.comparable = all(_comparable(hints[n]) for n in self.names)
        except Exception:  # a name the module cannot resolve: not known to be comparable
            self.comparable = False


def _short(v: list | tuple) -> str:
    """A short list of scalars written out whole (by repr, C speed); "" for any other."""
    return repr(v) if len(v) <= LONG and all([type(x) in _SCALARS for x in v]) else ""


class MadeLate(Sequence):
    """A list made from something else when first read (Keyed, Derived): it
    reads as the list `made()` gives."""

    __slots__ = ()

    def made(self) -> list:
        raise NotImplementedError

    def __getitem__(self, i):
        return self.made()[i]

    def __len__(self) -> int:
        return len(self.made())

    def __iter__(self):
        return iter(self.made())

    def __reversed__(self):
        return reversed(self.made())

    def __contains__(self, value) -> bool:
        return value in self.made()

    def index(self, value, *args) -> int:
        return self.made().index(value, *args)

    def count(self, value) -> int:
        return self.made().count(value)

    def __repr__(self) -> str:
        return repr(self.made())

    __hash__ = None  # type: ignore[assignment]  # as a list's


class Keyed(MadeLate):
    """A list made when a template reads it, from inputs named by `token`: a
    string that changes whenever what the list holds would (an article's
    marked text by its analysis's cache key and its links: site.articles.
    MarkedText). Fingerprinted by that token alone (ContextHasher), so a page
    kept unrendered never makes it, and the plan holds none of it. The
    token's inputs need not say how the list is made from them: that is the
    generator's code, which every page's fingerprint covers
    (render.page_hasher). Two compare equal exactly when their tokens are, so
    a view taken for alike (ContextHasher.prints_alike) has the token hashing
    it would give; a Keyed and anything else (a list of the same items) are
    never equal, as their fingerprints differ. Made anew each time it is read
    whole (a page reads it once): held, it would hold the text it saves."""

    __slots__ = ("token",)

    def __init__(self, token: str):
        self.token = token

    def __eq__(self, other) -> bool:
        if isinstance(other, Keyed):
            return self.token == other.token
        return NotImplemented


class Derived(MadeLate):
    """A list worked out from `sources` (views) by `make` when a template
    first reads it: a listing page's filter choices from its cards, which
    a rebuild needs only for the few pages it renders (10,000 articles:
    7,975 listing pages, a second of the planning). Fingerprinted as its
    sources (ContextHasher), so a page kept unrendered never works it out:
    sound when every field `make` reads (`reads`) counts in its sources'
    tokens, which the hasher checks (else it works the list out and
    hashes that). `make` must read nothing but its sources (no setting,
    no closure): what it does is then the generator's code, which every
    page's fingerprint covers (render.page_hasher). It compares and adds
    as the list it stands for."""

    __slots__ = ("_make", "sources", "reads", "_made")

    def __init__(self, make: Callable[[list], list], sources: list, reads: tuple[str, ...]):
        self._make, self.sources, self.reads = make, sources, reads
        self._made: list | None = None

    def made(self) -> list:
        if self._made is None:
            self._made = self._make(self.sources)
        return self._made

    def __eq__(self, other) -> bool:
        return self.made() == (other.made() if isinstance(other, Derived) else other)

    def __add__(self, other: list) -> list:
        return self.made() + list(other)

    def __radd__(self, other: list) -> list:
        return list(other) + self.made()


class ContextHasher:
    def __init__(self, base: str, printed: frozenset[str] | None = None):
        self.base = base
        self.printed = printed  # None: every field counts
        self._memo: dict[int, str] = {}
        self._keep: list = []  # holds hashed containers alive, so their ids stay unique
        self._shapes: dict[type, _Shape] = {}
        self._counted: dict[tuple[type, tuple[str, ...]], bool] = {}  # (view class, fields): all counted (_counts)

    def _shape(self, t: type) -> _Shape:
        got = self._shapes.get(t)
        if got is None:
            got = self._shapes[t] = _Shape(t, self.printed)
        return got

    def token(self, obj) -> str:
        """A dict, a view (dataclass) or a list: the hash of its parts, once per object. Short
        lists, small views and scalars are written out whole by repr (C speed); a value
        repr cannot show faithfully (an object without a stable repr) makes
        the page look changed, so it is rendered again: never the other way."""
        key = id(obj)
        got = self._memo.get(key)
        if got is not None:
            return got
        digest = self._digest(obj)
        self._memo[key] = digest
        self._keep.append(obj)
        return digest

    def _digest(self, obj) -> str:
        """token() without the memo. A view's own lists (its sources, their
        quotes, its links) are read through the view alone, once, so they are
        hashed in place and not remembered: at 10,000 articles that is a
        third of the memo's million entries, and of its memory."""
        # (a scalar's text is its repr, written here rather than through _value or _own: most
        # values are scalars, and the call was a sixth of fingerprinting a site)
        value, scalars = self._value, _SCALARS
        t = type(obj)
        if t is dict:
            body = "{" + ",".join([f"{k!r}:{repr(v) if type(v) in scalars else value(v)}"
                                   for k, v in obj.items()]) + "}"
        elif hasattr(t, "__dataclass_fields__"):  # a view: its class and the fields that count
            shape = self._shape(t)
            if shape.leaf:
                body = shape.prefix + repr(shape.get(obj))
            else:
                own = self._own
                body = shape.prefix + "{" + ",".join([repr(v) if type(v) in scalars else own(v)
                                                      for v in shape.get(obj)]) + "}"
        else:
            body = "[" + self._items(obj) + "]"
        return body if len(body) <= SHORT and ("{" in body or "[" in body or "(" in body) else \
            hashlib.sha1(body.encode("utf-8", "surrogatepass")).hexdigest()

    def _items(self, obj: list | tuple) -> str:
        """The list's values' texts (_value), comma-joined. A list of one kind
        (scalars, views of one class whose shape is known: a page's event
        cards, an article's segments, a view's links) is written out by
        map() in C, the very string the loop over _value makes, where that
        loop was a third of fingerprinting a site."""
        kinds = set(map(type, obj))
        if len(kinds) == 1:
            kind = kinds.pop()
            if kind in _SCALARS:
                return ",".join(map(repr, obj))
            shape = self._shapes.get(kind)
            if shape is not None:
                if shape.leaf:
                    return ",".join(map(shape.prefix.__add__, map(repr, map(shape.get, obj))))
                return ",".join(map(self.token, obj))
        value, scalars = self._value, _SCALARS
        return ",".join([repr(x) if type(x) in scalars else value(x) for x in obj])

    def _own(self, v) -> str:
        """A view's field's text: as _value, but a list is hashed in place (_digest)."""
        t = type(v)
        if t is list or t is tuple:
            return _short(v) or self._digest(v)
        return self._value(v)

    def forget(self) -> None:
        """Let go of every token made or adopted (and of the objects held for
        them): a later token() makes them again, the same strings."""
        self._memo, self._keep = {}, []

    def known(self, obj) -> str | None:
        """The token already made (or adopted) for this very object, if any."""
        return self._memo.get(id(obj))

    def prints_alike(self, old, new) -> bool:
        """Do two views of one class print the same, field for field (the
        fields that count, as token() reads them)? Then they have the same
        token, and comparing costs an eighth of hashing: equal strings and
        lists compare in C, and nested views compare on every field. Only
        for a class whose counted fields are declared of types whose values
        are equal exactly when their reprs are (_comparable: no float, as
        0.0 == -0.0; no dict, equal in any order; no Any, as 1 == True and
        "x" == Markup("x")); for any other the answer is no, and the view is
        hashed. The planning code gives each field its declared type."""
        t = type(new)
        if type(old) is not t or not hasattr(t, "__dataclass_fields__"):
            return False
        shape = self._shape(t)
        return shape.comparable and shape.get(old) == shape.get(new)

    def adopt(self, objs: list, tokens: list[str]) -> None:
        """Take the tokens another process made of these very objects (a forked
        worker, render._fingerprint_in_parts): the same strings token() would make."""
        for obj, digest in zip(objs, tokens, strict=True):
            self._memo[id(obj)] = digest
            self._keep.append(obj)

    def _value(self, v) -> str:
        """A value's text in its container's: a scalar or a small view (a leaf) whole, by
        repr; anything else by its token."""
        t = type(v)
        if t in _SCALARS:
            return repr(v)
        shape = self._shapes.get(t)
        if shape is not None:
            return shape.prefix + repr(shape.get(v)) if shape.leaf else self.token(v)
        if t is list or t is tuple:
            return _short(v) or self.token(v)
        if t is dict:
            return self.token(v)
        if t is Derived:
            return self._derived(v)
        if isinstance(v, Keyed):
            return "keyed:" + v.token
        if hasattr(t, "__dataclass_fields__"):
            self._shape(t)
            return self._value(v)
        return repr(v)

    def _derived(self, v: Derived) -> str:
        """A Derived list's text: its sources' token when every field its
        making reads counts in their tokens; else the list itself, made."""
        if all(self._counts(t, v.reads) for t in {type(s) for s in v.sources}):
            return "derived:" + self.token(v.sources)
        return self._value(v.made())

    def _counts(self, t: type, reads: tuple[str, ...]) -> bool:
        """Do these fields of a view class all count in its tokens? A field
        is named by its path ("entities.kind": the `kind` of each view in
        the list `entities`), each step a field that counts."""
        key = (t, reads)
        got = self._counted.get(key)
        if got is None:
            got = self._counted[key] = all(self._path_counts(t, path.split(".")) for path in reads)
        return got

    def _path_counts(self, t, steps: list[str]) -> bool:
        if not steps:
            return True
        if not (isinstance(t, type) and hasattr(t, "__dataclass_fields__")) or steps[0] not in self._shape(t).names:
            return False
        if len(steps) == 1:
            return True
        try:
            field_type = typing.get_type_hints(t)[steps[0]]
        except Exception:  # a name the module cannot resolve: not known to count
            return False
        inner = [a for a in (typing.get_args(field_type) or (field_type,)) if a is not type(None)]
        return len(inner) == 1 and self._path_counts(inner[0], steps[1:])

    def page(self, template: str, url: str, title: str, context: dict) -> str:
        body = f"{self.base}|{template}|{url}|{title}|{self.token(context)}"
        return hashlib.sha1(body.encode("utf-8", "surrogatepass")).hexdigest()
