"""Score the temporal tagger on TempEval-3 TimeML, the way TempEval-3 does.

    python benchmarks/tempeval.py ../shared/data/tempeval3/tbaq [--out FILE]

For each `.tml` file under the folder: strip the markup inside <TEXT> to the
raw text (entities decoded, offsets kept), tag it with the document creation
time, and compare with the gold TIMEX3s:

* extent: strict (same start and end) and relaxed (any overlap) P/R/F1;
* value and type: attribute F1 = relaxed F1 x accuracy of the attribute over
  the relaxed matches (TempEval-3's definition), overall and per gold type;
* value accuracy over matched DATE expressions;
* per type (DATE, TIME, DURATION, SET): relaxed recall and precision, strict
  recall, value accuracy over the matched gold expressions;
* how often TimeBank's and AQUAINT's own annotators put a modifier ("about",
  "the", "early", "more than"...) inside or just outside the gold extent;
* throughput of tagging alone on one core (CPU time; the median of
  `--repeat` runs, characters and documents per second);
* with `--baseline DIR` (a checkout of an older commit outside the
  repository), the speed of this code against that one, measured side by
  side: `--runs` fresh processes of each, alternating, each tagging every
  document once after a warm-up with `tag(text, dct, rules=...)` (the rules
  loaded once, as a build loads them); CPU time
  (`time.process_time()`), the median of each, and their ratio. On a shared
  machine the ratio is the figure to trust, not the absolute MB/s.

Each sub-folder (TimeBank, AQUAINT) is scored separately and together, the
targets of issue 17 are checked on the combined figure (met / not met), and
everything goes to benchmarks/results/tempeval.json. `--errors FILE` lists
every miss, spurious match, wrong extent and wrong value with the gold type.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.temporal import load, tag  # noqa: E402
from tests.support.timeml import Document, Gold, read_tml  # noqa: E402

TYPES = ("DATE", "TIME", "DURATION", "SET")
def _prf(tp_sys: int, n_sys: int, tp_gold: int, n_gold: int) -> dict:
    p = tp_sys / n_sys if n_sys else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _overlaps(a, b) -> bool:
    return a.start < b.end and b.start < a.end


def _best_match(g: Gold, sys_t: list, used: set[int]) -> int | None:
    """The unused system expression that overlaps `g` most (TempEval-3's alignment)."""
    best = None
    for i, s in enumerate(sys_t):
        if i in used or not _overlaps(s, g):
            continue
        overlap = min(s.end, g.end) - max(s.start, g.start)
        if best is None or overlap > best[0]:
            best = (overlap, i)
    return None if best is None else best[1]


def _counts() -> dict:
    return {"gold": 0, "sys": 0, "matched_gold": 0, "matched_sys": 0, "strict_gold": 0, "value_ok": 0,
            "type_ok": 0}


def score(docs: list[Document], predictions: dict[str, list]) -> dict:
    """TempEval-3 figures for `docs`, overall and per gold type, with an error list."""
    total = _counts()
    strict_sys = 0
    per_type = {t: _counts() for t in TYPES}
    date_matched = date_value_ok = 0
    errors = []
    for doc in docs:
        sys_t = predictions[doc.name]
        total["sys"] += len(sys_t)
        total["gold"] += len(doc.gold)
        gold_spans = {(g.start, g.end) for g in doc.gold}
        sys_spans = {(s.start, s.end) for s in sys_t}
        strict_sys += sum((s.start, s.end) in gold_spans for s in sys_t)
        for s in sys_t:
            pt = per_type.setdefault(s.type, _counts())
            pt["sys"] += 1
            if any(_overlaps(s, g) for g in doc.gold):
                total["matched_sys"] += 1
                pt["matched_sys"] += 1
            else:
                errors.append({"doc": doc.name, "kind": "spurious", "sys": s.text, "sys_type": s.type,
                               "sys_value": s.value, "rule": s.rule, "start": s.start})
        used: set[int] = set()
        for g in doc.gold:
            pt = per_type.setdefault(g.type, _counts())
            pt["gold"] += 1
            strict = (g.start, g.end) in sys_spans
            total["strict_gold"] += strict
            pt["strict_gold"] += strict
            i = _best_match(g, sys_t, used)
            where = {"doc": doc.name, "gold": g.text, "gold_type": g.type, "gold_value": g.value, "start": g.start}
            if i is None:
                errors.append({**where, "kind": "missed"})
                continue
            used.add(i)
            s = sys_t[i]
            total["matched_gold"] += 1
            pt["matched_gold"] += 1
            found = {"sys": s.text, "sys_type": s.type, "sys_value": s.value, "rule": s.rule}
            if not strict:
                errors.append({**where, "kind": "extent", **found})
            if s.value == g.value:
                total["value_ok"] += 1
                pt["value_ok"] += 1
            else:
                errors.append({**where, "kind": "value", **found})
            if s.type == g.type:
                total["type_ok"] += 1
                pt["type_ok"] += 1
            if g.type == "DATE":
                date_matched += 1
                date_value_ok += s.value == g.value
    n_sys, n_gold = total["sys"], total["gold"]
    conventions: dict[str, int] = {}
    for e in errors:
        if e["kind"] == "value" and (label := convention(e["gold"], e["gold_value"], e["sys_value"])):
            conventions[label] = conventions.get(label, 0) + 1
    result = {
        "documents": len(docs),
        "gold": n_gold,
        "system": n_sys,
        "strict": _prf(strict_sys, n_sys, total["strict_gold"], n_gold),
        "relaxed": _prf(total["matched_sys"], n_sys, total["matched_gold"], n_gold),
        "value": _prf(total["value_ok"], n_sys, total["value_ok"], n_gold),
        "type": _prf(total["type_ok"], n_sys, total["type_ok"], n_gold),
        "value_accuracy_matched": _ratio(total["value_ok"], total["matched_gold"]),
        "date_value_accuracy_matched": _ratio(date_value_ok, date_matched),
        "per_type": {t: _type_figures(per_type[t]) for t in TYPES},
        "value_disagreements_by_convention": conventions,
        "value_f1_without_convention_cases": _prf(total["value_ok"], n_sys - sum(conventions.values()),
                                                  total["value_ok"], n_gold - sum(conventions.values()))["f1"],
        "_errors": errors,
    }
    return result


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def _type_figures(pt: dict) -> dict:
    return {
        "gold": pt["gold"],
        "system": pt["sys"],
        "relaxed": _prf(pt["matched_sys"], pt["sys"], pt["matched_gold"], pt["gold"]),
        "strict_recall": _ratio(pt["strict_gold"], pt["gold"]),
        "value_accuracy_matched": _ratio(pt["value_ok"], pt["matched_gold"]),
        "type_accuracy_matched": _ratio(pt["type_ok"], pt["matched_gold"]),
    }


# Words that may open a temporal expression or stand just before one. For
# each, how often the corpus's annotators put it inside the gold extent
# ("[about two years]") or just outside it ("over [the past year]").
MODIFIERS = ("about", "around", "approximately", "roughly", "some", "nearly", "almost", "more than", "over",
             "less than", "under", "at least", "up to", "no more than", "the", "a", "early", "late", "mid",
             "earlier", "later", "the end of", "the beginning of", "the middle of", "within", "for", "in",
             "right", "sometime")


def modifier_counts(docs: list[Document]) -> dict:
    """{modifier: {"inside": n, "outside": n, "inside_by_type": {...}}} over the gold."""
    pats = {m: (re.compile(re.escape(m) + (r"-" if m == "mid" else r"\s"), re.IGNORECASE),
                re.compile(r"(?<![A-Za-z])" + re.escape(m) + (r"-$" if m == "mid" else r"\s+$"), re.IGNORECASE))
            for m in MODIFIERS}
    out = {m: {"inside": 0, "outside": 0, "inside_by_type": {}, "outside_by_type": {}} for m in MODIFIERS}
    for doc in docs:
        for g in doc.gold:
            before = doc.text[max(0, g.start - 30) : g.start]
            for m, (inside, outside) in pats.items():
                key = "inside" if inside.match(g.text) else "outside" if outside.search(before) else None
                if key:
                    out[m][key] += 1
                    by = out[m][key + "_by_type"]
                    by[g.type] = by.get(g.type, 0) + 1
    return out


# Value disagreements that are the corpus's convention against TimeML's, which
# we follow (README, "The temporal tagger"): counted as errors in every figure,
# and listed here so a reader can see how many there are.
_WEEKDAY = re.compile(r"(?i)\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b")


def convention(gold: str, gold_value: str, sys_value: str) -> str | None:
    """The convention behind a value disagreement, or None."""
    if re.fullmatch(r"\d{4}(?:-XX){1,2}", gold_value) and sys_value == gold_value[:4]:
        return "bare year as 1968-XX"
    if re.fullmatch(r"\d{4}-W\d", gold_value) and sys_value == f"{gold_value[:6]}0{gold_value[6:]}":
        return "week number without its zero (2000-W7)"
    if re.fullmatch(r"\d{3}X|\d{2}XX", gold_value) and sys_value == gold_value.rstrip("X"):
        return "decade or century as 199X / 19XX"
    if "week" in gold.lower() and re.fullmatch(r"\d{4}-W\d\d(-WE)?", sys_value):
        if gold_value.endswith("WXX"):
            return "week as 1989-WXX"
        if not re.fullmatch(r"\d{4}-W\d+", gold_value):
            return "week as a month, a day or a duration"
    if _WEEKDAY.search(gold) and re.fullmatch(r"\d{4}-\d\d-\d\d(T\w+)?", gold_value) \
            and re.fullmatch(r"\d{4}-\d\d-\d\d(T\w+)?", sys_value):
        if gold_value[:10] == sys_value[:10]:
            return "weekday with a part of day: left out, or TEV for night"
        return "weekday resolved to another day (AQUAINT: annotated against another day; also our tense misses)"
    return None


def time_one_pass(folder: Path, code: Path) -> float:
    """CPU seconds to tag every document of `folder` once with the tagger of
    the project checked out at `code` (after a warm-up), in this process."""
    for name in [m for m in sys.modules if m == "generator" or m.startswith("generator.")]:
        del sys.modules[name]  # the code to time, not this checkout's
    sys.path.insert(0, str(code.resolve()))
    from generator.temporal import load as code_load
    from generator.temporal import tag as code_tag

    docs = [read_tml(p) for p in sorted(folder.rglob("*.tml"))]
    rules = code_load("en")  # loaded once, as a build does
    code_tag("warm up the rule cache on May 31, 2018", date(2018, 6, 3), rules=rules)
    t0 = time.process_time()
    for d in docs:
        code_tag(d.text, d.dct, rules=rules)
    return time.process_time() - t0


def compare_speed(folder: Path, baseline: Path, runs: int) -> dict:
    """This code against `baseline`: `runs` fresh processes of each, alternating."""
    seconds: dict[str, list[float]] = {"this": [], "baseline": []}
    for _ in range(runs):
        for label, code in (("baseline", baseline), ("this", ROOT)):
            out = subprocess.run([sys.executable, __file__, str(folder), "--time-code", str(code)],
                                 capture_output=True, text=True, check=True)
            seconds[label].append(float(out.stdout.strip().splitlines()[-1]))
    chars = sum(len(read_tml(p).text) for p in folder.rglob("*.tml"))
    this, base = statistics.median(seconds["this"]), statistics.median(seconds["baseline"])
    return {
        "method": f"{runs} fresh processes of each code, alternating; each tags every document once with "
                  "tag(text, dct, rules) after a warm-up (rules loaded once); CPU time (time.process_time()); medians",
        "baseline": str(baseline),
        "cpu_seconds": {k: [round(x, 3) for x in v] for k, v in seconds.items()},
        "median_seconds": {"this": round(this, 3), "baseline": round(base, 3)},
        "mb_per_second": {"this": round(chars / this / 1e6, 3), "baseline": round(chars / base / 1e6, 3)},
        "ratio": round(base / this, 3),
    }


def run(folder: Path, repeat: int = 1) -> tuple[list[Document], dict, float]:
    """Tag every document `repeat` times; the predictions and the median CPU time."""
    docs = [read_tml(p) for p in sorted(folder.rglob("*.tml"))]
    times = []
    for _ in range(max(1, repeat)):
        # The rules loaded once, as a build does (not looked up again for every
        # document), and for each pass as a fresh build has them: without what
        # the tagger remembered from an earlier pass over the same documents
        # (filled values, parsed dates), which a build tagging each article
        # once would not have.
        rules = replace(load("en"), derived={})
        tag("warm up the rule cache on May 31, 2018", date(2018, 6, 3), rules=rules)
        t0 = time.process_time()
        predictions = {d.name: tag(d.text, d.dct, rules=rules) for d in docs}
        times.append(time.process_time() - t0)
    return docs, predictions, statistics.median(times)


# Issue 17: on TimeBank and AQUAINT together; per type wherever the gold has
# at least TYPE_MIN_GOLD expressions of that type.
TARGETS = {"strict_f1": 0.88, "relaxed_f1": 0.95, "value_f1": 0.84, "mb_per_second": 3.0}
TYPE_TARGET, TYPE_MIN_GOLD = 0.80, 20


def check_targets(combined: dict, throughput: dict) -> list[dict]:
    figures = {"strict_f1": combined["strict"]["f1"], "relaxed_f1": combined["relaxed"]["f1"],
               "value_f1": combined["value"]["f1"], "mb_per_second": throughput["mb_per_second"] or 0.0}
    out = [{"target": k, "value": figures[k], "min": v, "met": figures[k] >= v} for k, v in TARGETS.items()]
    for t, r in combined["per_type"].items():
        if r["gold"] < TYPE_MIN_GOLD:
            continue
        for name, value in (("relaxed_recall", r["relaxed"]["recall"]),
                            ("value_accuracy", r["value_accuracy_matched"])):
            out.append({"target": f"{t} {name}", "value": value, "min": TYPE_TARGET, "met": value >= TYPE_TARGET})
    return out


def _row(name: str, r: dict) -> str:
    return (f"{name:12} {r['documents']:5} {r['gold']:5} {r['strict']['f1']:7.3f} {r['relaxed']['precision']:7.3f} "
            f"{r['relaxed']['recall']:7.3f} {r['relaxed']['f1']:7.3f} {r['value']['f1']:7.3f} {r['type']['f1']:7.3f} "
            f"{r['date_value_accuracy_matched']:7.3f}")


def print_report(results: dict) -> None:
    print(f"{'corpus':12} {'docs':>5} {'gold':>5} {'strict':>7} {'rel P':>7} {'rel R':>7} {'rel F1':>7} "
          f"{'val F1':>7} {'typ F1':>7} {'DATE acc':>7}")
    for name, r in results["corpora"].items():
        print(_row(name, r))
    print("\nper type: gold, relaxed recall, strict recall, value accuracy (matched), relaxed precision")
    for name, r in results["corpora"].items():
        for t, pt in r["per_type"].items():
            print(f"  {name:9} {t:9} gold {pt['gold']:5}  rel R {pt['relaxed']['recall']:.3f}  "
                  f"strict R {pt['strict_recall']:.3f}  value acc {pt['value_accuracy_matched']:.3f}  "
                  f"rel P {pt['relaxed']['precision']:.3f}  (sys {pt['system']})")
    print("\nvalue disagreements that are a corpus convention we do not follow (counted as errors above):")
    for name, r in results["corpora"].items():
        conv = r["value_disagreements_by_convention"]
        print(f"  {name:9} {sum(conv.values()):3}  " + ", ".join(f"{k}: {v}" for k, v in sorted(conv.items()))
              + f"  (value F1 without them {r['value_f1_without_convention_cases']:.3f})")
    tp = results["throughput"]
    print(f"\nthroughput: {tp['characters_per_second']:,} chars/s, {tp['documents_per_second']} docs/s "
          f"({tp['mb_per_second']} MB/s, one core, median of {tp['runs']})")
    if "against_baseline" in tp:
        cmp = tp["against_baseline"]
        print(f"against {cmp['baseline']}: {cmp['method']}\n  this {cmp['median_seconds']['this']} s "
              f"({cmp['mb_per_second']['this']} MB/s), baseline {cmp['median_seconds']['baseline']} s "
              f"({cmp['mb_per_second']['baseline']} MB/s): ratio {cmp['ratio']}\n  runs: {cmp['cpu_seconds']}")
    print("\ntargets (TimeBank + AQUAINT):")
    for t in results["targets"]:
        print(f"  {t['target']:28} {t['value']:7.3f}  >= {t['min']:.2f}  {'met' if t['met'] else 'NOT MET'}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path, help="folder of .tml files (sub-folders are scored separately too)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "tempeval.json")
    ap.add_argument("--errors", type=Path,
                    help="write every miss, spurious match, wrong extent and wrong value here (JSON)")
    ap.add_argument("--repeat", type=int, default=3, help="tagging runs per corpus for the timing (median; default 3)")
    ap.add_argument("--baseline", type=Path,
                    help="an older checkout of the project (outside the repository): time it against this code")
    ap.add_argument("--runs", type=int, default=5, help="processes of each code for --baseline (default 5)")
    ap.add_argument("--time-code", type=Path, help=argparse.SUPPRESS)  # one timed pass, for --baseline
    args = ap.parse_args(argv)
    if args.time_code:
        print(f"{time_one_pass(args.folder, args.time_code):.6f}")
        return 0
    if not args.folder.is_dir():
        print(f"error: {args.folder} is not a folder of .tml files", file=sys.stderr)
        return 2
    subsets = sorted(p for p in args.folder.iterdir() if p.is_dir() and any(p.rglob("*.tml")))
    groups = [(p.name, p) for p in subsets] or [(args.folder.name, args.folder)]
    results: dict = {"corpora": {}}
    all_docs: list[Document] = []
    by_corpus: dict[str, list[Document]] = {}
    all_pred: dict = {}
    chars = cpu_total = 0.0
    for name, path in groups:
        docs, pred, cpu = run(path, args.repeat)
        by_corpus[name] = docs
        all_docs += docs
        all_pred.update(pred)
        chars += sum(len(d.text) for d in docs)
        cpu_total += cpu
        results["corpora"][name] = score(docs, pred)
    if len(groups) > 1:
        results["corpora"]["all"] = score(all_docs, all_pred)
    results["throughput"] = {
        "characters": int(chars),
        "documents": len(all_docs),
        "cpu_seconds": round(cpu_total, 3),
        "runs": max(1, args.repeat),
        "characters_per_second": round(chars / cpu_total) if cpu_total else None,
        "documents_per_second": round(len(all_docs) / cpu_total, 1) if cpu_total else None,
        "mb_per_second": round(chars / cpu_total / 1e6, 3) if cpu_total else None,
        "note": "tagging only, one process (one core), CPU time, median of the runs; each run with the rules as "
                "loaded (nothing remembered from an earlier run)",
    }
    if args.baseline:
        results["throughput"]["against_baseline"] = compare_speed(args.folder, args.baseline, args.runs)
    final = results["corpora"]["all" if len(groups) > 1 else groups[0][0]]
    results["targets"] = check_targets(final, results["throughput"])
    results["gold_modifiers"] = {name: modifier_counts(docs) for name, docs in by_corpus.items()}
    results["reference"] = {
        "HeidelTime TimeBank (this machine)": {"strict_f1": 0.853, "relaxed_f1": 0.919, "value_f1": 0.795,
                                              "value_accuracy_matched": 0.864},
        "HeidelTime TempEval-3 test (published)": {"strict_f1": 0.813, "relaxed_f1": 0.903, "value_f1": 0.776,
                                                  "type_f1": 0.821},
    }
    print_report(results)
    errors = {name: r.pop("_errors") for name, r in results["corpora"].items()}
    if args.errors:
        args.errors.write_text(json.dumps(errors, indent=1, ensure_ascii=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
