"""Each search bundle's sorted tree of pages is kept in the search's
scratch folder and made again in place for the next run over the same
paths (search._tree): only the pages that are not the files wanted now are
replaced, and only where the page is alone under its folder, since a name
removed and added again in a folder of several may be listed elsewhere.
Real files on this machine's file system; the index a kept tree gives is
checked against a cold build's by the rebuild tests (test_own_pages.py,
test_search_bundles.py, test_early_bundle.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator import search

PAGES = ["articles/a/index.html", "articles/b/index.html", "articles/c/index.html", "articles/index.html"]


def _site(root: Path) -> Path:
    for rel in PAGES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(f"<p>{rel}</p>")
    return root


def _listed(tree: Path) -> list[str]:
    """The tree's pages in the order the file system lists them, as Pagefind walks it."""
    out = []
    for folder, _, names in os.walk(tree):
        out += [os.path.relpath(os.path.join(folder, n), tree) for n in names]
    return out


def _inodes(tree: Path) -> dict[str, int]:
    return {p.relative_to(tree).as_posix(): p.stat().st_ino for p in sorted(tree.rglob("*"))}


def _marked(tree: Path) -> Path:
    """A file no page is, in an article's folder of the tree: there as long as the tree is
    made again in place, gone once it is made afresh (inode numbers are reused at once)."""
    mark = tree / "articles" / "a" / "mark.txt"
    mark.write_text("kept")
    return mark


def _replaced(site: Path, rel: str, text: str) -> None:
    """The site's file at `rel` replaced by a new one (another inode), as a build writes a page anew."""
    (site / rel).unlink()
    (site / rel).write_text(text)


def test_a_kept_tree_takes_the_new_file_of_a_page_alone_in_its_folder(tmp_path):
    site, trees = _site(tmp_path / "site"), tmp_path / "trees"
    tree = search._tree(trees, "4-1", site, PAGES)
    mark = _marked(tree)
    before = _inodes(tree)
    _replaced(site, "articles/b/index.html", "<p>b, edited</p>")
    again = search._tree(trees, "4-1", site, PAGES)
    after = _inodes(again)
    assert again == tree and mark.is_file()  # made again in place
    assert {k for k in after if after[k] != before[k]} == {"articles/b/index.html"}
    assert after["articles/b/index.html"] == (site / "articles/b/index.html").stat().st_ino
    mark.unlink()
    assert _listed(again) == _listed(search._tree(trees, "fresh", site, PAGES, kept=False))


def test_bytes_given_for_a_page_are_written_in_place(tmp_path):
    site, trees = _site(tmp_path / "site"), tmp_path / "trees"
    search._tree(trees, "1-0", site, PAGES, {"articles/a/index.html": b"<p>new</p>"})
    tree = search._tree(trees, "1-0", site, PAGES, {"articles/a/index.html": b"<p>newer</p>"})
    assert (tree / "articles/a/index.html").read_bytes() == b"<p>newer</p>"
    assert (tree / "articles/c/index.html").stat().st_ino == (site / "articles/c/index.html").stat().st_ino


def test_a_page_beside_others_in_its_folder_makes_the_tree_afresh(tmp_path):
    site, trees = _site(tmp_path / "site"), tmp_path / "trees"
    mark = _marked(search._tree(trees, "1-0", site, PAGES))
    _replaced(site, "articles/index.html", "<p>the list, longer</p>")
    again = search._tree(trees, "1-0", site, PAGES)
    assert not mark.exists()  # made afresh
    assert (again / "articles/index.html").read_text() == "<p>the list, longer</p>"
    assert _listed(again) == _listed(search._tree(trees, "fresh", site, PAGES, kept=False))


def test_other_paths_or_a_tree_left_half_made_make_it_afresh(tmp_path):
    site, trees = _site(tmp_path / "site"), tmp_path / "trees"
    _marked(search._tree(trees, "1-0", site, PAGES))
    again = search._tree(trees, "1-0", site, PAGES[1:])  # a page gone
    assert not (again / "articles" / "a").exists() and sorted(_listed(again)) == sorted(PAGES[1:])
    tree = search._tree(trees, "1-0", site, PAGES)
    mark = _marked(tree)
    (trees / "1-0.json").unlink()  # as a run killed while it changed the tree leaves it
    again = search._tree(trees, "1-0", site, PAGES)
    assert not mark.exists() and sorted(_listed(again)) == sorted(PAGES)


def test_the_trees_of_another_number_of_bundles_are_cleared_the_current_ones_kept(tmp_path):
    site, scratch = _site(tmp_path / "site"), tmp_path / ".site.search"
    trees = scratch / search.TREES
    for name in ("8-1", "16-3", f"{search.STRAY}16-3-x"):
        search._tree(trees, name, site, PAGES)
    work = search._Scratch(site, scratch, bundles=16).__enter__()
    work.__exit__(None, None, None)
    assert sorted(p.name for p in trees.iterdir()) == ["16-3", "16-3.json"]


def test_a_tree_is_never_written_through_a_file_it_finds_there(tmp_path):
    """A file left in a tree is a link to a page of a site: writing a page's
    bytes into it would change that page. The tree refuses instead."""
    site, tree = _site(tmp_path / "site"), tmp_path / "tree"
    (tree / "articles" / "a").mkdir(parents=True)
    os.link(site / "articles/a/index.html", tree / "articles/a/index.html")
    with pytest.raises(FileExistsError):
        search._sorted_tree(site, tree, PAGES, {"articles/a/index.html": b"<p>new</p>"})
    assert (site / "articles/a/index.html").read_text() == "<p>articles/a/index.html</p>"
