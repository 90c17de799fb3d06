"""The JSON exports are written in pieces (exports._json_parts: a batch of
events per encoder call, so the preview is not held for seconds) and must
be the very bytes one call of their encoder would write (orjson: compact,
UTF-8, a float's exponent without leading zeros, NaN as null), with <, >
and & escaped; and they are JSON as Python's json module reads it."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import orjson

from generator import pipeline
from generator.build import GENERATOR
from generator.site import plan
from generator.site.export_entries import EntryMemo
from generator.site.exports import JSON_BATCH, export_files, safe_json
from tests.support import analysed, build_site, seed_project


def _one_call(data) -> bytes:
    text = orjson.dumps(data).decode("utf-8") + "\n"
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode("utf-8")


def test_exports_are_what_one_encoder_call_writes(tmp_path):
    project = seed_project(tmp_path)
    build_site(project / "site.toml", output=tmp_path / "site")
    for name in ("events.json", "timeline.json"):
        written = (tmp_path / "site" / name).read_bytes()
        data = json.loads(written)
        assert safe_json(data) == written == _one_call(data)
    events = json.loads((tmp_path / "site" / "events.json").read_bytes())
    # more events than a batch, across several batches, with text to escape
    many = {**events, "events": [dict(e, title=f"{e['title']} <{i}> & co") for i in range(3 * JSON_BATCH + 7)
                                 for e in events["events"][:1]]}
    assert len(many["events"]) > 3 * JSON_BATCH
    assert safe_json(many) == _one_call(many)
    assert safe_json({"events": []}) == _one_call({"events": []})


def test_the_previews_kept_entries_make_the_events_json_made_afresh(tmp_path):
    """The preview keeps events.json's entries (site.export_entries): after
    each change to the events, with text to escape, the file is the one
    made without the memo, and a kept entry's salience, key and background
    are the new ones."""
    config, resources, analyses, _ = analysed(seed_project(tmp_path))
    events, index = pipeline.merged_events(analyses, resources, config)
    site = plan(config, analyses, events, index)
    memo = EntryMemo()

    def check(s) -> None:
        kept = export_files(s, GENERATOR, memo=memo)["events.json"]
        assert kept == export_files(s, GENERATOR)["events.json"]
        assert [repr(e["salience"]) for e in json.loads(kept)["events"]] == [
            repr(v.salience) if math.isfinite(v.salience) else "None" for v in s.events]  # (NaN: null)

    check(site)
    assert len(memo.entries) == len(site.events)
    first, second = site.events[0], site.events[1]
    steps = [
        replace(first, title=first.title + " <b>&</b>"),
        replace(first, salience=-0.0, key=not first.key, background=not first.background),
        replace(first, salience=float("nan")),
        replace(first, salience=1.25e-07),  # (written 1.25e-7, by the memo as by the whole file)
        replace(second, sources=second.sources[:1], tags=[*second.tags, "a&b"]),
    ]
    for changed in steps:
        site.events = [changed if v.url == changed.url else v for v in site.events]
        check(site)
