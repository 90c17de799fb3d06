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
from dataclasses import dataclass
from pathlib import Path

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


def alternation(words) -> str:
    """A regex alternation of word lists, longest first, any run of spaces between words."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


def load_vocab(path: Path) -> Vocab:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return Vocab(
        triggers=frozenset(w.lower() for w in data["triggers"] + data["nouns"]),
        nouns=frozenset(w.lower() for w in data["nouns"]),
        span_cue=re.compile(rf"\b(?:{alternation(data['span_cues'])})\s+(?:the\s+)?(?:at\s+least\s+)?$", re.I),
        projection=re.compile(rf"\b(?:{alternation(data['projection_cues'])})\b", re.I),
        stopwords=frozenset(data["stopwords"]),
        noun_kind={w.lower(): k for k, group in enumerate(data.get("noun_kinds", [])) for w in group},
    )


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


def has_trigger(text: str, v: Vocab, verbs_only: bool = False) -> bool:
    """Does the text hold a trigger word (with verbs_only: one that is not an event noun)?"""
    for w in WORD.findall(text):
        if is_trigger(w, v) and not (verbs_only and is_event_noun(w, v)):
            return True
    return False


def keywords(sentence: str, v: Vocab) -> frozenset[str]:
    """The stems of a sentence's content words: what clustering compares."""
    stop = v.stopwords
    return frozenset([stem(lw) for lw in map(str.lower, WORD.findall(sentence)) if len(lw) >= 3 and lw not in stop])
