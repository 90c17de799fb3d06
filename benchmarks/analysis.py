"""CPU time of the per-article analysis (issue 15: at most 5 ms per article).

    python benchmarks/analysis.py [--n 1000] [--sample 300] [--runs 3] [--profile]
                                  [--corpus DIR] [--dump FILE] [--out FILE]
                                  [--baseline DIR [--ab-runs 5]]

Makes a news-density corpus of `--n` articles (../shared/tools/make_corpus.py;
or reads `--corpus DIR`, a project with site.toml), takes every
(n / sample)-th article, and runs `generator.analysis.article.analyse` on
each in this process: CPU time (`time.process_time()`), the median of
`--runs` passes, per article and split by stage (Markdown, plain text,
sentences, tagging, the rest). `--profile` prints the cProfile top lines of
one pass. `--dump FILE` pickles the analyses (text, sentences, timexes,
mentions...) so two checkouts can be compared for identical output.
`--baseline DIR` (an older checkout outside the repository) times that code
against this one side by side: `--ab-runs` fresh processes of each,
alternating, each analysing the sample once after a warm-up; the medians
and their ratio (on a shared machine, the figure to trust).
Results go to benchmarks/results/analysis.json.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pickle
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator import content  # noqa: E402
from generator.analysis import sentences  # noqa: E402
from generator.analysis.article import analyse  # noqa: E402
from generator.analysis.markup import plain_text, render_markdown  # noqa: E402
from generator.config import load_config  # noqa: E402
from generator.errors import Report  # noqa: E402
from generator.resources import load_resources  # noqa: E402
from generator.temporal import tag  # noqa: E402
from tests.support import make_corpus  # noqa: E402


def stages(articles, resources) -> dict[str, float]:
    """CPU seconds of each stage over `articles` (each stage timed alone)."""
    out = {}
    t0 = time.process_time()
    htmls = [render_markdown(a.body) for a in articles]
    out["markdown"] = time.process_time() - t0
    t0 = time.process_time()
    plains = [plain_text(h) for h in htmls]
    out["plain_text"] = time.process_time() - t0
    t0 = time.process_time()
    spans = [sentences.split(p.text, resources.abbreviations) for p in plains]
    out["sentences"] = time.process_time() - t0
    t0 = time.process_time()
    for a, p, s in zip(articles, plains, spans, strict=True):
        tag(p.text, a.date, resources.language, s, resources.temporal)
    out["tagging"] = time.process_time() - t0
    return out


def time_code(project: Path, code: Path, sample_size: int) -> float:
    """CPU ms per article of the analysis of the project checked out at
    `code`, over the sample, once, after a warm-up (run in a fresh process)."""
    for name in [m for m in sys.modules if m == "generator" or m.startswith("generator.")]:
        del sys.modules[name]  # the code to time, not this checkout's
    sys.path.insert(0, str(code.resolve()))
    from generator import content as code_content
    from generator.analysis.article import analyse as code_analyse
    from generator.config import load_config as code_config
    from generator.errors import Report as CodeReport
    from generator.resources import load_resources as code_resources

    config = code_config(project / "site.toml")
    resources = code_resources(config)
    articles = code_content.read_content(config.content_dir, CodeReport(), False, config.limits, config.root)
    sample = articles[:: max(1, len(articles) // sample_size)][:sample_size]
    code_analyse(sample[0], resources, config.extraction)
    t0 = time.process_time()
    for a in sample:
        code_analyse(a, resources, config.extraction)
    return (time.process_time() - t0) / len(sample) * 1000


def compare(project: Path, baseline: Path, sample: int, runs: int) -> dict:
    ms: dict[str, list[float]] = {"this": [], "baseline": []}
    for _ in range(runs):
        for label, code in (("baseline", baseline), ("this", ROOT)):
            out = subprocess.run([sys.executable, __file__, "--corpus", str(project), "--sample", str(sample),
                                  "--time-code", str(code)], capture_output=True, text=True, check=True)
            ms[label].append(float(out.stdout.strip().splitlines()[-1]))
    this, base = statistics.median(ms["this"]), statistics.median(ms["baseline"])
    return {"method": f"{runs} fresh processes of each code, alternating; each analyses the sample once after "
                      "a warm-up; CPU time (time.process_time()); medians",
            "baseline": str(baseline), "cpu_ms_per_article": {k: [round(x, 3) for x in v] for k, v in ms.items()},
            "median_ms": {"this": round(this, 3), "baseline": round(base, 3)}, "ratio": round(base / this, 3)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--sample", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--corpus", type=Path, help="a project folder with site.toml (default: generate one)")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--dump", type=Path, help="pickle the analyses of the sample here")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "analysis.json")
    ap.add_argument("--baseline", type=Path, help="an older checkout: time it against this code")
    ap.add_argument("--ab-runs", type=int, default=5, help="processes of each code for --baseline (default 5)")
    ap.add_argument("--time-code", type=Path, help=argparse.SUPPRESS)  # one timed pass, for --baseline
    args = ap.parse_args(argv)
    if args.time_code:
        print(f"{time_code(args.corpus, args.time_code, args.sample):.6f}")
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-analysis-") as tmp:
        project = args.corpus
        if project is None:
            project = Path(tmp) / "site"
            make_corpus(args.n, "plain", project, "Analysis benchmark", search=False)
        return measure(args, project)


def measure(args: argparse.Namespace, project: Path) -> int:
    """Time (and profile, dump, compare) the analysis of the project's sample."""
    config = load_config(project / "site.toml")
    resources = load_resources(config)
    articles = content.read_content(config.content_dir, Report(), False, config.limits, config.root)
    step = max(1, len(articles) // args.sample)
    sample = articles[::step][: args.sample]
    settings = config.extraction
    analyse(sample[0], resources, settings)  # warm up (compiled patterns, caches of the rules)
    times, parts = [], []
    for _ in range(max(1, args.runs)):
        t0 = time.process_time()
        analyses = [analyse(a, resources, settings) for a in sample]
        times.append(time.process_time() - t0)
        parts.append(stages(sample, resources))
    per = statistics.median(times) / len(sample) * 1000
    split = {k: round(statistics.median(p[k] for p in parts) / len(sample) * 1000, 3) for k in parts[0]}
    split["rest (mentions, names, furniture...)"] = round(per - sum(split.values()), 3)
    chars = sum(len(a.text) for a in analyses)
    result = {"articles": len(sample), "of": len(articles), "characters": chars,
              "cpu_ms_per_article": round(per, 3),
              "runs_ms_per_article": [round(t / len(sample) * 1000, 3) for t in times],
              "stages_ms_per_article": split,
              "note": "one process, CPU time (time.process_time()), median of the runs; stages timed separately"}
    print(json.dumps(result, indent=2))
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        for a in sample:
            analyse(a, resources, settings)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(30)
        pstats.Stats(prof).sort_stats("cumtime").print_stats(40)
    if args.baseline:
        result["against_baseline"] = compare(project, args.baseline, args.sample, args.ab_runs)
        print(json.dumps(result["against_baseline"], indent=2))
    if args.dump:
        args.dump.write_bytes(pickle.dumps([(a.article.slug, a.html, a.text, a.offsets, a.runs, a.sentences,
                                             a.timexes, a.mentions, a.common_words) for a in analyses]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
