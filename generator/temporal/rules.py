"""Load the tagger's language resources (vocabularies, macros, rules) once.

The resources are TOML files under ``rules/<language>/``, kept apart from the
engine as HeidelTime keeps its resource files: a new pattern is a new
``[[rule]]`` with examples, not a code change. Everything is compiled at load
time; nothing is compiled per sentence.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .bounds import literal_bounds
from .openings import opening_test
from .required import Factor, first_chars, opens_at_word_boundary, opens_with, required_and_reach
from .reverse import Unreversible, reverse_pattern

RULES_ROOT = Path(__file__).parent / "rules"

_TABLE_REF = re.compile(r"@([a-z_]+)(:cap)?")
_MACRO_REF = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")


class RuleError(ValueError):
    """A resource file is malformed; the message names the file and the rule."""


@dataclass(frozen=True)
class Example:
    text: str
    expect: str
    value: str
    dct: str


Source = tuple[str, int]  # a regular expression's text and flags, as re.compile takes them


class _Patterns:
    """A rule's or veto's two regular expressions, compiled when first used
    (`regex_source`, `fast_source`: what compile_rule_pattern or the pattern
    memo gives). Compiling all 158 took 0.22 s of every process that loads
    the rules, on the way of the command line's one-article rebuild to its
    Pagefind run; an article needs the `fast` pattern of the rules whose
    required words it holds (about 45 of them), and `regex` only where a
    case-sensitive rule confirms a match. A memo entry that does not compile
    (the memo is a cache: pattern_memo.py) is made afresh from `expanded`."""

    regex_source: Source
    fast_source: Source
    needs_verify: bool
    expanded: str
    where: str

    @cached_property
    def regex(self) -> re.Pattern:
        return self._compiled(0)

    @cached_property
    def fast(self) -> re.Pattern:
        return self._compiled(1)

    def _compiled(self, which: int) -> re.Pattern:
        text, flags = (self.regex_source, self.fast_source)[which]
        try:
            return re.compile(text, flags)
        except re.error:
            if not self.expanded:
                raise RuleError(f"{self.where}: pattern does not compile") from None
            fresh = compile_rule_pattern(self.expanded, self.where)
            return re.compile(*(fresh[0] if which == 0 else fresh[1]))


@dataclass(frozen=True)
class Rule(_Patterns):
    """A compiled rule. `fast` runs over the ASCII-lower-cased text without
    re.IGNORECASE (about ten times faster); rules with case-sensitive parts
    ("May" the month, not "may") confirm each candidate with `regex` on the
    original text."""

    id: str
    type: str
    regex_source: Source
    fast_source: Source
    needs_verify: bool
    required: frozenset[str] | None
    value: str
    mod: str
    priority: int
    source: str
    examples: tuple[Example, ...] = ()
    # How far a match can reach (longest match, furthest character it or a
    # lookahead reads): the extractor searches no wider around a required word.
    reach: tuple[int, int] = (10**6, 10**6)
    # Every match starts with one of its required literals: tried only where one starts.
    anchored: bool = False
    # What the lower-cased text ends with right before the required word of
    # every match (the rule's `after`, read backwards: matched on the reversed
    # text where the word starts): no window opens at the other occurrences.
    after: re.Pattern | None = None
    # The required word stands clear of word characters in every match: 1
    # before it, 2 after it, 3 both (bounds.literal_bounds): no window opens
    # at an occurrence inside a longer word.
    bounds: int = 0
    expanded: str = ""  # the pattern with its macros and tables written out (_Patterns)
    where: str = ""  # the rule, as an error names it

    @cached_property
    def has_t(self) -> bool:
        """Does the rule mark the expression inside its match (group `t`)? Asked of a rule that
        matched, whose `fast` is compiled (`regex` has the same groups)."""
        return "t" in self.fast.groupindex


@dataclass(frozen=True)
class Veto(_Patterns):
    id: str
    regex_source: Source
    fast_source: Source
    needs_verify: bool
    required: frozenset[str] | None
    source: str
    examples: tuple[str, ...] = ()
    reach: tuple[int, int] = (10**6, 10**6)
    anchored: bool = False
    after: re.Pattern | None = None
    bounds: int = 0
    expanded: str = ""
    where: str = ""


@dataclass(frozen=True)
class Resources:
    """Everything the extractor and resolver need for one language."""

    language: str
    vocab: dict[str, dict[str, object]]
    rules: tuple[Rule, ...]
    vetoes: tuple[Veto, ...]
    tense: dict[str, frozenset[str]]
    fingerprint: str = field(default="")
    # Every required literal of every rule and veto (extract.literal_positions
    # finds them all, in one pass, before any rule runs).
    literals: tuple[str, ...] = ()
    # Structures the extractor derives from the rules on first use (its search
    # plans): kept here, so they live and die with these rules.
    derived: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    def compile_all(self) -> None:
        """Compile now every pattern the extractor may use (each `fast`, and
        `regex` where a match is confirmed with it): before forking workers
        for many articles, which would each compile them again."""
        for item in (*self.rules, *self.vetoes):
            item.fast  # noqa: B018 (compiled on first use: _Patterns)
            if item.needs_verify:
                item.regex  # noqa: B018


def _alternation(words, capitalise: bool = False) -> str:
    items = sorted({str(w) for w in words}, key=lambda w: (-len(w), w))
    out = []
    for w in items:
        if capitalise:
            w = w[:1].upper() + w[1:]
        out.append(re.escape(w).replace(r"\ ", r"\s+").replace("'", "['’]"))
    return "|".join(out)


def _expand(pattern: str, macros: dict[str, str], vocab: dict, where: str, depth: int = 0) -> str:
    if depth > 10:
        raise RuleError(f"{where}: macros nest too deeply (a macro refers to itself?)")

    def table(m: re.Match) -> str:
        name = m.group(1)
        if name not in vocab:
            raise RuleError(f"{where}: unknown vocabulary table @{name}")
        return _alternation(vocab[name].keys(), capitalise=bool(m.group(2)))

    def macro(m: re.Match) -> str:
        name = m.group(1)
        if name not in macros:
            raise RuleError(f"{where}: unknown macro {{{name}}}")
        return _expand(macros[name], macros, vocab, where, depth + 1)

    pattern = _MACRO_REF.sub(macro, pattern)
    return _TABLE_REF.sub(table, pattern)


def _compile(pattern: str, where: str, flags: int = re.IGNORECASE) -> re.Pattern:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise RuleError(f"{where}: pattern does not compile: {exc}") from exc


def _drop_case_sensitive_lookarounds(pattern: str) -> str:
    """Remove lookaround groups that test case ("(?! (?-i:[A-Z]))"): lower-cased,
    they would test something else. Dropping them only widens the fast pattern;
    the case-sensitive pattern confirms every candidate."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith(("(?!", "(?=", "(?<!", "(?<="), i) and (i == 0 or pattern[i - 1] != "\\"):
            j = _group_end(pattern, i)
            if "(?-i:" in pattern[i:j]:
                i = j
                continue
        out.append(pattern[i])
        i += 1
    return "".join(out)


def _lowered(pattern: str) -> str:
    """The pattern for ASCII-lower-cased text: case-sensitive groups
    "(?-i:May)" become plain lower-case groups "(?:may)"."""
    pattern = _drop_case_sensitive_lookarounds(pattern)
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("(?-i:", i) and (i == 0 or pattern[i - 1] != "\\"):
            j = _group_end(pattern, i)
            inner = pattern[i + 5 : j - 1]
            inner = re.sub(r"(?<!\\)[A-Z]", lambda c: c.group(0).lower(), inner)
            out.append("(?:" + inner + ")")
            i = j
            continue
        out.append(pattern[i])
        i += 1
    return "".join(out)


def _group_end(pattern: str, i: int) -> int:
    """Index just past the group that opens at pattern[i] == '('."""
    depth, j = 0, i
    while j < len(pattern):
        if pattern[j] == "\\":
            j += 2
            continue
        if pattern[j] == "[":  # a character class: parentheses inside do not count
            j = pattern.index("]", j + 2) + 1
            continue
        depth += pattern[j] == "("
        depth -= pattern[j] == ")"
        j += 1
        if depth == 0:
            break
    return j


# What compile_rule_pattern finds of a pattern (and the pattern memo keeps: pattern_memo.py)
Analysed = tuple[Source, Source, bool, Factor | None, tuple[int, int], bool, int]


def compile_rule_pattern(expanded: str, where: str) -> Analysed:
    """(the case-insensitive pattern, the pattern for lower-cased text as the
    extractor searches with it, each as its text and flags (compiled here,
    so a pattern that does not compile is a RuleError now, and in re's cache
    when the rule compiles it again on first use: _Patterns), whether a match
    must be confirmed on the original text, the literals a match needs, how
    far a match reaches, whether every match starts with one of those
    literals, whether those literals stand clear of word characters in every
    match: 1 before, 2 after, 3 both; see bounds.py)."""
    regex = _compile(expanded, where)
    lowered = _lowered(expanded)
    try:
        fast = re.compile(scan_pattern(lowered))
    except re.error:  # a back-reference, which a lookbehind may not hold: searched as it is
        fast = _compile(f"(?P<_m>{lowered})", where, 0)
    required, reach = required_and_reach(lowered)
    left, right = literal_bounds(lowered, required)
    return ((regex.pattern, regex.flags), (fast.pattern, fast.flags), "(?-i:" in expanded, required, reach,
            opens_with(lowered, required), left | 2 * right)


def compile_after(raw: dict, macros: dict, vocab: dict, where: str) -> re.Pattern | None:
    """A rule's `after` (what the text ends with right before the required
    word of each of its matches: "a count before the unit"), for the
    lower-cased text, read backwards (see reverse.py: it is matched on the
    reversed text from the word's start), or None."""
    if "after" not in raw:
        return None
    after = _lowered(_expand(raw["after"], macros, vocab, where))
    _compile(after, f"{where} (after)", 0)
    try:
        return _compile(reverse_pattern(after), f"{where} (after, reversed)", 0)
    except Unreversible as exc:
        raise RuleError(f"{where}: `after` must be plain (characters, classes, groups, repeats, \\b): {exc}") from exc


def _optional_as_branch(pattern: str) -> str:
    """"(...)?" written "(?:(...)|)": the same greedy choice (the group first,
    then nothing), which CPython's regex engine runs as a plain branch instead
    of its general repeat loop, several times faster for a long group."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if c == "[":
            j = pattern.index("]", i + 2) + 1
            out.append(pattern[i:j])
            i = j
            continue
        if c == "(":
            j = _group_end(pattern, i)
            head = pattern[i : i + 4]
            lookaround = head.startswith(("(?=", "(?!", "(?<=", "(?<!"))
            inner = pattern[i:j]
            if not lookaround:  # the group's own opening, then its contents, rewritten too
                k = inner.index(":") + 1 if inner.startswith("(?:") else (
                    inner.index(">") + 1 if inner.startswith("(?P<") else 1)
                inner = inner[:k] + _optional_as_branch(inner[k:-1]) + ")"
            if not lookaround and pattern[j : j + 1] == "?" and pattern[j + 1 : j + 2] not in ("?", "+"):
                out.append(f"(?:{inner}|)")
                i = j + 1
                continue
            out.append(inner)
            i = j
            continue
        out.append(c)
        i += 1
    return "".join(out)


def scan_pattern(pattern: str) -> str:
    """The pattern as the extractor searches with it: the whole match in the
    group `_m`, and, where a match can only start with a few characters, those
    characters first: "[0-9](?<=(?=(?P<_m>...))(?s:.))" consumes a first
    character (which CPython's search skips to in C) and then matches the
    pattern from it, inside a lookahead within a one-character lookbehind.
    Same matches, found several times faster than trying "\\b..." or
    "(?<![0-9])..." at every position."""
    pattern = _optional_as_branch(pattern)
    first = first_chars(pattern)
    if first is None:
        return f"(?P<_m>{pattern})"
    chars = "".join(re.escape(c) for c in sorted(first))
    # A pattern that opens at a word boundary ("\\b...") cannot start inside a
    # word: said at once, before the lookahead, most first characters are
    # turned down cheaply.
    boundary = r"(?<=\b.)" if opens_at_word_boundary(pattern) else ""
    # Then the first few characters of every way it can open ("the", "abo",
    # "[0-9]"): most first characters are turned down there, before the
    # pattern runs (see openings.py).
    opening = opening_test(pattern)
    test = f"(?=(?:{opening}))" if opening else ""
    return f"[{chars}]{boundary}(?<={test}(?=(?P<_m>{pattern}))(?s:.))"


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{path}: {exc}") from exc


def resource_files(language: str = "en") -> list[Path]:
    folder = RULES_ROOT / language
    if not folder.is_dir():
        raise RuleError(f"no temporal rules for language {language!r} (looked in {folder})")
    return sorted(folder.glob("*.toml"))


# (language, digest of the rule files' bytes) -> compiled rules. Keyed by the
# bytes, so it can never hand out rules older than the files: a long-running
# preview that sees an edited rule file recompiles on its next build.
_COMPILED: dict[tuple[str, str], Resources] = {}
# (language, every rule file's name, inode, size, modification and change
# times in ns) -> the compiled rules for those files. Writing a file changes
# its change time (which no tool can set back), so an unchanged state means
# unchanged bytes, and `load` need not read and hash the files on every call.
# (Only a rewrite to the same size within one tick of the file system's clock,
# a few milliseconds, could go unseen; an editor's save cannot.)
_BY_STATE: dict[tuple, Resources] = {}


def files_digest(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _files_state(language: str) -> tuple:
    """The rule files as the file system describes them (one directory read
    and a stat per file: microseconds, against reading and hashing)."""
    try:
        with os.scandir(RULES_ROOT / language) as entries:
            found = sorted((e.name, e.stat()) for e in entries if e.name.endswith(".toml") and e.is_file())
    except OSError:
        return ()
    return tuple((name, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns) for name, st in found)


def load(language: str = "en", compile_pattern=compile_rule_pattern) -> Resources:
    """The compiled rules of a language, as the files say now. Reading and
    expanding them takes some 0.07 s (their patterns compile when first
    used: _Patterns), so the result is remembered by the files' digest,
    and the digest by the files' state. `compile_pattern` gives what
    compile_rule_pattern would (pattern_memo.PatternMemo.compile: from disk)."""
    state = (language, _files_state(language))
    known = _BY_STATE.get(state)
    if known is not None:
        return known
    files = resource_files(language)
    key = (language, files_digest(files))
    if key not in _COMPILED:
        if len(_COMPILED) > 8:
            _COMPILED.clear()
        _COMPILED[key] = _compile_resources(language, files, key[1], compile_pattern)
    if len(_BY_STATE) > 8:
        _BY_STATE.clear()
    if state[1]:
        _BY_STATE[state] = _COMPILED[key]
    return _COMPILED[key]


def _compile_resources(language: str, files: list[Path], fingerprint: str,
                       compile_pattern=compile_rule_pattern) -> Resources:
    folder = RULES_ROOT / language
    vocab = _read(folder / "vocabulary.toml")
    macros = _read(folder / "macros.toml").get("macros", {})
    tense_data = _read(folder / "tense.toml")
    tense = {k: frozenset(v) for k, v in tense_data.items()}

    rules: list[Rule] = []
    vetoes: list[Veto] = []
    for path in files:
        if path.name in {"vocabulary.toml", "macros.toml", "tense.toml"}:
            continue
        data = _read(path)
        default_dct = data.get("defaults", {}).get("dct", "2018-09-12")
        for raw in data.get("rule", []):
            where = f"{path.name}: rule {raw.get('id', '?')}"
            for key in ("id", "type", "pattern", "value"):
                if key not in raw:
                    raise RuleError(f"{where}: missing {key!r}")
            if raw["type"] not in {"DATE", "TIME", "DURATION", "SET"}:
                raise RuleError(f"{where}: type must be DATE, TIME, DURATION or SET")
            expanded = _expand(raw["pattern"], macros, vocab, where)
            regex, fast, verify, required, reach, anchored, bounds = compile_pattern(expanded, where)
            examples = tuple(
                Example(
                    text=e["text"],
                    expect=e.get("expect", e["text"]),
                    value=e.get("value", ""),
                    dct=e.get("dct", default_dct),
                )
                for e in raw.get("examples", [])
            )
            rules.append(
                Rule(
                    id=raw["id"],
                    type=raw["type"],
                    regex_source=regex,
                    fast_source=fast,
                    needs_verify=verify,
                    required=required,
                    reach=reach,
                    anchored=anchored,
                    value=raw["value"],
                    mod=raw.get("mod", ""),
                    priority=int(raw.get("priority", 0)),
                    source=path.name,
                    examples=examples,
                    after=compile_after(raw, macros, vocab, where),
                    bounds=bounds,
                    expanded=expanded,
                    where=where,
                )
            )
        for raw in data.get("veto", []):
            where = f"{path.name}: veto {raw.get('id', '?')}"
            expanded = _expand(raw["pattern"], macros, vocab, where)
            regex, fast, verify, required, reach, anchored, bounds = compile_pattern(expanded, where)
            vetoes.append(Veto(raw["id"], regex, fast, verify, required, path.name,
                               tuple(raw.get("examples", [])), reach, anchored,
                               compile_after(raw, macros, vocab, where), bounds, expanded, where))

    ids = [r.id for r in rules]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise RuleError(f"duplicate rule ids: {sorted(dupes)}")
    needed = [r.required for r in rules] + [v.required for v in vetoes]
    literals = sorted({lit for req in needed if req for lit in req},
                      key=lambda s: (-len(s), s))
    return Resources(
        language=language,
        vocab=vocab,
        rules=tuple(rules),
        vetoes=tuple(vetoes),
        tense=tense,
        fingerprint=fingerprint,
        literals=tuple(literals),
    )

