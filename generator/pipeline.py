"""The stages of a build that has work to do, in the order they run (the
up-to-date check before them is build.py's): resources -> content ->
per-article analysis -> corpus (entities, merged events, overrides) ->
pages and exports -> rendering into the staging folder -> search index ->
the switch to the new site."""

from __future__ import annotations

import dataclasses
import functools
import os
import sys
import time
from collections.abc import Callable

from . import content, forked, freshness, own_pages, render, search, write
from .analysis.cache import Cache, ReadBack, touch_entries
from .analysis.runner import PARALLEL_THRESHOLD, analyse_all
from .build import GENERATOR, BuildOptions, BuildResult, Inputs, Timer, made_old
from .config import SiteConfig, missing_base_url
from .corpus import disk_record, history, merge_record
from .corpus.entities import EntityIndex
from .corpus.merge import merge_recorded
from .corpus.merge_record import MergeRecord
from .corpus.overrides import apply_overrides, load_overrides
from .corpus.region_events import PublishedKeys, Region
from .corpus.salience import listing_order
from .draft import DraftBasis
from .early_pages import article_pages, region_pages
from .errors import BuildError, Problem, Report
from .file_digests import FileDigests
from .inputs import Scan
from .manifest_memo import Manifests
from .model import Analysis, Event
from .publish import NewSite, publish
from .resources import Resources
from .site import let_go_analyses, merged_from, plan, planned, read_slim
from .site.exports import export_files
from .state import ArticleIndex, BuildState, MemoryCache, NameRefs

# What reading an article runs.
PARSE_CODE = ("content.py", "inputs.py", "model.py", "links.py", "config.py", "errors.py")


def run(config: SiteConfig, options: BuildOptions, state: BuildState | None, digests: FileDigests, found: Inputs,
        report: Report, timer: Timer, kept: BuildState) -> BuildResult:
    """Build the site whose inputs build.py found (`found`, the input files'
    `digests` it used); `state` as in build.build; `kept`, what this build
    keeps and reads: the state, or without one the command line's for this
    build, which the own-pages check filled first (its resources)."""
    manifests = state.manifests if state is not None else Manifests()  # the preview's keeps what it wrote
    live = functools.cache(lambda: manifests.load(config.output_dir) if options.write_output else {})
    # The first rebuild after a cold build makes its staging folder (85,000 links at 10,000
    # articles) in a child process, beside the reading and merging (staging.py).
    early = write.stage_early(config.output_dir, live) if options.write_output else None
    try:
        return _run(config, options, state, digests, found, report, timer, live, early, kept)
    finally:
        if early is not None:
            early.cancel()  # a build that failed before publishing (once published: nothing to do)


# From how many articles a command-line build reads each article's analysis back from the cache
# as its page renders rather than hold them all (about 25 MB a thousand articles): 1,000
# articles, reading them back took 0.3 s of CPU, 2.7% of the cold build's wall
# (benchmarks/cold_ab.py), for a peak of some 440 MB.
READ_BACK_MIN_ARTICLES = 2000


