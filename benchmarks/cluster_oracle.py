"""Where the key-event text is lost: the events a key day prints, what they
are made of, and what a perfect choice of sentence within them would score.

    python benchmarks/cluster_oracle.py --cache FOLDER   # the folder of `summary_loop.py --prepare`

For each reference timeline, exactly as quality.py scores it (the k days
Date-F1 picks; for each day the summaries of its events in the site's order,
as many as the reference has sentences per date), it prints AR1-F / AR2-F of

* ours: the events' summaries;
* best in event: each printed event's sentence with the highest ROUGE-1 F
  against the day's reference (an oracle of the summary choice, with the
  clustering as it is);
* best of the day: the day's best sentences of any mention (an oracle of
  clustering and choice together);

and, over the printed events of the days the reference also has: by rank in
the day, their size (sentences, articles), how many are one sentence, and the
ROUGE-1 F of the printed summary; which events hold the day's best
sentences (its first, another printed, one not printed); and how mixed they are: the share of an
event's sentences that share too few words with every sentence of the other
articles it holds to have been merged with them without the one-article,
one-day bonus ("loose"), and how often the summary is one of them. It uses
the clustering in the tree, so a change to corpus/clustering.py is measured
by running it before and after. Figures are printed, nothing is written.
"""

from __future__ import annotations

import argparse
import math
import pickle
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import quality  # noqa: E402
from benchmarks.rouge import RougeWords, align_rouge, mean_pr, ptb_like, rouge_counts  # noqa: E402
from benchmarks.summary_loop import analyses_file, remember_clusters  # noqa: E402
from generator.config import load_config  # noqa: E402
from generator.corpus.clustering import features, similarity  # noqa: E402
from generator.corpus.merge import mention_key  # noqa: E402
from generator.pipeline import merged_events  # noqa: E402
from generator.resources import load_resources  # noqa: E402
from tests.support.data import shared_dir  # noqa: E402
from tests.support.timeline17 import day_events, day_scores, read_reference_timelines, top_days, topic_dirs  # noqa: E402

LOOSE = 0.24  # the merge threshold (0.34) less the bonus of two articles naming the same day (0.1)


def r1(words: RougeWords, sentence: str, ref: list[str]) -> float:
    c = rouge_counts(words, [sentence], [ref], 1)
    p, r = (c.hit / c.peer if c.peer else 0.0), (c.hit / c.model if c.model else 0.0)
    return 2 * p * r / (p + r) if p + r else 0.0


def timeline(corpus: quality.Corpus, tl, words: RougeWords, rows: list[dict], where: Counter) -> dict:
    """The three texts' scores for one timeline; one row per printed event of a reference day into `rows`,
    and in `where` which events the day's best sentences are in."""
    start, end = tl.dates[0], tl.dates[-1]
    subset = [a for a in corpus.analyses if a.article.date and start <= a.article.date <= end]
    events, index = merged_events(subset, corpus.resources, corpus.config)
    by_key = defaultdict(list)
    mentions = [m for a in subset for m in a.mentions]
    for m in mentions:
        by_key[mention_key(m)].append(m)
    feats = {id(m): features(m, index) for m in mentions}
    df = Counter(k for f in feats.values() for k in f)
    idf = {k: math.log(1 + len(mentions) / c) for k, c in df.items()}
    picked = top_days(day_scores(events), len(tl.dates), start, end)
    by_day, n = day_events(events), tl.sentences_per_date
    texts: dict[str, dict] = {"ours": {}, "best in event": {}, "best of the day": {}}
    for d in picked:
        evs = by_day.get(d, [])
        texts["ours"][d] = quality.day_text(evs, n)
        ref = tl.summaries.get(d)
        if not ref:
            texts["best in event"][d] = texts["best of the day"][d] = texts["ours"][d]
            continue
        best: list[str] = []
        for rank, e in enumerate(evs):
            ms = [m for k in e.mentions for m in by_key[k]]
            sentences = sorted({ptb_like(" ".join(m.sentence.split())) for m in ms})
            top = max(sentences, key=lambda s: (r1(words, s, ref), s))
            if top not in best:
                best.append(top)
            if rank < n:
                rows.append(event_row(e, ms, feats, idf, rank, words, ref))
            if len(best) == n:
                break
        texts["best in event"][d] = best
        rank_of: dict[str, int] = {}
        for rank, e in enumerate(evs):
            for k in e.mentions:
                for m in by_key[k]:
                    rank_of.setdefault(ptb_like(" ".join(m.sentence.split())), rank)
        texts["best of the day"][d] = sorted(rank_of, key=lambda s: (-r1(words, s, ref), s))[:n]
        where.update("first event" if rank_of[s] == 0 else "other printed" if rank_of[s] < n else "not printed"
                     for s in texts["best of the day"][d])
    return {label: align_rouge(words, pred, [tl.summaries]) for label, pred in texts.items()}


