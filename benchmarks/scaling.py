"""Does the time grow in proportion to the input? Doubling benchmark for one
big article: Markdown to plain text, sentence splitting, tagging, mention
finding and merging, and a whole build, each timed at sizes that double.

    python benchmarks/scaling.py                  # 2.5 -> 20 MB and 2,500 -> 20,000 dates, stage by stage
    python benchmarks/scaling.py --build-mb 2     # also whole builds of 1 and 2 MB articles

Two inputs: news prose (the generated corpus's articles, concatenated) of
2.5, 5, 10 and 20 MB, and an article holding 2,500 to 20,000 dated
sentences. The tagger runs on each paragraph (its offsets shifted), so the
stages after it can be measured at 20 MB; `tag_whole` times the tagger on
the whole text, up to --tag-mb. Each doubling's time ratio is reported;
"linear" means every ratio is at most 2.5 (figures in
benchmarks/results/scaling.json; the machine is shared, so ratios are
noisy).
"""

from __future__ import annotations

import argparse
import bisect
import dataclasses
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.analysis import sentences  # noqa: E402
from generator.analysis.furniture import caption_ranges, story_part  # noqa: E402
from generator.analysis.markup import plain_text, render_markdown  # noqa: E402
from generator.analysis.mentions import MentionSettings, find_mentions  # noqa: E402
from generator.config import ExtractionSettings  # noqa: E402
from generator.corpus.entities import EntityIndex  # noqa: E402
from generator.corpus.merge import merge  # noqa: E402
from generator.model import Analysis, Article  # noqa: E402
from generator.resources import language_resources  # noqa: E402
from generator.temporal import tag  # noqa: E402
from tests.support import build_site, make_corpus  # noqa: E402
from tests.support.results import report_result  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "scaling.json"
DCT = date(2018, 9, 12)


def prose(size: int, corpus: Path) -> str:
    texts = [p.read_text().split("---", 2)[2].strip() for p in sorted((corpus / "content" / "articles").glob("*.md"))]
    out, n = [], 0
    while n < size:
        for t in texts:
            out.append(t)
            n += len(t) + 2
            if n >= size:
                break
    return "\n\n".join(out)[:size]


def dated(n: int) -> str:
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"]
    lines = [f"Officials from {['Moscow', 'Beijing', 'Paris', 'Delhi'][i % 4]} met the delegation on "
             f"{1 + i % 28} {months[i % 12]} {1990 + i % 30} to sign the agreement." for i in range(n)]
    return "\n\n".join(" ".join(lines[i:i + 5]) for i in range(0, n, 5))


def stages(body: str, resources, tag_whole_limit: int) -> dict[str, float]:
    """CPU seconds of each per-article stage, then of merging its mentions
    (CPU time, not wall time: the machine is shared)."""
    out: dict[str, float] = {}
    t0 = time.process_time()
    html = render_markdown(body)
    plain = plain_text(html)
    t1 = time.process_time()
    spans = sentences.split(plain.text, resources.abbreviations)
    t2 = time.process_time()
    timexes = []
    start = 0
    starts = [s for s, _ in spans]
    for para in plain.text.split("\n\n"):  # the tagger paragraph by paragraph: its offsets shifted
        lo, hi = bisect.bisect_left(starts, start), bisect.bisect_right(starts, start + len(para))
        sub = [(s - start, e - start) for s, e in spans[lo:hi] if e <= start + len(para)]
        for x in tag(para, DCT, resources.language, sub, resources.temporal):
            timexes.append(dataclasses.replace(x, start=x.start + start, end=x.end + start))
        start += len(para) + 2
    t3 = time.process_time()
    settings = ExtractionSettings()
    captions = caption_ranges(html, plain.offset_steps)
    stories = [story_part(plain.text, span, resources.furniture, captions) for span in spans]
    mentions = find_mentions("big", plain.text, spans, stories, tuple(timexes), resources.gazetteer,
                             resources.vocab, resources.headlines,
                             MentionSettings(settings.min_precision, settings.max_title_length,
                                             settings.include_future), DCT)
    t4 = time.process_time()
    article = Article("big", Path("big.md"), "Big", DCT, "", "", (), False, body)
    analysis = Analysis(article, html, plain.text, plain.offset_steps, plain.run_steps, tuple(spans), tuple(timexes),
                        tuple(mentions))
    index = EntityIndex.build([r for m in mentions for r in m.entities], resources.gazetteer)
    events = merge([analysis], index, resources.vocab, resources.summary, settings.merge_threshold)
    t5 = time.process_time()
    out.update(markup=t1 - t0, sentences=t2 - t1, tag_by_paragraph=t3 - t2, mentions=t4 - t3, merge=t5 - t4)
    out["timexes"], out["mentions_found"], out["events"] = len(timexes), len(mentions), len(events)
    if len(plain.text) <= tag_whole_limit:
        t6 = time.process_time()
        tag(plain.text, DCT, resources.language, spans, resources.temporal)
        out["tag_whole"] = time.process_time() - t6
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()}


