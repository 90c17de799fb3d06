"""Turn the plain-text seed articles into content/articles/*.md.

    python scripts/import_seeds.py [SEEDS_DIR] [--out content/articles]

Kept so the bundled content can be re-made and reviewed; it is not part of a
build. What it does to each file:

* front matter (YAML) from seeds/metadata.toml: title, date, source, author,
  plus tags given below;
* page furniture is dropped: breadcrumbs, "Читать на русском", "Photo: ...",
  "You are here", "Market voices on:", "Top reads" / "Read also" and all that
  follows, disclaimers, repeated headlines, the author's bio line and pull
  quotes that repeat a sentence of the text;
* image captions are kept as an italic paragraph with the "Image Credit" and
  agency credits removed (a caption can date an event: "on May 31, 2018");
* short lines without final punctuation between paragraphs become "##"
  sub-headings; a standfirst under the headline becomes an italic paragraph.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.content import slugify  # noqa: E402

TAGS = {
    "000_bcca74d3700e75c2.txt": ["Russia", "diplomacy", "Europe", "United States"],
    "001_890a185fec132625.txt": ["Russia", "China", "Asia-Pacific", "Korean peninsula"],
    "002_8c19c0999db05f1e.txt": ["Russia", "Mongolia", "sanctions", "China"],
    "003_52b1213e8f2775c9.txt": ["Russia", "China", "military exercises", "Asia-Pacific"],
    "004_7dd0a630c73659db.txt": ["Russia", "United States", "diplomacy", "China"],
}

FURNITURE = re.compile(
    r"^(?:Читать на русском|Photo:.*|You are here|Market voices on:|Search|Foreign policy|Russia - EU|"
    r"Disclaimer:.*|•?\s*(?:The writer|Andrew Hammond) is an Associate.*|Andrew Hammond)$"
)
STOP_AT = re.compile(r"^(?:Top reads|Read also)$")


def clean(text: str, title: str) -> str:
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").split("\n")]
    paragraphs: list[str] = []
    for ln in lines:
        if STOP_AT.match(ln):
            break
        if not ln or FURNITURE.match(ln) or ln == title:
            continue
        if "Image Credit" in ln:
            caption = re.sub(r"\s*(?:/\s*[A-Z][\w ]*)*\s*Image Credit:.*$", "", ln).strip()
            caption = re.sub(r"(?:\s*/\s*[A-Za-z][\w .]*)+$", "", caption).strip()
            if len(caption.split()) > 6:
                paragraphs.append(f"*{caption}*")
            continue
        paragraphs.append(ln)
    body = " ".join(p for p in paragraphs if not p.startswith("*"))
    out: list[str] = []
    for i, p in enumerate(paragraphs):
        # A standfirst: one unpunctuated sentence about the piece under the headline.
        if i <= 1 and not re.search(r"[.!?]$", p) and re.search(r"\bon\s(?:how|why|what)\b", p):
            out.append(f"*{p}*")
            continue
        if p.startswith("*"):
            out.append(p)
            continue
        # A pull quote repeats a sentence of the text verbatim.
        if not p.endswith((".", "”", "\"", "?", "!", ";")) and body.count(p) > 1:
            continue
        short_question = p.endswith("?") and len(p.split()) <= 4
        unpunctuated = not re.search(r"[.!?”\"»:;]$", p) and len(p.split()) <= 8
        if (unpunctuated or short_question) and 0 < i < len(paragraphs) - 1:
            out.append("## " + p)
            continue
        out.append(p)
    text = "\n\n".join(out)
    # Markdown would read "* " at a line start or "1." as list syntax.
    return re.sub(r"^(\d+)\. ", r"\1\\. ", text, flags=re.M)


def front_matter(meta: dict, tags: list[str]) -> str:
    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return "\n".join([
        "---",
        f"title: {q(meta['title'])}",
        f"date: {meta['date']}",
        f"source: {q(meta['source'])}",
        f"author: {q(meta['author'])}",
        "tags: [" + ", ".join(q(t) for t in tags) + "]",
        "---",
        "",
    ])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("seeds", nargs="?", type=Path, default=ROOT.parent / "shared" / "seeds")
    ap.add_argument("--out", type=Path, default=ROOT / "content" / "articles")
    args = ap.parse_args(argv)
    meta = tomllib.loads((args.seeds / "metadata.toml").read_text(encoding="utf-8"))
    args.out.mkdir(parents=True, exist_ok=True)
    for item in meta["article"]:
        text = (args.seeds / item["file"]).read_text(encoding="utf-8")
        body = clean(text, item["title"])
        name = f"{item['date']}-{slugify(item['title'], 60)}.md"
        (args.out / name).write_text(front_matter(item, TAGS.get(item["file"], [])) + body + "\n", encoding="utf-8")
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
