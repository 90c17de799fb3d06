"""Site search with Pagefind (PyPI `pagefind`, which ships its binary): the
built site is indexed into output/pagefind/ so search works on static hosting.
Without Pagefind the build still succeeds, says so once, and the search page
explains how to browse instead.

Pagefind has no incremental mode: it reads every page it indexes again, and
its memory grows with them (over 3 GB for 10,000 articles). So a big site is
indexed in bundles: each article page belongs to one of K bundles by a hash of
its path (`bundle_of`), K a power of two set by the number of articles
(`bundle_count`, at most [site] search_bundle articles a bundle on average;
one bundle, output/pagefind/, for a small site), each bundle indexed by its
own Pagefind run, one run at a time, into its own folder (`bundle_folder`:
pagefind/ then pagefind/parts/1/ ...), and the search page merges them in the
browser (Pagefind's multisite search, `mergeIndex`). A page's bundle does not
depend on the other pages, so an edit changes one bundle's pages. A rebuild
takes the live index of every bundle whose pages are all the live site's very
files (the staging folder holds hard links to them: write.py) instead of
running Pagefind for it, since the same pages give the same index; the
manifest records which indexer (and how many bundles) made the live one
(`indexer_key`), so a new Pagefind, new arguments or another K index again."""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Collection
from pathlib import Path, PurePosixPath
from typing import IO, Final

from .staging import link_or_copy, same_bytes, same_inode

NOT_INSTALLED = "Pagefind is not installed (pip install 'pagefind[bin]'): the site has no search index"
FALLBACK_HINT = "the search page tells readers to browse by year, person, place or tag"


def pagefind_command() -> list[str] | None:
    """How to run Pagefind: the binary the PyPI package ships, run itself
    (`python -m pagefind` only starts an interpreter that finds that binary
    and hands over to it: 60 to 70 ms a run, 16 runs in a cold build at
    10,000 articles, and on the way of every one-article rebuild); else
    `python -m pagefind`; else a `pagefind` on the PATH. PAGEFIND_BINARY_PATH
    names another binary, as it does for the package itself."""
    chosen = os.environ.get("PAGEFIND_BINARY_PATH") or _shipped_binary()
    if chosen:
        return [chosen]
    if importlib.util.find_spec("pagefind") is not None:
        return [sys.executable, "-m", "pagefind"]
    exe = shutil.which("pagefind")
    return [exe] if exe else None


def _named_by_environment() -> str:
    """What a failure to start Pagefind adds when the environment chose the binary."""
    chosen = os.environ.get("PAGEFIND_BINARY_PATH")
    return f" (PAGEFIND_BINARY_PATH names {chosen}: unset it to run the one the pagefind package ships)" \
        if chosen else ""


def _shipped_binary() -> str | None:
    """The binary in the package that ships it (`pagefind_bin_extended` or
    `pagefind_bin`, as `pagefind` looks for them), found without importing it."""
    names = ("pagefind_extended", "pagefind")
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            continue
        if spec is None or spec.origin is None:
            continue
        folder = Path(spec.origin).parent
        for name in names:
            for candidate in (folder / name, folder / f"{name}.exe"):
                if candidate.is_file() and os.access(candidate, os.X_OK):
                    return str(candidate)
    return None


def available() -> bool:
    return pagefind_command() is not None


# The article pages hold the whole text of the corpus. Event pages quote
# sentences of those articles, so indexing them too would return every hit
# twice and multiply the index (and the indexer's memory: a site of 1,500
# articles has ~15,000 event pages); a reader reaches an event from the
# article's marked, linked dates.
INDEXED = "articles"  # the folder of the pages indexed, each an .html file under it
GLOB = f"{INDEXED}/**/*.html"
LISTING = f"{INDEXED}/index.html"
FOLDER = "pagefind"  # the index, in the site: the first bundle's folder
PARTS = "parts"  # the other bundles' folders, in the first's: pagefind/parts/1/ ...
BUNDLE_ARTICLES: Final[int] = 1000  # default of [site] search_bundle: most articles a bundle holds on average
TIMEOUT = 600  # seconds one Pagefind run may take
GIVE_WAY = 10  # the nice value a thread that gives way to Pagefind takes (Indexing give_way)
TREES = "trees"  # in the search's scratch folder: each bundle's sorted tree of pages, kept for the next run
STRAY = "stray-"  # a tree made where a kept one could not be removed (_tree): removed by the next run


