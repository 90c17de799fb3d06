"""Dated sentences -> event mentions (per article).

A mention is a sentence whose temporal expression dates something that
happened or is scheduled (a meeting, a visit, an attack, a statement...), not
a span ("since 1999"), a deadline or a projection ("by the mid-2020s he will
have been..."). Each mention carries its headline, the names in the part of
the sentence the headline was made from and its keywords, so the corpus
stage can merge mentions of one happening without reading the article again.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from ..model import EntityRef, Mention, sentence_anchor
from ..temporal import Timex, calendar
from .clauses import clause, premodifier, projected
from .headlines import HeadlineRules, action, make_headline, person_titles, strip_dangling
from .names import Gazetteer, NameHit, name_hits
from .reference import readable_opening, resolve_opening
from .words import WORD, Vocab, ends_with_span_cue, keywords, trigger_kind

_ORDINAL_COUNT = re.compile(r"\b(?:first|second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th))\s+(?:[a-z-]+\s+){0,2}$",
                            re.I)


def at_most(title: str, n: int) -> str:
    """The title within n characters ([extraction] max_title_length), cut at a
    word's end, not inside it ("... a trust fund Congress autho")."""
    if len(title) <= n:
        return title
    head = title[: n + 1]
    return strip_dangling(head.rsplit(" ", 1)[0] if " " in head.strip() else title[:n])


_QUOTED_WORD = re.compile(r"[\w’'-]+")
_QUOTE = re.compile(r"“([^”]{12,})”|\"([^\"]{12,})\"")


def quotes_in(sentence: str) -> tuple[str, ...]:
    """What the sentence quotes (three words or more), lower-cased, spaces folded."""
    out = []
    for m in _QUOTE.finditer(sentence):
        words = _QUOTED_WORD.findall((m.group(1) or m.group(2)).lower())
        if len(words) >= 3:
            out.append(" ".join(words))
    return tuple(out)


@dataclass(frozen=True)
class MentionSettings:
    min_precision: str = "decade"
    max_title: int = 100
    include_future: bool = True


def is_event_mention(text: str, sentence: tuple[int, int], t: Timex, v: Vocab, min_rank: int,
                     head: str | None) -> bool:
    """Does the expression date a happening? `head` is the event noun it
    modifies (clauses.premodifier), if any."""
    if t.type not in ("DATE", "TIME") or not t.value:
        return False
    precision = calendar.precision(t.value)
    if precision is None or calendar.PRECISION_RANK[precision] > min_rank:
        return False
    s, e = sentence
    before = text[max(s, t.start - 40) : t.start]
    if head is None and precision != "day" and ends_with_span_cue(before, v):
        return False
    if precision in ("year", "decade", "century") and _ORDINAL_COUNT.search(before):
        return False  # "the third summit this year": the date counts, it does not date
    c0, c1 = clause(text, s, e, t)
    if projected(text[c0:c1], t.start - c0, v):
        return False
    if head is not None:
        return True
    if precision == "day":
        return True  # a sentence that names a specific day reports what happened (or will) that day
    near = [m.group(0) for m in WORD.finditer(text, c0, c1) if abs(m.start() - t.start) < 160]
    return any(trigger_kind(w, v) for w in near)


def _after_span_cue(text: str, s: int, t: Timex, v: Vocab) -> bool:
    return ends_with_span_cue(text[max(s, t.start - 40) : t.start], v)


def _by_sentence(spans: list[tuple[int, int]], timexes: tuple[Timex, ...]) -> dict[int, list[Timex]]:
    starts = [s for s, _ in spans]
    out: dict[int, list[Timex]] = defaultdict(list)
    for t in timexes:
        i = bisect.bisect_right(starts, t.start) - 1
        if i >= 0 and t.start < spans[i][1]:
            out[i].append(t)
    return out


# Sentences before a description ("the Russian president") searched for the person it stands for: about
# a paragraph ("Putin's trip ... He is demonstrating ... Russia ... | Russia's friends? | In June, the Russian
# president traveled ...").
_DESCRIBED_WITHIN = 6
FULL_NAME_CONTEXT = 40  # characters before a full name read for the title that types it ("German Chancellor")
_NAME_WORDS = re.compile(r"(?:\s+[A-Z][\w’'-]*){1,2}")  # the given names after a surname ("Lee Nak-yeon")
_NAME_WORD_BEFORE = re.compile(r"\b[A-Z][\w’'-]*\s+$")  # a given name before a surname ("Angela Merkel")


_DEMONYM_ENDINGS = ("an", "ese", "ish", "ch", "i")  # Russian, Chinese, British, French, Israeli


def _is_word_char(c: str) -> bool:
    """What "\\w" matches (Unicode letters and digits, and "_")."""
    return c.isalnum() or c == "_"


