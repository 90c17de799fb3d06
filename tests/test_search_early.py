"""A build starts Pagefind as soon as the pages it indexes (the article
pages) are in place, and renders the rest of the site while it runs
(render.PageRenderer.run, search.Indexing); the site still equals a cold
build's, search index included, and a build that fails after the indexer
started leaves the live site as it was and no indexer running."""

import os
import shutil
from pathlib import Path

import pytest

from generator import search
from generator.errors import BuildError
from tests.support import build_site as build
from tests.support import seed_project
from tests.test_search_reuse import _cold_equals_warm, snapshot

pytestmark = pytest.mark.skipif(not search.available(), reason="Pagefind is not installed")


def _built(tmp_path: Path) -> Path:
    project = seed_project(tmp_path / "p")
    build(project / "site.toml", output=project / "site")
    shutil.copytree(project / "site", project / "cold")  # the same published history
    return project


def _tree_started(project: Path) -> int:
    """When the indexer's sorted tree of pages was made whole: the scratch keeps the one
    bundle's, and the list of its pages written once it is (search._tree)."""
    listings = sorted((project / ".site.search" / search.TREES).glob("*.json"))
    assert [p.name for p in listings] == ["1-0.json"]
    return os.stat(listings[0]).st_mtime_ns


def _pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html") if not p.is_relative_to(site / "pagefind")}


