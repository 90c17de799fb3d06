"""People, places and organisations named in a sentence (per article).

Capitalised name runs, with titles and courtesy words stripped ("Russian
President Vladimir Putin" -> "Vladimir Putin", a person), typed by the
gazetteer (data/<lang>/gazetteer.toml plus the editor's additions) or by
their shape. Folding spellings into one entity needs the whole corpus and is
done later (corpus/entities.py).
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..model import EntityRef

_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9.’'&+-]*")


@dataclass(frozen=True)
class Gazetteer:
    """Known names and their kinds, and the word lists that tell a name's kind
    from its shape (data/<lang>/gazetteer.toml, [shapes])."""

    aliases: dict[str, str]
    kinds: dict[str, str]
    titles: frozenset[str]
    ignore: frozenset[str]
    org_suffixes: frozenset[str] = frozenset()  # "... Bank", "... Council": an organisation
    place_suffixes: frozenset[str] = frozenset()  # "... County", "... Airport": a place
    connectors: frozenset[str] = frozenset()  # "of", "bin", "van": inside a name
    not_person: frozenset[str] = frozenset()  # "... Treaty", "... Plan": a thing, not a person
    place_prepositions: frozenset[str] = frozenset()  # "in X", "to X": X is a place
    # What is derived from the gazetteer, remembered: runs of words already
    # typed ((words, word before) -> refs; the same names recur through an
    # article and across a corpus) and the like. Kept on the gazetteer, so it
    # lives and dies with it (a build loads its own).
    memo: dict = field(default_factory=dict, compare=False, repr=False)


def _read_gazetteer(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def load_gazetteer(files: list[Path], aliases: dict[str, str] | None = None, types: dict[str, str] | None = None,
                   ignore: list[str] | tuple[str, ...] = ()) -> Gazetteer:
    """The gazetteer files in order (later wins), then the editor's site.toml additions."""
    alias_map: dict[str, str] = {}
    kinds: dict[str, str] = {}
    titles: set[str] = set()
    ignored: set[str] = set()
    shapes: dict[str, set[str]] = {}
    for path in files:
        data = _read_gazetteer(path)
        for key, words in data.get("shapes", {}).items():
            shapes.setdefault(key, set()).update(words)
        alias_map.update(data.get("aliases", {}))
        for kind, section in (("place", "places"), ("organisation", "organisations"), ("person", "people")):
            for name in data.get(section, {}).get("names", []):
                kinds[name] = kind
        titles.update(data.get("titles", {}).get("words", []))
        ignored.update(data.get("ignore", {}).get("words", []))
    alias_map.update(aliases or {})
    kinds.update(types or {})
    ignored.update(ignore)
    def shape(key: str) -> frozenset[str]:
        return frozenset(w.lower() for w in shapes.get(key, ()))

    return Gazetteer(alias_map, kinds, frozenset(titles), frozenset(ignored), shape("org_suffixes"),
                     shape("place_suffixes"), shape("connectors"), shape("not_person"), shape("place_prepositions"))


_INITIALS = re.compile(r"(?:[A-Z]\.)+")


@functools.lru_cache(maxsize=65536)
def _clean(token: str) -> str:
    """A token without its possessive and trailing punctuation. A pure
    function, memoised: names recur across the sentences of an article."""
    if token.endswith(("'s", "’s")):
        token = token[:-2]
    return token.rstrip(".,;:'’") if not _INITIALS.fullmatch(token) else token


def _is_capitalised(token: str) -> bool:
    return token[:1].isupper()


@dataclass(frozen=True)
class NameHit:
    """A name found in a sentence, where it is, and whether it opens the sentence."""

    ref: EntityRef
    start: int
    end: int
    at_start: bool
    sentence: str = ""  # the sentence it was found in (positions are into it)


def find_names(sentence: str, gaz: Gazetteer) -> list[tuple[EntityRef, bool]]:
    """Names in one sentence, each with a flag: does it start the sentence?"""
    return [(h.ref, h.at_start) for h in name_hits(sentence, gaz)]


_OPENING = " \"“‘'(•"  # what may stand before a name that opens its sentence
_BREAK = re.compile(r"[,;:()\"“”—–\n]|\s-\s|[.!?]\s")


# Everything up to the next capitalised token, then that token (group 1; no
# group at the end of the text): lower-case tokens are read whole, as _TOKEN
# reads them, and characters that open no token one by one, so the token in
# the group is one _TOKEN finds. Possessive: nothing read is read again.
_UP_TO_CAPITAL = re.compile(r"(?:[^A-Za-z]|[a-z][A-Za-z0-9.’'&+-]*+)*+([A-Z][A-Za-z0-9.’'&+-]*+)?")


