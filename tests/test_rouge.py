"""benchmarks/rouge.py: ROUGE-1.5.5 as tilse runs it, and tilse's alignment ROUGE.

Every expected figure below was worked out by hand from the definitions, and
was also what the reference implementations give (ROUGE-1.5.5.pl run as
pyrouge runs it, tilse's TimelineRougeEvaluator): each case is one a plausible
slip would fail (textbook Porter, Porter after the exception table, bigrams
before stopword removal, no date discount, one-to-one alignment, ties to the
last day).
"""

from __future__ import annotations

from datetime import date

import pytest

from benchmarks.rouge import (
    PR,
    RougeWords,
    align_rouge,
    alignment_costs,
    many_to_one,
    mean_pr,
    porter_stem,
    ptb_like,
    rouge_approximation,
    rouge_counts,
)
from tests.support import shared_dir
from tests.support.timeline17 import parse_timeline


@pytest.fixture(scope="module")
def words() -> RougeWords:
    return RougeWords.load(shared_dir() / "data" / "rouge-1.5.5")


D = date(2011, 1, 10)
D11, D12, D13 = date(2011, 1, 11), date(2011, 1, 12), date(2011, 1, 13)
AIRPORT = "Rebels captured the airport ."  # ROUGE tokens: rebel captur airport
TALKS = "Talks collapsed ."  # talk collaps


# -- stemming -------------------------------------------------------------------------------

@pytest.mark.parametrize("word, stem", [
    ("running", "run"), ("hopping", "hop"), ("caresses", "caress"), ("ponies", "poni"), ("relational", "relat"),
    ("generalizations", "gener"), ("yesterday", "yesterdai"), ("conditional", "condit"), ("agreed", "agre"),
    # ROUGE's own step 4: "-ement", "-ment" and "-ent" are tried one after the other
    # (textbook Porter leaves "agreement" and gives "fundament")
    ("agreement", "agreem"), ("fundamental", "fundam"),
])
def test_porter_stemmer_is_rouges(word, stem):
    assert porter_stem(word) == stem


def test_exception_table_comes_first_and_its_base_is_not_stemmed_again(words):
    assert words.tokens(["children wolves mouse"]) == ["child", "wolf", "mous"]
    # so "mice" (-> mouse) and "mouse" (-> mous) do not match, as in ROUGE-1.5.5
    assert rouge_counts(words, ["mice"], [["mouse"]], 1).hit == 0


def test_only_tokens_longer_than_three_characters_are_stemmed(words):
    # "ran" is in the exception table (-> run) but has 3 characters; "cats" has 4
    assert words.tokens(["ran cats"]) == ["ran", "cat"]


# -- tokens and stopwords -------------------------------------------------------------------

def test_stopwords_are_the_smart_list(words):
    # "he", "said", "the", "in" are SMART stopwords; full month names are not
    # (the list has only "jan", "feb", ...), so "January" stays, stemmed
    assert words.tokens(["He said the flu spread in January"]) == ["flu", "spread", "januari"]
    assert words.tokens(["in Jan and Feb"]) == []


def test_non_alphanumerics_become_spaces_and_only_ascii_is_lowercased(words):
    assert words.tokens(["Well-known U.S. 1990s"]) == ["1990"]  # well, known, u, s are stopwords
    assert words.tokens(["Café naïve"]) == ["caf", "na", "ve"]


def test_pyrouge_quirks_caret_and_angle_bracket(words):
    # pyrouge writes "^" as "&circ;"; ROUGE-1.5.5 reads a sentence only up to its first "<"
    assert words.tokens(["x^2 a<b c", "virus"]) == ["circ", "2", "viru"]


def test_bigrams_are_formed_after_stopword_removal(words):
    c = rouge_counts(words, ["virus spread to the city"], [["virus spread in a city"]], 2)
    assert (c.hit, c.peer, c.model) == (2, 2, 2)  # (viru spread), (spread citi)


def test_bigrams_run_across_sentences(words):
    c = rouge_counts(words, ["The virus .", "Spread fast ."], [["virus spread"]], 2)
    assert c.hit == 1


def test_counts_are_clipped_and_summed_over_models(words):
    c = rouge_counts(words, ["virus virus virus"], [["virus"], ["virus virus", "flu"]], 1)
    # model 1: 1 hit of 1; model 2: 2 hits of 3; the peer's 3 counted per model
    assert (c.hit, c.peer, c.model) == (3, 6, 4)


# -- alignment ------------------------------------------------------------------------------

