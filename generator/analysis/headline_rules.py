"""The word lists and patterns of data/<lang>/headlines.toml, compiled once
per language (resources.py) for headlines.py and its helpers."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .words import alternation


@dataclass(frozen=True)
class HeadlineRules:
    max_words: int
    slack_words: int  # how far past max_words a cut may go when the one within it leaves a fragment
    openers: re.Pattern
    pronouns: frozenset[str]
    person_pronouns: frozenset[str]
    pairs: re.Pattern  # "The parties", "Both sides" at the start of a headline
    pair_kinds: dict[str, str]
    subordinate: re.Pattern  # a subordinator followed by a clause
    cut_before: frozenset[str]
    trailing_clause: re.Pattern
    past_verbs: frozenset[str]
    title_words: frozenset[str]
    first_person: frozenset[str]
    demonstratives: frozenset[str]
    to_prepositions: frozenset[str]  # "back to", "due to": "to" a preposition, not an infinitive's
    conditions: frozenset[str]  # "If ...": a condition, not a happening
    not_after_demonstrative: frozenset[str]  # "that there was": a conjunction, not a demonstrative
    causative: re.Pattern  # "helping him (to) win ..."
    description: re.Pattern  # "The Chinese president" at the start of a headline
    attribution: re.Pattern  # "Health Minister Jose Cordova said": who said it, and nothing else
    said_end: re.Pattern  # "The WHO said it": a cut that kept who spoke and lost what was said
    quote_first: re.Pattern  # "“The plume has declined,” BP said": the quotation, then who said it
    ing_nouns: frozenset[str]  # nouns ending in -ing, not participles
    participle_objects: frozenset[str]  # what a participle's phrase goes on with ("nearing the coast")
    statement_phrase: re.Pattern  # "In a statement released (in Geneva)": what a statement came in, fronted
    speaker_role: re.Pattern  # " spokesman ": the speaker's role, after the organisation it speaks for
    irregular_past: dict[str, str]
    examples: tuple[dict, ...]
    # The openers' first words, lower-cased (each a word of ASCII letters), or
    # None: a text whose leading letters are none of them opens with no
    # opener, and the pattern (a long case-insensitive alternation, tried one
    # alternative after another) is not tried (headline_text.without_opener).
    opener_words: frozenset[str] | None = None


def load_headline_rules(path: Path) -> HeadlineRules:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return HeadlineRules(
        max_words=int(data["max_words"]),
        slack_words=int(data.get("slack_words", 0)),
        openers=re.compile(rf"^(?:{alternation(data['openers'])})\b[,:]?\s*", re.I),
        pronouns=frozenset(data["pronouns"]),
        person_pronouns=frozenset(data["person_pronouns"]),
        pairs=re.compile(rf"^(?:the |both )?({alternation(data['pair_descriptions'])})\b(?![’'])\s*", re.I),
        pair_kinds={k.lower(): v for k, v in data["pair_descriptions"].items()},
        subordinate=re.compile(rf"\b(?:{alternation(data['subordinators'])})\s+(?=\S+\s+\S)", re.I),
        cut_before=frozenset(data["cut_before"]),
        trailing_clause=re.compile(rf",\s+(?:{alternation(data['trailing_clauses'])})\b.*$|\s+(?:which|who)\s.*$",
                                   re.I | re.S),
        past_verbs=frozenset(data["past_verbs"]),
        title_words=frozenset(data["title_words"]),
        first_person=frozenset(data["first_person"]),
        demonstratives=frozenset(data["demonstratives"]),
        not_after_demonstrative=frozenset(data["not_after_demonstrative"]),
        conditions=frozenset(data["conditions"]),
        to_prepositions=frozenset(data["to_prepositions"]),
        causative=re.compile(rf"^(?:{alternation(data['causatives'])})\s+(\S+)\s+(?:to\s+)?([a-z]+)\b\s*(.*)$", re.I),
        irregular_past=dict(data["irregular_past"]),
        # "the WHO said", "the WHO said in its latest update": who said it, and nothing else
        attribution=re.compile(rf"^(?:[\w’'.()-]+\s+){{1,8}}(?:{alternation(data['reporting_verbs'])})"
                               r"(?:\s+(?:in|at|during|after)\s+(?:[\w’'-]+\s*){1,5})?[.!]?$", re.I),
        said_end=re.compile(rf"\b(?:{alternation(data['reporting_verbs'])})(?:\s+(?:it|he|she|they|we|that|there))?$",
                            re.I),
        quote_first=re.compile(rf"^[“\"](?P<quote>[^”\"]{{12,}}?)[,.]?[”\"],?\s+(?P<who>(?:[\w’'.-]+\s+){{0,7}}?)"
                               rf"(?P<verb>{alternation(data['reporting_verbs'])})"
                               rf"(?:\s+(?:{alternation(data['after_speaking'])})\b.*)?$", re.S),
        ing_nouns=frozenset(data["ing_nouns"]),
        participle_objects=frozenset(data["participle_objects"]),
        statement_phrase=re.compile(
            rf"^(?:in|at|during|with|through)\s+(?:(?:a|an|the|its|his|her|their|this|that)\s+)?(?:[\w’'-]+\s+){{0,3}}?"
            rf"(?:{alternation(data['statement_nouns'])})(?:\s+[a-z]+ed)?(?:\s+(?:in|at|on|to|by|with|from|before)\s.*)?$",
            re.I | re.S),
        speaker_role=re.compile(rf"\s(?:{alternation(data['speaker_roles'])})\s", re.I),
        description=re.compile(rf"^(?:The|the)\s+((?:[A-Za-z-]+\s+){{0,2}}(?:{alternation(data['description_heads'])}))\b"),
        examples=tuple(data.get("example", [])),
        opener_words=_first_words(data["openers"]),
    )


def _first_words(phrases: list[str]) -> frozenset[str] | None:
    """The phrases' first words, lower-cased; None unless each is all ASCII letters."""
    firsts = [p.split()[0] if p.split() else "" for p in phrases]
    if not all(w.isascii() and w.isalpha() for w in firsts):
        return None
    return frozenset(w.lower() for w in firsts)
