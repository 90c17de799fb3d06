"""TimeML documents (TempEval-3's .tml files) read as raw text with their
gold TIMEX3s at character offsets: what the tagger benchmark scores and the
tests check the tagger against."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

_TAG = re.compile(r"<(/?)([A-Za-z0-9]+)([^>]*?)(/?)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


@dataclass
class Gold:
    start: int
    end: int
    type: str
    value: str
    text: str


@dataclass
class Document:
    name: str
    text: str
    dct: date
    gold: list[Gold] = field(default_factory=list)


def read_tml(path: Path) -> Document:
    raw = path.read_text(encoding="utf-8")
    dct_m = re.search(r'<TIMEX3[^>]*functionInDocument="CREATION_TIME"[^>]*>', raw)
    value = dict(_ATTR.findall(dct_m.group(0)))["value"] if dct_m else ""
    dct = date.fromisoformat(value[:10])
    body = raw[raw.index("<TEXT>") + len("<TEXT>") : raw.index("</TEXT>")]
    out: list[str] = []
    length = 0
    stack: list[tuple[int, dict]] = []
    gold: list[Gold] = []
    pos = 0
    for m in _TAG.finditer(body):
        chunk = html.unescape(body[pos : m.start()])
        out.append(chunk)
        length += len(chunk)
        pos = m.end()
        closing, name = m.group(1), m.group(2)
        if name != "TIMEX3":
            continue
        if not closing:
            stack.append((length, dict(_ATTR.findall(m.group(3)))))
        elif stack:
            start, attrs = stack.pop()
            gold.append(Gold(start, length, attrs.get("type", ""), attrs.get("value", ""), ""))
    out.append(html.unescape(body[pos:]))
    text = "".join(out)
    for g in gold:
        g.text = text[g.start : g.end]
    return Document(path.stem, text, dct, gold)
