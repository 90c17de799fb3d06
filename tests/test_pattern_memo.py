"""The compiled rules' pattern analyses kept between processes
(generator/temporal/pattern_memo.py) give exactly the rules a fresh compile
gives; an entry or a file that is off, or another engine's, is computed
afresh; a command-line build keeps the memo in .cache and reads it next time.
The memo bundled with the generator is the rules as compiled now, and a
build with no cache analyses none of them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.freshness import code_fingerprint
from generator.temporal import rules
from generator.temporal.extract import find
from generator.temporal.pattern_memo import BUNDLED, PatternMemo, bundle, bundled_key
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


def _saved_memo(tmp_path) -> tuple[rules.Resources, Path, dict]:
    """The rules compiled afresh, and the memo of them written to a file: its path and its data."""
    fresh = _compile(None)
    path = tmp_path / "memo.json"
    memo = PatternMemo(path, "code")
    _compile(memo)
    memo.save()
    return fresh, path, json.loads(path.read_text())


def test_a_garbled_entry_or_another_engines_memo_is_computed_afresh(tmp_path):
    fresh, path, data = _saved_memo(tmp_path)
    keys = sorted(data["patterns"])
    data["patterns"][keys[0]] = ["(", 0, "x", 0, True, None, [0, 1], False]  # a field short
    data["patterns"][keys[1]][6] = ["far", 1]  # a reach that is no number
    data["patterns"][keys[2]] = "garbage"
    path.write_text(json.dumps(data))
    assert _compile(PatternMemo(path, "code")) == fresh
    assert PatternMemo(path, "other code").entries == {}  # another engine's patterns are never read
    assert PatternMemo(path, "other code").shipped == {}  # nor the bundled ones
    path.write_text('{"key": ')  # truncated
    assert PatternMemo(path, "code").entries == {}
    assert PatternMemo(path, "code", readable=False).entries == {}


def test_an_entry_that_does_not_compile_is_compiled_afresh_when_first_used(tmp_path):
    """The memo's patterns are compiled when a rule first uses them (rules._Patterns), not
    as the memo is read: an entry whose types are right but whose patterns do not compile
    gives a rule that compiles its own pattern afresh then, and finds what the fresh rule finds."""
    fresh, path, data = _saved_memo(tmp_path)
    rule = next(r for r in fresh.rules if r.needs_verify)
    key = rule.expanded
    data["patterns"][key][0] = data["patterns"][key][2] = "(unclosed"
    path.write_text(json.dumps(data))
    from_memo = _compile(PatternMemo(path, "code"))
    broken = next(r for r in from_memo.rules if r.id == rule.id)
    assert broken.regex_source[0] == "(unclosed"  # (read as it is: nothing compiled yet)
    assert (broken.regex.pattern, broken.regex.flags, broken.fast.pattern) == \
        (rule.regex.pattern, rule.regex.flags, rule.fast.pattern)
    text = " ".join(e.text for r in fresh.rules for e in r.examples)
    assert [(c.start, c.end, c.rule) for c in find(text, from_memo)] == \
        [(c.start, c.end, c.rule) for c in find(text, fresh)]


def test_rules_compile_only_the_patterns_an_article_needs():
    """Loading the rules compiles no pattern; tagging a short text compiles the
    `fast` patterns of the rules whose required words it holds, and no
    `regex` of a rule that needs no confirmation (compile_all: all it may use)."""
    res = _compile(PatternMemo(None, code_fingerprint(("temporal",))))
    compiled = lambda name: sum(name in vars(item) for item in (*res.rules, *res.vetoes))  # noqa: E731
    assert compiled("fast") == compiled("regex") == 0
    find("The council met on Tuesday, 3 March 2015.", res)
    assert 0 < compiled("fast") < len(res.rules) // 2
    assert not any("regex" in vars(r) for r in res.rules if not r.needs_verify)
    res.compile_all()
    assert compiled("fast") == len(res.rules) + len(res.vetoes)
    assert compiled("regex") == sum(item.needs_verify for item in (*res.rules, *res.vetoes))


def test_the_bundled_memo_is_the_rules_as_compiled_now(tmp_path):
    shipped = json.loads(BUNDLED.read_text(encoding="utf-8"))
    made_on = shipped["key"].rsplit("|", 1)[1]
    if made_on != bundled_key("").rsplit("|", 1)[1]:
        pytest.skip(f"the bundled memo is {made_on}'s: on this Python it is not read")
    fresh = tmp_path / "memo.json"
    count = bundle(fresh)
    assert shipped == json.loads(fresh.read_text(encoding="utf-8")), \
        "generator/temporal/compiled_patterns.json is not the rules as compiled now: " \
        "run python -m generator.temporal.pattern_memo and commit it"
    assert shipped["key"] == bundled_key(code_fingerprint(("temporal",)))
    assert count == len(rules.load("en").rules) + len(rules.load("en").vetoes)
    assert len(PatternMemo(None, code_fingerprint(("temporal",))).shipped) == count  # read as it is


def test_a_build_with_no_cache_analyses_no_bundled_pattern(tmp_path):
    """Each pattern comes from the bundled memo: nothing is compiled afresh, so
    there is nothing for the project's memo to keep (it is written only then)."""
    project = seed_project(tmp_path / "p")
    r = subprocess.run([sys.executable, "-m", "generator", "build", "--quiet", "--no-cache"], cwd=project,
                       capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stderr
    assert (project / ".cache").is_dir()
    assert not (project / ".cache" / "temporal-patterns.json").exists()


def test_a_build_keeps_what_the_bundled_memo_lacks_in_its_cache(tmp_path):
    """The temporal code edited and its memo not bundled again (a copy of the
    generator, a comment added): the bundled memo is another engine's and
    serves nothing, so the build compiles every pattern and keeps them in
    .cache for the next build."""
    code = tmp_path / "code"
    shutil.copytree(ROOT / "generator", code / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", code / "templates")  # (the bundled templates are found beside the code)
    edited = code / "generator" / "temporal" / "calendar.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    project = seed_project(tmp_path / "p")
    r = subprocess.run([sys.executable, "-m", "generator", "build", "--quiet"], cwd=project,
                       capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(code)})
    assert r.returncode == 0, r.stderr
    memo = json.loads((project / ".cache" / "temporal-patterns.json").read_text())
    assert len(memo["patterns"]) == len(rules.load("en").rules) + len(rules.load("en").vetoes)