def _run(config: SiteConfig, options: BuildOptions, state: BuildState | None, digests: FileDigests, found: Inputs,
         report: Report, timer: Timer, live: Callable[[], dict], early: write.LinkedTree | None,
         kept: BuildState) -> BuildResult:
    """`live()`: the live site's manifest. A command-line build parses it
    once the merge is done (unless the staging folder's making asked for it
    first): 10,000 articles, 28 MB of JSON, 71 MB parsed (its history of ids
    42, its pages' fingerprints 19, its files 10), which the merge's forked
    workers would otherwise run beside, copying the pages they allocate
    into. The preview's comes from memory, and its merge reads the history
    (from_region)."""
    with_search, key = found.with_search, found.key
    resources = kept.resources_for(config, found.resources, config.root / ".cache" if options.write_output else None,
                                   readable=options.use_cache)
    if resources.fingerprint != found.resources:  # a resource file changed in between: the key names what was loaded
        key = freshness.build_key(config, resources.fingerprint, found.files, found.options, digests)
    timer.lap("resources")

    began_ns = time.time_ns()  # (an entry the analysis pool's workers wrote is newer: ReadBack)
    # A command-line build of many articles reads each article page's analysis back from the cache as
    # the page renders (ReadBack): decided once, from the files found, as the cache is read
    read_back = state is None and options.write_output and found.scanned is not None \
        and len(found.scanned.files) >= READ_BACK_MIN_ARTICLES
    articles, analyses, keys, entries_whole = read_and_analyse(config, options, resources, report, timer, kept,
                                                               remembered=state is not None, scanned=found.scanned,
                                                               slim=read_back)
    n_articles = len(articles)
    back: ReadBack | None = None  # (a command-line build's: where the article pages' analyses are read from)
    if state is None:
        # A command-line build keeps of each analysis only what the merge and the planning read
        # (site.merged_from): 10,000 articles, the Markdown sources and plain texts, about 210 MB,
        # go before the merge's forked parts. Its state holds them too (the analyses and articles
        # read), for this build alone.
        # An article's HTML and its maps from the plain text go too where the cache holds the
        # entry whole to read them back from when the article's page renders (about 127 MB).
        kept.analyses.clear()
        kept.articles.clear()
        del articles
        back = ReadBack(config.root / ".cache" / "articles", entries_whole, began_ns, keys) if read_back else None
        analyses = [merged_from(a, markup=back is None or not back.holds(k))
                    for a, k in zip(analyses, keys, strict=True)]

    manifest = live() if state is not None else {}
    published = history.published(manifest, written=state is not None and state.manifests.written(manifest))
    settings = merge_settings(resources, config)
    # forked children writing records for the next build (forked.in_child): the preview's next build waits
    # for them (BuildState.records_written), the command line before it returns
    writing: list = state.writing if state is not None else []

    try:
        overrides = load_overrides(config.content_dir, report, config.limits)
        overrides_problem: BuildError | None = None
    except BuildError as exc:  # raised after the merge, whose record serves the next build (below)
        overrides, overrides_problem = [], exc
    bytecode = config.root / ".cache" / "templates" if options.use_cache else None
    shown_early: list[dict[str, bytes]] = []  # the saved articles' pages handed over from the merge's region

    def from_region(region: Region) -> None:
        """The preview's: the saved articles' pages from a redating's region,
        handed over before the merge sorts and names every event (region_events.py)."""
        assert state is not None and state.show_early is not None
        keys_of = state.published_keys
        if keys_of is None or keys_of.source is not manifest.get("ids"):
            return  # (the history indexed is not the one this build read)
        try:
            pages = region_pages(config, analyses, region, state.early_files, published, keys_of, GENERATOR,
                                 bytecode)
        except Exception as exc:  # the page then comes after the whole merge, as without the region
            state.early_region_error = repr(exc)  # (tests/test_early_pages.py: none)
            return
        if pages:
            shown_early.append(pages)
            state.early_from_region += 1
            state.show_early(pages)

    def merge_anew() -> tuple[list[Event], EntityIndex]:
        """Merged with the last build's record (the preview's, else the cache's), and recorded for the next."""
        record_file = config.root / ".cache" / "merge.json"
        # the changed articles' last analyses, read once (changed_articles, then redated_articles, ask)
        earlier = kept.earlier(config.root / ".cache" / "articles")
        region_hook = from_region if (state is not None and state.show_early is not None and state.early_files
                                      and not overrides and overrides_problem is None) else None
        with made_old():  # (what it makes is the next record: at 10,000 articles, a dated sentence's merge
            # 0.9 -> 0.7 s, where the young collections walked each part of it as it was made)
            # (the last record is handed over, not held here: merge_corpus lets go of one that cannot serve)
            events, index, record = merge_corpus(
                analyses, resources, config, options.jobs, keys,
                kept.merge_record or (merge_record.load(record_file, settings) if options.use_cache else None),
                earlier, keep_scored=state is not None,
                common=kept.common.of(analyses) if state is not None else None, early=region_hook,
                spellings=kept.spellings if state is not None else None,
                names=kept.names if state is not None else None)
        kept.retired.append(kept.merge_record)  # (let go after the early pages, with the merge's last result)
        kept.merge_record = record
        if options.write_output and record is not None:
            to_record.append(functools.partial(merge_record.save, record_file, record))
        return events, index

    to_record: list = []  # the merge record to write (below, once the early pages are shown)

    try:
        events, index = kept.merge(analyses, settings, merge_anew)
        if state is None:  # (see the docstring)
            manifest = live()
            published = history.published(manifest)
        record = kept.merge_record  # the preview's knows the sort keys and ids of the events it holds
        events = history.keep_ids(published, events, record.ids if record is not None else None)
        # (the record's keys are of its events in their order, which keep_ids keeps: it only renames)
        if overrides_problem is not None:
            raise overrides_problem
        events = apply_overrides(events, overrides, report, record.order_of if record is not None else listing_order,
                                 record.ranked_keys if record is not None else None,
                                 record.ties if record is not None else None)
        timer.lap("merge")
        if state is not None and state.show_early is not None and state.early_files:
            # the preview: the saved articles' pages, final now, shown before the rest is built (early_pages.py)
            saved_pages = article_pages(config, analyses, events, state.early_files, GENERATOR, bytecode,
                                        overridden=bool(overrides))
            shown_already = shown_early[-1] if shown_early else None
            if shown_already is not None and saved_pages != shown_already:
                state.early_region_differed += 1  # (never, tests/test_early_pages.py: shown again now)
            if saved_pages and saved_pages != shown_already:
                state.show_early(saved_pages)
    finally:  # (an override's error too: the merge is done, and its record serves the next build)
        kept.retired.clear()
        if options.fork_passes:
            _write_records(to_record, writing, in_child=state is not None)
            to_record.clear()  # (the record goes with the state, below, in a command-line build)
    if state is not None:
        state.go_on()  # a newer change came: its build begins now, not after this one's pages

    if options.search_index and options.write_output and config.search and not with_search:
        report.warn(search.NOT_INSTALLED, hint=search.FALLBACK_HINT)
    if state is None:
        # A command-line build keeps of each analysis only what the planning reads (site.planned):
        # 10,000 articles, the build process's peak 1.55 -> 1.38 GB for the mentions alone. Its state
        # (the merge record) is this build's alone.
        kept.let_go()
        record = None
        del kept
        analyses = [planned(a) for a in analyses]
    moved = history.moved(published, events)
    ids: dict | write.JSONText = {}  # the history the new manifest keeps (`check` writes none)
    if state is None:
        # A command-line build: the history it read goes before the planning, and the one the new
        # manifest keeps is made now, as its JSON (10,000 articles: 65,000 ids, some 15 MB of text,
        # where the history read and the one made, 42 MB of dicts each, were held through the
        # planning's and the render's forks, copied where a worker allocated beside them)
        if options.write_output:
            ids = write.JSONText.of(history.record(published, events))
        del published
        manifest.pop("ids", None)
    jobs = part_jobs(options)
    with made_old():
        site = plan(config, analyses, events, index, with_search, moved=moved,
                    jobs=jobs, memo=state.plan_memo if state is not None else None,
                    go_on=state.go_on if state is not None else None, keys=keys)
    if state is not None:
        state.go_on()  # (before the renderer takes the last build's view tokens, and the output is touched)
        # the preview drafts a saved article's page from this build's links (draft.py)
        state.draft = DraftBasis.of(site, resources, GENERATOR)
    # what the next build needs to redo only an edited article's page (own_pages.py)
    own = own_pages.Basis.of(config, analyses, keys, index, site) if options.write_output else None
    report.warnings += site.warnings
    if state is None:
        # A command-line build: nothing after planning reads the analyses but the article views'
        # marked text, made as each article page renders (site.articles.MarkedText, which holds
        # its analysis): the list goes, and each analysis with the view that holds it, but for
        # those whose entry the cache does not hold whole (the others are read back from it).
        del analyses
        if back is not None:
            let_go_analyses(site.articles, back)
    # The live site's page fingerprints: a rebuild renders only the pages whose fingerprint changed.
    # A big site's command-line rebuild (read_back) fingerprints its pages in this process alone, as
    # the preview does: a forked worker hashing half the views writes the reference counts of every
    # view it reads, and so copies the pages of memory that hold them, as does this process for its
    # half (10,000 articles, one edit: the process tree 1,006 -> 923 MB at its peak, the rebuild
    # some 2 s longer: README "Memory"). A cold build, with more to render and less held, forks.
    fingerprints = manifest.get("pages") if options.use_cache and isinstance(manifest.get("pages"), dict) else None
    bar = progress_bar("rendering", len(site.pages), options.quiet, "page")
    renderer = render.PageRenderer(site, GENERATOR, fingerprints,
                                   freshness.exists_in(config.output_dir),
                                   config.root / ".cache" / "templates" if options.use_cache and options.write_output
                                   else None, jobs=options.jobs,
                                   part_jobs=1 if read_back and fingerprints else jobs,
                                   progress=bar.update if bar else None,
                                   first=search.is_indexed if with_search and options.write_output else None,
                                   carried=state.view_tokens if state is not None else None,
                                   carry=state is not None)
    if state is not None:
        state.view_tokens = None  # the renderer holds them until it has taken what serves
    # (one dict: write.py lets go of its bytes once written, before the pages are rendered;
    # events.json alone is about 75 MB at 10,000 articles)
    files = {**renderer.asset_files(), **export_files(site, GENERATOR,
                                                      state.entry_memo if state is not None else None)}
    summary = {"pages": len(site.pages), "files": len(files) + len(site.pages), "events": len(events),
               "articles": n_articles}
    bundles = site.search_bundles
    stand_ins = frozenset(p.path for p in site.pages if p.template == "redirect.html")
    if state is not None and options.write_output:
        ids = history.record(published, events)  # (the preview keeps the manifest it writes, parsed)
    if state is None and not options.keep_events:
        # A command-line build lets the events go before rendering unless the caller wants them back
        # (the views hold what the pages show; `build` on the command line prints only their number)
        events = []
    # From here the renderer alone holds the site, and lets it go once every page is written.
    del site
    stats = None
    if options.write_output:
        # Pages are rendered straight into the staging folder (write.py), in
        # worker processes for a big site: "render" includes writing them.
        # The preview without Pagefind (whose run the record's making goes beside) makes and writes
        # the own pages' record once the site is live, not before the switch (10,000 articles: about
        # a second): in a child when it forks its passes (its next build waits for it:
        # BuildState.records_written), else here, with the merge record.
        after_live = state is not None and not with_search
        in_child = after_live and options.fork_passes

        def release() -> None:
            # Every page is written: the site's views and the templates' caches are not needed
            # while Pagefind runs (10,000 articles: the build process 1.25 -> 0.83 GB meanwhile).
            renderer.release()
            forked.release_free_memory()

        def summaries_read() -> bool:
            """Did a page other than an article's own read an article's summary
            (render.Templates)? The pages kept unrendered read what they read
            when the live site was built, as its manifest says (unknown: yes)."""
            return renderer.summaries_read or (not renderer.all_rendered and write.summaries_read(manifest))

        stats = publish(config, options, report, timer,
                        NewSite(files, renderer, summary, ids, stand_ins, bundles,
                                release=release,
                                prepare=own.prepare if own is not None and not after_live else None,
                                summaries_read=summaries_read),
                        manifest, key, with_search, early, state.manifests if state is not None else None)
        if state is not None:
            # the history just published, as the next build reads it back (state.manifests), indexed by
            # its sentences for that build's redating (region_events.py): 65,000 ids at 10,000 articles
            now_ids = state.manifests.load(config.output_dir).get("ids")
            state.published_keys = PublishedKeys.of(now_ids) if isinstance(now_ids, dict) else None
            if kept.merge_record is not None:  # what the next save's merge would make first, made now
                kept.merge_record = merge_record.completed(kept.merge_record, analyses, index)
            if kept.names.counted is None and analyses:
                # and the names' counts and spellings, which a merge served by a record from disk (the
                # first build after the server's start) did not fold: the first save's fold read every name
                # and compared every group of spellings (10,000 articles: about 0.5 s before its early page)
                kept.names.index(analyses, resources.gazetteer, kept.common.of(analyses), kept.spellings)
        if own is not None and not report.warnings:
            if in_child:
                writing.append(forked.in_child(functools.partial(own.save, config, found, stats.manifest,
                                                                 summaries_read())))
            else:
                own.save(config, found, stats.manifest, summaries_read(), state)
        _write_records(to_record, writing, in_child=False)  # (the preview's that forks no pass: the site is live)
        to_record.clear()
    else:
        renderer.run(render.DiscardSink())  # `check`: every page renders (template errors show), nothing is kept
        timer.lap("render")
    # (if not done already): the templates' cycle let go now, not at the next full collection, which
    # in the preview comes seldom (10,000 articles: a rebuild's site held that long is 0.1 GB and more)
    renderer.release()
    if state is not None:
        state.view_tokens = renderer.tokens  # for the next build (render.ViewTokens)
    if bar:
        bar.close()
    timer.lap("write" if not with_search else "publish")
    # A warning that follows from site.toml alone, given after the stamp is made:
    # it does not keep the output from counting as up to date.
    config_notice = missing_base_url(config)
    report.warnings += [config_notice] if config_notice else []
    if state is None:
        forked.wait_for(writing)  # long done: the next build reads what they wrote
        if options.write_output:  # the entries read are in use (Cache.clean_strays)
            touch_entries(config.root / ".cache" / "articles", entries_whole.intersection(keys))
    return BuildResult(config, report, n_articles, events, summary["pages"], summary["files"], timer.timings,
                       stats, event_count=summary["events"])


