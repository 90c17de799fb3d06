"""The preview's draft of a saved article's page (generator.draft): made from
the new text and the last build's links, equal to the rebuilt page when the
edit changes no event, never written to the output folder, served by a
running preview while the rebuild runs and replaced by the rebuilt page."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path

from generator.serve import PreviewState, rebuild, saved_articles, scan
from tests.support import running_preview, seed_project, wait_for

MARKER = "The editors checked this paragraph twice."


def _first_article(project: Path) -> Path:
    return sorted((project / "content" / "articles").glob("*.md"))[0]


def _add_undated_sentence(article: Path) -> None:
    text = article.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n---\n")
    article.write_text(head + sep + MARKER + "\n\n" + body, encoding="utf-8")


def test_draft_of_an_edit_that_changes_no_event_equals_the_rebuilt_page(tmp_path):
    project = seed_project(tmp_path)
    state = PreviewState(project / "site.toml", None, project / ".preview")
    assert rebuild(state)
    basis = state.kept.draft
    assert basis is not None
    article = _first_article(project)
    before = scan(state.watched_roots())
    _add_undated_sentence(article)
    after = scan(state.watched_roots())
    saved = saved_articles(state, {str(article)}, before, after)
    assert saved == [article]

    from generator.draft import draft_pages

    drafts = draft_pages(basis, saved)
    (rel, page), = drafts.items()
    assert rel.startswith("articles/") and rel.endswith("/index.html")
    assert MARKER.encode() in page
    assert MARKER.encode() not in (project / ".preview" / rel).read_bytes()  # a draft is never written
    assert rebuild(state)
    assert (project / ".preview" / rel).read_bytes() == page  # no event changed: the draft is the page


def test_only_a_change_that_saves_existing_articles_is_drafted(tmp_path):
    project = seed_project(tmp_path)
    state = PreviewState(project / "site.toml", None, project / ".preview")
    assert rebuild(state)
    article = _first_article(project)
    before = scan(state.watched_roots())
    new = article.with_name("brand-new.md")
    new.write_text("---\ntitle: New\ndate: 2019-01-01\n---\nThe council met on Monday.\n", encoding="utf-8")
    (project / "site.toml").write_text((project / "site.toml").read_text() + "\n", encoding="utf-8")
    after = scan(state.watched_roots())
    assert saved_articles(state, {str(new)}, before, after) == []  # a new file: the rebuild alone
    assert saved_articles(state, {str(project / "site.toml")}, before, after) == []
    assert saved_articles(state, {str(article), str(project / "site.toml")}, before, after) == []
    state.problems = ["the last rebuild failed"]  # type: ignore[list-item]
    assert saved_articles(state, {str(article)}, before, after) == []  # after a failure: rebuild first


def test_running_preview_shows_the_draft_then_the_rebuilt_page(tmp_path):
    project = seed_project(tmp_path)
    with running_preview(project) as (url, _proc):
        article = _first_article(project)
        page_url = url + f"articles/{article.stem}/"
        _add_undated_sentence(article)
        start = time.perf_counter()
        wait_for(lambda: MARKER in urllib.request.urlopen(page_url, timeout=5).read().decode(), timeout=60)
        shown = time.perf_counter() - start  # the draft (or, on a slow machine, the rebuilt page)
        wait_for(lambda: "rebuilt" in (project / "serve.log").read_text().split("drafted", 1)[-1], timeout=120)
        log = (project / "serve.log").read_text()
        assert "drafted 1 article page(s)" in log, log
        assert shown < 60
        served = urllib.request.urlopen(page_url, timeout=5).read()
        on_disk = (project / ".preview" / "articles" / article.stem / "index.html").read_bytes()
        assert MARKER.encode() in on_disk  # the rebuild wrote the page; the server now serves the file
        assert served.startswith(on_disk.split(b"</body>")[0])  # the file, with the reload script added


def test_warming_the_drafts_compiles_every_rule_pattern_a_draft_may_use(tmp_path):
    """The temporal rules compile their patterns when first used
    (rules._Patterns); the preview warms its drafts after each build
    (DraftBasis.warm), so the next save's draft, of whichever article, finds
    every pattern the extractor may use compiled."""
    import dataclasses

    from generator.freshness import code_fingerprint
    from generator.temporal import rules
    from generator.temporal.pattern_memo import PatternMemo

    project = seed_project(tmp_path)
    state = PreviewState(project / "site.toml", None, project / ".preview")
    assert rebuild(state)
    basis = state.kept.draft
    assert basis is not None
    files = rules.resource_files("en")
    fresh = rules._compile_resources("en", files, rules.files_digest(files),
                                     PatternMemo(None, code_fingerprint(("temporal",))).compile)
    items = [*fresh.rules, *fresh.vetoes]
    assert not any("fast" in vars(item) for item in items)  # (none compiled yet)
    basis = dataclasses.replace(basis, resources=dataclasses.replace(basis.resources, temporal=fresh))
    basis.warm([_first_article(project)])
    assert all("fast" in vars(item) for item in items)
    assert all("regex" in vars(item) for item in items if item.needs_verify)
