"""The site's typed views and URLs, built from hand-made events."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.config import SiteConfig, SiteSettings
from generator.corpus.entities import EntityIndex
from generator.model import Analysis, Article, EntityRef, Event, Quote, Source
from generator.resources import language_resources
from generator.site import plan
from generator.site.dates import display_date, html_datetime
from generator.site.pages import group_by_year_month
from generator.site.urls import Urls
from generator.temporal import calendar

RES = language_resources()


def config(base_url: str = "/timeline/") -> SiteConfig:
    return SiteConfig(Path("site.toml"), Path("."), Path("content"), Path("output"), Path("templates"),
                      site=SiteSettings(base_url=base_url, order="oldest", key_events=1))


def event(value: str, title: str, article: str, names: tuple[str, ...] = (), salience: float = 1.0) -> Event:
    source = Source(article, article.title(), (Quote(title + ".", "then", value, 0, "s0"),))
    return Event(id=f"{value}-{title.lower().replace(' ', '-')}", when=calendar.when(value), title=title,
                 summary=title + ".", salience=salience, entities=names, sources=(source,))


def test_dates_as_readers_read_them():
    assert display_date(calendar.when("2018-09-11")) == "11 September 2018"
    assert display_date(calendar.when("2018-W37")) == "week of 10 September 2018"
    assert display_date(calendar.when("199")) == "the 1990s"
    assert html_datetime(calendar.when("2018-W37")) == "2018-W37"
    assert html_datetime(calendar.when("199")) is None


def test_urls_live_under_the_base_path():
    urls = Urls(config("https://example.org/timeline/"))
    assert urls.event("x") == "/timeline/events/x/" and urls.file_for(urls.event("x")) == "events/x/index.html"
    assert urls.absolute(urls.feed()) == "https://example.org/timeline/feed.xml"
    assert [link.url for link in urls.nav()][:2] == ["/timeline/", "/timeline/years/"]


def test_plan_builds_linked_views():
    events = [event("2018-09-11", "Putin met Xi", "a", ("Vladimir Putin",), 3.0),
              event("2018-09", "War games began", "a", ("Vladimir Putin",)),
              event("199", "The Soviet Union fell", "b")]
    events.sort(key=lambda e: e.when.sort_key())
    analyses = [Analysis(Article(s, Path(s + ".md"), s.title(), date(2018, 9, 12), "", "", ("Russia",), False, ""),
                         "<p>x</p>", "x", [0, 1], [0], ((0, 1),), (), ()) for s in ("a", "b")]
    index = EntityIndex.build([EntityRef("Vladimir Putin", "person")], RES.gazetteer)
    site = plan(config(), analyses, events, index)
    by_title = {v.title: v for v in site.events}
    xi = by_title["Putin met Xi"]
    assert xi.url == f"/timeline/events/{xi.id}/" and xi.year == 2018 and xi.month == 9
    assert [e.name for e in xi.entities] == ["Vladimir Putin"]
    assert xi.entities[0].url == "/timeline/people/vladimir-putin/"
    assert xi.previous.title == "War games began" and xi.next is None
    assert [r.title for r in xi.related] == ["War games began"]
    assert by_title["The Soviet Union fell"].year is None
    assert [y.year for y in site.years] == [2018]
    assert [t.name for t in site.tags] == ["Russia"]
    index_page = next(p for p in site.pages if p.template == "index.html")
    assert [v.title for v in index_page.context["key_events"]] == ["Putin met Xi"]
    groups = group_by_year_month(site.events, newest_first=False)
    assert [g.label for g in groups] == ["the 1990s", "2018"]
    assert [m.label for m in groups[1].months] == ["September"]
