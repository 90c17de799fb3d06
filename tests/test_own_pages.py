"""A command-line rebuild after edits that show only on the edited articles'
own pages renders those pages alone (generator/own_pages.py), and the site
equals a cold build's, byte for byte; an edit that may show anywhere else
(the front matter, the summary, a dated sentence, a template, a new
article) takes the full build, which equals a cold build too. The cold
build publishes over a copy of the first site, so both start from the same
published id history (corpus/history.py)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.build import lead_word
from generator import search, write
from generator.analysis.cache import UNUSED_AGE
from generator.config import load_config
from generator.own_pages import record_path
from generator.site.notices import PLACEHOLDER_BODY
from generator.write import BOOKKEEPING, MANIFEST, StagedDelta, load_manifest, staging_dir
from tests.support import build_site, make_corpus, seed_project

N = 120
CORRECTION = "\nCorrection: an earlier version of this article misspelled a name.\n"


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in BOOKKEEPING}


def cli_build(project: Path, output: str = "site", **options):
    """A build as the command line runs it (skip_unchanged: the up-to-date check and this rebuild)."""
    return build_site(project / "site.toml", output=project / output, search_index=options.pop("search", False),
                      skip_unchanged=True, **options)


def assert_equals_cold(project: Path, search_index: bool = False) -> None:
    build_site(project / "site.toml", output=project / "cold", search_index=search_index, use_cache=False,
               allow_shrink=True)
    a, b = files(project / "site"), files(project / "cold")
    assert a.keys() == b.keys()
    assert sorted(k for k in a if a[k] != b[k]) == []


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """The corpus, built once as the command line builds it (which leaves the record)."""
    project = tmp_path_factory.mktemp("own-pages") / "p"
    make_corpus(N, "plain", project, "Own pages", search=False, base_url="https://example.org/")
    cli_build(project)
    assert _record(project).is_file()
    return project


def _record(project: Path, output: str = "site") -> Path:
    return record_path(load_config(project / "site.toml", output_dir=project / output))


@pytest.fixture
def project(first, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(first, project, symlinks=True)
    cli_build(project)  # the record names the project's files where they are: made again here
    shutil.copytree(project / "site", project / "cold")  # the same published history, no cache
    return project


def _articles(project: Path) -> list[Path]:
    return sorted((project / "content" / "articles").glob("*.md"))


def _quoted(project: Path) -> dict[str, set[str]]:
    """article slug -> the sentences its events quote."""
    out: dict[str, set[str]] = {}
    for e in json.loads((project / "site" / "events.json").read_text())["events"]:
        for s in e["sources"]:
            out.setdefault(s["article"], set()).update(q["sentence"] for q in s["quotes"])
    return out


def _reword_above_a_dated_sentence(project: Path) -> Path:
    """In an article's second or later paragraph, a sentence no event quotes
    gets two more words, above a sentence an event quotes (which moves)."""
    quoted = _quoted(project)
    for path in _articles(project):
        text = path.read_text()
        head, _, body = text.partition("\n---\n")
        paragraphs = body.strip().split("\n\n")
        for n, paragraph in enumerate(paragraphs[1:-1], 1):
            later = "\n\n".join(paragraphs[n + 1:])
            if not any(s in later for s in quoted.get(path.stem, ())):
                continue
            for sentence in _sentences(paragraph):
                if " the " in sentence and not any(sentence in q or q in sentence for q in quoted.get(path.stem, ())) \
                        and not re.search(r"\d", sentence):
                    path.write_text(text.replace(sentence, sentence.replace(" the ", " the very ", 1), 1))
                    return path
    pytest.fail("no undated sentence above a dated one")


def _sentences(paragraph: str) -> list[str]:
    return re.split(r"(?<=\.) ", paragraph)


def _plain_sentences(paragraph: str) -> list[str]:
    """The paragraph's sentences as the quotes write them (no emphasis marks)."""
    return _sentences(re.sub(r"[*_]", "", paragraph))


