"""Differential fuzzing of the incremental build: seeded random edits, each
followed by an incremental rebuild and a cold one, compared byte for byte.

    python benchmarks/incremental_fuzz.py --seed 11 [--n 300] [--steps 40] [--work DIR]
        [--extra] [--multi 0.3] [--only KIND,KIND] [--shared-cache] [--search]
        [--time-limit SEC] [--keep-mismatch]
    python benchmarks/incremental_fuzz.py --summarise DIR/log.jsonl [...]   # a kept log, summarised again

What it checks: a corpus of `--n` generated articles (tests.support
make_corpus) is built once. Then each step copies the published site
(`cp -a`), applies one edit (or, in a share `--multi` of the steps, two or
three) drawn with `--seed` from the kinds below to the project's content,
and builds twice from the command line (`python -m generator build
--quiet`, `--jobs` drawn too): the project itself into the published site,
with its cache (the incremental rebuild a user makes), and a second project
holding the same content (`--shared-cache`: the same project) into the
copy with `--no-cache` (a cold build over the same published history: the
manifest's event ids and the like carry over, so a build into an empty
folder would differ for good reasons). Every file but the generator's
bookkeeping (generator.write.BOOKKEEPING) must be the same bytes; the two
exit codes, the warnings and errors printed (paths made alike) and the
manifests (all but the page fingerprints) must be the same too. Any
difference is a mismatch: the step is printed, the exit code is 1.

Edit kinds (EDITS): dated sentences reworded, added (four date forms, or
copied from another article), removed or redated; a correction appended; a
word of an undated lead sentence changed; title, tags or publication date
changed; an article added (a near copy a few days later), deleted, or an
earlier version of a file restored (undo). `--extra` adds the adversarial
kinds (EXTRA_EDITS): drafts, near-spellings of names, renames, front-matter
summaries, a sentence twice in one article, relative dates, sentences
inserted before the first dated one, an article made the newest, event
overrides (content/events/*.toml), front matter that warns or breaks the
build (a later step repairs it: both builds must fail alike meanwhile),
slugs, articles added first/last/without dates, edge and adjacent
deletions, every dated sentence removed, a touch. `--only` draws only the
kinds named. At commit 3b6c767, 531 steps over 9 seeds (300 and 2,000
articles, with and without --extra, --shared-cache, --search) found no
mismatch.

Work folder: a temporary one, removed at the end, unless `--work DIR` is
given or a step mismatched (then it is kept and its path printed; with
`--keep-mismatch` the two sites of each mismatching step too, as
mismatch_inc_NNN/ and mismatch_cold_NNN/). It holds log.jsonl (the first
record: the arguments and the code's commit; then one per step: each edit
with the sentence before and after, the commands, times, exit codes,
output, differences) and patches/step-NNN.diff (the content's changes,
paths relative to proj/content/), and proj/ (the content as the run left
it). The sites, the cold project and the caches are moved aside after use
and deleted at the end, with the `.NAME.staging/` and `.NAME.staged.json`
a build leaves beside its output: deleting tens of thousands of files
slows the next files written on this disk (benchmarks/build.py).

Results: printed at the end (steps, edit kinds drawn, mismatches, steps
where both builds failed alike, steps where the rebuild was the slower),
and merged into benchmarks/results/incremental_fuzz.json under
`seed<S>-n<N>` (`-extra`, `-shared-cache`, `-search`, `-only` appended when
given): the counts per edit kind, the mismatches and the median seconds of
the incremental and the cold builds.

Replay: the same seed and options with the same script and code (the
commit is in the log's first record) draw the same edits, the corpus being
made the same way; run it with `--work DIR` to keep what it did. Where the
script or the code changed, apply the patches in order to a fresh corpus
and build after each (a `touch` changes no bytes and is in no patch):

    python ../shared/tools/make_corpus.py --n 300 --out /tmp/p   # (tests.support.shared_dir())
    printf 'title = "Fuzz"\\nbase_url = "https://example.org/"\\nsearch = false\\n' > /tmp/p/site.toml
    for d in WORK/patches/step-*.diff; do patch -s -p1 -d /tmp/p/content < $d
        python -m generator build --config /tmp/p/site.toml --output /tmp/p-out --quiet; done

Not covered: edits of site.toml or the templates, edits made while a build
runs (or the preview's rebuilds), `--drafts`, the Dask executor, and
corpora over a few thousand articles (each step copies the whole site and
builds it cold: at 2,000 articles, 18,000 files, a cold build took 50 to
90 s on two cores).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import difflib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.build import Trash  # noqa: E402
from generator.write import BOOKKEEPING, MANIFEST  # noqa: E402
from tests.support import make_corpus, merge_result  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "incremental_fuzz.json"
OURS_PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
YEAR_RE = re.compile(r"\b(19\d\d|20\d\d)\b")
DATE_HINT = re.compile(rf"\b(19\d\d|20\d\d)\b|\b({'|'.join(MONTHS)})\b"
                       r"|\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
ADVERBS = ["reportedly", "formally", "quietly", "eventually", "finally", "officially", "briefly", "publicly"]
WORD_SWAPS = [("said", "stated"), ("the", "this"), ("was", "had been"), ("new", "fresh"), ("plan", "scheme"),
              ("officials", "authorities"), ("residents", "locals"), ("that", "how"), ("after", "following")]
NEW_SENTENCES = ["the council met again to discuss the plan", "officials confirmed that the inquiry would continue",
                 "a second meeting was held at the town hall", "the board approved a revised budget",
                 "campaigners staged a protest outside the offices"]
TAGS = ["religion", "budget", "health", "transport", "crime", "housing", "energy", "education", "weather",
        "courts", "elections", "sport", "culture", "fuzzing"]


# ---------------------------------------------------------------- text

def split_doc(text: str) -> tuple[str, str, str]:
    """Front matter, the separator and the body of an article."""
    return text.partition("\n---\n")


def sentences_of(body: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `body`: paragraphs split at blank
    lines, sentences after . ! ? or a quote before a capital or a digit."""
    spans = []
    pos = 0
    for para in re.split(r"(\n\n+)", body):
        if not para.strip():
            pos += len(para)
            continue
        lead = len(para) - len(para.lstrip("\n"))
        if para[lead:].startswith("> "):
            lead += 2
        i = lead
        for m in re.finditer(r'(?<=[.!?"])\s+(?=[A-Z0-9"*])', para):
            if m.start() > i:
                spans.append((pos + i, pos + m.start()))
            i = m.end()
        if len(para.rstrip()) > i:
            spans.append((pos + i, pos + len(para.rstrip())))
        pos += len(para)
    return spans


