"""Each input file's SHA-256, kept with the file's stat signature (size,
modification and change times in nanoseconds, inode, mode). The build key
(freshness.build_key) is made from these digests, so an unchanged file is
not read again. Like git's index, a digest is trusted only for a file that
had not been modified for a while when it was read (RACY_SECONDS): a file
rewritten twice in one clock tick with the same size is read again, never
taken as unchanged. The table is saved in the project's cache folder, so a
command-line build uses it too. Standard library only: the up-to-date check
of the command line uses it before anything heavy is imported."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from pathlib import Path

from .cache_file import save_json

RACY_SECONDS = 2.0  # a file modified this recently when read may change again within the same timestamp
FILES_FORMAT = 1
Signature = tuple[int, int, int, int, int]


def signature(st: os.stat_result) -> Signature:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_mode)


def settled(st: os.stat_result, now_ns: int) -> bool:
    """Old enough that a later change would show in its times."""
    return max(st.st_mtime_ns, st.st_ctime_ns) < now_ns - int(RACY_SECONDS * 1e9)


class FileDigests:
    """path -> (stat signature, SHA-256 of the bytes), for the files a build hashes."""

    def __init__(self, table: dict[str, tuple[Signature, bytes]] | None = None):
        self.table = table or {}
        self.read = 0  # files read this build (for tests and the benchmarks)
        # path -> the stat taken when the build's key was made (build.current_inputs clears it first): the
        # reader of the articles takes an article file's from here (state.BuildState.reader), once
        self.stats: dict[str, os.stat_result] = {}
        self.changed = False

    def feed(self, h, paths, taken: dict[str, os.stat_result] | None = None) -> None:
        """Feed each file's path and digest to `h` (freshness.hash_files' rules:
        a missing file and a file that is not a regular file count by their kind).
        `taken`: a stat of some of the files, taken for this build already
        (the preview's: state.ArticleScan), instead of one now."""
        now = time.time_ns()
        stats = taken or {}
        for path in paths:
            name = str(path)
            h.update(f"\0{name}\0".encode("utf-8", "surrogateescape"))
            try:
                st = self.stats[name] = stats.get(name) or os.stat(path)
            except OSError:
                h.update(b"-")
                continue
            if not stat.S_ISREG(st.st_mode):
                h.update(b"-not-a-file")
                continue
            sig = signature(st)
            known = self.table.get(name)
            if known is not None and known[0] == sig:
                h.update(known[1])
                continue
            try:
                digest = hashlib.sha256(Path(path).read_bytes()).digest()
            except OSError:
                h.update(b"-")
                continue
            self.read += 1
            h.update(digest)
            if settled(st, now):
                self.table[name] = (sig, digest)
                self.changed = True
            elif name in self.table:
                del self.table[name]
                self.changed = True

    def hex_digests(self, paths: list[str]) -> dict[str, str]:
        """Each path's SHA-256 in hex: as the table holds it (what the last
        feed was given), else read now (a file modified in the last
        seconds); "" for a file that cannot be read or is not a regular file."""
        table, out = self.table, {}
        for p in paths:
            known = table.get(p)
            if known is not None:
                out[p] = known[1].hex()
                continue
            try:  # a regular file only, as feed() reads (a FIFO named like an article would block)
                out[p] = hashlib.sha256(Path(p).read_bytes()).hexdigest() if stat.S_ISREG(os.stat(p).st_mode) else ""
            except OSError:
                out[p] = ""
        return out

    @classmethod
    def load(cls, path: Path) -> FileDigests:
        """The table saved by the last build; empty when missing or garbled."""
        try:
            data = json.loads(path.read_text(encoding="utf-8", errors="surrogateescape"))
            if data.get("format") != FILES_FORMAT:
                return cls()
            table = {name: (tuple(sig), bytes.fromhex(digest)) for name, (sig, digest) in data["files"].items()
                     if isinstance(sig, list) and len(sig) == 5 and all(type(x) is int for x in sig)}
            return cls(table)
        except (OSError, ValueError, TypeError, AttributeError, KeyError):
            return cls()

    def save(self, path: Path, keep: set[str] | None = None) -> None:
        """Write the table (only the files in `keep`, when given); a cache that
        cannot be written only costs speed."""
        if keep is not None and any(k not in keep for k in self.table):
            self.table = {k: v for k, v in self.table.items() if k in keep}
            self.changed = True
        if not self.changed:
            return
        files = {k: [list(sig), d.hex()] for k, (sig, d) in sorted(self.table.items())}
        data = {"format": FILES_FORMAT, "files": files}
        save_json(path, data, separators=(",", ":"))
        self.changed = False
