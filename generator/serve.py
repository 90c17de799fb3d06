"""Live preview for editors: build, serve, rebuild on every change, reload the
browser.

    python -m generator serve [--host 127.0.0.1] [--port 5500] [--open]

* The preview is built (drafts included, base URL "/") into `.preview/`, never
  into the published output folder.
* A watcher (watching.py) follows content/, the templates, site.toml and the
  tagger's rule files by the operating system's file events (polling where
  there are none), so rebuilds happen whether or not a browser is open;
  each rebuild reuses the per-article cache, so only edited articles are
  re-extracted. Then every open tab is told to reload (livereload's protocol
  and client script).
* A save of articles alone is drafted first (draft.py): the saved pages are
  served from memory and the open tabs reloaded within a few tens of
  milliseconds, before the rebuild starts. The fingerprinted stylesheet and
  script and livereload's script are kept by the browser, so that reload
  fetches the page alone.
* Saves are taken and drafted by one task and rebuilt by another: a save
  made while a rebuild runs is drafted and shown at once, and the rebuild
  that follows includes it. Every page served carries the preview's version
  (a count of the drafts made and the rebuilds ended); a page that connects
  later than a draft of its URL (it was loading when the draft was
  announced) is sent that draft then, and one older than the last rebuild
  reloads.
* A failed rebuild keeps the last good site and shows an overlay naming the
  file, line and message on every page until the next good build.
* Only files inside the built site are served (403 for anything that resolves
  elsewhere, symlinks included), never the build's own bookkeeping (dot
  files such as .generator-manifest.json); a request whose Host header is
  not one this server listens on is refused (DNS rebinding), pages and reload
  websocket alike, and the websocket also refuses pages from other origins.
* The watcher survives any error: it is shown in the overlay, and the next
  good save rebuilds.

This is the only module that imports livereload and tornado.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import gc
import ipaddress
import json
import os
import re
import secrets
import socket
import sys
import time
import webbrowser
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import ioloop, web

from .article_scan import ArticleScan, Changes
from .build import BuildOptions, build, fewer_collections
from .config import load_config
from .draft import DraftBasis, draft_pages
from .errors import BuildError, Problem, Superseded
from .inputs import ARTICLE_SUFFIXES, BUNDLED_TEMPLATES, DATA_ROOT
from .state import BuildState
from .temporal.rules import RULES_ROOT
from .watching import Snapshot, Watcher, rescan, scan
from .write import WriteStats

DRAFT_WAIT = 1.0  # seconds the rebuild waits for an open page to load a saved article's draft
# and then for it to paint the draft: the page paints some 15 ms after it is sent the draft
# (benchmarks/preview.py), in the browser's own processes, so the rebuild (one core here) waits
# little; a dated edit's rebuilt page (early_pages.py) is what the editor waits for then
PAINT_SECONDS = 0.02
EARLY_WAIT = 0.3  # seconds the build waits, once it handed a saved article's rebuilt page over, for a page to load it
LOADING_SECONDS = 5.0  # a page served this recently whose reload client has not connected is still loading
OVERLAY_TEMPLATE = "_preview.html"
PREVIEW_OPTIONS = BuildOptions(drafts=True, use_cache=True, quiet=True, search_index=False, allow_shrink=True,
                               fork_passes=False)
MAX_PATH = 2048  # longer request paths are no file of the site
FINGERPRINTED = re.compile(r"static/[^?#]+\.[0-9a-f]{10}(\.[A-Za-z0-9]+)?")  # render.static_assets' names
RELOAD_SCRIPT_SECONDS = 3600  # the browser keeps livereload.js this long (it changes only with the package)


@dataclass
class PreviewState:
    config_path: Path
    content: str | None
    output: Path
    problems: list[Problem] = field(default_factory=list)
    last_build_seconds: float = 0.0
    last_stats: WriteStats | None = None  # what the last good build wrote (None: it failed, or it was up to date)
    builds: int = 0
    snapshot: Snapshot = field(default_factory=dict)  # path -> stamp of every watched file (watching.py)
    watcher: Watcher = field(default_factory=Watcher)
    kept: BuildState = field(default_factory=BuildState)  # what the next rebuild need not read or load again
    # The last good build's basis for drafts, as that build left it (a draft made while the next build
    # runs does not read kept.draft, which that build replaces).
    draft_source: DraftBasis | None = None
    drafts: dict[str, bytes] = field(default_factory=dict)  # output path -> a saved article's draft page (draft.py)
    drafted: dict[str, int] = field(default_factory=dict)  # output path -> the version its draft was made at
    version: int = 0  # counts the drafts made and the rebuilds ended; every page served carries it
    rebuilt: int = 0  # the version at which the last rebuild ended (a page served before it is stale)
    stale: asyncio.Event = field(default_factory=asyncio.Event)  # a change the site does not have yet: rebuild
    page_shown: asyncio.Event = field(default_factory=asyncio.Event)  # the newest draft reached a page (or none waits)
    drafting: asyncio.Lock = field(default_factory=asyncio.Lock)  # one draft (or warming) at a time
    last_saved: list[Path] = field(default_factory=list)  # the articles saved last (warmed after a rebuild)
    saved_since: list[Path] = field(default_factory=list)  # the articles saved since the last rebuild began
    # every watched path changed since the last rebuild began, and since the content scan the next
    # build would take was made (None: not known, as in a state the server did not start): the next
    # build stats again only those of its articles (article_scan.py, hand_changes)
    changed_since: set[str] | None = None
    since_scan: set[str] | None = None
    early_made: dict[str, int] = field(default_factory=dict)  # output path -> version of its early page (show_early)
    # the pages served whose reload client has not connected yet: number -> (output path, when served);
    # a draft of one of them waits for it to connect (page_served, loading)
    loading: dict[int, tuple[str, float]] = field(default_factory=dict)
    # (from a number of this server's own: a tab left open from an earlier server says a number of that one)
    pages_served: int = field(default_factory=lambda: secrets.randbelow(1 << 30))
    freeze_gc: bool = False  # between builds, keep the collector off what a build left (rebuild)
    building: bool = False  # a rebuild runs (_rebuild_once): a change now supersedes it (BuildState.superseded)
    stopped: bool = False  # the last rebuild stopped for a newer change (Superseded), leaving the site as it was

    def watched_roots(self) -> list[Path]:
        """site.toml, the content and template folders it names (re-read each
        time: editing site.toml may move them), the bundled templates, the
        tagger's rule files and the event vocabularies."""
        root = self.config_path.resolve().parent
        folders = [root / "content", root / "templates"]
        try:
            cfg = load_config(self.config_path, self.content)
            folders = [cfg.content_dir, cfg.templates_dir]
        except BuildError:
            if self.content:
                folders[0] = Path(self.content).resolve()
        return [self.config_path.resolve(), *folders, BUNDLED_TEMPLATES, RULES_ROOT, DATA_ROOT]


