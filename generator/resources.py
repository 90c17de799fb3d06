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

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .analysis.furniture import Furniture, load_furniture
from .analysis.headlines import HeadlineRules, load_headline_rules
from .analysis.names import Gazetteer, load_gazetteer
from .analysis.sentences import Abbreviations, load_abbreviations
from .analysis.words import Vocab, load_vocab
from .config import EntitySettings, SiteConfig
from .corpus.summary import SummaryRules, load_summary_rules
from .errors import BuildError, Problem
from .temporal import rules as temporal_rules

DATA_ROOT = Path(__file__).parent / "data"


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


def language_files(language: str) -> dict[str, Path]:
    folder = DATA_ROOT / language
    return {"vocab": folder / "events.toml", "headlines": folder / "headlines.toml",
            "furniture": folder / "furniture.toml", "gazetteer": folder / "gazetteer.toml",
            "summary": folder / "summary.toml", "abbreviations": folder / "abbreviations.txt"}


def _extra_gazetteer(config: SiteConfig) -> Path | None:
    if not config.entities.file:
        return None
    extra = config.root / config.entities.file
    if not extra.is_file():
        raise BuildError(Problem(f"[entities] file {config.entities.file!r} not found", config.path, None,
                                 f"create {extra} or remove the key"))
    return extra


def load_resources(config: SiteConfig) -> Resources:
    """The resources of the site's language, with the editor's gazetteer additions."""
    return language_resources(config.language, config.entities, _extra_gazetteer(config))


def resources_fingerprint(config: SiteConfig) -> str:
    """The fingerprint load_resources(config) would give, from the files'
    bytes alone: nothing is parsed or compiled. A build that turns out to be
    up to date needs only this (compiling the temporal rules takes most of a
    second)."""
    rules_digest = temporal_rules.files_digest(temporal_rules.resource_files(config.language))
    return _fingerprint(config.language, rules_digest, config.entities, _extra_gazetteer(config))


def _fingerprint(language: str, rules_digest: str, ent: EntitySettings, extra_gazetteer: Path | None) -> str:
    h = hashlib.sha256(rules_digest.encode())
    for path in language_files(language).values():
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    if extra_gazetteer is not None:
        h.update(str(extra_gazetteer).encode() + b"\0" + extra_gazetteer.read_bytes())
    h.update(repr((sorted(ent.aliases.items()), sorted(ent.types.items()), sorted(ent.ignore))).encode())
    return h.hexdigest()[:16]


def language_resources(language: str = "en", ent: EntitySettings | None = None,
                       extra_gazetteer: Path | None = None) -> Resources:
    """The bundled resources of a language (for tools that have no site.toml)."""
    ent = ent or EntitySettings()
    files = language_files(language)
    gazetteers = [files["gazetteer"], *([extra_gazetteer] if extra_gazetteer else [])]
    rules = temporal_rules.load(language)
    read = [*temporal_rules.resource_files(language), *files.values(), *gazetteers[1:]]
    fingerprint = _fingerprint(language, rules.fingerprint, ent, extra_gazetteer)  # of the rules it compiled
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
        fingerprint=fingerprint,
    )
