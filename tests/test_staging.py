"""The fresh staging folder's child (generator/staging.py): a new
interpreter that hard-links the live site's files, reports those it
skipped, and can be stopped; a child that fails leaves the build to make
the folder itself. And how a page is put into the staging folder: a new
file where there is none, never written into one that is there."""

from __future__ import annotations

import os

from generator.build import build
from generator.config import load_config
from generator.staging import LinkedTree
from generator.write import _manifest_files, _Tree, load_manifest, stage_early, staging_dir
from tests.support import seed_project


def _built(tmp_path):
    project = seed_project(tmp_path)
    out = project / "output"
    build(load_config(project / "site.toml", output_dir=out))
    return out, load_manifest(out)


def test_the_child_links_every_file_of_the_live_site(tmp_path):
    out, live = _built(tmp_path)
    files = _manifest_files(live)
    assert len(files) > 50
    linked = stage_early(out, live)
    assert linked is not None
    got = linked.wait()
    assert got == files  # none skipped
    staging = staging_dir(out.resolve())
    for rel in sorted(files)[:20]:
        a, b = os.stat(out / rel), os.stat(staging / rel)
        assert (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev)  # the same file, linked, not copied


def test_a_file_gone_from_the_live_site_is_reported_skipped(tmp_path):
    out, live = _built(tmp_path)
    gone = sorted(f for f in _manifest_files(live) if f.endswith(".html"))[0]
    (out / gone).unlink()
    linked = stage_early(out, live)
    assert linked is not None
    got = linked.wait()
    assert got is not None and gone not in got and got == _manifest_files(live) - {gone}


def test_a_child_stopped_or_failed_gives_no_folder_to_trust(tmp_path):
    out, live = _built(tmp_path)
    linked = stage_early(out, live)
    assert linked is not None
    linked.cancel()
    assert linked.proc.returncode is not None  # stopped and waited for
    linked.cancel()  # (twice is nothing)
    # a child that fails (here: its staging folder is a file) says so, and write.py makes the folder anew
    not_a_folder = tmp_path / "not-a-folder"
    not_a_folder.write_text("")
    failing = LinkedTree.start(out.resolve(), not_a_folder, sorted(_manifest_files(live)))
    assert failing is not None and failing.wait() is None


def test_a_page_written_into_the_staging_folder_never_changes_the_live_file(tmp_path):
    """A staged page that is a hard link to the live site's file is replaced
    by a new file (the live one keeps its bytes: it is the site readers get
    until the switch); where there is no file, the page is created in place,
    with no temporary file left."""
    live, staging = tmp_path / "live", tmp_path / "staging"
    (live / "events" / "a").mkdir(parents=True)
    (live / "events" / "a" / "index.html").write_bytes(b"published")
    (staging / "events" / "a").mkdir(parents=True)
    os.link(live / "events" / "a" / "index.html", staging / "events" / "a" / "index.html")
    tree = _Tree(staging)
    tree.write("events/a/index.html", b"rebuilt")
    tree.write("events/b/index.html", b"new page")
    assert (live / "events" / "a" / "index.html").read_bytes() == b"published"
    assert (staging / "events" / "a" / "index.html").read_bytes() == b"rebuilt"
    assert not os.path.samefile(live / "events" / "a" / "index.html", staging / "events" / "a" / "index.html")
    assert (staging / "events" / "b" / "index.html").read_bytes() == b"new page"
    assert sorted(p.name for p in staging.rglob("*") if p.is_file()) == ["index.html", "index.html"]
    assert oct((staging / "events" / "b" / "index.html").stat().st_mode & 0o777) == oct(0o644 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