def _add_above_the_dated_sentences(project: Path) -> Path:
    """An undated sentence added at the start of an article's second
    paragraph, with quoted sentences below it (the benchmark's edit,
    benchmarks/build.py): every one of them moves down a sentence, and none
    is the article's first or next to another quoted one."""
    quoted = _quoted(project)
    for path in _articles(project):
        text = path.read_text()
        head, sep, body = text.partition("\n---\n")
        paragraphs = body.strip().split("\n\n")
        sentences = [s for p in paragraphs for s in _plain_sentences(p)]
        dated = [i for i, s in enumerate(sentences) if any(q in s for q in quoted.get(path.stem, ()))]
        first_below = max(2, len(_plain_sentences(paragraphs[0])))  # (the first two are the lead: Mention.lead)
        if len(paragraphs) > 2 and dated and min(dated) >= first_below and \
                not any(b - a == 1 for a, b in zip(dated, dated[1:], strict=False)):
            second = "\n\n" + paragraphs[1]
            path.write_text(head + sep + body.replace(second, "\n\nAdded in an edit. " + paragraphs[1], 1))
            return path
    pytest.fail("no article with dated sentences below its first paragraph, none next to another")


def _add_where_the_merge_reads_it(project: Path, where: str) -> Path:
    """An undated sentence added where the merge reads the sentences' numbers
    (own_pages._places): above a quoted first sentence ("first": it is no
    longer the article's first) or between two quoted sentences that follow
    each other ("between": they no longer do)."""
    quoted = _quoted(project)
    for path in _articles(project):
        text = path.read_text()
        qs = quoted.get(path.stem, ())
        for n, paragraph in enumerate(text.partition("\n---\n")[2].strip().split("\n\n")):
            plain = _plain_sentences(paragraph)
            raw = _sentences(paragraph)
            if len(plain) != len(raw):
                continue
            for i, sentence in enumerate(plain):
                if not any(q in sentence for q in qs):
                    continue
                if where == "first" and n == 0 and i == 0:
                    path.write_text(text.replace(raw[0], "Added in an edit. " + raw[0], 1))
                    return path
                if where == "between" and i + 1 < len(plain) and any(q in plain[i + 1] for q in qs):
                    path.write_text(text.replace(raw[i] + " " + raw[i + 1], raw[i] + " Added in an edit. " + raw[i + 1],
                                                 1))
                    return path
    pytest.fail(f"no quoted sentence to add a sentence {where}")


def _reword_the_summary(project: Path) -> Path:
    """A word added to an undated sentence no event quotes, near the start of
    an article's first paragraph: the article's summary changes (site.articles.lead_text),
    and no sentence moves (the benchmark's edit, benchmarks/build.py)."""
    path, text = lead_word(_articles(project), project / "site" / "events.json")
    path.write_text(text)
    return path


@pytest.mark.parametrize("edit", ["correction", "reworded above a dated sentence", "draft edited",
                                  "a word of the summary", "a summary in the front matter",
                                  "a sentence added above the dated sentences"])
def test_an_edit_that_shows_only_on_its_own_page_renders_that_page_alone(project, edit):
    if edit == "a sentence added above the dated sentences":  # they move: the events link to them by anchor
        _add_above_the_dated_sentences(project)
    elif edit == "correction":
        article = _articles(project)[7]
        article.write_text(article.read_text() + CORRECTION)
    elif edit == "reworded above a dated sentence":
        _reword_above_a_dated_sentence(project)
    elif edit == "a word of the summary":  # no page but the article's own prints its summary (render.Templates)
        _reword_the_summary(project)
    elif edit == "a summary in the front matter":
        article = _articles(project)[7]
        article.write_text(article.read_text().replace("\n---\n", '\nsummary: "A summary of its own."\n---\n', 1))
    else:
        draft = project / "content" / "articles" / "zz-draft.md"
        draft.write_text("---\ntitle: A draft\ndate: 2020-01-01\ndraft: true\n---\nOn Monday it rained.\n")
        cli_build(project)  # a new file: the full build
        draft.write_text(draft.read_text() + "\nOn Tuesday it snowed.\n")
    result = cli_build(project)
    assert "own-pages" in result.timings and "merge" not in result.timings
    assert result.stats is not None and result.stats.written == (0 if edit == "draft edited" else 1)
    assert result.event_count == json.loads((project / "site" / MANIFEST).read_text())["summary"]["events"]
    assert_equals_cold(project)


