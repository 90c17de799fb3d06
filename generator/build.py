"""The build, top to bottom:

    config (loaded by the caller) -> is the output up to date? (inputs, freshness)
    -> resources -> content -> per-article analysis (generator.analysis: cached, parallel)
    -> corpus: entities, merged events, editor overrides (generator.corpus)
    -> pages and exports (generator.site) -> rendered files (render)
    -> atomic write (write) -> search index (search)

This module holds the first step; pipeline.py holds the stages after it, and
is imported only by a build that has work to do: an unchanged site answers
before the analysis, corpus and rendering code is loaded.

Pages are rendered into a staging folder beside the output, and the new site
replaces the old one as a whole (write.py): an error anywhere, or a kill at
any moment, leaves the previous output exactly as it was.
"""

from __future__ import annotations

import gc
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, freshness, inputs, search, write
from .config import SiteConfig, missing_base_url
from .errors import Report
from .file_digests import FileDigests

if TYPE_CHECKING:
    from .model import Event
    from .state import BuildState

GENERATOR = f"timeline-generator {__version__}"


@dataclass(frozen=True)
class BuildOptions:
    """How to build (what to build is the SiteConfig)."""

    drafts: bool = False  # include articles marked draft: true
    use_cache: bool = True  # read the per-article cache and the last build's page fingerprints (always written)
    quiet: bool = True  # no progress bars
    jobs: int | None = None  # worker processes for per-article work (None: all cores)
    write_output: bool = True  # False: check only, write nothing
    search_index: bool = True  # run Pagefind (when installed and enabled in site.toml)
    # stop early when nothing changed since the last complete build, and redo only the edited articles'
    # pages when nothing else can have changed (own_pages.py, as the preview's builds do; the result then
    # lists no events)
    skip_unchanged: bool = False
    allow_shrink: bool = False  # allow a build to remove more than half of the published pages
    # the whole-site passes (the planning's parts, the pages' fingerprints, the records'
    # writing) in forked processes too; the preview's stay in its own (pipeline.part_jobs)
    fork_passes: bool = True
    # the merged events in the result (BuildResult.events); without, a command-line build lets them
    # go before rendering (10,000 articles: 65,000 events) and the result gives their number alone
    keep_events: bool = True
    # a process that ends with the build (the command line's own run: __main__.main) lets Pagefind run
    # ahead of its own work beside it: once an own-pages rebuild has started Pagefind, the build's thread
    # stays at a lower priority for the rest of the process (search.Indexing give_way), the full build
    # included if the own-pages rebuild then gives way to it (a page deleted from the output)
    give_way: bool = False


@dataclass
class BuildResult:
    config: SiteConfig
    report: Report
    articles: int
    events: list[Event]
    pages: int
    files: int
    timings: dict[str, float] = field(default_factory=dict)
    stats: write.WriteStats | None = None
    up_to_date: bool = False  # nothing changed since the last build: nothing was redone
    event_count: int = 0


@dataclass(frozen=True)
class Inputs:
    """What the output depends on, as the up-to-date check found it."""

    files: list[str | Path]  # templates, articles, overrides (each hashed into the key)
    articles: list[str]  # the article files among them
    resources: str  # the language resources' fingerprint
    options: str  # the build options that change the output
    with_search: bool  # Pagefind runs (installed, enabled, writing)
    key: str  # freshness.build_key of all of it
    # taken before a build with work to do reads anything (as_read): what it was given, for
    # own_pages.py's record, even if a file is saved again while it runs
    rest: str = ""  # the build key of every input but the article files
    scanned: inputs.Scan | None = field(default=None, compare=False)  # the content folder's scan (read_content)
    article_digests: dict[str, str] = field(default_factory=dict)  # article file -> SHA-256 ("": unreadable)

    def as_read(self, config: SiteConfig, files: FileDigests) -> Inputs:
        """These inputs with `rest` and `article_digests`, taken before the build reads
        anything: the digests `files` fed the key (a file modified in the last seconds, which
        it keeps none of, read again now), not those of the files when the build ends."""
        articles = set(self.articles)
        rest = freshness.build_key(config, self.resources, [f for f in self.files if f not in articles],
                                   self.options, files)
        return replace(self, rest=rest, article_digests=files.hex_digests(self.articles))


