"""The built seed site: events.json, links and anchors, marked articles, escaping, sub-paths."""

import json
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.support import ROOT, make_project
from tests.support import build_site as build


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for key in ("href", "src"):
            if a.get(key):
                self.links.append(a[key])


def crawl(out: Path, base: str = "/") -> list[str]:
    """Every internal link and #anchor in every HTML page must resolve to a file/id."""
    pages = {}
    for f in out.rglob("*.html"):
        p = _Links()
        p.feed(f.read_text(encoding="utf-8"))
        pages[f] = p
    broken = []
    for f, p in pages.items():
        for link in p.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue
            path = unquote(parts.path)
            if not path:
                target = f
            else:
                assert path.startswith(base), f"{f}: link {link} is outside the base path {base}"
                target = out / path[len(base):]
                if path.endswith("/"):
                    target = target / "index.html"
            if not target.exists():
                broken.append(f"{f.relative_to(out)} -> {link}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else set()
                if parts.fragment not in ids:
                    broken.append(f"{f.relative_to(out)} -> {link} (no such anchor)")
    return broken


@pytest.fixture(scope="module")
def published_site(tmp_path_factory):
    """The seed site as published: with an absolute base URL, so with the feed, sitemap and calendar."""
    out = tmp_path_factory.mktemp("published")
    return build(ROOT / "site.toml", output=out, base_url="https://example.org/", use_cache=False,
                 search_index=False), out


def test_events_json_schema(seed_site):
    _, out = seed_site
    data = json.loads((out / "events.json").read_text())
    assert data["generator"].startswith("timeline-generator")
    assert len(data["events"]) >= 20
    ids = set()
    for e in data["events"]:
        assert set(e) >= {"id", "date", "precision", "title", "summary", "url", "salience", "entities", "sources"}
        assert re.fullmatch(r"[a-z0-9-]+", e["id"]) and e["id"] not in ids
        ids.add(e["id"])
        assert e["precision"] in {"day", "week", "month", "quarter", "year", "decade", "century"}
        assert isinstance(e["salience"], (int, float)) and isinstance(e["entities"], list)
        assert e["sources"]
        assert len({s["article"] for s in e["sources"]}) == len(e["sources"])  # sources are articles
        for s in e["sources"]:
            assert set(s) == {"article", "article_title", "url", "quotes"} and s["quotes"]
            for q in s["quotes"]:
                assert set(q) == {"sentence", "expression", "value", "url"}
                assert q["expression"] in q["sentence"] or q["expression"].replace("\u00a0", " ") in q["sentence"]


def test_every_url_in_events_json_resolves(seed_site):
    _, out = seed_site
    data = json.loads((out / "events.json").read_text())
    for e in data["events"]:
        assert (out / e["url"].lstrip("/") / "index.html").is_file()
        for q in [q for s in e["sources"] for q in s["quotes"]]:
            path, _, anchor = q["url"].partition("#")
            page = (out / path.lstrip("/") / "index.html").read_text()
            assert f'id="{anchor}"' in page


def test_no_broken_internal_links_or_anchors(seed_site):
    _, out = seed_site
    assert crawl(out) == []


def test_page_inventory(seed_site):
    result, out = seed_site
    for rel in ["index.html", "404.html", "events.json", "timeline.json", "robots.txt",
                "years/2018/index.html", "years/1987/index.html", "people/vladimir-putin/index.html",
                "places/vladivostok/index.html",
                "tags/russia/index.html", "articles/index.html"]:
        assert (out / rel).is_file(), rel
    assert len(list((out / "articles").glob("*/index.html"))) == 5
    assert len(list((out / "events").glob("*/index.html"))) == len(result.events)


def test_article_pages_mark_dated_expressions(seed_site):
    _, out = seed_site
    page = (out / "articles/2018-09-12-putin-seeks-to-expand-russian-influence-in-asia-pacific/index.html").read_text()
    assert re.search(r'<a class="timex timex-event" href="/events/2018-09-11-[^"]+/"><time class="timex" '
                     r'datetime="2018-09-11" title="11 September 2018">Tuesday</time></a>\.', page)
    assert re.search(r'datetime="2018-W38"[^>]*>next week</time></a>’s', page)


def test_feed_and_sitemap_are_well_formed(published_site):
    import xml.etree.ElementTree as ET

    _, out = published_site
    feed = ET.parse(out / "feed.xml").getroot()
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) >= 20
    urls = ET.parse(out / "sitemap.xml").getroot().findall("{http://www.sitemaps.org/schemas/sitemap/0.9}url")
    assert len(urls) > 50


def test_index_shows_the_first_months_in_full(seed_site):
    _, out = seed_site
    html = (out / "index.html").read_text()
    latest = html[html.index('id="latest-h"'):html.index('id="periods-h"')]
    assert ">How it began<" in latest  # order = "oldest" in site.toml: the story's first months
    assert latest.index('id="p-2018-05"') < latest.index('id="p-2018-09"')
    assert 'href="/years/2018/#m-09">September 2018</a>' in latest


def test_sub_path_build_has_no_broken_links(tmp_path):
    out = tmp_path / "out"
    build(ROOT / "site.toml", output=out, base_url="https://example.org/timeline/", use_cache=False)
    html = (out / "index.html").read_text()
    assert 'href="/timeline/events/' in html and 'href="/events/' not in html
    assert crawl(out, base="/timeline/") == []
    assert "https://example.org/timeline/events/" in (out / "sitemap.xml").read_text()


