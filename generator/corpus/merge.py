"""Mentions -> events: each group of mentions (clustering) becomes one event
with the most precise date every mention allows, a representative headline,
its names, its sources and its salience; then each gets a stable id."""

from __future__ import annotations

import dataclasses
import hashlib
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from datetime import date
from itertools import accumulate, chain, compress, repeat
from operator import attrgetter, is_, is_not, itemgetter, not_

from ..analysis.words import Vocab
from ..content import slugify
from ..forked import map_parts
from ..model import Analysis, Article, Event, Mention, Quote, Source
from ..temporal import Timex, When
from . import record_shift
from .clustering import Features, Scored, cluster_scored, features, keyword_holders, recluster, scored_from, similarity
from .entities import EntityIndex
from .merge_record import Made, MergeRecord
from .merge_record import covers as covers_mentions
from .region_events import Naming, Region
from .salience import BACKGROUND_DAYS, Coverage, listing_order, salience, tie_keys
from .summary import SummaryRules, plainness, position, summary_text
from .topic import Topic, TopicWords


def best_when(whens: list[When]) -> When:
    """The most precise value that every other value contains (ties by value, so the choice is deterministic)."""
    if len(whens) == 1:  # (an event of one report, most of them: what the loop below returns, at once)
        return whens[0]
    ranked = sorted(set(whens), key=lambda w: (w.rank, w.value))
    for cand in ranked:
        if all(cand == o or o.contains(cand) for o in whens):
            return cand
    return ranked[0]


_NO_IDF: dict[str, float] = {}
CENTRE_SAMPLE = 200  # mentions an event's representative sentence is compared with, at most


