"""Dated sentences -> event mentions -> merged events.

A mention is a sentence whose temporal expression dates something that
happened or is scheduled (a meeting, a visit, an attack, a statement...), not
a span ("since 1999"), a deadline or a projection ("by the mid-2020s he will
have been..."). Mentions of one happening, in one article or several, are
merged when their dates are compatible (one contains the other: 2018-09-11 is
inside 2018-W37) and their words and names overlap enough; the event keeps
the most precise date and cites every source.

Vocabularies (trigger words, span cues, headline openers) are in
data/events.toml.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .content import slugify
from .entities import EntityIndex, Gazetteer, find_names
from .model import Analysis, Event, Mention, Source, TimexRef
from .temporal import calendar

EVENTS_FILE = Path(__file__).parent / "data" / "events.toml"
_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")


@dataclass(frozen=True)
class Vocab:
    triggers: frozenset[str]
    nouns: frozenset[str]
    span_cue: re.Pattern
    projection: re.Pattern
    openers: re.Pattern
    stopwords: frozenset[str]


@functools.lru_cache(maxsize=1)
def vocab() -> Vocab:
    with EVENTS_FILE.open("rb") as fh:
        data = tomllib.load(fh)

    def alternation(words):
        return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))

    return Vocab(
        triggers=frozenset(w.lower() for w in data["triggers"] + data["nouns"]),
        nouns=frozenset(w.lower() for w in data["nouns"]),
        span_cue=re.compile(rf"\b(?:{alternation(data['span_cues'])})\s+(?:the\s+)?(?:at\s+least\s+)?$", re.I),
        projection=re.compile(rf"\b(?:{alternation(data['projection_cues'])})\b", re.I),
        openers=re.compile(rf"^(?:{alternation(data['title_openers'])})\b[,:]?\s*", re.I),
        stopwords=frozenset(data["stopwords"]),
    )


# ---------------------------------------------------------------------------
# Mentions (per article)
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """A crude English stem, enough to match 'summits' with 'summit'. Cached:
    news prose repeats its words, and this runs for every word of every mention."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)] + keep
    return w


def _is_trigger(word: str, v: Vocab) -> bool:
    w = word.lower().replace("’", "'")
    return w in v.triggers or _stem(w) in v.triggers or (w.endswith("'s") and w[:-2] in v.triggers)


_NOT_IN_NOUN_PHRASE = {"to", "of", "in", "on", "at", "by", "for", "with", "from", "was", "were", "is", "are",
                       "had", "has", "have", "will", "would", "that", "which", "who", "when", "as"}


def _premodifier(text: str, t: TimexRef, v: Vocab) -> str | None:
    """If the expression modifies an event noun ("the 2016 election", "June's
    Singapore summit", "the April terrorist attack"), that noun."""
    after = text[t.end : t.end + 80]
    possessive = t.text.endswith(("'s", "’s")) or after.startswith(("'s", "’s"))
    before = text[max(0, t.start - 12) : t.start].lower()
    determiner = re.search(r"\b(?:the|a|an|its|his|her|their|this|that)\s+$", before)
    if not (possessive or determiner or re.fullmatch(r"\d{4}", t.text)):
        return None
    words = re.findall(r"[A-Za-z][A-Za-z-]*|[,;:.]", re.sub(r"^['’]s", "", after))[:5]
    for w in words:
        if w in ",;:." or w.lower() in _NOT_IN_NOUN_PHRASE:
            return None
        if w.lower() in v.nouns or _stem(w) in v.nouns:
            return w
    return None


def _clause(text: str, start: int, end: int, t: TimexRef) -> tuple[int, int]:
    """The clause of the sentence around the expression (split at ; — :),
    ignoring dashes that pair up around an aside ("this has — so far — played")."""
    piece = _PARENTHETICAL.sub(lambda m: "x" * len(m.group(0)), text[start:end])
    cuts = [start] + [start + m.end() for m in re.finditer(r";\s|\s[—–]\s|:\s", piece)]
    bounds = cuts + [end]
    for a, b in zip(bounds, bounds[1:]):
        if a <= t.start < b:
            return a, b
    return start, end


