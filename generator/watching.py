"""What changed under the preview's watched paths, soon after it changed.

The preview keeps a snapshot (path -> stamp: modification time, size, change time) of
every file it watches and rebuilds when the snapshot changes. Finding the
change used to mean polling: stat every file five times a second, which at
10,000 articles costs a fifth of a second per round, and a save waited half
a round on average before the preview saw it.

Now the operating system says which paths changed (inotify, FSEvents,
ReadDirectoryChangesW, through the `watchfiles` package): the preview learns
of a save within about ten milliseconds and stats only the paths named. The
few watched paths that are single files (site.toml) or do not exist yet
(a templates folder named in site.toml but not made) are still stat-ed every
POLL_SECONDS: an editor's save-by-rename replaces a file's inode, and a
folder that does not exist cannot be watched. Where `watchfiles` is missing
or cannot watch (no inotify watches left), the preview polls everything as
before, at an interval that keeps the scans under a third of one core.

A path named by an event that is a folder, or was one (a folder made, moved
or deleted), makes the preview scan everything again: the events of the
files inside it may not all arrive.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import stat
import sys
import threading
from pathlib import Path

POLL_SECONDS = 0.2  # how often single files and missing folders are stat-ed (and everything, when polling)
MAX_POLL_SECONDS = 1.0  # polling everything: the longest interval (a scan that takes a third of a second)
STEP_MS = 10  # events: a batch is handed over after this long without a new event (one save's events together)
DEBOUNCE_MS = 1000  # events: the longest a stream of changes is held back before being handed over

Stamp = tuple[int, int, int]  # (st_mtime_ns, st_size, st_ctime_ns); MISSING for a watched path that does not exist
MISSING: Stamp = (-1, -1, -1)
Snapshot = dict[str, Stamp]


def _stamp(st: os.stat_result) -> Stamp:
    """The size as well as the time: a save that truncates and then writes within one tick of the
    file system's clock leaves the time as it was and changes the size. And the change time, which
    no program sets: a file made unreadable, or replaced by a copy that kept its time and size
    (cp -p, rsync -a), is a change too (the build's stat signature sees it: article_scan.py)."""
    return (st.st_mtime_ns, st.st_size, st.st_ctime_ns)


def _skipped_folder(name: str) -> bool:
    return name.startswith(".") or name == "__pycache__"


def _skipped_file(name: str) -> bool:
    """Hidden files and editors' temporary and backup files."""
    return name.startswith(".") or name.endswith((".tmp", ".swp", "~"))


def scan(roots: list[Path]) -> Snapshot:
    """The stamp of every file under the watched paths."""
    out: Snapshot = {}
    for root in roots:
        try:
            st = os.stat(root)
        except OSError:
            out[str(root)] = MISSING  # appears later: noticed as a change
            continue
        if not stat.S_ISDIR(st.st_mode):
            out[str(root)] = _stamp(st)
            continue
        _scan_folder(str(root), out)
    return out


def _scan_folder(folder: str, out: Snapshot) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                if not _skipped_folder(entry.name):
                    _scan_folder(entry.path, out)
            elif not _skipped_file(entry.name):
                out[entry.path] = _stamp(entry.stat())
        except OSError:
            pass


def _root_of(path: str, folders: list[str]) -> str | None:
    for folder in folders:
        if path.startswith(folder + os.sep):
            return folder
    return None


def _watched(path: str, folder: str) -> bool:
    """A file `scan` would list under the watched `folder`."""
    *dirs, name = path[len(folder) + 1:].split(os.sep)
    return not _skipped_file(name) and not any(_skipped_folder(d) for d in dirs)


def rescan(snapshot: Snapshot, paths: set[str], roots: list[Path]) -> Snapshot | None:
    """The snapshot with only `paths` stat-ed again (the watched single
    files and missing folders always are); None when one of them is or was
    a folder (the caller scans everything)."""
    current = dict(snapshot)
    folders = [str(r) for r in roots if snapshot.get(str(r)) is None]  # watched folders (scan lists their files)
    for root in roots:
        name = str(root)
        if name not in snapshot:
            continue
        try:
            st = os.stat(root)
        except OSError:
            current[name] = MISSING
            continue
        if stat.S_ISDIR(st.st_mode):
            return None  # a missing folder appeared
        current[name] = _stamp(st)
    for path in paths:
        folder = _root_of(path, folders)
        if folder is None:
            if path in folders:
                return None  # a watched folder itself was moved or deleted
            continue
        try:
            st = os.stat(path)
        except OSError:
            if path not in snapshot and any(k.startswith(path + os.sep) for k in snapshot):
                return None  # a folder went
            current.pop(path, None)
            continue
        if stat.S_ISDIR(st.st_mode):
            return None  # a folder came or was changed: what is inside is scanned
        if _watched(path, folder):
            current[path] = _stamp(st)
    return current


class FileEvents:
    """The operating system's change events for the watched folders
    (`watchfiles`' Rust backend, read in a daemon thread), collected until
    the preview asks. `start` returns None where it cannot watch."""

    def __init__(self, notify, loop: asyncio.AbstractEventLoop):
        self.notify = notify
        self.loop = loop
        self.pending: set[str] = set()
        self.arrived = asyncio.Event()
        self.failed: BaseException | None = None
        self.stop = threading.Event()

    @classmethod
    def start(cls, folders: list[Path], loop: asyncio.AbstractEventLoop) -> FileEvents | None:
        try:
            from watchfiles._rust_notify import RustNotify
        except ImportError:
            return None
        try:  # the folders are watched when this returns
            notify = RustNotify([str(f) for f in folders], False, False, 0, True, False)
        except Exception as exc:  # a folder went, or no inotify watches are left
            print(f"[serve] cannot watch for file events: {exc}", file=sys.stderr, flush=True)
            return None
        events = cls(notify, loop)
        threading.Thread(target=events._run, name="preview file events", daemon=True).start()
        return events

    def _run(self) -> None:
        try:
            while not self.stop.is_set():
                got = self.notify.watch(DEBOUNCE_MS, STEP_MS, 1000, self.stop)
                if isinstance(got, set) and got and not self.stop.is_set():
                    self.loop.call_soon_threadsafe(self._deliver, {path for _, path in got})
        except BaseException as exc:  # the watch broke: the preview polls from now on
            self.failed = exc
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting
                self.loop.call_soon_threadsafe(self.arrived.set)
        finally:
            self.notify.close()

    def _deliver(self, paths: set[str]) -> None:
        self.pending |= paths
        self.arrived.set()

    async def changed(self, timeout: float) -> set[str]:
        """The paths changed since the last call (waiting at most `timeout` for one)."""
        if not self.pending and self.failed is None:
            try:
                await asyncio.wait_for(self.arrived.wait(), timeout)
            except TimeoutError:
                pass
        if self.failed is not None:
            raise RuntimeError(f"file events stopped: {self.failed!r}")
        paths, self.pending = self.pending, set()
        self.arrived.clear()
        return paths

    def close(self) -> None:
        self.stop.set()


class Watcher:
    """Changes under the watched paths: by events where the system gives
    them, else by polling. `follow` (re)starts the events for the paths
    watched now (an edit of site.toml may move the folders)."""

    def __init__(self, events_allowed: bool = True):
        self.events_allowed = events_allowed
        self.events: FileEvents | None = None
        self.roots: list[Path] = []  # every watched path (folders and single files)
        self.folders: list[Path] = []  # those that are folders, watched for events
        self.catch_up = True  # the next change asked for is "scan everything"
        self.poll_seconds = POLL_SECONDS

    def follow(self, roots: list[Path], loop: asyncio.AbstractEventLoop) -> None:
        self.roots = roots
        folders = [r for r in roots if r.is_dir()]
        if folders == self.folders and (self.events is not None or not self.events_allowed):
            return
        self.close()
        self.folders = folders
        if self.events_allowed and folders:
            self.events = FileEvents.start(folders, loop)
            if self.events is None:
                self.events_allowed = False
                print("[serve] polling the files instead", file=sys.stderr, flush=True)
        self.catch_up = True  # what changed before the events started is found by one scan

    def polled(self, scan_seconds: float) -> None:
        """A full scan took `scan_seconds`: when polling, wait three times that between scans."""
        self.poll_seconds = min(MAX_POLL_SECONDS, max(POLL_SECONDS, 3 * scan_seconds))

    async def changed(self) -> set[str] | None:
        """The paths that may have changed (the caller stats the single
        files and missing folders too); None: any may have (scan all)."""
        if self.catch_up:
            self.catch_up = False
            return None
        if self.events is None:
            await asyncio.sleep(self.poll_seconds)
            return None
        try:
            return await self.events.changed(POLL_SECONDS)
        except RuntimeError as exc:
            print(f"[serve] {exc}; polling the files instead", file=sys.stderr, flush=True)
            self.close()
            self.events_allowed = False
            return None

    def close(self) -> None:
        if self.events is not None:
            self.events.close()
        self.events = None
