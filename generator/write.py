"""Write the rendered site into the output folder without ever leaving it
half-built.

Called only after every page has rendered. Each file is written to a
temporary name beside it and moved into place (an atomic replace); a file
whose bytes have not changed is not touched at all (cheap for rebuilds, rsync
and CDNs). Files of the previous build that the new one no longer has are
removed last, and only files this generator wrote (listed in a manifest), so
nothing else in the folder is ever deleted.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import BuildError, Problem

MANIFEST = ".generator-manifest.json"  # the files written, their page fingerprints, a summary
STAMP = ".generator-build"  # the key of the last complete build (freshness.build_key); absent while writing


@dataclass(frozen=True)
class WriteStats:
    written: int
    unchanged: int
    removed: int


def _safe_relative(rel: str) -> PurePosixPath:
    p = PurePosixPath(rel)
    if p.is_absolute() or ".." in p.parts or not p.parts or rel.startswith(("/", "\\")) or "\\" in rel:
        raise BuildError(Problem(f"refusing to write {rel!r}: outside the output folder",
                                 hint="a slug or template produced an unsafe path"))
    return p


def atomic_write(path: Path, data: bytes, made: set[str] | None = None) -> None:
    """Write beside the target and rename over it: a reader sees the old file
    or the new one, never half of either. Files get the usual 0644 (less any
    bits the umask removes), as any static site generator's output does."""
    parent = str(path.parent)
    if made is None or parent not in made:
        path.parent.mkdir(parents=True, exist_ok=True)
        if made is not None:
            made.add(parent)
    tmp = f"{parent}/.{path.name}.{os.getpid()}.tmp"
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(tmp, flags, 0o644)
        except FileExistsError:  # left by a killed build (never followed if it is a link)
            os.unlink(tmp)
            fd = os.open(tmp, flags, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_site(files: dict[str, bytes], output: Path, summary: dict | None = None, kept: set[str] | None = None,
               digests: dict[str, str] | None = None, previous: dict | None = None) -> WriteStats:
    """Write `files`; `kept` are files of the previous build whose inputs did
    not change (not rendered again, left as they are); `digests` are the
    fingerprints of the rendered pages, recorded for the next build;
    `previous` is the manifest already loaded by the caller (read if None)."""
    output = output.resolve()
    rels = {str(_safe_relative(rel)): data for rel, data in files.items()}
    root = output
    for rel in rels:
        target = (root / rel).resolve()
        if root not in target.parents:
            raise BuildError(Problem(f"refusing to write {rel!r}: it resolves outside {root}",
                                     hint="remove the symlink inside the output folder"))
    output.mkdir(parents=True, exist_ok=True)
    # The output stops being a complete build from here until record_build.
    (output / STAMP).unlink(missing_ok=True)
    manifest = load_manifest(output) if previous is None else previous
    before = {f for f in manifest.get("files", []) if isinstance(f, str)}
    kept = {str(_safe_relative(k)) for k in (kept or ())} & before
    written = unchanged = 0
    made: set[str] = set()
    for rel, data in sorted(rels.items()):
        target = output / rel
        try:
            st = os.stat(target)
            if stat.S_ISREG(st.st_mode) and st.st_size == len(data) and target.read_bytes() == data:
                unchanged += 1
                continue
        except OSError:
            pass
        atomic_write(target, data, made)
        written += 1
    removed = 0
    for rel in sorted(before - set(rels) - kept):
        target = output / rel
        if target.is_file() and not target.is_symlink() and output in target.resolve().parents:
            target.unlink()
            removed += 1
            _prune_empty(target.parent, output)
    atomic_write(output / MANIFEST, json.dumps(
        {"files": sorted(set(rels) | kept), "summary": summary or {}, "pages": digests or {}},
        indent=0, sort_keys=True).encode())
    return WriteStats(written, unchanged + len(kept), removed)


def load_manifest(output: Path) -> dict:
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if isinstance(data, list):  # the first manifest format: a bare list of files
        return {"files": data}
    return data if isinstance(data, dict) else {}


def _prune_empty(folder: Path, stop: Path) -> None:
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
