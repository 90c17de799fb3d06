"""Find temporal expressions: run every rule, drop vetoed and overlapping
matches, extend each survivor by a leading modifier ("late", "the end of").

The result is a list of candidates whose values may still be underspecified
(``REF:M:-1``); `generator.temporal.tag` hands them to the resolver.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import compress, islice, repeat
from operator import sub
from typing import Any

import ahocorasick

from .bounds import WORD
from .rules import Resources, Rule, Veto
from .template import TemplateError, fill


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    type: str
    value: str  # possibly underspecified
    mod: str
    rule: str


def _word_edges_ok(text: str, start: int, end: int) -> bool:
    if start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        return False
    if end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        return False
    return True


_ASCII_LOWER = str.maketrans({c: c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")


def lower_ascii(text: str) -> str:
    """Lower-case A-Z only: same length, so offsets stay valid.

    str.lower runs in C at memory speed, where str.translate with a table
    costs a dictionary miss (an exception raised and cleared) for every
    character of a text that is not all ASCII ("—", "’", "€"): 15 times
    slower on news. So lower() is used, unless it changed a character that
    is not ASCII ("É", the Kelvin sign) or the length ("İ"), which only the
    table gets right. (The text's non-ASCII characters, lower-cased on
    their own, are unchanged exactly when lower() left them so: only the
    Greek capital sigma, which changes either way, looks at its context.)"""
    lowered = text.lower()
    if text.isascii():
        return lowered
    if len(lowered) == len(text):
        others = _ASCII_RUNS.sub("", text)
        if others.lower() == others:
            return lowered
    return text.translate(_ASCII_LOWER)


WINDOW = 64  # characters searched on each side of a required word


def _derived(kind: str, res: Resources, build):
    """A structure derived from the rules, built on first use and kept on the
    Resources object itself (so it lives and dies with those rules: no module
    state, and rules loaded anew never get another's plan)."""
    known = res.derived.get(kind)
    if known is None:
        known = res.derived[kind] = build(res)
    return known



def _automaton(res: Resources) -> ahocorasick.Automaton:
    """Every required literal in one Aho-Corasick automaton. At each
    literal's end it gives (the literal, its length - 1, the groups that
    need it): a hit goes straight to the groups it opens windows for. The
    groups are numbered vetoes' first, then rules' (see _Plans)."""
    return _derived("literals", res, _build_automaton)


def _build_automaton(res: Resources) -> ahocorasick.Automaton:
    """At each literal's end: (the literal, its length - 1, the groups that
    take every occurrence of it, and (group, test) for those that take only
    an occurrence with no word character before it (test 1), after it (2)
    or either (3); see _Plans.bounds)."""
    plans = _plan(res)
    automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
    for lit in res.literals:
        if lit in plans.needing:  # (a word only groups of characters need is found by them, see _Plans)
            tests = [(k, (plans.bounds[k] & 1 if lit[0] in WORD else 0) | (plans.bounds[k] & 2 if lit[-1] in WORD
                                                                             else 0)) for k in plans.needing[lit]]
            automaton.add_word(lit, (lit, len(lit) - 1, tuple(k for k, test in tests if not test),
                                     tuple((k, test) for k, test in tests if test)))
    automaton.make_automaton()
    return automaton


_START = re.Match.start


def literal_positions(lowered: str, res: Resources) -> dict[str, list[int]]:
    """Where each required literal occurs (every occurrence, overlapping ones
    too, in text order), found by one pass of the Aho-Corasick automaton in C
    (and the single characters only groups of characters need, by a search each)."""
    found: dict[str, list[int]] = {}
    automaton = _automaton(res)
    if automaton.kind == ahocorasick.AHOCORASICK:
        for end, (lit, back, _, _) in automaton.iter(lowered):
            found.setdefault(lit, []).append(end - back)
    for lit in res.literals:
        if lit not in _plan(res).needing and (where := list(map(_START, re.finditer(re.escape(lit), lowered)))):
            found[lit] = where
    return found


def _group_starts(lowered: str, res: Resources, count: int) -> list[list[int]]:
    """For each of the `count` groups (vetoes' and rules'), the starts of the
    words it needs, in the order of their ends (empty: none occurs). One pass
    of the automaton in C finds every rule's words at once (three times
    faster than a str.find scan per word) and hands each hit to the groups
    that need its word: no per-word table to merge into per-group lists
    afterwards (that merging, with its bookkeeping, had come to cost as much
    as the search). A group that needs only single characters (a digit)
    finds them with one search of its own: every digit of a text was 40 % of
    the automaton's hits, each a round of the Python loop below. A group
    whose words' every match stands clear of the letters around it (see
    _Plans.bounds) takes no occurrence inside a longer word ("dec" of
    "decision"): a window there would find nothing."""
    lists: list[list[int]] = list(map(list, repeat((), count)))
    automaton = _automaton(res)
    if automaton.kind == ahocorasick.AHOCORASICK:
        last = len(lowered) - 1
        for end, (_, back, keys, tested) in automaton.iter(lowered):
            start = end - back
            for k in keys:
                lists[k].append(start)
            if tested:
                inside = (start > 0 and lowered[start - 1] in WORD) | 2 * (end < last and lowered[end + 1] in WORD)
                for k, test in tested:
                    if not test & inside:
                        lists[k].append(start)
    for k, chars in _plan(res).by_chars:
        lists[k] = list(map(_START, chars.finditer(lowered)))
    return lists


def windows(n: int, starts: list[int], before: int, after: int) -> list[tuple[int, int]]:
    """Stretches of a text of length n around the (sorted) starts of the words
    a rule needs: `before` characters before each, `after` from it, merged
    (a window goes on while the next start lies within both reaches)."""
    first = starts[0]
    if len(starts) == 1:
        return [(first - before if first > before else 0, first + after if first + after < n else n)]
    width = before + after
    out = []
    if len(starts) < _MANY_STARTS:
        # A plain loop: measured on news, twice as fast as finding the cuts
        # with iterators in C for the handful of starts most groups get.
        opened = prev = first
        for s in starts:
            if s - prev > width:
                out.append((opened - before if opened > before else 0, prev + after if prev + after < n else n))
                opened = s
            prev = s
        out.append((opened - before if opened > before else 0, prev + after if prev + after < n else n))
        return out
    # Many starts (every digit of a text): the indices where a gap opens a
    # new window, found in C; Python then goes once round per window, not per start.
    opened = 0
    for cut in (*compress(range(1, len(starts)), map(width.__lt__, map(sub, islice(starts, 1, None), starts))),
                len(starts)):
        o, p = starts[opened], starts[cut - 1]
        out.append((o - before if o > before else 0, p + after if p + after < n else n))
        opened = cut
    return out


_MANY_STARTS = 16


def _scan(text: str, lowered: str, item: Rule | Veto, spans: list[tuple[int, int]]) -> list:
    """[(start, end, match)] of a rule or veto inside `spans`: found on the
    lower-cased text (the whole match is the group `_m`, see
    rules.scan_pattern), confirmed on the original where the rule is
    case-sensitive. A match that reaches the end of a span is re-checked
    without the span's limit, so a lookahead never sees a truncated text."""
    n = len(lowered)
    search, match = item.fast.search, item.fast.match
    verify = item.needs_verify
    out = []
    for a, b in spans:
        pos = a
        while pos < b and (m := search(lowered, pos, b)) is not None:
            start, end = m.span("_m")
            if b < n and end > b - 16:
                m = match(lowered, start)
                if m is None:
                    pos = start + 1
                    continue
                end = m.end("_m")
            if verify:
                v = item.regex.match(text, start)
                if v is None or v.end() <= start:
                    pos = start + 1
                    continue
                m, end = v, v.end()
            out.append((start, end, m))
            pos = end if end > start else start + 1
    return out


def _scan_at(text: str, lowered: str, item: Rule | Veto, starts: list[int]) -> list:
    """[(start, end, match)] of a rule or veto every match of which starts
    with one of its required words (item.anchored), tried at the (sorted)
    `starts` of those words only: one anchored attempt each, where a search
    of the window around them tried the pattern at every position. The
    matches are the pattern's own on the whole text, as a search finds them
    (each from the end of the one before)."""
    match = item.fast.match
    verify = item.needs_verify
    out = []
    pos = -1
    for p in starts:
        if p < pos:
            continue
        pos = p + 1  # the same start again (two words beginning there) is not tried twice
        m = match(lowered, p)
        if m is None:
            continue
        start, end = m.span("_m")
        if verify:
            v = item.regex.match(text, start)
            if v is None or v.end() <= start:
                continue
            m, end = v, v.end()
        out.append((start, end, m))
        pos = end if end > start else start + 1
    return out


def _modifier_prefix(res: Resources) -> re.Pattern:
    return _derived("modifiers", res, _build_modifier_prefix)


def _build_modifier_prefix(res: Resources) -> re.Pattern:
    words = sorted(res.vocab["modifiers"], key=len, reverse=True)
    alternation = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    # ("get around Wednesday's ruling" is a verb, not an approximation)
    return re.compile(rf"(?<![A-Za-z])(?<!get )(?<!got )(?<!gets )(?<!getting )({alternation})(?:\s+|-)(?:of\s+)?$",
                      re.IGNORECASE)


@dataclass(frozen=True)
class _Group:
    """Rules (or vetoes) that need the same words: their windows are found once."""

    literals: frozenset[str] | None  # None: the rules run on the whole text
    reaches: tuple[tuple[int, int], ...]  # the members' distinct (reach before, reach after)
    # (file order, Rule or Veto, index of its reach; -1: tried at its words' starts, see _scan_at)
    members: tuple[tuple[int, Any, int], ...]
    # What the text must end with right before one of the words for the
    # members to match there (their `after`, read backwards, so matched on
    # the reversed text): the other starts open no window.
    after: re.Pattern | None = None


def _round(reach: int) -> int:
    """A reach rounded up to a multiple of 16 (at most WINDOW): rules needing
    the same words then mostly share windows; a few spare characters cost little."""
    return min(WINDOW, -(-reach // 16) * 16)


@dataclass(frozen=True)
class _Plan:
    """The groups of a set of rules (or vetoes), numbered from `first` in the
    index space the automaton hands hits to."""

    groups: tuple[_Group, ...]
    first: int
    always: frozenset[int]  # groups that run on the whole text

    def present(self, lists: list[list[int]]) -> list[tuple[_Group, list[int] | None]]:
        """The groups one of whose words occurs in the text, in order, each
        with the (sorted) starts of its words (None: it runs on the whole text)."""
        first = self.first
        mine = lists[first : first + len(self.groups)]
        out: list[tuple[_Group, list[int] | None]] = []
        for k in sorted({*compress(range(len(mine)), mine), *self.always}):
            starts = mine[k]
            if len(starts) > 1:  # in the order of their ends: a short word may end after a longer one starting later
                starts.sort()
            out.append((self.groups[k], starts or None))
        return out


@dataclass(frozen=True)
class _Plans:
    vetoes: _Plan
    rules: _Plan
    needing: dict[str, tuple[int, ...]]  # word -> the groups (vetoes' then rules') that need it
    count: int  # how many groups in all
    # Groups needing only single characters (digits), numbered as above: each
    # finds them with its own search of a character class instead of the automaton.
    by_chars: tuple[tuple[int, re.Pattern], ...] = ()
    # For each group, numbered as above: 1 when in every match of every
    # member, no character of bounds.WORD stands right before the required
    # word (where the word opens with one), 2 the same after it, 3 both
    # (Rule.bounds, bounds.literal_bounds); 0 neither.
    bounds: tuple[int, ...] = ()


def _groups(items) -> tuple[_Group, ...]:
    by_required: dict = {}
    for order, item in enumerate(items):
        after = item.after.pattern if item.after is not None else None
        by_required.setdefault((item.required, after), []).append((order, item))
    groups = []
    for (req, _), members in by_required.items():
        at_starts = {order for order, i in members if req is not None and i.anchored}
        reaches = list(dict.fromkeys((_round(i.reach[0]), _round(i.reach[1]))
                                     for order, i in members if order not in at_starts))
        groups.append(_Group(req, tuple(reaches), tuple(
            (order, i, -1 if order in at_starts else reaches.index((_round(i.reach[0]), _round(i.reach[1]))))
            for order, i in members), members[0][1].after))
    return tuple(groups)


def _build_plans(res: Resources) -> _Plans:
    veto_groups, rule_groups = _groups(res.vetoes), _groups(res.rules)
    needing: dict[str, list[int]] = {}
    by_chars = []
    for k, group in enumerate(veto_groups + rule_groups):
        if group.literals and all(len(lit) == 1 for lit in group.literals):
            by_chars.append((k, re.compile("[" + "".join(map(re.escape, sorted(group.literals))) + "]")))
            continue
        for lit in group.literals or ():
            needing.setdefault(lit, []).append(k)

    def plan(groups: tuple[_Group, ...], first: int) -> _Plan:
        return _Plan(groups, first, frozenset(k for k, g in enumerate(groups) if g.literals is None))

    def bounded(group: _Group) -> int:
        """What every member's required words stand clear of (see Rule.bounds)."""
        if not group.literals:
            return 0
        out = 3
        for _, item, _ in group.members:
            out &= item.bounds if item.required == group.literals else 0
        return out

    return _Plans(plan(veto_groups, 0), plan(rule_groups, len(veto_groups)),
                  {lit: tuple(ks) for lit, ks in needing.items()}, len(veto_groups) + len(rule_groups),
                  tuple(by_chars), tuple(map(bounded, veto_groups + rule_groups)))


def _plan(res: Resources) -> _Plans:
    """The vetoes' and the rules' groups, built once per set of resources."""
    return _derived("plan", res, _build_plans)


def _run(text: str, lowered: str, present: list[tuple[_Group, list[int] | None]]) -> list:
    """[(file order, rule or veto, [(start, end, match)])] of the members of
    the groups present (each with the starts of its words; None: the whole
    text) that match. Each group's windows are made once for each of its
    reaches and searched by every member with that reach; a member anchored
    on its words (k < 0) is tried at their starts only."""
    n = len(text)
    out = []
    backwards = None  # the lower-cased text reversed, made when a group needs it
    for group, starts in present:
        if starts is None:
            spans = [[(0, n)]] * len(group.reaches)
            starts = []  # (a group needing no word has no member anchored on one)
        else:
            if group.after is not None:
                # ("day" opens no window for the durations that need a count
                # before their unit when it follows "to" or "Mon")
                if backwards is None:
                    backwards = lowered[::-1]
                guard = group.after.match
                starts = [s for s in starts if guard(backwards, n - s)]
                if not starts:
                    continue
            spans = [windows(n, starts, before, after) for before, after in group.reaches]
        for order, item, k in group.members:
            matches = _scan(text, lowered, item, spans[k]) if k >= 0 else _scan_at(text, lowered, item, starts)
            if matches:
                out.append((order, item, matches))
    return out


def find(text: str, res: Resources) -> list[Candidate]:
    """Every temporal expression the rules find in `text`, in text order."""
    lowered = lower_ascii(text)
    plans = _plan(res)
    lists = _group_starts(lowered, res, plans.count)
    vetoed = _vetoed(len(text), _run(text, lowered, plans.vetoes.present(lists)))
    raw: list[tuple[int, int, Rule, re.Match, int]] = []
    # (groups none of whose words occurs are not run)
    for order, rule, matches in _run(text, lowered, plans.rules.present(lists)):
        has_t = rule.has_t
        for start, end, m in matches:
            if has_t and m.group("t") is not None:
                start, end = m.span("t")
            if end > start and _word_edges_ok(text, start, end) and (
                    vetoed is None or vetoed.find(1, start, end) < 0):
                raw.append((start, end, rule, m, order))
    return _candidates(text, choose(raw, len(text)), res)


# Overlap tests mark characters in a bytearray (vetoed ones, then those of
# each chosen match): a test is then a C-speed scan of the candidate's own
# characters, so choosing is linear in the text and the number of matches
# (testing each candidate against every chosen match was quadratic).

def _vetoed(n: int, found: list) -> bytearray | None:
    """Characters (of a text of length n) covered by a false friend ("Sunday
    Times") the vetoes found, or None if none is."""
    if not found:
        return None
    mask = bytearray(n)
    for _, _, matches in found:
        for start, end, _ in matches:
            mask[start:end] = b"\x01" * (end - start)
    return mask


def choose(raw: list, n: int) -> list:
    """Non-overlapping matches (start, end, rule, match, file order) of a text
    of length n: the longest wins; at equal length the rule with the higher
    priority, then the earlier rule in file order, then the earlier match.
    In text order."""
    raw = sorted(raw, key=lambda r: (-(r[1] - r[0]), -r[2].priority, r[4], r[0]))
    taken = bytearray(n)
    chosen = []
    for cand in raw:
        start, end = cand[0], cand[1]
        if taken.find(1, start, end) < 0:
            taken[start:end] = b"\x01" * (end - start)
            chosen.append(cand)
    chosen.sort(key=lambda r: r[0])
    return chosen


_MOD = re.compile(r"START|END|MID|APPROX|MORE_THAN|LESS_THAN|EQUAL_OR_MORE|EQUAL_OR_LESS|BEFORE|AFTER")


def _first_mod(mod: str) -> str:
    """A template with two hedges ("about two years or so") fills to
    "APPROXAPPROX": TIMEX3 has one mod, the first."""
    m = _MOD.match(mod)
    return m.group(0) if m else mod


_ASCII_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _may_follow_modifier(before: str, last_words: frozenset) -> bool:
    """Whether `before` can end with a leading modifier ("early ", "mid-",
    "the end of "): its last word must end one. A cheap test that spares the
    modifier pattern most expressions."""
    before = before.rstrip()
    if before.endswith("-"):
        before = before[:-1]
    # the trailing run of ASCII letters, as the pattern's (?<![A-Za-z]) counts a word
    return before[len(before.rstrip(_ASCII_LETTERS)) :].lower() in last_words


_UNSEEN = object()
_FILLED_MAX = 50_000


def _fill(rule: Rule, m: re.Match, res: Resources) -> tuple[str, str] | None:
    """(value, mod) of a rule's match from its groups, or None if a template
    cannot be filled. It depends only on the rule and what its groups hold,
    which repeat ("last year", "Tuesday"): `_candidates` remembers it by
    those, on the rules object (so it never outlives the rules)."""
    groups = m.groupdict()
    try:
        value = fill(rule.value, groups, res.vocab)
        mod = _first_mod(fill(rule.mod, groups, res.vocab)) if rule.mod else ""
    except (TemplateError, KeyError, ValueError):
        return None
    return value, mod


def _candidates(text: str, chosen: list, res: Resources) -> list[Candidate]:
    """Fill each chosen match's value template; extend a DATE or TIME by a
    leading modifier ("late", "the end of") not already part of an expression."""
    prefix = _modifier_prefix(res)
    last_words = _derived("modifier-ends", res, lambda r: frozenset(
        {"of"} | {w.split()[-1] for w in r.vocab["modifiers"]}))
    filled = _derived("filled", res, lambda r: {})
    if len(filled) > _FILLED_MAX:  # a long-running preview tags many texts with the same rules
        filled.clear()
    out: list[Candidate] = []
    taken_until = 0
    for start, end, rule, m, _ in chosen:
        key = (rule.id, m.groups())
        known = filled.get(key, _UNSEEN)
        if known is _UNSEEN:
            known = filled[key] = _fill(rule, m, res)
        if known is None:
            continue
        value, mod = known
        if rule.type in ("DATE", "TIME") and not value.endswith("_REF") and _may_follow_modifier(
                text[max(taken_until, start - 40) : start], last_words):
            pm = prefix.search(text, max(taken_until, start - 40), start)
            if pm and pm.end() == start:
                word = re.sub(r"\s+", " ", pm.group(1).lower())
                mod = mod or str(res.vocab["modifiers"].get(word, ""))
                start = pm.start()
        out.append(Candidate(start, end, rule.type, value, mod, rule.id))
        taken_until = end
    return out
