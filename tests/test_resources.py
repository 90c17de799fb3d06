"""The language resources are read by each build, never kept from an
earlier one: an edited rule, vocabulary or gazetteer file changes the next
build, in one process and in the live preview."""

from __future__ import annotations

import shutil
import subprocess

from generator.temporal import rules
from tests.support import ROOT, build_site, preview_project, running_preview, seed_project, wait_for

VETO_LAST_MONTH = '\n[[veto]]\nid = "veto.test-last-month"\npattern = "last month"\nexamples = ["last month"]\n'


def _spief_month(out) -> bool:
    """Is "last month's St Petersburg ... Forum" on the timeline (May 2018)?"""
    return '"date":"2018-05"' in (out / "events.json").read_text()


def test_edited_rule_file_changes_the_next_build_in_the_same_process(tmp_path, monkeypatch):
    rules_copy = tmp_path / "rules"
    shutil.copytree(rules.RULES_ROOT, rules_copy)
    monkeypatch.setattr(rules, "RULES_ROOT", rules_copy)
    project = seed_project(tmp_path / "p")
    build_site(project / "site.toml", output=tmp_path / "one", search_index=False)
    assert _spief_month(tmp_path / "one")
    with (rules_copy / "en" / "false_friends.toml").open("a") as fh:
        fh.write(VETO_LAST_MONTH)
    build_site(project / "site.toml", output=tmp_path / "two", search_index=False)
    assert not _spief_month(tmp_path / "two")


def test_edited_gazetteer_file_changes_the_next_build(tmp_path):
    project = seed_project(tmp_path / "p")
    (project / "names.toml").write_text("[people]\nnames = []\n")
    text = (project / "site.toml").read_text().replace("ignore = []", 'ignore = []\nfile = "names.toml"')
    (project / "site.toml").write_text(text)
    build_site(project / "site.toml", output=tmp_path / "one", search_index=False)
    assert (tmp_path / "one" / "places" / "sochi").exists()
    assert not (tmp_path / "one" / "organisations" / "sochi").exists()
    (project / "names.toml").write_text('[organisations]\nnames = ["Sochi"]\n')
    build_site(project / "site.toml", output=tmp_path / "two", search_index=False)
    assert (tmp_path / "two" / "organisations" / "sochi" / "index.html").exists()


def test_serve_rebuilds_with_an_edited_rule_file(tmp_path):
    """The preview runs from a copy of the generator; editing the copy's rule
    file makes the next preview build use the new rule."""
    code = tmp_path / "code"
    files = subprocess.run(["git", "ls-files", "-z", "generator", "templates"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        (code / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, code / rel)
    project = preview_project(tmp_path / "project")
    with running_preview(project, code_root=code):
        preview = project / ".preview"
        wait_for(lambda: _spief_month(preview), timeout=60)
        with (code / "generator" / "temporal" / "rules" / "en" / "false_friends.toml").open("a") as fh:
            fh.write(VETO_LAST_MONTH)
        wait_for(lambda: not _spief_month(preview), timeout=60)
