"""Dated sentences -> event mentions (per article).

A mention is a sentence whose temporal expression dates something that
happened or is scheduled (a meeting, a visit, an attack, a statement...), not
a span ("since 1999"), a deadline or a projection ("by the mid-2020s he will
have been..."). Each mention carries its headline, the names in its sentence
and its keywords, so the corpus stage can merge mentions of one happening
without reading the article again.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from datetime import date

from ..model import EntityRef, Mention
from ..temporal import Timex, calendar
from .clauses import clause, premodifier, projected
from .headlines import make_title
from .names import Gazetteer, find_names
from .words import WORD, Vocab, is_trigger, keywords


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
    if head is None and v.span_cue.search(before) and precision != "day":
        return False
    c0, c1 = clause(text, s, e, t)
    if projected(text[c0:c1], t.start - c0, v):
        return False
    if head is not None:
        return True
    if precision == "day":
        return True  # a sentence that names a specific day reports what happened (or will) that day
    near = [m.group(0) for m in WORD.finditer(text, c0, c1) if abs(m.start() - t.start) < 160]
    return any(is_trigger(w, v) for w in near)


def _by_sentence(spans: list[tuple[int, int]], timexes: tuple[Timex, ...]) -> dict[int, list[Timex]]:
    starts = [s for s, _ in spans]
    out: dict[int, list[Timex]] = defaultdict(list)
    for t in timexes:
        i = bisect.bisect_right(starts, t.start) - 1
        if i >= 0 and t.start < spans[i][1]:
            out[i].append(t)
    return out


def find_mentions(slug: str, text: str, spans: list[tuple[int, int]], stories: list[tuple[int, int] | None],
                  timexes: tuple[Timex, ...], gaz: Gazetteer, v: Vocab, min_precision: str = "decade",
                  max_title: int = 100, published: date | None = None,
                  include_future: bool = True) -> list[Mention]:
    """The event mentions of an article. `stories` holds, for each sentence
    span, its story part (furniture.story_part): a sentence that is all
    furniture makes no mention, and a leading dateline is no part of one."""
    min_rank = calendar.PRECISION_RANK[min_precision]
    first_paragraph_end = text.find("\n\n")
    out: list[Mention] = []
    for i, ts in sorted(_by_sentence(spans, timexes).items()):
        story = stories[i]
        if story is None:
            continue
        s, e = story
        sentence = text[s:e]
        names: tuple[EntityRef, ...] | None = None
        for t in ts:
            if t.start < s:
                continue  # in the dateline
            head = premodifier(text, t, v)
            if not is_event_mention(text, (s, e), t, v, min_rank, head):
                continue
            if not include_future and published and (calendar.span(t.value) or (date.min,))[0] > published:
                continue
            if names is None:
                names = tuple(ref for ref, _start in find_names(sentence, gaz))
            title = make_title(text, (s, e), t, ts, v, head, max_title)
            if len(title.split()) < 3:
                continue
            out.append(Mention(
                article=slug, sentence_index=i, sentence=sentence, start=s, end=e, timex=t, title=title,
                head=head or "", entities=names, keywords=keywords(sentence, v),
                lead=i < 2 or (first_paragraph_end != -1 and s < first_paragraph_end),
            ))
    return out
