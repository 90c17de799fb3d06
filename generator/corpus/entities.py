"""Corpus-wide folding of name spellings into canonical entities.

Needs every article: "Putin" and "Mr Putin" become "Vladimir Putin" only
because the corpus names him in full somewhere, and "Vladivostock" folds into
"Vladivostok" because the commoner spelling wins. The gazetteer and the
editor's additions come first.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import compress
from operator import attrgetter

from ..analysis.names import Gazetteer
from ..model import EntityRef


def _quick_ratio(a: str, b: str, letters: dict[str, Counter]) -> float:
    """difflib's real_quick_ratio() then quick_ratio() of the lower-cased
    names (0 when the first already fails): the same values (2.0 * the
    letters in common / both lengths) from letter counts kept per name."""
    ca = letters.get(a)
    if ca is None:
        ca = letters[a] = Counter(a.lower())
    cb = letters.get(b)
    if cb is None:
        cb = letters[b] = Counter(b.lower())
    la, lb = ca.total(), cb.total()  # the lower-cased names' lengths
    length = la + lb
    if 2.0 * min(la, lb) / length < 0.9:
        return 0.0
    # the letters in common: the smaller count of each of a's letters in b (a Counter's
    # missing letter counts 0), summed in C rather than by building the Counter a & b
    return 2.0 * sum(map(min, ca.values(), map(cb.__getitem__, ca))) / length


def _folded_spellings(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Of names with the same first two letters, in the order of their
    counts (commonest first): each that nearly matches a commoner one
    (difflib's ratio of the lower-cased names at least 0.9, lengths at most
    2 apart) -> that one."""
    kept: list[str] = []  # the names no commoner one folds
    letters: dict[str, Counter] = {}  # each compared name's letters, counted once
    folded = []
    for a in names:
        for b in kept:
            if abs(len(a) - len(b)) > 2:
                continue
            # the quick ratios are upper bounds of ratio(): cheap rejections first,
            # computed as difflib computes them, without building a matcher for each pair
            if _quick_ratio(a, b, letters) >= 0.9 and SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.9:
                folded.append((a, b))
                break
        else:
            kept.append(a)
    return tuple(folded)


_NAME, _KIND = attrgetter("name"), attrgetter("kind")


@dataclass
class EntityIndex:
    """Corpus-wide folding of spellings into canonical entities."""

    gaz: Gazetteer
    canonical: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, refs: list[EntityRef], gaz: Gazetteer,
              common: frozenset[str] | set[str] = frozenset(), memo: dict | None = None) -> EntityIndex:
        """`common`: the words the corpus writes in lower case somewhere. A
        guessed person whose every word is one of them ("Climate Change",
        "Death Toll Rises", a headline in title case) is no name. `memo`:
        the spellings folded in each group of names compared (_folded
        spellings), by the names compared, from the last build (the
        preview's: BuildState.spellings), which this build's replace; the
        fold of one group reads its names alone, so an edit that leaves a
        group's names and order as they were takes its fold (10,000
        articles: 0.5 of the 0.6 s of a fold)."""
        index = cls(gaz)
        written = list(map(_NAME, refs))
        aliases = gaz.aliases
        names_in = [aliases.get(n, n) for n in written]
        # each name's count (in the order names first come, as a dict fills), and the kinds it was
        # written with, each kind's count in the order the kinds first come for it (counted in C)
        counts = Counter(names_in)
        kinds_in = list(map(_KIND, refs))
        votes: dict[str, Counter] = {}
        for (name, kind), c in Counter(compress(zip(names_in, kinds_in, strict=True), kinds_in)).items():
            votes.setdefault(name, Counter())[kind] = c
        kinds = {n: gaz.kinds.get(n) or (votes[n].most_common(1)[0][0] if n in votes else "") for n in counts}
        for n, k in kinds.items():
            if k == "person" and n not in gaz.kinds and all(len(w) <= 2 or w.lower() in common for w in n.split()):
                kinds[n] = ""
        # A single name that is the first or last name of exactly one full
        # person name ("Putin" -> "Vladimir Putin"), unless it is known to be
        # something else ("Moscow", a place, is never part of a person).
        people_by_part: dict[str, set[str]] = defaultdict(set)
        for n, k in kinds.items():
            parts = n.split()
            if k == "person" and len(parts) >= 2:
                people_by_part[parts[0]].add(n)
                people_by_part[parts[-1]].add(n)
        mapping: dict[str, str] = {}
        for name in counts:
            if " " not in name and kinds[name] in ("", "person"):
                matches = people_by_part.get(name, ())
                if len(matches) == 1:
                    mapping[name] = next(iter(matches))
        # Near-identical long spellings ("Vladivostock"/"Vladivostok") fold into
        # the commoner; only names with the same first two letters and nearly
        # the same length are compared, each group in the order of the names' counts.
        groups: dict[str, list[str]] = defaultdict(list)
        for a in sorted(counts, key=lambda n: (-counts[n], n)):
            if a not in mapping and len(a) >= 6:
                groups[a[:2].lower()].append(a)
        used: dict[tuple[str, ...], tuple[tuple[str, str], ...]] = {}
        for group in map(tuple, groups.values()):
            folded = memo.get(group) if memo is not None else None
            if folded is None:
                folded = _folded_spellings(group)
            used[group] = folded
            mapping.update(folded)
        if memo is not None:
            memo.clear()
            memo.update(used)
        for name in counts:
            target = mapping.get(name, name)
            while target in mapping and mapping[target] != target:
                target = mapping[target]
            index.canonical[name] = target
        for name, target in index.canonical.items():
            index.kinds[target] = kinds.get(target) or kinds.get(name) or index.kinds.get(target, "")
        return index

    def resolve(self, ref: EntityRef) -> tuple[str, str] | None:
        name = self.gaz.aliases.get(ref.name, ref.name)
        target = self.canonical.get(name, name)
        kind = self.kinds.get(target, ref.kind)
        if not kind:
            return None
        return target, kind
