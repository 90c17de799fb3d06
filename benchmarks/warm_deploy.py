"""What a warm deploy saves: a fresh clone that gets the build cache back
(.cache/ and output/.generator-manifest.json, what netlify.toml's
netlify-plugin-cache and the Pages workflow's actions/cache keep) against a
fresh clone without it, after a push that edits one article.

    python benchmarks/warm_deploy.py --corpus DIR        (a project made by make_corpus)
    python benchmarks/warm_deploy.py --n 1000            (makes one)
    python benchmarks/warm_deploy.py --timeline17 H1N1   (../shared/data/timeline17)

1. The previous deploy: a clone of the project is built; its cache and
   manifest are what the CI cache would save.
2. A push edits one article.
3. Cold: a new clone of the pushed project, built with nothing restored.
   Warm: a new clone with the saved cache and manifest restored, built.
   Warm with the site: a new clone with .cache/ and the whole output/
   restored (what a CI cache that also kept the published site, as Gatsby's
   Netlify plugin keeps public/, would give back; not what netlify.toml or
   pages.yml keep: see README, "Warm deploys"), built: a rebuild of the
   pages the edit changed. The cache's own time to save and restore the
   site is the host's and is not in the figure.
   Each is `python -m generator build --timings` in a child process: wall,
   CPU (user + system, workers included) and the stages.
4. The outputs are compared with the cold one: the per-article cache never
   changes the output; the restored manifest may (it keeps the URLs of
   event ids the edit retired), and the differing files are listed.

Results: benchmarks/results/warm_deploy.json.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support import make_corpus, report_result, shared_dir, site_files  # noqa: E402
from tests.support.timeline17 import convert, topic_dirs  # noqa: E402

SAVED = (".cache", "output/.generator-manifest.json")  # what the CI cache keeps (netlify.toml, pages.yml)


def clone(project: Path, to: Path) -> Path:
    """The tracked files of a site repository: site.toml and content/."""
    to.mkdir(parents=True)
    shutil.copy2(project / "site.toml", to / "site.toml")
    shutil.copytree(project / "content", to / "content")
    return to


def build(project: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "generator", "build", "--config", str(project / "site.toml"),
                        "--timings"], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode:
        raise SystemExit(r.stderr)
    stages = {k: float(v) for k, v in re.findall(r"(\w+) ([\d.]+)s", r.stdout.splitlines()[-1])}
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "stages": stages}


def restore(previous: Path, to: Path, paths) -> None:
    """What a CI cache gives back: `paths` (files or folders) of the previous
    deploy's project, copied (new inodes, as a restore makes)."""
    for rel in paths:
        src, dst = previous / rel, to / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dst)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--timeline17", metavar="TOPIC")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-warm-"))
    if args.corpus:
        source, name = args.corpus, f"corpus {args.corpus.name}"
    elif args.timeline17:
        source, name = tmp / "source", f"timeline17 {args.timeline17}"
        convert(topic_dirs(shared_dir() / "data" / "timeline17", args.timeline17), source)
    else:
        source, name = tmp / "source", f"make_corpus n={args.n}"
        make_corpus(args.n, "plain", source, "Warm deploy")
    previous = clone(source, tmp / "previous")
    first = build(previous)
    article = sorted((previous / "content" / "articles").glob("*.md"))[0]
    pushed = clone(previous, tmp / "pushed")  # the push: one article edited
    edited = pushed / "content" / "articles" / article.name
    edited.write_text(edited.read_text(encoding="utf-8").rstrip() + "\n\nThe council met again on Monday.\n",
                      encoding="utf-8")
    cold_clone, warm_clone = clone(pushed, tmp / "cold"), clone(pushed, tmp / "warm")
    site_clone = clone(pushed, tmp / "warm-site")
    restore(previous, warm_clone, SAVED)  # what the CI cache restores
    restore(previous, site_clone, (".cache", "output"))  # a cache that kept the published site too
    articles = sum(1 for _ in (source / "content" / "articles").glob("*.md"))
    cache_mb = sum(p.stat().st_size for p in (previous / ".cache").rglob("*") if p.is_file()) / 1e6
    site_mb = sum(p.stat().st_size for p in (previous / "output").rglob("*") if p.is_file()) / 1e6
    cold, warm, warm_site = build(cold_clone), build(warm_clone), build(site_clone)
    a = site_files(cold_clone / "output")
    differ = {}
    for which, clone_dir in (("warm", warm_clone), ("warm_with_site", site_clone)):
        b = site_files(clone_dir / "output")
        differ[which] = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    shutil.rmtree(tmp, ignore_errors=True)
    result = {
        "articles": articles,
        "machine": f"{os.cpu_count()} cores, load average at the end {os.getloadavg()[0]:.1f}",
        "restored": list(SAVED), "cache_mb": round(cache_mb, 1), "site_mb": round(site_mb, 1),
        "previous_deploy": first, "cold_clone": cold, "warm_clone": warm, "warm_clone_with_site": warm_site,
        # The manifest's event-id history can only make a warm site differ (keeping a retired id's URL).
        "files_differing": len(differ["warm"]), "differing": differ["warm"][:20],
        "files_differing_with_site": len(differ["warm_with_site"]),
        "differing_with_site": differ["warm_with_site"][:20],
        "saved_wall": f"{1 - warm['wall_s'] / cold['wall_s']:.0%}",
        "saved_cpu": f"{1 - warm['cpu_s'] / cold['cpu_s']:.0%}",
        "saved_wall_with_site": f"{1 - warm_site['wall_s'] / cold['wall_s']:.0%}",
    }
    report_result(ROOT / "benchmarks" / "results" / "warm_deploy.json", name, result)


if __name__ == "__main__":
    main()
