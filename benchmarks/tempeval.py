"""Score the temporal tagger on TempEval-3 TimeML, the way TempEval-3 does.

    python benchmarks/tempeval.py ../shared/data/tempeval3/tbaq [--out FILE]

For each `.tml` file under the folder: strip the markup inside <TEXT> to the
raw text (entities decoded, offsets kept), tag it with the document creation
time, and compare with the gold TIMEX3s:

* extent: strict (same start and end) and relaxed (any overlap) P/R/F1;
* value and type: attribute F1 = relaxed F1 x accuracy of the attribute over
  the relaxed matches (TempEval-3's definition), overall and per gold type;
* value accuracy over matched DATE expressions;
* throughput of tagging alone on one core (characters and documents per second).

Each sub-folder (TimeBank, AQUAINT) is scored separately and together; the
figures go to benchmarks/results/tempeval.json.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.temporal import tag  # noqa: E402

TYPES = ("DATE", "TIME", "DURATION", "SET")
_TAG = re.compile(r"<(/?)([A-Za-z0-9]+)([^>]*?)(/?)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


@dataclass
class Gold:
    start: int
    end: int
    type: str
    value: str
    text: str


@dataclass
class Document:
    name: str
    text: str
    dct: date
    gold: list[Gold] = field(default_factory=list)


def read_tml(path: Path) -> Document:
    raw = path.read_text(encoding="utf-8")
    dct_m = re.search(r'<TIMEX3[^>]*functionInDocument="CREATION_TIME"[^>]*>', raw)
    value = dict(_ATTR.findall(dct_m.group(0)))["value"] if dct_m else ""
    dct = date.fromisoformat(value[:10])
    body = raw[raw.index("<TEXT>") + len("<TEXT>") : raw.index("</TEXT>")]
    out: list[str] = []
    length = 0
    stack: list[tuple[int, dict]] = []
    gold: list[Gold] = []
    pos = 0
    for m in _TAG.finditer(body):
        chunk = html.unescape(body[pos : m.start()])
        out.append(chunk)
        length += len(chunk)
        pos = m.end()
        closing, name = m.group(1), m.group(2)
        if name != "TIMEX3":
            continue
        if not closing:
            stack.append((length, dict(_ATTR.findall(m.group(3)))))
        elif stack:
            start, attrs = stack.pop()
            gold.append(Gold(start, length, attrs.get("type", ""), attrs.get("value", ""), ""))
    out.append(html.unescape(body[pos:]))
    text = "".join(out)
    for g in gold:
        g.text = text[g.start : g.end]
    return Document(path.stem, text, dct, gold)


def _prf(tp_sys: int, n_sys: int, tp_gold: int, n_gold: int) -> dict:
    p = tp_sys / n_sys if n_sys else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def score(docs: list[Document], predictions: dict[str, list]) -> dict:
    n_sys = n_gold = 0
    strict_sys = strict_gold = relaxed_sys = relaxed_gold = 0
    value_ok = type_ok = 0
    per_type = {t: {"gold": 0, "sys": 0, "matched_gold": 0, "matched_sys": 0, "value_ok": 0, "type_ok": 0}
                for t in TYPES}
    date_matched = date_value_ok = 0
    errors = []
    for doc in docs:
        sys_t = predictions[doc.name]
        n_sys += len(sys_t)
        n_gold += len(doc.gold)
        gold_spans = {(g.start, g.end) for g in doc.gold}
        sys_spans = {(s.start, s.end) for s in sys_t}
        strict_sys += sum((s.start, s.end) in gold_spans for s in sys_t)
        strict_gold += sum((g.start, g.end) in sys_spans for g in doc.gold)
        for s in sys_t:
            if s.type in per_type:
                per_type[s.type]["sys"] += 1
            if any(s.start < g.end and g.start < s.end for g in doc.gold):
                relaxed_sys += 1
                if s.type in per_type:
                    per_type[s.type]["matched_sys"] += 1
        used: set[int] = set()
        for g in doc.gold:
            per_type.setdefault(g.type, {"gold": 0, "sys": 0, "matched_gold": 0, "matched_sys": 0,
                                         "value_ok": 0, "type_ok": 0})
            per_type[g.type]["gold"] += 1
            best = None
            for i, s in enumerate(sys_t):
                if i in used or not (s.start < g.end and g.start < s.end):
                    continue
                overlap = min(s.end, g.end) - max(s.start, g.start)
                if best is None or overlap > best[0]:
                    best = (overlap, i)
            if best is None:
                errors.append({"doc": doc.name, "kind": "missed", "gold": g.text, "gold_value": g.value,
                               "start": g.start})
                continue
            relaxed_gold += 1
            s = sys_t[best[1]]
            used.add(best[1])
            pt = per_type[g.type]
            pt["matched_gold"] += 1
            if s.value == g.value:
                value_ok += 1
                pt["value_ok"] += 1
            else:
                errors.append({"doc": doc.name, "kind": "value", "gold": g.text, "gold_value": g.value,
                               "sys": s.text, "sys_value": s.value, "rule": s.rule, "start": g.start})
            if s.type == g.type:
                type_ok += 1
                pt["type_ok"] += 1
            if g.type == "DATE":
                date_matched += 1
                date_value_ok += s.value == g.value
        for s in sys_t:
            if not any(s.start < g.end and g.start < s.end for g in doc.gold):
                errors.append({"doc": doc.name, "kind": "spurious", "sys": s.text, "sys_value": s.value,
                               "rule": s.rule, "start": s.start})
    relaxed = _prf(relaxed_sys, n_sys, relaxed_gold, n_gold)
    result = {
        "documents": len(docs),
        "gold": n_gold,
        "system": n_sys,
        "strict": _prf(strict_sys, n_sys, strict_gold, n_gold),
        "relaxed": relaxed,
        "value": _prf(value_ok, n_sys, value_ok, n_gold),
        "type": _prf(type_ok, n_sys, type_ok, n_gold),
        "value_accuracy_matched": round(value_ok / relaxed_gold, 4) if relaxed_gold else 0.0,
        "date_value_accuracy_matched": round(date_value_ok / date_matched, 4) if date_matched else 0.0,
        "per_type": {},
    }
    for t in TYPES:
        pt = per_type[t]
        result["per_type"][t] = {
            "gold": pt["gold"],
            "system": pt["sys"],
            "relaxed": _prf(pt["matched_sys"], pt["sys"], pt["matched_gold"], pt["gold"]),
            "value_accuracy_matched": round(pt["value_ok"] / pt["matched_gold"], 4) if pt["matched_gold"] else 0.0,
        }
    result["_errors"] = errors
    return result


def run(folder: Path) -> tuple[list[Document], dict, float]:
    docs = [read_tml(p) for p in sorted(folder.rglob("*.tml"))]
    tag("warm up the rule cache on May 31, 2018", date(2018, 6, 3))
    t0 = time.process_time()
    predictions = {d.name: tag(d.text, d.dct) for d in docs}
    cpu = time.process_time() - t0
    return docs, predictions, cpu


def _row(name: str, r: dict) -> str:
    return (f"{name:12} {r['documents']:5} {r['gold']:5} {r['strict']['f1']:7.3f} {r['relaxed']['precision']:7.3f} "
            f"{r['relaxed']['recall']:7.3f} {r['relaxed']['f1']:7.3f} {r['value']['f1']:7.3f} {r['type']['f1']:7.3f} "
            f"{r['date_value_accuracy_matched']:7.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path, help="folder of .tml files (sub-folders are scored separately too)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "tempeval.json")
    ap.add_argument("--errors", type=Path, help="write every miss, spurious match and wrong value here (JSON)")
    args = ap.parse_args(argv)
    if not args.folder.is_dir():
        print(f"error: {args.folder} is not a folder of .tml files", file=sys.stderr)
        return 2
    subsets = sorted(p for p in args.folder.iterdir() if p.is_dir() and any(p.rglob("*.tml")))
    groups = [(p.name, p) for p in subsets] or [(args.folder.name, args.folder)]
    results: dict = {"corpora": {}}
    all_docs: list[Document] = []
    all_pred: dict = {}
    chars = cpu_total = 0.0
    for name, path in groups:
        docs, pred, cpu = run(path)
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
        "characters_per_second": round(chars / cpu_total) if cpu_total else None,
        "documents_per_second": round(len(all_docs) / cpu_total, 1) if cpu_total else None,
        "mb_per_second": round(chars / cpu_total / 1e6, 3) if cpu_total else None,
        "note": "tagging only, one process (one core), CPU time",
    }
    results["reference"] = {
        "HeidelTime TimeBank (this machine)": {"strict_f1": 0.853, "relaxed_f1": 0.919, "value_f1": 0.795,
                                              "value_accuracy_matched": 0.864},
        "HeidelTime TempEval-3 test (published)": {"strict_f1": 0.813, "relaxed_f1": 0.903, "value_f1": 0.776,
                                                  "type_f1": 0.821},
    }
    print(f"{'corpus':12} {'docs':>5} {'gold':>5} {'strict':>7} {'rel P':>7} {'rel R':>7} {'rel F1':>7} "
          f"{'val F1':>7} {'typ F1':>7} {'DATE acc':>7}")
    for name, r in results["corpora"].items():
        print(_row(name, r))
    print("\nper type (all):")
    final = results["corpora"]["all" if len(groups) > 1 else groups[0][0]]
    for t, r in final["per_type"].items():
        print(f"  {t:9} gold {r['gold']:5}  sys {r['system']:5}  relaxed F1 {r['relaxed']['f1']:.3f}  "
              f"value acc {r['value_accuracy_matched']:.3f}")
    tp = results["throughput"]
    print(f"\nthroughput: {tp['characters_per_second']:,} chars/s, {tp['documents_per_second']} docs/s "
          f"({tp['mb_per_second']} MB/s, one core)")
    errors = {name: r.pop("_errors") for name, r in results["corpora"].items()}
    if args.errors:
        args.errors.write_text(json.dumps(errors, indent=1, ensure_ascii=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