def _retitled(text: str, note: str) -> str:
    return re.sub(r'^title: "(.*)"$', rf'title: "\1 ({note})"', text, count=1, flags=re.M)


def _redate(project: Path) -> None:
    for e in json.loads((project / "site" / "events.json").read_text())["events"]:
        for s in e["sources"]:
            path = project / "content" / "articles" / f"{s['article']}.md"
            text = path.read_text()
            for q in s["quotes"]:
                m = re.fullmatch(r"(\w+ \d{1,2}), (\d{4})", q["expression"])
                if m and text.count(q["sentence"]) == 1:
                    moved = q["sentence"].replace(q["expression"], f"{m.group(1)}, {int(m.group(2)) + 1}")
                    path.write_text(text.replace(q["sentence"], moved))
                    return
    pytest.fail("no full date written out")


@pytest.mark.parametrize("edit", ["title", "a sentence added above a dated first sentence",
                                  "a sentence added between two dated sentences", "dated sentence", "template",
                                  "new article", "a template prints the text elsewhere",
                                  "a partial named article.html", "a word of the summary, which a list prints"])
def test_an_edit_that_may_show_elsewhere_builds_in_full(project, edit):
    article = _articles(project)[7]
    text = article.read_text()
    if edit == "title":
        article.write_text(_retitled(text, "updated"))
    elif edit == "a sentence added above a dated first sentence":  # its summary weighs a first sentence more
        _add_where_the_merge_reads_it(project, "first")
    elif edit == "a sentence added between two dated sentences":  # the clustering reads "the next sentence"
        _add_where_the_merge_reads_it(project, "between")
    elif edit == "dated sentence":
        _redate(project)
    elif edit == "template":
        article.write_text(text + CORRECTION)
        (project / "templates").mkdir(exist_ok=True)
        (project / "templates" / "404.html").write_text("{% extends 'base.html' %}{% block main %}Gone{% endblock %}")
    elif edit == "new article":
        article.write_text(text + CORRECTION)
        (project / "content" / "articles" / "zz-new.md").write_text(
            "---\ntitle: New council budget\ndate: 2020-03-02\n---\nThe council met on Monday.\n")
    elif edit == "a partial named article.html":  # the list of articles prints their text through it
        (project / "templates" / "partials").mkdir(parents=True)
        (project / "templates" / "partials" / "article.html").write_text(
            "{% for seg in a.segments %}{{ seg.html }}{% endfor %}")
        (project / "templates" / "articles.html").write_text(
            "{% extends 'base.html' %}{% block main %}{% for a in listing.articles %}"
            "{% include 'partials/article.html' %}{% endfor %}{% endblock %}")
        cli_build(project)
        article.write_text(text + CORRECTION)
    elif edit == "a word of the summary, which a list prints":
        (project / "templates").mkdir(exist_ok=True)
        (project / "templates" / "articles.html").write_text(
            "{% extends 'base.html' %}{% block main %}{% for a in listing.articles %}"
            "<p>{{ a.title }}: {{ a.summary }}</p>{% endfor %}{% endblock %}")
        cli_build(project)  # the template alone: the full build, and a record made with it
        _reword_the_summary(project)
    else:  # a tag page that prints its articles' text: an edit of the text shows there too
        (project / "templates").mkdir(exist_ok=True)
        (project / "templates" / "tag.html").write_text(
            "{% extends 'base.html' %}{% block main %}{% for a in tag.articles %}"
            "{% for s in a.segments %}{{ s.html }}{% endfor %}{% endfor %}{% endblock %}")
        cli_build(project)  # the template alone: the full build, and a record made with it
        article.write_text(text + CORRECTION)
    result = cli_build(project, allow_shrink=True)
    assert "own-pages" not in result.timings and "merge" in result.timings
    assert next(iter(result.timings)) == "resources"  # the attempt's laps are not the full build's
    assert_equals_cold(project)


