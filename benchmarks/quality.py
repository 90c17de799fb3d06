"""Would an editor publish the timeline? Measured on the seed site and on the
Timeline17 development topics (issue 13, "Measure").

    python benchmarks/quality.py [--data ../shared/data/timeline17] [--topics H1N1 bpoil] [--skip-rouge]

Everything runs in-process with the generator's own pipeline (config,
resources, content, analyse, merged_events, overrides, site.plan). Reported:

* Titles: the share of event titles failing each check of
  benchmarks/titles.py (dateline or byline, ellipsis, starting with a pronoun,
  date words, under 3 or over 14 words) and failing any, over all events and
  over the 50 most salient; seed site and each topic.
* Sources: events whose number of sources exceeds their distinct articles.
* Names (seed site): precision and recall of the (name, kind) pairs against
  tests/data/seed_entities.toml, for the entity pages (site.plan's entities)
  and for every name found in every sentence (analysis.names.find_names,
  folded by corpus.entities.EntityIndex); "Moscow" a place; no person made of
  two names.
* Key events (topics): Date-F1 by benchmarks/tls.py's method (the k days with
  the highest summed salience among the events merged from the articles inside
  each reference timeline's range), and how many of the front page's key
  events are background (ending more than 30 days before the topic's first
  article) or furniture (title or summary with a dateline, byline, timestamp
  or comment-thread mark).
* Key-event text (topics): alignment ROUGE (AR1-F, AR2-F; benchmarks/rouge.py)
  of those k days' texts against each journalists' timeline: a day's text is
  the summaries of its events in the order the site lists them under that day
  (corpus.salience.day_order: the most reported first, then the day's other
  happenings of the story), as many as the reference's mean number of
  sentences per date. Beside it, the same days with the first
  sentences (title first) of the day's top event's first source article (the
  "lead"), for how much sentence choice can add. Averages: F1 of mean P and mean R.

One table (figure, target, met) is printed, then each topic's key events;
every figure, with the seed site's titles, the misses and false positives,
goes to benchmarks/results/quality.json. What quotes Timeline17's articles
(the topics' titles, summaries, example titles and day texts) goes to a
separate file outside the project (--excerpts; the dataset is for evaluation
only and is never copied into the project).

The generator's data model is read in a few small functions below
("Reading the generator's output"), so a change to Event or Source needs
one or two lines there.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.rouge import PR, RougeWords, align_rouge, mean_pr, ptb_like  # noqa: E402
from benchmarks.titles import TITLE_CHECKS, failed_checks, is_furniture  # noqa: E402
from generator.analysis.names import find_names  # noqa: E402
from generator.build import BuildOptions  # noqa: E402
from generator.config import load_config  # noqa: E402
from generator.content import read_content  # noqa: E402
from generator.corpus.entities import EntityIndex  # noqa: E402
from generator.corpus.overrides import apply_overrides, load_overrides  # noqa: E402
from generator.errors import Report  # noqa: E402
from generator.model import Analysis, EntityRef, Event  # noqa: E402
from generator.pipeline import analyse, merged_events  # noqa: E402
from generator.resources import load_resources  # noqa: E402
from generator.site import plan  # noqa: E402
from tests.support.data import shared_dir  # noqa: E402
from tests.support.timeline17 import (  # noqa: E402
    ReferenceTimeline,
    convert,
    day_events,
    day_scores,
    f1_of_means,
    prf,
    read_reference_timelines,
    top_days,
    topic_dirs,
)

GOLD = ROOT / "tests" / "data" / "seed_entities.toml"
OUT = ROOT / "benchmarks" / "results" / "quality.json"
TOP = 50  # "the 50 most salient"
KEY_EVENTS = 8  # the front page's key events
BACKGROUND_DAYS = 30
TARGETS = {"title_check_share": 0.02, "title_any_share": 0.05, "sources_over_articles": 0, "names": 0.95,
           "two_name_persons": 0, "date_f1": 0.708, "key_events_background": 0, "key_events_furniture": 0,
           "ar1_f": 0.14, "ar2_f": 0.04}
EXAMPLES = 15  # failing titles listed per check in the JSON


# -- Reading the generator's output (adapt here when the model changes) ---------------------

def visible(events: list[Event]) -> list[Event]:
    return [e for e in events if not getattr(e, "hidden", False)]


def source_count(e: Event) -> int:
    """What the site shows as the number of sources (`sources` in events.json)."""
    return len(e.sources)


def source_articles(e: Event) -> list[str]:
    """The distinct articles among the event's sources, in the order listed."""
    return list(dict.fromkeys(s.article for s in e.sources))


