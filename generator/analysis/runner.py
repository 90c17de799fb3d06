"""Run the per-article analysis over a corpus: from the cache where the key
matches; the rest in this process (small corpora), in a local process pool
(the default), or on a Dask cluster (`executor = "dask"`, cluster.py).

Each pool worker receives the resources once, when it starts, instead of
with every article: unpickling the compiled rules costs a tenth of a second.
The workers also encode and write the cache entries of what they analyse:
encoding an entry costs about a third of analysing the article, and done in
the parent it ran on one core while the workers waited, which is why two
workers used to buy only 1.4 times (see README "Build speed").

Where processes can fork, the local pool is this process and jobs - 1
forked workers (`_analyse_forked`, forked.streamed_parts): the build
process analyses parts too,
taking them from the back while the workers take them from the front. A
result that comes from another process is pickled there and unpickled here,
about a fifth of the work of analysing it; the build process pays that only
for the workers' share, where with `jobs` pool workers it unpickled every
result on a core the workers needed (1,000 articles, two cores: 4.85 s of
CPU against 4.04 in one process, 1.51 times as fast).

Whatever runs it, each result lands at its article's index, so the output
does not depend on the executor, the number of workers or the order in
which they finish.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor

from .. import forked
from ..config import ExtractionSettings
from ..model import Analysis, Article
from ..resources import Resources
from .article import analyse
from .cache import Cache

PARALLEL_THRESHOLD = 200  # below this, starting worker processes costs more than it saves

_worker: tuple[Resources, ExtractionSettings, Cache] | None = None  # set in each pool worker by _start_worker


def _start_worker(resources: Resources, settings: ExtractionSettings, store: Cache) -> None:
    global _worker
    _worker = (resources, settings, store)


def _analyse_in_worker(job: tuple[Article, str]) -> Analysis:
    assert _worker is not None, "worker not initialised"
    resources, settings, store = _worker
    article, key = job
    result = analyse(article, resources, settings)
    store.put(key, result)
    return result


def _with_article(result: Analysis, article: Article) -> Analysis:
    """A result from another process, holding the article this process read
    rather than its unpickled copy (the same value): otherwise every article's
    Markdown is twice in memory, in what content.py read and in its analysis."""
    if result.article is article or result.article != article:
        return result
    return dataclasses.replace(result, article=article)


def analyse_all(articles: list[Article], keys: list[str], resources: Resources, settings: ExtractionSettings,
                store: Cache, jobs: int | None = None, progress: Callable[[int], object] | None = None,
                executor: str = "local", scheduler: str = "") -> list[Analysis]:
    """Every article's analysis, in the order given; new results go to the cache."""
    results: list[Analysis | None] = store.get_many(keys)
    todo = [i for i, r in enumerate(results) if r is None]
    if progress and len(todo) < len(articles):
        progress(len(articles) - len(todo))  # read from the cache
    jobs = jobs or os.cpu_count() or 1
    for i, res, theirs, whole in _analysed(articles, keys, todo, resources, settings, store, jobs, executor,
                                           scheduler):
        if theirs:  # made in another process (which cached it), else put in the cache here
            res = _with_article(res, articles[i])
            store.remember(keys[i], res, whole)
        results[i] = res
        if progress:
            progress(1)
    done = [r for r in results if r is not None]
    assert len(done) == len(articles)
    return done


def _analysed(articles: list[Article], keys: list[str], todo: list[int], resources: Resources,
              settings: ExtractionSettings, store: Cache, jobs: int, executor: str, scheduler: str
              ) -> Iterator[tuple[int, Analysis, bool, bool]]:
    """(index, analysis, made in another process, which wrote its entry
    whole) of every article at `todo`, by whichever runs them: the Dask
    cluster, this process and forked workers, a process pool where processes
    cannot fork, or this process alone (few articles, or one job). What this
    process makes it caches. A forked worker's and this process's analyses
    come as the cache keeps them (Cache.kept)."""
    if todo and executor == "dask":
        from .cluster import analyse_on_cluster

        for k, res in analyse_on_cluster(scheduler, [articles[i] for i in todo], [keys[i] for i in todo],
                                         resources, settings, store):
            yield todo[k], store.kept(keys[todo[k]], res), True, False  # (the entries this process wrote)
    elif len(todo) >= PARALLEL_THRESHOLD and jobs > 1:
        store.clean_strays()  # here, once: not in each worker while the others write
        resources.temporal.compile_all()  # here, once: not in each worker (the rules compile on first use)
        if "fork" in multiprocessing.get_all_start_methods():
            yield from _analyse_forked(articles, keys, todo, resources, settings, store, jobs)
            return
        with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker,
                                 initargs=(resources, settings, store.for_workers())) as pool:
            chunk = max(1, len(todo) // (jobs * 8))
            for i, res in zip(todo, pool.map(_analyse_in_worker, [(articles[i], keys[i]) for i in todo],
                                             chunksize=chunk), strict=True):
                yield i, res, True, False
    else:
        for i in todo:
            res = analyse(articles[i], resources, settings)
            store.put(keys[i], res)
            yield i, store.kept(keys[i], res), False, False


PART_ARTICLES = 16  # articles a part: small, so that no process waits long for another's last part


def _analyse_forked(articles: list[Article], keys: list[str], todo: list[int], resources: Resources,
                    settings: ExtractionSettings, store: Cache, jobs: int
                    ) -> Iterator[tuple[int, Analysis, bool, bool]]:
    """(index, analysis, made by a worker, its entry written whole) of every
    article at `todo`, by this process and jobs - 1 forked workers
    (forked.streamed_parts), which inherit the articles, the resources and
    the cache (nothing is pickled going out) and send each part's analyses
    as soon as it is done. Each analysis is put in the cache by the process
    that made it (a worker with the cache as workers use it:
    Cache.for_workers), and comes as the cache keeps it (Cache.kept: a big
    command-line build's without what it reads back from the entry)."""
    def part_with(cache: Cache) -> Callable[[int], list[tuple[Analysis, bool]]]:
        def part(n: int) -> list[tuple[Analysis, bool]]:
            # the part analysed, then cached: each entry encoded between two analyses cost some 2 % more
            made = [analyse(articles[i], resources, settings) for i in _part(todo, n)]
            for i, result in zip(_part(todo, n), made, strict=True):
                cache.put(keys[i], result)
            return [(cache.kept(keys[i], result), keys[i] in cache.whole)
                    for i, result in zip(_part(todo, n), made, strict=True)]
        return part

    parts = -(-len(todo) // PART_ARTICLES)
    for n, made, theirs in forked.streamed_parts(part_with(store), parts, jobs, part_with(store.for_workers())):
        for i, (res, whole) in zip(_part(todo, n), made, strict=True):
            yield i, res, theirs, whole


def _part(todo: list[int], n: int) -> list[int]:
    return todo[n * PART_ARTICLES:(n + 1) * PART_ARTICLES]