def _summaries_read(project: Path) -> bool:
    return json.loads((project / "site" / MANIFEST).read_text())["summaries_read"]


def test_what_pages_read_outlives_full_builds_that_keep_pages(project):
    """A full build renders only the pages whose inputs changed: that no
    other page reads an article's summary is then the live manifest's word
    for the pages it kept, so a summary edit after it still takes the
    rebuild of the article's own page; a build with warnings (an article
    that still holds `generator new`'s placeholder) too, though it leaves
    no record."""
    _redate(project)
    result = cli_build(project)
    assert "merge" in result.timings and result.stats is not None and result.stats.unchanged > result.stats.written
    assert _summaries_read(project) is False
    new = project / "content" / "articles" / "zz-new.md"
    new.write_text(f"---\ntitle: A new story\ndate: 2020-03-02\n---\n{PLACEHOLDER_BODY}")
    assert any("placeholder" in w.message for w in cli_build(project).report.warnings)
    assert _summaries_read(project) is False
    new.write_text("---\ntitle: A new story\ndate: 2020-03-02\n---\nThe council met on Monday.\n")
    cli_build(project)
    _reword_the_summary(project)
    assert "own-pages" in cli_build(project).timings
    assert_equals_cold(project)


TWICE = "The council met in Norbury on 3 March 2009 to discuss the budget."
BUDGET = (f"---\ntitle: Budget talks\ndate: 2009-03-05\n---\nThe council has been under pressure for months. "
          f"Its critics say the budget is too small.\n\nOfficials gave no details. {TWICE} Reporters waited "
          f"outside.\n\nThe talks went on late. {TWICE}\n")


def test_sentences_added_above_in_a_row_move_the_links_by_anchor(project):
    """An article that writes the same dated sentence twice (its anchors
    "s-…" and "s-…-2"), then a sentence added above the first of them and
    another above the second, each served by the record, whose links still
    hold the sentence numbers of the last full build: each site equals a
    cold build's."""
    article = project / "content" / "articles" / "zz-budget.md"
    article.write_text(BUDGET)
    assert "merge" in cli_build(project).timings
    page = project / "site" / "articles" / "zz-budget" / "index.html"
    anchors = re.findall(r'<span class="anchor" id="([^"]+)"', page.read_text())
    assert len(anchors) == 2 and anchors[1] == anchors[0] + "-2"
    for above in ("Officials gave no details.", "The talks went on late."):
        article.write_text(article.read_text().replace(above, "Added in an edit. " + above))
        result = cli_build(project)
        assert "own-pages" in result.timings and result.stats is not None and result.stats.written == 1
        assert re.findall(r'<span class="anchor" id="([^"]+)"', page.read_text()) == anchors
        assert_equals_cold(project)


