"""An event's summary (merge._representative with corpus/summary.py and
corpus/topic.py): a plain statement of the day's happening, close to what
the corpus says about that day, never a caption, a dateline, a quotation
or a sentence whose date only recalls a cause."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.analysis.article import analyse
from generator.config import ExtractionSettings
from generator.corpus.summary import plainness, position, summary_text
from generator.corpus.topic import Topic
from generator.model import Article, Mention
from generator.resources import language_resources

RES = language_resources()
DCT = date(2010, 5, 3)


def mentions_of(text: str, slug: str = "example") -> list[Mention]:
    article = Article(slug, Path(f"{slug}.md"), "Example", DCT, "", "", (), False, text)
    return list(analyse(article, RES, ExtractionSettings()).mentions)


def mention(text: str, expression: str) -> Mention:
    found = [m for m in mentions_of(text) if m.timex.text == expression]
    assert found, f"no mention dated {expression!r} in {text!r}"
    return found[0]


EXAMPLES = [(e["sentence"], e["expression"], e["plain"]) for e in RES.summary.examples]


def test_the_summary_rules_carry_examples_of_both_kinds():
    assert {plain for _s, _e, plain in EXAMPLES} == {True, False}


@pytest.mark.parametrize("text,expression,plain", EXAMPLES)
def test_each_example_of_summary_toml(text, expression, plain):
    """data/en/summary.toml's examples: a plain statement of the happening is
    not penalised; captions, datelines, quotes, questions and recalls are."""
    score = plainness(mention(text, expression), RES.summary)
    assert (score == 0.0) if plain else (score < 0.0), (text, score)


def test_day_closeness_follows_what_the_corpus_says_about_that_day():
    ms = (mentions_of("The rig exploded on 20 April in the Gulf, killing 11 workers.", "a")
          + mentions_of("The Deepwater Horizon rig exploded in the Gulf on 20 April.", "b")
          + mentions_of("Officials on 20 April also met to discuss tourism budgets.", "c"))
    topic = Topic(ms)
    on_day = {m.article: topic.day_closeness(m, "2010-04-20") for m in ms}
    assert on_day["a"] > on_day["c"] and on_day["b"] > on_day["c"]
    assert topic.day_closeness(ms[0], "2010-04-21") == 0.0  # no sentence dated that day


def test_the_days_story_is_closer_to_its_centroid_than_a_lone_sentence_about_something_else():
    """The day's centroid is sharpened towards the words most of its
    sentences share: a long sentence of rare words about something else
    dated that day does not come as close as the sentences of the story
    (unsharpened, it came closer than three of the four)."""
    story = ["The rig exploded on 20 April in the Gulf, killing 11 workers.",
             "The Deepwater Horizon rig exploded in the Gulf on 20 April.",
             "On 20 April the rig in the Gulf exploded and burned.",
             "Coast Guard boats searched the Gulf for the rig's workers on 20 April."]
    ms = [m for i, text in enumerate(story) for m in mentions_of(text, f"s{i}")]
    (other,) = mentions_of("Airline shares rose sharply in London trading on strong holiday bookings on 20 April.",
                           "x")
    topic = Topic([*ms, other])
    assert min(topic.day_closeness(m, "2010-04-20") for m in ms) > topic.day_closeness(other, "2010-04-20")


def test_a_reprinted_sentence_counts_once_in_the_centroids():
    """A wire story reprinted by three outlets is one statement: the day's
    centroid and the story's are the same as with one copy of it."""
    wire = "Officials on 20 April also met to discuss tourism budgets."
    others = (mentions_of("The rig exploded on 20 April in the Gulf, killing 11 workers.", "a")
              + mentions_of("The Deepwater Horizon rig exploded in the Gulf on 20 April.", "b"))
    once = Topic(others + mentions_of(wire, "c"))
    thrice = Topic(others + mentions_of(wire, "c") + mentions_of(wire, "d") + mentions_of(wire, "e"))
    assert thrice.day_centroid("2010-04-20")[0] == once.day_centroid("2010-04-20")[0]
    assert thrice.centroid == once.centroid
    a = others[0]
    assert thrice.day_closeness(a, "2010-04-20") == once.day_closeness(a, "2010-04-20")


TEXT_EXAMPLES = [(e["sentence"], e["expression"], e["summary"]) for e in RES.summary.text_examples]


def test_the_summary_text_rules_carry_examples_that_change_and_that_keep():
    assert any(s != out for s, _e, out in TEXT_EXAMPLES) and any(s == out for s, _e, out in TEXT_EXAMPLES)


@pytest.mark.parametrize("text,expression,expected", TEXT_EXAMPLES)
def test_each_text_example_of_summary_toml(text, expression, expected):
    """data/en/summary.toml's text examples: the summary printed under the
    event's date drops what only repeats that date and bracketed asides;
    a date that relates the happening to another time stays."""
    article = Article("example", Path("example.md"), "Example", DCT, "", "", (), False, text)
    a = analyse(article, RES, ExtractionSettings())
    m = next(m for m in a.mentions if m.timex.text == expression)
    assert summary_text(m, a.timexes, m.when, RES.summary) == expected


def test_a_sentence_mostly_in_quotation_marks_loses_more_than_one_with_a_short_quote():
    short = mention('Officials said on Sunday the spill off the coast of Louisiana was "a real disaster".', "Sunday")
    mostly = mention('The governor warned: "Fishing closed on Sunday, and the oil will reach our beaches soon."',
                     "Sunday")
    assert plainness(mostly, RES.summary) < plainness(short, RES.summary) < 0.0


def test_the_lead_counts_and_the_first_sentence_most():
    """A reporter's lead is the reporter's own summary of the happening."""
    text = ("The rig exploded on 20 April in the Gulf.\n\nWorkers were evacuated on 20 April by boat.\n\n"
            "Crews searched the sea for the missing men on 20 April.")
    ms = sorted(mentions_of(text), key=lambda m: m.sentence_index)
    assert [m.sentence_index for m in ms] == [0, 1, 2]
    first, second, third = (position(m, RES.summary) for m in ms)
    assert first > second > third == 0.0
