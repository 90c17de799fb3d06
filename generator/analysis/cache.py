"""Per-article results on disk, under the key freshness.article_key gives
them. Change anything the result depends on and the key changes, so an entry
is simply not found; the cache is safe to delete at any time and never
changes what a build produces.

An entry is JSON (a format that cannot run code, unlike pickle): the key it
was written under, then the Analysis as nested lists in field order, with
the arrays of the offset pieces (model.Steps) and of the sentences' bounds
(model.Spans) as base64, and each mention's timex as its place in the
analysis's timexes. Reading checks every value against the dataclasses'
declared types, so a truncated, garbled, hand-made or foreign
entry (one copied from another article's key) is a miss: it is ignored and
replaced, silently. Writing is atomic (a temporary file renamed into
place), and a cache that cannot be written (a full disk, a read-only
folder) only costs speed.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import sys
import tempfile
import time
import typing
from array import array
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from ..cache_file import json_bytes, parse_json
from ..model import Analysis, Mention

# 2: offsets and runs as pieces (model.Steps), the lower-case words as one string;
# 3: a mention's timex as its place in the analysis's timexes (one object in memory, a quarter less to read);
# 4: the sentences as one array (model.Spans), a mention's keywords a sorted list as before;
# 5: a mention's twins (the earlier dated sentences that take its anchor: mentions.SentenceAnchors)
FORMAT = 5
SUFFIX = ".json"
STRAY_AGE = 600  # seconds: a temporary entry file older than this is a killed build's (Cache.clean_strays)
UNUSED_AGE = 60 * 86_400  # seconds: an entry no build has used for this long goes (Cache.clean_strays)


class Corrupt(ValueError):
    """An entry that does not hold what this version writes."""


def _fail(what: str):
    raise Corrupt(what)


# ------------------------------------------------------------------ encoding


def _encoder() -> Callable[[object], object]:
    """What json's encoder is given for the values it does not know itself
    (it encodes lists, tuples, strings and numbers in C, and what this returns
    in turn): a dataclass -> its fields in order; a date or path -> a
    string; an array -> its typecode and base64. The same
    JSON as converting the whole value first, in a third of the time: most
    of an entry is strings and numbers that then need no Python call each."""
    names: dict[type, tuple[str, ...]] = {}  # a dataclass's field names, looked up once per entry
    places: dict[int, int] = {}  # the analysis's timexes (by identity) -> their places

    def default(value):
        kind = type(value)
        if kind is Analysis:  # its fields are encoded after this returns, its mentions among them
            places.clear()
            places.update((id(t), i) for i, t in enumerate(value.timexes))
        fields = names.get(kind)
        if fields is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = names[kind] = tuple(f.name for f in dataclasses.fields(value))
        if kind is Mention and fields is not None:
            # the expression the analysis lists (always, as analysis/mentions.py makes them): its place
            out = [getattr(value, n) for n in fields]
            out[_TIMEX_FIELD] = places.get(id(value.timex), value.timex)
            return out
        if fields is not None:
            return [getattr(value, n) for n in fields]
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Path):
            return value.as_posix()
        if isinstance(value, array):
            data = value.tobytes() if sys.byteorder == "little" else _swapped(value).tobytes()
            return [value.typecode, base64.b64encode(data).decode("ascii")]
        raise TypeError(f"cannot cache a {kind.__name__}")

    return default


_TIMEX_FIELD = [f.name for f in dataclasses.fields(Mention)].index("timex")


def _swapped(a: array) -> array:
    b = array(a.typecode, a)
    b.byteswap()
    return b


# ------------------------------------------------------------------ decoding


Decoder = Callable[[object], object]


def _scalar(kind: type) -> Decoder:
    def decode(v):
        return v if type(v) is kind else _fail(f"expected {kind.__name__}")
    return decode


def _array(v):
    if not (isinstance(v, list) and len(v) == 2 and v[0] == "i" and isinstance(v[1], str)):
        _fail("expected an array")
    out = array("i")
    out.frombytes(base64.b64decode(v[1], validate=True))
    if sys.byteorder != "little":
        out.byteswap()
    return out


def _date(v):
    return date.fromisoformat(v) if isinstance(v, str) else _fail("expected a date")


def _path(v):
    return Path(v) if isinstance(v, str) else _fail("expected a path")


def _decoder(hint, memo: dict) -> Decoder:
    """A function that rebuilds a value of type `hint` from its JSON form,
    raising Corrupt on anything else."""
    if hint in memo:
        return memo[hint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint in (str, int, bool):
        dec = _scalar(hint)
    elif hint is float:
        def dec(v):
            return float(v) if type(v) in (int, float) else _fail("expected a number")
    elif hint is date:
        dec = _date
    elif hint is Path:
        dec = _path
    elif hint is array:  # the pieces of the offset sequences (model.Steps), the sentences' bounds (model.Spans)
        dec = _array
    elif origin is typing.Union or type(hint).__name__ == "UnionType":
        inner = [a for a in args if a is not type(None)]
        assert len(inner) == 1, hint
        one = _decoder(inner[0], memo)

        def dec(v):
            return None if v is None else one(v)
    elif origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        dec = _sequence(tuple, args[0], memo)
    elif origin is tuple:
        items = [_decoder(a, memo) for a in args]

        def dec(v):
            if not (isinstance(v, list) and len(v) == len(items)):
                _fail("expected a fixed list")
            return tuple([d(x) for d, x in zip(items, v, strict=True)])
    elif dataclasses.is_dataclass(hint):
        dec = _dataclass_decoder(hint, memo)
    else:
        raise TypeError(f"no cache decoder for {hint!r}")
    memo[hint] = dec
    return dec


def _sequence(make: type, hint, memo: dict) -> Decoder:
    """A tuple of `hint`s. Strings and ints (most items: keywords,
    quotes) are checked by their types' set, in C, not one call each."""
    if hint in (str, int):
        kinds = {hint}
        shared = sys.intern if hint is str else None

        def scalars(v):
            if not isinstance(v, list) or (v and not set(map(type, v)) <= kinds):
                _fail(f"expected a list of {hint.__name__}")
            return make(map(shared, v)) if shared else make(v)
        return scalars
    item = _decoder(hint, memo)

    def items(v):
        return make(map(item, v)) if isinstance(v, list) else _fail("expected a list")
    return items


