"""Work split into numbered parts, done by this process and forked workers
that inherit everything made before the fork (nothing is pickled going
out); each part's result comes back pickled, so a part should return
little (numbers, short strings), not the objects it read. The results come
in the parts' order whoever did them: the output does not depend on the
number of workers. The render workers (render.py) share the part counter
and the memory care."""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def map_parts(work: Callable[[int], T], count: int, jobs: int | None) -> list[T]:
    """[work(0), ..., work(count - 1)], by this process and jobs - 1 forked
    workers (Parts)."""
    with Parts(work, count, jobs) as parts:
        return parts.results()


class Parts(Generic[T]):
    """work(0), ..., work(count - 1): with more than one job, jobs - 1
    forked workers begin taking the next part until none is left as soon
    as this is made; this process does what else it has to do, then takes
    parts too in results() rather than waiting (one worker fewer is that
    much less memory copied, for the same use of the cores). A worker sends
    its results as soon as no part is left and ends: while it lives, every
    page of memory this process writes to (a reference count is enough) is
    copied, so a worker that waited for results() would double much of the
    memory this process touches meanwhile (10,000 articles: 0.5 GB during
    the planning). A part that raises stops the build with its exception,
    as in one process. Used as a context manager: the workers end with the
    block."""

    def __init__(self, work: Callable[[int], T], count: int, jobs: int | None):
        self.work, self.count = work, count
        self.workers: list[tuple[Any, threading.Thread, list]] = []
        self.frozen: ExitStack | None = None  # (frozen_for_forks, while workers may live)
        jobs = min(jobs or os.cpu_count() or 1, count)
        if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            return
        # As render.py's workers: the heap's free pages handed back, and the objects made
        # before the fork out of the collector's reach, so a worker copies only what it reads.
        self.frozen = ExitStack()
        self.frozen.enter_context(frozen_for_forks())
        try:
            ctx = multiprocessing.get_context("fork")
            self.chunks = Chunks(ctx, count)
            for _ in range(jobs - 1):
                mine, theirs = ctx.Pipe(duplex=False)
                process = ctx.Process(target=_work_in_worker, args=(work, self.chunks, theirs), daemon=True)
                process.start()
                theirs.close()
                got: list = []  # (True, [(part, result)...]) or (False, the exception)
                # read at once, by a thread: a worker blocked on a full pipe would live on
                reader = threading.Thread(target=_receive, args=(mine, got), daemon=True)
                reader.start()
                self.workers.append((process, reader, got))
        except BaseException:
            self.close()
            raise

    def results(self) -> list[T]:
        if self.frozen is None:
            return [self.work(n) for n in range(self.count)]
        done = dict(_take_parts(self.work, self.chunks))
        for process, reader, got in self.workers:
            reader.join()
            process.join()
            if not got:
                raise RuntimeError(f"a worker process ended without its results (exit code {process.exitcode})")
            ok, payload = got[0]
            if not ok:
                raise payload
            done.update(payload)
        return [done[n] for n in range(self.count)]

    def close(self) -> None:
        for process, reader, _ in self.workers:
            if process.is_alive():
                process.terminate()
            process.join()
            reader.join()
        self.workers = []
        if self.frozen is not None:
            self.frozen.close()
            self.frozen = None

    def __enter__(self) -> Parts[T]:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextmanager
def frozen_for_forks() -> Iterator[None]:
    """For the block, in which workers are forked and end: the heap's free
    pages handed back, and the objects made before out of the collector's
    reach (gc.freeze), so that a worker copies only the memory it reads."""
    release_free_memory()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def streamed_parts(work: Callable[[int], T], count: int, jobs: int,
                   in_workers: Callable[[int], T] | None = None) -> Iterator[tuple[int, T, bool]]:
    """(n, work(n), done by a worker) of each part, as each is done: by this
    process, taking parts from the back, and jobs - 1 forked workers
    (`in_workers`, if given, their work), taking them from the front and
    sending each part's result at once, from a thread, so that a worker
    never waits for this process to read a big result between its own
    parts. For work whose results are big (the analyses: Parts sends a
    worker's results when it ends, and it would hold them all until then)
    and read back anyway: this process unpickles the workers' share beside
    its own parts. A part that raises stops every process at its next part,
    and its exception is raised here; the workers are gone when this ends."""
    ctx = multiprocessing.get_context("fork")
    got: queue.SimpleQueue = queue.SimpleQueue()  # (part, result), or (None, None or its exception) at a worker's end
    ends: list[tuple[multiprocessing.process.BaseProcess, Any]] = []  # each worker and this end of its pipe
    readers: list[threading.Thread] = []
    finished = False
    with frozen_for_forks():  # what this process holds, out of the collector's reach in the workers
        try:
            chunks = Chunks(ctx, count)
            for _ in range(jobs - 1):  # every worker forked before this process starts a thread
                mine, theirs = ctx.Pipe(duplex=False)
                process: multiprocessing.process.BaseProcess = ctx.Process(
                    target=_stream_in_worker, args=(in_workers or work, chunks, theirs), daemon=True)
                process.start()
                theirs.close()
                ends.append((process, mine))
            for _, mine in ends:
                readers.append(threading.Thread(target=_receive_stream, args=(mine, got), daemon=True))
                readers[-1].start()
            ended, taking = 0, True
            while taking or ended < len(ends):
                n = chunks.take_last() if taking else None
                if n is not None:
                    yield n, work(n), False
                taking = n is not None
                # what the workers sent meanwhile; once this process has no part left, all until they end
                while not got.empty() or (not taking and ended < len(ends)):
                    n, payload = got.get()
                    if n is not None:
                        yield n, payload, True
                    elif payload is not None:
                        raise payload
                    else:
                        ended += 1
            finished = True
        finally:
            if ends:
                chunks.stop_after(-1)  # (after a failure: no process begins another part)
            for k, (process, mine) in enumerate(ends):
                if not finished:
                    process.terminate()
                process.join()
                process.close()
                if k >= len(readers):
                    mine.close()  # (no reader took it: failed before the readers started)
            for reader in readers:
                reader.join()  # (it closes its end of the pipe)


