"""The corpus stage on hand-built mentions: clustering, salience, merging."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date

import pytest

from generator.analysis.words import keywords
from generator.corpus import clustering
from generator.corpus.clustering import Clusters, cluster_mentions, similarity
from generator.corpus.entities import EntityIndex
from generator.corpus.merge import best_when, merge, merge_recorded
from generator.corpus.salience import Coverage, day_order, listing_order, salience
from generator.model import Analysis, Article, EntityRef, Event, Mention
from generator.resources import language_resources
from generator.temporal import Timex, calendar

RES = language_resources()


def mention(article: str, index: int, sentence: str, value: str, names: tuple[str, ...] = (),
            lead: bool = False) -> Mention:
    t = Timex(0, 4, "then", "DATE", value, when=calendar.when(value))
    return Mention(article=article, sentence_index=index, sentence=sentence, start=0, end=len(sentence), timex=t,
                   title=sentence[:60], entities=tuple(EntityRef(n, "person") for n in names),
                   keywords=keywords(sentence, RES.vocab), lead=lead)


def analysis(slug: str, published: date, mentions: list[Mention], source: str = "") -> Analysis:
    art = Article(slug, slug, slug.title(), published, source, "", (), False, "")
    return Analysis(art, "", "", None, None, (), (), tuple(mentions))


def index_of(*mentions: Mention) -> EntityIndex:
    return EntityIndex.build([r for m in mentions for r in m.entities], RES.gazetteer)


def test_same_happening_in_two_articles_is_one_cluster():
    a = mention("a", 0, "Putin and Xi met at the summit in Vladivostok.", "2018-09-11",
                ("Vladimir Putin", "Xi Jinping"))
    b = mention("b", 3, "Xi Jinping met Putin at the Vladivostok summit last week.", "2018-W37",
                ("Vladimir Putin", "Xi Jinping"))
    c = mention("c", 1, "Floods hit the coast of Bangladesh.", "2018-09-11")
    groups = cluster_mentions([a, b, c], index_of(a, b, c), 0.34, RES.vocab)
    assert sorted(map(sorted, groups)) == [[0, 1], [2]]


def test_incompatible_dates_never_merge_however_similar():
    a = mention("a", 0, "Putin and Xi met at the summit in Vladivostok.", "2018-09-11", ("Vladimir Putin",))
    b = mention("b", 0, "Putin and Xi met at the summit in Vladivostok.", "2018-09-12", ("Vladimir Putin",))
    assert sorted(map(sorted, cluster_mentions([a, b], index_of(a, b), 0.34, RES.vocab))) == [[0], [1]]


def test_a_union_keeps_every_pair_of_dates_compatible():
    ms = [mention("a", i, "x", v) for i, v in enumerate(["2018-09", "2018-09-11", "2018-09-12"])]
    clusters = Clusters(ms)
    assert clusters.union(0, 1)  # September contains the 11th
    assert not clusters.union(0, 2)  # the 11th and the 12th cannot be one day
    assert clusters.find(1) == clusters.find(0) != clusters.find(2)


def test_similarity_is_weighted_jaccard():
    assert similarity({"a": 1.0, "b": 1.0}, {"a": 1.0, "c": 1.0}, {}) == pytest.approx(1 / 3)
    assert similarity({"a": 2.0}, {"a": 1.0}, {}) == pytest.approx(0.5)
    assert similarity({}, {}, {}) == 0.0


def test_best_when_is_the_most_precise_date_all_others_contain():
    whens = [calendar.when(v) for v in ("2018-W37", "2018-09-11", "2018-09")]
    assert best_when(whens).value == "2018-09-11"
    tie = [calendar.when(v) for v in ("2018-09-11", "2018-09-11TMO")]
    assert best_when(tie) == best_when(list(reversed(tie)))  # ties are broken by value, not by order


def test_salience_counts_articles_outlets_and_discounts_plans():
    when = calendar.when("2018-09-11")
    coverage = Coverage([])
    arts = {s: Article(s, s, s, d, src, "", (), False, "")
            for s, d, src in [("a", date(2018, 9, 12), "BBC"), ("b", date(2018, 9, 12), "Reuters"),
                              ("plan", date(2018, 9, 1), "BBC")]}
    one = salience(when, [mention("a", 0, "x", "2018-09-11")], arts, Counter(), coverage)
    two_outlets = salience(when, [mention("a", 0, "x", "2018-09-11"), mention("b", 0, "x", "2018-09-11")],
                           arts, Counter(), coverage)
    planned = salience(when, [mention("plan", 0, "x", "2018-09-11")], arts, Counter(), coverage)
    assert two_outlets == pytest.approx(one * 2 + 0.5)
    assert planned == pytest.approx(one * 0.3)


def test_coverage_background_divides_busy_weeks():
    busy = Coverage([date(2018, 9, 11)] * 40)
    assert busy.factor(date(2018, 9, 11), date(2018, 9, 11), []) > 1.5
    assert Coverage([]).factor(date(2018, 9, 11), date(2018, 9, 11), []) == 1.0


def test_merge_builds_events_with_sources_ids_and_names():
    a = mention("a", 0, "Putin and Xi met at the summit in Vladivostok.", "2018-09-11", ("Vladimir Putin",), True)
    b = mention("b", 2, "Putin met Xi at the Vladivostok summit last week.", "2018-W37", ("Vladimir Putin",))
    analyses = [analysis("a", date(2018, 9, 12), [a]), analysis("b", date(2018, 9, 17), [b])]
    (event,) = merge(analyses, index_of(a, b), RES.vocab, RES.summary)
    assert event.date == "2018-09-11" and event.precision == "day"
    assert [s.article for s in event.sources] == ["a", "b"]
    assert event.entities == ("Vladimir Putin",)
    assert event.id.startswith("2018-09-11-putin-and-xi-met")


def test_time_of_day_does_not_split_a_day():
    a = mention("a", 0, "The WHO declared a flu pandemic.", "2009-06-11T15:00", ("World Health Organization",))
    b = mention("b", 4, "The WHO declared a global flu pandemic.", "2009-06-11", ("World Health Organization",))
    analyses = [analysis("a", date(2009, 6, 11), [a]), analysis("b", date(2009, 6, 12), [b])]
    (event,) = merge(analyses, index_of(a, b), RES.vocab, RES.summary)
    assert event.date == "2009-06-11"


def test_one_article_one_day_two_places_are_two_happenings():
    """A sentence added to an article about a Monday in Sochi, about a Monday in
    Kazan, must not merge into (and rename) the Sochi event."""
    sochi = Mention("a", 3, "Wang Yi was in Sochi on Monday to meet Mr Lavrov.", 0, 10,
                    Timex(0, 6, "Monday", "DATE", "2019-05-13", when=calendar.when("2019-05-13")),
                    "Wang Yi was in Sochi",
                    (EntityRef("Wang Yi", "person"), EntityRef("Sochi", "place")), ("meet", "sochi", "wang"),
                    False)
    kazan = Mention("a", 9, "On Monday the ministers met in Kazan.", 0, 10,
                    Timex(3, 9, "Monday", "DATE", "2019-05-13", when=calendar.when("2019-05-13")),
                    "The ministers met in Kazan", (EntityRef("Kazan", "place"),),
                    ("kazan", "met", "minist"), False)
    groups = cluster_mentions([sochi, kazan], index_of(sochi, kazan), 0.34, RES.vocab)
    assert sorted(map(sorted, groups)) == [[0], [1]]


def test_a_days_events_are_listed_by_salience_and_closeness_to_the_day():
    """Under one day the story's other happenings come before a sentence that
    merely dates something else to that day, though it was reported more;
    the day's main event stays first; coarser dates keep salience order."""

    def ev(value: str, title: str, sal: float, close: float) -> Event:
        return Event(id=title, when=calendar.when(value), title=title, summary=title + ".", salience=sal,
                     entities=(), sources=(), day_closeness=close)

    main = ev("2010-04-20", "The rig exploded", 5.0, 0.7)
    search = ev("2010-04-20", "Boats searched for the workers", 0.5, 0.6)
    shares = ev("2010-04-20", "Airline shares rose", 1.0, 0.3)
    spread = ev("2010-04", "Oil spread towards the coast", 0.4, 0.0)
    hearing = ev("2010-04", "Senators called hearings", 0.8, 0.0)
    assert day_order(search) > day_order(shares)  # 0.5 x 0.6^3 = 0.108 against 1.0 x 0.3^3 = 0.027
    ordered = sorted([shares, spread, search, hearing, main], key=listing_order)
    assert [e.title for e in ordered] == [hearing.title, spread.title, main.title, search.title, shares.title]


