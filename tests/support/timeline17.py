"""Timeline17 for the benchmarks (tls.py, quality.py): a topic's articles
converted into our content format, its journalists' timelines, and the
literature's way of picking and scoring key days (Date-F1).

The articles (one sentence per line, Penn-Treebank tokenized) are
detokenized into content/articles/*.md in a temporary folder: title = first
line, date = the folder's publication date, source = the outlet. A timeline
is read as tilse reads it (`Timeline.from_file`): blocks of a date line,
sentences and a line of 32 dashes; when a date has two blocks the later one
stands.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from generator.corpus.salience import day_order
from generator.model import Event

PTB = [
    (r"-LRB-", "("), (r"-RRB-", ")"), (r"-LCB-", "{"), (r"-RCB-", "}"), (r"-LSB-", "["), (r"-RSB-", "]"),
    (r"\\\*", "*"), (r"\\/", "/"),
]
DASHES = "-" * 32


def detokenize(line: str) -> str:
    """Undo Penn-Treebank tokenization well enough for the tagger and a reader."""
    s = line.strip()
    for a, b in PTB:
        s = re.sub(a, b, s)
    s = s.replace("#", "£")
    s = re.sub(r"``\s*", "“", s)
    s = re.sub(r"\s*''", "”", s)
    s = re.sub(r"\s+(n't|'s|'re|'ve|'ll|'d|'m|')(?=\s|$)", r"\1", s)
    s = re.sub(r"\s+([.,;:!?%)\]}])", r"\1", s)
    s = re.sub(r"([(\[{$£])\s+", r"\1", s)
    s = re.sub(r"\s+-\s+", " - ", s)
    return re.sub(r"\s{2,}", " ", s).strip()


def topic_dirs(data: Path, topic: str) -> list[Path]:
    """The source folders of a topic (H1N1 -> H1N1_bbc, H1N1_guardian, ...)."""
    dirs = sorted(p for p in data.iterdir() if p.is_dir() and p.name.startswith(topic + "_"))
    if not dirs:
        raise SystemExit(f"no folders {topic}_* in {data}")
    return dirs


def convert(topic_dirs: list[Path], out: Path) -> list[dict]:
    """Write the topic's articles as content/articles/*.md; return their metadata."""
    articles_dir = out / "content" / "articles"
    articles_dir.mkdir(parents=True)
    meta = []
    for src in topic_dirs:
        source = src.name.split("_", 1)[1]
        for day_dir in sorted((src / "InputDocs").iterdir()):
            for f in sorted(day_dir.glob("*.txt")):
                lines = [detokenize(x) for x in f.read_text(encoding="utf-8", errors="replace").splitlines()]
                lines = [x for x in lines if x]
                if not lines:
                    continue
                title = lines[0][:200].replace('"', "'")
                slug = f"{source}-{day_dir.name}-{f.name.split('.')[0]}"
                body = "\n\n".join(x.replace("*", "\\*").replace("_", "\\_") for x in lines[1:] or lines)
                (articles_dir / f"{slug}.md").write_text(
                    f'---\ntitle: "{title}"\ndate: {day_dir.name}\nsource: "{source}"\n---\n{body}\n', encoding="utf-8")
                meta.append({"slug": slug, "date": date.fromisoformat(day_dir.name), "source": source})
    (out / "site.toml").write_text(f'title = "Timeline17 {out.name}"\nbase_url = "/"\n')
    return meta


@dataclass(frozen=True)
class ReferenceTimeline:
    name: str  # <source folder>/<file stem>
    summaries: dict[date, list[str]]  # day -> sentences, tokenized as in the file

    @property
    def dates(self) -> list[date]:
        return sorted(self.summaries)

    @property
    def sentences_per_date(self) -> int:
        """news-tls's summary length: the mean number of sentences per date, rounded."""
        return round(sum(len(s) for s in self.summaries.values()) / len(self.summaries))


def parse_timeline(text: str) -> dict[date, list[str]]:
    """tilse's Timeline.from_file: a block ends at a line of 32 dashes; a line
    that parses as a date starts one; every other line is a sentence."""
    out: dict[date, list[str]] = {}
    day: date | None = None
    summary = ""
    for line in text.splitlines():
        line = line.strip()
        if line == DASHES:
            if day is not None:
                out[day] = [s.strip() for s in summary.strip().split("\n")]
            day, summary = None, ""
            continue
        try:
            day = datetime.strptime(line, "%Y-%m-%d").date()
        except ValueError:
            summary += line + "\n"
    return out


def read_reference_timelines(topic_dirs: list[Path]) -> list[ReferenceTimeline]:
    out = []
    for src in topic_dirs:
        for f in sorted((src / "timelines").glob("*.txt")):
            out.append(ReferenceTimeline(f"{src.name}/{f.stem}", parse_timeline(f.read_text(encoding="utf-8"))))
    return out


def read_timelines(topic_dirs: list[Path]) -> list[tuple[str, list[date]]]:
    """Each reference timeline's name and its dates."""
    return [(t.name, t.dates) for t in read_reference_timelines(topic_dirs)]


def event_day(e: Event) -> date | None:
    """The day of a day-precision event (None for coarser events)."""
    return date.fromisoformat(e.date[:10]) if e.precision == "day" else None


def day_events(events: Iterable[Event]) -> dict[date, list[Event]]:
    """The day-precision events of each day (the events whose salience makes
    a day's score), in the order the site lists them under that day
    (corpus.salience.day_order: the most reported first, then the day's
    other happenings of the story)."""
    out: dict[date, list[Event]] = defaultdict(list)
    for e in events:
        if (d := event_day(e)) is not None:
            out[d].append(e)
    for evs in out.values():
        evs.sort(key=lambda e: (-day_order(e), -e.salience, e.id))
    return dict(out)


def day_scores(events: Iterable[Event]) -> dict[date, float]:
    """A day's score for picking key days: the summed salience of its
    day-precision events (summed in the events' order)."""
    scores: dict[date, float] = defaultdict(float)
    for e in events:
        if (d := event_day(e)) is not None:
            scores[d] += e.salience
    return dict(scores)


def top_days(scores: dict[date, float], k: int, start: date, end: date) -> list[date]:
    days = [(s, d) for d, s in scores.items() if start <= d <= end and s > 0]
    days.sort(key=lambda x: (-x[0], x[1]))
    return [d for _, d in days[:k]]


def prf(picked: list[date], reference: list[date]) -> tuple[float, float]:
    hit = len(set(picked) & set(reference))
    return (hit / len(picked) if picked else 0.0), (hit / len(reference) if reference else 0.0)


def f1_of_means(ps: list[float], rs: list[float]) -> float:
    p, r = sum(ps) / len(ps), sum(rs) / len(rs)
    return 2 * p * r / (p + r) if p + r else 0.0
