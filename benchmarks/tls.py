"""Key-event ranking measured on Timeline17 (journalists' timelines), Date-F1.

    python benchmarks/tls.py ../shared/data/timeline17 [--topics H1N1 bpoil]

For each topic: the sources' articles (Penn-Treebank tokenized) are
detokenized into our content format in a temporary folder (title = first
sentence, date = the folder's publication date), analysed and merged by the
generator, and the whole site is built once (build time and peak memory are
recorded). Then, for each reference timeline, as the literature does it:
articles published outside the timeline's first and last dates are dropped,
the events are merged again from the remaining articles, the k days with the
highest total salience of day-precision events inside the range are picked
(k = the number of dates in the reference), and Date-F1 is computed. The
reported average is the F1 of the mean precision and mean recall over the
timelines. Two baselines run on the same articles: days ranked by the number
of articles published that day, and by the number of mentions of the day in
the text. Results: benchmarks/results/tls.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.build import BuildOptions  # noqa: E402
from generator.config import load_config  # noqa: E402
from generator.content import read_content  # noqa: E402
from generator.errors import Report  # noqa: E402
from generator.pipeline import analyse, merged_events  # noqa: E402
from generator.resources import load_resources  # noqa: E402
from generator.temporal import calendar  # noqa: E402
from tests.support.timeline17 import (  # noqa: E402
    convert,
    day_scores,
    f1_of_means,
    prf,
    read_timelines,
    top_days,
    topic_dirs,
)


def miss_analysis(reference: list[date], picked: list[date], analyses, ours: dict[date, float]) -> dict:
    """Why reference days were not picked: never written as a day in the
    articles kept, written but never as an event, or an event ranked too low."""
    mentioned = day_scores_mentions(analyses)
    out = {"not_mentioned_as_a_day": 0, "mentioned_but_no_event": 0, "event_ranked_below_k": 0}
    for d in set(reference) - set(picked):
        if not mentioned.get(d):
            out["not_mentioned_as_a_day"] += 1
        elif not ours.get(d):
            out["mentioned_but_no_event"] += 1
        else:
            out["event_ranked_below_k"] += 1
    return out


def day_scores_ours(analyses, resources, cfg) -> dict[date, float]:
    events, _ = merged_events(analyses, resources, cfg)
    return day_scores(events)


def day_scores_pubcount(analyses) -> dict[date, float]:
    return Counter(a.article.date for a in analyses if a.article.date)


def day_scores_mentions(analyses) -> dict[date, float]:
    c: Counter = Counter()
    for a in analyses:
        for t in a.timexes:
            if t.type in ("DATE", "TIME") and calendar.precision(t.value) == "day":
                c[date.fromisoformat(t.value[:10])] += 1
    return c


def run_topic(name: str, topic_dirs: list[Path], workdir: Path) -> dict:
    folder = workdir / name
    meta = convert(topic_dirs, folder)
    # The whole site, once, in a child process: wall time and peak memory (the
    # largest of the build, its worker processes and the Pagefind indexer).
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c",
                           "import resource, sys; sys.path.insert(0, sys.argv[1]);"
                           "from generator.__main__ import main; rc = main(['build', '--config', sys.argv[2], '-q']);"
                           "print(max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
                           " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); sys.exit(rc)",
                           str(ROOT), str(folder / "site.toml")], capture_output=True, text=True)
    build_seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    peak_mb = int(proc.stdout.strip().splitlines()[-1]) / 1024
    events = json.loads((folder / "output" / "events.json").read_text())["events"]

    cfg = load_config(folder / "site.toml")
    resources = load_resources(cfg)
    articles = read_content(cfg.content_dir, Report())
    analyses = analyse(articles, cfg, resources, BuildOptions(), Report())
    results = {"articles": len(meta), "events": len(events), "build_seconds": round(build_seconds, 2),
               "build_peak_memory_mb": round(peak_mb, 1), "timelines": {}}
    methods = {"ours": [], "pubcount": [], "mentions": []}
    for tl_name, ref in read_timelines(topic_dirs):
        start_d, end_d = ref[0], ref[-1]
        subset = [a for a in analyses if a.article.date and start_d <= a.article.date <= end_d]
        k = len(ref)
        ours_scores = day_scores_ours(subset, resources, cfg)
        picks = {
            "ours": top_days(ours_scores, k, start_d, end_d),
            "pubcount": top_days(day_scores_pubcount(subset), k, start_d, end_d),
            "mentions": top_days(day_scores_mentions(subset), k, start_d, end_d),
        }
        row = {"k": k, "articles": len(subset), "range": [start_d.isoformat(), end_d.isoformat()]}
        for m, picked in picks.items():
            p, r = prf(picked, ref)
            methods[m].append((p, r))
            row[m] = {"precision": round(p, 3), "recall": round(r, 3),
                      "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}
        row["ours_misses"] = miss_analysis(ref, picks["ours"], subset, ours_scores)
        results["timelines"][tl_name] = row
    results["date_f1"] = {m: round(f1_of_means([p for p, _ in v], [r for _, r in v]), 3) for m, v in methods.items()}
    results["_pr"] = methods
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="the timeline17 folder")
    ap.add_argument("--topics", nargs="*", default=["H1N1", "bpoil"])
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "tls.json")
    ap.add_argument("--keep", action="store_true", help="keep the converted corpora (in a temporary folder)")
    args = ap.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="tls-"))
    all_pr: dict[str, list] = {"ours": [], "pubcount": [], "mentions": []}
    report = {"topics": {}}
    try:
        for topic in args.topics:
            dirs = topic_dirs(args.data, topic)
            print(f"== {topic}: {', '.join(d.name for d in dirs)}", flush=True)
            res = run_topic(topic, dirs, workdir)
            for m, v in res.pop("_pr").items():
                all_pr[m] += v
            report["topics"][topic] = res
            print(f"   {res['articles']} articles, {res['events']} events, built in {res['build_seconds']}s, "
                  f"peak {res['build_peak_memory_mb']} MB")
            for tl, row in res["timelines"].items():
                print(f"   {tl:38} k={row['k']:3}  ours {row['ours']['f1']:.3f}  pubcount {row['pubcount']['f1']:.3f}"
                      f"  mentions {row['mentions']['f1']:.3f}")
        misses = Counter()
        for t in report["topics"].values():
            for row in t["timelines"].values():
                misses.update(row["ours_misses"])
        report["ours_misses_all_timelines"] = dict(misses)
        print(f"\nwhy reference days were missed (ours, all timelines): {dict(misses)}")
        report["date_f1_all_timelines"] = {m: round(f1_of_means([p for p, _ in v], [r for _, r in v]), 3)
                                           for m, v in all_pr.items() if v}
        report["reference"] = {"published, 19 timelines (Ghalandari & Ifrim 2020)": {
            "DATEWISE": 0.544, "MARTSCHAT2018": 0.544, "TRAN2013": 0.517, "PUBCOUNT": 0.481, "CLUST": 0.407},
            "measured here, 8 development timelines": {"pubcount": 0.567, "mentions": 0.641}}
        print("\nDate-F1 (F1 of mean P and mean R over all timelines):")
        for m, v in report["date_f1_all_timelines"].items():
            print(f"   {m:10} {v:.3f}")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n")
        print(f"wrote {args.out}")
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
