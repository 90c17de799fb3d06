"""Fuzzing with Hypothesis: generated inputs through the temporal tagger, the
front-matter parser and the Markdown-to-plain-text offset map.

    python benchmarks/fuzz.py --examples 100000      # each target; writes benchmarks/results/fuzz.json
    python benchmarks/fuzz.py --examples 2000 --no-save   # the quick profile make test runs

Reports, per target: crashes (any exception other than the BuildError a bad
file is meant to give), inputs that took over a second, timexes whose
offsets do not give back their text, and values that are not valid TIMEX3.
Every failure is recorded (the first few inputs of each kind are kept) and
the run goes on: Hypothesis is used for generation only, with a fixed seed,
so a run is reproducible.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.analysis.markup import plain_text, render_markdown  # noqa: E402
from generator.config import LimitSettings  # noqa: E402
from generator.content import parse_article  # noqa: E402
from generator.errors import BuildError, Report  # noqa: E402
from generator.temporal import tag  # noqa: E402
from generator.temporal.rules import load  # noqa: E402
from generator.temporal.validate import is_valid_value  # noqa: E402
from tests.support.results import merge_result  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "fuzz.json"
SLOW_SECONDS = 1.0
KEEP = 5  # failing inputs kept per kind

# ---------------------------------------------------------------- TIMEX3 values

_Y = r"(?:\d{4}|XXXX)"
_DATE = re.compile(rf"^(?:{_Y}(?:-(?:\d\d|XX)(?:-(?:\d\d|XX))?)?|{_Y}-W(?:\d\d|XX)(?:-(?:\d|WE))?"
                   rf"|{_Y}-(?:Q[1-4X]|H[12X]|SP|SU|FA|WI)|\d{{3}}X?|\d\dX?X?|PRESENT_REF|PAST_REF|FUTURE_REF)$")
_TIME = re.compile(rf"^(?:{_Y}-(?:\d\d|XX)-(?:\d\d|XX)|{_Y}-W(?:\d\d|XX)-\d)?"
                   r"T(?:(?:\d\d|XX)(?::\d\d(?::\d\d)?)?|MO|AF|EV|NI|DT)$|^PRESENT_REF$")
_NUM = r"(?:\d+(?:\.\d+)?|X)"
# Units: years, months, weeks, days, quarters, weekends, decades, centuries, millennia; then hours, minutes, seconds.
_DURATION = re.compile(rf"^P(?:(?:{_NUM}(?:WE|DE|CE|ML|[YMWDQ]))+(?:T(?:{_NUM}[HMS])+)?|T(?:{_NUM}[HMS])+)$")
_SET = re.compile(rf"^(?:P{_NUM}(?:WE|DE|CE|ML|[YMWDQ])|PT{_NUM}[HMS]|{_Y}-WXX-\d|XXXX-XX-XX(?:T\w+)?"
                  rf"|{_Y}-(?:\d\d|XX)(?:-XX)?|XXXX-WXX(?:-\d)?|T(?:MO|AF|EV|NI)|XXXX-(?:SP|SU|FA|WI))$")


def _real_day(value: str) -> bool:
    """Every fully specified calendar part names a real day, week or month."""
    if m := re.match(r"^(\d{4})-(\d\d)-(\d\d)", value):
        try:
            date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return False
    elif m := re.match(r"^(\d{4})-(\d\d)(?!\d)", value):
        return 1 <= int(m[2]) <= 12
    if m := re.match(r"^(\d{4})-W(\d\d)", value):
        weeks = date(int(m[1]), 12, 28).isocalendar()[1] if 1 <= int(m[1]) <= 9999 else 0
        return 1 <= int(m[2]) <= weeks
    if re.match(r"^0000(?!\d)", value):
        return False  # there is no year 0 in TIMEX3's (ISO 8601's proleptic) calendar as used here
    if m := re.search(r"T(\d\d)(?::(\d\d))?", value):
        return int(m[1]) <= 24 and (m[2] is None or int(m[2]) <= 59)
    return True


def valid_timex3(kind: str, value: str) -> bool:
    """A small TIMEX3 value checker (until the tagger's own validator lands)."""
    if value == "":
        return True  # needed a document date that was not given
    pattern = {"DATE": _DATE, "TIME": _TIME, "DURATION": _DURATION, "SET": _SET}.get(kind)
    return bool(pattern and pattern.match(value)) and (kind in ("DURATION", "SET") or _real_day(value))


# ---------------------------------------------------------------- generated inputs

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Mon", "tues", "Thurs"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December", "Jan.", "Feb", "Sept.", "Dec"]
WORDS = ["the", "on", "in", "last", "next", "this", "ago", "later", "earlier", "year", "years", "month", "week",
         "day", "days", "morning", "evening", "night", "today", "yesterday", "tomorrow", "since", "until", "by",
         "of", "a", "two", "three", "fifteen", "twenty", "first", "third", "mid", "early", "late", "summer",
         "spring", "quarter", "decade", "century", "'s", "’s", "'90s", "1990s", "said", "met", "will", "had",
         "Putin", "Xi", "O'Brien", "St.", "Mr.", "AD", "BC", "noon", "midnight", "o'clock", "a.m.", "p.m.", ",", ".",
         ";", "-", "–", "/", "(", ")", "\"", "“", "”", "’", "…", "\u00a0", "\u2009", "é", "Ж", "中", "😀", "\n",
         "\n\n", "Q3", "H1", "fiscal", "every", "each", "annual", "weekend", "holiday", "Christmas", "Easter",
         "0", "1", "0001", "9999", "99999", "10000", "1st", "2nd", "31st", "30th", "29th", "1,000", "3.5", "-1", "00"]
