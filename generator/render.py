"""Jinja2: pages -> text. Autoescaped, strict about undefined names.

Templates come from the site's templates folder first and the bundled
templates/ second, so a user overrides one template by putting a file of the
same name in their folder. A template error names the template file and line.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import traceback
import unicodedata
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Protocol

import jinja2
import markupsafe

from .config import SiteConfig
from .digest import ContextHasher, template_words
from .errors import BuildError, Problem
from .forked import Chunks, Relays, frozen_for_forks, map_parts
from .freshness import code_fingerprint, hash_files
from .inputs import template_dirs, template_files, template_texts
from .site import Page, Site, Urls
from .site.articles import ARTICLE_PRINTED, ArticleView
from .site.pages import ARTICLE_TEMPLATE
from .site.views import EventView
from .template_output import BYTECODE_PATTERN, OutputEscaping, escape_output
from .write import IndexerRunning


class _BestEffortBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja2's bytecode cache, but a file that cannot be read or written (a
    full disk, a read-only folder) is simply not cached: it costs speed, never
    the build."""

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError):
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


# What in a template's text may read a view's field without naming it to Jinja2: a name
# starting with "__" (`a.__getattribute__('summary')`), a format string, whose fields Python
# looks up itself (`'{0.summary}'.format(a)`). No bundled template holds either.
UNTRACKED_READS = re.compile(r"__|\bformat(_map)?\s*\(")


class _ReadingEnvironment(jinja2.Environment):
    """Jinja2's environment, which also notes whether a page read the
    summary of an article other than its own (`summaries_read`): an edit of
    an article's summary then shows on that article's page alone, and the
    rebuild of its own page (own_pages.py) may take it. `own` is the article
    of the article page being rendered. A template reads a field through
    getattr (`a.summary`, the `attr` filter) or getitem (`a['summary']`,
    filters given `attribute=`), or prints the whole view, its repr (`{{ a
    }}`, `|string`, `|pprint`, `|join`, `~`; site.articles.ARTICLE_PRINTED
    tells). Templates whose text may read a field otherwise
    (UNTRACKED_READS) count as reading every summary (Templates)."""

    own: object = None
    summaries_read: bool = False
    # `{{ value }}` escaped as autoescaping does, into a plain string (template_output.py)
    code_generator_class = OutputEscaping
    escape_output = staticmethod(escape_output)

    def getattr(self, obj, attribute):
        # Jinja2's own, with the note: every `a.b` of every template comes here, so it adds
        # one comparison and no call (a call to the base class's cost 9% of rendering)
        if attribute == "summary" and type(obj) is ArticleView and obj is not self.own:
            self.summaries_read = True
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj, argument):
        try:
            return obj[argument]
        except (AttributeError, TypeError, LookupError):
            pass  # a view is no mapping: `view['field']` comes here
        if argument == "summary" and type(obj) is ArticleView and obj is not self.own:
            self.summaries_read = True
        return super().getitem(obj, argument)

    def printed(self, view: ArticleView) -> None:
        """A template printed an article's view whole (its repr holds the summary)."""
        if view is not self.own:
            self.summaries_read = True


