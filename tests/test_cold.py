"""The cold build's machinery: pages rendered in worker processes give the
same bytes (and the same first error) as one process; `--no-cache` reads no
cache but leaves a fresh one for the next build."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator import render
from generator.errors import BuildError
from tests.support import build_site, make_project, seed_project

ARTICLE = ("---\ntitle: Summit\ndate: 2018-09-12\n---\n"
           "Putin and Xi met at the forum in Vladivostok on Tuesday. The talks end on Friday.\n")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


_RENDER_SHARE = render._render_share
_MARKS: list[Path] = []  # where _recording leaves a file per process that rendered


def _recording(*args):
    (_MARKS[0] / str(os.getpid())).touch()
    return _RENDER_SHARE(*args)


def _errors_with_one_and_two_processes(project: Path, after_each=lambda: None) -> list:
    """The problems a failing build reports with one process and with a render worker beside it."""
    errors = []
    for jobs in (1, 2):
        with pytest.raises(BuildError) as exc:
            build_site(project / "site.toml", use_cache=False, search_index=False, jobs=jobs)
        errors.append(exc.value.problems)
        after_each()
    return errors


@pytest.fixture
def workers_always(monkeypatch, tmp_path):
    """Render in worker processes even for a small site, in chunks of 4 pages
    (this process and the workers take turns), and record which worker
    processes ran (a file per process id)."""
    monkeypatch.setattr(render, "POOL_MIN_PAGES", 1)
    monkeypatch.setattr(render, "CHUNK", 4)
    marks = tmp_path / "renderers"
    marks.mkdir()
    _MARKS[:] = [marks]
    monkeypatch.setattr(render, "_render_share", _recording)
    yield marks
    _MARKS.clear()


def test_pages_rendered_in_workers_equal_pages_rendered_in_one_process(workers_always, tmp_path):
    project = seed_project(tmp_path / "p")
    build_site(project / "site.toml", output=tmp_path / "one", use_cache=False, search_index=False, jobs=1)
    assert list(workers_always.iterdir()) == []
    build_site(project / "site.toml", output=tmp_path / "two", use_cache=False, search_index=False, jobs=2)
    pids = {int(p.name) for p in workers_always.iterdir()}
    assert pids and os.getpid() not in pids  # a worker process rendered beside this one
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert len(one) > 50 and one == two  # the manifest (page fingerprints) included


def test_render_workers_are_renewed_and_the_pages_are_the_same(workers_always, tmp_path, monkeypatch):
    """A forked render worker renders WORKER_CHUNKS chunks and ends, and a
    fresh fork takes its place while chunks are left (forked.Relays): each
    worker copies the memory it reads, and gives it back as it ends. Here one
    chunk of 4 pages each: workers in turn, one at a time beside this
    process, and the same site as one process's; a template error in one of
    them is the error one process reports."""
    monkeypatch.setattr(render, "WORKER_CHUNKS", 1)
    started: list[int] = []
    relays = render.Relays

    class Counted(relays):  # the real Relays, its forks counted, and each worker's share waited for
        def _start(self):  # before this process goes on: workers in turn whatever the machine's speed
            super()._start()
            started.append(len(self.live))

        def renew(self):
            for _, conn in self.live:
                conn.poll(10)
            super().renew()

    monkeypatch.setattr(render, "Relays", Counted)
    project = seed_project(tmp_path / "p")
    build_site(project / "site.toml", output=tmp_path / "one", use_cache=False, search_index=False, jobs=1)
    assert list(workers_always.iterdir()) == [] and started == []
    build_site(project / "site.toml", output=tmp_path / "two", use_cache=False, search_index=False, jobs=2)
    pids = {int(p.name) for p in workers_always.iterdir()}
    assert len(pids) >= 3 and os.getpid() not in pids and len(started) == len(pids)
    assert max(started) == 1  # one worker alive at a time: jobs - 1
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert len(one) > 50 and one == two
    (project / "templates").mkdir()
    (project / "templates" / "event.html").write_text('{% extends "base.html" %}\n{% block main %}\n'
                                                      "{{ event.no_such_field }}\n{% endblock %}\n")
    errors = _errors_with_one_and_two_processes(project)
    assert errors[0] == errors[1] and len(errors[0]) == 1 and "no_such_field" in errors[0][0].message


def test_a_template_error_in_a_worker_is_the_same_error_and_leaves_the_output(workers_always, tmp_path):
    project = make_project(tmp_path / "p", {"a.md": ARTICLE, "b.md": ARTICLE.replace("Summit", "Talks")})
    (project / "templates").mkdir()
    build_site(project / "site.toml", use_cache=False, search_index=False, jobs=2)
    before = snapshot(project / "output")
    (project / "templates" / "event.html").write_text('{% extends "base.html" %}\n{% block main %}\n'
                                                      "<p>ok</p>\n{{ event.no_such_field }}\n{% endblock %}\n")
    def left_as_it_was():
        assert snapshot(project / "output") == before

    errors = _errors_with_one_and_two_processes(project, left_as_it_was)
    assert errors[0] == errors[1] and len(errors[0]) == 1
    p = errors[0][0]
    assert "no_such_field" in p.message and str(p.path).endswith("templates/event.html") and p.line == 4


def test_the_first_template_error_is_reported_though_a_later_page_fails_first(workers_always, tmp_path):
    """The main process renders from the back of the site (robots.txt
    first) while the workers render from the front (the event pages): a
    failure at the back must not hide an earlier page's."""
    project = seed_project(tmp_path / "p")
    (project / "templates").mkdir()
    (project / "templates" / "event.html").write_text('{% extends "base.html" %}\n{% block main %}\n'
                                                      "{{ event.no_such_field }}\n{% endblock %}\n")
    (project / "templates" / "robots.txt").write_text("{{ no_such_value.field }}\n")
    errors = _errors_with_one_and_two_processes(project)
    assert errors[0] == errors[1] and len(errors[0]) == 1
    assert "no_such_field" in errors[0][0].message and str(errors[0][0].path).endswith("templates/event.html")


def test_no_cache_reads_no_cache_but_writes_a_fresh_one(tmp_path):
    project = make_project(tmp_path / "p", {"a.md": ARTICLE})
    build_site(project / "site.toml", output=tmp_path / "first", use_cache=False, search_index=False)
    entries = sorted((project / ".cache" / "articles").rglob("*.json"))
    assert len(entries) == 1  # written although the build read no cache
    fresh = entries[0].read_bytes()
    assert b"Vladivostok" in fresh
    entries[0].write_bytes(fresh.replace(b"Vladivostok", b"Vladivostoq"))  # a valid entry that lies

    # A cached build believes the entry...
    build_site(project / "site.toml", output=tmp_path / "warm", search_index=False)
    assert "Vladivostoq" in json.dumps({k: v.decode() for k, v in snapshot(tmp_path / "warm").items()
                                        if k.endswith(".html")})
    # ...a --no-cache build does not read it, and writes the true one back.
    build_site(project / "site.toml", output=tmp_path / "again", use_cache=False, search_index=False)
    assert entries[0].read_bytes() == fresh
    first, again = snapshot(tmp_path / "first"), snapshot(tmp_path / "again")
    assert {k: v for k, v in first.items() if not k.startswith(".generator")} == \
        {k: v for k, v in again.items() if not k.startswith(".generator")}
