"""Text that is not the story: wire datelines and bylines, timestamps,
photo credits, print-edition notes, reader comments, prompts, first-person
commentary and shouting (rules in data/<lang>/furniture.toml).

The article page still shows all of it; what changes is what events are made
of. Each sentence gets its story part: the sentence without a leading
dateline or byline, or nothing when the whole sentence is furniture.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick

from ..temporal.required import fewest_literals, holds_digit, required_literals
from .words import folds_to_ascii


@dataclass(frozen=True)
class FurnitureRule:
    id: str
    pattern: re.Pattern
    examples: tuple[dict, ...]
    not_examples: tuple[str, ...]
    needs: str = ""  # text the rule needs near the start; without it the rule is not tried
    # Lower-case strings one of which every match holds (temporal/required.py
    # finds them in the pattern), or None: a line without any of them is not
    # searched. A case-insensitive search cannot skip ahead to a literal the
    # way a plain one does, so it costs tens of microseconds a sentence, and
    # a few substring tests of the lower-cased line a few.
    required: frozenset[str] | None = None
    digit: bool = False  # every match holds a digit (a prefix rule is not tried on a sentence without one)
    # `required` as one pattern (the strings as alternatives): whether a line
    # holds one of them, found in one search in C, not a test of each string.
    required_pattern: re.Pattern | None = None


@dataclass(frozen=True)
class Furniture:
    prefixes: tuple[FurnitureRule, ...]
    lines: tuple[FurnitureRule, ...]
    first_person: re.Pattern
    first_person_examples: tuple[tuple[str, ...], tuple[str, ...]]
    shout_min_words: int
    shout_min_upper: float
    shout_examples: tuple[tuple[str, ...], tuple[str, ...]]
    # Every rule's required strings in one Aho-Corasick automaton, built on
    # first use (see article_rules).
    derived: dict = field(default_factory=dict, compare=False, repr=False)


def _rules(items: list[dict], path: Path) -> tuple[FurnitureRule, ...]:
    out = []
    for raw in items:
        try:
            pattern = re.compile(raw["pattern"])
        except (KeyError, re.error) as exc:
            raise ValueError(f"{path}: furniture rule {raw.get('id', '?')}: {exc}") from exc
        # The fewest strings (the print-edition rule's thirteen are three), few
        # enough to test instead of searching every sentence case-insensitively.
        required = _few(fewest_literals(required_literals(raw["pattern"])))
        # (A string with a digit may come from "\d", which also matches other
        # scripts' digits: no filter then.)
        if not required or not all(lit.isascii() and not any(c.isdigit() for c in lit) for lit in required):
            required = None
        out.append(FurnitureRule(raw["id"], pattern, tuple(raw.get("examples", [])), tuple(raw.get("not", [])),
                                 raw.get("needs", ""), required, holds_digit(raw["pattern"]),
                                 re.compile("|".join(map(re.escape, sorted(required)))) if required else None))
    return tuple(out)


# A longer list of strings costs more to test than most patterns cost to run.
_FILTER_MAX = 8


def _few(literals: frozenset[str] | None) -> frozenset[str] | None:
    """At most _FILTER_MAX strings one of which every match holds: the
    literals, or else their openings, as long as they can be while few
    enough ("this article was amended ", "this story has been updated "...,
    32 in all, hold "this arti" or "this stor" or...; a match holds a
    literal, so it holds its opening). None when even three characters
    leave too many."""
    if literals is None or len(literals) <= _FILTER_MAX:
        return literals
    for n in range(min(map(len, literals)), 2, -1):
        openings = fewest_literals(frozenset(lit[:n] for lit in literals))
        if openings is not None and len(openings) <= _FILTER_MAX:
            return openings
    return None


def first_person_pattern(words: list[str]) -> re.Pattern:
    r"""The first-person words, not inside a longer word: what
    `(?<![\w’'])(?:words)(?![\w’'])` finds, written so that a search skips
    in C to the letters that open a word (each alternative reads its first
    letter, then looks behind it). A pattern that opens with a lookbehind
    is tried at every position of the sentence: it cost more than all the
    line rules."""
    rests: dict[str, list[str]] = {}
    for w in sorted(words, key=len, reverse=True):
        rests.setdefault(w[0], []).append(w[1:])
    alternatives = "|".join(rf"{re.escape(first)}(?<![\w’'].)(?:{'|'.join(map(re.escape, rest))})"
                            for first, rest in sorted(rests.items()))
    return re.compile(rf"(?:{alternatives})(?![\w’'])")


def load_furniture(path: Path) -> Furniture:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    fp, shout = data["first_person"], data["shouting"]
    return Furniture(
        prefixes=_rules(data.get("prefix", []), path),
        lines=_rules(data.get("line", []), path),
        first_person=first_person_pattern(fp["words"]),
        first_person_examples=(tuple(fp.get("examples", [])), tuple(fp.get("not", []))),
        shout_min_words=int(shout["min_words"]),
        shout_min_upper=float(shout["min_upper_share"]),
        shout_examples=(tuple(shout.get("examples", [])), tuple(shout.get("not", []))),
    )


_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|‘[^’]{0,200}’(?!\w)|``.*?''")


def strip_prefixes(sentence: str, f: Furniture, rules: tuple[FurnitureRule, ...] | None = None) -> int:
    """How many leading characters of the sentence are furniture. `rules`:
    the prefix rules to try (default all; see article_rules)."""
    cut = 0
    changed = True
    digits = None  # does the rest hold a digit? (found when a rule needing one is first tried)
    while changed:
        changed = False
        for rule in f.prefixes if rules is None else rules:
            if rule.needs and rule.needs not in sentence[cut : cut + 260]:
                continue
            if rule.digit:
                if digits is None:
                    digits = _DIGIT.search(sentence, cut) is not None
                if not digits:
                    continue
            m = rule.pattern.match(sentence[cut:])  # "^" anchors at the real start only: slice
            if m and m.end() > 0:
                cut, changed, digits = cut + m.end(), True, None
    return cut


_DIGIT = re.compile(r"\d")


def is_furniture_line(sentence: str, f: Furniture, rules: tuple[FurnitureRule, ...] | None = None) -> bool:
    """Does a line rule match the sentence? `rules`: the line rules to try
    (default all; see article_rules). The sentence is lower-cased for the
    filters only when a rule with one is tried."""
    lowered: str | None = ""
    for rule in f.lines if rules is None else rules:
        required = rule.required_pattern  # set with rule.required (a line with a folding character: no filter)
        if required is not None:
            if lowered == "":
                lowered = None if folds_to_ascii(sentence) else sentence.lower()
            if lowered is not None and not required.search(lowered):
                continue
        if rule.pattern.search(sentence):
            return True
    return False


@dataclass(frozen=True)
class ArticleRules:
    """The rules that can match somewhere in one article's text."""

    prefixes: tuple[FurnitureRule, ...]
    lines: tuple[FurnitureRule, ...]


