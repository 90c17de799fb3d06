"""A merge that takes the last build's record (corpus/merge_record.py) makes
the very events a full merge makes: after an edit the record can serve (a
sentence added without a date, a new title, new tags: only the edited
article's events are made again; a dated sentence redated or reworded: the
pairs it touches are scored again; dated sentences added or removed: the
preview's record is first moved to the places now, corpus/record_shift.py)
and after one it cannot (an article redated or left with no dated sentence:
everything is merged again). On a generated news corpus and on real
Timeline17 articles; and a garbled record is not used."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from generator import pipeline
from generator.analysis.cache import Cache
from generator.corpus import clustering, disk_record, merge, merge_record, rarity, record_shift
from generator.corpus.topic import TopicWords
from tests.support import analysed, build_site, make_corpus, reworded, shared_dir
from tests.support.timeline17 import convert, topic_dirs

N = 120
GRID_STEPS = rarity.STEPS  # the generator's (a test may set another)


def _analysed(project: Path):
    """The project's analyses and their cache keys, read (and cached) as a build does."""
    return analysed(project, write_output=True)


def _merges(project: Path, known, kept: bool = False):
    """(events merged with the record `known`, events merged anew, the articles the record let be
    made again or None (or those whose mentions it let move in time), the new record). `kept`: the
    record keeps all that the clustering scored, as the preview's does (else only the scored pairs,
    as on disk)."""
    config, resources, analyses, keys = _analysed(project)
    earlier = Cache(project / ".cache" / "articles", writable=False).get
    # did the merge with the record cluster every mention (merged anew, whatever the record let in)?
    every: list[int] = []
    clustering_all = merge.cluster_scored
    merge.cluster_scored = lambda *a, **k: every.append(1) or clustering_all(*a, **k)  # type: ignore[assignment]
    try:
        events, index, record = pipeline.merge_corpus(analyses, resources, config, 1, keys, known, earlier,
                                                      keep_scored=kept)
    finally:
        merge.cluster_scored = clustering_all
    # merged anew (the record that merge writes too: with keys, merged_events' very events)
    fresh, fresh_index, anew = pipeline.merge_corpus(analyses, resources, config, 1, keys, keep_scored=kept)
    assert index == fresh_index
    settings = pipeline.merge_settings(resources, config)
    changed = merge_record.changed_articles(known, settings, analyses, keys, earlier)
    redated = None
    shifted = None  # the record moved to the places now, after dated sentences came or went (record_shift.py)
    if changed is None:
        redated = merge_record.redated_articles(known, settings, analyses, keys, earlier)
        if redated is None and known is not None:  # a record from disk, made whole (disk_record.py)
            whole = disk_record.served(known, settings, analyses, keys, earlier, resources.gazetteer)
            if whole is not None:
                known, redated = whole
        changed = set(redated) if redated is not None else None
        if known is not None and redated is not None and len(known.articles) != len(analyses) \
                and known.analyses is None:
            redated = changed = None  # articles added: the preview's record alone serves (merge.merge_recorded)
        if known is not None and redated is not None and record_shift.resized(analyses, redated):
            shifted = record_shift.shifted(known, analyses, redated)
            changed = None if shifted is None else changed
    if known is not None and changed is not None and not merge_record.folds(known, index):
        # names folded otherwise (pipeline.merge_corpus): an edit that kept the clustering is taken as a
        # redating, and the preview's record makes again the articles holding a name folded otherwise too
        if redated is None and known.scored is not None:
            redated = merge_record.redated_articles(known, settings, analyses, keys, earlier)
        if redated is not None and not merge_record.refolded_alone(known, index):
            redated = merge_record.with_refolded(known, index, analyses, redated) if known.scored is not None \
                else None
        changed = set(redated) if redated is not None else None
    if every and changed:  # (the record let the edit in, but the merge went anew: the topic's words crossed a step)
        changed = None
    assert record is not None and anew is not None
    assert record.pairs() == anew.pairs()  # the very pairs and scores of clustering anew
    assert (record.groups, record.made) == (anew.groups, anew.made)
    if kept:
        assert record.scored is not None and anew.scored is not None
        # the sort keys it keeps for the next merge and the overrides are the events' own
        from generator.corpus.salience import listing_order

        assert record.events is not None and record.order is not None and len(record.order) == len(record.events)
        assert all(record.order_of(e) == listing_order(e) for e in record.events)
        # the events in the site's order (a stable sort of the clusters' events by their keys), which the
        # next merge places the events it makes again among, and each group's mentions
        assert record.ranked is not None and record.members is not None
        assert [id(e) for e in record.ranked] == [id(e) for e in sorted(record.events, key=listing_order)]
        every = [m for a in analyses for m in a.mentions]
        assert all(len(ms) == len(g) and all(m is every[i] for m, i in zip(ms, g, strict=True))
                   for ms, g in zip(record.members, record.groups, strict=True))
        # and each group's places in ascending order, which the next merge finds its clusters by
        assert record.ascending == tuple(tuple(sorted(g)) for g in record.groups)
        assert record.scored.edges == anew.scored.edges and record.scored.whens == anew.scored.whens
        # the rarity and the weights, moved where a reworded mention moved a count, are those made anew
        assert (record.scored.idf, record.scored.weight) == (anew.scored.idf, anew.scored.weight)
        assert record.scored.df == Counter(k for f in record.scored.feats for k in f)
        assert record.scored.feats == anew.scored.feats
        assert record.scored.days in (None, clustering._days(record.scored.whens))  # moved as the dates moved
        if record.scored.near is not None:  # each mention's partners, updated where pairs came and went
            partners: dict[int, set[int]] = {}
            for a, b in record.scored.edges:
                partners.setdefault(a, set()).add(b)
                partners.setdefault(b, set()).add(a)
            assert {i: set(js) for i, js in record.scored.near.items()} == partners
        # a group kept whole by this merge's recluster is the one at that place in the last groups (an edit
        # that keeps the clustering keeps the last Scored, whose `was` is of the groups before it)
        if record.scored.was is not None and (known is None or record.scored is not known.scored):
            then = shifted.record if shifted is not None else known
            assert then is not None and then.scored is not None and then.scored.groups is not None
            assert all(j is None or then.scored.groups[j] == g
                       for g, j in zip(record.scored.groups, record.scored.was, strict=True))
            # (some group kept whole, but where one or two articles are left, every group may hold a dirty mention)
            assert any(j is not None for j in record.scored.was) or len(analyses) <= 2
        # the buckets moved from the record's are those of the mentions now
        if record.scored.buckets is not None:
            assert record.scored.buckets == clustering._buckets(record.scored.feats, record.scored.whens)
        # the groups joined again near the changes only are those of joining every pair
        mentions = [m for a in analyses for m in a.mentions]
        assert record.scored.groups == clustering._groups(
            mentions, [(sim, a, b) for (a, b), sim in record.scored.edges.items()])
        # the topic's words, taken from the record, are those of the mentions now
        assert record.topic is not None or changed == set()
        assert record.topic in (None, TopicWords.of(mentions))
    return events, fresh, changed, record


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    project = tmp_path_factory.mktemp("record") / "p"
    make_corpus(N, "plain", project, "Record", search=False)
    return project


@pytest.fixture(scope="module")
def timeline17(tmp_path_factory):
    """80 real BBC/Guardian/Reuters... articles of one Timeline17 topic, as a project."""
    project = tmp_path_factory.mktemp("record-t17") / "p"
    convert(topic_dirs(shared_dir() / "data" / "timeline17", "bpoil")[:1], project)
    for extra in sorted((project / "content" / "articles").glob("*.md"))[80:]:
        extra.unlink()
    return project


def _articles(project: Path) -> list[Path]:
    return sorted((project / "content" / "articles").glob("*.md"))


def _set_front(path: Path, field: str, value: str) -> None:
    text = path.read_text()
    head, sep, body = text.partition("\n---\n")
    lines = [ln for ln in head.splitlines() if not ln.startswith(f"{field}:")]
    path.write_text("\n".join([*lines, f"{field}: {value}"]) + sep + body)


def _dated_sentence(project: Path, events) -> tuple[Path, str, str]:
    """An article's sentence that reports an event, a date expression in it, as the file writes them."""
    for e in events:
        for s in e.sources:
            path = project / "content" / "articles" / f"{s.article}.md"
            text = path.read_text()
            for q in s.quotes:
                if text.count(q.sentence) == 1 and q.sentence.count(q.expression) == 1 and re.search(r"\d{4}",
                                                                                                   q.expression):
                    return path, q.sentence, q.expression
    raise AssertionError("no sentence to edit")


