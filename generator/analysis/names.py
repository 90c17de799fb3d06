"""People, places and organisations named in a sentence (per article).

Capitalised name runs, with titles and courtesy words stripped ("Russian
President Vladimir Putin" -> "Vladimir Putin", a person), typed by the
gazetteer (data/<lang>/gazetteer.toml plus the editor's additions) or by
their shape. Folding spellings into one entity needs the whole corpus and is
done later (corpus/entities.py).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..model import EntityRef

ORG_SUFFIXES = {
    "group", "bank", "fund", "union", "council", "organization", "organisation", "ministry", "party",
    "agency", "court", "commission", "corporation", "company", "inc", "ltd", "alliance", "association",
    "foundation", "university", "institute", "army", "navy", "forces", "congress", "senate", "parliament",
    "assembly", "committee", "department", "office", "service", "authority", "federation", "times",
    "post", "news", "forum", "ideas", "school", "economics", "corp", "co", "club", "league",
}
CONNECTORS = {"of", "bin", "bint", "al", "el", "de", "da", "di", "du", "la", "le", "van", "von", "der", "den"}
NOT_PERSON = {"treaty", "plan", "policy", "agreement", "act", "deal", "report", "doctrine", "initiative",
              "programme", "program", "strategy", "war", "accord"}
PLACE_PREPOSITIONS = {"in", "at", "to", "from", "near", "into", "across", "outside", "inside"}

_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9.’'&+-]*")


@dataclass(frozen=True)
class Gazetteer:
    aliases: dict[str, str]
    kinds: dict[str, str]
    titles: frozenset[str]
    ignore: frozenset[str]


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
    for path in files:
        data = _read_gazetteer(path)
        alias_map.update(data.get("aliases", {}))
        for kind, section in (("place", "places"), ("organisation", "organisations"), ("person", "people")):
            for name in data.get(section, {}).get("names", []):
                kinds[name] = kind
        titles.update(data.get("titles", {}).get("words", []))
        ignored.update(data.get("ignore", {}).get("words", []))
    alias_map.update(aliases or {})
    kinds.update(types or {})
    ignored.update(ignore)
    return Gazetteer(alias_map, kinds, frozenset(titles), frozenset(ignored))


_INITIALS = re.compile(r"(?:[A-Z]\.)+")


def _clean(token: str) -> str:
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


_BREAK = re.compile(r"[,;:()\"“”—–\n]|\s-\s|[.!?]\s")


def name_hits(sentence: str, gaz: Gazetteer, skip: tuple[tuple[int, int], ...] = ()) -> list[NameHit]:
    """Names in one sentence. A name never runs across punctuation, a line
    break, a sentence end or a possessive, nor into a span of `skip` (the
    sentence's temporal expressions: "Later Monday" is no name)."""
    matches = [m for m in _TOKEN.finditer(sentence) if not any(a <= m.start() < b for a, b in skip)]
    tokens = [(m.start(), _clean(m.group(0))) for m in matches]
    raw_tokens = {m.start(): m.group(0) for m in matches}
    ends = {m.start(): m.end() for m in matches}
    runs: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for i, (pos, tok) in enumerate(tokens):
        gap = sentence[ends[current[-1][0]]:pos] if current else ""
        gap_ok = not current or (not _BREAK.search(gap) and not any(a < pos and b > ends[current[-1][0]]
                                                                      for a, b in skip))
        # A possessive ends a name ("Russia’s Far East" is Russia + Far East),
        # and so does a full stop after a word ("... in Moscow. Xi ...").
        previous = raw_tokens.get(current[-1][0], "") if current else ""
        if re.search(r"['’]s$", previous) or (previous.endswith(".") and len(previous) > 4
                                               and not _INITIALS.fullmatch(previous)):
            gap_ok = False
        if _is_capitalised(tok):
            if not gap_ok:
                runs.append(current)
                current = []
            current.append((pos, tok))
            continue
        nxt = tokens[i + 1][1] if i + 1 < len(tokens) else ""
        if current and tok in CONNECTORS and _is_capitalised(nxt) and gap_ok:
            current.append((pos, tok))
            continue
        if current:
            runs.append(current)
        current = []
    if current:
        runs.append(current)

    out: list[NameHit] = []
    for run in runs:
        words = [t for _, t in run]
        while words and words[-1] in CONNECTORS:
            words.pop()
        if not words:
            continue
        at_start = run[0][0] == 0 or not sentence[: run[0][0]].strip(" \"“‘'(•")
        prev_word = sentence[: run[0][0]].split()[-1].lower() if sentence[: run[0][0]].split() else ""
        start, end = run[0][0], ends[run[len(words) - 1][0]]
        for ref in _split_known_tail(words, gaz, prev_word):
            out.append(NameHit(ref, start, end, at_start and ref.name.split()[0] == words[0], sentence))
    return out


def _split_known_tail(words: list[str], gaz: Gazetteer, prev_word: str) -> list[EntityRef]:
    """A run that ends in a name the gazetteer knows, after words it does not
    ("met with Moon Jae-in Moscow": a missing word or comma), is two names."""
    if _known(" ".join(words), gaz) is None:
        for k in range(1, min(4, len(words) - 1) + 1):
            tail = _known(" ".join(words[-k:]), gaz)
            head = words[:-k]
            unknown_head = _known(" ".join(head), gaz) is None
            if tail and head[-1] not in CONNECTORS and head[-1] not in gaz.titles and unknown_head:
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
        while words and (words[-1] in gaz.titles or words[-1] in CONNECTORS):
            words = words[:-1]
        return _names_in_run(words, gaz, prev_word) if words else []
    after_title = words[last_title + 1 :] if last_title >= 0 else []
    looks_like_person = after_title and len([w for w in after_title if w.lower() not in CONNECTORS]) <= 4 and not any(
        w.lower() in ORG_SUFFIXES or w.lower() in NOT_PERSON for w in after_title)
    if last_title >= 0 and looks_like_person:
        person = [w for w in words[last_title + 1 :] if w not in CONNECTORS or w != words[last_title + 1]]
        before = [w for w in words[:last_title] if w not in gaz.titles and w not in gaz.ignore]
        out = [EntityRef(" ".join(person), "person")]
        if known := _known(" ".join(before), gaz):
            out.append(known)
        return out
    if words[-1].lower() in ORG_SUFFIXES and len(words) > 1:
        while words and (words[0] in {"The", "A", "An"} or words[0] in CONNECTORS):
            words = words[1:]
        return [EntityRef(" ".join(words), "organisation")] if len(words) > 1 else []
    # Strip leading function words and adjectives ("However", "Russian"), and
    # trailing ones ("Adobe Reader Meanwhile": a missing full stop).
    while words and (words[0] in gaz.ignore or words[0] in gaz.titles or words[0] in CONNECTORS):
        words = words[1:]
    while words and (words[-1] in gaz.ignore or words[-1] in CONNECTORS):
        words = words[:-1]
    if not words:
        return []
    if known := _known(" ".join(words), gaz):
        return [known]
    name = gaz.aliases.get(" ".join(words), " ".join(words))
    if len(words) == 1:
        if name in gaz.ignore or len(name) < 2:
            return []
        if prev_word in PLACE_PREPOSITIONS:
            return [EntityRef(name, "place")]
        return [EntityRef(name, "")]
    core = [w for w in words if w.lower() not in CONNECTORS]
    if all(w[:1].isupper() and not w.isupper() for w in words) and len(core) <= 4:
        return [EntityRef(name, "person" if len(core) <= 3 else "")]
    return [EntityRef(name, "")]