def rebuild(state: PreviewState) -> bool:
    """Build the preview; on failure keep the last good site and the problems.

    With `state.freeze_gc` (the server's own loop), what the build leaves in
    memory is then frozen out of the garbage collector's reach (gc.freeze)
    until the next build: at 10,000 articles that is tens of millions of
    objects, and the full collection that otherwise follows a build soon
    after walks them all for seconds, holding the interpreter while the
    editor's next save waits to be drafted. The next build unfreezes them
    first, so what it replaces is collected as before."""
    if state.freeze_gc:
        gc.unfreeze()
    try:
        return _rebuild(state)
    finally:
        if state.freeze_gc:
            gc.freeze()


def _rebuild(state: PreviewState) -> bool:
    start = time.perf_counter()
    state.stopped = False
    try:
        config = load_config(state.config_path, state.content, state.output, base_url="/")
        result = build(config, PREVIEW_OPTIONS, state.kept)
    except Superseded:  # not a failure: the last good site (and its problems, if any) stays as it was
        state.stopped = True
        print(f"[serve] stopped after {time.perf_counter() - start:.2f}s for a newer change, whose rebuild "
              "begins now", flush=True)
        return False
    except BuildError as exc:
        state.problems, state.last_stats = exc.problems, None
        state.last_build_seconds = time.perf_counter() - start
        print(f"[serve] build failed in {state.last_build_seconds:.2f}s; still serving the last good site:",
              file=sys.stderr)
        print(str(exc), file=sys.stderr)
        return False
    except Exception as exc:  # never let an unexpected error kill the preview
        state.problems, state.last_stats = [Problem(f"unexpected error: {exc!r}")], None
        print(f"[serve] build crashed: {exc!r}", file=sys.stderr)
        return False
    state.problems = []
    state.last_stats = result.stats
    state.builds += 1
    state.draft_source = state.kept.draft
    state.last_build_seconds = time.perf_counter() - start
    for w in result.report.warnings:
        print(str(w), file=sys.stderr)
    s = result.stats
    print(f"[serve] rebuilt {result.pages} pages in {state.last_build_seconds:.2f}s"
          + (f" ({s.written} files changed)" if s else ""), flush=True)
    return True