# Fields whose text is an article's own (its Markdown, HTML, plain text, a sentence, a headline):
# every other string (a keyword, a name, a slug, a rule's name, a TIMEX3 type or value) recurs
# across the corpus's mentions and articles, and is interned as it is read, so the 10,000
# analyses of a big site share one copy of each (see `shared_parts` for the rest).
_OWN_TEXT = frozenset({"html", "text", "lower_words", "body", "summary", "sentence", "title"})


def _dataclass_decoder(cls, memo: dict) -> Decoder:
    """A function written for the class (as dataclasses writes __init__):
    fields that are plain strings, ints or bools are checked inline (most of
    an entry), the others decoded by their own functions; no loop, no list
    of arguments. The generic loop it replaced was most of a warm build's
    reading time (10,000 articles: 6.5 s)."""
    final: list[Decoder] = []
    memo[cls] = lambda v: final[0](v)  # before the fields: a type may refer to itself
    hints = typing.get_type_hints(cls)
    names = [f"a{i}" for i in range(len(dataclasses.fields(cls)))]
    scope: dict[str, object] = {"cls": cls, "_fail": _fail, "list": list}
    lines = [f"    if type(v) is not list or len(v) != {len(names)}:", f"        _fail('expected a {cls.__name__}')"]
    if names:
        lines.append(f"    {', '.join(names)}, = v")
    args = []
    for name, f in zip(names, dataclasses.fields(cls), strict=True):
        kind = hints[f.name]
        if kind in (str, int, bool):
            scope[kind.__name__] = kind
            lines.append(f"    if type({name}) is not {kind.__name__}:")
            lines.append(f"        _fail('expected {kind.__name__}')")
            if kind is str and f.name not in _OWN_TEXT:
                scope["intern"] = sys.intern
                lines.append(f"    {name} = intern({name})")
            args.append(name)
        elif (cls, f.name) == (Mention, "timex"):  # an int: its place in the analysis's timexes (shared_parts)
            scope[f"d_{name}"] = _place_or(_decoder(kind, memo))
            args.append(f"d_{name}({name})")
        else:
            scope[f"d_{name}"] = _decoder(kind, memo)
            args.append(f"d_{name}({name})")
    lines.append(f"    return cls({', '.join(args)})")
    exec("def dec(v):\n" + "\n".join(lines), scope)  # code made from the class's field names, never from an entry
    made = scope["dec"]
    final.append(_shared(made) if _of_strings(cls, hints) else made)  # type: ignore[arg-type]
    memo[cls] = final[0]
    return final[0]


