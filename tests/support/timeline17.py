"""Timeline17 (../shared/data/timeline17) read as our content: articles
detokenized into Markdown files with front matter, and the journalists'
timelines. Shared by the tests and the benchmarks (tls.py, quality.py)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

PTB = [
    (r"-LRB-", "("), (r"-RRB-", ")"), (r"-LCB-", "{"), (r"-RCB-", "}"), (r"-LSB-", "["), (r"-RSB-", "]"),
    (r"\\\*", "*"), (r"\\/", "/"),
]


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


def read_timelines(topic_dirs: list[Path]) -> list[tuple[str, list[date]]]:
    out = []
    for src in topic_dirs:
        for f in sorted((src / "timelines").glob("*.txt")):
            dates = sorted({date.fromisoformat(m) for m in re.findall(r"^(\d{4}-\d{2}-\d{2})\s*$",
                                                                       f.read_text(encoding="utf-8"), re.M)})
            out.append((f"{src.name}/{f.stem}", dates))
    return out
