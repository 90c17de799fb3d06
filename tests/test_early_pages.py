"""The preview's rebuild renders the saved articles' pages as soon as the
events are merged (generator/early_pages.py), and hands them over before
the rest of the site is built: each is the very page the rebuild then
writes, after edits that move an article's events to another year and
back, add a dated sentence, and redate two articles at once."""

from __future__ import annotations

from generator.serve import PreviewState, rebuild
from generator.site.urls import Urls
from generator.site.views import brief_of
from tests.support import make_corpus, redate, seed_project, site_files


def test_the_saved_articles_pages_are_rendered_early_and_are_the_rebuilt_pages(tmp_path):
    project, state, articles, shown = _preview(tmp_path, 40, "Early")
    edits = [
        (articles[3], lambda: redate(articles[3], -1)),  # its events move to another year
        (articles[3], lambda: redate(articles[3], 1)),  # and back: they merge with the others' again
        (articles[8], lambda: articles[8].write_text(articles[8].read_text().rstrip("\n")
                                                     + "\n\nOn 3 March 2001 the council met in Oslo.\n")),
        ([articles[10], articles[11]], lambda: (redate(articles[10], -2), redate(articles[11], 3))),
    ]
    for saved, edit in edits:
        files = saved if isinstance(saved, list) else [saved]
        before = {f: _page(state, f) for f in files}
        edit()
        state.kept.early_files = list(files)
        shown.clear()
        assert rebuild(state), state.problems
        assert len(shown) == 1, "handed over once, before the rest of the site"
        assert state.kept.early_region_differed == 0
        early = shown[0]
        assert sorted(early) == sorted(_rel(state, f) for f in files)
        for f in files:
            rel = _rel(state, f)
            assert early[rel] == (state.output / rel).read_bytes()  # the very page the rebuild wrote
            assert early[rel] != before[f]
    assert b"timex-event" in early[_rel(state, articles[11])]  # pages with links to events
    # the redatings' pages came from the merge's region (corpus/region_events.py), before it named every
    # event (the dated sentence added changes the article's words: its page waits for the whole merge)
    assert state.kept.early_from_region >= 2

    # without saved files, or for a file that is no article of the site, nothing is handed over
    state.kept.early_files = [project / "site.toml"]
    redate(articles[3], -1)
    shown.clear()
    assert rebuild(state) and shown == []


def test_a_redatings_early_pages_from_the_merges_region_are_the_rebuilt_pages(tmp_path):
    """corpus/region_events.py names the events a redating made again from
    the merge's region alone, and the saved article's page is rendered from
    them before every event is sorted and named: over a few dozen
    redatings of a 200-article corpus (events moved to other years and
    back, ids numbered among shared bases and claimed back by keep_ids),
    each such page is the page the full merge renders and the rebuild
    writes, and most saves take that way."""
    project, state, articles, shown = _preview(tmp_path, 200, "Region")
    saves = 0
    for a in articles[::13]:
        for by in (-1, -2, 3):
            redate(a, by)
            state.kept.early_files = [a]
            shown.clear()
            assert rebuild(state), state.problems
            if not shown:
                continue  # (a year that dates no event: the article's own page alone, own_pages.py)
            rel = _rel(state, a)
            assert len(shown) == 1 and shown[0][rel] == (state.output / rel).read_bytes()
            saves += 1
    assert saves >= 20
    assert state.kept.early_region_differed == 0
    assert state.kept.early_from_region >= saves * 3 // 4, (state.kept.early_from_region, saves)


def test_an_events_brief_is_its_views(tmp_path):
    """brief_of(event) (what the early pages link with) equals the brief of the event's view."""
    project = seed_project(tmp_path)
    state = PreviewState(project / "site.toml", None, project / ".preview")
    assert rebuild(state)
    from generator.config import load_config

    urls = Urls(load_config(project / "site.toml", output_dir=project / ".preview", base_url="/"))
    kept = state.kept.plan_memo.events
    assert len(kept) > 20
    for event, view in kept.values():
        assert brief_of(event, urls) == view.brief()


def _preview(tmp_path, n: int, title: str) -> tuple:
    """A generated corpus of `n` articles, previewed and built once; the
    pages its rebuilds hand over early are collected in the list returned."""
    project = tmp_path / "p"
    make_corpus(n, "plain", project, title, search=False)
    state = PreviewState(project / "site.toml", None, project / ".preview")
    assert rebuild(state)
    shown: list[dict[str, bytes]] = []
    state.kept.show_early = shown.append
    return project, state, sorted((project / "content" / "articles").glob("*.md")), shown


def _rel(state: PreviewState, file) -> str:
    slug = next(a.article.slug for a in state.kept.analyses.values() if a.article.path.name == file.name)
    return f"articles/{slug}/index.html"