class HostCheck:
    """The Host header must name this server: a page on another site whose
    name was re-pointed at 127.0.0.1 (DNS rebinding) sends its own name, and
    is refused before anything is read."""

    loopback = {"127.0.0.1", "localhost", "::1"}

    def __init__(self, host: str, port: int):
        self.port = port
        self.any_address = host in ("0.0.0.0", "::", "")
        names = {host.lower(), *self.loopback}
        if self.any_address:
            names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
        self.names = names

    def allows(self, host_header: str) -> bool:
        host_header = (host_header or "").strip().lower()
        parts = urlsplit(f"//{host_header}")
        try:
            name, port = parts.hostname or "", parts.port
        except ValueError:
            return False
        if port != self.port:
            return False
        if name in self.names:
            return True
        if self.any_address:  # listening everywhere: any address of this machine, never a name
            try:
                ipaddress.ip_address(name)
                return True
            except ValueError:
                return False
        return False


def _check_host(handler) -> None:
    """Refuse (403) a request whose Host header names another server."""
    if handler.host_check is not None and not handler.host_check.allows(handler.request.host):
        raise web.HTTPError(403, "Host not allowed")


class SafeStaticHandler(web.StaticFileHandler):
    """Static files of the built site only: anything that resolves outside it,
    through '..', encoding or a symlink, is refused; dot files (the build's
    bookkeeping) and odd paths (NUL bytes, overlong names) are not found."""

    host_check: HostCheck | None = None
    drafts: dict[str, bytes] = {}  # the preview's drafts (PreviewState.drafts), served before the files
    page_shown: asyncio.Event | None = None  # set when a draft is served to a page that swaps it in

    def prepare(self) -> None:
        _check_host(self)

    async def get(self, path: str, include_body: bool = True) -> None:
        """A draft of the page, while the rebuild that replaces it runs; else the file."""
        draft = self.drafts.get(output_path(path)) if self.drafts else None
        if draft is None:
            await super().get(path, include_body)
            return
        self.parse_url_path(path)  # the same refusals as for a file
        self.serving_draft = True
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_extra_headers(output_path(path))
        self.finish(draft if include_body else b"")
        if self.request.headers.get("X-Preview-Swap") and self.page_shown is not None:
            self.page_shown.set()  # the page swaps the draft in (_preview.html): its client does not reconnect

    def compute_etag(self) -> str | None:
        return None if getattr(self, "serving_draft", False) else super().compute_etag()

    def parse_url_path(self, url_path: str) -> str:
        if len(url_path) > MAX_PATH or "\x00" in url_path or "\\" in url_path \
                or any(part.startswith(".") for part in url_path.split("/")):
            raise web.HTTPError(404)
        return super().parse_url_path(url_path)

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        try:
            real_root = os.path.realpath(root)
            real = os.path.realpath(absolute_path)
        except (OSError, ValueError) as exc:
            raise web.HTTPError(404) from exc
        if real != real_root and not real.startswith(real_root + os.sep):
            raise web.HTTPError(403)
        try:
            return super().validate_absolute_path(root, absolute_path)
        except OSError as exc:  # a name too long for the file system, or a folder that vanished mid-swap
            raise web.HTTPError(404) from exc

    def set_extra_headers(self, path: str) -> None:
        # A fingerprinted asset's name changes with its bytes (render.static_assets): the browser
        # keeps it, and a reload after a save fetches the page alone. Everything else is fetched anew.
        cached = FINGERPRINTED.fullmatch(path.replace(os.sep, "/"))
        self.set_header("Cache-Control", "max-age=31536000, immutable" if cached else "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def write_error(self, status_code: int, **kwargs) -> None:
        if status_code == 404:
            page = Path(self.root) / "404.html"
            if page.is_file():
                self.set_header("Content-Type", "text/html; charset=UTF-8")
                self.finish(page.read_bytes())
                return
        self.finish(f"{status_code}")

    def log_exception(self, typ, value, tb) -> None:
        """An HTTPError is a refusal, not a fault: one line in the log, no traceback."""
        if isinstance(value, web.HTTPError):
            return
        super().log_exception(typ, value, tb)


class OriginCheckedReloadHandler(LiveReloadHandler):
    """livereload's websocket accepts any origin; a page on another site could
    then drive the preview. Accept only pages served by this server, under
    the name the request itself was sent to."""

    allowed_hosts: set[str] = set()
    host_check: HostCheck | None = None
    state: PreviewState | None = None  # what a page that connects may have missed (catch_up)

    def prepare(self) -> None:
        _check_host(self)

    def on_message(self, message) -> None:
        super().on_message(message)
        if self.state is None or self not in LiveReloadHandler.waiters:
            return
        try:
            info = json.loads(message)
            if info.get("command") != "info":
                return
            plugin = info["plugins"]["preview-draft-swap"]
            shown, number = plugin["shown"], plugin.get("page")
            url = str(info["url"])
        except (ValueError, TypeError, KeyError, AttributeError):
            return  # not the preview's own client: nothing to catch up
        page_connected(self.state, number)
        missed = catch_up(self.state, url, shown)
        if missed is not None:
            self.write_message(reload_message(missed))

    def check_origin(self, origin: str) -> bool:
        netloc = urlsplit(origin).netloc.lower()
        return netloc in self.allowed_hosts and netloc == (self.request.host or "").lower()


class CachedReloadScript(LiveReloadJSHandler):
    """livereload's client script, kept by the browser: a reload after a
    save then waits for no script but the page."""

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", f"max-age={RELOAD_SCRIPT_SECONDS}")


class Injector(web.OutputTransform):
    """Adds the reload client (and, after a failed build, the error overlay)
    to every HTML page served, with the preview's version as it is served
    (what the page's client tells the server when it connects: catch_up)."""

    def __init__(self, request) -> None:
        super().__init__(request)
        self.path = request.path
        self.swap = bool(request.headers.get("X-Preview-Swap"))  # a draft fetched by a page already open

    def snippet(self) -> bytes:
        return b""

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        if "html" in headers.get("Content-Type", "") and b"</body>" in chunk:
            chunk = chunk.replace(b"</body>", self.snippet() + b"</body>", 1)
            if "Content-Length" in headers:
                headers["Content-Length"] = str(len(chunk))
        return status_code, headers, chunk


def _snippet_environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(BUNDLED_TEMPLATES)),
                              autoescape=True, undefined=jinja2.StrictUndefined)