def _capitalised_tokens(sentence: str, skip: tuple[tuple[int, int], ...]) -> list[tuple[int, int, str]]:
    """(start, end, raw) of the capitalised tokens outside `skip`, in order."""
    found = [(m.start(1), m.end(1), m.group(1)) for m in _UP_TO_CAPITAL.finditer(sentence)]
    return [t for t in found if t[0] >= 0 and (not skip or _outside(t[0], skip))]


def _outside(at: int, skip: tuple[tuple[int, int], ...]) -> bool:
    """Does a token starting at `at` lie outside every span of `skip`?"""
    for a, b in skip:
        if a <= at < b:
            return False
    return True


def _tokens_between(sentence: str, a: int, b: int, skip: tuple[tuple[int, int], ...]) -> list[re.Match]:
    """The first two tokens outside `skip` that start in sentence[a:b] (where a
    token ends and b a token starts: the same tokens as the whole sentence's)."""
    out = []
    for m in _TOKEN.finditer(sentence, a, b):
        if _outside(m.start(), skip):
            out.append(m)
            if len(out) == 2:
                break
    return out


def _gap_ok(sentence: str, after: int, pos: int, previous: str, skip: tuple[tuple[int, int], ...]) -> bool:
    """Whether a name can go on from the token that ends at `after` (`previous`,
    raw) to the one that starts at `pos`: no punctuation, line break or
    sentence end between (the gap searched in place: the pattern has no
    anchor or lookaround), no span of `skip` inside; a possessive ends a
    name ("Russia’s Far East" is Russia + Far East), and so does a full stop
    after a word ("... in Moscow. Xi ...")."""
    if _BREAK.search(sentence, after, pos) or skip and any(a < pos and b > after for a, b in skip):
        return False
    return not (previous.endswith(("'s", "’s")) or (previous.endswith(".") and len(previous) > 4
                                                     and not _INITIALS.fullmatch(previous)))


def name_runs(sentence: str, connectors: frozenset[str],
              skip: tuple[tuple[int, int], ...] = ()) -> list[list[tuple[int, int, str]]]:
    """The runs of name words of a sentence, each token as (start, end, clean
    form). A run never goes across punctuation, a line break, a sentence end
    or a possessive, nor into a span of `skip`."""
    # A run of names starts at a capitalised token (a token's clean form has
    # its first letter: capitalised raw is capitalised clean) and goes on
    # through the capitalised tokens that follow it, and a connector ("of")
    # alone between two of them. So only the capitalised tokens are read, and
    # the tokens between two of them when a run is open: most of a sentence,
    # its lower-case words, is passed over in C (tests/test_fast_paths: the
    # same names as reading every token, as this function did).
    runs: list[list[tuple[int, int, str]]] = []  # (start, end, clean token)
    current: list[tuple[int, int, str]] = []
    previous = ""  # the raw token last added to `current`
    for pos, end, raw in _capitalised_tokens(sentence, skip):
        if current:
            after = current[-1][1]
            between = _tokens_between(sentence, after, pos, skip)
            if len(between) == 1:  # one token between: a connector keeps the run open
                lower = between[0]
                tok = _clean(lower.group(0))
                if _gap_ok(sentence, after, lower.start(), previous, skip) and tok in connectors:
                    current.append((lower.start(), lower.end(), tok))
                    previous = lower.group(0)
                    after = lower.end()
                    between = []
            if between or not _gap_ok(sentence, after, pos, previous, skip):
                runs.append(current)
                current = []
        current.append((pos, end, _clean(raw)))
        previous = raw
    if current:
        runs.append(current)
    return runs


def name_hits(sentence: str, gaz: Gazetteer, skip: tuple[tuple[int, int], ...] = ()) -> list[NameHit]:
    """Names in one sentence. A name never runs across punctuation, a line
    break, a sentence end or a possessive, nor into a span of `skip` (the
    sentence's temporal expressions: "Later Monday" is no name)."""
    connectors = gaz.connectors
    out: list[NameHit] = []
    for run in name_runs(sentence, connectors, skip):
        words = [t for _, _, t in run]
        while words and words[-1] in connectors:
            words.pop()
        if not words:
            continue
        start, end = run[0][0], run[len(words) - 1][1]
        # Whether only quotes, brackets and bullets come before it; and the
        # word before it (the last of what rsplit gives, as of split(), but
        # without a list of every word before it, for each name).
        at_start = start == 0 or (sentence[0] in _OPENING and not sentence[:start].strip(_OPENING))
        split_before = sentence[:start].rsplit(None, 1)
        prev_word = split_before[-1].lower() if split_before else ""
        key = (tuple(words), prev_word)
        refs = gaz.memo.get(key)
        if refs is None:
            if len(gaz.memo) > _MEMO_MAX:
                gaz.memo.clear()
            refs = gaz.memo[key] = tuple(_split_known_tail(words, gaz, prev_word))
        for ref in refs:
            out.append(NameHit(ref, start, end, at_start and ref.name.split()[0] == words[0], sentence))
    return out


