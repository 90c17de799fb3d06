"""content/articles/*.md -> Article: front matter, publication date, body.

Front matter is YAML between `---` lines or TOML between `+++` lines, as in
Hugo. Problems that make an article unusable (no title, broken front matter,
an impossible date, not text, too big, nested too deep for the Markdown
parser, a symlink out of the project) are errors naming the file and line; a
missing or unparseable date is only a warning, because absolute dates in the
text still work without it. Whatever a file holds, reading it never raises
anything but BuildError.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import os
import re
import stat
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from pathlib import Path

import yaml
from dateutil import parser as dateparser

from .config import LimitSettings
from .errors import BuildError, Problem, Report
from .inputs import Scan, kind_of_file, scan_articles
from .links import sanitised_url
from .model import Article

_SLUG = attrgetter("slug")

KNOWN_KEYS = {"title", "date", "source", "author", "tags", "draft", "slug", "summary", "url"}
# Characters XML 1.0 forbids (the feed would be ill-formed) and that no editor means to type.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@dataclass(frozen=True)
class FrontMatter:
    data: dict
    body: str
    body_line: int


_APOSTROPHES = re.compile(r"['’]")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=65536)
def slugify(text: str, max_length: int = 80) -> str:
    """ASCII, lower case, hyphens: 'Putin’s visit, 2018!' -> 'putins-visit-2018'.
    Text with no Latin letters or digits ('Путин', '习近平') gets 'untitled-'
    and a short hash of the text, so two such names never collide. Memoised:
    planning asks for the same tags, names and dates tens of thousands of times."""
    original = text
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = _APOSTROPHES.sub("", text.lower())
    text = _NOT_SLUG.sub("-", text).strip("-")
    if len(text) > max_length:
        text = text[:max_length].rsplit("-", 1)[0]
    if text:
        return text
    letters = "".join(ch for ch in unicodedata.normalize("NFC", original) if ch.isalnum())
    if not letters:
        return "untitled"
    return "untitled-" + hashlib.sha256(letters.encode("utf-8", "surrogatepass")).hexdigest()[:8]


class _LenientTimestamps:
    """An impossible timestamp (2019-02-30) stays a string, so parse_date can
    say what is wrong with it instead of PyYAML raising a bare ValueError
    (mixed into both front-matter loaders)."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[misc]
        except (ValueError, OverflowError):
            return self.construct_scalar(node)  # type: ignore[attr-defined]

    @classmethod
    def lenient(cls) -> None:
        cls.add_constructor("tag:yaml.org,2002:timestamp", cls.construct_yaml_timestamp)  # type: ignore[attr-defined]


