"""The per-article analysis's fast paths give what the plain way gives.

Each fast path replaces a slow but obvious computation (a translation table,
a case-insensitive search of every line) by a cheaper one that must agree
with it on every input: checked here on all of Unicode, on the furniture
rules' own examples and on real sentences (the seeds and Timeline17).
"""

from __future__ import annotations

import functools
import random
import re
import tomllib
import typing

from generator.analysis.furniture import _QUOTED, is_first_person, is_furniture_line
from generator.analysis.mentions import whole_words
from generator.resources import language_resources
from generator.temporal import _SPACES
from generator.temporal.extract import _ASCII_LOWER, lower_ascii
from tests.support import shared_dir
from tests.support.timeline17 import detokenize

F = language_resources().furniture
EVERY_CHARACTER = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
_OLD_SPACES = str.maketrans({c: " " for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                                             "\u2009\u200a\u202f\u205f\u3000"})
TRICKY = "aZ .—’€É\u0130\u0131\u017f\u212aK\u00a0\u2005\u3000\u205fßΣς\U0001f600ǅ"


def test_lower_ascii_lowers_a_to_z_only_on_all_of_unicode():
    assert lower_ascii(EVERY_CHARACTER) == EVERY_CHARACTER.translate(_ASCII_LOWER)
    rng = random.Random(17)
    for _ in range(20000):
        s = "".join(rng.choice(TRICKY) for _ in range(rng.randint(0, 8)))
        assert lower_ascii(s) == s.translate(_ASCII_LOWER), repr(s)


def test_unusual_spaces_become_plain_spaces_on_all_of_unicode():
    assert _SPACES.sub(" ", EVERY_CHARACTER) == EVERY_CHARACTER.translate(_OLD_SPACES)


def _searched_whole(sentence: str) -> bool:
    return any(rule.pattern.search(sentence) for rule in F.lines)


def _sentences() -> list[str]:
    """Story and furniture lines: the rules' examples, the seeds and 150 Timeline17 articles."""
    return list(_read_sentences())


@functools.cache
def _read_sentences() -> tuple[str, ...]:
    out = []
    for rule in F.lines:
        out += [ex["text"] for ex in rule.examples] + list(rule.not_examples)
    shared = shared_dir()
    for path in sorted((shared / "seeds").glob("*.txt")):
        out += path.read_text(encoding="utf-8").splitlines()
    t17 = shared / "data" / "timeline17"
    for path in sorted(t17.glob("*_guardian/InputDocs/*/*.txt"))[:150]:
        out += [detokenize(x) for x in path.read_text(encoding="utf-8", errors="replace").splitlines()]
    return tuple(s for s in out if s.strip())


def test_filtered_furniture_lines_are_the_searched_ones():
    sentences = _sentences()
    assert sum(map(_searched_whole, sentences)) >= 10  # the test sees furniture, not only story
    for s in sentences:
        assert is_furniture_line(s, F) == _searched_whole(s), s
        # A case-insensitive pattern matches "ı" and "İ" as "i", "ſ" as "s":
        # the filter must not turn such a line down.
        for a, b in (("s", "\u017f"), ("i", "\u0131"), ("i", "\u0130"), ("k", "\u212a")):
            twisted = s.replace(a, b)
            assert is_furniture_line(twisted, F) == _searched_whole(twisted), twisted


def test_story_parts_with_the_article_rules_are_those_with_every_rule():
    """furniture.article_rules leaves out the rules an article cannot match
    (their `needs` or required strings absent): each sentence's story part
    is what trying every rule gives, on the rules' examples and real news;
    and so is what furniture.StoryParts makes when asked for it."""
    from generator.analysis import sentences
    from generator.analysis.furniture import StoryParts, article_rules, story_part

    texts = [ex["text"] for r in (*F.prefixes, *F.lines) for ex in r.examples]
    texts += [" ".join(_sentences()[i : i + 40]) for i in range(0, len(_sentences()), 40)]
    texts += [t.replace("i", "\u0131") for t in texts[:50]]  # a dotless i: every line rule kept
    assert sum(story_part(t, (0, len(t)), F) != (0, len(t)) for t in texts) >= 10
    for text in texts:
        rules = article_rules(text, F)
        spans = sentences.split(text)
        for span in spans:
            assert story_part(text, span, F, None, rules) == story_part(text, span, F), text[span[0] : span[1]]
        # made as asked for, in any order and more than once: the same parts
        parts = StoryParts(text, spans, F, None, rules)
        assert len(parts) == len(spans)
        for i in [*reversed(range(len(spans))), *range(len(spans))]:
            assert parts[i] == story_part(text, spans[i], F), text[spans[i][0] : spans[i][1]]