def is_flagged_background(item) -> bool:
    """The generator's own background mark, once events carry one."""
    return bool(getattr(item, "background", False))


def event_sentences(e: Event) -> list[str]:
    """The sentences an event quotes from its sources."""
    return [q.sentence for s in e.sources for q in s.quotes]


def article_sentences(a: Analysis) -> list[str]:
    """An article's body sentences as the analysis split them."""
    return [a.text[s:e].strip() for s, e in a.sentences]


def sentence_names(sentence: str, gaz) -> list[EntityRef]:
    return [ref for ref, _at_start in find_names(sentence, gaz)]


def front_page_key_events(site, events: list[Event]) -> list:
    """The key events of the built front page (event views), as the index
    page receives them; the most salient events if it names them otherwise."""
    index = next((p for p in site.pages if p.template == "index.html"), None)
    overview = index.context.get("overview") if index is not None else None
    if overview is not None:  # the overview's key events (background apart), most salient first
        return sorted(overview.key_events, key=lambda v: (-v.salience, v.when.sort_key(), v.id))[:KEY_EVENTS]
    return most_salient(events, KEY_EVENTS)


def most_salient(events: list[Event], n: int) -> list[Event]:
    """The n most salient events (the front page's order: salience, then time)."""
    return sorted(events, key=lambda e: (-e.salience, e.when.sort_key()))[:n]


# -- One corpus through the pipeline ---------------------------------------------------------

@dataclass
class Corpus:
    config: object
    resources: object
    analyses: list[Analysis]
    events: list[Event]
    index: EntityIndex
    site: object = None
    timings: dict[str, float] = field(default_factory=dict)


def load_corpus(site_toml: Path, with_site: bool = True, jobs: int | None = None) -> Corpus:
    """Analyse and merge a project's articles as `build` does (editor
    overrides applied), and plan its site; nothing is written."""
    t0 = time.perf_counter()
    cfg = load_config(site_toml)
    resources = load_resources(cfg)
    report = Report()
    articles = read_content(cfg.content_dir, report)
    analyses = analyse(articles, cfg, resources, BuildOptions(use_cache=False, jobs=jobs), report)
    t1 = time.perf_counter()
    events, index = merged_events(analyses, resources, cfg)
    events = apply_overrides(events, load_overrides(cfg.content_dir), report)
    t2 = time.perf_counter()
    site = plan(cfg, analyses, events, index) if with_site else None
    t3 = time.perf_counter()
    return Corpus(cfg, resources, analyses, visible(events), index, site,
                  {"analyse": round(t1 - t0, 1), "merge": round(t2 - t1, 1), "plan": round(t3 - t2, 1)})


# -- Titles and sources -----------------------------------------------------------------------

def title_report(events: list[Event]) -> dict:
    """Share of titles failing each check and failing any, with examples."""
    fails = {e.id: failed_checks(e.title) for e in events}
    n = len(events)
    out: dict = {"titles": n, "share": {}, "count": {}, "examples": {}}
    for name in [*TITLE_CHECKS, "any"]:
        hit = [e for e in events if (fails[e.id] if name == "any" else name in fails[e.id])]
        out["count"][name] = len(hit)
        out["share"][name] = round(len(hit) / n, 4) if n else 0.0
        if name != "any":
            out["examples"][name] = [e.title for e in hit[:EXAMPLES]]
    return out


def sources_report(events: list[Event]) -> dict:
    over = [e for e in events if source_count(e) > len(source_articles(e))]
    return {"events": len(events), "over_articles": len(over),
            "examples": [{"id": e.id, "title": e.title, "sources": source_count(e),
                          "articles": len(source_articles(e))} for e in over[:EXAMPLES]]}


def titles_and_sources(events: list[Event]) -> dict:
    return {"titles_all": title_report(events), "titles_top": title_report(most_salient(events, TOP)),
            "sources": sources_report(events)}


# -- Names -------------------------------------------------------------------------------------

