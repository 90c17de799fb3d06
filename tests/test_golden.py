"""The golden seed site: the bundled content built and compared byte for byte
with what was committed in tests/golden/ (as Pelican's functional tests do).

Every file of the built site is compared by its SHA-256 (tests/golden/SHA256SUMS),
and a handful of pages are kept whole so a failure shows a readable diff.
After an intended change to the output, refresh the golden site with

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

and review `git diff tests/golden` before committing it.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.support import ROOT, build_site

GOLDEN = ROOT / "tests" / "golden"
SUMS = GOLDEN / "SHA256SUMS"
# Pages kept whole: the exports, the front page, and one page of each kind
# (the event with the most sources, the first article, its first person).
WHOLE = ["events.json", "timeline.json", "events.ics", "feed.xml", "sitemap.xml", "index.html"]


def _files(folder: Path) -> dict[str, bytes]:
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_file() and not rel.startswith(("pagefind/", ".generator-")):  # not the build's bookkeeping
            out[rel] = p.read_bytes()
    return out


def _whole_pages(files: dict[str, bytes]) -> list[str]:
    events = json.loads(files["events.json"])["events"]
    biggest = max(events, key=lambda e: (len(e["sources"]), e["id"]))
    article = sorted(k for k in files if k.startswith("articles/") and k.count("/") == 2)[0]
    person = sorted(k for k in files if k.startswith("people/") and k.count("/") == 2)[0]
    return [*WHOLE, f"events/{biggest['id']}/index.html", article, person]


def _sums(files: dict[str, bytes]) -> str:
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {rel}\n" for rel, data in sorted(files.items()))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("golden") / "site"
    # As published (an absolute base URL): the feed, sitemap and calendar are written and compared too.
    build_site(ROOT / "site.toml", output=out, base_url="https://example.org/", use_cache=False, search_index=False)
    return _files(out)


def test_seed_site_equals_golden(built):
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel in _whole_pages(built):
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(built[rel])
        SUMS.write_text(_sums(built))
        pytest.skip("golden site refreshed; review `git diff tests/golden`")
    assert SUMS.is_file(), "no golden site: run UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py"
    for path in sorted(GOLDEN.rglob("*")):
        rel = path.relative_to(GOLDEN).as_posix()
        if path.is_file() and rel != "SHA256SUMS":
            expected, got = path.read_bytes().decode("utf-8"), built.get(rel, b"").decode("utf-8")
            diff = "".join(difflib.unified_diff(expected.splitlines(True), got.splitlines(True),
                                                f"golden/{rel}", f"built/{rel}", n=1))
            assert got == expected, diff[:4000]
    expected = dict(line.split("  ", 1)[::-1] for line in SUMS.read_text().splitlines())
    got = dict(line.split("  ", 1)[::-1] for line in _sums(built).splitlines())
    assert sorted(set(expected) ^ set(got)) == [], "files added or missing"
    assert [rel for rel in expected if expected[rel] != got[rel]] == []