def article_rules(text: str, f: Furniture) -> ArticleRules:
    """The furniture rules worth trying on the sentences of this text: a
    prefix rule whose `needs` the text lacks, or a line rule none of whose
    required strings its lower-cased text holds, cannot match any of its
    sentences (each is a piece of the text, and an ASCII string occurs in a
    lower-cased piece where it occurs in the lower-cased whole). Most
    articles hold none: one test each for the article, not one per
    sentence. A prefix rule none of whose required strings the text holds
    is left out the same way. A text with a character that matches an ASCII
    letter case-insensitively without lower-casing to one keeps every rule
    but those lacking their `needs`."""
    prefixes = tuple(r for r in f.prefixes if not r.needs or r.needs in text)
    if folds_to_ascii(text):
        return ArticleRules(prefixes, f.lines)
    # The required strings the text holds, all found in one pass (a test of
    # each string would go through the whole article once per string).
    automaton = _automaton(f)
    found = {lit for _, lit in automaton.iter(text.lower())} if automaton.kind == ahocorasick.AHOCORASICK else set()

    def may(rule: FurnitureRule) -> bool:
        return rule.required is None or not rule.required.isdisjoint(found)

    return ArticleRules(tuple(filter(may, prefixes)), tuple(filter(may, f.lines)))


