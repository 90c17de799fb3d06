"""The editor's curation layer: content/events/*.toml, applied after extraction.

One file per override. It names the extracted event it changes, by id
(`event = "2018-09-11-vladimir-putin-and-xi-jinping..."`, as in events.json)
or by what it says (`[match] date = "2018-09", contains = "St Petersburg"`),
and sets any of:

    title = "..."        summary = "..."       date = "2018-05-24"
    hidden = true        merge = ["other-event-id", ...]   tags = ["..."]

Extraction never silently wins over an editor: every override is applied
last, and one that matches no event is reported as a warning naming its file.
An override can never silently change more than its author meant: a key
that is not one of these (a typo such as `contain =` inside [match] would
otherwise match every event), a value of the wrong type and a merge cycle
are errors naming the file and line.
"""

from __future__ import annotations

import dataclasses
import operator
import os
import re
import stat
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..config import LimitSettings
from ..errors import BuildError, Problem, Report
from ..inputs import override_files
from ..model import Event, Source
from ..temporal import calendar
from .salience import listing_order, order_runs, order_ties

_HIDDEN, _ID = operator.attrgetter("hidden"), operator.attrgetter("id")

ALLOWED = {"event", "match", "title", "summary", "date", "hidden", "merge", "tags"}
MATCH_KEYS = {"date", "contains"}
CHANGES = ("title", "summary", "date", "hidden", "merge", "tags")
HINT = "see README, 'Curating events'"
# Characters no title needs: line breaks (they would inject lines into events.ics) and other controls.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ufffe\uffff]")


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


def _line(source: str, key: str, section: str = "") -> int | None:
    """Line of `key = ...` at the top level or inside [section]."""
    current = ""
    for no, line in enumerate(source.splitlines(), 1):
        stripped = line.strip()
        if m := re.match(r"^\[([^\[\]]+)\]", stripped):
            current = m.group(1).strip()
            if current == section and key == "":
                return no
            continue
        if current == section and re.match(rf'^"?{re.escape(key)}"?\s*=', stripped):
            return no
    return None


