"""What a build keeps between runs (generator.state) changes only how much is
read again, never the output: the preview's rebuilds, with their state kept
in memory through several edits, equal cold builds; a command-line build
reads only the files that changed; a file changed twice within one timestamp
is never taken as unchanged."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest

from generator import freshness, own_pages
from generator.analysis.cache import Cache
from generator.build import build
from generator.config import load_config
from generator.corpus import merge
from generator.corpus.clustering import recluster
from generator.file_digests import RACY_SECONDS, FileDigests
from generator.render import Cards, PageRenderer
from generator.resources import load_resources
from generator.serve import PREVIEW_OPTIONS, PreviewState, rebuild
from generator.state import ArticleIndex
from generator.write import BOOKKEEPING
from tests.support import analysed, build_site, make_corpus, redate


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in BOOKKEEPING}


def _settle() -> None:
    """Let the files just copied leave the racy window (their change times are now)."""
    time.sleep(RACY_SECONDS + 0.2)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    project = tmp_path_factory.mktemp("state") / "p"
    make_corpus(60, "plain", project, "State", search=False)
    return project


def test_preview_state_kept_in_memory_equals_a_cold_build_after_each_edit(corpus, tmp_path, monkeypatch):
    """Each edit, the two that move a year and the articles added and removed too (their merge scores
    again only the pairs the moved, added or removed mentions touch: clustering.recluster, counted
    here; the added or removed article's after the record is moved to the places now,
    corpus/record_shift.py)."""
    reclustered = []
    monkeypatch.setattr(merge, "recluster", lambda *a: reclustered.append(1) or recluster(*a))
    # and each rebuild's views take the last build's fingerprint tokens when they print alike
    # (render.ViewTokens): counted here, the pages still those of a cold build
    taken: list[int] = []
    take = PageRenderer._take_carried_tokens

    def counted(renderer):
        carried = renderer.carried is not None  # the preview's builds after its first (not the cold ones)
        take(renderer)
        if carried:
            taken.append(sum(renderer.hasher.known(v) is not None for v in renderer._shared_views()))

    monkeypatch.setattr(PageRenderer, "_take_carried_tokens", counted)
    # and the event cards of the pages rendered again are the last build's where the view's token is
    # (render.Cards): counted too
    cards_taken: list[int] = []
    card = Cards.card

    def counted_card(self, *args):
        before = self.taken
        got = card(self, *args)
        cards_taken.extend([1] * (self.taken - before))
        return got

    monkeypatch.setattr(Cards, "card", counted_card)
    # and which edits the own-pages rebuild served (own_pages.py): a sentence added above an article's
    # dated sentences, and taken away again, moves them, which only the article's page shows
    own: list[int] = []
    own_rebuild = own_pages.rebuild

    def counted_own(*args):
        got = own_rebuild(*args)
        own.append(got is not None)
        return got

    monkeypatch.setattr(own_pages, "rebuild", counted_own)
    project = tmp_path / "p"
    shutil.copytree(corpus, project)
    _settle()
    state = PreviewState(project / "site.toml", None, project / ".preview")
    assert rebuild(state)
    assert state.kept.files is not None
    first_reads = state.kept.files.read
    articles = sorted((project / "content" / "articles").glob("*.md"))
    edits = [
        lambda: articles[3].write_text(articles[3].read_text().replace("\n\n", "\n\nOfficials spoke again. ", 1)),
        lambda: articles[5].unlink(),
        lambda: (articles[0].parent / "new.md").write_text(
            "---\ntitle: A new report\ndate: 2009-02-02\n---\nThe minister visited the port on Monday.\n"),
        lambda: articles[3].write_text(articles[3].read_text().replace("Officials spoke again. ", "")),
        lambda: redate(articles[7], -1),
        lambda: redate(articles[7], 3),
        lambda: (project / "templates").mkdir() or (project / "templates" / "404.html").write_text(
            "{% extends 'base.html' %}{% block main %}gone{% endblock %}"),
    ]
    memo_taken = []  # what each plan took over from the last (site.memo): events, texts, article views
    for n, edit in enumerate(edits):
        cold = tmp_path / f"cold{n}"
        shutil.copytree(project / ".preview", cold)  # the same published history
        merged = state.kept.merged
        edit()
        assert rebuild(state), state.problems
        memo = state.kept.plan_memo
        if not own[-1]:  # (a plan made: the own-pages rebuild makes none)
            memo_taken.append((*memo.taken, len(memo.events), len(memo.articles)))
        if n == len(edits) - 1:  # a template edit: the same analyses, nothing merged again
            assert merged is not None and state.kept.merged is merged
        assert len(state.kept.analyses) == len(list(articles[0].parent.glob("*.md")))  # no stale analyses kept
        config = load_config(project / "site.toml", output_dir=cold, base_url="/")
        build(config, replace(PREVIEW_OPTIONS, use_cache=False))
        a, b = files(project / ".preview"), files(cold)
        assert sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)) == [], n
    assert state.kept.files.read - first_reads <= 3 * len(edits)  # the edited files, not the corpus again
    assert len(reclustered) == 4
    assert [n for n, served in enumerate(own[1:]) if served] == [0, 3]  # (own[0]: the first build's, no record)
    assert len(taken) == len(edits) - 2 and all(n > 100 for n in taken[:-1]), taken
    assert len(cards_taken) > 100
    # every plan took over most event views, articles' texts and article views, and not every event's
    # view (each edit moves some events), but the template edit, which changes no view: it takes them all
    for events_taken, texts_taken, views_taken, n_events, n_articles in memo_taken[:-1]:
        assert n_events // 2 < events_taken < n_events, memo_taken
        assert n_articles // 2 < views_taken <= texts_taken <= n_articles, memo_taken
    _, _, _, n_events, n_articles = memo_taken[-1]
    assert memo_taken[-1][:3] == (n_events, n_articles, n_articles), memo_taken


def test_a_command_line_rebuild_reads_and_parses_only_the_changed_files(corpus, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(corpus, project)
    (project / "content" / "articles" / "undated.md").write_text("---\ntitle: Undated\n---\nIt rained on Monday.\n")
    _settle()
    build_site(project / "site.toml", output=project / "out", search_index=False)
    shutil.copytree(project / "out", tmp_path / "cold")  # the same published history
    digests = FileDigests.load(project / ".cache" / "files.json")
    assert len(digests.table) > 61
    index = ArticleIndex.load(project / ".cache" / "article-index.json", _base(project))
    assert len(index.table) == 61  # every article, each with the key of its cached analysis
    article = sorted((project / "content" / "articles").glob("*.md"))[2]
    article.write_text(article.read_text().replace("\n\n", "\n\nOfficials spoke again. ", 1))
    again = build_site(project / "site.toml", output=project / "out", search_index=False, skip_unchanged=True)
    assert not again.up_to_date
    assert any("undated.md" in str(w.path) and "no publication date" in w.message for w in again.report.warnings)
    table = FileDigests.load(project / ".cache" / "files.json").table
    assert str(article) not in table  # just written: read again next time
    assert table.keys() == digests.table.keys() - {str(article)}
    assert ArticleIndex.load(project / ".cache" / "article-index.json", _base(project)).table.keys() == \
        index.table.keys() - {str(article)}
    cold = build_site(project / "site.toml", output=tmp_path / "cold", search_index=False, use_cache=False)
    assert [str(w) for w in cold.report.warnings] == [str(w) for w in again.report.warnings]
    a, b = files(project / "out"), files(tmp_path / "cold")
    assert sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)) == []


def _base(project: Path) -> str:
    """The analysis base a build of `project` reads articles with (pipeline.read_and_analyse)."""
    config = load_config(project / "site.toml")
    return freshness.analysis_base(load_resources(config), config.extraction)


def test_the_article_index_of_another_analysis_base_is_not_used(corpus, tmp_path, monkeypatch):
    """After a change to what the analysis depends on (here an extraction
    setting; an upgrade of the analysis code alike), each file's cached
    entry is of the analysis before: a build parses the files rather than
    decode those entries for their articles, and indexes them anew."""
    project = tmp_path / "p"
    shutil.copytree(corpus, project)
    _settle()
    build_site(project / "site.toml", output=project / "out", search_index=False)
    before, n = _base(project), len(list((project / "content" / "articles").glob("*.md")))
    assert len(ArticleIndex.load(project / ".cache" / "article-index.json", before).table) == n
    toml = project / "site.toml"
    toml.write_text(toml.read_text() + "\n[extraction]\nmax_title_length = 99\n")
    now = _base(project)
    assert now != before
    assert ArticleIndex.load(project / ".cache" / "article-index.json", now).table == {}
    decoded: list[str] = []  # the per-article cache's entries decoded (Cache.get: a spy, the real one runs)
    real_get = Cache.get

    def get(self, key):
        got = real_get(self, key)
        if got is not None:
            decoded.append(key)
        return got

    monkeypatch.setattr(Cache, "get", get)
    build_site(project / "site.toml", output=project / "out", search_index=False)
    assert decoded == []  # no entry of the analysis before was read for its article
    index = ArticleIndex.load(project / ".cache" / "article-index.json", now)
    assert len(index.table) == n and index.base == now


def _key(digests: FileDigests, path: Path) -> str:
    h = hashlib.sha256()
    digests.feed(h, [path])
    return h.hexdigest()


def test_a_file_changed_within_its_timestamp_is_read_again(tmp_path):
    path = tmp_path / "a.md"
    digests = FileDigests()
    path.write_text("one")
    first = _key(digests, path)
    assert str(path) not in digests.table  # just written: not trusted
    path.write_text("two")  # the same size, perhaps the same timestamp
    assert _key(digests, path) != first
    _settle()
    settled = _key(digests, path)
    assert str(path) in digests.table
    reads = digests.read
    assert _key(digests, path) == settled and digests.read == reads  # unchanged: not read again
    mtime = path.stat().st_mtime_ns
    path.write_text("six")
    os.utime(path, ns=(mtime, mtime))  # the same size and modification time; the change time moves
    assert _key(digests, path) != settled


def test_the_previews_article_keys_are_those_hashed_afresh():
    """The preview keeps each article's cache key by the very Article its
    reader gives again (pipeline.article_keys): an equal article read anew,
    a changed one and another base get the keys hashed afresh."""
    from generator import freshness, pipeline
    from generator.model import Article

    articles = [Article(f"a{i}", Path(f"a{i}.md"), f"Title {i}", None, "", "", (), False, f"Body {i}.")
                for i in range(5)]
    fresh = [freshness.article_key(a, "base") for a in articles]
    known: dict = {}
    assert pipeline.article_keys(articles, "base", known) == fresh
    assert pipeline.article_keys(articles, "base", known) == fresh and len(known) == len(articles)
    changed = [replace(articles[0], title=articles[0].title + "!"), *(replace(a) for a in articles[1:])]
    assert pipeline.article_keys(changed, "base", known) == [freshness.article_key(a, "base") for a in changed]
    assert pipeline.article_keys(changed, "other", known) == [freshness.article_key(a, "other") for a in changed]
    assert pipeline.article_keys(changed, "other", known)[0] != fresh[0]


def test_the_resources_are_compiled_once_a_build_and_again_when_an_entity_setting_changes(corpus, tmp_path,
                                                                                          monkeypatch):
    """The preview keeps its language resources while their fingerprint
    (the resource files' bytes, the editor's entity settings) is the same
    (state.BuildState.resources_for): a redating edit, which the own-pages
    check and then the full build both read them for, compiles nothing; an
    alias added in site.toml loads them again, and the site shows it as a
    cold build does. A command-line build whose own-pages check bails
    compiles them once, not once for the check and once for the build."""
    from generator import state as state_module

    loaded: list[str] = []
    load = state_module.load_resources
    monkeypatch.setattr(state_module, "load_resources",
                        lambda config, *a: loaded.append(config.entities.aliases.get("The Minister", "")) or load(
                            config, *a))
    project = tmp_path / "p"
    shutil.copytree(corpus, project)
    _settle()
    preview = PreviewState(project / "site.toml", None, project / ".preview")
    assert rebuild(preview)
    first = preview.kept.resources
    assert loaded == [""] and first is not None
    article = sorted((project / "content" / "articles").glob("*.md"))[4]
    redate(article, -1)
    assert rebuild(preview), preview.problems
    assert loaded == [""] and preview.kept.resources is first  # the check and the build: the same, not loaded
    toml = project / "site.toml"
    shutil.copytree(project / ".preview", tmp_path / "cold")  # the same published history
    toml.write_text(toml.read_text() + '\n[entities]\naliases = { "The Minister" = "Jane Doe" }\n')
    assert rebuild(preview), preview.problems
    assert loaded == ["", "Jane Doe"] and preview.kept.resources is not first
    assert preview.kept.resources.gazetteer.aliases["The Minister"] == "Jane Doe"
    build(load_config(toml, output_dir=tmp_path / "cold", base_url="/"), replace(PREVIEW_OPTIONS, use_cache=False))
    a, b = files(project / ".preview"), files(tmp_path / "cold")
    assert sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)) == []

    # the command line: the own-pages check finds the redating shows elsewhere, the build takes its resources
    loaded.clear()
    build_site(toml, output=project / "out", search_index=False)
    redate(article, -1)
    assert not build_site(toml, output=project / "out", search_index=False, skip_unchanged=True).up_to_date
    assert loaded == ["Jane Doe", "Jane Doe"]  # one for each build


def test_the_previews_common_words_are_the_union_of_the_analyses_words(corpus):
    """state.CommonWords, updated by the analyses that came or went, is the
    union of every analysis's lower-case words, as merging gathers them
    afresh: after analyses leave, come back, and one is replaced by another
    object of the same article with other words."""
    from generator.state import CommonWords

    _, _, analyses, _ = analysed(corpus)

    def union(some) -> frozenset[str]:
        return frozenset().union(*(a.common_words for a in some))

    common = CommonWords()
    assert common.of(analyses) == union(analyses) and len(common.of(analyses)) > 500
    fewer = analyses[:20] + analyses[25:]
    assert common.of(fewer) == union(fewer) != union(analyses)
    assert common.of(analyses) == union(analyses)
    # the article that alone writes the most words: they go when it is replaced
    k = max(range(len(analyses)), key=lambda i: len(analyses[i].common_words - union(analyses[:i] + analyses[i + 1:])))
    only = analyses[k].common_words - union(analyses[:k] + analyses[k + 1:])
    assert only
    edited = [*analyses[:k], replace(analyses[k], lower_words="a zzyzx-only"), *analyses[k + 1:]]
    got = common.of(edited)
    assert got == union(edited) and "zzyzx-only" in got and not only & got
    # replaced again by an analysis of the same words (an edit that changes none): the very set
    same = [*analyses[:k], replace(analyses[k], lower_words="a zzyzx-only"), *analyses[k + 1:]]
    assert common.of(same) is got
    back = common.of(analyses)
    assert back == union(analyses) and back is not got
    assert common.of([]) == frozenset() and not common.count


def test_a_states_let_go_leaves_it_as_a_new_one(corpus, tmp_path):
    """What a command-line build does with its own state once merged (pipeline.py): the analyses,
    the articles read and the merge record go, so that they do not live through planning and
    rendering (the caller still refers to the state)."""
    from dataclasses import fields

    from generator.state import BuildState
    project = tmp_path / "p"
    shutil.copytree(corpus, project)
    state = BuildState()
    build(load_config(project / "site.toml", output_dir=project / "out", base_url="/"), PREVIEW_OPTIONS, state)
    assert state.analyses and state.merge_record is not None and state.resources is not None
    state.let_go()
    fresh = BuildState()
    for f in fields(BuildState):
        now, new = getattr(state, f.name), getattr(fresh, f.name)
        assert type(now) is type(new), f.name
        if new is None or isinstance(new, (dict, list, int)):
            assert now == new, f.name
        else:  # a memo of its own: a new one
            assert now is not new and vars(now) == vars(new), f.name
    assert not state.analyses and state.merge_record is None and state.resources is None


def test_the_preview_s_first_build_takes_the_record_on_disk_made_whole(corpus, tmp_path, monkeypatch):
    """A preview started after an article came while it was down (a command-line build wrote the last
    merge's record to disk): its first build makes that record whole (corpus/disk_record.py) and
    merges with it, keeping what the clustering scored in memory for the next save; that save (the
    article removed again) merges with the record kept. Each site equals a cold build's over the
    same published history."""
    from generator.corpus import disk_record

    made: list[int] = []
    making = disk_record.made_whole
    monkeypatch.setattr(disk_record, "made_whole", lambda *a: made.append(1) or making(*a))
    project = tmp_path / "p"
    shutil.copytree(corpus, project)
    build_site(project / "site.toml", output=project / "out", search_index=False)  # the record on disk
    articles = sorted((project / "content" / "articles").glob("*.md"))
    head, sep, _ = articles[20].read_text().partition("\n---\n")
    title = next(ln for ln in head.splitlines() if ln.startswith("title:"))
    added = articles[20].with_name(articles[20].stem + "-follow-up.md")
    # (one dated sentence: the corpus's mention count stays on its step of the rarity's grid, which
    # an article of ten would cross here, and then everything is merged anew)
    added.write_text(head.replace(title, 'title: "A follow-up of the story"') + sep
                     + "\nThe council met again on 3 May 2011 to review the plan, officials said.\n")
    _settle()
    preview = PreviewState(project / "site.toml", None, project / ".preview")
    (project / ".preview").mkdir()
    for step in ("started", "removed"):
        if step == "removed":
            added.unlink()
            _settle()
        cold = tmp_path / f"cold-{step}"
        shutil.copytree(project / ".preview", cold)  # the same published history
        made.clear()
        assert rebuild(preview), preview.problems
        assert bool(made) == (step == "started"), step  # (then the record kept in memory serves)
        kept = preview.kept.merge_record
        assert kept is not None and kept.scored is not None and kept.events is not None, step
        build(load_config(project / "site.toml", output_dir=cold, base_url="/"), replace(PREVIEW_OPTIONS,
                                                                                         use_cache=False))
        a, b = files(project / ".preview"), files(cold)
        assert sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)) == [], step