_MEMO_MAX = 100_000


def _split_known_tail(words: list[str], gaz: Gazetteer, prev_word: str) -> list[EntityRef]:
    """A run that ends in a name the gazetteer knows, after words it does not
    ("met with Moon Jae-in Moscow": a missing word or comma), is two names."""
    if _known(" ".join(words), gaz) is None:
        for k in range(1, min(4, len(words) - 1) + 1):
            tail = _known(" ".join(words[-k:]), gaz)
            head = words[:-k]
            unknown_head = _known(" ".join(head), gaz) is None
            if tail and head[-1] not in gaz.connectors and head[-1] not in gaz.titles and unknown_head:
                return [*_names_in_run(head, gaz, prev_word), tail]
    return _names_in_run(words, gaz, prev_word)


def _known(name: str, gaz: Gazetteer) -> EntityRef | None:
    """The gazetteer's entity for a spelling (after aliases), if it has one."""
    canonical = gaz.aliases.get(name, name)
    return EntityRef(canonical, gaz.kinds[canonical]) if canonical in gaz.kinds else None


def _names_in_run(words: list[str], gaz: Gazetteer, prev_word: str) -> list[EntityRef]:
    if not words:
        return []
    if known := _known(" ".join(words), gaz):
        return [known]
    last_title = max((i for i, w in enumerate(words) if w in gaz.titles or w.lower() in {"then-secretary"}),
                     default=-1)
    if last_title == len(words) - 1:
        # "Abu Dhabi Crown Prince": the name is before the titles.
        while words and (words[-1] in gaz.titles or words[-1] in gaz.connectors):
            words = words[:-1]
        return _names_in_run(words, gaz, prev_word) if words else []
    after_title = words[last_title + 1 :] if last_title >= 0 else []
    core_after = [w for w in after_title if w.lower() not in gaz.connectors]
    looks_like_person = after_title and len(core_after) <= 4 and not any(
        w.lower() in gaz.org_suffixes or w.lower() in gaz.not_person for w in after_title)
    if last_title >= 0 and looks_like_person:
        person = [w for w in words[last_title + 1 :] if w not in gaz.connectors or w != words[last_title + 1]]
        before = [w for w in words[:last_title] if w not in gaz.titles and w not in gaz.ignore]
        out = [EntityRef(" ".join(person), "person")]
        if known := _known(" ".join(before), gaz):
            out.append(known)
        return out
    for suffixes, kind in ((gaz.org_suffixes, "organisation"), (gaz.place_suffixes, "place")):
        if words[-1].lower() in suffixes and len(words) > 1:
            while words and (words[0] in {"The", "A", "An"} or words[0] in gaz.connectors):
                words = words[1:]
            return [EntityRef(" ".join(words), kind)] if len(words) > 1 else []
    # Strip leading function words and adjectives ("However", "Russian"), and
    # trailing ones ("Adobe Reader Meanwhile": a missing full stop).
    while words and (words[0] in gaz.ignore or words[0] in gaz.titles or words[0] in gaz.connectors):
        words = words[1:]
    while words and (words[-1] in gaz.ignore or words[-1] in gaz.connectors):
        words = words[:-1]
    if not words:
        return []
    if known := _known(" ".join(words), gaz):
        return [known]
    name = gaz.aliases.get(" ".join(words), " ".join(words))
    if len(words) == 1:
        if name in gaz.ignore or len(name) < 2:
            return []
        if prev_word in gaz.place_prepositions and not any(c.isdigit() for c in name):
            return [EntityRef(name, "place")]  # "in Vladivostok"; never a code ("a rise in H1N1 cases")
        return [EntityRef(name, "")]
    core = [w for w in words if w.lower() not in gaz.connectors]
    if all(w[:1].isupper() and not w.isupper() for w in words) and len(core) <= 4:
        return [EntityRef(name, "person" if len(core) <= 3 else "")]
    return [EntityRef(name, "")]