def whole_words(text: str, word: str):
    """(start, end) of each place the text holds `word` between word
    boundaries, left to right, none overlapping: what
    re.finditer(rf"\\b{re.escape(word)}\\b", text) finds for a word that
    opens with a letter, by str.find. The pattern opens with "\\b", so its
    search tries every position of the article (0.4 ms an article on the
    c1000 corpus, for a handful of names); str.find goes at memory speed."""
    n = len(word)
    tail_word = _is_word_char(word[-1])
    at = text.find(word)
    while at != -1:
        end = at + n
        if (at == 0 or not _is_word_char(text[at - 1])) and \
                tail_word != (end < len(text) and _is_word_char(text[end])):
            yield at, end
            at = text.find(word, end)
        else:
            at = text.find(word, at + 1)


class Stories(Protocol):
    """Each sentence's story part by the sentence's index (None: all
    furniture): a list, or furniture.StoryParts, which makes each when asked."""

    def __getitem__(self, i: int, /) -> tuple[int, int] | None: ...


class _ArticleNames:
    """The names of each sentence's story part, found once when first asked for."""

    def __init__(self, text: str, stories: Stories, by_sentence: dict[int, list[Timex]],
                 gaz: Gazetteer):
        self.text, self.stories, self.by_sentence, self.gaz = text, stories, by_sentence, gaz
        self._found: dict[int, list[NameHit]] = {}
        self._intro: dict[str, tuple] = {}
        self._full: dict[str, EntityRef] = {}

    def of(self, i: int) -> list[NameHit]:
        if i not in self._found:
            story = self.stories[i]
            if story is None:
                self._found[i] = []
            else:
                s, e = story
                skip = tuple((x.start - s, x.end - s) for x in self.by_sentence.get(i, ()) if x.start >= s)
                self._found[i] = name_hits(self.text[s:e], self.gaz, skip)
        return self._found[i]

    def full(self, ref: EntityRef) -> EntityRef:
        """A single name of unknown kind ("Merkel", "Lee") as the person the
        article names in full somewhere ("German Chancellor Angela Merkel",
        "Prime Minister Lee Nak-yeon"): the first person found whose first or
        last name it is; else the name as it is. Looked for once per article
        and name, only for the names the name finder could not type."""
        if ref.kind or " " in ref.name or not ref.name[:1].isupper() or not ref.name.replace("-", "").isalpha():
            return ref
        if ref.name not in self._full:
            found = ref
            for at, end in whole_words(self.text, ref.name):
                after = _NAME_WORDS.match(self.text, end)
                if not after and not _NAME_WORD_BEFORE.search(self.text, max(0, at - 40), at):
                    continue  # no other name word beside it: not the full name
                start = self.text.find(" ", max(0, at - FULL_NAME_CONTEXT), at) + 1
                window = self.text[start:after.end() if after else end]
                people = [h.ref for h in name_hits(window, self.gaz) if h.ref.kind == "person"
                          and len(parts := h.ref.name.split()) > 1 and ref.name in (parts[0], parts[-1])]
                if people:
                    found = people[-1]
                    break
            self._full[ref.name] = found
        return self._full[ref.name]

    def _introductions(self, description: str):
        """Every place the article names someone after these words, found once
        per article (not once per sentence: that made long articles quadratic)."""
        if description not in self._intro:
            words = r"\s+".join(re.escape(w) for w in description.split())
            pattern = re.compile(rf"\b{words}\s+((?:[A-Z][\w’'-]+\s+){{0,2}}[A-Z][\w’'-]+)", re.I)
            matches = list(pattern.finditer(self.text))
            self._intro[description] = (pattern, matches, [m.end() for m in matches])
        return self._intro[description]

    def introduced(self, i: int, description: str) -> str | None:
        """The person named right after these words ("Chinese President Xi
        Jinping") in the article up to sentence i, the latest such."""
        story = self.stories[i]
        if story is None:
            return None
        pattern, matches, ends = self._introductions(description)
        limit = story[1]
        found = list(matches[: bisect.bisect_right(ends, limit)])
        for m in matches[len(found):]:  # the matches that run past the limit, cut there as a slice would cut them
            if m.start() >= limit:
                break
            cut = pattern.match(self.text, m.start(), limit)
            if cut:
                found.append(cut)
        for m in reversed(found):
            hits = name_hits(m.group(0), self.gaz)
            people = [h.ref.name for h in hits if h.ref.kind == "person"]
            if people:
                return people[-1]
        return self._named_before(i, description)

    def _named_before(self, i: int, description: str) -> str | None:
        """A nationality's description the article never introduced ("the
        Chinese president" after "it is Xi with whom he has formed the strongest
        relationship"): the last person the nearest sentence before names (of
        the _DESCRIBED_WITHIN before: a heading or a paragraph about the
        country may stand between), unless the
        article gives that person another nationality ("Russian President
        Vladimir Putin")."""
        adjective = description.split()[0]
        if i == 0 or not adjective[:1].isalpha() or not adjective.lower().endswith(_DEMONYM_ENDINGS):
            return None
        people: list[EntityRef] = []
        for names in self.before(i, _DESCRIBED_WITHIN):  # the nearest sentence before that names one
            people = [h.ref for h in names if h.ref.kind == "person"
                      or (not h.ref.kind and " " not in h.ref.name and h.ref.name.isalpha())]
            if people:
                break
        if not people:
            return None
        ref = self.full(people[-1])
        surname = re.escape(ref.name.split()[-1])
        for m in re.finditer(rf"\b([A-Z][a-z]+)\s+(?:[\w’'-]+\s+){{0,3}}?{surname}\b", self.text):
            word = m.group(1)
            if word in self.gaz.ignore and word.endswith(_DEMONYM_ENDINGS) and word.lower() != adjective.lower():
                return None
        return ref.name

    def before(self, i: int, n: int | None = 2) -> list[list[NameHit]]:
        """The names of the n sentences before sentence i (None: all), nearest first."""
        stop = -1 if n is None else max(-1, i - 1 - n)
        return [self.of(j) for j in range(i - 1, stop, -1)]


