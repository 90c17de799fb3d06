"""The preview's draft of an article page: when an editor saves an article,
its page is rendered at once from the new text and the links of the last
build (the events that cite it, its cited sentences, the events its dates
lead to), and the browser reloads to it; the full rebuild follows, and its
page replaces the draft. Hugo's "fast render" works the same way.

A draft is never written to the output folder: the preview serves it from
memory until the rebuild ends (serve.py), so a failed rebuild leaves the
last good site as it was. Until then the draft's links are those of the last
build: an event the edit creates, moves or renames shows after the rebuild.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .analysis.article import analyse
from .build import fewer_collections
from .config import SiteConfig
from .content import read_article
from .errors import BuildError, Report
from .render import TemplateProblem, Templates
from .resources import Resources
from .site import Site, Urls
from .site.articles import ArticleLinks, article_view
from .site.pages import ARTICLE_TEMPLATE, article_page


@dataclass(frozen=True)
class DraftBasis:
    """What a draft needs from the last build (kept in the preview's BuildState)."""

    config: SiteConfig
    resources: Resources
    urls: Urls
    links: ArticleLinks | None  # every article's (a full build's)
    built: str
    generator: str
    # or one article's links, read when it is drafted (a rebuild of edited articles' own pages
    # leaves every article's links as the record of the last full build has them: own_pages.py)
    read_links: Callable[[str], ArticleLinks | None] | None = None

    def links_of(self, slug: str) -> ArticleLinks | None:
        if self.links is not None:
            return self.links
        return self.read_links(slug) if self.read_links is not None else None

    @classmethod
    def of(cls, site: Site, resources: Resources, generator: str) -> DraftBasis | None:
        if site.links is None:
            return None
        return cls(site.config, resources, site.urls, site.links, site.built, generator)

    @cached_property
    def templates(self) -> Templates:
        """The templates, made once for all the drafts until the next build
        (which makes a new basis, so an edited template is never stale)."""
        config = self.config
        return Templates(config, self.urls, self.built, self.generator, config.root / ".cache" / "templates")

    def warm(self, files: list[Path]) -> None:
        """Draft `files` and throw the drafts away, so the next draft finds
        the templates loaded and compiled and the language resources ready,
        the temporal rules' patterns compiled too (they compile when first
        used: the next save may be of another article, which needs others).
        Nothing it raises matters here: a real draft reports it."""
        try:
            self.templates.env.get_template(ARTICLE_TEMPLATE)
            draft_pages(self, files)
            self.resources.temporal.compile_all()
        except Exception:
            pass


def draft_pages(basis: DraftBasis, files: list[Path]) -> dict[str, bytes]:
    """Output path -> the drafted page of each article file. An article that
    cannot be read or rendered gets no draft: the rebuild reports it. The
    last build's links are placed on the sentences where they now are
    (ArticleLinks.moved_to)."""
    with fewer_collections():  # the preview holds millions of objects: a full collection would take a second
        return _drafts(basis, files)


def _drafts(basis: DraftBasis, files: list[Path]) -> dict[str, bytes]:
    config, templates, out = basis.config, basis.templates, {}
    for file in files:
        try:
            article = read_article(file, config.content_dir, Report(), config.limits)
            links = basis.links_of(article.slug)
            if links is None:
                continue
            new = analyse(article, basis.resources, config.extraction)
            view = article_view(new, links.moved_to(new), basis.urls)
            page = article_page(view, basis.urls)
            out[page.path] = templates.render(page)
        except (BuildError, TemplateProblem):
            continue
    return out
