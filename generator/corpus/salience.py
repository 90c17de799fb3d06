"""How much the corpus cares about an event (documented in the README,
"Key events and salience"; measured on Timeline17 by benchmarks/tls.py),
and the order of the events listed under one date."""

from __future__ import annotations

import bisect
import operator
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from itertools import compress
from typing import Any

from ..model import Article, Event, Mention
from ..temporal import When

FORWARD_WEIGHT = 0.3  # a report written before the date: a plan, not yet news
LEAD_BONUS = 0.25
BACKGROUND_DAYS = 10  # coverage around an event is counted this many days either side
BACKGROUND_EXPONENT = 0.5
COVERAGE_QUANTILE = 0.02  # where the corpus's coverage starts: a few stray early articles do not move it
RECALLED_DAYS = 30  # an event that ended this long before the coverage started is background
DAY_ORDER_POWER = 3  # how much closeness to the day's centroid counts against salience within a day


class Coverage:
    """How many articles were published around a date: the background an
    event has to stand out from. A day in the busiest week of a story is
    mentioned by many articles simply because many were written then."""

    def __init__(self, published: list[date]):
        self.days = sorted(d.toordinal() for d in published)

    def start(self) -> date | None:
        """The day the corpus's own coverage starts (a low quantile of the
        publication days, so one old article does not pull it back)."""
        if not self.days:
            return None
        return date.fromordinal(self.days[int(COVERAGE_QUANTILE * (len(self.days) - 1))])

    def recalled(self, end: date) -> bool:
        """Did this end well before the coverage began? (the 1968 pandemic in
        2009 reporting): background the corpus recalls, not news it reports."""
        first = self.start()
        return first is not None and end.toordinal() < first.toordinal() - RECALLED_DAYS

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


def salience(when: When, ms: list[Mention], articles: dict[str, Article], shares: Counter,
             coverage: Coverage) -> float:
    """Support: each distinct article that reports the event on or after its
    date gives one point (FORWARD_WEIGHT for an article written before: an
    announcement or a plan), shared among the events of that date the article
    reports (`shares`), so an article listing five things that happened on
    one day does not make that day five times as important. Then half a point
    per further outlet, LEAD_BONUS if an article reports it in its lead. An
    article counts once however many of its sentences report the event. Finally divided by (1 + articles published
    per day around the date) ** BACKGROUND_EXPONENT: what stands out from the
    coverage of its weeks ranks above what was merely written about in the
    busiest weeks; for a date before (or long after) the corpus, the coverage
    around the articles that recall it is used instead."""
    per_article: dict[str, float] = {}
    for m in ms:
        published = articles[m.article].date
        w = FORWARD_WEIGHT if (published and published < when.start) else 1.0
        per_article[m.article] = max(per_article.get(m.article, 0.0), w)
    outlets = {articles[m.article].source or m.article for m in ms}
    support = sum(w / shares.get(a, 1) for a, w in per_article.items())
    score = support + 0.5 * (len(outlets) - 1) + (LEAD_BONUS if any(m.lead for m in ms) else 0.0)
    reported = [d for d in (articles[a].date for a in per_article) if d]
    return score / coverage.factor(when.start, when.end, reported)


def day_order(e: Event) -> float:
    """Where an event stands among the events of its day: its salience times
    the closeness of its summary to what the corpus says about that day
    (Event.day_closeness) to the power DAY_ORDER_POWER. A day's most
    reported event stays first; after it come the day's other happenings
    of the story, before a sentence that merely dates something else to it
    (a market report, a reader's aside). Measured on Timeline17's
    development topics (benchmarks/summary_loop.py, a key day's text is its
    first events in this order): AR1-F 0.1429 -> 0.1457, AR2-F 0.0355 ->
    0.0387 over the 8 timelines (H1N1 0.1412 / 0.0311 -> 0.1437 / 0.0366,
    bpoil 0.1437 / 0.0381 -> 0.1465 / 0.0398); powers 2 to 4 give AR2-F
    0.0383 to 0.0390, salience alone 0.0355, closeness alone 0.0329. With
    the day's centroid sharpened (topic.DAY_SHARPNESS): 0.1457 / 0.0404
    (H1N1 0.1470 / 0.0397, bpoil 0.1444 / 0.0406; powers 1, 2, 4: AR2-F
    0.0384, 0.0397, 0.0392; salience alone 0.1410 / 0.0365)."""
    return e.salience * e.day_closeness ** DAY_ORDER_POWER


def listing_order(e: Event) -> tuple:
    """The order of the site's lists of events: by date; within one date,
    by day_order (for a day), then salience (coarser dates) and title."""
    return (e.when.sort_key(), -day_order(e), -e.salience, e.title)


def order_ties(items: list, keys: Sequence, by: Callable[[Any], Any]) -> None:
    """Sort each run of equal `keys` (sorted already, one per item) in
    place by `by`: what a full sort by (key, by) would do, in a pass over
    the keys, for a list that is in order but for its ties (the merge's
    events, of which few share a key)."""
    for n in list(compress(range(len(keys)), map(operator.eq, keys, keys[1:]))):  # in C: a pass over 65,000
        if n == 0 or keys[n - 1] != keys[n]:  # a run's start
            end = n + 1
            while end + 1 < len(keys) and keys[end + 1] == keys[n]:
                end += 1
            items[n:end + 1] = sorted(items[n:end + 1], key=by)


def tie_keys(keys: Sequence) -> tuple:
    """The keys more than one item has, of `keys` in order (a pass over them):
    what order_runs needs to find every run of ties."""
    return tuple(dict.fromkeys(compress(keys, map(operator.eq, keys, keys[1:]))))


def order_runs(items: list, keys: Sequence, ties: Sequence, by: Callable[[Any], Any]) -> None:
    """order_ties, when the keys that more than one item has are among
    `ties` (a key there that one item has, or none, is looked up and left):
    each run of equal keys is found by bisection in the sorted `keys`
    instead of a pass comparing every key with the next (65,000 keys at
    10,000 articles, 30 ms of each preview save, for a few hundred runs)."""
    for key in ties:
        start = bisect.bisect_left(keys, key)
        end = bisect.bisect_right(keys, key, start)
        if end - start > 1:
            items[start:end] = sorted(items[start:end], key=by)
