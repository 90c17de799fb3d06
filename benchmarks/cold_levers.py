"""What the cold build's two largest optional costs weigh, beside Pelican.

    python benchmarks/cold_levers.py [--n 1000] [--rounds 3]

The cold-build targets of issue 15 (at most Pelican's wall at 10,000
articles, 1.2 times it at 1,000) compare a site of 82,911 pages with an
index for search against Pelican's 18,949 pages with none. This measures,
in alternating cold builds on one corpus (each variant's order turning
from round to round, Pelican first in each), how much of our wall two
things the site publishes account for:

* `no_search`: `search = false` in site.toml (no Pagefind run);
* `one_source_unpaged`: the events that a single article reports (90 % of
  them at 10,000 articles, 92 % at 1,000) given no page of their own. The
  generator has no such setting: this variant runs the build in a process
  whose page plan leaves those event pages out (`UNPAGED` below, a filter
  over `generator.site.pages`' list; the links to them are left dangling,
  which costs nothing at build time), to weigh the lever before anyone
  builds it;
* `both`.

Each build is `python -m generator build --timings` with no cache and a
fresh output folder, under benchmarks/build.py's wrapper (wall, CPU of the
tree, peak PSS); nothing is deleted between builds (benchmarks/build.py
says why). Results: benchmarks/results/cold_levers.json (key n<N>).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.build import Trash, count_pages, make_corpus, ours_python, peers_env, pelican_run, run  # noqa: E402
from tests.support import report_result  # noqa: E402

# The build, its page plan without the pages of events reported by one article.
UNPAGED = """import sys
import generator.site as site
planned = site.pages
site.pages = lambda s: [p for p in planned(s)
                        if not (p.template == "event.html" and len(p.context["event"].sources) == 1)]
from generator.__main__ import main
sys.argv = ["generator", *sys.argv[1:]]
sys.exit(main())
"""
VARIANTS = ("as_built", "no_search", "one_source_unpaged", "both")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--density", choices=("news", "dense"), default="news")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "cold_levers.json")
    args = ap.parse_args(argv)
    bin_dir = peers_env()
    tmp = Path(tempfile.mkdtemp(prefix=f"cold-levers-{args.n}-"))
    trash = Trash(tmp / "trash")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ours_py = ours_python()
    try:
        make_corpus(args.n, "plain", tmp / "as_built", args.density)
        make_corpus(args.n, "pelican", tmp / "pelican", args.density)
        for variant in VARIANTS[1:]:
            shutil.copytree(tmp / "as_built", tmp / variant)
        for variant in ("no_search", "both"):
            with open(tmp / variant / "site.toml", "a", encoding="utf-8") as fh:
                fh.write("search = false\n")
        rows: dict[str, list[dict]] = {k: [] for k in ("pelican", *VARIANTS)}
        for i in range(args.rounds):
            rows["pelican"].append(pelican_run(bin_dir, tmp / "pelican", tmp / f"pelican-out-{i}", trash))
            turn = VARIANTS[i % len(VARIANTS):] + VARIANTS[:i % len(VARIANTS)]
            for variant in turn:
                site = tmp / variant
                out = tmp / f"{variant}-out-{i}"
                trash.put(site / ".cache")
                head = [ours_py, "-c", UNPAGED] if variant in ("one_source_unpaged", "both") \
                    else [ours_py, "-m", "generator"]
                row = run([*head, "build", "--config", str(site / "site.toml"), "--output", str(out), "--timings"],
                          site, env)
                row["pages"] = count_pages(out)
                rows[variant].append(row)
                trash.put(out)
            print(f"round {i + 1}/{args.rounds}: " + ", ".join(
                f"{k} {v[-1]['wall']:.1f}s" for k, v in rows.items()), file=sys.stderr)
        pelican = statistics.median(r["wall"] for r in rows["pelican"])
        summary = {k: {"wall_median_s": round(statistics.median(r["wall"] for r in v), 3),
                       "cpu_median_s": round(statistics.median(r["cpu"] for r in v), 3),
                       "peak_tree_pss_mb_max": round(max(r["peak_tree_pss_mb"] for r in v), 1),
                       "pages": v[0]["pages"], "walls": [round(r["wall"], 3) for r in v],
                       "wall / pelican": round(statistics.median(r["wall"] for r in v) / pelican, 3)}
                   for k, v in rows.items()}
        report = {"articles": args.n, "density": args.density, "rounds": args.rounds,
                  "load_average_at_end": round(os.getloadavg()[0], 2), "cases": summary}
        report_result(args.out, f"n{args.n}", report)
        for k, v in summary.items():
            print(f"{k:20s} wall {v['wall_median_s']:8.2f} s  cpu {v['cpu_median_s']:8.2f} s  "
                  f"pages {v['pages']:6d}  x Pelican {v['wall / pelican']:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
