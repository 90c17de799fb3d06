"""A big timeline in a real browser (issue 16): the BP oil spill topic of
Timeline17 (1,460 articles) built and served, and the seed site. The chart's
links, month pages, deep links that land highlighted below the sticky bar
(390 and 1280 px), the filter restored from a URL, the site without
JavaScript, output/index.html opened from disk, timeline.json in the real
TimelineJS, axe-core and Lighthouse on the BP front page and a month page,
and screenshots (output-screenshots/bp-*.png)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest

from benchmarks.tls import convert
from tests.support import ROOT, free_port, make_project, merge_result, shared_dir
from tests.support import build_site as build
from tests.support.browser import NODE, axe_violations, lighthouse_scores, serving

pytestmark = pytest.mark.browser
SHOTS = ROOT / "output-screenshots"
TIMELINEJS = NODE / "@knight-lab" / "timelinejs" / "dist"
VNU = NODE / "vnu-jar" / "build" / "dist" / "vnu.jar"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def bp(tmp_path_factory):
    """The BP oil spill topic converted (as benchmarks/tls.py does), built and served."""
    work = tmp_path_factory.mktemp("bpoil")
    data = shared_dir() / "data" / "timeline17"
    convert(sorted(p for p in data.iterdir() if p.name.startswith("bpoil_")), work / "bpoil")
    port = free_port()
    out = work / "out"
    build(work / "bpoil" / "site.toml", output=out, base_url=f"http://127.0.0.1:{port}/", search_index=False)
    with serving(out, port) as base:
        yield out, base


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    port = free_port()
    out = tmp_path_factory.mktemp("seed-readers")
    build(ROOT / "site.toml", output=out, base_url=f"http://127.0.0.1:{port}/", use_cache=False, search_index=False)
    with serving(out, port) as base:
        yield out, base


def _busiest_month(out: Path) -> str:
    """The month page (URL path) with the most events."""
    months = [p for p in out.glob("years/*/[0-9][0-9]/index.html")]
    assert months, "a year this busy has month pages"
    best = max(months, key=lambda p: int(re.search(r"<p>(\d+) event", p.read_text()).group(1)))
    return "/" + best.parent.relative_to(out).as_posix() + "/"


def test_chart_bars_open_their_periods(bp, browser):
    out, base = bp
    page = browser.new_page(viewport=DESKTOP)
    page.goto(base)
    bars = page.locator("svg.chart-svg a.bar-link")
    assert bars.count() >= 6  # March 2010 to early 2011, by month
    for i in range(bars.count()):
        href = bars.nth(i).get_attribute("href")
        assert page.request.get(base.rstrip("/") + href).status == 200, href
    labels = page.evaluate("() => [...document.querySelectorAll('svg.chart-svg a.bar-link title')]"
                           ".map(t => t.textContent)")
    busiest = max(range(len(labels)), key=lambda i: int(re.search(r": (\d+) event", labels[i]).group(1)))
    bars.nth(busiest).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == labels[busiest].split(":")[0]
    assert page.locator("li.event").count() > 0
    page.close()


def test_month_pages(bp, browser):
    out, base = bp
    month = _busiest_month(out)
    page = browser.new_page(viewport=DESKTOP)
    page.goto(base.rstrip("/") + month)
    assert page.locator(".kind").inner_text().startswith("Month")
    assert page.locator("li.event").count() <= 100
    assert page.locator("nav.pager a").count() >= 2  # a busy month is paged
    assert page.locator("a[rel=prev]").count() == 1 and page.locator("a[rel=next]").count() == 1
    labels = page.locator("section.group .group-label").all_inner_texts()
    assert len(labels) >= 2 and any(re.fullmatch(r"\d+ \w+ 2010", t.strip(), re.I) for t in labels), labels
    page.locator("nav.pager a").nth(1).click()
    page.wait_for_load_state()
    assert "/page/2/" in page.url and page.locator("li.event").count() > 0
    page.close()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_deep_links_land_below_the_sticky_bar_highlighted(bp, seed, browser, size):
    out, base = bp
    context = browser.new_context(viewport=size)
    page = context.new_page()
    events = json.loads((out / "events.json").read_text())["events"]
    event = events[len(events) // 2]
    page.goto(base.rstrip("/") + event["url"])
    back = page.locator("a", has_text=re.compile(r"^Back to "))
    back.click()
    page.wait_for_load_state()
    state = page.evaluate("""(id) => {
        const el = document.getElementById(id), bar = document.querySelector('.jump-nav');
        const r = el.getBoundingClientRect(), b = bar.getBoundingClientRect();
        return {target: el.matches(':target'), top: r.top, bar: b.bottom, barHeight: b.height, vh: innerHeight,
                shadow: getComputedStyle(el).boxShadow,
                other: getComputedStyle(document.querySelector('li.event:not(:target)')).boxShadow}; }""",
                          "e-" + event["id"])
    assert state["target"] and state["bar"] <= state["top"] < state["vh"], state
    assert state["shadow"] != state["other"], state  # highlighted
    assert state["barHeight"] < 60, state  # one line, on a phone too
    # Jumping to a month on a year page (the seed site) lands below the bar as well.
    seed_out, seed_base = seed
    page.goto(seed_base + "years/2018/#m-09")
    top, bar = page.evaluate("""() => [document.getElementById('m-09').getBoundingClientRect().top,
                                       document.querySelector('.jump-nav').getBoundingClientRect().bottom]""")
    assert top >= bar - 1
    # The front page's bar is one scrollable line on a phone, not a block of years.
    page.goto(base)
    bar_height, scrolls = page.evaluate("""() => { const n = document.querySelector('.jump-nav ul');
        return [n.getBoundingClientRect().height, getComputedStyle(n).overflowX]; }""")
    assert bar_height < 60 and scrolls == "auto"
    context.close()


def test_filter_state_lives_in_the_url(seed, browser):
    out, base = seed
    page = browser.new_page()
    page.goto(base + "?person=" + quote("Vladimir Putin"))
    assert page.locator("select[data-filter=person]").input_value() == "Vladimir Putin"
    visible = page.locator("[data-filterable] li.event:visible")
    n = visible.count()
    assert 0 < n < page.locator("[data-filterable] li.event").count()
    for i in range(n):
        assert "Vladimir Putin" in visible.nth(i).get_attribute("data-entities")
    page.select_option("select[data-filter=year]", "2018")
    assert "person=Vladimir+Putin" in page.url and "year=2018" in page.url
    shared = page.url
    page.goto(base)
    page.goto(shared)  # a shared link restores both
    assert page.locator("select[data-filter=year]").input_value() == "2018"
    assert all(page.locator("[data-filterable] li.event:visible").nth(i).get_attribute("data-year") == "2018"
               for i in range(page.locator("[data-filterable] li.event:visible").count()))
    page.close()


def test_site_works_without_javascript(bp, browser):
    out, base = bp
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base)
    assert page.locator("#event-filter").is_hidden()
    assert page.locator("svg.chart-svg a.bar-link").count() > 0 and page.locator("#key-events li.event").count() == 10
    href = page.locator("svg.chart-svg a.bar-link").first.get_attribute("href")
    page.goto(base.rstrip("/") + href)
    assert page.locator("li.event:visible").count() > 0
    context.close()


def test_output_opened_from_disk_says_how_to_see_the_site(seed, browser, tmp_path):
    project = make_project(tmp_path, copy_seed_content=True)
    build(project / "site.toml", output=tmp_path / "output", use_cache=False, search_index=False)
    page = browser.new_page()
    page.goto((tmp_path / "output" / "index.html").as_uri())
    note = page.locator(".file-note")
    assert note.is_visible() and "make serve" in note.inner_text() and "http://127.0.0.1:5500/" in note.inner_text()
    _, base = seed
    page.goto(base)  # served: the stylesheet loads and hides the note
    assert page.locator(".file-note").is_hidden()
    page.close()


TIMELINE_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>TimelineJS</title>
<link rel="stylesheet" href="timeline.css"><script src="timeline.js"></script></head>
<body><div id="embed" style="width: 1000px; height: 650px"></div>
<script>fetch("timeline.json").then(r => r.json()).then(d => { window.tl = new TL.Timeline("embed", d); });</script>
</body></html>"""