def part_jobs(options: BuildOptions) -> int | None:
    """The processes for the whole-site passes (the planning's parts, the
    pages' fingerprints): one in the preview
    (BuildOptions.fork_passes). A fork marks every page of this process's
    memory copy-on-write, and the next build pays a page fault the first
    time it writes to each page, a reference count being enough, even once
    the child is gone: at 10,000 articles some 80,000 faults before a dated
    save's early page, against 10,000 without, and the page 0.88 -> 0.77 s
    after the save (medians of 6 saves, each rebuild to the end), while the
    whole rebuild took as long. The analysis pool and the render workers
    (many pages to render) still fork, where the work is seconds."""
    return options.jobs if options.fork_passes else 1


def _write_records(savers: list[Callable[[], None]], writing: list, in_child: bool) -> None:
    """Write the merge record. The command line's here, after the early
    pages: a child forked now would keep every page of what the build lets
    go next (its analyses, its state) while planning runs, the build's peak
    (10,000 articles: tree PSS 1.93 GB). The preview's here too, once the
    site is live (BuildOptions.fork_passes: part_jobs says why); forked,
    after the early pages, in a library build that asks for forked passes
    (encoding in this process held the interpreter: at 10,000 articles
    about a second on a slow machine)."""
    for save in savers:
        if in_child:
            writing.append(forked.in_child(save))
        else:
            save()


