"""Whole builds: template errors, failed builds leave output whole, the
writer, overrides, incremental rebuilds equal cold builds."""

import os
import shutil
from pathlib import Path

import pytest

from generator.errors import BuildError
from generator.write import write_site
from tests.support import ROOT, make_project
from tests.support import build_site as build

ARTICLE = "---\ntitle: Summit\ndate: 2018-09-12\n---\nPutin and Xi met at the forum in Vladivostok on Tuesday.\n"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _project_with_templates(tmp_path):
    project = make_project(tmp_path, {"a.md": ARTICLE})
    (project / "templates").mkdir()
    return project


def test_template_syntax_error_names_template_and_line(tmp_path):
    project = _project_with_templates(tmp_path)
    (project / "templates" / "event.html").write_text('{% extends "base.html" %}\n{% block main %}\n{% if %}\n'
                                                      '{% endblock %}\n')
    with pytest.raises(BuildError) as exc:
        build(project / "site.toml", use_cache=False)
    p = exc.value.problems[0]
    assert "syntax" in p.message and str(p.path).endswith("templates/event.html") and p.line == 3


def test_undefined_variable_names_template_and_line(tmp_path):
    project = _project_with_templates(tmp_path)
    (project / "templates" / "event.html").write_text('{% extends "base.html" %}\n{% block main %}\n'
                                                      "<p>ok</p>\n{{ event.no_such_field }}\n{% endblock %}\n")
    with pytest.raises(BuildError) as exc:
        build(project / "site.toml", use_cache=False)
    p = exc.value.problems[0]
    assert "undefined" in p.message and "no_such_field" in p.message
    assert str(p.path).endswith("templates/event.html") and p.line == 4


def test_user_template_overrides_bundled_one(tmp_path):
    project = _project_with_templates(tmp_path)
    (project / "templates" / "404.html").write_text("custom not found {{ site.title }}")
    build(project / "site.toml", use_cache=False)
    assert (project / "output" / "404.html").read_text() == "custom not found Test site"
    assert "<h1>" in (project / "output" / "index.html").read_text()  # bundled one still used


def test_failed_build_leaves_previous_output_untouched(tmp_path):
    project = _project_with_templates(tmp_path)
    build(project / "site.toml", use_cache=False)
    before = snapshot(project / "output")
    (project / "content" / "articles" / "b.md").write_text(ARTICLE.replace("Summit", "Second"))
    (project / "templates" / "article.html").write_text("{{ article.nope }}")
    with pytest.raises(BuildError):
        build(project / "site.toml", use_cache=False)
    assert snapshot(project / "output") == before
    (project / "content" / "articles" / "c.md").write_text("---\ntitle: [broken\n---\n")
    with pytest.raises(BuildError):
        build(project / "site.toml", use_cache=False)
    assert snapshot(project / "output") == before


def test_stale_files_removed_only_after_success_and_only_ours(tmp_path):
    project = make_project(tmp_path, {"a.md": ARTICLE, "b.md": ARTICLE.replace("Summit", "Other")})
    out = project / "output"
    build(project / "site.toml", use_cache=False)
    (out / "keep-me.txt").write_text("not ours")
    assert (out / "articles" / "b" / "index.html").exists()
    (project / "content" / "articles" / "b.md").unlink()
    result = build(project / "site.toml", use_cache=False)
    assert not (out / "articles" / "b").exists()
    assert (out / "keep-me.txt").read_text() == "not ours"
    assert result.stats.removed >= 1


def test_unchanged_files_are_not_rewritten(tmp_path):
    project = make_project(tmp_path, {"a.md": ARTICLE})
    build(project / "site.toml", use_cache=False)
    index = project / "output" / "index.html"
    os.utime(index, (1, 1))
    result = build(project / "site.toml")
    assert index.stat().st_mtime == 1 and result.stats.written == 0


def test_writer_refuses_paths_outside_output(tmp_path):
    for bad in ["../escape.html", "/etc/passwd", "a/../../b.html", "a\\..\\b.html", "", ".", "..",
                ".generator-manifest.json", ".generator-build/x.html", "//etc/x.html"]:
        with pytest.raises(BuildError):
            write_site({bad: b"x"}, tmp_path / "out")
    assert not (tmp_path / "escape.html").exists()


def test_writer_writes_a_path_in_its_normal_form(tmp_path):
    """A page's path as written (./a, a//b, a/./b, a/) lands where its normal form says, once."""
    write_site({"./a.html": b"1", "b//c.html": b"2", "d/./e.html": b"3", "f/g.html/": b"4"}, tmp_path / "out")
    found = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.html"))
    assert found == ["a.html", "b/c.html", "d/e.html", "f/g.html"]


