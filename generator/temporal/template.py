"""Fill a rule's value template from what its pattern matched.

A template is text with `{group}` or `{group:function}` slots, for example
``"{year}-{month:month}-{day:day}"``. Functions look words up in the
vocabulary tables (so they are data too) or do small fixed conversions.
A slot whose group did not take part in the match becomes "" (or the
function's default), so optional parts of a pattern need no extra rule.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping

_SLOT = re.compile(r"\{([a-z_0-9]+)(?::([a-z_0-9]+))?\}")

Vocab = Mapping[str, Mapping[str, object]]


class TemplateError(ValueError):
    pass


_RUN_OF_SPACES = re.compile(r"\s+")
# Compiled once: re.fullmatch(str, ...) looks its pattern up in re's cache on every call.
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_ORDINAL_DIGITS = re.compile(r"([0-9]+)(?:st|nd|rd|th)?")
_DASH_OR_SPACE = re.compile(r"[- ]")
_NOT_DIGIT = re.compile(r"[^0-9]")
_LEADING_THE = re.compile(r"^the\s+")


@functools.lru_cache(maxsize=4096)
def _key(word: str) -> str:
    """A matched word as the vocabulary tables spell it. A pure function of a
    few hundred distinct words ("Tuesday", "last"), memoised."""
    return _RUN_OF_SPACES.sub(" ", word.lower().replace("’", "'")).strip().rstrip(".")


def _lookup(vocab: Vocab, table: str, word: str | None):
    if word is None:
        return None
    try:
        return vocab[table][_key(word)]
    except KeyError as exc:
        raise TemplateError(f"{word!r} is not in vocabulary table [{table}]") from exc


def parse_number(word: str, vocab: Vocab) -> str:
    """'twenty-four' -> '24', '1.5' -> '1.5', 'several' -> 'X', 'a' -> '1'."""
    w = _key(word).replace(",", "")
    if _DECIMAL.fullmatch(w):
        return w if "." in w else str(int(w))
    numbers = vocab["numbers"]
    if w in numbers:
        value = numbers[w]
        return str(value) if not isinstance(value, float) else f"{value:g}"
    total = 0
    for part in _DASH_OR_SPACE.split(w):
        if part not in numbers:
            raise TemplateError(f"not a number: {word!r}")
        value = numbers[part]
        if value == "X":  # "a few hundred"
            return "X"
        if not isinstance(value, (int, float)):
            raise TemplateError(f"not a number: {word!r}")
        if value in (100, 1000):  # "two thousand" multiplies, "twenty-four" adds
            total = max(total, 1) * int(value)
        else:
            total += int(value)
    return str(total)


def parse_ordinal(word: str, vocab: Vocab) -> str:
    w = _key(word)
    ordinals = vocab["ordinals"]
    if w in ordinals:
        return str(ordinals[w])
    if m := _ORDINAL_DIGITS.fullmatch(w):
        return m.group(1)
    # Compound or irregular ordinals: "twenty-first", "nineteenth".
    stems = {"twentieth": 20, "thirtieth": 30, "nineteenth": 19, "eighteenth": 18,
             "seventeenth": 17, "sixteenth": 16, "fifteenth": 15, "fourteenth": 14,
             "thirteenth": 13}
    if w in stems:
        return str(stems[w])
    parts = _DASH_OR_SPACE.split(w)
    if len(parts) == 2 and parts[0] in vocab["numbers"] and parts[1] in ordinals:
        return str(int(str(vocab["numbers"][parts[0]])) + int(str(ordinals[parts[1]])))
    raise TemplateError(f"not an ordinal: {word!r}")


def _signed(n: int) -> str:
    return f"{n:+d}"


def _hour(word, groups, vocab):
    h = int(word)
    ap = (groups.get("ap") or "").lower().replace(".", "")
    if ap.startswith("p") and h < 12:
        h += 12
    elif ap.startswith("a") and h == 12:
        h = 0
    return f"{h:02d}"


def _hour_of_pod(word, groups, vocab):
    """'4 in the morning' -> '04', 'six in the evening' -> '18'."""
    h = int(parse_number(word, vocab))
    if (groups.get("pod") or "").lower() in ("afternoon", "evening", "night") and h < 12:
        h += 12
    return f"{h:02d}"


_PODDAY = {"this": 0, "early this": 0, "later this": 0, "earlier this": 0, "late": 0,
           "yesterday": -1, "last": -1, "tomorrow": 1, "today": 0}
_FREQ = {"daily": "1D", "nightly": "1D", "weekly": "1W", "monthly": "1M", "annually": "1Y",
         "yearly": "1Y", "hourly": "1TH", "quarterly": "3M"}
_AGODIR = {"ago": "-", "earlier": "-", "before": "-", "later": "+", "after": "+",
           "from now": "+", "hence": "+"}
_NOON = {"noon": "12:00", "midday": "12:00", "midnight": "24:00"}


def _strip_the(word: str) -> str:
    return _LEADING_THE.sub("", _key(word))


def spelled_year(word: str, vocab: Vocab) -> str:
    """'nineteen ninety-six' -> '1996', 'two thousand and one' -> '2001'."""
    w = _key(word).replace("-", " ")
    if w.startswith("two thousand"):
        rest = w[len("two thousand"):].replace(" and ", " ").strip()
        return str(2000 + (int(parse_number(rest, vocab)) if rest else 0))
    century, _, rest = w.partition(" ")
    numbers = vocab["numbers"]
    hundreds = int(str(numbers[century])) if century in numbers else {"eighteen": 18, "nineteen": 19}[century]
    if rest == "hundred":
        return str(hundreds * 100)
    return str(hundreds * 100 + int(parse_number(rest, vocab)))


FUNCTIONS: dict[str, Callable] = {
    "month": lambda w, g, v: f"{int(_lookup(v, 'months', w)):02d}",
    "day": lambda w, g, v: f"{int(w):02d}",
    "weekday": lambda w, g, v: str(_lookup(v, "weekdays", w)),
    "num": lambda w, g, v: parse_number(w, v),
    "ordinal": lambda w, g, v: parse_ordinal(w, v),
    "half": lambda w, g, v: "1" if _key(w) == "first" else "2",
    "unit": lambda w, g, v: str(_lookup(v, "units", w)),
    "dir": lambda w, g, v: _signed(int(_lookup(v, "directions", _strip_the(w)))),
    "rel": lambda w, g, v: str(_lookup(v, "occurrence", _strip_the(w))),
    "season": lambda w, g, v: str(_lookup(v, "seasons", w)),
    "pod": lambda w, g, v: str(_lookup(v, "parts_of_day", w)),
    "mod": lambda w, g, v: str(_lookup(v, "modifiers", w)) if w else "",
    "qmod": lambda w, g, v: str(_lookup(v, "quantity_mods", w)) if w else "",
    "holiday": lambda w, g, v: str(_lookup(v, "holidays", w)),
    "movable": lambda w, g, v: str(_lookup(v, "movable_holidays", w)),
    "spelledyear": lambda w, g, v: spelled_year(w, v),
    "digits": lambda w, g, v: _NOT_DIGIT.sub("", w),
    "hour": _hour,
    "hourpod": _hour_of_pod,
    "minute": lambda w, g, v: w or "00",
    "noon": lambda w, g, v: _NOON[_key(w)],
    "podday": lambda w, g, v: _signed(_PODDAY[_key(w)]),
    "frequency": lambda w, g, v: _FREQ[_key(w)],
    "agodir": lambda w, g, v: _AGODIR[_key(w)],
    "dayshift": lambda w, g, v: "-2" if "before" in w.lower() else "+2",
    "decadeword": lambda w, g, v: str(_lookup(v, "decade_words", w)),
    "prepost": lambda w, g, v: "BEFORE" if _key(w) == "pre" else "AFTER",
}


@functools.lru_cache(maxsize=4096)
def _parts(template: str) -> tuple[tuple[str, str | None, str | None], ...]:
    """A template split once into (text, group, function) parts; the last
    part has no group."""
    parts, pos = [], 0
    for m in _SLOT.finditer(template):
        parts.append((template[pos : m.start()], m.group(1), m.group(2)))
        pos = m.end()
    parts.append((template[pos:], None, None))
    return tuple(parts)


def fill(template: str, groups: Mapping[str, str | None], vocab: Vocab) -> str:
    out = []
    for text, name, func in _parts(template):
        out.append(text)
        if name is None:
            break
        if name not in groups:
            raise TemplateError(f"template names group {name!r} that the pattern lacks")
        word = groups[name]
        if func is None:
            out.append(word or "")
            continue
        if func not in FUNCTIONS:
            raise TemplateError(f"unknown template function {func!r}")
        if word is None and func not in {"minute", "mod", "qmod"}:
            continue
        out.append(FUNCTIONS[func](word, groups, vocab))
    return "".join(out)