def read_and_analyse(config: SiteConfig, options: BuildOptions, resources: Resources, report: Report, timer: Timer,
                     kept: BuildState, remembered: bool, scanned: Scan | None = None, slim: bool = False
                     ) -> tuple[list, list[Analysis], list[str], set[str]]:
    """The articles, their analyses, the analyses' cache keys and those of
    the entries read whole or written here (Cache.whole): the preview's in memory (`remembered`:
    `kept` lives on between builds), then the on-disk cache; the command
    line's article index finds an unchanged file's article in its cached
    analysis. --no-cache reads nothing from the cache but still writes the
    fresh analyses, so the next build is warm; `check` writes nothing, not
    even the cache. With `slim`, an analysis read whole from the cache
    comes without its HTML, its maps and its text past the lead
    (site.read_slim: the build reads its page's analysis back), so that
    10,000 of them never fill the heap (10,000 articles: a rebuild's build
    process 874 -> 643 MB as it reads them)."""
    store = kept.article_cache(config.root / ".cache" / "articles", options.write_output, readable=options.use_cache)
    store.shape = read_slim if slim else None  # (decided by each build: a kept store may serve another kind)
    index_file = config.root / ".cache" / "article-index.json"
    base = freshness.analysis_base(resources, config.extraction)
    index = ArticleIndex.load(index_file, base) if not remembered and options.use_cache else None
    reader = kept.reader(freshness.code_fingerprint(PARSE_CODE), store, index)
    articles = content.read_content(config.content_dir, report, options.drafts, config.limits, config.root, reader,
                                    scanned)
    reader.forget_unseen()
    timer.lap("read")

    analyses = analyse(articles, config, resources, options, report, store, kept.article_keys if remembered else None,
                       base)
    if not remembered or len(store.whole) >= PARALLEL_THRESHOLD:
        # the pool's pickled results or the entries read, dropped: free pages inside the heap (not after a
        # preview's save, which read or made few: 13 ms of walking the heap at 10,000 articles)
        forked.release_free_memory()
    if remembered and options.write_output:
        # The preview cleans its cache in its first build, the server's start, and never again (its
        # state says so: MemoryCache.clean_strays). Left to the first write, a warm preview's first
        # save paid for it before its early page: a stat of every entry not in use, 0.5 s with
        # 110,000 entries.
        store.clean_strays()
    if not remembered and options.write_output:
        (index or ArticleIndex(base=base)).save(index_file, reader.seen, store.key_of)
    timer.lap("extract")
    return articles, analyses, [store.key_of[a.article.slug] for a in analyses], store.whole


