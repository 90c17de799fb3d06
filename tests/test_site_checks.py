"""The published site checked like a serious site (make browser-test):
Nu Html Checker, axe-core in chromium, keyboard navigation, Lighthouse,
screenshots at phone and desktop widths in light and dark, and hostile
article content that must not run in the browser."""

import json
import subprocess
import tomllib
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tests.support import ROOT, free_port, make_project, merge_result, seed_project
from tests.support import build_site as build
from tests.support.browser import NODE, axe_violations, lighthouse_scores, serving

pytestmark = pytest.mark.browser
VNU = NODE / "vnu-jar" / "build" / "dist" / "vnu.jar"
SHOTS = ROOT / "output-screenshots"
RESULTS = ROOT / "benchmarks" / "results"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The seed site built for http://127.0.0.1:PORT/ and served from there."""
    port = free_port()
    out = tmp_path_factory.mktemp("checked-site")
    build(ROOT / "site.toml", output=out, base_url=f"http://127.0.0.1:{port}/", use_cache=False)
    with serving(out, port) as base:
        yield out, base


def _page_urls(out: Path, base: str) -> dict[str, str]:
    event = sorted((out / "events").iterdir())[len(list((out / "events").iterdir())) // 2].name
    article = next(p.name for p in (out / "articles").iterdir() if p.name.startswith("2018-09-12"))
    return {
        "index": base, "event": f"{base}events/{event}/", "article": f"{base}articles/{article}/",
        "year": f"{base}years/2018/", "person": f"{base}people/vladimir-putin/", "place": f"{base}places/vladivostok/",
        "tag": f"{base}tags/russia/", "articles": f"{base}articles/", "years": f"{base}years/",
        "people": f"{base}people/", "tags": f"{base}tags/", "404": f"{base}404.html",
    }


def test_html_is_valid_on_every_page(site):
    out, _ = site
    assert VNU.exists(), "run `make browser-test` (npm install) first"
    r = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html", str(out)],
                       capture_output=True, text=True, timeout=600)
    messages = json.loads(r.stderr or r.stdout or '{"messages": []}')["messages"]
    errors = [m for m in messages if m.get("type") == "error"]
    assert errors == [], errors[:5]
    assert len(list(out.rglob("*.html"))) > 50


def test_no_accessibility_violations(site, browser):
    out, base = site
    page = browser.new_page()
    report = {}
    for name, url in _page_urls(out, base).items():
        page.goto(url)
        report[name] = axe_violations(page)
    page.close()
    assert all(v == [] for v in report.values()), report


def test_keyboard_navigation(site, browser):
    out, base = site
    page = browser.new_page()
    page.goto(base)
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, document.activeElement.getAttribute('href')]")
    assert focused == ["skip-link", "#main"]
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0  # visible when focused
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    # Tab order then follows the page: the first event link of the key events.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.closest('.event-title') !== null"):
            break
    else:
        pytest.fail("tabbing never reached an event")
    assert page.evaluate("() => document.activeElement.closest('main') !== null")
    landmarks = page.evaluate("() => ['header', 'nav', 'main', 'footer'].map(s => document.querySelectorAll(s).length)")
    assert all(n >= 1 for n in landmarks)
    assert page.evaluate("() => document.querySelectorAll('h1').length") == 1
    page.close()


def test_screenshots_phone_and_desktop_light_and_dark(site, browser):
    out, base = site
    urls = _page_urls(out, base)
    SHOTS.mkdir(exist_ok=True)
    for old in SHOTS.glob("*-light.png"):  # this test's own screenshots (others are left alone)
        old.unlink()
    for old in SHOTS.glob("*-dark.png"):
        old.unlink()
    for scheme in ("light", "dark"):
        for device, size in (("phone", {"width": 390, "height": 844}), ("desktop", {"width": 1280, "height": 900})):
            context = browser.new_context(viewport=size, color_scheme=scheme)
            page = context.new_page()
            for name in ("index", "event", "article"):
                page.goto(urls[name])
                path = SHOTS / f"{name}-{device}-{scheme}.png"
                page.screenshot(path=str(path), full_page=False)
                assert path.stat().st_size > 5000
                # Nothing sticks out sideways on a phone.
                assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
            context.close()
    assert len(list(SHOTS.glob("*-light.png")) + list(SHOTS.glob("*-dark.png"))) == 12


HOSTILE = """---
title: "<script>alert('title')</script><img src=x onerror=alert(1)>"
date: 2018-09-12
tags: ["<svg onload=alert(2)>"]
---
Putin met <script>alert(3)</script> Xi on Tuesday <img src=x onerror="window.__xss=1">.

[click me](javascript:window.__xss=2) and <a href="javascript:alert(4)">raw link</a>.

Leaders signed a deal on Monday, said "<iframe src=javascript:alert(5)>".
"""


def test_hostile_article_runs_nothing_in_the_browser(browser, tmp_path):
    project = make_project(tmp_path, {"evil.md": HOSTILE})
    out = tmp_path / "out"
    build(project / "site.toml", output=out, use_cache=False)
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    events = sorted((out / "events").glob("*/index.html"))
    for f in [out / "index.html", out / "articles" / "evil" / "index.html", *events]:
        page.goto(f.as_uri())
        page.wait_for_timeout(100)
        links = page.locator("a").all()
        for link in links:
            href = link.get_attribute("href") or ""
            assert not href.lower().startswith("javascript:")
        assert page.evaluate("() => window.__xss === undefined")
    page.goto((out / "articles" / "evil" / "index.html").as_uri())
    page.get_by_text("click me").click()
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__xss === undefined")
    assert dialogs == []
    page.close()


