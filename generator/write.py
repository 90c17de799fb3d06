"""Publish the rendered site so that the output folder is, at every moment,
either the complete previous site or the complete new one.

How (measured, see README "Limits and errors"): the new site is assembled in
a staging folder beside the output (`.output.staging`, same file system) and
swapped in with one atomic rename (Linux renameat2 RENAME_EXCHANGE; three
renames and a recovery step elsewhere). The staging folder is not rebuilt
from nothing each time: after a swap it holds the previous site, with that
site's manifest, so the next build only brings it up to date: it writes the
files whose bytes changed, hard-links from the live site the files changed
by the build before (so unchanged files keep their inode and mtime, as rsync
and CDNs like), and removes the files the new site no longer has. An edit
touches as many files as it changes, never the whole site.

A staging folder that a killed or failed build left half-written has no
manifest (it is removed before the first change), so the next build throws it
away and starts a fresh one by hard-linking the live site. Stray temporary
files can only be in such a folder. Top-level entries of the output that the
generator did not write (CNAME, .git, .nojekyll) are moved into the new site
just before the swap, with a journal, so they survive every build and every
kill.

Where the output cannot be swapped (its parent folder is not writable, or it
is a mount point), files are replaced one by one as before, with a manifest
written first that forgets the fingerprints of every file about to change,
so a killed build is finished correctly by the next one.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Sized
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Protocol

import orjson

from .errors import BuildError, Problem
from .staging import LinkedTree, link_or_copy, link_tree, same_bytes, same_inode

if TYPE_CHECKING:
    from .manifest_memo import Manifests

MANIFEST = ".generator-manifest.json"  # the files written, their page fingerprints, a summary
STAMP = ".generator-build"  # the key, summary and files of the last complete build (stamp_bytes)
CARRY = ".generator-carry.json"  # journal of the top-level entries being moved into the new site
DELTA_FORMAT = 1  # of the staged manifest's differences (StagedDelta), kept beside the staging folder
FORMAT = 2  # manifests of trees assembled in a staging folder
BOOKKEEPING = (MANIFEST, STAMP, CARRY)
SEARCH_FOLDER = "pagefind"  # written by search.index_site, not listed in the manifest
# In the manifest: did a page other than an article's own read an article's summary when it was
# rendered (render.Templates)? own_pages.py lets an edit of a summary show on its page alone if not.
SUMMARIES_READ = "summaries_read"
SHRINK_LIMIT = 0.5  # a build may remove at most this share of the published pages without allow_shrink


@dataclass(frozen=True)
class WriteStats:
    written: int
    unchanged: int
    removed: int
    manifest: str = ""  # SHA-256 of the manifest published (own_pages.py records it)


def staging_dir(output: Path) -> Path:
    return output.parent / f".{output.name.lstrip('.')}.staging"


def staged_delta_path(output: Path) -> Path:
    """Where the staged manifest's differences from the live one's are kept
    (StagedDelta): beside the staging folder, never in a site that goes live."""
    return output.parent / f".{output.name.lstrip('.')}.staged.json"


def search_scratch(output: Path) -> Path:
    """Where the search indexer works beside a staged site (search.index_site)."""
    return output.parent / f".{output.name.lstrip('.')}.search"


def _swap_dir(output: Path) -> Path:
    return output.parent / f".{output.name.lstrip('.')}.swap"


def _trash_prefix(output: Path) -> str:
    return f".{output.name.lstrip('.')}.trash-"


def _safe_relative(rel: str) -> PurePosixPath:
    p = PurePosixPath(rel)
    if p.is_absolute() or ".." in p.parts or not p.parts or rel.startswith(("/", "\\")) or "\\" in rel \
            or p.parts[0] in BOOKKEEPING:
        raise BuildError(Problem(f"refusing to write {rel!r}: outside the output folder",
                                 hint="a slug or template produced an unsafe path"))
    return p


def _safe_name(rel: str) -> str:
    """_safe_relative(rel) as a string. A plain relative path (parts that are
    neither empty, "." nor "..", no backslash) is its own normal form and
    needs no PurePosixPath: 83,000 of them cost half a second at 10,000
    articles, on every build."""
    parts = rel.split("/")
    if "\\" not in rel and parts[0] not in BOOKKEEPING and all(p and p != "." and p != ".." for p in parts):
        return rel
    return str(_safe_relative(rel))


# a file created here, never one that is there (nor through a link)
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _parent_made(path: Path, made: set[str] | None) -> str:
    """The folder of `path`, made if it is not in `made` (the folders a
    writer made already: each made once), as a string."""
    parent = str(path.parent)
    if made is None or parent not in made:
        path.parent.mkdir(parents=True, exist_ok=True)
        if made is not None:
            made.add(parent)
    return parent


def atomic_write(path: Path, data: bytes, made: set[str] | None = None) -> None:
    """Write beside the target and rename over it: a reader sees the old file
    or the new one, never half of either. The temporary name is the same for
    every process, so a stray one left by a killed build is simply replaced.
    Files get the usual 0644 (less any bits the umask removes)."""
    parent = _parent_made(path, made)
    tmp = f"{parent}/.{path.name}.tmp-generator"
    try:
        try:
            fd = os.open(tmp, _NEW_FILE, 0o644)
        except FileExistsError:  # left by a killed build (never followed if it is a link)
            os.unlink(tmp)
            fd = os.open(tmp, _NEW_FILE, 0o644)
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise


def load_manifest(output: Path) -> dict:
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if isinstance(data, list):  # the first manifest format: a bare list of files
        return {"files": data}
    return data if isinstance(data, dict) else {}


def _manifest_files(manifest: dict) -> set[str]:
    files = manifest.get("files")
    return {f for f in files if isinstance(f, str)} if isinstance(files, list) else set()


def _manifest_pages(manifest: dict) -> dict[str, str]:
    pages = manifest.get("pages")
    return {k: v for k, v in pages.items() if isinstance(v, str)} if isinstance(pages, dict) else {}


def _disk_error(exc: OSError, where: Path | str, output: Path) -> BuildError:
    what = "the disk is full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else exc.strerror or str(exc)
    return BuildError(Problem(f"cannot write the site: {what} ({where}); {output} was left as it was", where,
                              None, "free some space (or fix the folder's permissions) and build again"))


# ---------------------------------------------------------------- recovery


def recover(output: Path) -> None:
    """Finish or undo what a killed build left half-done: a three-rename swap
    (where renameat2 is missing) and top-level entries being carried into
    the new site. Cheap when there is nothing to do (a few stats)."""
    swap, staging = _swap_dir(output), staging_dir(output)
    if os.path.lexists(swap):
        if not os.path.lexists(output):
            os.rename(swap, output)  # killed between the first two renames: put the old site back
        elif not os.path.lexists(staging):
            os.rename(swap, staging)  # killed before the last rename: the new site is in place
        else:
            _trash(swap, output)
    if (staging / CARRY).is_file():  # killed before the swap: carried entries go back
        for name in _read_carry(staging / CARRY):
            if os.path.lexists(staging / name) and not os.path.lexists(output / name):
                os.rename(staging / name, output / name)
        (staging / CARRY).unlink()
    if (output / CARRY).is_file():  # killed after the swap, before tidying up
        (output / CARRY).unlink()


def _read_carry(path: Path) -> list[str]:
    try:
        names = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [n for n in names if isinstance(n, str) and n and "/" not in n and n not in (".", "..")] \
        if isinstance(names, list) else []


def _trash(folder: Path, output: Path) -> None:
    """Move a folder out of the way at once (a rename); its removal waits for
    clean_trash, after the new site is in place."""
    n = 0
    while os.path.lexists(target := output.parent / f"{_trash_prefix(output)}{os.getpid()}-{n}"):
        n += 1
    os.rename(folder, target)


def clean_trash(output: Path) -> None:
    """Remove the folders earlier builds put aside (any process's)."""
    prefix = _trash_prefix(output)
    try:
        names = [n for n in os.listdir(output.parent) if n.startswith(prefix)]
    except OSError:
        return
    for name in names:
        shutil.rmtree(output.parent / name, ignore_errors=True)


# ---------------------------------------------------------------- the swap

_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def _switch(output: Path, staging: Path) -> None:
    """Make the staged site the output, and the old output the staging folder."""
    if not os.path.lexists(output):
        os.rename(staging, output)
        return
    if _exchange(output, staging):
        return
    swap = _swap_dir(output)  # recover() finishes these three renames after a kill
    os.rename(output, swap)
    os.rename(staging, output)
    os.rename(swap, staging)


def can_stage(output: Path) -> bool:
    """Can the site be assembled beside the output and swapped in?"""
    parent = output.parent
    if not os.access(parent, os.W_OK | os.X_OK):
        return False
    if output.is_dir() and (os.path.ismount(output) or os.stat(output).st_dev != os.stat(parent).st_dev):
        return False
    return True


# ---------------------------------------------------------------- publishing


def check_shrink(new_files: set[str], previous: dict, output: Path, stand_ins: frozenset[str] = frozenset(),
                 previous_files: set[str] | None = None) -> None:
    """Refuse a build that would remove more than half of the published pages
    (a wrong content folder, a broad override): the message lists them.
    `stand_ins` are pages that only redirect (an event that is gone): their
    content counts as removed. `previous_files`: _manifest_files(previous),
    if the caller made it. A build that keeps every file (most rebuilds)
    is passed at once: 83,000 files at 10,000 articles were sorted out by
    their names at every one-article rebuild (0.05 s)."""
    if previous_files is None:
        previous_files = _manifest_files(previous)
    if not stand_ins and previous_files <= new_files:
        return  # nothing removed
    before = {f for f in previous_files if f.endswith(".html")}
    gone = sorted(before - (new_files - stand_ins))
    if len(before) < 4 or len(gone) <= SHRINK_LIMIT * len(before):
        return
    sample = ", ".join(gone[:8]) + (f" and {len(gone) - 8:,} more" if len(gone) > 8 else "")
    raise BuildError(Problem(f"this build would remove {len(gone):,} of the {len(before):,} published pages "
                             f"({sample}); {output} was left as it was", output, None,
                             "if that is what you want, build again with --allow-shrink"))


# What starting the search indexer gives back when it runs: the test of whether it still does
# (it takes a core meanwhile: render.PageRenderer.run)
IndexerRunning = Callable[[], bool]


class Pages(Protocol):
    """Pages rendered straight into the new site (render.PageRenderer): their
    paths are known before the first is rendered."""

    paths: list[str]

    def run(self, sink, on_first: Callable[[], IndexerRunning | None] | None = None) -> Streamed: ...


class Streamed(Protocol):
    digests: dict[str, str]
    written: int
    unchanged: int


def write_site(files: dict[str, bytes], output: Path, summary: dict | None = None, kept: set[str] | None = None,
               digests: dict[str, str] | None = None, previous: dict | None = None, allow_shrink: bool = True,
               before_switch: Callable[[Path, Callable[[], None]], None] | None = None,
               stamp: Callable[[], str | None] | None = None, ids: dict | JSONText | None = None,
               stand_ins: frozenset[str] = frozenset(), pages: Pages | None = None,
               on_written: Callable[[], None] | None = None,
               indexer: Callable[[], str | None] | None = None,
               after_first: Callable[[Path], IndexerRunning | None] | None = None,
               early: LinkedTree | None = None, before_live: Callable[[], None] | None = None,
               notes: Callable[[], dict] | None = None, manifests: Manifests | None = None,
               previous_digest: str | None = None) -> WriteStats:
    """Publish `files` (path -> bytes) as the new site in `output`. `kept` are
    pages of the previous build whose inputs did not change (not rendered
    again: taken from the live site); `digests` the fingerprints of every
    page, recorded for the next build; `previous` the live site's manifest as
    the caller loaded it. `pages` are rendered one by one straight into the
    new site (never the whole site's bytes in memory), their fingerprints
    recorded with `digests`; `on_written()` runs once every file is in place.
    `before_switch(folder, meanwhile)` runs on the complete new
    site before it goes live (the search indexer), and calls `meanwhile()`
    before it waits on Pagefind (the manifest's JSON is made then:
    ManifestText); `stamp()`, asked after
    that, gives the build key that marks the new site as a complete build
    (None: do not mark it, e.g. because the build had warnings); `ids` the
    events' id history (corpus.history), kept in the manifest; `stand_ins`
    the pages that only redirect (see check_shrink); `indexer()`, asked after
    `before_switch`, which indexer made the new site's search index (None: it
    has none), kept in the manifest (search.Indexing reuses a bundle's live index by it). `after_first(folder)`
    runs on the new site once the pages `pages` settles first are in place
    and no stale file is left (the search indexer starts there, beside the
    rendering of the rest: render.PageRenderer.run), when the site is staged;
    `before_switch` still runs after every file is in place. `early`:
    the staging folder stage_early began. `before_live()` runs once every
    file and the search index are in place, just before the manifest is
    written and the new site goes live; `notes()`, asked then, gives more
    fields for the manifest (what the pages read: SUMMARIES_READ). `manifests`
    (the preview's) keeps the manifests written and read; `previous_digest`,
    the SHA-256 of the live manifest's bytes if the caller has it, lets the
    staging folder's manifest be known from the live one and the
    differences the last swap kept beside it, unparsed (StagedDelta; every
    staged swap writes them, whoever reads them). `files` is handed over: it is
    emptied here, and a staged site lets go of its bytes once they are
    written, before the pages are rendered (the JSON exports of 10,000
    articles are about 70 MB)."""
    output = output.resolve()
    rels = {_safe_name(rel): data for rel, data in files.items()}
    files.clear()
    streamed = [_safe_name(rel) for rel in pages.paths] if pages is not None else []
    recover(output)
    manifest = load_manifest(output) if previous is None else previous
    live_files = _manifest_files(manifest)
    kept_rels = {_safe_name(k) for k in (kept or ())} & live_files
    new_files = set(rels) | kept_rels | set(streamed)
    if not allow_shrink:
        check_shrink(new_files, manifest, output, stand_ins, live_files)
    _refuse_symlinked_folders(output, new_files)
    record = {"format": FORMAT, "files": sorted(new_files), "summary": summary or {}, "pages": dict(digests or {}),
              "ids": ids or {}}
    try:
        if can_stage(output):
            stats = _publish_staged(rels, kept_rels, output, manifest, record, before_switch, stamp, pages,
                                    on_written, indexer, after_first, early, before_live, notes, manifests,
                                    previous_digest if previous is not None else None)
        else:
            if early is not None:
                early.cancel()
            stats = _publish_in_place(rels, kept_rels, output, manifest, record, before_switch, stamp, pages,
                                      set(streamed), on_written, indexer, before_live, notes)
    except OSError as exc:
        raise _disk_error(exc, exc.filename or output, output) from exc
    clean_trash(output)
    return stats


def _refuse_symlinked_folders(output: Path, new_files: set[str]) -> None:
    tops = {f.split("/", 1)[0] for f in new_files if "/" in f}
    for top in sorted(tops):
        if (output / top).is_symlink():
            raise BuildError(Problem(f"refusing to write into {output / top}: it is a symlink", output / top,
                                     hint="remove the symlink inside the output folder"))


class _Tree:
    """Files put into the staging folder, creating folders once each."""

    def __init__(self, root: Path):
        self.root = root
        self.made: set[str] = set()

    def write(self, rel: str, data: bytes) -> None:
        """A new file where there is none, else written beside and renamed
        over the one there (atomic_write), which may be a hard link to the
        live site's file and must never be written into. The staging folder
        is no site until it is switched in, and its manifest is gone while
        files change (_prepare_staging), so a file half-written by a killed
        build is never published: the next build does not trust the folder.
        A cold build writes every page new, one rename fewer each (10,000
        articles: 83,000 pages)."""
        target = self.root / rel
        _parent_made(target, self.made)
        try:
            fd = os.open(target, _NEW_FILE, 0o644)
        except FileExistsError:
            atomic_write(target, data, self.made)
            return
        try:
            try:
                _write_all(fd, data)
            finally:
                os.close(fd)
        except BaseException:
            os.unlink(target)
            raise

    def link(self, source: Path, rel: str) -> None:
        """The live file itself (same inode) at `rel`, replacing what is there."""
        target = self.root / rel
        _parent_made(target, self.made)
        tmp = target.with_name(f".{target.name}.tmp-generator")
        if os.path.lexists(tmp):
            os.unlink(tmp)
        link_or_copy(source, tmp)
        os.replace(tmp, target)

    def remove(self, rel: str) -> None:
        target = self.root / rel
        try:
            os.unlink(target)
        except FileNotFoundError:
            return
        _prune_empty(target.parent, self.root)


def _prepare_staging(output: Path, live: dict, early: LinkedTree | None = None,
                     manifests: Manifests | None = None, live_digest: str | None = None) -> tuple[Path, dict]:
    """The staging folder and its manifest: the previous site, kept from the
    last swap, or (if it is missing or was left half-done) a fresh one made
    of hard links to the live site (begun by `early`, stage_early's, if the
    build began it). Its manifest and stamp are removed before anything in
    it changes, so a build killed from here on leaves a folder the next
    build knows not to trust. With the live manifest's SHA-256 (`live_digest`),
    the staged manifest is the live one with the differences the last swap
    wrote beside it (StagedDelta), when they speak for that very file."""
    staging = staging_dir(output)
    linked = early.wait() if early is not None else None
    if linked is None:
        # (of the staged site's manifest, what the sink reads: 10,000 articles, its history of ids
        # alone is some 42 MB, held through the rendering else)
        delta = StagedDelta.shadow(output, live, live_digest) if early is None and live_digest else None
        shadow = delta if delta is not None else \
            _what_staging_reads(manifests.load(staging) if manifests is not None else load_manifest(staging))
        if early is not None or shadow.get("format") != FORMAT or not os.path.isdir(staging):
            if os.path.lexists(staging):
                _trash(staging, output)
            staging.mkdir()
            files = sorted(_manifest_files(live))
            linked = set(files) - set(link_tree(output, staging, files))
    if linked is not None:  # a fresh folder (made here or by `early`): its manifest is the live one's, less what failed
        shadow = {"files": sorted(linked), "pages": {k: v for k, v in _manifest_pages(live).items() if k in linked}}
    staged_delta_path(output).unlink(missing_ok=True)
    for name in (MANIFEST, STAMP):
        (staging / name).unlink(missing_ok=True)
    return staging, shadow


def _what_staging_reads(manifest: dict) -> dict:
    """Of a staged site's manifest, what a build reads of it: its format,
    files and pages (a new dict: the preview's Manifests keeps the one it
    loaded)."""
    return {k: manifest[k] for k in ("format", "files", "pages") if k in manifest}


def stage_early(output: Path, live: dict | Callable[[], dict]) -> LinkedTree | None:
    """Begin the fresh staging folder a build will need (there is none it
    can trust: the first rebuild after a cold build) in a child process, so
    it is made while the build computes (staging.py); None when there is
    nothing to begin (the folder is kept from the last swap) or the site is
    not staged. `live`: the live site's manifest, or what gives it (asked
    only if a folder is begun). Pass the result to write_site, or cancel() it."""
    output = output.resolve()
    staging = staging_dir(output)
    if not can_stage(output) or os.path.isfile(staging / MANIFEST):
        return None  # (asked first: listing the live site's files took 60 ms at 10,000 articles)
    files = sorted(_manifest_files(live if isinstance(live, dict) else live()))
    if not files:
        return None
    if os.path.lexists(staging):
        _trash(staging, output)
    staging.mkdir()
    return LinkedTree.start(output, staging, files)


class _StagedSink:
    """Puts one file of the new site into the staging folder: a file whose
    bytes equal the live site's is a hard link to it (same inode and mtime),
    a file the staging folder already holds is left alone. Used from forked
    render workers too: each file is handled on its own."""

    def __init__(self, output: Path, staging: Path, shadow: dict, live: dict):
        self.output, self.tree = output, _Tree(staging)
        self.shadow_files, self.shadow_pages = _manifest_files(shadow), _manifest_pages(shadow)
        self.live_pages = _manifest_pages(live)

    def keep(self, rel: str, digest: str | None) -> None:
        """The live file, unchanged, is part of the new site. (The staging folder
        most often holds it already: the paths are made only when it may not.
        A file without a fingerprint, an export say, is the live one only if
        it is the same inode: the staging folder holds the site before.)"""
        if digest is not None and rel in self.shadow_files \
                and self.shadow_pages.get(rel) == digest == self.live_pages.get(rel):
            return
        live_path = self.output / rel
        if not (rel in self.shadow_files and same_inode(live_path, self.tree.root / rel)):
            self.tree.link(live_path, rel)

    def put(self, rel: str, data: bytes) -> bool:
        """True when the bytes are new (not those of the live file)."""
        live_path, staged = self.output / rel, self.tree.root / rel
        if same_bytes(live_path, data):
            if not (rel in self.shadow_files and same_inode(live_path, staged)):
                self.tree.link(live_path, rel)
            return False
        if not (rel in self.shadow_files and same_bytes(staged, data)):
            self.tree.write(rel, data)
        return True


def _publish_staged(rels: dict[str, bytes], kept: set[str], output: Path, live: dict, record: dict,
                    before_switch: Callable[[Path, Callable[[], None]], None] | None,
                    stamp: Callable[[], str | None] | None, pages: Pages | None = None,
                    on_written: Callable[[], None] | None = None,
                    indexer: Callable[[], str | None] | None = None,
                    after_first: Callable[[Path], IndexerRunning | None] | None = None,
                    early: LinkedTree | None = None, before_live: Callable[[], None] | None = None,
                    notes: Callable[[], dict] | None = None, manifests: Manifests | None = None,
                    live_digest: str | None = None) -> WriteStats:
    staging, shadow = _prepare_staging(output, live, early, manifests, live_digest)
    sink = _StagedSink(output, staging, shadow, live)
    shadow_files, new_pages = sink.shadow_files, record["pages"]
    written = unchanged = 0
    try:
        for rel in sorted(kept | set(rels)):
            if rel in kept:
                sink.keep(rel, new_pages.get(rel))
                unchanged += 1
            elif sink.put(rel, rels[rel]):
                written += 1
            else:
                unchanged += 1
        rels.clear()  # written: their bytes need not stay through the rendering
        # Stale files go before any page is rendered, so what after_first reads is the new site's.
        for rel in sorted(shadow_files - set(record["files"])):
            sink.tree.remove(rel)
        if pages is not None:
            outcome = pages.run(sink, (lambda: after_first(staging)) if after_first is not None else None)
            new_pages.update(outcome.digests)
            written, unchanged = written + outcome.written, unchanged + outcome.unchanged
        if on_written is not None:
            on_written()
        text, delta = ManifestText(record), StagedDelta(live, record)

        def meanwhile() -> None:
            text.ahead()
            delta.ahead()

        if before_switch is not None:
            before_switch(staging, meanwhile)
        else:
            shutil.rmtree(staging / SEARCH_FOLDER, ignore_errors=True)
        _record_indexer(record, indexer, notes)
        if before_live is not None:
            before_live()
        manifest = text.bytes()
        atomic_write(staging / MANIFEST, manifest)
        key = stamp() if stamp is not None else None
        if key is not None:
            atomic_write(staging / STAMP, stamp_bytes(key, record))
        _carry_foreign(output, staging, live)
    except BaseException:
        if os.path.lexists(staging):  # never leave a half-made folder holding disk space
            (staging / MANIFEST).unlink(missing_ok=True)
            if (staging / CARRY).is_file():
                recover(output)
            _trash(staging, output)
            clean_trash(output)
        raise
    _switch(output, staging)
    (output / CARRY).unlink(missing_ok=True)
    digest = hashlib.sha256(manifest).hexdigest()
    if manifests is not None:  # the very file written above, live now (a swap moves no file), after the switch
        manifests.wrote(output / MANIFEST, _sorted(record), digest)
    delta.write(output, digest)  # (best effort: the new site is live whatever becomes of it)
    removed = len(_manifest_files(live) - set(record["files"]))
    return WriteStats(written, unchanged, removed, digest)


def _sorted(data):
    """`data` with every dict's keys in sorted order, as json.dumps(sort_keys=True) writes and loads give them."""
    if isinstance(data, JSONText):
        return json.loads(data.encoded)
    if isinstance(data, dict):
        return {k: _sorted(data[k]) for k in sorted(data)}
    return data


def _ours(name: str, live: dict) -> bool:
    """Is this top-level name of the output the generator's own?"""
    if name in BOOKKEEPING or name == SEARCH_FOLDER or name.startswith((".pagefind-", "pagefind")):
        return True
    if name.startswith(".") and name.endswith((".tmp", ".tmp-generator")):
        return True  # a temporary file of a killed writer (any version)
    return any(f == name or f.startswith(name + "/") for f in _manifest_files(live))


def _carry_foreign(output: Path, staging: Path, live: dict) -> None:
    """Move the entries the editor put at the top of the output (CNAME,
    .git, .nojekyll...) into the new site, journalled for recover()."""
    try:
        names = sorted(os.listdir(output))
    except FileNotFoundError:
        return
    tops = {f.split("/", 1)[0] for f in _manifest_files(live)}
    foreign = [n for n in names if n not in tops and not _ours(n, live) and not os.path.lexists(staging / n)]
    if not foreign:
        return
    atomic_write(staging / CARRY, json.dumps(foreign).encode())
    for name in foreign:
        os.rename(output / name, staging / name)


class _InPlaceSink:
    """Replaces one file of the output in place when its bytes changed."""

    def __init__(self, output: Path):
        self.output = output
        self.made: set[str] = set()

    def keep(self, rel: str, digest: str | None) -> None:
        pass

    def put(self, rel: str, data: bytes) -> bool:
        if same_bytes(self.output / rel, data):
            return False
        atomic_write(self.output / rel, data, self.made)
        return True


def _publish_in_place(rels: dict[str, bytes], kept: set[str], output: Path, live: dict, record: dict,
                      before_switch: Callable[[Path, Callable[[], None]], None] | None,
                      stamp: Callable[[], str | None] | None, pages: Pages | None = None,
                      streamed: set[str] = frozenset(),  # type: ignore[assignment]
                      on_written: Callable[[], None] | None = None,
                      indexer: Callable[[], str | None] | None = None,
                      before_live: Callable[[], None] | None = None,
                      notes: Callable[[], dict] | None = None) -> WriteStats:
    """Replace files one by one (the output cannot be swapped). The manifest
    written first lists old and new files and no fingerprint of any file
    about to change (nor of any page about to be rendered), so whatever
    moment a kill comes, the next build renders every such file again and
    removes every stale one."""
    output.mkdir(parents=True, exist_ok=True)
    (output / STAMP).unlink(missing_ok=True)
    before = _manifest_files(live)
    changing = {rel for rel, data in rels.items() if not same_bytes(output / rel, data)}
    pending = {**record, "files": sorted(before | set(record["files"])),
               "pages": {k: v for k, v in record["pages"].items() if k not in changing and k not in streamed}}
    atomic_write(output / MANIFEST, ManifestText(pending).bytes())
    sink = _InPlaceSink(output)
    for rel in sorted(changing):
        atomic_write(output / rel, rels[rel], sink.made)
    written = len(changing)
    if pages is not None:
        outcome = pages.run(sink)
        record["pages"].update(outcome.digests)
        written += outcome.written
    removed = 0
    for rel in sorted(before - set(record["files"])):
        target = output / rel
        if target.is_file() and not target.is_symlink():
            target.unlink()
            removed += 1
            _prune_empty(target.parent, output)
        tmp = target.with_name(f".{target.name}.tmp-generator")
        if os.path.lexists(tmp):
            os.unlink(tmp)
    if on_written is not None:
        on_written()
    text = ManifestText(record)
    if before_switch is not None:
        before_switch(output, text.ahead)
    _record_indexer(record, indexer, notes)
    if before_live is not None:
        before_live()
    manifest = text.bytes()
    atomic_write(output / MANIFEST, manifest)
    key = stamp() if stamp is not None else None
    if key is not None:
        atomic_write(output / STAMP, stamp_bytes(key, record))
    return WriteStats(written, len(record["files"]) - written, removed, hashlib.sha256(manifest).hexdigest())


def summaries_read(manifest: dict) -> bool:
    """Did a page of the site this manifest describes, other than an
    article's own, read an article's summary when it was rendered? True
    when the manifest does not say (a site built before it did)."""
    return manifest.get(SUMMARIES_READ) is not False


class StagedDelta:
    """How the staging folder's manifest differs from the live one's, kept
    beside the staging folder after a swap (staged_delta_path): the swap
    leaves the site before in the staging folder, and the next build reads
    its manifest only to know which files it holds and what each page was
    made from. At 10,000 articles that is 28 MB of JSON, 0.14 s on the
    one-article rebuild's way to Pagefind; the differences are those the
    last build made, a few pages for an edit. They speak for the staged
    manifest only while it is the very file they were written beside (its
    inode, size and times) and the live manifest the one they were made
    against (its SHA-256); else the staged manifest is read, as without
    them. Kept outside the staging folder, so no site (nor an older
    generator, which knows nothing of them) ever publishes them."""

    def __init__(self, live: dict, record: dict):
        self.live, self.record = live, record  # the manifests before (staged after the swap) and after (live)
        self.made: dict | None = None

    def ahead(self) -> None:
        """The differences, made while Pagefind runs (the fields are final then)."""
        if self.made is not None or self.live.get("format") != FORMAT:
            return  # (a staged manifest that is no staged build's is never read as this)
        then_pages, now_pages = _manifest_pages(self.live), self.record["pages"]
        then_files, now_files = _manifest_files(self.live), set(self.record["files"])
        self.made = {
            "pages": {p: then_pages.get(p) for p in sorted(then_pages.keys() | now_pages.keys())
                      if then_pages.get(p) != now_pages.get(p)},
            "only_live": sorted(now_files - then_files), "only_staged": sorted(then_files - now_files)}

    def write(self, output: Path, live_digest: str) -> None:
        """After the swap: the differences, beside the staged manifest they
        speak for. Best effort (the new site is live already): on a failure
        none are left, and the next build reads the staged manifest."""
        path = staged_delta_path(output)
        try:
            self.ahead()
            identity = file_identity(staging_dir(output) / MANIFEST)
            if self.made is None or identity is None:
                path.unlink(missing_ok=True)
                return
            atomic_write(path, _json({"format": DELTA_FORMAT, "live": live_digest, "staged": identity,
                                      **self.made}))
        except OSError:
            path.unlink(missing_ok=True)

    @staticmethod
    def shadow(output: Path, live: dict, live_digest: str) -> dict | None:
        """What a build reads of the staged manifest (_what_staging_reads),
        made from the live one and the differences beside it; None when
        they do not speak for it."""
        try:
            delta = json.loads(staged_delta_path(output).read_bytes())
        except (OSError, ValueError):
            return None
        identity = file_identity(staging_dir(output) / MANIFEST)
        if not (isinstance(delta, dict) and delta.get("format") == DELTA_FORMAT and delta.get("live") == live_digest
                and identity is not None and delta.get("staged") == list(identity)):
            return None
        pages, only_live, only_staged = delta.get("pages"), delta.get("only_live"), delta.get("only_staged")
        if not (isinstance(pages, dict) and isinstance(only_live, list) and isinstance(only_staged, list)):
            return None
        files = (_manifest_files(live) - {f for f in only_live if isinstance(f, str)}) | \
            {f for f in only_staged if isinstance(f, str)}
        staged_pages = _manifest_pages(live)
        for path, digest in pages.items():
            if isinstance(digest, str):
                staged_pages[path] = digest
            else:
                staged_pages.pop(path, None)
        return {"format": FORMAT, "files": list(files), "pages": staged_pages}


def file_identity(path: Path) -> tuple[int, ...] | None:
    """A file's inode, device, size and times: another file, or this one
    written again, has others (a manifest is only ever replaced whole, by
    rename). The preview's Manifests and StagedDelta know a manifest by it."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns, st.st_ctime_ns


@dataclass(frozen=True)
class JSONText:
    """A manifest field handed over as its JSON already (`_json`'s): the
    command line's history of ids (pipeline.py), made before the site's
    planning as some 15 MB of text instead of 65,000 dicts held through the
    planning's and the render's forks (10,000 articles)."""

    encoded: bytes

    @classmethod
    def of(cls, value) -> JSONText:
        return cls(_json(value))

    def __len__(self) -> int:
        return len(self.encoded)


class ManifestText:
    """The manifest's bytes: the record's compact JSON, keys sorted
    (`_json`), with its big fields (every file, every page's fingerprint,
    the id history: 28 MB of JSON at 10,000 articles, 0.03 s)
    made ahead by `ahead()`, which the search indexer's step calls before it
    waits on Pagefind (publish.index_search): they are final once every page
    is written, and the one-article rebuild otherwise made them after
    Pagefind, on its critical path. The fields set after the index (its
    maker, the notes) are added by bytes(). A field replaced, grown or
    shrunk since ahead() is made again; one changed in place at the same
    length would not be seen, and nothing does that (the big fields are
    final once every page is written: _publish_staged, _publish_in_place)."""

    AHEAD = ("files", "ids", "pages")

    def __init__(self, record: dict):
        self.record = record
        self.made: dict[str, tuple[Sized, int, bytes]] = {}  # field -> (its value, its length, its JSON)

    def ahead(self) -> None:
        for key in self.AHEAD:
            value = self.record.get(key)
            if value is not None and key not in self.made:
                self.made[key] = (value, len(value), _field_json(value))

    def bytes(self) -> bytes:
        """The manifest's bytes; the fields made ahead are let go as they are
        encoded (at 10,000 articles 28 MB of text held no longer than json.dumps's)."""
        parts = [b"{"]
        for key in sorted(self.record):
            value, made = self.record[key], self.made.pop(key, None)
            text = made[2] if made is not None and made[0] is value and made[1] == len(value) \
                else _field_json(value)
            parts += [b"," if len(parts) > 1 else b"", _json(key) + b":", text]
            del made, text
        parts.append(b"}")
        return b"".join(parts)


def _json(value) -> bytes:
    """`value` as compact JSON with sorted keys. orjson writes it in a tenth
    of json.dumps's time (the 28 MB manifest of 10,000 articles: 0.03 s
    against 0.25 to 0.35, on the way of every rebuild); the same bytes but
    for characters outside ASCII, which it writes as UTF-8 rather than
    escaped, and for dict keys, which must be strings (the manifest's are).
    Bytes, in UTF-8, as they are written: no 28 MB string beside them. A
    value orjson refuses (a lone surrogate, from a name the file system
    could not decode) is written by json.dumps, escaped to ASCII as before."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        return json.dumps(value, sort_keys=True, separators=(",", ":")).encode("ascii")


def _field_json(value) -> bytes:
    return value.encoded if isinstance(value, JSONText) else _json(value)


def _record_indexer(record: dict, indexer: Callable[[], str | None] | None,
                    notes: Callable[[], dict] | None = None) -> None:
    """The manifest's fields known once every page is written: the search
    index's maker, and the caller's `notes`."""
    if notes is not None:
        record.update(notes())
    made_by = indexer() if indexer is not None else None
    if made_by is not None:
        record["search"] = made_by


def stamp_bytes(key: str, record: dict) -> bytes:
    """The stamp of a complete build: its key, then its summary (one JSON
    line), then the files it wrote, one per line (file names hold no line
    breaks: content.py refuses them). The up-to-date check
    (freshness.up_to_date) reads this instead of the manifest, which also
    holds every page's fingerprint and the event id history (30 MB at 10,000
    articles)."""
    lines = [key, json.dumps(record.get("summary") or {}, sort_keys=True), *record["files"]]
    return "\n".join(lines).encode("utf-8", "surrogateescape")


def _prune_empty(folder: Path, stop: Path) -> None:
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