def _automaton(f: Furniture) -> ahocorasick.Automaton:
    automaton = f.derived.get("automaton")
    if automaton is None:
        automaton = f.derived["automaton"] = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        for rule in (*f.prefixes, *f.lines):
            for lit in rule.required or ():
                automaton.add_word(lit, lit)
        automaton.make_automaton()
    return automaton


def is_first_person(sentence: str, f: Furniture) -> bool:
    """First person singular outside quotation marks: commentary. Most
    sentences have no first-person word at all, quoted or not: they are
    searched once, as they are. (Blanking the quotations adds no match,
    except after a ``...'' quotation: the word after its closing quote
    mark, which hid it, then follows a space.)"""
    if "``" not in sentence and not f.first_person.search(sentence):
        return False
    return bool(f.first_person.search(_QUOTED.sub(" ", sentence)))


# Thirteen ASCII lower-case letters: in an ASCII text, what str.islower
# counts. Matched in C where counting with islower made a call per character.
_THIRTEEN_LOWER = re.compile(r"(?:[^a-z]*[a-z]){13}")


def is_shouting(sentence: str, f: Furniture) -> bool:
    head = sentence[:60]
    if head.isascii():
        plainly_not = _THIRTEEN_LOWER.match(head) is not None
    else:
        plainly_not = sum(map(str.islower, head)) > 12
    if plainly_not:  # most sentences stop here
        return False
    upper, lower = sum(map(str.isupper, sentence)), sum(map(str.islower, sentence))
    if len(sentence.split()) < f.shout_min_words or not upper + lower:
        return False
    return upper / (upper + lower) >= f.shout_min_upper


_CAPTION = re.compile(r"<p>\s*<em>(?:(?!</?p>|</em>).)*</em>\s*</p>", re.S)


def caption_ranges(html: str, offsets) -> list[tuple[int, int]]:
    """Plain-text ranges of the paragraphs set wholly in italics: photo
    captions, as news sites print them under a picture. `offsets`: each
    plain-text character's index in the HTML, ascending (an array, or the
    pieces of markup.PlainText.offset_steps, searched as they are)."""
    out = []
    for m in _CAPTION.finditer(html):
        out.append((bisect.bisect_left(offsets, m.start()), bisect.bisect_left(offsets, m.end())))
    return out


def story_part(text: str, span: tuple[int, int], f: Furniture,
               captions: list[tuple[int, int]] | None = None,
               rules: ArticleRules | None = None) -> tuple[int, int] | None:
    """The story part of the sentence text[span], or None if it has none.
    `rules`: article_rules(text, f), made once for the text's sentences."""
    s, e = span
    if captions and any(a <= s and e <= b for a, b in captions):
        return None
    sentence = text[s:e]
    cut = strip_prefixes(sentence, f, None if rules is None else rules.prefixes)
    rest = sentence[cut:]
    if not rest.strip() or is_furniture_line(rest, f, None if rules is None else rules.lines) \
            or is_first_person(rest, f) or is_shouting(rest, f):
        return None
    return s + cut, e


class StoryParts:
    """The story part (story_part) of each of a text's sentences, made when
    first asked for and kept. The mentions read those of the dated sentences
    and of a few sentences before them, for the names there: a quarter of an
    article's sentences on news; the others are never tested."""

    def __init__(self, text: str, spans: list[tuple[int, int]], f: Furniture,
                 captions: list[tuple[int, int]] | None = None, rules: ArticleRules | None = None):
        self.text, self.spans, self.f, self.captions, self.rules = text, spans, f, captions, rules
        self._parts: dict[int, tuple[int, int] | None] = {}

    def __len__(self) -> int:
        return len(self.spans)

    def __getitem__(self, i: int) -> tuple[int, int] | None:
        parts = self._parts
        if i in parts:
            return parts[i]
        part = parts[i] = story_part(self.text, self.spans[i], self.f, self.captions, self.rules)
        return part