def analyse(articles, config: SiteConfig, resources: Resources, options: BuildOptions,
            report: Report, store: Cache | None = None, known: dict | None = None,
            base: str | None = None) -> list[Analysis]:
    """Every article's analysis, from the cache (`store`, or the project's)
    where nothing it depends on changed. `known`: the preview's article keys (BuildState.article_keys);
    `base`: freshness.analysis_base of these resources and settings, if the caller has it already."""
    base = base if base is not None else freshness.analysis_base(resources, config.extraction)
    keys = article_keys(articles, base, known)
    if store is None:
        # --no-cache reads nothing from the cache but still writes the fresh analyses, so the
        # next build is warm; `check` writes nothing, not even the cache.
        store = Cache(config.root / ".cache" / "articles", writable=options.write_output, readable=options.use_cache)
    store.in_use = frozenset(keys)  # (before any write cleans the folder: Cache.clean_strays)
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


def article_keys(articles, base: str, known: dict | None) -> list[str]:
    """Each article's cache key (freshness.article_key). The preview's reader
    gives an unchanged file the very Article it gave the last build (frozen),
    so `known` (its last keys, by the article's identity, the article kept
    alive beside) spares hashing every article's text again (10,000 articles:
    about 0.4 s a rebuild); it then holds this build's."""
    if known is None:
        return [freshness.article_key(a, base) for a in articles]
    keys, mine = [], {}
    for a in articles:
        got = known.get(id(a))
        key = got[2] if got is not None and got[0] is a and got[1] == base else freshness.article_key(a, base)
        mine[id(a)] = (a, base, key)
        keys.append(key)
    known.clear()
    known.update(mine)
    return keys


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


