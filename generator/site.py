"""Events and articles -> the pages of the site, with their URLs and links.

This is the only module that makes URLs. Every page is a directory with an
index.html ("pretty" URLs), every link is an absolute path under the site's
base path (so /timeline/ sub-path hosting works and the 404 page's links work
from any depth), and feeds and the sitemap use full URLs when base_url has a
host. Pages carry plain data (dicts) for the templates; no markup here.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from .config import SiteConfig
from .content import slugify
from .entities import EntityIndex
from .markup import Mark, segments
from .model import Analysis, Event
from .temporal import calendar

KIND_FOLDERS = {"person": "people", "place": "places", "organisation": "organisations"}
KIND_LABELS = {"person": "People", "place": "Places", "organisation": "Organisations"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
SEASONS = {"SP": "Spring", "SU": "Summer", "FA": "Autumn", "WI": "Winter"}


@dataclass
class Page:
    path: str  # file path inside the output folder
    url: str  # absolute URL path (with base path)
    template: str
    context: dict = field(default_factory=dict)
    title: str = ""
    in_sitemap: bool = True


def display_date(value: str, precision: str | None = None) -> str:
    """'2018-09-11' -> '11 September 2018'; '2018-W37' -> 'week of 10 September 2018'."""
    precision = precision or calendar.precision(value)
    span = calendar.span(value)
    if not span:
        return value
    start = span[0]
    if precision == "day":
        return f"{start.day} {MONTHS[start.month - 1]} {start.year}"
    if precision == "week":
        return f"week of {start.day} {MONTHS[start.month - 1]} {start.year}"
    if precision == "month":
        return f"{MONTHS[start.month - 1]} {start.year}"
    if precision == "quarter":
        if "-Q" in value:
            return f"Q{value[-1]} {value[:4]}"
        if "-H" in value:
            return f"{'first' if value.endswith('1') else 'second'} half of {value[:4]}"
        return f"{SEASONS.get(value[5:], value[5:])} {value[:4]}"
    if precision == "year":
        return str(start.year)
    if precision == "decade":
        return f"the {start.year}s"
    if precision == "century":
        n = start.year // 100 + 1
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"the {n}{suffix} century"
    return value


def html_datetime(value: str) -> str | None:
    """A value valid in <time datetime>: dates, weeks, months, years; else None."""
    p = calendar.precision(value)
    if p in ("day",):
        return value[:10] if "T" not in value or len(value) < 16 else value[:16]
    if p == "week":
        return value[:4] + "-W" + value[6:8].zfill(2) if "-WE" not in value else value[:8]
    if p == "month" or (p == "year" and len(value) == 4):
        return value
    return None


class Urls:
    def __init__(self, config: SiteConfig):
        self.base = config.base_path
        self.site_url = config.site_url

    def path(self, rel: str) -> str:
        return self.base + rel.lstrip("/")

    def absolute(self, url_path: str) -> str:
        return self.site_url + url_path if self.site_url else url_path

    def index(self) -> str:
        return self.path("")

    def event(self, event_id: str) -> str:
        return self.path(f"events/{event_id}/")

    def article(self, slug: str) -> str:
        return self.path(f"articles/{slug}/")

    def year(self, year: int | str) -> str:
        return self.path(f"years/{year}/")

    def entity(self, kind: str, slug: str) -> str:
        return self.path(f"{KIND_FOLDERS[kind]}/{slug}/")

    def tag(self, slug: str) -> str:
        return self.path(f"tags/{slug}/")


def _file_for(urls: Urls, url: str) -> str:
    rel = url[len(urls.base):]
    return rel + "index.html" if (rel == "" or rel.endswith("/")) else rel


@dataclass
class Site:
    config: SiteConfig
    urls: Urls
    pages: list[Page]
    events: list[dict]  # event views, chronological
    articles: list[dict]
    entities: list[dict]
    tags: list[dict]
    years: list[dict]
    built: str  # ISO timestamp of the newest article (deterministic)
    search_available: bool = False


def _event_year(e: Event) -> int | None:
    span = calendar.span(e.date)
    if not span or e.precision in ("decade", "century"):
        return None
    return span[0].year


def plan(config: SiteConfig, analyses: list[Analysis], events: list[Event], index: EntityIndex,
         generator_name: str, search_available: bool = False) -> Site:
    urls = Urls(config)
    articles_by_slug = {a.article.slug: a for a in analyses}

    # ---- entities ---------------------------------------------------------
    entity_kind: dict[str, str] = {}
    entity_events: dict[str, list[str]] = defaultdict(list)
    for e in events:
        for name in e.entities:
            kind = index.kinds.get(name) or index.gaz.kinds.get(name, "")
            if kind in KIND_FOLDERS:
                entity_kind[name] = kind
                entity_events[name].append(e.id)
    entity_slugs: dict[str, str] = {}
    taken: set[tuple[str, str]] = set()
    for name in sorted(entity_kind):
        slug, n = slugify(name), 2
        while (entity_kind[name], slug) in taken:
            slug, n = f"{slugify(name)}-{n}", n + 1
        taken.add((entity_kind[name], slug))
        entity_slugs[name] = slug

    def entity_ref(name: str) -> dict | None:
        if name not in entity_kind:
            return None
        return {"name": name, "kind": entity_kind[name],
                "url": urls.entity(entity_kind[name], entity_slugs[name])}

    # ---- events -----------------------------------------------------------
    views: list[dict] = []
    timex_links: dict[tuple[str, int, str], str] = {}
    for e in events:
        sources = []
        for s in e.sources:
            art = articles_by_slug[s.article].article
            sources.append({
                "article": s.article, "article_title": s.article_title, "article_url": urls.article(s.article),
                "url": urls.article(s.article) + "#" + s.anchor, "sentence": s.sentence, "expression": s.expression,
                "value": s.value, "source_name": s.source_name, "author": art.author,
                "sentence_index": s.sentence_index,
                "published": art.date.isoformat() if art.date else "",
                "published_display": display_date(art.date.isoformat()) if art.date else "",
            })
            timex_links[(s.article, s.sentence_index, s.expression)] = urls.event(e.id)
        year = _event_year(e)
        views.append({
            "id": e.id, "url": urls.event(e.id), "date": e.date, "precision": e.precision, "mod": e.mod,
            "display_date": display_date(e.date, e.precision), "datetime": html_datetime(e.date),
            "title": e.title, "summary": e.summary, "salience": e.salience,
            "entities": [r for r in (entity_ref(n) for n in e.entities) if r],
            "entity_names": list(e.entities), "sources": sources, "tags": list(e.tags),
            "tag_refs": [{"name": t, "url": urls.tag(slugify(t))} for t in e.tags],
            "year": year, "year_url": urls.year(year) if year else None,
            "month": calendar.span(e.date)[0].month if e.precision in ("day", "week", "month") else None,
            "edited": list(e.edited),
            "draft": all(articles_by_slug[s.article].article.draft for s in e.sources),
            "updated": max((s["published"] for s in sources if s["published"]), default=""),
        })
    by_entity: dict[str, list[int]] = defaultdict(list)
    for i, v in enumerate(views):
        for name in v["entity_names"]:
            by_entity[name].append(i)
    for i, v in enumerate(views):
        v["previous"] = _brief(views[i - 1]) if i > 0 else None
        v["next"] = _brief(views[i + 1]) if i + 1 < len(views) else None
        v["related"] = _related(i, views, by_entity)
    events_of_article: dict[str, list[dict]] = defaultdict(list)
    cited_sentences: dict[str, set[int]] = defaultdict(set)
    for v in views:
        for s in v["sources"]:
            if not events_of_article[s["article"]] or events_of_article[s["article"]][-1] is not v:
                events_of_article[s["article"]].append(v)
            cited_sentences[s["article"]].add(s["sentence_index"])

    # ---- articles -----------------------------------------------------------
    article_views = []
    for a in sorted(analyses, key=lambda a: (a.article.date or date.min, a.article.slug), reverse=True):
        art = a.article
        marks: list[Mark] = []
        cited = cited_sentences[art.slug]
        spans = list(a.sentences)
        starts = [s0 for s0, _ in spans]
        for i, (s0, _e0) in enumerate(spans):
            if i in cited:
                marks.append(Mark(s0, s0, "anchor", {"id": f"s{i}"}))
        for t in a.timexes:
            idx = bisect.bisect_right(starts, t.start) - 1
            marks.append(Mark(t.start, t.end, "timex", {
                "value": t.value or "unresolved", "type": t.type, "datetime": html_datetime(t.value),
                "display": display_date(t.value) if calendar.precision(t.value) else t.value or "unresolved",
                "event_url": timex_links.get((art.slug, idx, t.text)),
            }))
        linked = events_of_article[art.slug]
        article_views.append({
            "slug": art.slug, "url": urls.article(art.slug), "title": art.title, "source": art.source,
            "author": art.author, "date": art.date.isoformat() if art.date else "",
            "display_date": display_date(art.date.isoformat()) if art.date else "undated",
            "tags": [{"name": t, "url": urls.tag(slugify(t))} for t in art.tags], "original_url": art.url,
            "segments": segments(a.html, a.offsets, a.runs, marks), "events": [_brief(v) for v in linked],
            "summary": art.summary or (a.text.split("\n\n", 1)[0][:300]), "draft": art.draft,
            "unresolved": len(a.unresolved),
        })

    # ---- years, entities, tags ------------------------------------------------
    year_map: dict[int, list[dict]] = defaultdict(list)
    for v in views:
        if v["year"]:
            year_map[v["year"]].append(v)
    years = [{"year": y, "url": urls.year(y), "events": year_map[y], "count": len(year_map[y])}
             for y in sorted(year_map)]

    entity_list = []
    view_by_id = {v["id"]: v for v in views}
    for name in sorted(entity_kind, key=lambda n: (entity_kind[n], n.lower())):
        ref = entity_ref(name)
        ref["events"] = [view_by_id[i] for i in entity_events[name]]
        ref["count"] = len(ref["events"])
        ref["label"] = KIND_LABELS[ref["kind"]]
        entity_list.append(ref)

    tag_names: dict[str, str] = {}
    for a in analyses:
        for t in a.article.tags:
            tag_names.setdefault(slugify(t), t)
    for v in views:
        for t in v["tags"]:
            tag_names.setdefault(slugify(t), t)
    tag_events: dict[str, list[dict]] = defaultdict(list)
    tag_articles: dict[str, list[dict]] = defaultdict(list)
    for v in views:
        for slug in dict.fromkeys(slugify(t) for t in v["tags"]):
            tag_events[slug].append(v)
    for a in article_views:
        for slug in dict.fromkeys(slugify(t["name"]) for t in a["tags"]):
            tag_articles[slug].append(a)
    tags = [{"name": name, "slug": slug, "url": urls.tag(slug), "events": tag_events[slug],
             "articles": tag_articles[slug]} for slug, name in sorted(tag_names.items())]

    newest = max((a.article.date for a in analyses if a.article.date), default=date(1970, 1, 1))
    site = Site(config, urls, [], views, article_views, entity_list, tags, years,
                built=newest.isoformat() + "T00:00:00Z", search_available=search_available)
    site.pages = _pages(site, generator_name)
    return site


def _brief(v: dict) -> dict:
    return {"id": v["id"], "url": v["url"], "title": v["title"], "display_date": v["display_date"],
            "date": v["date"], "datetime": v["datetime"]}


def _related(i: int, views: list[dict], by_entity: dict[str, list[int]], limit: int = 5) -> list[dict]:
    """Events that share names with this one or lie close to it in time.
    Candidates come from the entity index (rarest names first) and the
    neighbours in date order, so this stays fast with thousands of events."""
    v = views[i]
    span = calendar.span(v["date"])
    candidates: set[int] = set(range(max(0, i - 4), min(len(views), i + 5)))
    for name in sorted(v["entity_names"], key=lambda n: len(by_entity[n]))[:4]:
        ids = by_entity[name]
        # the events with this name nearest in time (ids are in date order)
        at = bisect.bisect_left(ids, i)
        candidates.update(ids[max(0, at - 15) : at + 15])
    candidates.discard(i)
    mine = set(v["entity_names"])
    scored = []
    for j in candidates:
        o = views[j]
        shared = len(mine.intersection(o["entity_names"]))
        other = calendar.span(o["date"])
        days = abs((other[0] - span[0]).days) if span and other else 10_000
        if shared or days <= 31:
            scored.append((-(shared + 2.0 / (1 + days / 30)), o["id"], o))
    scored.sort(key=lambda x: (x[0], x[1]))
    return [_brief(o) for _, _, o in scored[:limit]]


def _group_by_year_month(views: list[dict], newest_first: bool) -> list[dict]:
    """Index structure: years, each with its year-level events and its months."""
    groups: dict[str, dict] = {}
    for v in views:
        key = str(v["year"]) if v["year"] else display_date(v["date"], v["precision"])
        g = groups.setdefault(key, {"label": key, "year": v["year"], "url": v["year_url"], "general": [],
                                    "months": {}, "anchor": "y-" + slugify(key)})
        if v["month"]:
            m = g["months"].setdefault(v["month"], {"label": MONTHS[v["month"] - 1], "events": [],
                                                   "anchor": f"y-{slugify(key)}-{v['month']:02d}"})
            m["events"].append(v)
        else:
            g["general"].append(v)
    out = []
    for g in groups.values():
        months = sorted(g["months"].items(), reverse=newest_first)
        g["months"] = [m for _, m in months]
        if newest_first:
            for m in g["months"]:
                m["events"] = list(reversed(m["events"]))
        out.append(g)
    if newest_first:
        out.reverse()
    return out


def _pages(site: Site, generator_name: str) -> list[Page]:
    urls = site.urls
    newest_first = site.config.order == "newest"
    pages: list[Page] = []

    def add(url: str, template: str, title: str, in_sitemap: bool = True, path: str | None = None, **ctx):
        pages.append(Page(path or _file_for(urls, url), url, template, ctx, title, in_sitemap))

    n_key = max(0, site.config.key_events)
    key = sorted(site.events, key=lambda v: (-v["salience"], calendar.sort_key(v["date"])))[:n_key]
    key.sort(key=lambda v: calendar.sort_key(v["date"]), reverse=newest_first)
    filters = [{"name": kind, "label": kind.capitalize(),
                "options": [e["name"] for e in site.entities if e["kind"] == kind]}
               for kind in ("person", "place", "organisation")]
    filters += [{"name": "tag", "label": "Tag", "options": [t["name"] for t in site.tags]},
                {"name": "year", "label": "Year", "options": [str(y["year"]) for y in site.years]}]
    add(urls.index(), "index.html", site.config.title,
        groups=_group_by_year_month(site.events, newest_first), events=site.events, key_events=key,
        filters=[f for f in filters if f["options"]])
    for v in site.events:
        add(v["url"], "event.html", v["title"], event=v)
    for a in site.articles:
        add(a["url"], "article.html", a["title"], article=a)
    add(urls.path("articles/"), "articles.html", "Articles", articles=site.articles)
    for y in site.years:
        add(y["url"], "year.html", str(y["year"]), year=y)
    add(urls.path("years/"), "years.html", "Years", years=site.years)
    for ent in site.entities:
        add(ent["url"], "entity.html", ent["name"], entity=ent)
    by_kind = {k: [e for e in site.entities if e["kind"] == k] for k in KIND_FOLDERS}
    for kind, folder in KIND_FOLDERS.items():
        add(urls.path(f"{folder}/"), "entities.html", KIND_LABELS[kind], kind=kind, label=KIND_LABELS[kind],
            entities=by_kind[kind])
    for t in site.tags:
        add(t["url"], "tag.html", t["name"], tag=t)
    add(urls.path("tags/"), "tags.html", "Tags", tags=site.tags)
    add(urls.path("search/"), "search.html", "Search", search_available=site.search_available)
    add(urls.path("404.html"), "404.html", "Page not found", in_sitemap=False, path="404.html")
    add(urls.path("feed.xml"), "feed.xml", "Feed", in_sitemap=False, path="feed.xml",
        entries=sorted(site.events, key=lambda v: calendar.sort_key(v["date"]), reverse=True)
        [: site.config.feed["entries"]])
    html_pages = [p for p in pages if p.in_sitemap]
    add(urls.path("sitemap.xml"), "sitemap.xml", "Sitemap", in_sitemap=False, path="sitemap.xml",
        entries=[{"loc": urls.absolute(p.url)} for p in html_pages])
    add(urls.path("robots.txt"), "robots.txt", "robots", in_sitemap=False, path="robots.txt",
        sitemap=urls.absolute(urls.path("sitemap.xml")))
    return pages


def events_json(site: Site, generator_name: str) -> dict:
    """The public export (schema in the README)."""
    return {
        "generator": generator_name,
        "site": {"title": site.config.title, "base_url": site.config.base_url},
        "events": [
            {
                "id": v["id"], "date": v["date"], "precision": v["precision"], "title": v["title"],
                "summary": v["summary"], "url": v["url"], "salience": v["salience"],
                "entities": v["entity_names"], "tags": v["tags"],
                "sources": [
                    {"article": s["article"], "article_title": s["article_title"], "url": s["url"],
                     "sentence": s["sentence"], "expression": s["expression"], "value": s["value"]}
                    for s in v["sources"]
                ],
            }
            for v in site.events
        ],
    }