def environment(template_dirs: list[Path], bytecode_dir: Path | None = None) -> _ReadingEnvironment:
    """Jinja2 for the site's templates. With `bytecode_dir`, compiled
    templates are kept on disk between builds (Jinja2's bytecode cache, which
    checks each template's source before using it): compiling the templates
    is most of a small rebuild, as in the live preview."""
    cache = None
    if bytecode_dir is not None:
        try:
            bytecode_dir.mkdir(parents=True, exist_ok=True)
            cache = _BestEffortBytecodeCache(str(bytecode_dir), BYTECODE_PATTERN)
        except OSError:
            cache = None  # a cache that cannot be made only costs speed
    env = _ReadingEnvironment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs if d.is_dir()]),
        bytecode_cache=cache,
        autoescape=jinja2.select_autoescape(["html", "xml", "htm"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # one environment per build: the templates do not change under it
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def static_assets(dirs: list[Path]) -> dict[str, tuple[str, bytes]]:
    """static/<name> -> (fingerprinted output path, bytes); the first folder wins."""
    assets: dict[str, tuple[str, bytes]] = {}
    for d in dirs:
        folder = d / "static"
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if not path.is_file():
                continue
            rel = path.relative_to(folder).as_posix()
            if rel in assets:
                continue
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()[:10]
            stem, dot, ext = rel.rpartition(".")
            out = f"static/{stem}.{digest}.{ext}" if dot else f"static/{rel}.{digest}"
            assets[rel] = (out, data)
    return assets


def _template_location(exc: BaseException, dirs: list[Path]) -> tuple[str | None, int | None]:
    roots = [str(d.resolve()) for d in dirs]
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if any(frame.filename.startswith(r) for r in roots):
            return frame.filename, frame.lineno
    return None, None


@dataclass
class Rendered:
    files: dict[str, bytes]  # path -> bytes, for every page rendered this time (and the static assets)
    digests: dict[str, str]  # path -> fingerprint of its inputs, for every page
    kept: set[str] = field(default_factory=set)  # pages whose inputs had not changed: not rendered again


class Sink(Protocol):
    """Where rendered pages go (write.py's staging folder, or memory)."""

    def put(self, rel: str, data: bytes) -> bool: ...  # True: the bytes differ from the live site's

    def keep(self, rel: str, digest: str) -> None: ...  # the live site's file stays as it is


class MemorySink:
    """Rendered pages kept in memory (library callers, `check`, small rebuilds)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.kept: set[str] = set()

    def put(self, rel: str, data: bytes) -> bool:
        self.files[rel] = data
        return True

    def keep(self, rel: str, digest: str) -> None:
        self.kept.add(rel)


class DiscardSink:
    """Pages rendered only to see that they render (`check`)."""

    def put(self, rel: str, data: bytes) -> bool:
        return True

    def keep(self, rel: str, digest: str) -> None:
        pass


@dataclass
class Outcome:
    """What rendering a run of pages did (summed over the workers)."""

    digests: dict[str, str] = field(default_factory=dict)
    written: int = 0
    unchanged: int = 0
    problem: tuple[int, Problem] | None = None  # the first failing page (by its place in the site) and why
    kept: int = 0  # of the unchanged, those kept without rendering (their fingerprint matched)
    summaries_read: bool = False  # a page rendered read an article's summary, not on its own page

    def add(self, other: Outcome) -> None:
        self.digests.update(other.digests)
        self.written += other.written
        self.unchanged += other.unchanged
        self.kept += other.kept
        self.summaries_read |= other.summaries_read
        if other.problem and (self.problem is None or other.problem[0] < self.problem[0]):
            self.problem = other.problem


class Cards:
    """Event cards (the _event_card.html of an event view, a heading level
    and an anchor) by the view's fingerprint token, carried from one build
    of the preview to the next: an edit leaves most events as they were,
    and a rebuild rendered the cards of every list it rendered again
    (10,000 articles, a redated sentence: some 15,000 cards for 288 pages,
    two fifths of the rendering). A card is taken only by a build with the
    same page base (generator, code, template files, site-wide values,
    URLs: page_hasher) for a view with the same token, which counts every
    field a template can print: what a page's fingerprint rests on too.
    A view whose token is not known (not fingerprinted) is rendered."""

    def __init__(self, carried: dict | None = None):
        self.carried = carried or {}  # (token, level, anchor) -> the card, of the last build with this base
        # a view's token, if known (ContextHasher.known): set only while the renderer runs, as the
        # templates' functions hold these cards in a cycle (PageRenderer.release)
        self.token: Callable[[object], str | None] | None = None
        self.kept: dict[tuple[str, str, str], markupsafe.Markup] = {}  # this build's, for the next
        self.taken = 0  # cards taken from the last build

    def card(self, e: EventView, level, anchor, render: Callable[[], markupsafe.Markup]) -> markupsafe.Markup:
        """The last build's card for a view with this token and these arguments (as they print:
        3 and 3.0, 1 and True, differ), else render(); kept for the next build when the token is known."""
        token = self.token(e) if self.token is not None else None
        if token is None:
            return render()
        key = (token, repr(level), repr(anchor))
        got = self.carried.get(key)
        if got is None:
            got = render()
        else:
            self.taken += 1
        self.kept[key] = got
        return got


class Templates:
    """The site's Jinja2 templates, ready to render a page: the environment
    with the values every template sees (the site's name, URLs, assets,
    navigation, the event card), the template folders and the static assets."""

    def __init__(self, config: SiteConfig, urls: Urls, built: str, generator_name: str,
                 bytecode_dir: Path | None = None):
        self.config, self.urls = config, urls
        self.cards = Cards()  # none carried (PageRenderer gives the preview's)
        self.dirs = template_dirs(config.templates_dir)
        self.env: _ReadingEnvironment
        self.env = env = environment(self.dirs, bytecode_dir)
        env.summaries_read = _untracked_reads(self.dirs)
        self.assets = assets = static_assets(self.dirs)

        def asset(name: str) -> str:
            if name not in assets:
                raise jinja2.UndefinedError(f"no static file {name!r} in the templates' static/ folder")
            return urls.path(assets[name][0])

        cards: dict[tuple[str, str, str], markupsafe.Markup] = {}

        def event_card(e: EventView, level: int = 3, anchor: bool = True) -> markupsafe.Markup:
            """An event's list item, rendered once and reused: the same event is listed
            on the timeline, its year, and every entity and tag page it belongs to; and,
            in the preview, taken from the last build where it would print the same (Cards)."""
            key = (e.id, repr(level), repr(anchor))  # as they print: 3 and 3.0, 1 and True, differ
            card = cards.get(key)
            if card is None:
                card = cards[key] = self.cards.card(e, level, anchor, lambda: markupsafe.Markup(
                    env.get_template("_event_card.html").render(e=e, level=level, anchor=anchor)))
            return card

        partials: dict[tuple, markupsafe.Markup] = {}

        def partial(name: str, **values) -> markupsafe.Markup:
            """A template that depends on the site-wide values alone (and `values`),
            rendered once and reused on every page: the head's links, the site's
            header and footer are a sixth of a small page's rendering otherwise."""
            key = (name, *sorted(values.items()))
            got = partials.get(key)
            if got is None:
                got = partials[key] = markupsafe.Markup(env.get_template(name).render(**values))
            return got

        nav = urls.nav()
        nav_urls = {item.url for item in nav}

        def site_header(page_url: str) -> markupsafe.Markup:
            """The header marking the navigation item the page is, if it is one."""
            return partial("_site_header.html", current=page_url if page_url in nav_urls else "")

        env.globals.update(
            event_card=event_card, partial=partial, site_header=site_header,
            site={"title": config.title, "description": config.description,
                  "language": config.language, "author": config.author, "base": urls.base,
                  "url": urls.absolute(urls.base), "built": built},
            urls=urls, asset=asset, generator=generator_name, nav=nav,
        )

    def render(self, page: Page) -> bytes:
        """The page's bytes; a template error raises TemplateProblem naming the file and line."""
        printing = ARTICLE_PRINTED.set(self.env.printed)
        try:
            template = self.env.get_template(page.template)
            self.env.own = page.context.get("article") if page.template == ARTICLE_TEMPLATE else None
            return template.render(page=page_context(page, self.urls), **page.context).encode("utf-8")
        except jinja2.TemplateSyntaxError as exc:
            problem = Problem(f"template syntax error: {exc.message}", exc.filename or exc.name, exc.lineno,
                              "fix the Jinja2 syntax on that line")
        except jinja2.TemplateNotFound as exc:
            templates_dir = self.config.templates_dir
            problem = Problem(f"template {exc.name!r} not found", templates_dir, None,
                              f"add {exc.name} to {templates_dir} or remove the override")
        except jinja2.UndefinedError as exc:
            file, line = _template_location(exc, self.dirs)
            problem = Problem(f"template uses an undefined value: {exc.message}", file or page.template, line,
                              "check the variable's name; the README lists what each template receives")
        except Exception as exc:  # a template can raise anything; report where
            file, line = _template_location(exc, self.dirs)
            problem = Problem(f"error while rendering {page.url}: {exc}", file or page.template, line)
        finally:
            ARTICLE_PRINTED.reset(printing)
        raise TemplateProblem(problem)


def _untracked_reads(dirs: list[Path]) -> bool:
    """Does a template's text hold what may read a view's field unseen (UNTRACKED_READS)?"""
    return any(text is None or UNTRACKED_READS.search(text) for _, _, text in template_texts(dirs))


def page_hasher(templates: Templates, urls: Urls, generator_name: str) -> ContextHasher:
    """What fingerprints a page: the generator and its code (what makes a
    page's derived values, digest.Derived, and its views), the template
    files, the site-wide values every template sees and the page's own
    context (generator.digest)."""
    base = hashlib.sha256(generator_name.encode())
    base.update(f"{RUNNING_CODE}|{unicodedata.unidata_version}".encode())
    files = template_files(templates.dirs)
    hash_files(base, files)
    base.update(repr({k: v for k, v in templates.env.globals.items() if k in _DATA_GLOBALS}).encode())
    base.update(repr((urls.base, urls.site_url)).encode())
    return ContextHasher(base.hexdigest(), template_words(files))


@dataclass
class ViewTokens:
    """The tokens of a build's event and article views (generator.digest),
    kept by the preview for its next build (state.BuildState.view_tokens):
    there, a view that prints alike takes its token over (digest.prints_alike)
    instead of being hashed again. One edit leaves nearly every view as it
    was, and hashing them all was most of a rebuild's fingerprinting (10,000
    articles: 8 s of CPU of 11). Tokens depend on which fields count, so the
    carry serves only a build whose templates name the same words."""

    printed: frozenset[str] | None  # the hasher's (ContextHasher.printed)
    views: dict[str, tuple[object, str]]  # a view's URL -> the view and its token
    base: str = ""  # the page base the cards were rendered with (ContextHasher.base)
    cards: dict = field(default_factory=dict)  # the event cards this process rendered or took (Cards)


# The code this process runs, read once as it starts (the files may change under a running
# preview, which goes on running what it loaded): every page's fingerprint covers it. And
# Python's Unicode tables, which the ordering of names (str.lower) follows.
RUNNING_CODE = code_fingerprint()

POOL_MIN_PAGES = 1000  # below this, forking render workers costs more than it saves
CHUNK = 64  # pages per task: small enough to balance the workers, large enough to cost little
# chunks a forked render worker renders before it ends and a fresh one is forked (forked.Relays): each
# copies the memory it touches, and one that rendered half the site had touched nearly all of it
WORKER_CHUNKS = 64
# or once it has copied or taken this much memory (its page faults since the fork, a page each): the
# pages that read much (an article's page reads its analysis back) end a worker sooner
WORKER_COPIES = 96 * 2**20
FINGERPRINT_PARTS = 8  # a rebuild's views and pages, fingerprinted in this many interleaved parts


class PageRenderer:
    """Renders the site's pages into a Sink, in this process or in forked
    worker processes (which inherit the site, so nothing is pickled but the
    fingerprints going back). Each page's fingerprint (template files,
    site-wide values, the page's own context; generator.digest) is compared
    with the one recorded for the file already in the output (`previous`,
    `exists`): a page whose inputs did not change is kept, not rendered.
    `only` (page paths) renders just those pages and keeps every other one
    from the live site (the caller knows what changed). The bytes of a page
    do not depend on which process renders it, so the output does not depend
    on the number of workers."""

    def __init__(self, site: Site, generator_name: str, previous: dict[str, str] | None = None,
                 exists: Callable[[str], bool] | None = None, bytecode_dir: Path | None = None,
                 only: set[str] | None = None, jobs: int | None = None, progress=None,
                 first: Callable[[str], bool] | None = None, carried: ViewTokens | None = None,
                 carry: bool = False, part_jobs: int | None = None):
        self.site = site
        self.carried = carried  # the last build's view tokens, if kept (the preview)
        # with `carry`, once run: this build's view tokens, for the next (the preview keeps them)
        self.carry = carry
        self.tokens: ViewTokens | None = None
        self.first = first  # the pages a rebuild settles first (see run)
        self.templates = Templates(site.config, site.urls, site.built, generator_name, bytecode_dir)
        self.previous, self.exists, self.only = previous, exists, only
        self.jobs = jobs or os.cpu_count() or 1
        # the processes fingerprinting the pages (pipeline.part_jobs: one in the preview, and in a big
        # site's command-line rebuild), as rendering them may take `jobs` when there are many
        self.part_jobs = part_jobs or self.jobs
        self.progress = progress
        self.paths = [p.path for p in site.pages]
        self.todo: list[int] = list(range(len(site.pages)))  # the pages (by place) rendered unless found unchanged
        self.digests: dict[str, str] = {}  # fingerprints found before rendering (a rebuild's), by page path
        self.hasher = page_hasher(self.templates, site.urls, generator_name)
        if carry:
            self.templates.cards = Cards(carried.cards if carried is not None and carried.base == self.hasher.base
                                         else None)
        # once run: did a page read an article's summary, not on its own page (Templates); was
        # every page rendered (else those kept read what they read when they were rendered)
        self.summaries_read, self.all_rendered = False, False
        self.released = False

    def asset_files(self) -> dict[str, bytes]:
        """The static assets under their fingerprinted names."""
        return {path: data for path, data in self.templates.assets.values()}

    def run(self, sink: Sink, on_first: Callable[[], IndexerRunning | None] | None = None) -> Outcome:
        """Render every page into `sink`; raises BuildError naming the first
        template error (the same one whatever the number of workers).

        A big site's pages are all fingerprinted first, in parts on every
        core (_fingerprint_in_parts): the fingerprints share most of their
        work (an event's view is hashed once, for all the pages listing it).
        A rebuild then renders only the few pages that differ; a cold build
        renders them all, and its render processes no longer each hash the
        views they share (1,000 articles: 3.8 s of CPU hashing in two render
        processes, 1.7 s in one, against about 1.7 s now in parts).

        With `first` (a test of a page's path) and `on_first`, the `first`
        pages are settled (kept or rendered) before the others and then
        `on_first()` is called: the search indexer reads only those pages,
        so it runs beside the rendering of the rest instead of after it. In
        a cold build too (10,000 articles: 32 s of indexing after rendering,
        with a core idle for a third of it). on_first() gives, when the
        indexer runs (it may have no bundle to index), the test of whether
        it still does: it takes a core meanwhile, and the rest is rendered
        by one process fewer (on two cores, this one alone, which forks its
        render workers once the indexer is done, if much is left). A render
        worker beside the indexer would only take CPU from it, and each
        process that renders beside another copies much of the memory they
        share, the site's views (10,000 articles, a cold build of a warm
        cache, twice each on two cores: 65.6 and 73.3 s with a worker beside
        the indexer, 58.4 and 64.9 s without; the peak of the process tree
        1,856 and 1,890 MB against 1,428 and 1,418 MB). on_first is not
        called when a page failed."""
        cards = self.templates.cards
        cards.token = self.hasher.known if self.carry else None
        try:
            return self._run(sink, on_first)
        finally:
            # the cards read tokens only while this runs: the templates' functions hold them in a
            # cycle with the environment (release), which must not reach the hasher and every view
            cards.token = None

    def _run(self, sink: Sink, on_first: Callable[[], IndexerRunning | None] | None) -> Outcome:
        self._take_carried_tokens()
        if self.only is None and self.part_jobs > 1 and self._can_fork(len(self.site.pages)):
            self._fingerprint_in_parts()
        everything = range(len(self.site.pages))
        if self.first is None or on_first is None:
            outcome = self._settle(sink, everything)
            outcome.add(self._render_todo(sink))
        else:
            first = self.first
            leading = [i for i in everything if first(self.site.pages[i].path)]
            chosen = set(leading)
            outcome = self._settle(sink, leading)
            outcome.add(self._render_todo(sink))
            indexing = on_first() if not outcome.problem else None
            # The rest is rendered even after a failure, so the failure reported is the
            # site's first (Outcome.add keeps the earliest).
            outcome.add(self._settle(sink, [i for i in everything if i not in chosen]))
            outcome.add(self._render_todo(sink, indexing))
        if outcome.problem:
            raise BuildError(outcome.problem[1])
        if self.carry:
            self.tokens = self.view_tokens()
        self.summaries_read = outcome.summaries_read
        self.all_rendered = outcome.kept == 0
        return outcome

    def _can_fork(self, pages: int, jobs: int | None = None) -> bool:
        return (jobs or self.jobs) > 1 and pages >= POOL_MIN_PAGES \
            and "fork" in multiprocessing.get_all_start_methods()

    def _render_todo(self, sink: Sink, busy: IndexerRunning | None = None) -> Outcome:
        """The pages in `todo`, when there are many by this process and forked
        workers, `self.jobs` in all; while `busy()` (the search indexer runs,
        taking a core) one process fewer: on two cores this one alone, which
        forks its worker once the indexer is done."""
        jobs = self.jobs
        if busy is not None and jobs > 2:
            jobs, busy = jobs - 1, None  # (cores enough to render beside the indexer all along)
        if self._can_fork(len(self.todo), jobs):
            return self._in_workers(sink, jobs, busy)
        return self.render_range(0, len(self.todo), sink)

    def _take_carried_tokens(self) -> None:
        """Each event and article view that prints as the last build's view
        at its URL did takes that view's token (ViewTokens)."""
        carried, hasher = self.carried, self.hasher
        self.carried = None  # the last build's views go as soon as they are compared
        if carried is None or carried.printed != hasher.printed:
            return
        old, same = carried.views, hasher.prints_alike
        for view in self._shared_views():
            got = old.get(view.url)
            if got is not None and same(got[0], view):
                hasher.adopt([view], [got[1]])

    def _shared_views(self) -> list[EventView | ArticleView]:
        """The views many pages list: hashed once each, before the pages."""
        return [*self.site.events, *self.site.articles]

    def view_tokens(self) -> ViewTokens:
        """This build's view tokens, for the next (every view's: each is on a page)."""
        views: dict[str, tuple[object, str]] = {}
        known = self.hasher.known
        for view in self._shared_views():
            token = known(view)
            if token is not None:
                views[view.url] = (view, token)
        return ViewTokens(self.hasher.printed, views, self.hasher.base, self.templates.cards.kept)

    def _fingerprint_in_parts(self) -> None:
        """Every page's fingerprint, into `digests`, on every core: a build
        spends as long fingerprinting its pages as planning them (10,000
        articles: about 14 s), on one core while the other waits. (A big
        site's command-line rebuild does not, for memory: pipeline.py, where
        its renderer is made.) First the views the pages share (events, articles) are
        hashed, in parts taken by this process and forked workers
        (forked.map_parts), whose tokens this process files under the same
        objects (a forked worker's objects are this process's, at the same
        addresses); then, with every view's token known, the pages, in
        parts again. The tokens and fingerprints are the same strings one
        process makes (generator.digest), so the pages kept and rendered do
        not depend on the number of processes."""
        hasher, pages, parts = self.hasher, self.site.pages, FINGERPRINT_PARTS
        shared = [v for v in self._shared_views() if hasher.known(v) is None]

        def view_tokens(n: int) -> list[str]:
            return [hasher.token(v) for v in shared[n::parts]]

        for n, tokens in enumerate(map_parts(view_tokens, parts, self.part_jobs)):
            hasher.adopt(shared[n::parts], tokens)

        def page_digests(n: int) -> list[str]:
            return [hasher.page(p.template, p.url, p.title, p.context) for p in pages[n::parts]]

        known = self.digests
        for n, digests in enumerate(map_parts(page_digests, parts, self.part_jobs)):
            for page, digest in zip(pages[n::parts], digests, strict=True):
                known[page.path] = digest
        if not self.carry:
            # Every page's fingerprint is known: nothing reads the views' tokens again but the
            # preview's next build (ViewTokens), so a build that carries none lets them go before
            # the render workers fork (10,000 articles: about 40 MB)
            hasher.forget()

    def _settle(self, sink: Sink, places) -> Outcome:
        """The pages at `places` to render next (`todo`): in a cold build all
        of them; in a rebuild those whose fingerprint changed (_keep_unchanged)."""
        if not self.previous and self.only is None:
            self.todo = list(places)
            return Outcome()
        return self._keep_unchanged(sink, places)

    def _keep_unchanged(self, sink: Sink, places) -> Outcome:
        """Of the pages at `places`, keep those whose fingerprint matches the
        live file's (or that `only` leaves out); the others become `todo`,
        fingerprinted."""
        out = Outcome()
        previous, exists, only, page_digest = self.previous or {}, self.exists, self.only, self.hasher.page
        known = self.digests  # filled already when fingerprinted in parts (_fingerprint_in_parts)
        pages = self.site.pages
        todo = []
        for i in places:
            page = pages[i]
            if only is not None and page.path not in only:
                digest = previous.get(page.path)
                if digest is not None:
                    out.digests[page.path] = digest
                sink.keep(page.path, digest or "")
                out.unchanged += 1
                out.kept += 1
                continue
            digest = known.get(page.path)
            if digest is None:
                digest = known[page.path] = page_digest(page.template, page.url, page.title, page.context)
            if previous.get(page.path) == digest and exists and exists(page.path):
                out.digests[page.path] = digest
                sink.keep(page.path, digest)
                out.unchanged += 1
                out.kept += 1
                continue
            todo.append(i)
        self.todo = todo
        if self.progress:
            self.progress(out.unchanged)
        return out

    def _in_workers(self, sink: Sink, jobs: int, busy: IndexerRunning | None = None) -> Outcome:
        """The pages in `todo`, by this process and jobs - 1 forked workers,
        each taking the next chunk of 64 pages until none is left. This
        process renders too rather than waiting on the workers: a worker
        touches most of the site's data (an event is listed on many pages),
        so each copies most of the memory it shares with this process (the
        reference counts it writes), and one worker fewer is that much less
        memory at the build's peak (10,000 articles: about 0.9 GB), for the
        same use of the cores. A worker ends after WORKER_CHUNKS chunks or
        WORKER_COPIES of memory copied, and a fresh fork takes its place,
        checked after each page this process renders (forked.Relays):
        10,000 articles with `search = false`, the process tree's peak 1,208
        to 1,258 MB with one worker through the rendering, 941 and 950 MB
        with relays, for some 2 to 3 s of render lap."""
        ranges = [(i, min(i + CHUNK, len(self.todo))) for i in range(0, len(self.todo), CHUNK)]
        # Objects made before the fork are moved out of the collector's reach, so
        # a collection in a worker does not write to (and so copy) every page of
        # memory it shares with this process. No collection first (as Python's gc
        # documentation advises): it walked the whole site (0.75 s at 1,000 articles)
        # while both cores waited, and found nothing, the site's data being acyclic.
        ctx = multiprocessing.get_context("fork")
        chunks = Chunks(ctx, len(ranges))
        # alone while the indexer runs (from the back, as ever), then beside the workers, if any
        outcome = self.render_chunks(sink, ranges, chunks, show=True, from_back=True, while_=busy) \
            if busy is not None else Outcome()
        workers = 0 if outcome.problem else min(jobs, chunks.left()) - 1
        with self._forked(ctx, workers, sink, ranges, chunks) as relays:
            outcome.add(self.render_chunks(sink, ranges, chunks, show=True, from_back=True,
                                           between=relays.renew if relays is not None else None))
            for part in relays.finish() if relays is not None else ():
                outcome.add(part)
        if self.progress:
            self.progress(len(self.todo) - chunks.shown)
        return outcome

    @contextmanager
    def _forked(self, ctx, workers: int, sink: Sink, ranges: list[tuple[int, int]], chunks: Chunks):
        """`workers` forked render workers taking `chunks` (None if `workers` < 1), each
        rendering WORKER_CHUNKS of them and then replaced by a fresh fork while chunks are
        left (forked.Relays), for the block, after which they end. At 10,000 articles with no
        search index beside it (the rest of a cold build with `search = false`, or every page
        rendered again after an upgrade), one worker through the whole rendering held 576 MB
        beside this process's 627."""
        if workers < 1:
            yield None
            return
        with frozen_for_forks(), Relays(ctx, workers, partial(_render_share, self, sink, ranges, chunks),
                                        lambda: chunks.left() > 0) as relays:
            yield relays

    def render_chunks(self, sink: Sink, ranges: list[tuple[int, int]], chunks: Chunks, show: bool = False,
                      from_back: bool = False, while_: Callable[[], bool] | None = None,
                      limit: int | None = None, between: Callable[[], None] | None = None,
                      enough: Callable[[], bool] | None = None) -> Outcome:
        """Render the next chunk not yet taken, until none is left (or one
        after a failed page's: the failure reported is then the first, as
        every chunk before it is still rendered). The workers take chunks
        from the front of the site (the event and article pages), this
        process `from_back` (the listing pages of tags, entities and
        periods), until they meet: the event cards those listings share are
        then rendered in one process, not in each (the event pages show
        none), and each process keeps to its own kind of page. `while_`:
        a chunk is taken only while it holds; `limit`: at most that many
        chunks; `between()` runs after each page (the render workers
        renewed); `enough()`, asked after each chunk, ends the run when true."""
        out = Outcome()
        take = chunks.take_last if from_back else chunks.take
        progress, self.progress = self.progress, None  # shown per chunk taken, below
        taken = 0
        try:
            while (while_ is None or while_()) and (limit is None or taken < limit) and (n := take()) is not None:
                taken += 1
                part = self.render_range(*ranges[n], sink, between)
                out.add(part)
                if part.problem:
                    chunks.stop_after(n)
                if show and progress:
                    progress(chunks.taken(CHUNK, len(self.todo)))
                if enough is not None and enough():
                    break
        finally:
            self.progress = progress
        return out

    def render_range(self, start: int, stop: int, sink: Sink, between: Callable[[], None] | None = None) -> Outcome:
        """Render the pages todo[start:stop] (those found unchanged were kept before); `between()`
        after each page."""
        out = Outcome()
        page_digest, known = self.hasher.page, self.digests
        for n in range(start, stop):
            i = self.todo[n]
            page = self.site.pages[i]
            if self.progress and n % 500 == 499:
                self.progress(500)
            digest = known.get(page.path)  # None in a cold build: no fingerprint was needed before
            out.digests[page.path] = digest or page_digest(page.template, page.url, page.title, page.context)
            try:
                data = self.render_one(page)
            except TemplateProblem as exc:
                out.problem = (i, exc.problem)
                break
            if sink.put(page.path, data):
                out.written += 1
            else:
                out.unchanged += 1
            if between is not None:
                between()
        out.summaries_read = self.templates.env.summaries_read
        return out

    def render_one(self, page: Page) -> bytes:
        return self.templates.render(page)

    def release(self) -> None:
        """Drop the site, the templates and their caches once every page is
        rendered (only `paths` stays): a big site's views are most of this
        process's memory (10,000 articles: about 0.5 GB), which would otherwise
        stay through the search indexer's run. The templates' globals are
        cleared because their functions hold the environment in a cycle (with
        the cached event cards), which reference counting alone does not free."""
        if self.released:
            return
        self.templates.env.globals.clear()
        del self.site, self.templates, self.hasher
        self.todo, self.digests = [], {}
        self.released = True


class TemplateProblem(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def _render_share(renderer: PageRenderer, sink: Sink, ranges: list[tuple[int, int]], chunks: Chunks) -> Outcome:
    """A forked render worker's share: chunks from the front, WORKER_CHUNKS at
    most, and none once it has copied or taken WORKER_COPIES of memory."""
    renderer.progress = None  # the main process shows progress
    return renderer.render_chunks(sink, ranges, chunks, limit=WORKER_CHUNKS, enough=_copied_enough)


def _copied_enough() -> bool:
    """Has this forked process copied or taken WORKER_COPIES of memory? Its
    minor page faults since the fork (a process starts with none) count the
    pages it copied from the build process as it wrote to them and the
    fresh pages it took, a page each: one system call, where reading its
    own memory map took some 4 ms (/proc/self/smaps_rollup at 700 MB)."""
    import resource  # (only where processes fork: Unix)

    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt * resource.getpagesize() > WORKER_COPIES


def render_pages(site: Site, generator_name: str, progress=None, previous: dict[str, str] | None = None,
                 exists: Callable[[str], bool] | None = None, bytecode_dir: Path | None = None,
                 only: set[str] | None = None) -> Rendered:
    """Every page rendered into memory (pages and static assets), in this
    process, except those kept (see PageRenderer). A build streams pages to
    the staging folder instead (build.py, write.write_site)."""
    renderer = PageRenderer(site, generator_name, previous, exists, bytecode_dir, only, jobs=1, progress=progress)
    sink = MemorySink()
    outcome = renderer.run(sink)
    return Rendered({**sink.files, **renderer.asset_files()}, outcome.digests, sink.kept)


# The template globals that are data (the rest are functions of the same data).
_DATA_GLOBALS = {"site", "generator", "nav"}


def page_context(page: Page, urls: Urls) -> dict:
    return {"url": page.url, "absolute_url": urls.absolute(page.url), "title": page.title,
            "template": page.template}
