"""Big timelines readers can find their way through: period pages, paged
lists, the front page's overview, key and background events, redirects, and
exports that validators accept (issue 16)."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from generator.build import GENERATOR
from generator.config import SiteConfig, SiteSettings, TimelineJSSettings, hosted_base_url
from generator.corpus.entities import EntityIndex
from generator.model import Analysis, Article, EntityRef, Event, Quote, Source
from generator.render import render_pages
from generator.resources import language_resources
from generator.site import plan
from generator.site.exports import export_files
from generator.site.listings import PAGE_SIZE
from generator.site.notices import PLACEHOLDER
from generator.temporal import calendar
from tests.support import ROOT, make_project
from tests.support import build_site as build

RES = language_resources()
TEMPLATES = ROOT / "templates"


def _config(base_url: str = "https://example.org/", **settings) -> SiteConfig:
    return SiteConfig(Path("site.toml"), Path("."), Path("content"), Path("output"), TEMPLATES,
                      site=SiteSettings(base_url=base_url, **settings))


def _corpus(n_events: int, first: date = date(2010, 4, 20), days: int = 120, background: int = 40):
    """A story of n_events day events over `days` days, plus `background` events
    years before, reported by one article a day; Tony Hayward in every third."""
    analyses, events = [], []
    for d in range(days):
        day = first + timedelta(days=d)
        slug = f"a-{day.isoformat()}"
        analyses.append(Analysis(Article(slug, Path(slug + ".md"), f"Report {day}", day, "Wire", "", (), False, ""),
                                 "<p>x</p>", "x", [0, 1], [0], ((0, 1),), (), ()))
    for i in range(n_events + background):
        when = (first + timedelta(days=i % days)) if i < n_events else date(1990 + i % 15, 1 + i % 12, 1 + i % 28)
        value = when.isoformat()
        slug = f"a-{(first + timedelta(days=i % days)).isoformat()}"
        names = ("Tony Hayward",) if i % 3 == 0 else ()
        src = Source(slug, "Report", (Quote(f"Event {i} happened.", "then", value, 0, "s0"),), "Wire")
        events.append(Event(id=f"{value}-event-{i}", when=calendar.when(value), title=f"Event {i} <b>happened</b>",
                            summary=f"Event {i} happened <img src=x>.", salience=(i * 7919) % 1000 / 100,
                            entities=names, sources=(src,), background=i >= n_events))
    events.sort(key=lambda e: (e.when.sort_key(), e.id))
    index = EntityIndex.build([EntityRef("Tony Hayward", "person")], RES.gazetteer)
    return analyses, events, index


@pytest.fixture(scope="module")
def big():
    """2,400 story events and 40 background ones, planned and rendered (no extraction)."""
    analyses, events, index = _corpus(2400, days=240)
    site = plan(_config(key_events=10), analyses, events, index,
                redirects={"/events/old-event/": f"/events/{events[-1].id}/", "/events/gone/": "/"})
    rendered = render_pages(site, GENERATOR)
    return site, {**rendered.files, **export_files(site, GENERATOR)}


def _cards(html: bytes) -> int:
    return len(re.findall(rb'<li class="event ', html))


def test_no_page_has_more_than_page_size_cards_and_the_front_page_stays_small(big):
    site, files = big
    pages = {k: v for k, v in files.items() if k.endswith(".html")}
    assert len(files["index.html"]) < 150_000
    assert max(_cards(v) for v in pages.values()) <= PAGE_SIZE
    # Busy year: a page per month, each month paged; April to December 2010.
    assert "years/2010/05/index.html" in files and "years/2010/05/page/2/index.html" in files
    assert files["years/2010/05/page/2/index.html"].count(b'aria-current="page">Page 2</a>') == 2
    may = files["years/2010/05/index.html"].decode()
    assert re.search(r'>Page 1</a> <span class="meta">1–\d+ May 2010</span>', may)
    # Every story event is listed exactly once, with its card as the #target.
    listed = [m for k, v in pages.items() if k.startswith("years/") for m in re.findall(rb'id="e-([^"]+)"', v)]
    assert sorted(listed) == sorted(v.id.encode() for v in site.events)
    # An entity page of 800 events is paged too, with its most reported first.
    person = [k for k in pages if k.startswith("people/tony-hayward/")]
    hayward = next(e for e in site.entities if e.name == "Tony Hayward")
    assert len(person) == -(-(hayward.count + 5) // PAGE_SIZE)
    assert b"Most reported" in files["people/tony-hayward/index.html"]


def _most_salient(views, n: int) -> list:
    """The definition of a list's highlights: its n most salient events
    (background ones only if nothing else), in date order."""
    pool = [v for v in views if not v.background] or views
    top = sorted(pool, key=lambda v: (-v.salience, v.when.sort_key(), v.id))[:n]
    return sorted(top, key=lambda v: v.when.sort_key())


def test_every_long_list_opens_with_its_most_salient_events_and_pages_link_every_page(big):
    """The site's one ranking (site.ranking) gives each list the highlights
    sorting the list itself would, ties in salience (many here) included."""
    site, _ = big
    listed = {"period": lambda c: c["period"].events, "entity": lambda c: c["entity"].all_events,
              "tag": lambda c: c["tag"].all_events}
    checked = 0
    for page in site.pages:
        kind = next((k for k in listed if k in page.context and "chunk" in page.context), None)
        if kind is None:
            continue
        chunk, events = page.context["chunk"], listed[kind](page.context)
        want = _most_salient(events, 5) if chunk.number == 1 and len(events) > 20 else []
        assert [v.id for v in chunk.highlights] == [v.id for v in want]
        assert [(p.number, p.current) for p in chunk.pager] == \
            ([(n, n == chunk.number) for n in range(1, len(chunk.pager) + 1)] if chunk.pager else [])
        checked += bool(want)
    assert checked >= 10
    story = [v for v in site.events if not v.background]
    assert {v.id for v in site.events if v.key} == {v.id for v in _most_salient(story, 10)}
    background = [v for v in site.events if v.background]
    shown = _most_salient(background, 5)[::-1 if site.config.order == "newest" else 1]
    assert [v.id for v in site.overview.background_events] == [v.id for v in shown]


def test_the_ranking_gives_each_list_the_highlights_sorting_it_would(big):
    """Lists of every shape: strided samples of the site's events, events tied
    in salience, and lists of a few story events among background ones (those
    few alone, however salient the background)."""
    site, _ = big
    events = site.events
    story = [v for v in events if not v.background]
    background = [v for v in events if v.background]
    ties = Counter(v.salience for v in story).most_common(1)[0][0]
    lists = [events[k::step] for step in (1, 7, 40, 97, 300) for k in range(3)]
    lists += [story[:n] + background for n in range(7)] + [background[:3], []]
    lists.append([v for v in events if v.salience == ties])
    for views in lists:
        for n in (1, 5, 10):
            assert [v.id for v in site.ranking.most_salient(views, n)] == [v.id for v in _most_salient(views, n)]


def test_front_page_overview(big):
    site, files = big
    html = files["index.html"].decode()
    ov = site.overview
    assert ov.chart and ov.chart.unit == "month"
    assert [b.label for b in ov.chart.bars][:2] == ["March 2010", "April 2010"]
    hrefs = re.findall(r'<a href="([^"]+)" tabindex="-1" class="bar-link">', html)
    assert hrefs == [f"/years/2010/{m:02d}/" for m in range(4, 13)]
    assert html.index('id="key-events-h"') < html.index('class="chart-svg"') < html.index('id="latest-h"')
    assert html.index('id="periods-h"') < html.index('id="background-h"')
    key = html[html.index('id="key-events-h"'):html.index('id="overview-h"')]
    assert _cards(key.encode()) == 10 and all(not v.background for v in ov.key_events)
    assert "40 events before the coverage from March 2010" in html
    # every period is one click away: each year and each month page
    for p in site.periods.all:
        if not p.background:
            assert f'href="{p.url}"' in html, p.label


def test_a_story_of_a_few_months_is_charted_by_week():
    site = plan(_config(), *_corpus(300, days=60, background=0))
    chart = site.overview.chart
    assert chart and chart.unit == "week" and chart.bars[0].label == "week of 22 March 2010"
    linked = [b for b in chart.bars if b.url]
    assert len(linked) == 9
    assert all(re.fullmatch(r"/years/2010/\d\d/(page/\d+/)?#e-2010-\d\d-\d\d-event-\d+", b.url) for b in linked)
    assert [t.label for t in chart.ticks] == ["Mar", "Apr", "May", "Jun"]


def test_event_pages_lead_back_to_their_card(big):
    site, files = big
    v = site.events[len(site.events) // 2]
    page = files[v.url.lstrip("/") + "index.html"].decode()
    assert f'<a href="{v.listing_url}">Back to {v.listing_label}</a>' in page
    target_page, _, anchor = v.listing_url.partition("#")
    assert f'id="{anchor}"' in files[target_page.lstrip("/") + "index.html"].decode()


def test_redirect_pages_and_netlify_redirects(big):
    site, files = big
    page = files["events/old-event/index.html"].decode()
    new = f"/events/{site.events[-1].id}/"
    assert f'<meta http-equiv="refresh" content="0; url={new}">' in page
    assert f'<link rel="canonical" href="https://example.org{new}">' in page
    assert '<meta name="robots" content="noindex">' in page and f'<a href="{new}">' in page
    assert b"old-event" not in files["sitemap.xml"]
    assert files["_redirects"].decode().splitlines() == ["/events/gone/ / 301!", f"/events/old-event/ {new} 301!"]


def test_timeline_json_holds_key_events_escaped_with_credits(big):
    site, files = big
    data = json.loads(files["timeline.json"])
    assert len(data["events"]) == 10 == len([v for v in site.events if v.key])
    for e in data["events"]:
        assert set(e) <= {"start_date", "end_date", "text", "media", "group", "display_date", "background",
                          "autolink", "unique_id"}
        assert isinstance(e["start_date"]["year"], int) and set(e["start_date"]) <= {"year", "month", "day"}
        assert "<" not in e["text"]["headline"] + e["text"]["text"]
        assert "&lt;b&gt;happened&lt;/b&gt;" in e["text"]["headline"] and "&lt;img src=x&gt;" in e["text"]["text"]
        assert " — Source: Wire, " in e["text"]["text"]  # the credit: the outlet (or article) and its date
        assert "group" not in e  # one year: groups would not help
    config = dataclasses.replace(_config(key_events=3), timelinejs=TimelineJSSettings(events="all"))
    every = plan(config, *_corpus(30, background=0))
    assert len(json.loads(export_files(every, GENERATOR)["timeline.json"])["events"]) == 30


def test_base_url_from_the_host():
    assert hosted_base_url("/", {"URL": "https://example.netlify.app"}) == "https://example.netlify.app/"
    assert hosted_base_url("/t/", {"URL": "https://x.netlify.app/", "NETLIFY": "true"}) == "https://x.netlify.app/t/"
    assert hosted_base_url("/t/", {"URL": "https://x.netlify.app"}) == "/t/"  # not a Netlify build
    assert hosted_base_url("https://a.org/", {"URL": "https://x.netlify.app"}) == "https://a.org/"
    assert hosted_base_url("/", {}) == "/" and hosted_base_url("/", {"URL": "not a url"}) == "/"


def test_no_absolute_base_url_warns_once_and_leaves_out_what_needs_one(tmp_path):
    project = make_project(tmp_path, copy_seed_content=True)
    out = tmp_path / "out"
    result = build(project / "site.toml", output=out, use_cache=False, search_index=False)
    notes = [w for w in result.report.warnings if "absolute URLs" in w.message]
    assert len(notes) == 1 and "feed.xml, sitemap.xml, events.ics" in notes[0].message
    assert not any((out / f).exists() for f in ("feed.xml", "sitemap.xml", "events.ics"))
    html = (out / "index.html").read_text()
    assert "feed.xml" not in html and "events.ics" not in html and "Sitemap:" not in (out / "robots.txt").read_text()
    assert (out / "events.json").is_file() and (out / "timeline.json").is_file()
    again = build(project / "site.toml", output=out, search_index=False, skip_unchanged=True)
    assert again.up_to_date and [w.message for w in again.report.warnings] == [notes[0].message]


def test_netlify_style_build_writes_valid_absolute_exports(tmp_path):
    import feedparser
    import icalendar

    project = make_project(tmp_path, copy_seed_content=True)
    env = {"PATH": "/usr/bin:/bin", "URL": "https://example.netlify.app", "NETLIFY": "true", "HOME": str(tmp_path)}
    r = subprocess.run([sys.executable, "-m", "generator", "build", "--config", str(project / "site.toml")],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "absolute URLs" not in r.stderr
    out = project / "output"
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo and feed.version == "atom10"
    assert feed.feed.id == "https://example.netlify.app/" and feed.feed.links
    for entry in feed.entries:
        assert entry.id.startswith("https://example.netlify.app/events/") and entry.link == entry.id
    locs = re.findall(r"<loc>([^<]+)</loc>", (out / "sitemap.xml").read_text())
    assert locs and all(loc.startswith("https://example.netlify.app/") for loc in locs)
    cal = icalendar.Calendar.from_ical((out / "events.ics").read_bytes())
    spans = {}
    for ev in cal.walk("VEVENT"):
        assert str(ev["URL"]).startswith("https://example.netlify.app/events/")
        spans[str(ev["UID"]).split("@")[0]] = (ev.decoded("DTEND") - ev.decoded("DTSTART")).days
    events = {e["id"]: e for e in json.loads((out / "events.json").read_text())["events"]}
    for uid, days in spans.items():
        p, when = events[uid]["precision"], calendar.when(events[uid]["date"])
        assert days == (1 if p == "day" else (when.end - when.start).days + 1)
    assert any(events[u]["precision"] == "week" and d == 7 for u, d in spans.items())
    assert any(events[u]["precision"] == "month" and d in (28, 29, 30, 31) for u, d in spans.items())
    assert "Sitemap: https://example.netlify.app/sitemap.xml" in (out / "robots.txt").read_text()


IGNORE_CASES = [  # (cached commit, commit, touched file) -> build?
    ("", "HEAD", "content/articles/x.md", True),  # first deploy, or "clear cache and deploy"
    ("HEAD", "HEAD", "README.md", True),  # nothing cached to compare with
    ("HEAD~1", "HEAD", "README.md", False),  # only the README changed: skip
    ("HEAD~1", "HEAD", "content/articles/x.md", True),
]


@pytest.mark.parametrize("cached,commit,touched,builds", IGNORE_CASES)
def test_netlify_ignore_rule(tmp_path, cached, commit, touched, builds):
    import tomllib

    rule = tomllib.loads((ROOT / "netlify.toml").read_text())["build"]["ignore"]
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "content" / "articles").mkdir(parents=True)
    for rel in ("README.md", "content/articles/x.md"):
        (tmp_path / rel).write_text("one\n")
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "one"], cwd=tmp_path, check=True)
    (tmp_path / touched).write_text("two\n")
    subprocess.run([*git, "commit", "-qam", "two"], cwd=tmp_path, check=True)

    def sha(ref):
        return subprocess.run(["git", "rev-parse", ref], cwd=tmp_path, capture_output=True, text=True).stdout.strip()

    env = {"PATH": "/usr/bin:/bin", "CACHED_COMMIT_REF": sha(cached) if cached else "", "COMMIT_REF": sha(commit)}
    r = subprocess.run(["bash", "-c", rule], cwd=tmp_path, env=env)
    assert (r.returncode != 0) == builds  # Netlify: exit 0 = skip the build


def test_new_writes_a_draft_without_dates_that_is_never_published(tmp_path):
    project = make_project(tmp_path)
    r = subprocess.run([sys.executable, "-m", "generator", "new", "Spill reaches the coast", "--date", "2010-04-30",
                        "--config", str(project / "site.toml")], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    path = Path(r.stdout.strip())
    text = path.read_text()
    assert "draft: true" in text and PLACEHOLDER in text
    published = build(project / "site.toml", output=tmp_path / "out", use_cache=False, search_index=False)
    assert published.articles == 0 and not (tmp_path / "out" / "articles" / path.stem).exists()
    preview = build(project / "site.toml", output=tmp_path / "preview", use_cache=False, search_index=False,
                    drafts=True)
    assert preview.articles == 1 and preview.events == []  # the placeholder holds no date
    assert "draft" in (tmp_path / "preview" / "articles" / path.stem / "index.html").read_text()
    placeholder = [w for w in preview.report.warnings if "placeholder" in w.message]
    assert len(placeholder) == 1 and str(placeholder[0]).startswith(f"{path}:10: warning:")
    path.write_text(text.replace("draft: true", "draft: false"))
    published = build(project / "site.toml", output=tmp_path / "out", use_cache=False, search_index=False)
    assert [w for w in published.report.warnings if "placeholder" in w.message]


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|title)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)  # attributes (datetime, data-*) are not what readers see


def test_readers_see_dates_in_words(seed_site):
    _, out = seed_site
    for f in out.rglob("*.html"):
        text = _visible_text(f.read_text())
        assert not re.search(r"\b\d{4}-W\d\d\b|\b\d{4}-\d\d-\d\d\b", text), (f, re.findall(r".{30}\d{4}-W?\d\d.{30}",
                                                                                             text)[:3])
    article = next((out / "articles").glob("2018-09-12-*/index.html")).read_text()
    assert 'title="week of 17 September 2018"' in article


def test_month_pages_for_busy_years_only(seed_site):
    _, out = seed_site
    assert (out / "years" / "2018" / "index.html").is_file() and not (out / "years" / "2018" / "09").exists()
    html = (out / "years" / "2018" / "index.html").read_text()
    assert 'id="m-09"' in html and 'rel="prev"' in html and 'rel="next"' in html
