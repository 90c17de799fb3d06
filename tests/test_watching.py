"""The preview's watcher (generator.watching): the snapshot of the watched
files, updated from the paths the operating system names (inotify here) or
by scanning everything; a save is seen either way and the preview drafts and
rebuilds it."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from generator.serve import PreviewState, _watch_once, rebuild, watch
from generator.watching import MISSING, FileEvents, Watcher, rescan, scan
from tests.support import seed_project

MARKER = "The watcher saw this sentence."


def _tree(tmp: Path) -> tuple[Path, Path, Path]:
    folder = tmp / "content"
    (folder / "articles").mkdir(parents=True)
    (folder / "articles" / "a.md").write_text("first", encoding="utf-8")
    (folder / "articles" / ".hidden.md").write_text("x", encoding="utf-8")
    (folder / "articles" / "a.md.swp").write_text("x", encoding="utf-8")
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "x.pyc").write_text("x", encoding="utf-8")
    config = tmp / "site.toml"
    config.write_text("title = 'T'\n", encoding="utf-8")
    return folder, config, tmp / "templates"  # the templates folder does not exist (yet)


def test_scan_lists_the_watched_files_and_the_missing_folders(tmp_path):
    folder, config, templates = _tree(tmp_path)
    snap = scan([config, folder, templates])
    assert set(snap) == {str(config), str(folder / "articles" / "a.md"), str(templates)}
    assert snap[str(templates)] == MISSING
    st = os.stat(folder / "articles" / "a.md")
    assert snap[str(folder / "articles" / "a.md")] == (st.st_mtime_ns, st.st_size, st.st_ctime_ns)


def test_rescan_stats_only_the_named_paths_and_the_single_files(tmp_path):
    folder, config, templates = _tree(tmp_path)
    roots = [config, folder, templates]
    snap = scan(roots)
    article = folder / "articles" / "a.md"
    os.utime(article, ns=(1, 1))  # another stamp, not named: not seen
    other = folder / "articles" / "b.md"
    other.write_text("second", encoding="utf-8")
    assert rescan(snap, set(), roots) == snap
    config.write_text("title = 'Other'\n", encoding="utf-8")  # a single file: always stat-ed
    after = rescan(snap, {str(other), str(folder / "articles" / "b.md.swp")}, roots)
    assert after is not None and after == {**snap, str(config): after[str(config)], str(other): after[str(other)]}
    assert after[str(config)] != snap[str(config)]
    article.unlink()
    gone = rescan(after, {str(article)}, roots)
    assert gone is not None and str(article) not in gone
    assert scan(roots) == gone  # the same as scanning everything


def test_rescan_gives_up_on_folders(tmp_path):
    folder, config, templates = _tree(tmp_path)
    roots = [config, folder, templates]
    snap = scan(roots)
    (folder / "articles" / "2019").mkdir()
    assert rescan(snap, {str(folder / "articles" / "2019")}, roots) is None  # a folder came
    templates.mkdir()
    assert rescan(snap, set(), roots) is None  # a watched folder that was missing appeared
    (folder / "articles" / "2019").rmdir()
    os.rmdir(templates)
    snap = scan(roots)
    os.rename(folder / "articles", folder / "moved")
    assert rescan(snap, {str(folder / "articles")}, roots) is None  # a folder with files went


def test_a_save_truncated_then_written_in_one_tick_changes_the_stamp(tmp_path):
    folder, config, templates = _tree(tmp_path)
    article = folder / "articles" / "a.md"
    before = scan([folder])
    st = os.stat(article)
    article.write_text("first and more", encoding="utf-8")
    os.utime(article, ns=(st.st_atime_ns, st.st_mtime_ns))  # the same time, as within one tick of the clock
    assert scan([folder]) != before


def test_a_mode_change_or_a_copy_that_kept_time_and_size_changes_the_stamp(tmp_path):
    """The build's stat signature sees both (the preview's next build stats
    again only the files whose stamps changed: article_scan.py)."""
    folder, config, templates = _tree(tmp_path)
    article = folder / "articles" / "a.md"
    before = scan([folder])
    time.sleep(0.02)
    os.chmod(article, 0o600)
    assert scan([folder]) != before
    before = scan([folder])
    st = os.stat(article)
    time.sleep(0.02)
    copy = tmp_path / "copy.md"
    copy.write_bytes(b"X" * st.st_size)
    os.utime(copy, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(copy, article)  # same time, same size, other bytes
    assert scan([folder]) != before


def test_file_events_name_the_saved_file(tmp_path):
    folder, config, templates = _tree(tmp_path)
    article = folder / "articles" / "a.md"

    async def run() -> set[str]:
        events = FileEvents.start([folder], asyncio.get_running_loop())
        assert events is not None, "watchfiles is pinned in requirements.txt and inotify works here"
        try:
            article.write_text("saved", encoding="utf-8")
            got: set[str] = set()
            deadline = time.monotonic() + 10
            while str(article) not in got and time.monotonic() < deadline:
                got |= await events.changed(0.5)
            return got
        finally:
            events.close()

    assert str(article) in asyncio.run(run())


@pytest.mark.parametrize("events", [True, False], ids=["file events", "polling"])
def test_a_saved_article_is_drafted_and_rebuilt(tmp_path, events):
    project = seed_project(tmp_path)
    state = PreviewState(project / "site.toml", None, project / ".preview", watcher=Watcher(events_allowed=events))
    state.snapshot = scan(state.watched_roots())
    assert rebuild(state)
    article = sorted((project / "content" / "articles").glob("*.md"))[0]
    page = project / ".preview" / "articles" / article.stem / "index.html"

    async def run() -> None:
        loop = asyncio.get_running_loop()
        state.watcher.follow(state.watched_roots(), loop)
        assert (state.watcher.events is not None) == events
        await _watch_once(state, loop)  # the first round scans everything: nothing changed
        assert state.builds == 1 and not state.stale.is_set()
        previewing = asyncio.ensure_future(watch(state))  # takes the changes, drafts, and rebuilds in a task
        text = article.read_text(encoding="utf-8")
        head, sep, body = text.partition("\n---\n")
        article.write_text(head + sep + MARKER + "\n\n" + body, encoding="utf-8")
        deadline = time.monotonic() + 60
        while state.rebuilt == 0 and time.monotonic() < deadline:  # set when the rebuild's round has ended
            await asyncio.sleep(0.05)
        previewing.cancel()

    asyncio.run(run())
    assert state.builds == 2 and not state.problems
    assert state.rebuilt >= 2  # the rebuild ended after a draft was made (each counts one version)
    assert MARKER in page.read_text(encoding="utf-8")
