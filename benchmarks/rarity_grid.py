"""What reading the merge's word rarity from counts on a grid costs and saves.

    python benchmarks/rarity_grid.py quality --steps 16 [--out FILE]
    python benchmarks/rarity_grid.py dirty --project DIR --steps 16 [--sample 200]

The merge weighs a word by its rarity, log(1 + n / c), n the mentions (or
statements, for the topic) and c those holding the word. With exact
counts every count moves when an article is added, or a dated sentence
reworded, so every pair of mentions is scored again and every event's
closeness to the topic made again: 13.9 s of the 44.6 s of adding one
article at 10,000 articles (stop 48). Rounded to a geometric grid (a
1/STEPS of an octave), most counts keep their value through one article's
change, and only the mentions holding a word whose count crosses a step
need their pairs scored again. This measured the two sides of that before
stop 50 made it the rule (generator/corpus/rarity.py, 16 steps):

* `quality`: benchmarks/quality.py with the grid at `--steps` steps to the
  octave (rarity.STEPS replaced in this process only); `--steps 0` was the
  code with exact counts (stop 49: the figures in
  benchmarks/results/rarity_grid_quality-0.json), and now runs the
  generator as it is. Compare its Date-F1 and alignment ROUGE with
  benchmarks/results/quality.json.
* `dirty`: on a project (built once, so its analyses are read from its
  cache; any not cached are made), for
  `--sample` articles taken at random: how many words' grid rarity moves
  when that article is added, and how many mentions hold one of them (whose
  pairs a recluster would score again; every mention when the mention
  count itself crosses a step), against every mention with exact counts.
  The clustering's rarity only: the topic's counts statements, and an added
  article may also change the entity index and the common words.

Results: benchmarks/results/rarity_grid.json (`dirty`) and
benchmarks/results/rarity_grid_quality-<steps>.json (`quality`, in
quality.py's format). (Stop 49's quality runs replaced the two rarity
functions with their own grid, without the topic's centroid and norm on it.)
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.corpus import clustering, rarity  # noqa: E402
from tests.support import analysed, report_result  # noqa: E402


def use_grid(steps: int) -> None:
    """The merge's rarities read on a grid of `steps` to the octave, in this process (0: as the generator is)."""
    if steps:
        rarity.STEPS = steps


def dirty(project: Path, steps: int, sample: int) -> None:
    from generator.corpus.entities import EntityIndex
    from generator.model import Analysis

    _, resources, found, _ = analysed(project)  # (from the project's cache, as a build reads it)
    refs = [r for a in found for m in a.mentions for r in m.every_name]
    index = EntityIndex.build(refs, resources.gazetteer, Analysis.corpus_common_words(found))
    owner, feats = [], []
    for i, a in enumerate(found):
        for m in a.mentions:
            owner.append(i)
            feats.append(clustering.features(m, index))
    n, df = len(feats), Counter(k for f in feats for k in f)
    holders: dict[str, list[int]] = {}
    by_owner: dict[int, list[int]] = {}
    for j, f in enumerate(feats):
        by_owner.setdefault(owner[j], []).append(j)
        for k in f:
            holders.setdefault(k, []).append(j)
    use_grid(steps)
    q = rarity.on_grid if steps else (lambda x: x)  # (0: exact counts, as before stop 50)
    moved_n, words, dirty_counts = 0, [], []
    for i in random.Random(1).sample(range(len(found)), min(sample, len(found))):
        mine = by_owner.get(i, [])
        own = Counter(k for j in mine for k in feats[j])
        moved = [k for k, c in own.items() if q(df[k] - c) != q(df[k])]
        if q(n - len(mine)) != q(n):  # the mention count's own step: every weight moves
            moved_n += 1
            touched: set[int] = set(range(n))
        else:
            touched = set(mine).union(*(holders[k] for k in moved)) if moved else set(mine)
        words.append(len(moved))
        dirty_counts.append(len(touched))
    dirty_counts.sort()
    words.sort()
    m = len(dirty_counts)
    result = {
        "articles": len(found), "mentions": n, "features": len(df), "grid_steps_per_octave": steps,
        "articles_added": m, "mention_count_step_crossed": moved_n,
        # a step of the count is 2 ** (1 / steps) - 1 of it: how many articles of this corpus's mentions that is
        "articles_per_count_step": round(n * (2 ** (1 / steps) - 1) / (n / len(found))) if steps else None,
        "words_moved_median": words[m // 2],
        "mentions_moved_median": dirty_counts[m // 2], "mentions_moved_p90": dirty_counts[m * 9 // 10],
        "mentions_moved_most": dirty_counts[-1],
        "share_moved_median_pct": round(100 * dirty_counts[m // 2] / n, 2),
        "share_moved_p90_pct": round(100 * dirty_counts[m * 9 // 10] / n, 2),
        "counts": "the clustering's rarity only (words and names of the mentions); the topic's rarity counts "
                  "statements, and an added article can also change the entity index and the corpus's common words",
    }
    report_result(ROOT / "benchmarks" / "results" / "rarity_grid.json",
                  f"dirty {project.name} steps {steps}", result)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["quality", "dirty"])
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--project", type=Path)
    ap.add_argument("--sample", type=int, default=200)
    ap.add_argument("--out", type=Path, help="quality: where quality.py writes its figures "
                    "(default: benchmarks/results/rarity_grid_quality-<steps>.json)")
    args = ap.parse_args()
    if args.what == "dirty":
        if args.project is None:
            ap.error("dirty needs --project")
        dirty(args.project, args.steps, args.sample)
        return
    use_grid(args.steps)
    from benchmarks import quality

    out = args.out or ROOT / "benchmarks" / "results" / f"rarity_grid_quality-{args.steps}.json"
    sys.exit(quality.main(["--out", str(out)]))


if __name__ == "__main__":
    main()