def norm(name: str) -> str:
    """A spelling as the gold list compares it: case, curly apostrophes,
    spacing and a leading "the" ignored."""
    s = re.sub(r"\s+", " ", name.replace("’", "'")).strip().casefold()
    return s[4:] if s.startswith("the ") else s


@dataclass(frozen=True)
class GoldEntity:
    name: str
    kinds: tuple[str, ...]  # the first is the main kind
    spellings: tuple[str, ...]  # normalised name and aliases
    required: bool
    written: tuple[str, ...] = ()  # name and aliases as written

    def named_in(self, text: str) -> bool:
        """Is the entity named in the text (a spelling as a whole word, case as written)?"""
        return any(re.search(r"(?<![\w-])" + r"\s+".join(map(re.escape, s.split())) + r"(?![\w-])", text)
                   for s in self.written)


@dataclass
class Gold:
    entities: list[GoldEntity]
    not_entities: list[str]
    furniture: list[str]

    @classmethod
    def load(cls, path: Path = GOLD) -> Gold:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        ents = [GoldEntity(e["name"], (e["kind"], *e.get("also", [])),
                           tuple(dict.fromkeys(norm(s) for s in [e["name"], *e.get("aliases", [])])),
                           e.get("required", True), (e["name"], *e.get("aliases", [])))
                for e in data["entity"]]
        return cls(ents, data.get("not_entities", {}).get("names", []), data.get("furniture", {}).get("names", []))

    def by_spelling(self) -> dict[str, GoldEntity]:
        out: dict[str, GoldEntity] = {}
        for e in self.entities:
            for s in e.spellings:
                if s in out and out[s] is not e:
                    raise ValueError(f"{GOLD.name}: {s!r} spells both {out[s].name!r} and {e.name!r}")
                out[s] = e
        return out

    def size(self) -> dict:
        kinds = {k: sum(1 for e in self.entities if e.required and e.kinds[0] == k)
                 for k in ("person", "place", "organisation")}
        return {"required": kinds, "optional": sum(1 for e in self.entities if not e.required),
                "not_entities": len(self.not_entities), "furniture": len(self.furniture)}


def split_into_names(name: str, spellings: dict[str, GoldEntity]) -> list[str] | None:
    """The gold names a name is made of, when it is two or more of them run
    together ("Moon Jae-in Moscow" -> Moon Jae-in, Moscow); else None."""
    words = name.split()
    found, i = [], 0
    while i < len(words):
        for j in range(len(words), i, -1):
            if norm(" ".join(words[i:j])) in spellings:
                found.append(spellings[norm(" ".join(words[i:j]))].name)
                i = j
                break
        else:
            return None
    return found if len(found) >= 2 else None


def score_names(pairs: set[tuple[str, str]], gold: Gold) -> dict:
    """Precision and recall of (name, kind) pairs against the gold list.
    A system name matches a gold entity by any of its spellings and kinds;
    each gold entity is matched once (a second name for it is a false
    positive: two pages for one entity). Optional entities found count
    neither way."""
    spellings = gold.by_spelling()
    matched: dict[str, str] = {}  # gold name -> system name
    tp, fps = 0, []
    # exact canonical names first, so "Vladimir Putin" takes the entity before "Putin" would
    order = sorted(pairs, key=lambda p: (norm(p[0]) not in {norm(g.name) for g in gold.entities}, p))
    for name, kind in order:
        g = spellings.get(norm(name))
        if g is None:
            parts = split_into_names(name, spellings)
            fps.append({"name": name, "kind": kind,
                        "why": f"{' + '.join(parts)} run together" if parts else "not in the gold list"})
        elif kind not in g.kinds:
            fps.append({"name": name, "kind": kind, "why": f"{g.name} is a {g.kinds[0]}"})
        elif not g.required:
            continue
        elif g.name in matched:
            fps.append({"name": name, "kind": kind, "why": f"second name for {g.name} ({matched[g.name]})"})
        else:
            matched[g.name] = name
            tp += 1
    required = [g for g in gold.entities if g.required]
    misses = [{"name": g.name, "kind": g.kinds[0]} for g in required if g.name not in matched]
    precision = tp / (tp + len(fps)) if tp + len(fps) else 0.0
    recall = (len(required) - len(misses)) / len(required) if required else 0.0
    moscow = sorted(k for n, k in pairs if norm(n) == "moscow")
    two_names = [fp for fp in fps if fp["kind"] == "person" and fp["why"].endswith("run together")]
    furniture = sorted({n for n, _ in pairs if norm(n) in {norm(x) for x in gold.furniture}})
    not_entities = sorted({n for n, _ in pairs if norm(n) in {norm(x) for x in gold.not_entities}})
    return {"system": len(pairs), "true_positives": tp, "precision": round(precision, 4),
            "recall": round(recall, 4), "false_positives": fps, "misses": misses,
            "moscow_kinds": moscow, "moscow_is_place": moscow == ["place"], "two_name_persons": two_names,
            "furniture_as_entities": furniture, "not_entities_as_entities": not_entities}