def dated_sentences(body: str) -> list[tuple[int, int]]:
    """The sentences of `body` with a year, a month or a weekday."""
    return [(s, e) for s, e in sentences_of(body) if DATE_HINT.search(body[s:e])]


def fm_insert(text: str, line: str) -> str | None:
    """`text` with `line` added at the end of its front matter (None: it has none)."""
    return text.replace("\n---\n", "\n" + line + "\n---\n", 1) if text.startswith("---\n") else None


def without_spans(body: str, spans: list[tuple[int, int]]) -> str:
    """`body` without the sentences `spans`, each with the spaces after it."""
    for s, e in reversed(spans):
        while e < len(body) and body[e] == " ":
            e += 1
        body = body[:s] + body[e:]
    return body


# ---------------------------------------------------------------- the content and its edits

class Editor:
    """The project's content, the seeded draws, and what the edits remember:
    each file's earlier versions (for undo) and the articles broken on purpose."""

    def __init__(self, proj: Path, out_inc: Path, seed: int):
        self.proj, self.out_inc, self.seed = proj, out_inc, seed
        self.rng = random.Random(seed)
        self.history: dict[str, list[str | None]] = {}  # path under content/ -> earlier texts (None: absent)
        self.broken: list[str] = []
        self.counter = 0

    @property
    def articles_dir(self) -> Path:
        return self.proj / "content" / "articles"

    def articles(self) -> list[Path]:
        return sorted(self.articles_dir.glob("*.md"))

    def pick(self) -> Path:
        return self.rng.choice(self.articles())

    def pick_dated(self) -> tuple[Path, str, str, str, list[tuple[int, int]]] | None:
        """An article picked (pick), its front matter, separator and body,
        and its dated sentences' spans; None when it has none."""
        p = self.pick()
        head, sep, body = split_doc(p.read_text())
        ds = dated_sentences(body)
        return (p, head, sep, body, ds) if ds else None

    def number(self) -> int:
        """A new number for a file name or a title."""
        self.counter += 1
        return self.counter

    def key(self, path: Path) -> str:
        return str(path.relative_to(self.proj / "content"))

    def remember(self, path: Path) -> None:
        self.history.setdefault(self.key(path), []).append(path.read_text() if path.exists() else None)

    def write(self, path: Path, text: str) -> None:
        self.remember(path)
        path.write_text(text)

    def delete(self, path: Path) -> None:
        self.remember(path)
        path.unlink()

    def near_date(self, text: str) -> dt.date:
        """A day from 90 days before to 20 after the article's date."""
        m = re.search(r"^date:\s*(\d{4}-\d\d-\d\d)", split_doc(text)[0], re.M)
        base = dt.date.fromisoformat(m.group(1)) if m else dt.date(2010, 6, 1)
        return base + dt.timedelta(days=self.rng.randint(-90, 20))

    def names(self) -> list[tuple[str, str]]:
        """(first, last) names found in five articles."""
        found: set[tuple[str, str]] = set()
        for p in self.rng.sample(self.articles(), 5):
            found |= set(re.findall(r"\b([A-Z][a-z]{2,}) ([A-Z][a-z]{3,})\b", p.read_text()))
        return sorted(found)

    def snapshot(self) -> dict[str, str]:
        """Every content file's text, by its path under content/."""
        root = self.proj / "content"
        return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


# Each edit changes the content and describes what it did, or returns None
# where it does not apply (another kind is drawn). The order of the draws
# is that of the fuzzer the 531 steps above were run with: a seed and its
# options draw the same edits (seed 8's first steps checked).

def reword_dated(ed: Editor) -> dict | None:
    """An adverb added to a dated sentence (its words change, not its date)."""
    picked = ed.pick_dated()
    if picked is None:
        return None
    p, head, sep, body, ds = picked
    s, e = ed.rng.choice(ds)
    sent = body[s:e]
    adv = ed.rng.choice(ADVERBS)
    mode = ed.rng.choice(["after_first_word", "before_date", "after_date"])
    m = DATE_HINT.search(sent)
    if mode == "after_first_word":
        k = sent.find(" ")
        if k <= 0:
            return None
        new = sent[:k] + " " + adv + sent[k:]
    elif mode == "before_date":
        new = sent[:m.start()] + adv + " " + sent[m.start():]
    else:
        new = sent[:m.end()] + " " + adv + sent[m.end():]
    ed.write(p, head + sep + body[:s] + new + body[e:])
    return {"kind": "reword_dated", "article": p.name, "old": sent, "new": new}


