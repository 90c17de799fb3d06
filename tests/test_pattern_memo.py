"""The compiled rules' pattern analyses kept between processes
(generator/temporal/pattern_memo.py) give exactly the rules a fresh compile
gives; an entry or a file that is off, or another engine's, is computed
afresh; a command-line build keeps the memo in .cache and reads it next time."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from generator.temporal import rules
from generator.temporal.pattern_memo import PatternMemo
from tests.support import ROOT, seed_project


def _compile(memo: PatternMemo | None) -> rules.Resources:
    files = rules.resource_files("en")
    return rules._compile_resources("en", files, rules.files_digest(files),
                                    memo.compile if memo is not None else rules.compile_rule_pattern)


def test_rules_from_the_memo_equal_rules_compiled_afresh(tmp_path):
    fresh = _compile(None)
    path = tmp_path / "memo.json"
    first = PatternMemo(path, "code")
    assert _compile(first) == fresh
    first.save()
    again = PatternMemo(path, "code")
    assert len(again.entries) == len(fresh.rules) + len(fresh.vetoes)
    calls = []
    original = rules.compile_rule_pattern
    from generator.temporal import pattern_memo

    pattern_memo.compile_rule_pattern = lambda *a: calls.append(a) or original(*a)  # type: ignore[assignment]
    try:
        from_memo = _compile(again)
    finally:
        pattern_memo.compile_rule_pattern = original  # type: ignore[assignment]
    assert calls == []  # every pattern came from the memo
    assert from_memo == fresh
    for a, b in zip(from_memo.rules, fresh.rules, strict=True):
        assert (a.regex.pattern, a.regex.flags, a.fast.pattern, a.fast.flags, a.required, a.reach, a.anchored) == \
            (b.regex.pattern, b.regex.flags, b.fast.pattern, b.fast.flags, b.required, b.reach, b.anchored)


def test_a_garbled_entry_or_another_engines_memo_is_computed_afresh(tmp_path):
    fresh = _compile(None)
    path = tmp_path / "memo.json"
    memo = PatternMemo(path, "code")
    _compile(memo)
    memo.save()
    data = json.loads(path.read_text())
    keys = sorted(data["patterns"])
    data["patterns"][keys[0]] = ["(", 0, "x", 0, True, None, [0, 1], False]  # does not compile
    data["patterns"][keys[1]][6] = ["far", 1]  # a reach that is no number
    data["patterns"][keys[2]] = "garbage"
    path.write_text(json.dumps(data))
    assert _compile(PatternMemo(path, "code")) == fresh
    assert PatternMemo(path, "other code").entries == {}  # another engine's patterns are never read
    path.write_text('{"key": ')  # truncated
    assert PatternMemo(path, "code").entries == {}
    assert PatternMemo(path, "code", readable=False).entries == {}


def test_a_build_keeps_the_memo_in_its_cache(tmp_path):
    project = seed_project(tmp_path / "p")
    command = [sys.executable, "-m", "generator", "build", "--quiet"]
    r = subprocess.run(command, cwd=project, capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stderr
    memo = project / ".cache" / "temporal-patterns.json"
    assert len(json.loads(memo.read_text())["patterns"]) == len(rules.load("en").rules) + len(rules.load("en").vetoes)
