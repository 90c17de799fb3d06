"""Site search with Pagefind (PyPI `pagefind`, which ships its binary): the
built site is indexed into output/pagefind/ so search works on static hosting.
Without Pagefind the build still succeeds, says so once, and the search page
explains how to browse instead.

Pagefind has no incremental mode: it reads every page it indexes again. A
rebuild whose indexed pages (the article pages) are all the live site's very
files (the staging folder holds hard links to them: write.py) takes the live
index instead of running it (`reuse_index`), since the same pages give the
same index; the manifest records which indexer made the live one
(`indexer_key`), so a new Pagefind or new arguments index again."""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import threading
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


# The article pages hold the whole text of the corpus. Event pages quote
# sentences of those articles, so indexing them too would return every hit
# twice and multiply the index (and the indexer's memory: a site of 1,500
# articles has ~15,000 event pages); a reader reaches an event from the
# article's marked, linked dates.
INDEXED = "articles"  # the folder of the pages indexed, each an .html file under it
GLOB = f"{INDEXED}/**/*.html"
FOLDER = "pagefind"  # the index, in the site


def indexed_pages(files) -> list[str]:
    """The site files (relative paths) Pagefind indexes, sorted."""
    return sorted(f for f in files if is_indexed(f))


def is_indexed(path: str) -> bool:
    """Does Pagefind index this site file (a relative path)?"""
    return path.startswith(INDEXED + "/") and path.endswith(".html")


def indexer_key() -> str | None:
    """Which indexer makes the index (Pagefind's version, its arguments, this
    file's code); None without Pagefind."""
    command = pagefind_command()
    if command is None:
        return None
    try:
        version = importlib.metadata.version("pagefind_bin")
    except importlib.metadata.PackageNotFoundError:
        version = "?"
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    return f"{version}|{GLOB}|{command[-1]}|{code}"


def reuse_index(site: Path, live: Path, pages: list[str], live_pages: list[str],
                scratch: Path | None = None) -> bool:
    """Give the new site in `site` (a staging folder) the live site's index when
    Pagefind would read exactly the pages it read for it: the same paths, each
    the live file itself (same inode: a page the build kept or found
    byte-identical is a hard link to it). The caller checks that the live
    index was made by the same indexer. False (nothing changed) otherwise.
    `scratch` as in index_site."""
    source = live / FOLDER
    if pages != live_pages or not source.is_dir() or _same_folder(site, live):
        return False
    for rel in pages:
        try:
            a, b = os.stat(site / rel, follow_symlinks=False), os.stat(live / rel, follow_symlinks=False)
        except OSError:
            return False
        if (a.st_ino, a.st_dev) != (b.st_ino, b.st_dev):
            return False
    with _Scratch(site, scratch) as work:
        fresh = site / ".pagefind-new"
        shutil.rmtree(fresh, ignore_errors=True)
        try:
            shutil.copytree(source, fresh, symlinks=True, copy_function=_link_or_copy)
        except (OSError, shutil.Error):
            shutil.rmtree(fresh, ignore_errors=True)
            return False
        work.publish(fresh)
    return True


def index_site(output: Path, scratch: Path | None = None) -> tuple[bool, str]:
    """Run Pagefind over the written site in `output`; (ok, message).

    `scratch`, a folder beside `output` on the same file system (none when
    the output is built in place), holds the indexer's working files: the
    sorted tree of pages Pagefind reads and the stale index the site held.
    Removing a thousand files and folders took seconds of a loaded machine's
    disk, so they are removed there, in a thread, while Pagefind runs (the
    tree of this run at the next run); without `scratch`, inside `output`,
    after Pagefind."""
    return Indexing(output, scratch).wait()


