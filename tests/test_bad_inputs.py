"""Every kind of bad input an editor or a hostile contributor can send
(issue 14's list), one small file each in tests/bad_inputs/: `build` and
`check` exit with 1 and a `file:line: error: message` plus a hint, no
traceback, and the published output stays exactly as it was. Inputs that
can be read (a BOM, CRLF lines, UTF-16, a time zone) are read correctly."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from generator.__main__ import main
from tests.support import make_project

BAD = Path(__file__).parent / "bad_inputs"
GOOD = {
    "2018-09-12-summit.md": "---\ntitle: Summit in Vladivostok\ndate: 2018-09-12\ntags: [Russia]\n---\n"
                            "Vladimir Putin and Xi Jinping met at the Eastern Economic Forum in Vladivostok on "
                            "Tuesday.\n\nThe leaders signed a trade deal on Wednesday.\n",
    "2018-06-01-visit.md": "---\ntitle: Visit to Beijing\ndate: 2018-06-01\n---\n"
                           "Putin arrived in Beijing on Friday for talks with Xi Jinping.\n",
}
ERROR_LINE = re.compile(r"^(?P<file>.+?)(?::(?P<line>\d+))?: error: (?P<message>.+)$", re.M)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A small project, built once; each test works on a copy."""
    project = make_project(tmp_path_factory.mktemp("bad-inputs") / "p", GOOD)
    assert main(["build", "--config", str(project / "site.toml"), "--quiet"]) == 0
    return project


@pytest.fixture
def project(built, tmp_path):
    copy = tmp_path / "p"
    shutil.copytree(built, copy, symlinks=True)
    return copy


def run(project: Path, capsys, *extra: str, command: str = "build", config: Path | None = None) -> tuple[int, str]:
    capsys.readouterr()
    args = [command, "--config", str(config or project / "site.toml"), *extra]
    if command == "build":
        args.append("--quiet")
    code = main(args)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def refused(project: Path, capsys, message: str, file_part: str, line: int | None = None,
            config: Path | None = None) -> str:
    """build and check both exit 1 with the message on a file:line: error: line
    and a hint; the output is untouched."""
    before = snapshot(project / "output")
    for command in ("build", "check"):
        code, err = run(project, capsys, command=command, config=config)
        assert code == 1, err
        errors = [m for m in ERROR_LINE.finditer(err) if message in m.group("message")]
        assert errors, err
        where = errors[0]
        assert file_part in where.group("file"), err
        if line is not None:
            assert where.group("line") == str(line), err
        assert "hint:" in err[where.start():], err
    assert snapshot(project / "output") == before
    return err


def add_article(project: Path, name: str, source: str | None = None) -> Path:
    target = project / "content" / "articles" / name
    shutil.copy(BAD / "articles" / (source or name), target)
    return target


def add_override(project: Path, *names: str) -> None:
    folder = project / "content" / "events"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(BAD / "events" / name, folder / name)


def built_article(project: Path, capsys, slug: str) -> str:
    code, err = run(project, capsys)
    assert code == 0, err
    return (project / "output" / "articles" / slug / "index.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize("name,message", [
    ("impossible-day.md", "February 2019 has no day 30"),
    ("impossible-month.md", "there is no month 13"),
    ("year-zero.md", "the year 0 is outside 1 to 9999"),
    ("year-99999.md", "the year 99999 is outside 1 to 9999"),
])
def test_impossible_date(project, capsys, name, message):
    add_article(project, name)
    refused(project, capsys, message, name, 3)


def test_datetime_with_a_time_zone_is_read_as_written(project, capsys):
    add_article(project, "datetime-with-zone.md")
    html = built_article(project, capsys, "datetime-with-zone")
    assert "12 September 2018" in html  # the date in its own zone, not shifted to UTC


@pytest.mark.parametrize("name,kind", [("date-list.md", "a list"), ("date-number.md", "a number")])
def test_date_given_as_a_list_or_a_number(project, capsys, name, kind):
    add_article(project, name)
    refused(project, capsys, f"date must be a date such as 2018-09-12, not {kind}", name, 3)


# ---------------------------------------------------------------- syntax and encodings

def test_yaml_error_line_counted_from_the_top(project, capsys):
    add_article(project, "yaml-error.md")
    refused(project, capsys, "front matter is not valid YAML", "yaml-error.md", 4)


def test_toml_error_line_counted_from_the_top(project, capsys):
    add_article(project, "toml-error.md")
    refused(project, capsys, "front matter is not valid TOML", "toml-error.md", 4)


@pytest.mark.parametrize("name,slug,title", [("bom.md", "bom", "With a BOM"), ("crlf.md", "crlf", "CRLF lines"),
                                             ("utf16.md", "utf16", "UTF-16 text")])
def test_bom_crlf_and_utf16_are_read(project, capsys, name, slug, title):
    add_article(project, name)
    html = built_article(project, capsys, slug)
    assert title in html and "Vladivostok" in html and "\r" not in html


