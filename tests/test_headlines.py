"""Headlines: every example of data/en/headlines.toml, and the shape of every
headline on the seed site."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from generator.analysis.article import analyse
from generator.analysis.headlines import _main_clause_first, compress, strip_dangling
from generator.config import ExtractionSettings
from generator.model import Article
from generator.resources import language_resources

RES = language_resources()
RULES = RES.headlines


def headline_of(text: str, expression: str, dct: date = date(2018, 9, 12)) -> str:
    """The headline the per-article analysis gives the mention dated by `expression`."""
    article = Article("example", Path("example.md"), "Example", dct, "", "", (), False, text)
    mentions = [m for m in analyse(article, RES, ExtractionSettings()).mentions if m.timex.text == expression]
    return mentions[0].title if mentions else "(no mention)"


@pytest.mark.parametrize("example", RULES.examples, ids=[e["headline"][:40] for e in RULES.examples])
def test_headline_example(example):
    dct = date.fromisoformat(example.get("dct", "2018-09-12"))
    assert headline_of(example["text"], example["expression"], dct) == example["headline"]


def test_a_long_headline_is_cut_at_a_phrase_boundary_without_an_ellipsis():
    long = ("Putin met Xi in Vladivostok to talk about trade and energy and security and the war games "
            "and a gas pipeline")
    cut = compress(long, RULES)
    assert len(cut.split()) <= RULES.max_words and "…" not in cut and cut.startswith("Putin met Xi in Vladivostok")


def test_dangling_words_are_dropped():
    assert strip_dangling("Putin held talks with the") == "Putin held talks"
    # a possessive wants its noun
    assert strip_dangling("The panel investigating the causes of BP’s") == "The panel investigating the causes"


def test_seed_headlines_read_as_headlines(seed_site):
    result, _ = seed_site
    pronoun = re.compile(r"^(?:he|she|it|they|his|her|its|their|him|them)\b", re.I)
    for e in result.events:
        words = e.title.split()
        assert 3 <= len(words) <= 14, e.title
        assert "…" not in e.title and not pronoun.match(e.title), e.title
        assert not re.search(r"\b(?:last|this|next) (?:week|month|year)\b|\b(?:Monday|Tuesday|Friday)\b", e.title)


@pytest.mark.parametrize(("title", "headline"), [
    ("In the aftermath of the spill, the Obama administration was faulted", "the Obama administration was faulted"),
    ("As 296 guests were finally allowed to leave the hotel", "296 guests were finally allowed to leave the hotel"),
    ("Ahead of congressional hearings", "congressional hearings"),
    ("At the annual conference of the Society of American Business Editors",
     "the annual conference of the Society of American Business Editors"),
    # left alone: a condition, a quantifier, an adverbial, a place, a phrase that names no happening
    ("If this flu is like the flu", "If this flu is like the flu"),
    ("At least 91 confirmed cases", "At least 91 confirmed cases"),
    ("In contrast to the tens of thousands", "In contrast to the tens of thousands"),
    ("In Moscow", "In Moscow"),
    ("On the agenda", "On the agenda"),
])
def test_the_clause_or_the_happening_comes_first(title, headline):
    assert _main_clause_first(title, RES.vocab, RULES) == headline


def test_a_sentence_that_starts_inside_a_tickers_brackets_takes_the_name_before_them():
    """Timeline17's Reuters text breaks "BP Plc (BP.L) (BP.N) said ..." after
    each ticker's dot, three paragraphs once converted: the headline of the
    sentence that starts "N) said on Thursday ..." names BP Plc."""
    from tests.support import shared_dir
    from tests.support.timeline17 import detokenize

    path = shared_dir() / "data" / "timeline17" / "bpoil_reuters" / "InputDocs" / "2010-07-15" / "1203.htm.txt"
    text = "\n\n".join(detokenize(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    assert "BP Plc (BP.\n\nL) (BP.\n\nN) said on Thursday it stopped the flow of oil" in text
    article = Article("reuters", Path("reuters.md"), "BP", date(2010, 7, 15), "", "", (), False, text)
    titles = [m.title for m in analyse(article, RES, ExtractionSettings()).mentions if m.timex.text == "Thursday"]
    assert titles[0].startswith("BP Plc said it stopped the flow of oil"), titles