class _FrontMatterLoader(_LenientTimestamps, yaml.SafeLoader):
    """YAML's safe loader, minus what an editor never needs and a hostile
    file could abuse: aliases (the 'billion laughs' blow-up); lenient about
    impossible timestamps (_LenientTimestamps)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in front matter",
                                              event.start_mark)
        return super().compose_node(parent, index)


_FrontMatterLoader.lenient()

_CLoader = getattr(yaml, "CSafeLoader", None)  # PyYAML built with libyaml (its wheels are)


if _CLoader is not None:
    class _FastFrontMatterLoader(_LenientTimestamps, _CLoader):  # type: ignore[valid-type,misc]
        """libyaml's parser with the safe constructor: parsing an article's front
        matter costs 0.08 ms instead of the Python parser's 0.6 (most of reading
        10,000 articles). It is used only where it gives what the Python loader
        gives (plain_front_matter); any error is left to the Python loader, whose
        messages name the line."""

    _FastFrontMatterLoader.lenient()

# What keeps front matter off the fast loader: aliases and anchors (refused, by the Python
# loader alone), tags and directives, block scalars, tabs, carriage returns, byte order marks and
# control characters (where libyaml and the Python parser part ways, fuzzing found), and more than
# MAX_FAST_NESTING of the characters that open a level of nesting ("[{-?:"): libyaml's composer
# recurses in C, and a front matter nested 100,000 deep would crash the process.
_NOT_PLAIN = re.compile(r"[\t\r\ufeff!%@`|>*&\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
MAX_FAST_NESTING = 500


def plain_front_matter(raw: str) -> bool:
    """Can the fast (libyaml) loader read this front matter?"""
    return (_CLoader is not None and _NOT_PLAIN.search(raw) is None
            and sum(map(raw.count, "[{-?:")) <= MAX_FAST_NESTING)


def load_yaml(raw: str):
    """The front matter's YAML, as the Python loader (_FrontMatterLoader) reads it."""
    if plain_front_matter(raw):
        try:
            return yaml.load(raw, Loader=_FastFrontMatterLoader)  # noqa: S506 - a safe loader
        except Exception:  # noqa: BLE001, S110 - the Python loader below says what is wrong, and where
            pass
    return yaml.load(raw, Loader=_FrontMatterLoader)  # noqa: S506 - a safe loader


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
    try:
        if fence == "+++":
            data = tomllib.loads(raw)
        else:
            data = load_yaml(raw) if raw.strip() else {}
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = int(m.group(1)) + 1 if m else raw.count("\n") + 2  # "at end of document"
        raise BuildError(Problem(f"front matter is not valid TOML: {exc}", path, line,
                                 hint='use key = "value" lines')) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise BuildError(Problem(f"front matter is not valid YAML: {problem}", path, line,
                                 hint="quote values that contain ':' or start with a special character")) from exc
    except RecursionError as exc:
        raise BuildError(Problem("front matter is nested too deeply", path, 2,
                                 hint="front matter holds key: value lines and simple lists")) from exc
    except (ValueError, TypeError, OverflowError) as exc:  # a value the parser cannot represent
        raise BuildError(Problem(f"front matter could not be read: {exc}", path, 2,
                                 hint="quote the value as a string")) from exc
    if not isinstance(data, dict):
        raise BuildError(Problem("front matter must be a set of 'key: value' lines", path, 2,
                                 hint="e.g. title: My article"))
    return data


def _line_of_key(source: str, key: str) -> int | None:
    """The line of the front matter that sets `key`. Lines are taken one at a
    time up to the end of the front matter, not split out of the whole file:
    every article asks for its date's and tags' lines (10,000 articles: a
    quarter of a second of splitting bodies)."""
    pattern = re.compile(rf"^{re.escape(key)}\s*[:=]")
    start, no = 0, 1
    while True:
        end = source.find("\n", start)
        line = (source[start:] if end < 0 else source[start:end]).strip()
        if pattern.match(line):
            return no
        if (no > 1 and line in ("---", "+++")) or end < 0:
            return None  # past the front matter
        start, no = end + 1, no + 1


_DATE_HINT = "use an unambiguous form such as 2018-06-03 or 3 June 2018"
_ISO_DATE = re.compile(r"^([+-]?\d+)-(\d+)-(\d+)(?=$|[Tt ])(.*)$")


def _impossible_date(text: str, path: Path, line: int | None) -> date:
    """A year-first date: a real day, or an error saying what is wrong with it."""
    m = _ISO_DATE.match(text)
    assert m is not None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not 1 <= y <= 9999:
        why = f"the year {y} is outside 1 to 9999"
    elif not 1 <= mo <= 12:
        why = f"there is no month {mo}"
    else:
        try:
            day = date(y, mo, d)
        except ValueError:
            why = f"{date(y, mo, 1):%B %Y} has no day {d}"
        else:
            rest = m.group(4).strip()
            if not rest:
                return day
            try:
                datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
                return day
            except ValueError:
                why = f"the time {rest!r} is not a valid time of day"
    raise BuildError(Problem(f"date {text!r} is not a real date: {why}", path, line, _DATE_HINT))


