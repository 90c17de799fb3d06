"""Front matter is read by libyaml where libyaml reads it as PyYAML's Python
parser does (content.plain_front_matter), and by the Python parser everywhere
else: the same values, the same errors, and no crash on deep nesting."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from generator.content import _FrontMatterLoader, load_yaml, plain_front_matter, read_article
from generator.errors import BuildError, Report
from tests.support import ROOT

TESTS = ROOT / "tests"
SEEDS = ROOT / "content"  # the bundled seed articles


def _python(raw: str):
    try:
        return "value", yaml.load(raw, Loader=_FrontMatterLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        return "error", str(exc)
    except RecursionError:
        return "error", "recursion"


def _ours(raw: str):
    try:
        return "value", load_yaml(raw)
    except yaml.YAMLError as exc:
        return "error", str(exc)
    except RecursionError:
        return "error", "recursion"


def _front_matters(folder: Path) -> list[str]:
    out = []
    for path in sorted(folder.rglob("*.md")):
        lines = path.read_text("utf-8", errors="replace").split("\n")
        if lines and lines[0].strip() == "---":
            end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
            if end:
                out.append("\n".join(lines[1:end]))
    return out


def test_real_front_matter_reads_the_same_and_mostly_on_the_fast_path():
    raws = _front_matters(SEEDS) + _front_matters(TESTS / "bad_inputs")
    assert len(raws) >= 20
    assert [_ours(r) for r in raws] == [_python(r) for r in raws]
    assert sum(map(plain_front_matter, _front_matters(SEEDS))) == len(_front_matters(SEEDS))


PIECES = ["title", "date", "tags", ":", " ", "\n", "  ", "- ", "[", "]", ",", "'", '"', "2019-02-30", "2020-05-05",
          "12:30", "#", "yes", "no", "~", "null", "1e3", "0x1F", "\t", "é", "\\", "|", ">", "{", "}", "!!str ", "!",
          "%", "@", "`", "---", "...", "\u00a0", "\ufeff", "a", "b c", "1.5", ".inf", "=", "<<", "?", "\r", "\r\n",
          "0o7", "+1", "*a", "&a ", "\x85", "\u2028"]


def test_random_front_matter_reads_the_same():
    """Random strings of front matter's pieces (and of what makes the two
    parsers part ways: tabs, carriage returns, tags, block scalars...): the
    same value or the same error, fast path or not. Without the guard, about
    one in five of these strings read differently."""
    rng = random.Random(15)
    fast = 0
    for _ in range(20_000):
        raw = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30)))
        fast += plain_front_matter(raw)
        assert _ours(raw) == _python(raw), repr(raw)
    assert fast > 1_000


@pytest.mark.parametrize("raw", ["a: " + "[" * 100_000 + "]" * 100_000, "a: " + "- " * 100_000 + "b"])
def test_deep_nesting_is_an_error_not_a_crash(tmp_path, raw):
    """libyaml's composer recurses in C: this nesting would crash the process there."""
    assert not plain_front_matter(raw)
    path = tmp_path / "deep.md"
    path.write_text(f"---\ntitle: Deep\n{raw}\n---\nBody.\n")
    with pytest.raises(BuildError) as exc:
        read_article(path, tmp_path, Report())
    assert exc.value.problems[0].path == path


def test_aliases_are_refused_as_before(tmp_path):
    path = tmp_path / "alias.md"
    path.write_text("---\ntitle: &t Anchored\nsummary: *t\n---\nBody.\n")
    with pytest.raises(BuildError) as exc:
        read_article(path, tmp_path, Report())
    assert "aliases" in exc.value.problems[0].message