def _representative(ms: list[Mention], when: When, index: EntityIndex, topic: Topic,
                    rules: SummaryRules, feats: list[Features] | None = None) -> int:
    """The sentence that best says what the sources say about the event: one
    that carries the event's own date, then the one nearest the centre of
    its sources' sentences (the mean of its similarities to them), of the
    story (its topicality) and of everything the corpus says about that day
    (corpus/summary.py), a plain statement rather than a quotation, a
    question or a caption, one in an article's lead (its first sentence
    most) preferred. `feats`: the mentions' features, if known. Its place in `ms`."""
    # Only the mentions with the best (own date, not recalled) can win: the others are not scored
    # (the same choice as scoring every one: a tuple's first items decide before its score).
    ranks = [(m.when == when, not m.since) for m in ms]
    top = max(ranks)
    tied = [k for k, r in enumerate(ranks) if r == top]
    if len(tied) == 1:
        return tied[0]
    if feats is None:
        feats = [features(m, index) for m in ms]
    totals = [sum(w * 1.0 for w in f.values()) for f in feats]  # what similarity() sums with no idf
    # Past CENTRE_SAMPLE mentions (one long article naming one day thousands
    # of times) the centre is measured against an evenly spaced sample of
    # them: linear time instead of quadratic; smaller events are unchanged.
    step = max(1, len(ms) // CENTRE_SAMPLE)
    sample = range(0, len(ms), step)

    day = when.value[:10] if when.precision == "day" else ""

    def score(k: int) -> float:
        fk, tk = feats[k], totals[k]
        others = [similarity(fk, feats[j], _NO_IDF, tk, totals[j]) for j in sample if j != k]
        central = sum(others) / len(others) if others else 0.0
        return (central + rules.story_weight * topic.closeness([ms[k]])
                + rules.day_weight * topic.day_closeness(ms[k], day)
                + plainness(ms[k], rules) + position(ms[k], rules))

    return max(tied, key=lambda k: (score(k), -k))


def clean_title(title: str) -> bool:
    """Does the headline start like one? (not "Which began after...", not "Since the explosion...")"""
    first = title.split()[0].lower() if title.split() else ""
    return first not in _WEAK_OPENINGS and 3 <= len(title.split()) <= 14


# A headline that opens with a relative word, a conjunction or a preposition
# is a piece of a sentence ("In a news conference", "Up from nearly 9,000").
_WEAK_OPENINGS = {"which", "who", "whom", "whose", "that", "where", "when", "while", "since", "after", "before",
                  "as", "because", "although", "though", "if", "and", "but", "or", "so", "yet",
                  "in", "on", "at", "ahead", "during", "from", "with", "by", "of", "to", "up", "down", "via", "amid"}


def _best_titled(ms: list[Mention], rep: int, when: When, index: EntityIndex, topic: Topic) -> int:
    """The mention whose headline names the event (its place in `ms`): the
    representative one (`rep`), or failing that the next best with a
    headline that starts like one, a recalled day ("since April 20") last."""
    if clean_title(ms[rep].title) and not ms[rep].since:
        return rep

    def rank(k: int) -> tuple:
        m = ms[k]
        return m.since, not clean_title(m.title), m.when != when, -topic.closeness([m]), m.article, m.sentence_index

    best = min(range(len(ms)), key=rank)  # the first of equals, as sorted()[0]
    return best if clean_title(ms[best].title) else rep


def _entities(ms: list[Mention], index: EntityIndex, every: bool = False) -> tuple[str, ...]:
    """Resolved names of the event's clauses (`every`: of its whole
    sentences), the most mentioned first."""
    counts: Counter = Counter()
    for m in ms:
        for ref in (m.every_name if every else m.entities):
            resolved = index.resolve(ref)
            if resolved:
                counts[resolved[0]] += 1
    return tuple(name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _sources(ms: list[Mention], articles: dict[str, Article]) -> tuple[Source, ...]:
    """One source per article (in the mentions' order), with each of its sentences once."""
    quotes: dict[str, dict[int, Quote]] = {}
    for m in ms:
        of_article = quotes.setdefault(m.article, {})
        if m.sentence_index not in of_article:  # (the first mention of a sentence quotes it; its anchor made once)
            of_article[m.sentence_index] = Quote(
                sentence=m.sentence, expression=m.timex.text, value=m.timex.value, sentence_index=m.sentence_index,
                anchor=m.anchor)
    return tuple(Source(article=slug, article_title=articles[slug].title, quotes=tuple(qs.values()),
                        source_name=articles[slug].source) for slug, qs in quotes.items())


def mention_key(m: Mention) -> str:
    """A sentence's identity across builds: its article and its words (an
    edit elsewhere in the article does not change it)."""
    digest = hashlib.sha1(f"{m.sentence}|{m.timex.text}".encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{m.article}:{digest}"


def _anchor(ms: list[Mention], articles: dict[str, Article]) -> int:
    """The event's first report (its place in `ms`): the earliest article's
    earliest sentence. An event is named after it, so its id does not change
    when other articles are added, edited or removed, unless they report it
    earlier."""
    def first(k: int) -> tuple:
        m = ms[k]
        return articles[m.article].date or date.min, m.article, m.sentence_index, m.timex.start

    return min(range(len(ms)), key=first)


class _Timexes:
    """An article's expressions, and those that start within a sentence: a
    slice found by bisection when they are in text order (as the tagger
    gives them), not a pass over the whole article for each event."""

    def __init__(self, timexes: tuple[Timex, ...]):
        self.all = timexes
        starts = [x.start for x in timexes]
        self.starts = starts if all(a <= b for a, b in zip(starts, starts[1:], strict=False)) else None

    def within(self, start: int, end: int) -> tuple[Timex, ...]:
        """The expressions with start <= x.start <= end, in the article's order
        (summary_text keeps those that also end by `end`)."""
        if self.starts is None:
            return self.all
        return self.all[bisect_left(self.starts, start):bisect_right(self.starts, end)]


FORK_MIN_MENTIONS = 5_000  # below this (some 500 articles), forking merge workers costs more than it saves
EVENT_PART = 250  # clusters made into events per part


def merge(analyses: list[Analysis], index: EntityIndex, vocab: Vocab, summary: SummaryRules,
          threshold: float = 0.34, jobs: int | None = 1) -> list[Event]:
    """The corpus's events, in date order (salience.listing_order), with ids.
    With `jobs` > 1 and a big corpus, the scoring of candidate pairs and the
    making of each event (both independent of one another) run in forked
    workers too (forked.py); the events do not depend on it."""
    return merge_recorded(analyses, index, vocab, summary, threshold, jobs)[0]


def merge_recorded(analyses: list[Analysis], index: EntityIndex, vocab: Vocab, summary: SummaryRules,
                   threshold: float = 0.34, jobs: int | None = 1, keys: list[str] | None = None,
                   known: MergeRecord | None = None, changed: set[int] | None = None, settings: str = "",
                   words: str = "", redated: dict[int, Analysis] | None = None,
                   keep_scored: bool = False, early: Callable[[Region], None] | None = None
                   ) -> tuple[list[Event], MergeRecord | None]:
    """merge(), and the record of it for the next build (merge_record.py)
    when the analyses' cache `keys` are given (`settings`, `words`: what
    the record is made with). With the last build's record (`known`) and
    the places of the articles changed since (`changed`:
    merge_record.changed_articles, which found nothing changed that the
    clustering reads), only the events with a mention from a changed
    article are made again: the same events as merging everything. With
    the articles whose mentions moved in time instead (`redated`: their
    places and their earlier analyses, from merge_record.redated_articles,
    which found their words and names unchanged) and the record's scored
    pairs, the clustering scores again only the pairs they touch
    (clustering.recluster), and an event is made again only if its
    mentions are not a recorded group's, one of them moved, or its span's
    or its day's reports changed (salience counts each span's reports, the
    summary reads its day's sentences) (_made_again); the others' made
    parts are the record's. `keep_scored`: the record keeps
    all that the clustering scored (clustering.Scored: the preview's, in
    memory), not only the pairs (what a record on disk holds, the rest
    made again from the mentions), and the events made, which the next
    merge takes back for the clusters it does not make again (at 10,000
    articles some 65,000 events, a second of making)."""
    mentions = list(chain.from_iterable(map(_MENTIONS, analyses)))  # in C: some 150,000 at 10,000 articles
    jobs = jobs if len(mentions) >= FORK_MIN_MENTIONS else 1
    slugs = list(map(_SLUG, analyses))  # (these, in C: 10,000 articles at every preview save)
    articles = dict(zip(slugs, map(_ARTICLE, analyses), strict=True))
    by_slug = dict(zip(slugs, analyses, strict=True))
    timexes: dict[str, _Timexes] = {}  # an article's, made when an event is made from it (timexes_of)

    def timexes_of(slug: str) -> _Timexes:
        got = timexes.get(slug)
        if got is None:
            got = timexes[slug] = _Timexes(by_slug[slug].timexes)
        return got

    scored: Scored | None = None
    edges: MutableMapping[tuple[int, int], float]
    before: list[When] = []  # the mentions' dates the record was made with (redated)
    dirty: set[int] = set()
    places: list[int | None] | None = None  # a redating's: each cluster's place in the record, if known (recluster)
    # a redating's whose mentions' words changed too: the topic's words now, and the places of the mentions
    # (not dirty) that hold a word whose rarity moved with them (_topic_reworded)
    new_words: TopicWords | None = None
    crossed: list[int] = []
    # the record's groups hold these mentions (as many): a record that serves (changed, redated) can be taken
    covers = covers_mentions(known, len(mentions))
    coverage = Coverage(list(filter(None, map(_DATE, articles.values()))))
    # articles added or removed since the record (the preview's: merge_record.redated_articles lets them
    # in): the coverage then, and the days they were published, whose coverage every event near them
    # reads (salience: merge._covered)
    added_days: list[int] = []  # (each added or removed article's day)
    was: Coverage | None = None
    if known is not None and changed is None and redated is not None and (
            len(known.articles) != len(analyses) or list(map(_SLUG_OF, known.articles)) != slugs):
        if known.analyses is None:
            redated = None
        else:
            was = Coverage([d for d in map(_DATE, map(_ARTICLE, known.analyses)) if d])
            now_days, then_days = Counter(coverage.days), Counter(was.days)
            added_days = sorted(((now_days - then_days) + (then_days - now_days)).elements())
    gone: list[tuple[Features, When]] = []  # the mentions an edit removed (record_shift.py): features, dates
    shift: record_shift.Shift | None = None
    if known is not None and changed is None and redated is not None and record_shift.resized(analyses, redated):
        # dated sentences added or removed: the preview's record moved to the places now, if it can be
        shift = record_shift.shifted(known, analyses, redated, mentions)
        if shift is None:
            redated = None
        else:
            known, covers, gone = shift.record, True, shift.gone
    if known is not None and covers and changed is None and redated is not None:
        # every mention of the redated articles (by place now) -> its earlier self (None: one added)
        earlier_at: dict[int, Mention | None] = (
            shift.earlier if shift is not None else dict(_earlier_mentions(analyses, redated)))
        old_keywords = shift.old_keywords if shift is not None else [
            earlier_at[d].keywords for d in sorted(earlier_at)]  # type: ignore[union-attr]
        reworded = _topic_reworded(known, mentions, sorted(earlier_at), old_keywords)
        if reworded is None:
            redated = None  # every closeness to the topic moved: everything is merged again
        else:
            new_words, crossed = reworded
    if known is not None and covers and changed is not None:
        owner = _owners(analyses)
        groups: list = list(known.groups)
        feats: list[Features] | _LazyFeatures = _LazyFeatures(mentions, index)  # the changed events' only
        scored = known.scored  # the same mentions' words, dates and names: the same pairs
        edges = scored.edges if scored is not None else {(a, b): sim for a, b, sim in known.edges}
    elif known is not None and covers and redated is not None:
        changed = None
        dirty = set(earlier_at)  # every mention of the redated articles
        if known.scored is not None:
            base = known.scored
        else:  # a record from disk: the pairs, and the rest made again from the mentions' words and names then
            then = [earlier_at.get(k) or m for k, m in enumerate(mentions)]  # (no mention added: no shift)
            base = scored_from(then, index, known.edges, [m.when for m in then])
        before = base.whens
        groups, scored = recluster(mentions, index, threshold, vocab, base, dirty, gone)
        # each group's place in the record when it is a recorded group of unmoved mentions (the record's
        # groups are the clustering's it reclustered from: base.groups, in the record's order)
        places = scored.was if base.groups is not None else None
        feats, edges = scored.feats, scored.edges
    else:
        known, changed = None, None
        every = [features(m, index) for m in mentions]  # once, for the clustering and the representatives
        groups, scored = cluster_scored(mentions, index, threshold, vocab, every, jobs)
        feats, edges = every, scored.edges
    topic: list[Topic] = []  # made when an event is made (not when every event is the record's)
    # a record that serves (changed_articles, redated_articles) was made of mentions with these words, in
    # this order: so the topic's words are its
    topic_words = new_words if new_words is not None else known.topic if known is not None else None
    clusters: list[tuple[list[Mention], When, list[int]]] = []
    # each cluster's span (the first and last day of its date), and the clusters of a span (_Spans)
    span_keys: list[tuple[date, date]] = []
    # the span of a date -> article -> how many events of that span it reports: counted when an event of
    # the span is made (`reports`), as a merge that makes a few events again needs a few spans' counts
    reports: dict[tuple[date, date], Counter] = {}

    def reports_of(span: tuple[date, date]) -> Counter:
        got = reports.get(span)
        if got is None:
            got = reports[span] = Counter()
            for k in spans[span]:
                got.update({m.article for m in clusters[k][0]})
        return got

    # After a redating, with the preview's record (its events in memory): a group of unmoved mentions
    # that is a recorded group takes that group's order and its event's date, the same mentions' (the
    # unchanged articles' analyses are the very same objects), instead of sorting and dating it again
    # (65,000 groups at 10,000 articles, about 0.4 s)
    # A redating's clusters come in place order (clustering._groups); each recorded group's places in that
    # order -> its place in the record (the preview's record keeps them: MergeRecord.ascending). `taken`:
    # each cluster's place in the record when it is a recorded group of unmoved mentions, else None.
    in_record: dict[tuple[int, ...], int] = {}
    if known is not None and changed is None and places is None:
        ascending = known.ascending if known.ascending is not None else [tuple(sorted(g)) for g in known.groups]
        in_record = {g: k for k, g in enumerate(ascending)}
    taken: list[int | None] = []
    recorded = known.clusters if known is not None and _kept_analyses(known, analyses, redated) else None
    whole = (places is not None and known is not None and known.events is not None and recorded is not None
             and known.spans is not None)
    # after a shift, the record's groups and clusters' places are at the earlier places, and what the
    # recluster scored is read through the move (corpus/moved.py), until the early page is out (settled
    # below); only a merge that takes the recorded groups whole reads them that way
    move = shift.move if shift is not None and known is not None else None  # (None: merged anew after all)
    if move is not None and not whole:
        assert known is not None and scored is not None
        scored.settle()
        step = move.__getitem__
        known = dataclasses.replace(known, groups=tuple(tuple(map(step, g)) for g in known.groups),
                                    clusters=None if known.clusters is None else tuple(
                                        _at_places_now(c, step) for c in known.clusters))
        groups, move = scored.groups, None  # type: ignore[assignment]
    if whole:
        # a redating with the preview's record, whose unmoved mentions are its very objects: each recorded
        # group taken whole is the record's cluster, its span the record's (taken in C); only the groups
        # of the reclustered region are made into clusters below
        assert places is not None and known is not None and recorded is not None and known.spans is not None
        taken = list(places)
        made_here = list(compress(range(len(places)), _nones(places)))
        at = _filled(places, made_here)  # (a group of the region: made below)
        clusters = list(map(recorded.__getitem__, at))  # type: ignore[arg-type]
        span_keys = list(map(known.spans.__getitem__, at))
    for n, ids in enumerate(groups) if not whole else ((n, groups[n]) for n in made_here):
        if places is not None:
            k = places[n]  # (a recorded group that holds a moved mention is one of the region's: None)
        else:
            k = in_record.get(tuple(ids)) if in_record and dirty.isdisjoint(ids) else None
        if not whole:
            taken.append(k)
        if k is not None and known is not None and known.events is not None:
            ids, when = known.groups[k], known.events[k].when
            ms = recorded[k][0] if recorded is not None else [mentions[i] for i in ids]
        else:
            # (a recorded group is in this order already: an article's date and slug are the same, and its
            # sentences' order in it, or the record would not serve)
            if changed is None:
                ids = sorted(ids, key=lambda i: (articles[mentions[i].article].date or date.min,
                                                 mentions[i].article, mentions[i].sentence_index))
            ms = [mentions[i] for i in ids]
            when = best_when([m.when for m in ms])
        if whole:
            clusters[n], span_keys[n] = (ms, when, ids), (when.start, when.end)
        else:
            clusters.append((ms, when, ids))
            span_keys.append((when.start, when.end))
    spans = _Spans(span_keys, every=not whole)

    def made(ms: list[Mention], when: When, ids: list[int]) -> Made:
        if not topic:
            # after a redating whose unmoved mentions are the record's very objects (`recorded`), the
            # record's topic with the moved mentions' days moved
            kept_topic = known.made_topic if known is not None and recorded is not None and before else None
            topic.append(kept_topic.moved(mentions, dirty, before, new_words, crossed) if kept_topic is not None
                         else Topic(mentions, topic_words))
        rep = _representative(ms, when, index, topic[0], summary, [feats[i] for i in ids])
        entities = _entities(ms, index)
        r, anchor = ms[rep], _anchor(ms, articles)
        return Made(
            rep=rep, titled=_best_titled(ms, rep, when, index, topic[0]), anchor=anchor,
            summary=summary_text(r, timexes_of(r.article).within(r.start, r.end), when, summary),
            salience=round(salience(when, ms, articles, reports_of((when.start, when.end)), coverage)
                           * topic[0].closeness(ms), 3),
            entities=entities, named=tuple(dict.fromkeys((*entities, *_entities(ms, index, every=True)))),
            tags=tuple(sorted({t for m in ms for t in articles[m.article].tags})),
            mentions=tuple(sorted({mention_key(m) for m in ms})),
            day_closeness=round(topic[0].day_closeness(r, when.value[:10]), 3) if when.precision == "day" else 0.0,
            slug=slug_base(ms[anchor].when.value, ms[anchor].title))

    # the record's events (the preview's, in memory) of clusters whose mentions all come from unchanged
    # articles: what _event reads of them (their articles, their made part, the coverage) is the same
    reused: list[Event | None] = [None] * len(clusters)
    if changed is not None and known is not None:
        again = {k for k, c in enumerate(clusters) if any(owner[i] in changed for i in c[2])}
        found = [made(*c) if k in again else old for k, (c, old) in enumerate(zip(clusters, known.made, strict=True))]
        if known.events is not None:
            reused = [None if k in again else e for k, e in enumerate(known.events)]
    elif known is not None:  # redated
        # the recorded groups no cluster took whole (found in C)
        vanished = set(range(len(known.groups))).difference(taken)
        again = _made_again(clusters, mentions, known, dirty, before, taken, spans, vanished, crossed,
                            None if move is None else shift.to_old)  # type: ignore[union-attr]
        if was is not None:
            again.update(_covered(clusters, span_keys, added_days, was, coverage, articles))
        if move is not None:  # the recorded clusters made again, at the places now (their features are read)
            step = move.__getitem__
            for i in again.difference(made_here):
                clusters[i] = _at_places_now(clusters[i], step)
        # every cluster not made again is a recorded group taken whole (its place in the record is known):
        # the record's parts taken in C, then the clusters made again put in their places
        # (a None: a cluster made again; `at` when the clusters were taken whole: the same list)
        places_taken = at if whole else _filled(taken, compress(range(len(taken)), _nones(taken)))
        found = list(map(known.made.__getitem__, places_taken))
        # the spans of the events made again found in one pass, not each in its own (salience counts each
        # span's reports: an article added or removed makes hundreds again, 23 passes at 10,000 articles)
        spans.find({span_keys[i] for i in again})
        for i in sorted(again):
            found[i] = made(*clusters[i])
        if known.events is not None:
            reused = list(map(known.events.__getitem__, places_taken))
            for i in again:
                reused[i] = None
    else:
        topic.append(Topic(mentions))  # before any fork: made once, not in every worker

        def part(n: int) -> list[Made]:
            return [made(*c) for c in clusters[n * EVENT_PART:(n + 1) * EVENT_PART]]

        found = [m for p in map_parts(part, -(-len(clusters) // EVENT_PART), jobs) for m in p]
    events: list[Event] = reused.copy()  # type: ignore[assignment]  # (the Nones are replaced now)
    for i in compress(range(len(reused)), _nones(reused)):  # the events made now, found in C
        ms, when, _ = clusters[i]
        events[i] = _event(ms, when, found[i], articles, coverage)
    # the record's events that no cluster takes back: those no cluster took whole, and those of the
    # clusters made again
    dropped: set[int] = set()
    if known is not None:
        dropped = set(again) if changed is not None else vanished.union(
            k for k in map(taken.__getitem__, again) if k is not None)
    if early is not None and known is not None and changed is None and known.naming is not None \
            and known.events is not None and redated:
        early(Region(events, sorted(again), dropped, known.events, known.naming,
                     frozenset(analyses[o].article.slug for o in redated)))
    if move is not None:
        # the early page is out: what was read through the shift's move made plain (the next merge, the
        # record's checks read it), and the clusters taken whole moved to the places now
        assert scored is not None
        scored.settle()
        step, now_here = move.__getitem__, {*made_here, *again}
        clusters = [c if k in now_here else _at_places_now(c, step) for k, c in enumerate(clusters)]
    made_events = tuple(events)  # in the clusters' order, before their ids
    # sorted (stable) by their keys, the record's for the events it holds (MergeRecord.order_of)
    again_sorted = _sorted_again(events, reused, known, sorted(again), dropped) if known is not None else None
    if again_sorted is not None:
        events, keys_of, ranked_keys, ties = again_sorted
    else:
        order = [known.order_of(e) for e in events] if known is not None else [listing_order(e) for e in events]
        by_key = sorted(range(len(events)), key=order.__getitem__)
        events = list(map(events.__getitem__, by_key))
        keys_of = {id(e): k for e, k in zip(made_events, order, strict=True)} if keep_scored else {}
        ranked_keys = list(map(order.__getitem__, by_key))
        ties = tie_keys(ranked_keys) if keep_scored else ()
    unnamed = events  # (in the site's order, before their ids: the record's `ranked`)
    shared: dict[str, list[int]] = {}  # each base more than one event has -> their places (for Naming)
    events, ids = ids_assigned(events, shared)
    record = None
    if keys is not None:
        record = MergeRecord(settings, words, tuple(index.canonical.items()), tuple(index.kinds.items()),
                             tuple(zip(slugs, keys, strict=True)),
                             tuple(map(tuple, map(_IDS, clusters))), tuple(found),
                             () if keep_scored and scored is not None
                             else tuple((a, b, sim) for (a, b), sim in sorted(
                                 (scored.edges if scored is not None else edges).items())),  # (settled)
                             scored if keep_scored else None, made_events if keep_scored else None,
                             (topic[0].words if topic else topic_words) if keep_scored else None,
                             keys_of if keep_scored else None,
                             analyses=tuple(analyses) if keep_scored else None,
                             ranked=tuple(unnamed) if keep_scored else None,
                             ids=tuple(ids) if keep_scored else None,
                             ranked_keys=tuple(ranked_keys) if keep_scored else None,
                             ties=ties if keep_scored else None,
                             clusters=tuple(clusters) if keep_scored else None,
                             spans=tuple(span_keys) if keep_scored else None,
                             made_topic=topic[0] if keep_scored and topic else None,
                             naming=Naming.of(unnamed, ids, shared) if keep_scored else None)
    return events, record


def _sorted_again(events: list[Event], reused: list[Event | None], known: MergeRecord, fresh: list[int],
                  dropped: Iterable[int]
                  ) -> tuple[list[Event], dict[int, tuple], list[tuple], tuple[tuple, ...]] | None:
    """`events` (in the clusters' order) sorted as sorting them all by their
    keys would (stably: equal keys in the clusters' order), and each one's
    key by its identity, and the keys more than one of them has (or a few
    more: salience.order_runs); from the record's events in that order (`ranked`)
    when most are the record's (`reused`: each cluster's event taken from
    the record, or None for one made now, at the places `fresh`, in order;
    `dropped`: the places among the record's events of those no cluster
    takes back): those keep their order, and only the events made now are
    placed among them. Sorting 65,000 events by their keys took 0.15 to
    0.2 s of each preview merge at 10,000 articles, and finding the ones
    kept by a pass over them all 45 ms. None when the record has no order
    to give (one read from disk), or when more than one event in 32 is
    made again (a full sort is cheaper). Rests on the record's `ranked`
    being in order of (key, cluster place), as this sort leaves it, and a
    reused cluster's place keeping its order among the other reused ones'
    (they are recorded groups, in the order of their first mentions)."""
    if known.ranked is None or known.order is None or known.events is None or known.ranked_keys is None:
        return None
    if len(fresh) * 32 > len(events):
        return None  # many made again: sort them all (each placed by an insertion costs a pass over the list)
    keys_of = dict(known.order)
    kept, keys = list(known.ranked), list(known.ranked_keys)
    # each dropped event found among the ranked ones by its key (a bisection, then its run of equal keys)
    at = []
    for k in dropped:
        e = known.events[k]
        n = bisect_left(keys, keys_of.pop(id(e)))  # (its identity may be another event's soon)
        while kept[n] is not e:
            n += 1
        at.append(n)
    for n in sorted(at, reverse=True):
        del kept[n], keys[n]
    # Equal keys are in the clusters' order (a stable sort's) already: `ranked` was, and a reused event's
    # cluster is a recorded group taken whole, whose place keeps its order among the others' (the groups
    # come in the order of their first mentions, whose places an edit that reuses the record leaves as
    # they were). Sorting each run of ties again took a pass over 65,000 keys, 45 ms of a preview save.
    fresh_place = {id(events[k]): k for k in fresh}
    place: dict[int, int] = {}  # a reused event -> its cluster's place (made at the first tie: 65,000 entries)

    def where(i: int) -> int:  # an event's cluster's place
        got = fresh_place.get(i)
        if got is not None:
            return got
        if not place:
            present = list(map(is_not, reused, repeat(None)))
            place.update(zip(map(id, compress(reused, present)), compress(range(len(reused)), present), strict=True))
        return place[i]

    placed = sorted((listing_order(events[k]), k) for k in fresh)
    for key, k in placed:
        n = bisect_left(keys, key)  # after its equals of earlier clusters
        while n < len(keys) and keys[n] == key and where(id(kept[n])) < k:
            n += 1
        kept.insert(n, events[k])
        keys.insert(n, key)
        keys_of[id(events[k])] = key
    # the ties now: among the record's (the events kept are some of its events), or of an event made now
    candidates = known.ties if known.ties is not None else tie_keys(keys)
    ties = tuple(key for key in dict.fromkeys([*candidates, *(key for key, _ in placed)])
                 if bisect_right(keys, key) - bisect_left(keys, key) > 1)
    return kept, keys_of, keys, ties


_MENTIONS, _ID, _KEYWORDS = attrgetter("mentions"), attrgetter("id"), attrgetter("keywords")
_SLUG, _ARTICLE, _DATE = attrgetter("article.slug"), attrgetter("article"), attrgetter("date")
_SLUG_OF = itemgetter(0)  # of a record's article (its slug, its cache key)
_IDS = itemgetter(2)  # of a cluster (its mentions, its date, their places): the places


def _at_places_now(cluster: tuple[list[Mention], When, Sequence[int]], step: Callable[[int], int]
                   ) -> tuple[list[Mention], When, list[int]]:
    """A recorded cluster with its mentions' places moved by a shift (`step`: an earlier place -> its place now)."""
    ms, when, ids = cluster
    return ms, when, tuple(map(step, ids))  # type: ignore[return-value]  # (a record's places are tuples)


def _filled(places: list[int | None], nones: Iterable[int]) -> list[int]:
    """`places` with 0 at `nones`, the places of its Nones (copied in C)."""
    out = list(places)
    for n in nones:
        out[n] = 0
    return out  # type: ignore[return-value]


def _nones(xs: list) -> Iterator[bool]:
    """Is each of `xs` None? (in C, for compress)"""
    return map(is_, xs, repeat(None))


def _owners(analyses: list[Analysis]) -> list[int]:
    """Each mention's article, by its place in `analyses` (the mentions in their order)."""
    return list(chain.from_iterable(map(repeat, range(len(analyses)), map(len, map(_MENTIONS, analyses)))))


def _earlier_mentions(analyses: list[Analysis], redated: dict[int, Analysis]) -> dict[int, Mention]:
    """The mentions of the redated articles' earlier analyses (as many as
    now), by the places of the mentions now."""
    starts = list(accumulate(map(len, map(_MENTIONS, analyses)), initial=0))
    return {starts[o] + j: m for o, old in redated.items() for j, m in enumerate(old.mentions)}


def _topic_reworded(known: MergeRecord, mentions: list[Mention], dirty: list[int], old: list[tuple[str, ...]]
                    ) -> tuple[TopicWords | None, list[int]] | None:
    """After a redating whose mentions (at the places `dirty`, in order:
    every mention of the edited articles) may have other words, or be more
    or fewer (record_shift.py), their keywords having been `old`: the
    topic's words now (None: their words are the record's), and the places
    of the other mentions that hold a word whose rarity moved
    (TopicWords.reworded); None when every closeness moved (everything is
    merged again). The record's words, or those of the mentions then (one
    from disk, with as many mentions: their keywords in place)."""
    new = [mentions[d].keywords for d in dirty]
    if old == new:
        return None, []
    if known.topic is not None:
        then = known.topic
    else:
        keywords = list(map(_KEYWORDS, mentions))
        for d, kws in zip(dirty, old, strict=True):
            keywords[d] = kws
        then = TopicWords.of_keywords(keywords)
    got = then.reworded(old, new)
    if got is None:
        return None
    words, moved = got
    if not moved:
        return words, []
    mine = set(dirty)
    found = keyword_holders(moved, mentions, known.scored) if known.scored is not None else None
    # (a record from disk: each mention's keywords read, in C)
    holding = found if found is not None else compress(range(len(mentions)), map(
        not_, map(moved.isdisjoint, map(_KEYWORDS, mentions))))
    return words, [i for i in holding if i not in mine]


def _kept_analyses(known: MergeRecord, analyses: list[Analysis], redated: dict[int, Analysis] | None) -> bool:
    """Are the analyses of the articles not redated the record's very
    objects (the preview's), so that its clusters (their lists of a group's
    mentions) are these mentions? With articles added or removed, each
    such analysis is one of the record's."""
    if known.analyses is None:
        return False
    if len(known.analyses) == len(analyses):
        return set(compress(range(len(analyses)), map(is_not, known.analyses, analyses))) <= set(redated or ())
    return redated is not None and set(map(id, known.analyses)).issuperset(
        id(a) for o, a in enumerate(analyses) if o not in redated)


def _made_again(clusters: list[tuple[list[Mention], When, list[int]]], mentions: list[Mention],
                known: MergeRecord, dirty: set[int], before: list[When], taken: list[int | None],
                spans: _Spans, vanished: set[int], crossed: Sequence[int] = (),
                to_old: list[int | None] | None = None) -> set[int]:
    """The places of the clusters to make again after mentions (`dirty`)
    moved in time: a cluster that is no recorded group or holds a moved
    mention (`taken`: each cluster's place in the record when it is a
    recorded group of unmoved mentions, else None); one whose span (first
    and last day) a changed group has, or had, whether it vanished or kept
    its mentions while one of them moved (salience divides among the span's
    reports); one of a day whose sentences changed (a moved mention's day
    before or after: the day's centroid, which the summary and the day
    order read). `before`: the mentions' dates when the record was made.
    `spans`: the clusters of each span, so no cluster is visited that none
    of these names (a day's span is that day alone). `crossed`: the places
    of mentions holding a word whose rarity in the topic moved (a sentence
    reworded): their clusters (their closeness to the topic) and the
    clusters of their days (the day's centroid). A mention an edit removed
    (record_shift.py) needs nothing more: its group, which vanished, names
    its day's span. `to_old`, after a shift whose move the clusters taken
    whole are not moved by yet (they hold the earlier places; the others
    are the region's, made again anyway): each place now -> its earlier
    place."""
    again = set(compress(range(len(taken)), _nones(taken)))
    changed = {(clusters[i][1].start, clusters[i][1].end) for i in again}  # spans
    # the span each changed group had: a vanished one's, and one's that kept its mentions while one of
    # them moved (its best date, so its span, may move; the span it left counts its reports no more):
    # the recorded groups no cluster took whole
    for k in vanished:
        if known.spans is not None:  # (the same: each group's best date then, whose places a shift moved)
            changed.add(known.spans[k])
        else:
            when = best_when([before[i] for i in known.groups[k]])
            changed.add((when.start, when.end))
    days = {w.value[:10] for d in dirty for w in (before[d], mentions[d].when) if w.precision == "day"}
    if crossed:
        holders = set(crossed)
        # the clusters holding one (found in C); after a shift, those taken whole hold earlier places (a
        # crossed mention is no dirty one: it has one), and the others are made again already
        within = holders if to_old is None else {to_old[i] for i in crossed}
        again.update(compress(range(len(clusters)), map(not_, map(within.isdisjoint, map(_IDS, clusters)))))
        days.update(mentions[i].when.value[:10] for i in crossed if mentions[i].when.precision == "day")
    day_spans = {(day, day) for day in map(date.fromisoformat, days)}  # a day's clusters are of its span alone
    spans.find(changed | day_spans)  # (the spans of every cluster made again, whose reports salience counts)
    out = again.union(*(spans[span] for span in changed))
    for span in day_spans:
        out.update(k for k in spans[span] if clusters[k][1].precision == "day")
    return out


def _covered(clusters: list[tuple[list[Mention], When, list[int]]], spans: list[tuple[date, date]],
             added: list[int], was: Coverage, coverage: Coverage, articles: dict[str, Article]) -> set[int]:
    """The places of the clusters whose event reads what articles added or
    removed since the record changed of the coverage (`was` then): whether
    the corpus was written around it and whether it is background recalled
    from before the coverage began (the coverage's ends and start may have
    moved), and the coverage of the days `added` (ordinals of the articles
    added or removed): an event the corpus was written around divides its salience by
    the articles published within BACKGROUND_DAYS of its span, one it was
    not by those around its reports' days (salience.Coverage.factor)."""
    out = set()
    moved = (was.start(), was.days[:1], was.days[-1:]) != (coverage.start(), coverage.days[:1], coverage.days[-1:])
    for k, (start, end) in enumerate(spans):
        if moved and (was.recalled(end) != coverage.recalled(end)
                      or was.observed(start, end) != coverage.observed(start, end)):
            out.add(k)
            continue
        lo, hi = start.toordinal() - BACKGROUND_DAYS, end.toordinal() + BACKGROUND_DAYS
        if coverage.observed(start, end):
            if bisect_right(added, hi) > bisect_left(added, lo):
                out.add(k)
        elif any(bisect_right(added, d + BACKGROUND_DAYS) > bisect_left(added, d - BACKGROUND_DAYS)
                 for d in {day.toordinal() for day in (articles[m.article].date for m in clusters[k][0]) if day}):
            out.add(k)
    return out


class _Spans:
    """The clusters of each span (the first and last day of a date), as
    places in the clusters' order: every span's found at once (`every`:
    a merge that makes every event, which asks for every span's reports),
    else only those asked for, each batch in one pass in C (a redating's
    merge asks for the few its moved mentions touch, where filing 65,000
    clusters by span took 0.1 s at 10,000 articles)."""

    def __init__(self, keys: list[tuple[date, date]], every: bool):
        self.keys = keys  # each cluster's span
        self.found: dict[tuple[date, date], list[int]] = {}
        if every:
            found: dict[tuple[date, date], list[int]] = defaultdict(list)
            for k, span in enumerate(keys):
                found[span].append(k)
            self.found = dict(found)
            self.found_all = True
        else:
            self.found_all = False

    def find(self, spans: set[tuple[date, date]]) -> None:
        """Find these spans' clusters now (one pass for them all)."""
        if self.found_all:
            return
        spans = spans - self.found.keys()
        if not spans:
            return
        for span in spans:
            self.found[span] = []
        for k in compress(range(len(self.keys)), map(spans.__contains__, self.keys)):
            self.found[self.keys[k]].append(k)

    def __getitem__(self, span: tuple[date, date]) -> list[int]:
        got = self.found.get(span)
        if got is None:
            if self.found_all:
                return []
            self.find({span})
            got = self.found[span]
        return got


class _LazyFeatures:
    """features() of a mention when first asked for (merge_recorded makes
    only the changed events again, which need only their mentions')."""

    def __init__(self, mentions: list[Mention], index: EntityIndex):
        self.mentions, self.index = mentions, index
        self.known: dict[int, Features] = {}

    def __getitem__(self, i: int) -> Features:
        got = self.known.get(i)
        if got is None:
            got = self.known[i] = features(self.mentions[i], self.index)
        return got


def _event(ms: list[Mention], when: When, made: Made, articles: dict[str, Article], coverage: Coverage) -> Event:
    rep = ms[made.rep]
    return Event(
        id=made.slug, when=when, title=ms[made.titled].title,
        summary=made.summary, salience=made.salience, entities=made.entities, sources=_sources(ms, articles),
        mod=rep.timex.mod if rep.when == when else "", tags=made.tags, background=coverage.recalled(when.end),
        mentions=made.mentions, named=made.named, day_closeness=made.day_closeness)


def slug_base(value: str, title: str) -> str:
    """ "2018-09-11" + "Putin met Xi in Vladivostok" -> "2018-09-11-putin-met-xi-in-vladivostok":
    the headline's first seven words, without a function word left at their
    end ("...-moscow-in", "...-from-the")."""
    words = title.split()[:7]
    while len(words) > 1 and words[-1].lower().strip("“”\"'‘’,.;:") in _SLUG_TAIL:
        words.pop()
    return slugify(f"{value} {' '.join(words)}", max_length=72)


_SLUG_TAIL = {"the", "a", "an", "of", "in", "on", "at", "to", "for", "with", "from", "by", "and", "or", "as",
              "that", "which", "who", "its", "his", "her", "their", "into", "between", "was", "were", "is", "are",
              "has", "have", "had", "be", "been", "will", "would"}


def assign_ids(events: list[Event]) -> list[Event]:
    """Each event's id is the base its first report gave it (merge._anchor);
    when two share one, -2, -3 go to the later ones in the order of their
    first sentences, so an unrelated event never takes another's id."""
    return ids_assigned(events)[0]


def ids_assigned(events: list[Event], shared_out: dict[str, list[int]] | None = None
                 ) -> tuple[list[Event], list[str]]:
    """assign_ids(events), and their ids in order (history.keep_ids takes
    them: a pass over 65,000 events for their ids took 35 ms at 10,000
    articles in the preview's server). `shared_out`, if given, gets each
    base that more than one event has -> their places in `events`."""
    bases = list(map(_ID, events))
    counts = Counter(bases)  # counted in C: at 10,000 articles 65,000 events, some 500 sharing a base
    shared = {base for base, n in counts.items() if n > 1}
    if not shared:
        return events, bases
    by_base: dict[str, list[int]] = {}  # a shared base -> its events' places, in the bases' first-seen order
    for k in compress(range(len(bases)), map(shared.__contains__, bases)):  # (found in C)
        by_base.setdefault(bases[k], []).append(k)
    if shared_out is not None:
        shared_out.update(by_base)
    taken = set(counts)
    out = list(events)  # most events keep the base they were made with: only the others are copied
    ids = bases  # (the bases, renamed in place below)
    for base, places in by_base.items():
        for n, k in enumerate(sorted(places, key=lambda k: events[k].mentions), 1):
            slug = base if n == 1 else f"{base}-{n}"
            while n > 1 and slug in taken:
                slug += "-x"
            taken.add(slug)
            if slug != base:
                out[k] = dataclasses.replace(events[k], id=slug)
                ids[k] = slug
    return out, ids