def test_latin1_is_refused_with_a_hint(project, capsys):
    add_article(project, "latin1.md")
    err = refused(project, capsys, "not UTF-8 text (it looks like Latin-1", "latin1.md", 2)
    assert "save the file as UTF-8" in err


def test_nul_bytes(project, capsys):
    add_article(project, "nul-bytes.md")
    refused(project, capsys, "NUL bytes", "nul-bytes.md", 5)


def test_binary_file_named_md(project, capsys):
    add_article(project, "binary.md")
    refused(project, capsys, "NUL bytes", "binary.md", 1)


@pytest.mark.parametrize("name", ["empty.md", "whitespace-only.md"])
def test_empty_or_whitespace_only_file(project, capsys, name):
    add_article(project, name)
    refused(project, capsys, "the file is empty", name)


def test_control_characters_are_removed_with_a_warning(project, capsys):
    toml = project / "site.toml"  # the feed is written only with an absolute base URL
    toml.write_text(toml.read_text().replace('base_url = "/"', 'base_url = "https://example.org/"'))
    add_article(project, "control-characters.md")
    code, err = run(project, capsys)
    assert code == 0 and "control-characters.md:2: warning: control character '\\x07' removed" in err
    feed = (project / "output" / "feed.xml").read_text(encoding="utf-8")
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", feed)
    from xml.etree import ElementTree

    ElementTree.fromstring(feed.encode("utf-8"))  # well-formed


# ---------------------------------------------------------------- size and shape

def test_title_of_ten_thousand_characters(project, capsys):
    add_article(project, "long-title.md")
    refused(project, capsys, "the title is 10,000 characters, more than the limit of 1,000 ([limits] title_chars)",
            "long-title.md", 2)


@pytest.mark.parametrize("name,line", [("deep-quotes.md", 5), ("deep-brackets.md", 5), ("deep-list.md", 56)])
def test_markdown_nesting_ten_thousand_levels_deep(project, capsys, name, line):
    add_article(project, name)
    refused(project, capsys, "nested more than 50 levels deep", name, line)


