"""What compiling a rule's pattern found out about it, kept between processes
(`.cache/temporal-patterns.json`), so a command-line rebuild does not analyse
the same 148 patterns again: the lowered scan pattern, the literals a match
needs, its reach and how it opens (rules.compile_rule_pattern) took most of
the 0.8 s of loading the rules, on every build that has work to do.

The file is JSON (never pickle: a file someone else wrote cannot run code),
keyed by the temporal engine's code and Python's version; every value read
is checked against the types it must have, and an entry that is missing or
off is computed afresh. The regular expressions are compiled again from
their text when a rule first uses them (rules._Patterns): an entry gives
exactly what compile_rule_pattern returns, the patterns as text and flags.

The bundled rules' entries also ship with the generator
(`compiled_patterns.json`, beside this file, made by `python -m
generator.temporal.pattern_memo`), so a build with no cache yet (a fresh
clone, a first deploy, `--no-cache`) does not analyse them either: 0.25 of
the 0.4 s of loading the rules, on one core while the other waits. It is
keyed by the engine's code and Python's minor version (the parser of `re`,
whose trees the analysis reads, changes between minor versions, not patch
releases); with another, it is not read. tests/test_pattern_memo.py fails
when it is not the rules as compiled now.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..cache_file import save_json
from .rules import Analysed, compile_rule_pattern

FORMAT = 2  # 2: with the required words' bounds
BUNDLED = Path(__file__).with_name("compiled_patterns.json")


class PatternMemo:
    """The memo file at `path` for the engine's code `code`. It is read only
    when a pattern is first asked for (`entries`): a build whose rules are
    already compiled in this process (a preview's rebuilds) never reads it."""

    def __init__(self, path: Path | None, code: str, readable: bool = True, bundled: Path | None = BUNDLED):
        self.path, self.readable = path, readable
        self.key = f"{FORMAT}|{code}|{sys.version}"
        self._entries: dict[str, list] | None = None
        self.changed = False
        self.bundled, self.bundled_key = bundled, bundled_key(code)
        self._shipped: dict[str, list] | None = None

    @property
    def entries(self) -> dict[str, list]:
        """The project's memo (what compiling found that the bundled memo lacks)."""
        if self._entries is None:
            self._entries = _read(self.path, self.key) if self.path is not None and self.readable else {}
        return self._entries

    @property
    def shipped(self) -> dict[str, list]:
        """The bundled memo's entries, when it is this engine's on this Python (else none)."""
        if self._shipped is None:
            self._shipped = _read(self.bundled, self.bundled_key) if self.bundled is not None else {}
        return self._shipped

    def compile(self, expanded: str, where: str) -> Analysed:
        """compile_rule_pattern(expanded, where), from the memo where it holds a sound entry."""
        got = _decoded(self.entries.get(expanded))
        if got is None:
            got = _decoded(self.shipped.get(expanded))
        if got is not None:
            return got
        compiled = compile_rule_pattern(expanded, where)
        regex, fast, verify, required, reach, anchored, bounds = compiled
        self.entries[expanded] = [regex[0], regex[1], fast[0], fast[1], verify,
                                  sorted(required) if required is not None else None, list(reach), anchored, bounds]
        self.changed = True
        return compiled

    def save(self) -> None:
        """Write the memo when something new was compiled (best effort: a cache that
        cannot be written only costs speed)."""
        if not self.changed or self.path is None:
            return
        if save_json(self.path, {"key": self.key, "patterns": self.entries}, sort_keys=True):
            self.changed = False


def bundled_key(code: str) -> str:
    """The bundled memo's key: the format, the engine's code, and Python's implementation and minor version."""
    return f"{FORMAT}|{code}|{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}"


def _read(path: Path, key: str) -> dict[str, list]:
    """A memo file's patterns when it is keyed `key`; else (missing, unreadable, another key) none."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if isinstance(data, dict) and data.get("key") == key and isinstance(data.get("patterns"), dict):
        return data["patterns"]
    return {}


def _decoded(entry) -> Analysed | None:
    if not isinstance(entry, list) or len(entry) != 9:
        return None
    pattern, flags, fast, fast_flags, verify, required, reach, anchored, bounds = entry
    if not (isinstance(pattern, str) and type(flags) is int and isinstance(fast, str) and type(fast_flags) is int
            and type(verify) is bool and type(anchored) is bool and type(bounds) is int and 0 <= bounds <= 3
            and (required is None or (isinstance(required, list) and all(isinstance(r, str) for r in required)))
            and isinstance(reach, list) and len(reach) == 2 and all(type(n) is int for n in reach)):
        return None
    # (not compiled here: a rule compiles its patterns when it first uses them, and one that does not
    # compile is made afresh then: rules._Patterns)
    return ((pattern, flags), (fast, fast_flags), verify, frozenset(required) if required is not None else None,
            (reach[0], reach[1]), anchored, bounds)


def bundle(path: Path = BUNDLED) -> int:
    """Write the bundled memo: every pattern of every bundled language's
    rules, analysed afresh, keyed for this engine on this Python. How many."""
    from ..config import available_languages
    from ..freshness import code_fingerprint
    from . import rules

    memo = PatternMemo(None, code_fingerprint(("temporal",)), readable=False, bundled=None)
    for language in available_languages():
        # compiled here, not through rules.load, whose rules compiled earlier in this process would
        # serve without asking the memo
        files = rules.resource_files(language)
        rules._compile_resources(language, files, rules.files_digest(files), memo.compile)
    if not save_json(path, {"key": memo.bundled_key, "patterns": memo.entries}, sort_keys=True, indent=1):
        raise OSError(f"{path}: could not be written")
    return len(memo.entries)


if __name__ == "__main__":
    print(f"{BUNDLED}: {bundle()} patterns")
