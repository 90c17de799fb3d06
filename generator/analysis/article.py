"""One article -> its Analysis: Markdown, plain text, sentences, temporal
expressions and event mentions.

Pure: the result depends only on the article (its text and publication
date), the language resources and the extraction settings, which is what
the cache key covers (freshness.article_key).
"""

from __future__ import annotations

import re

from ..config import ExtractionSettings
from ..model import Analysis, Article, Spans
from ..resources import Resources
from ..temporal import tag
from . import sentences
from .furniture import StoryParts, caption_ranges
from .markup import plain_text, render_markdown
from .mentions import MentionSettings, find_mentions

# A lower-case word of three characters or more, not inside another word.
# The first letter is read before the test of the character ahead of it
# ((?<![...].) after it, not (?<![...]) before it): the search then skips
# in C to the letters that can open a match. Same matches.
_LOWER_WORD = re.compile(r"[a-z](?<![\w’'-].)[a-z’'-]{2,}")


def analyse(article: Article, resources: Resources, settings: ExtractionSettings) -> Analysis:
    html = render_markdown(article.body)
    plain = plain_text(html)
    spans = sentences.split(plain.text, resources.abbreviations)
    timexes = tuple(tag(plain.text, article.date, resources.language, spans, resources.temporal))
    captions = caption_ranges(html, plain.offset_steps)
    # Each sentence asked for is tried with every furniture rule (each rule
    # filters a sentence on its own strings): a quarter of the sentences are
    # asked for, which costs less than one pass of the whole text to find the
    # rules it can match (furniture.article_rules).
    stories = StoryParts(plain.text, spans, resources.furniture, captions)
    mentions = find_mentions(article.slug, plain.text, spans, stories, timexes, resources.gazetteer,
                             resources.vocab, resources.headlines,
                             MentionSettings(settings.min_precision, settings.max_title_length,
                                             settings.include_future), article.date)
    return Analysis(
        article=article,
        html=html,
        text=plain.text,
        offsets=plain.offset_steps,
        runs=plain.run_steps,
        sentences=Spans.of(spans),
        timexes=timexes,
        mentions=tuple(mentions),
        unresolved=tuple(t for t in timexes if not t.value),
        lower_words=" ".join(sorted(set(_LOWER_WORD.findall(plain.text)))),
    )
