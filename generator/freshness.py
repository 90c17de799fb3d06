"""Is it up to date? Every key that decides whether work can be skipped.

* `article_key`: what one article's analysis depends on (its parsed content,
  the code of the per-article stage, the language resources, the extraction
  settings). Equal keys mean the cached analysis is the one a fresh run
  would compute.
* `build_key`: everything the whole output depends on (the generator's code,
  the resolved configuration, the resources, every template, static and
  content file, byte for byte). Equal keys and every output file still in
  place mean the build has nothing to do; reading the bytes of 10,000
  articles takes a fraction of a second, parsing them does not.
* The stamp (`.generator-build` in the output) holds the key of the last
  complete build, its summary and the files it wrote; it is written into the
  staged site before the swap.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .config import ExtractionSettings, SiteConfig
from .file_digests import FileDigests
from .write import STAMP

if TYPE_CHECKING:  # light imports only: the up-to-date check runs before the heavy code is loaded
    from .model import Article
    from .resources import Resources

PACKAGE = Path(__file__).resolve().parent
# The code whose output is cached per article.
ANALYSIS_CODE = ("analysis", "temporal", "model.py", "resources.py", "inputs.py", "links.py")
# Code among it that only decides which process analyses which article, never what comes out (each
# result lands at its article's index): a change to it leaves every cached analysis good, so it is
# not hashed into their keys (it was, and a change to the local pool made a 10,000-article site's
# next build analyse everything again, a minute of work)
SCHEDULING_CODE = frozenset({"analysis/runner.py"})
# What the analysis runs on, besides its code (their versions are in the key: _libraries)
ANALYSIS_LIBRARIES = ("Markdown", "python-dateutil")  # analysis/markup.py, temporal/resolve.py, content.py


def hash_files(h, paths) -> None:
    """Feed each file's path and bytes to the hash `h` (a missing file counts
    too; a FIFO or a folder counts by its kind, never read: reading a FIFO
    would wait for ever)."""
    for path in paths:
        h.update(f"\0{path}\0".encode("utf-8", "surrogateescape"))
        try:
            if stat.S_ISREG(os.stat(path).st_mode):
                h.update(Path(path).read_bytes())
            else:
                h.update(b"-not-a-file")
        except OSError:
            h.update(b"-")


def _code_files(parts: tuple[str, ...] | None = None) -> list[Path]:
    if parts is None:
        return sorted(PACKAGE.rglob("*.py"))
    out: list[Path] = []
    for part in parts:
        p = PACKAGE / part
        out += sorted(p.rglob("*.py")) if p.is_dir() else [p]
    return [f for f in out if f.relative_to(PACKAGE).as_posix() not in SCHEDULING_CODE]


@functools.cache
def code_fingerprint(parts: tuple[str, ...] | None = None) -> str:
    """The generator's version and the bytes of its code (or of `parts` of
    it). Worked out once per process: the code a process runs does not
    change while it runs (a long-running preview keeps the modules it
    imported, whatever is saved over their files since), and reading the
    hundred files again took some 15 ms of each preview rebuild, before its
    early page (the build key, the merge settings, the analyses' base)."""
    h = hashlib.sha256(__version__.encode())
    for path in _code_files(parts):
        h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def analysis_base(resources: Resources, settings: ExtractionSettings) -> str:
    """The part of every article key that is the same for all articles: an
    analysis is a pure function of its key, so the key names everything it
    depends on, the libraries that make the HTML and read the dates and the
    Python that runs them too (a page is fingerprinted by it: site.articles.MarkedText)."""
    return f"{code_fingerprint(ANALYSIS_CODE)}|{_libraries()}|{resources.fingerprint}|{settings!r}"


@functools.cache
def _libraries() -> str:
    """The versions of what the analysis runs on (fixed for a process: its modules are imported once)."""
    import importlib.metadata
    import platform
    import unicodedata

    found = []
    for name in ANALYSIS_LIBRARIES:
        try:
            found.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name}=?")
    return ",".join([*found, f"python={platform.python_version()}", f"unicode={unicodedata.unidata_version}"])


def article_key(article: Article, base: str) -> str:
    h = hashlib.sha256(base.encode())
    h.update(repr(article).encode())
    return h.hexdigest()


def build_key(config: SiteConfig, resources_fingerprint: str, inputs: list[str | Path], options: str,
              digests=None, stats: dict | None = None) -> str:
    """One hash of everything the output depends on; `inputs` are the files
    the build reads (templates, static files, content, overrides), each by
    its SHA-256, which `digests` (file_digests.FileDigests) keeps for files whose
    stat signature has not changed since they were last read (`stats`: some
    files' stat, taken for this build already)."""
    h = hashlib.sha256()
    where = dataclasses.replace(config, output_dir=Path("."))  # where it goes is not an input
    h.update(f"{code_fingerprint()}|{resources_fingerprint}|{where!r}|{options}".encode())
    (digests if digests is not None else FileDigests()).feed(h, inputs, stats)
    return h.hexdigest()


def exists_in(output: Path):
    """rel -> is that file in the output? (os.access: cheaper than isfile, no stat result built)"""
    base, access, present = str(output) + os.sep, os.access, os.F_OK
    return lambda rel: access(base + rel, present)


def up_to_date(output: Path, key: str, with_search: bool) -> dict | None:
    """The summary of the output (pages, files, articles, events) when it is
    the complete result of a build with this key and every file
    it wrote is still there; None otherwise (a deleted file is written
    again). Only the stamp is read (write.stamp_bytes: the key, the summary,
    the files), never the much bigger manifest; a changed project costs the
    first line."""
    try:
        with open(output / STAMP, encoding="utf-8", errors="surrogateescape") as fh:
            if fh.readline().rstrip("\n") != key:
                return None
            summary = json.loads(fh.readline())
            files = fh.read().split("\n")
    except (OSError, ValueError):
        return None
    if not isinstance(summary, dict) or files == [""] or (with_search and not (output / "pagefind").is_dir()):
        return None
    exists = exists_in(output)
    return summary if all(exists(rel) for rel in files) else None
