"""A short headline for the event a dated clause reports, without its date.

"the 1987 X Treaty which..." -> "X Treaty"; otherwise the comma-piece of the
clause that holds the date when it reads as a clause (a trigger word, four
words or more, not a fronted "In June"), else the rest of the clause after a
fronted phrase, else the whole clause. Openers ("However,") and dangling
words are dropped and the result is cut at a natural break.
"""

from __future__ import annotations

import re

from ..temporal import Timex
from .clauses import blank_parentheticals, clause
from .words import Vocab, has_trigger

_DANGLING_WORDS = {"and", "or", "but", "the", "a", "an", "of", "to", "in", "on", "at", "by", "for", "with", "from",
                   "as", "that", "which", "who", "since", "after", "before", "during", "including", "while",
                   "when", "than", "its", "his", "her", "their"}
_PREPOSITION_START = re.compile(
    r"^(?:in|on|at|during|after|before|since|with|without|by|for|from|over|under|despite|amid|among|"
    r"following|until|till|as|when|while|although|though|because|if|including)\b", re.I)
_DATE_INTRO = re.compile(r"(?:\b(?:on|in|at|during|of|from|by|since|until|till|through|over|earlier|later)\s+)?"
                         r"(?:the\s+)?(?:(?:early|late|mid|the end of|at the end of)\s+)?$", re.I)
_NOUN_PHRASE_END = re.compile(r",|\s(?:which|that|who|will|would|is|are|was|were|has|have|had)\s")
_BREAKS = (r",\s+(?:which|who|with|as|while|including|despite|according)\b", r"\s[—–]\s", r";\s", r",\s",
           r"\s(?:which|who|where)\s")


def strip_dangling(title: str) -> str:
    """Drop trailing punctuation and dangling words ("...talks with the")."""
    while True:
        title = title.rstrip(" \t\n,;:—–-")
        head, _, last = title.rpartition(" ")
        if head and last.lower() in _DANGLING_WORDS:
            title = head
            continue
        return title


def without_dates(text: str, a: int, b: int, timexes: list[Timex]) -> str:
    """text[a:b] with its dates (and the prepositions that introduce them) cut out."""
    pieces: list[str] = []
    pos = a
    for x in sorted(timexes, key=lambda x: x.start):
        if x.start < a or x.end > b or x.type not in ("DATE", "TIME"):
            continue
        pre = text[pos : x.start]
        if pieces and pre.strip(" ,") in ("and", "or", ""):  # "this year and last year": one gap
            pieces.append(" ")
            pos = max(pos, x.end)
            continue
        pieces.append(_DATE_INTRO.sub("", pre))
        pos = max(pos, x.end)
        if text[pos : pos + 2] in ("'s", "’s"):
            pos += 2
    pieces.append(text[pos:b])
    return tidy("".join(pieces))


def tidy(title: str) -> str:
    title = re.sub(r"\s+", " ", title).strip()
    title = re.sub(r"\s+([,.;:!?])", r"\1", title)
    title = re.sub(r",\s*,", ",", title)
    title = re.sub(r"\(\s*\)", "", title)
    title = re.sub(r"\b(?:and|or)\s+(?=[,.;])", "", title)
    title = re.sub(r",\s+(?:for instance|for example|however|too|also|in part)\s*,", "", title, flags=re.I)
    return title.strip(" ,;:")