def entity_page_pairs(site) -> set[tuple[str, str]]:
    """The canonical (name, kind) of every entity page."""
    return {(e.name, e.kind) for e in site.entities}


def sentence_pairs(c: Corpus) -> tuple[set[tuple[str, str]], int]:
    """Every name in every sentence of the articles, folded into entities;
    and how many names stay untyped (no page, no kind)."""
    gaz = c.resources.gazetteer
    refs = [r for a in c.analyses for s in article_sentences(a) for r in sentence_names(s, gaz)]
    index = EntityIndex.build(refs, gaz)
    resolved = [index.resolve(r) for r in refs]
    untyped = {r.name for r, x in zip(refs, resolved, strict=True) if x is None}
    return {x for x in resolved if x is not None}, len(untyped)


def in_events_recall(pages: dict, gold: Gold, events: list[Event]) -> dict:
    """Entity pages exist only for names in events: recall over the gold
    entities that some event's quoted sentences name."""
    text = "\n".join(s for e in events for s in event_sentences(e))
    named = [g for g in gold.entities if g.required and g.named_in(text)]
    missed = {m["name"] for m in pages["misses"]}
    misses = [{"name": g.name, "kind": g.kinds[0]} for g in named if g.name in missed]
    return {"gold_named_in_events": len(named),
            "recall": round((len(named) - len(misses)) / len(named), 4) if named else 0.0, "misses": misses}


def names_report(c: Corpus, gold: Gold) -> dict:
    pages = score_names(entity_page_pairs(c.site), gold)
    pages["in_events"] = in_events_recall(pages, gold, c.events)
    pairs, untyped = sentence_pairs(c)
    sentences = score_names(pairs, gold)
    sentences["untyped_names"] = untyped
    return {"gold": gold.size(), "entity_pages": pages, "all_sentences": sentences}


# -- Timeline17 topics -------------------------------------------------------------------------

def is_background(e: Event, first_article: date) -> bool:
    """Background the corpus only recalls: the event ended more than 30 days
    before the topic's first article."""
    return e.when.end < first_article - timedelta(days=BACKGROUND_DAYS)


def key_events_report(c: Corpus, first_article: date) -> dict:
    """The front page's key events: which are background or furniture."""
    by_id = {e.id: e for e in c.events}
    rows = []
    for v in front_page_key_events(c.site, c.events):
        e = by_id.get(v.id, v)
        rows.append({"id": e.id, "date": e.date, "title": e.title, "summary": e.summary,
                     "salience": round(e.salience, 3), "sources": source_count(e),
                     "articles": len(source_articles(e)),
                     "background": is_background(e, first_article) or is_flagged_background(v)
                     or is_flagged_background(e),
                     "furniture": is_furniture(e.title) or is_furniture(e.summary)})
    cutoff = first_article - timedelta(days=BACKGROUND_DAYS)
    return {"first_article": first_article.isoformat(), "background_before": cutoff.isoformat(),
            "background": sum(r["background"] for r in rows), "furniture": sum(r["furniture"] for r in rows),
            "events": rows}


def day_text(events: list[Event], n: int) -> list[str]:
    """A key day's text: the summaries of its events in the site's order for the
    day (tests.support.timeline17.day_events), n of them."""
    out: list[str] = []
    for e in events:
        s = " ".join(e.summary.split())
        if s and s not in out:
            out.append(s)
        if len(out) == n:
            break
    return [ptb_like(s) for s in out]


def lead_text(events: list[Event], by_slug: dict[str, Analysis], n: int) -> list[str]:
    """The first n sentences (the title first: in a converted Timeline17
    article it is the file's first line) of the first source article of the
    day's first event (day_events' order)."""
    for e in events:
        for slug in source_articles(e):
            if slug in by_slug:
                a = by_slug[slug]
                return [ptb_like(s) for s in [a.article.title, *article_sentences(a)] if s][:n]
    return []


