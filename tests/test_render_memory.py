"""What a build holds while it renders the pages, the longest stage: the
exports (events.json is about 75 MB at 10,000 articles) are written into
the staging folder before the first page is rendered and their bytes let
go then, and a build that returns no events (the command line's) lets them
go too, so neither stays in the build process, nor in the memory its forked
render workers share."""

from __future__ import annotations

import gc
import importlib
import shutil
import time
import tracemalloc
import weakref

import pytest

from generator import pipeline, render
from generator.analysis.cache import ReadBack
from generator.corpus import merge_record
from generator.model import Analysis, Event
from generator.site import merged_from, plan, read_slim
from generator.site.articles import MarkedText
from tests.support import ROOT, analysed, build_site, seed_project, site_files


def _as_rendering_starts(monkeypatch, look) -> None:
    """Call look(renderer) as the build's renderer starts, then render as before."""
    run = render.PageRenderer.run

    def observed(self, sink, on_first=None):
        look(self)
        return run(self, sink, on_first)

    monkeypatch.setattr(render.PageRenderer, "run", observed)


def test_the_exports_bytes_are_let_go_before_the_pages_are_rendered(tmp_path, monkeypatch):
    project = seed_project(tmp_path)
    held: list[int] = []  # the largest blocks the exports' code allocated, alive as rendering begins

    def look(_renderer) -> None:
        snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(True, "*/site/exports.py")])
        held.extend(sorted((s.size for s in snapshot.statistics("traceback")), reverse=True)[:3])

    _as_rendering_starts(monkeypatch, look)
    tracemalloc.start(1)
    try:
        result = build_site(project / "site.toml", jobs=1)
    finally:
        tracemalloc.stop()
    events_json = (project / "output" / "events.json").stat().st_size
    assert result.pages > 20 and events_json > 20_000
    assert held, "the renderer ran while traced"
    assert max(held) < events_json // 4, (held, events_json)


def _events_alive_while_rendering(project, monkeypatch, **options) -> tuple[int, object]:
    """How many merged events of this build the build process holds as its renderer starts, and
    the result (events that were alive before it began, an earlier build's, are not counted)."""
    before = {id(o) for o in gc.get_objects() if type(o) is Event}
    alive: list[int] = []
    _as_rendering_starts(monkeypatch, lambda _renderer: alive.append(
        sum(1 for o in gc.get_objects() if type(o) is Event and id(o) not in before)))
    result = build_site(project / "site.toml", jobs=1, **options)
    monkeypatch.undo()
    return alive[0], result


def test_a_build_that_returns_no_events_lets_them_go_before_rendering(tmp_path, monkeypatch):
    """`build` on the command line prints only the events' number (BuildOptions.keep_events=False):
    the events (65,000 at 10,000 articles) go before the pages are rendered. A library build keeps
    them for its caller. The site is the same either way."""
    kept_alive, kept = _events_alive_while_rendering(seed_project(tmp_path / "a"), monkeypatch)
    gone_alive, gone = _events_alive_while_rendering(seed_project(tmp_path / "b"), monkeypatch, keep_events=False)
    assert kept.event_count == len(kept.events) > 20
    assert kept_alive >= len(kept.events)
    assert gone.events == [] and gone.event_count == kept.event_count
    assert gone_alive == 0
    assert site_files(tmp_path / "a" / "output") == site_files(tmp_path / "b" / "output")


def _copies(values) -> dict[str, int]:
    """Of each string value among `values`, how many distinct objects hold it, where more than one."""
    objects: dict[str, set[int]] = {}
    for v in values:
        if isinstance(v, str) and v:
            objects.setdefault(v, set()).add(id(v))
    return {v: len(ids) for v, ids in objects.items() if len(ids) > 1}


def test_the_short_strings_the_pages_share_are_held_once(tmp_path, monkeypatch):
    """The plan is held through rendering, and shared with the forked render workers: an event's
    URL (its view, its brief, its page, every dated expression that links to it), its date as
    readers read it, its tags and names, an article's anchors and the dates it marks are each
    one string, not a copy per place (10,000 articles: 77 MB of copies before)."""
    project = seed_project(tmp_path)
    sites: list = []
    _as_rendering_starts(monkeypatch, lambda renderer: sites.append(renderer.site))
    build_site(project / "site.toml", jobs=1)
    site = sites[0]
    views = site.events
    marks = [s for a in site.articles for s in a.segments]
    timexes = [s.timex for s in marks if s.timex is not None]
    linked = [t.event_url for t in timexes if t.event_url]
    assert len(views) > 20 and len(linked) > 20
    strings = [
        *(v.url for v in views), *(p.url for p in site.pages), *linked,
        *(v.display_date for v in views), *(t.display for t in timexes), *(t.value for t in timexes),
        *(n for v in views for n in (*v.tags, *v.entity_names)), *(s.anchor for s in marks),
    ]
    assert _copies(strings) == {}


