"""A fresh staging folder (write.py): the live site again, as hard links.

The first rebuild after a cold build (or after a failed one) finds no
staging folder it can trust and makes one from nothing: a folder per page
and a hard link per file, 85,000 of each at 10,000 articles, about ten
seconds of file-system work whatever the language. None of it depends on
what the build computes, so it starts in a forked child process at the
start of the build (`LinkedTree.start`) and runs on the other core while this
process reads, merges and plans; the publishing step waits for it
(`LinkedTree.wait`), which is seconds earlier than making it there.

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
import signal
import stat
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


class LinkedTree:
    """link_tree running in a forked child process."""

    def __init__(self, pid: int, pipe: int, files: list[str]):
        self.pid, self.pipe, self.files = pid, pipe, files
        self.done = False

    @classmethod
    def start(cls, output: Path, staging: Path, files: list[str]) -> LinkedTree | None:
        """Fork the child that fills `staging` (new and empty); None where
        there is no fork (the caller makes the folder itself later)."""
        if not hasattr(os, "fork"):
            return None
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: links, says which files it skipped, and leaves without any clean-up
            code = 1
            try:
                os.close(read_end)
                data = memoryview(json.dumps(link_tree(output, staging, files)).encode("utf-8", "surrogateescape"))
                while data:
                    data = data[os.write(write_end, data):]
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        return cls(pid, read_end, files)

    def wait(self) -> set[str] | None:
        """The files linked, once the child is done; None if it failed."""
        self.done = True
        chunks = []
        with os.fdopen(self.pipe, "rb") as fh:
            chunks.append(fh.read())
        _, status = os.waitpid(self.pid, 0)
        if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
            return None
        try:
            skipped = json.loads(b"".join(chunks).decode("utf-8", "surrogateescape"))
        except ValueError:
            return None
        return set(self.files) - set(skipped)

    def cancel(self) -> None:
        """Stop the child if it still runs (a build that failed before publishing)."""
        if self.done:
            return
        self.done = True
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.pipe)
