"""A big site's search index is made in bundles (generator/search.py): each
article page's bundle is a hash of its path, each bundle is its own Pagefind
run into its own folder (pagefind/, pagefind/parts/N/), the search page
merges them, a rebuild runs Pagefind only for the bundles whose pages
changed, and the site equals a cold build's, search index included. The
seed site's five articles are split by lowering [site] search_bundle."""

import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from generator import search
from generator.write import MANIFEST
from tests.support import build_site as build
from tests.support import free_port, make_corpus, seed_project
from tests.support.browser import serving
from tests.test_search_reuse import _cold_equals_warm

pytestmark = pytest.mark.skipif(not search.available(), reason="Pagefind is not installed")


def _bundled(tmp_path: Path, per_bundle: int) -> Path:
    project = seed_project(tmp_path / "p")
    toml = project / "site.toml"
    toml.write_text(toml.read_text().replace("key_events = 8", f"key_events = 8\nsearch_bundle = {per_bundle}"))
    first = build(toml, output=project / "site")
    assert "search" in first.timings
    shutil.copytree(project / "site", project / "cold")  # the same published history
    return project


def _article_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in (site / "articles").rglob("*.html"))


def _indexes(site: Path) -> dict[str, int]:
    """Each index folder in the site -> how many pages it holds (Pagefind's entry file)."""
    out = {}
    for entry in sorted((site / "pagefind").rglob("pagefind-entry.json")):
        languages = json.loads(entry.read_text())["languages"]
        out[entry.parent.relative_to(site).as_posix()] = sum(v["page_count"] for v in languages.values())
    return out


def _merged(site: Path) -> list[str]:
    page = (site / "search" / "index.html").read_text()
    found = re.search(r'data-merge="([^"]*)"', page)
    return found.group(1).split() if found else []


def _entry_inodes(site: Path) -> dict[str, int]:
    return {k: os.stat(site / k / "pagefind-entry.json").st_ino for k in _indexes(site)}


def test_the_seed_site_keeps_one_bundle(seed_site):
    _, out = seed_site
    assert list(_indexes(out)) == ["pagefind"] and not (out / "pagefind" / "parts").exists()
    assert 'data-merge' not in (out / "search" / "index.html").read_text()


def test_a_big_site_is_indexed_in_bundles_the_search_page_merges(tmp_path):
    project = _bundled(tmp_path, 2)  # 5 articles, at most 2 a bundle on average: 4 bundles
    site = project / "site"
    pages = _article_pages(site)
    indexes = _indexes(site)
    assert indexes == {search.bundle_folder(b).rstrip("/"): len(part)
                       for b, part in enumerate(search.split(pages, 4))}
    assert len(indexes) == 4 and sum(indexes.values()) == len(pages) == 6  # every page, each once
    assert _merged(site) == ["/pagefind/parts/1/", "/pagefind/parts/2/", "/pagefind/parts/3/"]
    assert json.loads((site / MANIFEST).read_text())["search"] == search.indexer_key(4)
    _cold_equals_warm(project)


def test_an_edit_indexes_only_the_bundles_of_the_pages_it_changed(tmp_path):
    project = _bundled(tmp_path, 2)
    site = project / "site"
    pages_before = {p: os.stat(site / p).st_ino for p in _article_pages(site)}
    entries_before = _entry_inodes(site)
    article = next((project / "content" / "articles").glob("2024-09-20-*.md"))
    article.write_text(article.read_text() + "\nThe talks in Ulaanbataar went on into the night.\n")
    again = build(project / "site.toml", output=site)
    assert "search" in again.timings
    changed = {p for p, ino in pages_before.items() if os.stat(site / p).st_ino != ino}
    assert changed and len(changed) < len(pages_before), changed
    indexed = {search.bundle_folder(search.bundle_of(p, 4)).rstrip("/") for p in changed}
    entries_after = _entry_inodes(site)
    assert {k for k in entries_after if entries_after[k] != entries_before[k]} == indexed
    assert len(indexed) < 4  # a bundle kept: the live index itself, linked into the new site
    _cold_equals_warm(project)


def test_an_edit_in_the_first_bundle_indexes_it_beside_the_kept_ones(tmp_path):
    """The first bundle's index is the index's top folder, which holds the
    others' folders: Pagefind writes it with the kept bundles' indexes
    linked in beside it (search.Indexing). A retitled article changes the
    articles' list (always in the first bundle) and its own page: those two
    bundles are indexed again, the other two are the live index itself, and
    the site equals a cold build's."""
    project = _bundled(tmp_path, 2)
    site = project / "site"
    page = next(p for p in _article_pages(site) if p.count("/") == 2 and search.bundle_of(p, 4) not in (0, 2))
    entries_before = _entry_inodes(site)
    article = project / "content" / "articles" / f"{page.split('/')[1]}.md"
    article.write_text(re.sub(r'^title: "?(.*?)"?$', r'title: "\1 (updated)"', article.read_text(), count=1,
                              flags=re.M))
    assert "search" in build(project / "site.toml", output=site).timings
    entries_after = _entry_inodes(site)
    changed = {k for k in entries_after if entries_after[k] != entries_before[k]}
    expected = {search.bundle_folder(0), search.bundle_folder(search.bundle_of(page, 4))}
    assert changed == {b.rstrip("/") for b in expected} and len(entries_after) == 4
    _cold_equals_warm(project)


