"""The build, top to bottom: config -> content -> per-article analysis
(temporal expressions, event mentions; cached, parallel) -> merged events ->
editor overrides -> pages -> rendered files -> atomic write.

Nothing is written until every page has rendered: an error anywhere leaves the
previous output exactly as it was.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, cache as cache_mod, config as config_mod, content, events as events_mod
from . import exports, overrides as overrides_mod, render, search, site as site_mod, write
from .article import analyse
from .entities import Gazetteer, gazetteer
from .errors import Report
from .model import Analysis, Article, Event

GENERATOR = f"timeline-generator {__version__}"
PARALLEL_THRESHOLD = 200  # below this, starting worker processes costs more than it saves


@dataclass
class BuildResult:
    config: config_mod.SiteConfig
    report: Report
    articles: int
    events: list[Event]
    pages: int
    files: int
    timings: dict[str, float] = field(default_factory=dict)
    stats: write.WriteStats | None = None
    cache_hits: int = 0
    up_to_date: bool = False  # nothing changed since the last build: nothing was redone
    event_count: int = 0


def site_gazetteer(config: config_mod.SiteConfig) -> Gazetteer:
    ent = config.entities
    extra = str((config.root / ent["file"]).resolve()) if ent["file"] else ""
    return gazetteer(extra, tuple(sorted(ent["aliases"].items())), tuple(sorted(ent["types"].items())),
                     tuple(sorted(ent["ignore"])))


def _settings_key(config: config_mod.SiteConfig) -> str:
    return json.dumps([config.language, config.entities, config.extraction], sort_keys=True, default=str)


def _analyse_one(args: tuple[Article, Gazetteer, str, str, int, bool]) -> Analysis:
    article, gaz, language, min_precision, max_title, include_future = args
    return analyse(article, gaz, language, min_precision, max_title, include_future)


def article_keys(articles: list[Article], config: config_mod.SiteConfig) -> list[str]:
    extra = _settings_key(config)
    return [cache_mod.key(a, extra) for a in articles]


def build_key(config: config_mod.SiteConfig, drafts: bool, with_search: bool) -> str:
    """Everything the output depends on, in one hash: the generator's code and
    rules, the resolved configuration, every template and static file, and
    every file under the content folder (articles, the editor's overrides) and
    the entity file, byte for byte. Equal keys mean equal output. Reading the
    bytes of 10,000 articles takes a fraction of a second; parsing them does not."""
    h = hashlib.sha256()
    inputs = dataclasses.replace(config, output_dir=Path("."))  # where it goes is not an input
    h.update(f"{cache_mod.fingerprint(config.language)}|{inputs!r}|{drafts}|{with_search}".encode())
    files = [*render.template_files(render.template_dirs(config.templates_dir)),
             *content.article_files(config.content_dir), *sorted((config.content_dir / "events").glob("*.toml"))]
    if config.entities["file"]:
        files.append(config.root / config.entities["file"])
    render.hash_files(h, files)
    return h.hexdigest()


def analyse_all(articles: list[Article], config: config_mod.SiteConfig, gaz: Gazetteer,
                store: cache_mod.Cache, jobs: int | None = None, progress=None,
                keys: list[str] | None = None) -> list[Analysis]:
    """Per-article work, from the cache when possible, in parallel otherwise."""
    keys = keys or article_keys(articles, config)
    results: list[Analysis | None] = [store.get(k) for k in keys]
    todo = [i for i, r in enumerate(results) if r is None]
    if progress and len(todo) < len(articles):
        progress(len(articles) - len(todo))  # read from the cache
    ex = config.extraction
    params = (gaz, config.language, ex["min_precision"], ex["max_title_length"], ex["include_future"])
    jobs = jobs or os.cpu_count() or 1
    if len(todo) >= PARALLEL_THRESHOLD and jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            chunk = max(1, len(todo) // (jobs * 8))
            for n, (i, res) in enumerate(zip(todo, pool.map(_analyse_one, [(articles[i], *params) for i in todo],
                                                               chunksize=chunk))):
                results[i] = res
                if progress:
                    progress(1)
    else:
        for i in todo:
            results[i] = _analyse_one((articles[i], *params))
            if progress:
                progress(1)
    for i in todo:
        store.put(keys[i], results[i])
    return [r for r in results if r is not None]


def build(
    config_path: Path | str = "site.toml",
    content_dir: Path | str | None = None,
    output_dir: Path | str | None = None,
    base_url: str | None = None,
    drafts: bool = False,
    use_cache: bool = True,
    quiet: bool = True,
    jobs: int | None = None,
    write_output: bool = True,
    search_index: bool = True,
    skip_unchanged: bool = False,
) -> BuildResult:
    """Build the site. With skip_unchanged (the command line's default), a
    build whose inputs all match the last complete build into the same output
    folder stops after reading the content: the output is already what it
    would write. Library callers get the full result (events and all)."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 4)
        clock = now

    report = Report()
    config = config_mod.load(config_path, content_dir, output_dir, base_url)
    lap("config")

    with_search = search_index and write_output and config.search and search.available()
    key = build_key(config, drafts, with_search)
    done = (write.complete_build(config.output_dir, key, with_search)
            if skip_unchanged and use_cache and write_output else None)
    if done is not None:
        # Nothing the output depends on has changed and every file is still in
        # place: the site a full build would write is already there.
        lap("unchanged")
        summary = done.get("summary", {})
        return BuildResult(config, report, summary.get("articles", 0), [], summary.get("pages", 0),
                           summary.get("files", 0), timings, write.WriteStats(0, summary.get("files", 0), 0),
                           up_to_date=True, event_count=summary.get("events", 0))

    articles = content.read_content(config.content_dir, report, drafts=drafts)
    lap("read")

    keys = article_keys(articles, config)

    gaz = site_gazetteer(config)
    store = cache_mod.Cache(config.root / ".cache" / "articles" if use_cache else None)
    bar = progress_bar("analysing", len(articles), quiet, "article")
    analyses = analyse_all(articles, config, gaz, store, jobs, bar.update if bar else None, keys)
    if bar:
        bar.close()
    for a in analyses:
        if a.article.date is None and a.unresolved:
            report.warn(f"{len(a.unresolved)} relative expression(s) left unresolved "
                        f"({', '.join(repr(t.text) for t in a.unresolved[:5])}) because the article has no date",
                        config.content_dir / a.article.path, None, "add date: YYYY-MM-DD to the front matter")
    lap("extract")

    events, index = events_mod.merge(analyses, gaz, config.extraction["merge_threshold"])
    events = overrides_mod.apply(events, overrides_mod.load(config.content_dir), report)
    lap("merge")

    if search_index and write_output and config.search and not with_search:
        report.warn(search.NOT_INSTALLED, hint=search.FALLBACK_HINT)
    site = site_mod.plan(config, analyses, events, index, GENERATOR, with_search)
    bar = progress_bar("rendering", len(site.pages), quiet, "page")
    manifest = write.load_manifest(config.output_dir) if write_output else {}
    digests = manifest.get("pages")
    rendered = render.render_pages(site, GENERATOR, bar.update if bar else None,
                                   digests if use_cache and isinstance(digests, dict) else None,
                                   write.exists_in(config.output_dir))
    if bar:
        bar.close()
    files = rendered.files
    files["events.json"] = exports.safe_json(site_mod.events_json(site, GENERATOR))
    files["timeline.json"] = exports.safe_json(exports.timelinejs(site))
    files["events.ics"] = exports.icalendar(site).encode("utf-8")
    lap("render")

    summary = {"pages": len(site.pages), "files": len(files) + len(rendered.kept), "events": len(events),
               "articles": len(articles)}
    stats = (write.write_site(files, config.output_dir, summary, rendered.kept, rendered.digests, manifest)
             if write_output else None)
    lap("write")

    if with_search:
        ok, message = search.index_site(config.output_dir)
        if not ok:
            report.warn(message, hint=search.FALLBACK_HINT)
        lap("search")
    if write_output and not report.warnings:
        # Only a clean build is recorded as up to date: a build with warnings
        # runs again next time, so its warnings are shown again.
        write.record_build(config.output_dir, key)

    return BuildResult(config, report, len(articles), events, len(site.pages), summary["files"], timings, stats,
                       store.hits, event_count=len(events))


def progress_bar(label: str, total: int, quiet: bool, unit: str):
    """A tqdm bar on a terminal for a stage of a long build; None when quiet,
    in CI or when stderr is not a terminal. It appears only once the stage has
    run for a second, so small builds print nothing extra."""
    if quiet or os.environ.get("CI") or not sys.stderr.isatty() or total == 0:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit=unit, delay=1.0, leave=False, file=sys.stderr, dynamic_ncols=True)
