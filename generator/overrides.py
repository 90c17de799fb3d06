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

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildError, Problem, Report
from .model import Event
from .temporal import calendar

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


def load(content_dir: Path) -> list[Override]:
    folder = content_dir / "events"
    if not folder.is_dir():
        return []
    out: list[Override] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.toml")):
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
        if "date" in data and calendar.precision(str(data["date"])) is None:
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
        hay = " ".join([e.title, e.summary] + [s.sentence for s in e.sources]).lower()
        if needle not in hay:
            return False
    return True


def apply(events: list[Event], overrides: list[Override], report: Report) -> list[Event]:
    by_id = {e.id: e for e in events}
    for o in overrides:
        targets = [e for e in events if _matches(e, o)]
        if not targets:
            report.warn(f"override matches no event{' ' + repr(o.event) if o.event else ''}; it was not applied",
                        o.path, None, "the id may have changed: look it up in output/events.json")
            continue
        for e in targets:
            for other_id in o.merge:
                other = by_id.get(other_id)
                if other is None or other is e:
                    report.warn(f"cannot merge {other_id!r}: no such event", o.path, None,
                                "look the id up in output/events.json")
                    continue
                e.sources += [s for s in other.sources if s not in e.sources]
                e.entities += [n for n in other.entities if n not in e.entities]
                e.salience = round(e.salience + other.salience, 3)
                other.hidden = True
                other.edited.append("merged-into:" + e.id)
            if o.title is not None:
                e.title = o.title
            if o.summary is not None:
                e.summary = o.summary
            if o.date is not None:
                e.date = o.date
                e.precision = calendar.precision(o.date) or e.precision
                e.mod = ""
            if o.hidden is not None:
                e.hidden = o.hidden
            if o.tags is not None:
                e.tags = list(o.tags)
            e.edited += list(o.fields)
    visible = [e for e in events if not e.hidden]
    visible.sort(key=lambda e: (calendar.sort_key(e.date), -e.salience, e.title))
    return visible
