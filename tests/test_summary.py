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
from generator.corpus.summary import plainness
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


PLAIN = [
    ("The rig exploded on 20 April, killing 11 workers.", "20 April"),
    ("Officials closed fishing in federal waters on Sunday.", "Sunday"),
]
NOT_PLAIN = [
    ("PHOTO: President Obama toured the Coast Guard centre on Sunday.", "Sunday"),
    ("AP FILE: President Obama met the governor on Sunday.", "Sunday"),
    ("VENICE, Louisiana -- Federal officials closed fishing on Sunday.", "Sunday"),
    ("(AP Photo) President Obama warned on Sunday that the spill was a disaster.", "Sunday"),
    ("And the president flew into New Orleans on Sunday.", "Sunday"),
    ("Oil has been spewing into the Gulf since the explosion on the rig on 20 April.", "20 April"),
    ("Shares fell after the blast of 20 April, analysts noted.", "20 April"),
    ('Obama said on Sunday the spill was "a potentially unprecedented environmental disaster".', "Sunday"),
    ("Did the company know about the leak on 20 April?", "20 April"),
]


@pytest.mark.parametrize("text,expression", PLAIN)
def test_a_plain_statement_of_the_happening_is_not_penalised(text, expression):
    assert plainness(mention(text, expression)) == 0.0


@pytest.mark.parametrize("text,expression", NOT_PLAIN)
def test_captions_datelines_quotes_questions_and_recalls_are_penalised(text, expression):
    assert plainness(mention(text, expression)) < 0.0


def test_day_closeness_follows_what_the_corpus_says_about_that_day():
    ms = (mentions_of("The rig exploded on 20 April in the Gulf, killing 11 workers.", "a")
          + mentions_of("The Deepwater Horizon rig exploded in the Gulf on 20 April.", "b")
          + mentions_of("Officials on 20 April also met to discuss tourism budgets.", "c"))
    topic = Topic(ms)
    on_day = {m.article: topic.day_closeness(m, "2010-04-20") for m in ms}
    assert on_day["a"] > on_day["c"] and on_day["b"] > on_day["c"]
    assert topic.day_closeness(ms[0], "2010-04-21") == 0.0  # no sentence dated that day
