"""The preview's scan of the content folder, kept from one build to the next.

A build lists the article files (inputs.scan_articles: every entry under
content/articles/) and stats each one for its build key: at 10,000 articles
about 0.15 s of every preview save, for one file changed. The preview's
watcher knows which paths changed since its last build began (serve.py: the
differences between its snapshots, from the operating system's events or
from polling, the changes that start a rebuild at all), so the next build
takes the last build's list and stats again only the changed files
(`Changes`), when every changed path under content/articles/ is an article
file that list holds, still a regular file. Anything else there (a file
added, deleted or renamed, a folder, a bad entry, a symlink that the last
scan followed or a folder the watcher skips, whose changes the watcher may
not see) makes the build scan everything, as every command-line build does.
The watcher's stamps hold a file's change time as well as its modification
time and size (watching.Stamp), so a change of mode, or a file replaced by
a copy that kept its time and size, is a change here too. The output is the same either
way: the build reads the same files, whose unchanged stats are the ones it
would take again.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass

from .inputs import Scan


@dataclass(frozen=True)
class Changes:
    """The paths the preview's watcher saw change since its last build began,
    named as under the watched folders (`roots`) it names them."""

    roots: frozenset[str]
    paths: frozenset[str]


@dataclass
class ArticleScan:
    """A build's scan of content/articles/ and each article file's stat then."""

    content: str  # the content folder it lists (its articles/ folder's files)
    scanned: Scan
    stats: dict[str, os.stat_result]

    def now(self, content: str, changes: Changes | None) -> tuple[Scan, dict[str, os.stat_result]] | None:
        """The scan and the article files' stats as scanning and stat-ing now
        would give them, after `changes`; None when they cannot be known
        without (no changes known, another folder, a file added or gone...)."""
        if changes is None or content != self.content or content not in changes.roots:
            return None
        if self.scanned.problems or self.scanned.unseen:
            return None
        folder = os.path.join(content, "articles") + os.sep
        stats = self.stats
        fresh: dict[str, os.stat_result] = {}
        for path in changes.paths:
            if path in stats:
                try:
                    st = os.stat(path)
                except OSError:
                    return None  # deleted (or renamed away)
                if not stat.S_ISREG(st.st_mode) or os.path.islink(path):
                    return None
                fresh[path] = st
            elif path.startswith(folder) or folder.startswith(path + os.sep):
                return None  # a new entry, or the articles folder (or one above it) itself: scan
        return self.scanned, {**stats, **fresh}
