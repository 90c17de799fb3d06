"""The event stage's English vocabulary (data/<lang>/events.toml) and the
word-level helpers every per-article step shares: stemming, triggers,
keywords.

The vocabulary is data, kept apart from the code that uses it, as the
tagger's rules are: an editor teaches the extractor a new kind of happening
by adding a word, not by changing Python.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..temporal.required import fewest_literals, required_literals

WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")


@dataclass(frozen=True)
class Vocab:
    """The compiled vocabulary of the event stage."""

    triggers: frozenset[str]  # words that make a dated clause an event (verbs and nouns)
    nouns: frozenset[str]  # event nouns ("summit", "election")
    span_cue: re.Pattern  # "since", "until"...: the date bounds a span, it does not date a happening
    projection: re.Pattern  # "will have", "is expected to"...: a plan, not a happening
    stopwords: frozenset[str]
    noun_kind: dict[str, int]  # event noun -> its kind (nouns of one kind name one kind of happening)
    # `span_cue` read backwards: matched at the start of the reversed text
    # (see ends_with_span_cue).
    span_cue_reversed: re.Pattern | None = None
    # Lower-case strings one of which every match of `projection` holds
    # (temporal/required.py), or None: a clause without any is not searched.
    projection_needs: frozenset[str] | None = None
    # What is derived from the vocabulary, word by word, remembered (pure
    # functions of a word and these lists; news repeats its words): a word's
    # trigger kind (trigger_kind) and a lower-case word's keyword stem ("" for
    # none). Kept on the vocabulary, so it lives and dies with it.
    seen_triggers: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    seen_keywords: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


def alternation(words) -> str:
    """A regex alternation of word lists, longest first, any run of spaces between words."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


def _needs(pattern: re.Pattern) -> frozenset[str] | None:
    literals = fewest_literals(required_literals(pattern.pattern))
    return literals if literals and all(lit.isascii() for lit in literals) else None


def load_vocab(path: Path) -> Vocab:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    projection = re.compile(rf"\b(?:{alternation(data['projection_cues'])})\b", re.I)
    cues = data["span_cues"]
    return Vocab(
        triggers=frozenset(w.lower() for w in data["triggers"] + data["nouns"]),
        nouns=frozenset(w.lower() for w in data["nouns"]),
        span_cue=re.compile(rf"\b(?:{alternation(cues)})\s+(?:the\s+)?(?:at\s+least\s+)?$", re.I),
        span_cue_reversed=re.compile(rf"(?:\s+tsael\s+ta)?(?:\s+eht)?\s+(?:{alternation(c[::-1] for c in cues)})\b",
                                     re.I),
        projection=projection,
        stopwords=frozenset(data["stopwords"]),
        noun_kind={w.lower(): k for k, group in enumerate(data.get("noun_kinds", [])) for w in group},
        projection_needs=_needs(projection),
    )


def ends_with_span_cue(text: str, v: Vocab) -> bool:
    """Does the text end with a span cue ("since", "until at least the"),
    as v.span_cue finds it? That pattern ends with "$", so its search tries
    it at every position of the text, each with every cue (10 us for the 40
    characters before a date); the same pattern read backwards is tried
    once, at the start of the reversed text. (A match of span_cue ends with
    white space, so one that ends before a final line break can take it in:
    whether one ends at the very end is the question.)"""
    if v.span_cue_reversed is None:
        return bool(v.span_cue.search(text))
    return v.span_cue_reversed.match(text[::-1]) is not None


# Characters that a case-insensitive pattern matches as an ASCII letter but
# that lower-case to no ASCII letter (İ ı as "i", ſ as "s"; the Kelvin sign,
# which lower-cases to "k", for good measure).
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


def folds_to_ascii(text: str) -> bool:
    """Does the text hold a character that a case-insensitive pattern
    matches as an ASCII letter without lower-casing to one? Then a filter
    on the lower-cased text (its words, its first letters) cannot rule a
    match out, and the pattern must be tried."""
    return not text.isascii() and _FOLDS_TO_ASCII.search(text) is not None


def may_match(text: str, needs: frozenset[str] | None) -> bool:
    """Can a case-insensitive pattern whose every match holds one of `needs`
    (lower-case ASCII strings) match in the text? False only when the
    lower-cased text holds none of them, and no character in it matches an
    ASCII letter without lower-casing to one."""
    if needs is None or folds_to_ascii(text):
        return True
    lowered = text.lower()
    return any(lit in lowered for lit in needs)


_SEEN_MAX = 100_000


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude English stem, enough to match 'summits' with 'summit'. A pure
    function, memoised: news prose repeats its words, and this runs for every
    word of every mention."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)] + keep
    return w


def is_trigger(word: str, v: Vocab) -> bool:
    w = word.lower().replace("’", "'")
    return w in v.triggers or stem(w) in v.triggers or (w.endswith("'s") and w[:-2] in v.triggers)


def is_event_noun(word: str, v: Vocab) -> bool:
    return word.lower() in v.nouns or stem(word) in v.nouns


def trigger_kind(word: str, v: Vocab) -> int:
    """0: not a trigger; 1: a trigger that is not an event noun; 2: an event
    noun. Remembered on the vocabulary."""
    seen = v.seen_triggers
    kind = seen.get(word)
    if kind is None:
        if len(seen) > _SEEN_MAX:
            seen.clear()
        kind = seen[word] = (2 if is_event_noun(word, v) else 1) if is_trigger(word, v) else 0
    return kind


def has_trigger(text: str, v: Vocab, verbs_only: bool = False) -> bool:
    """Does the text hold a trigger word (with verbs_only: one that is not an event noun)?"""
    for w in WORD.findall(text):
        kind = trigger_kind(w, v)
        if kind and not (verbs_only and kind == 2):
            return True
    return False


def keywords(sentence: str, v: Vocab) -> tuple[str, ...]:
    """The stems of a sentence's content words (three letters or more, no
    stopword), each once, sorted: what clustering compares. Each lower-case
    word's stem (or "" for none) is looked up in a table kept on the
    vocabulary, in C, and made only for the words the table lacks. A sorted
    tuple, not a frozenset: a corpus holds one for every dated sentence,
    twice (model.Mention.focus), and a frozenset of eight words takes 728
    bytes against 104 (10,000 articles: about 120 MB against 25, which the
    merge's forked parts copy as they read them); sorted, it reads the
    same whatever the hash seed."""
    seen = v.seen_keywords
    words = " ".join(WORD.findall(sentence)).lower().split()  # the words lower-cased, in one call
    try:
        return tuple(sorted(set(filter(None, map(seen.__getitem__, words)))))
    except KeyError:
        if len(seen) > _SEEN_MAX:
            seen.clear()
        stop = v.stopwords
        for lw in words:
            if lw not in seen:
                seen[lw] = stem(lw) if len(lw) >= 3 and lw not in stop else ""
        return tuple(sorted(set(filter(None, map(seen.__getitem__, words)))))
