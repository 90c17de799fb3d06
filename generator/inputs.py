"""What a build reads, listed without parsing anything: the article files,
the template files, the editor's override files and the fingerprint of the
language resources.

This module imports only the standard library, the configuration and the
temporal rules' file list. The command line asks it first whether the last
build is still up to date (build.py), and only a build with work to do
imports the analysis, corpus and rendering code (half a second of imports
that an unchanged 10,000-article site does not pay).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from .config import EntitySettings, SiteConfig
from .errors import BuildError, Problem
from .temporal import rules as temporal_rules

ARTICLE_SUFFIXES = (".md", ".markdown")
BUNDLED_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
DATA_ROOT = Path(__file__).parent / "data"
_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # bytes of a file name that are not UTF-8 (surrogateescape)


# ------------------------------------------------------------------ articles


def check_content_folder(config: SiteConfig) -> None:
    """A content folder (or its articles/ folder) that does not exist is an
    error: a mistyped path must never publish an empty site."""
    folder = config.content_dir
    if folder.is_dir() and (folder / "articles").is_dir():
        return
    missing = folder if not folder.is_dir() else folder / "articles"
    raise BuildError(Problem(f"content folder {str(missing)!r} does not exist", config.path, None,
                             "check content_dir in site.toml (or --content); articles go in "
                             "<content>/articles/"))


class Scan(NamedTuple):
    """The content folder's article files (sorted) and the entries that cannot be one."""

    files: list[str]
    problems: list[Problem]
    # an entry the preview's watcher may not see change (watching.py): a symlink followed (the articles
    # folder itself, a folder or a file in it), or a folder the watcher skips (__pycache__)
    unseen: bool = False


def scan_articles(content_dir: Path, project_root: Path | None = None) -> Scan:
    """The article files under content/articles/ and the problems of the
    entries that cannot be one (_scan)."""
    return _scan(content_dir, project_root)


def _scan(content_dir: Path, project_root: Path | None = None) -> Scan:
    """The article files under content/articles/, sorted, and a problem for
    each entry that cannot be one: a folder or a FIFO named *.md, a symlink
    that points outside the project (or the content folder) or in a loop, a
    file name with a line break or that is not UTF-8. Hidden files and
    folders (editor swap files, .git) are skipped. Symlinked folders inside
    the project are followed, each once. A plain file is known from its
    directory entry, without a stat of its own."""
    folder = content_dir / "articles"
    if not folder.is_dir():
        return Scan([], [])
    roots = tuple(sorted({os.path.realpath(content_dir), os.path.realpath(project_root or content_dir)}))
    files: list[str] = []
    problems: list[Problem] = []
    seen_dirs = {os.path.realpath(folder)}
    unseen = os.path.islink(folder)
    hint_link = "replace the symlink with the file itself, inside the project"
    stack = [str(folder)]
    while stack:  # depth first, folders in name order (as os.walk with sorted folder names)
        dirpath = stack.pop()
        try:
            with os.scandir(dirpath) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for e in entries:
            name = e.name
            if name.startswith("."):
                continue
            try:
                is_dir = e.is_dir()  # follows a symlink, as the walk does
            except OSError:
                is_dir = False
            if is_dir:
                full = e.path
                if name.endswith(ARTICLE_SUFFIXES):
                    problems.append(Problem("a folder named like an article: not read", _display(full), None,
                                            "rename the folder, or move the article out of it"))
                real = os.path.realpath(full)
                if e.is_symlink() and not _within(real, roots):
                    problems.append(Problem("symlinked folder points outside the project: refused",
                                            _display(full), None, hint_link))
                    continue
                if real in seen_dirs:
                    problems.append(Problem("symlinked folder loops back into the content: refused",
                                            _display(full), None, hint_link))
                    continue
                seen_dirs.add(real)
                subdirs.append(full)
                unseen = unseen or e.is_symlink() or name == "__pycache__"
                continue
            if not name.endswith(ARTICLE_SUFFIXES):
                continue
            plain = not e.is_symlink() and e.is_file(follow_symlinks=False)
            problem = _name_problem(e.path, name) or (None if plain else _file_problem(e.path, roots))
            if problem:
                problems.append(problem)
            else:
                files.append(e.path)
                unseen = unseen or not plain
        stack.extend(reversed(subdirs))
    files.sort(key=lambda f: f.split(os.sep))  # the order of Path objects (by component), without making them
    return Scan(files, problems, unseen)


def article_files(content_dir: Path, project_root: Path | None = None, scanned: Scan | None = None) -> list[str]:
    """Every path under content/articles/ that names an article file, readable
    or not (the build key hashes them; read_content reports the bad ones).
    Strings, not Paths: at 10,000 articles making the Paths costs more than
    the up-to-date check's hashing. `scanned`: scan_articles' result, if
    taken already."""
    files, problems, _ = scanned if scanned is not None else _scan(content_dir, project_root)
    if not problems:
        return files  # already in order
    return sorted(files + [str(p.path) for p in problems if p.path is not None], key=lambda f: f.split(os.sep))


