"""The preview knows which pages are still loading (served, their reload
client not yet connected), so that a draft of one of them waits for it
instead of a short rebuild ending first and the page loading twice
(generator/serve.py: page_served, page_connected, loading)."""

import re
import urllib.request
from pathlib import Path

import generator.serve as serve
from generator.serve import PreviewState, loading, page_connected, page_served
from tests.support import preview_project, running_preview


def _state(tmp_path: Path) -> PreviewState:
    return PreviewState(config_path=tmp_path / "site.toml", content=None, output=tmp_path / "out")


def test_a_served_page_is_loading_until_its_client_says_its_number(tmp_path):
    state = _state(tmp_path)
    first = page_served(state, "articles/a/index.html")
    second = page_served(state, "index.html")
    assert second == first + 1
    assert loading(state, {"articles/a/index.html": b""})
    assert not loading(state, {"articles/b/index.html": b""})  # only a page of the draft matters
    page_connected(state, first)
    assert not loading(state, {"articles/a/index.html": b""})
    page_connected(state, True)  # not a number the server gave: nothing happens
    page_connected(state, "2")
    assert loading(state, {"index.html": b""})


def test_a_page_that_never_connects_stops_counting(tmp_path):
    state = _state(tmp_path)
    old = page_served(state, "articles/a/index.html")  # a page fetched by a program, or closed while loading
    rel, served = state.loading[old]
    state.loading[old] = (rel, served - serve.LOADING_SECONDS - 1)  # served that long ago
    assert not loading(state, {"articles/a/index.html": b""})
    page_served(state, "index.html")
    assert [rel for rel, _ in state.loading.values()] == ["index.html"]  # the old one dropped


def test_every_page_served_carries_its_number_but_a_swapped_draft(tmp_path_factory):
    project = preview_project(tmp_path_factory.mktemp("loading"))
    with running_preview(project) as (url, _):
        numbers = []
        for _ in range(2):
            html = urllib.request.urlopen(url, timeout=5).read().decode()
            numbers.append(int(re.search(r'id="preview-draft-swap"[^>]* data-page="(\d+)"', html).group(1)))
        assert numbers[1] > numbers[0]
        swap = urllib.request.Request(url, headers={"X-Preview-Swap": "1"})  # fetched by a page already open
        html = urllib.request.urlopen(swap, timeout=5).read().decode()
        assert 'id="preview-draft-swap"' in html and "data-page=" not in html
