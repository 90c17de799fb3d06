"""ROUGE as the timeline-summarisation literature computes it.

Two layers, each following its reference implementation:

* ROUGE-1.5.5 (the Perl script), run as tilse's pyrouge runs it: `-n 2 -m -s
  -f A -t 2` (n-grams up to 2, stemming, stopwords removed, model average,
  raw counts). A text is a list of sentences; each is lowercased (ASCII only),
  the sentences are joined by spaces (so bigrams run across sentence ends, as
  in the script), `-` is split off and every character other than `A-Za-z0-9-`
  becomes a space. Tokens in the SMART stopword list are dropped, then tokens
  not starting with a letter or digit (the lone `-`); a token longer than 3
  characters is replaced by its WordNet 2.0 exception base form if it has one,
  else by ROUGE's Porter stemmer (Martin Porter's Perl "Release 1" with
  ROUGE's own step-4 change for "-ement"). Bigrams are formed after stopword
  removal. A hit is the clipped count of a shared n-gram.
* tilse's `align, date-content costs, many-to-one` (news-tls's AR1-F/AR2-F):
  each predicted day is aligned to the reference day of lowest cost and each
  reference day to the predicted day of lowest cost (the first one on ties),
  cost = (1 - 1/(days apart + 1)) x (1 - a rough ROUGE-1 F1 on raw
  whitespace tokens); the aligned pairs' hits are discounted by 1/(days apart
  + 1). P = sum of discounted hits / predicted n-grams, R = sum of discounted
  hits / reference n-grams over all days of one timeline. Averages over
  timelines are the F1 of mean P and mean R (news-tls).

Also quirks of the pipeline that reach the scores: pyrouge writes `^` as
`&circ;`, and the script reads each sentence only up to its first `<`.
The word lists are ROUGE-1.5.5's own (../shared/data/rouge-1.5.5).
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

Timeline = Mapping[date, Sequence[str]]  # day -> sentences (tokens separated by spaces)

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


# -- ROUGE-1.5.5's Porter stemmer -------------------------------------------------------------
# A line-by-line reading of `sub stem` in ROUGE-1.5.5.pl (Martin Porter's Perl
# release 1, as changed by ROUGE's author in step 4). Perl's $` (the text before
# the match) is text[:m.start()]. The regular expressions are Perl's, unchanged.

_c = "[^aeiou]"  # consonant
_v = "[aeiouy]"  # vowel
_C = f"{_c}[^aeiouy]*"  # consonant sequence
_V = f"{_v}[aeiou]*"  # vowel sequence
_MGR0 = re.compile(f"^({_C})?{_V}{_C}")  # [C]VC... is m>0
_MEQ1 = re.compile(f"^({_C})?{_V}{_C}({_V})?$")  # [C]VC[V] is m=1
_MGR1 = re.compile(f"^({_C})?{_V}{_C}{_V}{_C}")  # [C]VCVC... is m>1
_HAS_V = re.compile(f"^({_C})?{_v}")  # vowel in stem
_CVC = re.compile(f"^{_C}{_v}[^aeiouwxy]$")

_STEP2 = {"ational": "ate", "tional": "tion", "enci": "ence", "anci": "ance", "izer": "ize", "bli": "ble",
          "alli": "al", "entli": "ent", "eli": "e", "ousli": "ous", "ization": "ize", "ation": "ate",
          "ator": "ate", "alism": "al", "iveness": "ive", "fulness": "ful", "ousness": "ous", "aliti": "al",
          "iviti": "ive", "biliti": "ble", "logi": "log"}
_STEP3 = {"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "", "ness": ""}
_STEP2_RE = re.compile("(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator|alism"
                       "|iveness|fulness|ousness|aliti|iviti|biliti|logi)$")
_STEP3_RE = re.compile("(icate|ative|alize|iciti|ical|ful|ness)$")
_STEP4_RE = re.compile("(al|ance|ence|er|ic|able|ible|ant|ement|ou|ism|ate|iti|ous|ive|ize)$")


def porter_stem(w: str) -> str:
    """ROUGE-1.5.5's Porter stemmer (a lowercase word in, its stem out)."""
    if len(w) < 3:
        return w
    first = w[0]
    if first == "y":
        w = "Y" + w[1:]
    # Step 1a
    if m := re.search("(ss|i)es$", w):
        w = w[: m.start()] + m.group(1)
    elif m := re.search("([^s])s$", w):
        w = w[: m.start()] + m.group(1)
    # Step 1b
    if m := re.search("eed$", w):
        if _MGR0.search(w[: m.start()]):
            w = w[:-1]
    elif m := re.search("(ed|ing)$", w):
        stem = w[: m.start()]
        if _HAS_V.search(stem):
            w = stem
            if re.search("(at|bl|iz)$", w):
                w += "e"
            elif re.search(r"([^aeiouylsz])\1$", w):
                w = w[:-1]
            elif _CVC.search(w):
                w += "e"
    # Step 1c
    if (m := re.search("y$", w)) and _HAS_V.search(w[: m.start()]):
        w = w[: m.start()] + "i"
    # Step 2
    if (m := _STEP2_RE.search(w)) and _MGR0.search(w[: m.start()]):
        w = w[: m.start()] + _STEP2[m.group(1)]
    # Step 3
    if (m := _STEP3_RE.search(w)) and _MGR0.search(w[: m.start()]):
        w = w[: m.start()] + _STEP3[m.group(1)]
    # Step 4, as ROUGE changed it: "-ement" words do not go on to "-ment" and
    # "-ent" in the same test, but the three tests run one after the other.
    if (m := _STEP4_RE.search(w)) and _MGR1.search(w[: m.start()]):
        w = w[: m.start()]
    if (m := re.search("ment$", w)) and _MGR1.search(w[: m.start()]):
        w = w[: m.start()]
    if m := re.search("ent$", w):
        if _MGR1.search(w[: m.start()]):
            w = w[: m.start()]
    elif (m := re.search("(s|t)(ion)$", w)) and _MGR1.search(w[: m.start()] + m.group(1)):
        w = w[: m.start()] + m.group(1)
    # Step 5
    if m := re.search("e$", w):
        stem = w[: m.start()]
        if _MGR1.search(stem) or (_MEQ1.search(stem) and not _CVC.search(stem)):
            w = stem
    if re.search("ll$", w) and _MGR1.search(w):
        w = w[:-1]
    if first == "y":
        w = w[0].lower() + w[1:]
    return w