def test_merge_lists_events_in_the_sites_order_with_their_closeness_to_the_day():
    story = ["The oil rig exploded in the Gulf, killing eleven workers.",
             "The oil rig exploded in the Gulf and eleven workers died.",
             "An explosion on the oil rig in the Gulf killed eleven workers."]
    ms = [mention(f"s{i}", 0, text, "2010-04-20", lead=True) for i, text in enumerate(story)]
    ms += [mention("d", 3, "Coast Guard boats searched the Gulf for the oil rig workers.", "2010-04-20"),
           mention("e", 3, "Airline shares rose in London on strong holiday bookings.", "2010-04-20"),
           mention("f", 2, "Oil spread across the Gulf towards the coast.", "2010-04")]
    analyses = [analysis(m.article, date(2010, 4, 21), [m], source=m.article) for m in ms]
    events = merge(analyses, index_of(*ms), RES.vocab, RES.summary)
    assert events == sorted(events, key=listing_order)
    day = [e for e in events if e.precision == "day"]
    assert day[0].summary.startswith("The oil rig exploded") and len(day[0].sources) == 3
    assert all(0.0 < e.day_closeness <= 1.0 for e in day)
    assert max(day, key=lambda e: e.day_closeness) is day[0]
    assert [e.day_closeness for e in events if e.precision == "month"] == [0.0]


