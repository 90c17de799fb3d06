"""The build, top to bottom:

    config (loaded by the caller) -> resources -> content
    -> per-article analysis (generator.analysis: cached, parallel)
    -> corpus: entities, merged events, editor overrides (generator.corpus)
    -> pages and exports (generator.site) -> rendered files (render)
    -> atomic write (write) -> search index (search)

Pages are rendered into a staging folder beside the output, and the new site
replaces the old one as a whole (write.py): an error anywhere, or a kill at
any moment, leaves the previous output exactly as it was.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from . import __version__, content, freshness, render, search, write
from .analysis.cache import Cache
from .analysis.runner import analyse_all
from .config import SiteConfig
from .corpus import history
from .corpus.entities import EntityIndex
from .corpus.merge import merge
from .corpus.overrides import apply_overrides, load_overrides, override_files
from .errors import BuildError, Problem, Report
from .model import Analysis, Event
from .resources import Resources, load_resources, resources_fingerprint
from .site import plan
from .site.exports import export_files
from .site.notices import missing_base_url
from .state import ArticleIndex, BuildState, FileDigests, MemoryCache

PARSE_CODE = ("content.py", "model.py", "links.py", "config.py", "errors.py")  # what reading an article runs

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
    skip_unchanged: bool = False  # stop early when nothing changed since the last complete build
    allow_shrink: bool = False  # allow a build to remove more than half of the published pages


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


def build(config: SiteConfig, options: BuildOptions = BuildOptions(), state: BuildState | None = None) -> BuildResult:
    """Build the site (see _build); the garbage collector runs rarely meanwhile."""
    with fewer_collections():
        return _build(config, options, state)


def _build(config: SiteConfig, options: BuildOptions, state: BuildState | None) -> BuildResult:
    """Build the site. With skip_unchanged (the command line's default), a
    build whose inputs all match the last complete build into the same output
    folder stops after reading the content: the output is already what it
    would write. Library callers get the full result (events and all).
    `state` is what a long-running caller (the preview) keeps between builds
    (generator.state); without one, the input files' digests come from the
    project's cache folder."""
    timer = Timer()
    kept = state if state is not None else BuildState()
    digests_file = config.root / ".cache" / "files.json"
    if kept.files is None:
        kept.files = FileDigests.load(digests_file) if options.use_cache else FileDigests()
    report = Report()
    if options.write_output:
        write.recover(config.output_dir)  # finish or undo what a killed build left (a few stats)
    content.check_content_folder(config)

    with_search = options.search_index and options.write_output and config.search and search.available()
    inputs = [*render.template_files(render.template_dirs(config.templates_dir)),
              *content.article_files(config.content_dir, config.root), *override_files(config.content_dir)]
    fingerprint = resources_fingerprint(config)  # the resource files' bytes: an up-to-date build compiles nothing
    key = freshness.build_key(config, fingerprint, inputs, f"{options.drafts}|{with_search}", kept.files)
    if state is None and options.write_output:
        kept.files.save(digests_file, {str(p) for p in inputs})
    # A warning that follows from site.toml alone is given on every build, the
    # skipped ones too, and does not keep the output from counting as up to date.
    config_notice = missing_base_url(config)
    if options.skip_unchanged and options.use_cache and options.write_output:
        done = freshness.up_to_date(config.output_dir, key, with_search)
        if done is not None:
            timer.lap("unchanged")
            report.warnings += [config_notice] if config_notice else []
            return _unchanged(config, report, done, timer)
    resources = load_resources(config)
    if resources.fingerprint != fingerprint:  # a resource file changed in between: the key names what was loaded
        key = freshness.build_key(config, resources.fingerprint, inputs, f"{options.drafts}|{with_search}", kept.files)
    timer.lap("resources")

    articles, analyses = read_and_analyse(config, options, resources, report, timer, kept, remembered=state is not None)

    manifest = write.load_manifest(config.output_dir) if options.write_output else {}
    published = history.published(manifest)
    events, index = kept.merge(analyses, f"{resources.fingerprint}|{config.extraction!r}",
                               lambda: merged_events(analyses, resources, config))
    events = history.keep_ids(published, events)
    events = apply_overrides(events, load_overrides(config.content_dir, report, config.limits), report)
    timer.lap("merge")

    if options.search_index and options.write_output and config.search and not with_search:
        report.warn(search.NOT_INSTALLED, hint=search.FALLBACK_HINT)
    site = plan(config, analyses, events, index, with_search, moved=history.moved(published, events))
    report.warnings += site.warnings
    digests = manifest.get("pages") if options.use_cache else None
    bar = progress_bar("rendering", len(site.pages), options.quiet, "page")
    renderer = render.PageRenderer(site, GENERATOR, digests if isinstance(digests, dict) else None,
                                   freshness.exists_in(config.output_dir),
                                   config.root / ".cache" / "templates" if options.use_cache and options.write_output
                                   else None, jobs=options.jobs, progress=bar.update if bar else None)
    files = {**renderer.asset_files(), **export_files(site, GENERATOR)}
    summary = {"pages": len(site.pages), "files": len(files) + len(site.pages), "events": len(events),
               "articles": len(articles)}
    stats = None
    if options.write_output:
        # Pages are rendered straight into the staging folder (write.py), in
        # worker processes for a big site: "render" includes writing them.
        def index_search(folder) -> None:
            ok, message = search.index_site(folder)
            if not ok:
                report.warn(message, hint=search.FALLBACK_HINT)
                shutil.rmtree(folder / "pagefind", ignore_errors=True)  # no stale index of an older site
            timer.lap("search")

        # Only a clean build is recorded as up to date: a build with warnings
        # runs again next time, so its warnings are shown again.
        stats = write.write_site(files, config.output_dir, summary, None, None, manifest,
                                 allow_shrink=options.allow_shrink, before_switch=index_search if with_search else None,
                                 stamp=lambda: None if report.warnings else key,
                                 ids=history.record(published, events),
                                 stand_ins=frozenset(p.path for p in site.pages if p.template == "redirect.html"),
                                 pages=renderer, on_written=lambda: timer.lap("render"))
    else:
        renderer.run(render.DiscardSink())  # `check`: every page renders (template errors show), nothing is kept
        timer.lap("render")
    if bar:
        bar.close()
    timer.lap("write" if not with_search else "publish")
    report.warnings += [config_notice] if config_notice else []
    return BuildResult(config, report, len(articles), events, len(site.pages), summary["files"], timer.timings,
                       stats, event_count=len(events))


def read_and_analyse(config: SiteConfig, options: BuildOptions, resources: Resources, report: Report, timer: Timer,
                     kept: BuildState, remembered: bool) -> tuple[list, list[Analysis]]:
    """The articles and their analyses: the preview's in memory (`remembered`:
    `kept` lives on between builds), then the on-disk cache; the command
    line's article index finds an unchanged file's article in its cached
    analysis. --no-cache reads nothing from the cache but still writes the
    fresh analyses, so the next build is warm; `check` writes nothing, not
    even the cache."""
    store = MemoryCache(config.root / ".cache" / "articles", options.write_output, kept.analyses,
                        readable=options.use_cache)
    index_file = config.root / ".cache" / "article-index.json"
    index = ArticleIndex.load(index_file) if not remembered and options.use_cache else None
    reader = kept.reader(freshness.code_fingerprint(PARSE_CODE), store, index)
    articles = content.read_content(config.content_dir, report, options.drafts, config.limits, config.root, reader)
    reader.forget_unseen()
    timer.lap("read")

    analyses = analyse(articles, config, resources, options, report, store)
    if not remembered and options.write_output:
        (index or ArticleIndex()).save(index_file, reader.seen, store.key_of)
    timer.lap("extract")
    return articles, analyses


def analyse(articles, config: SiteConfig, resources: Resources, options: BuildOptions,
            report: Report, store: Cache | None = None) -> list[Analysis]:
    """Every article's analysis, from the cache (`store`, or the project's)
    where nothing it depends on changed."""
    base = freshness.analysis_base(resources, config.extraction)
    keys = [freshness.article_key(a, base) for a in articles]
    if store is None:
        # --no-cache reads nothing from the cache but still writes the fresh analyses, so the
        # next build is warm; `check` writes nothing, not even the cache.
        store = Cache(config.root / ".cache" / "articles", writable=options.write_output, readable=options.use_cache)
    bar = progress_bar("analysing", len(articles), options.quiet, "article")
    try:
        analyses = analyse_all(articles, keys, resources, config.extraction, store, options.jobs,
                               bar.update if bar else None, config.site.executor, config.site.scheduler)
    except BuildError:  # the cluster cannot be reached, or runs other code
        raise
    except Exception as exc:  # a bug the article's text triggers: say which article, never a traceback
        raise BuildError(_failing_articles(articles, resources, config, exc)) from exc
    finally:
        if bar:
            bar.close()
    if isinstance(store, MemoryCache):
        store.forget_unused()
    for a in analyses:
        if a.article.date is None and a.unresolved:
            report.warn(f"{len(a.unresolved)} relative expression(s) left unresolved "
                        f"({', '.join(repr(t.text) for t in a.unresolved[:5])}) because the article has no date",
                        config.content_dir / a.article.path, None, "add date: YYYY-MM-DD to the front matter")
    return analyses


def _failing_articles(articles, resources: Resources, config: SiteConfig, first: Exception) -> list[Problem]:
    """Which articles make the analysis fail (it runs again, one at a time)."""
    problems = []
    from .analysis.article import analyse as analyse_one

    for a in articles:
        try:
            analyse_one(a, resources, config.extraction)
        except RecursionError:
            problems.append(Problem("the article is nested too deeply for the Markdown parser",
                                    config.content_dir / a.path, None,
                                    "flatten its lists and block quotes, or lower [limits] nesting"))
        except Exception as exc:
            problems.append(Problem(f"internal error while analysing this article: {type(exc).__name__}: {exc}",
                                    config.content_dir / a.path, None,
                                    "this is a bug in the generator: please report it with this article"))
    return problems or [Problem(f"internal error while analysing the articles: {type(first).__name__}: {first}",
                                config.content_dir, None, "this is a bug in the generator: please report it")]


def merged_events(analyses: list[Analysis], resources: Resources,
                  config: SiteConfig) -> tuple[list[Event], EntityIndex]:
    """The corpus stage before the editor's overrides: names folded into
    entities, mentions merged into events."""
    common = frozenset().union(*(a.common_words for a in analyses))
    index = EntityIndex.build([r for a in analyses for m in a.mentions for r in m.entities], resources.gazetteer,
                              common)
    return merge(analyses, index, resources.vocab, resources.summary, config.extraction.merge_threshold), index


def _unchanged(config: SiteConfig, report: Report, manifest: dict, timer: Timer) -> BuildResult:
    """The result of a build that found the output already up to date."""
    summary = manifest.get("summary", {})
    files = summary.get("files", 0)
    return BuildResult(config, report, summary.get("articles", 0), [], summary.get("pages", 0), files,
                       timer.timings, write.WriteStats(0, files, 0), up_to_date=True,
                       event_count=summary.get("events", 0))


def progress_bar(label: str, total: int, quiet: bool, unit: str):
    """A tqdm bar on a terminal for a stage of a long build; None when quiet,
    in CI or when stderr is not a terminal. It appears only once the stage has
    run for a second, so small builds print nothing extra."""
    if quiet or os.environ.get("CI") or not sys.stderr.isatty() or total == 0:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit=unit, delay=1.0, leave=False, file=sys.stderr, dynamic_ncols=True)
