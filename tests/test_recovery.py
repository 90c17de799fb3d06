"""Killed at any moment, the build recovers; the cache can be garbled,
foreign or unwritable without changing the output; a full disk fails with a
clear message and leaves the output as it was.

The kill test kills `build` with SIGKILL at random moments of a rebuild and
checks that the output is then the complete old site or the complete new one,
and that the next build equals a cold build. By default it makes 5 kills on
40 generated articles (make test); KILL_RUNS=20 KILL_ARTICLES=200 gives the
issue's full run (benchmarks/results/recovery.json records one).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.analysis.cache import SUFFIX, UNUSED_AGE, Cache
from generator.build import build
from generator.config import load_config
from generator.serve import PREVIEW_OPTIONS
from generator.state import BuildState
from generator.write import BOOKKEEPING, staging_dir
from tests.support import ROOT, build_site, make_corpus, seed_project
from tests.support.results import merge_result

KILL_RUNS = int(os.environ.get("KILL_RUNS", "5"))
KILL_ARTICLES = int(os.environ.get("KILL_ARTICLES", "40"))
RESULTS = ROOT / "benchmarks" / "results" / "recovery.json"


def site_files(folder: Path) -> dict[str, bytes]:
    """Every file of a published site, bookkeeping aside."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_file() and rel not in BOOKKEEPING:
            out[rel] = p.read_bytes()
    return out


def complete(folder: Path) -> bool:
    """The manifest lists exactly the files there are: nothing half-written, nothing stray."""
    manifest = json.loads((folder / ".generator-manifest.json").read_text())
    return set(manifest["files"]) == {f for f in site_files(folder) if not f.startswith("pagefind/")}


def cli_build(project: Path, output: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "generator", "build", "--config", str(project / "site.toml"),
                             "--output", str(output), "--quiet", "--jobs", "1", *extra], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finished(proc: subprocess.Popen) -> None:
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()