def make_app(state: PreviewState, host: str, port: int) -> web.Application:
    env = _snippet_environment()

    class ConfiguredInjector(Injector):
        def snippet(self) -> bytes:
            rel = output_path(unquote(self.path.lstrip("/")))
            html = env.get_template(OVERLAY_TEMPLATE).render(
                problems=[p.as_dict() for p in state.problems], seconds=state.last_build_seconds, port=port,
                shown=state.version, draft=rel in state.drafts, page=None if self.swap else page_served(state, rel))
            return html.encode("utf-8")

    hosts = {f"{host}:{port}", f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}
    OriginCheckedReloadHandler.allowed_hosts = {h.lower() for h in hosts}
    check = HostCheck(host, port)
    OriginCheckedReloadHandler.host_check = check
    SafeStaticHandler.host_check = check
    SafeStaticHandler.drafts = state.drafts
    SafeStaticHandler.page_shown = state.page_shown
    OriginCheckedReloadHandler.state = state
    handlers: list[Any] = [
        (r"/livereload", OriginCheckedReloadHandler),
        (r"/livereload\.js", CachedReloadScript),
        (r"/(.*)", SafeStaticHandler, {"path": str(state.output), "default_filename": "index.html"}),
    ]
    return web.Application(handlers=handlers, transforms=[ConfiguredInjector])


async def watch(state: PreviewState) -> None:
    """Wait for changes (watching.py), draft the saved articles and rebuild,
    browser or no browser. Changes are taken and drafted here while
    `rebuilding` rebuilds in a task of its own: a save made during a rebuild
    is shown at once, not when that rebuild ends. Nothing stops either: an
    error in one round is shown in the overlay and the next round tries
    again."""
    loop = asyncio.get_running_loop()
    state.watcher.follow(state.watched_roots(), loop)
    state.page_shown.set()  # no draft is waiting for a page
    await _warm(state, loop, [])
    rebuilder = asyncio.ensure_future(rebuilding(state))

    def rescan_everything() -> None:  # scan everything and rebuild on the next round
        state.snapshot = {}
        state.watcher.catch_up = True

    try:
        await _round_after_round(state, "watcher", lambda: _watch_once(state, loop), rescan_everything)
    finally:
        rebuilder.cancel()
        state.watcher.close()


