"""Per-article results on disk, keyed by what determines them.

The key is a hash of the article's parsed content (body, date, slug...), the
generator's version, the fingerprint of the temporal rule files and event
vocabularies, and of the generator's own source files. Change any of those and the entry is simply not found; the
cache is safe to delete at any time and never changes what a build produces.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from . import __version__, temporal
from .model import Analysis, Article

PACKAGE = Path(__file__).parent
# The per-article result depends on the data files and on the code that
# computes it: both are part of the key, so a changed generator never reads a
# stale entry.
DATA_FILES = sorted([*(PACKAGE / "data").glob("*"), *PACKAGE.glob("*.py"), *(PACKAGE / "temporal").glob("*.py")])


def _data_fingerprint() -> str:
    h = hashlib.sha256()
    for p in DATA_FILES:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


_FINGERPRINT: str | None = None


def fingerprint(language: str = "en") -> str:
    global _FINGERPRINT
    if _FINGERPRINT is None:
        _FINGERPRINT = f"{__version__}-{temporal.fingerprint(language)}-{_data_fingerprint()}"
    return _FINGERPRINT


def key(article: Article, extra: str = "") -> str:
    h = hashlib.sha256()
    h.update(fingerprint().encode())
    h.update(repr(article).encode())
    h.update(extra.encode())
    return h.hexdigest()


class Cache:
    def __init__(self, folder: Path | None):
        self.folder = folder
        self.hits = 0
        self.misses = 0

    def get(self, k: str) -> Analysis | None:
        if self.folder is None:
            return None
        path = self.folder / k[:2] / f"{k}.pickle"
        try:
            with path.open("rb") as fh:
                value = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, k: str, value: Analysis) -> None:
        if self.folder is None:
            return
        folder = self.folder / k[:2]
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{k}.pickle")