_PAST_VERB = re.compile(r"\b(?:met|said|signed|was|were|had|did|went|came|took|held|[a-z]{3,}ed)\b")


def _projected(clause: str, at: int, v: Vocab) -> bool:
    """Is the date governed by a projection ("by the mid-2020s he will have
    been...", "hopes to meet ... in the coming months")? A projection cue
    counts only if no past-tense verb stands between it and the date ("hopes
    to meet Kim ... after he met Moon in June": June is a fact)."""
    for m in v.projection.finditer(clause):
        if m.start() > at:
            return True  # "in June ... will have been": the cue governs what follows
        if not _PAST_VERB.search(clause[m.end() : at]):
            return True
    return False


def is_event_mention(text: str, sentence: tuple[int, int], t: TimexRef, v: Vocab, min_rank: int) -> bool:
    if t.type not in ("DATE", "TIME") or not t.value:
        return False
    precision = calendar.precision(t.value)
    if precision is None or calendar.PRECISION_RANK[precision] > min_rank:
        return False
    s, e = sentence
    head = _premodifier(text, t, v)
    before = text[max(s, t.start - 40) : t.start]
    if head is None and v.span_cue.search(before) and precision != "day":
        return False
    c0, c1 = _clause(text, s, e, t)
    clause = text[c0:c1]
    if _projected(clause, t.start - c0, v):
        return False
    if head is not None:
        return True
    if precision == "day":
        return True  # a sentence that names a specific day reports what happened (or will) that day
    words = [(m.start() + c0, m.group(0)) for m in _WORD.finditer(clause)]
    near = [w for pos, w in words if abs(pos - t.start) < 160]
    return any(_is_trigger(w, v) for w in near)


_DANGLING_WORDS = {"and", "or", "but", "the", "a", "an", "of", "to", "in", "on", "at", "by", "for", "with", "from",
                   "as", "that", "which", "who", "since", "after", "before", "during", "including", "while",
                   "when", "than", "its", "his", "her", "their"}


def _strip_dangling(title: str) -> str:
    """Drop trailing punctuation and dangling words ("...talks with the")."""
    while True:
        title = title.rstrip(" \t\n,;:—–-")
        head, _, last = title.rpartition(" ")
        if head and last.lower() in _DANGLING_WORDS:
            title = head
            continue
        return title


_PREPOSITION_START = re.compile(
    r"^(?:in|on|at|during|after|before|since|with|without|by|for|from|over|under|despite|amid|among|"
    r"following|until|till|as|when|while|although|though|because|if|including)\b", re.I)
_PARENTHETICAL = re.compile(r"\s(?:--|—|–)\s[^—–]{1,120}?\s(?:--|—|–|-)\s")


def _without_dates(text: str, a: int, b: int, timexes: list[TimexRef]) -> str:
    """text[a:b] with its dates (and the prepositions that introduce them) cut out."""
    pieces, pos = [], a
    for x in sorted(timexes, key=lambda x: x.start):
        if x.start < a or x.end > b or x.type not in ("DATE", "TIME"):
            continue
        pre = text[pos : x.start]
        if pieces and pre.strip(" ,") in ("and", "or", ""):  # "this year and last year": one gap
            pieces.append(" ")
            pos = max(pos, x.end)
            continue
        pre = re.sub(r"(?:\b(?:on|in|at|during|of|from|by|since|until|till|through|over|earlier|later)\s+)?"
                     r"(?:the\s+)?(?:(?:early|late|mid|the end of|at the end of)\s+)?$", "", pre, flags=re.I)
        pieces.append(pre)
        pos = max(pos, x.end)
        if text[pos : pos + 2] in ("'s", "’s"):
            pos += 2
    pieces.append(text[pos:b])
    return _tidy("".join(pieces))