def test_edits_in_a_row_then_a_full_build_equal_a_cold_build(project):
    """Two edits by the record, then one it cannot serve: the fingerprints the
    record left as they were (the lists that show the article) are made again,
    and the manifest is a cold build's. Then one by the record again."""
    article = _articles(project)[3]
    article.write_text(article.read_text() + CORRECTION)
    assert "own-pages" in cli_build(project).timings
    article.write_text(article.read_text() + "A second correction was added.\n")
    assert "own-pages" in cli_build(project).timings
    assert_equals_cold(project)
    article.write_text(_retitled(article.read_text(), "corrected"))
    assert "merge" in cli_build(project).timings
    assert_equals_cold(project)
    assert json.loads((project / "site" / MANIFEST).read_text()) == \
        json.loads((project / "cold" / MANIFEST).read_text())
    # and an edit by the record right after a build that changed the exports (the staging
    # folder then holds the site before: what is kept is the live site's, not that)
    article.write_text(article.read_text() + "A third correction was added.\n")
    assert "own-pages" in cli_build(project).timings
    assert_equals_cold(project)


@pytest.mark.parametrize("damage", ["garbled record", "links file gone", "output edited", "page deleted",
                                    "article page deleted", "export deleted", "page deleted, no staging folder"])
def test_a_record_that_does_not_speak_for_the_site_is_not_used(project, damage):
    record = _record(project)
    if damage == "garbled record":
        record.write_text('{"format": 1, "rest": 3}')
    elif damage == "links file gone":
        links = list(record.parent.glob(f"{record.stem}-links-*.jsonl"))
        assert links
        for f in links:
            f.unlink()
    elif damage == "output edited":  # another build published into the output meanwhile
        manifest = project / "site" / MANIFEST
        manifest.write_text(manifest.read_text().replace('"format":', '"format" :', 1))
    elif damage == "page deleted":  # (checked while Pagefind would run: own_pages._every_page_live)
        (project / "site" / "tags" / "index.html").unlink()
    elif damage == "article page deleted":  # another article's: the staging folder holds it still
        next(p for p in sorted((project / "site" / "articles").glob("*/index.html"))
             if p.parent.name != _articles(project)[5].stem).unlink()
    elif damage == "page deleted, no staging folder":  # made anew without it: found as it is linked in
        shutil.rmtree(staging_dir(project / "site"))
        (project / "site" / "tags" / "index.html").unlink()
    else:
        (project / "site" / "events.json").unlink()
    article = _articles(project)[5]
    article.write_text(article.read_text() + CORRECTION)
    result = cli_build(project)
    assert "own-pages" not in result.timings
    assert_equals_cold(project)


@pytest.mark.skipif(not search.available(), reason="Pagefind is not installed")
def test_the_edited_page_is_indexed_again_as_a_cold_build_indexes_it(tmp_path):
    project = seed_project(tmp_path / "p")
    cli_build(project, search=True)
    shutil.copytree(project / "site", project / "cold")
    article = sorted((project / "content" / "articles").glob("*.md"))[2]
    article.write_text(article.read_text() + "\nCorrection: the council's spokesperson was misnamed.\n")
    result = cli_build(project, search=True)
    assert "own-pages" in result.timings and "search" in result.timings
    assert_equals_cold(project, search_index=True)
    assert any(k.startswith("pagefind/") for k in files(project / "site"))


@pytest.mark.skipif(not search.available(), reason="Pagefind is not installed")
def test_the_command_line_rebuild_gives_way_to_pagefind_and_equals_a_cold_build(tmp_path):
    """`python -m generator build` after an edit: the own-pages rebuild,
    whose thread gives way to Pagefind once it runs (BuildOptions.give_way,
    search.Indexing), publishes what a cold build does, index included."""
    project = seed_project(tmp_path / "p")
    cli_build(project, search=True)
    shutil.copytree(project / "site", project / "cold")
    article = sorted((project / "content" / "articles").glob("*.md"))[1]
    article.write_text(article.read_text() + "\nCorrection: the minister's title was given wrongly.\n")
    run = subprocess.run([sys.executable, "-m", "generator", "build", "--config", str(project / "site.toml"),
                          "--output", str(project / "site"), "--timings"], capture_output=True, text=True,
                         timeout=300, cwd=Path(__file__).resolve().parents[1])
    assert run.returncode == 0, run.stderr
    assert "own-pages" in run.stdout + run.stderr and "search " in run.stdout + run.stderr
    assert_equals_cold(project, search_index=True)


