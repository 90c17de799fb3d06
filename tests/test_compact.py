"""What a build keeps per article is compact, and reads and writes the same
values as before: the plain text's offsets and runs as pieces (model.Steps),
cache entries encoded by json's C encoder with a hook (the same JSON as
converting the whole value first), and the pool's results holding the
parent's own Article."""

from __future__ import annotations

import base64
import dataclasses
import html as html_module
import json
import re
import struct
from array import array
from datetime import date
from pathlib import Path

import pytest

from generator import content
from generator.analysis.article import analyse
from generator.analysis.cache import FORMAT, Cache, entry
from generator.analysis.markup import plain_text, render_markdown
from generator.analysis.runner import analyse_all
from generator.config import load_config
from generator.errors import Report
from generator.model import Analysis, Mention, Steps
from generator.resources import load_resources
from tests.support import ROOT, make_corpus

HAND_MADE = [
    "",
    "One line.",
    "A &amp; B &lt;tag&gt; caf&eacute; &#8212; done &amp;&amp; more.\n\nSecond *para* with `code &amp; x`.",
    "- one\n- two &amp; three\n\n> quoted on 12 May 2019\n\n1. first\n2. second",
    "# Title\n\nText with [a link](https://example.org/) and **bold _nested_ words**.\n\n    indented code\n",
    "&amp;",
    "Line one  \nline two after a hard break, and an entity at the end &copy;",
]


def _seed_bodies() -> list[str]:
    bodies = []
    for path in sorted((ROOT / "content" / "articles").glob("*.md")):
        source = path.read_text(encoding="utf-8")
        bodies.append(source.split("---", 2)[2])
    assert bodies
    return bodies


def _offsets_and_runs(html: str) -> tuple[str, list[int], list[int]]:
    """The plain text of the HTML and, character by character, its index in
    the HTML and its text run: the plain way, without pieces (the HTML's
    text between tags, entities decoded, a blank line after each block)."""
    text: list[str] = []
    offsets: list[int] = []
    runs: list[int] = []
    run = 0
    for tok in re.finditer(r"<[^>]*>|[^<]+", html):
        s = tok.group(0)
        if s[0] == "<":
            run += 1
            if re.fullmatch(r"</(p|h[1-6]|li|blockquote|pre|figcaption|td|th|dt|dd)>|<(br|hr)\s*/?>", s, re.I) \
                    and text and text[-1] != "\n":
                text += "\n\n"
                offsets += [tok.end()] * 2
                runs += [-1, -1]
            continue
        i = 0
        while i < len(s):
            entity = re.match(r"&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);", s[i:])
            chars = html_module.unescape(entity.group(0)) if entity else s[i]
            text += chars
            offsets += [tok.start() + i] * len(chars) if entity else [tok.start() + i]
            runs += [run] * len(chars)
            i += entity.end() if entity else 1
    return "".join(text), offsets + [len(html)], runs


@pytest.mark.parametrize("source", HAND_MADE + _seed_bodies())
def test_steps_hold_exactly_the_offsets_and_runs(source):
    html = render_markdown(source)
    plain = plain_text(html)
    text, offsets, runs = _offsets_and_runs(html)
    assert plain.text == text
    assert list(plain.offsets) == offsets and list(plain.runs) == runs  # (the arrays, made from the pieces)
    for steps, full in ((plain.offset_steps, offsets), (plain.run_steps, runs)):
        assert len(steps) == len(full)
        assert list(steps) == list(full)
        assert [steps[i] for i in range(-len(full), len(full))] == list(full) * 2
        with pytest.raises(IndexError):
            steps[len(full)]
    if len(plain.text) > 200:  # the point: far fewer pieces than characters
        assert len(plain.offset_steps.starts) + len(plain.run_steps.starts) < len(plain.text) / 5


