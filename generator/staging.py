"""A fresh staging folder (write.py): the live site again, as hard links.

The first rebuild after a cold build (or after a failed one) finds no
staging folder it can trust and makes one from nothing: a folder per page
and a hard link per file, 85,000 of each at 10,000 articles, about ten
seconds of file-system work whatever the language. None of it depends on
what the build computes, so it starts in a child process (a new
interpreter, not a fork) at the start of the build (`LinkedTree.start`) and
runs on the other core while this process reads, merges and plans; the
publishing step waits for it (`LinkedTree.wait`), which is seconds earlier
than making it there.

The child only makes folders and links under the staging folder; whatever
happens to it (an error, a kill, a build that fails before publishing), the
staging folder then has no manifest, so no build trusts it: the next one
puts it aside and starts again, as after any half-made staging folder.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

# A file system without hard links: the file is copied instead.
NO_LINKS = (errno.EPERM, errno.EMLINK, errno.EXDEV, errno.ENOTSUP, errno.EOPNOTSUPP)


def link_tree(output: Path, staging: Path, files: Iterable[str]) -> list[str]:
    """Hard-link each of `files` (sorted paths inside `output`) into the
    new, empty folder `staging`; those that are not regular files of the
    live site (missing, a symlink, a folder) are skipped and returned. Plain
    strings and one folder creation per folder: pathlib's objects and a
    test before each link were most of the time it took in Python."""
    src_root, dst_root = str(output), str(staging)
    made = {dst_root}
    skipped = []
    for rel in files:
        source = f"{src_root}/{rel}"
        try:
            regular = stat.S_ISREG(os.lstat(source).st_mode)
        except OSError:
            regular = False
        if not regular:
            skipped.append(rel)
            continue
        target = f"{dst_root}/{rel}"
        parent = target.rpartition("/")[0]
        if parent not in made:
            try:
                os.mkdir(parent)
            except FileNotFoundError:
                os.makedirs(parent, exist_ok=True)
            except FileExistsError:
                pass
            made.add(parent)
        link_or_copy(source, target)
    return skipped


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """A hard link to the live file at `target` (same inode, no bytes
    written); a copy on a file system without hard links."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in NO_LINKS:
            raise
        shutil.copy2(source, target, follow_symlinks=False)


def same_bytes(path: str | Path, data: bytes) -> bool:
    """Is the file at `path` (not followed if a link) a regular file holding exactly `data`?"""
    try:
        st = os.stat(path, follow_symlinks=False)
        if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
            return False
        with open(path, "rb") as fh:
            return fh.read() == data
    except OSError:
        return False


def same_inode(a: str | Path, b: str | Path) -> bool:
    """Are the two paths (links not followed) the very same file (a hard link of each other)?"""
    try:
        sa, sb = os.stat(a, follow_symlinks=False), os.stat(b, follow_symlinks=False)
    except OSError:
        return False
    return (sa.st_ino, sa.st_dev) == (sb.st_ino, sb.st_dev)


class LinkedTree:
    """link_tree running in a child process: a new interpreter started by
    subprocess (vfork and exec), not a fork of this process. A fork marks
    every page of the forking process copy-on-write, and the preview's
    server (2.4 GB at 10,000 articles) then paid a page fault at its first
    write to each page again: its first save after a cold build took its
    early page 1.1 s after the save, where the next saves took 0.4 s."""

    def __init__(self, proc: subprocess.Popen, files: list[str]):
        self.proc, self.files = proc, files
        self.done = False

    @classmethod
    def start(cls, output: Path, staging: Path, files: list[str]) -> LinkedTree | None:
        """Start the child that fills `staging` (new and empty), the files
        handed over on its standard input by a thread of this process; None
        where no child starts (the caller makes the folder itself later)."""
        try:
            proc = subprocess.Popen([sys.executable, "-I", "-c", _CHILD, str(_PACKAGE_ROOT), str(output), str(staging)],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError:
            return None
        data = json.dumps(files).encode("utf-8", "surrogateescape")
        threading.Thread(target=_hand_over, args=(proc, data), daemon=True).start()
        return cls(proc, files)

    def wait(self) -> set[str] | None:
        """The files linked, once the child is done; None if it failed."""
        self.done = True
        assert self.proc.stdout is not None
        with self.proc.stdout:
            out = self.proc.stdout.read()
        if self.proc.wait() != 0:
            return None
        try:
            skipped = json.loads(out.decode("utf-8", "surrogateescape"))
        except ValueError:
            return None
        return set(self.files) - set(skipped) if isinstance(skipped, list) else None

    def cancel(self) -> None:
        """Stop the child if it still runs (a build that failed before publishing)."""
        if self.done:
            return
        self.done = True
        self.proc.terminate()
        self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


_PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # the folder that holds the generator package
# The child's program (-I: no environment variable or user folder changes what it imports; the package's
# own folder is put first)
_CHILD = ("import sys; sys.path.insert(0, sys.argv[1]); from generator.staging import child; "
          "child(sys.argv[2], sys.argv[3])")


def _hand_over(proc: subprocess.Popen, data: bytes) -> None:
    """Write the list of files to the child (some 5 MB at 10,000 articles), then close its input."""
    assert proc.stdin is not None
    try:
        with proc.stdin:
            proc.stdin.write(data)
    except (BrokenPipeError, OSError, ValueError):
        pass  # the child ended or was stopped: wait() or cancel() says so


def child(output: str, staging: str) -> None:
    """The child process's work: link the files listed on its standard
    input (JSON) from `output` into `staging`, and write the ones it
    skipped (JSON) to its standard output."""
    files = json.loads(sys.stdin.buffer.read().decode("utf-8", "surrogateescape"))
    skipped = link_tree(Path(output), Path(staging), files)
    sys.stdout.buffer.write(json.dumps(skipped).encode("utf-8", "surrogateescape"))
    sys.stdout.buffer.flush()