def _stream_in_worker(work: Callable[[int], Any], chunks: Chunks, conn) -> None:
    """A streaming worker's life: parts from the front until none is left,
    each part's result handed to a thread that sends it; then its end."""
    out: queue.SimpleQueue = queue.SimpleQueue()
    sender = threading.Thread(target=_send_stream, args=(conn, out))
    sender.start()
    end: BaseException | None = None
    try:
        while (n := chunks.take()) is not None:
            out.put((n, work(n)))
    except BaseException as exc:  # sent, to be raised by the build
        chunks.stop_after(-1)
        end = exc
    out.put((None, end))
    sender.join()
    conn.close()


def _send_stream(conn, out: queue.SimpleQueue) -> None:
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


def _receive_stream(conn, got: queue.SimpleQueue) -> None:
    """Each message of a worker, as it comes (unpickled here: beside this
    process's own parts), until its end; a worker that died, or a message
    that cannot be read back, ends it too (never a wait for a worker that
    is gone)."""
    try:
        while True:
            message = conn.recv()
            got.put(message)
            if message[0] is None:
                return
    except (EOFError, OSError):
        got.put((None, RuntimeError("a worker process ended without its results")))
    except BaseException as exc:  # a message that cannot be read back (unpickled): the worker's end all the same
        got.put((None, RuntimeError(f"a worker's message could not be read: {exc!r}")))
    finally:
        conn.close()


def in_child(work: Callable[[], object]) -> multiprocessing.process.BaseProcess | None:
    """work() in a forked child while this process goes on (the caller joins
    it); done here and None where processes cannot fork. For work that only
    writes a file from what this process holds: the child has its own
    interpreter, so encoding there does not hold this one (the preview's
    merge record: about a second of JSON at 10,000 articles, which held the
    build, or the next save's draft, as long)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        work()
        return None
    process = multiprocessing.get_context("fork").Process(target=_alone, args=(work,), daemon=True)
    process.start()
    return process


def wait_for(children: list) -> None:
    """Join the children in_child started (None: work done in this process), and forget them."""
    for child in children:
        if child is not None:
            child.join()
    children.clear()


def _alone(work: Callable[[], object]) -> None:
    """A child's life: no collection (it would touch every object the parent holds, and copy its pages)."""
    gc.disable()
    work()


class Relays(Generic[T]):
    """Forked workers, each doing `work()` (a share of a job: some parts,
    then its end) and replaced by a fresh fork of this process while
    `more()` says parts are left. A forked worker copies every page of
    memory it touches (Python writes an object's reference count as it
    reads it), so one that lives through a whole job holds a copy of nearly
    all the memory it shares with this process (the render worker at
    10,000 articles: 576 MB beside this process's 627); one that ends gives
    its copy back, and the next starts sharing everything again. This
    process renews them between its own parts (`renew()`), never from a
    helper thread: a fork copies only the forking thread, and any lock
    another thread holds stays held in the child. `finish()` waits for the
    last and gives every worker's result, in the order they ended; a
    worker's exception is raised there, or at `renew()`, and the workers
    still running are stopped when the block ends."""

    def __init__(self, ctx, count: int, work: Callable[[], T], more: Callable[[], bool]):
        self.ctx, self.work, self.more = ctx, work, more
        self.live: list[tuple[Any, Any]] = []  # each running worker and this end of its pipe
        self.results: list[T] = []
        self.started = 0
        try:
            for _ in range(count):
                self._start()
        except BaseException:  # (a fork refused, an interruption: those started stop, as on leaving the block)
            self.__exit__()
            raise

    def _start(self) -> None:
        gc.freeze()  # what this process made since the last fork, out of the new worker's collector's reach
        mine, theirs = self.ctx.Pipe(duplex=False)
        try:
            process = self.ctx.Process(target=_relay, args=(self.work, theirs), daemon=True)
            process.start()
        except BaseException:
            mine.close()
            raise
        finally:
            theirs.close()
        self.live.append((process, mine))
        self.started += 1

    def renew(self) -> None:
        """Take the result of each worker that has ended, and fork another in its place while parts are left."""
        for entry in [e for e in self.live if e[1].poll()]:
            self._collect(entry)
            if self.more():
                self._start()

    def finish(self) -> list[T]:
        while self.live:
            self._collect(self.live[0])
        return self.results

    def _collect(self, entry: tuple[Any, Any]) -> None:
        process, conn = entry
        self.live.remove(entry)
        failed: str | None = None
        try:
            ok, payload = conn.recv()
        except (EOFError, OSError):
            ok, payload, failed = False, None, "ended without its results"
        except Exception as exc:  # a result that cannot be read back (unpickled)
            ok, payload, failed = False, None, f"sent what could not be read back: {exc!r}"
        finally:
            conn.close()
            process.join()
            code = process.exitcode
            process.close()
        if failed is not None:
            killed = f" (killed by signal {-code}: out of memory?)" if code is not None and code < 0 else \
                f" (exit code {code})"
            raise RuntimeError(f"a worker process {failed}{killed}")
        if not ok:
            raise payload
        self.results.append(payload)

    def __enter__(self) -> Relays[T]:
        return self

    def __exit__(self, *exc) -> None:
        for process, conn in self.live:  # (a failure: the others stop now)
            process.terminate()
            process.join()
            process.close()
            conn.close()
        self.live = []


