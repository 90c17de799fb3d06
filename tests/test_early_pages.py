"""The preview's rebuild renders the saved articles' pages as soon as the
events are merged (generator/early_pages.py), and hands them over before
the rest of the site is built: each is the very page the rebuild then
writes, after edits that move an article's events to another year and
back, add a dated sentence, and redate two articles at once."""

from __future__ import annotations

from generator.serve import PreviewState, rebuild
from generator.site.urls import Urls
from generator.site.views import brief_of
from tests.support import make_corpus, redate, seed_project


def test_the_saved_articles_pages_are_rendered_early_and_are_the_rebuilt_pages(tmp_path):
    project = tmp_path / "p"
    make_corpus(40, "plain", project, "Early", search=False)
    state = PreviewState(project / "site.toml", None, project / ".preview")
    assert rebuild(state)
    articles = sorted((project / "content" / "articles").glob("*.md"))
    shown: list[dict[str, bytes]] = []
    state.kept.show_early = shown.append
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
    project = tmp_path / "p"
    make_corpus(200, "plain", project, "Region", search=False)
    state = PreviewState(project / "site.toml", None, project / ".preview")
    assert rebuild(state)
    articles = sorted((project / "content" / "articles").glob("*.md"))
    shown: list[dict[str, bytes]] = []
    state.kept.show_early = shown.append
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
