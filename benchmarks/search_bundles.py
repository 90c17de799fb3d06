"""What the size of the search bundles costs and saves, measured to choose
the default of [site] search_bundle (generator/search.py).

    python benchmarks/search_bundles.py --project DIR [--per-bundle 1500 500 250] [--runs 3]

DIR is a project (e.g. made by benchmarks/preview.py's make_corpus at 10,000
articles, its cache warm). For each average bundle size N, the site is built
into DIR/out-bN from a copy of its site.toml with `search_bundle = N`
(once: a folder already built is reused), and then:

- the editor's side: one article corrected (a paragraph appended), and the
  command-line rebuild timed (`build --timings`), whose search lap is
  Pagefind over the one bundle holding the article; then the article put
  back and built again, untimed. Median of --runs.
- Pagefind alone over one bundle's pages (its sorted tree, as the build
  makes it): wall time and peak memory (/usr/bin/time), the memory a
  build's search lap adds beside the rendering.
- the reader's side, in chromium through Playwright: the search page
  opened in a fresh browser context (nothing cached), a word typed, and the
  time until Pagefind's UI says how many results it found (its input waits
  300 ms after typing, Pagefind UI's debounce, in every figure), with the
  number of requests and bytes the page fetched for the word (until the
  network is idle); for five words taken from the articles' titles, median
  of their times.

Results go to benchmarks/results/search_bundles.json under the number of
articles. Not part of the test suite (minutes at 10,000 articles).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator import search  # noqa: E402
from tests.support import CHROMIUM, CHROMIUM_ARGS, free_port, report_result  # noqa: E402
from tests.support.browser import serving  # noqa: E402

QUERIES = 5


def _config(project: Path, per_bundle: int) -> Path:
    text = (project / "site.toml").read_text()
    text = re.sub(r"(?m)^search_bundle\s*=.*\n", "", text)
    path = project / f"site-b{per_bundle}.toml"
    path.write_text(f"search_bundle = {per_bundle}\n" + text)
    return path


def _build(config: Path, output: Path) -> tuple[float, dict[str, float]]:
    start = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "generator", "build", "--config", str(config), "--output", str(output),
                        "--timings"], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if r.returncode != 0:
        raise SystemExit(r.stderr[-2000:])
    timings = [line for line in r.stdout.splitlines() if line.startswith("  ")]  # build --timings' line
    laps = re.findall(r"([a-z-]+) ([0-9.]+)s", timings[-1] if timings else "")
    return wall, {k: float(v) for k, v in laps}


def _correction(config: Path, output: Path, article: Path, runs: int) -> dict:
    original = article.read_text()
    walls, searches = [], []
    try:
        for n in range(runs):
            article.write_text(original.rstrip("\n") + f"\n\nCorrection {n}: an earlier version misspelled a name.\n")
            wall, laps = _build(config, output)
            walls.append(wall)
            searches.append(laps.get("search", 0.0))
    finally:
        article.write_text(original)
        _build(config, output)
    return {"wall_median_s": round(statistics.median(walls), 2), "search_lap_median_s": round(
        statistics.median(searches), 2), "walls": [round(w, 2) for w in walls]}


def _pagefind_alone(output: Path, bundles: int) -> dict:
    """Pagefind over the pages of the bundle holding the most, as the build runs it."""
    pages = search.indexed_pages(p.relative_to(output).as_posix() for p in (output / search.INDEXED).rglob("*.html"))
    parts = search.split(pages, bundles)
    biggest = max(range(len(parts)), key=lambda b: len(parts[b]))
    command = search.pagefind_command()
    assert command is not None, "Pagefind is not installed"
    with tempfile.TemporaryDirectory(dir=output.parent) as tmp:
        tree = Path(tmp) / "tree"
        search._sorted_tree(output, tree, parts[biggest])
        r = subprocess.run(["/usr/bin/time", "-f", "%e %M", *command, "--site", str(tree), "--output-path",
                            str(Path(tmp) / "index"), "--glob", search.GLOB], capture_output=True, text=True)
        wall, kb = r.stderr.strip().splitlines()[-1].split()
    return {"pages": len(parts[biggest]), "wall_s": float(wall), "peak_mb": round(int(kb) / 1024, 1)}


def _words(project: Path) -> list[str]:
    """Five words of the articles' titles (the first long word of every 50th article)."""
    words: list[str] = []
    for path in sorted((project / "content" / "articles").glob("*.md"))[::50]:
        title = re.search(r"(?m)^title:\s*(.+)$", path.read_text())
        long = [w for w in re.findall(r"[A-Za-z]+", title.group(1) if title else "") if len(w) >= 6]
        if long and long[0].lower() not in words:
            words.append(long[0].lower())
        if len(words) == QUERIES:
            break
    return words


def _in_browser(output: Path, words: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    times, requests, kbytes = [], [], []
    with serving(output, free_port()) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for word in words:
                context = browser.new_context()  # nothing cached between words
                page = context.new_page()
                fetched: list[int] = []
                page.on("response", lambda r, fetched=fetched: fetched.append(int(r.headers.get("content-length", 0))))
                page.goto(url + "search/", wait_until="load")
                box = page.wait_for_selector(".pagefind-ui__search-input")
                before = len(fetched)
                start = time.perf_counter()
                box.fill(word)
                page.wait_for_function(
                    "() => /result/.test((document.querySelector('.pagefind-ui__message') || {}).textContent || '')"
                    " && document.querySelector('.pagefind-ui__result-link')", timeout=60_000)
                times.append(time.perf_counter() - start)
                page.wait_for_load_state("networkidle")  # what the results' excerpts still fetch, counted too
                requests.append(len(fetched) - before)
                kbytes.append(sum(fetched[before:]) / 1024)
                context.close()
        finally:
            browser.close()
    return {"words": words, "first_results_median_s": round(statistics.median(times), 3),
            "first_results_s": [round(t, 3) for t in times], "requests_median": statistics.median(requests),
            "kilobytes_median": round(statistics.median(kbytes), 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--project", type=Path, required=True)
    ap.add_argument("--per-bundle", type=int, nargs="+", default=[1500, 500, 250])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    project = args.project.resolve()
    articles = sorted((project / "content" / "articles").glob("*.md"))
    words = _words(project)
    results = {}
    for per_bundle in args.per_bundle:
        config, output = _config(project, per_bundle), project / f"out-b{per_bundle}"
        cold = None
        if not (output / "pagefind" / "pagefind-entry.json").is_file():
            shutil.rmtree(output, ignore_errors=True)
            cold = _build(config, output)
        bundles = search.bundle_count(len(articles), per_bundle)
        results[str(per_bundle)] = {
            "bundles": bundles,
            "cold_build": {"wall_s": round(cold[0], 1), "laps": cold[1]} if cold else "built before",
            "one_correction": _correction(config, output, articles[len(articles) // 3], args.runs),
            "pagefind_one_bundle": _pagefind_alone(output, bundles),
            "search_page": _in_browser(output, words),
        }
        print(per_bundle, results[str(per_bundle)], flush=True)
    results["how"] = __doc__.split("\n\n")[2].replace("\n", " ")
    results["load_average"] = [round(x, 2) for x in os.getloadavg()]
    report_result(ROOT / "benchmarks" / "results" / "search_bundles.json", f"articles_{len(articles)}", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
