"""Shared fixtures: the repository, the shared data, built sites in temp folders."""

from __future__ import annotations

import shutil
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _shared import shared_dir  # noqa: E402

SHARED = shared_dir()
SEEDS = SHARED / "seeds"
TEMPEVAL = SHARED / "data" / "tempeval3" / "tbaq"


def seed_articles() -> list[dict]:
    meta = tomllib.loads((SEEDS / "metadata.toml").read_text(encoding="utf-8"))
    out = []
    for item in meta["article"]:
        item = dict(item)
        item["text"] = (SEEDS / item["file"]).read_text(encoding="utf-8")
        item["dct"] = item["date"] if isinstance(item["date"], date) else date.fromisoformat(str(item["date"]))
        out.append(item)
    return out


def make_project(tmp: Path, articles: dict[str, str] | None = None, site_toml: str | None = None,
                 copy_seed_content: bool = False) -> Path:
    """A throw-away project: site.toml, content/articles/*, bundled templates."""
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


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory):
    """The bundled seed content built once into a temp folder."""
    from generator.build import build

    out = tmp_path_factory.mktemp("seed-site")
    result = build(ROOT / "site.toml", output_dir=out, use_cache=False)
    return result, out


CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run `make browser-test`, which installs it")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
