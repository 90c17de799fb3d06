"""Site search with Pagefind (PyPI `pagefind`, which ships its binary): the
built site is indexed into output/pagefind/ so search works on static hosting.
Without Pagefind the build still succeeds, says so once, and the search page
explains how to browse instead."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

NOT_INSTALLED = "Pagefind is not installed (pip install 'pagefind[bin]'): the site has no search index"
FALLBACK_HINT = "the search page tells readers to browse by year, person, place or tag"


def pagefind_command() -> list[str] | None:
    if importlib.util.find_spec("pagefind") is not None:
        return [sys.executable, "-m", "pagefind"]
    exe = shutil.which("pagefind")
    return [exe] if exe else None


def available() -> bool:
    return pagefind_command() is not None


def index_site(output: Path) -> tuple[bool, str]:
    """Run Pagefind over the written site; (ok, message)."""
    command = pagefind_command()
    if command is None:
        return False, NOT_INSTALLED
    fresh, final, old = output / ".pagefind-new", output / "pagefind", output / ".pagefind-old"
    source = output / ".pagefind-src"
    for folder in (fresh, old, source):
        shutil.rmtree(folder, ignore_errors=True)
    _sorted_tree(output, source)
    try:
        # The article pages hold the whole text of the corpus. Event pages quote
        # sentences of those articles, so indexing them too would return every
        # hit twice and multiply the index (and the indexer's memory: a site of
        # 1,500 articles has ~15,000 event pages); a reader reaches an event
        # from the article's marked, linked dates.
        r = subprocess.run([*command, "--site", str(source), "--output-path", str(fresh),
                            "--glob", "articles/**/*.html"],
                           capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(source, ignore_errors=True)
        shutil.rmtree(fresh, ignore_errors=True)
        return False, f"Pagefind failed to run: {exc}"
    shutil.rmtree(source, ignore_errors=True)
    if r.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        return False, f"Pagefind failed: {(r.stderr or r.stdout).strip()[-500:]}"
    # Swap the new index in whole, so no stale fragment of an earlier build stays.
    if final.exists():
        final.rename(old)
    fresh.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return True, "search index written by Pagefind"


def _sorted_tree(output: Path, source: Path) -> None:
    """The article pages, hard-linked into a new folder in sorted order.
    Pagefind indexes pages in the order the file system lists them, and the
    index it writes depends on that order: a folder made afresh in sorted
    order lists the same way whatever order the pages were written in, so
    the same site gives the same index (on a given file system)."""
    for page in sorted((output / "articles").rglob("*.html")):
        target = source / page.relative_to(output)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(page, target)
        except OSError:
            shutil.copyfile(page, target)
