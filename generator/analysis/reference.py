"""Who a headline's opening pronoun or vague subject stands for.

A headline cannot open with "he" or "the Chinese president": the reader has
not read the article. The name comes from the article, nearest first: a name
earlier in the same sentence, else the sentence's own subject when it is a
description ("the US president has given ..., when he met Mr Putin"), else a
name in the sentences just before. A person pronoun (he, she) takes only a
person; a name the headline already holds is never used ("Putin met Putin").
A description ("the Chinese president") is replaced by the person the
article introduced with those words ("Chinese President Xi Jinping").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .headline_rules import HeadlineRules
from .headline_text import without_opener
from .names import NameHit


def _verbish(word: str, rules: HeadlineRules) -> bool:
    w = word.lower().strip(",")
    return w in rules.past_verbs or w.endswith(("ed", "’s", "'s")) or w in ("been", "being")


def readable_opening(title: str, rules: HeadlineRules) -> bool:
    """Can a reader who has not read the article tell who the headline is about?"""
    word = title.split()[0].strip("“\"") if title.split() else ""
    if len(word) > 1 and word.isupper():
        return True  # "US", "WHO": a name, not "us" or "who"
    first = word.lower()
    if "'" in first or "’" in first:
        first = _CONTRACTION.sub("", first)  # "it's", "that's", "they'll": the pronoun
    return first not in rules.pronouns and first not in rules.first_person and first not in rules.demonstratives \
        and first not in rules.conditions \
        and first not in _RELATIVES  # "Who held shares": whose antecedent the sentence lost


_RELATIVES = {"which", "who", "whose", "whom"}
_CONTRACTION = re.compile(r"['’](?:s|ll|d|ve|re|m)$")


def _subject_description(sentence: str, rules: HeadlineRules) -> str | None:
    """The sentence's subject when it is a short description ("the US president")."""
    rest = without_opener(sentence, rules).lstrip(",;: ")
    words = rest.split()
    for i, w in enumerate(words[:7]):
        if w.lower().strip(",") in rules.past_verbs or (len(w) > 4 and w.endswith("ed")):
            subject = " ".join(words[:i]).strip(",")
            if subject.lower().startswith("the ") and 2 <= i <= 5 and "," not in subject:
                return subject
            return None
    return None


def _present_singular(word: str) -> bool:
    """ "represents", "means": after a singular "this" or "that" a word in -s
    is a verb ("This represents a rise"), not a noun ("this outbreak")."""
    w = word.lower().strip(",")
    return len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "ics"))


def resolve_opening(title: str, sentence: str, title_at: int, hits: list[NameHit],
                    earlier: Callable[[int | None], list[list[NameHit]]], rules: HeadlineRules,
                    introduced: Callable[[str], str | None] | None = None) -> str:
    """The headline with an opening pronoun or description replaced by what it
    stands for; unchanged when the article does not say. `title_at` is where
    the headline's source starts in the sentence; `earlier(n)` gives the
    names of the n sentences before (None: all), nearest first;
    `introduced(description)` the person the article introduced with those
    words ("Chinese President Xi Jinping" for "chinese president")."""
    first, _, rest = title.partition(" ")
    word = first.lower()
    if word in rules.demonstratives and rest and not _verbish(rest.split()[0], rules) \
            and not (word in ("this", "that") and _present_singular(rest.split()[0])) \
            and rest.split()[0].lower() not in rules.not_after_demonstrative:  # "that there was ...": no demonstrative
        return "The " + rest  # "This outbreak began ..." -> "The outbreak began ..."
    if word in ("him", "them"):  # "him won a new term" (a causative's object)
        name = _antecedent(rest, sentence, title_at, hits, earlier, word == "him")
        return f"{name} {rest}" if name else title
    pair = rules.pairs.match(title)
    if pair:
        kind = rules.pair_kinds.get(pair.group(1).lower(), "")
        names = _last_two(sentence, title_at, hits, earlier, kind)
        return f"{names[0]} and {names[1]} {title[pair.end():]}" if names else title
    if word in rules.pronouns and rest:
        person_only = word in rules.person_pronouns
        possessive = word in ("his", "her", "its", "their")
        name = _antecedent(rest, sentence, title_at, hits, earlier, person_only)
        if name is None and not possessive:
            name = _subject_description(sentence, rules)
        if name is not None:
            return (name + "’s " if possessive else name + " ") + rest
        return title
    m = rules.description.match(title)
    if m and introduced is not None:
        name = introduced(m.group(1))
        if name and name not in title:
            return name + title[m.end():]
    return title


def _last_two(sentence: str, title_at: int, hits: list[NameHit],
              earlier: Callable[[int | None], list[list[NameHit]]], kind: str) -> tuple[str, str] | None:
    """The last two distinct names of a kind before the headline, in the order written."""
    for group in [[h for h in hits if h.start < title_at], *earlier(2)]:
        names = list(dict.fromkeys(h.ref.name for h in group if h.ref.kind and (not kind or h.ref.kind == kind)))
        if len(names) >= 2:
            return names[-2], names[-1]
    return None


def _antecedent(rest: str, sentence: str, title_at: int, hits: list[NameHit],
                earlier: Callable[[int | None], list[list[NameHit]]], person_only: bool) -> str | None:
    """The name a pronoun stands for: in its own sentence the first one (the
    subject: "Putin hopes to meet Kim after he met Moon" is Putin's meeting),
    else the last one of the nearest sentence before."""
    def ok(h: NameHit) -> bool:
        # a lone surname ("Putin") is untyped until the corpus stage: it may be a person
        person = h.ref.kind == "person" or (h.ref.kind == "" and " " not in h.ref.name)
        return (person or (not person_only and h.ref.kind in ("organisation", "place"))) \
            and h.ref.name not in rest and h.ref.name.split()[-1] not in rest

    same = [h for h in hits if h.start < title_at and ok(h)]
    if same:
        return same[0].ref.name
    for group in earlier(2):
        found = [h for h in group if ok(h)]
        if found:
            return found[-1].ref.name
    return None