def add_dated(ed: Editor) -> dict | None:
    """A dated sentence (new, or copied from another article) added at the
    start, middle or end of an article, or as a last paragraph."""
    p = ed.pick()
    text = p.read_text()
    head, sep, body = split_doc(text)
    d = ed.near_date(text)
    what = ed.rng.choice(NEW_SENTENCES)
    fmt = ed.rng.choice(["dmy", "mdy", "my", "copy"])
    if fmt == "dmy":
        sent = f"On {d.day} {MONTHS[d.month - 1]} {d.year}, {what}."
    elif fmt == "mdy":
        sent = f"On {MONTHS[d.month - 1]} {d.day}, {d.year}, {what}."
    elif fmt == "my":
        sent = f"In {MONTHS[d.month - 1]} {d.year}, {what}."
    else:  # word for word from another article (its event may merge)
        other = split_doc(ed.pick().read_text())[2]
        ods = dated_sentences(other)
        if not ods:
            return None
        s, e = ed.rng.choice(ods)
        sent = other[s:e]
        if sent.startswith("**"):
            return None
    where = ed.rng.choice(["start", "middle", "end", "new_para_end"])
    spans = sentences_of(body)
    if where == "start":
        i = len(body) - len(body.lstrip("\n"))
        body = body[:i] + sent + "\n\n" + body[i:]
    elif where == "middle" and spans:
        e = spans[len(spans) // 2][1]
        body = body[:e] + " " + sent + body[e:]
    elif where == "end" and spans:
        e = spans[-1][1]
        body = body[:e] + " " + sent + body[e:]
    else:
        body = body.rstrip("\n") + "\n\n" + sent + "\n"
    ed.write(p, head + sep + body)
    return {"kind": "add_dated", "article": p.name, "sentence": sent, "where": where}


def remove_dated(ed: Editor) -> dict | None:
    """A dated sentence removed."""
    picked = ed.pick_dated()
    if picked is None:
        return None
    p, head, sep, body, ds = picked
    s, e = ed.rng.choice(ds)
    ed.write(p, head + sep + without_spans(body, [(s, e)]))
    return {"kind": "remove_dated", "article": p.name, "sentence": body[s:e]}


def redate(ed: Editor) -> dict | None:
    """A year of a sentence moved by one or two."""
    p = ed.pick()
    head, sep, body = split_doc(p.read_text())
    ds = [(s, e) for s, e in sentences_of(body) if YEAR_RE.search(body[s:e])]
    if not ds:
        return None
    s, e = ed.rng.choice(ds)
    sent = body[s:e]
    m = ed.rng.choice(list(YEAR_RE.finditer(sent)))
    by = ed.rng.choice([-2, -1, 1, 2])
    new = sent[:m.start()] + str(int(m.group()) + by) + sent[m.end():]
    ed.write(p, head + sep + body[:s] + new + body[e:])
    return {"kind": "redate", "article": p.name, "old": sent, "new": new, "by": by}


def correction(ed: Editor) -> dict | None:
    """A correction appended as a last paragraph."""
    p = ed.pick()
    note = ed.rng.choice(["Correction: an earlier version of this article misspelled a name.",
                          "Correction: this article has been updated to clarify the council's role.",
                          "*This article was amended to correct a figure.*"])
    ed.write(p, p.read_text().rstrip("\n") + "\n\n" + note + "\n")
    return {"kind": "correction", "article": p.name, "note": note}


def lead_word(ed: Editor) -> dict | None:
    """A word changed in an undated sentence of the first paragraph (the summary)."""
    p = ed.pick()
    head, sep, body = split_doc(p.read_text())
    first_end = body.find("\n\n", len(body) - len(body.lstrip("\n")))
    first_end = len(body) if first_end < 0 else first_end
    cands = [(s, e) for s, e in sentences_of(body) if e <= first_end and not DATE_HINT.search(body[s:e])]
    ed.rng.shuffle(cands)
    for s, e in cands:
        sent = body[s:e]
        swaps = [(a, b) for a, b in WORD_SWAPS if re.search(rf"\b{a}\b", sent)]
        if swaps:
            a, b = ed.rng.choice(swaps)
            new = re.sub(rf"\b{a}\b", b, sent, count=1)
            ed.write(p, head + sep + body[:s] + new + body[e:])
            return {"kind": "lead_word", "article": p.name, "old": sent, "new": new}
    return None


def _field_edit(ed: Editor, kind: str, pattern: str, change: Callable[[str], str]) -> dict | None:
    """A front-matter field of a picked article (the first group of `pattern`) made `change(old)`."""
    p = ed.pick()
    text = p.read_text()
    m = re.search(pattern, text, re.M)
    if not m:
        return None
    new = change(m.group(1))
    ed.write(p, text[:m.start(1)] + new + text[m.end(1):])
    return {"kind": kind, "article": p.name, "old": m.group(1), "new": new}


def title(ed: Editor) -> dict | None:
    """Words added to a title."""
    return _field_edit(ed, "title", r'^title: "(.*)"$',
                       lambda old: old + ed.rng.choice([" (updated)", " again", ": the latest", " — analysis"]))


def tags(ed: Editor) -> dict | None:
    """A tag added, removed or replaced."""
    def changed(old: str) -> str:
        now = [t.strip() for t in old.split(",") if t.strip()]
        op = ed.rng.choice(["add", "remove", "replace"])
        if op == "add" or len(now) <= 1:
            now.append(ed.rng.choice([t for t in TAGS if t not in now]))
        elif op == "remove":
            now.pop(ed.rng.randrange(len(now)))
        else:
            now[ed.rng.randrange(len(now))] = ed.rng.choice([t for t in TAGS if t not in now])
        return ", ".join(now)
    return _field_edit(ed, "tags", r"^tags: \[(.*)\]$", changed)


def pubdate(ed: Editor) -> dict | None:
    """The publication date moved by up to ten days."""
    def moved(old: str) -> str:
        by = ed.rng.choice([-5, -3, -2, -1, 1, 2, 3, 5, 10])
        return (dt.date.fromisoformat(old) + dt.timedelta(days=by)).isoformat()
    return _field_edit(ed, "pubdate", r"^date: (\d{4}-\d\d-\d\d)$", moved)


def add_article(ed: Editor) -> dict | None:
    """A follow-up: an article copied, retitled, dated a few days later, maybe reworded."""
    src = ed.pick()
    text = src.read_text()
    n = ed.number()
    name = f"{src.stem[:40]}-fuzz-{ed.seed}-{n}.md"
    m = re.search(r'^title: "(.*)"$', text, re.M)
    new_title = f"Follow-up {n}: " + (m.group(1) if m else "story")
    text = re.sub(r'^title: ".*"$', lambda _: f'title: "{new_title}"', text, count=1, flags=re.M)
    md = re.search(r"^date: (\d{4}-\d\d-\d\d)$", text, re.M)
    by = ed.rng.choice([1, 2, 3, 7, 14, 30])
    if md:
        text = text[:md.start(1)] + (dt.date.fromisoformat(md.group(1)) + dt.timedelta(days=by)).isoformat() \
            + text[md.end(1):]
    if ed.rng.random() < 0.5:
        head, sep, body = split_doc(text)
        text = head + sep + body.replace(". ", ", officials said. ", ed.rng.randint(1, 3))
    ed.write(ed.articles_dir / name, text)
    return {"kind": "add_article", "article": name, "from": src.name, "date_by": by}


def delete_article(ed: Editor) -> dict | None:
    p = ed.pick()
    ed.delete(p)
    return {"kind": "delete_article", "article": p.name}


def undo(ed: Editor) -> dict | None:
    """A file put back as it was at one of its earlier versions (absent: deleted)."""
    names = sorted(n for n, h in ed.history.items() if h)
    if not names:
        return None
    name = ed.rng.choice(names)
    idx = ed.rng.randrange(len(ed.history[name]))
    old = ed.history[name][idx]
    path = ed.proj / "content" / name
    if old == (path.read_text() if path.exists() else None):
        return None
    ed.remember(path)
    if old is None:
        path.unlink()
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(old)
    return {"kind": "undo", "article": name, "to_version": idx, "restored": "absent" if old is None else "text"}


def fix_broken(ed: Editor) -> dict | None:
    """The last article `break_article` broke, put back as it was before."""
    if not ed.broken:
        return None
    name = ed.broken.pop()
    path = ed.articles_dir / name
    h = ed.history.get(ed.key(path)) or []
    if not h:
        return None
    old = h[-1]
    ed.remember(path)
    if old is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(old)
    return {"kind": "fix_broken", "article": name}


def draft(ed: Editor) -> dict | None:
    """An article made a draft, or a draft published."""
    p = ed.pick()
    text = p.read_text()
    if re.search(r"^draft: true$", text, re.M):
        new = re.sub(r"^draft: true\n", "", text, count=1, flags=re.M)
    else:
        new = text.replace("\n---\n", "\ndraft: true\n---\n", 1) if text.startswith("---\n") else None
    if not new or new == text:
        return None
    ed.write(p, new)
    return {"kind": "draft", "article": p.name, "now_draft": "draft: true" in new}


def name_variant(ed: Editor) -> dict | None:
    """A dated sentence naming a near-spelling of a name of the corpus (the folding of names changes)."""
    names = ed.names()
    if not names:
        return None
    first, last = ed.rng.choice(names)
    i = ed.rng.randrange(1, len(last))
    variant = ed.rng.choice([last[:i] + last[i] * 2 + last[i + 1:], last[:i] + last[i + 1:], last + "e", last])
    p = ed.pick()
    head, sep, body = split_doc(p.read_text())
    d = ed.near_date(p.read_text())
    sent = f"{first} {variant} met officials in {MONTHS[d.month - 1]} {d.year} to discuss the plan."
    ed.write(p, head + sep + body.rstrip("\n") + "\n\n" + sent + "\n")
    return {"kind": "name_variant", "article": p.name, "sentence": sent}


def rename(ed: Editor) -> dict | None:
    """An article moved to another file name (its slug changes)."""
    p = ed.pick()
    dest = p.with_name(p.stem[:30] + f"-renamed-{ed.seed}-{ed.number()}.md")
    text = p.read_text()
    ed.delete(p)
    ed.write(dest, text)
    return {"kind": "rename", "article": p.name, "to": dest.name}


def fm_summary(ed: Editor) -> dict | None:
    """A summary in the front matter added, changed or removed."""
    p = ed.pick()
    text = p.read_text()
    if not text.startswith("---\n"):
        return None
    m = re.search(r'^summary: ".*"\n', text, re.M)
    summ = ed.rng.choice(["A short summary.", "What happened next.", "The council's plan, explained."])
    if m and ed.rng.random() < 0.5:
        new = text[:m.start()] + text[m.end():]
    elif m:
        new = text[:m.start()] + f'summary: "{summ}"\n' + text[m.end():]
    else:
        new = text.replace("\n---\n", f'\nsummary: "{summ}"\n---\n', 1)
    ed.write(p, new)
    return {"kind": "fm_summary", "article": p.name, "summary": None if "summary:" not in new else summ}


def twin(ed: Editor) -> dict | None:
    """A dated sentence of the article written again, word for word, later in it (twin anchors)."""
    picked = ed.pick_dated()
    if picked is None:
        return None
    p, head, sep, body, ds = picked
    s, e = ed.rng.choice(ds)
    sent = body[s:e]
    if sent.startswith("**"):
        return None
    where = ed.rng.choice(["after", "end", "start"])
    if where == "after":
        body = body[:e] + " " + sent + body[e:]
    elif where == "end":
        body = body.rstrip("\n") + "\n\n" + sent + "\n"
    else:
        i = len(body) - len(body.lstrip("\n"))
        body = body[:i] + sent + "\n\n" + body[i:]
    ed.write(p, head + sep + body)
    return {"kind": "twin", "article": p.name, "sentence": sent, "where": where}


def relative(ed: Editor) -> dict | None:
    """A sentence with a date relative to the publication date (resolved against it)."""
    p = ed.pick()
    head, sep, body = split_doc(p.read_text())
    expr = ed.rng.choice(["on Monday", "last week", "yesterday", "on Friday", "earlier this month",
                          "last year", "next month", "on the same day"])
    sent = f"The committee met {expr} to review the plan."
    spans = sentences_of(body)
    if spans and ed.rng.random() < 0.6:
        e = ed.rng.choice(spans)[1]
        body = body[:e] + " " + sent + body[e:]
    else:
        body = body.rstrip("\n") + "\n\n" + sent + "\n"
    ed.write(p, head + sep + body)
    return {"kind": "relative", "article": p.name, "sentence": sent}


def undated_sentence(ed: Editor) -> dict | None:
    """An undated sentence inserted before one of the first two dated ones (sentence numbers move)."""
    picked = ed.pick_dated()
    if picked is None:
        return None
    p, head, sep, body, ds = picked
    s, e = ed.rng.choice(ds[:2])
    sent = ed.rng.choice(["Officials declined to comment.", "The plan remains controversial.",
                          "Residents were not consulted."])
    body = body[:s] + sent + " " + body[s:]
    ed.write(p, head + sep + body)
    return {"kind": "undated_sentence", "article": p.name, "before": body[s:e][:80]}


def newest(ed: Editor) -> dict | None:
    """An article's publication date moved past the newest (the site's build date changes)."""
    p = ed.pick()
    text = p.read_text()
    m = re.search(r"^date: (\d{4}-\d\d-\d\d)$", text, re.M)
    if not m:
        return None
    new = ed.rng.choice(["2026-01-15", "2025-12-31", "2026-03-01"])
    ed.write(p, text[:m.start(1)] + new + text[m.end(1):])
    return {"kind": "newest", "article": p.name, "old": m.group(1), "new": new}


def override(ed: Editor) -> dict | None:
    """An editor's override of a published event (content/events/*.toml):
    a title, hidden, a date, tags, a merge, or a match by date and word."""
    try:
        events = json.loads((ed.out_inc / "events.json").read_text())["events"]
    except (OSError, ValueError, KeyError):
        return None
    ev = ed.rng.choice(events)
    n = ed.number()
    path = ed.proj / "content" / "events" / f"fz-{ed.seed}-{n}.toml"
    path.parent.mkdir(exist_ok=True)
    what = ed.rng.choice(["title", "hidden", "date", "tags", "merge", "match"])
    if what == "title":
        body = f'event = "{ev["id"]}"\ntitle = "Renamed by an editor {n}"\n'
    elif what == "hidden":
        body = f'event = "{ev["id"]}"\nhidden = true\n'
    elif what == "date":
        y = int(ev["date"][:4]) + ed.rng.choice([-1, 1])
        body = f'event = "{ev["id"]}"\ndate = "{y}{ev["date"][4:]}"\n'
    elif what == "tags":
        body = f'event = "{ev["id"]}"\ntags = ["edited", "fuzzing"]\n'
    elif what == "merge":
        other = ed.rng.choice(events)
        if other["id"] == ev["id"]:
            return None
        body = f'event = "{ev["id"]}"\nmerge = ["{other["id"]}"]\n'
    else:
        word = ed.rng.choice(ev["title"].split())
        body = f'title = "Matched {n}"\n\n[match]\ndate = "{ev["date"][:7]}"\ncontains = "{word}"\n'
    ed.write(path, body)
    return {"kind": "override", "file": path.name, "what": what, "body": body}


def warn(ed: Editor) -> dict | None:
    """A front matter line that gives a warning (an unknown key, a url that is not http)."""
    p = ed.pick()
    line = ed.rng.choice(['subtitle: "A subtitle"', 'url: "ftp://example.org/x"', 'category: news',
                          'url: "javascript:alert(1)"'])
    new = fm_insert(p.read_text(), line)
    if not new:
        return None
    ed.write(p, new)
    return {"kind": "warn", "article": p.name, "line": line}


def break_article(ed: Editor) -> dict | None:
    """An error: the build fails (and the output stays); a later fix_broken or undo repairs it."""
    p = ed.pick()
    text = p.read_text()
    how = ed.rng.choice(["draft_maybe", "no_title", "dup_slug", "empty"])
    if how == "draft_maybe":
        new = fm_insert(text, "draft: maybe")
    elif how == "no_title":
        new = re.sub(r'^title: ".*"\n', "", text, count=1, flags=re.M)
    elif how == "dup_slug":
        other = ed.pick()
        if other == p:
            return None
        new = fm_insert(text, f"slug: {other.stem}")
    else:
        new = ""
    if new is None or new == text:
        return None
    ed.write(p, new)
    ed.broken.append(p.name)
    return {"kind": "break", "article": p.name, "how": how}


def slug(ed: Editor) -> dict | None:
    """A slug in the front matter added or removed."""
    p = ed.pick()
    text = p.read_text()
    m = re.search(r"^slug: .*\n", text, re.M)
    new = text[:m.start()] + text[m.end():] if m else fm_insert(text, f"slug: custom-slug-{ed.seed}-{ed.number()}")
    if not new:
        return None
    ed.write(p, new)
    return {"kind": "slug", "article": p.name, "removed": bool(m)}


def new_article(ed: Editor, name: str, src: Path, nodates: bool) -> None:
    """A copy of `src` as `name`, retitled; with `nodates` only its first eight undated sentences."""
    text = re.sub(r'^title: ".*"$', lambda _: f'title: "Edge article {ed.number()}"', src.read_text(),
                  count=1, flags=re.M)
    if nodates:
        head, sep, body = split_doc(text)
        keep = [body[s:e] for s, e in sentences_of(body)
                if not DATE_HINT.search(body[s:e]) and not body[s:e].startswith("**")]
        text = head + sep + "\n" + " ".join(keep[:8]) + "\n"
    ed.write(ed.articles_dir / name, text)


def _add_at_edge(ed: Editor, kind: str, prefix: str, suffix: str) -> dict:
    """An article whose file name sorts first or last (`prefix`), undated three times in ten."""
    src = ed.pick()
    name = f"{prefix}-{ed.seed}-{ed.number()}-{suffix}.md"
    nodates = ed.rng.random() < 0.3
    new_article(ed, name, src, nodates)
    return {"kind": kind, "article": name, "from": src.name, "nodates": nodates}


def add_first(ed: Editor) -> dict | None:
    """An article whose file sorts first."""
    return _add_at_edge(ed, "add_first", "0000", "first")


def add_last(ed: Editor) -> dict | None:
    """An article whose file sorts last."""
    return _add_at_edge(ed, "add_last", "zzz", "last")


def add_nodates(ed: Editor) -> dict | None:
    """An article with no dated sentence."""
    src = ed.pick()
    name = f"{src.stem[:40]}-nodates-{ed.seed}-{ed.number()}.md"
    new_article(ed, name, src, nodates=True)
    return {"kind": "add_nodates", "article": name, "from": src.name}


def delete_edge(ed: Editor) -> dict | None:
    """One of the first two or last two articles deleted."""
    arts = ed.articles()
    p = ed.rng.choice([arts[0], arts[-1], arts[1], arts[-2]])
    ed.delete(p)
    return {"kind": "delete_edge", "article": p.name}


def delete_adjacent(ed: Editor) -> dict | None:
    """Two articles next to each other deleted."""
    arts = ed.articles()
    i = ed.rng.randrange(len(arts) - 1)
    for p in arts[i:i + 2]:
        ed.delete(p)
    return {"kind": "delete_adjacent", "articles": [p.name for p in arts[i:i + 2]]}


def remove_all_dated(ed: Editor) -> dict | None:
    """Every dated sentence of an article removed."""
    picked = ed.pick_dated()
    if picked is None:
        return None
    p, head, sep, body, ds = picked
    ed.write(p, head + sep + without_spans(body, ds))
    return {"kind": "remove_all_dated", "article": p.name, "n": len(ds)}


def touch(ed: Editor) -> dict | None:
    """An article's modification time changed, not its bytes."""
    p = ed.pick()
    os.utime(p)
    return {"kind": "touch", "article": p.name}


Edit = Callable[[Editor], dict | None]
# kind -> (edit, weight of its draw), in the order of the draws
EDITS: dict[str, tuple[Edit, float]] = {
    "reword_dated": (reword_dated, 3), "add_dated": (add_dated, 3), "remove_dated": (remove_dated, 2),
    "redate": (redate, 3), "correction": (correction, 1), "lead_word": (lead_word, 2), "title": (title, 1),
    "tags": (tags, 1), "pubdate": (pubdate, 1), "add_article": (add_article, 1),
    "delete_article": (delete_article, 1), "undo": (undo, 1.5)}
EXTRA_EDITS: dict[str, tuple[Edit, float]] = {
    "draft": (draft, 1), "name_variant": (name_variant, 1.5), "rename": (rename, 0.7),
    "fm_summary": (fm_summary, 0.7), "twin": (twin, 1.5), "relative": (relative, 1.5),
    "undated_sentence": (undated_sentence, 1.5), "newest": (newest, 0.5), "override": (override, 1.5),
    "warn": (warn, 1), "break": (break_article, 1), "slug": (slug, 0.7), "add_first": (add_first, 1),
    "add_last": (add_last, 1), "add_nodates": (add_nodates, 1), "delete_edge": (delete_edge, 1),
    "delete_adjacent": (delete_adjacent, 0.7), "remove_all_dated": (remove_all_dated, 1), "touch": (touch, 0.5)}


def one_edit(ed: Editor, kinds: dict[str, tuple[Edit, float]]) -> dict | None:
    """A broken article repaired (six times in ten while there is one), or
    an edit of a kind drawn by weight (up to 20 draws until one applies)."""
    if ed.broken and ed.rng.random() < 0.6:
        done = fix_broken(ed)
        if done:
            return done
    names = list(kinds)
    weights = [w for _, w in kinds.values()]
    for _ in range(20):
        done = kinds[ed.rng.choices(names, weights)[0]][0](ed)
        if done:
            return done
    return None


def patch_text(before: dict[str, str], after: dict[str, str]) -> str:
    """A unified diff (patch -p1 in content/) from one snapshot to the other."""
    out: list[str] = []
    for name in sorted(before.keys() | after.keys()):
        if before.get(name) != after.get(name):
            out += difflib.unified_diff((before.get(name) or "").splitlines(True),
                                        (after.get(name) or "").splitlines(True),
                                        f"a/{name}" if name in before else "/dev/null",
                                        f"b/{name}" if name in after else "/dev/null")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in out)