async def _round_after_round(state: PreviewState, who: str, one_round, after_error) -> None:
    """Run `one_round` again and again; an error in one is shown in the
    overlay (and the log), `after_error` runs, and the next round tries
    again: nothing but cancelling stops it."""
    while True:
        try:
            await one_round()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            state.problems = [Problem(f"the preview's {who} hit an error: {exc!r}", hint="save again to retry")]
            print(f"[serve] {who} error: {exc!r}; retrying", file=sys.stderr, flush=True)
            after_error()
            await asyncio.sleep(0.2)


async def _watch_once(state: PreviewState, loop) -> None:
    """One change: the saved articles' drafts (served at once, the open
    pages told to show them), and the rebuild that replaces them asked for
    (`rebuilding` runs it, after the one running now if any)."""
    paths = await state.watcher.changed()
    roots = state.watched_roots() if paths is None else state.watcher.roots
    current = rescan(state.snapshot, paths, roots) if paths is not None and state.snapshot else None
    if current is None:
        started = time.perf_counter()
        current = await loop.run_in_executor(None, scan, roots)
        state.watcher.polled(time.perf_counter() - started)
    if current == state.snapshot:
        return
    found = time.time()
    changed = sorted({path for path, _ in set(current.items()) ^ set(state.snapshot.items())})
    before, state.snapshot = state.snapshot, current
    if state.changed_since is not None:
        state.changed_since.update(changed)
    saved = saved_articles(state, set(changed), before, current)
    drafted = await _draft(state, loop, saved, current, found) if saved else False
    if saved:
        state.last_saved = saved
        state.saved_since += [p for p in saved if p not in state.saved_since]
    if not drafted:
        print(f"[serve] change in {Path(changed[0]).name}{' and others' if len(changed) > 1 else ''}", flush=True)
    state.stale.set()
    if state.building:
        # The running rebuild read the files before this change: once its early pages are shown it
        # stops (BuildState.go_on), and the rebuild that reads this change begins then, not after the
        # rest of the site is built (at 10,000 articles some ten seconds).
        state.kept.superseded = True


async def _draft(state: PreviewState, loop, saved: list[Path], current: Snapshot, found: float) -> bool:
    """Draft the saved articles from the last good build and tell the open
    pages; a page that is loading now gets the draft when it connects
    (catch_up)."""
    async with state.drafting:
        if state.draft_source is None:
            return False
        drafts = await loop.run_in_executor(None, draft_pages, state.draft_source, saved)
    if not drafts:
        return False
    serve_drafts(state, drafts)
    saved_at = max(current[str(p)][0] for p in saved) / 1e9  # the file's time: when it was written
    print(f"[serve] {saved[0].name}{' and others' if len(saved) > 1 else ''} saved: "
          f"drafted {len(drafts)} article page(s) and reloaded {time.time() - saved_at:.3f} s after the save "
          f"(the change found after {found - saved_at:.3f} s)", flush=True)
    return True


async def rebuilding(state: PreviewState) -> None:
    """Rebuild whenever a change is waiting (`state.stale`), one rebuild at
    a time; a change that comes while one runs makes another."""
    loop = asyncio.get_running_loop()

    async def when_stale() -> None:
        await state.stale.wait()
        await _rebuild_once(state, loop)

    await _round_after_round(state, "rebuild", when_stale, state.stale.set)