def test_a_kept_bundle_is_the_live_ones_whatever_the_staging_folder_holds(tmp_path):
    """A rebuild stages the new site in the folder that held the site
    before the live one. Two edits in two bundles: at the second, the
    staging folder holds the first edited bundle's index from before that
    edit, which the new site must not keep: it gets the live one's, and
    equals a cold build's."""
    project = _bundled(tmp_path, 2)
    site = project / "site"
    by_bundle = dict(enumerate(search.split(_article_pages(site), 4)))
    first, second = (next(p for p in by_bundle[b] if p.count("/") == 2) for b in (1, 3))

    def edit(page: str) -> dict[str, int]:
        article = project / "content" / "articles" / f"{page.split('/')[1]}.md"
        article.write_text(article.read_text() + "\nA correction was appended to this report.\n")
        assert "search" in build(project / "site.toml", output=site).timings
        return _entry_inodes(site)

    before = _entry_inodes(site)
    after_first = edit(first)
    assert {k for k in before if after_first[k] != before[k]} == {"pagefind/parts/1"}
    after_second = edit(second)
    assert {k for k in before if after_second[k] != after_first[k]} == {"pagefind/parts/3"}
    _cold_equals_warm(project)


def _staged_copy(live: Path, to: Path, changed: list[str]) -> None:
    """The live site as a build stages it: every file a hard link to the
    live one, but `changed` (pages written anew: new files, other bytes)."""
    shutil.copytree(live, to, copy_function=os.link, ignore=shutil.ignore_patterns("pagefind"))
    for page in changed:
        text = (to / page).read_text()
        (to / page).unlink()
        (to / page).write_text(text.replace("</article>", "<p>Updated since.</p></article>", 1))


def _index_bytes(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted((site / "pagefind").rglob("*"))
            if p.is_file()}


def test_pagefind_starts_on_the_bundles_of_the_pages_written_anew(tmp_path):
    """search.Indexing compares each bundle with the live one and starts
    Pagefind on the first that needs an index, while the others are still
    being compared; the pages a build knows it wrote anew (`likely`: the
    own-pages rebuild's) put their bundles first. The order changes which
    bundle is indexed first, never the index: it equals one made in the
    bundles' own order, and the bundles not changed are the live index."""
    project = _bundled(tmp_path, 2)
    live = project / "site"
    pages = _article_pages(live)
    by_bundle = {b: part for b, part in enumerate(search.split(pages, 4))}
    assert all(by_bundle.values()), by_bundle  # (the seed site fills each of the 4 bundles)
    changed = [by_bundle[3][0], by_bundle[1][0]]
    indexes = {}
    for name, likely in (("likely", [changed[0]]), ("in order", [])):
        staged = tmp_path / name
        _staged_copy(live, staged, changed)
        job = search.Indexing(staged, None, pages, 4, live, pages, likely)
        ok, message = job.wait()
        assert ok, message
        assert job.todo == ([3, 1] if likely else [1, 3]) and job.kept == [0, 2]
        indexes[name] = _index_bytes(staged)
    assert indexes["likely"] == indexes["in order"]
    kept = search.bundle_folder(2)
    assert any(k.startswith(kept) for k in indexes["likely"])
    assert all(os.path.samefile(tmp_path / "likely" / k, live / k) for k in indexes["likely"] if k.startswith(kept))


def test_a_change_of_bundle_count_indexes_every_bundle_again(tmp_path):
    project = _bundled(tmp_path, 2)
    toml = project / "site.toml"
    toml.write_text(toml.read_text().replace("search_bundle = 2", "search_bundle = 1"))  # 8 bundles
    again = build(toml, output=project / "site", allow_shrink=True)
    assert "search" in again.timings
    site = project / "site"
    # Some of the 8 bundles hold no page: they have no index and the search page does not merge them.
    filled = search.bundles_with_pages(_article_pages(site), 8)
    assert 1 < len(filled) < 8
    assert list(_indexes(site)) == [search.bundle_folder(b).rstrip("/") for b in filled]
    assert _merged(site) == [f"/{search.bundle_folder(b)}" for b in filled if b]
    _cold_equals_warm(project)