def _relay(work: Callable[[], object], conn) -> None:
    """A relay worker's life: its share of the work, the result sent, the
    end, at once (os._exit): an ordinary exit would flush the standard
    streams, whose locks may have been held, as the fork copied them, by
    another thread of the build process (a progress bar's), and wait on
    them for ever, and the build process with it as it joins the worker."""
    try:
        _send_result(conn, work)
    finally:
        os._exit(0)


def _send_result(conn, work: Callable[[], object]) -> None:
    """(True, work()) sent down `conn`, or (False, the exception it raised,
    to be raised by the build; its text if it cannot be pickled); then the
    pipe closed."""
    try:
        message: tuple = (True, work())
    except BaseException as exc:
        message = (False, exc)
    try:
        conn.send(message)
    except Exception as exc:  # an exception that cannot be pickled: its text
        conn.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
    conn.close()


def _take_parts(work: Callable[[int], T], chunks: Chunks) -> list[tuple[int, T]]:
    out = []
    while (n := chunks.take()) is not None:
        out.append((n, work(n)))
    return out


def _work_in_worker(work: Callable, chunks: Chunks, conn) -> None:
    """A forked worker's life: parts until none is left, the results sent, the end."""
    _send_result(conn, lambda: _take_parts(work, chunks))


def _receive(conn, got: list) -> None:
    try:
        got.append(conn.recv())
    except EOFError:  # the worker died (killed, or the build stopped it)
        pass
    finally:
        conn.close()


def release_free_memory() -> None:
    """Hand the C allocator's free pages back to the system: after the
    analysis pool's results are read, and before workers fork.
    The analyses freed after planning leave hundreds of MB of free space
    inside the heap (10,000 articles); still mapped, it counts in this
    process's memory and each worker that allocates into it copies the
    pages it lands on. glibc's malloc_trim(0) unmaps every free page;
    elsewhere (no glibc) nothing is done. Memory only: no output depends
    on it."""
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        trim = libc.malloc_trim
    except (OSError, AttributeError, TypeError):
        return
    trim(0)


class Chunks:
    """The parts the processes share: which is next from the front, which
    from the back, and the first one that failed (none after it is begun).
    Forked workers take parts from the front; the render's main process
    takes them from the back (render.py), so work that shares cached pieces
    (the event cards of the listing pages) stays in one process."""

    def __init__(self, ctx, count: int):
        self.count = count
        self.next = ctx.Value("i", 0)  # in shared memory, inherited by the forked workers
        self.end = ctx.Value("i", count, lock=False)  # one past the last part to begin; guarded by next's lock
        self.back = ctx.Value("i", count, lock=False)  # the last part taken from the back; guarded by next's lock
        self.shown = 0  # items this process has reported to a progress bar

    def take(self) -> int | None:
        with self.next.get_lock():
            n = self.next.value
            if n >= min(self.end.value, self.back.value):
                return None
            self.next.value = n + 1
            return n

    def take_last(self) -> int | None:
        """The last part nobody has taken (before a failed part's end)."""
        with self.next.get_lock():
            n = min(self.end.value, self.back.value) - 1
            if n < self.next.value:
                return None
            self.back.value = n
            return n

    def left(self) -> int:
        """How many parts are yet to be taken (before a failed part's end)."""
        with self.next.get_lock():
            return max(0, min(self.end.value, self.back.value) - self.next.value)

    def stop_after(self, n: int) -> None:
        with self.next.get_lock():
            self.end.value = min(self.end.value, n + 1)

    def taken(self, size: int, total: int) -> int:
        """Items taken since the last call, parts of `size` items (for a progress bar)."""
        upto = min((self.next.value + self.count - self.back.value) * size, total)
        new, self.shown = upto - self.shown, max(upto, self.shown)
        return max(new, 0)
