"""The one URL sanitiser: every link that comes from content or front matter
goes through here before it can reach a page.

Only http, https and mailto links and relative links (a path, a query or a
fragment) are allowed; anything else (javascript:, data:, vbscript:, file:,
an unknown scheme, or one hidden behind entities, control characters or
white space, as browsers would read it) is refused. Used by the Markdown
renderer (analysis/markup.py) for links in article bodies and by content.py
for the front matter's `url`.
"""

from __future__ import annotations

import html
import re

SAFE_SCHEMES = ("http", "https", "mailto")
# Browsers drop ASCII tab and newline anywhere in a URL and ignore leading
# control characters and spaces, so "java\tscript:" is still javascript:.
_IGNORED = re.compile(r"[\x00-\x20\x7f]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")


def safe_url(url: str) -> bool:
    """Can this link be written into a page as it is?"""
    u = _IGNORED.sub("", html.unescape(url or "")).lower()
    if u.startswith(("#", "/", "./", "../", "?")):
        return True
    scheme = _SCHEME.match(u)
    if scheme is None:
        return ":" not in u.split("/", 1)[0]  # a relative path ("page.html", "a/b")
    return scheme.group(1) in SAFE_SCHEMES


def sanitised_url(url: str) -> str:
    """The URL, stripped of surrounding white space, or "" if it is not safe."""
    url = (url or "").strip()
    return url if url and safe_url(url) and not _IGNORED.search(url.replace(" ", "")) else ""
