"""What the corpus is about: the centroid of the words of every dated
sentence (weighted by how rare each word is), and how close an event's
sentences come to it; and what it says about each day: the centroid of the
sentences dated that day (sharpened towards the words most of them share,
DAY_SHARPNESS), which an event's summary is chosen to be close to and a
day's events are listed by (corpus/salience.day_order).

Each distinct statement counts once, in the words' rarity and in both
centroids: a sentence with two dates, a wire story reprinted by several
outlets, a live blog repeating its lead (the same keywords) weigh as one
sentence, so what one report says many times does not pull the day's
centroid, and the summary chosen near it (corpus/summary.py), towards
itself. Measured on Timeline17's development topics
(benchmarks/summary_loop.py, all 8 timelines): AR1-F 0.1409 -> 0.1429,
AR2-F 0.0353 -> 0.0355, Date-F1 0.7195 -> 0.7207 (H1N1 0.1341 / 0.0299 ->
0.1412 / 0.0311, bpoil 0.1448 / 0.0385 -> 0.1437 / 0.0381).

A corpus gathered about one story also catches what merely mentions it: a
market report that names the outbreak once, a blog's weather note. Those
events are real, but they are not the story's key events; an event's
salience is scaled by its topicality (the cosine of its words with the
centroid), so key events and key days come from the story itself. No topic
words are given: the corpus says what it is about.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Mention
from ..temporal import When
from .rarity import on_grid, rarity

# A day's centroid is sharpened: each word's weight (its rarity summed over the day's
# distinct sentences) raised to this power, so the words most of the day's reports
# share count more than a rare word of one sentence. Measured with
# benchmarks/summary_loop.py on the 8 development timelines: AR1-F / AR2-F 0.1457 /
# 0.0387 at 1 (no sharpening), 0.1446 / 0.0389 at 1.25, 0.1457 / 0.0404 at 1.5,
# 0.1452 / 0.0404 at 2, 0.1394 / 0.0374 at 3; 0.1413 / 0.0375 at 0.75 (flatter).
DAY_SHARPNESS = 1.5


@dataclass(frozen=True)
class TopicWords:
    """What a Topic makes of its mentions' words alone: the same for any
    mentions with the same words, whatever their dates and order (the
    preview's merge record keeps it for the next edit: 10,000 articles,
    about a second of making). The rarity and the centroid are read from
    counts on a grid (rarity.py), and so is the centroid's norm, so that
    rewording a sentence seldom moves them: `reworded` says which words
    moved."""

    idf: dict[str, float]
    centroid: dict[str, float]
    norm: float
    statements: Counter  # each distinct statement (a sentence's keywords) -> the mentions that make it
    df: Counter  # each word -> the distinct statements that hold it

    @classmethod
    def of(cls, mentions: list[Mention]) -> TopicWords:
        return cls.of_keywords(m.keywords for m in mentions)

    @classmethod
    def of_keywords(cls, keywords: Iterable[tuple[str, ...]]) -> TopicWords:
        """Of mentions with these keywords (each sentence's)."""
        statements = Counter(keywords)  # each distinct statement counts once
        return cls._made(statements, Counter(k for kws in statements for k in kws))

    @classmethod
    def _made(cls, statements: Counter, df: Counter) -> TopicWords:
        n = on_grid(max(len(statements), 1))
        idf = {k: rarity(n, c) for k, c in df.items()}
        # each word's weight summed over the statements that hold it: its count (on the grid) times its rarity
        centroid = {k: on_grid(c) * idf[k] for k, c in df.items()}
        return cls(idf, centroid, _norm(centroid), statements, df)

    def reworded(self, old: Iterable[tuple[str, ...]], new: Iterable[tuple[str, ...]]
                 ) -> tuple[TopicWords, set[str]] | None:
        """These words after mentions whose keywords were `old` now have
        `new` (a sentence reworded), and the words whose rarity or weight in
        the centroid moved (a count crossed a step of the grid); None when
        every closeness moves: the number of statements or the centroid's
        norm crossed a step. Equal to TopicWords.of the mentions now."""
        statements, df = Counter(self.statements), Counter(self.df)
        touched: set[str] = set()
        for kws in old:
            statements[kws] -= 1
            if not statements[kws]:
                del statements[kws]
                for k in kws:
                    df[k] -= 1
                    if not df[k]:
                        del df[k]
                touched.update(kws)
        for kws in new:
            statements[kws] += 1
            if statements[kws] == 1:
                df.update(kws)
                touched.update(kws)
        n = on_grid(max(len(statements), 1))
        if n != on_grid(max(len(self.statements), 1)):
            return None
        crossed = {k for k in touched if on_grid(df.get(k, 0)) != on_grid(self.df.get(k, 0))}
        idf, centroid = dict(self.idf), dict(self.centroid)
        for k in crossed:
            if k in df:
                idf[k] = rarity(n, df[k])
                centroid[k] = on_grid(df[k]) * idf[k]
            else:
                del idf[k], centroid[k]
        norm = _norm(centroid) if crossed else self.norm
        if norm != self.norm:
            return None
        return TopicWords(idf, centroid, norm, statements, df), crossed


def _norm(centroid: dict[str, float]) -> float:
    """The centroid's length, on the grid. (fsum: exactly rounded in any
    order, so it does not depend on the order the words came in.)"""
    return on_grid(math.sqrt(math.fsum(v * v for v in centroid.values())) or 1.0)


class Topic:
    def __init__(self, mentions: list[Mention], words: TopicWords | None = None):
        """`words`: TopicWords.of(mentions) made already (of mentions with these words, in this order)."""
        self.words = words if words is not None else TopicWords.of(mentions)
        self.idf, self.centroid, self.norm = self.words.idf, self.words.centroid, self.words.norm
        self.mentions = mentions
        # each day's sentences (their places in `mentions`, in order), whose centroid is made when first
        # asked for (day_centroid): a merge that makes only a few events again (merge_record.py) needs
        # only their days'
        self._dated: dict[str, list[int]] = {}
        for k, m in enumerate(mentions):
            w = m.when
            if w.precision == "day":
                self._dated.setdefault(w.value[:10], []).append(k)
        self._centroids: dict[str, tuple[dict[str, float], float]] = {}
        self._single: dict[int, float] = {}  # one mention's closeness, by its id
        self._day: dict[str, dict[int, float]] = {}  # a day -> one mention's closeness to it, by the mention's id
        self._held: list[Mention] = []

    def moved(self, mentions: list[Mention], dirty: Iterable[int], before: list[When],
              words: TopicWords | None = None, crossed: Iterable[int] = ()) -> Topic:
        """This topic for `mentions`: this one's, in the same places, but
        for the `dirty` ones, whose dates were `before` (a redating, in the
        preview's merge, which keeps the topic: making it anew walked
        100,000 mentions at 10,000 articles), and whose words may have
        changed too: `words` is then the topic's words now
        (TopicWords.reworded), and `crossed` the places of the mentions that
        hold a word whose rarity moved with them. The days the dirty
        mentions left or entered, and the days of the crossed ones, lose what
        was worked out of them; the rest is kept (a mention's closeness to
        the corpus reads its words alone), but for the closenesses when the
        words changed. What this topic knows stays true: a build that fails
        goes on with it. After a redating (the same words) the closenesses
        worked out are shared with the new topic (what either adds is true
        of both: the days either changes are the new topic's own), and so
        are the mentions they are kept for, the replaced ones among them (a
        few a save), so that no id is another mention's; a merge that makes
        the topic anew lets them go. After a rewording the new topic starts
        with none (what it works out is true of its words alone)."""
        new = Topic.__new__(Topic)
        new.words = words if words is not None else self.words
        new.idf, new.centroid, new.norm = new.words.idf, new.words.centroid, new.words.norm
        new.mentions = mentions
        dated = dict(self._dated)
        touched: set[str] = set()
        dirty = sorted(dirty)
        for d in dirty:
            for w, add in ((before[d], False), (mentions[d].when, True)):
                if w.precision != "day":
                    continue
                day = w.value[:10]
                places = [k for k in dated.get(day, ()) if k != d]  # a new list: this topic's stays
                if add:
                    bisect.insort(places, d)
                if places:
                    dated[day] = places
                else:
                    dated.pop(day, None)
                touched.add(day)
        # a crossed mention's closenesses read a rarity that moved, and so does the centroid of its day
        touched.update(mentions[i].when.value[:10] for i in crossed if mentions[i].when.precision == "day")
        new._dated = dated
        new._centroids = {day: c for day, c in self._centroids.items() if day not in touched}
        if words is None:
            # shared: the ids are of mentions both topics hold (_held), a closeness reads words alone, and
            # a day's closenesses are shared only for the days neither topic changed (the dicts per day)
            new._day = {day: c for day, c in self._day.items() if day not in touched}
            new._single, new._held = self._single, self._held
            return new
        # other words: what the new topic works out is not true of this one, so no closeness is shared (a
        # build that failed may have worked the dirty mentions' out with its words); none is copied either
        # (copying every day's took 0.09 s at 10,000 articles): a merge after a rewording makes a few
        # hundred events again, whose closenesses are worked out anew
        new._day, new._single, new._held = {}, {}, []
        return new

    def shifted(self, to_new: list[int], gone: set[int], gone_whens: Iterable[When]) -> Topic:
        """This topic with its days' mentions at their places after an edit
        that added or removed mentions (corpus/record_shift.py: `to_new`,
        each earlier place's place now; `gone`, the earlier places of the
        removed ones, whose dates were `gone_whens`): the removed mentions
        leave their days, which lose what was worked out of them. Its
        mentions are still the earlier ones until `moved` gives those now
        (merge.merge_recorded does, before anything is read). This topic
        stays as it was."""
        new = Topic.__new__(Topic)
        new.words, new.idf, new.centroid, new.norm = self.words, self.idf, self.centroid, self.norm
        new.mentions = self.mentions
        touched = {w.value[:10] for w in gone_whens if w.precision == "day"}
        dated = {}
        for day, places in self._dated.items():
            moved = [to_new[k] for k in places if k not in gone] if day in touched else list(
                map(to_new.__getitem__, places))
            if moved:
                dated[day] = moved
        new._dated = dated
        new._centroids = {day: c for day, c in self._centroids.items() if day not in touched}
        new._day = {day: c for day, c in self._day.items() if day not in touched}
        new._single, new._held = self._single, self._held
        return new

    def vector(self, ms: list[Mention]) -> dict[str, float]:
        """The words of these sentences (each sentence once), weighted by
        rarity. (The closenesses sum it with fsum, exactly rounded in any
        order.)"""
        vec: dict[str, float] = {}
        seen = set()
        for m in ms:
            key = (m.article, m.sentence_index)
            if key in seen:
                continue
            seen.add(key)
            for k in m.keywords:
                vec[k] = vec.get(k, 0.0) + self.idf.get(k, 0.0)
        return vec

    def day_closeness(self, m: Mention, day: str) -> float:
        """Cosine of one sentence's words with the centroid of every sentence
        dated `day` (YYYY-MM-DD); 0 for a day no sentence names. Kept: merge
        asks again for the representative's (corpus/merge.py)."""
        if day not in self._dated:
            return 0.0
        known = self._day.setdefault(day, {})
        got = known.get(id(m))
        if got is None:
            got = known[id(m)] = self._day_closeness(m, day)
            self._held.append(m)  # its id stays its own while this Topic lives
        return got

    def day_centroid(self, day: str) -> tuple[dict[str, float], float]:
        """The centroid of the day's distinct sentences, sharpened, and its norm."""
        got = self._centroids.get(day)
        if got is None:
            vec: dict[str, float] = {}
            seen: set[tuple[str, ...]] = set()
            for m in map(self.mentions.__getitem__, self._dated[day]):
                if m.keywords in seen:
                    continue
                seen.add(m.keywords)
                for k in m.keywords:  # (sorted: float sums independent of the hash seed)
                    vec[k] = vec.get(k, 0.0) + self.idf[k]
            sharp = {k: w ** DAY_SHARPNESS for k, w in vec.items()}
            got = self._centroids[day] = (sharp, math.sqrt(sum(x * x for x in sharp.values())) or 1.0)
        return got

    def _day_closeness(self, m: Mention, day: str) -> float:
        centroid, cnorm = self.day_centroid(day)
        vec = self.vector([m])
        norm = math.sqrt(math.fsum(v * v for v in vec.values()))
        if not norm:
            return 0.0
        return math.fsum(v * centroid.get(k, 0.0) for k, v in vec.items()) / (norm * cnorm)

    def closeness(self, ms: list[Mention]) -> float:
        """Cosine of the sentences' words with the corpus's centroid (0 to 1).
        One sentence's is kept: merge asks for it again (the representative,
        the titled mention)."""
        if len(ms) == 1:
            key = id(ms[0])
            got = self._single.get(key)
            if got is None:
                got = self._single[key] = self._closeness(ms)
                self._held.append(ms[0])  # its id stays its own while this Topic lives
            return got
        return self._closeness(ms)

    def _closeness(self, ms: list[Mention]) -> float:
        vec = self.vector(ms)
        norm = math.sqrt(math.fsum(v * v for v in vec.values()))
        if not norm:
            return 0.0
        return math.fsum(v * self.centroid.get(k, 0.0) for k, v in vec.items()) / (norm * self.norm)