def test_each_output_folder_keeps_its_own_record(project):
    """A build into another folder (a deploy's `--output public`, say) leaves
    the record of the first output alone: the next edit is still served."""
    cli_build(project, output="public")
    assert _record(project, "public").is_file() and _record(project).is_file()
    article = _articles(project)[9]
    article.write_text(article.read_text() + CORRECTION)
    assert "own-pages" in cli_build(project).timings
    assert "own-pages" in cli_build(project, output="public").timings
    assert_equals_cold(project)


def test_the_records_of_folders_not_built_into_for_long_go(project):
    """The record of an output folder no build has written into for the
    per-article cache's UNUSED_AGE goes at the next full build, its links
    file with it, as does a links file whose record is gone; the record of
    the folder being built stays, however old it was."""
    cli_build(project, output="public")
    public, site = _record(project, "public"), _record(project)
    folder = public.parent

    def links(record: Path) -> list[Path]:
        return sorted(folder.glob(f"{record.stem}-links-*.jsonl"))

    assert links(public) and links(site)
    stray = folder / "0123456789abcdef-links-0123456789abcdef.jsonl"  # (its record removed long ago)
    stray.write_text("")
    long_ago = time.time() - UNUSED_AGE - 86_400
    for f in (public, *links(public), site, *links(site), stray):
        os.utime(f, (long_ago, long_ago))
    assert "own-pages" not in cli_build(project, use_cache=False).timings  # a full build into `site`
    assert not public.exists() and not links(public) and not stray.exists()
    assert site.is_file() and links(site)
    article = _articles(project)[9]
    article.write_text(article.read_text() + CORRECTION)
    assert "own-pages" in cli_build(project).timings
    assert_equals_cold(project)


def test_the_preview_rebuilds_an_edited_articles_page_alone(project):
    """The preview's builds (a BuildState kept between them) take the same
    path: after a correction its site equals a cold build's with the
    preview's options, and after a retitle (the full build, with the state
    the correction left) too."""
    from generator.build import build
    from generator.draft import draft_pages
    from generator.serve import PREVIEW_OPTIONS
    from generator.state import BuildState

    config = load_config(project / "site.toml", output_dir=project / "preview", base_url="/")
    state = BuildState()
    assert "merge" in build(config, PREVIEW_OPTIONS, state).timings
    shutil.copytree(project / "preview", project / "preview-cold")

    def equals_cold() -> None:
        build_site(project / "site.toml", output=project / "preview-cold", base_url="/", drafts=True,
                   search_index=False, use_cache=False, allow_shrink=True)
        a, b = files(project / "preview"), files(project / "preview-cold")
        assert a.keys() == b.keys() and sorted(k for k in a if a[k] != b[k]) == []

    article = _articles(project)[4]
    article.write_text(article.read_text() + CORRECTION)
    assert state.draft is not None
    drafts = draft_pages(state.draft, [article])  # as the preview drafts the save
    again = build(config, PREVIEW_OPTIONS, state)
    assert "own-pages" in again.timings and again.stats is not None and again.stats.written == 1
    equals_cold()
    # The draft the page showed at once is the rebuilt page, byte for byte (the preview then does not
    # reload it: serve.drafts_were_the_rebuild).
    (rel, draft), = drafts.items()
    assert rel == f"articles/{article.stem}/index.html" and (project / "preview" / rel).read_bytes() == draft
    # The preview started again on a site with an edit its record can serve: its first build is
    # this rebuild, which leaves a basis for drafts (the record's links), so the next save is drafted.
    restarted = BuildState()
    article.write_text(article.read_text() + CORRECTION.replace("Correction", "Second correction"))
    assert "own-pages" in build(config, PREVIEW_OPTIONS, restarted).timings and restarted.draft is not None
    article.write_text(article.read_text() + CORRECTION.replace("Correction", "Third correction"))
    drafts = draft_pages(restarted.draft, [article])
    assert "own-pages" in build(config, PREVIEW_OPTIONS, restarted).timings
    assert (project / "preview" / rel).read_bytes() == drafts[rel]
    equals_cold()
    article.write_text(_retitled(article.read_text(), "corrected"))
    assert "merge" in build(config, PREVIEW_OPTIONS, state).timings
    equals_cold()


