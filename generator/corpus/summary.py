"""What makes a sentence a good summary of an event, besides being central
among the event's own sentences (merge._representative).

Timeline summarisation picks a day's sentences by their closeness to what
the whole corpus says, not only to one cluster: to the centroid of every
sentence dated that day (Ghalandari & Ifrim's DATEWISE, Martschat &
Markert) and to the story's centroid. Both are measured in corpus/topic.py;
the weights below say how much they count against the event's own centre.
A reader's summary also states the happening plainly: it does not open
with a photo credit, a bullet or a wire dateline, and it is not a direct
quotation or a question, and its date dates the happening itself ("the
rig exploded on 20 April", not "oil has spewed since the explosion on 20
April"). These are shape tests of English news prose; no
topic words. Measured on Timeline17's development topics with
benchmarks/summary_loop.py (README, "Key events and salience").
"""

from __future__ import annotations

import re

from ..model import Mention

STORY_WEIGHT = 3.0  # closeness to the centroid of every dated sentence of the corpus
DAY_WEIGHT = 3.0  # closeness to the centroid of every sentence dated the event's day
QUOTE_PENALTY = 0.3  # a direct quotation: what someone said, not what happened
QUESTION_PENALTY = 0.5
SHAPE_PENALTY = 1.0  # opens with a bracket, a bullet, a conjunction, a label ("PHOTO:") or a dateline
RECALL_PENALTY = 0.5  # the date only places a cause or a starting point ("since the April 20 explosion")

_QUOTE_MARK = re.compile(r"[\"“”]")
# not "( AP Photo ) ...", "* April 28 - ...", "And ..."
_PLAIN_OPENING = re.compile(r"[\"“‘']?(?!(?:And|But|Or|So|Yet)\b)[A-Z0-9]")
# "AP NEW ORLEANS ...", "PHOTO: ...", "VENICE, Louisiana -- ..."
_DATELINE = re.compile(r"(?:[A-Z]{2,}[ ,]+){2,}|(?:[A-Z]{2,}\s+)*[A-Z]{2,}:|.{0,40}\s(?:- -|--)\s")
# what comes before the date: "since the explosion on the rig on ", "after the "
_RECALLING = re.compile(r"\bsince\b[^,;:]{0,60}$|\b(?:after|following)\s+(?:the|an?|its|their|this|that)\s+"
                        r"(?:[\w'-]+\s+){0,2}(?:on\s+|of\s+|in\s+)?$", re.IGNORECASE)


def plainness(m: Mention) -> float:
    """0 for a plain statement; negative for what reads badly as a summary."""
    text = m.sentence.strip()
    score = 0.0
    if m.quotes or _QUOTE_MARK.match(text):
        score -= QUOTE_PENALTY
    if text.endswith("?"):
        score -= QUESTION_PENALTY
    if not _PLAIN_OPENING.match(text) or _DATELINE.match(text):
        score -= SHAPE_PENALTY
    if _RECALLING.search(m.sentence[:max(0, m.timex.start - m.start)]):
        score -= RECALL_PENALTY
    return score