def test_prefixes_cut_as_trying_every_rule_cuts():
    """strip_prefixes skips a rule every match of which holds a digit where
    the rest of the sentence has none: the same cut as trying every rule,
    with other scripts' digits too (what "\\d" matches)."""
    from generator.analysis.furniture import strip_prefixes

    def plain(sentence: str) -> int:
        cut, changed = 0, True
        while changed:
            changed = False
            for rule in F.prefixes:
                if rule.needs and rule.needs not in sentence[cut : cut + 260]:
                    continue
                m = rule.pattern.match(sentence[cut:])
                if m and m.end() > 0:
                    cut, changed = cut + m.end(), True
        return cut

    assert any(r.digit for r in F.prefixes) and not all(r.digit for r in F.prefixes)
    texts = [ex["text"] for r in F.prefixes for ex in r.examples] + list(_sentences())
    digits = str.maketrans("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669")
    texts += [t.translate(digits) for t in texts[:200]]
    assert sum(plain(t) > 0 for t in texts) >= 10
    for text in texts:
        assert strip_prefixes(text, F) == plain(text), text


def test_first_person_is_what_the_plain_pattern_finds_outside_quotes():
    """The first-person words' pattern (first letter, then the look behind
    it) and the search of the sentence as it is, before its quotations are
    blanked, against the plain pattern on the blanked sentence."""
    from tests.support import ROOT

    with (ROOT / "generator" / "data" / "en" / "furniture.toml").open("rb") as fh:
        words = tomllib.load(fh)["first_person"]["words"]
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    plain = re.compile(rf"(?<![\w’'])(?:{alternation})(?![\w’'])")
    sentences = _sentences() + list(F.first_person_examples[0]) + list(F.first_person_examples[1])
    assert sum(bool(plain.search(_QUOTED.sub(" ", s))) for s in sentences) >= 10
    rng = random.Random(15)
    pieces = [*words, "a", "my", " ", "'", "’", "‘", "“", "”", '"', "``", "''", ".", "é", "_", "1"]
    sentences += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 9))) for _ in range(50000)]
    for s in sentences:
        assert is_first_person(s, F) == bool(plain.search(_QUOTED.sub(" ", s))), s


def test_whole_words_are_what_a_word_bounded_search_finds():
    texts = _sentences()
    names = sorted({w for t in texts[:400] for w in re.findall(r"[A-Z][\w’'-]*", t)})[:300]
    text = " ".join(texts)
    assert len(names) > 100
    for name in names:
        assert list(whole_words(text, name)) == [m.span() for m in re.finditer(rf"\b{re.escape(name)}\b", text)]
    rng = random.Random(15)
    for _ in range(50000):
        name = rng.choice("AÉ") + "".join(rng.choice("aA-é_1") for _ in range(rng.randint(0, 3)))
        text = "".join(rng.choice(["A", "a", "É", "-", "_", " ", ".", "1", "’", "\u00b2", name]) for _ in range(12))
        assert list(whole_words(text, name)) == [m.span() for m in re.finditer(rf"\b{re.escape(name)}\b", text)]


def test_tidy_is_the_plain_chain_of_substitutions():
    """headline_text.tidy folds white space with split() and skips the patterns
    that need a space before a mark where there is none: the same as the
    plain chain of substitutions, on real sentences and on random ones."""
    from generator.analysis import headline_text as h

    def plain(title: str) -> str:
        title = h._SPACE_RUN.sub(" ", title).strip()
        title = h._SPACE_BEFORE_STOP.sub(r"\1", title)
        title = h._DOUBLE_COMMA.sub(",", title)
        title = h._EMPTY_BRACKETS.sub("", title)
        title = h._DANGLING_AND.sub("", title)
        title = h._ASIDE_WORDS.sub("", title)
        return title.strip(" ,;:")

    rng = random.Random(15)
    pieces = ["and", "or", "also", "a", " ", "  ", "\t", "\n", "\u00a0", "\u2005", ",", ".", ";", ":", "!", "(", ")",
              "( )", "()", "[", ", also,", ", however ,"]
    texts = _sentences() + ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(50000)]
    for text in texts:
        assert h.tidy(text) == plain(text), text