class Timer:
    """Seconds spent in each stage, for --timings and the benchmarks."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._clock = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self._clock, 4)
        self._clock = now


@contextmanager
def fewer_collections(first_generation: int = 200_000):
    """Python's cyclic garbage collector runs after every 700 new objects by
    default, and a build makes millions that live to its end (analyses,
    mentions, views): each collection walks them again, about a quarter of
    the corpus stages' CPU time at 1,000 articles. A build's data is nearly
    all acyclic, so collecting rarely costs little memory. The threshold is
    restored afterwards (a library caller's process is left as it was)."""
    before = gc.get_threshold()
    gc.set_threshold(first_generation, before[1], before[2])
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextmanager
def made_old():
    """The objects made inside, never walked by the collector's young
    generations: it is off meanwhile, and then every tracked object goes to
    the oldest generation (gc.freeze, then gc.unfreeze, which puts the
    frozen objects there, as Python's gc documentation says), where only a
    full collection looks (CPython 3.11 to 3.13; with another collector it
    is a pause and no more). For the site's planning and the merge:
    millions of objects that live to the build's end (the merge's, to the
    next merge: its record) and hold no cycle (tests/test_collector.py; at
    10,000 articles the forked worker's pipes leave 9), which the young
    collections walked for nothing in a build that collects (the preview;
    the command line does not): 10,000 articles, planning 8.5 -> 7.2 s, a
    dated sentence's merge 0.9 -> 0.7 s.
    The objects made before go to the oldest generation too, the merge's
    among them, which leaves no cycle either (none at 1,000 articles); a
    cycle there waits for a full collection. It also ends a freeze of the
    caller's (the preview server freezes only between builds: serve.rebuild)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was:
            gc.enable()


@contextmanager
def no_collections():
    """The cyclic garbage collector off, for a process that builds once and
    ends (the command line). Even collecting rarely (fewer_collections), it
    walked every young object twice: a quarter of the main process's merge
    and 7 s of a one-article rebuild at 10,000 articles. What it would have
    found is little: 20,000 objects in cycles (70 MB) at the end of that
    rebuild, 15,000 (7 MB) after a cold build of 1,000 articles, left to the
    process's end. The forked workers inherit it, so their collector no
    longer writes to pages they share. Not for the preview, which lives on
    and builds again and again (it keeps fewer_collections and freezes what
    a build leaves)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def build(config: SiteConfig, options: BuildOptions = BuildOptions(), state: BuildState | None = None) -> BuildResult:
    """Build the site. With skip_unchanged (the command line's default), a
    build whose inputs all match the last complete build into the same output
    folder stops here: the output is already what it would write; and a
    build whose edits show on the edited articles' own pages alone renders
    just those (own_pages.py). Library callers get the full result (events
    and all). `state` is what a
    long-running caller (the preview) keeps between builds (generator.state);
    without one, the input files' digests come from the project's cache
    folder. The garbage collector runs rarely meanwhile."""
    timer = Timer()
    if state is not None:
        state.records_written()
    digests_file = config.root / ".cache" / "files.json"
    files = state.files if state is not None else None
    if files is None:
        files = FileDigests.load(digests_file) if options.use_cache else FileDigests()
    if state is not None:
        state.files = files
    report = Report()
    if options.write_output:
        write.recover(config.output_dir)  # finish or undo what a killed build left (a few stats)
    inputs.check_content_folder(config)

    with_search = options.search_index and options.write_output and config.search and search.available()
    found = current_inputs(config, f"{options.drafts}|{with_search}", with_search, files, state)
    if state is None and options.write_output:
        files.save(digests_file, {str(p) for p in found.files})
    if options.skip_unchanged and options.use_cache and options.write_output:
        done = freshness.up_to_date(config.output_dir, found.key, with_search)
        if done is not None:
            timer.lap("unchanged")
            # A warning that follows from site.toml alone is given on every build, the
            # skipped ones too, and does not keep the output from counting as up to date.
            config_notice = missing_base_url(config)
            report.warnings += [config_notice] if config_notice else []
            return _unchanged(config, report, done, timer)

    if options.write_output:  # what a build that writes records for the next one (own_pages.py)
        found = found.as_read(config, files)
    from .state import BuildState  # here, not above: it loads the resources' code

    # what the own-pages check and the full build share in a command-line build (the resources it
    # loaded, when the check finds the edit shows elsewhere): the preview's state in the preview
    kept = state if state is not None else BuildState(files=files)
    if (state is not None or options.skip_unchanged) and options.use_cache and options.write_output:
        from . import own_pages  # the edited articles' own pages alone, when nothing else can have changed

        laps = dict(timer.timings)
        with fewer_collections():
            quick = own_pages.rebuild(config, options, found, report, timer, state, kept)
        if quick is not None:
            return quick
        timer.timings = laps  # its time counts in the next stage's

    from . import pipeline  # here, not above: only a build with work to do loads the stages

    with fewer_collections():
        return pipeline.run(config, options, state, files, found, report, timer, kept)


def current_inputs(config: SiteConfig, options: str, with_search: bool, files: FileDigests,
                   state: BuildState | None = None) -> Inputs:
    """Every file the output depends on and the key they make together; an
    unchanged file's digest comes from `files` (no read). The preview's
    `state` gives the last build's scan of the articles when its watcher
    says what changed since (article_scan.py), and keeps this one's."""
    from .article_scan import ArticleScan  # (standard library only, as this module)

    content = str(config.content_dir)
    taken = state.scan.now(content, state.changes) if state is not None and state.scan is not None else None
    # once a build: read_content takes it too
    scanned, known = taken if taken is not None else (inputs.scan_articles(config.content_dir, config.root), None)
    articles = inputs.article_files(config.content_dir, config.root, scanned)
    listed: list[str | Path] = [*inputs.template_files(inputs.template_dirs(config.templates_dir)),
                                *articles, *inputs.override_files(config.content_dir)]
    fingerprint = inputs.resources_fingerprint(config)  # the resource files' bytes: nothing is compiled
    files.stats.clear()  # the stats this build's key is made of, which reading the articles takes (state.py)
    key = freshness.build_key(config, fingerprint, listed, options, files, known)
    if state is not None:
        stats = files.stats
        state.scan = ArticleScan(content, scanned, {a: stats[a] for a in scanned.files if a in stats})
        state.changes = None  # taken: the preview names the changes again for its next build
    return Inputs(listed, articles, fingerprint, options, with_search, key, scanned=scanned)


def _unchanged(config: SiteConfig, report: Report, summary: dict, timer: Timer) -> BuildResult:
    """The result of a build that found the output already up to date."""
    count = summary.get("files", 0)
    return BuildResult(config, report, summary.get("articles", 0), [], summary.get("pages", 0), count,
                       timer.timings, write.WriteStats(0, count, 0), up_to_date=True,
                       event_count=summary.get("events", 0))