HOSTILE = """---
title: "<img src=x onerror=window.__xss=1>"
date: 2010-05-12
---
BP engineers met <script>window.__xss=2</script> on Tuesday <img src=x onerror="window.__xss=3">.

Officials wrote &lt;img src=y onerror=window.__xss=4&gt; on Monday in a statement.
"""


def _timelinejs(browser, folder: Path, timeline: Path):
    for name in ("js/timeline.js", "css/timeline.css"):
        shutil.copy(TIMELINEJS / name, folder / Path(name).name)
    shutil.copy(timeline, folder / "timeline.json")
    (folder / "index.html").write_text(TIMELINE_PAGE)
    return folder


@pytest.mark.parametrize("which", ["seed", "bp", "hostile"])
def test_timeline_json_in_the_real_timelinejs(seed, bp, browser, tmp_path, which):
    assert (TIMELINEJS / "js" / "timeline.js").exists(), "run `make browser-test` (npm install) first"
    if which == "hostile":
        project = make_project(tmp_path / "p", {"evil.md": HOSTILE})
        build(project / "site.toml", output=tmp_path / "out", use_cache=False, search_index=False)
        timeline = tmp_path / "out" / "timeline.json"
    else:
        timeline = (seed if which == "seed" else bp)[0] / "timeline.json"
    events = json.loads(timeline.read_text())["events"]
    folder = _timelinejs(browser, tmp_path, timeline)
    port = free_port()
    page = browser.new_page(viewport=DESKTOP)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with serving(folder, port) as base:
        page.goto(base)
        page.wait_for_selector(".tl-slide", state="attached", timeout=20000)
        page.wait_for_timeout(500)
        assert page.locator(".tl-slide").count() == len(events) + 1  # the title slide and one per event
        first = page.evaluate("() => window.tl.current_id")
        page.locator(".tl-slidenav-next").first.click()
        page.wait_for_timeout(800)
        second = page.evaluate("() => window.tl.current_id")
        assert second != first and second == events[0]["unique_id"]
        page.locator(".tl-slidenav-next").first.click()
        page.wait_for_timeout(800)
        page.locator(".tl-slidenav-previous").first.click()
        page.wait_for_timeout(800)
        assert page.evaluate("() => window.tl.current_id") == second
        nav = page.evaluate("() => document.querySelector('.tl-timenav').getBoundingClientRect().height")
        assert nav < 325  # the navigation strip leaves room for the slides
        text = page.locator("#embed").inner_text()
        assert "Source" in text  # the credits show
        if which == "hostile":
            assert page.evaluate("() => window.__xss") is None and dialogs == []
            assert page.locator("#embed img").count() == 0 and page.locator("#embed script").count() == 0
            assert "<img src=y onerror=window.__xss=4>" in text  # literal in the Markdown, literal on the slide
    page.close()


