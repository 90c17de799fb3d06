"""Names guessed from their shape and their preposition (analysis/names.py),
with the bundled English gazetteer."""

from __future__ import annotations

import pytest

from generator.analysis.names import find_names
from generator.resources import language_resources


@pytest.fixture(scope="module")
def gaz():
    return language_resources("en").gazetteer


def _names(sentence, gaz):
    return [(ref.name, ref.kind) for ref, _start in find_names(sentence, gaz)]


def test_an_unknown_single_name_after_in_is_a_place(gaz):
    assert ("Zarechny", "place") in _names("The talks were held in Zarechny on Monday.", gaz)


@pytest.mark.parametrize("sentence, code", [
    ("Officials reported a rise in H1N1 cases on Friday.", "H1N1"),
    ("Leaders gathered for talks in G20 format on Tuesday.", "G20"),
])
def test_a_code_with_digits_is_never_guessed_to_be_a_place(gaz, sentence, code):
    assert (code, "place") not in _names(sentence, gaz)