def _person_titles(gaz: Gazetteer, rules: HeadlineRules) -> frozenset[str]:
    """headlines.person_titles, made once per gazetteer and headline rules
    (it reads every word of the gazetteer's ignore list), not per article."""
    known = gaz.memo.get("person titles")
    if known is None or known[0] is not rules:
        known = gaz.memo["person titles"] = (rules, person_titles(gaz.titles, gaz.ignore, rules))
    return known[1]


def find_mentions(slug: str, text: str, spans: list[tuple[int, int]], stories: Stories,
                  timexes: tuple[Timex, ...], gaz: Gazetteer, v: Vocab, rules: HeadlineRules,
                  settings: MentionSettings, published: date | None = None) -> list[Mention]:
    """The event mentions of an article. `stories` holds, for each sentence
    span, its story part (furniture.story_part): a sentence that is all
    furniture makes no mention, and a leading dateline is no part of one."""
    min_rank = calendar.PRECISION_RANK[settings.min_precision]
    first_paragraph_end = text.find("\n\n")
    by_sentence = _by_sentence(spans, timexes)
    names = _ArticleNames(text, stories, by_sentence, gaz)
    titles = _person_titles(gaz, rules)
    out: list[Mention] = []
    anchors = SentenceAnchors()
    for i, ts in sorted(by_sentence.items()):
        story = stories[i]
        if story is None:
            continue
        s, e = story
        sentence = text[s:e]
        people: tuple[str, ...] | None = None  # the sentence's, made for its first mention
        words: tuple[str, ...] | None = None  # its keywords: one tuple for its mentions (and a focus that equals it)
        for t in ts:
            if t.start < s:
                continue  # in the dateline
            head = premodifier(text, t, v)
            if not is_event_mention(text, (s, e), t, v, min_rank, head):
                continue
            if not settings.include_future and published and (calendar.span(t.value) or (date.min,))[0] > published:
                continue
            hits = names.of(i)
            if people is None:
                people = tuple(h.ref.name for h in hits if h.ref.kind == "person")
            headline = make_headline(text, (s, e), t, ts, v, rules, head, titles, people)
            title = resolve_opening(headline.text, sentence, headline.start - s, hits,
                                    functools.partial(names.before, i), rules,
                                    functools.partial(names.introduced, i))
            title = at_most(title, settings.max_title)
            if len(title.split()) < 3 or not readable_opening(title, rules):
                continue
            in_span = [h.ref for h in hits if headline.start - s <= h.start < headline.end - s]
            in_title = [h.ref for h in name_hits(title, gaz)] if title != headline.text else []
            own = tuple(dict.fromkeys([*in_span, *in_title]))
            if words is None:
                words = keywords(sentence, v)
            focus = keywords(text[headline.start:headline.end], v)
            out.append(Mention(
                article=slug, sentence_index=i, sentence=sentence, start=s, end=e, timex=t, title=title,
                head=head or "", entities=own, keywords=words,
                focus=words if focus == words else focus, quotes=quotes_in(sentence),
                action=action(title, rules), since=_after_span_cue(text, s, t, v),
                lead=i < 2 or (first_paragraph_end != -1 and s < first_paragraph_end),
                named=tuple(dict.fromkeys(names.full(h.ref) for h in hits)),
                twin=anchors.twin(i, sentence),
            ))
    return out


class SentenceAnchors:
    """Each dated sentence's anchor on its article's page ("s-" and eight hex
    digits of the SHA-1 of its words: model.sentence_anchor), so that a
    link from an event to the sentence that reports it names the sentence,
    not its place: a paragraph added above it moves nothing else on the
    site (own_pages.py rebuilds the article's page alone), and a link a
    reader kept still finds it. A later dated sentence whose anchor an
    earlier one of the article took (the same words, or the same eight
    digits) is its twin, and gets "-2", "-3"... (Mention.twin), so the
    page's ids stay unique: adding or removing such a twin above it
    renumbers it (a dated sentence: the full build). Given the article's
    dated sentences in order, once each."""

    def __init__(self) -> None:
        self._twin: dict[int, int] = {}
        self._taken: dict[str, int] = {}

    def twin(self, index: int, sentence: str) -> int:
        got = self._twin.get(index)
        if got is None:
            base = sentence_anchor(sentence)
            got = self._twin[index] = self._taken.get(base, 0)
            self._taken[base] = got + 1
        return got
