"""The site's events ranked by salience, once: the key events are the top
of the ranking, and a list's highlights (listings.py) its lowest places.

Sorting each of thousands of lists (every period, person, place and tag)
by salience to take its five most salient events was 1.8 s of the planning
at 10,000 articles: each sort made a key of every event it listed. One sort
of the site's events gives every event its place; a list's highlights are
then its lowest places (heapq, in C), the same events in the same order.
"""

from __future__ import annotations

import heapq
from operator import attrgetter

from ..model import Event
from .views import EventView

_ID = attrgetter("id")


class Ranking:
    """The events, most salient first (then by date, then id: the order is
    total, as ids are unique), background events after all the others."""

    def __init__(self, views: list[EventView]):
        self.order = sorted(views, key=lambda v: (v.background, -v.salience, v.when.sort_key(), v.id))
        self.place = {v.id: i for i, v in enumerate(self.order)}

    def most_salient(self, views: list[EventView], n: int) -> list[EventView]:
        """The n most salient of `views` (background ones only if nothing
        else), in date order."""
        order = self.order
        top = [order[i] for i in heapq.nsmallest(n, map(self.place.__getitem__, map(_ID, views)))]
        if top and not top[0].background:  # some are not background: those alone
            top = [v for v in top if not v.background]
        return sorted(top, key=lambda v: v.when.sort_key())


def mark_key_and_background(views: list[EventView], events: list[Event], n: int) -> Ranking:
    """Background: what the corpus stage marked (events that ended before the
    coverage began). Key: the n most salient of the others. The ranking
    that gave them, for the lists' highlights."""
    for v, e in zip(views, events, strict=True):
        v.background = e.background
    ranking = Ranking(views)
    for v in ranking.order[: max(0, n)]:
        if v.background:
            break
        v.key = True
    return ranking
