"""The machine-readable exports, written beside the pages by one call
(`export_files`):

* `events.json`: every event with its sources (schema in the README).
* `timeline.json` follows Knight Lab's TimelineJS JSON format
  (`events[].start_date{year,month,day}`, `text{headline,text}`,
  `unique_id`, `display_date`): the key events by default
  (`[timelinejs] events = "all"` for every event). TimelineJS shows its
  strings as HTML, so every string is escaped text (an article's `<img>`
  stays text), and each slide's text ends with its sources, the credit
  TimelineJS shows. `group` is used only when it helps navigation: for a
  handful of years (2 to 4); more groups fill the navigation strip with rows.
* `events.ics` (RFC 5545) has one all-day VEVENT per event dated to a day,
  week or month (DTEND is the day after the last day: a week is 7 days, a
  month its length). Quarters, years and coarser are left out: an all-day
  entry a year long would cover every day of a reader's calendar. CRLF line
  ends, escaped text, lines folded at 75 octets.
* `_redirects` (Netlify): a 301 for every old URL of `Site.redirects`.

The feed, the sitemap and the calendar need absolute URLs: they are written
only when the base URL has a host (config.missing_base_url says why not).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import orjson

from . import Site
from .views import EventView

if TYPE_CHECKING:
    from .export_entries import EntryMemo

GROUPS = range(2, 5)  # TimelineJS groups by year only for this many years


EVENTS_PART = 4_000  # events per part of events.json, each encoded as one string


def export_files(site: Site, generator_name: str, memo: EntryMemo | None = None) -> dict[str, bytes]:
    """output path -> bytes of every export, made in this process. A forked
    worker for events.json, timeline.json and events.ics beside this process
    saved 0.35 s at 10,000 articles (1.58 against 1.23 s) and was the build's
    peak of memory (1,213 MB against 1,144 without: each process copies the
    pages of the views it reads). With a `memo` (the preview's), events.json's
    entries are the last build's text where the event prints the same
    (export_entries.py)."""
    events = site.events
    entries = memo.pieces(events) if memo is not None else \
        [_event_entries(events[i:i + EVENTS_PART], i == 0) for i in range(0, len(events), EVENTS_PART)]
    # events.json: its head (what precedes the list of events), every part's entries, the end
    head = [*_json_parts(events_json(site, generator_name, []), 2)][:-2]  # less the empty list's "]" and the "}"
    out = {
        "events.json": b"".join([_safe(head), *entries, _safe(["]", "}", "\n"])]),
        "timeline.json": safe_json(timelinejs(site)),
    }
    if site.urls.absolute_ok:
        out["events.ics"] = icalendar(site).encode("utf-8")
    if site.redirects:
        out["_redirects"] = netlify_redirects(site).encode("utf-8")
    return out


def netlify_redirects(site: Site) -> str:
    """Netlify's _redirects: old path, new path, 301. `!` because the old path
    still holds the redirect page (for other hosts), which would win otherwise."""
    rules = [f"{old} {new} 301!" for old, new in sorted(site.redirects.items())
             if old != new and not any(c.isspace() for c in old + new)]
    return "".join(r + "\n" for r in rules)


def events_json(site: Site, generator_name: str, views: list[EventView] | None = None) -> dict:
    """The public export (schema in the README), of `views` (every event if None)."""
    return {
        "generator": generator_name,
        "site": {"title": site.config.title, "base_url": site.config.base_url},
        "events": [_event_entry(v) for v in (site.events if views is None else views)],
    }


def _event_entry(v: EventView) -> dict:
    return {**entry_head(v), **entry_moving(v), **entry_tail(v)}


def entry_head(v: EventView) -> dict:
    """An entry's fields before its salience (the preview keeps their text: export_entries.py)."""
    return {"id": v.id, "date": v.date, "precision": v.precision, "title": v.title, "summary": v.summary,
            "url": v.url}


def entry_moving(v: EventView) -> dict:
    """An entry's fields that any edit anywhere may move."""
    return {"salience": v.salience, "key": v.key, "background": v.background}


def entry_tail(v: EventView) -> dict:
    """An entry's fields after its background."""
    return {
        "entities": v.entity_names, "tags": v.tags,
        "sources": [
            {"article": s.article, "article_title": s.article_title, "url": s.article_url,
             "quotes": [{"sentence": q.sentence, "expression": q.expression, "value": q.value,
                         "url": q.url} for q in s.quotes]}
            for s in v.sources
        ],
    }


def _event_entries(views: list[EventView], first: bool) -> bytes:
    """events.json's entries of `views`, as safe_json writes them in the list
    of events (a comma before each but the list's first)."""
    if not views:
        return b""
    text = compact_json([_event_entry(v) for v in views])
    return _safe(["" if first else ",", text[1:-1]])  # one encoder call, its list's brackets left out


def timelinejs_events(site: Site) -> list[EventView]:
    """The key events (the setting's default) or all; all when none is key."""
    key = [v for v in site.events if v.key]
    return key if site.config.timelinejs.events == "key" and key else site.events


def _credit(v: EventView) -> str:
    """The sources, as TimelineJS credits them: outlet (or article) and date."""
    names = list(dict.fromkeys(", ".join(filter(None, (s.source_name or s.article_title, s.published_display)))
                               for s in v.sources))
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return "Source" + ("s" if len(names) > 1 else "") + ": " + "; ".join(names[:3]) + more


def timelinejs(site: Site) -> dict:
    chosen = timelinejs_events(site)
    years = {v.when.start.year for v in chosen}
    grouped = len(years) in GROUPS
    events = []
    for v in chosen:
        start = v.when.start
        date = {"year": start.year}
        if v.precision in ("day", "week", "month"):
            date["month"] = start.month
        if v.precision in ("day", "week"):
            date["day"] = start.day
        item: dict = {
            "start_date": date,
            "display_date": escape(v.display_date),
            "text": {"headline": escape(v.title), "text": escape(v.summary) + " — " + escape(_credit(v))},
            "unique_id": v.id,
        }
        if grouped:
            item["group"] = str(start.year)
        if v.precision in ("week", "month", "quarter", "year"):
            end = v.when.end
            item["end_date"] = {"year": end.year, "month": end.month, "day": end.day}
        events.append(item)
    return {"title": {"text": {"headline": escape(site.config.title), "text": escape(site.config.description)}},
            "events": events}


def _ics_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space
    (RFC 5545), never splitting a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, i, limit = [], 0, 75
    while len(data) - i > limit:
        j = i + limit
        while data[j] & 0xC0 == 0x80:  # a continuation byte: step back to the character's start
            j -= 1
        parts.append(data[i:j])
        i, limit = j, 74
    parts.append(data[i:])
    return b"\r\n ".join(parts).decode("utf-8")


def icalendar(site: Site) -> str:
    host = urlsplit(site.urls.absolute("/")).netloc or "timeline.local"
    stamp = site.built.replace("-", "").replace(":", "")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//timeline-generator//EN", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{_ics_text(site.config.title)}"]
    for v in site.events:
        if v.precision not in ("day", "week", "month"):
            continue
        start, end = v.when.start, v.when.end
        lines += [
            "BEGIN:VEVENT",
            f"UID:{v.id}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ics_text(v.title)}",
            f"DESCRIPTION:{_ics_text(v.summary)}",
            f"URL:{site.urls.absolute(v.url)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def safe_json(data) -> bytes:
    """JSON whose text can never close a <script> or open a tag if pasted into
    HTML: <, > and & are written as \\u escapes (same data once parsed)."""
    return _safe([*_json_parts(data, 2), "\n"])


def _safe(parts: Iterable[str]) -> bytes:
    """JSON text's parts, escaped as safe_json says, in UTF-8."""
    return b"".join(p.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode("utf-8")
                    for p in parts)


JSON_BATCH = 500  # list members encoded per compact_json call


def compact_json(value) -> str:
    """`value` as compact JSON in UTF-8 text, its dicts' keys in their order:
    every JSON export's encoder (events.json's 65,000 entries at 10,000
    articles: 0.08 s with orjson against 0.82 with json.dumps). As
    json.dumps(ensure_ascii=False) writes it, but a float's exponent has no
    leading zero or plus sign (1e-7 for 1e-07), and a float that is not a
    number is null (JSON has no NaN); keys that are not strings are written
    as strings, as json.dumps does."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")


def _json_parts(data, depth: int):
    """Compact JSON, as one compact_json call would write it, but a
    list's members (down to `depth` levels) encoded JSON_BATCH at a time
    and a dict's one by one: one call over 70,000 events, and then escaping
    and encoding its text, held the interpreter for 3 to 4 s at 10,000
    articles, and the preview could not draft a save meanwhile; one call
    per member cost 2 s of calls."""
    if depth and isinstance(data, list):
        yield "["
        for start in range(0, len(data), JSON_BATCH):
            batch = compact_json(data[start:start + JSON_BATCH])
            yield ("," if start else "") + batch[1:-1]
        yield "]"
    elif depth and isinstance(data, dict) and all(isinstance(k, str) for k in data):
        yield "{"
        for i, (key, value) in enumerate(data.items()):
            yield ("," if i else "") + compact_json(key) + ":"
            yield from _json_parts(value, depth - 1)
        yield "}"
    else:
        yield compact_json(data)