HOSTILE = """---
title: "<script>alert('title')</script> & <b>bold</b>"
date: 2018-09-12
tags: ["<img src=x onerror=alert(1)>"]
---
Putin met <script>alert(1)</script> Xi on Tuesday at the <b>summit</b>.

[click](javascript:alert(2)) and <a href="javascript:alert(3)">raw</a> <img src=x onerror=alert(4)>

Leaders signed a deal on Monday, said "<i>quoted</i>".
"""


def test_html_in_articles_is_escaped_everywhere(tmp_path):
    project = make_project(tmp_path, {"evil.md": HOSTILE})
    out = tmp_path / "out"
    build(project / "site.toml", output=out, use_cache=False)
    for f in out.rglob("*"):
        if f.suffix not in (".html", ".xml", ".json"):
            continue
        text = f.read_text()
        assert "<script>alert" not in text, f
        assert "<img src=x" not in text and "<b>" not in text and "<i>quoted" not in text, f
        assert not re.search(r"<a\s[^>]*href=\"javascript:", text), f
    article = (out / "articles/evil/index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article
    assert 'data-unsafe-link="removed"' in article  # [click](javascript:...) neutralised


def test_front_page_shows_key_events_first(seed_site):
    result, out = seed_site
    html = (out / "index.html").read_text()
    key = html[html.index('id="key-events-h"'):html.index('id="overview-h"')]
    assert key.count('class="event ') == 8  # key_events = 8 in site.toml
    cutoff = date(2018, 6, 3) - timedelta(days=30)  # the first article, less a month: before it is background
    top = sorted((e for e in result.events if e.when.end >= cutoff), key=lambda e: -e.salience)[:3]
    for e in top:
        assert f'href="/events/{e.id}/"' in key
    assert key.count("key event</strong>") == 8


def test_timeline_json_is_timelinejs_format(seed_site):
    """TimelineJS's documented JSON format: events[] with start_date {year
    (required), month, day}, text {headline, text}, optional end_date,
    display_date, group, unique_id; the key events by default."""
    result, out = seed_site
    data = json.loads((out / "timeline.json").read_text())
    assert data["title"]["text"]["headline"]
    ids = set()
    for e in data["events"]:
        assert {"start_date", "text", "unique_id"} <= set(e) <= {"start_date", "end_date", "text", "media", "group",
                                                                "display_date", "background", "autolink", "unique_id"}
        for field in ("start_date", "end_date"):
            if field in e:
                assert set(e[field]) <= {"year", "month", "day"} and isinstance(e[field]["year"], int)
                assert all(isinstance(v, int) for v in e[field].values())
                assert "day" not in e[field] or "month" in e[field]
        assert e["text"]["headline"] and isinstance(e["text"]["text"], str)
        assert e["unique_id"] not in ids
        ids.add(e["unique_id"])
    assert len(data["events"]) == 8  # key_events = 8
    years = {e["start_date"]["year"] for e in data["events"]}
    assert all(e.get("group") == str(e["start_date"]["year"]) for e in data["events"]) == (2 <= len(years) <= 4)
    vlad = next(e for e in data["events"] if e["start_date"] == {"year": 2018, "month": 9, "day": 11})
    assert "Xi" in vlad["text"]["headline"] and "Sources: " in vlad["text"]["text"]


def test_events_ics_parses_as_icalendar(published_site):
    import icalendar

    result, out = published_site
    raw = (out / "events.ics").read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and all(len(line) <= 75 for line in raw.split(b"\r\n"))
    cal = icalendar.Calendar.from_ical(raw)
    events = cal.walk("VEVENT")
    dated = [e for e in result.events if e.precision in ("day", "week", "month")]
    assert len(events) == len(dated) > 10
    by_uid = {str(e["UID"]).split("@")[0]: e for e in events}
    vlad = next(e for e in result.events if e.date == "2018-09-11")
    ev = by_uid[vlad.id]
    assert ev.decoded("DTSTART").isoformat() == "2018-09-11" and ev.decoded("DTEND").isoformat() == "2018-09-12"
    assert str(ev["SUMMARY"]) == vlad.title
    week = next(e for e in result.events if e.date == "2018-W38")
    assert by_uid[week.id].decoded("DTSTART").isoformat() == "2018-09-17"


def test_footer_links_the_exports(published_site):
    _, out = published_site
    html = (out / "index.html").read_text()
    for name in ("events.json", "timeline.json", "events.ics", "feed.xml"):
        assert f'href="/{name}"' in html


def test_json_exports_are_what_one_encoder_call_writes(seed_site):
    """The exports are encoded member by member (so a big site's encoding
    never holds the interpreter for seconds while the preview waits to
    draft a save); the bytes are those of one compact json.dumps call."""
    _, out = seed_site
    for name in ("events.json", "timeline.json"):
        written = (out / name).read_bytes()
        once = json.dumps(json.loads(written), ensure_ascii=False, separators=(",", ":"))
        once = once.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"
        assert written == once.encode("utf-8"), name
        assert written.count(b"{") > 20  # nested members, encoded one by one