def _quoting_list(project) -> None:
    """The project's list of articles prints how many pieces each article's text has: a page
    rendered after the article pages that reads their text."""
    bundled = (ROOT / "templates" / "articles.html").read_text()
    item = '<li><a href="{{ a.url }}">'
    marked = bundled.replace(item, '<li data-pieces="{{ a.segments|length }}"><a href="{{ a.url }}">')
    assert marked != bundled
    (project / "templates").mkdir(exist_ok=True)
    (project / "templates" / "articles.html").write_text(marked)


def test_no_analysis_is_held_once_the_site_is_planned(tmp_path, monkeypatch):
    """A command-line build holds each article's analysis (its dated expressions, sentences and
    names) after planning for the article's page alone: once the site is planned, the article
    texts let them go (site.articles.let_go_analyses: 10,000 articles, some 100 MB before the
    exports, the pages' fingerprints and the rendering, each beside a forked worker or the search
    indexer), and an article's page reads its analysis back from the cache as it renders, as does
    a page rendered later that reads an article's text. The site equals that of a build that
    holds every analysis through rendering (as the preview does: its next build starts from them)."""
    # the list of articles in 3 pages, each quoting its articles' texts; a site of five articles
    # read back as a big one is
    monkeypatch.setattr(importlib.import_module("generator.site.pages"), "PAGE_SIZE", 2)
    monkeypatch.setattr(pipeline, "READ_BACK_MIN_ARTICLES", 1)
    planned_ids: set[int] = set()
    alive: dict[str, int] = {}
    plan_site = pipeline.plan

    def observed_plan(config, analyses, *args, **kwargs):
        # the analyses planned from (by id: holding them would keep them alive)
        planned_ids.update(id(a) for a in analyses)
        return plan_site(config, analyses, *args, **kwargs)

    def look(renderer):
        alive["held"] = sum(1 for o in gc.get_objects() if type(o) is Analysis and id(o) in planned_ids)
        alive["articles"] = len(renderer.site.articles)
        alive["texts"] = sum(1 for v in renderer.site.articles if isinstance(v.segments, MarkedText))

    monkeypatch.setattr(pipeline, "plan", observed_plan)
    _as_rendering_starts(monkeypatch, look)
    project = seed_project(tmp_path / "a")
    _quoting_list(project)
    build_site(project / "site.toml", jobs=1)
    assert alive["articles"] >= 5 and alive["texts"] == alive["articles"] and alive["held"] == 0, alive
    later = (project / "output" / "articles" / "page" / "3" / "index.html").read_text()
    assert 'data-pieces="' in later and 'data-pieces="0"' not in later

    # a build whose cache holds no entry whole (it cannot write one: its folder is a file) keeps
    # every analysis, and its markup, as does a build of fewer articles than READ_BACK_MIN_ARTICLES
    planned_ids.clear()
    other = seed_project(tmp_path / "b")
    _quoting_list(other)
    (other / ".cache").mkdir(exist_ok=True)
    (other / ".cache" / "articles").write_text("not a folder")
    build_site(other / "site.toml", jobs=1)
    assert alive["held"] == alive["articles"], alive
    assert site_files(project / "output") == site_files(other / "output")
    monkeypatch.undo()
    planned_ids.clear()
    monkeypatch.setattr(pipeline, "plan", observed_plan)
    _as_rendering_starts(monkeypatch, look)
    small = seed_project(tmp_path / "c")
    build_site(small / "site.toml", jobs=1)
    assert alive["held"] == alive["articles"] >= 5, alive


