"""The last stage of a build: the new site's files written into a staging
folder beside the output, its search index made, and the switch
(write.py). Shared by a full build (pipeline.py) and by the rebuild of
edited articles' own pages (own_pages.py), so both publish, index and
stamp a site the same way.

Pagefind reads only the article pages (search.is_indexed): it starts once
the pages are written that the renderer settles first (the indexed ones),
and runs beside the rendering of the rest; the switch waits for it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass

from . import search, write
from .build import BuildOptions, Timer
from .config import SiteConfig
from .errors import Report
from .manifest_memo import Manifests
from .staging import LinkedTree


@dataclass
class NewSite:
    """What a build publishes: `files` (path -> bytes: assets, exports) and
    the `pages` rendered straight into the new site (write.Pages); the rest
    as write.write_site takes it."""

    files: dict[str, bytes]
    pages: write.Pages
    summary: dict
    ids: dict | write.JSONText
    stand_ins: frozenset[str]
    bundles: int  # how many bundles the search index has (search.bundle_count)
    kept: set[str] | None = None  # files of the live site taken as they are (not in `files` nor `pages`)
    release: Callable[[], None] | None = None  # lets go of what rendering needed, once every page is written
    # work for after the build that need not wait for the switch (own_pages.Basis.prepare): run once
    # every page is written (beside Pagefind when it runs), before the new site goes live
    prepare: Callable[[], None] | None = None
    # once every page is written: did a page other than an article's own read an article's
    # summary (render.Templates)? Kept in the manifest (own_pages.py reads it)
    summaries_read: Callable[[], bool] | None = None
    # pages known to be written anew (the own-pages rebuild's): the search indexes their bundles first
    written_anew: frozenset[str] = frozenset()
    # this thread gives way to Pagefind once it runs (search.Indexing give_way): the own-pages rebuild's,
    # on the command line, where what it does beside Pagefind is bookkeeping and Pagefind the critical path
    give_way: bool = False
    # Pagefind already running over the bundle of the pages written anew (the own-pages rebuild's,
    # search.EarlyBundle): the search takes that run for the bundle when it reads the new site's pages
    early_search: search.EarlyBundle | None = None


def publish(config: SiteConfig, options: BuildOptions, report: Report, timer: Timer, site: NewSite,
            manifest: dict, key: str, with_search: bool, early: LinkedTree | None,
            manifests: Manifests | None = None, manifest_digest: str | None = None) -> write.WriteStats:
    """Write `site` into the output (stamped with `key` unless the build
    warned), with its search index when `with_search`; `manifest` is the
    live site's (`manifest_digest`: its bytes' SHA-256, if known), `early`
    the staging folder write.stage_early began, `manifests` the preview's
    (manifest_memo.py)."""
    indexer = search.indexer_key(site.bundles) if with_search else None
    made_by: list[str] = []  # the indexer of the new site's index, once it has one
    running: list[search.Indexing] = []  # the indexer once started

    def start_search(folder) -> write.IndexerRunning | None:
        """Once the indexed pages are final: the rest is rendered while Pagefind runs.
        When it runs (it has a bundle to index), the test of whether it still does:
        it takes a core meanwhile."""
        live = config.output_dir.resolve()
        scratch = write.search_scratch(live) if folder == write.staging_dir(live) else None  # not built in place
        # A bundle's live index serves when Pagefind would read the very pages it read for it.
        same_indexer = indexer is not None and manifest.get("search") == indexer
        running.append(search.Indexing(folder, scratch, search.indexed_pages(site.pages.paths), site.bundles,
                                       live if same_indexer else None,
                                       search.indexed_pages(manifest.get("files") or ()), site.written_anew,
                                       site.give_way, site.early_search))
        job = running[-1]
        return job.running if job.running() else None

    def index_search(folder, meanwhile: Callable[[], None]) -> None:
        if site.release is not None:
            site.release()
        if not running:
            start_search(folder)
        job = running[0]
        try:
            if site.prepare is not None:
                site.prepare()  # beside Pagefind, rather than after it
            meanwhile()  # (the manifest's JSON: write.ManifestText)
        except BaseException:
            job.stop()  # before the staging folder Pagefind writes into is put aside
            raise
        ok, message = job.wait()
        if not ok:
            report.warn(message, hint=search.FALLBACK_HINT)
            shutil.rmtree(folder / "pagefind", ignore_errors=True)  # no stale index of an older site
        elif indexer is not None:
            made_by.append(indexer)
        # "search": what is left of Pagefind's runs once every page is written; "search-kept": no run
        timer.lap("search" if job.todo or not ok else "search-kept")

    def notes() -> dict:
        return {write.SUMMARIES_READ: site.summaries_read()} if site.summaries_read is not None else {}

    # Only a clean build is recorded as up to date: a build with warnings
    # runs again next time, so its warnings are shown again.
    try:
        return write.write_site(site.files, config.output_dir, site.summary, site.kept, None, manifest,
                                allow_shrink=options.allow_shrink,
                                before_switch=index_search if with_search else None,
                                stamp=lambda: None if report.warnings else key,
                                ids=site.ids, stand_ins=site.stand_ins, pages=site.pages,
                                on_written=lambda: timer.lap("render"),
                                indexer=lambda: made_by[0] if made_by else None,
                                notes=notes,
                                after_first=start_search if with_search else None, early=early,
                                before_live=None if with_search else site.prepare, manifests=manifests,
                                previous_digest=manifest_digest)
    finally:
        for job in running:
            job.stop()  # a failed build: the indexer is not left running (after wait(): nothing)
