"""An incremental rebuild of a generated news corpus equals a cold build, byte
for byte: after a plain edit, after an edit that moves an event to another
date (another year: another date bucket, period page and neighbours), one that
merges two events (a sentence rewritten to report another article's event)
and one that splits an event (one of its reports redated), and after a
deleted article. The cold build publishes over a copy of the first site, so
both start from the same published id history (corpus/history.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from generator import pipeline, render
from generator.analysis import runner
from generator.corpus import disk_record
from generator.write import BOOKKEEPING
from tests.support import build_site, make_corpus

N = 120
DATE = re.compile(r"^(January|February|March|April|May|June|July|August|September|October|November|December) "
                  r"(\d{1,2}), (\d{4})$")


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in BOOKKEEPING}


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """The corpus, built once with the cache (its events.json tells the edits what to change)."""
    root = tmp_path_factory.mktemp("incremental")
    project = root / "p"
    make_corpus(N, "plain", project, "Incremental", search=False, base_url="https://example.org/")
    build_site(project / "site.toml", output=project / "site", search_index=False)
    return project


def _events(project: Path) -> list[dict]:
    return json.loads((project / "site" / "events.json").read_text())["events"]


def _verbatim(project: Path, event: dict) -> list[tuple[Path, str, str]]:
    """(article file, sentence, date expression) of the event's quotes that stand in their file as written."""
    out = []
    for s in event["sources"]:
        path = project / "content" / "articles" / f"{s['article']}.md"
        text = path.read_text()
        for q in s["quotes"]:
            if text.count(q["sentence"]) == 1 and q["sentence"].count(q["expression"]) == 1:
                out.append((path, q["sentence"], q["expression"]))
    return out


def _redate(path: Path, sentence: str, expression: str, years: int) -> bool:
    m = DATE.match(expression)
    if not m:
        return False
    moved = f"{m.group(1)} {m.group(2)}, {int(m.group(3)) + years}"
    path.write_text(path.read_text().replace(sentence, sentence.replace(expression, moved)))
    return True


def _edit(project: Path, change: str) -> None:
    events = _events(project)
    articles = sorted((project / "content" / "articles").glob("*.md"))
    if change == "edit":
        text = articles[7].read_text()
        articles[7].write_text(text.replace("\n\n", "\n\nIn a further note, officials spoke. ", 1))
    elif change == "delete":
        articles[11].unlink()
    elif change == "dated":  # a dated sentence added to an article
        text = articles[5].read_text()
        articles[5].write_text(text.rstrip("\n") + "\n\nThe council met again on 3 May 2011 to review the plan.\n")
    elif change == "add":  # an article added, a follow-up of another
        head, sep, body = articles[9].read_text().partition("\n---\n")
        title = next(ln for ln in head.splitlines() if ln.startswith("title:"))
        follow_up = head.replace(title, 'title: "A follow-up of the story"') + sep
        articles[9].with_name(articles[9].stem + "-follow-up.md").write_text(
            follow_up + body.replace(". ", ", officials said. ", 3))
    elif change == "move":  # an event reported once moves three years on
        for e in events:
            quotes = _verbatim(project, e)
            if len(e["sources"]) == 1 and len(quotes) == 1 and _redate(*quotes[0], years=3):
                return
        pytest.fail("no single-report event with a full date written out")
    elif change == "split":  # one report of an event told by several articles is redated
        for e in events:
            quotes = _verbatim(project, e)
            if len(e["sources"]) >= 3 and quotes and _redate(*quotes[-1], years=2):
                return
        pytest.fail("no event of several reports with a full date written out")
    elif change == "merge":  # a sentence rewritten to tell another article's event, word for word
        singles = [(e, q) for e in events if len(e["sources"]) == 1 for q in _verbatim(project, e)[:1]]
        for (a, (path_a, sentence_a, _)), (b, (path_b, sentence_b, _)) in zip(singles, singles[1:], strict=False):
            if path_a != path_b and a["date"] != b["date"] and DATE.match(_verbatim(project, b)[0][2]):
                path_a.write_text(path_a.read_text().replace(sentence_a, sentence_b))
                return
        pytest.fail("no two single-report events in different articles")


