"""Per-article results on disk, under the key freshness.article_key gives
them. Change anything the result depends on and the key changes, so an entry
is simply not found; the cache is safe to delete at any time and never
changes what a build produces.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path

from ..model import Analysis


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
