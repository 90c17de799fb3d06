"""A fast loop for experiments on key-event text (AR1-F, AR2-F) and key days
(Date-F1) on the Timeline17 development topics.

    python benchmarks/summary_loop.py --prepare      # once: convert and analyse each topic (minutes)
    python benchmarks/summary_loop.py [--topics H1N1 bpoil]   # then: each run re-does only the corpus stages

benchmarks/quality.py analyses every article on every run. The per-article
analysis does not change when only the corpus stages (corpus/merge.py,
salience.py, topic.py) do, so `--prepare` analyses each topic once and keeps
the analyses in a cache folder (outside the project; the dataset is for
evaluation only). A run then merges, picks and scores each reference
timeline exactly as quality.py's `timeline_task` does. The clustering of
each timeline's articles is kept too, keyed by its mentions and the source
of corpus/clustering.py, so an experiment on summaries or salience skips it;
a change to the clustering code clusters again. Figures are printed, not
written: quality.py stays the measurement of record.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import generator.corpus.merge as merge_module  # noqa: E402
from benchmarks import quality  # noqa: E402
from benchmarks.rouge import RougeWords  # noqa: E402
from generator.build import BuildOptions  # noqa: E402
from generator.config import load_config  # noqa: E402
from generator.content import read_content  # noqa: E402
from generator.errors import Report  # noqa: E402
from generator.freshness import ANALYSIS_CODE, code_fingerprint  # noqa: E402
from generator.pipeline import analyse  # noqa: E402
from generator.resources import load_resources  # noqa: E402
from tests.support.data import shared_dir  # noqa: E402
from tests.support.timeline17 import convert, read_reference_timelines, topic_dirs  # noqa: E402

CLUSTERING_SOURCE = ROOT / "generator" / "corpus" / "clustering.py"


def analyses_file(cache: Path, topic: str) -> Path:
    """Where --prepare pickles a topic's analyses: named by the analysis code
    (freshness.ANALYSIS_CODE, the model's classes among it), as a pickle of
    other code's classes can load as wrong values without an error (a
    dict-based instance's state read by a slotted class's __setstate__)."""
    return cache / f"{topic}.analyses.{code_fingerprint(ANALYSIS_CODE)}.pkl"


def prepare(topic: str, data: Path, cache: Path, jobs: int | None) -> None:
    folder = cache / topic
    if not folder.exists():
        convert(topic_dirs(data, topic), folder)
        with (folder / "site.toml").open("a") as fh:
            fh.write(f"key_events = {quality.KEY_EVENTS}\n")
    t0 = time.perf_counter()
    cfg = load_config(folder / "site.toml")
    analyses = analyse(read_content(cfg.content_dir, Report()), cfg, load_resources(cfg),
                       BuildOptions(use_cache=False, jobs=jobs), Report())
    analyses_file(cache, topic).write_bytes(pickle.dumps(analyses))
    print(f"{topic}: {len(analyses)} articles analysed in {time.perf_counter() - t0:.0f} s", flush=True)


def remember_clusters(cache: Path) -> None:
    """Keep each clustering on disk, keyed by the mentions, the threshold and
    the clustering code, so a run that changes neither does not redo it."""
    original = merge_module.cluster_mentions
    code = hashlib.sha1(CLUSTERING_SOURCE.read_bytes()).hexdigest()

    def cached(mentions, index, threshold, vocab, *rest):
        ids = "|".join(f"{m.article}:{m.sentence_index}:{m.timex.start}" for m in mentions)
        key = hashlib.sha1(f"{code}|{threshold}|{ids}".encode()).hexdigest()
        path = cache / f"clusters-{key}.pkl"
        if path.exists():
            return pickle.loads(path.read_bytes())
        groups = original(mentions, index, threshold, vocab, *rest)
        path.write_bytes(pickle.dumps(groups))
        return groups

    merge_module.cluster_mentions = cached


def run(topics: list[str], data: Path, cache: Path, words: RougeWords) -> None:
    remember_clusters(cache)
    every = []
    for topic in topics:
        folder = cache / topic
        cfg = load_config(folder / "site.toml")
        analyses = pickle.loads(analyses_file(cache, topic).read_bytes())
        corpus = quality.Corpus(cfg, load_resources(cfg), analyses, [], None)  # type: ignore[arg-type]
        rows = []
        for tl in read_reference_timelines(topic_dirs(data, topic)):
            t0 = time.perf_counter()
            row = quality.timeline_task(corpus, tl, words)
            rows.append(row)
            s = row["summaries"]
            print(f"{tl.name:40} k={row['k']:3} n={tl.sentences_per_date}  Date-F1 {row['date']['f1']:.3f}"
                  f"  AR1 {s['ar1']['f1']:.3f} (P {s['ar1']['precision']:.3f} R {s['ar1']['recall']:.3f})"
                  f"  AR2 {s['ar2']['f1']:.3f}  ({time.perf_counter() - t0:.0f} s)", flush=True)
        every += rows
        report(topic, rows)
    if len(topics) > 1:
        report("all", every)


def report(label: str, rows: list[dict]) -> None:
    avg = quality.averages(rows, True)
    print(f"{label}: Date-F1 {avg['date_f1']:.4f}  AR1-F {avg['summaries_ar1']['f1']:.4f}"
          f"  AR2-F {avg['summaries_ar2']['f1']:.4f}  (lead {avg['lead_ar1']['f1']:.4f},"
          f" {avg['lead_ar2']['f1']:.4f})", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=shared_dir() / "data" / "timeline17")
    ap.add_argument("--rouge-words", type=Path, default=shared_dir() / "data" / "rouge-1.5.5")
    ap.add_argument("--topics", nargs="*", default=["H1N1", "bpoil"])
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "quality-loop",
                    help="where the converted topics, analyses and clusterings are kept (outside the project)")
    ap.add_argument("--prepare", action="store_true", help="convert and analyse the topics (once)")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes for --prepare")
    args = ap.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.prepare:
        for topic in args.topics:
            prepare(topic, args.data, args.cache, args.jobs)
        return 0
    missing = [t for t in args.topics if not analyses_file(args.cache, t).exists()]
    if missing:
        raise SystemExit(f"no analyses for {', '.join(missing)} in {args.cache}: run with --prepare first")
    run(args.topics, args.data, args.cache, RougeWords.load(args.rouge_words))
    return 0


if __name__ == "__main__":
    sys.exit(main())
