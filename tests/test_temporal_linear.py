"""The linear-time parts of the tagger give what the simple quadratic ones gave.

No timings here (benchmarks/tagger_scaling.py measures them): each fast
structure is checked against a plain reference on varied inputs.
"""

import random
import re
import shutil
from dataclasses import dataclass, replace
from datetime import date

import pytest

from generator.analysis import sentences
from generator.temporal import anaphora, extract, load, required, rules, tag
from generator.temporal.extract import choose
from generator.temporal.resolve import FUTURE, PAST, PRESENT
from generator.temporal.tense import TenseReader, _ed_form, _participle_follows, after_determiner
from tests.conftest import TEMPEVAL
from tests.support import seed_articles
from tests.support.timeml import read_tml

RES = load("en")


@dataclass(frozen=True)
class _Rule:
    priority: int


def _choose_reference(raw):
    raw = sorted(raw, key=lambda r: (-(r[1] - r[0]), -r[2].priority))
    chosen = []
    for c in raw:
        if not any(c[0] < o[1] and o[0] < c[1] for o in chosen):
            chosen.append(c)
    return sorted(chosen, key=lambda r: r[0])


@pytest.mark.parametrize("seed", range(20))
def test_choose_matches_the_pairwise_reference(seed):
    rng = random.Random(seed)
    n = rng.randint(1, 300)
    raw = []
    for k in range(rng.randint(0, 80)):  # (start, end, rule, match, file order), in the order rules run
        a = rng.randrange(n)
        raw.append((a, min(n, a + rng.randint(1, 25)), _Rule(rng.randint(-2, 1)), k, rng.randint(0, 9)))
    raw.sort(key=lambda r: (r[4], r[0]))
    assert choose(list(reversed(raw)), n) == _choose_reference(raw)


