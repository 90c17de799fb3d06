"""The preview's drafts reach the page in a real browser (Debian chromium
driven by Playwright) in the two cases that used to miss it:

* a page that was loading when a draft of it was announced (its reload
  client not yet connected) gets the draft when it connects, not when the
  rebuild ends;
* a save made while a rebuild runs is drafted and shown at once, and the
  rebuild that follows includes it: the preview's output then equals a cold
  build byte for byte.

The project is a generated corpus big enough that a rebuild of every page
(a new site title) takes seconds, so "before the rebuild ends" is seen in
the server's log, not guessed from timings. A rebuild after one article's
save is shorter (a third of a second): the rebuild waits for the page that
connects late (serve.loading; at most serve.DRAFT_WAIT, 1 s, which its
client, let go as soon as the draft is logged, takes a tenth of), and the
page is seen to swap its draft in, not reload."""

from __future__ import annotations

import re
import shutil
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from generator.build import build
from generator.config import load_config
from generator.serve import PREVIEW_OPTIONS
from generator.write import BOOKKEEPING
from tests.support import make_corpus, running_preview, wait_for
from tests.support.browser import versions_script

pytestmark = pytest.mark.browser

ARTICLES = 200  # a rebuild after one save takes seconds: long enough to save and see a draft during it
CONNECTED = ("() => window.LiveReload && window.LiveReload.connector"
             " && window.LiveReload.connector._isSocketConnected()")
DRAFT = "document.getElementById('preview-draft-swap').hasAttribute('data-draft')"  # the page shows a draft
REBUILT = ("(tag => tag !== null && !tag.hasAttribute('data-draft'))"  # the page (loaded) shows no draft
           "(document.getElementById('preview-draft-swap'))")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    project = tmp_path_factory.mktemp("drafts") / "p"
    make_corpus(ARTICLES, "plain", project, "Drafts", search=False)
    return project


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in BOOKKEEPING}


def _edit(article: Path, original: str, marker: str) -> None:
    article.write_text(original.replace("\n\n", f"\n\n{marker} ", 1))


def _count(project: Path, line: str) -> int:
    return (project / "serve.log").read_text(encoding="utf-8").count(line)


def _rebuilt_shown(page, project: Path, quiet: int) -> None:
    """The page shows the rebuilt site: it reloaded to the rebuilt page, or the
    server found the rebuilt pages to be the drafts shown (more than `quiet`
    such rebuilds logged) and left the page as it is."""
    from playwright.sync_api import Error

    def shown() -> bool:
        try:
            return _count(project, "no reload") > quiet or page.evaluate(f"() => {REBUILT}")
        except Error:  # the page is reloading now
            return False

    wait_for(shown, timeout=30)


def _shows(page, marker: str) -> None:
    page.wait_for_function(f"() => document.body && document.body.innerText.includes('{marker}')", timeout=60000,
                           polling=20)


def test_a_page_that_connects_after_its_draft_was_announced_gets_the_draft(browser, corpus, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(corpus, project)
    article = sorted((project / "content" / "articles").glob("*.md"))[0]
    original = article.read_text()
    with running_preview(project, startup_timeout=900) as (url, proc):
        page = browser.new_page()
        held = []  # the page's reload client, held back: the page is "still loading" when the draft goes out
        page.route("**/livereload.js*", lambda route: held.append(route))
        page.goto(url + f"articles/{article.stem}/", wait_until="commit")
        page.wait_for_selector("article h1")
        wait_for(lambda: held, timeout=30)
        page.evaluate("() => { window.servedFirst = true; }")  # gone if the page reloads
        rebuilt, quiet = _count(project, "[serve] rebuilt"), _count(project, "no reload")

        _edit(article, original, "LATECOMER")
        wait_for(lambda: _count(project, "saved: drafted 1 article page(s)"), timeout=60)
        held[0].continue_()  # the client loads, connects, says which version its page is: it is sent the draft
        page.unroute("**/livereload.js*")  # (later loads of the page get the client at once)
        page.wait_for_function(CONNECTED, timeout=30000)
        _shows(page, "LATECOMER")
        # swapped in when the client connected: had the rebuild ended first, the page would have reloaded
        assert page.evaluate("() => window.servedFirst === true"), "shown by the rebuild, not by the draft"
        assert page.evaluate(f"() => {DRAFT}")

        wait_for(lambda: _count(project, "[serve] rebuilt") > rebuilt, timeout=300)
        _rebuilt_shown(page, project, quiet)  # then the rebuilt page replaces it (or is the draft)
        assert "LATECOMER" in page.locator("body").inner_text() and proc.poll() is None
        page.close()


@contextmanager
def _article_open(browser, corpus: Path, tmp_path: Path, n: int):
    """A copy of the corpus previewed, with the page of its `n`th article
    open and its reload client connected: (project, article, its text, the
    preview's process, the page)."""
    project = tmp_path / "p"
    shutil.copytree(corpus, project)
    article = sorted((project / "content" / "articles").glob("*.md"))[n]
    with running_preview(project, startup_timeout=900) as (url, proc):
        page = browser.new_page()
        page.goto(url + f"articles/{article.stem}/")
        page.wait_for_function(CONNECTED, timeout=30000)
        yield project, article, article.read_text(), url, proc, page


def test_a_save_during_a_rebuild_is_shown_before_that_rebuild_ends(browser, corpus, tmp_path):
    with _article_open(browser, corpus, tmp_path, 1) as (project, article, original, _, proc, page):
        config = project / "site.toml"  # a new site title: every page is made again, a rebuild of seconds
        config.write_text(config.read_text().replace('title = "Drafts"', 'title = "Drafts, retitled"', 1))
        wait_for(lambda: _count(project, "[serve] rebuilding"), timeout=60)
        rebuilt = _count(project, "[serve] rebuilt")

        quiet = _count(project, "no reload")
        _edit(article, original, "SECONDSAVE")  # while that rebuild runs
        _shows(page, "SECONDSAVE")
        assert _count(project, "[serve] rebuilt") == rebuilt, "shown when the running rebuild ended, not at once"
        assert page.evaluate(f"() => {DRAFT}")

        # The rebuild that was running (it ended, or it stopped for the save once its early pages were
        # shown, serve.Superseded), then one more for the second save (no edit lost).
        page_file = project / ".preview" / "articles" / article.stem / "index.html"

        def ended() -> int:  # the rebuilds that ended, or stopped for a newer change
            return _count(project, "[serve] rebuilt") + _count(project, "[serve] stopped after")
        wait_for(lambda: ended() >= rebuilt + 2 and ended() == 1 + _count(project, "[serve] rebuilding"),
                 timeout=600)
        assert "SECONDSAVE" in page_file.read_text(encoding="utf-8")
        _rebuilt_shown(page, project, quiet)
        assert "SECONDSAVE" in page.locator("body").inner_text() and proc.poll() is None
        page.close()

    cold = tmp_path / "cold"
    shutil.copytree(project / ".preview", cold)  # the same published history
    build(load_config(project / "site.toml", output_dir=cold, base_url="/"), replace(PREVIEW_OPTIONS, use_cache=False))
    a, b = _files(project / ".preview"), _files(cold)
    assert sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)) == []