def comma_pieces(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Comma-separated pieces of text[a:b] (commas inside quotes or numbers do not split)."""
    out, start, quoted = [], a, False
    for i in range(a, b):
        ch = text[i]
        if ch in "“”\"":
            quoted = not quoted if ch == '"' else ch == "“"
        elif ch == "," and not quoted and not (text[i - 1 : i].isdigit() and text[i + 1 : i + 2].isdigit()):
            out.append((start, i))
            start = i + 1
    out.append((start, b))
    return out


def _close_quotes(title: str) -> str:
    if title.count("“") > title.count("”"):
        title = title.replace("“", "", 1) if title.startswith("“") else title + "”"
    return title


def shorten(title: str, max_length: int) -> str:
    """Cut a long title at its first natural break that fits, else at a word with "…"."""
    if len(title) > max_length:
        for sep in _BREAKS:
            m = re.search(sep, title[20:])
            if m and m.start() + 20 <= max_length:
                title = title[: m.start() + 20]
                break
        if len(title) > max_length:
            title = strip_dangling(title[: max_length - 1].rsplit(" ", 1)[0])
            title = title.rstrip(" ,;:—–-\"“‘'") + "…"
            return title + "”" if title.count("“") > title.count("”") else title
    return _close_quotes(strip_dangling(title)).strip(" ,;:—–-\"‘’'")


def strip_openers(title: str, v: Vocab) -> str:
    for _ in range(4):
        new = v.openers.sub("", title).lstrip(",;: ")
        if new == title:
            break
        title = new
    return title


def _reads_as_clause(piece: str, v: Vocab) -> bool:
    return len(piece.split()) >= 4 and has_trigger(piece, v)


def _noun_phrase_title(blanked: str, t: Timex, c1: int, timexes: list[Timex]) -> str:
    """The event noun phrase the date modifies: "the 1987 X Treaty which..." -> "X Treaty"."""
    end = c1
    m = _NOUN_PHRASE_END.search(blanked[t.end : c1])
    if m:
        end = t.end + m.start()
    title = without_dates(blanked, t.start, end, timexes)
    if len(title.split()) < 3:
        title = without_dates(blanked, t.start, c1, timexes)
    return title


def _clause_title(blanked: str, t: Timex, c0: int, c1: int, timexes: list[Timex], v: Vocab) -> str:
    """The comma-piece that holds the date, the rest after a fronted phrase, or the whole clause."""
    segs = comma_pieces(blanked, c0, c1)
    k = next((i for i, (a, b) in enumerate(segs) if a <= t.start < b), 0)
    a, b = segs[k]
    own = strip_openers(without_dates(blanked, a, b, timexes), v)
    head_text = blanked[a:b].strip()
    fronted = not own or (_PREPOSITION_START.match(head_text) and not has_trigger(own, v, True))
    participle = re.match(r"^[a-z]+ing\b", head_text) and not _PREPOSITION_START.match(head_text)
    if own and not fronted and not participle and _reads_as_clause(own, v):
        return own
    if fronted and k == 0 and k + 1 < len(segs):
        rest = strip_openers(without_dates(blanked, segs[k + 1][0], c1, timexes), v)
        if _reads_as_clause(rest, v):
            return rest
    if k > 0 and not participle and own and _reads_as_clause(own, v):
        return own  # "..., including after US missile strikes on Syria last year"
    return strip_openers(without_dates(blanked, c0, c1, timexes), v)


def _capitalise(title: str) -> str:
    first, _, rest = title.partition(" ")
    if len(first) >= 4 and first.isupper() and first.isalpha():  # a drop-cap opening: "VLADIMIR Putin"
        first = first.capitalize()
    return (first[0].upper() + first[1:] + (" " + rest if rest else "")).strip()


def make_title(text: str, sentence: tuple[int, int], t: Timex, timexes: list[Timex], v: Vocab,
               head: str | None, max_length: int = 100) -> str:
    """The headline of the event that `t` dates in `sentence`; `head` is the
    event noun the expression modifies (clauses.premodifier), if any."""
    s, e = sentence
    c0, c1 = clause(text, s, e, t)
    # Work on a copy with parentheticals blanked, same length.
    blanked = text[:c0] + blank_parentheticals(text[c0:c1], " ") + text[c1:]
    title = _noun_phrase_title(blanked, t, c1, timexes) if head is not None else ""
    if not title:
        title = _clause_title(blanked, t, c0, c1, timexes, v)
    title = re.sub(r"[.!?]+[\"'”’]*$", "", title).strip()
    # "Syria where Mr Tillerson said..." -> "Mr Tillerson said..."
    title = re.sub(r"^(?:[A-Z][\w’'-]*\s+){1,3}where\s+(?=\S+\s+\S+\s+\S+)", "", title)
    title = shorten(title, max_length)
    return _capitalise(title) if title else title