_TOKEN = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?|['’]ll")
_NOT_PAST_AUX = {"be", "being", "is", "are", "am", "can", "could", "may", "might", "must", "should", "get", "gets"}


def _tense_reference(text, sentence, start, end, cues):
    """The walk the tense reader replaced: every token of the sentence, nearest first."""
    s, e = sentence
    found = list(_TOKEN.finditer(text[s:e]))
    tokens = [(m.start() + s, m.group(0).lower()) for m in found]
    capitalised = {m.start() + s for m in found if m.group(0)[0].isupper()}
    outside = sorted(((p, w) for p, w in tokens if p < start), reverse=True) + [(p, w) for p, w in tokens if p >= end]
    words = [w for _, w in tokens]
    index = {p: i for i, (p, _) in enumerate(tokens)}
    before = text[max(s, start - 24) : start].lower().rstrip()
    before = before[:-4].rstrip() if before.endswith(" the") else before
    if any(before == p or before.endswith(" " + p) for p in cues["forward"]):
        if not any(w in cues["forward_blockers"] for w in words):
            return FUTURE
    for pos, w in outside:
        i = index[pos]
        pair = w + " " + words[i + 1] if i + 1 < len(words) else ""
        triple = pair + " " + words[i + 2] if i + 2 < len(words) else ""
        if pair in cues["not_cues"] or triple in cues["not_cues"]:
            continue
        if w in cues["future"] or pair in cues["future"] or triple in cues["future"]:
            if any(a in ("had", "hadn't", "hadn’t") for a in words[max(0, i - 2) : i]):
                return PAST
            return FUTURE
        regular_past = (_ed_form(w, cues["ed_exceptions"]) and pos not in capitalised
                        and not after_determiner(words, i, cues))
        if w in cues["past"] or regular_past:
            aux = words[max(0, i - 3) : i]
            if any(a in cues["future"] for a in aux) or (len(aux) >= 2 and aux[-2:] == ["to", "be"]):
                return FUTURE
            if regular_past and aux and aux[-1] in _NOT_PAST_AUX:
                continue
            return PAST
        if w in cues["perfect_aux"] and _participle_follows(words, i, cues, cues["ed_exceptions"]):
            return PAST
        if w in cues["present"]:
            return PRESENT
    return None


def _texts():
    yield from (a["text"] for a in seed_articles())
    yield ("Until Thursday, they had not called. The vote will be held Friday, and it was signed Monday by "
           "the board, which is expected to meet next to the embassy on Tuesday; talks have already ended.")


def test_tense_reader_matches_the_sentence_walk_at_every_word():
    for text in _texts():
        spans = sentences.split(text)
        reader = TenseReader(text, RES.tense)
        for m in re.finditer(r"\w+", text):
            sentence = sentences.containing(spans, m.start()) or (0, len(text))
            assert reader.at(sentence, m.start(), m.end()) == _tense_reference(
                text, sentence, m.start(), m.end(), RES.tense), (m.group(0), m.start())


def test_sentence_index_is_the_containing_sentence():
    text = seed_articles()[0]["text"]
    spans = sentences.split(text)
    for offset in range(0, len(text), 7):
        here = sentences.containing(spans, offset)
        i = anaphora._sentence_index(spans, offset)
        assert (spans[i] if i is not None else None) == here


def test_one_long_sentence_of_weekdays_is_tagged_whole():
    text = " ".join(["Monday", "Tuesday", "Friday"] * 2000)
    found = tag(text, date(2018, 9, 12))
    assert len(found) == 6000 and all(t.value for t in found)


def test_a_run_of_stops_splits_as_before():
    for text in ["Tea" + "." * 5000 + " Then more.", "He left... She stayed. Then!!! Yes?! No.", "U.S. troops left."]:
        spans = sentences.split(text)
        assert spans and all(text[a:b].strip() == text[a:b] for a, b in spans)
    assert sentences.split("He left... She stayed.") == [(0, 10), (11, 22)]


def _texts_for_the_fast_path() -> list[str]:
    texts = [d.text for d in _tempeval()] + [a["text"] for a in seed_articles()]
    texts += ["The 2018-05-31 deal, signed at 10:35 a.m. (0735 GMT) Friday, runs two to three weeks or so; "
              "$5 million a year, 24 hours a day, the year-earlier nine months, nearly two more years.",
              "In 1998 prices rose 1999 percent; 2000 voters, Flight 1549, '98, the mid-1990s, early 2001."]
    return texts


def _tempeval():
    return [read_tml(p) for p in sorted(TEMPEVAL.rglob("*.tml"))]


def test_the_fast_path_finds_what_every_rule_finds_on_the_whole_text():
    """The fast path (required words found first, each rule searched only in
    windows as wide as it can reach, with its first characters in front and
    its optional groups as branches) against the plain one: every rule's own
    lower-case pattern run over the whole text. Identical on all 256 TempEval
    documents, the seeds and a few dense texts."""
    plain = replace(
        RES,
        rules=tuple(replace(r, required=None, fast_source=_plain(r.regex)) for r in RES.rules),
        vetoes=tuple(replace(v, required=None, fast_source=_plain(v.regex)) for v in RES.vetoes),
        derived={},  # its own search plans, not the fast path's
    )
    texts = _texts_for_the_fast_path()
    assert len(texts) == 263
    for text in texts:
        assert extract.find(text, RES) == extract.find(text, plain)


def _plain(regex: re.Pattern) -> rules.Source:
    """The rule's own lower-case pattern as it is (the whole match its group `_m`), as a rule's source."""
    return f"(?P<_m>{rules._lowered(regex.pattern)})", 0


def test_tight_windows_find_what_wide_windows_find():
    """Each rule is searched only as far around its required word as its
    pattern can reach; searching the full WINDOW on each side finds the same."""
    wide = replace(RES, rules=tuple(replace(r, reach=(10**6, 10**6)) for r in RES.rules),
                   vetoes=tuple(replace(v, reach=(10**6, 10**6)) for v in RES.vetoes), derived={})
    for text in _texts_for_the_fast_path():
        assert extract.find(text, RES) == extract.find(text, wide)


def test_first_characters_of_patterns():
    assert required.first_chars(r"(?<![0-9])(?:1[0-2]|0?[1-9]):[0-5][0-9]") == frozenset("0123456789")
    assert required.first_chars(r"\b(?:the )?(?:last|next) week") == frozenset("tln")
    assert required.first_chars(r"(?=[12][0-9]{3})(?:1[5-9]|20)[0-9]{2}") == frozenset("12")
    assert required.first_chars(r"\d+ days") is None  # any script's digits
    assert required.first_chars(r"(?:a|b)?") is None  # can match nothing
    assert required.first_chars(r"[^a]x") is None


def test_optional_groups_as_branches_keep_the_pattern():
    assert rules._optional_as_branch(r"a(?:b)?c") == r"a(?:(?:b)|)c"
    assert rules._optional_as_branch(r"(?P<q>x|y)? z") == r"(?:(?P<q>x|y)|) z"
    assert rules._optional_as_branch(r"(?<=a)?b(a)??[()?]") == r"(?<=a)?b(a)??[()?]"  # lazy, lookarounds: as they are


def test_windows_match_the_plain_merge():
    rng = random.Random(5)
    for _ in range(3000):
        n = rng.randint(1, 400)
        # (past extract._MANY_STARTS the cuts are found in C: both ways are tried)
        starts = sorted(rng.randrange(n) for _ in range(rng.randint(1, 60)))
        before, after = rng.randint(0, 64), rng.randint(1, 64)
        merged: list[list[int]] = []
        for i in starts:
            a, b = max(0, i - before), min(n, i + after)
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        assert extract.windows(n, starts, before, after) == [tuple(w) for w in merged]


def test_each_group_gets_the_starts_of_its_words():
    """The automaton hands each hit to the groups needing its word: every
    group present gets exactly the sorted starts of its words (as a scan of
    each word finds them), every other group none."""
    plans = extract._plan(RES)
    assert sum(1 for b in plans.bounds if b) > 50
    for text in _texts_for_the_fast_path():
        lowered = extract.lower_ascii(text)
        positions = extract.literal_positions(lowered, RES)
        lists = extract._group_starts(lowered, RES, plans.count)
        for plan in (plans.vetoes, plans.rules):
            present = {id(group): starts for group, starts in plan.present(lists)}
            for k, group in enumerate(plan.groups):
                bounds = plans.bounds[plan.first + k]
                expected = sorted(p for lit in group.literals or () for p in positions.get(lit, ())
                                  if _clear(lowered, lit, p, bounds))
                if group.literals is None:
                    assert present[id(group)] is None
                elif expected:
                    assert present[id(group)] == expected
                else:
                    assert id(group) not in present


def _clear(lowered: str, lit: str, at: int, bounds: int) -> bool:
    """Whether the occurrence of `lit` at `at` stands clear of word characters
    where its group's bounds ask for it (extract._Plans.bounds)."""
    word = "abcdefghijklmnopqrstuvwxyz0123456789_"
    end = at + len(lit)
    if bounds & 1 and lit[0] in word and at > 0 and lowered[at - 1] in word:
        return False
    return not (bounds & 2 and lit[-1] in word and end < len(lowered) and lowered[end] in word)


def _bounded_texts() -> list[str]:
    """Real texts, and random ones of words that hold the rules' words inside
    them ("decision", "today", "Monday's") beside the rules' own examples."""
    from tests.test_fast_paths import _sentences

    texts = _texts_for_the_fast_path() + [" ".join(_sentences()[i : i + 30]) for i in range(0, 1200, 30)]
    examples = [e.text for r in RES.rules for e in r.examples]
    traps = ["decision", "market", "mayor", "today", "Monday's", "holidays", "yearly", "dayton", "Marches",
             "junior", "augment", "octopus", "novel", "septic", "ago.", "hence,", "1999s", "x2009", "2009x",
             "noonday", "afternoons", "a.m.", "30th", "_May", "May_", "9May", "January9", "—", "’", "-", " "]
    rng = random.Random(29)
    for _ in range(300):
        words = [rng.choice(examples) if rng.random() < 0.3 else rng.choice(traps) for _ in range(rng.randint(1, 12))]
        texts.append("".join(w + rng.choice([" ", " ", "", ", ", "-", ". "]) for w in words))
    return texts


def test_bounded_words_stand_clear_in_every_match():
    """bounds.literal_bounds: every match of a rule with bounds (its own
    lower-case pattern over the whole text) holds one of its required words
    clear of word characters where the bounds say; so a window at an
    occurrence inside a longer word finds nothing. On real texts and random
    ones full of such occurrences; and placed_factors finds the factors
    required._factors finds."""
    from re import _parser

    from generator.temporal.bounds import literal_bounds, placed_factors

    items = [*RES.rules, *RES.vetoes]
    for item in items:
        seq = list(_parser.parse(rules._lowered(item.regex.pattern), re.IGNORECASE))
        assert [f for f, _, _ in placed_factors(seq)] == required._factors(seq), item.id
    for item in items:
        left, right = literal_bounds(rules._lowered(item.regex.pattern), item.required)
        assert item.bounds == left | 2 * right, item.id  # (as compiled, or read from the pattern memo)
    checked = [(item, re.compile(*_plain(item.regex)), item.bounds) for item in items if item.required and item.bounds]
    assert len(checked) > 80
    seen = 0
    for text in _bounded_texts():
        lowered = extract.lower_ascii(text)
        for item, plain, bounds in checked:
            for m in plain.finditer(lowered):
                a, b = m.span("_m")
                seen += 1
                assert any(_clear(lowered, lit, at, bounds) for lit in item.required
                           for at in range(a, b - len(lit) + 1) if lowered.startswith(lit, at)), (item.id, m)
    assert seen > 3000


def test_bounded_groups_find_what_every_occurrence_finds():
    """The extractor with the groups' bounds (no window at an occurrence
    inside a longer word) against the same without them (a window at every
    occurrence): the same expressions."""
    plans = extract._plan(RES)
    unbounded = replace(RES, derived={"plan": replace(plans, bounds=(0,) * plans.count)})
    texts = _bounded_texts()
    assert sum(bool(extract.find(t, RES)) for t in texts) > 300
    for text in texts:
        assert extract.find(text, RES) == extract.find(text, unbounded), text


def test_the_modifier_test_never_rejects_what_the_modifier_pattern_takes():
    prefix = extract._modifier_prefix(RES)
    ends = frozenset({"of"} | {w.split()[-1] for w in RES.vocab["modifiers"]})
    rng = random.Random(9)
    words = [*RES.vocab["modifiers"], "the", "of", "get", "xearly", "éarly", "-", "  ", "\n", "mid-", "Late", "EARLY"]
    for _ in range(5000):
        before = " ".join(rng.choice(words) for _ in range(rng.randint(0, 4))) + rng.choice([" ", "-", "", "\t "])
        if prefix.search(before):
            assert extract._may_follow_modifier(before, ends), before


_OLD_BOUNDARY = re.compile(r"(?<![.!?])[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9•«])|\n\s*\n|\n\s*[•*-]\s")


def test_sentence_boundaries_are_the_ones_the_plain_pattern_finds():
    """The boundary pattern opens with the characters a boundary starts with
    (so the search skips to them); it finds what the pattern it replaced found."""
    texts = [d.text for d in _tempeval()] + [a["text"] for a in seed_articles()]
    rng = random.Random(1)
    alphabet = ".!?\n \t\"'”’)]•*-AaZ0«“‘([b"
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(5000)]
    for text in texts:
        assert [m.span() for m in sentences._BOUNDARY.finditer(text)] == [
            m.span() for m in _OLD_BOUNDARY.finditer(text)], repr(text)


def test_edited_rule_and_abbreviation_files_are_read_anew(tmp_path, monkeypatch):
    """`load` and the splitter's bundled list are remembered by their files'
    state, never past an edit."""
    shutil.copytree(rules.RULES_ROOT / "en", tmp_path / "rules" / "en")
    monkeypatch.setattr(rules, "RULES_ROOT", tmp_path / "rules")
    first = rules.load("en")
    assert rules.load("en") is first
    with (tmp_path / "rules" / "en" / "tense.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n# an edit\n")
    edited = rules.load("en")
    assert edited is not first and edited.fingerprint != first.fingerprint

    (tmp_path / "data" / "en").mkdir(parents=True)
    (tmp_path / "data" / "en" / "abbreviations.txt").write_text("gen\n", encoding="utf-8")
    monkeypatch.setattr(sentences, "DATA", tmp_path / "data")
    assert sentences.split("Gen. Lee came. He left.") == [(0, 14), (15, 23)]
    (tmp_path / "data" / "en" / "abbreviations.txt").write_text("col\nst\n", encoding="utf-8")
    assert sentences.split("Gen. Lee came. He left.") == [(0, 4), (5, 14), (15, 23)]