@pytest.mark.parametrize("corpus", ["generated", "timeline17"])
def test_record_serves_edits_that_keep_the_clustering(corpus, request):
    project = request.getfixturevalue(corpus)
    events, fresh, _, record = _merges(project, None)
    assert events == fresh and record is not None
    first = _articles(project)[7]
    original = first.read_text()
    try:
        first.write_text(original.replace("\n\n", "\n\nIn a further note, officials spoke. ", 1))
        events, fresh, changed, record = _merges(project, record)
        assert changed == {7}  # only its events were made again
        assert events == fresh

        _set_front(first, "title", '"A different headline for the story"')
        _set_front(first, "tags", "[record-test, another-tag]")
        events, fresh, changed, record = _merges(project, record)
        assert changed == {7}
        assert events == fresh
        assert any(s.article_title == "A different headline for the story" for e in events for s in e.sources)
        assert any("record-test" in e.tags for e in events)
    finally:
        first.write_text(original)
        _merges(project, None)


@pytest.mark.parametrize("corpus, kept, steps", [
    ("generated", False, rarity.STEPS), ("generated", True, rarity.STEPS), ("generated", True, 256),
    ("timeline17", True, rarity.STEPS), ("timeline17", False, 256)],
    ids=["generated, from disk", "generated, kept in memory", "generated, kept, 256 steps",
         "timeline17, kept in memory", "timeline17, from disk, 256 steps"])
def test_a_record_serves_a_dated_sentence_reworded(corpus, kept, steps, request, monkeypatch):
    """A dated sentence's words changed (other keywords, so other features,
    other counts of words): the record serves (merge_record.redated_articles),
    the clustering scores again only the pairs the reworded mentions and
    those whose weight moved touch (clustering.recluster), the topic's
    words are moved (TopicWords.reworded), and the events, groups, made
    parts, scored pairs, rarity and weights are those of merging anew. With
    256 steps to the octave instead of 16, every count under some 370 is a
    step of its own, so every edit moves the rarity of words other mentions
    hold, and sometimes the topic's number of statements (everything is
    merged again). A dated sentence added (a mention more) is served by the
    preview's record (test_a_record_serves_dated_sentences_added_and_removed),
    and by one from disk made whole (disk_record.py); the article redated
    (the coverage) merges everything again."""
    monkeypatch.setattr(rarity, "STEPS", steps)
    project = request.getfixturevalue(corpus)
    events, _, _, record = _merges(project, None, kept)
    path, sentence, expression = _dated_sentence(project, events)
    place = _articles(project).index(path)
    original = path.read_text()
    reused = 0
    try:
        for reworded in (sentence.replace(expression, f"{expression} flotilla"),  # a word more in its own part
                         sentence.rstrip(".") + ", amid protests by fishermen.",  # words outside that part
                         sentence.replace(expression, f"{expression} the harbour authority"),
                         sentence):  # back
            path.write_text(original.replace(sentence, reworded))
            before = record.events
            events, fresh, changed, record = _merges(project, record, kept)
            assert changed == {place}, reworded
            assert events == fresh
            if kept:  # the events of the clusters not made again are the very objects of the last merge
                assert before is not None and record.events is not None
                reused += len({id(e) for e in before} & {id(e) for e in record.events}) > len(before) // 2
        assert reused >= (2 if kept else 0)
        path.write_text(original.replace(sentence, f"{sentence} The board met again on 4 June 2011."))
        events, fresh, changed, record = _merges(project, record, kept)
        # a mention more: the preview's record moves to the places now (record_shift.py), and so does
        # one from disk, made whole first (disk_record.py)
        # (at 256 steps to the octave, the mention count may cross a step: every rarity moves)
        assert changed == {place} or (steps != GRID_STEPS and changed is None)
        assert events == fresh
        path.write_text(original)
        _merges(project, record, kept)
        _set_front(path, "date", "2001-02-03")
        events, fresh, changed, _ = _merges(project, record, kept)
        assert changed is None
        assert events == fresh
    finally:
        path.write_text(original)


@pytest.mark.parametrize("corpus, cap", [("generated", clustering.BUCKET_CAP), ("generated", 3),
                                         ("timeline17", clustering.BUCKET_CAP), ("timeline17", 3)],
                         ids=["generated", "generated, buckets capped at 3", "timeline17",
                              "timeline17, buckets capped at 3"])
def test_a_record_serves_dated_sentences_added_and_removed(corpus, cap, request, monkeypatch):
    """The preview's record (all the clustering scored, kept in memory)
    serves an edit that adds or removes dated sentences in an article of
    the same date: it is moved to the places now (record_shift.py), every
    place after the article's moving by what it gained or lost, and the
    edit is then merged as a rewording, the removed mentions' words, (word,
    year) buckets, pairs, groups and days leaving with them. The events,
    groups, made parts, scored pairs, rarity, weights, buckets and topic
    words are those of merging anew, and most events are the record's very
    objects. An article left with no dated sentence merges everything
    again. With buckets capped at 3, the mentions that come and go make
    buckets cross the cap both ways."""
    monkeypatch.setattr(clustering, "BUCKET_CAP", cap)
    project = request.getfixturevalue(corpus)
    events, _, _, record = _merges(project, None, True)
    path, sentence, _ = _dated_sentence(project, events)
    place = _articles(project).index(path)
    original = path.read_text()
    added = " The board met again on 4 June 2011. Talks on the harbour resumed in March 2012."
    analyses = _analysed(project)[2]
    served = 0
    try:
        for text in (original.replace(sentence, sentence + added[:37]),  # one more (a day)
                     original.replace(sentence, sentence + added),  # two more (a day, a month)
                     original.replace(sentence, added.strip()),  # the sentence gone, two others in its stead
                     original.replace(sentence, ""),  # all three gone
                     original):  # back
            path.write_text(text)
            before, then = record.events, analyses
            events, fresh, changed, record = _merges(project, record, True)
            assert events == fresh
            analyses = _analysed(project)[2]
            if _crossed(then, analyses):  # every word's rarity moved: merged anew
                assert changed is None
                continue
            assert changed == {place}
            served += 1
            assert before is not None and record.events is not None
            assert len({id(e) for e in before} & {id(e) for e in record.events}) > len(before) // 2
        assert served >= 3
        head, sep, _ = original.partition("\n---\n")
        path.write_text(head + sep + "\nNothing here is dated.\n")  # no dated sentence left: its mentions
        # then are taken as the next article's (merge_record._folded), which is made again with it
        then = analyses
        events, fresh, changed, record = _merges(project, record, True)
        assert events == fresh
        analyses = _analysed(project)[2]
        assert (changed is not None and place in changed and len(changed) == 2) or (
            changed is None and _crossed(then, analyses))
    finally:
        path.write_text(original)


@pytest.mark.parametrize("corpus, cap", [("generated", clustering.BUCKET_CAP), ("timeline17", clustering.BUCKET_CAP),
                                         ("generated", 2), ("timeline17", 2)],
                         ids=["generated", "timeline17", "generated, buckets capped at 2",
                              "timeline17, buckets capped at 2"])
def test_a_dated_sentence_of_a_busy_day_removed_and_put_back(corpus, cap, request, monkeypatch):
    """Sentences dated to the busiest days, removed one after another and
    then put back: the removed mention leaves its day (whose centroid the
    other events of that day are summarised and ordered by: they are made
    again) and its (word, year) buckets (with buckets capped at 2, a bucket
    it leaves falls under the cap, and the pairs of the mentions left in it
    become candidates). The preview's record serves each edit unless the
    mention count crosses a step of the grid, and the events are those of
    merging anew."""
    monkeypatch.setattr(clustering, "BUCKET_CAP", cap)
    project = request.getfixturevalue(corpus)
    events, _, _, record = _merges(project, None, True)
    busy = Counter(e.when.value[:10] for e in events if e.when.precision == "day")
    picked: list[tuple[Path, str]] = []
    for e in sorted((e for e in events if e.when.precision == "day"), key=lambda e: (-busy[e.when.value[:10]], e.id)):
        for src in e.sources:
            path = project / "content" / "articles" / f"{src.article}.md"
            text = path.read_text()
            for q in src.quotes:
                if text.count(q.sentence) == 1 and len(q.sentence) > 40 and path not in {p for p, _ in picked}:
                    picked.append((path, q.sentence))
        if len(picked) >= 3:
            break
    originals = {p: p.read_text() for p, _ in picked}
    served = 0
    try:
        steps = [(p, originals[p].replace(sentence, "")) for p, sentence in picked]  # each removed in turn
        steps += [(p, originals[p]) for p, _ in picked]  # then put back
        analyses = _analysed(project)[2]
        for path, text in steps:
            path.write_text(text)
            then = analyses
            events, fresh, changed, record = _merges(project, record, True)
            assert events == fresh
            analyses = _analysed(project)[2]
            served += changed is not None
            if changed is None:  # a step of the grid crossed, or the article has no dated sentence
                article = next(a for a in analyses if a.article.slug == path.stem)
                assert _crossed(then, analyses) or not article.mentions
        assert served >= 3
    finally:
        for p, text in originals.items():
            p.write_text(text)