@pytest.mark.parametrize("before, after", [("2018-09-11", "2020-09-11"), ("2020-09-11", "2018-09-11")],
                         ids=["a bucket falls under the cap", "a bucket rises over it"])
def test_reclustering_a_moved_mention_rescores_the_pairs_of_buckets_that_cross_the_cap(monkeypatch, before,
                                                                                        after):
    """Three reports of one meeting in three articles, buckets capped at 2
    mentions: while all three name 2018, every (word, 2018) bucket holds
    three and no pair is a candidate; with one moved to 2020, the other two
    become one. recluster, told only that the third moved, must find the
    pair of the two that did not move (and drop it when the third moves
    back in): the groups and scored pairs of clustering anew."""
    monkeypatch.setattr(clustering, "BUCKET_CAP", 2)
    sentence = "Putin and Xi met at the summit in Vladivostok."
    x, y = (mention(a, 0, sentence, "2018-09-11", ("Vladimir Putin",)) for a in ("a", "b"))
    old, new = ([x, y, mention("c", 0, sentence, when, ("Vladimir Putin",))] for when in (before, after))
    index = index_of(*old)
    _, known = clustering.cluster_scored(old, index, 0.34, RES.vocab)
    groups, scored = clustering.recluster(new, index, 0.34, RES.vocab, known, {2})
    anew, fresh = clustering.cluster_scored(new, index, 0.34, RES.vocab)
    assert (groups, scored.edges) == (anew, fresh.edges)
    assert sorted(map(sorted, groups)) == ([[0, 1], [2]] if after == "2020-09-11" else [[0], [1], [2]])


def test_a_redated_report_that_keeps_its_event_remakes_the_events_of_the_span_it_left():
    """One report of a Senate vote moves from March 2018 to April; the
    event it makes with another article's report keeps both, but its date
    moves with it. The other article's flood report of March now shares its
    article's credit for March with no other event: its salience doubles.
    The merge with the record must make it again, though neither its group
    nor its mentions changed (found by a review: the span left behind was
    not counted as changed)."""
    vote = "The senate approved the budget bill after a long debate."
    a0 = mention("a", 0, vote, "2018-03")
    b = analysis("b", date(2018, 5, 2), [mention("b", 0, vote[:-1] + " this year.", "2018"),
                                          mention("b", 5, "Floods hit the coast of Bangladesh.", "2018-03")])
    before = [analysis("a", date(2018, 5, 1), [a0]), b]
    after = [analysis("a", date(2018, 5, 1), [dataclasses.replace(
        a0, timex=Timex(0, 4, "then", "DATE", "2018-04", when=calendar.when("2018-04")))]), b]
    index = index_of(*(m for a in after for m in a.mentions))
    keys = ["a:0", "b:0"]
    _, record = merge_recorded(before, index, RES.vocab, RES.summary, 0.34, 1, keys)
    assert record is not None
    events, again = merge_recorded(after, index, RES.vocab, RES.summary, 0.34, 1, ["a:1", "b:0"], record, None,
                                   redated={0: before[0]})
    fresh, anew = merge_recorded(after, index, RES.vocab, RES.summary, 0.34, 1, ["a:1", "b:0"])
    assert again is not None and anew is not None
    assert again.groups == anew.groups == record.groups  # the same groups, one of them moved in time
    assert events == fresh
