"""Save-to-reload time of the live preview on a generated corpus, in a real browser.

    python benchmarks/preview.py --n 1000 [--runs 5] [--no-browser] [--edit lead|correction]

Makes N articles with ../shared/tools/make_corpus.py in a temporary folder,
starts `python -m generator serve` on it, waits for the first build, opens
the edited article's page in chromium (Playwright, /usr/bin/chromium, as
tests/test_browser.py does) and waits for it to load whole and a second
more (as before each later save: until stop 67 the first save came as the
page connected, while the server still answered its first requests, and
was the slow one of every run), then edits the article --runs times and
measures, for each save, the time from writing the file to the new text
being visible in the open page (the server drafted the page from the new
text and the last build's links, generator/draft.py, and told the page to
reload), as Playwright sees it and as the first frame the page painted
with it (the page's own clock: Playwright finds the text in a reloaded page
tens of milliseconds after it is painted), and to the rebuilt page being
on disk (the full rebuild, which replaces the draft), and to the first
frame of the open page that showed the rebuilt page's article
(`save_to_rebuilt_shown_seconds`, the page's own clock: every version of
the article the tab shows is recorded, and the rebuilt one found among them
once it is on disk). That is the draft's frame when the draft was the
rebuilt page (the server then does not reload the page: generator/serve.py,
drafts_were_the_rebuild; `rebuilt_page_was_the_draft` says for how many
saves), the frame of the page the rebuild handed over once the events were
merged (generator/early_pages.py; `rebuilt_page_shown_early`), else the
reload's after the rebuild. Median of the runs.
Results are merged into benchmarks/results/preview.json. --no-browser
measures only to the page on disk (a machine without chromium). --project
previews a project made before, in place (at 10,000 articles its warm
cache saves minutes of the first build). --edit: `lead` (the default) puts a
word at the start of the article's text, its summary, which with the bundled
templates only its own page prints, so the rebuild renders that page alone
(before stop 32: the full one); `correction` appends a paragraph, which
shows on the article's page alone, so the rebuild renders that page alone
(generator/own_pages.py); `dated` moves the article's first year back by
one or two years, by turns, so that each save moves events and other pages
change: the rebuild is the full one (its merge scores again only the pairs
the moved mentions touch: clustering.recluster), and the page reloads when
it ends; `reworded` adds a word to the sentence of the article's first
year (other keywords, as many mentions: the merge scores again only the
pairs the reworded mentions, and those whose word counts crossed a step of
the rarity's grid, touch: rarity.py); `sentence` appends a dated sentence
(a mention more) and takes it away again (a mention fewer), by turns: the
preview's merge moves its record to the places now (corpus/record_shift.py;
before stop 51 every mention was clustered again). Results go under a key
per edit.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support import CHROMIUM, CHROMIUM_ARGS, make_corpus, redated, report_result, reworded, running_preview  # noqa: E402
from tests.support.browser import versions_script  # noqa: E402

EDIT = "lead"  # --edit
HOW = ("benchmarks/preview.py: one article edited per run; the preview learns of the save from a file event, "
       "drafts the edited article's page from its new text and the last build's links, and the open page swaps "
       "the draft in; then it rebuilds, keeping the parsed articles, the analyses and the input digests in memory "
       "(generator/state.py): an edit that shows on the article's page alone (--edit correction, --edit lead) "
       "renders that page alone (generator/own_pages.py); another (--edit dated, reworded, sentence) re-extracts "
       "the edited article, re-merges the events and re-renders the pages whose inputs changed")


def _edit(article: Path, original: str, marker: str) -> None:
    if EDIT == "correction":
        article.write_text(original.rstrip("\n") + f"\n\nCorrection {marker}: an earlier version misspelled a name.\n")
    elif EDIT in ("dated", "reworded"):
        # dated: the first year of the text one year earlier, then two, by turns, so that every save
        # moves events; reworded: a word added after it, in its dated sentence (one of three, by turns):
        # other keywords, as many mentions, so the merge scores again only the pairs the reworded
        # mentions touch (clustering.recluster). The marker in a paragraph of its own at the end, so
        # that no other dated sentence's words change (an editor correcting a year changes no word).
        turn = int(marker.removeprefix("BENCHMARK"))
        try:
            article.write_text(redated(original, -1 - turn % 2, marker) if EDIT == "dated"
                               else reworded(original, ("reportedly", "formally", "again")[turn % 3], marker))
        except ValueError as exc:
            raise SystemExit(f"{article.name}: {exc}") from exc
    elif EDIT == "sentence":
        # by turns, a dated sentence of its own at the end (a mention more than the last save) and the
        # marker in an undated one (a mention fewer): the merge moves its record to the places now
        # (corpus/record_shift.py)
        turn = int(marker.removeprefix("BENCHMARK"))
        said = (f"on {1 + turn % 28} March 2001 the council met in Oslo." if turn % 2 == 0
                else "the council's minutes were published.")
        article.write_text(original.rstrip("\n") + f"\n\n{marker}: {said}\n")
    else:
        article.write_text(original.replace("\n\n", f"\n\n{marker} ", 1))


def _on_disk(page_file: Path, marker: str, start: float) -> float:
    while marker not in page_file.read_text(encoding="utf-8"):
        time.sleep(0.005)
        if time.perf_counter() - start > 600:
            raise SystemExit("no rebuild within 10 minutes")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-browser", action="store_true", help="time to the rebuilt page on disk only")
    ap.add_argument("--project", type=Path, help="a project made before (e.g. by an earlier run's make_corpus, "
                    "its .cache warm) to preview in place instead of a new one; its edited article is restored")
    ap.add_argument("--article", type=float, default=0.0,
                    help="which article is edited, as a fraction of the sorted list (0: the first, the default; "
                         "0.5: the middle one): a dated sentence added or removed moves the merge record's "
                         "places after it (corpus/record_shift.py)")
    ap.add_argument("--edit", choices=("lead", "correction", "dated", "reworded", "sentence"), default="lead",
                    help="what each save changes (see above)")
    args = ap.parse_args(argv)
    global EDIT
    EDIT = args.edit
    tmp = args.project or Path(tempfile.mkdtemp(prefix="preview-bench-"))
    article = None
    try:
        if args.project is None:
            make_corpus(args.n, "plain", tmp, "Preview benchmark")
        every = sorted((tmp / "content" / "articles").glob("*.md"))
        article = every[min(int(args.article * len(every)), len(every) - 1)]
        original = article.read_text()
        args.n = len(list((tmp / "content" / "articles").glob("*.md")))
        load_at_start = [round(x, 2) for x in os.getloadavg()]
        first_build_start = time.perf_counter()
        with running_preview(tmp, startup_timeout=1800) as (url, _proc):
            first_build = time.perf_counter() - first_build_start
            page_file = tmp / ".preview" / "articles" / article.stem / "index.html"
            if args.no_browser:
                reload, received, painted, disk, server, final = [], [], [], [], [], []
                for n in range(args.runs):
                    start = time.perf_counter()
                    _edit(article, original, f"BENCHMARK{n}")
                    disk.append(_on_disk(page_file, f"BENCHMARK{n}", start))
                    time.sleep(0.5)
            else:
                reload, received, painted, disk, final = _in_browser(url + f"articles/{article.stem}/", article,
                                                                     original, page_file, args.runs,
                                                                     tmp / "serve.log")
            log = _log_after_rebuilds(tmp / "serve.log", args.runs + 1)  # the first build's, then each save's
            server = _server_times(log)
            quiet = _rebuilds_without_reload(log)[-args.runs:]
        runs = reload or disk
        # save -> the first frame of the open page that showed the rebuilt page's article: its draft
        # when that was the rebuilt page, the rebuild's early page (generator/early_pages.py), or the
        # page reloaded after the rebuild (_first_shown)
        shown = final
        result = {
            "articles": args.n, "first_build_seconds": round(first_build, 2),
            "save_to_reload_seconds": [round(r, 3) for r in reload],
            "save_to_painted_seconds": [round(r, 3) for r in painted],
            "save_to_rebuilt_on_disk_seconds": [round(r, 3) for r in disk],
            "median": round(statistics.median(runs), 3),
            "median_painted": round(statistics.median(painted), 3) if painted else None,
            "timeline_median_seconds": {
                "change_found": _median([f for f, _ in server]), "draft_made_and_reload_sent": _median(
                    [s for _, s in server]), "draft_page_received": _median(received),
                "first_frame_painted": _median(painted), "seen_by_playwright": _median(reload),
            } if reload else None,
            "median_rebuilt_on_disk": round(statistics.median(disk), 3),
            "save_to_rebuilt_shown_seconds": [round(x, 3) for x in shown],
            "median_rebuilt_shown": _median(shown),
            "rebuilt_page_was_the_draft": f"{sum(quiet)} of {len(quiet)}",
            "rebuilt_page_shown_early": f"{len(re.findall('into the rebuild, before the rest', log))} of {args.runs}",
            # A save whose new text showed only with the rebuilt page: its draft never reached the page.
            "shown_before_the_rebuild": f"{sum(r < d for r, d in zip(reload, disk, strict=True))} of {len(reload)}"
            if reload else None,
            "load_average_at_start": load_at_start,
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "measured": "in chromium (file written -> new text visible in the open page as Playwright finds it, "
                        "'median'; and as first painted, by the page's own clock, 'median_painted': the preview's "
                        "draft of the page, generator/draft.py, swapped into the open page; the rebuilt page "
                        "follows, timed to disk); timeline: the server's times from its log, the page's from its "
                        "performance entries" if reload else "file written -> rebuilt page on disk (no browser)",
            "how": HOW,
        }
        result["edit"] = args.edit
        result["article"] = article.name
        report_result(ROOT / "benchmarks" / "results" / "preview.json",
                      f"corpus_{args.n}_save_to_reload_seconds" + ("" if args.edit == "lead" else f"_{args.edit}")
                      + (f"_article_{args.article:g}" if args.article else ""), result)
    finally:
        if args.project is None:
            shutil.rmtree(tmp, ignore_errors=True)
        elif article is not None:
            article.write_text(original)
    return 0


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def _time_to_disk(page_file: Path, marker: str, start: float, out: list[float]) -> None:
    out.append(_on_disk(page_file, marker, start))


# Runs in every document the tab loads (and again after each save, for a page that
# swaps the draft in without reloading): the wall-clock time of the first frame
# whose text has the marker (requestAnimationFrame runs before each paint).
SEEN_SCRIPT = """window.benchmarkLook = () => {
  const marker = sessionStorage.getItem('benchmark-marker');
  if (!marker) return;
  const look = () => {
    if (document.body && document.body.innerText.includes(marker)) {
      sessionStorage.setItem('benchmark-seen', String(performance.timeOrigin + performance.now()));
    } else {
      requestAnimationFrame(look);
    }
  };
  requestAnimationFrame(look);
};
window.benchmarkLook();"""

# The page's draft received: the navigation's response (a reload), or the fetch
# of the page's own URL (a swap), whichever came last.
RECEIVED_SCRIPT = """() => Math.max(...[...performance.getEntriesByType('navigation'),
  ...performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname === location.pathname)]
  .map(e => performance.timeOrigin + e.responseEnd))"""


def _in_browser(url: str, article: Path, original: str, page_file: Path, runs: int,
                log: Path) -> tuple[list[float], list[float], list[float], list[float], list[float]]:
    """Each save timed to the new text in the open chromium page as Playwright
    sees it, to the draft page received and to the first frame the page
    painted with it (the page's own clock), to the page on disk, and to the
    first frame that showed the rebuilt page's article (the page's own
    clock: the draft's frame when the draft was the rebuilt page, the
    rebuild's early page's, or the reload's after the rebuild)."""
    from playwright.sync_api import sync_playwright

    reload, received, painted, disk, final = [], [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.add_init_script(SEEN_SCRIPT)
        # every version of the article the tab shows: the rebuilt one is found among them (_first_shown)
        page.add_init_script(versions_script("benchmark-versions"))
        page.goto(url)
        connected = ("() => window.LiveReload && window.LiveReload.connector"
                     " && window.LiveReload.connector._isSocketConnected()")
        page.wait_for_function(connected, timeout=30000)
        # as before every later save (below): the page loaded whole, then a second, so that the first
        # save does not land while the server still answers the page's first requests
        page.wait_for_load_state("networkidle")
        time.sleep(1.0)
        for n in range(runs):
            marker = f"BENCHMARK{n}"
            page.evaluate("m => { sessionStorage.setItem('benchmark-marker', m);"
                          " sessionStorage.removeItem('benchmark-seen'); window.benchmarkLook();"
                          " sessionStorage.setItem('benchmark-versions', '[]'); }", marker)
            on_disk: list[float] = []
            wall, start = time.time(), time.perf_counter()
            watcher = threading.Thread(target=_time_to_disk, args=(page_file, marker, start, on_disk))
            _edit(article, original, marker)
            watcher.start()
            # The first reload shows the preview's draft of the page (generator/draft.py); the
            # rebuilt page follows when the rebuild is on disk (timed by the watcher thread).
            page.wait_for_function(f"() => document.body && document.body.innerText.includes('{marker}')",
                                   timeout=600000, polling=10)
            reload.append(time.perf_counter() - start)
            seen = page.wait_for_function("() => sessionStorage.getItem('benchmark-seen')", timeout=10000)
            painted.append(float(seen.json_value()) / 1000 - wall)
            received.append(page.evaluate(RECEIVED_SCRIPT) / 1000 - wall)
            watcher.join()
            disk.append(on_disk[0])
            final.append(_first_shown(page, page_file) - wall)
            # the rebuild ended (the page shows its rebuilt version before the end: early_pages.py), and
            # the page reloaded for it, before the next save
            _log_after_rebuilds(log, n + 2)
            time.sleep(1.0)
            page.wait_for_function(connected, timeout=30000)
        browser.close()
    return reload, received, painted, disk, final


def _first_shown(page, page_file: Path) -> float:
    """When the tab first painted the article of the page now on disk (the
    rebuilt one): the time of the first recorded version equal to it, as the
    browser parses the file (DOMParser, in the tab)."""
    from playwright.sync_api import Error

    text = page_file.read_text(encoding="utf-8")
    for _ in range(600):  # the rebuild's reload may still be on its way, or under way
        try:
            built = page.evaluate("html => new DOMParser().parseFromString(html, 'text/html')"
                                  ".querySelector('article').innerHTML", text)
            versions = page.evaluate("() => JSON.parse(sessionStorage.getItem('benchmark-versions') || '[]')")
        except Error:  # the page navigated meanwhile
            time.sleep(0.05)
            continue
        times = [t for t, html in versions if html == built]
        if times:
            return times[0] / 1000
        time.sleep(0.05)
    raise SystemExit("the open page never showed the rebuilt page")


def _log_after_rebuilds(path: Path, builds: int) -> str:
    """The preview's log once it tells of `builds` builds (the page is on disk
    before the build ends: it then records what it built for the next one)."""
    for _ in range(2400):
        log = path.read_text(encoding="utf-8")
        if log.count("[serve] rebuilt ") >= builds:
            time.sleep(0.5)  # and what the server did after the last one (reloaded the page or not)
            return path.read_text(encoding="utf-8")
        time.sleep(0.05)
    raise SystemExit(f"the preview's log tells of fewer than {builds} builds after 2 minutes")


def _rebuilds_without_reload(log: str) -> list[bool]:
    """For each rebuild after the first build, in order: did the server find
    the rebuilt pages to be the drafts shown, and so not reload the page?"""
    lines = log.splitlines()
    ends = [i for i, line in enumerate(lines) if line.startswith("[serve] rebuilt ")]
    return [any("no reload" in line for line in lines[i + 1:i + 3]) for i in ends[1:]]


def _server_times(log: str) -> list[tuple[float, float]]:
    """(change found, reload sent) after each save, from the preview's log."""
    return [(float(found), float(sent)) for sent, found in re.findall(
        r"reloaded ([\d.]+) s after the save \(the change found after ([\d.]+) s\)", log)]


if __name__ == "__main__":
    sys.exit(main())
