"""Corpus-wide folding of name spellings into canonical entities.

Needs every article: "Putin" and "Mr Putin" become "Vladimir Putin" only
because the corpus names him in full somewhere, and "Vladivostock" folds into
"Vladivostok" because the commoner spelling wins. The gazetteer and the
editor's additions come first.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
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


def _winner(votes: Counter) -> str:
    """The kind a name is written with most, the first to come of those tied (Counter.most_common(1))."""
    return max(votes, key=votes.__getitem__)


def _tied(votes: Counter) -> bool:
    """Do the kinds a name is written with most tie (so the order they came in picks one)?"""
    top = sorted(votes.values(), reverse=True)[:2]
    return len(top) == 2 and top[0] == top[1]


@dataclass(frozen=True)
class NameCounts:
    """What EntityIndex.build reads of the corpus's names: each name's count
    (its gazetteer spelling: aliases taken) and the kinds it was written
    with, each kind's count. Counted in the corpus's order (`in_order`: the
    order the names and each name's kinds first come, which picks among
    kinds written as often), or moved by the names of the analyses that came
    and went since (the preview's: state.NameRefs), where reading every
    name again took most of a fold's 0.05 s at 10,000 articles (131,000
    names, 4,700 different); `touched`: the names moved since they were
    last counted in order, whose kinds' order is not known."""

    counts: Counter
    votes: dict[str, Counter]
    in_order: bool = True
    touched: frozenset[str] = frozenset()

    @classmethod
    def of(cls, refs: Iterable[EntityRef], gaz: Gazetteer) -> NameCounts:
        refs = list(refs)
        aliases = gaz.aliases
        names_in = [aliases.get(n, n) for n in map(_NAME, refs)]
        # each name's count (in the order names first come, as a dict fills), and the kinds it was
        # written with, each kind's count in the order the kinds first come for it (counted in C)
        kinds_in = list(map(_KIND, refs))
        votes: dict[str, Counter] = {}
        for (name, kind), c in Counter(compress(zip(names_in, kinds_in, strict=True), kinds_in)).items():
            votes.setdefault(name, Counter())[kind] = c
        return cls(Counter(names_in), votes)

    def moved(self, gone: Iterable[EntityRef], came: Iterable[EntityRef], gaz: Gazetteer) -> NameCounts:
        """These counts less the names `gone` and with those that `came`
        (new counters where they change: these are the last build's, which
        a build that fails goes on with)."""
        aliases = gaz.aliases
        counts, votes = Counter(self.counts), dict(self.votes)
        touched = set(self.touched)
        copied: set[str] = set()  # the names whose kinds' counter is a new one already
        for refs, by in ((gone, -1), (came, 1)):
            for ref in refs:
                name = aliases.get(ref.name, ref.name)
                left = counts[name] + by
                if left:
                    counts[name] = left
                else:
                    del counts[name]
                touched.add(name)
                if ref.kind:
                    mine = votes.get(name)
                    if mine is None or name not in copied:
                        mine = Counter(mine or ())
                        copied.add(name)
                    left = mine[ref.kind] + by
                    if left:
                        mine[ref.kind] = left
                    else:
                        del mine[ref.kind]
                    if mine:
                        votes[name] = mine
                    else:
                        votes.pop(name, None)
        return NameCounts(counts, votes, False, frozenset(touched))


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
        got = cls.counted(NameCounts.of(refs, gaz), gaz, common, memo)
        assert got is not None  # (counted in the corpus's order: nothing is left to the order)
        return got

    @classmethod
    def counted(cls, counted: NameCounts, gaz: Gazetteer, common: frozenset[str] | set[str] = frozenset(),
                memo: dict | None = None) -> EntityIndex | None:
        """build() from the names' counts (NameCounts: what it reads of the
        names). None when they were moved rather than counted in order
        (NameCounts.moved) and the folding would then depend on the order
        names first come in: a name whose kinds written tie at the top, or
        an entity of no kind of its own whose names bring two kinds."""
        index = cls(gaz)
        counts, votes = counted.counts, counted.votes
        if not counted.in_order and any(_tied(votes[n]) for n in counted.touched if n in votes and n not in gaz.kinds):
            return None
        kinds = {n: gaz.kinds.get(n) or (_winner(votes[n]) if n in votes else "") for n in counts}
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
        if not counted.in_order:
            # an entity of no kind of its own takes the last kind of its names in the order they first come:
            # with two kinds among them, that order (not known here) decides
            brought: dict[str, set[str]] = {}
            for name, target in index.canonical.items():
                if not kinds.get(target) and kinds.get(name):
                    brought.setdefault(target, set()).add(kinds[name])
            if any(len(k) > 1 for k in brought.values()):
                return None
        return index

    def resolve(self, ref: EntityRef) -> tuple[str, str] | None:
        name = self.gaz.aliases.get(ref.name, ref.name)
        target = self.canonical.get(name, name)
        kind = self.kinds.get(target, ref.kind)
        if not kind:
            return None
        return target, kind