class _Reader:
    """Checks one override file's values, collecting every problem."""

    def __init__(self, path: Path, source: str, report: Report, limits: LimitSettings):
        self.path, self.source, self.report, self.limits = path, source, report, limits
        self.problems: list[Problem] = []

    def error(self, message: str, key: str, section: str = "", hint: str = HINT) -> None:
        self.problems.append(Problem(message, self.path, _line(self.source, key, section) or None, hint))

    def text(self, data: dict, key: str, section: str = "") -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.error(f"{key} must be a string, not {type(value).__name__}", key, section, f'{key} = "..."')
            return None
        if _CONTROL.search(value):
            self.report.warn(f"{key}: line breaks and control characters replaced by spaces", self.path,
                             _line(self.source, key, section), "write the text on one line")
            value = " ".join(_CONTROL.sub(" ", value).split())
        if key == "title" and len(value) > self.limits.title_chars:
            self.error(f"title is {len(value):,} characters, more than {self.limits.title_chars:,} "
                       "([limits] title_chars)", key, section, "shorten it")
            return None
        return value

    def value_date(self, data: dict, key: str, section: str = "") -> str | None:
        value = data.get(key)
        if value is None:
            return None
        text = value.isoformat() if isinstance(value, date) else value if isinstance(value, str) else None
        if text is None or calendar.when(text) is None:
            self.error(f"{key} {value!r} is not a TIMEX3 date (2018-05-24, 2018-W21, 2018-05, 2018-Q2, 2018)",
                       key, section, 'quote it: date = "2018-05-24"')
            return None
        return text

    def words(self, data: dict, key: str) -> tuple[str, ...] | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(f"{key} must be a list of strings", key, "", f'{key} = ["...", "..."]')
            return None
        cleaned = tuple(" ".join(_CONTROL.sub(" ", v).split()) for v in value)
        if cleaned != tuple(value):
            self.report.warn(f"{key}: line breaks and control characters replaced by spaces", self.path,
                             _line(self.source, key))
        return tuple(v for v in cleaned if v)

    def override(self, data: dict) -> Override | None:
        for key in sorted(set(data) - ALLOWED, key=str):
            self.error(f"unknown key {key!r}", key, "", f"allowed: {', '.join(sorted(ALLOWED))}")
        match = data.get("match", {})
        if not isinstance(match, dict):
            self.error("match must be a table: a [match] line with date = and/or contains = under it", "match")
            match = {}
        for key in sorted(set(match) - MATCH_KEYS, key=str):
            self.error(f"unknown key {key!r} in [match]", key, "match", "allowed in [match]: contains, date")
        event = self.text(data, "event")
        if "match" in data and isinstance(data["match"], dict) and not set(match) & MATCH_KEYS:
            self.error("[match] names nothing to match: give date = and/or contains =", "", "match")
        if event and "match" in data:
            self.error("give either event = or [match], not both", "event")
        if not event and "match" not in data:
            self.problems.append(Problem("an override must name an event (event = \"id\") or [match] one",
                                         self.path, 1, "copy the id from output/events.json"))
        contains = self.text(match, "contains", "match")
        if contains is not None and not contains.strip():
            self.error("[match] contains is empty: it would match every event", "contains", "match")
        match_date = self.value_date(match, "date", "match")
        hidden = data.get("hidden")
        if hidden is not None and not isinstance(hidden, bool):
            self.error("hidden must be true or false", "hidden", "", "hidden = true")
            hidden = None
        title, summary, when = self.text(data, "title"), self.text(data, "summary"), self.value_date(data, "date")
        merge, tags = self.words(data, "merge"), self.words(data, "tags")
        if self.problems:
            return None
        fields = tuple(k for k in CHANGES if k in data)
        if not fields:
            self.report.warn("this override changes nothing (no title, summary, date, hidden, merge or tags)",
                             self.path, None, HINT)
        return Override(path=self.path, event=event or "", match_date=match_date or "",
                        match_text=contains or "", title=title, summary=summary, date=when, hidden=hidden,
                        merge=merge or (), tags=tags, fields=fields)


def _read_source(path: Path) -> str:
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise BuildError(Problem("not a regular file", path, None, "override files are small TOML files"))
        raw = path.read_bytes()
    except OSError as exc:
        raise BuildError(Problem(f"cannot read the file: {exc.strerror}", path, None)) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BuildError(Problem(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})", path,
                                 raw[: exc.start].count(b"\n") + 1, "save the file as UTF-8")) from exc


def load_overrides(content_dir: Path, report: Report | None = None,
                   limits: LimitSettings | None = None) -> list[Override]:
    """Every override file, checked; all problems are reported together."""
    report = report if report is not None else Report()
    out: list[Override] = []
    problems: list[Problem] = []
    for path in override_files(content_dir):
        try:
            source = _read_source(path)
            data = tomllib.loads(source)
        except BuildError as exc:
            problems += exc.problems
            continue
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"line (\d+)", str(exc))
            problems.append(Problem(f"not valid TOML: {exc}", path, int(m.group(1)) if m else None, HINT))
            continue
        except RecursionError:
            problems.append(Problem("not valid TOML: nested too deeply", path, None, HINT))
            continue
        reader = _Reader(path, source, report, limits or LimitSettings())
        o = reader.override(data)
        problems += reader.problems
        if o is not None:
            out.append(o)
    problems += _merge_cycles(out)
    if problems:
        raise BuildError(problems)
    return out