def test_headline_helpers_are_their_plain_forms():
    """comma_pieces visits only commas and quotation marks; _without_intro
    searches from the sixth word from the end, or from the last word that is
    none of the pattern's; both against the plain way, on real sentences and
    random ones."""
    from generator.analysis import headline_text as h

    def pieces(text: str, a: int, b: int, timexes=None) -> list[tuple[int, int]]:
        out, start, quoted = [], a, False
        inside = {i for x in timexes or () if a <= x.start and x.end <= b for i in range(x.start, x.end)}
        for i in range(a, b):
            ch = text[i]
            if ch in "“”\"":
                quoted = not quoted if ch == '"' else ch == "“"
            elif ch == "," and not quoted and i not in inside \
                    and not (text[i - 1 : i].isdigit() and text[i + 1 : i + 2].isdigit()):
                out.append((start, i))
                start = i + 1
        out.append((start, b))
        return out

    class Span(typing.NamedTuple):  # what comma_pieces reads of a Timex
        start: int
        end: int

    rng = random.Random(15)
    words = ["on", "in", "the", "at", "end", "of", "early", "nearly", "mid", "Later", "ON", "ſince", "ın", "x", "1",
             ",", "“", "”", '"', "-", "held", "bathe", "amid", "x-on", "by", "late", "since", "b", "s", "on,"]
    spaces = ["", " ", " ", "  ", "\n", "\t"]
    texts = _sentences() + ["".join(rng.choice(words) + rng.choice(spaces) for _ in range(rng.randint(0, 12)))
                            for _ in range(50000)]
    for text in texts:
        assert h._without_intro(text) == h._DATE_INTRO.sub("", text), text
        a = rng.randint(0, len(text))
        b = rng.randint(a, len(text))
        spans = [Span(x, x + rng.randint(1, 8)) for x in sorted(rng.sample(range(len(text) + 1), min(3, len(text))))]
        assert h.comma_pieces(text, 0, len(text)) == pieces(text, 0, len(text)), text
        assert h.comma_pieces(text, a, b) == pieces(text, a, b), text
        assert h.comma_pieces(text, a, b, spans) == pieces(text, a, b, spans), (text, spans)  # type: ignore[arg-type]


def test_vocabulary_lookups_are_their_plain_forms():
    """keywords and has_trigger read tables kept on the vocabulary, and a
    clause without any word a projection cue needs is not searched: against
    the plain computations."""
    from generator.analysis.clauses import _PAST_VERB, projected
    from generator.analysis.words import WORD, has_trigger, is_event_noun, is_trigger, keywords, stem

    v = language_resources().vocab

    def plain_keywords(sentence: str) -> tuple[str, ...]:
        words = map(str.lower, WORD.findall(sentence))
        return tuple(sorted({stem(lw) for lw in words if len(lw) >= 3 and lw not in v.stopwords}))

    def plain_trigger(text: str, verbs_only: bool) -> bool:
        return any(is_trigger(w, v) and not (verbs_only and is_event_noun(w, v)) for w in WORD.findall(text))

    def plain_projected(clause: str, at: int) -> bool:
        return any(m.start() > at or not _PAST_VERB.search(clause[m.end() : at]) for m in v.projection.finditer(clause))

    assert v.projection_needs
    rng = random.Random(15)
    words = ["The", "summit", "summits", "met", "’s", "'s", "will", "have", "been", "WILL", "wıll", "May", "hopes",
             "likely", "to", "said", "İstanbul", "ſummit", "attacks", "a", "of", "-", "elections", "voted"]
    texts = _sentences() + [" ".join(rng.choice(words) for _ in range(rng.randint(0, 10))) for _ in range(50000)]
    for text in texts:
        assert keywords(text, v) == plain_keywords(text), text
        assert has_trigger(text, v) == plain_trigger(text, False), text
        assert has_trigger(text, v, True) == plain_trigger(text, True), text
        at = rng.randint(0, len(text))
        assert projected(text, at, v) == plain_projected(text, at), text


