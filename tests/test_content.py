"""Front matter, dates and every kind of bad article file."""

from datetime import date

import pytest

from generator.content import read_article, read_content
from generator.errors import BuildError, Report
from tests.support import build_site as build
from tests.support import make_project

GOOD = "---\ntitle: A title\ndate: 2018-09-12\ntags: [a, b]\n---\nPutin met Xi on Tuesday.\n"


def _read(tmp_path, text, name="a.md"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    report = Report()
    return read_article(path, tmp_path, report), report


def test_yaml_front_matter(tmp_path):
    a, report = _read(tmp_path, GOOD)
    assert (a.title, a.date, a.tags, a.slug) == ("A title", date(2018, 9, 12), ("a", "b"), "a")
    assert a.body.strip() == "Putin met Xi on Tuesday."
    assert report.warnings == []


def test_toml_front_matter(tmp_path):
    a, _ = _read(tmp_path, '+++\ntitle = "T"\ndate = 2018-09-12\nsource = "Arab News"\n+++\nBody\n')
    assert (a.title, a.date, a.source) == ("T", date(2018, 9, 12), "Arab News")


@pytest.mark.parametrize("raw,expected", [
    ("12 September 2018", date(2018, 9, 12)), ("September 12, 2018", date(2018, 9, 12)),
    ('"2018-09-12T08:30:00+04:00"', date(2018, 9, 12)), ("Sep 12 2018", date(2018, 9, 12)),
])
def test_any_unambiguous_date_form(tmp_path, raw, expected):
    a, report = _read(tmp_path, f"---\ntitle: T\ndate: {raw}\n---\nx\n")
    assert a.date == expected and report.warnings == []


@pytest.mark.parametrize("raw", ["03/04/2018", "not a date", "", "June"])
def test_bad_or_ambiguous_date_is_a_warning_naming_the_file(tmp_path, raw):
    a, report = _read(tmp_path, f"---\ntitle: T\ndate: {raw}\n---\nx\n")
    assert a.date is None
    assert len(report.warnings) == 1
    w = report.warnings[0]
    assert str(w.path).endswith("a.md") and w.line == 3


def test_missing_date_keeps_absolute_dates_and_warns_about_relative_ones(tmp_path):
    project = make_project(tmp_path, {"x.md": "---\ntitle: Undated\n---\nPutin met Xi on Tuesday. "
                                               "The summit was held on May 31, 2018 in Moscow.\n"})
    result = build(project / "site.toml", output=project / "out", use_cache=False)
    messages = [str(w) for w in result.report.warnings]
    assert any("x.md" in m and "no publication date" in m for m in messages)
    assert any("x.md" in m and "'Tuesday'" in m and "unresolved" in m for m in messages)
    assert [e.date for e in result.events] == ["2018-05-31"]


@pytest.mark.parametrize("text,message,line", [
    ("---\ntitle: [unclosed\n---\nbody\n", "not valid YAML", 2),
    ("---\ntitle: ok\ndate: 2018-01-01\n", "not closed", 1),
    ("---\ndate: 2018-01-01\n---\nbody\n", "missing title", 2),
    ("+++\ntitle = \n+++\nbody\n", "not valid TOML", 2),
    ("Just text, no front matter\n", "no front matter", 1),
    ("---\n- a list\n---\nbody\n", "must be a set of", 2),
])
def test_malformed_front_matter_names_file_and_line(tmp_path, text, message, line):
    with pytest.raises(BuildError) as exc:
        _read(tmp_path, text)
    p = exc.value.problems[0]
    assert message in p.message and str(p.path).endswith("a.md") and p.line == line
    assert p.hint


def test_not_utf8(tmp_path):
    with pytest.raises(BuildError) as exc:
        _read(tmp_path, "---\ntitle: Caf\xe9\n---\n".encode("latin-1"))
    p = exc.value.problems[0]
    assert "not UTF-8" in p.message and p.line == 2 and "UTF-8" in p.hint


@pytest.mark.parametrize("text", [b"", b"   \n\n"])
def test_empty_file(tmp_path, text):
    with pytest.raises(BuildError) as exc:
        _read(tmp_path, text)
    assert "empty" in exc.value.problems[0].message


def test_slug_collision_names_both_files(tmp_path):
    (tmp_path / "articles" / "sub").mkdir(parents=True)
    (tmp_path / "articles" / "story.md").write_text(GOOD)
    (tmp_path / "articles" / "sub" / "story.md").write_text(GOOD)
    with pytest.raises(BuildError) as exc:
        read_content(tmp_path, Report())
    msg = str(exc.value)
    assert "story.md" in msg and "sub/story.md" in msg and "slug" in msg


def test_all_bad_files_are_reported_together(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "one.md").write_text("no front matter")
    (tmp_path / "articles" / "two.md").write_bytes(b"")
    with pytest.raises(BuildError) as exc:
        read_content(tmp_path, Report())
    assert {p.path.name for p in exc.value.problems} == {"one.md", "two.md"}


def test_drafts_are_left_out_unless_asked(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "d.md").write_text("---\ntitle: D\ndraft: true\n---\nx\n")
    assert read_content(tmp_path, Report()) == []
    assert [a.slug for a in read_content(tmp_path, Report(), drafts=True)] == ["d"]