def sync(before: dict[str, str], after: dict[str, str], content: Path) -> None:
    """The files changed from `before` to `after` written (or deleted) in `content`."""
    for name in sorted(before.keys() | after.keys()):
        if before.get(name) != after.get(name):
            path = content / name
            if name in after:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(after[name])
            else:
                path.unlink()


# ---------------------------------------------------------------- builds and comparisons

def build(config: Path, out: Path, cold: bool, jobs: int | None, cwd: Path) -> dict:
    """`python -m generator build` in a child process: exit code, output, seconds."""
    cmd = [OURS_PY, "-m", "generator", "build", "--config", str(config), "--output", str(out), "--quiet",
           *(["--no-cache"] if cold else []), *(["--jobs", str(jobs)] if jobs else [])]
    start = time.perf_counter()
    r = subprocess.run(cmd, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, cwd=cwd)
    return {"rc": r.returncode, "stderr": r.stderr, "stdout": r.stdout,
            "secs": round(time.perf_counter() - start, 2), "cmd": " ".join(cmd)}


def site_files(folder: Path) -> dict[str, Path]:
    """The files of a site by relative path, the generator's bookkeeping left out."""
    out = {}
    for root, _, files in os.walk(folder):
        for f in files:
            if f not in BOOKKEEPING:
                p = Path(root) / f
                out[str(p.relative_to(folder))] = p
    return out