def bundle_count(articles: int, per_bundle: int = BUNDLE_ARTICLES) -> int:
    """How many bundles the index of a site of `articles` articles has: the
    fewest, a power of two, that hold at most `per_bundle` each on average.
    Steps of two keep K for long stretches of growth (a change of K indexes
    every bundle again); one bundle up to `per_bundle` articles."""
    bundles = 1
    while articles > bundles * max(1, per_bundle):
        bundles *= 2
    return bundles


def bundle_of(path: str, bundles: int) -> int:
    """The bundle of the indexed page at `path` (relative to the site): a
    hash of the path alone (sha256, not hash(): the same in every process),
    so adding, editing or removing another page never moves it. The
    articles' list (articles/index.html, on every site) is in the first
    bundle, so that one is never empty: it holds the search UI's files."""
    if bundles <= 1 or path == LISTING:
        return 0
    digest = hashlib.sha256(path.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % bundles


def bundle_subfolder(bundle: int) -> str:
    """Where a bundle's index is in the index folder (pagefind/): the first
    at its top, the others in parts/N/ (the search page merges them: search.js)."""
    return "" if bundle == 0 else f"{PARTS}/{bundle}/"


def bundle_folder(bundle: int) -> str:
    """Where a bundle's index is in the site."""
    return f"{FOLDER}/{bundle_subfolder(bundle)}"


def bundles_with_pages(pages: list[str], bundles: int) -> list[int]:
    """The bundles that hold a page: Pagefind makes no index of none, so an
    empty bundle (only on a site of few articles a bundle) has no folder and
    the search page does not merge it."""
    return _with_pages(split(pages, bundles))


def _with_pages(parts: list[list[str]]) -> list[int]:
    """Of the bundles' pages (split), the bundles that get an index: those
    with a page, and the first always (it holds the search UI's files)."""
    return [bundle for bundle, pages in enumerate(parts) if pages or bundle == 0]


def split(pages: list[str], bundles: int) -> list[list[str]]:
    """The indexed pages of each bundle, each list sorted as `pages` is."""
    out: list[list[str]] = [[] for _ in range(bundles)]
    for page in pages:
        out[bundle_of(page, bundles)].append(page)
    return out


def indexed_pages(files) -> list[str]:
    """The site files (relative paths) Pagefind indexes, sorted."""
    return sorted(f for f in files if is_indexed(f))


def is_indexed(path: str) -> bool:
    """Does Pagefind index this site file (a relative path)? The article
    pages (articles/<slug>/index.html) and the articles' list, which keeps
    the first bundle from being empty (bundle_of), not the list's further
    pages (articles/page/2/index.html...): the article template marks its
    text data-pagefind-body, so Pagefind skips every page without it, and
    the index is the same without them. Left in, adding one article moved
    every list page by one and made every bundle that held one (at 10,000
    articles: most of the 8) be indexed again."""
    if path == LISTING:
        return True
    return path.startswith(INDEXED + "/") and path.endswith("/index.html") and path.count("/") == 2


def indexer_key(bundles: int = 1) -> str | None:
    """Which indexer makes the index (Pagefind's version, its arguments, this
    file's code, how many bundles); None without Pagefind."""
    command = pagefind_command()
    if command is None:
        return None
    try:
        version = importlib.metadata.version("pagefind_bin")
    except importlib.metadata.PackageNotFoundError:
        version = "?"
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    key = f"{version}|{GLOB}|{Path(command[-1]).name}|{code}"  # the program, not where it is installed
    return key if bundles == 1 else f"{key}|{bundles} bundles"


def index_site(output: Path, scratch: Path | None = None, bundles: int = 1) -> tuple[bool, str]:
    """Run Pagefind over the written site in `output`; (ok, message).

    `scratch`, a folder beside `output` on the same file system (none when
    the output is built in place), holds the indexer's working files: the
    sorted trees of pages Pagefind reads and the stale index the site held.
    Removing a thousand files and folders took seconds of a loaded machine's
    disk, so they are removed there, in a thread, while Pagefind runs (the
    trees of this run at the next run); without `scratch`, inside `output`,
    after Pagefind."""
    pages = indexed_pages(p.relative_to(output).as_posix() for p in (output / INDEXED).rglob("*.html"))
    return Indexing(output, scratch, pages, bundles).wait()


class Indexing:
    """The search index of the site in `output` (a staging folder, or the
    output built in place), started as soon as the indexed `pages` are in
    place: a rebuild renders the rest of the site while Pagefind runs
    (render.PageRenderer.run). The pages are split in `bundles`; a bundle
    whose pages are the very files of the live site `live` (given when the
    live index was made by the same indexer) takes the live bundle's index,
    hard-linked; the others are indexed by Pagefind in a thread, one run
    after another (one run's memory at a time). `wait()` gives (ok, message)
    and publishes the whole index; `stop()` (a failed build) ends the
    indexer and leaves no index behind. Pagefind reads only its sorted trees
    of the pages, made here at the start (or made again in place from the
    last run's: _tree), so what is written into `output` afterwards cannot
    change the index. `early` (the own-pages rebuild's EarlyBundle, started
    before the site was staged) is taken as its bundle's run when it reads
    that bundle's pages of the new site, and stopped otherwise.

    Pagefind starts on the first bundle that needs an index, while the
    others are still being compared with the live ones (some 0.35 s at
    10,000 articles, 16 bundles); `likely` (pages the build wrote anew, if
    it knows them: the own-pages rebuild) puts the bundles that hold them
    first. Which bundles are indexed, and so the index, is the same in any
    order. With `give_way`, the calling thread lowers its own priority once
    Pagefind runs (GIVE_WAY), for good: the command line's one-article
    rebuild, where Pagefind over one bundle is most of the time and what
    the build does beside it (the other bundles' checks and links, the
    rest of the pages kept, the manifest) only slowed it on two cores (10,000
    articles: 2.72 s against 2.97, four rebuilds each). Never in a process
    that lives on (the preview), nor where the system refuses."""

    def __init__(self, output: Path, scratch: Path | None, pages: list[str], bundles: int = 1,
                 live: Path | None = None, live_pages: list[str] | None = None, likely: Collection[str] = (),
                 give_way: bool = False, early: EarlyBundle | None = None):
        self.output = output
        self.early: EarlyBundle | None = None  # `early`, once it is known to index its bundle's pages (taken)
        self.fresh = output / ".pagefind-new"
        self.work: _Scratch | None = None
        self.process: subprocess.Popen | None = None
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()
        self.log = tempfile.TemporaryFile()  # Pagefind's output: a file, so it never waits for a reader
        self.failed: str | None = None
        self.kept: list[int] = []  # the bundles whose live index the new site takes
        self.todo: list[int] = []  # the bundles Pagefind indexes
        command = pagefind_command()
        if command is None:
            self.failed = NOT_INSTALLED
            return
        self.work = _Scratch(output, scratch, early.folder if early is not None else None, bundles).__enter__()
        self.trees = self.work.source  # each bundle's sorted tree of pages (_tree)
        self.tree_of: dict[int, Path] = {}
        shutil.rmtree(self.fresh, ignore_errors=True)
        parts = split(pages, bundles)
        if live is not None and _same_folder(output, live):
            live = None  # built in place: the live index is the one being replaced
        live_parts = split(live_pages or [], bundles) if live is not None else None
        # the bundles Pagefind indexes, handed to its thread as they are found (None: no more)
        self.queue: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        try:
            try:
                for bundle in _likely_first(_with_pages(parts), parts, likely):
                    bundle_pages = parts[bundle]
                    if live is not None and live_parts is not None and _reusable(
                            output, live, bundle, bundle_pages, live_parts[bundle]):
                        _copy_bundle(live, self.fresh, bundle)
                        self.kept.append(bundle)
                        continue
                    if early is not None and bundle == early.bundle and self.early is None:
                        if early.serves(output, bundle_pages):
                            self.early = early  # its run, started before the new site was staged, is this bundle's
                            early.taken = True
                        else:
                            early.stop()  # (before the tree it reads is made again for the run here)
                    if self.early is None or bundle != self.early.bundle:
                        self.tree_of[bundle] = _tree(self.trees, f"{bundles}-{bundle}", output, bundle_pages,
                                                     kept=self.work.kept)
                    self.todo.append(bundle)
                    self.queue.put(bundle)
                    if self.thread is None:  # Pagefind starts on the first bundle to index
                        self.thread = threading.Thread(target=self._run_all, args=(command,), daemon=True)
                        self.thread.start()
                        if give_way:
                            _give_way()
            finally:
                self.queue.put(None)
                if early is not None and not early.taken:
                    early.stop()  # (its bundle's index is the live one, or its pages are not those it reads)
        except (OSError, shutil.Error) as exc:
            with self.lock:
                self.failed = self.failed or f"Pagefind failed to run: {exc}"
                if self.process is not None and self.process.poll() is None:
                    self.process.kill()  # (the index is not used: wait() need not wait for this run)
        except BaseException:  # an interruption: nothing is left running once this raises
            self.stop()
            raise

    def running(self) -> bool:
        """Is Pagefind still indexing (or about to)? It keeps a core busy until it is done."""
        return self.thread is not None and self.thread.is_alive()

    def _run_all(self, command: list[str]) -> None:
        """Pagefind over each bundle to index, one run after another, in
        the order they are found."""
        while (bundle := self.queue.get()) is not None:
            target = self.fresh / bundle_subfolder(bundle)
            early = self.early if self.early is not None and bundle == self.early.bundle else None
            log = early.log if early is not None else self.log
            with self.lock:
                if self.failed is not None:
                    return
                try:
                    self.process = early.process if early is not None else subprocess.Popen(
                        [*command, "--site", str(self.tree_of[bundle]), "--output-path", str(target),
                         "--glob", GLOB], stdout=self.log, stderr=subprocess.STDOUT)
                except OSError as exc:
                    self.failed = f"Pagefind failed to run: {exc}{_named_by_environment()}"
                    return
                process = self.process
                assert process is not None and log is not None
            try:
                code = process.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired as exc:
                with self.lock:
                    self.failed = self.failed or f"Pagefind failed to run: {exc}"
                return
            if code != 0:
                with self.lock:
                    if self.failed is None:
                        log.seek(0)
                        said = log.read().decode("utf-8", "replace")
                        self.failed = f"Pagefind failed: {said.strip()[-500:]}"
                return
            if early is not None:
                try:
                    early.move_to(target)
                except OSError as exc:
                    with self.lock:
                        self.failed = self.failed or f"Pagefind's index could not be moved in place: {exc}"
                    return

    def wait(self) -> tuple[bool, str]:
        if self.thread is not None:
            self.thread.join()
        if self.failed is None and self.work is not None:
            self.work.publish(self.fresh)
        self._finish()
        if self.failed is not None:
            return False, self.failed
        if not self.todo:
            return True, "search index kept: no indexed page changed"
        return True, "search index written by Pagefind"

    def stop(self) -> None:
        """End the indexer (if it still runs) and its working files; nothing after wait()."""
        if self.log.closed:
            return
        with self.lock:
            if self.failed is None:
                self.failed = "stopped"
        self._finish()

    def _finish(self) -> None:
        with self.lock:
            process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        if self.thread is not None:
            self.thread.join()  # it starts no run once failed is set
            self.thread = None
        self.log.close()
        if self.failed is not None:
            shutil.rmtree(self.fresh, ignore_errors=True)
        work, self.work = self.work, None
        if work is not None:
            work.__exit__(None, None, None)


class EarlyBundle:
    """Pagefind over one bundle, started before the new site is staged: the
    command line's rebuild of an edited article's own page (own_pages.py),
    where Pagefind's run over the article's bundle is most of the wall time
    and used to start only once the live manifest was parsed and the
    staging folder taken over (10,000 articles: at about 1.0 s of 2.6).
    Its pages are the live site's files, hard-linked, and the pages written
    anew, as their bytes, in a sorted tree of its own in the search's
    scratch folder. Indexing takes the run for that bundle only when the
    bundle's pages are those very pages (`serves`: the same paths, each
    staged page the file the tree holds, or the bytes it was given), so the
    index is the one a run started there would write; else the run is
    stopped and the bundle indexed as usual. `stop()` ends it either way
    (the caller's, once the build is done or given up)."""

    def __init__(self, bundle: int, pages: list[str], written: dict[str, bytes]):
        self.bundle, self.pages, self.written = bundle, pages, written
        self.folder: Path | None = None  # in the scratch folder: the index it writes (out/)
        self.tree: Path | None = None  # the bundle's tree of pages it reads (_tree)
        self.process: subprocess.Popen | None = None
        self.log: IO[bytes] | None = None
        self.taken = False  # by Indexing, which then waits for it, reads its log and moves its index

    @classmethod
    def start(cls, live: Path, scratch: Path, bundles: int, bundle: int, pages: list[str],
              written: dict[str, bytes], give_way: bool = False) -> EarlyBundle | None:
        """Pagefind started over `pages` (those of `bundle` of `bundles`,
        relative to the live site `live`; `written`: those of them given as
        bytes), working in the search's `scratch` folder; None when it
        cannot start (the usual run then says why). With `give_way`, the
        calling thread then gives way to it (Indexing's `give_way`)."""
        command = pagefind_command()
        if command is None:
            return None
        run = cls(bundle, pages, written)
        try:
            (scratch / TREES).mkdir(parents=True, exist_ok=True)
            run.folder = Path(tempfile.mkdtemp(prefix="early-", dir=scratch))
            run.tree = _tree(scratch / TREES, f"{bundles}-{bundle}", live, pages, written)
            run.log = tempfile.TemporaryFile()
            run.process = subprocess.Popen(
                [*command, "--site", str(run.tree), "--output-path", str(run.folder / "out"),
                 "--glob", GLOB], stdout=run.log, stderr=subprocess.STDOUT)
        except (OSError, shutil.Error):
            run.stop()
            return None
        except BaseException:  # an interruption: no run left without an owner
            run.stop()
            raise
        if give_way:
            _give_way()
        return run

    def serves(self, site: Path, pages: list[str]) -> bool:
        """Are `pages`, in the new site `site`, what this run reads? The same
        paths, each the very file linked into its tree (same inode) or the
        bytes it was given. Some 650 pairs of stats at 10,000 articles."""
        if self.process is None or self.tree is None or pages != self.pages or self.process.poll() not in (None, 0):
            return False  # (a run that failed is not taken: the usual run tries again)
        return all(_holds(f"{site}/{rel}", f"{self.tree}/{rel}", self.written.get(rel)) for rel in pages)

    def move_to(self, target: Path) -> None:
        """The index it wrote, moved into `target` (the bundle's folder in the new index, which for
        the first bundle may hold the other bundles' folders already)."""
        assert self.folder is not None
        target.mkdir(parents=True, exist_ok=True)
        out = self.folder / "out"
        for entry in sorted(out.iterdir()):
            os.rename(entry, target / entry.name)

    def stop(self) -> None:
        """End the run if it still goes; its folder goes unless Indexing took it (the next
        build's scratch folder clears it). Its tree is kept, as the usual runs' are."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.log is not None:
            self.log.close()
        if self.folder is not None and not self.taken:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def _give_way() -> None:
    """Lower this thread's scheduling priority: on Linux a nice value is a
    thread's own (elsewhere the call would name the process, or another),
    and a thread or process starts with its parent thread's, so Pagefind's
    runs, started by the indexer's thread made before this, keep theirs;
    what this thread starts afterwards takes the lower one. A raised nice
    value cannot be lowered again without privileges, hence only in a
    process that ends with its build."""
    if not sys.platform.startswith("linux"):
        return
    try:
        me = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, me, max(os.getpriority(os.PRIO_PROCESS, me), GIVE_WAY))
    except (AttributeError, OSError):
        pass  # (no such call here, or not allowed: the build is as fast, Pagefind a little slower)


def _likely_first(bundles: list[int], parts: list[list[str]], likely: Collection[str]) -> list[int]:
    """`bundles`, those holding a page of `likely` first (each group in order)."""
    if not likely:
        return bundles
    wanted = set(likely)
    first = [b for b in bundles if not wanted.isdisjoint(parts[b])]
    return first + [b for b in bundles if b not in first]


def _reusable(site: Path, live: Path, bundle: int, pages: list[str], live_pages: list[str]) -> bool:
    """May the new site take the live index of this bundle? When Pagefind
    would read exactly the pages it read for it: the same paths, each the
    live file itself (same inode: a page the build kept or found
    byte-identical is a hard link to it). The caller never asks when
    building in place."""
    if pages != live_pages or not (live / bundle_folder(bundle) / "pagefind-entry.json").is_file():
        return False
    here, there = f"{site}/", f"{live}/"  # strings: 20,000 Path joins cost 0.2 s at 10,000 articles
    return all(same_inode(here + rel, there + rel) for rel in pages)


def _copy_bundle(live: Path, fresh: Path, bundle: int) -> None:
    """The live bundle's index, hard-linked into the new index (the first
    bundle's folder without the other bundles in it)."""
    _linked_tree(str(live / bundle_folder(bundle)), str(fresh / bundle_subfolder(bundle)),
                 {PARTS} if bundle == 0 else set())


def _linked_tree(source: str, target: str, skip: set[str]) -> None:
    """shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)
    with each file hard-linked (copied where it cannot be), less the entries
    named in `skip`, and no folder's times or mode copied: some 700 files a
    bundle, fifteen bundles kept beside the one Pagefind indexes after an
    edit at 10,000 articles, where copytree's own work per file took 0.4 s
    of the build thread beside Pagefind."""
    os.makedirs(target, exist_ok=True)
    with os.scandir(source) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name in skip:
                continue
            to = f"{target}/{entry.name}"
            if entry.is_symlink():
                os.symlink(os.readlink(entry.path), to)
            elif entry.is_dir():
                _linked_tree(entry.path, to, skip)
            else:
                link_or_copy(entry.path, to)


class _Scratch:
    """Where the indexer works for the site in `output`. With a scratch
    folder: on entering, the site's stale index is moved out of it (so a
    failure leaves the site with no index, never an old one) and earlier
    leftovers are removed in a thread, waited for on leaving; `source` is
    where the bundles' sorted trees of pages are kept (TREES), each made
    again from the one the last run left (`kept`: _tree). Without one (the
    output built in place, live): the working folders are inside `output`,
    the trees made afresh and removed on leaving, and the old index stays
    until the new one replaces it."""

    def __init__(self, output: Path, scratch: Path | None, keep: Path | None = None, bundles: int = 1):
        """`keep`: a folder in the scratch folder that is in use (EarlyBundle's), not a leftover;
        `bundles`: how many the index has (the kept trees of another number are leftovers)."""
        self.output, self.final, self.scratch, self.keep = output, output / FOLDER, scratch, keep
        self.bundles = bundles
        self.source = output / ".pagefind-src"
        self.kept = False  # are the trees in `source` kept from one run to the next?
        self.thread: threading.Thread | None = None

    def __enter__(self) -> _Scratch:
        if self.scratch is None:
            for leftover in (self.source, self.output / ".pagefind-old"):
                shutil.rmtree(leftover, ignore_errors=True)
            return self
        self.scratch.mkdir(exist_ok=True)
        self.source, self.kept = self.scratch / TREES, True
        old = sorted(p for p in self.scratch.iterdir() if p not in (self.keep, self.source))
        if self.source.is_dir():  # trees of another number of bundles, or not removable last time
            old += sorted(p for p in self.source.iterdir() if not p.name.startswith(f"{self.bundles}-"))
        if self.final.is_dir() and not self.final.is_symlink():
            stale = Path(tempfile.mkdtemp(prefix="stale-", dir=self.scratch))
            self.final.rename(stale / FOLDER)
            old.append(stale)
        else:
            _remove_all([self.final])
        self.source.mkdir(exist_ok=True)
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


def _holds(path: str, source: str, data: bytes | None) -> bool:
    """Is the file at `path` what a tree of pages wants there: the bytes
    `data` when given, else the very file at `source` (a hard link of it)?"""
    return same_bytes(path, data) if data is not None else same_inode(path, source)


def _tree(trees: Path, name: str, output: Path, pages: list[str], written: dict[str, bytes] | None = None,
          kept: bool = True) -> Path:
    """The sorted tree of `pages` (relative paths in `output`; `written`:
    pages given as bytes) for a Pagefind run, at trees/name. With `kept`,
    the tree the last run over the same paths left there is made again in
    place (_refreshed: each page that is not the file, or the bytes, wanted
    now replaced; its folders stay), else made afresh (_sorted_tree). A new
    folder is most of a tree's cost: 650 of them took 0.12 s on this
    machine's ext4, against 6 ms for the links. `trees/name.json` lists the
    paths of a tree made whole: it is removed before the tree is touched,
    so a run killed meanwhile leaves a tree the next one makes afresh."""
    tree = trees / name
    if not kept:
        _sorted_tree(output, tree, pages, written)
        return tree
    listing = trees / f"{name}.json"
    try:
        same = json.loads(listing.read_bytes()) == pages
    except (OSError, ValueError):
        same = False
    listing.unlink(missing_ok=True)
    if same and _refreshed(output, tree, pages, written):
        listing.write_text(json.dumps(pages), encoding="utf-8")
        return tree
    shutil.rmtree(tree, ignore_errors=True)
    stray = os.path.lexists(tree)
    if stray:  # (not removable: a new folder, never written into its files, which are links to the
        # site's pages; not kept, and removed by the next run: _Scratch)
        tree = Path(tempfile.mkdtemp(prefix=f"{STRAY}{name}-", dir=trees))
    _sorted_tree(output, tree, pages, written)
    if not stray:
        listing.write_text(json.dumps(pages), encoding="utf-8")
    return tree


def _refreshed(output: Path, tree: Path, pages: list[str], written: dict[str, bytes] | None) -> bool:
    """Make the tree of `pages` that `tree` holds hold each page as it is now
    (the file in `output`, hard-linked, or its bytes in `written`); False if
    that cannot be done in place. A page is replaced only where it is the
    one page under its folder (an article's): in a folder of several
    entries, a name removed and added again may be listed elsewhere (btrfs
    lists a folder in the order its names were added), and the order is
    part of the index (_sorted_tree)."""
    under: Counter[str] = Counter()
    for rel in pages:
        folder = os.path.dirname(rel)
        while folder:
            under[folder] += 1
            folder = os.path.dirname(folder)
    here, there = f"{output}/", f"{tree}/"
    try:
        for rel in pages:
            target = there + rel
            data = written.get(rel) if written else None
            if _holds(target, here + rel, data):
                continue
            folder = os.path.dirname(rel)
            if not folder or under[folder] != 1 or not os.path.isdir(there + folder):
                return False
            if os.path.lexists(target):
                os.unlink(target)
            if data is not None:
                with open(target, "xb") as fh:
                    fh.write(data)
            else:
                link_or_copy(here + rel, target)
    except OSError:
        return False
    return True


def _sorted_tree(output: Path, source: Path, pages: list[str], written: dict[str, bytes] | None = None) -> None:
    """The pages (relative paths in `output`), hard-linked into a new folder
    in sorted order. Pagefind indexes pages in the order the file system
    lists them, and the index it writes depends on that order: a folder
    made afresh in sorted order lists the same way whatever order the pages
    were written in, so the same pages give the same index (on a given file
    system). `written`: pages given as their bytes, written into the folder
    instead of linked (EarlyBundle's, before the new site has them)."""
    source.mkdir(parents=True, exist_ok=True)
    # (strings, and each folder made once: Path joins and mkdir(parents=True) were two thirds of
    # the 0.15 s that 650 pages took, before the own-pages rebuild's Pagefind could start)
    here, there, made = f"{output}/", f"{source}/", {""}
    for rel in sorted(pages, key=lambda p: PurePosixPath(p).parts):
        folder = os.path.dirname(rel)
        if folder not in made:
            os.makedirs(there + folder, exist_ok=True)
            made.add(folder)
        target = there + rel
        data = written.get(rel) if written else None
        if data is not None:
            with open(target, "xb") as fh:  # (a new file: never one that is a link to a page of a site)
                fh.write(data)
            continue
        link_or_copy(here + rel, target)  # (a copy only where the file system has no links)