def ratios(rows: list[dict], key: str) -> list[float]:
    values = [r[key] for r in rows if key in r]
    return [round(b / a, 2) if a > 0.01 else 0.0 for a, b in zip(values, values[1:], strict=False)]


def whole_build(body: str, folder: Path) -> float:
    project = folder / f"build-{len(body)}"
    (project / "content" / "articles").mkdir(parents=True)
    (project / "content" / "articles" / "big.md").write_text(f"---\ntitle: Big\ndate: {DCT}\n---\n{body}")
    limit = len(body.encode()) * 2
    (project / "site.toml").write_text(f'title = "Big"\nsearch = false\n\n[limits]\narticle_bytes = {limit}\n'
                                       f"paragraph_bytes = {limit}\n")
    start = time.perf_counter()
    build_site(project / "site.toml", use_cache=False, jobs=1)
    return round(time.perf_counter() - start, 2)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--max-mb", type=float, default=20.0, help="largest prose article (doubling from max/8)")
    p.add_argument("--max-dates", type=int, default=20_000, help="most dated sentences (doubling from max/8)")
    p.add_argument("--tag-mb", type=float, default=0.5, help="tag the whole text in one call up to this size")
    p.add_argument("--build-mb", type=float, default=0.0, help="also time whole builds, doubling up to this size")
    args = p.parse_args()
    resources = language_resources()
    result: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        make_corpus(200, "plain", corpus, "Scaling")
        rows = []
        for k in (3, 2, 1, 0):
            size = int(args.max_mb * 1_000_000) >> k
            row = {"bytes": size, **stages(prose(size, corpus), resources, int(args.tag_mb * 1_000_000))}
            print(row, flush=True)
            rows.append(row)
        result["prose"] = {"rows": rows, "ratios": {s: ratios(rows, s) for s in
                                                    ("markup", "sentences", "tag_by_paragraph", "mentions", "merge",
                                                     "tag_whole")}}
        rows = []
        for k in (3, 2, 1, 0):
            n = args.max_dates >> k
            body = dated(n)
            row = {"dated_sentences": n, "bytes": len(body), **stages(body, resources, int(args.tag_mb * 1_000_000))}
            print(row, flush=True)
            rows.append(row)
        result["dates"] = {"rows": rows, "ratios": {s: ratios(rows, s) for s in
                                                    ("markup", "sentences", "tag_by_paragraph", "mentions", "merge",
                                                     "tag_whole")}}
        if args.build_mb:
            sizes = [int(args.build_mb * 1_000_000) >> k for k in (1, 0)]
            builds = [{"bytes": s, "seconds": whole_build(prose(s, corpus), Path(tmp))} for s in sizes]
            result["whole_build"] = {"rows": builds, "ratio": ratios(builds, "seconds")}
    for name in ("prose", "dates"):
        worst = {s: max(r, default=0) for s, r in result[name]["ratios"].items() if s != "tag_whole"}
        result[name]["linear"] = all(v <= 2.5 for v in worst.values())
    report_result(RESULTS, "big_article", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