def compare(inc: Path, cold: Path) -> tuple[list[dict], int]:
    """The files that differ (with the bytes around the first difference), and the number of files."""
    fa, fb = site_files(inc), site_files(cold)
    diffs = []
    for k in sorted(fa.keys() | fb.keys()):
        if k not in fa or k not in fb:
            diffs.append({"file": k, "only_in": "inc" if k in fa else "cold"})
            continue
        x, y = fa[k].read_bytes(), fb[k].read_bytes()
        if x != y:
            i = next((i for i in range(min(len(x), len(y))) if x[i] != y[i]), min(len(x), len(y)))
            diffs.append({"file": k, "at": i, "inc": x[max(0, i - 150):i + 250].decode("utf-8", "replace"),
                          "cold": y[max(0, i - 150):i + 250].decode("utf-8", "replace"),
                          "len_inc": len(x), "len_cold": len(y)})
    return diffs, len(fa)


def manifest_diff(inc: Path, cold: Path) -> dict:
    """The two manifests' differences (the published event ids and the rest);
    of the page fingerprints only how many differ (not a mismatch)."""
    try:
        ma, mb = (json.loads((d / MANIFEST).read_text()) for d in (inc, cold))
    except (OSError, ValueError) as exc:
        return {"error": repr(exc)}
    out = {}
    for k in sorted(ma.keys() | mb.keys()):
        a, b = ma.get(k) or {}, mb.get(k) or {}
        if k in ("pages", "ids"):
            d = sorted(p for p in a.keys() | b.keys() if a.get(p) != b.get(p))
            if d and k == "pages":
                out["pages_fingerprints_differ"] = {"n": len(d), "some": d[:5]}
            elif d:
                out["ids"] = {"n": len(d), "some": [(p, a.get(p), b.get(p)) for p in d[:3]]}
        elif ma.get(k) != mb.get(k):
            out[k] = [str(ma.get(k))[:200], str(mb.get(k))[:200]]
    return out


