"""A news headline for the event a dated clause reports, without its date.

How a headline is made (word lists in data/<lang>/headlines.toml):

1. The source: the noun phrase the date modifies ("the 1987 X Treaty which..."
   -> "X Treaty"); else the comma-piece of the clause that holds the date when
   it reads as a clause; else the rest of the clause after a fronted phrase
   ("On Monday, ..."); else the subordinate clause the date sits in ("..., when
   he met Mr Putin in Helsinki last year" -> "he met Mr Putin in Helsinki");
   else the whole clause (headline_source.py, which also puts the clause
   first: a relative clause's antecedent, the subject across appositions, the
   clause after a fronted phrase, the speaker before a quotation).
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
from dataclasses import dataclass

from ..temporal import Timex
from .clauses import blank_parentheticals, clause
from .headline_rules import HeadlineRules, load_headline_rules
from .headline_source import _clause_title, _main_clause_first, _noun_phrase, _speaker_first
from .headline_text import (
    _BRACKETS,
    PARTICIPLE,
    _is_verb,
    action,
    comma_pieces,
    strip_dangling,
    strip_openers,
    tidy,
    without_dates,
)
from .words import Vocab

__all__ = ["Headline", "HeadlineRules", "_main_clause_first", "action", "acronyms", "comma_pieces", "compress",
           "load_headline_rules", "make_headline", "person_titles", "strip_dangling", "strip_openers", "tidy",
           "without_dates"]


@dataclass(frozen=True)
class Headline:
    text: str
    start: int  # the stretch of the article's text it was made from
    end: int


def _close_quotes(title: str) -> str:
    """Quotes in pairs: an unclosed one is closed, or dropped when it opens the
    headline; an unclosed bracket's aside goes."""
    title = title.strip(" ,;:—–-")
    if title.count("(") > title.count(")"):  # an aside the cut opened and never closed goes
        opened = title.rfind("(")
        title = title[:opened].rstrip(" ,;:—–-") if len(title[:opened].split()) >= 3 else \
            title[:opened] + title[opened + 1 :]
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


def _finite(word: str, rules: HeadlineRules) -> bool:
    w = word.lower()
    return w in _AUXILIARIES or _is_verb(w, rules) or w.endswith(("'re", "’re", "'ve", "’ve", "'ll", "’ll"))


def _without_reduced_relative(title: str, rules: HeadlineRules) -> str:
    """ "The oil spill nearing the Gulf coastline is a disaster" -> "The oil
    spill is a disaster": a headline too long to keep its subject's verb
    drops a present participle's phrase between its subject and that verb (a reduced relative clause,
    two to ten words, no punctuation), the verb a finite one right after it.
    Not after a verb, a preposition, a determiner or a possessive ("stopped
    pumping oil", "the company's spending"), nor a noun in -ing."""
    words = title.split()
    subject = 0  # where the subject being read starts: the headline's, or a "that" clause's after its verb
    for i in range(1, len(words) - 2):
        w = words[i]
        if _finite(words[i - 1], rules) and i - 1 > subject:
            if w.lower() != "that":
                return title  # past the subject's verb: a participle there is no reduced relative
            subject = i + 1
            continue
        if not (w.endswith("ing") and len(w) > 5 and w.isalpha() and w.islower()) or w in rules.ing_nouns:
            continue
        after = words[i + 1]
        if i - subject > 7 or not (after[:1].isupper() or after in rules.participle_objects):
            continue  # a subject is short; "developing nations", "a trading house": a modifier, not a clause
        before = words[i - 1]
        low = before.lower()
        if (low in _MODIFIER_BEFORE or low in rules.cut_before or _finite(before, rules)
                or before.endswith(("'s", "’s", ",", ";", ":")) or not before[-1:].isalnum()):
            continue
        for j in range(i + 2, min(len(words), i + 11)):
            if any(ch in words[j - 1] for ch in ",;:“”\"()"):
                break
            if _finite(words[j], rules) and words[j - 1].lower() not in _MODIFIER_BEFORE:  # not "of reported cases"
                if j + 1 < len(strip_dangling(" ".join(_cut(words, rules))).split()):
                    return title  # the cut keeps the verb anyway: the phrase stays, it says more
                return " ".join(words[:i] + words[j:])
    return title


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
_PARTICIPLE_ASIDE = re.compile(rf",\s+{PARTICIPLE}\s[^,]{{0,80}},")
_HAVING_BEEN = re.compile(r"\bhaving been\b")
_HAVING_DONE = re.compile(r"\bhaving (\w+ed)\b")
_TO_VERB_END = re.compile(r"(\S+)\s+to\s+[a-z]+$")
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
    if len(title.split()) > rules.max_words + rules.slack_words:  # too long even for a cut with slack
        title = _without_reduced_relative(title, rules)
    words = title.split()
    if len(words) > rules.max_words:
        title = " ".join(_cut(words, rules))
        if rules.said_end.search(strip_dangling(title)):
            title = " ".join(_what_was_said(words, len(strip_dangling(title).split()), rules))
        opened = title.rfind("“")
        if opened > 8 and "”" not in title[opened:] and len(title[opened:].split()) < 3:
            title = title[:opened]  # a quote cut after a word or two says nothing
        title = strip_dangling(title)
        to_end = _TO_VERB_END.search(title) if " to " in title else None  # cut after "to try": no object;
        # not "back to work", "due to rain"
        if to_end and to_end.group(1).lower() not in rules.to_prepositions:
            title = title[: to_end.end(1)]
        kept = title.split()
        if words[len(kept):][:1] == ["by"] and not (len(kept) > 1 and kept[-2].lower() in _AUXILIARIES):
            title = _ED_END.sub("", title)  # "attacks committed | by the regime", not "were dispelled | by"
    return _close_quotes(strip_dangling(title)).strip(" ,;:—–-‘'")


