"""A preview rebuild that a newer change supersedes (serve.py: a change
while a rebuild runs sets BuildState.superseded; the build's checkpoints,
BuildState.go_on, then raise Superseded). It stops only after handing over
the saved articles' early pages and before touching the output: the live
site is the last good one, byte for byte, no problem is reported, and the
rebuild that follows, reading both saves, equals a cold build. Without a
newer change the same checkpoints let the build through."""

from __future__ import annotations

import shutil
from dataclasses import replace

from generator.build import build
from generator.config import load_config
from generator.serve import PREVIEW_OPTIONS, PreviewState, rebuild
from tests.support import make_corpus, redate, site_files


def test_a_superseded_rebuild_leaves_the_site_and_the_next_one_equals_a_cold_build(tmp_path):
    project = tmp_path / "p"
    make_corpus(40, "plain", project, "Superseded", search=False)
    state = PreviewState(project / "site.toml", None, project / ".preview")
    assert rebuild(state)
    live = site_files(state.output)
    articles = sorted((project / "content" / "articles").glob("*.md"))

    shown: list[dict[str, bytes]] = []

    def early(pages: dict[str, bytes]) -> None:  # a newer save comes as the rebuilt pages are shown
        shown.append(pages)
        state.kept.superseded = True

    redate(articles[3], -1)  # its events move to another year
    state.kept.early_files, state.kept.show_early = [articles[3]], early
    assert not rebuild(state)
    assert state.stopped and state.problems == []
    assert len(shown) == 1 and len(shown[0]) == 1  # its early page was handed over first
    assert shown[0][next(iter(shown[0]))] != live[next(iter(shown[0]))]
    assert site_files(state.output) == live, "a superseded rebuild writes nothing"

    redate(articles[7], 2)  # the save that stopped it
    state.kept.superseded, state.kept.show_early, state.kept.early_files = False, None, []
    assert rebuild(state) and not state.stopped, state.problems
    assert site_files(state.output) != live

    cold = tmp_path / "cold"
    shutil.copytree(state.output, cold)  # the same published history (event ids kept)
    build(load_config(project / "site.toml", output_dir=cold, base_url="/"), replace(PREVIEW_OPTIONS, use_cache=False))
    a, b = site_files(state.output), site_files(cold)
    assert sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)) == []


def test_without_a_newer_change_the_checkpoints_let_the_rebuild_through(tmp_path):
    project = tmp_path / "p"
    make_corpus(20, "plain", project, "Through", search=False)
    state = PreviewState(project / "site.toml", None, project / ".preview")
    assert rebuild(state)
    before = site_files(state.output)
    redate(sorted((project / "content" / "articles").glob("*.md"))[2], -1)
    state.kept.superseded = False
    assert rebuild(state) and not state.stopped
    assert site_files(state.output) != before  # written: its events moved to another year
