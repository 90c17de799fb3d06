"""The manifest's JSON is made ahead, while Pagefind runs (write.ManifestText):
its bytes must be the whole record's compact JSON with sorted keys (as
orjson writes it, with OPT_SORT_KEYS: json.dumps's, but for characters
beyond ASCII, written as UTF-8), whatever was set or changed after the big
fields were made."""

import json

import orjson
import pytest

from generator import search, write
from generator.write import MANIFEST, ManifestText
from tests.support import build_site, seed_project


def _dumped(record: dict) -> bytes:
    """The record's JSON, made whole, a field handed over as its JSON already (write.JSONText) as what it
    stands for."""
    plain = {k: json.loads(v.encoded) if isinstance(v, write.JSONText) else v for k, v in record.items()}
    return orjson.dumps(plain, option=orjson.OPT_SORT_KEYS)


def test_made_ahead_it_is_the_manifest_made_whole(seed_site):
    _, out = seed_site
    record = json.loads((out / MANIFEST).read_text())
    assert {"files", "ids", "pages"} <= record.keys() and record["pages"] and record["ids"]
    record["pages"]["événements/à-paris/index.html"] = "0" * 40  # a path beyond ASCII, written alike
    late = {k: record.pop(k) for k in ("search", "summary") if k in record}
    text = ManifestText(record)
    text.ahead()
    record.update(late, summaries_read=True)  # the fields set once the index is made
    assert text.bytes() == _dumped(record)


def test_a_field_changed_after_it_was_made_ahead_is_made_again(seed_site):
    _, out = seed_site
    record = json.loads((out / MANIFEST).read_text())
    text = ManifestText(record)
    text.ahead()
    record["pages"]["articles/added/index.html"] = "1" * 40  # grown in place
    record["files"] = [*record["files"], "articles/added/index.html"]  # replaced
    assert text.bytes() == _dumped(record)
    assert b"articles/added/index.html" in text.bytes()


def test_a_live_manifest_is_its_records_json(seed_site):
    _, out = seed_site
    written = (out / MANIFEST).read_bytes()
    assert written == _dumped(json.loads(written))


@pytest.mark.skipif(not search.available(), reason="Pagefind is not installed")
def test_a_build_writes_its_records_json_as_it_is_at_the_end(tmp_path, monkeypatch):
    """In a build, the big fields are made while Pagefind runs and the rest
    after: the bytes written are the JSON of the record as it is then."""
    made: list[tuple[bool, bytes, bytes]] = []
    seen: list[dict] = []
    ahead, to_bytes = ManifestText.ahead, ManifestText.bytes

    def noted_ahead(self):
        self.noted = True
        ahead(self)

    def checked(self):
        out = to_bytes(self)
        made.append((getattr(self, "noted", False), out, _dumped(self.record)))
        seen.append(self.record)
        return out

    monkeypatch.setattr(ManifestText, "ahead", noted_ahead)
    monkeypatch.setattr(ManifestText, "bytes", checked)
    project = seed_project(tmp_path / "p")
    build_site(project / "site.toml", output=project / "site", search_index=True)
    assert made and all(early for early, _, _ in made)  # made ahead: Pagefind ran
    assert all(out == expected for _, out, expected in made)
    assert made[-1][1] == (project / "site" / write.MANIFEST).read_bytes()
    # the command line's history of ids came as its JSON, made before the planning (pipeline.py)
    assert any(isinstance(record.get("ids"), write.JSONText) for record in seen)


def test_a_site_written_in_place_has_the_manifest_of_a_staged_one(tmp_path, monkeypatch):
    """An output that cannot be swapped (a mount point, which a test cannot
    make: write.can_stage says no) is written file by file, its pending
    manifest and its last one made from the same record, the history of ids
    handed over as its JSON: the same manifest as a staged build's."""
    project = seed_project(tmp_path / "p")
    build_site(project / "site.toml", output=project / "staged")
    monkeypatch.setattr(write, "can_stage", lambda output: False)
    build_site(project / "site.toml", output=project / "in-place")
    staged = json.loads((project / "staged" / MANIFEST).read_bytes())
    in_place = (project / "in-place" / MANIFEST).read_bytes()
    assert in_place == _dumped(json.loads(in_place))
    assert json.loads(in_place)["ids"] == staged["ids"] and staged["ids"]
    assert json.loads(in_place)["files"] == staged["files"]


def test_a_field_orjson_refuses_is_written_as_json_escaped():
    """A value with a lone surrogate (a name the file system could not
    decode) is written by json.dumps, escaped to ASCII: the manifest stays
    JSON that reads back as it was."""
    record = {"format": write.FORMAT, "files": ["caf\udce9/index.html"], "pages": {"a/index.html": "0" * 40}}
    text = ManifestText(record)
    text.ahead()
    assert json.loads(text.bytes().decode("ascii")) == record