def test_span_cue_read_backwards_is_the_span_cue_search():
    from generator.analysis.words import ends_with_span_cue
    from tests.support import ROOT

    v = language_resources().vocab
    with (ROOT / "generator" / "data" / "en" / "events.toml").open("rb") as fh:
        cues = tomllib.load(fh)["span_cues"]
    rng = random.Random(15)
    words = [*cues, "the", "at", "least", "At", "LEAST", "Since", "ſince", "UNTIL", "ıt", "a", "x", "(", "-", ",", "1"]
    spaces = [" ", "  ", "\n", "\t", "", " \n"]
    texts = [s[-40:] for s in _sentences()] + [
        "".join(rng.choice(words) + rng.choice(spaces) for _ in range(rng.randint(0, 6))) for _ in range(100000)]
    assert sum(bool(v.span_cue.search(t)) for t in texts) > 1000
    for text in texts:
        assert ends_with_span_cue(text, v) == bool(v.span_cue.search(text)), text


def test_shouting_counts_lower_case_as_islower_does():
    from generator.analysis.furniture import is_shouting

    def plain(sentence: str) -> bool:
        if sum(map(str.islower, sentence[:60])) > 12:
            return False
        upper, lower = sum(map(str.isupper, sentence)), sum(map(str.islower, sentence))
        if len(sentence.split()) < F.shout_min_words or not upper + lower:
            return False
        return upper / (upper + lower) >= F.shout_min_upper

    rng = random.Random(15)
    texts = _sentences() + list(F.shout_examples[0]) + list(F.shout_examples[1]) + [
        "".join(rng.choice("aAbB  \nxyZé1.ßΣ") for _ in range(rng.randint(0, 80))) for _ in range(50000)]
    assert sum(map(plain, texts)) > 10
    for text in texts:
        assert is_shouting(text, F) == plain(text), text


MARKDOWN_SAMPLES = [
    "Plain prose, with no markup at all.\n\nA second paragraph.",
    "Some `code` and ``double `tick` code`` and \\`escaped\\` and \\\\`after two backslashes`.",
    "A [link](https://example.org \"title\"), a [reference][r], a [short] one and ![an image](a.png).\n\n"
    "[r]: https://example.org/r\n[short]: /s",
    "*em*, **strong**, ***both***, _em_, __strong__, a * lone star *, a _ lone _ underscore, snake_case_word.",
    "<https://example.org/auto> and <someone@example.org>, &amp; &#169; &copy; and a raw <b>tag</b>.",
    "Two trailing spaces  \nmake a break; `unclosed backtick and [unclosed bracket and *unclosed star.",
    "- item with `code`\n- item with [link](/x)\n\n1. one\n2. two *em*\n\n> quoted [ref][r]\n\n    indented code `x`",
    "[javascript](javascript:alert(1)) and [data](data:text/html,x) links, `<script>` in code.",
    "# Heading\n\n## Second ##\n\nSetext\n======\n\nAnother\n---\n\n***\n\n- - -\n\n___\n\n"
    "> quote\n> > nested\n\nText # not a heading, a > b, x - y * z _ w.\nSecond line\n\n#hashtag",
    "Before a definition\n  [Id]: <https://example.org/x> 'title'\nafter it, [the link][id].\n\n> [q]:\n> /q (t)\n\n"
    "[no]  : definition, a]: b, [x]:y and [z]: w \"open",
]


def _markdown_texts() -> list[str]:
    from tests.support import ROOT

    texts = list(MARKDOWN_SAMPLES)
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "content" / "articles").glob("*.md"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((shared_dir() / "seeds").glob("*.txt"))]
    t17 = shared_dir() / "data" / "timeline17"
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(t17.glob("*_bbc/InputDocs/*/*.txt"))[:40]]
    return texts


def test_the_shared_converter_renders_what_a_fresh_plain_one_renders():
    """One converter reused for every text, with the inline patterns that need
    a character skipped where it is absent, against a new converter per text
    with Python-Markdown's own patterns."""
    from generator.analysis.markup import render_markdown

    for text in _markdown_texts():
        expected = _library_converter().convert(text)
        assert render_markdown(text) == expected, text[:200]
        assert render_markdown(text) == expected  # and again, after another text has been through it