def findings(rec: dict, work: Path) -> list[str]:
    """What makes a logged step a mismatch: files that differ, exit codes,
    messages (paths made alike) or manifests (but page fingerprints)."""
    err_inc = rec["inc"]["stderr"].replace(str(work / "out_inc"), "OUT")
    err_cold = rec["cold"]["stderr"].replace(str(work / "coldproj"), str(work / "proj")).replace(
        str(work / f"out_cold_{rec['step']:03d}"), "OUT")
    manifest = {k: v for k, v in (rec.get("manifest_diff") or {}).items() if k != "pages_fingerprints_differ"}
    out = []
    if rec["ndiffs"]:
        out.append(f"{rec['ndiffs']} files differ: {[d['file'] for d in rec['diffs'][:5]]}")
    if rec["inc"]["rc"] != rec["cold"]["rc"]:
        out.append(f"rc {rec['inc']['rc']} vs {rec['cold']['rc']}")
    if err_inc != err_cold:
        out.append(f"stderr differs: inc {err_inc[:300]!r} cold {err_cold[:300]!r}")
    if manifest:
        out.append(f"manifest differs: {json.dumps(manifest)[:300]}")
    return out


# ---------------------------------------------------------------- the run

def put_site(trash: Trash, out: Path) -> None:
    """A site moved aside (if it is still there), with what its build left
    beside it (.NAME.staging/, .NAME.staged.json: generator.write.staging_dir)."""
    trash.put(out)
    for p in sorted(out.parent.glob(f".{out.name}.*")):
        trash.put(p)