def merged_events(analyses: list[Analysis], resources: Resources, config: SiteConfig,
                  jobs: int | None = 1) -> tuple[list[Event], EntityIndex]:
    """The corpus stage before the editor's overrides: names folded into
    entities, mentions merged into events (in `jobs` processes for a big
    corpus: corpus.merge)."""
    events, index, _ = merge_corpus(analyses, resources, config, jobs)
    return events, index


def merge_corpus(analyses: list[Analysis], resources: Resources, config: SiteConfig, jobs: int | None = 1,
                 keys: list[str] | None = None, known: MergeRecord | None = None,
                 earlier: Callable[[str], Analysis | None] | None = None, keep_scored: bool = False,
                 common: frozenset[str] | None = None, early: Callable[[Region], None] | None = None,
                 spellings: dict | None = None, names: NameRefs | None = None
                 ) -> tuple[list[Event], EntityIndex, MergeRecord | None]:
    """merged_events(), and with the analyses' cache `keys` the record of
    the merge for the next build, which merges only what changed since
    `known` when it can (`earlier`: an analysis by its cache key;
    corpus/merge_record.py). `keep_scored`: the record keeps all that the
    clustering scored, for an edit that moves dates (the preview's record,
    in memory; one on disk keeps the scored pairs alone). `common`: the
    analyses' lower-case words, if known (the preview's: state.CommonWords).
    `early`: merge.merge_recorded's. `spellings`: the last folding's, group
    by group (entities.EntityIndex.build's memo: the preview's); `names`:
    the last build's names of each analysis (state.NameRefs: the preview's)."""
    if common is None:
        common = Analysis.corpus_common_words(analyses)
    settings, words = merge_settings(resources, config), merge_record.words_digest(common) if keys else ""
    changed = merge_record.changed_articles(known, settings, analyses, keys, earlier) if keys and earlier else None
    redated = merge_record.redated_articles(known, settings, analyses, keys, earlier) \
        if keys and earlier and changed is None else None
    if known is not None and keys and earlier and changed is None and redated is None:
        # a record from disk, after articles or dated sentences came or went: made whole as the preview's
        # record is kept, it serves as that one does (corpus/disk_record.py)
        whole = disk_record.served(known, settings, analyses, keys, earlier, resources.gazetteer)
        if whole is not None:
            known, redated = whole
        del whole  # (a record made whole that a folding of names turns down goes before the merge, below)
    # the record's folding serves the same names (the changed articles' digests hold their names; the
    # redated articles are checked) with the same lower-case words, or words that no name holds
    same_names = changed is not None or (redated is not None and merge_record.same_names(analyses, redated))
    if known is not None and same_names and (known.words == words or merge_record.folds_as_recorded(known, common)):
        index = merge_record.recorded_index(known, resources.gazetteer)  # the same names, folded the same way
    else:
        # every name of the dated sentences (each once per sentence), not only of their clauses: more
        # evidence for a name's kind and full form ("Merkel" -> "Angela Merkel")
        if names is not None:  # (the preview's: the last folding's counts moved by what came and went)
            index = names.index(analyses, resources.gazetteer, common, spellings)
        else:
            index = EntityIndex.build([r for a in analyses for m in a.mentions for r in m.every_name],
                                      resources.gazetteer, common, spellings)
        if known is not None and (changed, redated) != (None, None) and not merge_record.folds(known, index):
            if changed is not None and known.scored is not None:  # (the preview's record: made again below)
                redated = merge_record.redated_articles(known, settings, analyses, keys, earlier)  # type: ignore[arg-type]
            changed = None
            # a redating's record serves when only names its edited articles alone held, then or now, fold
            # otherwise (a name added or dropped): their mentions are made again with the new folding; the
            # preview's serves any other folding too, the articles that hold a name folded otherwise made
            # again with them (merge_record.with_refolded)
            if redated is not None and not merge_record.refolded_alone(known, index):
                redated = merge_record.with_refolded(known, index, analyses, redated) if known.scored is not None \
                    else None
    if known is not None and known.events is None and (
            (changed is None and redated is None)
            or (known.clusters is None and not merge_record.covers(known, sum(len(a.mentions) for a in analyses)))):
        # A record read from disk (the preview's holds its events, whose order and dates a whole merge
        # takes back, and moves to the mentions now: record_shift.py; one made whole, disk_record.py, is
        # moved too) that serves no part of this merge:
        # nothing changed that it can take (changed, redated), or it holds other mentions (an article
        # added or removed, a dated sentence too: merge.merge_recorded's `covers`). It goes before the
        # merge's forked parts (10,000 articles: 104 MB), and the merge is a cold build's, which an
        # incremental merge equals.
        known = None
    events, record = merge_recorded(analyses, index, resources.vocab, resources.summary,
                                    config.extraction.merge_threshold, jobs, keys, known, changed, settings, words,
                                    redated, keep_scored, early)
    if record is not None:  # the words the names were folded with, for the next (folds_as_recorded; on disk too)
        record = dataclasses.replace(record, common=common)
    return events, index, record


def merge_settings(resources: Resources, config: SiteConfig) -> str:
    """What a merge's result depends on besides the analyses: the code, the resources and the settings."""
    return f"{freshness.code_fingerprint()}|{resources.fingerprint}|{config.extraction!r}"


def progress_bar(label: str, total: int, quiet: bool, unit: str):
    """A tqdm bar on a terminal for a stage of a long build; None when quiet,
    in CI or when stderr is not a terminal. It appears only once the stage has
    run for a second, so small builds print nothing extra."""
    if quiet or os.environ.get("CI") or not sys.stderr.isatty() or total == 0:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit=unit, delay=1.0, leave=False, file=sys.stderr, dynamic_ncols=True)
