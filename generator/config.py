"""site.toml -> SiteConfig, with every problem reported by file, line and hint.

The schema is a table below (key -> type, default, help) so validation,
defaults and the README's description of site.toml cannot drift apart.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .errors import BuildError, Problem

# section -> key -> (type, default, help). Section "" is the top level.
SCHEMA: dict[str, dict[str, tuple[type | tuple, object, str]]] = {
    "": {
        "title": (str, "Timeline", "the site's name, shown in every page header"),
        "description": (str, "", "one sentence about the site, for feeds and search engines"),
        "base_url": (str, "/", "where the site is served, e.g. https://example.org/timeline/"),
        "language": (str, "en", "language of the content (html lang and the tagger's rules)"),
        "author": (str, "", "default author for the feed"),
        "content_dir": (str, "content", "folder of articles (articles/*.md) and event overrides (events/)"),
        "output_dir": (str, "output", "folder the built site is written to"),
        "templates_dir": (str, "templates", "folder of Jinja2 templates; missing ones fall back to the bundled set"),
        "order": (str, "newest", "timeline order: newest or oldest first"),
        "key_events": (int, 10, "how many of the most salient events the front page shows first (0: none)"),
        "search": (bool, True, "index the site with Pagefind for static search (when it is installed)"),
    },
    "extraction": {
        "merge_threshold": ((int, float), 0.34, "similarity (0-1) above which two mentions are one event"),
        "max_title_length": (int, 100, "longest event title, in characters"),
        "include_future": (bool, True, "keep scheduled events dated after the article"),
        "min_precision": (str, "decade", "coarsest date precision placed on the timeline"),
    },
    "entities": {
        "aliases": (dict, {}, "name -> canonical name, e.g. \"Vladivostock\" = \"Vladivostok\""),
        "types": (dict, {}, "name -> person, place or organisation"),
        "ignore": (list, [], "capitalised words that are never entities"),
        "file": (str, "", "an extra gazetteer file (TOML, same format as generator/data/gazetteer.toml)"),
    },
    "feed": {
        "entries": (int, 50, "how many events the Atom feed lists"),
    },
}

PRECISION_CHOICES = ("day", "week", "month", "quarter", "year", "decade", "century")


@dataclass(frozen=True)
class SiteConfig:
    path: Path
    root: Path
    title: str
    description: str
    base_url: str
    language: str
    author: str
    content_dir: Path
    output_dir: Path
    templates_dir: Path
    order: str
    key_events: int
    search: bool
    extraction: dict = field(default_factory=dict)
    entities: dict = field(default_factory=dict)
    feed: dict = field(default_factory=dict)

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


def _type_name(t) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
             dict: "a table", list: "a list"}
    if isinstance(t, tuple):
        return " or ".join(names[x] for x in t)
    return names[t]


def _check_type(value, expected) -> bool:
    types = expected if isinstance(expected, tuple) else (expected,)
    if bool not in types and isinstance(value, bool):
        return False
    return isinstance(value, types)


def load(
    path: Path | str = "site.toml",
    content_dir: str | Path | None = None,
    output_dir: str | Path | None = None,
    base_url: str | None = None,
) -> SiteConfig:
    """Read and validate site.toml; command-line overrides win over the file.
    SITE_BASE_URL in the environment overrides base_url (for CI deploys)."""
    path = Path(path)
    if not path.is_file():
        raise BuildError(Problem("configuration file not found", path,
                                 hint="run from the project folder or pass --config PATH"))
    source = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise BuildError(Problem(f"not valid TOML: {exc}", path, int(m.group(1)) if m else None,
                                 hint="check quotes, brackets and '=' on that line")) from exc

    problems: list[Problem] = []
    values: dict[str, dict] = {s: {} for s in SCHEMA}
    for key, value in data.items():
        if isinstance(value, dict) and key in SCHEMA and key != "":
            section_items = value.items()
            section = key
        else:
            section_items = [(key, value)]
            section = ""
        for k, v in section_items:
            spec = SCHEMA[section].get(k)
            where = f"[{section}] " if section else ""
            if spec is None:
                if section == "" and isinstance(v, dict):
                    hint = f"known sections: {', '.join('[' + s + ']' for s in SCHEMA if s)}"
                    problems.append(Problem(f"unknown section [{k}]", path, _line_of(source, k, ""), hint))
                else:
                    hint = f"known keys{' in [' + section + ']' if section else ''}: {', '.join(SCHEMA[section])}"
                    problems.append(Problem(f"unknown key {where}{k!r}", path, _line_of(source, section, k), hint))
                continue
            expected, _default, help_text = spec
            if not _check_type(v, expected):
                problems.append(Problem(
                    f"{where}{k!r} must be {_type_name(expected)}, not {type(v).__name__} {v!r}",
                    path, _line_of(source, section, k), hint=help_text))
                continue
            values[section][k] = v

    top = {k: values[""].get(k, spec[1]) for k, spec in SCHEMA[""].items()}
    sections = {s: {k: values[s].get(k, spec[1]) for k, spec in SCHEMA[s].items()} for s in SCHEMA if s}

    if top["order"] not in ("newest", "oldest"):
        problems.append(Problem(f"'order' must be \"newest\" or \"oldest\", not {top['order']!r}",
                                path, _line_of(source, "", "order"), "newest puts the latest events first"))
    if sections["extraction"]["min_precision"] not in PRECISION_CHOICES:
        problems.append(Problem(f"[extraction] 'min_precision' must be one of {', '.join(PRECISION_CHOICES)}",
                                path, _line_of(source, "extraction", "min_precision")))
    for name, kind in sections["entities"]["types"].items():
        if kind not in ("person", "place", "organisation"):
            problems.append(Problem(f"[entities] type of {name!r} must be person, place or organisation",
                                    path, _line_of(source, "entities", "types")))

    base = base_url or os.environ.get("SITE_BASE_URL") or top["base_url"]
    parts = urlsplit(base)
    if parts.scheme not in ("", "http", "https") or (parts.scheme and not parts.netloc):
        problems.append(Problem(f"base_url {base!r} is not an http(s) URL or a path",
                                path, _line_of(source, "", "base_url"), "e.g. https://example.org/timeline/ or /"))
    if not parts.scheme and not base.startswith("/"):
        problems.append(Problem(f"base_url {base!r} must start with / or http(s)://",
                                path, _line_of(source, "", "base_url"), "e.g. /timeline/"))

    root = path.resolve().parent
    content = (root / (content_dir if content_dir is not None else top["content_dir"])).resolve()
    output = (root / (output_dir if output_dir is not None else top["output_dir"])).resolve()
    templates = (root / top["templates_dir"]).resolve()
    problems += _check_output_folder(output, root, content, templates, path, source, output_dir is not None)
    if problems:
        raise BuildError(problems)
    return SiteConfig(
        path=path, root=root, title=top["title"], description=top["description"], base_url=base,
        language=top["language"], author=top["author"], content_dir=content, output_dir=output,
        templates_dir=templates, order=top["order"], key_events=top["key_events"],
        search=top["search"],
        extraction=sections["extraction"], entities=sections["entities"], feed=sections["feed"],
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
    for folder, name in protected.items():
        if output == folder:
            return [Problem(f"{where} {str(output)!r} is {name}; refusing to build there", path, line, hint)]
        if output in folder.parents and folder != Path(output.anchor):
            return [Problem(f"{where} {str(output)!r} contains {name}; refusing to build there", path, line, hint)]
    if content in output.parents or templates in output.parents:
        return [Problem(f"{where} {str(output)!r} is inside the content or templates folder", path, line, hint)]
    return []
