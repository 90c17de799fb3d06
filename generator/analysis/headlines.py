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
        attribution=re.compile(rf"^(?:[\w’'.-]+\s+){{1,7}}(?:{alternation(data['reporting_verbs'])})[.!]?$", re.I),
        said_end=re.compile(rf"\b(?:{alternation(data['reporting_verbs'])})(?:\s+(?:it|he|she|they|we|that|there))?$",
                            re.I),
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
_BRACKETS = re.compile(r"\s*\([^()]*\)|\s*\[[^\[\]]*\]")
_DETERMINER_END = re.compile(r"\b(?:the|a|an)\s+$", re.I)  # "the April 20 explosion": the date inside a noun phrase
_WORD_AFTER = re.compile(r"\s+([a-z][a-z-]*)\b")


def strip_dangling(title: str) -> str:
    """Drop trailing punctuation and dangling words ("...talks with the")."""
    while True:
        title = title.rstrip(" \t\n,;:—–-")
        head, _, last = title.rpartition(" ")
        if head and last.lower().strip("“”\"'‘’") in _DANGLING:
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
        attributive = _DETERMINER_END.search(pre) and (n := _WORD_AFTER.match(text, x.end, b)) \
            and n.group(1) not in _DANGLING
        # "during the Easter holidays" -> "during the holidays": a date between a
        # determiner and a noun modifies the noun, and goes alone.
        pieces.append(pre if attributive else _DATE_INTRO.sub("", pre))
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
    title = _SPACE_RUN.sub(" ", title).strip()
    title = _SPACE_BEFORE_STOP.sub(r"\1", title)
    title = _DOUBLE_COMMA.sub(",", title)
    title = _EMPTY_BRACKETS.sub("", title)
    title = _DANGLING_AND.sub("", title)
    title = _ASIDE_WORDS.sub("", title)
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


def strip_openers(title: str, rules: HeadlineRules) -> str:
    for _ in range(4):
        new = rules.openers.sub("", title).lstrip(",;: ")
        if new == title:
            break
        title = new
    return title


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
    return start if any(_is_verb(w, rules) for w in words[:4]) else None


_FRONTED_PLACE = re.compile(r"\b((?:in|at)\s+[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,2})\s*$")


def _with_fronted_place(title: str, before: str) -> str:
    """ "including in Helsinki" + "he met Mr Putin" -> "he met Mr Putin in Helsinki"."""
    m = _FRONTED_PLACE.search(before)
    return f"{title} {m.group(1)}" if m and m.group(1) not in title else title


_RELATIVE_START = re.compile(r"^(?:which|who|that)\s+", re.I)


_OF_THE = re.compile(r"\bof\s+((?:the|its|his|her|their)\s+.+)$")


def _antecedent(piece: str, rules: HeadlineRules) -> str | None:
    """The noun phrase a relative clause is about: the end of the piece before
    it ("... an example of the deepening ties between X and Y")."""
    m = _OF_THE.search(piece)
    if m:
        return m.group(1)
    words = piece.split()
    verbs = [i for i, w in enumerate(words) if _is_verb(w, rules)]
    return " ".join(words[verbs[-1] + 1 :]) if verbs and len(words) - verbs[-1] > 2 else None


_PARTICIPLE = re.compile(r"^[a-z]+ing\b")
_COMMA_ASIDE = re.compile(r",[^,]*,")


def _clause_title(blanked: str, t: Timex, c0: int, c1: int, timexes: list[Timex], v: Vocab,
                  rules: HeadlineRules) -> tuple[str, int, int]:
    segs = comma_pieces(blanked, c0, c1)
    k = next((i for i, (a, b) in enumerate(segs) if a <= t.start < b), 0)
    a, b = segs[k]
    own = strip_openers(without_dates(blanked, a, b, timexes), rules)
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
        if _is_verb(own.split()[0], rules) and k > 0:  # "..., on Saturday said ...": the subject is before
            a = segs[k - 1][0]
            return strip_openers(without_dates(blanked, a, b, timexes), rules), a, b
        if _RELATIVE_START.match(own) and k > 0:  # "..., which were showcased last week in X"
            subject = _antecedent(without_dates(blanked, segs[k - 1][0], segs[k - 1][1], timexes), rules)
            if subject:
                return subject + " " + _RELATIVE_START.sub("", own), segs[k - 1][0], b
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


def _cut(words: list[str], rules: HeadlineRules) -> list[str]:
    """At most max_words words, cut before a connecting word (or after a word
    that ends a phrase: "level…", "sides,"), never inside the subject."""
    verb = next((i for i, w in enumerate(words) if _is_verb(w, rules)), 0)
    lo, hi = max(verb + 2, 3), rules.max_words
    cuts = [i for i in range(lo, hi + 1) if i < len(words) and _cuttable(words, i, rules)]
    # Not before "of" or "to" when there is a choice: the phrase before them is
    # unfinished ("the integration | of ...", "in a bid | to ...").
    better = [i for i in cuts if words[i].lower() not in ("of", "to")]
    kept = max(better or cuts) if cuts else hi
    if 3 * kept < 2 * hi:
        # Such a cut leaves a fragment ("The swine flu virus could turn out | to
        # be less severe..."): up to slack_words more, the end or a later cut.
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
_HAVING_BEEN = re.compile(r"\bhaving been\b")
_HAVING_DONE = re.compile(r"\bhaving (\w+ed)\b")
_TO_VERB_END = re.compile(r"\s+to\s+[a-z]+$")
_ED_END = re.compile(r"\s+[a-z]+ed$")


def compress(title: str, rules: HeadlineRules, titles: frozenset[str] = frozenset(),
             people: tuple[str, ...] = ()) -> str:
    """Drop asides and tails, then cut a long headline at a phrase boundary."""
    title = _BRACKETS.sub("", title)
    title = _RELATIVE_ASIDE.sub("", title)
    title = _HAVING_BEEN.sub("was", title, count=1)  # "Wang Yi having been in Sochi" -> "... was in Sochi"
    title = _HAVING_DONE.sub(r"\1", title, count=1)
    shorter = rules.trailing_clause.sub("", title)
    if len(shorter.split()) >= 3:
        title = shorter
    title = _without_leading_phrase(title, rules)
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
        if words[len(title.split()):][:1] == ["by"]:  # "attacks committed | by the regime"
            title = _ED_END.sub("", title)
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
    a, b = a + s, b + s
    title = _FINAL_STOP.sub("", title).strip()
    # "Syria where Mr Tillerson said..." -> "Mr Tillerson said..."
    title = _PLACE_WHERE.sub("", title)
    title = compress(strip_openers(title, rules), rules, titles, people)
    if title and title[0].islower() and _is_verb(title.split()[0], rules):
        return Headline("", a, b)  # "confirmed that its test was used": who did it is not in the sentence
    return Headline(_capitalise(title) if title else title, a, b)
