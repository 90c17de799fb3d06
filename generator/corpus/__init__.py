"""The corpus stage: everything that needs all the articles at once.

Spellings folded into entities (entities), mentions grouped into events
(clustering), how much the corpus cares about each (salience), the events
built with their sources and ids (merge), and the editor's overrides applied
last (overrides).
"""
