"""Does tagging time grow linearly with the text? Tag generated texts of size
S and 2S and report the time ratio (about 2 if linear, about 4 if quadratic).

    python benchmarks/tagger_scaling.py [--quick] [--out FILE]

Texts (generated, deterministic):

* weekdays: news sentences dense with weekdays ("on Monday ... by Friday");
* weekdays-one-sentence: bare weekdays with no sentence end at all (every
  expression shares one sentence: the tense reader and the anaphora window
  must not rescan it per expression);
* dates: news sentences each with a full date; the larger text holds 20,000;
* date-free: ordinary prose without a temporal expression, up to about 20 MB;
* stops: a run of full stops (the sentence splitter once took quadratic time
  on it).

CPU time of `generator.temporal.tag` alone (sentence splitting included),
the median of `--repeat` runs; results to benchmarks/results/tagger_scaling.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.temporal import tag  # noqa: E402

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
NOUNS = ("committee", "ministry", "union", "board", "court", "council", "company", "army", "bank", "agency")
VERBS = ("met", "voted", "announced a plan", "rejected the offer", "opened talks", "filed a complaint")
PROSE = ("The {n} reviewed the proposal and asked for more information about its costs.",
         "Officials from the {n} said the measure would be discussed with local groups.",
         "A spokesman for the {n} declined to comment on the figures published by the press.",
         "Critics of the {n} argued that the plan did not go far enough to protect workers.")


def weekdays(sentences: int, rng: random.Random) -> str:
    return " ".join(f"The {rng.choice(NOUNS)} {rng.choice(VERBS)} on {rng.choice(WEEKDAYS)} and again on "
                    f"{rng.choice(WEEKDAYS)}, before a vote on {rng.choice(WEEKDAYS)}." for _ in range(sentences))


def weekdays_one_sentence(words: int, rng: random.Random) -> str:
    return " ".join(rng.choice(WEEKDAYS) for _ in range(words))


def dates(count: int, rng: random.Random) -> str:
    return " ".join(f"The {rng.choice(NOUNS)} {rng.choice(VERBS)} on {rng.choice(MONTHS)} {rng.randint(1, 28)}, "
                    f"{rng.randint(1950, 2030)}." for _ in range(count))


def date_free(sentences: int, rng: random.Random) -> str:
    return " ".join(rng.choice(PROSE).format(n=rng.choice(NOUNS)) for _ in range(sentences))


def stops(count: int, rng: random.Random) -> str:
    return "Tea" + "." * count + " Then more."


# name -> (generator, size of S in the generator's unit, quick size).
CASES = {
    "weekdays": (weekdays, 10_000, 1_000),
    "weekdays-one-sentence": (weekdays_one_sentence, 60_000, 4_000),
    "dates": (dates, 10_000, 1_000),
    "date-free": (date_free, 120_000, 10_000),
    "stops": (stops, 2_000_000, 100_000),
}


def timed(text: str, repeat: int) -> tuple[float, int]:
    times, found = [], 0
    for _ in range(repeat):
        t0 = time.process_time()
        found = len(tag(text, date(2018, 9, 12)))
        times.append(time.process_time() - t0)
    return statistics.median(times), found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes (a few seconds in all)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per text (median; default 1)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "tagger_scaling.json")
    args = ap.parse_args(argv)
    tag("warm up on May 31, 2018", date(2018, 6, 3))
    results = {}
    for name, (make, size, quick) in CASES.items():
        s = quick if args.quick else size
        row = {}
        for label, n in (("S", s), ("2S", 2 * s)):
            text = make(n, random.Random(17))
            seconds, found = timed(text, args.repeat)
            row[label] = {"characters": len(text), "expressions": found, "cpu_seconds": round(seconds, 3)}
        row["ratio"] = round(row["2S"]["cpu_seconds"] / row["S"]["cpu_seconds"], 2) if row["S"]["cpu_seconds"] else None
        results[name] = row
        print(f"{name:22} S {row['S']['characters']:>11,} chars {row['S']['expressions']:>7,} timexes "
              f"{row['S']['cpu_seconds']:7.2f}s | 2S {row['2S']['characters']:>11,} chars "
              f"{row['2S']['expressions']:>7,} timexes {row['2S']['cpu_seconds']:7.2f}s | ratio {row['ratio']}")
    if not args.quick:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"note": "CPU seconds of tag() on one core; ratio = time(2S) / time(S), "
                                                "about 2 when linear", "cases": results}, indent=2) + "\n")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
