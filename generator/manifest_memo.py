"""The build manifests the preview wrote, kept in memory and known again by
the file's identity, so its next build does not parse them back.

A rebuild reads two manifests: the live site's (what each page was made
from) and the staging folder's (the site before, kept from the last swap).
At 10,000 articles each is 28 MB of JSON, about 0.35 s to parse, and the
preview wrote both itself. A manifest is taken from memory only when its
file is the one written (same inode, device, size and change times: a
manifest is only ever replaced whole, by rename, so any other write makes
another inode or time); any other file is parsed. Nothing that reads a
manifest changes it.
"""

from __future__ import annotations

from pathlib import Path

from .write import MANIFEST, file_identity, load_manifest

KEPT = 2  # the live site's and the staging folder's


class Manifests:
    def __init__(self) -> None:
        self.known: dict[tuple, dict] = {}  # file identity -> the manifest written there, newest last
        self.digests: dict[tuple, str] = {}  # file identity -> the SHA-256 of the bytes written there

    def load(self, folder: Path) -> dict:
        """The manifest in `folder` (write.load_manifest), from memory if this process wrote that very file."""
        got = self.known.get(file_identity(folder / MANIFEST))  # type: ignore[arg-type]
        return got if got is not None else load_manifest(folder)

    def written(self, manifest: dict) -> bool:
        """Is `manifest` the very object this process wrote (load gave it from memory)?"""
        return any(m is manifest for m in self.known.values())

    def remembered(self, folder: Path) -> tuple[dict, str] | None:
        """The manifest in `folder` and the SHA-256 of its bytes, if this
        process wrote that very file: the own-pages check (own_pages.py)
        compares the digest with its record's, then reads the manifest."""
        identity = file_identity(folder / MANIFEST)
        got, digest = self.known.get(identity), self.digests.get(identity)  # type: ignore[arg-type]
        return (got, digest) if got is not None and digest is not None else None

    def wrote(self, path: Path, manifest: dict, digest: str | None = None) -> None:
        """`manifest` was just written to `path` (its keys in the file's order:
        sorted), the bytes' SHA-256 `digest` if given."""
        identity = file_identity(path)
        if identity is None:
            return
        self.known[identity] = manifest
        if digest is not None:
            self.digests[identity] = digest
        while len(self.known) > KEPT:
            oldest = next(iter(self.known))
            del self.known[oldest]
            self.digests.pop(oldest, None)
