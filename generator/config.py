"""site.toml -> SiteConfig, with every problem reported by file, line and hint.

Each key is declared once, as a field of a frozen dataclass with its default,
its help text and (where it has one) its list of choices, as MkDocs declares
its config in `config/defaults.py`. Validation, defaults, the typed object the
build reads and the README's table of keys (a test checks it) all come from
those declarations, so they cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .errors import BuildError, Problem
from .search import BUNDLE_ARTICLES

PRECISION_CHOICES = ("day", "week", "month", "quarter", "year", "decade", "century")
ENTITY_KINDS = ("person", "place", "organisation")
EXECUTORS = ("local", "dask")
SCHEDULER_ADDRESS = re.compile(r"(tcp|tls|ws|wss|inproc|ucx)://[^\s/]+")  # what distributed.Client connects to


def setting(default, help: str, choices: tuple = (),  # noqa: A002 - the word the README uses
            minimum: float | None = None, maximum: float | None = None, output: bool = True):
    """A site.toml key: its default, its help text and its allowed values
    (a list of choices, or a range for numbers). A key with output=False says
    how to build, not what: it is left out of the settings' repr, which the
    build key hashes, so changing it does not make the site out of date."""
    meta = {"help": help, "choices": choices, "range": (minimum, maximum)}
    if isinstance(default, (dict, list)):
        return field(default_factory=lambda: type(default)(default), metadata=meta, repr=output)
    return field(default=default, metadata=meta, repr=output)


@dataclass(frozen=True)
class ExtractionSettings:
    """[extraction]: how events are found and merged."""

    merge_threshold: float = setting(0.34, "similarity (0-1) above which two mentions are one event", minimum=0,
                                     maximum=1)
    max_title_length: int = setting(100, "longest event title, in characters", minimum=10, maximum=10_000)
    include_future: bool = setting(True, "keep scheduled events dated after the article")
    min_precision: str = setting("decade", "coarsest date precision placed on the timeline", PRECISION_CHOICES)


@dataclass(frozen=True)
class EntitySettings:
    """[entities]: the editor's additions to the bundled gazetteer."""

    aliases: dict[str, str] = setting({}, "name -> canonical name, e.g. \"Vladivostock\" = \"Vladivostok\"")
    types: dict[str, str] = setting({}, "name -> person, place or organisation")
    ignore: list[str] = setting([], "capitalised words that are never entities")
    file: str = setting("", "an extra gazetteer file (TOML, same format as generator/data/en/gazetteer.toml)")


@dataclass(frozen=True)
class FeedSettings:
    """[feed]: the Atom feed."""

    entries: int = setting(50, "how many events the Atom feed lists", minimum=0, maximum=1_000_000)


@dataclass(frozen=True)
class LimitSettings:
    """[limits]: the largest input the build accepts. Bigger input is refused
    with an error naming the limit, rather than taking minutes (Markdown's
    inline parser is quadratic within one paragraph) or crashing (deep nesting)."""

    article_bytes: int = setting(5_000_000, "largest article file, in bytes", minimum=1_000)
    paragraph_bytes: int = setting(100_000, "longest paragraph (text between blank lines), in bytes",
                                   minimum=1_000)
    title_chars: int = setting(1_000, "longest title of an article or override, in characters", minimum=10)
    nesting: int = setting(50, "deepest nesting of lists, block quotes and [brackets] in an article",
                           minimum=1, maximum=200)


@dataclass(frozen=True)
class TimelineJSSettings:
    """[timelinejs]: the timeline.json export for Knight Lab's TimelineJS."""

    events: str = setting("key", "which events timeline.json holds: the key events or all of them", ("key", "all"))


@dataclass(frozen=True)
class SiteSettings:
    """The top level of site.toml."""

    title: str = setting("Timeline", "the site's name, shown in every page header")
    description: str = setting("", "one sentence about the site, for feeds and search engines")
    base_url: str = setting("/", "where the site is served, e.g. https://example.org/timeline/")
    language: str = setting("en", "language of the content (html lang and the tagger's rules)")
    author: str = setting("", "default author for the feed")
    content_dir: str = setting("content", "folder of articles (articles/*.md) and event overrides (events/)")
    output_dir: str = setting("output", "folder the built site is written to")
    templates_dir: str = setting("templates", "folder of Jinja2 templates; missing ones fall back to the bundled set")
    order: str = setting("newest", "timeline order: newest or oldest first", ("newest", "oldest"))
    key_events: int = setting(10, "how many of the most salient events the front page shows first (0: none)",
                              minimum=0, maximum=1_000_000)
    search: bool = setting(True, "index the site with Pagefind for static search (when it is installed)")
    search_bundle: int = setting(BUNDLE_ARTICLES, "most articles a search bundle holds on average: a bigger site's "
                                 "index is made in 2, 4, 8... bundles, one Pagefind run each, merged by the search",
                                 minimum=1, maximum=100_000_000)
    executor: str = setting("local", "where the per-article analysis runs: local processes or a Dask cluster",
                            EXECUTORS, output=False)
    scheduler: str = setting("", "the Dask scheduler's address for executor = \"dask\", e.g. tcp://10.0.0.5:8786",
                             output=False)


