"""How Pagefind is run (search.pagefind_command): the binary the PyPI
package ships, run itself rather than through `python -m pagefind`, whose
interpreter only finds that binary and hands over to it (60 to 70 ms a run,
16 runs in a cold build at 10,000 articles). Either way the index is the
same bytes, and which way it was run, or where the binary is installed,
does not change the indexer's key (the live index stays usable)."""

import filecmp
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import search
from tests.support import build_site as build
from tests.support import seed_project

pytestmark = pytest.mark.skipif(importlib.util.find_spec("pagefind_bin") is None,
                                reason="the pagefind_bin package is not installed")


def test_the_shipped_binary_is_run_itself(monkeypatch):
    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    command = search.pagefind_command()
    assert command is not None and len(command) == 1
    binary = Path(command[0])
    assert binary.parent == Path(importlib.util.find_spec("pagefind_bin").origin).parent
    assert os.access(binary, os.X_OK) and binary.resolve() != Path(sys.executable).resolve()
    said = subprocess.run([*command, "--version"], capture_output=True, text=True, check=True).stdout
    assert said.split() == ["pagefind", importlib.metadata.version("pagefind_bin")]


def test_a_binary_named_by_the_environment_is_used_and_keeps_the_key(monkeypatch, tmp_path):
    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    key = search.indexer_key()
    elsewhere = tmp_path / "bin" / "pagefind"
    elsewhere.parent.mkdir()
    shutil.copy2(search.pagefind_command()[0], elsewhere)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(elsewhere))
    assert search.pagefind_command() == [str(elsewhere)]
    assert search.indexer_key() == key  # where it is installed is not part of it


def test_the_binary_and_python_m_pagefind_write_the_same_index(monkeypatch, tmp_path):
    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    project = seed_project(tmp_path / "p")
    build(project / "site.toml", output=project / "site")
    site = project / "site"
    written = {}
    for name, command in (("binary", search.pagefind_command()), ("module", [sys.executable, "-m", "pagefind"])):
        out = tmp_path / name
        subprocess.run([*command, "--site", str(site), "--output-path", str(out), "--glob", search.GLOB],
                       capture_output=True, check=True)
        written[name] = out
    files = sorted(p.relative_to(written["binary"]) for p in written["binary"].rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(written["module"]) for p in written["module"].rglob("*")
                                     if p.is_file())
    match, mismatch, errors = filecmp.cmpfiles(written["binary"], written["module"], [str(f) for f in files],
                                               shallow=False)
    assert not mismatch and not errors and len(match) == len(files)
    # and the build's own index is that index
    assert filecmp.cmp(site / "pagefind" / "pagefind-entry.json", written["binary"] / "pagefind-entry.json",
                       shallow=False)


def test_a_missing_binary_named_by_the_environment_is_a_warning_that_names_it(monkeypatch, tmp_path):
    project = seed_project(tmp_path / "p")
    missing = tmp_path / "nowhere" / "pagefind"
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(missing))
    result = build(project / "site.toml", output=project / "site")
    said = [w.message for w in result.report.warnings if "Pagefind failed to run" in w.message]
    assert said and str(missing) in said[0] and "PAGEFIND_BINARY_PATH" in said[0]
    assert (project / "site" / "index.html").is_file() and not (project / "site" / "pagefind").exists()