def edit(content: Path) -> None:
    """State B: a few articles edited, one deleted, one added."""
    articles = sorted((content / "articles").glob("*.md"))
    for path in articles[:3]:
        text = path.read_text()
        path.write_text(text.replace(" the ", " the EDITED ", 3))
    articles[-1].unlink()
    shutil.copy(articles[3], content / "articles" / "00000-added-copy.md")
    added = content / "articles" / "00000-added-copy.md"
    added.write_text(added.read_text().replace("title:", "title: Added", 1))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A generated corpus in two states (content/ and content-b/) and the cold
    builds of each: the first from nothing, then each over a site that has
    published both states' ids already (an event's id and the redirect pages
    depend on the ids the site published before: corpus/history.py)."""
    root = tmp_path_factory.mktemp("kill")
    project = root / "p"
    make_corpus(KILL_ARTICLES, "plain", project, "Kill test", search=False)
    shutil.copytree(project / "content", project / "content-b")
    edit(project / "content-b")
    cold = {}
    out = root / "cold"
    build_site(project / "site.toml", output=out, content=project / "content", use_cache=False)
    cold["first"] = site_files(out)
    for state, content in (("b", "content-b"), ("a", "content"), ("b", "content-b"), ("a", "content")):
        build_site(project / "site.toml", output=out, content=project / content, use_cache=False, allow_shrink=True)
        cold[state] = site_files(out)
    assert cold["a"] != cold["b"]
    return project, cold


def switch_state(project: Path) -> None:
    """Swap content/ and content-b/: the next build is a rebuild to the other state."""
    os.rename(project / "content", project / "content-tmp")
    os.rename(project / "content-b", project / "content")
    os.rename(project / "content-tmp", project / "content-b")


def test_killed_build_leaves_old_or_new_site_and_the_next_build_equals_a_cold_build(corpus):
    project, cold = corpus
    out = project / "output"
    finished(cli_build(project, out))
    state = "a"
    assert site_files(out) == cold["first"]
    # How long a rebuild takes, to spread the kills over all of it.
    switch_state(project)
    start = time.perf_counter()
    finished(cli_build(project, out))
    duration = time.perf_counter() - start
    switch_state(project)
    finished(cli_build(project, out))  # the site has now published both states' ids
    switch_state(project)
    finished(cli_build(project, out))
    state = "b"
    assert site_files(out) == cold["b"]
    rng = random.Random(14)
    outcomes = []
    for _ in range(KILL_RUNS):
        switch_state(project)
        old, state = state, "a" if state == "b" else "b"
        delay = rng.uniform(0.2, 1.0) * duration
        proc = cli_build(project, out)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = site_files(out)
        seen = "old" if now == cold[old] else "new" if now == cold[state] else "MIXED"
        outcomes.append({"delay_s": round(delay, 2), "output_after_kill": seen})
        assert seen != "MIXED", f"killed after {delay:.2f}s: the output is neither the old nor the new site"
        assert complete(out)
        finished(cli_build(project, out))
        assert site_files(out) == cold[state]
        assert complete(out)
        leftovers = [p.name for p in out.parent.iterdir() if ".trash-" in p.name or p.name.endswith(".swap")]
        assert leftovers == []
    if KILL_RUNS >= 20:
        merge_result(RESULTS, "kill", {"articles": KILL_ARTICLES, "runs": KILL_RUNS,
                                        "rebuild_s": round(duration, 2), "outcomes": outcomes})


def test_a_half_written_staging_folder_is_never_trusted(corpus, tmp_path):
    """A staging folder a killed build left (no manifest, a stray temporary
    file, a page with the wrong text) is thrown away, not published."""
    project, cold = corpus
    out = tmp_path / "site"
    build_site(project / "site.toml", output=out, use_cache=False)
    build_site(project / "site.toml", output=out)  # leaves the previous site in the staging folder
    staging = staging_dir(out)
    assert (staging / ".generator-manifest.json").exists()
    (staging / ".generator-manifest.json").unlink()
    (staging / "index.html").write_text("half-written")
    (staging / "events" / ".index.html.1234.tmp").write_text("stray")
    page = next(p for p in sorted(out.rglob("index.html")) if "articles" in str(p))
    page.write_text("hand-edited live page")  # the live page differs from what the build makes
    os.utime(page, (1, 1))
    build_site(project / "site.toml", output=out, allow_shrink=True)
    state = "a" if (project / "content" / "articles" / "00000-added-copy.md").exists() is False else "b"
    files = site_files(out)
    assert files.keys() == cold[state].keys() and not any(".tmp" in k for k in files)


# ---------------------------------------------------------------- the cache


def _entries(project: Path) -> list[Path]:
    return sorted((project / ".cache" / "articles").rglob("*.json"))


@pytest.fixture
def seeds(tmp_path):
    project = seed_project(tmp_path / "p")
    build_site(project / "site.toml", output=tmp_path / "cold", use_cache=False, search_index=False)
    build_site(project / "site.toml", output=tmp_path / "first", search_index=False)  # fills the cache
    return project, site_files(tmp_path / "cold")


def test_garbled_truncated_and_foreign_cache_entries_are_ignored_and_replaced(seeds, tmp_path):
    project, cold = seeds
    entries = _entries(project)
    assert len(entries) == 5
    data = [p.read_bytes() for p in entries]
    entries[0].write_bytes(data[0][: len(data[0]) // 2])  # truncated
    garbled = bytearray(data[1])
    for i in range(50, len(garbled), 97):
        garbled[i] ^= 0x5A
    entries[1].write_bytes(bytes(garbled))  # garbled
    entries[2].write_bytes(data[3])  # another article's entry under this key
    entries[3].write_text(json.dumps([1, entries[3].stem, [1, 2, 3]]))  # valid JSON, wrong shape
    entries[4].write_text("[" * 100_000 + "]" * 100_000)  # nested beyond the parser's depth
    result = build_site(project / "site.toml", output=tmp_path / "after", search_index=False)
    assert site_files(tmp_path / "after") == cold and result.report.warnings == []
    store = Cache(project / ".cache" / "articles")
    assert all(store.get(p.stem) is not None for p in _entries(project))  # replaced by good entries


def test_a_crafted_cache_entry_never_runs_code(seeds, tmp_path):
    project, cold = seeds
    marker = tmp_path / "pwned"
    import pickle

    class Exploit:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    payload = pickle.dumps(Exploit())
    for entry in _entries(project):
        entry.write_bytes(payload)
        entry.with_suffix(".pickle").write_bytes(payload)  # where the old pickle cache kept it
    build_site(project / "site.toml", output=tmp_path / "after", search_index=False)
    assert not marker.exists()
    assert site_files(tmp_path / "after") == cold


def test_a_cache_that_cannot_be_written_only_costs_speed(tmp_path):
    project = seed_project(tmp_path / "p")
    (project / ".cache").write_text("not a folder")
    result = build_site(project / "site.toml", output=tmp_path / "a", search_index=False)
    assert result.report.warnings == []
    build_site(project / "site.toml", output=tmp_path / "cold", use_cache=False, search_index=False)
    assert site_files(tmp_path / "a") == site_files(tmp_path / "cold")


def test_a_workers_first_write_leaves_the_file_another_is_writing(seeds):
    """The pool's workers share the cache folder: one's first write must not
    take the temporary file another is writing (a busy machine lost 114 of
    200 entries so). A killed build's old temporary files and the old pickle
    entries do go, once, before the workers start."""
    project, _ = seeds
    folder = project / ".cache" / "articles"
    store = Cache(folder)
    key, data = _entries(project)[0].stem, _entries(project)[0].read_bytes()
    sub = folder / key[:2]
    stale, old_format = sub / f".{key[:12]}.stale.tmp", sub / f"{key}.pickle"
    stale.write_bytes(b"killed")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    old_format.write_bytes(b"old")
    store.clean_strays()  # the runner, before the pool starts
    assert not stale.exists() and not old_format.exists()
    writing = sub / f".{key[:12]}.other-worker.tmp"  # a worker between its write and its rename
    writing.write_bytes(data)
    store.for_workers().write(key, data)  # another worker's first write
    assert writing.exists()
    fresh = Cache(folder)  # a process's own first write: another build's file being written stays too
    fresh.write(key, data)
    assert writing.exists() and fresh.writable and fresh.get(key) is not None

def test_entries_no_build_used_for_long_go_and_those_in_use_stay(seeds, tmp_path):
    """The cache does not grow for ever: a command-line build gives each
    entry it read the time of its end, and a build's first write removes
    the entries no build has used for UNUSED_AGE (an article's earlier
    versions, an older analysis code's), never one of its own articles',
    however old its time; a cache that was not told its build's articles
    removes none."""
    project, _ = seeds
    folder = project / ".cache" / "articles"
    long_ago = time.time() - UNUSED_AGE - 86_400
    used = _entries(project)[0]  # an article's entry that no build touched for long
    os.utime(used, (long_ago, long_ago))
    used_article = json.loads(used.read_bytes())[2][0][1]  # (the entry's analysis's article's path)
    gone, recent = folder / "ff" / f"ff{'0' * 62}{SUFFIX}", folder / "fe" / f"fe{'0' * 62}{SUFFIX}"
    for path, when in ((gone, long_ago), (recent, time.time() - 10 * 86_400)):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(used.read_bytes())
        os.utime(path, (when, when))
    Cache(folder).clean_strays()  # a cache not told its build's articles (the own-pages rebuild's) removes none
    assert gone.exists() and used.exists()
    # another article edited: the build writes its entry, and cleans the folder before
    edited = next(p for p in sorted((project / "content" / "articles").glob("*.md"))
                  if p.relative_to(project / "content").as_posix() != used_article)
    edited.write_text(edited.read_text() + "\nA correction was appended.\n")
    build_site(project / "site.toml", output=tmp_path / "after", search_index=False)
    assert not gone.exists() and recent.exists()
    assert used.exists() and used.stat().st_mtime > time.time() - 3600  # in use: kept, and its time is now


def test_the_preview_cleans_its_cache_as_it_starts_and_not_at_a_save(seeds, tmp_path):
    """The preview's first build (the server's start) removes the entries no build has used for
    UNUSED_AGE, even when a warm cache has it write nothing; its saves then write entries without
    a scan of every entry before the saved article's page (a stat of each one not in use: 0.5 s
    with 110,000 entries): a stray left meanwhile waits for the next session."""
    project, _ = seeds
    folder = project / ".cache" / "articles"
    entry = _entries(project)[0].read_bytes()
    long_ago = time.time() - UNUSED_AGE - 86_400

    def unused(name: str) -> Path:
        path = folder / name[:2] / f"{name}{'0' * (64 - len(name))}{SUFFIX}"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(entry)
        os.utime(path, (long_ago, long_ago))
        return path

    before = unused("ff")
    state = BuildState()
    config = load_config(project / "site.toml", output_dir=tmp_path / "preview")
    build(config, PREVIEW_OPTIONS, state)  # every analysis from the cache: nothing written
    assert not before.exists() and state.strays_cleaned
    after = unused("fe")
    article = sorted((project / "content" / "articles").glob("*.md"))[0]
    article.write_text(article.read_text() + "\nA correction was appended.\n")
    entries = len(_entries(project))
    build(config, PREVIEW_OPTIONS, state)  # a save: the article's entry written, no scan
    assert len(_entries(project)) == entries + 1 and after.exists()


def test_check_writes_no_cache(tmp_path):
    project = seed_project(tmp_path / "p")
    r = subprocess.run([sys.executable, "-m", "generator", "check", "--config", str(project / "site.toml")],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert not (project / ".cache").exists() and not (project / "output").exists()


# ---------------------------------------------------------------- a full disk


@pytest.fixture
def small_disk(tmp_path):
    """A 12 MB tmpfs (needs root, as CI and this machine have); skipped, with the reason, elsewhere."""
    mount = tmp_path / "disk"
    mount.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mount)], capture_output=True,
                       text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {r.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path, leave: int) -> Path:
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free
    with open(filler, "wb") as fh:
        fh.write(b"\0" * max(0, free - leave))
    return filler


def test_disk_full_during_write_fails_clearly_and_leaves_the_output(small_disk, tmp_path):
    project = seed_project(tmp_path / "p")
    out = small_disk / "site"
    ok = subprocess.run([sys.executable, "-m", "generator", "build", "--config", str(project / "site.toml"),
                         "--output", str(out), "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stderr
    before = site_files(out)
    article = sorted((project / "content" / "articles").glob("*.md"))[1]
    article.write_text(article.read_text().replace("deepened bilateral ties", "deepened bilateral ties " + "x" * 50))
    filler = _fill(small_disk, 20_000)
    used = shutil.disk_usage(small_disk).used
    r = subprocess.run([sys.executable, "-m", "generator", "build", "--config", str(project / "site.toml"),
                        "--output", str(out), "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "error: cannot write the site: the disk is full" in r.stderr and "hint: free some space" in r.stderr
    assert site_files(out) == before and complete(out)
    assert shutil.disk_usage(small_disk).used <= used  # what the failed build wrote is gone again
    filler.unlink()
    r = subprocess.run([sys.executable, "-m", "generator", "build", "--config", str(project / "site.toml"),
                        "--output", str(out), "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    build_site(project / "site.toml", output=tmp_path / "cold", use_cache=False)

    def pages(folder):  # Pagefind's index follows the file system's listing order, which differs between
        return {k: v for k, v in site_files(folder).items() if not k.startswith("pagefind/")}  # tmpfs and ext4

    assert pages(out) == pages(tmp_path / "cold") and (out / "pagefind" / "pagefind-entry.json").exists()


def test_disk_full_under_the_cache_only_costs_speed(small_disk, tmp_path):
    project = seed_project(small_disk / "p")
    _fill(small_disk, 4_000)
    out = tmp_path / "site"
    result = build_site(project / "site.toml", output=out, search_index=False)
    assert result.report.warnings == []
    build_site(project / "site.toml", output=tmp_path / "cold", use_cache=False, search_index=False)
    assert site_files(out) == site_files(tmp_path / "cold")