NUMBER = "<number>"  # the next two bytes make a number (0 to 65535)
TOKENS = [*WEEKDAYS, *MONTHS, *WORDS, *[NUMBER] * 24]
SEPARATORS = [" ", " ", " ", ", ", "-", "/", ".", " of ", "\n"]


def prose_from(data: bytes) -> str:
    """Semi-structured English from Hypothesis's bytes: each byte picks a
    token (a weekday, a month, a word, a number...), the next a separator.
    One draw of bytes per example keeps Hypothesis's own cost small, and
    its mutations of the bytes still explore the token sequences."""
    out, i = [], 0
    while i + 1 < len(data):
        token = TOKENS[data[i] % len(TOKENS)]
        if token == NUMBER and i + 3 < len(data):
            token, i = str(data[i + 1] * 256 + data[i + 2]), i + 2
        out.append(token + SEPARATORS[data[i + 1] % len(SEPARATORS)])
        i += 2
    return "".join(out)


PROSE = st.binary(max_size=80).map(prose_from)
DCT = st.one_of(st.none(), st.dates(date(1, 1, 1), date(9999, 12, 31)),
                st.dates(date(1990, 1, 1), date(2030, 12, 31)))

VALUES = ["2018-09-12", "2019-02-30", "2019-13-45", "0000-01-01", "99999-01-01", "2018-09-12T08:30:00+04:00",
          "2018-09-12 23:30:00-05:00", "[2018, 9, 12]", "20180912", "yes", "no", "null", "~", "''", '""',
          "&a [1]", "*a", "!!python/object:os.system", "!!binary AAAA", "{a: 1}", "[", "]", "{", ":", "|",
          ">", "- x", "'unclosed", "\"unclosed", "03/04/2018", "12 September 2018", "June",
          "javascript:alert(1)", "\x00", "\x07", "\ufeff", "\r", "é", "1e400", "-.inf", ".nan", "A title", "T",
          "“Quoted”", "", "[a, b]", "2018", "true", "\"2018-09-12\"", "1 January 99999", "Sep 31 2018"]
KEYS = ["title", "date", "source", "author", "tags", "draft", "slug", "summary", "url", "x", "", "title ", "-",
        "? title"]
FENCES = ["---", "+++", "---", "", "--- ", "..."]
ENCODINGS = ["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1"]


def front_matter_from(data: bytes) -> bytes:
    """An article file from Hypothesis's bytes: a fence, key-value lines
    (YAML or TOML) with awkward values, a closing line, a body, an encoding,
    sometimes CRLF line ends or stray bytes."""
    if len(data) < 4:
        return data
    fence = FENCES[data[0] % len(FENCES)]
    sep = " = " if fence == "+++" else ": "
    pairs = data[4:4 + 2 * (data[1] % 9)]
    lines = [f"{KEYS[a % len(KEYS)]}{sep}{VALUES[b % len(VALUES)]}" for a, b in zip(pairs[::2], pairs[1::2],
                                                                                     strict=False)]
    close = [fence, fence, "", "...", "---"][data[2] % 5]
    text = "\n".join([fence, *lines, close, prose_from(data[4 + len(pairs):])])
    try:
        raw = text.encode(ENCODINGS[data[3] % len(ENCODINGS)])
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogatepass")
    if data[3] % 10 == 7:
        raw = raw.replace(b"\n", b"\r\n")
    if data[2] % 20 == 19:
        raw += data[-8:]
    return raw