def _merge_cycles(overrides: list[Override]) -> list[Problem]:
    """Overrides that name events by id and merge them into each other in a
    circle (A takes B, B takes A) would hide them all."""
    edges: dict[str, list[tuple[str, Path]]] = {}
    for o in overrides:
        if o.event:
            for other in o.merge:
                edges.setdefault(o.event, []).append((other, o.path))
    problems: list[Problem] = []
    reported: set[frozenset[str]] = set()
    for start in sorted(edges):
        stack: list[tuple[str, list[str], list[Path]]] = [(start, [start], [])]  # node, ids so far, their files
        while stack:
            node, ids, files = stack.pop()
            for nxt, path in edges.get(node, []):
                if nxt == start:
                    key = frozenset(ids)
                    if key not in reported:
                        reported.add(key)
                        chain = " -> ".join([*ids, start])
                        problems.append(Problem(f"merge cycle: {chain} (each would hide the other)",
                                                [*files, path][0], None,
                                                "keep one file's merge and remove the other's; files: "
                                                + ", ".join(str(f) for f in [*files, path])))
                elif nxt not in ids:
                    stack.append((nxt, [*ids, nxt], [*files, path]))
    return problems


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
        named=e.named + tuple(n for n in other.named if n not in e.named),
        salience=round(e.salience + other.salience, 3),
        mentions=tuple(sorted(set(e.mentions) | set(other.mentions))))


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


def apply_overrides(events: list[Event], overrides: list[Override], report: Report,
                    order: Callable[[Event], tuple] = listing_order, keys: Sequence[tuple] | None = None,
                    ties: Sequence[tuple] | None = None) -> list[Event]:
    """The events as the editor wants them: each override applied in file
    order to copies of the events it names; the visible ones, in date order
    (`order`: salience.listing_order, or a memo of it; ties by id).
    Merging an event that another override already merged away, or into one,
    is an error naming both files (it would hide both events). `keys`: the
    events' keys in their order, when they are in that order already (the
    preview's merge record: MergeRecord.ranked_keys), which serve when no
    override is given and no event is hidden: only the ties are sorted,
    found from `ties` when given (the keys more than one event has, or
    more: MergeRecord.ties) instead of a pass over the keys."""
    if keys is not None and not overrides and len(keys) == len(events) and not any(map(_HIDDEN, events)):
        visible = list(events)
        if ties is not None:
            order_runs(visible, keys, ties, _ID)
        else:
            order_ties(visible, keys, _ID)
        return visible
    current = {e.id: e for e in events} if overrides else {}  # (65,000 events at 10,000 articles: none is needed)
    merged_into: dict[str, tuple[str, Path]] = {}  # event id -> (the event that took it, the file that said so)
    problems: list[Problem] = []
    for o in overrides:
        if o.event in merged_into:
            taker, by = merged_into[o.event]
            problems.append(Problem(f"event {o.event!r} was merged into {taker!r} by {by}; this override cannot "
                                    "change it", o.path, None, f"change {taker!r} instead, or drop one of the merges"))
            continue
        targets = [e.id for e in current.values() if _matches(e, o) and e.id not in merged_into]
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
                if other_id in merged_into:
                    taker, by = merged_into[other_id]
                    problems.append(Problem(f"cannot merge {other_id!r} into {event_id!r}: {by} already merged it "
                                            f"into {taker!r}", o.path, None,
                                            "an event can be merged into one other event only"))
                    continue
                e = _merged(e, other)
                merged_into[other_id] = (event_id, o.path)
                current[other_id] = dataclasses.replace(other, hidden=True,
                                                        edited=other.edited + ("merged-into:" + event_id,))
            current[event_id] = _changed(e, o)
    if problems:
        raise BuildError(problems)
    visible = [e for e in current.values() if not e.hidden] if overrides else [e for e in events if not e.hidden]
    keys = list(map(order, visible))
    if all(map(operator.le, keys, keys[1:])):
        # in order already (the merge's events, sorted by the same keys, when no override moved one): a
        # pass that checks, and each run of equal keys sorted by id, where sorting every event by
        # (key, id) took 0.2 s at 10,000 articles
        order_ties(visible, keys, lambda e: e.id)
        return visible
    ids = [e.id for e in visible]  # unique: ties end there
    return [visible[i] for i in sorted(range(len(visible)), key=lambda i: (keys[i], ids[i]))]
