"""What makes a sentence a good summary of an event, besides being central
among the event's own sentences (merge._representative).

Timeline summarisation picks a day's sentences by their closeness to what
the whole corpus says, not only to one cluster: to the centroid of every
sentence dated that day (Ghalandari & Ifrim's DATEWISE, Martschat &
Markert) and to the story's centroid. Both are measured in corpus/topic.py;
the weights (data/<lang>/summary.toml) say how much they count against the
event's own centre.
A reader's summary also states the happening plainly: it does not open
with a photo credit, a bullet or a wire dateline, and it is not a direct
quotation or a question, and its date dates the happening itself ("the
rig exploded on 20 April", not "oil has spewed since the explosion on 20
April"). These are shape tests of English news prose, kept as data with examples
that run as tests; no topic words. Measured on Timeline17's development topics with
benchmarks/summary_loop.py (README, "Key events and salience").
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..model import Mention


@dataclass(frozen=True)
class SummaryRules:
    """The weights and shapes of data/<lang>/summary.toml, compiled."""

    story_weight: float  # closeness to the centroid of every dated sentence of the corpus
    day_weight: float  # closeness to the centroid of every sentence dated the event's day
    quote_penalty: float
    question_penalty: float
    shape_penalty: float
    recall_penalty: float
    quote_mark: re.Pattern
    plain_opening: re.Pattern
    dateline: re.Pattern
    recalling: re.Pattern
    examples: tuple[dict, ...] = ()


def load_summary_rules(path: Path) -> SummaryRules:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    w, p = data["weights"], data["patterns"]
    return SummaryRules(
        story_weight=float(w["story"]), day_weight=float(w["day"]), quote_penalty=float(w["quote"]),
        question_penalty=float(w["question"]), shape_penalty=float(w["shape"]), recall_penalty=float(w["recall"]),
        quote_mark=re.compile(p["quote_mark"]), plain_opening=re.compile(p["plain_opening"]),
        dateline=re.compile(p["dateline"]), recalling=re.compile(p["recalling"], re.IGNORECASE),
        examples=tuple(data.get("example", [])),
    )


def plainness(m: Mention, rules: SummaryRules) -> float:
    """0 for a plain statement; negative for what reads badly as a summary."""
    text = m.sentence.strip()
    score = 0.0
    if m.quotes or rules.quote_mark.match(text):
        score -= rules.quote_penalty
    if text.endswith("?"):
        score -= rules.question_penalty
    if not rules.plain_opening.match(text) or rules.dateline.match(text):
        score -= rules.shape_penalty
    if rules.recalling.search(m.sentence[:max(0, m.timex.start - m.start)]):
        score -= rules.recall_penalty
    return score
