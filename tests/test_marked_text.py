"""An article's marked text (its HTML cut around dated expressions and cited
sentences) is made when the article's page renders, not when the site is
planned (site.articles.MarkedText): a page is fingerprinted by what the text
is made from (the analysis's cache key, the cited sentences, each dated
expression's event), so a rebuild makes the text only of the article pages
it renders. The pages are the same bytes as with the text made at once."""

from __future__ import annotations

import gc

import pytest

from generator import pipeline, render
from generator.build import GENERATOR
from generator.render import PageRenderer
from generator.site import plan
from generator.site.articles import ArticleLinks, MarkedText, Segment, article_view
from generator.site.urls import Urls
from tests.support import analysed, build_site, seed_project


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    config, resources, analyses, keys = analysed(seed_project(tmp_path_factory.mktemp("marked")))
    events, index = pipeline.merged_events(analyses, resources, config)
    return config, analyses, keys, events, index


def _pages(site) -> dict[str, bytes]:
    renderer = PageRenderer(site, GENERATOR)
    return {p.path: renderer.render_one(p) for p in site.pages}


def _fingerprints(site) -> dict[str, str]:
    hasher = PageRenderer(site, GENERATOR).hasher
    return {p.path: hasher.page(p.template, p.url, p.title, p.context) for p in site.pages}


def test_the_text_made_as_the_page_renders_is_the_text_made_at_once(inputs):
    config, analyses, keys, events, index = inputs
    late = plan(config, analyses, events, index, keys=keys)
    at_once = plan(config, analyses, events, index)
    assert {type(a.segments) for a in late.articles} == {MarkedText}
    assert {type(a.segments) for a in at_once.articles} == {list}
    for a, b in zip(late.articles, at_once.articles, strict=True):
        assert a.segments.made() == b.segments == list(a.segments) and any(s.kind == "timex" for s in b.segments)
        assert a.segments != b.segments  # never equal to a list: their fingerprints differ
    assert _pages(late) == _pages(at_once)


def test_a_page_is_fingerprinted_by_what_its_text_is_made_from(inputs, monkeypatch):
    config, analyses, keys, events, index = inputs
    site = plan(config, analyses, events, index, keys=keys)
    made: list[str] = []
    real = MarkedText.made
    monkeypatch.setattr(MarkedText, "made", lambda self: made.append(self.token) or real(self))
    first = _fingerprints(site)
    assert made == []  # fingerprinting every page made no article's text
    assert first == _fingerprints(plan(config, analyses, events, index, keys=keys))

    # another analysis key (the article's file changed): its page looks changed, and the pages that
    # list its view (the list of articles, its tags'); no other
    changed = [k if i else k + "-edited" for i, k in enumerate(keys)]
    site = plan(config, analyses, events, index, keys=changed)
    edited = _fingerprints(site)
    view = next(a for a in site.articles if a.slug == analyses[0].article.slug)
    differ = {p for p in first if first[p] != edited[p]}
    assert f"articles/{view.slug}/index.html" in differ
    holding = {p.path for p in site.pages if _holds(p.context, view)}
    assert differ == holding and len(holding) < len(site.pages) // 4
    assert made == []


def _holds(value, view) -> bool:
    """Does a page's context hold this article view (in a dict, list or view, at any depth)?"""
    if value is view:
        return True
    if isinstance(value, dict):
        return any(_holds(v, view) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds(v, view) for v in value)
    if hasattr(type(value), "__dataclass_fields__") and type(value).__name__ != "ArticleView":
        return any(_holds(getattr(value, f), view) for f in type(value).__dataclass_fields__)
    return False


def test_the_name_covers_the_key_the_cited_sentences_and_the_links(inputs):
    config, analyses, keys, events, index = inputs
    site = plan(config, analyses, events, index, keys=keys)
    links: ArticleLinks = site.links
    a, key = next((a, k) for a, k in zip(analyses, keys, strict=True) if links.cited.get(a.article.slug))
    slug = a.article.slug
    cited, timexes = links.cited[slug], links.timexes[slug]
    text = MarkedText(a, cited, timexes, key)
    assert text == MarkedText(a, dict(cited), dict(timexes), key)  # the same inputs: the same name, equal
    first = min(cited)
    others = [MarkedText(a, cited, timexes, key + "x"),
              MarkedText(a, {i: anchor for i, anchor in cited.items() if i != first}, timexes, key),
              MarkedText(a, {**cited, first: cited[first] + "-2"}, timexes, key),  # another anchor, the same place
              MarkedText(a, cited, {k: v + "#moved" for k, v in timexes.items()}, key)]
    assert len({text.token, *(o.token for o in others)}) == 5
    assert all(o != text for o in others)
    # the view made with a key holds the text unmade, the view made without one the list
    urls = Urls(config)
    assert type(article_view(a, links, urls, key=key).segments) is MarkedText
    assert type(article_view(a, links, urls).segments) is list


def test_a_command_line_build_holds_no_marked_text_as_it_renders(tmp_path, monkeypatch):
    project = seed_project(tmp_path)
    before = {id(o) for o in gc.get_objects() if type(o) is Segment}
    seen: dict[str, object] = {}
    run = render.PageRenderer.run

    def observed(self, sink, on_first=None):
        seen["kinds"] = {type(a.segments) for a in self.site.articles}
        seen["segments"] = sum(1 for o in gc.get_objects() if type(o) is Segment and id(o) not in before)
        return run(self, sink, on_first)

    monkeypatch.setattr(render.PageRenderer, "run", observed)
    result = build_site(project / "site.toml", jobs=1)
    assert result.pages > 20
    assert seen == {"kinds": {MarkedText}, "segments": 0}
    page = next((project / "output" / "articles").glob("*/index.html")).read_text()
    assert 'class="timex' in page and 'class="anchor"' in page


def test_a_view_told_alike_has_the_token_hashing_gives(inputs):
    """The preview takes the last build's token of a view that prints alike (ContextHasher.prints_alike):
    two views whose texts have the same name are alike, a view whose text is a list is not."""
    config, analyses, keys, events, index = inputs
    one, two = (plan(config, analyses, events, index, keys=keys) for _ in range(2))
    listed = plan(config, analyses, events, index)
    hasher = PageRenderer(one, GENERATOR).hasher
    for a, b, c in zip(one.articles, two.articles, listed.articles, strict=True):
        assert a.segments is not b.segments and hasher.prints_alike(a, b)
        assert hasher.token(a) == hasher.token(b)
        assert not hasher.prints_alike(a, c) and hasher.token(a) != hasher.token(c)
