"""forked.Relays: forked workers that each do a share of a job and end, a
fresh fork of this process taking each one's place while parts are left
(the render workers: render.PageRenderer._in_workers). A worker copies the
memory it touches and gives it back as it ends. Real forks, real pipes."""

import multiprocessing
import os
import time

import pytest

from generator.forked import Chunks, Relays

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork here")
CTX = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None


def _renew_until_done(relays: Relays) -> list[int]:
    """renew() until no worker is left (within a deadline: a hang fails, not stalls); how many were alive each time."""
    alive, deadline = [], time.monotonic() + 60
    while relays.live:  # this process takes no part itself: every part is a worker's
        assert time.monotonic() < deadline, "the relays did not finish"
        alive.append(len(relays.live))
        relays.renew()
        time.sleep(0.001)
    return alive


def test_each_worker_does_its_share_and_a_fresh_fork_takes_its_place():
    chunks = Chunks(CTX, 6)
    with Relays(CTX, 1, lambda: (os.getpid(), chunks.take()), lambda: chunks.left() > 0) as relays:
        alive = _renew_until_done(relays)
        results = relays.finish()
    assert sorted(n for _, n in results) == list(range(6))
    pids = [pid for pid, _ in results]
    assert len(set(pids)) == 6 and os.getpid() not in pids  # a fresh process for each share
    assert max(alive) == 1 and relays.started == 6


def test_two_workers_at_a_time_share_the_parts_in_turn():
    chunks = Chunks(CTX, 10)

    def two_parts():
        return [n for n in (chunks.take(), chunks.take()) if n is not None]

    with Relays(CTX, 2, two_parts, lambda: chunks.left() > 0) as relays:
        alive = _renew_until_done(relays)
        results = relays.finish()
    assert sorted(n for part in results for n in part) == list(range(10))
    assert max(alive) == 2 and 5 <= relays.started <= 6


def _fails():
    raise ValueError("this share failed")


def test_a_workers_exception_is_raised_here():
    with pytest.raises(ValueError, match="this share failed"):
        with Relays(CTX, 1, _fails, lambda: False) as relays:
            relays.finish()


def test_a_worker_that_dies_without_its_result_is_an_error_not_a_wait():
    with pytest.raises(RuntimeError, match=r"ended without its results \(exit code 3\)"):
        with Relays(CTX, 1, lambda: os._exit(3), lambda: False) as relays:
            relays.finish()


class _Unreadable(Exception):
    """An exception that pickles but cannot be made again from its args."""

    def __init__(self, a, b):
        super().__init__(f"{a} {b}")


def _raises_unreadable():
    raise _Unreadable("x", "y")


def test_a_result_that_cannot_be_read_back_is_an_error_naming_it():
    with pytest.raises(RuntimeError, match="could not be read back"):
        with Relays(CTX, 1, _raises_unreadable, lambda: False) as relays:
            relays.finish()


def test_workers_still_running_are_stopped_when_the_block_fails():
    with pytest.raises(KeyError):
        with Relays(CTX, 1, lambda: time.sleep(60), lambda: False) as relays:
            process = relays.live[0][0]
            pid = process.pid
            raise KeyError("this process failed")
    assert relays.live == []
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # ended and reaped, not left sleeping


def test_a_render_worker_knows_when_it_has_copied_enough(monkeypatch):
    """render._copied_enough: a forked worker's page faults since the fork
    count the pages it copied as it wrote to them (or took anew); a render
    worker ends its share past WORKER_COPIES."""
    from generator import render

    monkeypatch.setattr(render, "WORKER_COPIES", 16 * 2**20)
    held = [bytearray(4096) for _ in range(8192)]  # 32 MB this process holds before the fork

    def share():
        before = render._copied_enough()
        for b in held:
            b[0] = 1  # writing to each copies its page
        return before, render._copied_enough()

    with Relays(CTX, 1, share, lambda: False) as relays:
        [(before, after)] = relays.finish()
    assert before is False and after is True
