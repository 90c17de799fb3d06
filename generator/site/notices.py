"""Warnings about what the published site would get wrong: exports that
cannot be made without the site's address, and an article that still holds
the placeholder text `python -m generator new` wrote."""

from __future__ import annotations

from ..config import SiteConfig
from ..errors import Problem
from ..model import Analysis

# What `new` writes as the body: no dates in it, so a forgotten placeholder
# never becomes an event; a build that still finds it warns.
PLACEHOLDER = "Replace this paragraph with the article's text."
PLACEHOLDER_BODY = (f"{PLACEHOLDER} Keep the date in the front matter: it is the day the article was "
                    "published, and relative dates in the text are read against it.\n")

ABSOLUTE_EXPORTS = ("feed.xml", "sitemap.xml", "events.ics")


def missing_base_url(config: SiteConfig) -> Problem | None:
    """The Atom feed, the sitemap and iCalendar require absolute URLs: without
    a host in base_url they are left out (one warning), never written wrong."""
    if config.site_url:
        return None
    return Problem(f"base_url {config.base_url!r} has no host, so {', '.join(ABSOLUTE_EXPORTS)} "
                   "(which need absolute URLs) were left out", config.path, None,
                   "set base_url = \"https://your.site/\" in site.toml, or pass --base-url or SITE_BASE_URL; "
                   "on Netlify the site's URL variable is used by itself", severity="warning")


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