def test_an_article_text_read_after_its_analysis_went_is_read_back_from_the_cache(tmp_path):
    """A template may read an article's text on a page rendered after the article pages (a list of
    articles that quotes them): the text is then made from the analysis read back from the
    per-article cache. Only an entry known whole is read back (one the build read or wrote, or
    one written since it began, by its analysis pool's workers): the analysis of any other (a
    garbled entry the build could not replace) is kept."""
    project = seed_project(tmp_path)
    config, resources, analyses, keys = analysed(project, write_output=True)
    events, index = pipeline.merged_events(analyses, resources, config)
    site = plan(config, analyses, events, index, keys=keys)
    texts = [a.segments for a in site.articles]
    assert len(texts) >= 3 and all(isinstance(t, MarkedText) for t in texts)
    made = [t.made() for t in texts]
    folder = project / ".cache" / "articles"
    later = time.time_ns() + 10**12
    texts[0].let_go(ReadBack(folder, set(), later, keys))  # an entry neither read nor written by the build: kept
    texts[1].let_go(ReadBack(folder, set(), 0, keys))  # an entry written since the build began: let go
    for t in texts[2:]:  # entries the build read or wrote: let go
        t.let_go(ReadBack(folder, set(keys), later, keys))
    del analyses, site
    assert [t.made() for t in texts] == made
    shutil.rmtree(folder)
    assert texts[0].made() == made[0]
    with pytest.raises(RuntimeError, match="could not be read back from the cache"):
        texts[1].made()
    with pytest.raises(RuntimeError, match="could not be read back from the cache"):
        texts[2].made()


def test_an_article_text_made_from_an_analysis_without_its_markup_fails_loudly(tmp_path):
    """An analysis whose HTML and maps went (site.merged_from without markup, site.read_slim) is one
    the build reads back from the cache: a text made from it as it is would be empty, so it fails,
    and not with a LookupError, which a template's item lookup would hide as a missing item."""
    project = seed_project(tmp_path)
    config, resources, analyses, keys = analysed(project, write_output=True)
    events, index = pipeline.merged_events(analyses, resources, config)
    site = plan(config, [merged_from(a, markup=False) for a in analyses], events, index, keys=keys)
    texts = [a.segments for a in site.articles]
    assert texts and all(isinstance(t, MarkedText) for t in texts)
    for t in texts:
        with pytest.raises(RuntimeError, match="lost its markup"):
            t.made()


def test_the_merge_is_given_no_article_source_nor_text_past_its_lead(tmp_path, monkeypatch):
    """Nothing in the merge reads an article's Markdown source or its plain text (each mention
    holds its sentence): a command-line build lets them go before merging (site.merged_from:
    10,000 articles, about 210 MB beside the merge's forked parts), the lead alone kept, which an
    article without a summary of its own is summed up by; and, where the cache holds the entry to
    read it back from as the article's page renders, its HTML and maps (another 127 MB)."""
    seen: list[tuple[int, int, int, int]] = []
    merge = pipeline.merge_corpus

    def observed(analyses, *args, **kwargs):
        seen.append((max(len(a.text) for a in analyses), max(len(a.article.body) for a in analyses),
                     max(len(a.html) for a in analyses), max(len(a.offsets) + len(a.runs) for a in analyses)))
        return merge(analyses, *args, **kwargs)

    monkeypatch.setattr(pipeline, "merge_corpus", observed)
    monkeypatch.setattr(pipeline, "READ_BACK_MIN_ARTICLES", 1)
    project = seed_project(tmp_path)
    build_site(project / "site.toml", jobs=1)
    # nor its HTML and maps, which the cache holds for the article's page (the last test)
    assert seen and seen[0][0] <= 300 and seen[0][1:] == (0, 0, 0), seen
    _, _, analyses, _ = analysed(project)
    assert max(len(a.text) for a in analyses) > 1000 and min(len(a.html) for a in analyses) > 1000


def _append_undated_sentence(project) -> None:
    """Append a sentence without a date to the project's first article (its events stay as they were)."""
    article = sorted((project / "content" / "articles").glob("*.md"))[0]
    article.write_text(article.read_text() + "\nOfficials declined to comment further on the matter.\n")


def _assert_equals_a_cold_build(project, folder) -> None:
    """The project's site is the one a cold build of its content makes (in a fresh seed project at `folder`)."""
    cold = seed_project(folder)
    shutil.copytree(project / "content", cold / "content", dirs_exist_ok=True)
    build_site(cold / "site.toml", jobs=1)
    assert site_files(project / "output") == site_files(cold / "output")