def test_article_of_20_mb(project, capsys):
    path = project / "content" / "articles" / "huge.md"
    paragraph = "Putin met Xi in Vladivostok on Tuesday, and the two talked about trade. " * 10 + "\n\n"
    path.write_text("---\ntitle: Huge\ndate: 2018-09-12\n---\n" + paragraph * (20_000_000 // len(paragraph)))
    refused(project, capsys, "more than the limit of 5,000,000 ([limits] article_bytes)", "huge.md")


def test_single_line_of_5_mb(project, capsys):
    (project / "site.toml").write_text('title = "Test site"\n\n[limits]\narticle_bytes = 10_000_000\n')
    path = project / "content" / "articles" / "one-line.md"
    path.write_text("---\ntitle: One line\ndate: 2018-09-12\n---\n" + "Putin met *Xi* on Tuesday. " * 190_000)
    refused(project, capsys, "paragraph longer than 100,000 bytes ([limits] paragraph_bytes)", "one-line.md", 5)


# ---------------------------------------------------------------- file names and kinds of file

@pytest.mark.parametrize("name,slug", [("with spaces.md", "with-spaces"), ("café déjà vu.md", "cafe-deja-vu"),
                                       ("a..b.md", "a-b")])
def test_file_names_with_spaces_unicode_or_dots_are_read(project, capsys, name, slug):
    add_article(project, name, "bom.md")
    assert "With a BOM" in built_article(project, capsys, slug)


def test_two_non_latin_file_names_do_not_collide(project, capsys):
    add_article(project, "путин.md", "bom.md")
    add_article(project, "习近平.md", "crlf.md")
    code, err = run(project, capsys)
    assert code == 0, err
    slugs = sorted(p.name for p in (project / "output" / "articles").iterdir() if p.name.startswith("untitled-"))
    assert len(slugs) == 2


def test_file_name_with_a_newline(project, capsys):
    add_article(project, "two\nlines.md", "bom.md")
    err = refused(project, capsys, "the file name holds a line break", "two\\nlines.md")
    assert "rename the file" in err


def test_symlink_outside_the_project(project, capsys, tmp_path):
    secret = tmp_path / "outside.md"
    shutil.copy(BAD / "articles" / "bom.md", secret)
    (project / "content" / "articles" / "linked.md").symlink_to(secret)
    refused(project, capsys, "symlink points outside the project", "linked.md")


def test_symlink_loop(project, capsys):
    articles = project / "content" / "articles"
    (articles / "loop-a.md").symlink_to(articles / "loop-b.md")
    (articles / "loop-b.md").symlink_to(articles / "loop-a.md")
    refused(project, capsys, "symlink loops", "loop-a.md")


def test_fifo_named_md(project, capsys):
    os.mkfifo(project / "content" / "articles" / "pipe.md")
    refused(project, capsys, "not a regular file (a named pipe (FIFO))", "pipe.md")


def test_directory_named_md(project, capsys):
    (project / "content" / "articles" / "folder.md").mkdir()
    refused(project, capsys, "a folder named like an article", "folder.md")


def test_javascript_url_in_front_matter_is_dropped_with_a_warning(project, capsys):
    add_article(project, "javascript-url.md")
    html = built_article(project, capsys, "javascript-url")
    assert "javascript:" not in html and "Original article" not in html


# ---------------------------------------------------------------- overrides

@pytest.mark.parametrize("names,message,line", [
    (["unknown-key.toml"], "unknown key 'titel'", 2),
    (["misspelled-match.toml"], "unknown key 'contain' in [match]", 3),
    (["empty-match.toml"], "[match] names nothing to match", 2),
    (["hidden-not-bool.toml"], "hidden must be true or false", 2),
    (["title-not-string.toml"], "title must be a string, not int", 2),
    (["merge-not-list.toml"], "merge must be a list of strings", 2),
    (["tags-not-strings.toml"], "tags must be a list of strings", 2),
    (["bad-date.toml"], "date '2018-02-30' is not a TIMEX3 date", 2),
    (["match-not-table.toml"], "match must be a table", 1),
    (["both-event-and-match.toml"], "give either event = or [match], not both", 1),
    (["not-toml.toml"], "not valid TOML", 2),
    (["not-utf8.toml"], "not UTF-8 text", 2),
    (["cycle-a.toml", "cycle-b.toml"], "merge cycle: a -> b -> a", None),
])
def test_bad_override(project, capsys, names, message, line):
    add_override(project, *names)
    refused(project, capsys, message, names[0], line)


def test_bare_carriage_return_in_an_override_title_never_reaches_events_ics(project, capsys):
    toml = project / "site.toml"  # the calendar is written only with an absolute base URL
    toml.write_text(toml.read_text().replace('base_url = "/"', 'base_url = "https://example.org/"'))
    code, _ = run(project, capsys)
    import json

    event = json.loads((project / "output" / "events.json").read_text())["events"][0]["id"]
    folder = project / "content" / "events"
    folder.mkdir(exist_ok=True)
    (folder / "retitle.toml").write_text(f'event = "{event}"\ntitle = "Summit\\rBEGIN:VEVENT\\rX-EVIL:1"\n')
    code, err = run(project, capsys)
    assert code == 0 and "retitle.toml:2: warning: title: line breaks" in err
    ics = (project / "output" / "events.ics").read_bytes()
    lines = ics.replace(b"\r\n ", b"").split(b"\r\n")  # unfolded
    assert b"SUMMARY:Summit BEGIN:VEVENT X-EVIL:1" in lines
    assert not any(line.startswith(b"X-EVIL") for line in lines) and b"\r" not in b"".join(lines)


# ---------------------------------------------------------------- site.toml

@pytest.mark.parametrize("name,message,line", [
    ("unknown-key.toml", "unknown key 'titel'", 2),
    ("wrong-type.toml", "'key_events' must be an integer", 2),
    ("out-of-range.toml", "[feed] 'entries' must be at least 0", 4),
    ("javascript-base-url.toml", "is not an http(s) URL or a path", 2),
    ("protocol-relative-base-url.toml", "is protocol-relative", 2),
    ("output-project-root.toml", "is the project folder; refusing", 2),
    ("output-slash.toml", "is the file-system root; refusing", 2),
    ("output-git.toml", "is inside a .git folder; refusing", 2),
    ("output-parent.toml", "contains the project folder; refusing", 2),
    ("not-utf8.toml", "not UTF-8 text", 1),
    ("missing-content.toml", "no-such-folder' does not exist", None),
    ("unknown-language.toml", "language '../../etc' has no rules", 2),
])
def test_bad_site_toml(project, capsys, name, message, line):
    config = project / "site.toml"
    shutil.copy(BAD / "site" / name, config)
    refused(project, capsys, message, "site.toml", line)


def test_wrong_content_flag_is_an_error(project, capsys):
    before = snapshot(project / "output")
    code, err = run(project, capsys, "--content", str(project / "no-such-folder"))
    assert code == 1 and "does not exist" in err and "hint:" in err
    assert snapshot(project / "output") == before


def test_shrinking_by_more_than_half_needs_allow_shrink(project, capsys):
    before = snapshot(project / "output")
    for p in (project / "content" / "articles").glob("*.md"):
        p.unlink()
    (project / "content" / "articles" / "other.md").write_text("---\ntitle: Other\ndate: 2018-01-01\n---\nNothing.\n")
    code, err = run(project, capsys)
    assert code == 1 and "this build would remove" in err and "articles/2018-09-12-summit/index.html" in err
    assert "--allow-shrink" in err and snapshot(project / "output") == before
    code, err = run(project, capsys, "--allow-shrink")
    assert code == 0 and (project / "output" / "articles" / "other" / "index.html").exists()