def _page(state: PreviewState, file) -> bytes:
    return (state.output / _rel(state, file)).read_bytes()


def test_an_early_page_never_replaces_the_draft_of_a_newer_save(tmp_path):
    """serve.show_early: the rebuild's page of a saved article is served as
    a draft, unless the page shows it already or its draft is of a save
    made after the rebuild began (the rebuild read the older text)."""
    import time

    from generator.serve import show_early

    state = PreviewState(tmp_path / "site.toml", None, tmp_path / ".preview")
    a, b = "articles/a/index.html", "articles/b/index.html"
    state.drafts, state.drafted, state.version = {a: b"draft of a", b: b"draft of b, saved again"}, {a: 3, b: 5}, 5
    started = 4  # the rebuild began after a's save and before b's second
    show_early(state, started, time.perf_counter(), {a: b"rebuilt a", b: b"rebuilt b"})
    assert state.drafts == {a: b"rebuilt a", b: b"draft of b, saved again"}
    assert state.drafted == {a: 6, b: 5} and state.early_made == {a: 6} and state.version == 6
    show_early(state, started, time.perf_counter(), {a: b"rebuilt a"})  # shown already: nothing new
    assert state.version == 6


def test_a_page_handed_over_once_the_server_stopped_is_dropped_and_the_build_goes_on(tmp_path):
    """serve._hand_over, from the build's thread, after the server's loop closed (Ctrl-C during a
    rebuild): nothing is shown and nothing is raised into the build."""
    import asyncio
    import time

    from generator.serve import _hand_over

    loop = asyncio.new_event_loop()
    loop.close()
    state = PreviewState(tmp_path / "site.toml", None, tmp_path / ".preview")
    _hand_over(state, loop, 0, time.perf_counter(), {"articles/a/index.html": b"rebuilt"})
    assert state.drafts == {} and state.early_made == {}


def _art(title: str, day: str, body: str) -> str:
    return f'---\ntitle: "{title}"\ndate: {day}\n---\n\n{body}\n'


def _saves_match(project, saves) -> PreviewState:
    """Each save (files edited by `edit`), rebuilt: the page handed over early is the written page."""
    state = PreviewState(project / "site.toml", None, project / ".preview")
    assert rebuild(state), state.problems
    shown: list[dict[str, bytes]] = []
    state.kept.show_early = shown.append
    for files, edit in saves:
        edit()
        state.kept.early_files = list(files)
        shown.clear()
        assert rebuild(state), state.problems
        for pages in shown:
            for rel, page in pages.items():
                assert page == (state.output / rel).read_bytes() or pages is not shown[-1]
        for f in files:
            if shown:
                rel = _rel(state, f)
                assert shown[-1][rel] == (state.output / rel).read_bytes()
    assert state.kept.early_region_error is None
    return state


def test_a_redating_that_frees_another_bases_numbered_id_waits_for_the_whole_merge(tmp_path):
    """Two events share the base B, so the second is "B-2", which a third
    event's own base already is: ids_assigned names it "B-2-x". A redating
    that moves the "B-2" event away gives B's second event "B-2" again,
    though B's events are none of the region's (region_events: a base that
    looks like another base's numbered id comes or goes)."""
    from tests.support import make_project

    project = tmp_path / "x"
    make_project(project, {
        "a.md": _art("A", "2012-06-01", "Workers opened the new bridge in the harbour of Oslo in 2003 with salmon "
                     "stalls, herring boats and diesel pumps nearby."),
        "b.md": _art("B", "2012-06-02", "Workers opened the new bridge in the park of Madrid in 2003 while an "
                     "orchestra played Mozart for pensioners and schoolchildren."),
        "q.md": _art("Q", "2012-06-03", "Workers opened the new bridge 2 in Carrow in 2003 with tolls for lorries, "
                     "tractors and caravans, the council said."),
        "s.md": _art("S", "2012-06-04", "The library in Norbury was founded in 1995 by monks.\n\nOn 6 May 2003, "
                     "workers opened the new bridge 2 in Carrow with tolls for lorries, tractors and caravans, "
                     "residents said."),
        "t.md": _art("T", "2012-06-05", "On 6 May 2003, workers opened the new bridge 2 in Carrow with tolls for "
                     "lorries, tractors and caravans, a spokesman said."),
    })
    folder = project / "content" / "articles"
    state = _saves_match(project, [([folder / "q.md", folder / "s.md"],
                                    lambda: (redate(folder / "q.md", 1), redate(folder / "s.md", 1)))])
    assert state.kept.early_region_differed == 0


