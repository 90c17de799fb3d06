"""What makes a sentence a good summary of an event, besides being central
among the event's own sentences (merge._representative).

Timeline summarisation picks a day's sentences by their closeness to what
the whole corpus says, not only to one cluster: to the centroid of every
sentence dated that day (Ghalandari & Ifrim's DATEWISE, Martschat &
Markert) and to the story's centroid. Both are measured in corpus/topic.py;
the weights (data/<lang>/summary.toml) say how much they count against the
event's own centre.
A reader's summary also states the happening plainly: it does not open
with a photo credit, a bullet, a wire dateline or a pronoun whose name is
in an earlier sentence ("They flew back..."), it is not a direct
quotation or a question, and its date dates the happening itself ("the
rig exploded on 20 April", not "oil has spewed since the explosion on 20
April"), and it is not mostly a quotation. Where it stands counts too: a
reporter's lead (the article's first paragraph or two sentences) is the
reporter's own summary of the happening, the first sentence most. These are
shape and position tests of English news prose, kept as data with examples
that run as tests; no topic words. Measured on Timeline17's development topics with
benchmarks/summary_loop.py (README, "Key events and salience").

The summary is printed under the event's date, so the words that only
repeat that date ("on Friday", "today", "at 3pm") and bracketed asides go
(summary_text): a date that places the happening against another one
("since 13 April", "as soon as Friday"), a date that opens or closes a
range and the date of a relative clause that says nothing else ("which
began on Tuesday") stay, and so does every other word of the sentence.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..analysis.headline_text import without_dates
from ..model import Mention
from ..temporal import Timex, When


@dataclass(frozen=True)
class SummaryRules:
    """The weights and shapes of data/<lang>/summary.toml, compiled."""

    story_weight: float  # closeness to the centroid of every dated sentence of the corpus
    day_weight: float  # closeness to the centroid of every sentence dated the event's day
    quote_penalty: float
    question_penalty: float
    shape_penalty: float
    recall_penalty: float
    pronoun_penalty: float
    mostly_quoted_penalty: float  # more than half the sentence is inside quotation marks
    lead_bonus: float  # a sentence of the article's lead (its first paragraph or first two sentences)
    first_bonus: float  # and again for the article's first sentence
    quote_mark: re.Pattern
    quoted: re.Pattern  # a stretch of the sentence inside quotation marks
    plain_opening: re.Pattern
    dateline: re.Pattern
    recalling: re.Pattern
    pronoun_opening: re.Pattern  # "He said...", "They flew...": the sentence does not stand alone
    aside: re.Pattern  # a bracketed aside, dropped from the summary's text
    list_mark: re.Pattern  # a bullet or a dash left at the start ("* - BP's shares fall..."), dropped
    attributive_before: re.Pattern  # "the April 20 explosion", "of last month's forum": part of a noun phrase
    attributive_after: re.Pattern  # "Friday's meeting"
    relating: re.Pattern  # the words before a date that relate the happening to it ("since"): the date stays
    range_after: re.Pattern  # what follows a date that opens a range ("April 23-27"): the date stays
    min_words: int  # a summary shorter than this once its dates are gone keeps them
    run_on_words: int  # longer than this, a "sentence" is a list or a page run together, no summary
    run_on_penalty: float
    examples: tuple[dict, ...] = ()
    text_examples: tuple[dict, ...] = ()


def load_summary_rules(path: Path) -> SummaryRules:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    w, p = data["weights"], data["patterns"]
    return SummaryRules(
        story_weight=float(w["story"]), day_weight=float(w["day"]), quote_penalty=float(w["quote"]),
        question_penalty=float(w["question"]), shape_penalty=float(w["shape"]), recall_penalty=float(w["recall"]),
        pronoun_penalty=float(w["pronoun"]), mostly_quoted_penalty=float(w["mostly_quoted"]),
        lead_bonus=float(w["lead"]), first_bonus=float(w["first"]),
        quote_mark=re.compile(p["quote_mark"]), quoted=re.compile(p["quoted"]),
        plain_opening=re.compile(p["plain_opening"]),
        dateline=re.compile(p["dateline"]), recalling=re.compile(p["recalling"], re.IGNORECASE),
        pronoun_opening=re.compile(p["pronoun_opening"]), aside=re.compile(p["aside"]),
        list_mark=re.compile(p["list_mark"]),
        relating=re.compile(p["relating"], re.IGNORECASE), range_after=re.compile(p["range_after"], re.IGNORECASE),
        attributive_before=re.compile(p["attributive_before"], re.IGNORECASE),
        attributive_after=re.compile(p["attributive_after"]),
        min_words=int(w["min_words"]), run_on_words=int(w["run_on_words"]), run_on_penalty=float(w["run_on"]),
        examples=tuple(data.get("example", [])), text_examples=tuple(data.get("text_example", [])),
    )


def plainness(m: Mention, rules: SummaryRules) -> float:
    """0 for a plain statement; negative for what reads badly as a summary."""
    text = m.sentence.strip()
    score = 0.0
    if m.quotes or rules.quote_mark.match(text):
        score -= rules.quote_penalty
    if 2 * sum(len(q.group()) for q in rules.quoted.finditer(text)) > len(text):
        score -= rules.mostly_quoted_penalty
    if text.endswith("?"):
        score -= rules.question_penalty
    if not rules.plain_opening.match(text) or rules.dateline.match(text):
        score -= rules.shape_penalty
    if rules.recalling.search(m.sentence[:max(0, m.timex.start - m.start)]):
        score -= rules.recall_penalty
    if rules.pronoun_opening.match(text):
        score -= rules.pronoun_penalty
    if len(text.split()) > rules.run_on_words:
        score -= rules.run_on_penalty
    return score


def position(m: Mention, rules: SummaryRules) -> float:
    """How much the sentence's place in its article counts for it: a
    reporter's lead (the first paragraph, or the first two sentences) says
    what happened, and the very first sentence most of all."""
    return (rules.lead_bonus if m.lead else 0.0) + (rules.first_bonus if m.sentence_index == 0 else 0.0)


def _dates_the_event(x: Timex, when: When) -> bool:
    """Does this expression name the event's own day (or a time on it)? Only
    a day-precise event's card says all that its date words say."""
    if x.when is None or x.type not in ("DATE", "TIME") or when.precision != "day":
        return False
    return x.when.precision == "day" and x.when.value[:10] == when.value[:10]


