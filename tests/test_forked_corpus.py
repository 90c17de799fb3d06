"""The corpus stage and the planning in forked workers (generator.forked):
a generated corpus of a few hundred articles, made to take the parallel
path in small parts, gives the same events and the same site, byte for
byte, as one process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator import forked, site
from generator.corpus import clustering, merge
from generator.site import exports
from generator.write import BOOKKEEPING
from tests.support import build_site, make_corpus

N = 150

_WORK_IN_WORKER = forked._work_in_worker
_MARKS: list[Path] = []  # where _recording leaves a file per run of a worker: pid-parts taken


def _recording(work, chunks, conn):
    taken = []

    def counted(n: int):
        taken.append(n)
        return work(n)

    _WORK_IN_WORKER(counted, chunks, conn)
    (_MARKS[0] / f"{os.getpid()}-{len(taken)}-{len(list(_MARKS[0].iterdir()))}").touch()


def _runs(marks: Path) -> list[tuple[int, int]]:
    """(worker process id, parts it took) of each run of a worker."""
    return [(int(p.name.split("-")[0]), int(p.name.split("-")[1])) for p in marks.iterdir()]


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in BOOKKEEPING}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    project = tmp_path_factory.mktemp("forked") / "p"
    make_corpus(N, "plain", project, "Forked", search=False, base_url="https://example.org/")
    return project


@pytest.fixture
def forking(monkeypatch, tmp_path):
    """Every stage that can fork does, even for this small corpus, in parts
    of a few items (so this process and the worker take turns); a file per
    worker process that took parts."""
    monkeypatch.setattr(merge, "FORK_MIN_MENTIONS", 1)
    monkeypatch.setattr(merge, "EVENT_PART", 7)
    monkeypatch.setattr(clustering, "PAIR_PART", 97)
    monkeypatch.setattr(site, "FORK_MIN_EVENTS", 1)
    monkeypatch.setattr(site, "RELATED_PART", 13)
    monkeypatch.setattr(site, "ARTICLE_PART", 7)
    monkeypatch.setattr(exports, "EVENTS_PART", 29)
    marks = tmp_path / "workers"
    marks.mkdir()
    _MARKS[:] = [marks]
    monkeypatch.setattr(forked, "_work_in_worker", _recording)
    yield marks
    _MARKS.clear()


def test_events_and_pages_made_in_workers_equal_those_of_one_process(corpus, forking, tmp_path):
    one = build_site(corpus / "site.toml", output=tmp_path / "one", search_index=False, jobs=1)
    assert list(forking.iterdir()) == []
    two = build_site(corpus / "site.toml", output=tmp_path / "two", search_index=False, jobs=2)
    runs = _runs(forking)
    assert runs and os.getpid() not in {pid for pid, _ in runs}
    assert sum(parts for _, parts in runs) > 0  # a worker process took parts beside this one
    assert len(one.events) > 100 and one.events == two.events
    a, b = files(tmp_path / "one"), files(tmp_path / "two")
    assert len(a) > 200 and sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)) == []


def _square_or_fail(n: int) -> int:
    if n == 37:
        raise ValueError("part 37")
    return n * n


def test_parts_come_back_in_order_and_a_failing_part_fails_the_map(forking):
    assert forked.map_parts(lambda n: n * n, 50, 2) == [n * n for n in range(50)]
    assert _runs(forking)  # a worker ran
    with pytest.raises(ValueError, match="part 37"):
        forked.map_parts(_square_or_fail, 50, 2)
    assert forked.map_parts(_square_or_fail, 30, 1) == [n * n for n in range(30)]


def _take_from_front(chunks, conn, started=None) -> None:
    """A forked worker's share: parts from the front until none is left
    (once `started` is set, if given: the main process has taken its first)."""
    if started is not None:
        started.wait(30)
    taken = []
    while (n := chunks.take()) is not None:
        taken.append(n)
    conn.send(taken)
    conn.close()


def test_parts_taken_from_both_ends_are_each_taken_once():
    """The render's main process takes parts from the back while a worker
    takes them from the front (render.render_chunks): every part is taken
    exactly once, and after a failed part none beyond it is begun."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    chunks = forked.Chunks(ctx, 400)
    mine, theirs = ctx.Pipe(duplex=False)
    # the worker begins once this process has taken its first part: on a loaded machine it could
    # otherwise take all 400 before this process takes any (both ends are what is tested)
    started = ctx.Event()
    worker = ctx.Process(target=_take_from_front, args=(chunks, theirs, started))
    worker.start()
    back = []
    while (n := chunks.take_last()) is not None:
        back.append(n)
        started.set()
    front = mine.recv()
    worker.join()
    assert sorted(front + back) == list(range(400))
    assert front == sorted(front) and back == sorted(back, reverse=True) and back[0] == 399
    assert chunks.taken(1, 400) == 400

    one = forked.Chunks(ctx, 10)
    assert [one.take(), one.take_last(), one.take()] == [0, 9, 1]
    one.stop_after(5)  # part 5 failed: 2 to 5 are still done, 6 to 8 never begun
    rest = []
    while (n := one.take_last()) is not None:
        rest.append(n)
    assert rest == [5, 4, 3, 2] and one.take() is None
