"""The preview keeps the manifests it wrote (generator.manifest_memo) and
takes one from memory only while its file is the very one written: a
manifest replaced or changed in place by anyone else is read from disk."""

from __future__ import annotations

import json
import os

from generator.manifest_memo import Manifests
from generator.write import MANIFEST, _sorted, atomic_write, load_manifest


def _write(folder, data: dict) -> None:
    atomic_write(folder / MANIFEST, json.dumps(data, sort_keys=True, separators=(",", ":")).encode())


def test_a_manifest_is_taken_from_memory_only_while_its_file_is_the_one_written(tmp_path):
    record = {"pages": {"b.html": "2", "a.html": "1"}, "files": ["a.html", "b.html"], "format": 3}
    _write(tmp_path, record)
    memo = Manifests()
    memo.wrote(tmp_path / MANIFEST, _sorted(record))
    got = memo.load(tmp_path)
    assert got == load_manifest(tmp_path) and got is memo.load(tmp_path)
    assert list(got) == list(load_manifest(tmp_path)) and list(got["pages"]) == ["a.html", "b.html"]

    # replaced by another writer: read from disk
    _write(tmp_path, {**record, "format": 4})
    assert memo.load(tmp_path)["format"] == 4

    # changed in place, same size: read from disk
    memo.wrote(tmp_path / MANIFEST, _sorted({**record, "format": 4}))
    path = tmp_path / MANIFEST
    text = path.read_text().replace('"format":4', '"format":5')
    stat = os.stat(path)
    with open(path, "r+") as f:
        f.write(text)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    assert memo.load(tmp_path)["format"] == 5

    # gone: nothing
    path.unlink()
    assert memo.load(tmp_path) == {}


def test_the_previews_rebuilds_take_both_manifests_from_memory(tmp_path):
    """After two preview builds of the seeds, the live site's manifest and
    the staging folder's (the site before, kept from the swap) are the ones
    the preview wrote: its next build parses neither, and each is what the
    file holds."""
    from generator.serve import PreviewState, rebuild
    from generator.write import staging_dir
    from tests.support import seed_project

    project = seed_project(tmp_path)
    state = PreviewState(project / "site.toml", None, project / ".preview")
    assert rebuild(state)
    article = sorted((project / "content").rglob("*.md"))[0]
    # a dated sentence: a new event, so the full rebuild (not an own page's, which keeps no manifest)
    article.write_text(article.read_text(encoding="utf-8") + "\n\nOn 3 March 2001 the council met in Oslo.\n",
                       encoding="utf-8")
    assert rebuild(state)
    output = (project / ".preview").resolve()
    known = list(state.kept.manifests.known.values())
    for folder in (output, staging_dir(output)):
        got = state.kept.manifests.load(folder)
        assert any(got is k for k in known) and got == load_manifest(folder) and got.get("pages")