def test_a_rebuild_that_makes_only_the_drafted_page_does_not_reload_it(browser, corpus, tmp_path):
    """A correction appended to an article shows on its page alone: the
    draft the page swapped in is the rebuilt page, byte for byte, so the
    rebuild does not reload the page (no second flash); an edit that moves
    an event (its date changed) changes other pages, and the page reloads."""
    with _article_open(browser, corpus, tmp_path, 2) as (project, article, original, url, proc, page):
        page.evaluate("() => { window.sameDocument = true; }")  # gone if the page reloads

        rebuilt = _count(project, "[serve] rebuilt")
        article.write_text(original + "\nCorrection: an earlier version misspelled CORRECTED.\n")
        _shows(page, "CORRECTED")
        wait_for(lambda: _count(project, "[serve] rebuilt") > rebuilt, timeout=600)
        wait_for(lambda: _count(project, "no reload") == 1, timeout=10)
        page.wait_for_timeout(1000)
        assert page.evaluate("() => window.sameDocument === true"), "reloaded after the rebuild"
        fresh = browser.new_page()
        fresh.goto(url + f"articles/{article.stem}/")
        assert page.locator("body").inner_text() == fresh.locator("body").inner_text()
        fresh.close()

        head, _, body = article.read_text().partition("\n---\n")
        year = re.search(r"\b(19|20)\d\d\b", body)
        assert year is not None
        rebuilt = _count(project, "[serve] rebuilt")
        article.write_text(head + "\n---\n" + body[:year.start()] + str(int(year.group()) - 3)
                           + " (REDATED)" + body[year.end():])
        _shows(page, "REDATED")
        wait_for(lambda: _count(project, "[serve] rebuilt") > rebuilt, timeout=600)
        page.wait_for_function("() => window.sameDocument !== true", timeout=30000)  # reloaded
        page.wait_for_function(f"() => {REBUILT}", timeout=30000)
        assert _count(project, "no reload") == 1 and proc.poll() is None
        page.close()


VERSIONS = versions_script("versions")  # every version of the article the tab shows


def test_a_dated_edit_shows_the_rebuilt_page_before_the_rest_of_the_site_is_built(browser, corpus, tmp_path):
    """An edit that moves an article's events: its draft keeps the last
    build's links, so it is not the rebuilt page; the rebuild hands the
    saved article's page over once the events are merged
    (generator/early_pages.py), and the open page shows it, the very
    article the rebuild then writes, before the page reloads at the
    rebuild's end."""
    project = tmp_path / "p"
    shutil.copytree(corpus, project)
    article = sorted((project / "content" / "articles").glob("*.md"))[3]
    with running_preview(project, startup_timeout=900) as (url, proc):
        page = browser.new_page()
        page.add_init_script(VERSIONS)
        page.goto(url + f"articles/{article.stem}/")
        page.wait_for_function(CONNECTED, timeout=30000)
        before = page.evaluate("() => document.querySelector('article').innerHTML")
        rebuilt, early = _count(project, "[serve] rebuilt"), _count(project, "before the rest of the site")
        head, _, body = article.read_text().partition("\n---\n")
        year = re.search(r"\b(19|20)\d\d\b", body)
        assert year is not None
        article.write_text(head + "\n---\n" + body[:year.start()] + str(int(year.group()) - 2) + body[year.end():])
        wait_for(lambda: _count(project, "[serve] rebuilt") > rebuilt, timeout=600)
        assert _count(project, "before the rest of the site") == early + 1
        page.wait_for_function(f"() => {REBUILT}", timeout=30000)  # reloaded at the rebuild's end
        page_file = project / ".preview" / "articles" / article.stem / "index.html"
        final = page.evaluate("html => new DOMParser().parseFromString(html, 'text/html')"
                              ".querySelector('article').innerHTML", page_file.read_text(encoding="utf-8"))
        assert final != before
        assert page.evaluate("() => document.querySelector('article').innerHTML") == final
        versions = page.evaluate("() => JSON.parse(sessionStorage.getItem('versions'))")
        first_final = min(t for t, html in versions if html == final)
        reloaded_at = page.evaluate("() => performance.timeOrigin")  # the reload after the rebuild
        assert first_final < reloaded_at, "the rebuilt article was first shown by the reload, not early"
        assert proc.poll() is None
        page.close()