@pytest.mark.parametrize("change", ["edit", "move", "merge", "split", "delete", "dated", "add"])
def test_incremental_rebuild_of_a_generated_corpus_equals_a_cold_build(first, tmp_path, change, monkeypatch):
    """Both builds as a big site's are made: each article page's analysis read back from the cache
    (pipeline.READ_BACK_MIN_ARTICLES), the warm build's read slim from it, the cold build's written
    by the analysis pool's two workers (runner.PARALLEL_THRESHOLD), so known whole by their time.
    An article deleted or added, or a dated sentence added, is merged with the record on disk made
    whole (corpus/disk_record.py), as the preview's record would serve it."""
    monkeypatch.setattr(pipeline, "READ_BACK_MIN_ARTICLES", 1)
    monkeypatch.setattr(runner, "PARALLEL_THRESHOLD", 1)
    made: list[int] = []
    making = disk_record.made_whole
    monkeypatch.setattr(disk_record, "made_whole", lambda *a: made.append(1) or making(*a))
    project = tmp_path / "p"
    shutil.copytree(first, project, symlinks=True)
    shutil.copytree(project / "site", project / "cold")  # the same published history, no cache
    before = {e["id"] for e in _events(project)}
    _edit(project, change)
    warm = build_site(project / "site.toml", output=project / "site", search_index=False, allow_shrink=True)
    build_site(project / "site.toml", output=project / "cold", search_index=False, use_cache=False,
               allow_shrink=True, jobs=2)
    a, b = files(project / "site"), files(project / "cold")
    assert sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)) == []
    assert made or change not in ("delete", "dated", "add")  # (the warm build's merge: a cold one reads none)
    after = {e.id for e in warm.events}
    if change in ("move", "merge"):
        assert before - after, "the change should retire an id"
    if change == "split":
        assert after - before, "the change should make a new event"


_RENDER_RANGE = render.PageRenderer.render_range
_RENDER_SHARE = render._render_share


class _MARKS:
    folder = Path()  # where _recording leaves a file per run of pages rendered: pid-start-stop
    workers = Path()  # where _worker_ran leaves a file per worker process


def _recording(self, start, stop, sink, between=None):
    (_MARKS.folder / f"{os.getpid()}-{start}-{stop}").touch()
    return _RENDER_RANGE(self, start, stop, sink, between)


def _worker_ran(*args):
    (_MARKS.workers / str(os.getpid())).touch()
    return _RENDER_SHARE(*args)


def test_a_rebuild_renders_only_the_changed_pages_in_workers_and_equals_a_cold_build(first, tmp_path, monkeypatch):
    """A rebuild fingerprints every page in the main process, keeps the
    unchanged ones, and hands only the rest to the render workers (here even
    a few pages go to workers): each process renders the pages of the list it
    is given, not the site's pages at the same places."""
    project = tmp_path / "p"
    shutil.copytree(first, project, symlinks=True)
    shutil.copytree(project / "site", project / "cold")
    marks, workers = tmp_path / "renderers", tmp_path / "workers"
    marks.mkdir()
    workers.mkdir()
    monkeypatch.setattr(render, "POOL_MIN_PAGES", 1)
    monkeypatch.setattr(render, "CHUNK", 2)
    monkeypatch.setattr(render.PageRenderer, "render_range", _recording)
    monkeypatch.setattr(render, "_render_share", _worker_ran)
    monkeypatch.setattr(_MARKS, "folder", marks)
    monkeypatch.setattr(_MARKS, "workers", workers)
    _edit(project, "edit")
    warm = build_site(project / "site.toml", output=project / "site", search_index=False, jobs=2)
    rendered = sum(int(m.name.split("-")[2]) - int(m.name.split("-")[1]) for m in marks.iterdir())
    assert warm.stats is not None and 0 < warm.stats.written <= rendered < warm.pages / 10
    pids = {int(m.name) for m in workers.iterdir()}
    assert pids and os.getpid() not in pids  # a worker process ran beside this one
    build_site(project / "site.toml", output=project / "cold", search_index=False, use_cache=False, jobs=1)
    a, b = files(project / "site"), files(project / "cold")
    assert sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)) == []
    manifest = json.loads((project / "site" / ".generator-manifest.json").read_text())
    assert manifest == json.loads((project / "cold" / ".generator-manifest.json").read_text())