# -- ROUGE-1.5.5's n-gram counts ---------------------------------------------------------------

@dataclass(frozen=True)
class RougeWords:
    """ROUGE-1.5.5's word lists: the SMART stopwords and WordNet 2.0's
    irregular forms (form -> base)."""

    stopwords: frozenset[str]
    exceptions: dict[str, str]

    @classmethod
    def load(cls, folder: Path) -> RougeWords:
        stop = (folder / "smart_common_words.txt").read_text(encoding="utf-8").splitlines()
        exc = {}
        for line in (folder / "WordNet-2.0.exc.tsv").read_text(encoding="utf-8").splitlines():
            form, _, base = line.partition("\t")
            exc[form] = base
        return cls(frozenset(stop), exc)

    def stem(self, token: str) -> str:
        """MorphStem: the exception table first, then Porter."""
        return self.exceptions.get(token) or porter_stem(token)

    def tokens(self, sentences: Iterable[str]) -> list[str]:
        """The tokens ROUGE-1.5.5 counts in a summary (one string per sentence)."""
        kept = []
        for s in sentences:
            # pyrouge: tokens joined by one space, "^" written as an entity;
            # ROUGE-1.5.5 (SEE format) reads the sentence up to its first "<".
            s = " ".join(s.split()).replace("^", "&circ;").split("<", 1)[0]
            if s:
                kept.append(s.translate(_ASCII_LOWER))
        text = re.sub(r"[^A-Za-z0-9\-]", " ", " ".join(kept).replace("-", " - "))
        out = []
        for tok in text.split():
            if tok in self.stopwords or not re.match("[a-z0-9$]", tok):
                continue
            out.append(self.stem(tok) if len(tok) > 3 else tok)
        return out

    def ngrams(self, sentences: Iterable[str], n: int) -> Counter[tuple[str, ...]]:
        toks = self.tokens(sentences)
        return Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


@dataclass(frozen=True)
class Counts:
    """ROUGE-1.5.5's raw counts (-t 2): hits, peer n-grams, model n-grams."""

    hit: int
    peer: int
    model: int


def rouge_counts(words: RougeWords, peer: Sequence[str], models: Sequence[Sequence[str]], n: int) -> Counts:
    """ROUGE-N counts of a peer summary against model summaries, scoring mode
    A (model average): hits and model n-grams are summed over the models, and
    the peer's n-grams are counted once per model."""
    p = words.ngrams(peer, n)
    p_total = sum(p.values())
    hit = model = peer_total = 0
    for m_sents in models:
        m = words.ngrams(m_sents, n)
        hit += sum(min(c, p[g]) for g, c in m.items())
        model += sum(m.values())
        peer_total += p_total
    return Counts(hit, peer_total, model)


# -- tilse's alignment-based ROUGE -------------------------------------------------------------

