"""Furniture rules (data/en/furniture.toml): every rule's examples, and the
rules at work on the seeds and both Timeline17 development topics."""

from __future__ import annotations

import re

import pytest

from generator.analysis.furniture import (
    is_first_person,
    is_furniture_line,
    is_shouting,
    story_part,
    strip_prefixes,
)
from generator.resources import language_resources
from tests.support import ROOT, shared_dir
from tests.support.timeline17 import detokenize

F = language_resources().furniture
PREFIX_EXAMPLES = [(r.id, ex) for r in F.prefixes for ex in r.examples]
PREFIX_NOT = [(r.id, text) for r in F.prefixes for text in r.not_examples]
LINE_EXAMPLES = [(r.id, ex["text"]) for r in F.lines for ex in r.examples]
LINE_NOT = [(r.id, text) for r in F.lines for text in r.not_examples]


def test_every_rule_has_examples():
    assert all(r.examples for r in (*F.prefixes, *F.lines))


@pytest.mark.parametrize("rule_id,example", PREFIX_EXAMPLES, ids=[r for r, _ in PREFIX_EXAMPLES])
def test_prefix_is_cut(rule_id, example):
    text = example["text"]
    assert text[strip_prefixes(text, F):] == example["rest"]


@pytest.mark.parametrize("rule_id,text", PREFIX_NOT)
def test_prefix_leaves_story_alone(rule_id, text):
    assert strip_prefixes(text, F) == 0


@pytest.mark.parametrize("rule_id,text", LINE_EXAMPLES)
def test_line_is_furniture(rule_id, text):
    assert is_furniture_line(text, F)


@pytest.mark.parametrize("rule_id,text", LINE_NOT)
def test_line_rule_leaves_story_alone(rule_id, text):
    assert not is_furniture_line(text, F)


def test_first_person_and_shouting_examples():
    yes, no = F.first_person_examples
    assert all(is_first_person(t, F) for t in yes) and not any(is_first_person(t, F) for t in no)
    yes, no = F.shout_examples
    assert all(is_shouting(t, F) for t in yes) and not any(is_shouting(t, F) for t in no)


def test_story_part_of_a_wire_lead():
    text = "By Maggie Fox, Health Editor WASHINGTON | Mon Mar 2, 2009 4:23 pm EST WASHINGTON (Reuters) - Cases rose."
    s, e = story_part(text, (0, len(text)), F)
    assert text[s:e] == "Cases rose."


def _sentences(folder):
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".md", ".txt"):
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.strip() and not line.startswith(("---", "title:", "date:", "source:", "author:", "tags:")):
                    yield line.strip()


def test_the_seed_stories_are_not_furniture():
    """No sentence of the five seed articles' prose is lost (their captions,
    bylines and read-also lines were removed on import)."""
    lost = [s for s in _sentences(ROOT / "content" / "articles") if story_part(s, (0, len(s)), F) is None
            and not s.startswith(("*", "#"))]
    assert lost == []


@pytest.mark.parametrize("topic", ["H1N1", "bpoil"])
def test_datelines_and_comments_in_timeline17_are_found(topic):
    """Every wire dateline of a development topic is cut, and every line with
    a reader-comment marker is furniture (the lines are read as the corpus
    gives them, one sentence a line, detokenized as the benchmarks convert them)."""
    folders = sorted((shared_dir() / "data" / "timeline17").glob(topic + "_*"))
    lines = [detokenize(s) for d in folders for s in _sentences(d / "InputDocs")]
    datelines = [s for s in lines if re.search(r"[A-Z]{3,}(?:, [A-Z][a-z]+\.?)? \((?:Reuters|AP)\) -", s[:200])]
    assert datelines, "no datelines found: the corpus is not what this test expects"
    for s in datelines:
        cut = strip_prefixes(s, F)
        assert "(Reuters)" not in s[cut:cut + 60] and "(AP)" not in s[cut:cut + 60], s[:120]
    comments = [s for s in lines if re.search(r"\bPosted by\b", s)]
    assert comments and all(story_part(s, (0, len(s)), F) is None for s in comments)