def timeline_task(c: Corpus, tl: ReferenceTimeline, words: RougeWords | None) -> dict:
    """One reference timeline: Date-F1 as benchmarks/tls.py computes it, and
    the alignment ROUGE of the picked days' texts."""
    start, end = tl.dates[0], tl.dates[-1]
    subset = [a for a in c.analyses if a.article.date and start <= a.article.date <= end]
    events, _ = merged_events(subset, c.resources, c.config)
    k = len(tl.dates)
    picked = top_days(day_scores(events), k, start, end)
    p, r = prf(picked, tl.dates)
    row: dict = {"k": k, "articles": len(subset), "range": [start.isoformat(), end.isoformat()],
                 "sentences_per_date": tl.sentences_per_date, "picked": [d.isoformat() for d in picked],
                 "date": {"precision": round(p, 4), "recall": round(r, 4), "f1": round(PR(p, r).f1, 4)},
                 "_date_pr": PR(p, r)}
    if words is not None:
        by_day = day_events(events)
        by_slug = {a.article.slug: a for a in subset}
        n = tl.sentences_per_date
        ours = {d: day_text(by_day.get(d, []), n) for d in picked}
        lead = {d: lead_text(by_day.get(d, []), by_slug, n) for d in picked}
        for label, pred in (("summaries", ours), ("lead", lead)):
            scores = align_rouge(words, pred, [tl.summaries])
            row[label] = {f"ar{m}": {"precision": round(s.precision, 4), "recall": round(s.recall, 4),
                                     "f1": round(s.f1, 4)} for m, s in scores.items()}
            row[f"_{label}_pr"] = scores
        row["texts"] = {d.isoformat(): ours[d] for d in picked[:3]}
    return row


def averages(rows: list[dict], words: bool) -> dict:
    """F1 of mean P and mean R over the timelines (news-tls, tilse)."""
    out = {"date_f1": round(f1_of_means([r["_date_pr"].precision for r in rows],
                                        [r["_date_pr"].recall for r in rows]), 4)}
    if words:
        for label in ("summaries", "lead"):
            for m in (1, 2):
                pr = mean_pr([r[f"_{label}_pr"][m] for r in rows])
                out[f"{label}_ar{m}"] = {"precision": round(pr.precision, 4), "recall": round(pr.recall, 4),
                                         "f1": round(pr.f1, 4)}
    return out


def run_topic(name: str, dirs: list[Path], workdir: Path, words: RougeWords | None, jobs: int | None) -> dict:
    folder = workdir / name
    meta = convert(dirs, folder)
    with (folder / "site.toml").open("a") as fh:
        fh.write(f"key_events = {KEY_EVENTS}\n")
    c = load_corpus(folder / "site.toml", jobs=jobs)
    first = min(m["date"] for m in meta)
    result: dict = {"articles": len(c.analyses), "events": len(c.events), "seconds": c.timings,
                    **titles_and_sources(c.events), "key_events": key_events_report(c, first),
                    "people_filter": sum(1 for e in c.site.entities if e.kind == "person")}
    rows = {}
    for tl in read_reference_timelines(dirs):
        t0 = time.perf_counter()
        rows[tl.name] = timeline_task(c, tl, words)
        print(f"   {tl.name:38} k={rows[tl.name]['k']:3} Date-F1 {rows[tl.name]['date']['f1']:.3f}"
              + (f"  AR1-F {rows[tl.name]['summaries']['ar1']['f1']:.3f}" if words else "")
              + f"  ({time.perf_counter() - t0:.0f} s)", flush=True)
    result["timelines"] = rows
    result["average"] = averages(list(rows.values()), words is not None)
    return result


# -- The table ---------------------------------------------------------------------------------