def kind_of_file(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a file"


def _within(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == r or path.startswith(r + os.sep) for r in roots)


def _display(path: str) -> str:
    return path.encode("utf-8", "backslashreplace").decode("utf-8") if _UNDECODABLE.search(path) else path


def _name_problem(full: str, name: str) -> Problem | None:
    if _NAME_CONTROL.search(name) or _UNDECODABLE.search(name):
        return Problem("the file name holds a line break, a control character or bytes that are not UTF-8",
                       _display(full), None, "rename the file (letters, digits, spaces and hyphens are safe)")
    return None


def _file_problem(full: str, roots: tuple[str, ...]) -> Problem | None:
    """Why an entry named like an article that is not a plain file (a symlink,
    a FIFO...) cannot be read, if it cannot."""
    if os.path.islink(full):
        try:
            real = os.path.realpath(full, strict=True)
        except OSError as exc:
            why = "loops" if "loop" in str(exc).lower() else "points to nothing"
            return Problem(f"symlink {why}: refused", _display(full), None,
                           "replace the symlink with the file itself")
        if not _within(real, roots):
            return Problem("symlink points outside the project: refused (its target would be published)",
                           _display(full), None, "copy the file into the project instead of linking to it")
    try:
        mode = os.stat(full).st_mode
    except OSError as exc:
        return Problem(f"cannot read the file: {exc.strerror}", _display(full), None)
    if not stat.S_ISREG(mode):
        return Problem(f"not a regular file ({kind_of_file(mode)})", _display(full), None,
                       "only Markdown files belong in content/articles/")
    return None


# ------------------------------------------------------------------ templates and overrides


def template_dirs(site_templates: Path) -> list[Path]:
    """The site's templates folder, then the bundled one (a site's file of the same name wins)."""
    dirs = [site_templates]
    if site_templates.resolve() != BUNDLED_TEMPLATES:
        dirs.append(BUNDLED_TEMPLATES)
    return dirs


def template_files(dirs: list[Path]) -> list[Path]:
    """Every file the templates are made of (templates and static assets)."""
    return [p for d in dirs if d.is_dir() for p in sorted(d.rglob("*")) if p.is_file()]


def template_texts(dirs: list[Path]) -> Iterator[tuple[Path, Path, str | None]]:
    """(templates folder, file, its text or None when it cannot be read) of
    every template file but the static assets, which print no views: what
    a check of what the templates print reads."""
    for folder in dirs:
        for path in template_files([folder]):
            if path.is_relative_to(folder / "static"):
                continue
            try:
                yield folder, path, path.read_text("utf-8", errors="replace")
            except OSError:
                yield folder, path, None


def override_files(content_dir: Path) -> list[Path]:
    """The editor's event overrides (content/events/*.toml)."""
    return sorted((content_dir / "events").glob("*.toml"))


# ------------------------------------------------------------------ language resources


def language_files(language: str) -> dict[str, Path]:
    folder = DATA_ROOT / language
    return {"vocab": folder / "events.toml", "headlines": folder / "headlines.toml",
            "furniture": folder / "furniture.toml", "gazetteer": folder / "gazetteer.toml",
            "summary": folder / "summary.toml", "abbreviations": folder / "abbreviations.txt"}


def extra_gazetteer(config: SiteConfig) -> Path | None:
    """The editor's own gazetteer file ([entities] file in site.toml), if any."""
    if not config.entities.file:
        return None
    extra = config.root / config.entities.file
    if not extra.is_file():
        raise BuildError(Problem(f"[entities] file {config.entities.file!r} not found", config.path, None,
                                 f"create {extra} or remove the key"))
    return extra


def resources_fingerprint(config: SiteConfig) -> str:
    """The fingerprint resources.load_resources(config) gives, from the files'
    bytes alone: nothing is parsed or compiled (compiling the temporal rules
    takes most of a second, and an up-to-date build needs only this)."""
    rules_digest = temporal_rules.files_digest(temporal_rules.resource_files(config.language))
    return fingerprint(config.language, rules_digest, config.entities, extra_gazetteer(config))


def fingerprint(language: str, rules_digest: str, ent: EntitySettings, extra: Path | None) -> str:
    """Of every resource file's bytes and the editor's entity settings; part of
    every per-article cache key and of the build key."""
    h = hashlib.sha256(rules_digest.encode())
    for path in language_files(language).values():
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    if extra is not None:
        h.update(str(extra).encode() + b"\0" + extra.read_bytes())
    h.update(repr((sorted(ent.aliases.items()), sorted(ent.types.items()), sorted(ent.ignore))).encode())
    return h.hexdigest()[:16]
