"""A rebuild runs Pagefind only when a page it indexes changed; otherwise the
new site gets the live index, and the site equals a cold build's, search
index included (generator/search.py)."""

import json
import os
import shutil
from pathlib import Path

import pytest

from generator import search
from generator.write import MANIFEST
from tests.support import build_site as build
from tests.support import seed_project

pytestmark = pytest.mark.skipif(not search.available(), reason="Pagefind is not installed")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


def _built(tmp_path):
    project = seed_project(tmp_path / "p")
    first = build(project / "site.toml", output=project / "site")
    assert "search" in first.timings
    shutil.copytree(project / "site", project / "cold")  # the same published history
    return project


def _cold_equals_warm(project):
    build(project / "site.toml", output=project / "cold", use_cache=False, allow_shrink=True)
    warm, cold = snapshot(project / "site"), snapshot(project / "cold")
    assert any(k.startswith("pagefind/") for k in warm)
    assert warm.keys() == cold.keys()
    assert [k for k in warm if warm[k] != cold[k]] == []


def _inode(path: Path) -> int:
    return os.stat(path).st_ino


def test_a_change_no_indexed_page_shows_keeps_the_live_index(tmp_path):
    project = _built(tmp_path)
    entry = project / "site" / "pagefind" / "pagefind-entry.json"
    before = _inode(entry)
    (project / "templates").mkdir(exist_ok=True)
    (project / "templates" / "404.html").write_text("{% extends 'base.html' %}{% block main %}gone{% endblock %}")
    again = build(project / "site.toml", output=project / "site")
    assert "search-kept" in again.timings and "search" not in again.timings
    assert _inode(entry) == before  # the live index itself, linked into the new site
    assert json.loads((project / "site" / MANIFEST).read_text())["search"] == search.indexer_key()
    _cold_equals_warm(project)


def test_an_edited_article_is_indexed_again(tmp_path):
    project = _built(tmp_path)
    article = sorted((project / "content" / "articles").glob("*.md"))[1]
    article.write_text(article.read_text().replace("deepened bilateral ties", "deepened their bilateral ties"))
    again = build(project / "site.toml", output=project / "site")
    assert "search" in again.timings and "search-kept" not in again.timings
    _cold_equals_warm(project)


def test_an_index_made_by_another_indexer_is_made_again(tmp_path):
    """A live manifest that names another indexer (another Pagefind, other
    arguments), or none, makes the rebuild run Pagefind."""
    project = _built(tmp_path)
    manifest = project / "site" / MANIFEST
    data = json.loads(manifest.read_text())
    data["search"] = "0.0.1|articles/**/*.html|pagefind|older"
    manifest.write_text(json.dumps(data))
    (project / "templates").mkdir(exist_ok=True)
    (project / "templates" / "404.html").write_text("{% extends 'base.html' %}{% block main %}gone{% endblock %}")
    again = build(project / "site.toml", output=project / "site")
    assert "search" in again.timings and "search-kept" not in again.timings
    _cold_equals_warm(project)


def test_a_missing_live_index_is_made_again(tmp_path):
    project = _built(tmp_path)
    shutil.rmtree(project / "site" / "pagefind")
    again = build(project / "site.toml", output=project / "site")
    assert "search" in again.timings and "search-kept" not in again.timings
    assert (project / "site" / "pagefind" / "pagefind-entry.json").is_file()
    _cold_equals_warm(project)


def test_the_indexer_works_beside_the_site_and_clears_up_after_itself(tmp_path):
    """Pagefind reads a sorted tree of the pages made beside the site (not in
    it), kept there for the next run to make again in place; each run
    removes whatever else the runs before left there, stale indexes
    included, and the site holds nothing of the indexer's but its index."""
    project = _built(tmp_path)
    for n in range(2):
        article = sorted((project / "content" / "articles").glob("*.md"))[n]
        article.write_text(article.read_text() + f"\nA new paragraph, number {n}.\n")
        again = build(project / "site.toml", output=project / "site")
        assert "search" in again.timings
    scratch = project / ".site.search"
    assert sorted(p.name for p in scratch.iterdir()) == [search.TREES]  # each bundle's tree, kept for the next run
    tree = scratch / search.TREES / "1-0"  # the one bundle's tree (a small site's index is one bundle)
    assert sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*.html")) == \
        sorted(p.relative_to(project / "site").as_posix() for p in (project / "site" / "articles").rglob("*.html"))
    for folder in (project / "site", project / ".site.staging"):
        assert [p.name for p in folder.iterdir() if p.name.startswith(".pagefind")] == []
    _cold_equals_warm(project)


def test_a_site_restored_by_a_ci_cache_keeps_its_index_and_rebuilds_to_the_cold_bytes(tmp_path):
    """A deploy whose CI cache kept the published site as well as .cache/
    (README, "Warm deploys"): a fresh clone gets both back as copies (new
    inodes, and no staging folder beside the site). A change no
    indexed page shows takes the restored index; an edited article is
    indexed again; each time the site is a cold build's, index included."""
    project = _built(tmp_path)
    clone = tmp_path / "clone"
    # (what a CI cache keeps: the project's files, .cache/ and the site; not the staging folder beside it)
    shutil.copytree(project, clone, ignore=_not_kept)
    assert (clone / ".cache").is_dir() and (clone / "site" / "pagefind").is_dir()
    assert not (clone / ".site.staging").exists()
    shutil.copytree(clone / "site", clone / "cold")  # the same published history (event ids, redirects)

    (clone / "templates").mkdir(exist_ok=True)
    (clone / "templates" / "404.html").write_text("{% extends 'base.html' %}{% block main %}gone{% endblock %}")
    again = build(clone / "site.toml", output=clone / "site")
    assert "search-kept" in again.timings and "search" not in again.timings
    _clone_equals_cold(clone)

    article = sorted((clone / "content" / "articles").glob("*.md"))[1]
    article.write_text(article.read_text().replace("deepened bilateral ties", "deepened their bilateral ties"))
    again = build(clone / "site.toml", output=clone / "site")
    assert "search" in again.timings and "search-kept" not in again.timings
    _clone_equals_cold(clone)


def _not_kept(_folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n.startswith(".site.") or n == "cold"]


def _clone_equals_cold(clone: Path) -> None:
    build(clone / "site.toml", output=clone / "cold", use_cache=False, allow_shrink=True)
    site, cold = snapshot(clone / "site"), snapshot(clone / "cold")
    assert site.keys() == cold.keys()
    assert [k for k in site if site[k] != cold[k]] == []