def _library_converter():
    """Python-Markdown set up as markup's converters are, without any of
    markup's shortcuts."""
    import markdown

    from generator.analysis.markup import _BLOCK_NEEDS, _NEEDS, SafeMarkdown

    plain = markdown.Markdown(extensions=[SafeMarkdown(), "sane_lists"], output_format="html")
    for name in _NEEDS:
        plain.inlinePatterns[name].compiled_re = plain.inlinePatterns[name].compiled_re.regex
    for name, attr in _BLOCK_NEEDS:
        processor = plain.parser.blockprocessors[name]
        setattr(processor, attr, getattr(processor, attr).regex)
    return plain


_PLAIN_PIECES = ["word", "Word", "two words", "COPPERFIELD —", "“quoted”", '"said"', "(aside)", "£30.1 billion",
                 "Sept. 17, 2008.", "it's", "1.5", "**Strong**", "**two strong**", "*em*", "*an em*",
                 "[a link](https://example.com/a/1)", "[link](http://x.org)",
                 "[t](/local/path.html)", "[t](https://e.com/a?b=c#d)", "?", "!", "#", ":", "—", "-", "–", "%", "+",
                 "é", "ß", "€", "=", "/", ";", ")", "("]
_POISON_PIECES = ["<", "a<b", "*a>b*", "[x>y](u)", "**a>**", "**a***b*", "x*y",
                  "[bad](javascript:alert)", "_em_", "__strong__",
                  "snake_case_word", "`code`", "*", "**", "***", "_", "__", "[", "]", "]:", "![x](y)", "`", "\\",
                  "\\*", "<b>", "<x@y.z>", "&", "&amp;", "> ", ">", "#", "# ", "## ", "- ", "* ", "+ ", "1. ",
                  "12. ", "---", "***", "  ", " ", "\t", "\r", "\x02", "\x03", "[ref]", "[ref][r]", "* em *",
                  "** s **", "*em**", "**a*b**", "[t]( https://e.com)", '[t](https://e.com "title")', "[ t](u)",
                  "[t](<u>)", "===", "[a [b] c](u)"]


def _random_markdown(rng: random.Random) -> str:
    blocks = []
    for _ in range(rng.randint(1, 6)):
        kind = rng.choice(["", "", "> ", "## ", "# ", "###### ", "- "])
        lines = rng.randint(2, 3) if kind == "- " else 1
        block = []
        for _ in range(lines):
            words = [rng.choice(_POISON_PIECES if rng.random() < 0.02 else _PLAIN_PIECES)
                     for _ in range(rng.randint(1, 7))]
            block.append(kind + " ".join(words))
        blocks.append("\n".join(block))
    return rng.choice(["", "\n", "\n\n"]) + rng.choice(["\n\n", "\n\n", "\n\n\n", "\n"]).join(blocks) + \
        rng.choice(["", "\n", " ", "\n\n"])


def test_the_plainest_articles_are_written_as_the_library_writes_them():
    """plain_markdown.simple_html against Python-Markdown on a generated news
    corpus, the seeds, Timeline17's articles and random documents of the
    forms it writes (paragraphs, quotes, headings, lists; emphasis, strong
    emphasis, links) mixed with what must send a document to the library."""
    import tempfile
    from pathlib import Path

    from generator.analysis.plain_markdown import simple_html
    from tests.support import make_corpus
    from tests.support.timeline17 import convert

    texts = _markdown_texts()
    with tempfile.TemporaryDirectory() as tmp:
        make_corpus(150, "plain", Path(tmp) / "news", "News")
        texts += [p.read_text(encoding="utf-8").split("\n---\n", 1)[1]
                  for p in sorted((Path(tmp) / "news" / "content" / "articles").glob("*.md"))]
        convert(sorted((shared_dir() / "data" / "timeline17").glob("bpoil_*"))[:2], Path(tmp) / "t17")
        texts += [p.read_text(encoding="utf-8").split("\n---\n", 1)[1]
                  for p in sorted((Path(tmp) / "t17" / "content" / "articles").glob("*.md"))[:300]]
    rng = random.Random(37)
    texts += [_random_markdown(rng) for _ in range(20000)]
    library = _library_converter()
    written = 0
    for text in texts:
        html = simple_html(text)
        if html is not None:
            written += 1
            assert html == library.reset().convert(text), text
    assert written > 5000 and written < len(texts) - 5000


