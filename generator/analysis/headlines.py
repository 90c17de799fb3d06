"""A news headline for the event a dated clause reports, without its date.

How a headline is made (word lists in data/<lang>/headlines.toml):

1. The source: the noun phrase the date modifies ("the 1987 X Treaty which..."
   -> "X Treaty"); else the comma-piece of the clause that holds the date when
   it reads as a clause; else the rest of the clause after a fronted phrase
   ("On Monday, ..."); else the subordinate clause the date sits in ("..., when
   he met Mr Putin in Helsinki last year" -> "he met Mr Putin in Helsinki");
   else the whole clause.
2. The date expressions and the prepositions that introduce them go, and so
   do openers ("However,"), bracketed asides, relative clauses and
   participial tails (", which...", ", helping him...").
3. A headline longer than `max_words` is cut before the last connecting word
   (a preposition, a conjunction, a relative pronoun) that leaves it short
   enough, never inside the subject: a whole phrase goes, never half a word,
   and no "…" is added. Where the cut would keep less than two thirds of
   `max_words`, it may go up to `slack_words` further: a fragment is no
   headline.
4. A pronoun or a vague subject at the start is replaced by the name it
   stands for, by the caller that knows the article (mentions.py).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..temporal import Timex
from .clauses import blank_parentheticals, clause
from .words import Vocab, alternation, has_trigger


@dataclass(frozen=True)
class HeadlineRules:
    max_words: int
    slack_words: int  # how far past max_words a cut may go when the one within it leaves a fragment
    openers: re.Pattern
    pronouns: frozenset[str]
    person_pronouns: frozenset[str]
    pairs: re.Pattern  # "The parties", "Both sides" at the start of a headline
    pair_kinds: dict[str, str]
    subordinate: re.Pattern  # a subordinator followed by a clause
    cut_before: frozenset[str]
    trailing_clause: re.Pattern
    past_verbs: frozenset[str]
    title_words: frozenset[str]
    first_person: frozenset[str]
    demonstratives: frozenset[str]
    causative: re.Pattern  # "helping him (to) win ..."
    description: re.Pattern  # "The Chinese president" at the start of a headline
    attribution: re.Pattern  # "Health Minister Jose Cordova said": who said it, and nothing else
    said_end: re.Pattern  # "The WHO said it": a cut that kept who spoke and lost what was said
    quote_first: re.Pattern  # "“The plume has declined,” BP said": the quotation, then who said it
    irregular_past: dict[str, str]
    examples: tuple[dict, ...]


def load_headline_rules(path: Path) -> HeadlineRules:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return HeadlineRules(
        max_words=int(data["max_words"]),
        slack_words=int(data.get("slack_words", 0)),
        openers=re.compile(rf"^(?:{alternation(data['openers'])})\b[,:]?\s*", re.I),
        pronouns=frozenset(data["pronouns"]),
        person_pronouns=frozenset(data["person_pronouns"]),
        pairs=re.compile(rf"^(?:the |both )?({alternation(data['pair_descriptions'])})\b(?![’'])\s*", re.I),
        pair_kinds={k.lower(): v for k, v in data["pair_descriptions"].items()},
        subordinate=re.compile(rf"\b(?:{alternation(data['subordinators'])})\s+(?=\S+\s+\S)", re.I),
        cut_before=frozenset(data["cut_before"]),
        trailing_clause=re.compile(rf",\s+(?:{alternation(data['trailing_clauses'])})\b.*$|\s+(?:which|who)\s.*$",
                                   re.I | re.S),
        past_verbs=frozenset(data["past_verbs"]),
        title_words=frozenset(data["title_words"]),
        first_person=frozenset(data["first_person"]),
        demonstratives=frozenset(data["demonstratives"]),
        causative=re.compile(rf"^(?:{alternation(data['causatives'])})\s+(\S+)\s+(?:to\s+)?([a-z]+)\b\s*(.*)$", re.I),
        irregular_past=dict(data["irregular_past"]),
        # "the WHO said", "the WHO said in its latest update": who said it, and nothing else
        attribution=re.compile(rf"^(?:[\w’'.()-]+\s+){{1,8}}(?:{alternation(data['reporting_verbs'])})"
                               r"(?:\s+(?:in|at|during|after)\s+(?:[\w’'-]+\s*){1,5})?[.!]?$", re.I),
        said_end=re.compile(rf"\b(?:{alternation(data['reporting_verbs'])})(?:\s+(?:it|he|she|they|we|that|there))?$",
                            re.I),
        quote_first=re.compile(rf"^[“\"](?P<quote>[^”\"]{{12,}}?)[,.]?[”\"],?\s+(?P<who>(?:[\w’'.-]+\s+){{0,5}}?)"
                               rf"(?P<verb>{alternation(data['reporting_verbs'])})$"),
        description=re.compile(rf"^(?:The|the)\s+((?:[A-Za-z-]+\s+){{0,2}}(?:{alternation(data['description_heads'])}))\b"),
        examples=tuple(data.get("example", [])),
    )


@dataclass(frozen=True)
class Headline:
    text: str
    start: int  # the stretch of the article's text it was made from
    end: int


_DATE_INTRO = re.compile(r"(?:\b(?:on|in|at|during|of|from|by|since|until|till|through|over|earlier|later)\s+)?"
                         r"(?:the\s+)?(?:(?:early|late|mid|the end of|at the end of)\s+)?$", re.I)
_NOUN_PHRASE_END = re.compile(r",|\s(?:which|that|who|will|would|is|are|was|were|has|have|had)\s")
_PREPOSITION_START = re.compile(
    r"^(?:in|on|at|during|after|before|since|with|without|by|for|from|over|under|despite|amid|among|"
    r"following|until|till|as|when|while|although|though|because|if|including)\b", re.I)
_DANGLING = {"and", "or", "but", "the", "a", "an", "of", "to", "in", "on", "at", "by", "for", "with", "from",
             "as", "that", "which", "who", "since", "after", "before", "during", "including", "while",
             "when", "than", "its", "his", "her", "their", "into", "between", "against", "over", "under",
             "about", "through", "per", "via", "amid", "among", "toward", "towards", "also", "has", "have",
             "had", "was", "were", "is", "are", "be", "been", "will", "would", "could", "said", "says"}
_COMMA_TAIL = re.compile(r",\s+(?:up|down)$")  # "... 1,626 confirmed cases, up | from 1,364"
_BRACKETS = re.compile(r"\s*\([^()]*\)|\s*\[[^\[\]]*\]")
_DETERMINER_END = re.compile(r"\b(?:the|a|an)\s+$", re.I)  # "the April 20 explosion": the date inside a noun phrase
_WORD_AFTER = re.compile(r"\s+([a-z][a-z-]*)\b")
_A_BEFORE = re.compile(r"\ba\s+$")
_AN_BEFORE = re.compile(r"\ban\s+$")


def strip_dangling(title: str) -> str:
    """Drop trailing punctuation and dangling words ("...talks with the")."""
    while True:
        title = _COMMA_TAIL.sub("", title.rstrip(" \t\n,;:—–-")).rstrip(" ,")
        head, _, last = title.rpartition(" ")
        if head and last.lower().strip("“”\"'‘’") in _DANGLING:
            title = head
            continue
        return title


def _without_intro(pre: str) -> str:
    """_DATE_INTRO.sub("", pre), searched from the start of the sixth word
    from the end. The pattern ends with "$" and every part of it is optional,
    so a search tries it at every position of the text; a match holds at
    most six words ("since the end of" and the like), white space between
    them, so none starts before that word. The first match is the one
    removed: any other is empty (at the end), and removes nothing."""
    head = pre.rsplit(None, 6)
    m = _DATE_INTRO.search(pre, len(head[0]) if len(head) == 7 else 0)
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
        # "during the Easter holidays" -> "during the holidays": a date between a
        # determiner and a noun modifies the noun, and goes alone.
        if n is not None and n.group(1) not in _DANGLING:
            # "during a June 29 interview" -> "during an interview"
            pieces.append(_A_BEFORE.sub("an ", pre) if n.group(1)[0] in "aeiou" else _AN_BEFORE.sub("a ", pre))
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


def strip_openers(title: str, rules: HeadlineRules) -> str:
    """Without the openers ("However, ...") it starts with, also inside an
    opening quotation mark ("“In addition, there are ..." -> "“there are ...")."""
    quote = title[:1] if title[:1] in "“\"‘" else ""
    title = title[len(quote):]
    for _ in range(4):
        new = rules.openers.sub("", title).lstrip(",;: ")
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


def _noun_phrase(blanked: str, t: Timex, c1: int, timexes: list[Timex]) -> tuple[str, int, int]:
    """The event noun phrase the date modifies: "the 1987 X Treaty which..." -> "X Treaty"."""
    end = c1
    m = _NOUN_PHRASE_END.search(blanked[t.end : c1])
    if m:
        end = t.end + m.start()
    title = without_dates(blanked, t.start, end, timexes)
    if len(title.split()) < 3:
        end = c1
        title = without_dates(blanked, t.start, c1, timexes)
    return title, t.start, end


_WHEN_AFTER = re.compile(r"\s*,?\s*(?:when|as)\s+")


def _subordinate(blanked: str, t: Timex, a: int, b: int, rules: HeadlineRules) -> int | None:
    """Where the subordinate clause that holds the date starts ("..., when he
    met Mr Putin in Helsinki last year"): the date dates what that clause
    says, if it says it with a verb."""
    start = None
    for m in rules.subordinate.finditer(blanked, a, t.start):
        first = blanked[m.end():].split(maxsplit=1)[:1]
        if first and not _PREPOSITION_START.match(first[0]) and not _is_verb(first[0], rules):
            start = m.end()  # a clause has a subject: "when he met ...", not "while in Texas"
    after = _WHEN_AFTER.match(blanked[t.end:b])  # "last year when he met Mr Putin"
    if after:
        start, words = t.end + after.end(), blanked[t.end + after.end():b].split()
    elif start is None:
        return None
    else:
        words = blanked[start:t.start].split()
    # A subject of up to five words before the verb ("since the World Health
    # Organisation raised ..."); past that, the date is not the clause's.
    return start if any(_is_verb(w, rules) for w in words[:6]) else None


_FRONTED_PLACE = re.compile(r"\b((?:in|at)\s+[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,2})\s*$")


def _with_fronted_place(title: str, before: str) -> str:
    """ "including in Helsinki" + "he met Mr Putin" -> "he met Mr Putin in Helsinki"."""
    m = _FRONTED_PLACE.search(before)
    return f"{title} {m.group(1)}" if m and m.group(1) not in title else title


_RELATIVE_START = re.compile(r"^(?:which|who|whose|that|where)\s+", re.I)
_NAME_AT_END = re.compile(r"(?:[A-Z][\w’'.&-]*\s+){0,4}[A-Z][\w’'.&-]*$")
_LAST_NOUN_PHRASE = re.compile(r"\b((?:the|its|their|his|her)\s+[\w’'-]+(?:\s+[\w’'-]+){0,3})$")
_DETERMINER_START = re.compile(r"^(?:the|a|an|our|his|her|their|its|this|these|those)\s", re.I)


def _relative_subject(piece: str, rules: HeadlineRules) -> str | None:
    """What a relative clause after this comma piece is about: the name that
    ends it ("Shares in IPF" -> "IPF", "said Bea" -> "Bea"), the piece
    itself when it is a short noun phrase ("The crew member"), or the noun
    phrase after its verb (_antecedent)."""
    piece = piece.strip().rstrip(",;:")
    m = _NAME_AT_END.search(piece)
    if m:
        words = m.group().split()
        while words and (_PREPOSITION_START.match(words[0]) or words[0].lower() in ("the", "and", "of")):
            words = words[1:]
        if words:
            return " ".join(words)
    if (_DETERMINER_START.match(piece) and len(piece.split()) <= 6) or 2 <= len(piece.split()) <= 3:
        return piece  # "The crew member", "Louisiana's state bird"
    last = _LAST_NOUN_PHRASE.search(piece)  # "billions of dollars in fines from the spill" -> "the spill"
    if last:
        return last.group(1)
    return _antecedent(piece, rules)


_OF_THE = re.compile(r"\bof\s+((?:the|its|his|her|their)\s+.+)$")


def _antecedent(piece: str, rules: HeadlineRules) -> str | None:
    """The noun phrase a relative clause is about: the end of the piece before
    it ("... an example of the deepening ties between X and Y")."""
    m = _OF_THE.search(piece)
    if m:
        return m.group(1)
    words = piece.split()
    verbs = [i for i, w in enumerate(words) if _is_verb(w, rules)]
    if not verbs or len(words) - verbs[-1] <= 2:
        return None
    after = words[verbs[-1] + 1 :]
    if _PREPOSITION_START.match(after[0]):  # "crippled by the oil spill" -> "the oil spill"
        after = after[1:]
    return " ".join(after) if len(after) >= 2 else None


_PARTICIPLE = re.compile(r"^[a-z]+ing\b")
_COMMA_ASIDE = re.compile(r",[^,]*,")


# A comma piece that is an aside about the noun before it: a participle's
# ("officially known as H1N1") or a relative clause's.
_ASIDE_START = re.compile(r"\s*(?:[a-z]+ly\s+)?(?:[a-z]{2,}ed|known|shown|seen|born|built|held|made|who|which)\b")


_VERB_THEN_PLACE = re.compile(r"^(?P<head>.+?\s(?P<verb>[\w’'-]+))\s+(?:in|at|on|near|off|across)\s+[^,]+$")
_QUANTITY_START = re.compile(r"^(?:one|some|many|most|several|two|three|four|five) of\s|^(?:a|an|the)\s", re.I)


def _postponed_object(own: str, blanked: str, segs: list[tuple[int, int]], k: int, timexes: list[Timex],
                      rules: HeadlineRules) -> str | None:
    """ "Moscow and Beijing ended in the Russian Far East, the Trans-Baikal
    region, one of the largest war games since the Cold War": a verb with a
    place and no object, whose object comes after the place and its
    apposition (a heavy noun phrase put last) -> "Moscow and Beijing ended one
    of the largest war games since the Cold War"."""
    m = _VERB_THEN_PLACE.match(own)
    if not m or not _is_verb(m.group("verb"), rules):
        return None
    for j in range(k + 1, min(k + 3, len(segs))):
        piece = without_dates(blanked, segs[j][0], segs[j][1], timexes).strip()
        if not piece or _has_verb(piece, rules):
            return None  # a clause of its own, not the object
        if j > k + 1 and _QUANTITY_START.match(piece) and len(piece.split()) >= 3:
            return f"{m.group('head')} {piece}"
    return None


def _subject_piece(blanked: str, segs: list[tuple[int, int]], k: int, rules: HeadlineRules) -> int:
    """Which comma piece before piece k is the subject of the verb that opens
    it: the nearest that starts with a capital and not with a preposition or
    a number. The pieces between are appositions ("Jacqui Fleming, 38, from
    Glasgow, was named" -> "Jacqui Fleming was named")."""
    for j in range(k - 1, -1, -1):
        piece = blanked[segs[j][0] : segs[j][1]].strip()
        if piece[:1].isupper() and not _PREPOSITION_START.match(piece):
            return j
    return k - 1


def _clause_title(blanked: str, t: Timex, c0: int, c1: int, timexes: list[Timex], v: Vocab,
                  rules: HeadlineRules) -> tuple[str, int, int]:
    segs = comma_pieces(blanked, c0, c1, timexes)
    k = next((i for i, (a, b) in enumerate(segs) if a <= t.start < b), 0)
    a, b = segs[k]
    own = strip_openers(without_dates(blanked, a, b, timexes), rules)
    if k + 2 < len(segs) and _ASIDE_START.match(blanked[segs[k + 1][0] : segs[k + 1][1]]):
        then = blanked[segs[k + 2][0] : segs[k + 2][1]].split()
        if then and _is_verb(then[0], rules):  # "the outbreak, officially known as H1N1, was a pandemic"
            own = f"{own} {without_dates(blanked, segs[k + 2][0], segs[k + 2][1], timexes)}"
            b = segs[k + 2][1]
    head_text = blanked[a:b].strip()
    fronted = not own or (_PREPOSITION_START.match(head_text) and not has_trigger(own, v, True))
    participle = _PARTICIPLE.match(head_text) and not _PREPOSITION_START.match(head_text)
    if k > 0 and rules.attribution.match(own):  # "..., the minister said on Monday"
        said = strip_openers(without_dates(blanked, c0, segs[k - 1][1], timexes), rules)
        if len(said.split()) >= 4:
            return said, c0, segs[k - 1][1]
    sub = _subordinate(blanked, t, a, b, rules)
    if sub is not None:
        title = without_dates(blanked, sub, b, timexes)
        before = strip_openers(without_dates(blanked, a, sub, timexes), rules)
        if not _has_verb(before, rules):  # "including in Helsinki when he met Mr Putin"
            title = _with_fronted_place(title, rules.subordinate.sub("", before))
        return title, sub, b
    if own and not fronted and not participle and _reads_as_clause(own, v, rules):
        shifted = _postponed_object(own, blanked, segs, k, timexes, rules)
        if shifted:
            return shifted, a, segs[-1][1]
        if _is_verb(own.split()[0], rules) and k > 0:  # "..., on Saturday said ...": the subject is before
            j = _subject_piece(blanked, segs, k, rules)
            subject = strip_openers(without_dates(blanked, segs[j][0], segs[j][1], timexes), rules)
            return f"{subject} {own}", segs[j][0], b
        if _RELATIVE_START.match(own) and k > 0:  # "..., which were showcased last week in X"
            j = k - 1
            while j > 0 and not any(ch.isalpha() for ch in blanked[segs[j][0] : segs[j][1]]):
                j -= 1  # "Alfred Tiggle, 67, who was hired": not the age
            before = strip_openers(without_dates(blanked, segs[j][0], segs[j][1], timexes), rules)
            # a person's name first for "who"; "the ties between X and Y, which ..." are the ties
            about = _relative_subject(before, rules) if own.lower().startswith(("who", "where")) else \
                _antecedent(before, rules) or _relative_subject(before, rules)
            if about:
                said = _RELATIVE_START.sub("", own)
                if own.lower().startswith("where"):  # "Argentina, where thousands flooded into hospitals"
                    return f"{said} in {about}", segs[j][0], b
                if own.lower().startswith("whose"):  # "Jack Lynch, whose son was killed" -> "Jack Lynch’s son ..."
                    return f"{about}’s {said}", segs[j][0], b
                return f"{about} {said}", segs[j][0], b
        return own, a, b
    if fronted and k == 0 and k + 1 < len(segs):
        rest = strip_openers(without_dates(blanked, segs[k + 1][0], c1, timexes), rules)
        if _reads_as_clause(rest, v, rules):
            return rest, segs[k + 1][0], c1
    caused = _causative(own, rules) if participle else None
    if caused:
        return caused, a, b
    if participle and k > 0:  # "The minister, speaking on Saturday, said ...": the clause around it
        whole = strip_openers(without_dates(blanked, segs[k - 1][0], c1, timexes), rules)
        whole = _COMMA_ASIDE.sub("", whole, count=1) if whole.count(",") >= 2 else whole
        return whole, segs[k - 1][0], c1
    if k > 0 and not participle and own and _reads_as_clause(own, v, rules):
        return own, a, b  # "..., including after US missile strikes on Syria last year"
    return strip_openers(without_dates(blanked, c0, c1, timexes), rules), c0, c1


def past_tense(verb: str, rules: HeadlineRules) -> str:
    if verb in rules.irregular_past:
        return rules.irregular_past[verb]
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


def _causative(own: str, rules: HeadlineRules) -> str | None:
    """ "helping him win a new term" -> "him won a new term" (the caller names "him")."""
    m = rules.causative.match(own)
    if not m or _is_verb(m.group(2), rules) or len(m.group(3).split()) < 2:
        return None
    return f"{m.group(1)} {past_tense(m.group(2).lower(), rules)} {m.group(3)}"


def _close_quotes(title: str) -> str:
    """Quotes in pairs: an unclosed one is closed, or dropped when it opens the headline."""
    title = title.strip(" ,;:—–-")
    if title.count("“") > title.count("”"):
        title = title.replace("“", "", 1) if title.startswith("“") else title.rstrip("…") + "”"
    if title.count('"') % 2:
        title = title.replace('"', "", 1) if title.startswith('"') else title.rstrip("…") + '"'
    return title


_LEADING_PHRASE = re.compile(r"^(?:in|on|at|during|after|within|over|with)\s+(?:\S+\s+){1,8}?(?=[A-Z][\w’'-]+\s+\S+)")


def _without_leading_phrase(title: str, rules: HeadlineRules) -> str:
    """ "In the space of ten days alone Putin met ..." -> "Putin met ...": a
    fronted phrase without its comma, when a name and a verb follow it."""
    m = _LEADING_PHRASE.match(title)
    if m:
        rest = title[m.end():].split()
        if len(rest) >= 3 and (_is_verb(rest[1], rules) or _is_verb(rest[2], rules)):
            return title[m.end():]
    return title


_MODIFIER_BEFORE = {"the", "a", "an", "of", "for", "with", "by", "in", "on", "at", "from", "and", "or", "its", "their",
                    "his", "her", "newly", "recently", "previously", "most", "more", "all", "some", "many"}


def _main_verb(words: list[str], rules: HeadlineRules) -> int:
    """Where the subject ends: the first verb, not counting a participle that
    modifies a noun ("the number of confirmed cases", "figures issued by the
    WHO gave ..."). 0 if there is none."""
    for i, w in enumerate(words):
        if not _is_verb(w, rules):
            continue
        if w.lower() not in rules.past_verbs and i > 0 and (
                words[i - 1].lower() in _MODIFIER_BEFORE or words[i + 1 : i + 2] == ["by"]):
            continue
        return i
    return 0


_AUXILIARIES = {"was", "were", "had", "did", "is", "are", "has", "have", "will", "would", "could", "can", "may",
                "might", "must", "should"}


_ADJECTIVE_ENDINGS = ("able", "ible", "ous", "ive", "ful", "less", "ed")


def _cut(words: list[str], rules: HeadlineRules) -> list[str]:
    """At most max_words words, cut before a connecting word (or after a word
    that ends a phrase: "level…", "sides,"), never inside the subject."""
    verb = _main_verb(words, rules)
    lo, hi = max(verb + 2, 3), rules.max_words
    cuts = [i for i in range(lo, hi + 1) if i < len(words) and _cuttable(words, i, rules)]
    # Not before "of" or "to" when there is a choice: the phrase before them is
    # unfinished ("the integration | of ...", "in a bid | to ...").
    better = [i for i in cuts if words[i].lower() not in ("of", "to")]
    # Before "and" with a second verb ("declared a pandemic | and advised
    # governments ..."): the first of two happenings is a whole headline.
    second = [i for i in better if words[i].lower() in ("and", "but") and i + 1 < len(words)
              and _is_verb(words[i + 1], rules) and words[i + 1].lower() not in _AUXILIARIES
              and not words[i - 1].lower().endswith(_ADJECTIVE_ENDINGS)]  # not "probable and confirmed cases"
    if second:
        return words[: second[0]]
    kept = max(better or cuts) if cuts else hi
    if 3 * kept < 2 * hi or not better:
        # Such a cut leaves a fragment ("The swine flu virus could turn out | to
        # be less severe...", "it was on the verge | of declaring", or a cut
        # inside a phrase): up to slack_words more, the end or a later cut.
        later = [i for i in range(hi + 1, min(len(words), hi + rules.slack_words) + 1)
                 if i == len(words) or _cuttable(words, i, rules) and words[i].lower() not in ("of", "to")]
        kept = max(later, default=kept)
    return words[:kept]


def _cuttable(words: list[str], i: int, rules: HeadlineRules) -> bool:
    return words[i].lower().strip("“”\"'‘’(") in rules.cut_before or words[i - 1][-1:] in ",;:…"


def _what_was_said(words: list[str], kept: int, rules: HeadlineRules) -> list[str]:
    """A cut that left "The WHO said it" says nothing: cut later, so that at
    least three words of what was said remain, up to two words past
    max_words (the longest cut before a connecting word, else max_words)."""
    last = min(len(words), rules.max_words + 2)
    cuts = [i for i in range(kept + 3, last + 1)
            if i == len(words) or words[i].lower().strip("“”\"'‘’(") in rules.cut_before]
    better = [i for i in cuts if i == len(words) or words[i].lower() not in ("of", "to")]
    return words[: max(better or cuts) if cuts else min(len(words), rules.max_words)]


def drop_titles(title: str, titles: frozenset[str], people: tuple[str, ...]) -> str:
    """ "US Defence Secretary James Mattis" -> "James Mattis": the words of a
    title (or a country's adjective) right before a person's name."""
    firsts = {p.split()[0] for p in people}
    words = title.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and (words[j] in titles or (words[j] == "of" and j > i)):
            j += 1
        name_follows = j < len(words) and words[j] in firsts
        if j > i and name_follows and words[j - 1] != "of":
            i = j
            continue
        out.append(words[i])
        i += 1
    return " ".join(out)


_RELATIVE_ASIDE = re.compile(r",\s+(?:who|which|whose|where|under which|in which)\b[^,]*,")
# ", valued at more than $560 million,", ", officially known as H1N1,": a
# participle's aside between commas says something about a noun, not what
# happened.
_PARTICIPLE_ASIDE = re.compile(
    r",\s+(?:[a-z]+ly\s+)?(?:[a-z]{2,}ed|known|shown|seen|born|built|held|made)\s[^,]{0,80},")
_HAVING_BEEN = re.compile(r"\bhaving been\b")
_HAVING_DONE = re.compile(r"\bhaving (\w+ed)\b")
_TO_VERB_END = re.compile(r"\s+to\s+[a-z]+$")
_ED_END = re.compile(r"\s+[a-z]+ed$")


def compress(title: str, rules: HeadlineRules, titles: frozenset[str] = frozenset(),
             people: tuple[str, ...] = (), acronyms: tuple[tuple[str, str], ...] = ()) -> str:
    """Drop asides and tails, then cut a long headline at a phrase boundary.
    A long one says a name by the acronym its sentence gives it (`acronyms`,
    full name and acronym: "World Health Organization" -> "WHO"). (A pattern
    whose every match holds a bracket, or "having", is not searched through a
    headline without one: most have neither, and these patterns open with
    white space or "\\b", so a search tries every position.)"""
    if "(" in title or "[" in title:
        title = _BRACKETS.sub("", title)
    title = _RELATIVE_ASIDE.sub("", title)
    title = _PARTICIPLE_ASIDE.sub("", title)
    if "having " in title:
        title = _HAVING_BEEN.sub("was", title, count=1)  # "Wang Yi having been in Sochi" -> "... was in Sochi"
        title = _HAVING_DONE.sub(r"\1", title, count=1)
    shorter = rules.trailing_clause.sub("", title)
    if len(shorter.split()) >= 3:
        title = shorter
    title = _without_leading_phrase(title, rules)
    if len(title.split()) > rules.max_words:
        for full, short in acronyms:  # after the tails go: "WHO" is no relative pronoun
            title = title.replace(full, short)
    if len(title.split()) > rules.max_words:
        title = drop_titles(title, titles, people)
    words = title.split()
    if len(words) > rules.max_words:
        title = " ".join(_cut(words, rules))
        if rules.said_end.search(strip_dangling(title)):
            title = " ".join(_what_was_said(words, len(strip_dangling(title).split()), rules))
        opened = title.rfind("“")
        if opened > 8 and "”" not in title[opened:] and len(title[opened:].split()) < 3:
            title = title[:opened]  # a quote cut after a word or two says nothing
        title = _TO_VERB_END.sub("", strip_dangling(title))  # cut after "to try": no object
        kept = title.split()
        if words[len(kept):][:1] == ["by"] and not (len(kept) > 1 and kept[-2].lower() in _AUXILIARIES):
            title = _ED_END.sub("", title)  # "attacks committed | by the regime", not "were dispelled | by"
    return _close_quotes(strip_dangling(title)).strip(" ,;:—–-‘'")


def _capitalise(title: str) -> str:
    first, _, rest = title.partition(" ")
    if len(first) >= 4 and first.isupper() and first.isalpha():  # a drop-cap opening: "VLADIMIR Putin"
        first = first.capitalize()
    return (first[0].upper() + first[1:] + (" " + rest if rest else "")).strip()


def person_titles(gaz_titles: frozenset[str], gaz_ignore: frozenset[str], rules: HeadlineRules) -> frozenset[str]:
    """Words a long headline may drop before a person's name: titles
    ("Secretary"), countries' adjectives ("Russian") and the like ("US")."""
    adjectives = {w for w in gaz_ignore if w[:1].isupper() and w.endswith(("an", "ese", "ish", "ch", "i"))}
    return gaz_titles | rules.title_words | adjectives


_FINAL_STOP = re.compile(r"[.!?]+[\"'”’]*$")
_PLACE_WHERE = re.compile(r"^(?:[A-Z][\w’'-]*\s+){1,3}where\s+(?=\S+\s+\S+\s+\S+)")


def _shifted(t: Timex, s: int) -> Timex:
    """The expression with its offsets moved back by s (dataclasses.replace,
    without its cost of reading the fields' declarations on every call)."""
    return Timex(t.start - s, t.end - s, t.text, t.type, t.value, t.mod, t.rule, t.relative, t.tense, t.when)


_ACRONYM = re.compile(r"\(([A-Z]{2,6})\)")
_NAME_LINKS = {"of", "for", "and", "on", "the", "&"}


def acronyms(sentence: str) -> tuple[tuple[str, str], ...]:
    """ "the World Health Organization (WHO) said" -> (("World Health
    Organization", "WHO"),): a capitalised name followed by the acronym of
    its initials in brackets (the words of, for, and, on, the not counted;
    the acronym may stop short of the last ones: "Centers for Disease
    Control and Prevention (CDC)")."""
    out = []
    for m in _ACRONYM.finditer(sentence):
        short = m.group(1)
        words = sentence[: m.start()].split()[-12:]
        for j in range(len(words) - 1, -1, -1):
            span = words[j:]
            if not span[0][:1].isupper():
                continue
            if any(not w[:1].isupper() and w.lower() not in _NAME_LINKS for w in span):
                break
            initials = "".join(w[0] for w in span if w.lower() not in _NAME_LINKS)
            if initials == short or (len(short) >= 3 and initials.startswith(short)):
                out.append((" ".join(span), short))
                break
    return tuple(out)


_LOWER_OPENINGS = {"the", "a", "an", "there", "this", "these", "those", "it", "they", "its", "their", "all", "some",
                   "no", "more", "most"}


# A preposition before the noun phrase of a happening ("Ahead of congressional
# hearings", "At the annual conference"), not a quantifier ("At least 91") nor
# an adverbial ("In contrast to", "In addition").
_PREPOSITION_BEFORE_NOUN = re.compile(
    r"^(?:(?i:ahead of|during|following|amid)\s+|(?i:at|after|before|in|of|on)\s+(?!least\b|most\b|all\b)"
    r"(?=(?:the|a|an|his|her|its|their|this|these|those)\s|[A-Z0-9]))")
_SUBORDINATOR_START = re.compile(r"^(?:after|as|when|while|before|although|though|because|once|until)\s+", re.I)


def _main_clause_first(title: str, v: Vocab, rules: HeadlineRules) -> str:
    """A headline opens with its clause, not with what is fronted before it:
    "In the aftermath of the spill, the administration was faulted" -> "the
    administration was faulted"; "As 296 guests were allowed to leave the
    hotel" -> "296 guests were allowed to leave the hotel" (a subordinate
    clause with its subject and verb says a happening of its own). Not a
    condition ("If ..."): what it says did not happen."""
    quote = title[:1] if title[:1] in "“\"‘" else ""
    if quote:  # "“In the 1918 pandemic, the first wave was mild": the clause, without the quotation's start
        inner = _main_clause_first(title[1:], v, rules)
        return inner if inner != title[1:] else title
    if _PREPOSITION_START.match(title) or _SUBORDINATOR_START.match(title):
        at = 0
        for _ in range(3):  # "In the letter, dated Oct. 11, Young wrote": the first comma after which a clause starts
            at = title.find(", ", at) + 2
            if at < 2:
                break
            rest = title[at:]
            words = rest.split()
            if len(words) >= 3 and not _PREPOSITION_START.match(rest) and not _is_verb(words[0], rules) \
                    and _has_verb(" ".join(words[:8]), rules):
                return rest
    m = _SUBORDINATOR_START.match(title)
    if m:
        words = title[m.end():].split()
        if len(words) >= 3 and not _is_verb(words[0], rules) and not words[0].lower().endswith("ing") \
                and any(_is_verb(w, rules) for w in words[1:8]):
            return title[m.end():]
    m = _PREPOSITION_BEFORE_NOUN.match(title)
    if m and len(title[m.end():].split()) >= 2 and not _has_verb(title[m.end():], rules) \
            and has_trigger(title[m.end():], v):
        return title[m.end():]  # "Ahead of congressional hearings" -> "congressional hearings": the happening
    return title


def _speaker_first(title: str, rules: HeadlineRules) -> str:
    """ "“The oil plume has declined,” BP said" -> "BP said the oil plume has
    declined": a headline says who said it first, and the quotation marks go
    (a cut would otherwise keep the quotation's start and lose who said it)."""
    m = rules.quote_first.match(title)
    if not m or not m.group("who").strip():
        return title
    quote = m.group("quote").strip()
    if any(w.lower().strip(",.;:!?") in rules.first_person for w in quote.split()):
        return title  # "“We will pay,” Hayward said": reported speech would need "BP would pay"
    first = quote.split()[0]
    if first.lower() in _LOWER_OPENINGS:
        quote = first.lower() + quote[len(first):]
    return f"{m.group('who').strip()} {m.group('verb')} {quote}"


def make_headline(text: str, sentence: tuple[int, int], t: Timex, timexes: list[Timex], v: Vocab,
                  rules: HeadlineRules, head: str | None, titles: frozenset[str] = frozenset(),
                  people: tuple[str, ...] = ()) -> Headline:
    """The headline of the event that `t` dates in `sentence`; `head` is the
    event noun the expression modifies (clauses.premodifier), if any. A long
    headline drops `titles` ("Secretary") before the names of `people`."""
    s, e = sentence
    c0, c1 = clause(text, s, e, t)
    # Work on a copy of the sentence with parentheticals blanked, same
    # length, offsets shifted to it (a copy of the whole article for every
    # headline made long articles quadratic).
    blanked = text[s:c0] + blank_parentheticals(text[c0:c1], " ") + text[c1:e]
    local = [_shifted(x, s) for x in timexes]
    lt = _shifted(t, s)
    title, a, b = _noun_phrase(blanked, lt, c1 - s, local) if head is not None else ("", c0 - s, c1 - s)
    if not title:
        title, a, b = _clause_title(blanked, lt, c0 - s, c1 - s, local, v, rules)
        if c0 > s and rules.attribution.match(title.strip()):
            # "..., the WHO said on Wednesday": who spoke is the clause, what was said is before it
            said = strip_openers(without_dates(blanked, 0, c0 - s, local), rules)
            if len(said.split()) >= 4:
                title, a, b = said, 0, c0 - s
    a, b = a + s, b + s
    title = _FINAL_STOP.sub("", title).strip()
    title = _speaker_first(title, rules)
    title = _main_clause_first(strip_openers(title, rules), v, rules)
    # "Syria where Mr Tillerson said..." -> "Mr Tillerson said..."
    title = _PLACE_WHERE.sub("", title)
    title = compress(strip_openers(title, rules), rules, titles, people, acronyms(text[s:e]))
    if title and title[0].islower() and _is_verb(title.split()[0], rules):
        return Headline("", a, b)  # "confirmed that its test was used": who did it is not in the sentence
    return Headline(_capitalise(title) if title else title, a, b)
