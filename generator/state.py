"""What a build keeps between runs, so a rebuild after one edit does not
read, parse or load again what did not change.

* `FileDigests`: each input file's SHA-256, kept with the file's stat
  signature (size, modification and change times in nanoseconds, inode,
  mode). The build key (freshness.build_key) is made from these digests, so
  an unchanged file is not read again. Like git's index, a digest is trusted
  only for a file that had not been modified for a while when it was read
  (RACY_SECONDS): a file rewritten twice in one clock tick with the same size
  is read again, never taken as unchanged. The table is saved in the
  project's cache folder, so a command-line build uses it too.
* `BuildState.articles`: each article file parsed (Article and the warnings
  reading it gave), under the same stat signature. In memory only (the
  preview server keeps one BuildState between saves).
* `BuildState.analyses`: per-article analyses by article key, in front of
  the on-disk cache (analysis/cache.py): the preview does not decode a
  thousand JSON files after each save.

Everything here is a cache of a pure function of the file bytes: a build
with a BuildState gives the same bytes as a cold one (tests/test_state.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .analysis.cache import Cache
from .config import LimitSettings
from .content import read_article
from .errors import Problem, Report
from .model import Analysis, Article

RACY_SECONDS = 2.0  # a file modified this recently when read may change again within the same timestamp
FILES_FORMAT = 1
Signature = tuple[int, int, int, int, int]


def signature(st: os.stat_result) -> Signature:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_mode)


def _settled(st: os.stat_result, now_ns: int) -> bool:
    """Old enough that a later change would show in its times."""
    return max(st.st_mtime_ns, st.st_ctime_ns) < now_ns - int(RACY_SECONDS * 1e9)


class FileDigests:
    """path -> (stat signature, SHA-256 of the bytes), for the files a build hashes."""

    def __init__(self, table: dict[str, tuple[Signature, bytes]] | None = None):
        self.table = table or {}
        self.read = 0  # files read this build (for tests and the benchmarks)
        self.changed = False

    def feed(self, h, paths) -> None:
        """Feed each file's path and digest to `h` (freshness.hash_files' rules:
        a missing file and a file that is not a regular file count by their kind)."""
        now = time.time_ns()
        for path in paths:
            name = str(path)
            h.update(f"\0{name}\0".encode("utf-8", "surrogateescape"))
            try:
                st = os.stat(path)
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
            if _settled(st, now):
                self.table[name] = (sig, digest)
                self.changed = True
            elif name in self.table:
                del self.table[name]
                self.changed = True

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
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".files.", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as fh:
                json.dump(data, fh, separators=(",", ":"))
            os.replace(tmp, path)
        except OSError:
            pass
        self.changed = False


class MemoryCache(Cache):
    """The on-disk per-article cache with the analyses of the last build in
    front of it (the analyses are immutable values of their keys)."""

    def __init__(self, folder: Path | None, writable: bool, memory: dict[str, Analysis], readable: bool = True):
        super().__init__(folder, writable, readable)
        self.memory = memory if readable else {}
        self.used: set[str] = set()

        self.key_of: dict[str, str] = {}  # article slug -> the key its analysis was found or stored under

    def get(self, k: str) -> Analysis | None:
        self.used.add(k)
        got = self.memory.get(k)
        if got is not None:
            self.hits += 1
        else:
            got = super().get(k)
            if got is not None:
                self.memory[k] = got
        if got is not None:
            self.key_of[got.article.slug] = k
        return got

    def put(self, k: str, value: Analysis) -> None:
        self.remember(k, value)
        super().put(k, value)

    def remember(self, k: str, value: Analysis) -> None:
        self.used.add(k)
        self.memory[k] = value
        self.key_of[value.article.slug] = k

    def forget_unused(self) -> None:
        """Keep only this build's analyses: a long preview session does not grow."""
        for k in [k for k in self.memory if k not in self.used]:
            del self.memory[k]


