"""Run the command line with the file system listing every folder in a
random order (os.listdir and os.scandir shuffled, seeded): what pathlib,
os.walk and glob see. Used by the determinism test:

    python -m tests.support.shuffled SEED build --config ...
"""

from __future__ import annotations

import os
import random
import sys

from generator.__main__ import main


class _Listing:
    """os.scandir's iterator, in another order (and still a context manager)."""

    def __init__(self, entries: list):
        self.entries = iter(entries)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self.entries)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def close(self) -> None:
        return None


def shuffle_listings(seed: int) -> None:
    rng = random.Random(seed)
    listdir, scandir = os.listdir, os.scandir

    def shuffled_listdir(path="."):
        names = listdir(path)
        rng.shuffle(names)
        return names

    def shuffled_scandir(path="."):
        with scandir(path) as it:
            entries = list(it)
        rng.shuffle(entries)
        return _Listing(entries)

    os.listdir = shuffled_listdir  # type: ignore[assignment]
    os.scandir = shuffled_scandir  # type: ignore[assignment]


if __name__ == "__main__":
    shuffle_listings(int(sys.argv[1]))
    sys.exit(main(sys.argv[2:]))
