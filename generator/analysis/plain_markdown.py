"""The HTML Python-Markdown (3.7, as markup.render_markdown sets it up)
makes of the plainest articles, made directly.

Most news articles are paragraphs of prose with a few quotes ("> "),
emphasis ("*Gazette*"), strong words ("**LONDON**") and links
("[the report](https://...)"): Python-Markdown spends a millisecond an
article on them, building and walking a tree, trying each block processor
and each inline pattern. An article whose every part is one of those, in
the simplest form (one line per block, a blank line between blocks; no
character that opens anything else: backslash, backtick, "<", "&", "_",
"![", "]:", "***", a list's or a heading's opening...), is written here as
the library writes it; any other article (None) goes to the library.
tests/test_fast_paths checks the two agree on real articles and on random
ones made of these parts and of everything that must send one back.
"""

from __future__ import annotations

import re

from ..links import safe_url

# What opens a construct made here in no other way, or that the library
# would change (searched as characters, then as strings: a search for a
# pattern with alternatives tries each at every position).
_UNSUPPORTED_CHARACTERS = re.compile(r"[\r\t\x02\x03\\`<&_]")
_UNSUPPORTED_STRINGS = ("![", "]:", "***", "\n\n\n", "\n ", " \n")
# A block's opening that makes it no paragraph: a heading, a quote (inside
# a quote), a list item, a rule.
_NOT_A_PARAGRAPH = re.compile(r"[#>]|[*+-] |\d+\. |[-*_ ]+$")
_HEADING = re.compile(r"(#{1,6}) (?=[^ ])([^#]*)")
_ITEM = "- "
# Emphasis, strong emphasis and a link, in their simplest forms: no "*",
# "[" or "]" inside, no white space at their edges, a plain address.
_EDGED = r"[^\s*\[\]](?:[^*\[\]\n]*[^\s*\[\]])?"
_INLINE = re.compile(rf"\*\*(?P<strong>{_EDGED})\*\*|\*(?P<em>{_EDGED})\*"
                     rf"|\[(?P<text>{_EDGED})\]\((?P<url>[A-Za-z0-9:/._~%?#=+-]+)\)")


def _token_html(m: re.Match) -> str:
    if m.group("strong") is not None:
        return f"<strong>{m.group('strong')}</strong>"
    if m.group("em") is not None:
        return f"<em>{m.group('em')}</em>"
    url = m.group("url")
    # (an unsafe address stays as it is: its "[" sends the text to the library)
    return f'<a href="{url}">{m.group("text")}</a>' if safe_url(url) else m.group(0)


def _inline(text: str) -> str | None:
    """A paragraph's text as HTML, or None if it holds anything but prose and
    the three simple forms: a "*", "[" or "]" left outside them, a ">"
    (which the library writes "&gt;")."""
    if ">" in text:
        return None
    html = _INLINE.sub(_token_html, text)
    return None if "*" in html or "[" in html or "]" in html else html


def _paragraph_text(text: str) -> str | None:
    """A paragraph's (or a list item's) text as HTML, if it opens no other block."""
    if not text or text[0] == " " or text[-1] == " " or _NOT_A_PARAGRAPH.match(text):
        return None
    return _inline(text)


def simple_html(source: str) -> str | None:
    """The HTML of an article's Markdown if it is one of the plainest (see
    the module's docstring), else None."""
    body = source.strip("\n")
    if not body or body[0] == " " or body[-1] == " " or _UNSUPPORTED_CHARACTERS.search(body) \
            or any(s in body for s in _UNSUPPORTED_STRINGS):
        return None
    parts: list[str] = []
    quoted: list[str] = []  # the paragraphs of the quotation being read
    listed = False  # the last block was a list (a list after it would continue it, loose)
    for block in body.split("\n\n"):
        part: str | None
        if block.startswith(_ITEM):  # a list, one item a line
            if listed:
                return None
            items = []
            for line in block.split("\n"):
                html = _paragraph_text(line[2:]) if line.startswith(_ITEM) else None
                if html is None:
                    return None
                items.append(f"<li>{html}</li>")
            part = "<ul>\n" + "\n".join(items) + "\n</ul>"
        else:
            if "\n" in block:
                return None
            if block.startswith("> "):
                html = _paragraph_text(block[2:])
                if html is None:
                    return None
                quoted.append(f"<p>{html}</p>")
                listed = False
                continue
            heading = _HEADING.fullmatch(block)
            if heading:
                html = _inline(heading.group(2))
                level = len(heading.group(1))
                part = None if html is None or heading.group(2)[-1] == " " else f"<h{level}>{html}</h{level}>"
            else:
                html = _paragraph_text(block)
                part = None if html is None else f"<p>{html}</p>"
            if part is None:
                return None
        if quoted:
            parts.append("<blockquote>\n" + "\n".join(quoted) + "\n</blockquote>")
            quoted = []
        parts.append(part)
        listed = part.startswith("<ul>")
    if quoted:
        parts.append("<blockquote>\n" + "\n".join(quoted) + "\n</blockquote>")
    return "\n".join(parts)
