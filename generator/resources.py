"""The language resources a build reads, loaded from their files once per
build and passed down: the temporal rules, the event vocabulary, the
gazetteer (with the editor's additions from site.toml) and the sentence
splitter's abbreviations.

Nothing is kept in module globals, so a long-running preview that sees an
edited rule or vocabulary file builds with the new one. (Compiled temporal
rules are remembered by the digest of their files' bytes: never stale.)
The fingerprint covers every file, and is part of each per-article cache key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .analysis.furniture import Furniture, load_furniture
from .analysis.headline_rules import HeadlineRules, load_headline_rules
from .analysis.names import Gazetteer, load_gazetteer
from .analysis.sentences import Abbreviations, load_abbreviations
from .analysis.words import Vocab, load_vocab
from .config import EntitySettings, SiteConfig
from .corpus.summary import SummaryRules, load_summary_rules
from .errors import BuildError, Problem
from .freshness import code_fingerprint
from .inputs import extra_gazetteer, fingerprint, language_files
from .temporal import rules as temporal_rules
from .temporal.pattern_memo import PatternMemo


@dataclass(frozen=True)
class Resources:
    language: str
    temporal: temporal_rules.Resources
    vocab: Vocab
    headlines: HeadlineRules
    furniture: Furniture
    summary: SummaryRules  # how an event's summary sentence is chosen (corpus/summary.py)
    gazetteer: Gazetteer
    abbreviations: Abbreviations
    files: tuple[Path, ...]  # every file read (for the preview's watcher and the fingerprint)
    fingerprint: str


def load_resources(config: SiteConfig, cache: Path | None = None, readable: bool = True) -> Resources:
    """The resources of the site's language, with the editor's gazetteer
    additions. The temporal rules' patterns come from the memo bundled
    with the generator, where it holds them (temporal/pattern_memo.py).
    With `cache` (a build's .cache folder), what compiling the others found
    is kept there between builds: read unless not `readable` (--no-cache),
    written either way."""
    memo = PatternMemo(cache / "temporal-patterns.json" if cache is not None else None,
                       code_fingerprint(("temporal",)), readable=readable)
    got = language_resources(config.language, config.entities, extra_gazetteer(config), memo)
    memo.save()
    return got


def language_resources(language: str = "en", ent: EntitySettings | None = None,
                       extra: Path | None = None, memo: PatternMemo | None = None) -> Resources:
    """The bundled resources of a language (for tools that have no site.toml)."""
    ent = ent or EntitySettings()
    files = language_files(language)
    gazetteers = [files["gazetteer"], *([extra] if extra else [])]
    rules = temporal_rules.load(language, memo.compile) if memo is not None else temporal_rules.load(language)
    read = [*temporal_rules.resource_files(language), *files.values(), *gazetteers[1:]]
    digest = fingerprint(language, rules.fingerprint, ent, extra)  # of the rules it compiled
    try:
        gazetteer = load_gazetteer(gazetteers, ent.aliases, ent.types, ent.ignore)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BuildError(Problem(f"gazetteer file is not valid TOML: {exc}", gazetteers[-1], None,
                                 "see generator/data/en/gazetteer.toml for the format")) from exc
    return Resources(
        language=language,
        temporal=rules,
        vocab=load_vocab(files["vocab"]),
        headlines=load_headline_rules(files["headlines"]),
        furniture=load_furniture(files["furniture"]),
        summary=load_summary_rules(files["summary"]),
        gazetteer=gazetteer,
        abbreviations=load_abbreviations(files["abbreviations"]),
        files=tuple(read),
        fingerprint=digest,
    )