def test_openers_are_tried_only_after_an_openers_first_word():
    """headline_text.without_opener skips the openers' pattern when the
    text's leading letters are no opener's first word: the same text as the
    pattern's substitution, on real sentences, the openers themselves and
    random openings (other cases, no space after, letters the pattern folds
    to ASCII ones)."""
    from generator.analysis.headline_text import without_opener
    from tests.support import ROOT

    rules = language_resources().headlines
    with (ROOT / "generator" / "data" / "en" / "headlines.toml").open("rb") as fh:
        openers = tomllib.load(fh)["openers"]
    assert rules.opener_words and len(rules.opener_words) > 20
    rng = random.Random(15)
    words = [*openers, *(o.upper() for o in openers), *(o.lower() for o in openers), "The", "x", "Inn", "In2",
             "In_", "Since", "ſince", "ſo", "ın", "İn", "\u212aey", ",", ":", " ", "", "  ", "\n", "“", "-", "1"]
    texts = _sentences() + openers + [
        "".join(rng.choice(words) + rng.choice(["", " ", ", ", ": ", "\n"]) for _ in range(rng.randint(0, 4)))
        for _ in range(50000)]
    for text in texts:
        assert without_opener(text, rules) == rules.openers.sub("", text), text


def test_shifted_expressions_are_their_replaced_copies():
    """headlines._shifted makes an expression again from its fields: the
    same value, fields in the same order (the same pickle) and hash as
    dataclasses.replace makes, on the expressions of real sentences."""
    import dataclasses
    import pickle
    from datetime import date

    from generator.analysis.headlines import _shifted
    from generator.temporal import tag

    text = " ".join(_sentences()[:400])
    timexes = tag(text, date(2010, 6, 1), rules=language_resources().temporal)
    assert len(timexes) > 50 and any(t.when for t in timexes) and any(t.tense for t in timexes)
    for t in timexes:
        for s in (0, t.start // 2, t.start):
            plain = dataclasses.replace(t, start=t.start - s, end=t.end - s)
            fast = _shifted(t, s)
            assert fast == plain and hash(fast) == hash(plain) and pickle.dumps(fast) == pickle.dumps(plain)
            assert (fast.start, fast.end) == (t.start - s, t.end - s)


def test_whitespace_step_is_the_librarys():
    """markup._NormalizeWhitespace searches for spaces before a line break
    only in a source that holds one: the same lines as Python-Markdown's
    own step, on the seed articles and random white space."""
    import markdown
    from markdown.preprocessors import NormalizeWhitespace

    from generator.analysis.markup import _NormalizeWhitespace
    from tests.support import ROOT

    md = markdown.Markdown()
    ours, theirs = _NormalizeWhitespace(md), NormalizeWhitespace(md)
    rng = random.Random(15)
    pieces = [" ", "  ", "\n", "\r", "\r\n", "\t", "a", "\x02", "\x03", "\u00a0", "*"]
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "content" / "articles").glob("*.md"))]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 16))) for _ in range(50000)]
    for text in texts:
        assert ours.run(text.split("\n")) == theirs.run(text.split("\n")), repr(text)


