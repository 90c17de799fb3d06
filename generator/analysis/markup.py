"""Markdown -> safe HTML, and the plain text the tagger reads, kept aligned.

Raw HTML in an article is shown as text, never passed through, and links may
only use safe schemes; so whatever an article contains, the page cannot run
script. The plain text is the concatenation of the HTML's text nodes (entities
decoded, a blank line after each block), with, for every plain character, its
position in the HTML: that is how a temporal expression found in the text is
marked in the page (site/articles.py) without the Python writing any markup
of its own.
"""

from __future__ import annotations

import html as htmllib
import re
import threading
from array import array
from dataclasses import dataclass
from xml.etree.ElementTree import Element

import markdown
from markdown import util
from markdown.extensions import Extension
from markdown.preprocessors import NormalizeWhitespace
from markdown.treeprocessors import Treeprocessor

from ..links import safe_url
from ..model import Steps
from .plain_markdown import simple_html

_BLOCK_END = re.compile(r"^</(p|h[1-6]|li|blockquote|pre|figcaption|td|th|dt|dd)>$|^<(br|hr)\s*/?>$", re.I)
_TOKEN = re.compile(r"<[^>]*>|[^<]+")
_ENTITY = re.compile(r"&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


class _LinkSanitiser(Treeprocessor):
    def run(self, root: Element) -> None:
        for el in root.iter():
            for attr in ("href", "src"):
                if attr in el.attrib and not safe_url(el.attrib[attr]):
                    el.attrib[attr] = "#"
                    el.set("data-unsafe-link", "removed")


class _Needing:
    """An inline pattern's compiled expression that is not searched through a
    text lacking every character its matches must hold. Python-Markdown
    tries each inline pattern on each paragraph; a few of them open with a
    lookbehind or a group, so the search tries every position: a kilobyte of
    prose without one backtick cost 0.4 ms for `backtick` alone. Without the
    character there is no match, so the result is the same."""

    __slots__ = ("regex", "chars")

    def __init__(self, regex: re.Pattern, chars: str | tuple[str, ...]):
        self.regex, self.chars = regex, chars

    def finditer(self, data: str, pos: int = 0):
        if any(c in data for c in self.chars):
            return self.regex.finditer(data, pos)
        return iter(())

    def search(self, data: str, *args):
        return self.regex.search(data, *args) if any(c in data for c in self.chars) else None

    def match(self, data: str, *args):
        return self.regex.match(data, *args) if any(c in data for c in self.chars) else None

    def __getattr__(self, name: str):
        return getattr(self.regex, name)


# Inline pattern -> the characters one of which each of its matches holds
# (Python-Markdown 3.7's expressions: "`" in both branches of `backtick`, "["
# in the links', "*" or "_" in `not_strong`).
_NEEDS = {"backtick": "`", "reference": "[", "link": "[", "short_reference": "[", "not_strong": "*_"}
# The same for the block processors' tests, which every block goes through
# ("#" for a heading, ">" for a quote, a line break under a setext heading,
# "-", "_" or "*" for a rule, "]:" for a link reference's definition, whose
# pattern opens with "^" in multi-line mode and so was tried at every
# position of every paragraph: 0.03 ms an article); (processor, its
# attribute) -> characters (or strings).
_BLOCK_NEEDS: dict[tuple[str, str], str | tuple[str, ...]] = {
    ("hashheader", "RE"): "#", ("quote", "RE"): ">", ("setextheader", "RE"): "\n", ("hr", "SEARCH_RE"): "-_*",
    ("reference", "RE"): ("]:",)}


_SPACES_LINE = re.compile(r"(?<=\n) +\n")


class _NormalizeWhitespace(NormalizeWhitespace):
    """Python-Markdown's (3.7) first step, the same text: its last
    substitution, re.sub(r"(?<=\n) +\n", "\n", source), opens with a
    lookbehind, so it is tried at every position of the article (0.05 ms an
    article); every match holds " \n", and a source without one (most) is
    not searched."""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        source = source.replace(util.STX, "").replace(util.ETX, "")
        source = source.replace("\r\n", "\n").replace("\r", "\n") + "\n\n"
        source = source.expandtabs(self.md.tab_length)
        if " \n" in source:
            source = _SPACES_LINE.sub("\n", source)
        return source.split("\n")


class SafeMarkdown(Extension):
    """Escape raw HTML and neutralise javascript:/data: links."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.register(_NormalizeWhitespace(md), "normalize_whitespace", 30)  # (replaces the library's)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_LinkSanitiser(md), "link_sanitiser", 0)
        for name, chars in _NEEDS.items():
            pattern = md.inlinePatterns[name]
            pattern.compiled_re = _Needing(pattern.compiled_re, chars)
        for (name, attr), needed in _BLOCK_NEEDS.items():
            processor = md.parser.blockprocessors[name]
            setattr(processor, attr, _Needing(getattr(processor, attr), needed))


# Inline pattern -> characters one of which the source must hold for the
# pattern to match anywhere in it (Python-Markdown 3.7). Python-Markdown
# tries every inline pattern on every text node, so a text without any "`",
# "\\", "!", "<", "&" or "_" (most news) pays for ten patterns that cannot
# match: they are left out of the converter that renders it. The text nodes
# hold only the source's characters (less the block markup) and the
# library's placeholders (STX, ETX, letters and digits), so the result is the
# same. The line break ("  \n") also comes from a tab, which is expanded.
_INLINE_NEEDS = (("backtick", "`"), ("escape", "\\"), ("reference", "["), ("link", "["), ("image_link", "!"),
                 ("image_reference", "!"), ("short_reference", "["), ("short_image_ref", "!"), ("autolink", "<"),
                 ("automail", "<"), ("linebreak", ""), ("entity", "&"), ("not_strong", "*_"), ("em_strong", "*"),
                 ("em_strong2", "_"))
_CONVERTERS_KEPT = 32


def _unused_patterns(source: str) -> tuple[str, ...]:
    """The inline patterns that cannot match anywhere in `source`."""
    out = [name for name, chars in _INLINE_NEEDS if chars and not any(c in source for c in chars)]
    if "  " not in source and "\t" not in source:
        out.append("linebreak")
    return tuple(out)


# Converters per thread, one for each set of inline patterns left out, reset
# before each text (Markdown.reset is how the library reuses an instance):
# building a converter cost a sixth of the conversion. A converter holds no
# data between texts, only its fixed set-up, so a long-running preview keeps
# nothing stale in it.
_CONVERTERS = threading.local()


def _converter(unused: tuple[str, ...]) -> markdown.Markdown:
    known = getattr(_CONVERTERS, "by_unused", None)
    if known is None or len(known) > _CONVERTERS_KEPT:
        known = _CONVERTERS.by_unused = {}
    md = known.get(unused)
    if md is None:
        md = known[unused] = markdown.Markdown(extensions=[SafeMarkdown(), "sane_lists"], output_format="html")
        for name in unused:
            md.inlinePatterns.deregister(name)
    return md


def render_markdown(source: str) -> str:
    """The article's HTML: made directly for the plainest articles (most news:
    plain_markdown.simple_html, the library's HTML for them at a fifth of
    the cost), by Python-Markdown for any other."""
    html = simple_html(source)
    if html is not None:
        return html
    return _converter(_unused_patterns(source)).reset().convert(source)


@dataclass(frozen=True)
class PlainText:
    """The text, and for each of its characters its index in the HTML and
    its text run, as pieces (model.Steps): what an Analysis keeps. The same
    two sequences as arrays of ints (`offsets`, `runs`) are made only when
    asked for: the analysis reads neither (building them cost a third of
    plain_text)."""

    text: str
    offset_steps: Steps  # len(text) + 1 entries: html index where each char starts
    run_steps: Steps  # text-run id of each char (-1 for block separators)

    @property
    def offsets(self) -> array:
        return array("i", self.offset_steps)

    @property
    def runs(self) -> array:
        return array("i", self.run_steps)


class _Pieces:
    """A Steps sequence as it is made: a new piece only where the next value
    does not continue the last piece."""

    def __init__(self) -> None:
        self.starts, self.firsts, self.slopes = array("i"), array("i"), array("i")
        self.size = 0

    def add(self, first: int, slope: int, n: int) -> None:
        """n values from `first`, growing by `slope` (0 or 1)."""
        if n <= 0:
            return
        if self.starts:
            start, last, last_slope = self.starts[-1], self.firsts[-1], self.slopes[-1]
            if self.size - start == 1 and last + slope == first:  # a lone value takes the slope of what follows
                self.slopes[-1] = last_slope = slope
            if last + (self.size - start) * last_slope == first and (n == 1 or slope == last_slope):
                self.size += n
                return
        self.starts.append(self.size)
        self.firsts.append(first)
        self.slopes.append(slope)
        self.size += n

    def steps(self) -> Steps:
        return Steps(self.starts, self.firsts, self.slopes, self.size)


def plain_text(html: str) -> PlainText:
    pieces: list[str] = []
    offset_steps, run_steps = _Pieces(), _Pieces()
    run = 0

    def add(text: str, start: int) -> None:  # text copied from html[start:]
        pieces.append(text)
        offset_steps.add(start, 1, len(text))
        run_steps.add(run, 0, len(text))

    for tok in _TOKEN.finditer(html):
        s = tok.group(0)
        if s[0] == "<":
            run += 1
            if _BLOCK_END.match(s) and pieces and pieces[-1][-1] != "\n":
                pieces.append("\n\n")
                offset_steps.add(tok.end(), 0, 2)
                run_steps.add(-1, 0, 2)
            continue
        base = tok.start()
        if "&" not in s:
            add(s, base)
            continue
        pos = 0
        for em in _ENTITY.finditer(s):
            if em.start() > pos:
                add(s[pos:em.start()], base + pos)
            decoded = htmllib.unescape(em.group(0))
            pieces.append(decoded)
            offset_steps.add(base + em.start(), 0, len(decoded))
            run_steps.add(run, 0, len(decoded))
            pos = em.end()
        if pos < len(s):
            add(s[pos:], base + pos)
    offset_steps.add(len(html), 0, 1)
    return PlainText("".join(pieces), offset_steps.steps(), run_steps.steps())
