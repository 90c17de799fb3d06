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
    # a dated sentence: a new event, so the full rebuild (which keeps the staging folder's manifest too)
    article.write_text(article.read_text(encoding="utf-8") + "\n\nOn 3 March 2001 the council met in Oslo.\n",
                       encoding="utf-8")
    assert rebuild(state)
    output = (project / ".preview").resolve()
    known = list(state.kept.manifests.known.values())
    for folder in (output, staging_dir(output)):
        got = state.kept.manifests.load(folder)
        assert any(got is k for k in known) and got == load_manifest(folder) and got.get("pages")
    # the live history of ids is handed on as written (history.published), a parsed one checked and copied
    from generator.corpus.history import published
    live, parsed = state.kept.manifests.load(output), load_manifest(output)
    assert state.kept.manifests.written(live) and not state.kept.manifests.written(parsed)
    assert published(live, written=True) is live["ids"] and published(parsed) == live["ids"] != {}


def test_the_own_pages_check_takes_the_live_manifest_from_memory(tmp_path):
    """The preview's own-pages check (own_pages.rebuild) compares the live
    manifest's digest with its record's and reads the manifest: from memory
    when the preview wrote that very file, its digest the one the write
    gave; after a correction (an own-pages rebuild, which now keeps the
    manifest it wrote too) and a dated edit, each check finds the live
    manifest in memory, equal to what the file holds; a manifest replaced
    by another writer is not."""
    import hashlib

    from generator.serve import PreviewState, rebuild
    from tests.support import seed_project

    project = seed_project(tmp_path)
    state = PreviewState(project / "site.toml", None, project / ".preview")
    assert rebuild(state)
    output = (project / ".preview").resolve()
    article = sorted((project / "content").rglob("*.md"))[0]
    for edit in ("\n\nCorrection: an earlier version misspelled a name.\n",
                 "\n\nOn 3 March 2001 the council met in Oslo.\n"):
        got = state.kept.manifests.remembered(output)
        assert got is not None
        manifest, digest = got
        assert manifest == load_manifest(output) and digest == hashlib.sha256(
            (output / MANIFEST).read_bytes()).hexdigest() == state.last_stats.manifest
        article.write_text(article.read_text(encoding="utf-8") + edit, encoding="utf-8")
        assert rebuild(state)
        assert state.last_stats is not None and state.last_stats.manifest
    assert state.kept.manifests.remembered(output)[1] == state.last_stats.manifest
    _write(output, {**load_manifest(output), "format": 4})
    assert state.kept.manifests.remembered(output) is None
