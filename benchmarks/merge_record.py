"""The merge of a one-article edit with the last build's record
(corpus/merge_record.py) against merging everything, in one process.

Makes N news articles (`make_corpus.py`), builds them once (which fills the
per-article cache and writes `.cache/merge.json`), adds a sentence without a
date at the start of one article (the edit `benchmarks/build.py` makes),
reads the analyses from the cache, then merges `--runs` times each way,
alternating: with the record (loading and saving it included) and without.
Each pair must give the same events. Results are merged into
benchmarks/results/merge_record.json under `n<N>`.

`--edit redate` moves the article's first year back by one instead (its
mentions move in time, its words stay: the record's scored pairs serve,
clustering.recluster; results under `n<N>-redate`), and `--kept` merges
with the record in memory, as the preview does (all that the clustering
scored kept, not read from disk; the record as the last run left it, so
each run moves the year again from the same starting point).

    python benchmarks/merge_record.py --n 1000 --runs 5
    python benchmarks/merge_record.py --n 10000 --edit redate
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator import pipeline  # noqa: E402
from generator.analysis.cache import Cache  # noqa: E402
from generator.build import no_collections  # noqa: E402
from generator.corpus import merge_record  # noqa: E402
from tests.support import analysed, build_site, make_corpus, report_result  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--note", default="")
    ap.add_argument("--edit", choices=("undated", "redate"), default="undated")
    ap.add_argument("--kept", action="store_true", help="the record kept in memory, as the preview's")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix=f"merge-record-{args.n}-"))
    try:
        project = tmp / "p"
        make_corpus(args.n, "plain", project, "Merge record", search=False)
        build_site(project / "site.toml", output=project / "site", search_index=False)
        article = sorted((project / "content" / "articles").glob("*.md"))[0]
        text = article.read_text()
        if args.edit == "redate":
            head, sep, body = text.partition("\n---\n")
            year = re.search(r"\b(19|20)\d\d\b", body)
            if year is None:
                raise SystemExit(f"{article.name} writes no year to move")
            kept = None
            if args.kept:  # the preview's record before the edit: all the clustering scored, in memory
                config, resources, analyses, keys = analysed(project, write_output=True)
                _, _, kept = pipeline.merge_corpus(analyses, resources, config, args.jobs, keys, keep_scored=True)
            article.write_text(head + sep + body[:year.start()] + str(int(year.group()) - 1) + body[year.end():])
        else:
            article.write_text(text.replace("\n\n", "\n\nEdited for the benchmark. ", 1))
        config, resources, analyses, keys = analysed(project, write_output=True)
        settings = pipeline.merge_settings(resources, config)
        record_file = project / ".cache" / "merge.json"
        earlier = Cache(project / ".cache" / "articles", writable=False).get
        with_record, without, served = [], [], 0
        with no_collections():  # as the command line builds
            for _ in range(args.runs):
                t = time.perf_counter()
                known = kept if args.kept else merge_record.load(record_file, settings)
                events, _, record = pipeline.merge_corpus(analyses, resources, config, args.jobs, keys, known,
                                                          earlier, keep_scored=args.kept)
                assert record is not None
                if not args.kept:
                    merge_record.save(tmp / "next.json", record)
                with_record.append(time.perf_counter() - t)
                served += (merge_record.changed_articles(known, settings, analyses, keys, earlier) is not None
                           or merge_record.redated_articles(known, settings, analyses, keys, earlier) is not None)
                t = time.perf_counter()
                fresh, _, _ = pipeline.merge_corpus(analyses, resources, config, args.jobs)
                without.append(time.perf_counter() - t)
                if events != fresh:
                    raise SystemExit("the record's merge and the full merge differ")
        result = {"articles": args.n, "events": len(events), "runs": args.runs, "jobs": args.jobs,
                  "record_served": served, "with_record_median_s": round(statistics.median(with_record), 3),
                  "without_median_s": round(statistics.median(without), 3), "note": args.note}
        key = f"n{args.n}" + ("-redate" if args.edit == "redate" else "") + ("-kept" if args.kept else "")
        report_result(ROOT / "benchmarks" / "results" / "merge_record.json", key, result)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
