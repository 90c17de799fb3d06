"""The preview's next build takes the last build's scan of the articles and
stats again only the files its watcher saw change (generator/article_scan.py):
the same output as a cold build after each kind of edit, the scan taken for
an article saved, made anew for a file added or deleted, a symlink followed,
no changes known, or another content folder."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest

from generator.article_scan import ArticleScan, Changes
from generator.build import build
from generator.config import load_config
from generator.file_digests import RACY_SECONDS
from generator.inputs import scan_articles
from generator.serve import PREVIEW_OPTIONS, PreviewState, rebuild
from tests.support import make_corpus, site_files


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    project = tmp_path_factory.mktemp("scan") / "p"
    make_corpus(40, "plain", project, "Scan", search=False)
    return project


def test_preview_builds_given_the_changes_equal_cold_builds(corpus, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(corpus, project)
    time.sleep(RACY_SECONDS + 0.2)  # the copies leave the racy window
    state = PreviewState(project / "site.toml", None, project / ".preview")
    assert rebuild(state)
    content = str(load_config(project / "site.toml").content_dir)
    folder = Path(content) / "articles"
    articles = sorted(folder.glob("*.md"))
    new = folder / "new.md"
    edits = [  # (the edit, the paths it changes, is the last scan taken?)
        (lambda: articles[2].write_text(articles[2].read_text().replace("\n\n", "\n\nOfficials met again. ", 1)),
         [articles[2]], True),
        (lambda: new.write_text("---\ntitle: A new report\ndate: 2009-02-02\n---\nThe minister came on Monday.\n"),
         [new], False),
        (lambda: new.write_text(new.read_text().replace("Monday", "Tuesday")), [new], True),
        (lambda: articles[4].unlink(), [articles[4]], False),
        (lambda: articles[6].write_text(articles[6].read_text() + "\nA paragraph added at the end.\n"),
         [articles[6], project / "templates" / "unrelated.txt"], True),  # a path outside the articles: no matter
    ]
    for n, (edit, paths, kept) in enumerate(edits):
        cold = tmp_path / f"cold{n}"
        shutil.copytree(project / ".preview", cold)  # the same published history
        assert state.kept.scan is not None
        before = state.kept.scan.scanned
        edit()
        state.kept.changes = Changes(frozenset({content}), frozenset(map(str, paths)))
        assert rebuild(state), state.problems
        assert state.kept.changes is None  # taken by the build
        assert (state.kept.scan.scanned is before) == kept, n
        assert state.kept.scan.scanned == scan_articles(Path(content), project), n  # what scanning gives
        config = load_config(project / "site.toml", output_dir=cold, base_url="/")
        build(config, replace(PREVIEW_OPTIONS, use_cache=False))
        a, b = site_files(project / ".preview"), site_files(cold)
        assert sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)) == [], n
    # no changes known (a build the watcher did not start): everything scanned
    before = state.kept.scan.scanned
    assert rebuild(state) and state.kept.scan.scanned is not before


def _scan(project: Path) -> ArticleScan:
    content = project / "content"
    scanned = scan_articles(content, project)
    return ArticleScan(str(content), scanned, {f: os.stat(f) for f in scanned.files})


def test_the_scan_is_taken_only_when_the_changes_say_all(tmp_path):
    project = tmp_path / "p"
    folder = project / "content" / "articles"
    folder.mkdir(parents=True)
    for name in ("a.md", "b.md"):
        (folder / name).write_text("---\ntitle: T\ndate: 2020-01-01\n---\nText.\n")
    content = str(project / "content")
    kept = _scan(project)
    a = str(folder / "a.md")
    roots = frozenset({content})

    (folder / "a.md").write_text("---\ntitle: T\ndate: 2020-01-02\n---\nMore text.\n")
    got = kept.now(content, Changes(roots, frozenset({a, str(project / "site.toml")})))
    assert got is not None
    scanned, stats = got
    assert scanned is kept.scanned and stats[a].st_size == os.stat(a).st_size != kept.stats[a].st_size
    assert stats[str(folder / "b.md")] is kept.stats[str(folder / "b.md")]  # not stat-ed again
    assert kept.now(content, None) is None  # no changes known
    assert kept.now(content, Changes(frozenset({str(tmp_path)}), frozenset({a}))) is None  # named from elsewhere
    assert kept.now(str(tmp_path / "other"), Changes(roots, frozenset({a}))) is None  # another folder
    assert kept.now(content, Changes(roots, frozenset({str(folder / "c.md")}))) is None  # a new file
    assert kept.now(content, Changes(roots, frozenset({str(folder / "sub")}))) is None  # a new folder
    os.unlink(folder / "b.md")
    assert kept.now(content, Changes(roots, frozenset({str(folder / "b.md")}))) is None  # deleted
    (folder / "b.md").symlink_to(folder / "a.md")
    assert kept.now(content, Changes(roots, frozenset({str(folder / "b.md")}))) is None  # now a symlink
    assert kept.now(content, Changes(roots, frozenset({str(folder)}))) is None  # the folder itself
    assert kept.now(content, Changes(roots, frozenset({content}))) is None  # one above it
    # a scan that followed a symlink (its target may change unseen): never taken
    linked = _scan(project)
    assert linked.scanned.unseen
    assert linked.now(content, Changes(roots, frozenset())) is None
    os.unlink(folder / "b.md")
    assert not _scan(project).scanned.unseen
    (project / "elsewhere").mkdir()
    (folder / "more").symlink_to(project / "elsewhere")
    assert _scan(project).scanned.unseen
    os.unlink(folder / "more")
    # a folder the watcher skips (watching.py), whose files' changes it never names
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "c.md").write_text("---\ntitle: T\ndate: 2020-01-01\n---\nText.\n")
    assert _scan(project).scanned.unseen
    shutil.rmtree(folder / "__pycache__")
    assert not _scan(project).scanned.unseen
    # the articles folder itself a symlink (the watcher lists nothing inside it)
    real = project / "content" / "real"
    folder.rename(real)
    folder.symlink_to(real)
    assert _scan(project).scanned.unseen


def test_changes_given_to_a_build_that_failed_before_it_scanned_go_to_the_next(corpus, tmp_path):
    """As the server hands them (serve.hand_changes, changes_taken): an
    article saved while site.toml is broken (the build fails before it
    scans) is still stat-ed again by the build after the fix, whose own
    changes name only site.toml."""
    from generator.serve import changes_taken, hand_changes

    project = tmp_path / "p"
    shutil.copytree(corpus, project)
    time.sleep(RACY_SECONDS + 0.2)
    state = PreviewState(project / "site.toml", None, project / ".preview")
    state.changed_since, state.since_scan = set(), set()  # as serve() starts
    state.watcher.roots = [project / "site.toml", load_config(project / "site.toml").content_dir]
    assert rebuild(state)
    article = sorted((project / "content" / "articles").glob("*.md"))[3]
    settings = (project / "site.toml").read_text()

    def rebuilt(*changed: Path) -> bool:
        assert state.changed_since is not None
        state.changed_since.update(map(str, changed))  # what the watcher saw
        scan = hand_changes(state)
        try:
            return rebuild(state)
        finally:
            changes_taken(state, scan)

    cold = tmp_path / "cold"
    shutil.copytree(project / ".preview", cold)
    article.write_text(article.read_text().replace("\n\n", "\n\nThe council met again. ", 1))
    (project / "site.toml").write_text("title = [broken\n")
    assert not rebuilt(article, project / "site.toml")  # fails reading site.toml, before any scan
    (project / "site.toml").write_text(settings)
    assert rebuilt(project / "site.toml")
    assert state.since_scan == set()  # the build scanned: nothing is owed to the next
    config = load_config(project / "site.toml", output_dir=cold, base_url="/")
    build(config, replace(PREVIEW_OPTIONS, use_cache=False))
    a, b = site_files(project / ".preview"), site_files(cold)
    assert any(b"The council met again." in v for v in a.values())  # the saved edit is in the site
    assert sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)) == []