def _of_strings(cls, hints: dict) -> bool:
    """Is every field of the class a string or a date (a value class made of
    strings in its entry: model.EntityRef, calendar.When)? Sharing is for
    those alone: a string equals only a string, so two entries' lists that
    are equal hold the very same values, where 1 == True == 1.0 would let an
    int's list stand for a bool's or a float's."""
    return all(hints[f.name] in (str, date) for f in dataclasses.fields(cls))


def _shared(decode: Decoder) -> Decoder:
    """`decode`, but each distinct list decoded once (for this decoder's
    life: a Cache's): the same values give the very object decoded first.
    A name recurs across the corpus's mentions (10,000 articles: 236,000
    names read, 4,700 distinct), and so does a date's span (`When`): shared,
    the analyses of that corpus hold 28 MB less (124 -> 96 MB) and are read
    a tenth faster. Only for frozen value classes (_of_strings): no stage
    tells one such object from an equal other."""
    seen: dict[tuple, object] = {}

    def dec(v):
        if type(v) is not list:
            return decode(v)  # (fails as it should)
        try:
            key = tuple(v)
            got = seen.get(key)
        except TypeError:  # a list or dict in it: not an entry of this class, which decode says
            return decode(v)
        if got is None:
            got = seen[key] = decode(v)
        return got
    return dec


def _place_or(decode: Decoder) -> Decoder:
    def dec(v):
        return v if type(v) is int else decode(v)
    return dec


def shared_parts(a: Analysis) -> Analysis:
    """The decoded analysis with each mention's timex the very object its
    `timexes` hold, as the analysis made it (the entry gives its place), and
    equal keywords one tuple, as analysis/mentions.py makes them (a
    sentence's mentions, and a focus that is its whole sentence's words:
    the same value, read twice). Done as the value is made, before anything
    else sees it."""
    timexes = a.timexes
    words: dict[tuple[str, ...], tuple[str, ...]] = {}  # each distinct tuple of words, checked, -> the one kept
    for m in a.mentions:
        at = m.timex
        if type(at) is int:
            if not 0 <= at < len(timexes):
                raise Corrupt("a mention's expression out of range")
            object.__setattr__(m, "timex", timexes[at])  # a frozen dataclass still being built (as __init__ does)
        for field in ("keywords", "focus"):
            read = getattr(m, field)
            kept = words.get(read)
            if kept is None:
                kept = words[read] = _sorted_words(read)
            if kept is not read:
                object.__setattr__(m, field, kept)
    return a


