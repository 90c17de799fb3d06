"""Which stretch of the sentence a headline says, and in what order: the
noun phrase the date modifies, the comma piece or subordinate clause that
holds it, the antecedent of a relative clause ("Shares in IPF, which
reported ..." -> "IPF reported ..."), the subject across appositions, the
clause after a fronted phrase, the speaker before a quotation, a heavy object
put back after its verb. headlines.make_headline then cleans and cuts it."""

from __future__ import annotations

import re

from ..temporal import Timex
from .headline_rules import HeadlineRules
from .headline_text import (
    _NOUN_PHRASE_END,
    _PREPOSITION_START,
    PARTICIPLE,
    _has_verb,
    _is_verb,
    _reads_as_clause,
    comma_pieces,
    strip_openers,
    without_dates,
)
from .words import Vocab, has_trigger


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


def _relative_subject(piece: str, rules: HeadlineRules, name_first: bool) -> str | None:
    """What a relative clause after this comma piece is about: the name that
    ends it ("Shares in IPF" -> "IPF", "said Bea" -> "Bea"), the piece
    itself when it is a short noun phrase ("The crew member"), or the noun
    phrase after its verb (_antecedent). Unless `name_first` (a "who" or
    "where" clause, about a person or a place), the noun phrase after the
    verb is tried first ("the deepening ties between X and Y, which ...")."""
    if not name_first:
        found = _antecedent(piece, rules)
        if found:
            return found
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
    return _antecedent(piece, rules) if name_first else None


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
# A fronted purpose or part ("To counter the crisis, ...", "Of 80 countries, 50 did so"): the clause follows.
_PURPOSE_OR_PART = re.compile(r"^(?:to\s+[a-z]+|of)\s", re.I)
_COMMA_ASIDE = re.compile(r",[^,]*,")
# A comma piece that is an aside about the noun before it: a participle's
# ("officially known as H1N1") or a relative clause's.
_ASIDE_START = re.compile(rf"\s*(?:{PARTICIPLE}|who|which)\b")
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
    # "In a statement released on Tuesday, the WHO said ...", "..., in a report issued on Tuesday."
    # (only a phrase that opens with one of the pattern's prepositions' letters is matched)
    statement = own[:1] in "IiAaDdWwTt" and bool(rules.statement_phrase.match(own.rstrip(".!?")))
    fronted = not own or (_PREPOSITION_START.match(head_text) and not has_trigger(own, v, True)) or statement \
        or bool(k == 0 and _PURPOSE_OR_PART.match(head_text))  # "To counter the crisis, ...", "Of 80 countries, ..."
    participle = _PARTICIPLE.match(head_text) and not _PREPOSITION_START.match(head_text)
    if k > 0 and rules.attribution.match(own):  # "..., the minister said on Monday"
        said = strip_openers(without_dates(blanked, c0, segs[k - 1][1], timexes), rules)
        if len(said.split()) >= 4:
            return said, c0, segs[k - 1][1]
    if k > 0 and statement:  # "..., in a report issued on Tuesday(, ...)": the clause around it is what it says
        said = strip_openers(without_dates(blanked, c0, segs[k - 1][1], timexes), rules)
        if k + 1 < len(segs):
            said = f"{said} {without_dates(blanked, segs[k + 1][0], c1, timexes)}"
        if _reads_as_clause(said, v, rules):
            return said, c0, c1
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
            about = _relative_subject(before, rules, name_first=own.lower().startswith(("who", "where")))
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
    who = m.group("who").strip()
    role = rules.speaker_role.search(f" {who} ")
    organisation = who[: role.start() - 1].split() if role else []
    if organisation and all(w[:1].isupper() for w in organisation) and organisation[0] not in ("A", "An") \
            and organisation[-1] != "The":
        who = " ".join(organisation)  # "BP spokesman Mark Proegler" -> "BP"; not "A senior US ..."
    return f"{who} {m.group('verb')} {quote}"
