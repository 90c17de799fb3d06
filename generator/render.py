"""Jinja2: pages -> text. Autoescaped, strict about undefined names.

Templates come from the site's templates folder first and the bundled
templates/ second, so a user overrides one template by putting a file of the
same name in their folder. A template error names the template file and line.
"""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import markupsafe

from .digest import ContextHasher
from .errors import BuildError, Problem
from .freshness import hash_files
from .site import Page, Site
from .site.views import EventView

BUNDLED_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class _BestEffortBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja2's bytecode cache, but a file that cannot be read or written (a
    full disk, a read-only folder) is simply not cached: it costs speed, never
    the build."""

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError):
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def environment(template_dirs: list[Path], bytecode_dir: Path | None = None) -> jinja2.Environment:
    """Jinja2 for the site's templates. With `bytecode_dir`, compiled
    templates are kept on disk between builds (Jinja2's bytecode cache, which
    checks each template's source before using it): compiling the templates
    is most of a small rebuild, as in the live preview."""
    cache = None
    if bytecode_dir is not None:
        try:
            bytecode_dir.mkdir(parents=True, exist_ok=True)
            cache = _BestEffortBytecodeCache(str(bytecode_dir))
        except OSError:
            cache = None  # a cache that cannot be made only costs speed
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs if d.is_dir()]),
        bytecode_cache=cache,
        autoescape=jinja2.select_autoescape(["html", "xml", "htm"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def template_dirs(site_templates: Path) -> list[Path]:
    dirs = [site_templates]
    if site_templates.resolve() != BUNDLED_TEMPLATES:
        dirs.append(BUNDLED_TEMPLATES)
    return dirs


def template_files(dirs: list[Path]) -> list[Path]:
    """Every file the templates are made of (templates and static assets)."""
    return [p for d in dirs if d.is_dir() for p in sorted(d.rglob("*")) if p.is_file()]


def static_assets(dirs: list[Path]) -> dict[str, tuple[str, bytes]]:
    """static/<name> -> (fingerprinted output path, bytes); the first folder wins."""
    assets: dict[str, tuple[str, bytes]] = {}
    for d in dirs:
        folder = d / "static"
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if not path.is_file():
                continue
            rel = path.relative_to(folder).as_posix()
            if rel in assets:
                continue
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()[:10]
            stem, dot, ext = rel.rpartition(".")
            out = f"static/{stem}.{digest}.{ext}" if dot else f"static/{rel}.{digest}"
            assets[rel] = (out, data)
    return assets


def _template_location(exc: BaseException, dirs: list[Path]) -> tuple[str | None, int | None]:
    roots = [str(d.resolve()) for d in dirs]
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if any(frame.filename.startswith(r) for r in roots):
            return frame.filename, frame.lineno
    return None, None


@dataclass
class Rendered:
    files: dict[str, bytes]  # path -> bytes, for every page rendered this time
    digests: dict[str, str]  # path -> fingerprint of its inputs, for every page
    kept: set[str] = field(default_factory=set)  # pages whose inputs had not changed: not rendered again


def render_pages(site: Site, generator_name: str, progress=None, previous: dict[str, str] | None = None,
                 exists: Callable[[str], bool] | None = None, bytecode_dir: Path | None = None) -> Rendered:
    """Render every page, except those whose fingerprint (template files,
    site-wide values, the page's own context; generator.digest) equals the
    one recorded for the file already in the output (`previous`, `exists`).
    `bytecode_dir` keeps the compiled templates between builds."""
    dirs = template_dirs(site.config.templates_dir)
    env = environment(dirs, bytecode_dir)
    assets = static_assets(dirs)

    def asset(name: str) -> str:
        if name not in assets:
            raise jinja2.UndefinedError(f"no static file {name!r} in the templates' static/ folder")
        return site.urls.path(assets[name][0])

    cards: dict[tuple[str, int, bool], markupsafe.Markup] = {}

    def event_card(e: EventView, level: int = 3, anchor: bool = True) -> markupsafe.Markup:
        """An event's list item, rendered once and reused: the same event is listed
        on the timeline, its year, and every entity and tag page it belongs to."""
        key = (e.id, level, anchor)
        card = cards.get(key)
        if card is None:
            card = cards[key] = markupsafe.Markup(env.get_template("_event_card.html").render(
                e=e, level=level, anchor=anchor))
        return card

    env.globals.update(
        event_card=event_card,
        site={"title": site.config.title, "description": site.config.description, "language": site.config.language,
              "author": site.config.author, "base": site.urls.base, "url": site.urls.absolute(site.urls.base),
              "built": site.built},
        urls=site.urls, asset=asset, generator=generator_name, nav=site.urls.nav(),
    )
    base = hashlib.sha256(generator_name.encode())
    hash_files(base, template_files(dirs))
    base.update(repr({k: v for k, v in env.globals.items() if k in _DATA_GLOBALS}).encode())
    base.update(repr((site.urls.base, site.urls.site_url)).encode())
    hasher = ContextHasher(base.hexdigest())
    out: dict[str, bytes] = {}
    digests: dict[str, str] = {}
    kept: set[str] = set()
    problems: list[Problem] = []
    for n, page in enumerate(site.pages, 1):
        if progress and n % 500 == 0:
            progress(500)
        digest = digests[page.path] = hasher.page(page.template, page.url, page.title, page.context)
        if previous and previous.get(page.path) == digest and exists and exists(page.path):
            kept.add(page.path)
            continue
        try:
            template = env.get_template(page.template)
            text = template.render(page=page_context(page, site), **page.context)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(f"template syntax error: {exc.message}", exc.filename or exc.name, exc.lineno,
                                    "fix the Jinja2 syntax on that line"))
            break
        except jinja2.TemplateNotFound as exc:
            problems.append(Problem(f"template {exc.name!r} not found", site.config.templates_dir, None,
                                    f"add {exc.name} to {site.config.templates_dir} or remove the override"))
            break
        except jinja2.UndefinedError as exc:
            file, line = _template_location(exc, dirs)
            problems.append(Problem(f"template uses an undefined value: {exc.message}", file or page.template, line,
                                    "check the variable's name; the README lists what each template receives"))
            break
        except Exception as exc:  # a template can raise anything; report where
            file, line = _template_location(exc, dirs)
            problems.append(Problem(f"error while rendering {page.url}: {exc}", file or page.template, line))
            break
        out[page.path] = text.encode("utf-8")
    if problems:
        raise BuildError(problems)
    for _name, (path, data) in assets.items():
        out[path] = data
    return Rendered(out, digests, kept)


# The template globals that are data (the rest are functions of the same data).
_DATA_GLOBALS = {"site", "generator", "nav"}


def page_context(page: Page, site: Site) -> dict:
    return {"url": page.url, "absolute_url": site.urls.absolute(page.url), "title": page.title,
            "template": page.template}