def test_rough_rouge_for_the_cost_is_tilses():
    # tilse's own examples (tilse/test/evaluation/test_util.py)
    pred = ["A test .", "Another test ."]
    assert rouge_approximation(pred, [[" A nice test ."]]) == 2 * 0.5 * (2 / 3) / (0.5 + 2 / 3)
    assert rouge_approximation(pred, [[" A nice test ."], ["I like the test ."]]) == \
        2 * (3 / 8) * (3 / 7) / (3 / 8 + 3 / 7)
    # case kept, no stemming; "." is dropped but "``" is not (a substring test)
    assert rouge_approximation(["Flu ``"], [["flu ``"]]) == 2 * 0.5 * 0.5 / (0.5 + 0.5)


def test_cost_is_date_factor_times_content_factor():
    costs = alignment_costs({D: [AIRPORT]}, [{D11: [TALKS], D13: [AIRPORT]}])
    assert costs == [[0.5 * 1.0, 0.0]]  # one day apart, nothing shared; three days apart, same words


def test_many_to_one_takes_the_first_cheapest():
    assert many_to_one([[0.5, 0.0, 0.0], [0.0, 0.2, 0.0]]) == [1, 0]


def test_matches_are_discounted_by_days_apart(words):
    # the predicted day, one day off, aligns to 10 Jan for precision (3 hits x 1/2 of 3 n-grams);
    # for recall both reference days align to it: 1.5 of 3 + 0 of 2
    s = align_rouge(words, {D11: [AIRPORT]}, [{D: [AIRPORT], D12: [TALKS]}])
    assert s[1] == PR(0.5, 0.3)
    assert s[2] == PR(0.5, 1 / 3)  # bigrams: 2 x 1/2 of 2; 1 of 2 + 1


def test_content_beats_date_distance(words):
    # 11 Jan is nearer but shares nothing; 13 Jan has the same words: aligned there, discounted by 1/4
    s = align_rouge(words, {D: [AIRPORT]}, [{D11: [TALKS], D13: [AIRPORT]}])
    assert s[1] == PR(0.25, 0.15)


def test_many_to_one_lets_two_predicted_days_share_a_reference_day(words):
    # one-to-one would leave 11 Jan unaligned (P = 0.5); on the recall tie (cost 0 for both
    # days) the first predicted day wins (R = 1, not 0.5)
    s = align_rouge(words, {D: [AIRPORT], D11: [AIRPORT]}, [{D: [AIRPORT]}])
    assert s[1] == PR(0.75, 1.0)


def test_tilses_own_many_to_one_case(words):
    # tilse/test/evaluation/test_rouge.py, two reference timelines
    refs = [{date(2010, 1, 1): ["timeline summarization ."],
             date(2010, 1, 2): ["timeline summarization is awesome .", "coreference resolution is , too ."],
             date(2010, 1, 4): ["alignments are really nice"]},
            {date(2010, 1, 2): ["metrics are complicated ."]}]
    pred = {date(2010, 1, 2): ["timeline summarization ."], date(2010, 1, 3): ["doing some metric checks ."],
            date(2010, 1, 5): ["checks for alignments ."]}
    assert align_rouge(words, pred, refs, ns=(1,))[1] == PR(3 / 12, 3.5 / 11)


def test_no_predicted_days_scores_zero(words):
    s = align_rouge(words, {}, [{D: [AIRPORT]}])
    assert s[1] == PR(0.0, 0.0)


def test_average_is_f1_of_mean_precision_and_recall():
    m = mean_pr([PR(0.2, 0.4), PR(0.4, 0.0)])
    assert (m.precision, m.recall) == pytest.approx((0.3, 0.2))
    assert m.f1 == pytest.approx(2 * 0.3 * 0.2 / 0.5)  # not the mean of the F1s (0.133)


# -- inputs ---------------------------------------------------------------------------------

def test_ptb_like_splits_punctuation_and_clitics():
    assert ptb_like("BP’s well didn't hold, officials said (Monday).") == \
        "BP 's well did n't hold , officials said ( Monday ) ."


def test_timeline_file_is_read_as_tilse_reads_it():
    text = ("2010-05-01\nFirst block . \n" + "-" * 32 + "\n2010-05-02\nA . \nB .\n" + "-" * 32 +
            "\n2010-05-01\nSecond block .\n" + "-" * 32 + "\n2010-05-03\nno closing dashes\n")
    tl = parse_timeline(text)
    assert tl == {date(2010, 5, 1): ["Second block ."], date(2010, 5, 2): ["A .", "B ."]}