def test_lighthouse_scores(site):
    out, base = site
    urls = _page_urls(out, base)
    scores = {}
    for name in ("index", "event", "article"):
        scores[name] = lighthouse_scores(urls[name], out.parent / f"lighthouse-{name}.json")
    merge_result(RESULTS / "lighthouse.json", "pages", scores)
    merge_result(RESULTS / "lighthouse.json", "how", "tests/test_site_checks.py and tests/test_readers_browser.py: "
                 "npm lighthouse 13.5.0 with Debian chromium, sites served on 127.0.0.1")
    for name, s in scores.items():
        assert all(v >= 95 for v in s.values()), (name, s)


def test_filter_on_the_index_and_javascript_off(site, browser):
    out, base = site
    page = browser.new_page()
    page.goto(base)
    total = page.locator("[data-filterable] li.event").count()
    page.select_option("select[data-filter=person]", "Xi Jinping")
    visible = page.locator("[data-filterable] li.event:visible")
    n = visible.count()
    assert 0 < n < total
    for i in range(n):
        assert "Xi Jinping" in visible.nth(i).get_attribute("data-entities")
    assert f"{n} of {total} events" in page.locator(".filter-count").inner_text()
    page.select_option("select[data-filter=person]", "")
    page.select_option("select[data-filter=year]", "2024")
    assert all(page.locator("[data-filterable] li.event:visible").nth(i).get_attribute("data-year") == "2024"
               for i in range(page.locator("[data-filterable] li.event:visible").count()))
    page.close()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base)
    assert page.locator("#event-filter").is_hidden()
    assert page.locator("[data-filterable] li.event:visible").count() == total
    context.close()


def test_search_finds_articles_that_link_their_events(site, browser):
    out, base = site
    assert (out / "pagefind" / "pagefind-ui.js").exists()
    page = browser.new_page()
    page.goto(base + "search/")

    def results(query):
        page.fill(".pagefind-ui__search-input", query)
        page.wait_for_function(f"() => [...document.querySelectorAll('.pagefind-ui__result-link')]"
                               f".length > 0 && document.querySelector('.pagefind-ui__message')"
                               f" && document.querySelector('.pagefind-ui__message').textContent.includes('{query}')",
                               timeout=15000)
        return [a.get_attribute("href") for a in page.locator(".pagefind-ui__result-link").all()]

    hits = results("Lavrov")
    assert hits and all("/articles/" in h for h in hits)  # articles only: event pages quote them
    assert any("/articles/" in h for h in results("Ulaanbataar"))  # a sub-heading only in an article
    page.goto(urljoin(page.url, hits[0].split("#")[0]))  # and the article links the events it reports
    assert page.locator("a[href*='/events/']").count() > 0
    page.close()


def test_search_merges_every_bundle_of_a_bundled_index_under_the_csp(browser, tmp_path):
    """A site whose index is in bundles (generator/search.py; [site]
    search_bundle lowered so the five seed articles make four): the search
    page finds words of articles in the other bundles, served with
    netlify.toml's Content-Security-Policy, which nothing on the page breaks."""
    from generator import search

    port = free_port()
    project = seed_project(tmp_path / "p", base_url=f"http://127.0.0.1:{port}/")
    toml = project / "site.toml"
    toml.write_text(toml.read_text().replace("key_events = 8", "key_events = 8\nsearch_bundle = 2"))
    out = tmp_path / "out"
    build(toml, output=out, use_cache=False)
    assert (out / "pagefind" / "parts" / "3" / "pagefind-entry.json").exists()
    pages = sorted(p.relative_to(out).as_posix() for p in (out / "articles").rglob("*.html"))
    bundle = {p.split("/")[1][:10]: search.bundle_of(p, 4) for p in pages if p != search.LISTING}
    assert bundle["2024-09-20"] == 1 and bundle["2019-05-16"] == 3  # other bundles than the first
    csp = {h["for"]: h["values"] for h in tomllib.loads((ROOT / "netlify.toml").read_text())["headers"]}["/*"]
    with serving(out, port, {"Content-Security-Policy": csp["Content-Security-Policy"]}) as base:
        page = browser.new_page()
        refused, fetched = [], []
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("request", lambda r: fetched.append(r.url))
        page.goto(base + "search/")

        def results(query):
            page.fill(".pagefind-ui__search-input", query)
            page.wait_for_function(f"() => [...document.querySelectorAll('.pagefind-ui__result-link')]"
                                   f".length > 0 && document.querySelector('.pagefind-ui__message')"
                                   f" && document.querySelector('.pagefind-ui__message')"
                                   f".textContent.includes('{query}')", timeout=15000)
            return [a.get_attribute("href") for a in page.locator(".pagefind-ui__result-link").all()]

        assert any("/articles/2024-09-20-" in h for h in results("Ulaanbataar"))  # bundle 1
        assert any("/articles/2019-05-16-" in h for h in results("Lavrov"))  # bundle 3
        assert all("/articles/" in h for h in results("Putin"))
        assert any("/pagefind/parts/3/" in u for u in fetched)
        assert refused == []
        page.close()