def code_version() -> str:
    """The checkout's commit, `+changes` when generator/ differs from it."""
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run([*git, "status", "--porcelain", "generator"], capture_output=True, text=True).stdout
    return (head or "unknown") + ("+changes" if dirty.strip() else "")


class Run:
    """One fuzzing run in a work folder: the project (proj/), its published
    site (out_inc/), the cold project (coldproj/), the log and the patches."""

    def __init__(self, args: argparse.Namespace, work: Path):
        self.args, self.work = args, work
        self.proj = work / "proj"
        self.cold_proj = self.proj if args.shared_cache else work / "coldproj"
        self.out_inc = work / "out_inc"
        self.log = work / "log.jsonl"
        self.trash = Trash(work / "trash")
        self.editor = Editor(self.proj, self.out_inc, args.seed)
        self.kinds = kinds_of(args)
        self.mismatches = 0

    def emit(self, rec: dict) -> None:
        with self.log.open("a") as f:
            f.write(json.dumps(rec, default=str) + "\n")

    def setup(self) -> None:
        """The corpus made, copied for the cold builds, built once."""
        if self.proj.exists():
            raise SystemExit(f"{self.work} already holds a run (proj/)")
        (self.work / "patches").mkdir(parents=True, exist_ok=True)
        make_corpus(self.args.n, "plain", self.proj, "Fuzz", search=self.args.search,
                    base_url="https://example.org/")
        if not self.args.shared_cache:
            shutil.copytree(self.proj / "content", self.cold_proj / "content")
            shutil.copy2(self.proj / "site.toml", self.cold_proj / "site.toml")
        r = build(self.proj / "site.toml", self.out_inc, False, None, self.work)
        self.emit({"event": "initial", "seed": self.args.seed, "args": vars(self.args), "work": str(self.work),
                   "code": code_version(), "python": OURS_PY, "build": r})
        if r["rc"]:
            raise SystemExit("the first build failed:\n" + r["stderr"])

    def edit(self, step: int) -> list[dict]:
        """This step's edits, their patch written, the cold project brought level."""
        ed = self.editor
        before = ed.snapshot()
        n = 1 if ed.rng.random() >= self.args.multi else ed.rng.randint(2, 3)
        edits = [e for e in (one_edit(ed, self.kinds) for _ in range(n)) if e]
        after = ed.snapshot()
        (self.work / "patches" / f"step-{step:03d}.diff").write_text(patch_text(before, after))
        if not self.args.shared_cache:
            sync(before, after, self.cold_proj / "content")
        return edits

    def step(self, step: int) -> None:
        """Copy the site, edit, build both ways, compare, log, put the cold site aside."""
        out_cold = self.work / f"out_cold_{step:03d}"
        subprocess.run(["cp", "-a", str(self.out_inc), str(out_cold)], check=True)
        edits = self.edit(step)
        jobs_inc = self.editor.rng.choice([None, None, 1, 2])
        jobs_cold = self.editor.rng.choice([None, 1])
        ri = build(self.proj / "site.toml", self.out_inc, False, jobs_inc, self.work)
        rc = build(self.cold_proj / "site.toml", out_cold, True, jobs_cold, self.work)
        diffs, nfiles = compare(self.out_inc, out_cold)
        rec = {"event": "step", "step": step, "edits": edits, "jobs_inc": jobs_inc, "jobs_cold": jobs_cold,
               "inc": ri, "cold": rc, "files": nfiles, "ndiffs": len(diffs), "diffs": diffs[:30],
               "manifest_diff": manifest_diff(self.out_inc, out_cold)}
        found = findings(rec, self.work)
        rec["findings"] = found
        self.emit(rec)
        print(f"step {step}: {[e['kind'] for e in edits]} jobs={jobs_inc}/{jobs_cold} inc {ri['secs']}s "
              f"rc{ri['rc']} cold {rc['secs']}s rc{rc['rc']} files {nfiles} diffs {len(diffs)}"
              + (" <<<<<< MISMATCH" if found else ""), flush=True)
        for line in found:
            print("   ", line, flush=True)
        if found:
            self.mismatches += 1
        if found and self.args.keep_mismatch:
            subprocess.run(["cp", "-a", str(self.out_inc), str(self.work / f"mismatch_inc_{step:03d}")], check=True)
            out_cold.rename(self.work / f"mismatch_cold_{step:03d}")
        put_site(self.trash, out_cold)

    def run(self) -> None:
        self.setup()
        start = time.monotonic()
        for step in range(1, self.args.steps + 1):
            if self.args.time_limit and time.monotonic() - start > self.args.time_limit:
                print(f"time limit reached before step {step}", flush=True)
                break
            self.step(step)

    def clean(self) -> None:
        """The sites, the cold project and the caches deleted (moved aside first);
        log.jsonl, patches/ and proj/ stay."""
        put_site(self.trash, self.out_inc)
        self.trash.put(self.proj / ".cache")
        if not self.args.shared_cache:
            self.trash.put(self.cold_proj)
        shutil.rmtree(self.trash.folder, ignore_errors=True)