def _name_runs_reading_every_token(sentence: str, connectors: frozenset[str],
                                   skip: tuple[tuple[int, int], ...] = ()) -> list[list[tuple[int, int, str]]]:
    """names.name_runs as it was: every token of the sentence read in turn."""
    from generator.analysis.names import _BREAK, _INITIALS, _TOKEN, _clean

    tokens = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(sentence)
              if not any(a <= m.start() < b for a, b in skip)]
    runs: list[list[tuple[int, int, str]]] = []
    current: list[tuple[int, int, str]] = []
    previous = ""
    for i, (pos, end, raw) in enumerate(tokens):
        capitalised = raw[:1].isupper()
        if not current:
            if capitalised:
                current.append((pos, end, _clean(raw)))
                previous = raw
            continue
        after = current[-1][1]
        gap_ok = not _BREAK.search(sentence[after:pos]) and not any(a < pos and b > after for a, b in skip)
        if previous.endswith(("'s", "’s")) or (previous.endswith(".") and len(previous) > 4
                                               and not _INITIALS.fullmatch(previous)):
            gap_ok = False
        if capitalised:
            if not gap_ok:
                runs.append(current)
                current = []
            current.append((pos, end, _clean(raw)))
            previous = raw
            continue
        if gap_ok and i < len(tokens) - 1 and tokens[i + 1][2][:1].isupper() and _clean(raw) in connectors:
            current.append((pos, end, _clean(raw)))
            previous = raw
            continue
        runs.append(current)
        current = []
    if current:
        runs.append(current)
    return runs


def test_name_runs_are_those_read_token_by_token():
    """names.name_runs reads only the capitalised tokens (and the tokens
    between two of them while a run is open): the same runs as reading every
    token, on real sentences with their temporal expressions skipped, with
    random spans skipped, and on random strings of name-like pieces."""
    from datetime import date

    from generator.analysis.names import name_runs
    from generator.temporal import tag

    connectors = language_resources().gazetteer.connectors
    rng = random.Random(23)
    sentences = _sentences()
    temporal = language_resources().temporal
    cases = []
    for s in sentences:
        cases.append((s, tuple((t.start, t.end) for t in tag(s, date(2010, 6, 1), rules=temporal))))
        spans = sorted(rng.randrange(len(s) + 1) for _ in range(2 * rng.randint(0, 2)))
        cases.append((s, tuple(zip(spans[::2], spans[1::2], strict=True))))
    pieces = ["Putin", "of", "Of", "van", "al", "de", "the", "said", "U.S.", "Mr.", "Smith's", "Russia’s", "3M", "x3M",
              "iPhone", "-", " - ", ",", ".", ". ", "’", "'", "&", "+", "1.5bn", "A.", "B.C.", "Moscow.", "Jr.", "\n",
              "(", ")", "“", "—", "é", "Éric", "O'Neil", "bin", "Laden", "St.", " ", "  ", "9", "x"]
    for _ in range(30000):
        s = "".join(rng.choice(pieces) + rng.choice(["", " ", " ", ", "]) for _ in range(rng.randint(0, 12)))
        spans = sorted(rng.randrange(len(s) + 1) for _ in range(2 * rng.randint(0, 2)))
        cases.append((s, tuple(zip(spans[::2], spans[1::2], strict=True))))
    assert sum(len(_name_runs_reading_every_token(s, connectors, k)) > 1 for s, k in cases) > 1000
    assert sum(any(len(r) > 2 for r in _name_runs_reading_every_token(s, connectors, k)) for s, k in cases) > 100
    for s, skip in cases:
        assert name_runs(s, connectors, skip) == _name_runs_reading_every_token(s, connectors, skip), (s, skip)


def test_analyses_pickle_as_their_constructors_calls(tmp_path):
    """The model's slotted classes pickle as their constructor and fields
    (generator/slotted.py), as the analyses come back from the worker
    processes: each seed article's analysis loads equal to itself, its
    mentions' expressions still the very objects of its list of
    expressions, and each object made again by its own class; a class whose
    __post_init__ checks its fields is refused (the check would run on every
    load)."""
    import dataclasses
    import pickle

    import pytest

    from generator.model import Mention, Steps
    from generator.slotted import pickled_by_fields
    from tests.support import seed_project
    from tests.support.projects import analysed

    _, _, analyses, _ = analysed(seed_project(tmp_path))
    assert analyses and all(a.mentions for a in analyses)
    for a in analyses:
        back = pickle.loads(pickle.dumps(a, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == a and back is not a
        assert all(any(m.timex is t for t in back.timexes) for m in back.mentions)
        assert type(back.mentions[0]) is Mention and type(back.offsets) is Steps
        assert Mention.__reduce__(a.mentions[0])[0] is Mention

    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        n: int

        def __post_init__(self) -> None:
            if self.n < 0:
                raise ValueError("negative")

    with pytest.raises(TypeError, match="checks its fields"):
        pickled_by_fields(Checked)