FRONT_MATTER = st.binary(max_size=100).map(front_matter_from)

MARKDOWN_PIECES = ["*", "**", "_", "__", "`", "```", "[", "]", "(", ")", "](http://a.b/)", "![x](y)", "#", "## ",
                   "> ", "- ", "1. ", "    ", "\t", "\n", "\n\n", "&amp;", "&lt;", "&#39;", "&#x1F600;", "&nbsp;",
                   "&bogus;", "&", "<b>", "</b>", "<script>", "<!-- x -->", "<http://x.y>", "\\", "|", "---",
                   "***", "  \n", "word", "Tuesday", "May 31, 2018", "é", "中文", "’", "\u00a0", "\u200b", "<", ">",
                   "\"", "'", "javascript:x()", "a", "b", " ", " ", "x y", "1", "."]
MARKDOWN = st.binary(max_size=80).map(lambda data: "".join(MARKDOWN_PIECES[b % len(MARKDOWN_PIECES)] for b in data))


# ---------------------------------------------------------------- the checks


class Tally:
    def __init__(self, name: str):
        self.name = name
        self.examples = 0
        self.crashes = 0
        self.slow = 0
        self.offset_mismatches = 0
        self.invalid_values = 0
        self.found: dict[str, list[str]] = {}
        self.slowest = 0.0

    def note(self, kind: str, sample: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        kept = self.found.setdefault(kind, [])
        if len(kept) < KEEP:
            kept.append(sample[:500])

    def timed(self, seconds: float, sample: str, again=None) -> None:
        """Record the time of one input. One over SLOW_SECONDS is timed twice
        more (`again` runs it) and counted only if it stays slow: on a shared
        machine a stall of the process is not the input's doing."""
        if seconds > SLOW_SECONDS and again is not None:
            for _ in range(2):
                start = time.perf_counter()
                again()
                seconds = min(seconds, time.perf_counter() - start)
        self.slowest = max(self.slowest, seconds)
        if seconds > SLOW_SECONDS:
            self.note("slow", f"{seconds:.2f}s {sample}")

    def as_dict(self) -> dict:
        return {"examples": self.examples, "crashes": self.crashes, "over_1s": self.slow,
                "offset_mismatches": self.offset_mismatches, "invalid_values": self.invalid_values,
                "slowest_s": round(self.slowest, 3), "found": self.found}


def _quietly(fn, *args, **kwargs) -> None:
    """Run again only to time it: its result and any exception are already recorded."""
    try:
        fn(*args, **kwargs)
    except Exception:
        pass


def check_tagger(text: str, dct: date | None, t: Tally, rules) -> None:
    t.examples += 1
    start = time.perf_counter()
    try:
        timexes = tag(text, dct, rules=rules)
    except Exception as exc:
        t.note("crashes", f"{type(exc).__name__}: {exc} | dct={dct} | {text!r}")
        return
    finally:
        t.timed(time.perf_counter() - start, f"dct={dct} | {text!r}", lambda: _quietly(tag, text, dct, rules=rules))
    for x in timexes:
        if text[x.start:x.end] != x.text:
            t.note("offset_mismatches", f"{x.start}-{x.end} {x.text!r} | {text!r}")
        if not valid_timex3(x.type, x.value) or (x.value and not is_valid_value(x.type, x.value)):
            t.note("invalid_values", f"{x.type} {x.value!r} from {x.text!r} | dct={dct} | {text!r}")


def check_front_matter(raw: bytes, t: Tally) -> None:
    t.examples += 1
    start = time.perf_counter()
    try:
        parse_article(raw, Path("fuzz.md"), Path("fuzz.md"), Report(), LimitSettings())
    except BuildError:
        pass  # a clear error is the expected answer to a bad file
    except Exception as exc:
        t.note("crashes", f"{type(exc).__name__}: {exc} | {raw!r}")
    finally:
        t.timed(time.perf_counter() - start, repr(raw),
                lambda: _quietly(parse_article, raw, Path("fuzz.md"), Path("fuzz.md"), Report(), LimitSettings()))


def check_markup(source: str, t: Tally) -> None:
    """The plain text maps back into the HTML: each character sits where the
    HTML holds it (or the entity that encodes it); separators are blank lines."""
    t.examples += 1
    start = time.perf_counter()
    try:
        html = render_markdown(source)
        plain = plain_text(html)
    except Exception as exc:
        t.note("crashes", f"{type(exc).__name__}: {exc} | {source!r}")
        return
    finally:
        t.timed(time.perf_counter() - start, repr(source), lambda: _quietly(plain_text, render_markdown(source)))
    text, offsets, runs = plain.text, plain.offsets, plain.runs
    ok = len(offsets) == len(text) + 1 and len(runs) == len(text) and offsets[-1] == len(html)
    for i, ch in enumerate(text):
        if not ok:
            break
        at = offsets[i]
        ok = 0 <= at <= len(html) and (runs[i] == -1 and ch == "\n" or at < len(html) and html[at] in (ch, "&"))
        ok = ok and (i == 0 or offsets[i - 1] <= at)
    if not ok:
        t.note("offset_mismatches", repr(source))


# ---------------------------------------------------------------- running


TARGETS = ("tagger", "front_matter", "markdown_offsets")


def run(examples: int, seed_value: int = 14, progress=None, targets: tuple[str, ...] = TARGETS) -> dict:
    rules = load("en")
    tallies = {name: Tally(name) for name in ("tagger", "front_matter", "markdown_offsets")}
    common = {"max_examples": examples, "deadline": None, "database": None, "phases": [Phase.generate],
              "suppress_health_check": list(HealthCheck)}

    @seed(seed_value)
    @settings(**common)
    @given(PROSE, DCT)
    def tagger(text, dct):
        check_tagger(text, dct, tallies["tagger"], rules)

    @seed(seed_value)
    @settings(**common)
    @given(FRONT_MATTER)
    def front(raw):
        check_front_matter(raw, tallies["front_matter"])

    @seed(seed_value)
    @settings(**common)
    @given(MARKDOWN)
    def markup(source):
        check_markup(source, tallies["markdown_offsets"])

    report: dict = {"examples_per_target": examples, "seed": seed_value}
    start = time.perf_counter()
    for name, target in (("tagger", tagger), ("front_matter", front), ("markdown_offsets", markup)):
        if name not in targets:
            continue
        t0 = time.perf_counter()
        target()
        report[name] = {**tallies[name].as_dict(), "seconds": round(time.perf_counter() - t0, 1)}
        if progress is not None:
            progress(name, report[name])
    report["seconds"] = round(time.perf_counter() - start, 1)
    report["totals"] = {k: sum(report[n][k] for n in targets) for k in
                        ("examples", "crashes", "over_1s", "offset_mismatches", "invalid_values")}
    return report


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--examples", type=int, default=100_000, help="generated inputs per target (default 100000)")
    p.add_argument("--seed", type=int, default=14)
    p.add_argument("--no-save", action="store_true", help="do not write benchmarks/results/fuzz.json")
    p.add_argument("--targets", default=",".join(TARGETS), help=f"comma-separated, of {', '.join(TARGETS)}")
    args = p.parse_args()
    def saved(name: str, tally: dict) -> None:  # each target as it finishes: a long run is never lost
        print(f"{name}: {tally['examples']} examples in {tally['seconds']} s", flush=True)
        if not args.no_save:
            merge_result(RESULTS, f"examples_{args.examples}_{name}", tally)

    targets = tuple(t for t in TARGETS if t in args.targets.split(","))
    report = run(args.examples, args.seed, saved, targets)
    summary = {k: v for k, v in report.items() if k not in TARGETS}
    for name in targets:
        r = report[name]
        print(f"{name:17} {r['examples']:>7} examples in {r['seconds']:>6}s: {r['crashes']} crashes, "
              f"{r['over_1s']} over 1 s (slowest {r['slowest_s']} s), {r['offset_mismatches']} offset mismatches, "
              f"{r['invalid_values']} invalid values")
        for kind, samples in r["found"].items():
            for s in samples[:3]:
                print(f"    {kind}: {s[:300]}")
    print(f"total {summary['totals']} in {report['seconds']} s")
    if not args.no_save and targets == TARGETS:  # a partial run keeps only its targets' own entries
        merge_result(RESULTS, f"examples_{args.examples}", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
