"""How readable the built site is at any size: page weights, cards per page,
clicks to reach every event.

    python benchmarks/pages.py [--timeline17 ../shared/data/timeline17] [--topics H1N1 bpoil]

Builds the seed site and each Timeline17 topic (converted as benchmarks/tls.py
does, in a temporary folder) and measures, over the HTML pages of each:
the front page's size, the largest page's size, the most event cards on one
page, and the number of clicks (links followed) from the front page to the
farthest event page. Limits: front page under 150 KB, about 200 cards at
most, 3 clicks at most. Results: benchmarks/results/pages.json.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.tls import convert  # noqa: E402
from tests.support import report_result, shared_dir  # noqa: E402

LIMITS = {"front_page_bytes": 150_000, "most_cards": 200, "clicks_to_any_event": 3}
BASE = "https://example.org/"
HREF = re.compile(r'href="([^"#?]*)[^"]*"')
CARD = re.compile(r'<li class="event ')


def build(config: Path, out: Path) -> None:
    subprocess.run([sys.executable, "-m", "generator", "build", "--config", str(config), "--output", str(out),
                    "--base-url", BASE, "--quiet"], cwd=ROOT, check=True)


def measure(out: Path) -> dict:
    """Sizes, cards and clicks over every HTML page of a built site."""
    pages = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.html")
             if not p.relative_to(out).as_posix().startswith("pagefind/")}
    largest = max(pages, key=lambda k: len(pages[k]))
    cards = {k: len(CARD.findall(v.decode("utf-8"))) for k, v in pages.items()}
    most = max(cards, key=lambda k: cards[k])
    depth = {"index.html": 0}
    queue = deque(["index.html"])
    while queue:
        page = queue.popleft()
        for href in HREF.findall(pages[page].decode("utf-8")):
            if not href.startswith("/") or href.startswith("//"):
                continue
            target = href.lstrip("/") + ("index.html" if href.endswith("/") else "")
            if target in pages and target not in depth:
                depth[target] = depth[page] + 1
                queue.append(target)
    events = [k for k in pages if k.startswith("events/")]
    reached = [depth[k] for k in events if k in depth]
    return {
        "html_pages": len(pages), "events": len(events),
        "front_page_bytes": len(pages["index.html"]), "front_page_cards": cards["index.html"],
        "largest_page_bytes": len(pages[largest]), "largest_page": largest,
        "most_cards": cards[most], "most_cards_page": most,
        "clicks_to_any_event": max(reached) if reached else 0,
        "events_unreachable": len(events) - len(reached),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--timeline17", type=Path, default=None, help="the timeline17 folder (default: shared data)")
    ap.add_argument("--topics", nargs="*", default=["H1N1", "bpoil"])
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "pages.json")
    args = ap.parse_args(argv)
    data = args.timeline17 or shared_dir() / "data" / "timeline17"
    results = {}
    with tempfile.TemporaryDirectory(prefix="pages-") as tmp:
        work = Path(tmp)
        build(ROOT / "site.toml", work / "seed-out")
        results["seed"] = measure(work / "seed-out")
        for topic in args.topics:
            dirs = sorted(p for p in data.iterdir() if p.is_dir() and p.name.startswith(topic + "_"))
            convert(dirs, work / topic)
            build(work / topic / "site.toml", work / topic / "output")
            results[topic] = measure(work / topic / "output")
    ok = {site: {k: r[k] <= limit for k, limit in LIMITS.items()} | {"all_events_reached": r["events_unreachable"] == 0}
          for site, r in results.items()}
    report_result(args.out, "sites", results)
    report_result(args.out, "limits", LIMITS)
    report_result(args.out, "met", ok)
    report_result(args.out, "how", "benchmarks/pages.py: each site built with --base-url " + BASE + "; every HTML "
                  "page read; cards = <li class=\"event\"> items; clicks = breadth-first over internal links from "
                  "index.html to each events/*/index.html")
    return 0 if all(all(v.values()) for v in ok.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
