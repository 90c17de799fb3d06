"""A preview rebuild that a newer change supersedes (serve.py: a change
while a rebuild runs sets BuildState.superseded; the build's checkpoints,
BuildState.go_on, then raise Superseded). It stops only after handing over
the saved articles' early pages and before touching the output: the live
site is the last good one, byte for byte, no problem is reported, and the
rebuild that follows, reading both saves, equals a cold build, wherever
it stopped: after the merge's records, at each step of the plan (which
leaves the plan's memo as the last whole plan left it), or after the plan.
Without a newer change the same checkpoints let the build through."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace

import pytest

from generator.build import build
from generator.config import load_config
from generator.serve import PREVIEW_OPTIONS, PreviewState, rebuild
from tests.support import make_corpus, redate, site_files

CHECKPOINTS = 5  # after the merge's records, three in the plan, after the plan


def _counted(state: PreviewState, stop_at: int | None = None) -> list[int]:
    """The build's checkpoints counted (and a newer save said to come just
    before the `stop_at`-th), on the state's own go_on."""
    passed: list[int] = []
    go_on: Callable[[], None] = state.kept.go_on

    def checkpoint() -> None:
        passed.append(len(passed) + 1)
        if len(passed) == stop_at:
            state.kept.superseded = True
        go_on()
    state.kept.go_on = checkpoint  # type: ignore[method-assign]
    return passed


@pytest.mark.parametrize("stop_at", range(1, CHECKPOINTS + 1))
def test_a_superseded_rebuild_leaves_the_site_and_the_next_one_equals_a_cold_build(tmp_path, stop_at):
    project = tmp_path / "p"
    make_corpus(40, "plain", project, "Superseded", search=False)
    state = PreviewState(project / "site.toml", None, project / ".preview")
    assert rebuild(state)
    live = site_files(state.output)
    articles = sorted((project / "content" / "articles").glob("*.md"))

    shown: list[dict[str, bytes]] = []
    redate(articles[3], -1)  # its events move to another year
    state.kept.early_files, state.kept.show_early = [articles[3]], shown.append
    passed = _counted(state, stop_at)
    assert not rebuild(state)
    assert state.stopped and state.problems == [] and passed[-1] == stop_at
    assert len(shown) == 1 and len(shown[0]) == 1  # its early page was handed over first
    assert shown[0][next(iter(shown[0]))] != live[next(iter(shown[0]))]
    assert site_files(state.output) == live, "a superseded rebuild writes nothing"

    redate(articles[7], 2)  # the save that stopped it
    state.kept.superseded, state.kept.show_early, state.kept.early_files = False, None, []
    passed = _counted(state)
    assert rebuild(state) and not state.stopped, state.problems
    assert len(passed) == CHECKPOINTS
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
