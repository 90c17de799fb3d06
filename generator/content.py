"""content/articles/*.md -> Article: front matter, publication date, body.

Front matter is YAML between `---` lines or TOML between `+++` lines, as in
Hugo. Problems that make an article unusable (no title, broken front matter,
not UTF-8, empty) are errors naming the file and line; a missing or
unparseable date is only a warning, because absolute dates in the text still
work without it.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import yaml
from dateutil import parser as dateparser

from .errors import BuildError, Problem, Report
from .model import Article

ARTICLE_SUFFIXES = (".md", ".markdown")
KNOWN_KEYS = {"title", "date", "source", "author", "tags", "draft", "slug", "summary", "url"}


@dataclass(frozen=True)
class FrontMatter:
    data: dict
    body: str
    body_line: int


def slugify(text: str, max_length: int = 80) -> str:
    """ASCII, lower case, hyphens: 'Putin’s visit, 2018!' -> 'putins-visit-2018'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"['’]", "", text.lower())
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(text) > max_length:
        text = text[:max_length].rsplit("-", 1)[0]
    return text or "untitled"


def split_front_matter(source: str, path: Path) -> FrontMatter:
    lines = source.split("\n")
    fence = lines[0].strip() if lines else ""
    if fence not in ("---", "+++"):
        raise BuildError(Problem("no front matter: the file must start with a '---' (YAML) or '+++' (TOML) line",
                                 path, 1, hint="see README, 'Content format'; `python -m generator new` writes one"))
    for i in range(1, len(lines)):
        if lines[i].strip() == fence or (fence == "---" and lines[i].strip() == "..."):
            raw = "\n".join(lines[1:i])
            body = "\n".join(lines[i + 1 :])
            return FrontMatter(_parse_front_matter(raw, fence, path), body, i + 2)
    raise BuildError(Problem(f"front matter is not closed: no second {fence!r} line", path, 1,
                             hint=f"end the front matter with a line holding only {fence}"))


def _parse_front_matter(raw: str, fence: str, path: Path) -> dict:
    if fence == "+++":
        try:
            data = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"line (\d+)", str(exc))
            line = int(m.group(1)) + 1 if m else raw.count("\n") + 2  # "at end of document"
            raise BuildError(Problem(f"front matter is not valid TOML: {exc}", path, line,
                                     hint='use key = "value" lines')) from exc
    else:
        try:
            data = yaml.safe_load(raw) if raw.strip() else {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark is not None else 1
            problem = getattr(exc, "problem", None) or str(exc)
            raise BuildError(Problem(f"front matter is not valid YAML: {problem}", path, line,
                                     hint="quote values that contain ':' or start with a special character")) from exc
    if not isinstance(data, dict):
        raise BuildError(Problem("front matter must be a set of 'key: value' lines", path, 2,
                                 hint="e.g. title: My article"))
    return data


def _line_of_key(source: str, key: str) -> int | None:
    for no, line in enumerate(source.split("\n"), 1):
        if re.match(rf"^{re.escape(key)}\s*[:=]", line.strip()):
            return no
    return None


def parse_date(value, path: Path, line: int | None, report: Report) -> date | None:
    """Any unambiguous date form; ambiguous ('03/04/2018') or broken -> warning, None."""
    hint = "use an unambiguous form such as 2018-06-03 or 3 June 2018"
    if value is None or value == "":
        report.warn("no publication date: relative expressions ('last month', 'on Tuesday') "
                    "cannot be resolved in this article", path, line, "add date: YYYY-MM-DD to the front matter")
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):  # ISO 8601: year first, never ambiguous
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                pass
    try:
        a = dateparser.parse(text, dayfirst=False, default=datetime(1, 1, 1))
        b = dateparser.parse(text, dayfirst=True, default=datetime(1, 1, 1))
    except (ValueError, OverflowError):
        report.warn(f"date {text!r} is not a date: relative expressions in this article stay unresolved",
                    path, line, hint)
        return None
    if a != b:
        report.warn(f"date {text!r} is ambiguous (day and month could be swapped): relative expressions "
                    "in this article stay unresolved", path, line, hint)
        return None
    if a.year == 1 or not re.search(r"\d{4}", text):
        report.warn(f"date {text!r} has no year: relative expressions in this article stay unresolved",
                    path, line, hint)
        return None
    return a.date()


def _tags(value, path: Path, line: int | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [v for v in re.split(r"\s*,\s*", value) if v]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise BuildError(Problem("tags must be a list of words", path, line, hint="tags: [russia, diplomacy]"))
    return tuple(str(v).strip() for v in value if str(v).strip())


def read_article(path: Path, content_root: Path, report: Report) -> Article:
    rel = path.relative_to(content_root) if content_root in path.parents else path
    display = path
    raw = path.read_bytes()
    if not raw.strip():
        raise BuildError(Problem("the file is empty", display, None,
                                 hint="add front matter and text, or delete the file"))
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BuildError(Problem(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                                 display, line, hint="save the file as UTF-8")) from exc
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    fm = split_front_matter(source, display)
    data = fm.data
    for key in data:
        if key not in KNOWN_KEYS:
            report.warn(f"unknown front matter key {key!r} is ignored", display, _line_of_key(source, str(key)),
                        f"known keys: {', '.join(sorted(KNOWN_KEYS))}")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise BuildError(Problem("missing title in front matter", display, _line_of_key(source, "title") or 2,
                                 hint="add title: The headline of the article"))
    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        raise BuildError(Problem("draft must be true or false", display, _line_of_key(source, "draft")))
    slug_source = data.get("slug") or path.stem
    return Article(
        slug=slugify(str(slug_source)),
        path=Path(rel),
        title=title.strip(),
        date=parse_date(data.get("date"), display, _line_of_key(source, "date"), report),
        source=str(data.get("source") or ""),
        author=str(data.get("author") or ""),
        tags=_tags(data.get("tags"), display, _line_of_key(source, "tags")),
        draft=draft,
        body=fm.body,
        summary=str(data.get("summary") or ""),
        body_line=fm.body_line,
        url=str(data.get("url") or ""),
    )


def article_files(content_dir: Path) -> list[Path]:
    folder = content_dir / "articles"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in ARTICLE_SUFFIXES and p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def read_content(content_dir: Path, report: Report, drafts: bool = False) -> list[Article]:
    """Every article, sorted by slug; all file errors are reported together."""
    problems: list[Problem] = []
    articles: list[Article] = []
    for path in article_files(content_dir):
        try:
            article = read_article(path, content_dir, report)
        except BuildError as exc:
            problems += exc.problems
            continue
        if article.draft and not drafts:
            continue
        articles.append(article)
    seen: dict[str, Article] = {}
    for a in articles:
        if a.slug in seen:
            problems.append(Problem(
                f"two articles have the slug {a.slug!r}: {seen[a.slug].path} and {a.path}",
                content_dir / a.path, None, hint="rename one file or set a different slug: in its front matter"))
        seen[a.slug] = a
    if problems:
        raise BuildError(problems)
    if not articles:
        report.warn("no articles found", content_dir / "articles", None,
                    "add Markdown files to content/articles/ (python -m generator new \"Title\")")
    return sorted(articles, key=lambda a: a.slug)
