"""The preview's rebuilds keep their whole-site passes in the server's own
process (BuildOptions.fork_passes, pipeline.part_jobs): a fork marks every
page of that big process copy-on-write, and the next save's rebuild then
pays a page fault at its first write to each page. A dated save's rebuild
forks nothing (but the first after a cold build, whose staging folder is
linked by a child), still writes the merge record and the own-pages record for
the next process, and equals a cold build; the same rebuild with forked
passes (a library build's default) does fork, so the count can tell."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace

from generator.build import build
from generator.config import load_config
from generator.own_pages import load, record_path
from generator.serve import PREVIEW_OPTIONS, PreviewState, rebuild
from generator.state import BuildState
from tests.support import make_corpus, redate, site_files


class _Forks:
    """The forks this process makes while `counting` (os.register_at_fork: a hook cannot be taken back)."""

    def __init__(self) -> None:
        self.counting, self.count = False, 0
        os.register_at_fork(before=self._before)

    def _before(self) -> None:
        if self.counting:
            self.count += 1


FORKS = _Forks()


def _forks_of(work) -> int:
    FORKS.count, FORKS.counting = 0, True
    try:
        work()
    finally:
        FORKS.counting = False
    return FORKS.count


def test_a_dated_save_is_rebuilt_without_a_fork_and_its_records_are_written(tmp_path):
    project = tmp_path / "p"
    make_corpus(150, "plain", project, "Forks", search=False)
    state = PreviewState(project / "site.toml", None, project / ".preview")
    assert rebuild(state)
    assert len(list(state.output.rglob("*.html"))) > 1000  # enough pages to fingerprint in parts, if forked
    articles = sorted((project / "content" / "articles").glob("*.md"))
    merge_file = project / ".cache" / "merge.json"
    config = load_config(project / "site.toml", output_dir=state.output, base_url="/")
    own_file = record_path(config)
    before = merge_file.read_bytes(), own_file.read_bytes()

    # the first rebuild after a cold build links its staging folder in a child process, a new
    # interpreter (staging.LinkedTree), not a fork of this one: no fork there either
    assert not (tmp_path / "p" / ".preview.staging").exists()
    redate(articles[2], 1)
    assert _forks_of(lambda: rebuild(state)) == 0, "the first rebuild after a cold build forked"
    assert not state.stopped and state.problems == []
    staged = tmp_path / "p" / ".preview.staging"  # (the live site before the swap, as the child linked it)
    assert len(list(staged.rglob("*.html"))) > 1000
    before = merge_file.read_bytes(), own_file.read_bytes()
    redate(articles[5], -1)  # its events move: merged again, every list planned and fingerprinted
    assert _forks_of(lambda: rebuild(state)) == 0, "the preview's rebuild forked"
    assert not state.stopped and state.problems == []
    # the records of this build, written by the server's own process once the site is live
    assert merge_file.read_bytes() != before[0] and own_file.read_bytes() != before[1]
    record = load(own_file)
    assert record is not None and state.kept.merge_record is not None
    # the preview keeps the record it wrote, as the file reads back (own_pages.load_kept: its next save)
    kept = state.kept.own_record
    assert kept is not None and kept[1] == record

    cold = tmp_path / "cold"
    shutil.copytree(state.output, cold)  # the same published history (event ids kept)
    build(load_config(project / "site.toml", output_dir=cold, base_url="/"), replace(PREVIEW_OPTIONS, use_cache=False))
    a, b = site_files(state.output), site_files(cold)
    assert sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)) == []

    # the same kind of rebuild with forked passes (and its first build, to have the state) forks
    forked_state = BuildState()
    options = replace(PREVIEW_OPTIONS, fork_passes=True, jobs=2)
    build(config, options, forked_state)
    redate(articles[9], 1)
    build(config, options, forked_state)  # (its staging folder's child)
    redate(articles[9], 1)
    assert _forks_of(lambda: build(config, options, forked_state)) > 0
