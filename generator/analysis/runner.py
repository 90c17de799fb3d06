"""Run the per-article analysis over a corpus: from the cache where the key
matches, in a process pool otherwise (for big corpora).

Each worker receives the resources once, when it starts, instead of with
every article: unpickling the compiled rules costs a tenth of a second.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from ..config import ExtractionSettings
from ..model import Analysis, Article
from ..resources import Resources
from .article import analyse
from .cache import Cache

PARALLEL_THRESHOLD = 200  # below this, starting worker processes costs more than it saves

_worker: tuple[Resources, ExtractionSettings] | None = None  # set in each pool worker by _start_worker


def _start_worker(resources: Resources, settings: ExtractionSettings) -> None:
    global _worker
    _worker = (resources, settings)


def _analyse_in_worker(article: Article) -> Analysis:
    assert _worker is not None, "worker not initialised"
    return analyse(article, *_worker)


def analyse_all(articles: list[Article], keys: list[str], resources: Resources, settings: ExtractionSettings,
                store: Cache, jobs: int | None = None,
                progress: Callable[[int], object] | None = None) -> list[Analysis]:
    """Every article's analysis, in the order given; new results go to the cache."""
    results: list[Analysis | None] = [store.get(k) for k in keys]
    todo = [i for i, r in enumerate(results) if r is None]
    if progress and len(todo) < len(articles):
        progress(len(articles) - len(todo))  # read from the cache
    jobs = jobs or os.cpu_count() or 1
    if len(todo) >= PARALLEL_THRESHOLD and jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker,
                                 initargs=(resources, settings)) as pool:
            chunk = max(1, len(todo) // (jobs * 8))
            for i, res in zip(todo, pool.map(_analyse_in_worker, [articles[i] for i in todo], chunksize=chunk),
                                  strict=True):
                results[i] = res
                if progress:
                    progress(1)
    else:
        for i in todo:
            results[i] = analyse(articles[i], resources, settings)
            if progress:
                progress(1)
    done = [r for r in results if r is not None]
    assert len(done) == len(articles)
    for i in todo:
        store.put(keys[i], done[i])
    return done
