"""The machine-readable exports, written beside the pages by one call
(`export_files`):

* `events.json`: every event with its sources (schema in the README).
* `timeline.json` follows Knight Lab's TimelineJS JSON format
  (`events[].start_date{year,month,day}`, `text{headline,text}`,
  `unique_id`, `group`), so the timeline can be shown in TimelineJS.
* `events.ics` (RFC 5545) has one all-day VEVENT per event dated to a day,
  week or month (coarser events are not calendar entries), with CRLF line
  ends, escaped text and lines folded at 75 octets.
"""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlsplit

from . import Site


def export_files(site: Site, generator_name: str) -> dict[str, bytes]:
    """output path -> bytes of every export."""
    return {
        "events.json": safe_json(events_json(site, generator_name)),
        "timeline.json": safe_json(timelinejs(site)),
        "events.ics": icalendar(site).encode("utf-8"),
    }


def events_json(site: Site, generator_name: str) -> dict:
    """The public export (schema in the README)."""
    return {
        "generator": generator_name,
        "site": {"title": site.config.title, "base_url": site.config.base_url},
        "events": [
            {
                "id": v.id, "date": v.date, "precision": v.precision, "title": v.title,
                "summary": v.summary, "url": v.url, "salience": v.salience,
                "entities": v.entity_names, "tags": v.tags,
                "sources": [
                    {"article": s.article, "article_title": s.article_title, "url": s.article_url,
                     "quotes": [{"sentence": q.sentence, "expression": q.expression, "value": q.value,
                                 "url": q.url} for q in s.quotes]}
                    for s in v.sources
                ],
            }
            for v in site.events
        ],
    }


def timelinejs(site: Site) -> dict:
    events = []
    for v in site.events:
        start = v.when.start
        date = {"year": str(start.year)}
        if v.precision in ("day", "week", "month"):
            date["month"] = str(start.month)
        if v.precision in ("day", "week"):
            date["day"] = str(start.day)
        item = {
            "start_date": date,
            "display_date": v.display_date,
            "text": {"headline": v.title, "text": v.summary},
            "unique_id": v.id,
            "group": str(start.year) if v.precision not in ("decade", "century") else v.display_date,
        }
        if v.precision in ("week", "month", "quarter", "year"):
            end = v.when.end
            item["end_date"] = {"year": str(end.year), "month": str(end.month), "day": str(end.day)}
        events.append(item)
    return {"title": {"text": {"headline": site.config.title, "text": site.config.description}},
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
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))  # compact: the C encoder
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n").encode("utf-8")