def test_a_merge_record_that_cannot_serve_goes_before_the_merge(tmp_path, monkeypatch):
    """A command-line build reads the last build's merge record from disk (10,000 articles: 104 MB
    once read). When it serves no part of the merge (an article redated: every mention of it moves,
    and the coverage), it goes before the merge's forked parts, and the merge is a cold build's; when
    it serves (a sentence without a date added), the merge takes it; an article added, the record
    made whole (corpus/disk_record.py) serves it, and the record read is not held beside it."""
    seen: list[tuple[bool, bool]] = []  # (a record was passed, the record read from disk is alive)
    loaded: list[weakref.ref] = []  # the record each build read (weakly: the test must not hold it)
    load, recorded = merge_record.load, pipeline.merge_recorded

    def loading(*args, **kwargs):
        got = load(*args, **kwargs)
        if got is not None:
            loaded.append(weakref.ref(got))
        return got

    def observed(*args, **kwargs):
        known = args[7]
        seen.append((known is not None, bool(loaded) and loaded[-1]() is not None))
        del known
        return recorded(*args, **kwargs)

    monkeypatch.setattr(merge_record, "load", loading)
    monkeypatch.setattr(pipeline, "merge_recorded", observed)
    # (and, read back as a big site's are, each analysis read from the cache kept slim: site.read_slim)
    monkeypatch.setattr(pipeline, "READ_BACK_MIN_ARTICLES", 1)
    slimmed: list[str] = []

    def slim(a):
        slimmed.append(a.article.slug)
        return read_slim(a)

    monkeypatch.setattr(pipeline, "read_slim", slim)
    project = seed_project(tmp_path)
    build_site(project / "site.toml", jobs=1)
    assert (project / ".cache" / "merge.json").is_file()
    _append_undated_sentence(project)
    build_site(project / "site.toml", jobs=1)
    assert seen[-1] == (True, True), seen  # (the record served)
    (project / "content" / "articles" / "added.md").write_text(
        "---\ntitle: The council met\ndate: 2020-05-05\n---\nThe council met on Tuesday to approve the budget.\n")
    build_site(project / "site.toml", jobs=1)
    assert len(loaded) == 2 and seen[-1] == (True, False), seen  # (served by the record made whole)
    assert len(set(slimmed)) >= 5, slimmed
    _assert_equals_a_cold_build(project, tmp_path / "cold")
    # (its events then take other ids than a cold build's: the published ones, kept as redirects)
    redated = sorted((project / "content" / "articles").glob("*.md"))[1]
    text = redated.read_text()
    day = next(ln for ln in text.splitlines() if ln.startswith("date: "))
    redated.write_text(text.replace(day, "date: 2018-12-30", 1))
    build_site(project / "site.toml", jobs=1)
    assert len(loaded) == 3 and seen[-1] == (False, False), seen


def test_a_big_sites_rebuild_fingerprints_its_pages_in_this_process_alone(tmp_path, monkeypatch):
    """A cold build fingerprints its pages in parts, in this process and a forked worker
    (render._fingerprint_in_parts); a big site's command-line rebuild (READ_BACK_MIN_ARTICLES)
    in this process alone, as the preview does: a worker hashing half the views copies every
    page of memory holding the views that either process reads (10,000 articles, one edit:
    1,006 -> 923 MB). The fingerprints made in one process are those made in parts: the rebuild
    keeps the pages the edit did not change, and its site equals a cold build's. A smaller
    site's rebuild still fingerprints in parts."""
    monkeypatch.setattr(render, "POOL_MIN_PAGES", 1)  # (the seeds' pages are few: fork all the same)
    in_parts: list[bool] = []
    fingerprint = render.PageRenderer._fingerprint_in_parts

    def observed(self):
        in_parts.append(bool(self.previous))
        return fingerprint(self)

    monkeypatch.setattr(render.PageRenderer, "_fingerprint_in_parts", observed)
    kept: list[int] = []  # the pages each settling kept unrendered, their fingerprint the live one's
    keep_unchanged = render.PageRenderer._keep_unchanged

    def keeping(self, sink, places):
        out = keep_unchanged(self, sink, places)
        kept.append(out.kept)
        return out

    monkeypatch.setattr(render.PageRenderer, "_keep_unchanged", keeping)

    def edit_and_rebuild(project):
        _append_undated_sentence(project)
        return build_site(project / "site.toml", jobs=2)

    monkeypatch.setattr(pipeline, "READ_BACK_MIN_ARTICLES", 1)
    big = seed_project(tmp_path / "big")
    cold = build_site(big / "site.toml", jobs=2)
    assert in_parts == [False]  # a cold build: in parts
    kept.clear()
    warm = edit_and_rebuild(big)
    assert in_parts == [False], in_parts  # the rebuild: in this process alone
    # its fingerprints are those the cold build made in parts: most pages kept, not rendered again
    assert sum(kept) > cold.pages * 0.8, (kept, cold.pages)
    assert warm.stats is not None and 0 < warm.stats.written < cold.pages / 5, (warm.stats, cold.pages)
    _assert_equals_a_cold_build(big, tmp_path / "again")

    monkeypatch.setattr(pipeline, "READ_BACK_MIN_ARTICLES", 10_000)
    in_parts.clear()
    small = seed_project(tmp_path / "small")
    build_site(small / "site.toml", jobs=2)
    edit_and_rebuild(small)
    assert in_parts == [False, True], in_parts