SECTIONS: dict[str, type] = {"": SiteSettings, "extraction": ExtractionSettings, "entities": EntitySettings,
                             "feed": FeedSettings, "timelinejs": TimelineJSSettings, "limits": LimitSettings}


@dataclass(frozen=True)
class Key:
    """One declared key of site.toml (for validation and the README)."""

    type: object
    default: object
    help: str
    choices: tuple
    range: tuple[float | None, float | None] = (None, None)


def schema() -> dict[str, dict[str, Key]]:
    """section -> key -> Key, derived from the dataclasses above."""
    out: dict[str, dict[str, Key]] = {}
    for section, cls in SECTIONS.items():
        hints = typing.get_type_hints(cls)
        out[section] = {}
        for f in dataclasses.fields(cls):
            default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
            out[section][f.name] = Key(hints[f.name], default, f.metadata["help"], f.metadata["choices"],
                                       f.metadata["range"])
    return out


@dataclass(frozen=True)
class SiteConfig:
    """The loaded configuration: the settings plus resolved folders."""

    path: Path
    root: Path
    content_dir: Path
    output_dir: Path
    templates_dir: Path
    site: SiteSettings = field(default_factory=SiteSettings)
    extraction: ExtractionSettings = field(default_factory=ExtractionSettings)
    entities: EntitySettings = field(default_factory=EntitySettings)
    feed: FeedSettings = field(default_factory=FeedSettings)
    timelinejs: TimelineJSSettings = field(default_factory=TimelineJSSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)

    title = property(lambda self: self.site.title)
    description = property(lambda self: self.site.description)
    base_url = property(lambda self: self.site.base_url)
    language = property(lambda self: self.site.language)
    author = property(lambda self: self.site.author)
    order = property(lambda self: self.site.order)
    key_events = property(lambda self: self.site.key_events)
    search = property(lambda self: self.site.search)

    @property
    def base_path(self) -> str:
        """The URL path the site lives under, always with a trailing slash."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def site_url(self) -> str:
        """Absolute base URL (scheme and host) if configured, else ''."""
        parts = urlsplit(self.base_url)
        if parts.scheme and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}"
        return ""


def _line_of(source: str, section: str, key: str) -> int | None:
    """Line number of `key = ...` inside [section] (top level if section is '')."""
    current = ""
    for no, line in enumerate(source.splitlines(), 1):
        stripped = line.strip()
        if m := re.match(r"^\[([^\[\]]+)\]", stripped):
            current = m.group(1).strip()
            if current == section and not key:
                return no
            continue
        if current == section and re.match(rf'^"?{re.escape(key)}"?\s*=', stripped):
            return no
    return None


_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false", dict: "a table",
               list: "a list"}


def _accepts(expected, value) -> tuple[bool, str]:
    """Does the TOML value fit the declared type? (an int is a fine float)"""
    origin = typing.get_origin(expected) or expected
    if origin is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool), "a number"
    if origin is int:
        return isinstance(value, int) and not isinstance(value, bool), "an integer"
    name = _TYPE_NAMES[origin]
    if not isinstance(value, origin):
        return False, name
    args = typing.get_args(expected)
    if origin is dict and args:
        return all(isinstance(k, str) and isinstance(v, args[1]) for k, v in value.items()), "a table of strings"
    if origin is list and args:
        return all(isinstance(v, args[0]) for v in value), "a list of strings"
    return True, name


def _read_toml(path: Path) -> tuple[str, dict]:
    if not path.is_file():
        raise BuildError(Problem("configuration file not found", path,
                                 hint="run from the project folder or pass --config PATH"))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BuildError(Problem(f"cannot read the configuration file: {exc.strerror}", path)) from exc
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BuildError(Problem(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})", path,
                                 raw[: exc.start].count(b"\n") + 1, hint="save site.toml as UTF-8")) from exc
    try:
        return source, tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise BuildError(Problem(f"not valid TOML: {exc}", path, int(m.group(1)) if m else None,
                                 hint="check quotes, brackets and '=' on that line")) from exc
    except RecursionError as exc:
        raise BuildError(Problem("not valid TOML: nested too deeply", path, None,
                                 hint="site.toml needs no more than two levels of tables")) from exc


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _check_value(spec: Key, v) -> str:
    """What is wrong with a value of the right type ('' if nothing)."""
    if isinstance(v, float) and not math.isfinite(v):
        return "must be a finite number"
    low, high = spec.range
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if low is not None and v < low:
            return f"must be at least {low:g}"
        if high is not None and v > high:
            return f"must be at most {high:g}"
    texts = [v] if isinstance(v, str) else list(v) if isinstance(v, list) else \
        [t for kv in v.items() for t in kv] if isinstance(v, dict) else []
    if any(isinstance(t, str) and _CONTROL.search(t) for t in texts):
        return "must not contain control characters"
    return ""


def _validate(data: dict, path: Path, source: str) -> tuple[dict[str, dict], list[Problem]]:
    """The values of each section that fit the schema, and a problem for each one that does not."""
    keys = schema()
    problems: list[Problem] = []
    values: dict[str, dict] = {s: {} for s in keys}
    for name, value in data.items():
        if isinstance(value, dict) and name in keys and name:
            section, items = name, list(value.items())
        else:
            section, items = "", [(name, value)]
        where = f"[{section}] " if section else ""
        for k, v in items:
            spec = keys[section].get(k)
            if spec is None:
                if section == "" and isinstance(v, dict):
                    hint = f"known sections: {', '.join('[' + s + ']' for s in keys if s)}"
                    problems.append(Problem(f"unknown section [{k}]", path, _line_of(source, k, ""), hint))
                else:
                    known = f"known keys{' in [' + section + ']' if section else ''}: {', '.join(keys[section])}"
                    problems.append(Problem(f"unknown key {where}{k!r}", path, _line_of(source, section, k), known))
                continue
            ok, type_name = _accepts(spec.type, v)
            if not ok:
                problems.append(Problem(f"{where}{k!r} must be {type_name}, not {type(v).__name__} {v!r}",
                                        path, _line_of(source, section, k), hint=spec.help))
                continue
            wrong = _check_value(spec, v)
            if wrong:
                problems.append(Problem(f"{where}{k!r} {wrong}, not {v!r}"[:300], path, _line_of(source, section, k),
                                        hint=spec.help))
                continue
            if spec.choices and v not in spec.choices:
                problems.append(Problem(f"{where}{k!r} must be one of {', '.join(map(repr, spec.choices))}, "
                                        f"not {v!r}", path, _line_of(source, section, k), hint=spec.help))
                continue
            values[section][k] = v
    for name, kind in values["entities"].get("types", {}).items():
        if kind not in ENTITY_KINDS:
            problems.append(Problem(f"[entities] type of {name!r} must be person, place or organisation",
                                    path, _line_of(source, "entities", "types")))
    return values, problems


def _check_base_url(base: str, path: Path, source: str) -> list[Problem]:
    parts = urlsplit(base)
    line = _line_of(source, "", "base_url")
    if re.search(r"[\x00-\x20\x7f\"'<>\\`]", base):
        return [Problem(f"base_url {base!r} contains spaces, quotes or control characters", path, line,
                        "e.g. https://example.org/timeline/ or /")]
    if parts.scheme not in ("", "http", "https") or (parts.scheme and not parts.netloc):
        return [Problem(f"base_url {base!r} is not an http(s) URL or a path", path, line,
                        "e.g. https://example.org/timeline/ or /")]
    if not parts.scheme and (parts.netloc or base.startswith("//")):
        return [Problem(f"base_url {base!r} is protocol-relative: it would send readers to another host", path,
                        line, "write the scheme (https://example.org/timeline/) or a path (/timeline/)")]
    if not parts.scheme and not base.startswith("/"):
        return [Problem(f"base_url {base!r} must start with / or http(s)://", path, line, "e.g. /timeline/")]
    return []


def hosted_base_url(base: str, env) -> str:
    """The site's address on the host that builds it, when the base URL has
    none: Netlify sets URL (the site's main address) in every build, so a
    site.toml with base_url = "/" still gets absolute feed, sitemap and
    calendar URLs there. Only used when base_url has no host of its own."""
    url = (env.get("URL") or "").strip().rstrip("/")
    parts = urlsplit(url)
    if not url or parts.scheme not in ("http", "https") or not parts.netloc or urlsplit(base).netloc:
        return base
    on_netlify = env.get("NETLIFY") == "true" or bool(env.get("CONTEXT"))
    if on_netlify or base == "/":
        return url + (base if base.startswith("/") else "/" + base)
    return base


def _check_executor(site: SiteSettings, path: Path, source: str, from_flags: tuple[bool, bool]) -> list[Problem]:
    """A scheduler address distributed can connect to, and one whenever the
    executor is Dask (from site.toml or from --executor / --scheduler)."""
    executor_flag, scheduler_flag = from_flags
    if site.scheduler and not SCHEDULER_ADDRESS.fullmatch(site.scheduler):
        return [Problem(f"{'--scheduler' if scheduler_flag else 'scheduler'} {site.scheduler!r} is not a Dask "
                        "scheduler address", None if scheduler_flag else path,
                        None if scheduler_flag else _line_of(source, "", "scheduler"),
                        "e.g. tcp://10.0.0.5:8786 (what `dask scheduler` prints as its address)")]
    if site.executor == "dask" and not site.scheduler:
        return [Problem("executor \"dask\" needs the address of a Dask scheduler", None if executor_flag else path,
                        None if executor_flag else _line_of(source, "", "executor"),
                        "add scheduler = \"tcp://HOST:8786\" to site.toml or pass --scheduler tcp://HOST:8786")]
    return []


def available_languages() -> list[str]:
    """Languages with both tagger rules and vocabularies bundled."""
    package = Path(__file__).resolve().parent
    rules = package / "temporal" / "rules"
    return sorted(p.name for p in (package / "data").iterdir()
                  if p.is_dir() and (rules / p.name).is_dir() and not p.name.startswith((".", "_")))


def _check_language(language: str, path: Path, source: str) -> list[Problem]:
    """The language names folders of rules and vocabularies: only those that exist."""
    known = available_languages()
    if language in known:
        return []
    return [Problem(f"language {language!r} has no rules", path, _line_of(source, "", "language"),
                    f"known languages: {', '.join(known)}")]


def load_config(
    path: Path | str = "site.toml",
    content_dir: str | Path | None = None,
    output_dir: str | Path | None = None,
    base_url: str | None = None,
    executor: str | None = None,
    scheduler: str | None = None,
) -> SiteConfig:
    """Read and validate site.toml; command-line overrides win over the file.
    SITE_BASE_URL in the environment overrides base_url (for CI deploys)."""
    path = Path(path)
    source, data = _read_toml(path)
    values, problems = _validate(data, path, source)
    site = SiteSettings(**values[""])
    base = hosted_base_url(base_url or os.environ.get("SITE_BASE_URL") or site.base_url, os.environ)
    problems += _check_base_url(base, path, source)
    problems += _check_language(site.language, path, source)
    site = dataclasses.replace(site, base_url=base, executor=executor or site.executor,
                               scheduler=scheduler if scheduler is not None else site.scheduler)
    problems += _check_executor(site, path, source, (executor is not None, scheduler is not None))

    root = path.resolve().parent
    content = (root / (content_dir if content_dir is not None else site.content_dir)).resolve()
    output = (root / (output_dir if output_dir is not None else site.output_dir)).resolve()
    templates = (root / site.templates_dir).resolve()
    problems += _check_output_folder(output, root, content, templates, path, source, output_dir is not None)
    if problems:
        raise BuildError(problems)
    return SiteConfig(
        path=path, root=root, content_dir=content, output_dir=output, templates_dir=templates, site=site,
        extraction=ExtractionSettings(**values["extraction"]), entities=EntitySettings(**values["entities"]),
        feed=FeedSettings(**values["feed"]), timelinejs=TimelineJSSettings(**values["timelinejs"]),
        limits=LimitSettings(**values["limits"]),
    )


def _check_output_folder(output: Path, root: Path, content: Path, templates: Path,
                         path: Path, source: str, from_flag: bool) -> list[Problem]:
    """The output folder is emptied of stale files on every build, so it must
    never be a folder that holds anything else of value."""
    line = None if from_flag else _line_of(source, "", "output_dir")
    where = "--output" if from_flag else "output_dir"
    hint = "use a folder of its own, e.g. output_dir = \"output\""
    protected = {
        Path(output.anchor): "the file-system root",
        Path.home().resolve(): "your home folder",
        root: "the project folder",
        content: "the content folder",
        templates: "the templates folder",
    }
    if ".git" in output.parts:
        return [Problem(f"{where} {str(output)!r} is inside a .git folder; refusing to build there", path, line,
                        hint)]
    if output.exists() and not output.is_dir():
        return [Problem(f"{where} {str(output)!r} is a file, not a folder", path, line, hint)]
    for folder, name in protected.items():
        if output == folder:
            return [Problem(f"{where} {str(output)!r} is {name}; refusing to build there", path, line, hint)]
        if output in folder.parents and folder != Path(output.anchor):
            return [Problem(f"{where} {str(output)!r} contains {name}; refusing to build there", path, line, hint)]
    if content in output.parents or templates in output.parents:
        return [Problem(f"{where} {str(output)!r} is inside the content or templates folder", path, line, hint)]
    return []


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
