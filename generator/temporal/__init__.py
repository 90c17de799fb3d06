"""The temporal tagger: find temporal expressions and normalize them.

    tag(text, dct) -> [Timex(start, end, text, type, value, mod, ...)]

Three steps, each its own module: `extract` runs the rules (data files under
`rules/<lang>/`) and yields underspecified values; `tense` reads the tense of
each expression's clause; `resolve` anchors the value to the document
creation time (DCT). Offsets are Python string indices into `text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..analysis import sentences
from ..slotted import pickled_by_fields
from . import anaphora, calendar
from . import resolve as _resolve
from .calendar import When
from .extract import find
from .rules import Resources, load
from .tense import TenseReader
from .validate import sanitize

# Unusual spaces (no-break, thin, figure...) become plain spaces for matching;
# one character for one, so offsets into the original text stay valid.
# (A pattern, not str.translate: a translation table costs a dictionary miss,
# an exception raised and cleared, for every character of a text that is not
# all ASCII, and most texts hold none of these spaces.)
_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")


_NEEDS_SENTENCES = ("TENSE:", "HOLIDAY:", "ANAPHOR:", "NARRATIVE:", "PERIODOF:")


@pickled_by_fields
@dataclass(frozen=True, slots=True)
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
    plain = _SPACES.sub(" ", text) if not text.isascii() else text
    candidates = find(plain, res)
    if spans is None:  # sentences matter only to the tense and to the story's anaphora
        needed = any(c.value.startswith(_NEEDS_SENTENCES) for c in candidates)
        spans = sentences.split(plain) if needed else []
    out: list[Timex] = []
    tenses = TenseReader(plain, res.tense)
    placed = _placed(res)
    for c in candidates:
        value, relative, c = anaphora.anchor(c, out, spans, dct)
        tense = None
        if not value:  # not anchored in the story ("later that year"): to the document date
            if c.value.startswith(("TENSE:", "HOLIDAY:")):
                sentence = sentences.containing(spans, c.start) or (0, len(text))
                tense = tenses.at(sentence, c.start, c.end)
            relative = _resolve.needs_dct(c.value)
            value = _resolve.resolve(c.value, dct, tense) or ""
        # Never an impossible value ("February 30" -> a day of February we cannot know).
        value = sanitize(c.type, value)
        when = None
        if c.type in ("DATE", "TIME") and value:
            if value in placed:
                when = placed[value]
            else:
                when = placed[value] = calendar.when(value)
        out.append(Timex(c.start, c.end, text[c.start : c.end], c.type, value, c.mod, c.rule, relative, tense, when))
    return out


_PLACED_MAX = 50_000


def _placed(res: Resources) -> dict[str, When | None]:
    """Values already parsed by calendar.when (a pure function of the value;
    a corpus names the same days again and again), kept on the rules object
    like the extractor's plans, so nothing outlives the rules it was made with."""
    placed = res.derived.get("placed")
    if not isinstance(placed, dict) or len(placed) > _PLACED_MAX:
        placed = res.derived["placed"] = {}
    return placed


def fingerprint(language: str = "en") -> str:
    """Changes whenever a rule or vocabulary file changes (for caches)."""
    return load(language).fingerprint


__all__ = ["Resources", "Timex", "When", "tag", "fingerprint", "load"]