# Pagefind's own search code (pagefind.js, as the search page loads it) run in
# Node: the first bundle merges the others the search page lists, and a word
# of an article in each bundle is found. (The browser test in
# test_site_checks.py does the same through the search page's UI.)
NODE_SEARCH = """
const [, , module, base, merged, ...queries] = process.argv;
const pagefind = await import(module);
await pagefind.options({ basePath: base + "/pagefind/" });
for (const path of merged.split(" ").filter(Boolean)) await pagefind.mergeIndex(base + path);
const found = {};
for (const q of queries) {
  const search = await pagefind.search(q);
  found[q] = await Promise.all(search.results.map(async (r) => new URL((await r.data()).url).pathname));
}
console.log(JSON.stringify(found));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node is not installed")
def test_pagefind_finds_words_of_every_bundle_merged(tmp_path):
    project = _bundled(tmp_path, 2)
    site = project / "site"
    script = tmp_path / "search.mjs"
    script.write_text(NODE_SEARCH)
    shutil.copy(site / "pagefind" / "pagefind.js", tmp_path / "pagefind.mjs")
    port = free_port()
    with serving(site, port) as base:
        run = subprocess.run(["node", str(script), str(tmp_path / "pagefind.mjs"), base.rstrip("/"),
                              " ".join(_merged(site)), "Ulaanbataar", "Lavrov", "Putin"],
                             capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout.strip().splitlines()[-1])
    pages = _article_pages(site)
    in_bundle = {p.split("/")[1][:10]: search.bundle_of(p, 4) for p in pages if p != search.LISTING}
    assert in_bundle["2024-09-20"] == 1 and in_bundle["2019-05-16"] == 3
    assert found["Ulaanbataar"] == ["/articles/2024-09-20-putin-after-mongolia/"]
    assert found["Lavrov"] == ["/articles/2019-05-16-from-russia-with-love-for-pompeo/"]
    # every article holds the name: each bundle answers, each page once
    assert sorted(found["Putin"]) == sorted("/" + p[: -len("index.html")] for p in pages)


def test_an_added_article_indexes_its_own_bundle_not_those_of_the_moved_list_pages(tmp_path):
    """An added article moves every page of the articles' list by one
    (articles/page/2/...). Pagefind skips those pages (only the article
    template marks data-pagefind-body), so they are left out of the bundles:
    the rebuild indexes the new article's bundle and the first (which holds
    the list's first page), and keeps every other bundle's live index."""
    project = tmp_path / "p"
    make_corpus(105, "plain", project, "Bundles", base_url="https://example.org/")
    toml = project / "site.toml"
    toml.write_text("search_bundle = 10\n" + toml.read_text())  # 105 articles: 16 bundles
    site = project / "site"
    build(toml, output=site)
    shutil.copytree(site, project / "cold")  # the same published history
    assert (site / "articles" / "page" / "2" / "index.html").is_file()
    before = _entry_inodes(site)
    list_pages = {p for p in _article_pages(site) if p.startswith("articles/page/")}
    assert list_pages and not any(search.is_indexed(p) for p in list_pages)
    added = project / "content" / "articles" / "zz-added.md"
    added.write_text("---\ntitle: Added story\ndate: 2020-05-05\n---\nThe council met in Ashford on Tuesday.\n")
    again = build(toml, output=site)
    assert "search" in again.timings
    after = _entry_inodes(site)
    indexed = {k for k in after if after.get(k) != before.get(k)}
    new_page = f"articles/{added.stem}/index.html"
    assert (site / new_page).is_file()
    assert indexed <= {"pagefind", search.bundle_folder(search.bundle_of(new_page, 16)).rstrip("/")}
    assert len(after) > 8  # most bundles kept: the live index itself, linked into the new site
    _cold_equals_warm(project)


def test_a_thread_that_gives_way_to_pagefind_lowers_its_own_priority_alone(tmp_path, monkeypatch):
    """search.Indexing(give_way=True), the command line's one-article
    rebuild's: once Pagefind runs, the calling thread (here one of its own,
    as the priority is a thread's) takes nice GIVE_WAY; the index is the
    same, and no other thread's priority moves (a test, or the preview,
    calls the build in a process that lives on)."""
    if os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) >= search.GIVE_WAY:
        pytest.skip("the tests run at that priority already")
    project = _bundled(tmp_path, 2)
    live = project / "site"
    pages = _article_pages(live)
    changed = [search.split(pages, 4)[3][0]]
    seen: dict[str, object] = {}

    started_at: list[int] = []  # the nice value of the thread that starts each Pagefind run
    popen = subprocess.Popen

    def noted_popen(*args, **kwargs):
        started_at.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return popen(*args, **kwargs)

    def index(name: str, give_way: bool) -> None:
        staged = tmp_path / name
        _staged_copy(live, staged, changed)
        me = threading.get_native_id()
        before = os.getpriority(os.PRIO_PROCESS, me)
        job = search.Indexing(staged, None, pages, 4, live, pages, changed, give_way)
        seen[name] = (before, os.getpriority(os.PRIO_PROCESS, me), job.wait(), _index_bytes(staged))

    main = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    monkeypatch.setattr(subprocess, "Popen", noted_popen)
    for name, give_way in (("gives way", True), ("as ever", False)):
        thread = threading.Thread(target=index, args=(name, give_way))
        thread.start()
        thread.join()
    monkeypatch.undo()
    before, after, (ok, message), index_bytes = seen["gives way"]  # type: ignore[misc]
    assert ok, message
    assert after == max(before, search.GIVE_WAY) and after > before
    assert started_at and set(started_at) == {main}  # each Pagefind run started at the priority it had
    assert seen["as ever"][1] == seen["as ever"][0]  # type: ignore[index]
    assert index_bytes == seen["as ever"][3]  # type: ignore[index]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main