@pytest.mark.parametrize("corpus, cap, kept", [
    ("generated", clustering.BUCKET_CAP, False), ("generated", 3, True),
    *(("timeline17", cap, kept) for cap in (clustering.BUCKET_CAP, 3) for kept in (True, False))],
    ids=["generated, as is, from disk", "generated, buckets capped at 3, kept in memory",
         "timeline17, as is, kept in memory", "timeline17, as is, from disk",
         "timeline17, buckets capped at 3, kept in memory", "timeline17, buckets capped at 3, from disk"])
def test_a_record_serves_edits_that_move_dates(corpus, cap, kept, request, monkeypatch):
    """The record keeps the pairs the clustering scored (the preview's all
    it scored, the features and weights too; one from disk has them made
    again from the mentions, the dates before the edit from the earlier
    analyses): a dated
    sentence redated (another year: other buckets; then another day that
    other events have, whose sentences the summary and the day order read;
    then back) is merged by scoring again only the pairs its mentions touch
    and making again only the events they, their spans and days touch,
    and gives the events, groups, made parts and scored pairs of merging
    anew. With (word, year) buckets capped at 3 mentions instead of 60,
    moving a mention makes buckets cross the cap both ways, so pairs of
    mentions that did not move become candidates or stop being ones. A
    sentence reworded as well: test_a_record_serves_a_dated_sentence_reworded."""
    monkeypatch.setattr(clustering, "BUCKET_CAP", cap)
    project = request.getfixturevalue(corpus)
    events, _, _, record = _merges(project, None, kept)
    path, sentence, expression = _dated_sentence(project, events)
    place = _articles(project).index(path)
    original = path.read_text()
    year = re.search(r"\d{4}", expression)
    assert year
    busiest = Counter(e.when.value[:10] for e in events if e.when.precision == "day").most_common()
    days = [date.fromisoformat(d) for d, _ in sorted(busiest, key=lambda dn: dn[0][:4] != year.group())]
    other = next(t for t in (f"{d.strftime('%B')} {d.day}, {d.year}" for d in days) if t != expression)
    try:  # another year; another day (of that year if it has one), the busiest; back
        for moved in (expression.replace(year.group(), str(int(year.group()) + 2)), other, expression):
            path.write_text(original.replace(sentence, sentence.replace(expression, moved)))
            before = record.events
            events, fresh, changed, record = _merges(project, record, kept)
            assert changed == {place}, (expression, moved)
            assert events == fresh
            if kept:  # the events of the clusters not made again are the very objects of the last merge
                assert before is not None and record.events is not None
                assert len({id(e) for e in before} & {id(e) for e in record.events}) > len(before) // 2
    finally:
        path.write_text(original)


def test_a_reworded_sentence_folds_names_as_the_record_did_unless_a_name_s_word_moved(generated):
    """The preview's record keeps the corpus's lower-case words, so a
    reworded sentence that brings a new lower-case word takes the record's
    folding of names (merge_record.folds_as_recorded) instead of folding
    every name again; a word that is a name's ("okafor" written in lower
    case makes "Aisha Okafor" a phrase of common words, no person) folds
    them again, and the folding is what folding anew gives."""
    config, resources, analyses, keys = _analysed(generated)
    _, index, record = pipeline.merge_corpus(analyses, resources, config, 1, keys, keep_scored=True)
    assert record is not None and record.common is not None
    events = pipeline.merge_corpus(analyses, resources, config, 1)[0]
    path, sentence, expression = _dated_sentence(generated, events)
    place = _articles(generated).index(path)
    person = next(n for n, k in sorted(index.kinds.items()) if k == "person" and len(n.split()) == 2
                  and n not in resources.gazetteer.kinds
                  and not all(w.lower() in record.common for w in n.split()))
    original = path.read_text()
    earlier = Cache(generated / ".cache" / "articles", writable=False).get
    try:
        for extra, folds in (("flotilla", True), (" ".join(w.lower() for w in person.split()), False)):
            path.write_text(original.replace(sentence, sentence.replace(expression, f"{expression} {extra}")))
            _, _, now, now_keys = _analysed(generated)
            now = [now[k] if k == place else a for k, a in enumerate(analyses)]  # (the preview's objects)
            now_keys = [now_keys[k] if k == place else key for k, key in enumerate(keys)]
            common = frozenset().union(*(a.common_words for a in now))
            redated = merge_record.redated_articles(record, pipeline.merge_settings(resources, config), now,
                                                    now_keys, earlier)
            assert redated is not None and set(redated) == {place}
            assert merge_record.same_names(now, redated)
            assert merge_record.folds_as_recorded(record, common) is folds, extra
            merged, got, _ = pipeline.merge_corpus(now, resources, config, 1, now_keys, record, earlier,
                                                   keep_scored=True, common=common)
            fresh, anew, _ = pipeline.merge_corpus(now, resources, config, 1)
            assert got == anew and merged == fresh
            assert (anew.kinds.get(person) == "person") is folds
    finally:
        path.write_text(original)


@pytest.mark.parametrize("kept", [False, True], ids=["from disk", "kept in memory"])
def test_an_undated_sentence_with_new_words_folds_names_as_the_record_did(generated, kept, tmp_path):
    """An undated sentence added (the record serves: changed_articles) with
    a word the corpus never wrote in lower case: the record folds the names
    as it did, the preview's and, since it keeps the corpus's lower-case
    words too (FORMAT 4), the one read from disk; with a name's words in
    lower case, they are folded again; either way as merging anew folds
    them."""
    config, resources, analyses, keys = _analysed(generated)
    _, index, record = pipeline.merge_corpus(analyses, resources, config, 1, keys, keep_scored=kept)
    if not kept:
        assert record is not None
        merge_record.save(tmp_path / "merge.json", record)
        record = merge_record.load(tmp_path / "merge.json", pipeline.merge_settings(resources, config))
    assert record is not None and record.common is not None
    person = next(n for n, k in sorted(index.kinds.items()) if k == "person" and len(n.split()) == 2
                  and n not in resources.gazetteer.kinds
                  and not all(w.lower() in record.common for w in n.split()))
    path = _articles(generated)[5]
    original = path.read_text()
    earlier = Cache(generated / ".cache" / "articles", writable=False).get
    try:
        for extra, folds in (("zqxyzzy", True), (" ".join(w.lower() for w in person.split()), False)):
            path.write_text(original.replace("\n\n", f"\n\nOfficials mentioned {extra} in passing. ", 1))
            _, _, now, now_keys = _analysed(generated)
            now = [now[k] if k == 5 else a for k, a in enumerate(analyses)]
            now_keys = [now_keys[k] if k == 5 else key for k, key in enumerate(keys)]
            common = frozenset().union(*(a.common_words for a in now))
            assert merge_record.changed_articles(record, pipeline.merge_settings(resources, config), now, now_keys,
                                                 earlier) == {5}
            assert common != record.common
            assert merge_record.folds_as_recorded(record, common) is folds, extra
            merged, got, _ = pipeline.merge_corpus(now, resources, config, 1, now_keys, record, earlier,
                                                   keep_scored=kept, common=common)
            fresh, anew, _ = pipeline.merge_corpus(now, resources, config, 1)
            assert got == anew and merged == fresh
    finally:
        path.write_text(original)


@pytest.mark.parametrize("kept", [False, True], ids=["from disk", "kept in memory"])
def test_a_reworded_sentence_that_renames_folds_the_names_again(generated, kept):
    """A reworded sentence may name something else, or spell a name
    otherwise ("Port Adley" -> "Adley", a spelling no other article has):
    the lower-case words stay the same, the record serves the clustering
    unless the names fold otherwise, and the names are folded again
    (merge_record.same_names), as merging anew folds them: "Adley" then
    folds into "Port Adley", which the record's folding never saw."""
    events, _, _, record = _merges(generated, None, kept)
    full = next((e, s) for e in events for e_name in e.entities if len(e_name.split()) == 2
                for s in e.sources if e_name in (generated / "content" / "articles" / f"{s.article}.md").read_text()
                and not any(n == e_name.split()[-1] for ev in events for n in ev.named))
    event, source = full
    name = next(n for n in event.entities if len(n.split()) == 2)
    path = generated / "content" / "articles" / f"{source.article}.md"
    place = _articles(generated).index(path)
    original = path.read_text()
    try:
        path.write_text(original.replace(name, name.split()[-1]))
        events, fresh, changed, record = _merges(generated, record, kept)
        assert changed in ({place}, None)
        assert events == fresh
    finally:
        path.write_text(original)