def test_a_draft_after_a_sentence_added_above_places_the_links_by_anchor(project):
    """The preview: a sentence added above an article's dated sentences is
    served by the record, whose links keep the last full build's sentence
    numbers; the draft of the next save places them by anchor, so it is the
    page the rebuild then makes, byte for byte."""
    from generator.build import build
    from generator.draft import draft_pages
    from generator.serve import PREVIEW_OPTIONS
    from generator.state import BuildState

    config = load_config(project / "site.toml", output_dir=project / "preview", base_url="/")
    state = BuildState()
    assert "merge" in build(config, PREVIEW_OPTIONS, state).timings
    article = _add_above_the_dated_sentences(project)
    assert "own-pages" in build(config, PREVIEW_OPTIONS, state).timings and state.draft is not None
    article.write_text(article.read_text() + CORRECTION)
    drafts = draft_pages(state.draft, [article])
    assert "own-pages" in build(config, PREVIEW_OPTIONS, state).timings
    (rel, draft), = drafts.items()
    assert b'class="anchor"' in draft and (project / "preview" / rel).read_bytes() == draft


def test_a_file_saved_while_a_build_runs_is_recorded_as_the_build_read_it(project, monkeypatch):
    """An article saved again while a full build runs (after it was read):
    the record keeps the digest the build was given, so the next build sees
    that article changed, and the site equals a cold build's."""
    from generator import own_pages

    during, other, later = _articles(project)[2], _articles(project)[6], _articles(project)[8]
    save = own_pages.Basis.save

    def saved_meanwhile(self, *args):
        during.write_text(during.read_text() + "\nA second correction, saved while the build ran.\n")
        save(self, *args)

    monkeypatch.setattr(own_pages.Basis, "save", saved_meanwhile)
    other.write_text(_retitled(other.read_text(), "updated"))
    assert "merge" in cli_build(project).timings  # the full build, during which `during` is saved
    monkeypatch.setattr(own_pages.Basis, "save", save)
    later.write_text(later.read_text() + CORRECTION)
    result = cli_build(project)
    assert "own-pages" in result.timings and result.stats is not None and result.stats.written == 2
    assert_equals_cold(project)


def test_an_article_replaced_by_a_fifo_is_refused_not_waited_on(project):
    """The record names the file, but what stands there now is no regular
    file: the full build refuses it (as it refuses any), nothing blocks."""
    import os
    import subprocess
    import sys

    article = _articles(project)[10]
    article.unlink()
    os.mkfifo(article)
    run = subprocess.run([sys.executable, "-m", "generator", "build", "--config", str(project / "site.toml"),
                          "--output", str(project / "site")], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[1])
    assert run.returncode != 0 and "not a regular file" in run.stderr


@pytest.mark.parametrize("prints", ["{{ a.summary }}", "{{ a['summary'] }}", "{{ a|attr('summary') }}",
                                    "{{ [a]|map(attribute='summary')|join }}",
                                    "{{ [a]|sort(attribute='summary')|length }}",
                                    "{{ a }}", "{{ a|string }}", "{{ a|pprint }}", "{{ [a]|join(',') }}",
                                    "{{ '%s'|format(a) }}", "{{ a ~ '' }}", "{{ '{0.summary}'.format(a) }}",
                                    "{{ a.__getattribute__('summary') }}"])
