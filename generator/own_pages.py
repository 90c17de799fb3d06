"""A rebuild for edits that show on the edited articles' own pages alone.

Most edits to a published article fix a word, add a line of background or
append a correction, away from its dated sentences. What the rest of the
site reads of an article is much less than its text: its front matter, its
summary, its dated sentences (the mentions events are merged from, each
with the expressions its sentence holds, and its place among them as the
merge reads it: `_places`; an event links to a sentence by its anchor,
made from its words, so a sentence added above it moves nothing the rest
of the site shows) and, for the folding of names, whether it writes a
name's words in lower case. When none of that changed
(`outside_view`), every event, listing, feed and export is what the last
build made, byte for byte, and only the article's own page differs. The
command line then renders that page alone, re-indexes its search bundle
and publishes, as a full build would, instead of merging and planning the
whole corpus again (at 10,000 articles, about 40 s against 2).

What that needs from the last build is kept in `.cache/own-pages/`, a
record per output folder (`Record`, `record_path`), written after every
clean command-line build: the key of every
input but the articles (`rest_key`), each article file's digest and
analysis key, each article's links (the events that cite it, its cited
sentences, the events its dates lead to, as on its page), the digest of the
manifest it published (so the record speaks for the site in the output), the
lower-case words of the corpus's names, and the site's build date and
search bundles.

The summary counts only when a page other than the article's own read an
article's summary as the live site was rendered (render.Templates notes
every such read, and the site's manifest keeps it, `summaries_read`; a
full build that keeps pages unrendered carries the live manifest's word,
and says "read" when it has none): with the bundled templates none does,
so a word changed in an article's lead shows on its own page alone.

Anything else falls back to the full build, which gives the same bytes:
another input changed, an article was added, removed or renamed, an edit
reached the front matter, the summary (when read elsewhere), a dated
sentence or the dated sentences' places (`_places`), a page of the site is missing, or a template other than the
article page's prints the fields that differ (ArticleView.segments,
.unresolved).

The fingerprints of the pages that list the article (the list of
articles, its tags' pages) are left as recorded: their bytes are the same
and were rendered from what the recorded fingerprint describes, so the next
full build at worst renders them again to the same bytes. The record is JSON
(never pickle), checked field by field when read: anything off is no record.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import chain
from pathlib import Path

from . import freshness, search, write
from .analysis.article import analyse
from .analysis.cache import UNUSED_AGE, Cache
from .build import GENERATOR, BuildOptions, BuildResult, Inputs, Timer
from .cache_file import json_bytes, parse_json, save_bytes
from .config import SiteConfig, missing_base_url
from .content import read_article
from .corpus.entities import EntityIndex
from .digest import WORD
from .draft import DraftBasis
from .errors import BuildError, Report
from .file_digests import settled, signature
from .inputs import template_dirs, template_texts
from .model import Analysis, Mention
from .publish import NewSite, publish
from .render import Outcome, TemplateProblem, Templates, page_hasher
from .resources import Resources
from .site import Site, Urls
from .site.articles import ArticleLinks, article_view, lead_text
from .site.notices import PLACEHOLDER
from .site.pages import ARTICLE_TEMPLATE, article_page
from .site.views import EventBrief
from .state import BuildState

FORMAT = 3  # 2: each cited sentence with its anchor (mentions.SentenceAnchors); 3: `summaries`
FOLDER = "own-pages"  # in the project's cache folder: a record (and its links file) per output folder
MOST_EDITED = 20  # more edited articles than this: the full build (each edit is analysed and compared here)
OWN_FIELDS = frozenset({"segments", "unresolved"})  # what may differ in an article's view after such an edit


def record_path(config: SiteConfig) -> Path:
    """The record of the site in this output folder (the command line's `output/`, the preview's
    `.preview/`, a `--output` elsewhere: each keeps its own)."""
    tag = hashlib.sha256(str(config.output_dir.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return config.root / ".cache" / FOLDER / f"{tag}.json"


@dataclass(frozen=True)
class Record:
    """What the last clean build leaves for the next one (see the module's docstring)."""

    rest: str
    manifest: str  # SHA-256 of the manifest the build published
    files: dict[str, tuple[str, str]]  # article file -> (its SHA-256, its analysis key; "" when not published)
    name_words: frozenset[str]
    built: str
    bundles: int
    links: str  # the links file's name (in the cache folder): one line per article, read by place
    links_at: dict[str, tuple[int, int]]  # slug -> (offset, length) of its line
    # did a page other than an article's own read an article's summary (the manifest's SUMMARIES_READ)?
    # Kept here too, so the rebuild decides before it parses the manifest (Pagefind starts then)
    summaries: bool = True

    def article_links(self, folder: Path, slug: str) -> ArticleLinks | None:
        """The article's links as the last build made them; None if its line is missing or off."""
        where = self.links_at.get(slug)
        if where is None:
            return None
        try:
            with open(folder / self.links, "rb") as fh:
                fh.seek(where[0])
                row = parse_json(fh.read(where[1]))
            name, briefs, cited, timexes = row
            if name != slug or not _links_row(briefs, cited, timexes):
                return None
        except (OSError, ValueError, TypeError):
            return None
        return ArticleLinks({slug: [EventBrief(*b) for b in briefs]}, {slug: {i: anchor for i, anchor in cited}},
                            {slug: {(i, expression): url for i, expression, url in timexes}})


def name_words(index: EntityIndex) -> frozenset[str]:
    """The words of the corpus's names, lower-cased: the folding of names
    reads the corpus's lower-case words only for these (entities.EntityIndex.build)."""
    return frozenset(w.lower() for n in index.canonical for w in n.split() if len(w) > 2)


def outside_view(a: Analysis, words: frozenset[str], summaries: bool = True) -> tuple:
    """What the site outside the article's own page reads of its analysis:
    the front matter, the summary (unless no other page read an article's
    summary: `summaries`), whether it holds the placeholder text, its
    lower-case words among the names' (`words`) and its dated sentences,
    each with its sentence's expressions, with offsets counted from the
    sentence's start, and with its place among them as the merge reads it
    (`_places`) rather than its sentence number: an edit above a sentence
    moves it, which no event, listing or export shows (a link to it names
    its anchor, made from its words: mentions.SentenceAnchors)."""
    placeholder, places = PLACEHOLDER in a.article.body, _places(a)
    # where the body starts in the file names a line only in the placeholder's warning (site.notices)
    article = replace(a.article, body="", body_line=a.article.body_line if placeholder else 0)
    if not summaries:
        article = replace(article, summary="")
    return (article, (a.article.summary or lead_text(a.text)) if summaries else "", placeholder,
            sorted(set(a.lower_words.split()) & words), tuple(_placed(m, a, places) for m in a.mentions))


def _places(a: Analysis) -> dict[int, tuple[int, bool, bool]]:
    """Each dated sentence's place as the corpus stage reads it (audited:
    corpus/, site/): its rank among the article's dated sentences (the
    order of its mentions and of an event's quotes), whether it is the
    article's first sentence (summary.position) and whether it comes right
    after the dated sentence before it (clustering: "the next sentence").
    Two analyses whose sentences differ in number only where these agree
    merge into the same events; the article's own page shows the numbers."""
    places, last = {}, -2
    for rank, i in enumerate(sorted({m.sentence_index for m in a.mentions})):
        places[i] = (rank, i == 0, i == last + 1)
        last = i
    return places


def _placed(m: Mention, a: Analysis, places: dict[int, tuple[int, bool, bool]]) -> tuple:
    shift = m.start
    within = tuple(replace(t, start=t.start - shift, end=t.end - shift)
                   for t in a.timexes if m.start <= t.start <= m.end)
    timex = replace(m.timex, start=m.timex.start - shift, end=m.timex.end - shift)
    return replace(m, sentence_index=0, start=0, end=m.end - shift, timex=timex), places[m.sentence_index], within


# ------------------------------------------------------------------ after a full build


@dataclass
class Basis:
    """What a full build gathers for the record as it goes (pipeline.py):
    references only, so nothing is copied until `prepare`, which the build
    runs once every page is written (beside Pagefind, when this process
    would only wait) and before the new site goes live; `save` then writes
    the small record. The preview takes a save as soon as its last build
    ends, so nothing heavy follows the switch."""

    config: SiteConfig
    keys: dict[str, str]  # article file -> analysis key, for the published articles
    words: frozenset[str]
    slugs: list[str]  # the published articles
    links: ArticleLinks
    built: str
    bundles: int
    links_file: str = ""  # once prepared: the links file's name
    links_at: dict[str, tuple[int, int]] = field(default_factory=dict)  # once prepared: each line's place

    @classmethod
    def of(cls, config: SiteConfig, analyses: list[Analysis], keys: list[str], index: EntityIndex,
           site: Site) -> Basis | None:
        if site.links is None:
            return None
        files = {str(config.content_dir / a.article.path): key for a, key in zip(analyses, keys, strict=True)}
        return cls(config, files, name_words(index), sorted(a.article.slug for a in analyses), site.links,
                   site.built, site.search_bundles)

    def prepare(self) -> None:
        """The links file, one line of JSON per article in slug order, named
        by its bytes (written only if new; a failed build leaves a file that
        no record names, removed by the next save)."""
        links, lines, at, offset = self.links, [], {}, 0
        for slug in self.slugs:
            row = [slug, [[b.id, b.url, b.title, b.display_date, b.date, b.datetime]
                          for b in links.events.get(slug, [])],
                   sorted([i, anchor] for i, anchor in links.cited.get(slug, {}).items()),
                   sorted([i, e, url] for (i, e), url in links.timexes.get(slug, {}).items())]
            line = json_bytes(row) + b"\n"
            at[slug] = (offset, len(line))
            offset += len(line)
            lines.append(line)
        data = b"".join(lines)
        path = record_path(self.config)
        name = f"{path.stem}-links-{hashlib.sha256(data).hexdigest()[:16]}.jsonl"
        if (path.parent / name).exists() or save_bytes(path.parent / name, data):
            self.links_file, self.links_at = name, at

    def save(self, config: SiteConfig, found: Inputs, manifest: str, summaries: bool,
             state: BuildState | None = None) -> None:
        """Record the build just published, whose manifest has the SHA-256
        `manifest` and says `summaries` (write.SUMMARIES_READ) (best effort: a
        cache that cannot be written costs speed).
        The preview's `state` keeps the record written (load_kept), which
        its next dated save would otherwise read back from the file."""
        path = record_path(config)
        if not self.links_file:
            self.prepare()
        try:
            if not self.links_file or not set(self.keys) <= set(found.articles) or not manifest:
                path.unlink(missing_ok=True)  # the files are not named as they were listed, or no links file
                return
            for old in path.parent.glob(f"{path.stem}-links-*.jsonl"):
                if old.name != self.links_file:
                    old.unlink(missing_ok=True)
            remove_unused(path.parent, time.time() - UNUSED_AGE, keep=path.stem)
        except OSError:  # a cache folder that cannot be written (or is not one): no record
            return
        # the digests the build was given (Inputs.as_read), not the files now: one saved meanwhile is
        # recorded as it was read, so the next build sees it changed
        files = {name: (found.article_digests.get(name, ""), self.keys.get(name, "")) for name in found.articles}
        save(path, Record(found.rest, manifest, files, self.words, self.built, self.bundles, self.links_file,
                          self.links_at, summaries), state)


def remove_unused(folder: Path, before: float, keep: str) -> None:
    """Remove the records of output folders no build has written since
    `before` (a time), with their links files, and links files whose record
    is gone; never this build's (`keep`, its record's name), which it
    writes next, its links file perhaps as it was. Each output folder a
    site is built into keeps a record (10,000 articles: 31 MB with its
    links), and one built into once (a `--output` elsewhere, a deploy's
    preview folder) kept it for ever in the project's cache, which a
    deploy's cache carries on: it goes as the per-article cache's unused
    entries go (analysis.cache.UNUSED_AGE). A record removed costs the next
    build into its folder only speed: the full build, once."""
    for record in folder.glob("*.json"):
        if record.stem != keep and _older(record, before):
            record.unlink(missing_ok=True)
    for links in folder.glob("*-links-*.jsonl"):
        stem = links.name.split("-links-", 1)[0]
        if stem != keep and not (folder / f"{stem}.json").exists() and _older(links, before):
            links.unlink(missing_ok=True)


def _older(path: Path, before: float) -> bool:
    try:
        return path.stat().st_mtime < before
    except OSError:  # (removed meanwhile by another build)
        return False


def save(path: Path, record: Record, state: BuildState | None = None) -> None:
    """Write the record; the preview's `state` keeps it as the file's
    (load_kept), by the stat signature of the file written (a new file,
    os.replace'd in place): settled or not, the file holds this record
    unless another writer replaced it within the same clock tick, with the
    same size, on the same inode number."""
    written = save_bytes(path, json_bytes({
        "format": FORMAT, "rest": record.rest, "manifest": record.manifest,
        "files": {k: list(v) for k, v in record.files.items()}, "words": sorted(record.name_words),
        "built": record.built, "bundles": record.bundles, "links": record.links,
        "links_at": {k: list(v) for k, v in record.links_at.items()}, "summaries": record.summaries}))
    if state is not None:
        try:
            state.own_record = (signature(path.stat()), record) if written else None
        except OSError:
            state.own_record = None


def load(path: Path) -> Record | None:
    """The record at `path`, if it is a sound one of this format."""
    try:
        return _checked(parse_json(path.read_bytes()))
    except (OSError, ValueError, TypeError, KeyError, IndexError):
        return None


def load_kept(path: Path, state: BuildState | None) -> Record | None:
    """load(path), or the preview's last record read when the file is as it
    was then (its stat's signature; a record saved is a new file): a dated
    save, whose edit the record cannot take, read and checked the whole
    record again (10,000 articles: 3 MB, some 30 ms of every such save
    that came before the last rebuild had written a new one)."""
    if state is None:
        return load(path)
    try:
        st = path.stat()
    except OSError:
        return None
    known, sig = state.own_record, signature(st)
    if known is not None and known[0] == sig:
        return known[1]
    record = load(path)
    state.own_record = (sig, record) if record is not None and settled(st, time.time_ns()) else None
    return record


def _strings(values, n: int | None = None) -> bool:
    return _all_of(values, str) and (n is None or len(values) == n)


def _all_of(values, kind: type) -> bool:
    """Is every value of exactly this type (a bool is no int)? Checked in C: the
    record's checks went over its 10,000 articles' entries at every preview save."""
    return set(map(type, values)) <= {kind}


def _pairs(values, kind: type) -> bool:
    """Is every value a list of two values of exactly this type?"""
    values = list(values)
    return _all_of(values, list) and set(map(len, values)) <= {2} and _all_of(chain.from_iterable(values), kind)


def _links_row(briefs, cited, timexes) -> bool:
    return (all(isinstance(b, list) and len(b) == 6 and _strings(b[:5]) and type(b[5]) in (str, type(None))
                for b in briefs)
            and all(isinstance(c, list) and len(c) == 2 and type(c[0]) is int and type(c[1]) is str for c in cited)
            and all(isinstance(t, list) and len(t) == 3 and type(t[0]) is int and _strings(t[1:]) for t in timexes))


def _checked(data) -> Record | None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    rest, manifest, built, bundles = data["rest"], data["manifest"], data["built"], data["bundles"]
    files, words, links, links_at = data["files"], data["words"], data["links"], data["links_at"]
    summaries = data["summaries"]
    if not (_strings([rest, manifest, built, links]) and type(bundles) is int and bundles >= 1
            and type(summaries) is bool and isinstance(files, dict) and isinstance(words, list) and _strings(words)
            and isinstance(links_at, dict) and "/" not in links and "\\" not in links and "-links-" in links):
        return None
    if not _pairs(files.values(), str) or not _pairs(links_at.values(), int) or min(
            chain.from_iterable(links_at.values()), default=0) < 0:
        return None
    return Record(rest, manifest, dict(zip(files, map(tuple, files.values()), strict=True)), frozenset(words), built,
                  bundles, links, dict(zip(links_at, map(tuple, links_at.values()), strict=True)), summaries)


# ------------------------------------------------------------------ the rebuild


class _PageGone(Exception):
    """A page of the live site is missing: the rebuild stops before
    anything goes live (the staging folder, whose manifest is gone, is put
    aside) and the full build writes the page again. Found by the check
    beside Pagefind (_every_page_live), or as the page is linked into the
    new site. (Had the rebuild gone on, the site it published might hold
    the page, from the staging folder, but the next build's staging folder,
    the live site before, would not.)"""


def _every_page_live(exists: Callable[[str], bool], pages: dict[str, str]) -> None:
    """Raise _PageGone unless every page of the live site is there (83,000
    at 10,000 articles, 0.17 s: checked while Pagefind runs, before the new
    site goes live, rather than on the way to Pagefind)."""
    if not all(map(exists, pages)):
        raise _PageGone


class _OwnPages:
    """The site's pages as write.write_site takes them: the edited
    articles' pages rendered anew, every other page kept as published; the
    pages the search indexes first (render.PageRenderer.run does the same)."""

    def __init__(self, recorded: dict[str, str], rendered: dict[str, tuple[bytes, str]], indexed: set[str]):
        self.recorded, self.rendered, self.indexed = recorded, rendered, indexed
        self.paths = sorted(recorded)

    def run(self, sink, on_first=None) -> Outcome:
        out = Outcome(digests=dict(self.recorded))
        for path, (data, digest) in sorted(self.rendered.items()):
            out.digests[path] = digest
            if sink.put(path, data):
                out.written += 1
            else:
                out.unchanged += 1
        recorded, rendered = self.recorded, self.rendered

        def keep(path: str, digest: str) -> None:
            try:
                sink.keep(path, digest)
            except FileNotFoundError:  # the live page, to link into the new site, is gone
                raise _PageGone from None

        first = sorted(p for p in self.indexed if p not in rendered)
        for path in first:
            keep(path, recorded[path])
        if on_first is not None:
            on_first()
        for path in self.paths:
            if path not in self.indexed and path not in rendered:
                keep(path, recorded[path])
        out.unchanged += len(self.paths) - len(rendered)
        return out


def rebuild(config: SiteConfig, options: BuildOptions, found: Inputs, report: Report,
            timer: Timer, state: BuildState | None, kept: BuildState) -> BuildResult | None:
    """The site with the edited articles' own pages rendered anew, published;
    None when the edits may show anywhere else (the caller builds in full).
    The preview's `state` gets a basis for drafts if it has none (its first
    build, after a restart, may be this one): every article's links are the
    record's. The resources come from `kept` (the state, or the command
    line's for this build), where the full build finds them if this bails."""
    timer.lap("own-pages")  # the up-to-date check before: this path is taken when the timings name it
    path = record_path(config)
    record = load_kept(path, state)
    if record is None or set(record.files) != set(found.articles) or found.rest != record.rest:
        return None
    if options.search_index and config.search and not found.with_search:
        return None  # Pagefind is missing: the full build says so, and does not mark the site up to date
    now = found.article_digests
    edited = [name for name in found.articles if not record.files[name][0] or now.get(name) != record.files[name][0]]
    if not edited or len(edited) > MOST_EDITED or not all(now.get(name) for name in edited):
        return None  # none, too many, or one that is not a readable file (the full build says what is wrong)
    output = config.output_dir
    # the live manifest: the preview's in memory when it wrote that very file (at 10,000 articles
    # 28 MB of JSON, a third of a second to hash and parse at every save), else read
    remembered = state.manifests.remembered(output) if state is not None else None
    if remembered is not None:
        manifest, digest = remembered
    else:
        try:
            manifest_bytes = (output / write.MANIFEST).read_bytes()
        except OSError:
            return None
        digest = hashlib.sha256(manifest_bytes).hexdigest()
    if digest != record.manifest:
        return None  # the output is not the site the record was made for
    resources = kept.resources_for(config, found.resources, config.root / ".cache")
    if resources.fingerprint != found.resources:
        return None
    timer.lap("read")

    # did a page of the live site other than an article's own read an article's summary (render.Templates)?
    # The record says, for the very manifest whose digest was checked above: known before it is parsed
    summaries = record.summaries
    store = kept.article_cache(config.root / ".cache" / "articles", writable=True)
    store.leave_strays()  # (the full build's own cache, if this bails, cleans them)
    changed = _analysed(config, options, record, edited, resources, summaries, store)
    if changed is None or _printed_elsewhere(config):
        return None
    timer.lap("extract")
    rendered = _rendered(config, record, path.parent, [(new, key) for _, new, key in changed])
    if rendered is None:
        return None

    with_search = found.with_search
    # The command line's Pagefind over the edited pages' bundle starts now, beside the manifest's
    # parsing, the checks and the staging, which it used to wait for (search.EarlyBundle)
    early_search = _search_early(config, record, rendered, options.give_way) \
        if state is None and with_search else None
    try:
        if remembered is None:
            manifest = json.loads(manifest_bytes)
        if not isinstance(manifest, dict) or write.summaries_read(manifest) != summaries:
            return None
        pages = manifest.get("pages")
        live_files = manifest.get("files")
        if not isinstance(pages, dict) or not isinstance(live_files, list) \
                or not isinstance(manifest.get("summary"), dict) or not rendered.keys() <= pages.keys():
            return None
        exists = freshness.exists_in(output)
        kept_files = set(live_files) - set(pages)
        if not all(map(exists, kept_files)):
            return None  # a file was deleted from the output: the full build writes it again

        early = write.stage_early(output, manifest)
        try:
            indexed = set(search.indexed_pages(pages))
            site = NewSite({}, _OwnPages(pages, rendered, indexed), manifest["summary"],
                           manifest.get("ids") or {}, frozenset(), record.bundles, kept=kept_files,
                           prepare=partial(_every_page_live, exists, pages),  # beside Pagefind
                           summaries_read=lambda: summaries,  # an article's page reads no other article's summary
                           written_anew=frozenset(rendered), give_way=options.give_way, early_search=early_search)
            stats = publish(config, options, report, timer, site, manifest, found.key, with_search, early,
                            state.manifests if state is not None else None, digest)
        except _PageGone:
            return None  # a page was deleted from the output: the full build writes it again
        finally:
            if early is not None:
                early.cancel()  # a build that failed before publishing (once published: nothing to do)
    finally:
        if early_search is not None:
            early_search.stop()  # (done by now when the search took it; else stopped and its folder removed)
    timer.lap("write" if not with_search else "publish")
    if state is not None and state.published_keys is not None and state.published_keys.source is manifest.get("ids"):
        # the same ids, published again in the new manifest: their index serves the next build, which
        # reads that one back (region_events.PublishedKeys, by identity)
        state.published_keys = replace(state.published_keys, source=state.manifests.load(output).get("ids") or {})
    if not report.warnings:
        files = dict(record.files)
        for name, _, key in changed:
            files[name] = (now.get(name, ""), key)
        for name in edited:
            if not record.files[name][1]:
                files[name] = (now.get(name, ""), "")
        save(path, replace(record, files=files, manifest=stats.manifest), state)
    for name, _, key in changed:  # the edited articles' earlier analyses, which no build reads now, let go
        if record.files[name][1] != key:
            kept.analyses.pop(record.files[name][1], None)
    if state is not None and state.draft is None:
        state.draft = DraftBasis(config, resources, Urls(config), None, record.built, GENERATOR,
                                 read_links=partial(record.article_links, path.parent))
    config_notice = missing_base_url(config)
    report.warnings += [config_notice] if config_notice else []
    summary = manifest["summary"]
    return BuildResult(config, report, summary.get("articles", 0), [], summary.get("pages", 0),
                       summary.get("files", 0), timer.timings, stats, event_count=summary.get("events", 0))


def _analysed(config: SiteConfig, options: BuildOptions, record: Record, edited: list[str],
              resources: Resources, summaries: bool, store: Cache) -> list[tuple[str, Analysis, str]] | None:
    """(file, new analysis, its cache key) of each edited article still
    published; None when an edit may show beyond the article's own page (or
    the article joins or leaves the site, or reading it warns). `summaries`:
    a page other than an article's own read an article's summary. `store`:
    the per-article cache (BuildState.article_cache: what the full build
    reads too, if this bails)."""
    base = freshness.analysis_base(resources, config.extraction)
    changed = []
    for name in edited:
        reading = Report()
        try:
            article = read_article(Path(name), config.content_dir, reading, config.limits)
        except BuildError:
            return None
        old_key = record.files[name][1]
        if reading.warnings or (article.draft and not options.drafts) != (not old_key):
            return None
        if not old_key:
            continue  # a draft edited, still a draft
        key = freshness.article_key(article, base)
        new = store.get(key)
        if new is None:
            new = analyse(article, resources, config.extraction)
            store.put(key, new)
        old = store.get(old_key)
        words = record.name_words
        if old is None or new.article.date is None or \
                outside_view(old, words, summaries) != outside_view(new, words, summaries):
            return None
        changed.append((name, new, key))
    return changed


def _rendered(config: SiteConfig, record: Record, folder: Path, analyses: list[tuple[Analysis, str]]
              ) -> dict[str, tuple[bytes, str]] | None:
    """Each article's page (`analyses`: each with its cache key): path ->
    (bytes, fingerprint), as the full build renders and fingerprints it;
    None if one cannot be (the full build then reports why). The caller
    checks that each is a page of the live site."""
    urls = Urls(config)
    templates = Templates(config, urls, record.built, GENERATOR, config.root / ".cache" / "templates")
    hasher = page_hasher(templates, urls, GENERATOR)
    out: dict[str, tuple[bytes, str]] = {}
    for new, key in analyses:
        links = record.article_links(folder, new.article.slug)
        links = relinked(links, new) if links is not None else None
        if links is None:
            return None
        page = article_page(article_view(new, links, urls, key=key), urls)
        try:
            out[page.path] = (templates.render(page), hasher.page(page.template, page.url, page.title, page.context))
        except TemplateProblem:
            return None
    return out


def _search_early(config: SiteConfig, record: Record, rendered: dict[str, tuple[bytes, str]],
                  give_way: bool = False) -> search.EarlyBundle | None:
    """Pagefind started over the bundle of the first page rendered anew, its
    pages named by the record (the articles' list and every published
    article's page, as the last build published them); None when the site
    is not staged (built in place, the live index is replaced as it goes)
    or no page rendered is indexed. The search takes the run only if the
    new site's pages of that bundle are the ones it reads
    (search.EarlyBundle.serves). With `give_way` (the command line's), this
    thread gives way to it at once, as it would to the usual run; a run
    this thread starts afterwards (another edited article's bundle, or the
    full build's, if this rebuild gives up) takes the same lower priority,
    which costs nothing against the rest of this process."""
    output = config.output_dir.resolve()
    mine = sorted(p for p in rendered if search.is_indexed(p))
    if not mine or not write.can_stage(output):
        return None
    urls = Urls(config)
    bundle = min(search.bundle_of(p, record.bundles) for p in mine)
    indexed = sorted(p for p in {search.LISTING, *(urls.file_for(urls.article(slug)) for slug in record.links_at)}
                     if search.is_indexed(p) and search.bundle_of(p, record.bundles) == bundle)
    written = {p: rendered[p][0] for p in mine if search.bundle_of(p, record.bundles) == bundle}
    if not written.keys() <= set(indexed):
        return None  # (a page the record does not name: the usual run indexes it)
    return search.EarlyBundle.start(output, write.search_scratch(output), record.bundles, bundle, indexed, written,
                                    give_way)


def relinked(links: ArticleLinks, new: Analysis) -> ArticleLinks | None:
    """The recorded links of an article (its last full build's) on its
    sentences where the new analysis has them (ArticleLinks.moved_to); None
    if one of them is lost on the way (never, once outside_view found the
    two analyses alike)."""
    slug = new.article.slug
    moved = links.moved_to(new)
    if len(moved.cited[slug]) != len(links.cited.get(slug, {})) or \
            len(moved.timexes[slug]) != len(links.timexes.get(slug, {})):
        return None
    return moved


def _printed_elsewhere(config: SiteConfig) -> bool:
    """Does a template other than the article page's (each templates
    folder's own `article.html`) name a field that an edit of this kind
    changes, or take in the article page's template? (Static files aside:
    they print no views.)"""
    for folder, path, text in template_texts(template_dirs(config.templates_dir)):
        if path == folder / ARTICLE_TEMPLATE:
            continue
        # a template that includes, imports or extends the article page prints what it prints
        if text is None or ARTICLE_TEMPLATE in text or set(WORD.findall(text)) & OWN_FIELDS:
            return True
    return False


