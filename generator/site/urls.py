"""Every URL of the site is made here, and only here.

Every page is a directory with an index.html ("pretty" URLs), every link is
an absolute path under the site's base path (so /timeline/ sub-path hosting
works and the 404 page's links work from any depth), and feeds, the sitemap
and the calendar use full URLs (they are written only when base_url has a
host: `absolute_ok`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from ..config import SiteConfig

KIND_FOLDERS = {"person": "people", "place": "places", "organisation": "organisations"}
KIND_LABELS = {"person": "People", "place": "Places", "organisation": "Organisations"}


@dataclass(frozen=True)
class Link:
    label: str
    url: str


class Urls:
    def __init__(self, config: SiteConfig):
        self.base = config.base_path
        self.site_url = config.site_url

    def path(self, rel: str) -> str:
        """Interned: an event's URL is made for its view, its brief, its page
        and every dated expression that links to it, and one string then
        serves them all (10,000 articles: some 20 MB of copies held by the
        plan through rendering, in the render worker too)."""
        return sys.intern(self.base + rel.lstrip("/"))

    @property
    def absolute_ok(self) -> bool:
        """Can this build make absolute URLs (the exports that need them)?"""
        return bool(self.site_url)

    def absolute(self, url_path: str) -> str:
        return self.site_url + url_path if self.site_url else url_path

    def file_for(self, url: str) -> str:
        """The file in the output folder that serves this URL."""
        rel = url[len(self.base):]
        return rel + "index.html" if (rel == "" or rel.endswith("/")) else rel

    # pages of one thing
    def index(self) -> str:
        return self.path("")

    def event(self, event_id: str) -> str:
        return self.path(f"events/{event_id}/")

    def article(self, slug: str) -> str:
        return self.path(f"articles/{slug}/")

    def year(self, year: int | str) -> str:
        return self.path(f"years/{year}/")

    def month(self, year: int, month: int) -> str:
        return self.path(f"years/{year}/{month:02d}/")

    def era(self, slug: str) -> str:
        """A decade or century ("the 1990s"): listed beside the years."""
        return self.path(f"years/{slug}/")

    def paged(self, url: str, number: int) -> str:
        """Page `number` of a long list whose first page is `url`."""
        return url if number <= 1 else f"{url}page/{number}/"

    def entity(self, kind: str, slug: str) -> str:
        return self.path(f"{KIND_FOLDERS[kind]}/{slug}/")

    def tag(self, slug: str) -> str:
        return self.path(f"tags/{slug}/")

    # listings
    def years(self) -> str:
        return self.path("years/")

    def kind_index(self, kind: str) -> str:
        return self.path(f"{KIND_FOLDERS[kind]}/")

    def tags(self) -> str:
        return self.path("tags/")

    def articles(self) -> str:
        return self.path("articles/")

    def search(self) -> str:
        return self.path("search/")

    def pagefind(self, name: str = "") -> str:
        """The search index and its UI files (written by Pagefind)."""
        return self.path("pagefind/" + name)

    def not_found(self) -> str:
        return self.path("404.html")

    # files
    def feed(self) -> str:
        return self.path("feed.xml")

    def sitemap(self) -> str:
        return self.path("sitemap.xml")

    def robots(self) -> str:
        return self.path("robots.txt")

    def events_json(self) -> str:
        return self.path("events.json")

    def timeline_json(self) -> str:
        return self.path("timeline.json")

    def calendar(self) -> str:
        return self.path("events.ics")

    def nav(self) -> list[Link]:
        """The site's main navigation, in order."""
        return [Link("Timeline", self.index()), Link("Years", self.years()),
                *(Link(KIND_LABELS[k], self.kind_index(k)) for k in KIND_FOLDERS),
                Link("Tags", self.tags()), Link("Articles", self.articles()), Link("Search", self.search())]
