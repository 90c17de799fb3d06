"""Cold builds of two versions of the generator, side by side on one corpus.

    python benchmarks/cold_ab.py --baseline REV [--n 1000] [--pairs 4] [--busy]

The host's speed can drift by a quarter within an hour (Pelican's own time
in benchmarks/build.py went from 7.6 to 11.5 s at 1,000 articles in one
session), so a change is measured against the code before it in
alternating cold builds: the baseline (`git archive REV`, in a temporary
folder) and this checkout, each `python -m generator build --timings` in a
child process with no cache and no output, `--pairs` times each. The order
turns from pair to pair (baseline first in the first pair, this checkout
first in the second...): the second build of a pair tends to be the
slower, whichever code it is. Nothing is deleted between the builds (see
benchmarks/build.py: a mass deletion slows the next files made on this
machine's ext4); the outputs are moved aside and deleted at the end.
Prints each build's wall, user and system time and stages; reports the
medians (stages too) and each pair's ratio. `--busy` adds the machine's
busy cores every half second (from /proc/stat), to see where a core waits.

Results: benchmarks/results/cold_ab.json (key n<N>-<REV>).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.build import Trash, make_corpus, stages  # noqa: E402
from tests.support import report_result  # noqa: E402


def busy_cores(step: float, stop: threading.Event, out: list[str], started: float) -> None:
    """Cores busy (of the machine) in each `step` seconds, until `stop`."""
    def sample() -> tuple[int, int]:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        return sum(values), values[3] + values[4]  # total, idle + iowait

    cores = os.cpu_count() or 1
    last = sample()
    while not stop.wait(step):
        now = sample()
        total, idle = now[0] - last[0], now[1] - last[1]
        last = now
        out.append(f"{time.perf_counter() - started:.1f}:{cores * (total - idle) / total if total else 0:.1f}")


def cold_build(code: Path, site: Path, trash: Trash, busy: bool) -> dict:
    trash.put(site / ".cache")
    trash.put(site / "output")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    timeline: list[str] = []
    stop = threading.Event()
    started = time.perf_counter()
    sampler = threading.Thread(target=busy_cores, args=(0.5, stop, timeline, started), daemon=True)
    if busy:
        sampler.start()
    proc = subprocess.run([sys.executable, "-m", "generator", "build", "--timings"], cwd=site,
                          env={**os.environ, "PYTHONPATH": str(code)}, capture_output=True, text=True)
    wall = time.perf_counter() - started
    stop.set()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"the build with {code} failed:\n{proc.stderr[-2000:]}")
    return {"wall": round(wall, 3), "user": round(after.ru_utime - before.ru_utime, 3),
            "sys": round(after.ru_stime - before.ru_stime, 3), "stages": stages(proc.stdout),
            **({"busy_cores": " ".join(timeline)} if busy else {})}


def stage_medians(rows: list[dict]) -> dict[str, float]:
    """Each stage's median seconds over the builds (0 where a build has no such stage)."""
    names = sorted({stage for r in rows for stage in r["stages"]})
    return {stage: round(statistics.median(r["stages"].get(stage, 0.0) for r in rows), 3) for stage in names}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", required=True, help="the git revision to compare with (e.g. HEAD~2)")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--pairs", type=int, default=4)
    ap.add_argument("--density", choices=("news", "dense"), default="news")
    ap.add_argument("--busy", action="store_true", help="record the machine's busy cores every 0.5 s")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "cold_ab.json")
    args = ap.parse_args(argv)
    rev = subprocess.run(["git", "rev-parse", "--short", args.baseline], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix=f"cold-ab-{args.n}-") as tmp_name:
        tmp = Path(tmp_name)
        baseline = tmp / "baseline"
        baseline.mkdir()
        archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(baseline)], input=archive, check=True)
        site = tmp / "site"
        make_corpus(args.n, "plain", site, args.density)
        trash = Trash(tmp / "trash")
        rows: dict[str, list[dict]] = {"baseline": [], "new": []}
        sides = (("baseline", baseline), ("new", ROOT))
        for i in range(args.pairs):
            # the order turns each pair: the second build of a pair was mostly the slower in its
            # rendering whichever code it was (stop 55, 10,000 articles), so neither side takes it always
            for name, code in sides if i % 2 == 0 else sides[::-1]:
                row = cold_build(code, site, trash, args.busy)
                row["first"] = (i % 2 == 0) == (name == "baseline")
                rows[name].append(row)
                print(f"pair {i + 1}/{args.pairs} {name}: wall {row['wall']:.2f} s, user {row['user']:.2f} s, "
                      f"sys {row['sys']:.2f} s, {row['stages']}", file=sys.stderr)
        summary = {name: {"wall_median_s": statistics.median(r["wall"] for r in got),
                          "user_median_s": statistics.median(r["user"] for r in got),
                          "sys_median_s": statistics.median(r["sys"] for r in got),
                          "stage_medians_s": stage_medians(got),
                          "runs": got}
                   for name, got in rows.items()}
        report = {"articles": args.n, "density": args.density, "baseline": rev, "new": head,
                  "load_average_at_end": os.getloadavg()[0], **summary,
                  "wall new / baseline": round(summary["new"]["wall_median_s"]
                                               / summary["baseline"]["wall_median_s"], 3),
                  "wall new / baseline, per pair": [round(n["wall"] / b["wall"], 3)
                                                    for n, b in zip(rows["new"], rows["baseline"], strict=True)]}
        report_result(args.out, f"n{args.n}-{rev}", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