def _indexer_processes() -> list[int]:
    """Pagefind processes started by this test process (its children)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
        if "pagefind" in name and int(rest[1]) == os.getpid():
            found.append(int(entry))
    return found


def test_a_cold_build_and_an_edit_index_before_the_rest_is_rendered(tmp_path):
    project = _built(tmp_path)
    site = project / "site"
    # A cold build too starts Pagefind once the pages it indexes are written, before the rest.
    indexed = [p for p in _pages(site) if search.is_indexed(p)]
    rest = [p for p in _pages(site) if not search.is_indexed(p)]
    assert len(rest) > 50
    assert max(os.stat(site / p).st_mtime_ns for p in indexed) <= _tree_started(project) \
        < max(os.stat(site / p).st_mtime_ns for p in rest)
    before = _pages(site)
    article = sorted((project / "content" / "articles").glob("*.md"))[0]
    article.write_text(article.read_text() + "\nOn 3 March 2031 the delegations met again in Vladivostok.\n")
    again = build(project / "site.toml", output=site)
    assert "search" in again.timings
    new_events = [p for p in _pages(site) - before if p.startswith("events/")]
    assert new_events, "the added sentence makes an event page"
    # The indexer's tree was made before the new event's page was written (timestamps are coarse: <=).
    assert _tree_started(project) <= min(os.stat(site / p).st_mtime_ns for p in new_events)
    _cold_equals_warm(project)


def test_a_deleted_article_is_gone_from_the_index_started_early(tmp_path):
    """Stale pages leave the new site before the indexer reads it."""
    project = _built(tmp_path)
    articles = sorted((project / "content" / "articles").glob("*.md"))
    articles[0].unlink()
    articles[1].write_text(articles[1].read_text() + "\nOn 4 March 2031 the talks resumed.\n")
    build(project / "site.toml", output=project / "site", allow_shrink=True)
    _cold_equals_warm(project)


def test_a_page_failing_after_the_indexer_started_leaves_the_live_site_and_no_indexer(tmp_path):
    project = _built(tmp_path)
    live, first_tree = snapshot(project / "site"), _tree_started(project)
    article = sorted((project / "content" / "articles").glob("*.md"))[0]
    article.write_text(article.read_text() + "\nOn 5 March 2031 the delegations met again.\n")
    # Every page's fingerprint covers every template, so all are rendered: the article pages first
    # (the indexer starts), then the event pages, the first of which fails.
    (project / "templates").mkdir(exist_ok=True)
    (project / "templates" / "event.html").write_text("{% extends 'base.html' %}{% block main %}"
                                                      "{{ no_such_value }}{% endblock %}")
    with pytest.raises(BuildError) as failed:
        build(project / "site.toml", output=project / "site")
    assert "no_such_value" in str(failed.value) and "event.html" in str(failed.value)
    assert _tree_started(project) > first_tree  # the indexer had started: this build's tree of pages
    assert _indexer_processes() == []
    assert snapshot(project / "site") == live
    for folder in (project / "site", project / ".site.staging"):
        assert not folder.exists() or [p.name for p in folder.iterdir() if p.name.startswith(".pagefind")] == []
    # The next build, template fixed, equals a cold build.
    (project / "templates" / "event.html").unlink()
    build(project / "site.toml", output=project / "site")
    _cold_equals_warm(project)


def test_a_cold_build_failing_after_the_indexer_started_leaves_no_site_and_no_indexer(tmp_path):
    """A cold build starts Pagefind beside its rendering too: a page failing
    after that leaves no output folder, no indexer running and none of its files."""
    project = seed_project(tmp_path / "p")
    (project / "templates").mkdir()
    (project / "templates" / "event.html").write_text("{% extends 'base.html' %}{% block main %}"
                                                      "{{ no_such_value }}{% endblock %}")
    with pytest.raises(BuildError) as failed:
        build(project / "site.toml", output=project / "site")
    assert "no_such_value" in str(failed.value) and "event.html" in str(failed.value)
    _tree_started(project)  # the indexer had started: its tree of pages is there
    assert _indexer_processes() == []
    assert not (project / "site").exists() or not any((project / "site").iterdir())
    staging = project / ".site.staging"
    assert not staging.exists() or [p.name for p in staging.iterdir() if p.name.startswith(".pagefind")] == []


def test_while_the_indexer_runs_the_rest_is_rendered_by_one_process_fewer(tmp_path, monkeypatch):
    """On two cores: the article pages (what Pagefind reads) are rendered by this process and a
    forked worker; while Pagefind runs it takes a core, so the rest is rendered by this process
    alone (no worker copying the site's memory to compete with the indexer), which forks its
    worker once the indexer is done. Without an index the rest is rendered in a worker too.
    The site is the one a single process renders."""
    import time

    from generator import render
    from tests.test_cold import snapshot

    monkeypatch.setattr(render, "POOL_MIN_PAGES", 1)  # fork even for the seeds
    monkeypatch.setattr(render, "CHUNK", 4)
    marks = tmp_path / "renderers"
    marks.mkdir()
    render_range = render.PageRenderer.render_range

    def recorded(self, start, stop, sink, between=None):
        began = time.monotonic()  # (one clock for every process of the machine)
        with open(marks / str(os.getpid()), "a", encoding="utf-8") as f:
            f.writelines(f"{began} {self.site.pages[self.todo[n]].path}\n" for n in range(start, stop))
        return render_range(self, start, stop, sink, between)

    monkeypatch.setattr(render.PageRenderer, "render_range", recorded)
    done: list[float] = []  # when the indexer was first found done
    running = search.Indexing.running

    def watched(self) -> bool:
        answer = running(self)
        if not answer and not done:
            done.append(time.monotonic())
        return answer

    monkeypatch.setattr(search.Indexing, "running", watched)

    def renderers(search_index: bool) -> list[tuple[float, int, str]]:
        for f in marks.iterdir():
            f.unlink()
        done.clear()
        project = seed_project(tmp_path / f"p{search_index}")
        build(project / "site.toml", use_cache=False, search_index=search_index, jobs=2)
        rendered = [(float(when), int(f.name), path) for f in marks.iterdir()
                    for when, path in (line.split() for line in f.read_text(encoding="utf-8").splitlines())]
        assert len(rendered) > 50
        return rendered

    me = os.getpid()
    indexed = renderers(True)
    assert any(pid != me for _, pid, path in indexed if search.is_indexed(path))  # a worker beside
    rest = [(when, pid) for when, pid, path in indexed if not search.is_indexed(path)]
    assert any(pid == me for _, pid in rest)
    # every page of the rest that a worker rendered, it rendered once the indexer was done
    assert all(done and when >= done[0] for when, pid in rest if pid != me), (done, rest)
    unindexed = renderers(False)
    assert any(pid != me for _, pid, path in unindexed if not search.is_indexed(path))
    one = seed_project(tmp_path / "one")
    build(one / "site.toml", use_cache=False, jobs=1)
    # every page (the build's stamp, which names its options, and the index aside)
    two, single = ({k: v for k, v in snapshot(p / "output").items() if not k.startswith(("pagefind", "."))}
                   for p in (tmp_path / "pTrue", one))
    assert len(two) > 50 and two == single