def event_row(e, ms: list, feats: dict, idf: dict, rank: int, words: RougeWords, ref: list[str]) -> dict:
    articles = {m.article for m in ms}

    def loose(m) -> bool:
        return max((similarity(feats[id(m)], feats[id(o)], idf) for o in ms if o.article != m.article),
                   default=0.0) < LOOSE

    flags = {id(m): loose(m) for m in ms} if len(articles) > 1 else {}
    summary_words = set(e.summary.lower().split())
    rep = max(ms, key=lambda m: len(summary_words & set(m.sentence.lower().split())))
    return {"rank": rank, "sentences": len({(m.article, m.sentence_index) for m in ms}), "articles": len(articles),
            "r1": r1(words, ptb_like(e.summary), ref),
            "loose": sum(flags.values()) / len(ms) if flags else None,
            "summary_loose": flags.get(id(rep)) if flags else None}


def print_rows(rows: list[dict]) -> None:
    for rank in sorted({r["rank"] for r in rows}):
        sel = [r for r in rows if r["rank"] == rank]
        print(f"  rank {rank}: {len(sel):4} events, median {statistics.median(r['sentences'] for r in sel):g}"
              f" sentences / {statistics.median(r['articles'] for r in sel):g} articles,"
              f" {sum(r['sentences'] == 1 for r in sel)} of one sentence,"
              f" summary ROUGE-1 F {statistics.mean(r['r1'] for r in sel):.3f}")
    multi = [r for r in rows if r["loose"] is not None]
    if multi:
        print(f"  {len(multi)} of several articles: {statistics.mean(r['loose'] for r in multi):.0%} of their"
              f" sentences loose, {sum(r['loose'] >= 0.3 for r in multi)} with 30% or more; the summary is a loose"
              f" one in {sum(bool(r['summary_loose']) for r in multi)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=shared_dir() / "data" / "timeline17")
    ap.add_argument("--rouge-words", type=Path, default=shared_dir() / "data" / "rouge-1.5.5")
    ap.add_argument("--topics", nargs="*", default=["H1N1", "bpoil"])
    ap.add_argument("--cache", type=Path, required=True, help="the folder summary_loop.py --prepare filled")
    args = ap.parse_args(argv)
    words = RougeWords.load(args.rouge_words)
    remember_clusters(args.cache)
    scores: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    every: list[dict] = []
    where: Counter = Counter()
    for topic in args.topics:
        cfg = load_config(args.cache / topic / "site.toml")
        analyses = pickle.loads(analyses_file(args.cache, topic).read_bytes())
        corpus = quality.Corpus(cfg, load_resources(cfg), analyses, [], None)  # type: ignore[arg-type]
        rows: list[dict] = []
        for tl in read_reference_timelines(topic_dirs(args.data, topic)):
            for label, s in timeline(corpus, tl, words, rows, where).items():
                scores[label][topic].append(s)
                scores[label]["all"].append(s)
        print(f"{topic}: printed events of the reference's days")
        print_rows(rows)
        every += rows
    if len(args.topics) > 1:
        print("all:")
        print_rows(every)
    total = sum(where.values()) or 1
    print("the best sentences of the day are in: " + ", ".join(f"{k} {v / total:.0%}" for k, v in where.most_common()))
    for label, by_topic in scores.items():
        print(f"{label:16}" + "  ".join(f"{t} {mean_pr([s[1] for s in v]).f1:.4f} / {mean_pr([s[2] for s in v]).f1:.4f}"
                                         for t, v in by_topic.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
