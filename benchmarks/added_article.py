"""The preview's merge after an article is added or removed, against merging everything.

An article added changes the places of every mention after it, which the
merge record is indexed by, and the coverage (the articles published around
each event) that the salience of the events near its day reads. The
preview's record (kept in memory) is moved to the places now
(corpus/record_shift.py) and only the events the new article touches, or
whose coverage it changes, are made again (merge._covered). This drives the
preview's merge in one process, as its loop does: the analyses of a project
built before (`--project DIR`, its per-article cache warm), merged once in
full (the record kept, completed as the preview completes it once its site
is live), then `--adds` follow-up articles added one after another at
different places (each a copy of an article of the same day with its
sentences reworded), each merged with the last record; every result is
compared with merging everything anew. Then `--removes` of the articles
the project had are removed one after another (spread over the corpus:
their mentions then are taken as a neighbour's, which carries their pairs
and groups away, merge_record._folded), each merged with the last record
and compared the same way. Each merge runs as the preview runs it
(build.made_old). Results are merged into
benchmarks/results/added_article.json under `n<N>`.

With `--from-disk`, the command line's merge instead (stop 63): before each
merge the last record is written to disk and read back (the pairs, groups,
made parts, folding and lower-case words alone), the changed articles'
earlier analyses given by their keys as the per-article cache gives them,
and the record made whole (corpus/disk_record.py) serves the edit; the
time includes reading the record. Results under `n<N>-from-disk`.

    python benchmarks/added_article.py --project DIR [--adds 3] [--removes 3] [--from-disk]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator import pipeline  # noqa: E402
from generator.analysis.article import analyse as analyse_one  # noqa: E402
from generator.build import made_old  # noqa: E402
from generator.content import read_article  # noqa: E402
from generator.corpus import merge, merge_record  # noqa: E402
from generator.errors import Report  # noqa: E402
from generator.state import CommonWords, NameRefs  # noqa: E402
from tests.support import analysed, report_result  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--project", type=Path, required=True, help="a project built before (its cache warm)")
    ap.add_argument("--adds", type=int, default=3)
    ap.add_argument("--removes", type=int, default=3)
    ap.add_argument("--from-disk", action="store_true",
                    help="the command line's merge: the record read from disk before each merge")
    args = ap.parse_args(argv)
    gc.set_threshold(200_000, 10, 10)  # as the preview's builds (build.fewer_collections)
    config, resources, analyses, keys = analysed(args.project)
    spellings: dict = {}
    names, common = NameRefs(), CommonWords()

    record_file = Path(tempfile.mkdtemp(prefix="added-article-")) / "merge.json"
    settings = pipeline.merge_settings(resources, config)
    every: list[int] = []  # a merge that clustered every mention (merged anew)
    clustering_all = merge.cluster_scored
    merge.cluster_scored = lambda *a, **k: every.append(1) or clustering_all(*a, **k)  # type: ignore[assignment]

    def merge_with(xs, ks, known=None, earlier=None):
        with made_old():  # (as the preview's pipeline merges)
            if args.from_disk:  # (the command line's: a record read from disk, the cache's earlier analyses)
                return pipeline.merge_corpus(xs, resources, config, 1, ks, known, earlier or {}.get)
            return pipeline.merge_corpus(xs, resources, config, 1, ks, known, {}.get, keep_scored=True,
                                         common=common.of(xs), spellings=spellings, names=names)

    def merged_again(now, now_keys, record, what: str) -> tuple[dict, object]:
        """`now` merged with the last record, timed, and compared with merging anew."""
        earlier = dict(zip(keys, analyses, strict=True)).get  # (the articles before this change, by key)
        if args.from_disk:
            merge_record.save(record_file, record)
        every.clear()
        start = time.perf_counter()
        if args.from_disk:
            record = merge_record.load(record_file, settings)
        events, index, served_record = merge_with(now, now_keys, record, earlier)
        took = time.perf_counter() - start
        served = not every
        start = time.perf_counter()
        fresh, _ = pipeline.merged_events(now, resources, config)
        full.append(round(time.perf_counter() - start, 3))
        if events != fresh:
            raise SystemExit(f"the merge with the record differs from merging anew ({what})")
        print(f"{what} of {len(now)}: {took:.3f} s ({'served' if served else 'merged anew'})", flush=True)
        return {"seconds": round(took, 3), "served": served}, (
            served_record if args.from_disk else merge_record.completed(served_record, now, index))

    start = time.perf_counter()
    _, index, record = merge_with(analyses, keys)
    full = [round(time.perf_counter() - start, 3)]
    if not args.from_disk:
        record = merge_record.completed(record, analyses, index)
    files = sorted((args.project / "content" / "articles").glob("*.md"))
    adds = []
    for n in range(args.adds):
        source = files[(2 * n + 1) * len(files) // (2 * args.adds + 1)]  # spread over the corpus
        added = source.with_name(f"{source.stem}-follow-up-{n}.md")
        head, sep, body = source.read_text().partition("\n---\n")
        title = next(line for line in head.splitlines() if line.startswith("title:"))
        added.write_text(head.replace(title, f'title: "A follow-up, {n}"') + sep
                         + body.replace(". ", ", officials said. ", 3))
        try:
            article = read_article(added, config.content_dir, Report(), config.limits)
        finally:
            added.unlink()
        now = sorted([*analyses, analyse_one(article, resources, config.extraction)], key=lambda a: a.article.path)
        at = next(k for k, a in enumerate(now) if a.article.slug == added.stem)
        now_keys = [*keys[:at], f"added-{n}", *keys[at:]]
        done, record = merged_again(now, now_keys, record, f"added at {at}")
        adds.append({"place": at, **done})
        analyses, keys = now, now_keys
    removes = []
    for n in range(args.removes):
        at = (2 * n + 1) * len(analyses) // (2 * args.removes + 1)
        if n == 0:
            at = 0  # (the first article: its mentions go with the next one's)
        now, now_keys = [*analyses[:at], *analyses[at + 1:]], [*keys[:at], *keys[at + 1:]]
        done, record = merged_again(now, now_keys, record, f"removed at {at}")
        removes.append({"place": at, **done})
        analyses, keys = now, now_keys
    served_times = [a["seconds"] for a in adds if a["served"]]
    removed_times = [a["seconds"] for a in removes if a["served"]]
    result = {"articles": len(analyses) - args.adds + args.removes, "adds": adds, "removes": removes,
              "median_served_seconds": statistics.median(served_times) if served_times else None,
              "median_served_removed_seconds": statistics.median(removed_times) if removed_times else None,
              "full_merge_median_seconds": statistics.median(full),
              "how": "benchmarks/added_article.py: " + (
                  "the command line's merge_corpus in one process, its record read from disk before each merge "
                  "(made whole: corpus/disk_record.py)" if args.from_disk else
                  "the preview's merge_corpus in one process, its record kept in memory")
              + "; each add's and each removal's events compared with merging anew"}
    report_result(ROOT / "benchmarks" / "results" / "added_article.json",
                  f"n{result['articles']}" + ("-from-disk" if args.from_disk else ""), result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
