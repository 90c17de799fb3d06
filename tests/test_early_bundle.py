"""The command line's rebuild of an edited article's own page starts
Pagefind over the article's bundle before the new site is staged
(search.EarlyBundle, own_pages._search_early), and the search takes that
run only when the bundle's pages in the new site are the ones it read. The
site, index included, equals a cold build's in every case: the run taken,
the run refused (a page of its bundle not the staged file), and the
rebuild given up for the full build after the run began (before the site
is staged, or after the run was taken). The early runs' and the search's
calls are noted as they happen (`_spied`: the real methods, wrapped)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator import search, write
from tests.support import build_site, seed_project
from tests.test_own_pages import CORRECTION, assert_equals_cold, files

pytestmark = pytest.mark.skipif(not search.available(), reason="Pagefind is not installed")

BUNDLES = 4


def _project(tmp_path: Path) -> Path:
    """The seeds in four search bundles, built as the command line builds
    them, with a copy of the site for the cold build (the same published
    ids)."""
    project = seed_project(tmp_path / "p")
    toml = project / "site.toml"
    toml.write_text(toml.read_text().replace("key_events = 8", "key_events = 8\nsearch_bundle = 2"))
    _build(project)
    shutil.copytree(project / "site", project / "cold")
    return project


def _build(project: Path):
    return build_site(project / "site.toml", output=project / "site", search_index=True, skip_unchanged=True)


def _pages(site: Path) -> list[str]:
    return search.indexed_pages(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def _article_page(project: Path, article: Path) -> str:
    return f"articles/{article.stem}/index.html"


def _articles(project: Path) -> list[Path]:
    return sorted((project / "content" / "articles").glob("*.md"))


def _with_a_neighbour(project: Path) -> tuple[Path, str, list[str]]:
    """An article whose bundle holds another indexed page: the article, that
    page, and the bundle's pages."""
    parts = search.split(_pages(project / "site"), BUNDLES)
    for article in _articles(project):
        mine = _article_page(project, article)
        part = parts[search.bundle_of(mine, BUNDLES)]
        others = [p for p in part if p != mine]
        if others:
            return article, others[0], part
    raise AssertionError("no bundle holds two pages")


def _early_folders(project: Path) -> list[Path]:
    scratch = write.search_scratch((project / "site").resolve())
    return sorted(scratch.glob("early-*")) if scratch.is_dir() else []


def _pagefind_runs_over(folder: Path) -> list[str]:
    """The command lines of running processes that name `folder` (Linux's /proc)."""
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if str(folder) in cmdline:
            out.append(cmdline)
    return out


def test_the_edited_bundle_is_indexed_by_the_run_started_before_staging(tmp_path):
    project = _project(tmp_path)
    article, _, part = _with_a_neighbour(project)
    article.write_text(article.read_text() + CORRECTION)
    result = _build(project)
    assert "own-pages" in result.timings and "search" in result.timings
    early = _early_folders(project)
    assert len(early) == 1, early  # the run taken: its folder stays for the next build to clear
    assert not any((early[0] / "out").iterdir())  # its index moved into the new site's
    page = _article_page(project, article)
    scratch = write.search_scratch((project / "site").resolve())
    tree = scratch / search.TREES / f"{BUNDLES}-{search.bundle_of(page, BUNDLES)}"  # the pages it read, kept
    assert sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*.html")) == part
    assert (tree / page).read_bytes() == (project / "site" / page).read_bytes()
    assert_equals_cold(project, search_index=True)


def _spied(monkeypatch) -> list[str]:
    """What the early runs and the search do, in order: the real methods,
    each call noted ("started", "serves: True", "stopped", "indexing")."""
    seen: list[str] = []
    start, serves, stop, indexing = (search.EarlyBundle.start, search.EarlyBundle.serves, search.EarlyBundle.stop,
                                     search.Indexing.__init__)

    def started(cls, *args, **kwargs):
        run = start.__func__(cls, *args, **kwargs)
        seen.append("started" if run is not None else "not started")
        return run

    def served(self, *args):
        answer = serves(self, *args)
        seen.append(f"serves: {answer}")
        return answer

    def stopped(self):
        if self.process is not None and "stopped" not in seen:
            seen.append("stopped")
        stop(self)

    def indexed(self, *args, **kwargs):
        seen.append("indexing")
        indexing(self, *args, **kwargs)

    monkeypatch.setattr(search.EarlyBundle, "start", classmethod(started))
    monkeypatch.setattr(search.EarlyBundle, "serves", served)
    monkeypatch.setattr(search.EarlyBundle, "stop", stopped)
    monkeypatch.setattr(search.Indexing, "__init__", indexed)
    return seen


def test_a_run_whose_page_is_not_the_staged_file_is_stopped_and_the_bundle_indexed_again(tmp_path, monkeypatch):
    seen = _spied(monkeypatch)
    project = _project(tmp_path)
    article, neighbour, _ = _with_a_neighbour(project)
    article.write_text(article.read_text() + CORRECTION)
    _build(project)  # the staging folder now holds the site before this rebuild, kept from its swap
    # A page of the bundle replaced by a copy of itself: the same bytes, another file than the staged one
    live = project / "site" / neighbour
    data = live.read_bytes()
    live.unlink()
    live.write_bytes(data)
    article.write_text(article.read_text() + "\nA second correction: a date was misprinted.\n")
    seen.clear()
    result = _build(project)
    assert "own-pages" in result.timings and "search" in result.timings
    assert seen[:4] == ["started", "indexing", "serves: False", "stopped"], seen
    assert _early_folders(project) == []  # not taken: stopped, its folder gone
    assert_equals_cold(project, search_index=True)


@pytest.mark.parametrize("gone, calls", [
    # an export, found missing before the site is staged: the run is stopped before anything takes it
    ("events.json", ["started", "stopped", "indexing"]),
    # a page, found missing beside Pagefind (own_pages._every_page_live): taken, then stopped
    ("robots.txt", ["started", "indexing", "serves: True", "stopped", "indexing"]),
])
def test_a_rebuild_given_up_for_the_full_build_leaves_no_run_behind(tmp_path, monkeypatch, gone, calls):
    seen = _spied(monkeypatch)
    project = _project(tmp_path)
    article = _articles(project)[0]
    article.write_text(article.read_text() + CORRECTION)
    (project / "site" / gone).unlink()  # the full build writes it again
    seen.clear()
    result = _build(project)
    assert "own-pages" not in result.timings
    assert seen == calls  # the early run stopped before the full build's search begins
    scratch = write.search_scratch((project / "site").resolve())
    assert _pagefind_runs_over(scratch) == []
    assert _early_folders(project) == []
    assert (project / "site" / gone).is_file()
    assert_equals_cold(project, search_index=True)
    assert any(k.startswith("pagefind/parts/") for k in files(project / "site"))
