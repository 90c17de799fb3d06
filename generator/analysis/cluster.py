"""The per-article analysis on a Dask distributed cluster (`executor =
"dask"`, `scheduler = "tcp://..."`; `pip install .[dask]`).

The workers may be other machines that see none of this project's files, so
the articles travel as content (the parsed `Article`: front matter and
Markdown body), in batches of a few dozen per task, never as paths. The
language resources travel once, scattered to every worker. Each task
returns the analyses and their encoded cache entries (encoding is a third of
the work, so the workers do it); the client writes the entries into its own
cache, which therefore stays where the build runs.

Only a bounded number of batches is in flight at a time, so neither the
scheduler nor the client holds a million articles' tasks at once.

The workers must run the same generator code as the client: each task
returns the fingerprint of the analysis code it ran, and a mismatch stops
the build (its results would be cached under keys they do not belong to).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..config import ExtractionSettings
from ..errors import BuildError, Problem
from ..model import Analysis, Article
from ..resources import Resources
from .article import analyse
from .cache import Cache, entry

BATCH = 64  # articles per task at most: ~0.5 s of work, ~0.3 MB of Markdown
IN_FLIGHT = 3  # batches queued per worker thread: enough to keep every thread busy
CONNECT_TIMEOUT = "10s"
INSTALL_HINT = "pip install -r requirements-dask.txt (or pip install '.[dask]'), on the client and every worker"


def _code() -> str:
    from ..freshness import ANALYSIS_CODE, code_fingerprint

    return code_fingerprint(ANALYSIS_CODE)


def analyse_batch(batch: list[tuple[Article, str]], resources: Resources,
                  settings: ExtractionSettings) -> tuple[str, list[tuple[Analysis, bytes | None]]]:
    """One task, run on a worker: each article's analysis and cache entry,
    with the fingerprint of the code that made them."""
    out = []
    for article, key in batch:
        result = analyse(article, resources, settings)
        out.append((result, entry(key, result)))
    return _code(), out


def _batch_size(articles: int, threads: int) -> int:
    """Small enough that every thread gets a few batches, at most BATCH."""
    return max(1, min(BATCH, articles // (threads * IN_FLIGHT) or 1))


def analyse_on_cluster(address: str, articles: list[Article], keys: list[str], resources: Resources,
                       settings: ExtractionSettings, store: Cache) -> Iterator[tuple[int, Analysis]]:
    """(index, analysis) of every article, in the order they finish; each new
    entry is written to `store` on the way."""
    try:
        import distributed
    except ImportError as exc:
        raise BuildError(Problem('executor "dask" needs the distributed package, which is not installed',
                                 hint=INSTALL_HINT)) from exc
    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise BuildError(Problem(f"cannot reach the Dask scheduler at {address}: {exc}",
                                 hint="start one (`dask scheduler`, then `dask worker ADDRESS` on each machine) "
                                      "or correct scheduler in site.toml / --scheduler")) from exc
    with client:
        try:
            yield from _run(distributed, client, articles, keys, resources, settings, store)
        except (OSError, TimeoutError, distributed.CancelledError) as exc:
            raise BuildError(Problem(f"lost the Dask cluster at {address} during the analysis: "
                                     f"{type(exc).__name__}: {exc}",
                                     hint="check the scheduler and workers, then build again: what was "
                                          "analysed is cached")) from exc


def _run(distributed, client, articles: list[Article], keys: list[str], resources: Resources,
         settings: ExtractionSettings, store: Cache) -> Iterator[tuple[int, Analysis]]:
    client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    threads = max(1, sum(client.nthreads().values()))
    size = _batch_size(len(articles), threads)
    starts = iter(range(0, len(articles), size))
    shared = client.scatter(resources, broadcast=True, hash=False)
    expected = _code()
    running = distributed.as_completed(loop=client.loop)
    first_of = {}

    def submit() -> None:
        start = next(starts, None)
        if start is not None:
            batch = list(zip(articles[start:start + size], keys[start:start + size], strict=True))
            future = client.submit(analyse_batch, batch, shared, settings, pure=False)
            first_of[future.key] = start
            running.add(future)

    for _ in range(threads * IN_FLIGHT):
        submit()
    for future in running:
        code, results = future.result()
        if code != expected:
            raise BuildError(Problem(f"a Dask worker runs other generator code ({code}) than this build "
                                     f"({expected})", hint="install the same version of the generator on the "
                                     "client and every worker"))
        start = first_of.pop(future.key)
        future.release()
        submit()
        for offset, (analysis, data) in enumerate(results):
            store.write(keys[start + offset], data)
            yield start + offset, analysis
