"""Throw-away projects and builds for tests and benchmarks."""

from __future__ import annotations

import re
import shutil
import tomllib
from datetime import date
from pathlib import Path

from generator.build import BuildOptions, BuildResult, build
from generator.config import load_config
from generator.write import BOOKKEEPING

from .data import ROOT, shared_dir


def seed_articles() -> list[dict]:
    """The five seed articles as given (plain text) with their metadata."""
    seeds = shared_dir() / "seeds"
    meta = tomllib.loads((seeds / "metadata.toml").read_text(encoding="utf-8"))
    out = []
    for item in meta["article"]:
        item = dict(item)
        item["text"] = (seeds / item["file"]).read_text(encoding="utf-8")
        item["dct"] = item["date"] if isinstance(item["date"], date) else date.fromisoformat(str(item["date"]))
        out.append(item)
    return out


def make_project(tmp: Path, articles: dict[str, str | bytes] | None = None, site_toml: str | None = None,
                 copy_seed_content: bool = False) -> Path:
    """A project in `tmp`: site.toml, content/articles/*, the bundled templates."""
    (tmp / "content" / "articles").mkdir(parents=True, exist_ok=True)
    if copy_seed_content:
        for p in (ROOT / "content" / "articles").glob("*.md"):
            shutil.copy(p, tmp / "content" / "articles" / p.name)
    for name, text in (articles or {}).items():
        path = tmp / "content" / "articles" / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    (tmp / "site.toml").write_text(site_toml if site_toml is not None else
                                   'title = "Test site"\nbase_url = "/"\ntemplates_dir = "templates"\n',
                                   encoding="utf-8")
    return tmp


def seed_project(tmp: Path, base_url: str = "https://example.org/") -> Path:
    """A copy of the bundled seed project (its articles and site.toml), served
    from an absolute address (so the feed, sitemap and calendar are written
    and no build warns that they are not)."""
    project = make_project(tmp, copy_seed_content=True)
    text = (ROOT / "site.toml").read_text(encoding="utf-8")
    (project / "site.toml").write_text(text.replace('base_url = "/"', f'base_url = "{base_url}"'), encoding="utf-8")
    return project


def build_site(config_path: Path | str, output: Path | str | None = None, content: Path | str | None = None,
               base_url: str | None = None, **options) -> BuildResult:
    """Load the project's site.toml (with the command line's overrides) and build it."""
    config = load_config(config_path, content_dir=content, output_dir=output, base_url=base_url)
    return build(config, BuildOptions(**options))


def analysed(project: Path, write_output: bool = False):
    """(config, resources, analyses, their cache keys) of a project, read and
    analysed as a build does (`write_output`: the cache written too), one process."""
    from generator import pipeline
    from generator.build import Timer
    from generator.errors import Report
    from generator.resources import load_resources
    from generator.state import BuildState

    config = load_config(project / "site.toml")
    resources = load_resources(config, None)
    options = BuildOptions(write_output=write_output, jobs=1)
    _, analyses, keys, _ = pipeline.read_and_analyse(config, options, resources, Report(), Timer(), BuildState(),
                                                     remembered=False)
    return config, resources, analyses, keys


def site_files(folder: Path) -> dict[str, bytes]:
    """Every file of a built site by its path in the folder, less the build's bookkeeping: what two
    builds that must give the same bytes are compared by."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in BOOKKEEPING}


def redated(text: str, by: int, marker: str = "") -> str:
    """An article's text with its first year (after the front matter) moved
    by `by` years: its events move, its words stay; `marker`, if given, in a
    paragraph of its own at the end (so no dated sentence's words change).
    ValueError if the text writes no year."""
    return _at_first_year(text, lambda year: str(int(year) + by), marker, "move")


def reworded(text: str, word: str, marker: str = "") -> str:
    """An article's text with `word` after its first year (after the front
    matter), in that year's sentence: other keywords, as many dates;
    `marker`, if given, in a paragraph of its own at the end. ValueError if
    the text writes no year."""
    return _at_first_year(text, lambda year: f"{year} {word}", marker, "reword beside")


def _at_first_year(text: str, change, marker: str, what: str) -> str:
    """The text with its body's first year replaced by `change(year)`, and `marker` in a paragraph of its own."""
    head, sep, body = text.partition("\n---\n")
    year = re.search(r"\b(19|20)\d\d\b", body)
    if year is None:
        raise ValueError(f"the article writes no year to {what}")
    body = body[:year.start()] + change(year.group()) + body[year.end():]
    return head + sep + (body.rstrip("\n") + f"\n\n({marker})\n" if marker else body)


def redate(path: Path, by: int) -> None:
    """The article file's first year moved by `by` years (redated)."""
    path.write_text(redated(path.read_text(), by))
