"""Per-article analysis: everything that reads one article and nothing else.

Markdown to safe HTML and aligned plain text (markup), sentences, temporal
expressions (generator.temporal), event mentions with their headlines
(mentions, headlines, clauses, words) and the names in them (names). The
result depends only on the article, the language resources and the
extraction settings, so it is cached by their hash (cache) and computed in a
process pool for big corpora (runner). Nothing here looks at another article:
that is the corpus stage (generator.corpus).
"""
