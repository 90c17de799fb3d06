"""Split plain text into sentences, keeping character offsets.

Offsets matter: the tagger, the event extractor and the article pages all
point into the same text, so a sentence is a (start, end) pair, never a copy
that could drift. The rules are ordinary English ones: a sentence ends at
. ! or ? followed by space and a capital, digit or quote, unless the word
before the period is a known abbreviation or a single initial. A blank line
(paragraph break) always ends a sentence.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"

# A run of stops is tried from its first character only ((?<![.!?].) once
# that character is read): tried from each of its characters, a long run
# ("....") took quadratic time. The pattern opens with the characters a
# boundary can start with, so the search skips to them in C instead of trying
# the pattern at every position.
_BOUNDARY = re.compile(r"[.!?\n](?:(?<=[.!?])(?<![.!?].)[.!?]*[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9•«])"
                       r"|(?<=\n)\s*\n|(?<=\n)\s*[•*-]\s)")
_BEFORE_NUMBER = re.compile(r"\.\s*[0-9]")
_TAIL = re.compile(r"[A-Za-z.]*")  # read backwards: the word before a full stop


Abbreviations = dict[str, bool]  # word -> True if it is an abbreviation only before a number


def abbreviations_file(language: str = "en") -> Path:
    return DATA / language / "abbreviations.txt"


def load_abbreviations(path: Path) -> Abbreviations:
    """The abbreviation list (data/<lang>/abbreviations.txt): one word a line,
    "+digit" after the words that abbreviate only before a number ("No. 5")."""
    words = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            word, _, flag = line.partition(" ")
            words[word.lower().rstrip(".")] = flag.strip() == "+digit"
    return words


# The bundled list by the file's state (path, inode, size, modification and
# change times): `split` without a list is called once per text, and reading
# the file each time cost more than splitting. A changed file is read anew.
_BUNDLED: dict[tuple, Abbreviations] = {}


def bundled_abbreviations(language: str = "en") -> Abbreviations:
    """The bundled abbreviation list of a language, as the file says now."""
    path = os.path.join(DATA, language, "abbreviations.txt")  # abbreviations_file(), without pathlib's cost
    st = os.stat(path)
    state = (path, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    known = _BUNDLED.get(state)
    if known is None:
        if len(_BUNDLED) > 8:
            _BUNDLED.clear()
        known = _BUNDLED[state] = load_abbreviations(Path(path))
    return known


def _is_abbreviation(text: str, dot: int, known_words: Abbreviations) -> bool:
    # The word before the full stop, within the 20 characters before it: their
    # longest tail of letters and dots, from its first letter (what a search
    # for "([A-Za-z][A-Za-z.]*)\.?$" finds). Matched on the reversed tail: a
    # search for a pattern anchored at the end tries every position.
    m = _TAIL.match(text[max(0, dot - 20) : dot][::-1])  # always matches (maybe nothing)
    tail = m.group()[::-1].lstrip(".") if m else ""
    if not tail:
        return False
    word = tail.rstrip(".")
    if len(word) == 1 and word.isupper():
        return True  # an initial: "J. Smith"
    if "." in word:
        return True  # "U.S.", "a.m."... followed by a capital is rarely an end
    known = known_words.get(word.lower())
    if known is None:
        return False
    if known:  # only before a number
        return bool(_BEFORE_NUMBER.match(text[dot : dot + 4]))
    return True


def split(text: str, abbreviations: Abbreviations | None = None) -> list[tuple[int, int]]:
    """Sentence spans (start, end) covering the non-blank text, in order.
    Without an abbreviation list, the bundled English one is read."""
    if abbreviations is None:
        abbreviations = bundled_abbreviations()
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        at = m.start()
        stop = text[at]
        if stop == "\n":  # a paragraph break or a bullet: the sentence ends before it
            end = next_start = at
        else:  # . ! ?: the sentence ends after the stops (and closing quotes)
            if stop == "." and _is_abbreviation(text, at, abbreviations):
                continue
            end = next_start = m.end()
        _add(text, start, end, spans)
        start = next_start
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def containing(spans: list[tuple[int, int]], offset: int) -> tuple[int, int] | None:
    """The sentence span that contains `offset` (binary search)."""
    lo, hi = 0, len(spans) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        s, e = spans[mid]
        if offset < s:
            hi = mid - 1
        elif offset >= e:
            lo = mid + 1
        else:
            return spans[mid]
    return None
