"""benchmarks/cold_levers.py weighs a page plan without the pages of events a
single article reports by running the build through its UNPAGED wrapper.
Its figures mean something only if that build leaves out exactly those
pages and nothing else: checked here on the seeds against the usual build."""

from __future__ import annotations

import json
import subprocess
import sys

from benchmarks.cold_levers import UNPAGED
from tests.support import ROOT, seed_project


def _pages(out) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("index.html")}


def test_the_unpaged_build_leaves_out_the_single_report_event_pages_alone(seed_site, tmp_path):
    _, built = seed_site
    events = json.loads((built / "events.json").read_text(encoding="utf-8"))["events"]
    single = {f"events/{e['id']}/index.html" for e in events if len(e["sources"]) == 1}
    shared = {f"events/{e['id']}/index.html" for e in events if len(e["sources"]) > 1}
    assert single and shared, "the seeds have events of one source and of several"
    project = seed_project(tmp_path)
    out = tmp_path / "unpaged"
    done = subprocess.run([sys.executable, "-c", UNPAGED, "build", "--config", str(project / "site.toml"),
                           "--output", str(out), "--no-cache", "-q"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert _pages(out) == _pages(built) - single
    assert shared <= _pages(out)