@pytest.mark.parametrize("starts, firsts, slopes, length", [
    ([0, 5], [1], [1, 1], 9),  # arrays of different lengths
    ([1], [0], [1], 4),  # not starting at 0
    ([0, 3, 3], [0, 1, 2], [1, 0, 1], 6),  # not ascending
    ([0, 7], [0, 1], [1, 0], 7),  # a piece past the end
    ([0], [0], [2], 3),  # a slope other than 0 or 1
    ([], [], [], 3),  # no pieces for a non-empty sequence
])
def test_steps_refuse_pieces_that_make_no_sequence(starts, firsts, slopes, length):
    with pytest.raises(ValueError):
        Steps(array("i", starts), array("i", firsts), array("i", slopes), length)


def _plain(value, timexes=()):
    """The cache format, spelled out: every value converted before JSON sees
    it; a mention's timex is its place in its analysis's `timexes`."""
    if isinstance(value, Analysis):
        timexes = value.timexes
    if isinstance(value, Mention):
        return [next(i for i, t in enumerate(timexes) if t is value.timex) if f.name == "timex"
                else _plain(getattr(value, f.name), timexes) for f in dataclasses.fields(value)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [_plain(getattr(value, f.name), timexes) for f in dataclasses.fields(value)]
    if isinstance(value, (tuple, list)):
        return [_plain(v, timexes) for v in value]
    if isinstance(value, frozenset):
        return sorted(_plain(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path):
        return value.as_posix()
    if isinstance(value, array):
        import base64

        return [value.typecode, base64.b64encode(value.tobytes()).decode("ascii")]
    return value


def _seed_analyses():
    config = load_config(ROOT / "site.toml")
    resources = load_resources(config)
    articles = content.read_content(config.content_dir, Report(), False, config.limits, config.root)
    return [analyse(a, resources, config.extraction) for a in articles]


def test_cache_entries_are_the_plain_conversion_and_read_back_equal(tmp_path):
    analyses = _seed_analyses()
    store = Cache(tmp_path / "cache")
    for n, a in enumerate(analyses):
        key = f"{n:02d}" + "0" * 62
        data = entry(key, a)
        assert data is not None
        assert data == json.dumps([FORMAT, key, _plain(a)], ensure_ascii=False,
                                  separators=(",", ":")).encode("utf-8", "surrogatepass")
        store.put(key, a)
        back = store.get(key)
        assert back == a and back is not a
        assert all(any(m.timex is t for t in back.timexes) for m in back.mentions)  # one object, as analysed
        assert back.common_words == a.common_words and a.common_words  # the lower-case words, as a set
        assert list(back.offsets) == list(plain_text(a.html).offsets)


def test_an_entry_orjson_refuses_is_written_by_json_and_read_back(tmp_path):
    """Entries are written by orjson, which refuses a string with a lone
    surrogate (a file name the file system could not decode, as Python
    reads it): such an analysis is written by json.dumps and read back
    equal, not left out of the cache."""
    a = _seed_analyses()[0]
    odd = dataclasses.replace(a, article=dataclasses.replace(a.article, path=Path("caf\udce9.md")))
    key = "ab" + "0" * 62
    data = entry(key, odd)
    assert data is not None and "\udce9".encode("utf-8", "surrogatepass") in data
    store = Cache(tmp_path / "cache")
    store.put(key, odd)
    assert store.get(key) == odd


def test_pool_results_hold_the_articles_the_parent_read(tmp_path):
    make_corpus(220, "plain", tmp_path / "corpus", "Pool")  # past runner.PARALLEL_THRESHOLD
    config = load_config(tmp_path / "corpus" / "site.toml")
    resources = load_resources(config)
    articles = content.read_content(config.content_dir, Report(), False, config.limits, config.root)
    keys = [f"{i:064x}" for i in range(len(articles))]
    results = analyse_all(articles, keys, resources, config.extraction, Cache(None), jobs=2)
    assert all(r.article is a for r, a in zip(results, articles, strict=True))
    alone = [analyse(a, resources, config.extraction) for a in articles[:5]]
    assert results[:5] == alone


def _ints(*values: int) -> str:
    """Ints as a cache entry writes an array of them (little-endian, base64)."""
    return base64.b64encode(struct.pack(f"<{len(values)}i", *values)).decode("ascii")


def test_an_entry_with_a_wrong_value_anywhere_is_a_miss(tmp_path):
    """The decoder checks whole lists at once (the keywords) and the
    sentences' bounds as they are read: one wrong item among them still
    makes the entry a miss."""
    analysis = next(a for a in _seed_analyses() if a.mentions and len(a.sentences) > 2)
    store = Cache(tmp_path / "cache")
    key = "ab" + "0" * 62
    good = json.loads(entry(key, analysis))

    def mangled(change) -> Analysis | None:
        data = json.loads(json.dumps(good))
        change(data[2])
        store.path(key).parent.mkdir(parents=True, exist_ok=True)
        store.path(key).write_bytes(json.dumps(data).encode())
        return store.get(key)

    assert mangled(lambda a: None) == analysis
    changes = [
        lambda a: a[5][0].__setitem__(1, "not base64!"),  # the sentences' bounds garbled
        lambda a: a[5][0].__setitem__(1, _ints(0, 10, 11)),  # a sentence with no end
        lambda a: a[5][0].__setitem__(1, _ints(0, 10, 9, 20)),  # a sentence before the one it follows
        lambda a: a[5][0].__setitem__(0, "d"),  # bounds that are not ints
        lambda a: a[5].__setitem__(0, 7),  # the bounds as a number
        lambda a: a[7][0][8].append(5),  # a keyword that is a number
        lambda a: a[7][0].__setitem__(8, "word"),  # the keywords as one string
        lambda a: a[7][0].__setitem__(1, True),  # the sentence's number as a boolean
        lambda a: a[7][0].pop(),  # a mention short of a field
        lambda a: a[0].__setitem__(3, 20200101),  # the article's date as a number
        lambda a: a[7][0].__setitem__(5, len(a[6])),  # a mention's expression past the analysis's
        lambda a: a[7][0].__setitem__(5, -1),  # ... or before them
        lambda a: a[7][0].__setitem__(5, "1"),  # ... or its place as a string
    ]
    for change in changes:
        assert mangled(change) is None


def test_equal_names_and_spans_read_back_are_one_object(tmp_path):
    """The names and date spans of the entries one cache reads are shared:
    equal values read anywhere are the very object read first (a name
    recurs across a corpus's mentions); the analyses read back still equal
    those analysed, and a name that is not two strings is still a miss
    after an equal-looking good one was read."""
    analyses = _seed_analyses()
    store = Cache(tmp_path / "cache")
    keys = [f"{n:02d}" + "0" * 62 for n in range(len(analyses))]
    for key, a in zip(keys, analyses, strict=True):
        store.put(key, a)
    back = [store.get(key) for key in keys]
    assert back == analyses
    refs = [r for a in back for m in a.mentions for r in (*m.entities, *m.named)]
    whens = [t.when for a in back for t in (*a.timexes, *a.unresolved) if t.when is not None]
    for values in (refs, whens):
        first: dict = {}
        assert all(first.setdefault(v, v) is v for v in values)
        assert len(first) < len(values)  # the seeds repeat names and days: some were read twice
    made = [r for a in analyses for m in a.mentions for r in m.entities]
    assert len({id(r) for r in made}) > len(set(made))  # (analysing makes each anew)

    analysis = next(a for a in analyses if any(m.entities for m in a.mentions))
    at = next(i for i, m in enumerate(analysis.mentions) if m.entities)
    key = "cd" + "0" * 62
    good = json.loads(entry(key, analysis))
    name, kind = good[2][7][at][7][0]
    for wrong in ([name, 1], [name, kind, kind], [[name], kind], [name, None]):
        data = json.loads(json.dumps(good))
        data[2][7][at][7][0] = wrong
        store.path(key).parent.mkdir(parents=True, exist_ok=True)
        store.path(key).write_bytes(json.dumps(data).encode())
        assert store.get(key) is None, wrong
