"""The temporal tagger: find temporal expressions and normalize them.

    tag(text, dct) -> [Timex(start, end, text, type, value, mod, ...)]

Three steps, each its own module: `extract` runs the rules (data files under
`rules/<lang>/`) and yields underspecified values; `tense` reads the tense of
each expression's clause; `resolve` anchors the value to the document
creation time (DCT). Offsets are Python string indices into `text`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..analysis import sentences
from . import anaphora, calendar
from . import resolve as _resolve
from .calendar import When
from .extract import find
from .rules import Resources, load
from .tense import tense_at

# Unusual spaces (no-break, thin, figure...) become plain spaces for matching;
# one character for one, so offsets into the original text stay valid.
_SPACES = str.maketrans({c: " " for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                                          "\u200a\u202f\u205f\u3000"})


@dataclass(frozen=True)
class Timex:
    """A temporal expression found in a text: the one record every stage uses
    (the tagger makes it, the article page marks it, events are built on it)."""

    start: int
    end: int
    text: str
    type: str  # DATE | TIME | DURATION | SET
    value: str  # TIMEX3 value; "" if it needed a DCT and there was none
    mod: str = ""
    rule: str = ""
    relative: bool = False  # resolved against the DCT
    tense: str | None = None
    when: When | None = None  # the value parsed, for DATE and TIME values that can be placed

    @property
    def precision(self) -> str | None:
        return self.when.precision if self.when else None

    @property
    def resolved(self) -> bool:
        return bool(self.value)


def tag(
    text: str,
    dct: date | None,
    language: str = "en",
    spans: list[tuple[int, int]] | None = None,
    rules: Resources | None = None,
) -> list[Timex]:
    """All temporal expressions in `text`, anchored to `dct` (may be None:
    relative expressions then come back with an empty value). `rules` are
    the language's compiled rules (the build passes the ones it loaded)."""
    res = rules or load(language)
    plain = text.translate(_SPACES)
    if spans is None:
        spans = sentences.split(plain)
    out: list[Timex] = []
    for c in find(plain, res):
        value, relative, c = anaphora.anchor(c, out, spans, dct)
        if value:  # anchored in the story ("later that year", "a year earlier")
            out.append(_timex(text, c, value, relative, None))
            continue
        tense = None
        if c.value.startswith(("TENSE:", "HOLIDAY:")):
            sentence = sentences.containing(spans, c.start) or (0, len(text))
            tense = tense_at(plain, sentence, c.start, c.end, res.tense)
        relative = _resolve.needs_dct(c.value)
        value = _resolve.resolve(c.value, dct, tense) or ""
        out.append(_timex(text, c, value, relative, tense))
    return out


def _timex(text: str, c, value: str, relative: bool, tense: str | None) -> Timex:
    placed = calendar.when(value) if c.type in ("DATE", "TIME") and value else None
    return Timex(c.start, c.end, text[c.start : c.end], c.type, value, c.mod, c.rule, relative, tense, placed)


def fingerprint(language: str = "en") -> str:
    """Changes whenever a rule or vocabulary file changes (for caches)."""
    return load(language).fingerprint


__all__ = ["Resources", "Timex", "When", "tag", "fingerprint", "load"]