# What the text around a sentence can leave at its start: a list's bullet
# ("* In 1976, ..." less its date), the end of a ticker symbol's brackets
# ("VX) will not give ..."), a stray comma or dash, a chronology's date left
# half ("/12 - Executives ...").
_LEADING_JUNK = re.compile(r"^(?:[*•·#>|,;:)\]\-–—]+\s*|[A-Z][A-Za-z.]{0,5}\),?\s+|/\d{1,4}\b\s*)+")


# A sentence that starts inside a ticker's brackets, broken after its dot
# ("BP Plc (BP.|L) (BP.|N) said on Thursday ...", as Timeline17's Reuters
# text is split): the name before the brackets is its subject.
_TICKER_REST = re.compile(r"[A-Z0-9.:]{1,8}\)\s")  # "N) said ...", not "L), said" (something dropped between)
_TICKER_NAME = re.compile(r"((?:[A-Z][\w&.'’-]*\s+){0,4}[A-Z][\w&.'’-]*?)(?:'s|’s)?\s+\([A-Z0-9.:]{1,8}\.?\s*"
                          r"(?:[A-Z0-9.:]{0,8}\)\s*\([A-Z0-9.:]{1,8}\.?\s*)*$")


def _clean_start(title: str) -> str:
    """No junk at the start, and no word said twice there ("BP BP is in talks",
    a ticker printed before the story)."""
    if not title[:1].isalpha() or ")" in title[:8]:  # (most titles start with a letter and hold no bracket there)
        title = _LEADING_JUNK.sub("", title)
    if title[:1].isupper():
        first, _, rest = title.partition(" ")
        if rest.startswith(first + " "):
            title = rest
    return title


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
    """The expression with its offsets moved back by s: what
    dataclasses.replace(t, start=t.start - s, end=t.end - s) gives, made
    by the class from its fields in order (replace() looks each one up by
    name first). Timex has slots (model classes do: a third less time to
    read a field, where the merge reads them for 150,000 mentions), so
    there is no __dict__ to copy in one call: 2.1 us a copy, against 1.2."""
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
    title = _speaker_first(title, rules)
    title = _main_clause_first(strip_openers(title, rules), v, rules)
    # "Syria where Mr Tillerson said..." -> "Mr Tillerson said..."
    title = _PLACE_WHERE.sub("", title)
    title = compress(strip_openers(title, rules), rules, titles, people, acronyms(text[s:e]))
    ticker = _TICKER_REST.match(title)
    named = _TICKER_NAME.search(text, max(0, s - 160), s) if ticker else None
    title = _clean_start(title)
    if named and title and title[0].islower() and _is_verb(title.split()[0], rules):
        # "N) said it stopped the flow" -> "BP Plc said it stopped the flow"
        title = f"{named.group(1)} {title}"
    if title and title[0].islower() and _is_verb(title.split()[0], rules):
        return Headline("", a, b)  # "confirmed that its test was used": who did it is not in the sentence
    return Headline(_capitalise(title) if title else title, a, b)
