"""A page's fingerprint (generator.digest) counts the fields of its context
that a template can print, and only those: a value no template shows (an
event's salience, which moves a little with any edit anywhere in the
corpus) does not make the pages listing the event render again, and a
site's own template that prints it makes it count."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, is_dataclass, replace
from pathlib import Path

import pytest

from generator import pipeline
from generator.build import GENERATOR
from generator.digest import ContextHasher, Derived
from generator.render import MemorySink, PageRenderer
from generator.site import plan, planned
from generator.site.pages import FILTERS_READ, PAGE_FILTERS_READ, _cards, _page_filters, filters
from tests.support import analysed, make_corpus, seed_project


def _inputs(project: Path):
    config, resources, analyses, _ = analysed(project)
    events, index = pipeline.merged_events(analyses, resources, config)
    return config, analyses, events, index


def _site(project: Path):
    return plan(*_inputs(project))


def _fingerprints(site) -> dict[str, str]:
    hasher = PageRenderer(site, GENERATOR).hasher  # a fresh one: its memo is by object identity
    return {p.path: hasher.page(p.template, p.url, p.title, p.context) for p in site.pages}


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    return seed_project(tmp_path_factory.mktemp("fingerprints"))


def test_an_unprinted_field_leaves_fingerprints_and_bytes_alone(seed):
    site = _site(seed)
    renderer = PageRenderer(site, GENERATOR)
    before, pages = _fingerprints(site), {p.path: renderer.render_one(p) for p in site.pages}
    for v in site.events:
        v.salience += 0.5
    assert _fingerprints(site) == before
    renderer = PageRenderer(site, GENERATOR)  # no card rendered before the change is reused
    assert {p.path: renderer.render_one(p) for p in site.pages} == pages
    # a printed field does count
    first = site.events[0]
    first.title += " again"
    own = next(p.path for p in site.pages if p.context.get("event") is first)
    assert _fingerprints(site)[own] != before[own]


def test_a_site_template_that_prints_the_field_makes_it_count(seed, tmp_path):
    project = seed_project(tmp_path)
    (project / "templates").mkdir(exist_ok=True)
    bundled = Path(__file__).resolve().parents[1] / "templates" / "event.html"
    text = bundled.read_text(encoding="utf-8")
    assert "salience" not in text
    (project / "templates" / "event.html").write_text(text.replace("{% block main %}",
                                                                   "{% block main %}{{ event.salience }}", 1),
                                                      encoding="utf-8")
    site = _site(project)
    before = _fingerprints(site)
    for v in site.events:
        v.salience += 0.5
    after = _fingerprints(site)
    event_pages = {p.path for p in site.pages if p.template == "event.html"}
    assert event_pages and all(after[p] != before[p] for p in event_pages)
    # the words are the site's, not one template's (templates include and extend each other):
    # every page listing an event counts its salience now
    assert all(after[p.path] != before[p.path] for p in site.pages if p.template == "tag.html")


def test_fingerprints_made_on_two_cores_are_those_of_one(seed):
    """A cold build (and a smaller site's rebuild) fingerprints its pages in this process and a
    forked worker (render._fingerprint_in_parts): each page's fingerprint must be
    the one a single process makes, or the pages kept would depend on the
    number of processes. A fresh site, so no view's token is known before."""
    one = _fingerprints(_site(seed))
    site = _site(seed)
    renderer = PageRenderer(site, GENERATOR, jobs=2, carry=True)  # the preview's, which keeps the tokens
    renderer._fingerprint_in_parts()
    assert len(one) == len(site.pages) > 20
    assert renderer.digests == one
    assert all(id(v) in renderer.hasher._memo for v in site.events)  # half of them from the child
    # a build that carries no tokens to the next (the command line's) lets them go once every page's
    # fingerprint is known, before its render workers fork: the same fingerprints
    site = _site(seed)
    renderer = PageRenderer(site, GENERATOR, jobs=2)
    renderer._fingerprint_in_parts()
    assert renderer.digests == one
    assert not renderer.hasher._memo


def test_a_views_own_lists_are_hashed_in_place_to_the_same_fingerprints(seed):
    """A view's own lists (sources, quotes, links) are hashed without the memo
    (they are read through the view alone): the fingerprints are those of
    hashing them through it, and the memo holds none of them."""
    site = _site(seed)
    fresh = PageRenderer(site, GENERATOR).hasher
    remembered = PageRenderer(site, GENERATOR).hasher
    remembered._own = remembered._value  # every list through token(), remembered
    pages = [(p.template, p.url, p.title, p.context) for p in site.pages]
    assert [fresh.page(*p) for p in pages] == [remembered.page(*p) for p in pages]
    sources = {id(v.sources) for v in site.events}
    assert sources <= set(remembered._memo) and not sources & set(fresh._memo)


def test_planning_from_slim_analyses_makes_the_same_pages(seed):
    """A command-line build plans from site.planned's analyses (no mentions,
    no Markdown source, the plain text cut to the summary's part), to leave
    the memory they held to the views: every page is the same, fingerprint
    and bytes, and so are the site's warnings."""
    config, analyses, events, index = _inputs(seed)
    full = plan(config, analyses, events, index)
    slim = plan(config, [planned(a) for a in analyses], events, index)
    assert any(not a.article.summary for a in analyses)  # the summary from the text is exercised
    assert [p.path for p in slim.pages] == [p.path for p in full.pages]
    assert _fingerprints(slim) == _fingerprints(full)
    rendered = [PageRenderer(site, GENERATOR) for site in (full, slim)]
    assert all(rendered[0].render_one(a) == rendered[1].render_one(b) for a, b in zip(full.pages, slim.pages,
                                                                                       strict=True))
    assert slim.warnings == full.warnings


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A generated news corpus big enough that tags and names list their events over several pages."""
    project = tmp_path_factory.mktemp("fingerprints-corpus") / "p"
    make_corpus(120, "plain", project, "Fingerprints", search=False, base_url="https://example.org/")
    return project


def _paged(site, template: str, key: str):
    """The first tag or entity (`key`) whose events fill several pages: (its view, its pages)."""
    by: dict[int, list] = {}
    for p in site.pages:
        if p.template == template:
            by.setdefault(id(p.context[key]), []).append(p)
    return next((ps[0].context[key], ps) for ps in by.values() if len(ps) > 1)


def test_lists_of_one_kind_written_out_in_c_give_the_loops_fingerprints(corpus):
    """A list of scalars or of views of one class is written out by map()
    (ContextHasher._items): every page's fingerprint, and every token made
    on the way, is the string the loop over _value makes, on a corpus whose
    pages list cards, segments, links and dates of every kind."""
    site = _site(corpus)
    fast = PageRenderer(site, GENERATOR).hasher
    loop = PageRenderer(site, GENERATOR).hasher
    loop._items = lambda obj: ",".join([loop._value(x) for x in obj])  # type: ignore[method-assign]
    pages = [(p.template, p.url, p.title, p.context) for p in site.pages]
    assert [fast.page(*p) for p in pages] == [loop.page(*p) for p in pages]
    assert fast._memo == loop._memo
    # the fast path was taken: lists of one view class and of scalars are on these pages
    kinds = {type(x) for p in site.pages for v in p.context.values() if isinstance(v, list) for x in v[:1]}
    assert any(t in fast._shapes for t in kinds)


def test_a_tags_page_counts_the_events_it_lists_not_every_event_of_the_tag(corpus, tmp_path):
    """A tag's page shows its own page of the list and how many events the
    tag holds, not every event of it (`all_events`, which no bundled
    template names): a printed field of an event listed on another page
    leaves its fingerprint alone, and so it does the index pages of names,
    which show counts. Before, an event edited anywhere in a tag made
    every page of the tag render again (1,000 articles, a redated sentence:
    236 pages rendered, 191 of them the same bytes, 165 of those tag
    pages). A site template that names `all_events` makes it count."""
    site = plan(*_inputs(corpus))
    view, pages = _paged(site, "tag.html", "tag")
    on_first = {id(v) for g in pages[0].context["chunk"].groups for v in g.events} | \
        {id(v) for v in pages[0].context["chunk"].highlights}
    elsewhere = next(v for v in view.all_events if id(v) not in on_first)
    before = _fingerprints(site)
    elsewhere.title += " again"
    after = _fingerprints(site)
    assert after[pages[0].path] == before[pages[0].path]
    listing = [p.path for p in pages if any(v is elsewhere for g in p.context["chunk"].groups for v in g.events)]
    assert listing and all(after[p] != before[p] for p in listing)
    indexes = [p.path for p in site.pages if p.template == "entities.html"]
    assert len(indexes) == 3 and all(after[p] == before[p] for p in indexes)

    project = tmp_path / "p"
    shutil.copytree(corpus, project)
    (project / "templates").mkdir()
    text = (Path(__file__).resolve().parents[1] / "templates" / "tag.html").read_text(encoding="utf-8")
    (project / "templates" / "tag.html").write_text(
        text.replace("{% block main %}", "{% block main %}{{ tag.all_events|map(attribute='title')|join }}", 1),
        encoding="utf-8")
    site = plan(*_inputs(project))
    view, pages = _paged(site, "tag.html", "tag")
    before = _fingerprints(site)
    view.all_events[-1].title += " again"
    after = _fingerprints(site)
    assert all(after[p.path] != before[p.path] for p in pages)


def _last_builds_tokens(config, analyses, events, index):
    """The view tokens a build of these inputs leaves for the next (render.ViewTokens)."""
    last = plan(config, analyses, events, index)
    renderer = PageRenderer(last, GENERATOR)
    for p in last.pages:
        renderer.hasher.page(p.template, p.url, p.title, p.context)
    carried = renderer.view_tokens()
    assert len(carried.views) == len(last.events) + len(last.articles)
    return carried


def _carried_fingerprints(site, carried):
    """Every page's fingerprint from a renderer given the last build's view
    tokens (as the preview gives them), and how many views took theirs over."""
    renderer = PageRenderer(site, GENERATOR, carried=carried)
    renderer._take_carried_tokens()
    taken = sum(renderer.hasher.known(v) is not None for v in (*site.events, *site.articles))
    digests = {p.path: renderer.hasher.page(p.template, p.url, p.title, p.context) for p in site.pages}
    return digests, taken, renderer


def test_a_view_takes_the_last_builds_token_only_when_it_prints_alike(corpus):
    """The preview keeps each view's token for its next build
    (render.ViewTokens): a view that prints as the last build's view at its
    URL takes that token instead of being hashed again. The fingerprints
    are then those of hashing every view anew, whatever changed: a printed
    field (a title, a quote's sentence, an article's text) makes the view
    hashed again; an unprinted one (salience) does not stop the carry."""
    config, analyses, events, index = _inputs(corpus)
    carried = _last_builds_tokens(config, analyses, events, index)

    site = plan(config, analyses, events, index)  # the next build: equal views, new objects
    digests, taken, _ = _carried_fingerprints(site, carried)
    assert taken == len(site.events) + len(site.articles)
    assert digests == _fingerprints(site)

    site = plan(config, analyses, events, index)
    site.events[0].title += " again"
    site.events[1].sources[0].quotes[0].sentence += " again"
    site.articles[0].segments[0].html += " again"
    for v in site.events:
        v.salience += 0.5  # no template prints it
    digests, taken, _ = _carried_fingerprints(site, carried)
    assert taken == len(site.events) + len(site.articles) - 3
    fresh = _fingerprints(site)
    assert digests == fresh
    own = {p.path for p in site.pages if p.context.get("event") in site.events[:2]
           or p.context.get("article") is site.articles[0]}
    before, _, _ = _carried_fingerprints(plan(config, analyses, events, index), carried)
    assert len(own) == 3 and all(fresh[p] != before[p] for p in own)


def test_the_last_builds_tokens_serve_only_the_same_template_words(corpus, tmp_path):
    """A token counts the fields the templates name (digest.template_words):
    after a template edit that names another word, the tokens carried from
    the last build are not taken."""
    config, analyses, events, index = _inputs(corpus)
    carried = _last_builds_tokens(config, analyses, events, index)
    project = tmp_path / "p"
    shutil.copytree(corpus, project)
    (project / "templates").mkdir()
    text = (Path(__file__).resolve().parents[1] / "templates" / "event.html").read_text(encoding="utf-8")
    (project / "templates" / "event.html").write_text(
        text.replace("{% block main %}", "{% block main %}{{ event.salience }}", 1), encoding="utf-8")
    site = plan(*_inputs(project))
    digests, taken, renderer = _carried_fingerprints(site, carried)
    assert renderer.hasher.printed != carried.printed
    assert taken == 0 and digests == _fingerprints(site)


def test_views_are_told_alike_only_where_equality_means_the_same_text(corpus):
    """prints_alike compares the counted fields with ==, which says yes for
    values that print differently: 0.0 and -0.0, two dicts in another order.
    A class with such a counted field is never told alike (its views are
    hashed); one whose float or dict is not counted still is."""
    a = _Card("x", 0.0, {"a": 1, "b": 2}, 1)
    b = _Card("x", -0.0, {"b": 2, "a": 1}, 1)
    assert a == b
    hasher = ContextHasher("base", frozenset({"title", "n"}))
    assert hasher.prints_alike(a, b) and hasher.token(a) == hasher.token(b)
    for counted in ({"title", "score"}, {"title", "extra"}):
        hasher = ContextHasher("base", frozenset(counted))
        assert not hasher.prints_alike(a, b)
        assert hasher.token(a) != hasher.token(b)
    # the bundled templates count no float of an event's view (its salience is not printed)
    site = plan(*_inputs(corpus))
    hasher = PageRenderer(site, GENERATOR).hasher
    assert hasher.prints_alike(site.events[0], replace(site.events[0], salience=-site.events[0].salience))
    assert not ContextHasher("base", None).prints_alike(site.events[0], replace(site.events[0]))


def test_tokens_taken_over_then_the_rest_fingerprinted_on_two_cores(corpus):
    """A big site's rebuild fingerprints in parts on every core
    (render._fingerprint_in_parts) the views that took no token over: the
    fingerprints are those of one process hashing everything afresh."""
    config, analyses, events, index = _inputs(corpus)
    carried = _last_builds_tokens(config, analyses, events, index)
    site = plan(config, analyses, events, index)
    site.events[2].title += " again"
    site.articles[1].segments[0].html += " again"
    renderer = PageRenderer(site, GENERATOR, jobs=2, carried=carried)
    renderer._take_carried_tokens()
    renderer._fingerprint_in_parts()
    assert renderer.digests == _fingerprints(site)


@dataclass
class _Card:
    """A view with a float and a dict (no bundled view has a dict)."""

    title: str
    score: float
    extra: dict
    n: int


def test_a_listings_filter_choices_are_worked_out_only_for_the_pages_rendered(corpus):
    """A listing page's filter choices (its cards' names, tags and years)
    are a digest.Derived list: fingerprinted as the cards, whose tokens
    count every field the choices read, so a page kept unrendered never
    works them out; a card's new tag changes the page's fingerprint and,
    once rendered, its choices. When the templates leave a field the
    choices read uncounted, the choices are worked out and hashed instead."""
    site = plan(*_inputs(corpus))
    listing = [p for p in site.pages if isinstance(p.context.get("filters"), Derived)]
    assert {p.template for p in listing} == {"period.html", "entity.html", "tag.html"}
    before = _fingerprints(site)
    assert all(p.context["filters"]._made is None for p in listing)
    page = listing[0]
    choices = page.context["filters"]
    printed = PageRenderer(site, GENERATOR).hasher.printed
    text = ContextHasher("base", printed)._value(choices)
    assert text.startswith("derived:") and choices._made is None
    card = _cards(choices.sources[0])[0]  # the choices stand for their page: its cards
    card.tags.append("Zz never before")
    assert ContextHasher("base", printed)._value(choices) != text  # the choices' own text, not only the chunk's
    assert _fingerprints(site)[page.path] != before[page.path]
    html = PageRenderer(site, GENERATOR).render_one(page).decode()
    assert "Zz never before" in html and page.context["filters"]._made is not None
    assert choices == list(choices) and choices + [] == [] + choices == list(choices)  # as the list it stands for

    other = listing[1].context["filters"]
    assert printed is not None and "kind" in printed
    text = ContextHasher("base", printed - {"kind"})._value(other)
    assert other._made is not None and text != "derived:" + ContextHasher("base", printed).token(other.sources)


class _Reading:
    """A view that notes each field read through it (as a path: "entities.kind")."""

    def __init__(self, view, path: str, read: set[str]):
        self._view, self._path, self._read = view, path, read

    def __getattr__(self, name: str):
        path = f"{self._path}.{name}" if self._path else name
        self._read.add(path)
        value = getattr(self._view, name)
        if isinstance(value, list):
            return [_Reading(x, path, self._read) if is_dataclass(x) else x for x in value]
        return _Reading(value, path, self._read) if is_dataclass(value) else value


def test_the_filter_choices_read_only_the_fields_they_declare(corpus):
    """A listing's choices are fingerprinted as its page only for the
    fields PAGE_FILTERS_READ names (digest.Derived), those FILTERS_READ
    names of its cards: filters() must read no other, or an edit of that
    field alone would leave the choices stale."""
    site = plan(*_inputs(corpus))
    read: set[str] = set()
    pages = [p.context["filters"].sources[0] for p in site.pages if isinstance(p.context.get("filters"), Derived)]
    cards = [v for page in pages for v in _cards(page)]
    assert filters([_Reading(v, "", read) for v in cards]) == filters(cards)
    assert read and all(any(r == p or r.startswith(p + ".") for r in FILTERS_READ) for p in read), read
    read.clear()
    assert all(_page_filters([_Reading(page, "", read)]) == _page_filters([page]) for page in pages)
    assert read and all(any(r == p or r.startswith(p + ".") for r in PAGE_FILTERS_READ) for p in read), read


def test_event_cards_are_carried_only_to_a_build_with_the_same_page_base(seed, tmp_path):
    """The preview carries the event cards it rendered to its next build by
    the view's token (render.Cards): a card is taken for a view with the
    same token under the same page base, and the pages are those rendered
    afresh; a card template of the site's own (another base) takes none."""
    config, analyses, events, index = _inputs(seed)

    def rendered(config, carried=None, carry=True):
        renderer = PageRenderer(plan(config, analyses, events, index), GENERATOR, carried=carried, carry=carry,
                                jobs=1)
        sink = MemorySink()
        renderer.run(sink)
        return renderer, sink.files

    first, _ = rendered(config)
    assert first.templates.cards.taken == 0 and len(first.tokens.cards) > 10
    again, pages = rendered(config, first.tokens)
    assert again.templates.cards.taken == len(first.tokens.cards)
    assert pages == rendered(config, carry=False)[1]

    (tmp_path / "templates").mkdir()
    card = (Path(__file__).resolve().parents[1] / "templates" / "_event_card.html").read_text(encoding="utf-8")
    (tmp_path / "templates" / "_event_card.html").write_text(card.replace('class="event ', 'class="event own '),
                                                              encoding="utf-8")
    own = replace(config, templates_dir=tmp_path / "templates")
    other, pages = rendered(own, again.tokens)
    assert other.templates.cards.taken == 0
    assert pages == rendered(own, carry=False)[1] and any(b'class="event own ' in b for b in pages.values())
