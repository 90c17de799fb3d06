"""benchmarks/quality.py: the gold list of the seeds' names, the scoring of
names, sources, background and key-day texts, and the whole benchmark run on
the seed site and on a small slice of a Timeline17 topic (so a change to the
generator's data model that breaks the benchmark shows here)."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from types import SimpleNamespace

import pytest

from benchmarks import quality
from benchmarks.quality import (
    Gold,
    day_text,
    is_background,
    norm,
    score_names,
    sources_report,
    split_excerpts,
    split_into_names,
)
from benchmarks.rouge import RougeWords
from generator.temporal import calendar
from tests.support import ROOT, shared_dir
from tests.support.timeline17 import read_reference_timelines


@pytest.fixture(scope="module")
def gold() -> Gold:
    return Gold.load()


def seed_bodies() -> str:
    """The seed site's article text (front matter left out), spaces (some are
    no-break spaces) made plain."""
    return " ".join(" ".join(p.read_text(encoding="utf-8").split("---", 2)[2].split())
                    for p in sorted((ROOT / "content" / "articles").glob("*.md")))


# -- the gold list --------------------------------------------------------------------------

def test_gold_list_has_every_kind_and_no_spelling_twice(gold):
    size = gold.size()
    assert size["required"]["person"] >= 20 and size["required"]["place"] >= 50
    assert size["required"]["organisation"] >= 15
    gold.by_spelling()  # raises on a spelling shared by two entities


def test_every_gold_name_is_in_the_seed_articles(gold):
    text = seed_bodies()
    absent = [g.name for g in gold.entities if not g.named_in(text)]
    assert absent == []
    absent = [n for n in gold.not_entities if n not in text]
    assert absent == []


def test_furniture_names_are_not_in_the_published_article_text(gold):
    text = seed_bodies()
    assert [n for n in gold.furniture if re.search(rf"\b{re.escape(n)}\b", text)] == []
    seeds = " ".join(" ".join(p.read_text(encoding="utf-8").split()) for p in (shared_dir() / "seeds").glob("*.txt"))
    assert [n for n in gold.furniture if n not in seeds] == []  # but the seeds as given have them


def test_gold_kinds_are_the_three_kinds(gold):
    assert {k for g in gold.entities for k in g.kinds} == {"person", "place", "organisation"}
    moscow = gold.by_spelling()["moscow"]
    assert moscow.kinds == ("place",)


# -- scoring names --------------------------------------------------------------------------

def test_names_are_matched_once_by_any_spelling_and_kind(gold):
    pairs = {("Vladimir Putin", "person"), ("Putin", "person"), ("Moon Jae-in Moscow", "person"),
             ("Moscow", "person"), ("Kremlin", "organisation"), ("Senate", "organisation"), ("Cold War", "place"),
             ("vladivostock", "place")}
    s = score_names(pairs, gold)
    # true: Vladimir Putin, Kremlin (either kind), Vladivostok (an alias, case ignored);
    # false: a second page for Putin, two names run together, Moscow as a person, an event;
    # the Senate is optional: neither
    assert s["true_positives"] == 3
    why = {fp["name"]: fp["why"] for fp in s["false_positives"]}
    assert why == {"Putin": "second name for Vladimir Putin (Vladimir Putin)",
                   "Moon Jae-in Moscow": "Moon Jae-in + Moscow run together",
                   "Moscow": "Moscow is a place", "Cold War": "not in the gold list"}
    assert s["precision"] == round(3 / 7, 4)
    required = sum(1 for g in gold.entities if g.required)
    assert s["recall"] == round(3 / required, 4)
    assert not s["moscow_is_place"] and s["moscow_kinds"] == ["person"]
    assert [p["name"] for p in s["two_name_persons"]] == ["Moon Jae-in Moscow"]
    assert s["not_entities_as_entities"] == ["Cold War"]


def test_two_names_run_together(gold):
    spellings = gold.by_spelling()
    assert split_into_names("Moon Jae-in Moscow", spellings) == ["Moon Jae-in", "Moscow"]
    assert split_into_names("India Indeed", spellings) is None  # one name and a word
    assert split_into_names("Xi Jinping", spellings) is None  # one name


def test_spellings_compare_without_case_apostrophes_or_the():
    assert norm("The  Kremlin") == norm("kremlin")
    assert norm("Moscow’s") == norm("moscow's")


# -- sources, background, key-day texts -----------------------------------------------------

def test_sources_beyond_distinct_articles_are_counted():
    src = SimpleNamespace
    events = [SimpleNamespace(id="a", title="A", sources=[src(article="x"), src(article="x"), src(article="y")]),
              SimpleNamespace(id="b", title="B", sources=[src(article="x"), src(article="y")])]
    r = sources_report(events)
    assert r["over_articles"] == 1 and r["examples"][0] == {"id": "a", "title": "A", "sources": 3, "articles": 2}


def test_background_ends_more_than_30_days_before_the_first_article():
    first = date(2009, 3, 2)

    def ev(value):
        return SimpleNamespace(when=calendar.when(value))

    assert is_background(ev("1968"), first)
    assert is_background(ev("2009-01-15"), first)  # 46 days before
    assert not is_background(ev("2009-02-10"), first)  # 20 days before
    assert not is_background(ev("2009-01"), first)  # ends 31 January: 30 days before


def test_day_text_takes_distinct_summaries_most_salient_first():
    events = [SimpleNamespace(summary="WHO declared a pandemic."), SimpleNamespace(summary="WHO declared a pandemic."),
              SimpleNamespace(summary="Schools closed in Mexico."), SimpleNamespace(summary="Third one.")]
    assert day_text(events, 2) == ["WHO declared a pandemic .", "Schools closed in Mexico ."]


# -- the whole benchmark --------------------------------------------------------------------

def test_seed_site_run_writes_every_figure(tmp_path):
    out = tmp_path / "quality.json"
    assert quality.main(["--topics", "--out", str(out), "--excerpts", str(tmp_path / "excerpts.json")]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    seed = report["seed"]
    assert seed["events"] == len(seed["event_titles"]) > 20
    assert set(seed["titles_all"]["share"]) == {"dateline_or_byline", "ellipsis", "starts_with_pronoun",
                                                 "date_words", "under_3_or_over_14_words", "starts_as_fragment",
                                                 "any"}
    for part in ("entity_pages", "all_sentences"):
        names = seed["names"][part]
        assert 0 < names["precision"] <= 1 and 0 < names["recall"] <= 1
        assert names["system"] >= names["true_positives"] > 0
    rows = [r for r in report["table"] if r["target"]]
    assert rows and all(r["met"] in ("met", "not met") for r in rows)


def test_timeline17_text_stays_out_of_the_recorded_figures():
    topic = {"articles": 3, "titles_all": {"share": {"ellipsis": 0.5}, "examples": {"ellipsis": ["A title…"]}},
             "key_events": {"background": 1, "events": [{"id": "2009-x", "date": "2009", "title": "T",
                                                         "summary": "S.", "background": True}]},
             "timelines": {"t": {"k": 2, "texts": {"2009-06-11": ["WHO declared ."]}}}}
    figures, excerpts = split_excerpts({"H1N1": topic})
    assert figures == {"H1N1": {"articles": 3, "titles_all": {"share": {"ellipsis": 0.5}},
                                "key_events": {"background": 1, "events": [{"date": "2009", "background": True}]},
                                "timelines": {"t": {"k": 2}}}}
    assert excerpts["H1N1"]["key_events"]["events"] == [{"id": "2009-x", "title": "T", "summary": "S."}]
    assert excerpts["H1N1"]["timelines"]["t"]["texts"] == {"2009-06-11": ["WHO declared ."]}


def test_topic_slice_scores_days_and_texts(tmp_path):
    """Three days of one outlet's H1N1 coverage with its timeline: Date-F1 and
    alignment ROUGE run end to end."""
    src = shared_dir() / "data" / "timeline17" / "H1N1_reuters"
    topic = tmp_path / "data" / "H1N1_reuters"
    shutil.copytree(src / "timelines", topic / "timelines")
    tl = read_reference_timelines([topic])[0]
    days = sorted(d for d in (src / "InputDocs").iterdir() if tl.dates[0].isoformat() <= d.name)[:3]
    for d in days:
        shutil.copytree(d, topic / "InputDocs" / d.name)
    words = RougeWords.load(shared_dir() / "data" / "rouge-1.5.5")
    res = quality.run_topic("H1N1", [topic], tmp_path / "work", words, jobs=1)
    row = res["timelines"]["H1N1_reuters/h1n1_reuters"]
    assert row["k"] == 15 and 0 < len(row["picked"]) <= 15
    assert all(days[0].name <= d <= days[-1].name for d in row["picked"])
    for label in ("summaries", "lead"):
        assert 0 <= row[label]["ar1"]["f1"] <= 1 and 0 <= row[label]["ar2"]["f1"] <= row[label]["ar1"]["f1"] + 1e-9
    assert 0 < len(res["key_events"]["events"]) <= quality.KEY_EVENTS
    assert res["average"]["date_f1"] == pytest.approx(row["date"]["f1"], abs=1e-4)
