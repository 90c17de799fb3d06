"""What a build holds while it renders the pages: the exports (events.json
is about 75 MB at 10,000 articles) are written into the staging folder
before the first page is rendered, and their bytes let go then, so they do
not stay in the build process, nor in the memory its forked render workers
share, through the longest stage."""

from __future__ import annotations

import tracemalloc

from generator import render
from tests.support import build_site, seed_project


def test_the_exports_bytes_are_let_go_before_the_pages_are_rendered(tmp_path, monkeypatch):
    project = seed_project(tmp_path)
    held: list[int] = []  # the largest blocks the exports' code allocated, alive as rendering begins
    run = render.PageRenderer.run

    def observed(self, sink, on_first=None):
        snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(True, "*/site/exports.py")])
        held.extend(sorted((s.size for s in snapshot.statistics("traceback")), reverse=True)[:3])
        return run(self, sink, on_first)

    monkeypatch.setattr(render.PageRenderer, "run", observed)
    tracemalloc.start(1)
    try:
        result = build_site(project / "site.toml", jobs=1)
    finally:
        tracemalloc.stop()
    events_json = (project / "output" / "events.json").stat().st_size
    assert result.pages > 20 and events_json > 20_000
    assert held, "the renderer ran while traced"
    assert max(held) < events_json // 4, (held, events_json)
