"""The per-article analysis on a 2-worker Dask LocalCluster beside the local
process pool (--jobs 1 and --jobs 2), on the generated news corpus.

    python benchmarks/executors.py --n 1000 [--runs 3] [--corpus DIR]

* Analysis alone: `analyse_all` over every article with an empty cache (a
  fresh temporary folder each run), in this process: wall time and CPU time
  (this process, its reaped pool workers and the Dask workers, asked through
  the cluster). The cases are interleaved run by run; medians are reported.
* Whole cold builds (`python -m generator build --timings`, empty cache and
  output): the process pool (--jobs 2) and the cluster; wall and the extract
  stage, `--build-runs` each (default 1).
* The cluster (2 worker processes, 1 thread each) is started once and
  warmed with a few articles before timing, as a long-running cluster is.

Results: benchmarks/results/dask.json (key "n<N>").
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator import content, freshness  # noqa: E402
from generator.analysis.cache import Cache  # noqa: E402
from generator.analysis.runner import analyse_all  # noqa: E402
from generator.config import load_config  # noqa: E402
from generator.errors import Report  # noqa: E402
from generator.resources import load_resources  # noqa: E402
from tests.support import make_corpus, report_result  # noqa: E402


def cpu_self_and_children() -> float:
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def _worker_cpu() -> float:
    import psutil

    t = psutil.Process().cpu_times()
    return t.user + t.system


def cluster_cpu(client) -> float:
    return sum(client.run(_worker_cpu).values()) if client else 0.0


def analysis_run(project: Path, executor: str, jobs: int, address: str, client) -> dict:
    config = load_config(project / "site.toml")
    resources = load_resources(config)
    articles = content.read_content(config.content_dir, Report(), False, config.limits, config.root)
    base = freshness.analysis_base(resources, config.extraction)
    keys = [freshness.article_key(a, base) for a in articles]
    with tempfile.TemporaryDirectory(prefix="bench-dask-cache-") as folder:
        store = Cache(Path(folder))
        cpu0, workers0, t0 = cpu_self_and_children(), cluster_cpu(client), time.perf_counter()
        analyse_all(articles, keys, resources, config.extraction, store, jobs, None, executor, address)
        wall = time.perf_counter() - t0
        cpu = cpu_self_and_children() - cpu0 + cluster_cpu(client) - workers0
        written = sum(1 for _ in Path(folder).rglob("*.json"))
    assert written == len(articles), (written, len(articles))
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}


def build_run(project: Path, extra: list[str]) -> dict:
    shutil.rmtree(project / ".cache", ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="bench-dask-out-") as out:
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "generator", "build", "--config", str(project / "site.toml"),
                            "--output", str(Path(out) / "site"), "--timings", *extra], cwd=ROOT,
                           capture_output=True, text=True)
        wall = time.perf_counter() - t0
    if r.returncode:
        raise SystemExit(r.stderr)
    extract = re.search(r"extract ([\d.]+)s", r.stdout)
    return {"wall_s": round(wall, 2), "extract_s": float(extract.group(1)) if extract else None}


def median(runs: list[dict], field: str) -> float:
    return round(statistics.median(r[field] for r in runs), 2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--build-runs", type=int, default=1)
    ap.add_argument("--corpus", type=Path, help="an existing project made by make_corpus (default: make one)")
    args = ap.parse_args()
    import distributed

    tmp = Path(tempfile.mkdtemp(prefix="bench-dask-"))
    project = args.corpus
    if project is None:
        project = tmp / "corpus"
        make_corpus(args.n, "plain", project, "Dask benchmark")
        (project / "site.toml").write_text('title = "Dask benchmark"\nbase_url = "/"\n')
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        address = cluster.scheduler_address
        warm = tmp / "warm"
        make_corpus(8, "plain", warm, "warm-up")
        analysis_run(warm, "dask", 2, address, client)
        cases = {"pool --jobs 1": ("local", 1, None), "pool --jobs 2": ("local", 2, None),
                 "dask LocalCluster 2x1": ("dask", 2, client)}
        runs: dict[str, list[dict]] = {k: [] for k in cases}
        for i in range(args.runs):
            for name, (executor, jobs, c) in cases.items():
                runs[name].append(analysis_run(project, executor, jobs, address, c))
                print(f"run {i + 1} {name}: {runs[name][-1]}", flush=True)
        builds: dict[str, list[dict]] = {"pool --jobs 2": [], "dask LocalCluster 2x1": []}
        for i in range(args.build_runs):
            builds["pool --jobs 2"].append(build_run(project, ["--jobs", "2"]))
            builds["dask LocalCluster 2x1"].append(build_run(project, ["--executor", "dask", "--scheduler", address]))
            print(f"build run {i + 1}: " + ", ".join(f"{k} {v[-1]}" for k, v in builds.items()), flush=True)
    shutil.rmtree(tmp, ignore_errors=True)
    one = median(runs["pool --jobs 1"], "wall_s")
    result = {
        "articles": sum(1 for _ in (project / "content" / "articles").glob("*.md")),
        "machine": f"{os.cpu_count()} cores, load average at the end {os.getloadavg()[0]:.1f}",
        "analysis": {name: {"wall_s": median(r, "wall_s"), "cpu_s": median(r, "cpu_s"),
                            "speed_up_vs_jobs_1": round(one / median(r, "wall_s"), 2), "runs": r}
                     for name, r in runs.items()},
        "cold_build": {name: {"wall_s": median(r, "wall_s"), "extract_s": median(r, "extract_s"), "runs": r}
                       for name, r in builds.items()},
    }
    report_result(ROOT / "benchmarks" / "results" / "dask.json", f"n{args.n}", result)


if __name__ == "__main__":
    main()
