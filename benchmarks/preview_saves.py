"""Saves that come faster than the preview rebuilds: how long each waits for its rebuilt page.

    python benchmarks/preview_saves.py --project DIR [--runs 8] [--gap 3] [--code DIR]

Starts `python -m generator serve` on a project made before (e.g. by
benchmarks/preview.py: `DIR` with site.toml and content/articles/), waits
for its first build, then saves the first article `--runs` times, `--gap`
seconds apart whatever the preview is doing: each save moves the article's
first year back by one or two (so its events move, as preview.py's
`--edit dated`) and adds a line. For each save: the seconds from writing
the file to the server's log line that the saved article's rebuilt page is
shown (`the rebuilt page of ... shown`, generator/early_pages.py), or that
the rebuild ended (its pages on disk), whichever comes first, of the first
rebuild that began after the save, so one that read it. No browser: the
page would show it a few hundredths of a second later (preview.py measures
that). Where the saves come faster than a rebuild's tail (planning,
rendering, writing: some ten seconds at 10,000 articles), this is what an
editor who saves often waits: until stop 41 a save waited for the running
rebuild to end; since stop 42 a newer save stops it once its early pages
are shown (serve.py, BuildState.go_on). `--code DIR` runs another checkout
of the generator (e.g. a git worktree of an older commit) for a side by
side figure. The edited article is restored. Results are merged into
benchmarks/results/preview_saves.json (key `n<articles>_gap<gap>`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PORT = 5611

from tests.support.projects import redated  # noqa: E402


def _ended_after(lines: list[tuple[float, str]], saved: float) -> bool:
    """Has a rebuild that began after `saved` (so read it) ended?"""
    began = next((n for n, (t, line) in enumerate(lines) if t >= saved and line == "[serve] rebuilding"), None)
    return began is not None and any(line.startswith("[serve] rebuilt ") for _, line in lines[began:])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--project", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=8)
    ap.add_argument("--gap", type=float, default=3.0)
    ap.add_argument("--code", type=Path, default=ROOT, help="the generator's checkout to run (default: this one)")
    ap.add_argument("--note", default="")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "preview_saves.json")
    args = ap.parse_args(argv)
    project = args.project.resolve()
    articles = sorted((project / "content" / "articles").glob("*.md"))
    log_path = project / "preview_saves.log"
    python = ROOT / ".venv" / "bin" / "python"
    with open(log_path, "w", encoding="utf-8") as log:
        server = subprocess.Popen([str(python if python.exists() else sys.executable), "-u", "-m", "generator",
                                   "serve", "--config", str(project / "site.toml"), "--port", str(PORT)],
                                  cwd=args.code, stdout=log, stderr=subprocess.STDOUT)
    lines: list[tuple[float, str]] = []  # (when read, line) of the server's log
    offset = 0

    def read_log() -> None:
        nonlocal offset
        with open(log_path, encoding="utf-8") as f:
            f.seek(offset)
            text = f.read()
            offset = f.tell()
        now = time.time()
        lines.extend((now, line) for line in text.splitlines())

    article, saves = articles[0], []
    original = article.read_text(encoding="utf-8")
    try:
        started = time.time()
        while not any(line.startswith("[serve] rebuilt ") for _, line in lines):
            read_log()
            time.sleep(0.05)
            if time.time() - started > 1800 or server.poll() is not None:
                raise SystemExit("the preview's first build did not end")
        first_build = time.time() - started
        time.sleep(3)
        try:
            redated(original, -1)
        except ValueError as exc:
            raise SystemExit(f"{article}: {exc}") from exc
        for n in range(args.runs):
            article.write_text(redated(original, -1 - n % 2, f"SAVE{n}"), encoding="utf-8")
            saves.append(time.time())
            until = time.time() + args.gap
            while time.time() < until:
                read_log()
                time.sleep(0.01)
        until = time.time() + 300
        while time.time() < until and not _ended_after(lines, saves[-1]):
            read_log()
            time.sleep(0.02)
        read_log()
    finally:
        article.write_text(original, encoding="utf-8")
        server.terminate()
        server.wait()
    waits: list[float | None] = []
    for saved in saves:
        began = next((n for n, (t, line) in enumerate(lines) if t >= saved and line == "[serve] rebuilding"), None)
        # its rebuilt page served early, or the rebuild's end (a rebuild of the article's own page alone,
        # whose draft was the rebuilt page, shows none early; nor does one whose page keeps a newer draft)
        shown = next((t for t, line in lines[began:] if line.startswith(("[serve] the rebuilt page of",
                                                                       "[serve] rebuilt "))),
                     None) if began is not None else None
        waits.append(round(shown - saved, 3) if shown is not None else None)
    got = [w for w in waits if w is not None]
    result = {
        "articles": len(articles), "runs": args.runs, "gap_seconds": args.gap, "code": str(args.code),
        "first_build_seconds": round(first_build, 1),
        "save_to_rebuilt_page_shown_seconds": waits,
        "median": round(statistics.median(got), 3) if got else None,
        "worst": max(got) if got else None,
        "rebuilds_stopped": sum("[serve] stopped after" in line for _, line in lines),
        "rebuilds_ended": sum(line.startswith("[serve] rebuilt ") for _, line in lines) - 1,
        "load_average": os.getloadavg(), "note": args.note,
    }
    print(json.dumps(result, indent=1))
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    results[f"n{len(articles)}_gap{args.gap:g}" + ("" if args.code.resolve() == ROOT else "_other_code")] = result
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
