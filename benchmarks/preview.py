"""Save-to-rebuilt time of the live preview on a generated corpus.

    python benchmarks/preview.py --n 1000

Makes N articles with ../shared/tools/make_corpus.py in a temporary folder,
starts `python -m generator serve` on it, waits for the first build, then
edits one article several times and measures the time from writing the file
to the rebuilt page being on disk (the moment the server tells browsers to
reload). The seed-site figure, measured in a real browser, comes from
tests/test_browser.py. Results are merged into benchmarks/results/preview.json.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support import make_corpus, report_result, running_preview  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="preview-bench-"))
    try:
        make_corpus(args.n, "plain", tmp, "Preview benchmark")
        article = sorted((tmp / "content" / "articles").glob("*.md"))[0]
        original = article.read_text()
        first_build_start = time.perf_counter()
        with running_preview(tmp, startup_timeout=900) as (url, proc):
            first_build = time.perf_counter() - first_build_start
            page = tmp / ".preview" / "articles" / article.stem / "index.html"
            runs = []
            for n in range(args.runs):
                marker = f"BENCHMARK{n}"
                start = time.perf_counter()
                article.write_text(original.replace("\n\n", f"\n\n{marker} ", 1))
                while marker not in page.read_text(encoding="utf-8"):
                    time.sleep(0.02)
                    if time.perf_counter() - start > 600:
                        raise SystemExit("no rebuild within 10 minutes")
                runs.append(time.perf_counter() - start)
                time.sleep(0.5)
        result = {
            "articles": args.n, "first_build_seconds": round(first_build, 2),
            "save_to_rebuilt_seconds": [round(r, 3) for r in runs],
            "median": round(statistics.median(runs), 3),
            "how": "benchmarks/preview.py: article file written -> its rebuilt page on disk (browsers are told "
                   "to reload at that moment); one article re-extracted from the cache, all events re-merged, "
                   "only pages whose inputs changed re-rendered and written",
        }
        report_result(ROOT / "benchmarks" / "results" / "preview.json",
                      f"corpus_{args.n}_save_to_rebuilt_seconds", result)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