def _sorted_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words, which must be sorted and each once (as analysis.words.keywords
    makes them: clustering sums their weights in that order)."""
    if len(set(words)) != len(words) or list(words) != sorted(words):  # (in C: a loop here took 3 times as long)
        raise Corrupt("keywords not sorted, or one twice")
    return words


def _analysis_decoder() -> Decoder:
    return _decoder(Analysis, {})


def entry(k: str, value: Analysis) -> bytes | None:
    """The bytes of the cache entry of `value` under key `k` (None if it
    holds something the format cannot encode). orjson writes them, in a
    third of json.dumps's time (0.1 ms against 0.3 an article: some 2
    core-seconds of a cold build of 10,000), the same bytes; json.dumps
    where orjson refuses a value (a string with a lone surrogate, from a
    file name the file system could not decode; an integer beyond 64
    bits)."""
    try:
        return json_bytes([FORMAT, k, value], default=_encoder())
    except (TypeError, ValueError):
        return None


# ------------------------------------------------------------------ the store


class Cache:
    def __init__(self, folder: Path | None, writable: bool = True, readable: bool = True):
        """`readable=False` (`build --no-cache`): every entry is computed again,
        and the fresh results are still written, so the next build is warm."""
        self.folder = folder
        self.writable = writable
        self.readable = readable
        self.hits = 0
        self.misses = 0
        self.whole: set[str] = set()  # the keys whose entries this object read whole or wrote
        # the keys of the build's articles, never removed as unused; None (a build that did not say
        # which are its articles': the own-pages rebuild) removes no entry as unused
        self.in_use: frozenset[str] | None = None
        # what a build keeps of an analysis whose entry is on disk whole to read back from
        # (pipeline.read_and_analyse: site.read_slim); None: the analysis whole
        self.shape: Callable[[Analysis], Analysis] | None = None
        self._decode: Decoder | None = None
        self._cleaned = False

    def path(self, k: str) -> Path:
        assert self.folder is not None
        return self.folder / k[:2] / f"{k}{SUFFIX}"

    def get(self, k: str) -> Analysis | None:
        if self.folder is None or not self.readable:
            return None
        try:
            raw = self.path(k).read_bytes()
            entry = parse_json(raw)
            if not (isinstance(entry, list) and len(entry) == 3 and entry[0] == FORMAT and entry[1] == k):
                raise Corrupt("not an entry of this key")
            if self._decode is None:
                self._decode = _analysis_decoder()
            value = shared_parts(typing.cast(Analysis, self._decode(entry[2])))
        except Exception:  # missing, unreadable, garbled, foreign: a miss, never an error
            self.misses += 1
            return None
        self.hits += 1
        self.whole.add(k)
        return value

    def get_many(self, keys: list[str]) -> list[Analysis | None]:
        """get() of each key, in order."""
        return [self.get(k) for k in keys]

    def put(self, k: str, value: Analysis) -> None:
        if self.folder is not None and self.writable:
            self.write(k, entry(k, value))

    def kept(self, k: str, value: Analysis) -> Analysis:
        """What the build keeps of an analysis just put: shaped as a read
        would give it (`shape`) once its entry is on disk whole, else whole.
        A forked analysis worker sends the build process this (runner.py):
        a big command-line build drops the HTML, maps and full texts of its
        10,000 analyses anyway (pipeline.py), and no process of it then
        holds or pickles them, as none does in a build that reads the
        analyses from the cache."""
        return self.shape(value) if self.shape is not None and k in self.whole else value

    def remember(self, k: str, value: Analysis, whole: bool = False) -> None:
        """A result that a worker computed and stored itself; `whole`: its
        entry was written whole (the worker says so, which its file's time
        alone may not: ReadBack). A cache with a memory keeps it."""
        if whole:
            self.whole.add(k)

    def for_workers(self) -> Cache:
        """The cache as worker processes use it: the same folder, no memory,
        and no cleaning of strays (runner cleans them once, before the
        workers start): a worker that cleaned at its first write removed the
        temporary file another worker was writing, whose next write then
        failed and left its analyses out of the cache (200 articles on a
        busy machine: 86 entries written)."""
        workers = Cache(self.folder, self.writable, self.readable)
        workers._cleaned = True
        workers.shape = self.shape
        return workers

    def leave_strays(self) -> None:
        """Write without Cache.clean_strays' scan of every entry first: for a
        build that writes an entry or two (a one-article rebuild from the
        command line: 0.2 s of its 2.5 at 10,000 articles, with the entries
        an edit or an upgrade leaves). The strays wait for the next full
        build, which cleans as it always did."""
        self._cleaned = True

    def write(self, k: str, data: bytes | None) -> None:
        """Store an entry made by `entry` (perhaps in another process or on
        another machine: encoding is most of the cost of a put)."""
        if self.folder is None or not self.writable:
            return
        if data is None:  # a value that cannot be cached
            self.writable = False
            return
        try:
            folder = self.folder / k[:2]
            folder.mkdir(parents=True, exist_ok=True)
            if not self._cleaned:
                self.clean_strays()
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{k[:12]}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, self.path(k))
                self.whole.add(k)
            except BaseException:
                if os.path.lexists(tmp):
                    os.unlink(tmp)
                raise
        except OSError:  # a full disk, a read-only folder: only speed is lost
            self.writable = False

    def clean_strays(self) -> None:
        """Remove temporary files that killed builds (of any process) left,
        entries of the old pickle format, and entries no build has used for
        UNUSED_AGE; once per build, before the first write (and before
        worker processes start writing). A temporary file younger than
        STRAY_AGE may be another build's, being written (the preview and a
        command-line build of the same project): it stays.

        Unused entries: an entry's key is its article's bytes, the rules and
        the analysis code, so each edit leaves the old version's entry and
        each upgrade of the analysis a whole cache's worth (about 250 MB at
        10,000 articles), which a deploy's restored cache carried on for
        ever. A command-line build gives each entry it read the time of its
        end (touch_entries); this build's own keys (`in_use`) are never
        removed, whatever their time, and a cache that was not told them
        removes none as unused. Removing one costs only speed."""
        self._cleaned = True
        if self.folder is None or not self.writable:
            return
        now = time.time()
        stale_before, unused_before, in_use = now - STRAY_AGE, now - UNUSED_AGE, self.in_use
        try:
            subfolders = [e.path for e in os.scandir(self.folder) if e.is_dir(follow_symlinks=False)]
        except OSError:
            return
        for sub in subfolders:
            try:
                for e in os.scandir(sub):
                    name = e.name
                    if name.endswith(".pickle") or (
                            name.endswith(".tmp") and e.stat(follow_symlinks=False).st_mtime < stale_before) or (
                            in_use is not None and name.endswith(SUFFIX) and name[:-len(SUFFIX)] not in in_use
                            and e.stat(follow_symlinks=False).st_mtime < unused_before):
                        os.unlink(e.path)
            except OSError:
                continue


def touch_entries(folder: Path, keys: Iterable[str]) -> None:
    """Give the entries of `keys` (those a command-line build read whole)
    the time now, so that Cache.clean_strays takes them for used. Done
    after the build's pages are written: ReadBack, during the build, takes
    an entry newer than the build's start for one its workers wrote. Best
    effort (a read-only cache: nothing is removed from it either)."""
    cache = Cache(folder, writable=False)
    for k in keys:
        try:
            os.utime(cache.path(k))
        except OSError:
            continue


class ReadBack:
    """Where a command-line build reads an analysis back after letting it
    go (site.articles.MarkedText.let_go): the per-article cache, for the
    entries known to be whole. That is an entry the build read whole or
    wrote itself (`whole`, its cache's), or one written since the build
    began (`since_ns`), by a worker of its analysis pool: a worker writes
    each entry whole or not at all (a temporary file renamed), and one that
    could not write leaves an older file or none. Any other entry (a
    garbled one the build could not replace) keeps its analysis in memory.

    Which of `keys` are held is settled once, as this is made (`held`): the
    build drops those analyses' markup before merging (site.merged_from),
    and their text can then only be read back, whatever happens to the
    files afterwards."""

    def __init__(self, folder: Path, whole: set[str], since_ns: int, keys: Iterable[str] = ()):
        self.cache = Cache(folder, writable=False)
        self.whole, self.since_ns = whole, since_ns
        self.held = frozenset(k for k in keys if self._whole_now(k))

    def holds(self, k: str) -> bool:
        return k in self.held

    def _whole_now(self, k: str) -> bool:
        if k in self.whole:
            return True
        try:
            return self.cache.path(k).stat().st_mtime_ns >= self.since_ns
        except OSError:
            return False

    def get(self, k: str) -> Analysis | None:
        return self.cache.get(k)