def test_a_topic_a_failed_build_moved_stays_the_record_s(generated):
    """The preview goes on with the last good record after a build that
    fails: a rewording's topic (Topic.moved with other words) works its
    closenesses out in dicts of its own, so the record's topic, moved again
    by the next build (the failed build's reworded article still the same
    analysis object, another article reworded too), gives what merging
    anew gives."""
    config, resources, analyses, keys = _analysed(generated)
    _, index, known = pipeline.merge_corpus(analyses, resources, config, 1, keys, keep_scored=True)
    assert known is not None
    known = merge_record.completed(known, analyses, index)
    earlier = Cache(generated / ".cache" / "articles", writable=False).get
    articles = _articles(generated)
    originals = {p: p.read_text() for p in articles}

    def now(edited: list[Path], base: list, base_keys: list[str]) -> tuple[list, list[str]]:
        for p in articles:
            p.write_text(reworded(originals[p], "zqxyzzy") if p in edited else originals[p])
        _, _, fresh, fresh_keys = _analysed(generated)
        # an analysis whose key did not change is the very object the last build had (the preview's)
        return [a if k == fk else f for a, f, k, fk in zip(base, fresh, base_keys, fresh_keys, strict=True)], fresh_keys

    try:
        for a in (0, 12, 30, 57):
            first, first_keys = now([articles[a]], analyses, keys)
            pipeline.merge_corpus(first, resources, config, 1, first_keys, known, earlier, keep_scored=True)
            # (that build failed after its merge: the next goes on with `known`)
            second, second_keys = now([articles[a], articles[a + 1]], first, first_keys)
            assert second[a] is first[a]
            events, _, _ = pipeline.merge_corpus(second, resources, config, 1, second_keys, known, earlier,
                                                 keep_scored=True)
            assert events == pipeline.merge_corpus(second, resources, config, 1)[0], a
    finally:
        for p, text in originals.items():
            p.write_text(text)


def test_the_record_s_own_objects_serve_a_redating_as_in_the_preview(generated):
    """As in the preview, whose unchanged articles' analyses are the very
    objects of the last merge: a redating's merge takes the record's
    clusters and its topic, moved (Topic.moved), and gives the
    events of merging anew, redating after redating (the topic moved from a
    moved one)."""
    config, resources, analyses, keys = _analysed(generated)
    _, _, record = pipeline.merge_corpus(analyses, resources, config, 1, keys, keep_scored=True)
    path, sentence, expression = _dated_sentence(generated, pipeline.merge_corpus(analyses, resources, config, 1)[0])
    place = _articles(generated).index(path)
    original = path.read_text()
    year = re.search(r"\d{4}", expression)
    assert year and record is not None
    earlier = Cache(generated / ".cache" / "articles", writable=False).get
    try:
        for shift in (2, 3, 0):
            path.write_text(original.replace(sentence, sentence.replace(
                expression, expression.replace(year.group(), str(int(year.group()) + shift)))))
            _, _, fresh_analyses, fresh_keys = _analysed(generated)
            # the unchanged articles' analyses are the record's objects; the edited one's is new
            now = [fresh_analyses[k] if k == place else a for k, a in enumerate(analyses)]
            keys = [fresh_keys[k] if k == place else key for k, key in enumerate(keys)]
            topic_before, clusters_before = record.made_topic, record.clusters
            events, _, record = pipeline.merge_corpus(now, resources, config, 1, keys, record, earlier,
                                                      keep_scored=True)
            anew, _, _ = pipeline.merge_corpus(now, resources, config, 1)
            assert events == anew
            assert record is not None and record.ids == tuple(e.id for e in events)  # (history.keep_ids takes them)
            # the groups taken whole are the record's very clusters (merge._Spans: not filed again)
            assert record is not None and record.clusters is not None and clusters_before is not None
            assert len({*map(id, record.clusters)} & {*map(id, clusters_before)}) > len(record.clusters) // 2
            assert record is not None and record.members is not None and record.analyses is not None
            assert record.made_topic is not None and topic_before is not None
            assert record.made_topic._single is topic_before._single  # moved, not made anew
            analyses = now
    finally:
        path.write_text(original)


def test_events_made_again_are_placed_as_a_full_sort_places_them(generated):
    """merge._sorted_again (the record's order, and only the events made now
    placed among the rest) gives a full stable sort's order, equal keys
    included (copies that differ in id alone), each event's key, and the
    keys in that order; the record's events no longer in use leave the keys."""
    import dataclasses
    import random

    from generator.corpus import merge
    from generator.corpus.salience import listing_order, tie_keys

    config, resources, analyses, keys = _analysed(generated)
    events, _, _ = pipeline.merge_corpus(analyses, resources, config, 1)
    rng = random.Random(7)
    base = [*events, *(dataclasses.replace(e, id=e.id + "-copy") for e in events[::9])]
    rng.shuffle(base)  # the clusters' order is not the site's
    assert len({listing_order(e) for e in base}) < len(base)  # equal keys among them
    ranked = tuple(sorted(base, key=listing_order))
    record = merge_record.MergeRecord("", "", (), (), (), (), (), events=tuple(base),
                                      order={id(e): listing_order(e) for e in base}, ranked=ranked,
                                      ranked_keys=tuple(map(listing_order, ranked)),
                                      ties=tie_keys([listing_order(e) for e in ranked]))
    for trial in range(20):
        now, reused = list(base), list(base)
        again = rng.sample(range(len(base)), 1 + trial)
        for k in again:
            twin = rng.choice(base)  # an event made again, sometimes with another's very key
            now[k] = dataclasses.replace(twin if rng.random() < 0.5 else now[k], summary=f"again {trial}")
            reused[k] = None
        # (the clusters are the record's groups: the events made again are those the record drops)
        got = merge._sorted_again(now, reused, record, sorted(again), set(again))
        assert got is not None
        placed, keys_of, keys, ties = got
        assert [id(e) for e in placed] == [id(e) for e in sorted(now, key=listing_order)]
        assert keys_of == {id(e): listing_order(e) for e in now}
        assert keys == [listing_order(e) for e in placed]  # (apply_overrides takes them: MergeRecord.ranked_keys)
        # the keys that more than one event has, found from the record's and the events made now
        assert ties and sorted(ties) == sorted(tie_keys(keys))


def test_a_topic_moved_is_the_topic_of_the_mentions_now(generated):
    """Topic.moved (the preview's merge after a redating) gives the days,
    their centroids and every closeness a topic made anew of the mentions
    now gives, with centroids and closenesses worked out before the move;
    and leaves the topic it was moved from as it was."""
    import dataclasses
    import random

    from generator.corpus.topic import Topic

    config, resources, analyses, keys = _analysed(generated)
    mentions = [m for a in analyses for m in a.mentions]
    topic = Topic(mentions)
    day_mentions = [m for m in mentions if m.when.precision == "day"]
    for m in day_mentions[::3]:  # worked out before: kept for the days nothing moved into or out of
        topic.day_closeness(m, m.when.value[:10])
        topic.closeness([m])
    before_days = {day: list(places) for day, places in topic._dated.items()}
    rng = random.Random(5)
    dirty = rng.sample(range(len(mentions)), 40)
    now = list(mentions)
    for d in dirty:  # another mention's date: a day (the same or another) or a coarser one
        other = mentions[rng.randrange(len(mentions))].when
        now[d] = dataclasses.replace(mentions[d], timex=dataclasses.replace(mentions[d].timex, when=other))
    moved = topic.moved(now, dirty, [m.when for m in mentions])
    fresh = Topic(now, topic.words)
    assert moved._dated == fresh._dated and moved._dated != before_days
    assert all(moved.day_centroid(day) == fresh.day_centroid(day) for day in fresh._dated)
    for m in [*now[::2], *(now[d] for d in dirty)]:
        assert moved.closeness([m]) == fresh.closeness([m])
        for day in {m.when.value[:10], mentions[0].when.value[:10]}:
            assert moved.day_closeness(m, day) == fresh.day_closeness(m, day)
    assert topic._dated == before_days  # the topic moved from is as it was