def _tidy(title: str) -> str:
    title = re.sub(r"\s+", " ", title).strip()
    title = re.sub(r"\s+([,.;:!?])", r"\1", title)
    title = re.sub(r",\s*,", ",", title)
    title = re.sub(r"\(\s*\)", "", title)
    title = re.sub(r"\b(?:and|or)\s+(?=[,.;])", "", title)
    title = re.sub(r",\s+(?:for instance|for example|however|too|also|in part)\s*,", "", title, flags=re.I)
    return title.strip(" ,;:")


def _has_trigger(text: str, v: Vocab, verbs_only: bool = False) -> bool:
    for w in _WORD.findall(text):
        if _is_trigger(w, v) and not (verbs_only and (w.lower() in v.nouns or _stem(w) in v.nouns)):
            return True
    return False


def _segments(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Comma-separated pieces of text[a:b] (commas inside quotes do not split)."""
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


def _shorten(title: str, max_length: int) -> str:
    if len(title) > max_length:
        for sep in (r",\s+(?:which|who|with|as|while|including|despite|according)\b", r"\s[—–]\s", r";\s",
                    r",\s", r"\s(?:which|who|where)\s"):
            m = re.search(sep, title[20:])
            if m and m.start() + 20 <= max_length:
                title = title[: m.start() + 20]
                break
        if len(title) > max_length:
            title = title[: max_length - 1].rsplit(" ", 1)[0]
            title = _strip_dangling(title)
            title = title.rstrip(" ,;:—–-\"“‘'") + "…"
            if title.count("“") > title.count("”"):
                title += "”"
            return title
    title = _strip_dangling(title)
    if title.count("“") > title.count("”"):
        title = title.replace("“", "", 1) if title.startswith("“") else title + "”"
    return title.strip(" ,;:—–-\"‘’'")


def _strip_openers(title: str, v: Vocab) -> str:
    for _ in range(4):
        new = v.openers.sub("", title).lstrip(",;: ")
        if new == title:
            break
        title = new
    return title


def make_title(text: str, sentence: tuple[int, int], t: TimexRef, all_timexes: list[TimexRef],
               v: Vocab, max_length: int = 100) -> str:
    """A short headline for the event the expression dates, without the date.

    "the 1987 X Treaty which..." -> "X Treaty"; otherwise the comma-piece of
    the clause that holds the date when it reads as a clause (a trigger word,
    four words or more, not a fronted "In June"), else the rest of the clause
    after a fronted phrase, else the whole clause; openers ("However,") and
    dangling words are dropped and the result cut at a natural break."""
    s, e = sentence
    head = _premodifier(text, t, v)
    c0, c1 = _clause(text, s, e, t)
    # Work on a copy with parentheticals (" -- who ... - ") blanked, same length.
    blanked = text[:c0] + _PARENTHETICAL.sub(lambda m: " " * len(m.group(0)), text[c0:c1]) + text[c1:]
    title = ""
    if head is not None:
        end = c1
        m = re.search(r",|\s(?:which|that|who|will|would|is|are|was|were|has|have|had)\s", blanked[t.end : c1])
        if m:
            end = t.end + m.start()
        title = _without_dates(blanked, t.start, end, all_timexes)
        if len(title.split()) < 3:
            title = _without_dates(blanked, t.start, c1, all_timexes)
    if not title:
        segs = _segments(blanked, c0, c1)
        k = next((i for i, (a, b) in enumerate(segs) if a <= t.start < b), 0)
        a, b = segs[k]
        own = _strip_openers(_without_dates(blanked, a, b, all_timexes), v)
        fronted = not own or (_PREPOSITION_START.match(blanked[a:b].strip()) and not _has_trigger(own, v, True))
        head_text = blanked[a:b].strip()
        participle = re.match(r"^[a-z]+ing\b", head_text) and not _PREPOSITION_START.match(head_text)
        if own and not fronted and not participle and len(own.split()) >= 4 and _has_trigger(own, v):
            title = own
        elif fronted and k == 0 and k + 1 < len(segs):
            rest = _strip_openers(_without_dates(blanked, segs[k + 1][0], c1, all_timexes), v)
            if len(rest.split()) >= 4 and _has_trigger(rest, v):
                title = rest
        if not title and k > 0 and not participle and own and len(own.split()) >= 4 and _has_trigger(own, v):
            title = own  # "..., including after US missile strikes on Syria last year"
        if not title:
            title = _strip_openers(_without_dates(blanked, c0, c1, all_timexes), v)
    title = re.sub(r"[.!?]+[\"'”’]*$", "", title).strip()
    # "Syria where Mr Tillerson said..." -> "Mr Tillerson said..."
    title = re.sub(r"^(?:[A-Z][\w’'-]*\s+){1,3}where\s+(?=\S+\s+\S+\s+\S+)", "", title)
    title = _shorten(title, max_length)
    if title:
        first, _, rest = title.partition(" ")
        if len(first) >= 4 and first.isupper() and first.isalpha():  # a drop-cap opening: "VLADIMIR Putin"
            first = first.capitalize()
        title = (first[0].upper() + first[1:] + (" " + rest if rest else "")).strip()
    return title


def _keywords(sentence: str, v: Vocab) -> frozenset[str]:
    out = set()
    for w in _WORD.findall(sentence):
        lw = w.lower()
        if lw in v.stopwords or len(lw) < 3:
            continue
        out.add(_stem(lw))
    return frozenset(out)


def find_mentions(slug: str, text: str, spans: list[tuple[int, int]], timexes: tuple[TimexRef, ...],
                  gaz: Gazetteer, min_precision: str = "decade", max_title: int = 100,
                  published: date | None = None, include_future: bool = True) -> list[Mention]:
    v = vocab()
    min_rank = calendar.PRECISION_RANK[min_precision]
    by_sentence: dict[int, list[TimexRef]] = defaultdict(list)
    for t in timexes:
        for i, (s, e) in enumerate(spans):
            if s <= t.start < e:
                by_sentence[i].append(t)
                break
    first_paragraph_end = text.find("\n\n")
    out: list[Mention] = []
    for i, ts in sorted(by_sentence.items()):
        s, e = spans[i]
        sentence = text[s:e]
        names = None
        for t in ts:
            if not is_event_mention(text, (s, e), t, v, min_rank):
                continue
            if not include_future and published and (calendar.span(t.value) or (date.min,))[0] > published:
                continue
            if names is None:
                names = tuple(ref for ref, _start in find_names(sentence, gaz))
            title = make_title(text, (s, e), t, ts, v, max_title)
            if len(title.split()) < 3:
                continue
            out.append(Mention(
                article=slug, sentence_index=i, sentence=sentence, start=s, end=e, timex=t, title=title,
                head=_premodifier(text, t, v) or "",
                entities=names, keywords=_keywords(sentence, v),
                lead=i < 2 or (first_paragraph_end != -1 and s < first_paragraph_end),
            ))
    return out


# ---------------------------------------------------------------------------
# Merging (whole corpus)
# ---------------------------------------------------------------------------

class _Clusters:
    """Union-find over mentions that keeps each cluster's dates compatible."""

    def __init__(self, mentions: list[Mention]):
        self.parent = list(range(len(mentions)))
        self.values = [{m.timex.value} for m in mentions]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        merged = self.values[ra] | self.values[rb]
        if not all(calendar.compatible(x, y) or x == y for x in merged for y in merged):
            return False
        self.parent[rb] = ra
        self.values[ra] = merged
        return True


def _features(m: Mention, index: EntityIndex, v: Vocab) -> dict[str, float]:
    feats: dict[str, float] = {}
    for kw in m.keywords:
        feats["k:" + kw] = 1.0
    for ref in m.entities:
        resolved = index.resolve(ref)
        name = resolved[0] if resolved else ref.name
        feats["e:" + name] = 2.0
        for part in name.split():
            feats.pop("k:" + _stem(part), None)
    return feats


def similarity(fa: dict[str, float], fb: dict[str, float], idf: dict[str, float],
               wa: float | None = None, wb: float | None = None) -> float:
    """Weighted Jaccard: sum of the smaller weights over the sum of the larger.
    Since max = a + b - min, only the shared keys need visiting once each
    side's total (wa, wb) is known."""
    if wa is None:
        wa = sum(w * idf.get(k, 1.0) for k, w in fa.items())
    if wb is None:
        wb = sum(w * idf.get(k, 1.0) for k, w in fb.items())
    if len(fa) > len(fb):
        fa, fb = fb, fa
    num = 0.0
    for k, w in fa.items():
        o = fb.get(k)
        if o is not None:
            num += (w if w < o else o) * idf.get(k, 1.0)
    den = wa + wb - num
    return num / den if den > 0 else 0.0


def _anaphoric(m: Mention, v: Vocab) -> bool:
    """Does the mention refer back to an event by a definite noun phrase?"""
    if m.head:
        return True
    first = re.match(r"^\W*(?:the|this|that|its)\s+(?:[a-z-]+\s+)?([a-z]+)", m.sentence, re.I)
    return bool(first and (first.group(1).lower() in v.nouns or _stem(first.group(1)) in v.nouns))


BUCKET_CAP = 60  # a (feature, year) shared by more mentions than this says little


def _years(value: str) -> range:
    sp = calendar.span(value)
    if not sp:
        return range(0)
    return range(sp[0].year, min(sp[1].year, sp[0].year + 10) + 1)


def _compatible_spans(a: tuple, b: tuple) -> bool:
    return (a[0] <= b[0] and b[1] <= a[1]) or (b[0] <= a[0] and a[1] <= b[1])


def cluster_mentions(mentions: list[Mention], index: EntityIndex, threshold: float) -> list[list[int]]:
    """Group mentions into events. Candidate pairs share a feature (a word or
    a name) within the same year, so the work grows with the corpus, not with
    its square; a pair merges if the dates are compatible and the similarity
    (plus the bonuses for one article naming one day) reaches the threshold."""
    v = vocab()
    feats = [_features(m, index, v) for m in mentions]
    spans = [calendar.span(m.timex.value) for m in mentions]
    df = Counter(k for f in feats for k in f)
    n = max(len(mentions), 1)
    idf = {k: math.log(1 + n / c) for k, c in df.items()}
    weight = [sum(w * idf[k] for k, w in f.items()) for f in feats]
    buckets: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, (f, m) in enumerate(zip(feats, mentions)):
        for year in _years(m.timex.value):
            for k in f:
                buckets[(k, year)].append(i)
    pairs: set[tuple[int, int]] = set()
    add = pairs.add
    for ids in buckets.values():
        if len(ids) > BUCKET_CAP:
            continue
        for x, a in enumerate(ids):
            sa = spans[a]
            if not sa:
                continue
            a0, a1 = sa
            for b in ids[x + 1:]:
                sb = spans[b]
                # only pairs whose dates can be one event (one span inside the other)
                if sb and ((a0 <= sb[0] and sb[1] <= a1) or (sb[0] <= a0 and a1 <= sb[1])):
                    add((a, b) if a < b else (b, a))
    # Within one article: sentences next to each other, and one named day.
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        by_article[m.article].append(i)
    for ids in by_article.values():
        by_value: dict[str, list[int]] = defaultdict(list)
        for i in ids:
            by_value[mentions[i].timex.value].append(i)
        for i in ids:
            for j in ids:
                if i < j and abs(mentions[i].sentence_index - mentions[j].sentence_index) <= 1:
                    pairs.add((i, j))
        for same in by_value.values():
            for x in range(len(same)):
                for y in range(x + 1, len(same)):
                    pairs.add((same[x], same[y]))
    scored = []
    for a, b in pairs:
        ma, mb = mentions[a], mentions[b]
        if ma.article == mb.article and ma.sentence_index == mb.sentence_index:
            continue
        sa, sb = spans[a], spans[b]
        if not (sa and sb and _compatible_spans(sa, sb)):
            continue
        va, vb = ma.timex.value, mb.timex.value
        sim = similarity(feats[a], feats[b], idf, weight[a], weight[b])
        same_article = ma.article == mb.article
        if va == vb:
            day = calendar.precision(va) == "day"
            later = ma if ma.sentence_index > mb.sentence_index else mb
            if same_article and day:
                sim += 1.0  # one article, one named day: one happening
            elif same_article and abs(ma.sentence_index - mb.sentence_index) == 1 and _anaphoric(later, v):
                sim += 0.35  # "...at the forum last week. Last week's conference..."
            elif day:
                sim += 0.1
            else:
                sim += 0.05
        if sim >= threshold:
            scored.append((sim, a, b))
    clusters = _Clusters(mentions)
    for sim, a, b in sorted(scored, reverse=True):
        clusters.union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        groups[clusters.find(i)].append(i)
    return list(groups.values())


def _best_value(values: list[str]) -> str:
    """The most precise value that every other value contains."""
    ranked = sorted(set(values), key=lambda x: calendar.PRECISION_RANK.get(calendar.precision(x) or "century", 9))
    for cand in ranked:
        if all(cand == o or calendar.contains(o, cand) for o in values):
            return cand
    return ranked[0]


FORWARD_WEIGHT = 0.3  # a report written before the date: a plan, not yet news
LEAD_BONUS = 0.25
BACKGROUND_DAYS = 10  # coverage around an event is counted this many days either side
BACKGROUND_EXPONENT = 0.5


class Coverage:
    """How many articles were published around a date: the background an
    event has to stand out from. A day in the busiest week of a story is
    mentioned by many articles simply because many were written then."""

    def __init__(self, published: list[date]):
        self.days = sorted(d.toordinal() for d in published)

    def per_day(self, start: date, end: date) -> float:
        lo, hi = start.toordinal() - BACKGROUND_DAYS, end.toordinal() + BACKGROUND_DAYS
        n = bisect.bisect_right(self.days, hi) - bisect.bisect_left(self.days, lo)
        return n / (hi - lo + 1)

    def observed(self, start: date, end: date) -> bool:
        """Whether the corpus was being written around these dates. Before the
        first article (the 1989 spill recalled in 2010 coverage) there is no
        background to measure, only the coverage the recollection appears in."""
        return bool(self.days) and (start.toordinal() <= self.days[-1] + BACKGROUND_DAYS
                                    and end.toordinal() >= self.days[0] - BACKGROUND_DAYS)

    def factor(self, start: date, end: date, reported: list[date]) -> float:
        """What an event's support is divided by: the coverage around its
        date, or (for dates the corpus did not cover) around its reports."""
        if self.observed(start, end) or not reported:
            return (1 + self.per_day(start, end)) ** BACKGROUND_EXPONENT
        return sum((1 + self.per_day(d, d)) ** BACKGROUND_EXPONENT for d in reported) / len(reported)


def _salience(value: str, ms: list[Mention], articles: dict, shares: Counter, coverage: Coverage) -> float:
    """How much the corpus cares about an event (documented in the README).

    Support: each distinct article that reports it on or after its date gives
    one point (FORWARD_WEIGHT for an article written before: an announcement
    or a plan), shared among the events of that date the article reports
    (`shares`), so an article listing five things that happened on one day
    does not make that day five times as important. Then half a point per
    further outlet, a quarter per further sentence, LEAD_BONUS if an article
    reports it in its lead. Finally divided by (1 + articles published per
    day around the date) ** BACKGROUND_EXPONENT: what stands out from the
    coverage of its weeks ranks above what was merely written about in the
    busiest weeks; for a date before (or long after) the corpus, the coverage
    around the articles that recall it is used instead. Measured on
    Timeline17 (benchmarks/tls.py)."""
    span = calendar.span(value)
    start = span[0] if span else None
    per_article: dict[str, float] = {}
    for m in ms:
        published = articles[m.article].date
        w = FORWARD_WEIGHT if (published and start and published < start) else 1.0
        per_article[m.article] = max(per_article.get(m.article, 0.0), w)
    outlets = {articles[m.article].source or m.article for m in ms}
    sentences = {(m.article, m.sentence_index) for m in ms}
    support = sum(w / shares.get(a, 1) for a, w in per_article.items())
    score = (support + 0.5 * (len(outlets) - 1) + 0.25 * (len(sentences) - len(per_article))
             + (LEAD_BONUS if any(m.lead for m in ms) else 0.0))
    if span:
        reported = [d for d in (articles[a].date for a in per_article) if d]
        score /= coverage.factor(span[0], span[1], reported)
    return score


def merge(analyses: list[Analysis], gaz: Gazetteer, threshold: float = 0.34) -> tuple[list[Event], EntityIndex]:
    mentions = [m for a in analyses for m in a.mentions]
    articles = {a.article.slug: a.article for a in analyses}
    index = EntityIndex.build([r for m in mentions for r in m.entities], gaz)
    groups = cluster_mentions(mentions, index, threshold)
    v = vocab()
    events: list[Event] = []
    coverage = Coverage([a.date for a in articles.values() if a.date])
    clusters = []
    # the span of a date (a day, a week...) -> article -> how many events of that span it reports
    reports: dict[object, Counter] = defaultdict(Counter)
    for ids in groups:
        ms = sorted((mentions[i] for i in ids), key=lambda m: (articles[m.article].date or date.min,
                                                                m.article, m.sentence_index))
        value = _best_value([m.timex.value for m in ms])
        when = calendar.span(value) or value
        clusters.append((ms, value, when))
        reports[when].update({m.article for m in ms})
    for ms, value, when in clusters:
        # The most representative mention: most words shared with the others,
        # preferring the one that carries the event's own date, then the lead.
        feats = [_features(m, index, v) for m in ms]
        def centrality(k: int) -> float:
            return sum(similarity(feats[k], feats[j], {}) for j in range(len(ms)) if j != k)
        best = max(range(len(ms)), key=lambda k: (ms[k].timex.value == value,
                                                   centrality(k) + (0.5 if ms[k].lead else 0.0), -k))
        rep = ms[best]
        entity_counts: Counter = Counter()
        for m in ms:
            for ref in m.entities:
                resolved = index.resolve(ref)
                if resolved:
                    entity_counts[resolved[0]] += 1
        sources = []
        seen = set()
        for m in ms:
            key = (m.article, m.sentence_index)
            if key in seen:
                continue
            seen.add(key)
            art = articles[m.article]
            sources.append(Source(
                article=m.article, article_title=art.title, sentence=m.sentence, expression=m.timex.text,
                value=m.timex.value, sentence_index=m.sentence_index, anchor=f"s{m.sentence_index}",
                source_name=art.source,
            ))
        salience = _salience(value, ms, articles, reports[when], coverage)
        precision = calendar.precision(value) or "year"
        tags = sorted({t for m in ms for t in articles[m.article].tags})
        events.append(Event(
            id="", date=value, precision=precision, title=rep.title, summary=rep.sentence,
            salience=round(salience, 3),
            entities=[name for name, _ in sorted(entity_counts.items(), key=lambda kv: (-kv[1], kv[0]))],
            sources=sources, mod=rep.timex.mod if rep.timex.value == value else "", tags=tags,
        ))
    events.sort(key=lambda e: (calendar.sort_key(e.date), -e.salience, e.title))
    assign_ids(events)
    return events, index


def assign_ids(events: list[Event]) -> None:
    """Stable ids: date plus the first words of the title; -2, -3 on collision."""
    taken: set[str] = set()
    for e in events:
        words = " ".join(e.title.split()[:7])
        base = slugify(f"{e.date} {words}", max_length=72)
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        e.id = slug