def test_every_way_a_template_reads_a_summary_is_noted(tmp_path, prints):
    """However a list's template reads an article's summary (render.Templates:
    getattr and getitem, the view printed whole, a format string or a
    dunder), the manifest says so; with the bundled templates it says no
    page does (the seeds)."""
    project = seed_project(tmp_path)
    build_site(project / "site.toml", output=project / "site", search_index=False)
    assert _summaries_read(project) is False
    (project / "templates").mkdir(exist_ok=True)
    (project / "templates" / "articles.html").write_text(
        "{% extends 'base.html' %}{% block main %}{% for a in listing.articles %}"
        f"<p>{prints}</p>{{% endfor %}}{{% endblock %}}")
    build_site(project / "site.toml", output=project / "site", search_index=False)
    assert _summaries_read(project) is True


def test_the_preview_reads_the_record_again_only_once_its_file_changed(project, monkeypatch):
    """own_pages.load_kept: a preview build takes the record it read last
    while the file is that one (a dated save, which the record cannot take,
    came before the rebuild that writes a new one), and reads a new record
    once one is saved; a command-line build reads the file."""
    from dataclasses import replace

    from generator import file_digests, own_pages
    from generator.state import BuildState

    monkeypatch.setattr(file_digests, "RACY_SECONDS", 0.0)  # the file just written counts as settled
    path = _record(project)
    state = BuildState()
    got = own_pages.load_kept(path, state)
    assert got is not None and got == own_pages.load(path)
    assert own_pages.load_kept(path, state) is got
    newer = replace(got, built="2001-02-03T04:05:06Z")
    own_pages.save(path, newer)
    again = own_pages.load_kept(path, state)
    assert again == newer and again is not got
    assert own_pages.load_kept(path, state) is again
    assert own_pages.load_kept(path, None) is not again
    path.write_bytes(b"{}")  # not a record: none, and nothing kept
    assert own_pages.load_kept(path, state) is None and state.own_record is None


def test_the_staged_manifest_is_read_from_the_differences_beside_it(project, monkeypatch):
    """After a swap, the staging folder holds the site before, and
    write.StagedDelta keeps beside its manifest how that differs from the
    live one's: the own-pages rebuild reads those few differences instead
    of the staged manifest (28 MB of JSON at 10,000 articles). Through
    own-pages rebuilds and a full build in a row, they give that manifest's
    files and pages exactly; a staged manifest written again (another file)
    is not theirs, nor one beside another live manifest."""
    site, articles = project / "site", _articles(project)
    staging = staging_dir(site)
    edits = [("own-pages", lambda t: t + CORRECTION), ("merge", lambda t: _retitled(t, "revised")),
             ("own-pages", lambda t: t + "A second correction was added.\n")]
    parse = write.load_manifest

    def unread_staging(folder: Path) -> dict:
        assert folder != staging, "the staged manifest was parsed"
        return parse(folder)

    for n, (path, edit) in enumerate(edits):
        articles[n].write_text(edit(articles[n].read_text()))
        if n == 2:  # after a full build's swap: the own-pages rebuild reads the differences alone
            monkeypatch.setattr(write, "load_manifest", unread_staging)
        assert path in cli_build(project).timings
        monkeypatch.undo()
        live_bytes = (site / MANIFEST).read_bytes()
        live = json.loads(live_bytes)
        shadow = StagedDelta.shadow(site, live, hashlib.sha256(live_bytes).hexdigest())
        staged = load_manifest(staging)
        assert shadow is not None and staged["pages"] != live["pages"]
        assert shadow["format"] == staged["format"] and shadow["pages"] == staged["pages"]
        assert sorted(shadow["files"]) == staged["files"]
    assert_equals_cold(project)
    assert StagedDelta.shadow(site, live, hashlib.sha256(b"another live manifest").hexdigest()) is None
    (staging / MANIFEST).write_bytes((staging / MANIFEST).read_bytes())
    assert StagedDelta.shadow(site, live, hashlib.sha256(live_bytes).hexdigest()) is None