@dataclass
class Row:
    scope: str
    measure: str
    value: float | int | str
    target: str = ""
    met: bool | None = None

    def cells(self) -> list[str]:
        v = f"{self.value:.3f}" if isinstance(self.value, float) else str(self.value)
        met = "" if self.met is None else ("met" if self.met else "not met")
        return [self.scope, self.measure, v, self.target, met]


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def table_rows(report: dict) -> list[Row]:
    rows: list[Row] = []
    t = TARGETS

    def titles(scope: str, part: dict) -> None:
        scopes = [("titles_all", "all"), ("titles_top", f"top {TOP}")]
        if part["titles_all"]["titles"] <= TOP:  # the same titles twice
            scopes = scopes[:1]
        for which, label in scopes:
            share = part[which]["share"]
            n = part[which]["titles"]
            for check in TITLE_CHECKS:
                rows.append(Row(scope, f"titles ({label}, {n}): {check.replace('_', ' ')}", pct(share[check]),
                                f"<= {pct(t['title_check_share'])}", share[check] <= t["title_check_share"]))
            rows.append(Row(scope, f"titles ({label}, {n}): any check", pct(share["any"]),
                            f"<= {pct(t['title_any_share'])}", share["any"] <= t["title_any_share"]))
        over = part["sources"]["over_articles"]
        rows.append(Row(scope, "events with more sources than articles", over, str(t["sources_over_articles"]),
                        over <= t["sources_over_articles"]))

    if "seed" in report:
        seed = report["seed"]
        titles("seed", seed)
        for which, label in (("entity_pages", "entity pages"), ("all_sentences", "names in all sentences")):
            n = seed["names"][which]
            for m in ("precision", "recall"):
                if which == "entity_pages" and m == "recall" and "in_events" in n:
                    # Issue 13 gives pages only to names that occur in an event, so a gold name
                    # no event's sentence holds has none: the recall to hold to is the next row's.
                    rows.append(Row("seed", f"{label}: {m} of every gold name (pages only for names in events)",
                                    n[m]))
                    continue
                rows.append(Row("seed", f"{label}: {m}", n[m], f">= {t['names']}", n[m] >= t["names"]))
            if "in_events" in n:
                r = n["in_events"]["recall"]
                rows.append(Row("seed", f"{label}: recall of the {n['in_events']['gold_named_in_events']} named in "
                                "events' sentences", r, f">= {t['names']}", r >= t["names"]))
            rows.append(Row("seed", f"{label}: Moscow is a place", "yes" if n["moscow_is_place"] else
                            f"no ({', '.join(n['moscow_kinds']) or 'absent'})", "yes", n["moscow_is_place"]))
            two = len(n["two_name_persons"])
            rows.append(Row("seed", f"{label}: persons made of two names", two, str(t["two_name_persons"]),
                            two <= t["two_name_persons"]))
    for topic, res in report.get("topics", {}).items():
        titles(topic, res)
        ke = res["key_events"]
        for what in ("background", "furniture"):
            limit = t[f"key_events_{what}"]
            rows.append(Row(topic, f"key events ({KEY_EVENTS}) that are {what}", ke[what], str(limit),
                            ke[what] <= limit))
        for name, tl in res["timelines"].items():
            figures = f"Date-F1 {tl['date']['f1']:.3f}"
            if "summaries" in tl:
                figures += (f", AR1-F {tl['summaries']['ar1']['f1']:.3f}, AR2-F {tl['summaries']['ar2']['f1']:.3f}"
                            f" (lead {tl['lead']['ar1']['f1']:.3f}, {tl['lead']['ar2']['f1']:.3f})")
            rows.append(Row(topic, f"{name} (k={tl['k']})", figures))
        avg = res["average"]
        rows.append(Row(topic, f"Date-F1 ({len(res['timelines'])} timelines)", avg["date_f1"]))
        if "summaries_ar1" in avg:
            for m in (1, 2):
                f = avg[f"summaries_ar{m}"]["f1"]
                rows.append(Row(topic, f"AR{m}-F, key days' summaries", f, f">= {t[f'ar{m}_f']}",
                                f >= t[f"ar{m}_f"]))
            for m in (1, 2):
                rows.append(Row(topic, f"AR{m}-F, lead sentences (reference)", avg[f"lead_ar{m}"]["f1"]))
    if "all_timelines" in report:
        a = report["all_timelines"]
        scope = f"all {a['timelines']} timelines"
        rows.append(Row(scope, "Date-F1", a["date_f1"], f">= {t['date_f1']}", a["date_f1"] >= t["date_f1"]))
        if "summaries_ar1" in a:
            for label in ("summaries", "lead"):
                for m in (1, 2):
                    what = "key days' summaries" if label == "summaries" else "lead sentences (reference)"
                    rows.append(Row(scope, f"AR{m}-F, {what}", a[f"{label}_ar{m}"]["f1"]))
    return rows


