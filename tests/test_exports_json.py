"""The JSON exports are written in pieces (exports._json_parts: a batch of
events per encoder call, so the preview is not held for seconds) and must
be the very bytes one json.dumps would write, with <, > and & escaped."""

from __future__ import annotations

import json

from generator.site.exports import JSON_BATCH, safe_json
from tests.support import build_site, seed_project


def _one_call(data) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
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
