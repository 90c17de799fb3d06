"""Site search with Pagefind (PyPI `pagefind`, which ships its binary): the
built site is indexed into output/pagefind/ so search works on static hosting.
Without Pagefind the build still succeeds, says so once, and the search page
explains how to browse instead."""

from __future__ import annotations

import importlib.util
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
    for folder in (fresh, old):
        shutil.rmtree(folder, ignore_errors=True)
    try:
        # The article pages hold the whole text of the corpus. Event pages quote
        # sentences of those articles, so indexing them too would return every
        # hit twice and multiply the index (and the indexer's memory: a site of
        # 1,500 articles has ~15,000 event pages); a reader reaches an event
        # from the article's marked, linked dates.
        r = subprocess.run([*command, "--site", str(output), "--output-path", str(fresh),
                            "--glob", "articles/**/*.html"],
                           capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        return False, f"Pagefind failed to run: {exc}"
    if r.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        return False, f"Pagefind failed: {(r.stderr or r.stdout).strip()[-500:]}"
    # Swap the new index in whole, so no stale fragment of an earlier build stays.
    if final.exists():
        final.rename(old)
    fresh.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return True, "search index written by Pagefind"