async def _rebuild_once(state: PreviewState, loop) -> None:
    """Let an open page show the newest draft, then rebuild: the files the
    build reads then include every change taken so far; a draft made while
    it runs may not be in it, and stays (with `stale` set again) until the
    next rebuild."""
    await _page_shown(state)
    state.stale.clear()
    started = state.version
    shown = {rel: state.drafts[rel] for rel, made in state.drafted.items() if made <= started}
    before = {rel: _read_page(state.output / rel) for rel in shown} if not state.problems else None
    print("[serve] rebuilding", flush=True)
    # the saved articles' pages, handed over by the build once the events are merged (early_pages.py)
    early = state.kept.early_files = state.saved_since
    state.saved_since = []
    scan = hand_changes(state)
    state.kept.show_early = functools.partial(_hand_over, state, loop, started, time.perf_counter())
    state.kept.superseded, state.building = False, True
    try:
        await loop.run_in_executor(None, rebuild, state)
    finally:
        state.kept.show_early, state.kept.early_files = None, []
        state.building = False
        changes_taken(state, scan)
    if state.stopped:
        # Superseded: nothing was written, so the drafts and early pages shown stay (the next
        # rebuild, asked for by the change that stopped this one, replaces them), and no page reloads.
        # (The articles saved for this one are the next one's to show early too.)
        state.saved_since = [*early, *[p for p in state.saved_since if p not in early]]
        state.watcher.follow(state.watched_roots(), loop)
        return
    for rel in [rel for rel, made in state.drafted.items() if made <= started or state.early_made.get(rel) == made]:
        del state.drafts[rel], state.drafted[rel]  # the rebuilt page (or, after a failure, the last good one)
    state.early_made.clear()
    state.version += 1
    state.rebuilt = state.version
    if before is not None and drafts_were_the_rebuild(state, shown, before):
        print("[serve] the rebuilt pages are the drafts shown: no reload", flush=True)
    else:
        reload_browsers()
    state.watcher.follow(state.watched_roots(), loop)  # site.toml may have moved the folders
    await _warm(state, loop, state.last_saved)


def hand_changes(state: PreviewState) -> ArticleScan | None:
    """Give the next build the watched paths changed since the content scan
    it would take was made (article_scan.py): those since the last rebuild
    began, and those given to a build that failed before it scanned (a
    broken site.toml), whose scan is still the one before. Returns that
    scan, for changes_taken."""
    if state.since_scan is not None and state.changed_since is not None:
        state.since_scan |= state.changed_since
    else:
        state.since_scan = None  # not known until a build scans again
    state.changed_since = set()
    roots = frozenset(map(str, state.watcher.roots))
    state.kept.changes = Changes(roots, frozenset(state.since_scan)) if state.since_scan is not None else None
    return state.kept.scan


def changes_taken(state: PreviewState, scan: ArticleScan | None) -> None:
    """After a build: if it made or took a scan of the content folder (its
    stats are of this build), the changes that count for the next are those
    since this build began (`changed_since`)."""
    if state.kept.scan is not scan:
        state.since_scan = set()


def _hand_over(state: PreviewState, loop, started: int, began: float, pages: dict[str, bytes]) -> None:
    """From the build's thread: the saved articles' rebuilt pages, to show
    now (show_early); the build then waits, at most EARLY_WAIT, for an open
    page to fetch one and paint it, as a rebuild waits for a draft's
    (_page_shown): the rest of the build holds the interpreter, and the
    server, answering the page between its turns, took a few tenths of a
    second at 10,000 articles. A loop closed or stopped meanwhile (the
    server stopping) shows nothing, and the build goes on."""
    showing = _show_early_and_wait(state, started, began, pages)
    try:
        shown = asyncio.run_coroutine_threadsafe(showing, loop)
    except RuntimeError:
        showing.close()  # never to run
        return
    try:
        shown.result(timeout=EARLY_WAIT + PAINT_SECONDS)
    except (TimeoutError, concurrent.futures.CancelledError):
        shown.cancel()
    except Exception as exc:  # showing failed: the pages are the rebuild's to write, and it goes on
        print(f"[serve] the saved articles' rebuilt pages could not be shown early: {exc!r}", file=sys.stderr,
              flush=True)


async def _show_early_and_wait(state: PreviewState, started: int, began: float, pages: dict[str, bytes]) -> None:
    if show_early(state, started, began, pages):
        await _page_shown(state, EARLY_WAIT)


def show_early(state: PreviewState, started: int, began: float, pages: dict[str, bytes]) -> bool:
    """Serve the saved articles' rebuilt pages (early_pages.py) as drafts
    are served, and tell the open pages, while the rest of the site is
    built: a dated edit's page shows its new links without waiting for the
    whole site. A page whose draft is of a save made after the rebuild
    began (`started`, the version then) keeps it: the rebuild read the
    older text. One the page shows already (its draft was this page) is
    not sent again. The rebuild's end takes them away with the drafts.
    Whether any page was sent."""
    fresh = {rel: data for rel, data in pages.items()
             if state.drafted.get(rel, 0) <= started and state.drafts.get(rel) != data}
    if not fresh:
        return False
    state.early_made.update(dict.fromkeys(fresh, serve_drafts(state, fresh)))
    print(f"[serve] the rebuilt page of {len(fresh)} saved article(s) shown {time.perf_counter() - began:.3f} s "
          "into the rebuild, before the rest of the site", flush=True)
    return True