def summary_text(m: Mention, timexes: Sequence[Timex], when: When, rules: SummaryRules) -> str:
    """The representative sentence as the event's summary prints it, under
    the event's date: without the expressions of that day (with the
    prepositions that introduce them) where they are adverbs ("on Friday",
    not "Friday's talks" nor "the April 20 explosion"), without
    bracketed asides, and without a list's bullet or a chronology's dash
    left at its start ("May 5 - A barge begins..." -> "A barge begins...").
    `timexes` are the article's expressions (offsets in the article's text)."""
    sentence = m.sentence
    own = [replace(x, start=x.start - m.start, end=x.end - m.start)
           for x in timexes if m.start <= x.start and x.end <= m.end and _dates_the_event(x, when)]
    own = [x for x in own if not rules.relating.search(sentence[:x.start])
           and not rules.attributive_before.search(sentence[:x.start])
           and not rules.attributive_after.match(sentence[x.end:]) and not rules.range_after.match(sentence[x.end:])]
    if not own and not rules.aside.search(sentence) and not rules.list_mark.match(sentence):
        return sentence
    text = without_dates(sentence, 0, len(sentence), own) if own else sentence
    text = " ".join(rules.aside.sub("", text).split()).replace(":,", ":")
    if mark := rules.list_mark.match(text):
        text = text[mark.end():]
    if len(text.split()) < rules.min_words:
        return sentence
    if text[:1].islower() and not sentence.lstrip()[:1].islower():
        text = text[0].upper() + text[1:]
    if sentence.rstrip()[-1:] in ".!?" and text[-1:] not in ".!?\"'”’":
        text += sentence.rstrip()[-1]
    return text