def test_a_sentence_key_in_two_events_waits_for_the_whole_merge(tmp_path):
    """One sentence that gives "the next day" twice makes two events with
    the same sentence key (merge.mention_key): after a redating both would
    claim one retired id (history.keep_ids gives one each)."""
    from tests.support import make_project

    project = tmp_path / "d"
    make_project(project, {
        "r.md": _art("R", "2012-01-01", "The dam in Yarrow burst on 3 March 2005. The strike, which started the "
                     "next day, ended the next day after talks at the Rail Operators' Association."),
        "o.md": _art("O", "2012-01-02", "The ferry to Port Adley resumed on 9 June 2001 after the storm."),
    })
    r = project / "content" / "articles" / "r.md"
    state = _saves_match(project, [([r], lambda by=by: redate(r, by)) for by in (1, 1, -2, 3)])
    assert state.kept.early_region_differed == 0


def test_a_broken_override_fails_the_rebuild_after_the_merge_whose_record_serves_the_next(tmp_path):
    """An override file that does not parse fails the build, but only once
    the events are merged (pipeline._run): the merge's record of a
    redating made with it is kept, and no early page comes from the merge's
    region (an override may apply to any event)."""
    project, state, articles, shown = _preview(tmp_path, 40, "Broken")
    before = state.kept.merge_record
    (project / "content" / "events").mkdir()
    broken = project / "content" / "events" / "retitle.toml"
    broken.write_text('event = "x"\ntitel = "typo"\n')
    redate(articles[3], -1)
    state.kept.early_files = [articles[3]]
    assert not rebuild(state)
    assert any("retitle.toml" in str(p) for p in state.problems)
    assert state.kept.merge_record is not before  # the redating's merge, recorded for the next build
    assert shown == [] and state.kept.early_from_region == 0


def test_the_first_save_after_the_servers_start_finds_what_its_merge_needs_made(tmp_path, monkeypatch):
    """After its first build, the preview makes what its first redating's
    merge would make first (merge_record.completed: what the clustering
    scored when the record served from disk kept only its pairs, the
    clustering's indexes, the corpus's topic), once the site is live; the
    first save's rebuild then gives what it gives without them, site and
    record alike."""
    import shutil

    from generator.corpus import merge_record

    project, state, articles, _ = _preview(tmp_path, 60, "First")
    record = state.kept.merge_record
    assert record.scored is not None and record.made_topic is not None
    assert None not in (record.scored.near, record.scored.buckets, record.scored.days, record.scored.groups)
    other = tmp_path / "q"
    shutil.copytree(project, other)
    shutil.rmtree(other / ".preview")
    monkeypatch.setattr(merge_record, "completed", lambda record, analyses, index: record)
    without = PreviewState(other / "site.toml", None, other / ".preview")
    assert rebuild(without)
    monkeypatch.undo()
    assert without.kept.merge_record.scored is None or without.kept.merge_record.scored.near is None
    for folder, st in ((project, state), (other, without)):
        redate(folder / "content" / "articles" / articles[4].name, -1)
        assert rebuild(st), st.problems
    assert site_files(state.output) == site_files(without.output)
    a, b = state.kept.merge_record, without.kept.merge_record
    assert (a.groups, a.made, a.ids, a.ranked_keys) == (b.groups, b.made, b.ids, b.ranked_keys)


def test_redatings_of_real_news_hand_over_the_pages_the_rebuild_writes(tmp_path):
    """Real articles (120 of a Timeline17 topic): redatings of one article or
    two at a time; every page handed over early, from the merge's region or
    after the whole merge, is the page the rebuild writes."""
    import random

    from tests.support import shared_dir
    from tests.support.timeline17 import convert, topic_dirs

    project = tmp_path / "t17"
    convert(topic_dirs(shared_dir() / "data" / "timeline17", "H1N1")[:1], project)
    articles = sorted((project / "content" / "articles").glob("*.md"))
    for extra in articles[120:]:
        extra.unlink()
    articles = articles[:120]
    state = PreviewState(project / "site.toml", None, project / ".preview")
    assert rebuild(state), state.problems
    shown: list[dict[str, bytes]] = []
    state.kept.show_early = shown.append
    rng, handed = random.Random(2), 0
    for _ in range(16):
        picks = rng.sample(articles, rng.choice([1, 1, 2]))
        for a in picks:
            try:
                redate(a, rng.choice([-3, -1, 1, 2]))
            except ValueError:  # (no year in its text)
                pass
        state.kept.early_files = list(picks)
        shown.clear()
        assert rebuild(state), state.problems
        for rel, page in (shown[-1] if shown else {}).items():
            assert page == (state.output / rel).read_bytes()
            handed += 1
    assert handed >= 8 and state.kept.early_from_region >= 2, (handed, state.kept.early_from_region)
    assert state.kept.early_region_differed == 0 and state.kept.early_region_error is None