def drafts_were_the_rebuild(state: PreviewState, shown: dict[str, bytes], before: dict[str, bytes | None]) -> bool:
    """Did the rebuild change exactly the drafted pages, each into its draft's
    very bytes? Then every open page already shows the rebuilt site (a
    drafted page shows its draft, any other page is unchanged), and a reload
    would only flash the same page again: an edit that shows on the article's
    own page alone (own_pages.py) is drafted as that rebuild renders it. The
    count of files the build wrote tells that nothing else changed: each
    drafted page differs from its page `before` the rebuild, so it is one of
    them. A build that failed, was up to date, or had failed before
    (`before` None: its error overlay must go), or a save while it ran,
    reloads as ever."""
    stats = state.last_stats
    if state.problems or stats is None or not shown or stats.removed or stats.written != len(shown) \
            or state.drafted:  # a newer draft, saved while the build ran: the next rebuild follows
        return False
    return all(before.get(rel) not in (None, draft) and _read_page(state.output / rel) == draft
               for rel, draft in shown.items())


def _read_page(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


async def _page_shown(state: PreviewState, limit: float = DRAFT_WAIT) -> None:
    """Wait until an open page has the newest draft (it swapped the draft
    in, or reloaded and its reload client, which runs at the end of the
    page, connected again with it) and a moment to paint it, or at most
    `limit` seconds: the rebuild takes the interpreter and the cores, and
    would slow the page the editor is waiting for."""
    if state.page_shown.is_set():
        return
    try:
        async with asyncio.timeout(limit):
            await state.page_shown.wait()
            await asyncio.sleep(PAINT_SECONDS)
    except TimeoutError:
        pass


async def _warm(state: PreviewState, loop, saved: list[Path]) -> None:
    async with state.drafting:
        await loop.run_in_executor(None, warm_drafts, state, saved)


def catch_up(state: PreviewState, url: str, shown) -> str | None:
    """What a page that has just connected missed, from the version it was
    served at (`shown`): the URL of its own page when a draft of that page
    was made since (it swaps the draft in), "*" when a rebuild ended since
    (it reloads); None when it is up to date, and then, if it shows the
    newest draft, the rebuild waiting for a page to show it may start."""
    if isinstance(shown, bool) or not isinstance(shown, int):
        return None
    path = urlsplit(url).path or "/"
    made = state.drafted.get(output_path(unquote(path.lstrip("/"))))
    if made is not None and made > shown:
        return path
    if shown < state.rebuilt:
        return "*"
    if shown >= state.version:
        state.page_shown.set()
    return None


def serve_drafts(state: PreviewState, pages: dict[str, bytes]) -> int:
    """Serve `pages` (output path -> bytes) as drafts from a new version of
    the preview, and tell the pages open on them; the rebuild waits for one
    to show them (_page_shown) unless no page is open or loading on them.
    The new version."""
    state.version += 1
    state.drafts.update(pages)
    state.drafted.update(dict.fromkeys(pages, state.version))
    state.page_shown.clear()
    if not reload_browsers(draft_url(pages)) and not loading(state, pages):
        state.page_shown.set()  # no page open or loading: the rebuild need not wait for one
    return state.version


def page_served(state: PreviewState, rel: str) -> int:
    """Number an HTML page (output path `rel`) as it is served: it is
    loading until its reload client connects and says the number
    (page_connected). Numbers older than LOADING_SECONDS are dropped: a
    page closed while loading, or fetched by a program, never connects."""
    now = time.monotonic()
    old = []  # (the numbers are in the order served: the old ones come first)
    for n, (_, served) in state.loading.items():
        if now - served <= LOADING_SECONDS:
            break
        old.append(n)
    for n in old:
        del state.loading[n]
    state.pages_served += 1
    state.loading[state.pages_served] = (rel, now)
    return state.pages_served


def page_connected(state: PreviewState, number: object) -> None:
    if isinstance(number, int) and not isinstance(number, bool):
        state.loading.pop(number, None)


def loading(state: PreviewState, pages: dict[str, bytes]) -> bool:
    """Whether a page of one of `pages` (output paths) was served in the
    last LOADING_SECONDS and its client has not connected yet. Its draft
    goes to it when it connects (catch_up); the rebuild waits for that, at
    most DRAFT_WAIT, as for a page open (_page_shown). Without the wait a
    short rebuild ends first, and the page loads twice: the draft, then the
    rebuilt page."""
    now = time.monotonic()
    return any(rel in pages and now - served <= LOADING_SECONDS for rel, served in state.loading.values())


def output_path(url_path: str) -> str:
    """The output file a request path (without its leading '/') names: a folder's index.html."""
    return url_path + "index.html" if url_path == "" or url_path.endswith("/") else url_path


def warm_drafts(state: PreviewState, saved: list[Path]) -> None:
    """Draft an article now, and throw the draft away: the next save's
    draft then finds the templates loaded and the language resources of
    this build ready (the first draft after a build took three times as
    long). The article saved last, else the first one."""
    if state.draft_source is None or state.problems:
        return
    basis = state.draft_source
    if not saved:
        first = min((p for p in state.snapshot if _is_article(basis, p)), default=None)
        saved = [Path(first)] if first else []
    basis.warm(saved)


def saved_articles(state: PreviewState, changed: set[str], before: Snapshot,
                   current: Snapshot) -> list[Path]:
    """The article files of a change that only saved articles (each still
    there), which can be drafted from the last build; [] for any other change
    (a template, site.toml, a rule, a deleted or a new file), which needs the
    rebuild alone."""
    if state.draft_source is None or state.problems:
        return []
    basis = state.draft_source
    files = []
    for path in sorted(changed):
        if not (_is_article(basis, path) and path in current and path in before):
            return []
        files.append(Path(path))
    return files


def _is_article(basis: DraftBasis, path: str) -> bool:
    """An article file of the content folder (what a draft can be made of)."""
    return path.startswith(str(basis.config.content_dir / "articles") + os.sep) and path.endswith(ARTICLE_SUFFIXES)


def draft_url(drafts: dict[str, bytes]) -> str:
    """The URL of the one drafted page (the preview's base is "/"), which an
    open page of it swaps in without reloading (_preview.html); "*" (every
    page reloads) for several."""
    if len(drafts) != 1:
        return "*"
    (rel,) = drafts
    return "/" + (rel.removesuffix("index.html") if rel == "index.html" or rel.endswith("/index.html") else rel)


def reload_message(path: str = "*") -> dict:
    """Reload (livereload protocol 7); an open page at `path` may instead
    swap in its draft (_preview.html)."""
    return {"command": "reload", "path": path, "liveCSS": True, "liveImg": True}


def reload_browsers(path: str = "*") -> int:
    """Tell every connected page to reload; an open page at `path` may
    instead swap in its draft."""
    message = reload_message(path)
    for waiter in list(LiveReloadHandler.waiters):
        try:
            waiter.write_message(message)
        except Exception:  # a tab that went away
            LiveReloadHandler.waiters.discard(waiter)
    return len(LiveReloadHandler.waiters)


def serve(args) -> int:
    config_path = Path(args.config)
    if not config_path.is_file():
        print(f"{config_path}: error: configuration file not found", file=sys.stderr)
        return 1
    output = config_path.resolve().parent / ".preview"
    state = PreviewState(config_path, args.content, output, freeze_gc=True)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"[serve] WARNING: listening on {args.host}: anyone who can reach this machine can read the preview",
              file=sys.stderr)
    state.snapshot = scan(state.watched_roots())
    # from this snapshot on: the first build scans everything after it
    state.changed_since, state.since_scan = set(), set()
    if not rebuild(state) and not (output / "index.html").exists():
        output.mkdir(parents=True, exist_ok=True)
    app = make_app(state, args.host, args.port)
    app.listen(args.port, address=args.host)
    url = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else args.host}:{args.port}/"
    print(f"[serve] serving {output} at {url} (Ctrl-C to stop)", flush=True)
    if args.open:
        webbrowser.open(url)
    loop = ioloop.IOLoop.current()
    loop.add_callback(lambda: asyncio.ensure_future(watch(state)))
    # A draft can be made while a build runs, both in fewer_collections: each gives back the
    # threshold it found, so the process keeps the build's for its whole life (not the default,
    # which a draft ending inside a build would otherwise give back to the build).
    try:
        with fewer_collections():
            loop.start()
    except KeyboardInterrupt:
        print("[serve] stopped")
    return 0
