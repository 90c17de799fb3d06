"""What the per-article cache key hashes of the code (freshness.ANALYSIS_CODE):
a change to the code that makes an analysis gives every article a new key;
a change to the code that only schedules the analyses (which process does
which article: analysis/runner.py) keeps every cached analysis good. Copies
of the real package, edited, each asked for its fingerprint in its own
process."""

from __future__ import annotations

import shutil
import subprocess
import sys

from tests.support import ROOT

ASK = "from generator.freshness import ANALYSIS_CODE, code_fingerprint; print(code_fingerprint(ANALYSIS_CODE))"


def _fingerprint(root) -> str:
    r = subprocess.run([sys.executable, "-c", ASK], cwd=root, env={"PYTHONPATH": str(root), "PATH": ""},
                       capture_output=True, text=True, timeout=60, check=True)
    return r.stdout.strip()


def _copy(tmp_path, name: str):
    root = tmp_path / name
    shutil.copytree(ROOT / "generator", root / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _append(path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_the_scheduling_code_is_not_in_the_analyses_key_and_the_analysis_code_is(tmp_path):
    base = _fingerprint(_copy(tmp_path, "base"))
    scheduled = _copy(tmp_path, "scheduled")
    _append(scheduled / "generator" / "analysis" / "runner.py", "\nPART_ARTICLES = 32\n")
    assert _fingerprint(scheduled) == base
    analysed = _copy(tmp_path, "analysed")
    _append(analysed / "generator" / "analysis" / "article.py", "\n# another line\n")
    assert _fingerprint(analysed) != base
    tagged = _copy(tmp_path, "tagged")
    _append(tagged / "generator" / "temporal" / "__init__.py", "\n# another line\n")
    assert _fingerprint(tagged) != base