def markdown_table(rows: list[Row]) -> str:
    lines = ["| corpus | measure | figure | target | |", "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(r.cells()) + " |" for r in rows]
    return "\n".join(lines)


def strip_private(obj):
    """The JSON without the in-memory P/R objects."""
    if isinstance(obj, dict):
        return {k: strip_private(v) for k, v in obj.items() if not k.startswith("_")}
    if isinstance(obj, list):
        return [strip_private(v) for v in obj]
    return obj


TEXT_KEYS = {"id", "title", "summary", "examples", "texts"}  # fields quoting the articles


def split_excerpts(obj):
    """(figures, excerpts): Timeline17's articles are for evaluation only and
    never copied into the project, so what quotes them (titles, summaries,
    example titles, day texts, ids made from titles) is kept apart from the
    figures that results/quality.json records."""
    if isinstance(obj, dict):
        figures, excerpts = {}, {}
        for k, v in obj.items():
            if k in TEXT_KEYS:
                excerpts[k] = v
                continue
            f, x = split_excerpts(v)
            figures[k] = f
            if x not in ({}, [], None):
                excerpts[k] = x
        return figures, excerpts
    if isinstance(obj, list):
        pairs = [split_excerpts(v) for v in obj]
        xs = [x for _, x in pairs]
        return [f for f, _ in pairs], (xs if any(x not in ({}, [], None) for x in xs) else [])
    return obj, None


def print_key_events(report: dict) -> None:
    for topic, res in report.get("topics", {}).items():
        print(f"\nkey events, {topic} (background B, furniture F):")
        for e in res["key_events"]["events"]:
            flags = ("B" if e["background"] else "-") + ("F" if e["furniture"] else "-")
            print(f"  {flags} {e['date']:10} {e['salience']:6.2f}  {e['title']}")


def seed_report(gold: Gold, jobs: int | None) -> dict:
    c = load_corpus(ROOT / "site.toml", jobs=jobs)
    return {"events": len(c.events), **titles_and_sources(c.events), "names": names_report(c, gold),
            "event_titles": [{"id": e.id, "date": e.date, "title": e.title}
                             for e in sorted(c.events, key=lambda e: e.when.sort_key())]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=shared_dir() / "data" / "timeline17")
    ap.add_argument("--rouge-words", type=Path, default=shared_dir() / "data" / "rouge-1.5.5")
    ap.add_argument("--topics", nargs="*", default=["H1N1", "bpoil"])
    ap.add_argument("--skip-rouge", action="store_true", help="no alignment ROUGE (key days are still scored)")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes for the analysis (default: all cores)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--excerpts", type=Path, default=Path(tempfile.gettempdir()) / "quality-excerpts.json",
                    help="where the topics' titles, summaries and texts go (never into the project)")
    args = ap.parse_args(argv)
    words = None if args.skip_rouge else RougeWords.load(args.rouge_words)
    report: dict = {"run": {"topics": args.topics, "skip_rouge": args.skip_rouge}, "targets": TARGETS}
    print("== seed site", flush=True)
    report["seed"] = seed_report(Gold.load(), args.jobs)
    workdir = Path(tempfile.mkdtemp(prefix="quality-"))
    try:
        report["topics"] = {}
        for topic in args.topics:
            dirs = topic_dirs(args.data, topic)
            print(f"== {topic}: {', '.join(d.name for d in dirs)}", flush=True)
            report["topics"][topic] = run_topic(topic, dirs, workdir, words, args.jobs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    rows = [r for t in report["topics"].values() for r in t["timelines"].values()]
    if rows:
        report["all_timelines"] = {"timelines": len(rows), **averages(rows, words is not None)}
    table = table_rows(report)
    report["table"] = [dict(zip(["corpus", "measure", "figure", "target", "met"], r.cells(), strict=True))
                       for r in table]
    print()
    print(markdown_table(table))
    print_key_events(report)
    report = strip_private(report)
    report["topics"], excerpts = split_excerpts(report["topics"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    args.excerpts.write_text(json.dumps({"topics": excerpts}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out} (figures) and {args.excerpts} (the topics' titles and texts)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