def kinds_of(args: argparse.Namespace) -> dict[str, tuple[Edit, float]]:
    """The edit kinds drawn: the base ones, `--extra`'s, narrowed by `--only`."""
    kinds = {**EDITS, **(EXTRA_EDITS if args.extra else {})}
    if args.only:
        only = args.only.split(",")
        unknown = [k for k in only if k not in EDITS and k not in EXTRA_EDITS]
        if unknown:
            raise SystemExit(f"unknown edit kinds {unknown}; known: {', '.join([*EDITS, *EXTRA_EDITS])}")
        kinds = {k: v for k, v in kinds.items() if k in only}
    if not kinds:
        raise SystemExit("no edit kind left to draw (an --extra kind in --only needs --extra)")
    return kinds


# ---------------------------------------------------------------- summary

def read_log(log: Path) -> tuple[dict, list[dict]]:
    """A log's first record and its steps."""
    recs = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    return next(r for r in recs if r["event"] == "initial"), [r for r in recs if r["event"] == "step"]


def summarise(log: Path) -> dict:
    """A log's summary, printed as analyse_logs.py printed it (the steps where
    both builds failed alike, the mismatches, the rebuilds slower than cold)."""
    initial, steps = read_log(log)
    a = initial["args"]
    work = Path(initial.get("work") or log.parent.resolve())
    print(f"{log}: seed {initial['seed']} n {a.get('n', a.get('base'))} shared_cache={a['shared_cache']} "
          f"search={a['search']} extra={a.get('extra')} multi={a.get('multi')} only={a.get('only') or '-'}")
    kinds: collections.Counter[str] = collections.Counter()
    mismatched, failed, slow = [], [], []
    for r in steps:
        kinds.update(e["kind"] for e in r["edits"])
        found = findings(r, work)
        if r["inc"]["rc"] and r["inc"]["rc"] == r["cold"]["rc"]:
            failed.append(r["step"])
            first = r["inc"]["stderr"].strip().splitlines()[:1]
            print(f"  step {r['step']}: both builds failed as expected (rc {r['inc']['rc']}): "
                  f"{first[0][:160] if first else ''}")
        if found:
            mismatched.append({"step": r["step"], "kinds": [e["kind"] for e in r["edits"]], "findings": found})
            print(f"  step {r['step']} {[e['kind'] for e in r['edits']]}: " + "; ".join(found))
        if r["inc"]["secs"] > r["cold"]["secs"]:
            slow.append((r["step"], r["inc"]["secs"], r["cold"]["secs"]))
    print(f"  {len(steps)} steps, {len(mismatched)} with mismatches; incremental slower than cold at steps {slow}")
    print("  edit kinds:", dict(kinds.most_common()))

    def median(side: str) -> float | None:
        return round(statistics.median(r[side]["secs"] for r in steps), 2) if steps else None

    return {"seed": initial["seed"], "articles": a.get("n"), "steps": len(steps), "steps_asked": a.get("steps"),
            "extra": a.get("extra"), "shared_cache": a["shared_cache"], "search": a["search"],
            "multi": a.get("multi"), "only": a.get("only") or None, "code": initial.get("code"),
            "edit_kinds": dict(kinds.most_common()), "mismatches": len(mismatched),
            "mismatched_steps": mismatched[:20], "both_failed_steps": failed,
            "incremental_slower_steps": slow, "files_at_end": steps[-1]["files"] if steps else None,
            "median_incremental_s": median("inc"), "median_cold_s": median("cold")}


def result_key(args: argparse.Namespace) -> str:
    flags = [name for name, on in (("extra", args.extra), ("shared-cache", args.shared_cache),
                                   ("search", args.search), ("only", args.only)) if on]
    return "-".join([f"seed{args.seed}", f"n{args.n}", *flags])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1, help="the seed of the draws (default 1)")
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--n", type=int, default=300, help="articles in the generated corpus")
    ap.add_argument("--work", type=Path, help="work folder, kept (default: a temporary one, removed)")
    ap.add_argument("--shared-cache", action="store_true",
                    help="the cold build runs in the same project (and rewrites the cache the next rebuild reads)")
    ap.add_argument("--search", action="store_true", help="with the Pagefind index (search = false otherwise)")
    ap.add_argument("--extra", action="store_true", help="also draw the adversarial edit kinds")
    ap.add_argument("--multi", type=float, default=0.3, help="share of the steps with 2-3 edits")
    ap.add_argument("--only", default="", help="comma-separated: draw only these kinds")
    ap.add_argument("--time-limit", type=float, default=0, help="seconds: no step starts after (0: none)")
    ap.add_argument("--keep-mismatch", action="store_true", help="keep both sites of each mismatching step")
    ap.add_argument("--summarise", type=Path, nargs="+", metavar="LOG", help="summarise logs of earlier runs, only")
    args = ap.parse_args(argv)
    if args.summarise:
        return 1 if sum([summarise(log)["mismatches"] for log in args.summarise]) else 0
    kinds_of(args)  # (unknown kinds fail before the corpus is made)
    work = (args.work or Path(tempfile.mkdtemp(prefix=f"incremental-fuzz-{args.seed}-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    run = Run(args, work)
    try:
        run.run()
    except BaseException:
        print(f"stopped; work folder kept: {work}", file=sys.stderr)
        raise
    finally:
        run.clean()
    summary = summarise(run.log)
    summary["how"] = ("benchmarks/incremental_fuzz.py: each step's incremental command-line rebuild compared "
                      "with a --no-cache build over a copy of the site published before, every file but the "
                      "bookkeeping byte for byte, exit codes, messages and manifests too")
    merge_result(RESULTS, result_key(args), summary)
    print(f"results: {RESULTS.relative_to(ROOT)} [{result_key(args)}]")
    if args.work or summary["mismatches"]:
        print(f"work folder kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if summary["mismatches"] else 0


if __name__ == "__main__":
    sys.exit(main())
