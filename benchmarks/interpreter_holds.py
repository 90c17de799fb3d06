"""How long a preview rebuild holds the interpreter in one stretch.

    python benchmarks/interpreter_holds.py --project DIR [--edits 2] [--over 0.08]

The preview drafts a save in its server thread while a rebuild runs in
another (generator/serve.py); both need Python's interpreter lock, which the
rebuild gives up every few milliseconds, except inside one long C call (a
garbage collection, json.dumps of a big export, json.loads of the manifest,
a sort of a big list). A save made during such a stretch waits for its end.
This runs the preview's own rebuild (serve.rebuild, with the server's
garbage-collector settings) on a copy of a project, edits one article
--edits times, and meanwhile a watcher thread sleeps 1 ms in a loop: each
time it wakes more than --over seconds late, it records for how long and
the rebuild's stack where it resumed, and the garbage collections of
generation 1 and 2 with their durations. Results are merged into
benchmarks/results/interpreter_holds.json under the project's article count.
"""

from __future__ import annotations

import argparse
import gc
import sys
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.serve import PreviewState, rebuild  # noqa: E402
from tests.support import report_result  # noqa: E402


class Holds:
    """Stretches in which a thread that asked for the interpreter every
    millisecond did not get it for more than `over` seconds."""

    def __init__(self, over: float, builder: int):
        self.over, self.builder = over, builder
        self.found: list[dict] = []
        self.collections: list[tuple[int, float]] = []
        self.stop = threading.Event()
        self._started = 0.0
        self.t0 = time.perf_counter()

    def watch(self) -> None:
        while not self.stop.is_set():
            before = time.perf_counter()
            time.sleep(0.001)
            late = time.perf_counter() - before
            if late > self.over:
                frame = sys._current_frames().get(self.builder)
                stack = traceback.extract_stack(frame)[-3:] if frame else []
                self.found.append({"at": round(before - self.t0, 2), "seconds": round(late, 3),
                                   "resumed_in": " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}"
                                                             for f in reversed(stack))})

    def on_collection(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        elif info["generation"] >= 1:
            self.collections.append((info["generation"], round(time.perf_counter() - self._started, 3)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--project", type=Path, required=True, help="a project folder (edited in place, restored)")
    ap.add_argument("--edits", type=int, default=2)
    ap.add_argument("--over", type=float, default=0.08, help="report stretches longer than this (seconds)")
    args = ap.parse_args(argv)
    project = args.project.resolve()
    state = PreviewState(project / "site.toml", None, project / ".preview", freeze_gc=True)
    started = time.perf_counter()
    if not rebuild(state):
        raise SystemExit(f"the first build failed: {state.problems}")
    first = time.perf_counter() - started
    article = sorted((project / "content" / "articles").glob("*.md"))[0]
    original = article.read_text(encoding="utf-8")
    runs = []
    try:
        for n in range(args.edits):
            holds = Holds(args.over, threading.get_ident())
            gc.callbacks.append(holds.on_collection)
            article.write_text(original.replace("\n\n", f"\n\nHOLDS{n} ", 1), encoding="utf-8")
            watcher = threading.Thread(target=holds.watch)
            watcher.start()
            holds.t0 = time.perf_counter()
            rebuild(state)
            seconds = time.perf_counter() - holds.t0
            holds.stop.set()
            watcher.join()
            gc.callbacks.remove(holds.on_collection)
            longest = sorted(holds.found, key=lambda h: -h["seconds"])
            runs.append({"rebuild_seconds": round(seconds, 2), "longest_hold_seconds": longest[0]["seconds"]
                         if longest else 0.0, "held_over_threshold_seconds": round(sum(h["seconds"]
                                                                                         for h in longest), 2),
                         "collections_gen1_gen2": holds.collections, "longest": longest[:12]})
    finally:
        article.write_text(original, encoding="utf-8")
    count = len(list((project / "content" / "articles").glob("*.md")))
    report_result(ROOT / "benchmarks" / "results" / "interpreter_holds.json", f"corpus_{count}",
                  {"articles": count, "first_build_seconds": round(first, 1), "over_seconds": args.over,
                   "edits": runs})
    return 0


if __name__ == "__main__":
    sys.exit(main())