def parse_date(value, path: Path, line: int | None, report: Report) -> date | None:
    """Any unambiguous date form. A date that cannot exist (2019-02-30, year
    0) or a value that is not a date at all (a list, a number) is an error;
    an ambiguous ('03/04/2018') or unreadable one a warning and None."""
    if value is None or value == "":
        report.warn("no publication date: relative expressions ('last month', 'on Tuesday') "
                    "cannot be resolved in this article", path, line, "add date: YYYY-MM-DD to the front matter")
        return None
    if isinstance(value, datetime):  # a time zone, if any, is kept: the date as written
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        kind = {list: "a list", dict: "a table", bool: "true or false"}.get(type(value), "a number")
        raise BuildError(Problem(f"date must be a date such as 2018-09-12, not {kind} ({value!r})"[:200], path,
                                 line, _DATE_HINT))
    text = value.strip()
    if _ISO_DATE.match(text):  # year first: never ambiguous, and checked for being a real day
        return _impossible_date(text, path, line)
    try:
        a = dateparser.parse(text, dayfirst=False, default=datetime(1, 1, 1))
        b = dateparser.parse(text, dayfirst=True, default=datetime(1, 1, 1))
    except (ValueError, OverflowError, TypeError):
        report.warn(f"date {text[:100]!r} is not a date: relative expressions in this article stay unresolved",
                    path, line, _DATE_HINT)
        return None
    if a != b:
        report.warn(f"date {text!r} is ambiguous (day and month could be swapped): relative expressions "
                    "in this article stay unresolved", path, line, _DATE_HINT)
        return None
    if a.year == 1 or not re.search(r"\d{4}", text):
        report.warn(f"date {text!r} has no year: relative expressions in this article stay unresolved",
                    path, line, _DATE_HINT)
        return None
    return a.date()


def _tags(value, path: Path, line: int | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [v for v in re.split(r"\s*,\s*", value) if v]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        raise BuildError(Problem("tags must be a list of words", path, line, hint="tags: [russia, diplomacy]"))
    return tuple(str(v).strip() for v in value if str(v).strip())


def _text(data: dict, key: str, path: Path, source: str) -> str:
    """A front matter value that is shown as text: a string (a number or a
    date is taken as written); anything else is an error."""
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, (str, int, float, date)) and not isinstance(value, bool):
        return str(value)
    raise BuildError(Problem(f"{key} must be text, not {type(value).__name__} ({value!r})"[:200], path,
                             _line_of_key(source, key), hint=f'{key}: "..."'))