@dataclass
class BuildState:
    """Kept between the builds of one process (the preview server)."""

    files: FileDigests | None = None
    articles: dict[str, tuple[Signature, str, Article, list[Problem]]] = field(default_factory=dict)
    analyses: dict[str, Analysis] = field(default_factory=dict)
    merged: tuple | None = None  # (the analyses, what else merging read, its result)

    def merge(self, analyses: list[Analysis], settings: str, compute):
        """`compute()` (the corpus stage before the overrides), or its last
        result when it would read exactly the same: the very same analysis
        objects (kept in memory, so no other object can take their ids) and
        the same resources and settings. A template, override or site.toml
        edit in the preview then merges nothing again."""
        same = (self.merged is not None and self.merged[1] == settings and len(self.merged[0]) == len(analyses)
                and all(a is b for a, b in zip(self.merged[0], analyses, strict=True)))
        if not same:
            self.merged = (list(analyses), settings, compute())
        assert self.merged is not None
        return self.merged[2]

    def reader(self, parse_code: str = "", store: MemoryCache | None = None, index: ArticleIndex | None = None):
        """content.read_article, answered from memory for a file whose stat
        signature (and the settings and code it was read with) did not change;
        else, with an `index` (the command line's), from the article the cached
        analysis of that file holds (`store`), which is the article its bytes
        parse to (its key hashes the article)."""
        seen: dict[str, tuple[Signature, str, str, list[Problem]]] = {}  # settled files: signature, how, slug, warnings
        visited: set[str] = set()
        now = time.time_ns()

        def read(path: Path, content_root: Path, report: Report, limits: LimitSettings | None = None) -> Article:
            name = str(path)
            visited.add(name)
            try:
                st = os.stat(path)
            except OSError:
                return read_article(path, content_root, report, limits)  # it says what is wrong
            sig, how = signature(st), f"{content_root}|{limits!r}|{parse_code}"
            known = self.articles.get(name)
            if known is not None and known[0] == sig and known[1] == how:
                article, warnings = known[2], known[3]
            else:
                got = index.article(name, sig, how, store) if index is not None and store is not None else None
                if got is not None:
                    article, warnings = got
                else:
                    own = Report()
                    article = read_article(path, content_root, own, limits)
                    warnings = own.warnings
                if _settled(st, now):
                    self.articles[name] = (sig, how, article, warnings)
                else:
                    self.articles.pop(name, None)
            report.warnings += warnings
            if name in self.articles:
                seen[name] = (sig, how, article.slug, warnings)
            return article

        def forget_unseen() -> None:
            for k in [k for k in self.articles if k not in visited]:
                del self.articles[k]

        read.forget_unseen = forget_unseen  # type: ignore[attr-defined]
        read.seen = seen  # type: ignore[attr-defined]
        return read


class ArticleIndex:
    """The command line's memory of the article files (`.cache/article-index.json`):
    path -> stat signature, how it was read, the key of its analysis in the
    per-article cache, and the warnings reading it gave. An unchanged file is
    then not parsed again: its article comes with its cached analysis."""

    FORMAT = 1

    def __init__(self, table: dict[str, list] | None = None):
        self.table = table or {}

    @classmethod
    def load(cls, path: Path) -> ArticleIndex:
        try:
            data = json.loads(path.read_text(encoding="utf-8", errors="surrogateescape"))
            if data.get("format") != cls.FORMAT or not isinstance(data.get("files"), dict):
                return cls()
            return cls(data["files"])
        except (OSError, ValueError, AttributeError):
            return cls()

    def article(self, name: str, sig: Signature, how: str, store: MemoryCache) -> tuple[Article, list[Problem]] | None:
        entry = self.table.get(name)
        try:
            if entry is None or tuple(entry[0]) != sig or entry[1] != how:
                return None
            got = store.get(entry[2])
            if got is None:
                return None
            warnings = [Problem(m, Path(p) if is_path else p, line, hint, severity)
                        for m, p, is_path, line, hint, severity in entry[3]]
        except (TypeError, ValueError, IndexError):  # garbled: parse the file
            return None
        return got.article, warnings

    def save(self, path: Path, seen: dict[str, tuple[Signature, str, str, list[Problem]]],
             key_of: dict[str, str]) -> None:
        """Record the settled files read this build whose analysis is in the cache."""
        table = {name: [list(sig), how, key_of[slug],
                        [[w.message, str(w.path) if w.path is not None else None, isinstance(w.path, Path), w.line,
                          w.hint, w.severity] for w in warnings]]
                 for name, (sig, how, slug, warnings) in sorted(seen.items()) if slug in key_of}
        if table == self.table:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".article-index.", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as fh:
                json.dump({"format": self.FORMAT, "files": table}, fh, separators=(",", ":"))
            os.replace(tmp, path)
        except OSError:
            pass