def test_bp_pages_pass_axe_lighthouse_and_the_html_checker(bp, browser):
    out, base = bp
    month = _busiest_month(out)
    urls = {"bp_front_page": base, "bp_month_page": base.rstrip("/") + month}
    page = browser.new_page()
    violations = {}
    for name, url in urls.items():
        page.goto(url)
        violations[name] = axe_violations(page)
    page.close()
    assert all(v == [] for v in violations.values()), violations
    files = [str(out / "index.html"), str(out / month.strip("/") / "index.html")]
    r = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                       capture_output=True, text=True, timeout=300)
    errors = [m for m in json.loads(r.stderr or r.stdout or '{"messages": []}')["messages"] if m.get("type") == "error"]
    assert errors == [], errors[:5]
    scores = {name: lighthouse_scores(url, out.parent / f"lighthouse-{name}.json") for name, url in urls.items()}
    merge_result(ROOT / "benchmarks" / "results" / "lighthouse.json", "bpoil", {
        **scores, "month_page": month, "axe_violations": violations})
    for name, s in scores.items():
        assert all(v >= 95 for v in s.values()), (name, s)


def test_bp_screenshots(bp, browser):
    """The BP front page, its busiest month and an event reached by a deep link, phone and desktop."""
    out, base = bp
    SHOTS.mkdir(exist_ok=True)
    month = _busiest_month(out)
    events = json.loads((out / "events.json").read_text())["events"]
    key = next(e for e in events if e["date"].startswith(month.strip("/").split("/", 1)[1].replace("/", "-")))
    for device, size in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(viewport=size)
        page = context.new_page()
        page.goto(base)
        page.screenshot(path=str(SHOTS / f"bp-front-{device}.png"))
        page.goto(base.rstrip("/") + month)
        page.screenshot(path=str(SHOTS / f"bp-month-{device}.png"))
        page.goto(base.rstrip("/") + key["url"])
        page.screenshot(path=str(SHOTS / f"bp-event-{device}.png"))
        page.locator("a", has_text=re.compile(r"^Back to ")).click()
        page.wait_for_load_state()
        page.screenshot(path=str(SHOTS / f"bp-deep-link-{device}.png"))
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        context.close()
    for name in ("front", "month", "event", "deep-link"):
        for device in ("phone", "desktop"):
            assert (SHOTS / f"bp-{name}-{device}.png").stat().st_size > 5000


def test_no_gap_before_punctuation_after_a_marked_date(seed, browser):
    """'on Tuesday.': the full stop sits right after the marked date (no padding pushes it away)."""
    out, base = seed
    page = browser.new_page()
    article = next((out / "articles").glob("2018-09-12-*")).name
    page.goto(f"{base}articles/{article}/")
    gap = page.evaluate("""() => {
        const a = [...document.querySelectorAll('a.timex-event')].find(a => a.nextSibling
            && a.nextSibling.textContent.startsWith('.'));
        const range = document.createRange();
        range.setStart(a.nextSibling, 0); range.setEnd(a.nextSibling, 1);
        return range.getBoundingClientRect().left - a.querySelector('time').getBoundingClientRect().right; }""")
    assert abs(gap) < 0.5, gap
    page.close()
