"""Text operations that headlines and summaries share: dates cut out with the
words that introduce them, tidying, comma pieces, openers, which words are
verbs. Shapes of English, no topic words."""

from __future__ import annotations

import re

from ..temporal import Timex
from .headline_rules import HeadlineRules
from .words import Vocab, folds_to_ascii, has_trigger

_DATE_INTRO = re.compile(r"(?:(?:\b(?:by|until|from|since)\s+)?\b(?:early|late)\s+(?=on\s|in\s))?"  # "(by) late on"
                         r"(?:\b(?:on|in|at|during|of|from|by|since|until|till|through|over|earlier|later|"
                         r"starting|beginning|ending|effective)\s+)?"
                         r"(?:the\s+)?(?:(?:early|late|mid|the end of|at the end of)\s+)?$", re.I)
_NOUN_PHRASE_END = re.compile(r",|\s(?:which|that|who|will|would|is|are|was|were|has|have|had)\s")
_PREPOSITION_START = re.compile(
    r"^(?:in|on|at|during|after|before|since|with|without|by|for|from|over|under|despite|amid|among|"
    r"following|until|till|as|when|while|although|though|because|if|including)\b", re.I)
_DANGLING = {"and", "or", "but", "the", "a", "an", "of", "to", "in", "on", "at", "by", "for", "with", "from",
             "as", "that", "which", "who", "since", "after", "before", "during", "including", "while",
             "when", "than", "its", "his", "her", "their", "into", "between", "against", "over", "under",
             "about", "through", "per", "via", "amid", "among", "toward", "towards", "also", "has", "have",
             "had", "was", "were", "is", "are", "be", "been", "will", "would", "could", "said", "says", "until",
             "till", "unless", "because", "although", "whether", "despite"}
# A participle that opens an aside about the noun before it ("officially known
# as H1N1", "valued at $560 million"): shared by the aside's removal
# (headlines.compress) and the comma piece's test (headline_source).
PARTICIPLE = r"(?:[a-z]+ly\s+)?(?:[a-z]{2,}ed|known|shown|seen|born|built|held|made)"
# "... 1,626 confirmed cases, up | from 1,364"; "... clear weather, a period | that could prove critical";
# "... going back to work, cafes | and restaurants reopening": a list's next item, cut after its first word
_COMMA_TAIL = re.compile(r",\s+(?:up|down|(?:a|an|the)\s+\S+|[a-z][\w’'-]*)$")
_BRACKETS = re.compile(r"\s*\([^()]*\)|\s*\[[^\[\]]*\]")
_DETERMINER_END = re.compile(r"\b(?:the|a|an)\s+$", re.I)  # "the April 20 explosion": the date inside a noun phrase
# the word after a date; the comma after a date with its year is the date's ("the Sept. 11, 2001, attacks")
_WORD_AFTER = re.compile(r"(,?)\s+([a-z][a-z-]*)\b")
_A_BEFORE = re.compile(r"\ba\s+$")
_AN_BEFORE = re.compile(r"\ban\s+$")


def strip_dangling(title: str) -> str:
    """Drop trailing punctuation and dangling words ("...talks with the")."""
    while True:
        title = _COMMA_TAIL.sub("", title.rstrip(" \t\n,;:—–-")).rstrip(" ,")
        head, _, last = title.rpartition(" ")
        bare = last.lower().strip("“”\"'‘’")
        # a possessive wants its noun: "the causes of BP's" is cut inside a phrase
        if head and (bare in _DANGLING or bare.endswith(("'s", "’s"))):
            title = head
            continue
        return title


# Every word of _DATE_INTRO's alternatives (with a few letters of its syntax,
# "s" and "b", which can only make _without_intro search from further back).
_INTRO_WORDS = frozenset(re.findall(r"[a-z]+", _DATE_INTRO.pattern))


def _without_intro(pre: str) -> str:
    """_DATE_INTRO.sub("", pre), searched from the start of the sixth word
    from the end. The pattern ends with "$" and every part of it is optional,
    so a search tries it at every position of the text; a match holds at
    most six words ("since the end of" and the like), white space between
    them, so none starts before that word. The first match is the one
    removed: any other is empty (at the end), and removes nothing.
    A match holds only the pattern's words and white space up to the end,
    so it starts no earlier than the last word that is none of them (it may
    start inside it: "bathe " holds "the "): the search starts there, where
    most texts hold one ("... talks held on "), not six words back."""
    words = pre.rsplit(None, 6)
    at = len(words[0]) if len(words) == 7 else 0
    intro = 0  # how many words at the end are the pattern's
    for word in reversed(words):
        if word.lower() not in _INTRO_WORDS:
            break
        intro += 1
    if not folds_to_ascii(pre):  # (else "ſince" is "since" to the pattern)
        head = pre.rsplit(None, intro + 1)
        if len(head) == intro + 2:
            at = max(at, len(head[0]))
    m = _DATE_INTRO.search(pre, at)
    return pre[: m.start()] + pre[m.end() :] if m else pre


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
        n = _WORD_AFTER.match(text, x.end, b) if _DETERMINER_END.search(pre) else None
        if n is not None and n.group(1) and "," not in x.text:
            n = None  # "the 20th, officials said": a comma after a date without its own ends the phrase
        # "during the Easter holidays" -> "during the holidays": a date between a
        # determiner and a noun modifies the noun, and goes alone.
        if n is not None and n.group(2) not in _DANGLING:
            # "during a June 29 interview" -> "during an interview"
            pieces.append(_A_BEFORE.sub("an ", pre) if n.group(2)[0] in "aeiou" else _AN_BEFORE.sub("a ", pre))
            pos = max(pos, x.end + len(n.group(1)))
        else:
            pieces.append(_without_intro(pre))
            pos = max(pos, x.end)
        if text[pos : pos + 2] in ("'s", "’s"):
            pos += 2
    pieces.append(text[pos:b])
    return tidy("".join(pieces))