def _crossed(then: list, now: list) -> bool:
    """Did an edit move every rarity, so that everything is merged again:
    the mention count, or the topic's number of distinct statements or its
    norm, crossing a step of the grid (rarity.py; record_shift.shifted,
    TopicWords.reworded)?"""
    def mentions(analyses: list) -> list:
        return [m for a in analyses for m in a.mentions]

    before, after = TopicWords.of(mentions(then)), TopicWords.of(mentions(now))
    return (rarity.on_grid(len(mentions(then))) != rarity.on_grid(len(mentions(now)))
            or rarity.on_grid(len(before.statements)) != rarity.on_grid(len(after.statements))
            or before.norm != after.norm)


def _place(project: Path, path: Path) -> int:
    """An article's place among the analyses (the build's order)."""
    return [a.article.slug for a in _analysed(project)[2]].index(path.stem)


@pytest.mark.parametrize("corpus", ["generated", "timeline17"])
def test_an_article_added_is_served_by_the_preview_s_record(corpus, request):
    """An article added (a follow-up of another, published the same day,
    in the middle of the articles' order): the preview's record serves it
    (merge_record.redated_articles lets added articles in, with no earlier
    mentions), moved to the places now (record_shift.py); the events near
    its day, whose salience reads the articles published around them, are
    made again (merge._covered), and the events are those of merging anew.
    Then one with no dated sentence, served without a shift; one published
    long after the last (the coverage's end moves: the events whose span
    the corpus now covers, or no longer recalls, are made again); and the
    articles removed again (test_articles_removed_are_served_by_the_preview_s_record).
    Served unless the mention count crosses a step of the grid."""
    project = request.getfixturevalue(corpus)
    events, _, _, record = _merges(project, None, True)
    articles = _articles(project)
    source = articles[len(articles) // 2]
    added = source.with_name(source.stem + "-follow-up.md")
    undated = source.with_name(source.stem + "-note.md")
    late = source.with_name(source.stem + "-late.md")
    head, sep, body = source.read_text().partition("\n---\n")
    title = next(ln for ln in head.splitlines() if ln.startswith("title:"))
    analyses = _analysed(project)[2]
    served = 0
    try:
        added.write_text(head.replace(title, 'title: "A follow-up of the story"') + sep
                         + body.replace(". ", ", officials said. ", 3))
        events, fresh, changed, record = _merges(project, record, True)
        assert events == fresh
        then, analyses = analyses, _analysed(project)[2]
        assert changed == {_place(project, added)} or (changed is None and _crossed(then, analyses))
        served += changed is not None
        undated.write_text(head.replace(title, 'title: "A note"') + sep + "\nNothing here is dated.\n")
        events, fresh, changed, record = _merges(project, record, True)
        assert events == fresh
        assert changed == {_place(project, undated)}
        # published after the coverage ends (the last article's day moves, and with it which events the
        # corpus was written around, which are made again: merge._covered)
        date_line = next(ln for ln in head.splitlines() if ln.startswith("date:"))
        late.write_text(head.replace(title, 'title: "A late note"').replace(date_line, "date: 2039-01-02") + sep
                        + "\nOn 1 January 2039 the archive was opened.\n")
        events, fresh, changed, record = _merges(project, record, True)
        assert events == fresh
        then, analyses = analyses, _analysed(project)[2]
        assert changed == {_place(project, late)} or (changed is None and _crossed(then, analyses))
        served += changed is not None
        assert served >= 1  # (an added article with dated sentences served)
        late.unlink()
        added.unlink()
        undated.unlink()  # articles removed (the late one's day: the coverage's end moves back)
        events, fresh, changed, record = _merges(project, record, True)
        assert events == fresh
        then, analyses = analyses, _analysed(project)[2]
        assert changed is not None or _crossed(then, analyses)
    finally:
        for p in (added, undated, late):
            p.unlink(missing_ok=True)


@pytest.mark.parametrize("corpus, steps", [("generated", rarity.STEPS), ("timeline17", rarity.STEPS),
                                           ("generated", 2), ("timeline17", 2)])
def test_articles_removed_are_served_by_the_preview_s_record(corpus, steps, request, monkeypatch):
    """Articles removed: the preview's record serves them
    (merge_record.redated_articles lets them out), their mentions then
    taken as the nearest article's with mentions now, whose first mention
    carries their pairs and groups away (merge_record._folded,
    record_shift.py); the events near their days, whose salience reads the
    articles published around them, are made again (merge._covered). The
    first article (its mentions go with the next), the last (with the one
    before), one in the middle as another is added (as many articles as
    before, other slugs), two side by side, then all put back. Each time
    the events are those of merging anew, and the record served unless the
    mention count or the topic crosses a step of the grid: at these
    corpora's sizes, often with the generator's grid, seldom with 2 steps
    to the octave."""
    monkeypatch.setattr(rarity, "STEPS", steps)
    project = request.getfixturevalue(corpus)
    events, _, _, record = _merges(project, None, True)
    articles = _articles(project)
    originals = {p: p.read_text() for p in articles}
    middle = len(articles) // 2
    added = articles[middle].with_name(articles[middle].stem + "-follow-up.md")
    head, sep, body = originals[articles[middle]].partition("\n---\n")
    title = next(ln for ln in head.splitlines() if ln.startswith("title:"))
    analyses = _analysed(project)[2]
    served = 0

    def merged(removed: list[Path]) -> None:
        nonlocal events, record, analyses, served
        for p in removed:
            p.unlink()
        events, fresh, changed, record = _merges(project, record, True)
        assert events == fresh
        then, analyses = analyses, _analysed(project)[2]
        assert changed is not None or _crossed(then, analyses)
        served += changed is not None

    try:
        merged([articles[0]])
        merged([articles[-1]])
        added.write_text(head.replace(title, 'title: "A follow-up of the story"') + sep
                         + body.replace(". ", ", officials said. ", 3))
        merged([articles[middle + 1]])
        merged(articles[middle - 2:middle])
        for p, text in originals.items():
            p.write_text(text)
        added.unlink()
        merged([])
        assert served >= (3 if steps == 2 else 1)
    finally:
        for p, text in originals.items():
            p.write_text(text)
        added.unlink(missing_ok=True)


@pytest.mark.parametrize("corpus, steps", [("generated", rarity.STEPS), ("timeline17", rarity.STEPS),
                                           ("generated", 256), ("timeline17", 256)])
def test_a_record_on_disk_made_whole_serves_what_the_preview_s_serves(corpus, steps, request, tmp_path,
                                                                      monkeypatch):
    """A command-line rebuild reads the last merge's record from disk,
    which keeps the scored pairs alone. Made whole from the analyses it was
    made of (disk_record.py), it serves what the preview's record serves:
    a dated sentence added to an article and removed again, an article
    added, the first article removed, and all put back. Each time the
    events are those of merging anew, and the merge is served (no mention
    clustered anew) unless the edit crossed a step of the rarity's grid
    (with 256 steps to the octave, most edits do: the record is then not
    made whole, or not taken, and everything is merged again). Before
    disk_record.py, each of these merged every mention again."""
    monkeypatch.setattr(rarity, "STEPS", steps)
    project = request.getfixturevalue(corpus)
    config, resources, _, _ = _analysed(project)
    settings = pipeline.merge_settings(resources, config)
    record_file = tmp_path / "merge.json"
    made: list[int] = []
    making = disk_record.made_whole
    monkeypatch.setattr(disk_record, "made_whole", lambda *a: made.append(1) or making(*a))

    def from_disk(record):
        merge_record.save(record_file, record)
        got = merge_record.load(record_file, settings)
        assert got is not None and got.scored is None and got.events is None and got.analyses is None
        return got

    events, _, _, record = _merges(project, None)
    articles = _articles(project)
    originals = {p: p.read_text() for p in articles}
    path, sentence, _ = _dated_sentence(project, events)
    middle = articles[len(articles) // 2]
    added = middle.with_name(middle.stem + "-follow-up.md")
    head, sep, body = originals[middle].partition("\n---\n")
    title = next(ln for ln in head.splitlines() if ln.startswith("title:"))
    analyses = _analysed(project)[2]
    served = 0

    def merged() -> None:
        nonlocal events, record, analyses, served
        made.clear()
        events, fresh, changed, record = _merges(project, from_disk(record))
        assert events == fresh
        then, analyses = analyses, _analysed(project)[2]
        assert changed is not None or _crossed(then, analyses)
        if changed is not None:
            served += 1
            assert made  # (the record was made whole to serve it)

    try:
        path.write_text(originals[path].replace(sentence, sentence + " The board met again on 4 June 2011."))
        merged()
        path.write_text(originals[path])
        merged()
        added.write_text(head.replace(title, 'title: "A follow-up of the story"') + sep
                         + body.replace(". ", ", officials said. ", 3))
        merged()
        articles[0].unlink()
        merged()
        for p, text in originals.items():
            p.write_text(text)
        added.unlink()
        merged()
        assert served >= (3 if steps == GRID_STEPS else 0)
    finally:
        for p, text in originals.items():
            p.write_text(text)
        added.unlink(missing_ok=True)


def test_a_shift_reads_the_edited_articles_in_any_order(generated):
    """An undated article added just before an article that loses a dated
    sentence, in one save: the added one, with no mentions, starts where
    the next does, whose first mention carries the removed one's pairs
    (record_shift._gone_pairs). The record moved is the same whatever the
    order of the edited articles it is given, and each mention's partners
    are those of its pairs. (A review found the empty article could blank
    the other's partners when it came second.)"""
    config, resources, analyses, keys = _analysed(generated)
    _, index, record = pipeline.merge_corpus(analyses, resources, config, 1, keys, keep_scored=True)
    record = merge_record.completed(record, analyses, index)
    articles = _articles(generated)
    k = next(i for i, a in enumerate(analyses) if len(a.mentions) >= 3 and i > 5)
    target, sentence = articles[k], analyses[k].mentions[0].sentence
    original = target.read_text()
    assert original.count(sentence) == 1
    head, sep, _ = articles[k - 1].read_text().partition("\n---\n")
    empty = articles[k - 1].with_name(articles[k - 1].stem + "-zz-note.md")  # (between k - 1 and k)
    try:
        target.write_text(original.replace(sentence, "", 1))
        empty.write_text(head + sep + "\nNothing here is dated.\n")
        config, resources, now, now_keys = _analysed(generated)
        earlier = Cache(generated / ".cache" / "articles", writable=False).get
        redated = merge_record.redated_articles(record, pipeline.merge_settings(resources, config), now, now_keys,
                                                earlier)
        assert redated is not None and len(redated) == 2
        one = record_shift.shifted(record, now, dict(redated))
        other = record_shift.shifted(record, now, dict(reversed(list(redated.items()))))
        assert one is not None and other is not None
        a, b = one.record.scored, other.record.scored
        assert a is not None and b is not None and a.near is not None
        assert (a.edges, a.near) == (b.edges, b.near)
        partners: dict[int, set[int]] = {}
        for x, y in a.edges:
            assert x < y
            partners.setdefault(x, set()).add(y)
            partners.setdefault(y, set()).add(x)
        assert {i: set(js) for i, js in a.near.items()} == partners
    finally:
        target.write_text(original)
        empty.unlink(missing_ok=True)


@pytest.mark.parametrize("cap", [20, 50])
def test_a_removed_mention_takes_a_bucket_under_the_cap(generated, cap, monkeypatch):
    """With (word, year) buckets capped at `cap` mentions: a bucket of one
    more, two of whose mentions would make a pair if they were candidates;
    a third one's sentence removed (a mention whose word's count does not
    cross a step of the grid, so no mention holding it is scored again for
    its rarity), the bucket falls under the cap and the pair is scored: the
    preview's record, moved to the places now (record_shift.py), counts the
    removed mention among the bucket's (clustering.recluster's `gone`) and
    finds the pair, as merging anew does. (On the generated corpus: the 80
    Timeline17 articles have 371 mentions, where one fewer crosses a step
    of the grid and everything is merged again.)"""
    monkeypatch.setattr(clustering, "BUCKET_CAP", cap)
    project = generated
    config, resources, analyses, keys = _analysed(project)
    _, index, record = pipeline.merge_corpus(analyses, resources, config, 1, keys, keep_scored=True)
    assert record is not None and record.scored is not None
    scored = record.scored
    mentions = [m for a in analyses for m in a.mentions]
    per_article = Counter(m.article for m in mentions)
    scorer = clustering._Scorer(mentions, scored.feats, scored.idf, scored.weight, clustering._days(scored.whens),
                                resources.vocab, index, config.extraction.merge_threshold)
    found = []
    for (word, year), ids in sorted(clustering._buckets(scored.feats, scored.whens).items()):
        for c in ids if len(ids) == cap + 1 else ():
            path = project / "content" / "articles" / f"{mentions[c].article}.md"
            if per_article[mentions[c].article] < 3 or path.read_text().count(mentions[c].sentence) != 1 \
                    or rarity.on_grid(scored.df[word] - 1) != rarity.on_grid(scored.df[word]):
                continue
            if sum(m.sentence == mentions[c].sentence for m in mentions) != 1 or any(
                    word in scored.feats[i] and year in clustering._years(scored.whens[i])
                    for i, m in enumerate(mentions) if m.article == mentions[c].article and i != c):
                continue  # (one mention removed, the only one of its article in the bucket)
            # the words whose count crosses a step: a mention holding one is scored again for its rarity
            crossing = {f for f in scored.feats[c] if rarity.on_grid(scored.df[f] - 1) != rarity.on_grid(scored.df[f])}
            others = [i for i in ids if mentions[i].article != mentions[c].article
                      and crossing.isdisjoint(scored.feats[i])]
            pairs = [(a, b) for x, a in enumerate(others) for b in others[x + 1:] if (a, b) not in scored.edges]
            for _sim, a, b in scorer.scores(pairs)[:1]:  # it would be a pair
                found.append((path, mentions[c].sentence, mentions[a], mentions[b]))
    assert found
    served = False
    for path, sentence, ma, mb in found[:8]:
        original = path.read_text()
        try:
            path.write_text(original.replace(sentence, ""))
            events, fresh, changed, record = _merges(project, record, True)
            assert events == fresh
            if changed is not None:  # (not: the mention count crossed a step of the grid, or names fold otherwise)
                now = [m for a in _analysed(project)[2] for m in a.mentions]
                assert (now.index(ma), now.index(mb)) in record.scored.edges  # the pair the bucket under the cap gave
                served = True
                break
        finally:
            path.write_text(original)
            events, fresh, changed, record = _merges(project, record, True)
    assert served


def test_a_sentence_that_folds_other_articles_names_again_makes_their_events_again(generated, monkeypatch,
                                                                                   tmp_path):
    """A dated sentence added that names a second person of a surname the
    corpus folds into one full name ("Okafor" -> "Aisha Okafor"): the
    surname, which other articles' mentions hold, no longer folds. The
    preview's record serves it: the articles holding a name folded
    otherwise are made again with the edited one (merge_record.
    with_refolded), and the events are those of merging anew. Then the
    sentence goes, and the surname folds as before: served again. A record
    read from disk (only the pairs), made whole (disk_record.py), serves it
    as the preview's does. The preview's merges everything again when more
    than one article in REFOLD_SHARE would be made again."""
    config, resources, analyses, keys = _analysed(generated)
    _, index, record = pipeline.merge_corpus(analyses, resources, config, 1, keys, keep_scored=True)
    held = Counter(r.name for a in analyses for m in a.mentions for r in m.every_name)
    surname, full = next((n, t) for n, t in sorted(index.canonical.items())
                         if " " not in n and t != n and index.kinds.get(t) == "person" and held[n] >= 2)
    holders = {o for o, a in enumerate(analyses) if any(r.name == surname for m in a.mentions for r in m.every_name)}
    path = _articles(generated)[7]
    original = path.read_text()
    merge_record.save(tmp_path / "merge.json", record)
    on_disk = merge_record.load(tmp_path / "merge.json", pipeline.merge_settings(resources, config))
    assert on_disk is not None and on_disk.scored is None and on_disk.events is None
    try:
        path.write_text(original.rstrip("\n") + f"\n\nOn 4 June 2011 Zebedee {surname} said the board had met.\n")
        served_record = record
        events, fresh, changed, record = _merges(generated, record, True)
        config, resources, now, keys = _analysed(generated)
        assert pipeline.merged_events(now, resources, config)[1].canonical[surname] != full  # folded otherwise
        assert events == fresh
        assert changed is not None and 7 in changed and holders <= changed
        events, fresh, changed_then, _ = _merges(generated, on_disk)
        assert events == fresh and changed_then is not None and 7 in changed_then and holders <= changed_then
        # more articles to make again than one in REFOLD_SHARE: everything merged anew, the same events
        monkeypatch.setattr(merge_record, "REFOLD_SHARE", len(changed) + 10 ** 6)
        events, fresh, changed_then, _ = _merges(generated, served_record, True)
        assert changed_then is None and events == fresh
        monkeypatch.undo()
        path.write_text(original)
        events, fresh, changed, record = _merges(generated, record, True)
        assert events == fresh
        assert changed is not None and holders <= changed
    finally:
        path.write_text(original)


def test_a_topic_shifted_and_moved_is_the_topic_of_the_mentions_now(generated):
    """Topic.shifted (the preview's merge after dated sentences were added
    or removed: corpus/record_shift.py) then Topic.moved give the days,
    their centroids and every closeness of a topic made anew of the mentions
    now, centroids and closenesses worked out before the edit included: the
    removed mentions leave their days, the added ones (dirty) enter theirs."""
    import random

    from generator.corpus.topic import Topic

    config, resources, analyses, keys = _analysed(generated)
    mentions = [m for a in analyses for m in a.mentions]
    rng = random.Random(7)
    served = 0
    for _trial in range(6):
        topic = Topic(mentions)
        for m in mentions:  # every day's centroid worked out before
            if m.when.precision == "day":
                topic.day_closeness(m, m.when.value[:10])
        # some day mentions removed, and mentions of other days added after others (as a shift places them)
        days = [i for i, m in enumerate(mentions) if m.when.precision == "day"]
        gone = set(rng.sample(days, 5))
        now, to_new, dirty = [], [], []
        for i, m in enumerate(mentions):
            to_new.append(len(now) if i not in gone else 0)
            if i not in gone:
                now.append(m)
            if rng.random() < 0.002:  # a mention added here: another mention's sentence and date
                dirty.append(len(now))
                now.append(mentions[rng.randrange(len(mentions))])
        for p in gone:  # a removed mention goes with a mention of the new ones (record_shift: dirty)
            to_new[p] = dirty[0]
        before = [m.when for m in now]  # (an added mention's date before: its own, as record_shift gives it)
        # the words now, and the mentions holding a word whose rarity crossed a step (as merge gives them)
        got = topic.words.reworded([mentions[p].keywords for p in sorted(gone)], [now[d].keywords for d in dirty])
        if got is None:
            continue  # every closeness moved: the merge makes the topic anew
        words, crossed_words = got
        assert words == TopicWords.of(now)
        crossed = [i for i, m in enumerate(now) if i not in dirty and not crossed_words.isdisjoint(m.keywords)]
        moved = topic.shifted(to_new, gone, [mentions[p].when for p in gone]).moved(now, dirty, before, words,
                                                                                      crossed)
        fresh = Topic(now, words)
        served += 1
        assert moved._dated == fresh._dated
        assert all(moved.day_centroid(day) == fresh.day_centroid(day) for day in fresh._dated)
        for m in now[::7]:
            if m.when.precision == "day":
                assert moved.day_closeness(m, m.when.value[:10]) == fresh.day_closeness(m, m.when.value[:10])
    assert served >= 4


@pytest.mark.parametrize("steps", [rarity.STEPS, 256])
def test_a_topic_reworded_is_the_topic_of_the_mentions_now(generated, steps, monkeypatch):
    """TopicWords.reworded (the preview's merge after a dated sentence is
    reworded) gives the words of the mentions now, and which words' rarity
    crossed a step of the grid; Topic.moved with them gives every centroid
    and closeness a topic made anew gives, closenesses worked out before
    included; or reworded says every closeness moved (None), and then the
    number of statements or the norm did."""
    import dataclasses
    import random

    from generator.corpus.topic import Topic

    monkeypatch.setattr(rarity, "STEPS", steps)
    config, resources, analyses, keys = _analysed(generated)
    mentions = [m for a in analyses for m in a.mentions]
    words = TopicWords.of(mentions)
    rng = random.Random(11)
    crossings = served = 0
    for trial in range(12):
        topic = Topic(mentions, words)
        for m in mentions[::2]:  # worked out before
            topic.closeness([m])
            if m.when.precision == "day":
                topic.day_closeness(m, m.when.value[:10])
        dirty = sorted(rng.sample(range(len(mentions)), 1 + trial % 4))
        now = list(mentions)
        for d in dirty:  # another mention's words, with a word of its own sometimes
            other = set(mentions[rng.randrange(len(mentions))].keywords)
            if rng.random() < 0.5:
                other.add(f"word{trial}")
            now[d] = dataclasses.replace(mentions[d], keywords=tuple(sorted(other)))
        fresh_words = TopicWords.of(now)
        got = words.reworded([mentions[d].keywords for d in dirty], [now[d].keywords for d in dirty])
        if got is None:
            n = lambda w: rarity.on_grid(len(w.statements))  # noqa: E731
            assert n(fresh_words) != n(words) or fresh_words.norm != words.norm
            continue
        served += 1
        moved_words, crossed_words = got
        assert moved_words == fresh_words
        assert crossed_words == {k for k in words.df.keys() | fresh_words.df.keys()
                                 if rarity.on_grid(words.df.get(k, 0)) != rarity.on_grid(fresh_words.df.get(k, 0))}
        crossings += bool(crossed_words - {f"word{trial}"})
        crossed = [i for i, m in enumerate(now) if i not in dirty and not crossed_words.isdisjoint(m.keywords)]
        moved = topic.moved(now, dirty, [m.when for m in mentions], moved_words, crossed)
        fresh = Topic(now, fresh_words)
        for m in now:
            assert moved.closeness([m]) == fresh.closeness([m])
            if m.when.precision == "day":
                assert moved.day_closeness(m, m.when.value[:10]) == fresh.day_closeness(m, m.when.value[:10])
    assert served >= (11 if steps == 16 else 3), served
    assert crossings >= (2 if steps == 256 else 0), crossings


def test_the_overrides_order_ties_by_id_as_a_full_sort(generated):
    """apply_overrides, given events in order but for their ties (the merge's,
    no override), orders each run of equal keys by id only: the order of
    sorting them all by (key, id); given the events' keys too, the same."""
    import dataclasses
    import random

    from generator.corpus.overrides import apply_overrides
    from generator.corpus.salience import listing_order, tie_keys
    from generator.errors import Report

    config, resources, analyses, keys = _analysed(generated)
    events, _, _ = pipeline.merge_corpus(analyses, resources, config, 1)
    rng = random.Random(3)
    copies = [dataclasses.replace(e, id=f"{e.id}-{c}") for e in events[::7] for c in "zab"]
    given = sorted([*events, *copies], key=lambda e: (listing_order(e), rng.random()))  # ties in any order
    assert len({listing_order(e) for e in given}) < len(given)
    want = [e.id for e in sorted(given, key=lambda e: (listing_order(e), e.id))]
    assert [e.id for e in apply_overrides(list(given), [], Report())] == want
    # given their keys too (the preview's merge record's, MergeRecord.ranked_keys): the same, none computed
    ranked_keys = tuple(listing_order(e) for e in given)
    assert [e.id for e in apply_overrides(list(given), [], Report(), None, ranked_keys)] == want  # type: ignore
    # and the keys more than one event has (MergeRecord.ties), or more: each run found by bisection
    ties = tie_keys(ranked_keys)
    assert len(ties) >= len(events[::7])
    more = (*ties[::-1], ranked_keys[0], ranked_keys[-1], ((date.max, 0), 0.0, 0.0, "no such event"))
    for given_ties in (ties, more):
        assert [e.id for e in apply_overrides(list(given), [], Report(), None, ranked_keys,  # type: ignore
                                              given_ties)] == want
    # a hidden event (no override hides one now; in case): the keys are not taken, and it is left out
    hidden = [dataclasses.replace(given[5], hidden=True), *given[:5], *given[6:]]
    assert given[5].id not in [e.id for e in apply_overrides(hidden, [], Report(), listing_order, ranked_keys)]


def test_a_record_on_disk_reads_back_and_a_garbled_one_is_not_used(generated, tmp_path):
    config, resources, analyses, keys = _analysed(generated)
    _, _, record = pipeline.merge_corpus(analyses, resources, config, 1, keys)
    assert record is not None
    path = tmp_path / "merge.json"
    merge_record.save(path, record)
    assert merge_record.load(path, record.settings) == record
    # with the corpus's lower-case words it was folded with (FORMAT 4)
    assert record.common is not None and merge_record.load(path, record.settings).common == record.common
    assert merge_record.load(path, record.settings + "x") is None  # other code, resources or settings
    # (told by the file's first bytes, before it is parsed: settings of any characters, as save writes them)
    odd = replace(record, settings='é "q" \\ \u2028 ' + record.settings)
    merge_record.save(path, odd)
    assert merge_record.load(path, odd.settings) == odd and merge_record.load(path, record.settings) is None
    merge_record.save(path, record)
    raw = path.read_text()
    for garbled in (raw[: len(raw) // 2], re.sub(r'"rep":\[\d+', '"rep":["x"', raw, count=1),
                    re.sub(r'"rep":\[\d+', '"rep":[999999', raw, count=1),
                    re.sub(r'"salience":\[[-0-9.e]+', '"salience":[1', raw, count=1),
                    raw.replace('"groups":[[', '"groups":[[999999999,', 1),
                    raw.replace('"entities":[[', '"entities":[[7,', 1), "[]", "null",
                    re.sub(r'"a":\[\d+', '"a":[999999999', raw, count=1),
                    re.sub(r'"score":\[[-0-9.e]+', '"score":[1', raw, count=1),
                    raw.replace('"edges":{', '"edges":{"extra":1,', 1),
                    re.sub(r'"score":\[[-0-9.e]+', '"score":[NaN', raw, count=1),
                    re.sub(r'"a":\[(\d+),(\d+)', r'"a":[\1,\1', raw, count=1),
                    raw.replace('"common":["', '"common":["zqxyzzy","', 1),  # not the words `words` digests
                    raw.replace('"common":[', '"common":[7,', 1)):
        assert garbled != raw
        path.write_text(garbled)
        assert merge_record.load(path, record.settings) is None


def test_a_build_leaves_its_merge_record_on_disk_when_it_returns(generated, tmp_path):
    """A forked child writes the record beside the planning (pipeline.py);
    the build waits for it before it returns, so the next build reads it."""
    record_file = generated / ".cache" / "merge.json"
    record_file.unlink(missing_ok=True)
    build_site(generated / "site.toml", output=tmp_path / "site", search_index=False)
    config, resources, analyses, keys = _analysed(generated)
    _, _, record = pipeline.merge_corpus(analyses, resources, config, 1, keys)
    assert merge_record.load(record_file, pipeline.merge_settings(resources, config)) == record


def _random_edit(rng, path: Path) -> None:
    """One of the edits an editor makes: a sentence added without a date or with one, a
    sentence deleted, two words swapped, a word misspelt, words added at a sentence's end (outside
    the part its headline is made from), a paragraph repeated, a new headline, a year moved."""
    text = path.read_text()
    head, sep, body = text.partition("\n---\n")
    paragraphs = body.split("\n\n")
    k = rng.randrange(len(paragraphs))
    kind = rng.choice(["undated", "dated", "delete", "swap", "context", "repeat", "title", "redate", "reword"])
    if kind == "redate":  # a year of the text moved: the mentions move in time, their words stay
        years = list(re.finditer(r"\b(19|20)\d\d\b", body))
        if years:
            y = rng.choice(years)
            body = body[:y.start()] + str(int(y.group()) + rng.choice((-1, 1, 3))) + body[y.end():]
        path.write_text(head + sep + body)
        return
    if kind == "undated":
        paragraphs.insert(k, "Officials declined to comment further on the matter.")
    elif kind == "dated":
        paragraphs.insert(k, "The committee met again on 3 May 2010 to review the findings.")
    elif kind == "delete":
        sentences = paragraphs[k].split(". ")
        del sentences[rng.randrange(len(sentences))]
        paragraphs[k] = ". ".join(sentences)
    elif kind == "swap":
        words = paragraphs[k].split(" ")
        if len(words) > 3:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        paragraphs[k] = " ".join(words)
    elif kind == "reword":  # a word misspelt, or its misspelling mended: other keywords, as many mentions
        words = paragraphs[k].split(" ")
        long = [i for i, w in enumerate(words) if re.fullmatch(r"[a-z]{5,}", w)]
        if long:
            i = rng.choice(long)
            words[i] = words[i][:-2] + words[i][-1] if rng.random() < 0.5 else words[i] + "s"
        paragraphs[k] = " ".join(words)
    elif kind == "context":
        paragraphs[k] = re.sub(r"\.( |$)", r", amid protests by fishermen.\1", paragraphs[k], count=1)
    elif kind == "repeat":
        paragraphs.insert(k, paragraphs[k])
    else:
        _set_front(path, "title", f'"Revised headline number {rng.randrange(1000)}"')
        return
    path.write_text(head + sep + "\n\n".join(paragraphs))


@pytest.mark.parametrize("kept, cap, steps", [(False, clustering.BUCKET_CAP, rarity.STEPS), (True, 4, rarity.STEPS),
                                              (True, clustering.BUCKET_CAP, 256)],
                         ids=["on disk", "kept in memory, buckets capped at 4", "kept in memory, 256 steps"])
def test_random_edits_give_the_events_of_a_full_merge(timeline17, kept, cap, steps, monkeypatch):
    """Edits of real articles, one after another, each merged with the last merge's record and
    anew: always the same events, and the record serves some of them (`kept`: the preview's
    record, which also serves edits that move dates; with buckets capped low, moved mentions
    make buckets cross the cap)."""
    import random

    monkeypatch.setattr(clustering, "BUCKET_CAP", cap)
    monkeypatch.setattr(rarity, "STEPS", steps)
    rng = random.Random(17)
    articles = _articles(timeline17)
    originals = {p: p.read_text() for p in articles}
    events, fresh, _, record = _merges(timeline17, None, kept)
    served = 0
    try:
        for _ in range(30):
            _random_edit(rng, rng.choice(articles))
            events, fresh, changed, record = _merges(timeline17, record, kept)
            assert events == fresh
            served += changed is not None
    finally:
        for p, text in originals.items():
            p.write_text(text)
    assert served >= 3


def test_a_folding_with_the_last_spellings_is_the_folding_anew(timeline17):
    """EntityIndex.build with the last build's spellings (its memo: each
    group of names compared and what it folded, as the preview keeps them)
    folds the names of real articles as a build without them does, the
    canonical names and kinds in the same order, after edits that drop
    names, add near-identical spellings ("Haywrad") and move counts, which
    change some groups and leave the others to the memo."""
    import random

    from generator.corpus.entities import EntityIndex
    from generator.model import Analysis, EntityRef

    config, resources, analyses, keys = _analysed(timeline17)
    common = Analysis.corpus_common_words(analyses)
    refs = [r for a in analyses for m in a.mentions for r in m.every_name]
    memo: dict = {}
    rng = random.Random(3)
    taken = 0
    for _ in range(8):
        kept = dict(memo)
        got = EntityIndex.build(refs, resources.gazetteer, common, memo)
        anew = EntityIndex.build(refs, resources.gazetteer, common)
        assert list(got.canonical.items()) == list(anew.canonical.items())
        assert list(got.kinds.items()) == list(anew.kinds.items())
        assert memo and all(key in memo for key in kept.keys() & memo.keys())
        taken += len(kept.keys() & memo.keys())
        # an edit: some names dropped, a misspelling of a long name added (it folds into the name), counts moved
        for _ in range(20):
            del refs[rng.randrange(len(refs))]
        long = [r for r in refs if len(r.name) >= 7]
        for r in rng.sample(long, 3):
            name = r.name[:-2] + r.name[-1] + r.name[-2]
            refs.insert(rng.randrange(len(refs)), EntityRef(name=name, kind=r.kind))
        refs.extend(rng.sample(refs, 10))
    assert taken > 0  # most groups were the memo's
    assert any(anew.canonical[n] != n for n in anew.canonical)  # some spellings folded


def test_the_names_kept_between_builds_are_every_name_read_anew(generated):
    """state.NameRefs (the preview's) gives every name of every dated
    sentence in the corpus's order, as reading them all does, after
    analyses came, went and were replaced, reading again only those."""
    from generator.state import NameRefs

    config, resources, analyses, keys = _analysed(generated)

    def every(xs):
        return [r for a in xs for m in a.mentions for r in m.every_name]

    names = NameRefs()
    assert names.of(analyses) == every(analyses)
    kept = dict(names.known)
    edited = list(analyses)
    edited[3] = analyses[5]  # another analysis in its place (as an edit gives one)
    del edited[10]
    edited.append(analyses[0])
    assert names.of(edited) == every(edited)
    assert all(names.known[k][1] is kept[k][1] for k in names.known.keys() & kept.keys())
    assert names.of(analyses) == every(analyses)


def test_a_record_orjson_refuses_is_written_by_json_with_the_same_head():
    """A record is written by orjson; one with a value orjson refuses (a
    word with a lone surrogate, from text the file system could not
    decode) by json.dumps, which begins it with the very head `load` looks
    for, and which reads back as it was."""
    from generator.cache_file import json_bytes, parse_json

    plain = {"format": merge_record.FORMAT, "settings": "s", "words": ["café"]}
    odd = {**plain, "words": ["caf\udce9"]}
    for data in (plain, odd):
        raw = json_bytes(data)
        assert raw.startswith(merge_record._head("s")) and parse_json(raw) == data
