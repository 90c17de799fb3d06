"""The local analysis pool (analysis/runner.py): this process and forked
workers analyse parts of the corpus side by side. Real articles of a
generated corpus, real processes: the results are those of one process, in
the articles' order, each put in the cache once by whoever made it; a part
that fails anywhere stops the pool and its exception reaches the build,
with no worker left behind."""

from __future__ import annotations

import dataclasses
import multiprocessing
import pickle

import pytest

from generator import content, forked
from generator.analysis import runner
from generator.analysis.article import analyse
from generator.analysis.cache import Cache
from generator.analysis.runner import analyse_all
from generator.config import load_config
from generator.errors import Report
from generator.resources import load_resources
from generator.site import read_slim
from tests.support import make_corpus

N = runner.PARALLEL_THRESHOLD + 20


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pool")
    make_corpus(N, "plain", folder / "corpus", "Pool")
    config = load_config(folder / "corpus" / "site.toml")
    articles = content.read_content(config.content_dir, Report(), False, config.limits, config.root)
    return config, load_resources(config), articles


def _keys(articles) -> list[str]:
    return [f"{i:064x}" for i in range(len(articles))]


def test_both_processes_analyse_and_the_results_are_one_process_s(corpus, tmp_path):
    config, resources, articles = corpus
    keys = _keys(articles)
    store = Cache(tmp_path / "cache")
    made = list(runner._analyse_forked(articles, keys, list(range(len(articles))), resources, config.extraction,
                                       store, 2))
    assert sorted(i for i, _, _, _ in made) == list(range(len(articles)))  # each article once
    by_worker = {i for i, _, theirs, _ in made if theirs}
    assert by_worker and len(by_worker) < len(articles)  # both the worker and this process took parts
    assert all(whole for _, _, _, whole in made)  # every entry written whole, whoever wrote it
    alone = {i: analyse(articles[i], resources, config.extraction) for i in (0, len(articles) - 1)}
    got = {i: res for i, res, _, _ in made}
    assert all(got[i] == alone[i] for i in alone)
    # every analysis is in the cache, read back as it was made, whoever made it
    again = Cache(tmp_path / "cache").get_many(keys)
    assert all(back == got[i] for i, back in enumerate(again))
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("writable", [True, False])
def test_a_big_build_keeps_of_each_analysis_what_it_would_read_and_nothing_more(corpus, tmp_path, writable):
    """A command-line build of many articles reads each article page's analysis back from the
    cache (pipeline.READ_BACK_MIN_ARTICLES), and keeps of each only what a read would give it
    (site.read_slim): the analyses made by the pool's workers and by this process come so from
    the process that made them, which wrote the entry whole, and the cache knows the entry whole
    (ReadBack). An entry that could not be written keeps its analysis whole: there is nothing to
    read back from."""
    config, resources, articles = corpus
    keys = _keys(articles)
    store = Cache(tmp_path / "cache", writable=writable)
    store.shape = read_slim
    got = analyse_all(articles, keys, resources, config.extraction, store, jobs=2)
    one = analyse_all(articles, keys, resources, config.extraction, Cache(None), jobs=1)
    if writable:
        assert got == [read_slim(a) for a in one] != one
        assert store.whole == set(keys)
        assert Cache(tmp_path / "cache").get_many(keys) == one  # the entries whole
    else:
        assert got == one and not store.whole


def test_the_pool_gives_the_same_analyses_as_one_process(corpus):
    config, resources, articles = corpus
    keys = _keys(articles)
    two = analyse_all(articles, keys, resources, config.extraction, Cache(None), jobs=2)
    one = analyse_all(articles, keys, resources, config.extraction, Cache(None), jobs=1)
    assert two == one
    assert all(r.article is a for r, a in zip(two, articles, strict=True))  # the parent's own articles


@pytest.mark.parametrize("where", ["first", "last"])
def test_a_part_that_fails_stops_the_pool_and_its_error_reaches_the_build(corpus, tmp_path, where):
    """The workers take parts from the front and this process from the back:
    a broken first article fails in a worker, a broken last one here."""
    config, resources, articles = corpus
    broken = list(articles)
    at = 0 if where == "first" else len(broken) - 1
    broken[at] = dataclasses.replace(broken[at], body=None)  # not text: the Markdown stage raises
    with pytest.raises((TypeError, AttributeError)):
        analyse_all(broken, _keys(broken), resources, config.extraction, Cache(tmp_path / "cache"), jobs=2)
    assert not multiprocessing.active_children()


def test_a_worker_message_that_cannot_be_read_back_still_ends_the_worker():
    """The reader posts the worker's end whatever stops it reading, so the
    build raises rather than waiting for a worker that is gone."""
    import queue

    mine, theirs = multiprocessing.get_context("fork").Pipe(duplex=False)
    # a message cut short (as a worker killed while sending leaves it): no pickle can be read from it
    theirs.send_bytes(pickle.dumps((None, RuntimeError("the worker's end")))[:-3])
    theirs.close()
    got: queue.SimpleQueue = queue.SimpleQueue()
    forked._receive_stream(mine, got)
    n, payload = got.get_nowait()  # a worker's end with its exception: what streamed_parts raises
    assert n is None and isinstance(payload, RuntimeError) and "could not be read" in str(payload)