def _decode(raw: bytes, path: Path) -> str:
    """The file's text: UTF-8 (with or without a BOM), or UTF-16 with a BOM."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise BuildError(Problem("not valid UTF-16 text", path, None, hint="save the file as UTF-8")) from exc
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise BuildError(Problem("the file holds NUL bytes: it is not a text file", path,
                                 raw[:nul].count(b"\n") + 1,
                                 hint="only Markdown text files belong in content/articles/"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        latin = " (it looks like Latin-1 or Windows-1252)" if re.search(rb"[\xa0-\xff]", raw[exc.start:exc.start + 1]) \
            else ""
        raise BuildError(Problem(f"not UTF-8 text{latin}: byte 0x{raw[exc.start]:02x} at offset {exc.start}",
                                 path, line, hint="save the file as UTF-8 (most editors: 'Save with encoding')")) \
            from exc


def _clean(source: str, path: Path, report: Report) -> str:
    """The text without control characters (they make the feed ill-formed);
    NUL bytes mean the file is not text at all."""
    nul = source.find("\x00")
    if nul >= 0:
        raise BuildError(Problem("the file holds NUL bytes: it is not a text file", path,
                                 source.count("\n", 0, nul) + 1,
                                 hint="only Markdown text files belong in content/articles/"))
    m = CONTROL.search(source)
    if m is None:
        return source
    report.warn(f"control character {m.group(0)!r} removed (and any others in the file)", path,
                source.count("\n", 0, m.start()) + 1, "they cannot be shown and would break the feed")
    return CONTROL.sub("", source)


_LEAD = re.compile(r"[ \t>]*")
_BRACKET = re.compile(r"\\.|[\[\]]")


def check_shape(body: str, first_line: int, path: Path, limits: LimitSettings) -> None:
    """Refuse what would make the Markdown parser recurse too deep or take
    quadratic time: deep nesting and overlong paragraphs (see [limits])."""
    if not _plainly_within(body, limits):
        walk_shape(body, first_line, path, limits)


def walk_shape(body: str, first_line: int, path: Path, limits: LimitSettings) -> None:
    """check_shape, line by line: the first line too deep, or the first
    paragraph too long, raises BuildError naming it."""
    depth_brackets = 0
    para_start, para_len = first_line, 0
    hint = "split it up, or raise the limit in site.toml under [limits]"
    for no, line in enumerate(body.split("\n"), first_line):
        if not line.strip():
            depth_brackets, para_len = 0, 0
            continue
        if para_len == 0:
            para_start = no
        para_len += len(line.encode("utf-8")) + 1
        if para_len > limits.paragraph_bytes:
            raise BuildError(Problem(f"paragraph longer than {limits.paragraph_bytes:,} bytes "
                                     "([limits] paragraph_bytes)", path, para_start, hint))
        lead = _LEAD.match(line).group(0)  # type: ignore[union-attr]
        quotes = lead.count(">")
        indent = len(lead.rsplit(">", 1)[-1].expandtabs(4)) // 4
        depth = quotes + indent
        if "[" in line:
            for m in _BRACKET.finditer(line):
                if m.group(0) == "[":
                    depth_brackets += 1
                    depth = max(depth, depth_brackets)
                elif m.group(0) == "]":
                    depth_brackets = max(0, depth_brackets - 1)
        if depth > limits.nesting:
            raise BuildError(Problem(f"nested more than {limits.nesting} levels deep (lists, block quotes or "
                                     "brackets; [limits] nesting)", path, no, hint))


def _plainly_within(body: str, limits: LimitSettings) -> bool:
    """True when check_shape would find nothing, told without walking the
    lines (most articles; 10,000 articles: 0.3 s of the read): the whole
    body, a newline counted for each line, within paragraph_bytes; no line
    opening with more than `nesting` of '>', spaces and tabs (each is at
    most one level: four spaces or one tab make one); and no more '[' in
    all than `nesting`. Anything else is walked line by line."""
    if body.count("[") > limits.nesting:
        return False
    # (UTF-8 takes at most 4 bytes a character: most bodies need no encoding to be told short)
    if len(body) * 4 >= limits.paragraph_bytes and len(body.encode("utf-8")) + 1 > limits.paragraph_bytes:
        return False
    first, later = _deep_leads(limits.nesting)
    return first.match(body) is None and later.search(body) is None


@functools.lru_cache(maxsize=4)
def _deep_leads(nesting: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """More than `nesting` of '>', spaces and tabs at the start of the first
    line, and after a newline: a search that opens with a newline skips to
    each in C (ten times faster than a multiline '^')."""
    run = rf"[ \t>]{{{nesting + 1}}}"
    return re.compile(run), re.compile("\n" + run)


def read_article(path: Path, content_root: Path, report: Report, limits: LimitSettings | None = None) -> Article:
    limits = limits or LimitSettings()
    rel = path.relative_to(content_root) if content_root in path.parents else path
    display = path
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise BuildError(Problem(f"not a regular file ({kind_of_file(st.st_mode)})", display, None,
                                     hint="only Markdown files belong in content/articles/"))
        if st.st_size > limits.article_bytes:
            raise BuildError(Problem(f"the file is {st.st_size:,} bytes, more than the limit of "
                                     f"{limits.article_bytes:,} ([limits] article_bytes)", display, None,
                                     "split the article, or raise article_bytes under [limits] in site.toml"))
        raw = path.read_bytes()
    except OSError as exc:
        raise BuildError(Problem(f"cannot read the file: {exc.strerror}", display, None)) from exc
    return parse_article(raw, path, rel, report, limits)


def parse_article(raw: bytes, display: Path, rel: Path, report: Report, limits: LimitSettings) -> Article:
    """The bytes of an article file -> Article, or BuildError naming `display`."""
    path = display
    if not raw.strip():
        raise BuildError(Problem("the file is empty", display, None,
                                 hint="add front matter and text, or delete the file"))
    source = _clean(_decode(raw, display), display, report)
    if not source.strip():
        raise BuildError(Problem("the file is empty", display, None,
                                 hint="add front matter and text, or delete the file"))
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    fm = split_front_matter(source, display)
    data = fm.data
    for key in data:
        if key not in KNOWN_KEYS:
            report.warn(f"unknown front matter key {str(key)[:80]!r} is ignored", display,
                        _line_of_key(source, str(key)), f"known keys: {', '.join(sorted(KNOWN_KEYS))}")
    title = " ".join(_text(data, "title", display, source).split())
    if not title:
        raise BuildError(Problem("missing title in front matter", display, _line_of_key(source, "title") or 2,
                                 hint="add title: The headline of the article"))
    if len(title) > limits.title_chars:
        raise BuildError(Problem(f"the title is {len(title):,} characters, more than the limit of "
                                 f"{limits.title_chars:,} ([limits] title_chars)", display,
                                 _line_of_key(source, "title"), "shorten it; put the rest in summary:"))
    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        raise BuildError(Problem("draft must be true or false", display, _line_of_key(source, "draft")))
    url = _text(data, "url", display, source).strip()
    if url and not sanitised_url(url):
        report.warn(f"url {url[:100]!r} is not an http, https or mailto link; it is left out", display,
                    _line_of_key(source, "url"), 'url: "https://example.org/original-story"')
        url = ""
    check_shape(fm.body, fm.body_line, display, limits)
    slug_source = _text(data, "slug", display, source) or path.stem
    return Article(
        slug=slugify(slug_source),
        path=Path(rel),
        title=title,
        date=parse_date(data.get("date"), display, _line_of_key(source, "date"), report),
        source=_text(data, "source", display, source),
        author=_text(data, "author", display, source),
        tags=_tags(data.get("tags"), display, _line_of_key(source, "tags")),
        draft=draft,
        body=fm.body,
        summary=_text(data, "summary", display, source),
        body_line=fm.body_line,
        url=url,
    )


def read_content(content_dir: Path, report: Report, drafts: bool = False, limits: LimitSettings | None = None,
                 project_root: Path | None = None, read=None, scanned: Scan | None = None) -> list[Article]:
    """Every article, sorted by slug; all file errors are reported together.
    `read` is read_article or one that remembers files (generator.state),
    given a file's path as a string. `scanned`: scan_articles' result, if
    the build took it already (build.current_inputs)."""
    files, problems, _ = scanned if scanned is not None else scan_articles(content_dir, project_root)
    problems = list(problems)
    if read is None:
        def read(path: str, content_root: Path, report: Report, limits: LimitSettings | None = None) -> Article:
            return read_article(Path(path), content_root, report, limits)
    articles: list[Article] = []
    for path in files:
        try:
            article = read(path, content_dir, report, limits)
        except BuildError as exc:
            problems += exc.problems
            continue
        if article.draft and not drafts:
            continue
        articles.append(article)
    seen: dict[str, Article] = {}
    for a in articles if len(set(map(_SLUG, articles))) < len(articles) else ():  # (each slug once: checked in C)
        if a.slug in seen:
            problems.append(Problem(
                f"two articles have the slug {a.slug!r}: {seen[a.slug].path} and {a.path}",
                content_dir / a.path, None, hint="set a different slug: in the front matter of one of them "
                                                 "(or rename its file)"))
        seen[a.slug] = a
    if problems:
        raise BuildError(problems)
    if not articles:
        report.warn("no articles found", content_dir / "articles", None,
                    "add Markdown files to content/articles/ (python -m generator new \"Title\")")
    return sorted(articles, key=_SLUG)
