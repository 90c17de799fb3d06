"""What the corpus is about: the centroid of the words of every dated
sentence (weighted by how rare each word is), and how close an event's
sentences come to it.

A corpus gathered about one story also catches what merely mentions it: a
market report that names the outbreak once, a blog's weather note. Those
events are real, but they are not the story's key events; an event's
salience is scaled by its topicality (the cosine of its words with the
centroid), so key events and key days come from the story itself. No topic
words are given: the corpus says what it is about.
"""

from __future__ import annotations

import math
from collections import Counter

from ..model import Mention


class Topic:
    def __init__(self, mentions: list[Mention]):
        df = Counter(k for m in mentions for k in m.keywords)
        n = max(len(mentions), 1)
        self.idf = {k: math.log(1 + n / c) for k, c in df.items()}
        centroid: Counter = Counter()
        for m in mentions:
            for k in m.keywords:
                centroid[k] += self.idf[k]  # type: ignore[assignment]
        self.centroid = centroid
        self.norm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0

    def vector(self, ms: list[Mention]) -> Counter:
        """The words of these sentences (each sentence once), weighted by rarity."""
        vec: Counter = Counter()
        seen = set()
        for m in ms:
            key = (m.article, m.sentence_index)
            if key in seen:
                continue
            seen.add(key)
            for k in m.keywords:
                vec[k] += self.idf.get(k, 0.0)  # type: ignore[assignment]
        return vec

    def closeness(self, ms: list[Mention]) -> float:
        """Cosine of the sentences' words with the corpus's centroid (0 to 1)."""
        vec = self.vector(ms)
        norm = math.sqrt(sum(v * v for v in vec.values()))
        if not norm:
            return 0.0
        return sum(v * self.centroid.get(k, 0.0) for k, v in vec.items()) / (norm * self.norm)
