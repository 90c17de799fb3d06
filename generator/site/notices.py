"""Warnings about what the published site would get wrong: an article that
still holds the placeholder text `python -m generator new` wrote. (Exports
that cannot be made without the site's address follow from site.toml alone:
config.missing_base_url.)"""

from __future__ import annotations

from ..config import SiteConfig
from ..errors import Problem
from ..model import Analysis

# What `new` writes as the body: no dates in it, so a forgotten placeholder
# never becomes an event; a build that still finds it warns.
PLACEHOLDER = "Replace this paragraph with the article's text."
PLACEHOLDER_BODY = (f"{PLACEHOLDER} Keep the date in the front matter: it is the day the article was "
                    "published, and relative dates in the text are read against it.\n")

def site_warnings(config: SiteConfig, analyses: list[Analysis]) -> list[Problem]:
    out = []
    for a in analyses:
        at = a.article.body.find(PLACEHOLDER)
        if at >= 0:
            line = a.article.body_line + a.article.body.count("\n", 0, at)
            out.append(Problem("the article still holds the placeholder text of `generator new`",
                               config.content_dir / a.article.path, line,
                               "write the article there, or delete the file", severity="warning"))
    return out