def test_writer_refuses_symlink_out(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (out / "events").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(BuildError):
        write_site({"events/x.html": b"x"}, out)
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_cached_build_equals_cold_build(tmp_path):
    project = make_project(tmp_path, copy_seed_content=True)
    shutil.copy(ROOT / "site.toml", project / "site.toml")
    build(project / "site.toml", output=project / "cold", use_cache=False)
    build(project / "site.toml", output=project / "warm1")  # fills the cache
    build(project / "site.toml", output=project / "warm2")  # reads it
    assert snapshot(project / "cold") == snapshot(project / "warm2")


def test_override_retitles_redates_hides_and_merges(tmp_path):
    project = make_project(tmp_path, copy_seed_content=True)
    shutil.copy(ROOT / "site.toml", project / "site.toml")
    events = {e.id: e for e in build(project / "site.toml", use_cache=False).events}
    vlad = next(i for i, e in events.items() if e.date == "2018-09-11")
    spief = next(i for i, e in events.items() if "St Petersburg" in e.title)
    caption = next(i for i, e in events.items() if e.date == "2024-04")  # the one to hide
    conf = next(i for i, e in events.items() if e.date == "2018-W37" and "deal" in e.title)
    folder = project / "content" / "events"
    folder.mkdir()
    (folder / "vladivostok.toml").write_text(f'event = "{vlad}"\ntitle = "Putin and Xi meet in Vladivostok"\n'
                                             f'merge = ["{conf}"]\n')
    (folder / "spief.toml").write_text('date = "2018-05-24"\n[match]\ndate = "2018-05"\n'
                                       'contains = "St Petersburg International Economic Forum"\n')
    (folder / "caption.toml").write_text(f'event = "{caption}"\nhidden = true\n')
    (folder / "stale.toml").write_text('event = "no-such-event"\ntitle = "x"\n')
    result = build(project / "site.toml", use_cache=False)
    after = {e.id: e for e in result.events}
    assert after[vlad].title == "Putin and Xi meet in Vladivostok" and "title" in after[vlad].edited
    assert any("Alibaba" in q.sentence for s in after[vlad].sources for q in s.quotes) and conf not in after
    assert after[spief].date == "2018-05-24" and after[spief].precision == "day"
    assert caption not in after
    assert any("stale.toml" in str(w.path) and "matches no event" in w.message for w in result.report.warnings)


def _seed_project(tmp_path):
    project = make_project(tmp_path, copy_seed_content=True)
    shutil.copy(ROOT / "site.toml", project / "site.toml")
    return project


@pytest.mark.parametrize("change", ["nothing", "edit", "add", "delete", "rename", "template", "static", "site_toml",
                                    "override", "output_file_deleted"])
def test_incremental_rebuild_equals_cold_build(tmp_path, change):
    """Build, change one thing, rebuild into the same folder with the cache (as
    the command line does, skipping the work when nothing changed): the result
    must be byte for byte what a cold build of the new state gives. The cold
    build publishes over a copy of the first site: an event's id depends on
    the ids the site published before (corpus/history.py), not on the cache."""
    project = _seed_project(tmp_path / "p")
    first_build = build(project / "site.toml", output=project / "site", skip_unchanged=True)
    assert not first_build.up_to_date
    shutil.copytree(project / "site", project / "cold")
    articles = project / "content" / "articles"
    first = sorted(articles.glob("*.md"))[1]
    if change == "nothing":
        pass
    elif change == "output_file_deleted":
        (project / "site" / "events.json").unlink()
    elif change == "static":
        (project / "templates" / "static").mkdir(parents=True)
        (project / "templates" / "static" / "style.css").write_text("body { color: #111; }\n")
    elif change == "override":
        (project / "content" / "events").mkdir()
        event = first_build.events[0]
        (project / "content" / "events" / "retitle.toml").write_text(f'event = "{event.id}"\ntitle = "Retitled"\n')
    elif change == "edit":
        first.write_text(first.read_text().replace("deepened bilateral ties", "deepened their bilateral ties"))
    elif change == "add":
        (articles / "2019-06-01-new.md").write_text(
            "---\ntitle: New story\ndate: 2019-06-01\ntags: [Russia]\n---\nPutin met Xi in Moscow on Wednesday.\n")
    elif change == "delete":
        first.unlink()
    elif change == "rename":
        first.rename(articles / "renamed-story.md")
    elif change == "template":
        (project / "templates").mkdir()
        (project / "templates" / "404.html").write_text("{% extends 'base.html' %}{% block main %}gone{% endblock %}")
    elif change == "site_toml":
        text = (project / "site.toml").read_text().replace('order = "oldest"', 'order = "newest"')
        (project / "site.toml").write_text(text.replace("key_events = 8", "key_events = 3"))
    again = build(project / "site.toml", output=project / "site", skip_unchanged=True, allow_shrink=True)
    assert again.up_to_date == (change == "nothing")
    build(project / "site.toml", output=project / "cold", use_cache=False, allow_shrink=True)
    warm, cold = snapshot(project / "site"), snapshot(project / "cold")
    warm.pop(".generator-manifest.json"), cold.pop(".generator-manifest.json")
    assert warm.keys() == cold.keys()
    assert [k for k in warm if warm[k] != cold[k]] == []


def test_rebuild_renders_only_pages_whose_inputs_changed(tmp_path):
    """After one article is edited, the pages that do not show it are neither
    rendered nor written again, and the site equals a cold build."""
    project = _seed_project(tmp_path / "p")
    first = build(project / "site.toml", output=project / "site")
    shutil.copytree(project / "site", project / "cold")  # the same published history
    article = sorted((project / "content" / "articles").glob("*.md"))[1]
    article.write_text(article.read_text().replace("deepened bilateral ties", "deepened their bilateral ties"))
    again = build(project / "site.toml", output=project / "site")
    assert again.stats.written < first.stats.written / 3
    assert again.stats.written + again.stats.unchanged == first.stats.written
    build(project / "site.toml", output=project / "cold", use_cache=False)
    warm, cold = snapshot(project / "site"), snapshot(project / "cold")
    warm.pop(".generator-manifest.json"), cold.pop(".generator-manifest.json")
    assert warm == cold