# Compiled once (a pattern given as a string is looked up in re's cache on
# every call, which cost more than many of these substitutions).
_SPACE_RUN = re.compile(r"\s+")
_SPACE_BEFORE_STOP = re.compile(r"\s+([,.;:!?])")
_DOUBLE_COMMA = re.compile(r",\s*,")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)")
_DANGLING_AND = re.compile(r"\b(?:and|or)\s+(?=[,.;])")
_ASIDE_WORDS = re.compile(r",\s+(?:for instance|for example|however|too|also|in part)\s*,", re.I)


def tidy(title: str) -> str:
    # Runs of white space as one space, none at the ends: what
    # _SPACE_RUN.sub(" ", title).strip() gives (split() splits at what "\s"
    # matches), without a substitution at every space. After it the only
    # white space is single spaces, so the two patterns below that need white
    # space before a mark can only match where a space stands before one.
    title = " ".join(title.split())
    if _space_before_stop(title):
        title = _SPACE_BEFORE_STOP.sub(r"\1", title)
    title = _DOUBLE_COMMA.sub(",", title)
    title = _EMPTY_BRACKETS.sub("", title)
    if _space_before_clause_stop(title):
        title = _DANGLING_AND.sub("", title)
    title = _ASIDE_WORDS.sub("", title)
    return title.strip(" ,;:")


def _space_before_stop(title: str) -> bool:
    return " ," in title or " ." in title or " ;" in title or " :" in title or " !" in title or " ?" in title


def _space_before_clause_stop(title: str) -> bool:
    return " ," in title or " ." in title or " ;" in title


_COMMA_OR_QUOTE = re.compile("[,“”\"]")


def comma_pieces(text: str, a: int, b: int, timexes: list[Timex] | None = None) -> list[tuple[int, int]]:
    """Comma-separated pieces of text[a:b] (commas inside quotes, numbers or
    date expressions do not split: "Oct. 19, 2004", "Sunday, April 27").
    Only the commas and quotation marks are visited (found in C), not every
    character."""
    out, start, quoted = [], a, False
    dates = [(x.start, x.end) for x in timexes or () if a <= x.start and x.end <= b]
    for m in _COMMA_OR_QUOTE.finditer(text, a, b):
        i = m.start()
        ch = text[i]
        if ch != ",":
            quoted = not quoted if ch == '"' else ch == "“"
        elif not quoted and not any(d0 <= i < d1 for d0, d1 in dates) \
                and not (text[i - 1 : i].isdigit() and text[i + 1 : i + 2].isdigit()):
            out.append((start, i))
            start = i + 1
    out.append((start, b))
    return out


_LEADING_LETTERS = re.compile(r"[A-Za-z]*")


def without_opener(title: str, rules: HeadlineRules) -> str:
    """rules.openers.sub("", title): the title without the opener it starts
    with. An opener's first word is ASCII letters followed by white space
    or a word's end, so a title opens with one only if its leading letters
    are such a word (rules.opener_words); most titles' are not ("The", a
    name), and the pattern, an alternation of some eighty phrases tried one
    after another, is not tried (2 us a title). A title with a character
    that the case-insensitive pattern matches as an ASCII letter (ſ, ı, İ,
    the Kelvin sign) is always tried."""
    firsts = rules.opener_words
    if firsts is not None and not folds_to_ascii(title):
        lead = _LEADING_LETTERS.match(title)  # (always a match, maybe empty)
        if lead is None or lead.group().lower() not in firsts:
            return title
    return rules.openers.sub("", title)


def strip_openers(title: str, rules: HeadlineRules) -> str:
    """Without the openers ("However, ...") it starts with, also inside an
    opening quotation mark ("“In addition, there are ..." -> "“there are ...")."""
    quote = title[:1] if title[:1] in "“\"‘" else ""
    title = title[len(quote):]
    for _ in range(4):
        new = without_opener(title, rules).lstrip(",;: ")
        if new == title:
            break
        title = new
    return quote + title


def _is_verb(word: str, rules: HeadlineRules) -> bool:
    w = word.lower().strip("“”\"',")
    return w in rules.past_verbs or (len(w) > 4 and w.endswith("ed"))


def action(title: str, rules: HeadlineRules) -> str:
    """ "Putin met with Macron and Merkel" -> "putin|met": the last word of the
    subject and the verb, when the headline is a clause."""
    words = title.split()
    for i, w in enumerate(words[:6]):
        if i > 0 and _is_verb(w, rules):
            return f"{words[i - 1].lower().strip(',')}|{w.lower()}"
    return ""


def _has_verb(piece: str, rules: HeadlineRules) -> bool:
    return any(_is_verb(w, rules) for w in piece.split())


def _reads_as_clause(piece: str, v: Vocab, rules: HeadlineRules) -> bool:
    return len(piece.split()) >= 4 and (has_trigger(piece, v) or _has_verb(piece, rules))