def rouge_approximation(pred: Sequence[str], refs: Sequence[Sequence[str]]) -> float:
    """tilse's rough ROUGE-1 F1 for the alignment cost: raw whitespace tokens,
    case kept, no stemming; a token is dropped when it occurs in
    string.punctuation (a substring test, as tilse writes it: "." and "()"
    go, "``" stays)."""
    pred_counts: Counter[str] = Counter(k for s in pred for k in s.split() if k not in string.punctuation)
    ref_counts = [Counter(k for s in ref for k in s.split() if k not in string.punctuation) for ref in refs]
    match = sum(min(c, rc[tok]) for tok, c in pred_counts.items() for rc in ref_counts)
    prec_denom = len(ref_counts) * sum(pred_counts.values())
    precision = match / prec_denom if prec_denom else 0
    rec_denom = sum(sum(rc.values()) for rc in ref_counts)
    recall = match / rec_denom if rec_denom else 0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0


def _days_apart(a: date, b: date) -> int:
    return abs(a.toordinal() - b.toordinal())


def alignment_costs(pred: Timeline, refs: Sequence[Timeline]) -> list[list[float]]:
    """cost[i][j] between the i-th predicted day and the j-th reference day
    (both sorted): the date factor times the content factor."""
    pred_days = sorted(pred)
    ref_days = sorted({d for tl in refs for d in tl})
    return [[(1 - 1 / (_days_apart(p, r) + 1)) * (1 - rouge_approximation(pred[p], [tl.get(r, ()) for tl in refs]))
             for r in ref_days] for p in pred_days]


def _argmin(values: Sequence[float]) -> int:
    """The index of the smallest value, the first one on ties (numpy.argmin)."""
    best = 0
    for i, v in enumerate(values):
        if v < values[best]:
            best = i
    return best


def many_to_one(costs: list[list[float]]) -> list[int]:
    """tilse's many-to-one assignment: each row to its cheapest column."""
    return [_argmin(row) for row in costs]


@dataclass(frozen=True)
class PR:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _discounted(words: RougeWords, pred: Timeline, models: Mapping[date, list], pairs: list[tuple[date, date]],
                n: int, denominator: str) -> tuple[float, int]:
    """Over aligned (predicted day, reference day) pairs: the hits, each pair's
    discounted by 1/(days apart + 1), and the peer or model n-gram count."""
    num, den = 0.0, 0
    for p, r in pairs:
        c = rouge_counts(words, pred[p], models[r], n)
        num += (1 / (_days_apart(p, r) + 1)) * c.hit
        den += getattr(c, denominator)
    return num, den


def align_rouge(words: RougeWords, pred: Timeline, refs: Sequence[Timeline],
                ns: Sequence[int] = (1, 2)) -> dict[int, PR]:
    """tilse's evaluate_align_date_content_costs_many_to_one for ROUGE-n, n in
    `ns`: {n: PR}. `refs` are the reference timelines of one task (news-tls
    passes one). Precision aligns every predicted day, recall every reference
    day; with nothing to align to, both are 0."""
    pred_days = sorted(pred)
    ref_days = sorted({d for tl in refs for d in tl})
    if not pred_days or not ref_days:
        return {n: PR(0.0, 0.0) for n in ns}
    models = {r: [tl.get(r, ()) for tl in refs] for r in ref_days}
    costs = alignment_costs(pred, refs)
    by_pred = [(pred_days[i], ref_days[j]) for i, j in enumerate(many_to_one(costs))]
    by_ref = [(pred_days[i], ref_days[j])
              for j, i in enumerate(many_to_one([list(col) for col in zip(*costs, strict=True)]))]
    out = {}
    for n in ns:
        p_num, p_den = _discounted(words, pred, models, by_pred, n, "peer")
        r_num, r_den = _discounted(words, pred, models, by_ref, n, "model")
        out[n] = PR(p_num / p_den if p_den else 0.0, r_num / r_den if r_den else 0.0)
    return out


def mean_pr(scores: Sequence[PR]) -> PR:
    """The average news-tls reports: mean P and mean R (F1 of the means)."""
    if not scores:
        return PR(0.0, 0.0)
    return PR(sum(s.precision for s in scores) / len(scores), sum(s.recall for s in scores) / len(scores))


# -- text in the shape the references have -----------------------------------------------------

_CLITIC = re.compile(r"(?i)(?<=\w)(n't|'s|'re|'ve|'ll|'d|'m)\b")
_TOKEN = re.compile(r"n't|\w+(?:[-./]\w+)*|'\w+|[^\w\s]")


def ptb_like(text: str) -> str:
    """Space-separated tokens roughly as Penn-Treebank tokenizing gives them
    (the references' form): punctuation and clitics split off. Only the
    alignment's rough content cost sees the difference; ROUGE itself
    replaces punctuation by spaces."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = _CLITIC.sub(r" \1", text)
    return " ".join(_TOKEN.findall(text))