class Indexing:
    """Pagefind running over the site in `output` (as index_site), started
    as soon as the indexed pages are in place: a rebuild renders the rest of
    the site while it runs (render.PageRenderer.run). `wait()` gives
    (ok, message) and publishes the index; `stop()` (a failed build) ends
    the indexer and leaves no index behind. Pagefind reads only its sorted
    tree of the pages, made here at the start, so what is written into
    `output` afterwards cannot change the index."""

    def __init__(self, output: Path, scratch: Path | None = None):
        self.output = output
        self.fresh = output / ".pagefind-new"
        self.work: _Scratch | None = None
        self.process: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile()  # Pagefind's output: a file, so it never waits for a reader
        self.failed: str | None = None
        command = pagefind_command()
        if command is None:
            self.failed = NOT_INSTALLED
            return
        self.work = _Scratch(output, scratch).__enter__()
        shutil.rmtree(self.fresh, ignore_errors=True)
        _sorted_tree(output, self.work.source)
        try:
            self.process = subprocess.Popen(
                [*command, "--site", str(self.work.source), "--output-path", str(self.fresh), "--glob", GLOB],
                stdout=self.log, stderr=subprocess.STDOUT)
        except OSError as exc:
            self.failed = f"Pagefind failed to run: {exc}"

    def wait(self) -> tuple[bool, str]:
        if self.failed is None and self.process is not None:
            try:
                self.process.wait(timeout=600)
            except subprocess.TimeoutExpired as exc:
                self.failed = f"Pagefind failed to run: {exc}"
            else:
                if self.process.returncode != 0:
                    self.log.seek(0)
                    said = self.log.read().decode("utf-8", "replace")
                    self.failed = f"Pagefind failed: {said.strip()[-500:]}"
        if self.failed is None and self.work is not None:
            self.work.publish(self.fresh)
        self._finish()
        return (False, self.failed) if self.failed is not None else (True, "search index written by Pagefind")

    def stop(self) -> None:
        """End the indexer (if it still runs) and its working files; nothing after wait()."""
        if self.log.closed:
            return
        if self.failed is None:
            self.failed = "stopped"
        self._finish()

    def _finish(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        self.log.close()
        if self.failed is not None:
            shutil.rmtree(self.fresh, ignore_errors=True)
        work, self.work = self.work, None
        if work is not None:
            work.__exit__(None, None, None)


class _Scratch:
    """Where the indexer works for the site in `output`. With a scratch
    folder: on entering, the site's stale index is moved out of it (so a
    failure leaves the site with no index, never an old one) and earlier
    leftovers are removed in a thread, waited for on leaving; `source` is a
    fresh place for the sorted tree of pages, left for the next run to
    remove. Without one (the output built in place, live): the working
    folders are inside `output`, and the old index stays until the new one
    replaces it."""

    def __init__(self, output: Path, scratch: Path | None):
        self.output, self.final, self.scratch = output, output / FOLDER, scratch
        self.source = output / ".pagefind-src"
        self.thread: threading.Thread | None = None

    def __enter__(self) -> _Scratch:
        if self.scratch is None:
            for leftover in (self.source, self.output / ".pagefind-old"):
                shutil.rmtree(leftover, ignore_errors=True)
            return self
        self.scratch.mkdir(exist_ok=True)
        old = sorted(self.scratch.iterdir())
        if self.final.is_dir() and not self.final.is_symlink():
            stale = Path(tempfile.mkdtemp(prefix="stale-", dir=self.scratch))
            self.final.rename(stale / FOLDER)
            old.append(stale)
        else:
            _remove_all([self.final])
        self.source = Path(tempfile.mkdtemp(prefix="src-", dir=self.scratch))
        self.thread = threading.Thread(target=_remove_all, args=(old,), daemon=True)
        self.thread.start()
        return self

    def publish(self, fresh: Path) -> None:
        """The new index in whole, so no stale fragment of an earlier build stays."""
        if self.scratch is not None:
            fresh.rename(self.final)
            return
        old = self.output / ".pagefind-old"
        if self.final.exists():
            self.final.rename(old)
        fresh.rename(self.final)
        shutil.rmtree(old, ignore_errors=True)

    def __exit__(self, *exc) -> None:
        if self.thread is not None:
            self.thread.join()
        else:
            shutil.rmtree(self.source, ignore_errors=True)


def _remove_all(paths: list[Path]) -> None:
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def _sorted_tree(output: Path, source: Path) -> None:
    """The article pages, hard-linked into a new folder in sorted order.
    Pagefind indexes pages in the order the file system lists them, and the
    index it writes depends on that order: a folder made afresh in sorted
    order lists the same way whatever order the pages were written in, so
    the same site gives the same index (on a given file system)."""
    for page in sorted((output / INDEXED).rglob("*.html")):
        target = source / page.relative_to(output)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(page, target)
        except OSError:
            shutil.copyfile(page, target)
