"""What a build keeps between runs, so a rebuild after one edit does not
read, parse or load again what did not change.

* `BuildState.files` (file_digests.FileDigests): each input file's SHA-256
  under its stat signature, so the build key reads no unchanged file.
* `BuildState.articles`: each article file parsed (Article and the warnings
  reading it gave), under the same stat signature. In memory only (the
  preview server keeps one BuildState between saves).
* `BuildState.analyses`: per-article analyses by article key, in front of
  the on-disk cache (analysis/cache.py): the preview does not decode a
  thousand JSON files after each save.
* `BuildState.common`: the corpus's lower-case words (CommonWords), updated
  for the analyses that changed, not gathered again from every article.
* `BuildState.resources`: the language resources of the last build, taken
  again while the fingerprint of their files' bytes and the editor's entity
  settings is the same (resources_for): the preview does not compile the
  temporal rules' patterns twice a save (the own-pages check, then the
  build).

Everything here is a cache of a pure function of the file bytes: a build
with a BuildState gives the same bytes as a cold one (tests/test_state.py).
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from itertools import chain, compress, repeat
from operator import attrgetter, is_, is_not, not_
from pathlib import Path
from typing import TYPE_CHECKING

from . import forked
from .analysis.cache import Cache
from .analysis.names import Gazetteer
from .cache_file import save_json
from .config import LimitSettings, SiteConfig
from .content import read_article
from .corpus.entities import EntityIndex, NameCounts
from .errors import Problem, Report, Superseded
from .file_digests import FileDigests, Signature, settled, signature
from .manifest_memo import Manifests
from .model import Analysis, Article, EntityRef
from .resources import Resources, load_resources
from .site.export_entries import EntryMemo
from .site.memo import PlanMemo

if TYPE_CHECKING:
    from .article_scan import ArticleScan, Changes
    from .corpus.merge_record import MergeRecord
    from .corpus.region_events import PublishedKeys
    from .draft import DraftBasis
    from .own_pages import Record
    from .render import ViewTokens

_SLUG = attrgetter("article.slug")


class MemoryCache(Cache):
    """The on-disk per-article cache with the analyses of the last build in
    front of it (the analyses are immutable values of their keys)."""

    def __init__(self, folder: Path | None, writable: bool, memory: dict[str, Analysis], readable: bool = True,
                 state: BuildState | None = None):
        """`state`: the BuildState it serves (BuildState.article_cache), whose
        first cache that writes cleans the strays, and which keeps the
        analyses a build lets go (forget_unused)."""
        super().__init__(folder, writable, readable)
        self.state = state
        self.memory = memory if readable else {}
        self.used: set[str] = set()

        self.key_of: dict[str, str] = {}  # article slug -> the key its analysis was found or stored under

    def get(self, k: str) -> Analysis | None:
        self.used.add(k)
        got = self.memory.get(k)
        if got is not None:
            self.hits += 1
        else:
            got = super().get(k)
            if got is not None:
                if self.shape is not None:
                    got = self.shape(got)
                self.memory[k] = got
        if got is not None:
            self.key_of[got.article.slug] = k
        return got

    def get_many(self, keys: list[str]) -> list[Analysis | None]:
        """get() of each key, in order: those in memory (in the preview, all
        but the edited articles') taken in C, where 10,000 calls to get()
        took 30 ms of every preview save."""
        self.used.update(keys)
        got: list[Analysis | None] = list(map(self.memory.get, keys))
        found = list(map(is_not, got, repeat(None)))
        self.hits += sum(found)
        self.key_of.update(zip(map(_SLUG, compress(got, found)), compress(keys, found), strict=True))
        for n in compress(range(len(keys)), map(not_, found)):
            got[n] = self.get(keys[n])  # not in memory: from disk, as get() takes it
        return got

    def put(self, k: str, value: Analysis) -> None:
        super().put(k, value)
        self.remember(k, self.kept(k, value))

    def remember(self, k: str, value: Analysis, whole: bool = False) -> None:
        super().remember(k, value, whole)
        self.used.add(k)
        self.memory[k] = value
        self.key_of[value.article.slug] = k

    def clean_strays(self) -> None:
        if self.state is not None and self.state.strays_cleaned:
            self._cleaned = True
            return
        if self.state is not None:
            self.state.strays_cleaned = True
        super().clean_strays()

    def forget_unused(self) -> None:
        """Keep only this build's analyses: a long preview session does not grow.
        The ones let go (an edited article's earlier analysis) stay in the
        state's `forgotten` for this build's merge (BuildState.earlier)."""
        forgotten = {k: self.memory.pop(k) for k in [k for k in self.memory if k not in self.used]}
        if self.state is not None:
            self.state.forgotten = forgotten


@dataclass
class BuildState:
    """Kept between the builds of one process (the preview server)."""

    files: FileDigests | None = None
    articles: dict[str, tuple[Signature, str, Article, list[Problem]]] = field(default_factory=dict)
    analyses: dict[str, Analysis] = field(default_factory=dict)
    # id(article) -> (the article, the key's base, its cache key): the last build's (pipeline.article_keys)
    article_keys: dict[int, tuple[Article, str, str]] = field(default_factory=dict)
    merged: tuple | None = None  # (the analyses, what else merging read, its result)
    # what this build replaced (the merge's last result, the last merge record), let go once the
    # early pages are shown: freeing the last record (its scored pairs) took 25 to 35 ms at 10,000 articles
    retired: list = field(default_factory=list)
    merge_record: MergeRecord | None = None  # what the last merge found (corpus/merge_record.py)
    draft: DraftBasis | None = None  # what the preview needs to draft a saved article's page (draft.py)
    view_tokens: ViewTokens | None = None  # the last build's views' fingerprint tokens (render.ViewTokens)
    plan_memo: PlanMemo = field(default_factory=PlanMemo)  # the last plan's views, to take over (site.memo)
    manifests: Manifests = field(default_factory=Manifests)  # the manifests it wrote (manifest_memo.py)
    entry_memo: EntryMemo = field(default_factory=EntryMemo)  # events.json's entries (site.export_entries)
    writing: list = field(default_factory=list)  # forked children writing the last build's records (pipeline.py)
    resources: Resources | None = None  # the last build's language resources (resources_for)
    # the preview's: the article files saved since its last build, whose pages the next build renders
    # once the events are merged and hands to `show_early` (early_pages.py), from the build's thread
    early_files: list[Path] = field(default_factory=list)
    show_early: Callable[[dict[str, bytes]], None] | None = None
    # the sentence keys of the ids the last build published (region_events.PublishedKeys): a redating's
    # merge names the saved articles' events from its region with them, before it names them all
    published_keys: PublishedKeys | None = None
    # the early pages handed over from a merge's region (early_pages.region_pages), and how many of
    # those the full merge then rendered otherwise (shown again at once; tests/test_early_pages.py)
    early_from_region: int = 0
    early_region_differed: int = 0
    early_region_error: str | None = None  # an error found making one (the page then comes after the merge)
    common: CommonWords = field(default_factory=lambda: CommonWords())  # the corpus's lower-case words
    # the last folding of names' spellings, group by group (entities.EntityIndex.build's memo)
    spellings: dict = field(default_factory=dict)
    names: NameRefs = field(default_factory=lambda: NameRefs())  # every name of the dated sentences (NameRefs)
    forgotten: dict[str, Analysis] = field(default_factory=dict)  # the analyses the last build let go (earlier)
    strays_cleaned: bool = False  # a per-article cache of these builds cleaned its strays (article_cache)
    # the preview's: the last build's scan of the content folder, and the changes its watcher saw since
    # that build began (None: not known), which the next build takes and clears (article_scan.py)
    scan: ArticleScan | None = None
    changes: Changes | None = None
    # the preview's: set from its server's loop when a change comes while this build runs (serve.py);
    # the build then stops at its next checkpoint (go_on), and the next build, which reads it, begins
    superseded: bool = False
    # the own-pages record the last build read, and the stat signature of its file then (own_pages.load_kept)
    own_record: tuple[Signature, Record] | None = None

    def let_go(self) -> None:
        """Hold nothing any more, as a new state: a command-line build's
        state serves that build alone, and its caller still refers to it
        while the build runs, so once merged the build empties it. Its
        analyses (mentions and all), articles and merge record would
        otherwise live through planning and rendering, shared by the forked
        render workers (10,000 articles: the build process 1.1 -> 1.65 GB
        while rendering, before this)."""
        for f in fields(self):
            setattr(self, f.name, f.default if f.default_factory is MISSING else f.default_factory())

    def go_on(self) -> None:
        """A checkpoint of a preview build, between its early pages and the
        output's staging folder: raise Superseded if a newer change came
        meanwhile. What the build has kept so far (the analyses, the merge
        and its record, the plan's memo) is of the inputs it read, which is
        what the next build starts from, as after a failure; nothing of the
        output has changed."""
        if self.superseded:
            raise Superseded()

    def earlier(self, folder: Path) -> Callable[[str], Analysis | None]:
        """An analysis by its cache key, for the merge (merge_record.py asks
        for the changed articles' earlier analyses): the one this build
        let go (`forgotten`: the preview had it in memory), else the
        on-disk cache's, each decoded once."""
        disk = functools.cache(Cache(folder, writable=False).get)
        return lambda k: self.forgotten.get(k) or disk(k)

    def article_cache(self, folder: Path, writable: bool, readable: bool = True) -> MemoryCache:
        """The per-article cache with this state's analyses in front of it,
        for the own-pages check and the full build alike: an analysis the
        check made is the build's without a second decoding (12 ms at every
        dated save in the preview). Only the first cache of this state
        (the preview's session, or one command-line build) that cleans
        cleans the folder's strays (Cache.clean_strays, a scan of every
        entry: 30 ms at 1,000 articles, at each preview save before): a
        killed build's temporary file waits for the next command-line
        build or preview session."""
        return MemoryCache(folder, writable, self.analyses, readable=readable, state=self)

    def resources_for(self, config: SiteConfig, fingerprint: str, cache: Path | None, readable: bool = True
                      ) -> Resources:
        """The site's language resources (resources.load_resources): the last
        ones when `fingerprint` (inputs.resources_fingerprint: every resource
        file's bytes, the editor's gazetteer file and entity settings, the
        language) is theirs, else loaded. Without `readable` (--no-cache)
        they are loaded, and kept. Loading compiles the temporal rules'
        patterns, 0.05 to 0.2 s, which the preview spent twice a save."""
        got = self.resources
        if got is None or not readable or got.fingerprint != fingerprint or got.language != config.language:
            got = self.resources = load_resources(config, cache, readable)
        return got

    def records_written(self) -> None:
        """Wait for the children writing the last build's records for the
        next: it reads them (own_pages.py). Long done by the next save."""
        forked.wait_for(self.writing)

    def merge(self, analyses: list[Analysis], settings: str, compute):
        """`compute()` (the corpus stage before the overrides), or its last
        result when it would read exactly the same: the very same analysis
        objects (kept in memory, so no other object can take their ids) and
        the same resources and settings. A template, override or site.toml
        edit in the preview then merges nothing again."""
        same = (self.merged is not None and self.merged[1] == settings and len(self.merged[0]) == len(analyses)
                and all(map(is_, self.merged[0], analyses)))  # (in C)
        if not same:
            # the last result is let go after the early pages (`retired`): freeing it took some 20 ms
            # at 1,000 articles, before the saved article's page
            self.retired.append(self.merged)
            self.merged = (list(analyses), settings, compute())
        assert self.merged is not None
        return self.merged[2]

    def reader(self, parse_code: str = "", store: MemoryCache | None = None, index: ArticleIndex | None = None):
        """content.read_article, answered from memory for a file whose stat
        signature (and the settings and code it was read with) did not change;
        else, with an `index` (the command line's), from the article the cached
        analysis of that file holds (`store`), which is the article its bytes
        parse to (its key hashes the article)."""
        seen: dict[str, tuple[Signature, str, str, list[Problem]]] = {}  # settled files: signature, how, slug, warnings
        visited: set[str] = set()
        now = time.time_ns()

        stats = self.files.stats if self.files is not None else {}
        hows: dict[tuple[int, int], tuple[Path, LimitSettings | None, str]] = {}  # how the articles are read

        def read(path: str | Path, content_root: Path, report: Report, limits: LimitSettings | None = None) -> Article:
            name = str(path)
            visited.add(name)
            try:
                # the stat the build's key was made with (its digest is the key's), else one now
                st = stats.pop(name, None) or os.stat(path)
            except OSError:
                return read_article(Path(path), content_root, report, limits)  # it says what is wrong
            # (the same folder and limits for every article of a build: their repr made once)
            known_how = hows.get((id(content_root), id(limits)))
            if known_how is None:
                known_how = hows[(id(content_root), id(limits))] = (
                    content_root, limits, f"{content_root}|{limits!r}|{parse_code}")
            sig, how = signature(st), known_how[2]
            known = self.articles.get(name)
            if known is not None and known[0] == sig and known[1] == how:
                article, warnings = known[2], known[3]
            else:
                got = index.article(name, sig, how, store) if index is not None and store is not None else None
                if got is not None:
                    article, warnings = got
                else:
                    own = Report()
                    article = read_article(Path(path), content_root, own, limits)
                    warnings = own.warnings
                if settled(st, now):
                    self.articles[name] = (sig, how, article, warnings)
                else:
                    self.articles.pop(name, None)
            report.warnings += warnings
            if name in self.articles:
                seen[name] = (sig, how, article.slug, warnings)
            return article

        def forget_unseen() -> None:
            for k in [k for k in self.articles if k not in visited]:
                del self.articles[k]

        read.forget_unseen = forget_unseen  # type: ignore[attr-defined]
        read.seen = seen  # type: ignore[attr-defined]
        return read


FEW_CAME = 64  # analyses come in one build, up to which CommonWords looks for words they bring


class CommonWords:
    """The words the corpus writes in lower case (the union of the analyses'
    `common_words`, which the names' folding reads), kept between the
    preview's builds: each analysis's words counted once, by the analysis's
    identity (an unchanged article's analysis is the very object the last
    build had: MemoryCache), so a build counts again only the analyses that
    came or went, where gathering them all took 0.3 s at 10,000 articles.
    The same set as the union, whatever the order: the folding tests
    membership, and the record's digest sorts it."""

    def __init__(self) -> None:
        self.counted: dict[int, tuple[Analysis, frozenset[str]]] = {}  # id -> the analysis (kept alive), its words
        self.count: Counter[str] = Counter()  # word -> how many counted analyses write it
        self.words: frozenset[str] = frozenset()

    def of(self, analyses: list[Analysis]) -> frozenset[str]:
        """The union of the analyses' words: the last build's very set when
        no word came or went, which an edit of an article's own words (its
        old analysis gone, its new one come, each holding the article's rare
        words) mostly is; the set made again took 5 to 10 ms of a save."""
        now = {id(a): a for a in analyses}
        fresh = [(k, a) for k, a in now.items() if k not in self.counted]
        gone: set[str] = set()  # words no counted analysis writes any more
        # words no counted analysis wrote before one came; not looked for among many (a first build)
        came: set[str] | None = set() if len(fresh) <= FEW_CAME else None
        count = self.count
        for k in [k for k in self.counted if k not in now]:
            for w in self.counted.pop(k)[1]:
                left = count[w] - 1
                if left:
                    count[w] = left
                else:
                    del count[w]
                    gone.add(w)
        for k, a in fresh:
            words = a.common_words
            self.counted[k] = (a, words)
            if came is not None:
                came.update([w for w in words if w not in count])
            count.update(words)
        if came is None or gone != came:
            self.words = frozenset(count)
        return self.words


class NameRefs:
    """Every name of every dated sentence (each mention's every_name, in
    the corpus's order), which the names' folding counts, kept between the
    preview's builds by the analysis's identity, as CommonWords keeps the
    words: a build reads again only the analyses that came, where reading
    every mention's names took 0.1 s at 10,000 articles. The same list as
    reading them all."""

    def __init__(self) -> None:
        self.known: dict[int, tuple[Analysis, tuple[EntityRef, ...]]] = {}  # id -> the analysis (kept alive), its names
        # what the names' folding read of them (moved by the names of the analyses that come and go), and the
        # gazetteer it read them with
        self.counted: tuple[NameCounts, Gazetteer] | None = None
        self.recounts = 0  # how many folds counted every name again, in order (tests/test_name_counts.py)

    def of(self, analyses: list[Analysis]) -> list[EntityRef]:
        return list(chain.from_iterable(self._read(analyses)[0]))

    def _read(self, analyses: list[Analysis]
              ) -> tuple[list[tuple[EntityRef, ...]], list[tuple[EntityRef, ...]], list[tuple[EntityRef, ...]]]:
        """Each analysis's names, in order; those of the analyses that went
        since the last call, and those of the ones that came."""
        known, mine, every, came = self.known, {}, [], []
        for a in analyses:
            got = known.get(id(a))
            if got is None or got[0] is not a:
                got = (a, tuple(r for m in a.mentions for r in m.every_name))
                came.append(got[1])
            mine[id(a)] = got
            every.append(got[1])
        gone = [names for k, (a, names) in known.items() if mine.get(k, (None,))[0] is not a]
        self.known = mine
        return every, gone, came

    def index(self, analyses: list[Analysis], gaz: Gazetteer, common: frozenset[str],
              memo: dict | None = None) -> EntityIndex:
        """EntityIndex.build of every name of `analyses`: the same folding,
        from the last call's counts moved by the names of the analyses that
        came and went (NameCounts.moved), unless the order the names first
        come in would decide it (counted again in order)."""
        every, gone, came = self._read(analyses)
        index = None
        if self.counted is not None and self.counted[1] is gaz:
            counts = self.counted[0].moved(chain.from_iterable(gone), chain.from_iterable(came), gaz)
            index = EntityIndex.counted(counts, gaz, common, memo)
        if index is None:
            counts = NameCounts.of(chain.from_iterable(every), gaz)
            self.recounts += 1
            index = EntityIndex.counted(counts, gaz, common, memo)
            assert index is not None  # (counted in order)
        self.counted = (counts, gaz)
        return index


class ArticleIndex:
    """The command line's memory of the article files (`.cache/article-index.json`):
    path -> stat signature, how it was read, the key of its analysis in the
    per-article cache, and the warnings reading it gave. An unchanged file is
    then not parsed again: its article comes with its cached analysis.

    Only while that analysis is the one the build uses: the index is of one
    analysis base (freshness.analysis_base: the analysis code, its libraries,
    the resources, the settings). Under another, each file's cached entry is
    of the analysis before, and decoding 10,000 of them for their articles
    alone took longer than parsing the files (10,000 articles, an upgrade of
    the analysis code: read 5.3 s against 2.3) and left the build process
    some 170 MB bigger through every later stage (the decoded analyses let
    go at once, their space left between the new ones)."""

    FORMAT = 2  # 2: the analysis base

    def __init__(self, table: dict[str, list] | None = None, base: str = ""):
        self.table = table or {}
        self.base = base

    @classmethod
    def load(cls, path: Path, base: str) -> ArticleIndex:
        """The index at `path` if it is of the analysis `base`; else an empty one of it."""
        try:
            data = json.loads(path.read_text(encoding="utf-8", errors="surrogateescape"))
            if data.get("format") != cls.FORMAT or data.get("base") != base or not isinstance(data.get("files"), dict):
                return cls(base=base)
            return cls(data["files"], base)
        except (OSError, ValueError, AttributeError):
            return cls(base=base)

    def article(self, name: str, sig: Signature, how: str, store: MemoryCache) -> tuple[Article, list[Problem]] | None:
        entry = self.table.get(name)
        try:
            if entry is None or tuple(entry[0]) != sig or entry[1] != how:
                return None
            got = store.get(entry[2])
            if got is None:
                return None
            warnings = [Problem(m, Path(p) if is_path else p, line, hint, severity)
                        for m, p, is_path, line, hint, severity in entry[3]]
        except (TypeError, ValueError, IndexError):  # garbled: parse the file
            return None
        return got.article, warnings

    def save(self, path: Path, seen: dict[str, tuple[Signature, str, str, list[Problem]]],
             key_of: dict[str, str]) -> None:
        """Record the settled files read this build whose analysis is in the cache."""
        table = {name: [list(sig), how, key_of[slug],
                        [[w.message, str(w.path) if w.path is not None else None, isinstance(w.path, Path), w.line,
                          w.hint, w.severity] for w in warnings]]
                 for name, (sig, how, slug, warnings) in sorted(seen.items()) if slug in key_of}
        if table == self.table:
            return
        save_json(path, {"format": self.FORMAT, "base": self.base, "files": table}, separators=(",", ":"))
