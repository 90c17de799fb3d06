"""The editor's curation layer: content/events/*.toml, applied after extraction.

One file per override. It names the extracted event it changes, by id
(`event = "2018-09-11-vladimir-putin-and-xi-jinping..."`, as in events.json)
or by what it says (`[match] date = "2018-09", contains = "St Petersburg"`),
and sets any of:

    title = "..."        summary = "..."       date = "2018-05-24"
    hidden = true        merge = ["other-event-id", ...]   tags = ["..."]

Extraction never silently wins over an editor: every override is applied
last, and one that matches no event is reported as a warning naming its file.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BuildError, Problem, Report
from ..model import Event, Source
from ..temporal import calendar

ALLOWED = {"event", "match", "title", "summary", "date", "hidden", "merge", "tags"}


@dataclass(frozen=True)
class Override:
    path: Path
    event: str = ""
    match_date: str = ""
    match_text: str = ""
    title: str | None = None
    summary: str | None = None
    date: str | None = None
    hidden: bool | None = None
    merge: tuple[str, ...] = ()
    tags: tuple[str, ...] | None = None
    fields: tuple[str, ...] = field(default=())


def _line(source: str, key: str) -> int | None:
    for no, line in enumerate(source.splitlines(), 1):
        if line.strip().startswith(key):
            return no
    return None


def override_files(content_dir: Path) -> list[Path]:
    return sorted((content_dir / "events").glob("*.toml"))


def load_overrides(content_dir: Path) -> list[Override]:
    out: list[Override] = []
    problems: list[Problem] = []
    for path in override_files(content_dir):
        source = path.read_text(encoding="utf-8")
        try:
            data = tomllib.loads(source)
        except tomllib.TOMLDecodeError as exc:
            problems.append(Problem(f"not valid TOML: {exc}", path, None, "see README, 'Curating events'"))
            continue
        unknown = set(data) - ALLOWED
        if unknown:
            problems.append(Problem(f"unknown keys {sorted(unknown)}", path, _line(source, sorted(unknown)[0]),
                                    f"allowed: {', '.join(sorted(ALLOWED))}"))
            continue
        match = data.get("match", {})
        if not data.get("event") and not match:
            problems.append(Problem("an override must name an event (event = \"id\") or [match] one", path, 1,
                                    "copy the id from output/events.json"))
            continue
        if "date" in data and calendar.when(str(data["date"])) is None:
            problems.append(Problem(f"date {data['date']!r} is not a TIMEX3 date (2018-05-24, 2018-W21, 2018-05, "
                                    "2018-Q2, 2018)", path, _line(source, "date")))
            continue
        if "hidden" in data and not isinstance(data["hidden"], bool):
            problems.append(Problem("hidden must be true or false", path, _line(source, "hidden")))
            continue
        fields = tuple(k for k in ("title", "summary", "date", "hidden", "merge", "tags") if k in data)
        out.append(Override(
            path=path, event=str(data.get("event", "")),
            match_date=str(match.get("date", "")), match_text=str(match.get("contains", "")),
            title=data.get("title"), summary=data.get("summary"),
            date=str(data["date"]) if "date" in data else None, hidden=data.get("hidden"),
            merge=tuple(data.get("merge", [])), tags=tuple(data["tags"]) if "tags" in data else None,
            fields=fields,
        ))
    if problems:
        raise BuildError(problems)
    return out


def _matches(e: Event, o: Override) -> bool:
    if o.event:
        return e.id == o.event
    if o.match_date and not (e.date == o.match_date or calendar.contains(o.match_date, e.date)):
        return False
    if o.match_text:
        needle = o.match_text.lower()
        hay = " ".join([e.title, e.summary] + [q.sentence for s in e.sources for q in s.quotes]).lower()
        if needle not in hay:
            return False
    return True


def _merged_sources(a: tuple[Source, ...], b: tuple[Source, ...]) -> tuple[Source, ...]:
    """One source per article: an article in both keeps all its quotes, once each."""
    by_article = {s.article: s for s in a}
    for s in b:
        mine = by_article.get(s.article)
        by_article[s.article] = s if mine is None else dataclasses.replace(
            mine, quotes=mine.quotes + tuple(q for q in s.quotes if q not in mine.quotes))
    return tuple(by_article.values())


def _merged(e: Event, other: Event) -> Event:
    """`e` with the sources, names and salience of `other` added."""
    return dataclasses.replace(
        e, sources=_merged_sources(e.sources, other.sources),
        entities=e.entities + tuple(n for n in other.entities if n not in e.entities),
        salience=round(e.salience + other.salience, 3))


def _changed(e: Event, o: Override) -> Event:
    changes: dict[str, Any] = {}
    if o.title is not None:
        changes["title"] = o.title
    if o.summary is not None:
        changes["summary"] = o.summary
    if o.date is not None:
        changes["when"] = calendar.when(o.date) or e.when
        changes["mod"] = ""
    if o.hidden is not None:
        changes["hidden"] = o.hidden
    if o.tags is not None:
        changes["tags"] = tuple(o.tags)
    return dataclasses.replace(e, **changes, edited=e.edited + o.fields)


def apply_overrides(events: list[Event], overrides: list[Override], report: Report) -> list[Event]:
    """The events as the editor wants them: each override applied in file
    order to copies of the events it names; the visible ones, in date order."""
    current = {e.id: e for e in events}
    for o in overrides:
        targets = [e.id for e in current.values() if _matches(e, o)]
        if not targets:
            report.warn(f"override matches no event{' ' + repr(o.event) if o.event else ''}; it was not applied",
                        o.path, None, "the id may have changed: look it up in output/events.json")
            continue
        for event_id in targets:
            e = current[event_id]
            for other_id in o.merge:
                other = current.get(other_id)
                if other is None or other_id == event_id:
                    report.warn(f"cannot merge {other_id!r}: no such event", o.path, None,
                                "look the id up in output/events.json")
                    continue
                e = _merged(e, other)
                current[other_id] = dataclasses.replace(other, hidden=True,
                                                        edited=other.edited + ("merged-into:" + event_id,))
            current[event_id] = _changed(e, o)
    visible = [e for e in current.values() if not e.hidden]
    visible.sort(key=lambda e: (e.when.sort_key(), -e.salience, e.title))
    return visible
