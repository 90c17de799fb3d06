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
forked workers (`_analyse_forked`): the build process analyses parts too,
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
import gc
import multiprocessing
import os
import queue
import threading
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

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
    if todo and executor == "dask":
        from .cluster import analyse_on_cluster

        for i, res in analyse_on_cluster(scheduler, [articles[i] for i in todo], [keys[i] for i in todo],
                                         resources, settings, store):
            res = _with_article(res, articles[todo[i]])
            results[todo[i]] = res
            store.remember(keys[todo[i]], res)
            if progress:
                progress(1)
    elif len(todo) >= PARALLEL_THRESHOLD and jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
        store.clean_strays()  # here, once: not in each worker while the others write
        for i, res, theirs in _analyse_forked(articles, keys, todo, resources, settings, store, jobs):
            if theirs:
                res = _with_article(res, articles[i])
                store.remember(keys[i], res)
            results[i] = res
            if progress:
                progress(1)
    elif len(todo) >= PARALLEL_THRESHOLD and jobs > 1:
        store.clean_strays()  # here, once: not in each worker while the others write
        with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker,
                                 initargs=(resources, settings, store.for_workers())) as pool:
            chunk = max(1, len(todo) // (jobs * 8))
            for i, res in zip(todo, pool.map(_analyse_in_worker, [(articles[i], keys[i]) for i in todo],
                                             chunksize=chunk), strict=True):
                res = _with_article(res, articles[i])
                results[i] = res
                store.remember(keys[i], res)
                if progress:
                    progress(1)
    else:
        for i in todo:
            results[i] = analyse(articles[i], resources, settings)
            store.put(keys[i], results[i])  # type: ignore[arg-type]
            if progress:
                progress(1)
    done = [r for r in results if r is not None]
    assert len(done) == len(articles)
    return done


PART_ARTICLES = 16  # articles a part: small, so that no process waits long for another's last part


def _analyse_forked(articles: list[Article], keys: list[str], todo: list[int], resources: Resources,
                    settings: ExtractionSettings, store: Cache, jobs: int
                    ) -> Iterator[tuple[int, Analysis, bool]]:
    """(index, analysis, made by a worker) of every article at `todo`, by
    this process and jobs - 1 forked workers, which inherit the articles,
    the resources and the cache (nothing is pickled going out) and send
    each part's analyses as soon as it is done. Each analysis is put in the
    cache by the process that made it. A part that raises stops every
    process at its next part, and its exception is raised here."""
    parts = -(-len(todo) // PART_ARTICLES)
    ctx = multiprocessing.get_context("fork")
    forked.release_free_memory()
    got: queue.SimpleQueue = queue.SimpleQueue()  # (part, analyses), or (None, None) at a worker's end
    workers: list[tuple[multiprocessing.process.BaseProcess, threading.Thread]] = []
    ends: list[tuple[multiprocessing.process.BaseProcess, Any]] = []  # each worker and this end of its pipe
    finished = False
    gc.freeze()  # what this process holds, out of the collector's reach in the workers (forked.py)
    try:
        chunks = forked.Chunks(ctx, parts)
        for _ in range(jobs - 1):  # every worker forked before this process starts a thread
            mine, theirs = ctx.Pipe(duplex=False)
            process: multiprocessing.process.BaseProcess = ctx.Process(
                target=_parts_in_worker, daemon=True,
                args=(articles, keys, todo, chunks, resources, settings, store.for_workers(), theirs))
            process.start()
            theirs.close()
            ends.append((process, mine))
        for process, mine in ends:
            reader = threading.Thread(target=_receive_parts, args=(mine, got), daemon=True)
            reader.start()
            workers.append((process, reader))
        ended = 0
        while (n := chunks.take_last()) is not None:
            made = [analyse(articles[i], resources, settings) for i in _part(todo, n)]
            for i, res in zip(_part(todo, n), made, strict=True):
                store.put(keys[i], res)
                yield i, res, False
            while not got.empty():  # what the workers sent meanwhile
                ended += yield from _taken(got.get(), todo)
        while ended < len(workers):
            ended += yield from _taken(got.get(), todo)
        finished = True
    finally:
        if ends:
            chunks.stop_after(-1)  # (after a failure: no process begins another part)
        for k, (process, mine) in enumerate(ends):
            if not finished:
                process.terminate()
            process.join()
            process.close()
            if k >= len(workers):
                mine.close()  # (no reader took it: failed before the readers started)
        for _, reader in workers:
            reader.join()  # (it closes its end of the pipe)
        gc.unfreeze()


def _part(todo: list[int], n: int) -> list[int]:
    return todo[n * PART_ARTICLES:(n + 1) * PART_ARTICLES]


def _taken(message: tuple, todo: list[int]) -> Generator[tuple[int, Analysis, bool], None, int]:
    """The analyses a worker sent (yielded), or its end (returns 1), or its exception (raised)."""
    n, payload = message
    if n is None:
        if isinstance(payload, BaseException):
            raise payload
        return 1
    for i, res in zip(_part(todo, n), payload, strict=True):
        yield i, res, True
    return 0


def _parts_in_worker(articles: list[Article], keys: list[str], todo: list[int], chunks: forked.Chunks,
                     resources: Resources, settings: ExtractionSettings, store: Cache, conn) -> None:
    """A forked worker's life: parts from the front until none is left, each
    part's analyses put in the cache and handed to a thread that sends them
    (a part's analyses are about a megabyte, which the build process reads
    from the pipe between its own parts: sending them here kept this worker
    waiting longer than it worked); then its end."""
    out: queue.SimpleQueue = queue.SimpleQueue()
    sender = threading.Thread(target=_send_all, args=(conn, out))
    sender.start()
    end: BaseException | None = None
    try:
        while (n := chunks.take()) is not None:
            made = []
            for i in _part(todo, n):
                result = analyse(articles[i], resources, settings)
                store.put(keys[i], result)
                made.append(result)
            out.put((n, made))
    except BaseException as exc:  # sent, to be raised by the build
        chunks.stop_after(-1)
        end = exc
    out.put((None, end))
    sender.join()
    conn.close()


def _send_all(conn, out: queue.SimpleQueue) -> None:
    """Send what the worker hands over, in order, until its end."""
    while True:
        message = out.get()
        try:
            conn.send(message)
        except Exception as exc:  # an exception that cannot be pickled: its text
            conn.send((None, RuntimeError(f"{type(exc).__name__}: {exc}")))
            return
        if message[0] is None:
            return


def _receive_parts(conn, got: queue.SimpleQueue) -> None:
    """Each message of a worker, as it comes (unpickled here: beside this
    process's own parts), until its end; a worker that died ends too."""
    try:
        while True:
            message = conn.recv()
            got.put(message)
            if message[0] is None:
                return
    except (EOFError, OSError):
        got.put((None, RuntimeError("an analysis worker process ended without its results")))
    except BaseException as exc:  # a message that cannot be read back (unpickled): the worker's end all the same
        got.put((None, RuntimeError(f"an analysis worker's message could not be read: {exc!r}")))
    finally:
        conn.close()
