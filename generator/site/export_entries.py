"""events.json's entries kept by the preview between builds: each event's
entry is the last build's text where what it prints is the same.

events.json lists every event (10,000 articles: 65,000 entries, 75 MB),
and an edit changes a few; encoding them all again took about 2 s of CPU
per rebuild. An entry prints the view's id, date, precision, title,
summary, URL, names, tags and sources (strings, and lists and frozen views
of strings: equal exactly when they print the same), and its salience,
key and background, which move with any edit anywhere: those three are
written anew each time, between the kept text before them and after them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter

from .exports import _safe, compact_json, entry_head, entry_tail
from .views import EventView

# what an entry prints of its view, but for the salience, key and background
_MADE = attrgetter("id", "date", "precision", "title", "summary", "url", "entity_names", "tags", "sources")


def _number(x: float) -> str:
    """A float as compact_json writes it (events.json's salience)."""
    return compact_json(x)


def entry_parts(v: EventView) -> tuple[bytes, bytes]:
    """The entry's text before its salience and after its background
    (exports.entry_head and entry_tail), escaped and encoded as events.json is (exports._safe)."""
    head = compact_json(entry_head(v))[:-1] + ',"salience":'
    tail = "," + compact_json(entry_tail(v))[1:]
    return _safe([head]), _safe([tail])


def _moving(v: EventView) -> bytes:
    """The salience, key and background's text (exports.entry_moving: digits, letters and
    punctuation, nothing to escape)."""
    return (f'{_number(v.salience)},"key":{"true" if v.key else "false"}'
            f',"background":{"true" if v.background else "false"}').encode("ascii")


@dataclass
class EntryMemo:
    """The last build's entries' text, by event URL: (what it printed, text before, text after)."""

    entries: dict[str, tuple[tuple, bytes, bytes]] = field(default_factory=dict)

    def pieces(self, views: list[EventView]) -> list[bytes]:
        """The views' entries as events.json lists them (comma between),
        in pieces to join: the kept ones where the view prints as the last
        build's at its URL. The memo then holds this build's."""
        old, new = self.entries, {}
        out: list[bytes] = []
        for v in views:
            made = _MADE(v)
            got = old.get(v.url)
            if got is not None and got[0] == made:
                head, tail = got[1], got[2]
            else:
                head, tail = entry_parts(v)
            new[v.url] = (made, head, tail)
            out += (b",", head, _moving(v), tail)
        self.entries = new
        return out[1:]
