"""Find temporal expressions: run every rule, drop vetoed and overlapping
matches, extend each survivor by a leading modifier ("late", "the end of").

The result is a list of candidates whose values may still be underspecified
(``REF:M:-1``); `generator.temporal.tag` hands them to the resolver.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .rules import Resources, Rule
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


def lower_ascii(text: str) -> str:
    """Lower-case A-Z only: same length, so offsets stay valid."""
    return text.translate(_ASCII_LOWER)


WINDOW = 64  # characters searched on each side of a required word


def literal_positions(lowered: str, res: Resources) -> dict[str, list[int]]:
    """Where each required literal occurs. str.find runs in C at memory speed,
    so a scan per literal is several times faster than one regex pass that
    tries every literal at every position; a literal that contains a shorter
    one that occurs rarely is checked only where that one occurs."""
    found: dict[str, list[int]] = {}
    find = lowered.find
    startswith = lowered.startswith
    for lit, inner, offset in res.literal_plan:
        if inner is not None:
            base = found.get(inner)
            if base is None:
                continue  # the shorter literal is absent, so this one is too
            if len(base) <= 32:
                hits = [i - offset for i in base if i >= offset and startswith(lit, i - offset)]
                if hits:
                    found[lit] = hits
                continue
        i = find(lit)
        if i < 0:
            continue
        hits = []
        while i >= 0:
            hits.append(i)
            i = find(lit, i + 1)
        found[lit] = hits
    return found


def windows(n: int, required: frozenset[str] | None,
            positions: dict[str, list[int]]) -> list[tuple[int, int]] | None:
    """Stretches of text around the words a rule needs; None = the rule cannot match."""
    if required is None:
        return [(0, n)]
    spans = [(max(0, i - WINDOW), min(n, i + len(lit) + WINDOW)) for lit in required for i in positions.get(lit, ())]
    if not spans:
        return None
    spans.sort()
    merged = [spans[0]]
    for a, b in spans[1:]:
        if a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _scan(text: str, lowered: str, fast: re.Pattern, regex: re.Pattern, verify: bool,
          spans: list[tuple[int, int]]):
    """Matches of a rule inside `spans`: found on the lower-cased text,
    confirmed on the original where the rule is case-sensitive. A match that
    reaches the end of a span is re-checked without the span's limit, so a
    lookahead never sees a truncated text."""
    n = len(lowered)
    for a, b in spans:
        pos = a
        while pos < b and (m := fast.search(lowered, pos, b)) is not None:
            if b < n and m.end() > b - 16:
                m = fast.match(lowered, m.start())
                if m is None:
                    pos += 1
                    continue
            if verify:
                v = regex.match(text, m.start())
                if v is None or v.end() <= v.start():
                    pos = m.start() + 1
                    continue
                m = v
            yield m
            pos = m.end() if m.end() > m.start() else m.start() + 1


def _matches(text: str, lowered: str, rule: Rule, spans: list[tuple[int, int]]):
    has_t = "t" in rule.regex.groupindex
    for m in _scan(text, lowered, rule.fast, rule.regex, rule.needs_verify, spans):
        if has_t and m.group("t") is not None:
            start, end = m.span("t")
        else:
            start, end = m.span()
        if end > start and _word_edges_ok(text, start, end):
            yield start, end, m


_MODIFIER_CACHE: dict[str, re.Pattern] = {}


def _modifier_prefix(res: Resources) -> re.Pattern:
    pat = _MODIFIER_CACHE.get(res.fingerprint)
    if pat is None:
        words = sorted(res.vocab["modifiers"], key=len, reverse=True)
        alternation = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
        pat = re.compile(rf"(?<![A-Za-z])({alternation})(?:\s+|-)(?:of\s+)?$", re.IGNORECASE)
        _MODIFIER_CACHE[res.fingerprint] = pat
    return pat


def find(text: str, res: Resources) -> list[Candidate]:
    """Every temporal expression the rules find in `text`, in text order."""
    lowered = lower_ascii(text)
    positions = literal_positions(lowered, res)
    n = len(text)
    # Rules that need the same words (all the month-name rules...) share one
    # list of windows per document.
    cache: dict[frozenset[str] | None, list[tuple[int, int]] | None] = {}

    def windows_for(required):
        if required not in cache:
            cache[required] = windows(n, required, positions)
        return cache[required]

    vetoed = _vetoed(text, lowered, res, windows_for)
    raw: list[tuple[int, int, Rule, re.Match]] = []
    for rule in res.rules:
        spans = windows_for(rule.required)
        if spans is None:
            continue  # the rule cannot match: a word it needs is absent
        for start, end, m in _matches(text, lowered, rule, spans):
            if vetoed is None or vetoed.find(1, start, end) < 0:
                raw.append((start, end, rule, m))
    return _candidates(text, choose(raw, n), res)


# Overlap tests mark characters in a bytearray (vetoed ones, then those of
# each chosen match): a test is then a C-speed scan of the candidate's own
# characters, so choosing is linear in the text and the number of matches
# (testing each candidate against every chosen match was quadratic).

def _vetoed(text: str, lowered: str, res: Resources, windows_for) -> bytearray | None:
    """Characters covered by a false friend ("Sunday Times"), or None if none is."""
    mask = None
    for veto in res.vetoes:
        spans = windows_for(veto.required)
        if spans is None:
            continue
        for m in _scan(text, lowered, veto.fast, veto.regex, veto.needs_verify, spans):
            if mask is None:
                mask = bytearray(len(text))
            mask[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    return mask


def choose(raw: list, n: int) -> list:
    """Non-overlapping matches (start, end, rule, ...) of a text of length n:
    the longest wins; at equal length the rule with the higher priority, then
    the earlier rule in file order (stable sort). In text order."""
    raw = sorted(raw, key=lambda r: (-(r[1] - r[0]), -r[2].priority))
    taken = bytearray(n)
    chosen = []
    for cand in raw:
        start, end = cand[0], cand[1]
        if taken.find(1, start, end) < 0:
            taken[start:end] = b"\x01" * (end - start)
            chosen.append(cand)
    chosen.sort(key=lambda r: r[0])
    return chosen


_MOD = re.compile(r"START|END|MID|APPROX|MORE_THAN|LESS_THAN|EQUAL_OR_MORE|EQUAL_OR_LESS")


def _first_mod(mod: str) -> str:
    """A template with two hedges ("about two years or so") fills to
    "APPROXAPPROX": TIMEX3 has one mod, the first."""
    m = _MOD.match(mod)
    return m.group(0) if m else mod


def _candidates(text: str, chosen: list, res: Resources) -> list[Candidate]:
    """Fill each chosen match's value template; extend a DATE or TIME by a
    leading modifier ("late", "the end of") not already part of an expression."""
    prefix = _modifier_prefix(res)
    out: list[Candidate] = []
    taken_until = 0
    for start, end, rule, m in chosen:
        groups = m.groupdict()
        try:
            value = fill(rule.value, groups, res.vocab)
            mod = _first_mod(fill(rule.mod, groups, res.vocab)) if rule.mod else ""
        except (TemplateError, KeyError, ValueError):
            continue
        if rule.type in ("DATE", "TIME") and not value.endswith("_REF"):
            pm = prefix.search(text, max(taken_until, start - 40), start)
            if pm and pm.end() == start:
                word = re.sub(r"\s+", " ", pm.group(1).lower())
                mod = mod or str(res.vocab["modifiers"].get(word, ""))
                start = pm.start()
        out.append(Candidate(start, end, rule.type, value, mod, rule.id))
        taken_until = end
    return out
