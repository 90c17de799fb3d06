"""The preview server over plain HTTP: rebuilds with no browser, path
traversal, the websocket's origin check, drafts, the error overlay."""

import base64
import os
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from tests.support import preview_project, running_preview, wait_for


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def raw_status(url, path, extra_headers=""):
    host, port = urlsplit(url).hostname, urlsplit(url).port
    with socket.create_connection((host, port), timeout=5) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra_headers}Connection: close\r\n\r\n".encode())
        data = s.recv(4096).decode("latin-1")
    return int(data.split()[1])


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    project = preview_project(tmp_path_factory.mktemp("preview"))
    with running_preview(project) as (url, proc):
        yield project, url, proc


def _article(project):
    return next((project / "content" / "articles").glob("2018-09-12-*.md"))


def test_listens_on_loopback_and_serves_the_site(preview):
    project, url, _ = preview
    assert urlsplit(url).hostname == "127.0.0.1"
    status, html = get(url)
    assert status == 200 and "Putin" in html and "/livereload.js?port=" in html
    assert not (project / "output").exists()  # the preview never writes the published folder


def test_rebuilds_without_any_browser(preview):
    project, url, _ = preview
    path = _article(project)
    original = path.read_text()
    try:
        path.write_text(original.replace("deepened bilateral ties", "deepened bilateral ties NOBROWSER"))
        page = project / ".preview" / "index.html"
        wait_for(lambda: "NOBROWSER" in page.read_text())
        assert "NOBROWSER" in get(url)[1]
    finally:
        path.write_text(original)
        wait_for(lambda: "NOBROWSER" not in get(url)[1])


def test_only_fingerprinted_assets_and_the_reload_script_are_kept_by_the_browser(preview):
    """A reload after a save then fetches the page alone; the pages themselves are never kept."""
    project, url, _ = preview
    status, html = get(url)
    css = next(p for p in (project / ".preview" / "static").iterdir() if p.name.startswith("style."))
    assert f"/static/{css.name}" in html
    for path, kept in [(f"static/{css.name}", "immutable"), ("livereload.js?port=1", "max-age=3600"),
                       ("", "no-store"), ("events.json", "no-store")]:
        with urllib.request.urlopen(url + path, timeout=5) as r:
            assert kept in r.headers["Cache-Control"], path


@pytest.mark.parametrize("path", ["/../site.toml", "/%2e%2e/site.toml", "/%2E%2E%2Fsite.toml", "/..%2fsite.toml",
                                  "/events/../../site.toml", "//etc/passwd", "/%2e%2e/%2e%2e/etc/passwd"])
def test_nothing_outside_the_built_site_is_served(preview, path):
    _, url, _ = preview
    status = raw_status(url, path)
    assert status in (400, 403, 404), (path, status)


def test_symlink_pointing_out_is_refused(preview, tmp_path):
    project, url, _ = preview
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    link = project / ".preview" / "leak.txt"
    os.symlink(secret, link)
    try:
        status, body = get(url + "leak.txt")
        assert status == 403 and "top secret" not in body
    finally:
        link.unlink()


def _websocket_handshake(url, origin):
    host, port = urlsplit(url).hostname, urlsplit(url).port
    key = base64.b64encode(os.urandom(16)).decode()
    headers = (f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
               f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n")
    with socket.create_connection((host, port), timeout=5) as s:
        s.sendall(f"GET /livereload HTTP/1.1\r\nHost: {host}:{port}\r\n{headers}\r\n".encode())
        return int(s.recv(1024).decode("latin-1").split()[1])


def test_websocket_refuses_other_origins(preview):
    _, url, _ = preview
    assert _websocket_handshake(url, "http://evil.example") == 403
    assert _websocket_handshake(url, "http://127.0.0.1:1") == 403
    assert _websocket_handshake(url, url.rstrip("/")) == 101


def test_drafts_in_preview_never_in_build(preview, tmp_path):
    project, url, _ = preview
    draft = project / "content" / "articles" / "draft-story.md"
    draft.write_text("---\ntitle: Secret draft story\ndate: 2018-09-12\ndraft: true\n---\n"
                     "Leaders met at the DRAFTSUMMIT in Paris on Tuesday.\n")
    try:
        wait_for(lambda: "Secret draft story" in get(url + "articles/")[1])
        status, html = get(url + "articles/draft-story/")
        assert status == 200 and 'class="draft"' in html
        from tests.support import build_site as build
        out = tmp_path / "published"
        build(project / "site.toml", output=out, use_cache=False)
        assert not (out / "articles" / "draft-story").exists()
        assert "DRAFTSUMMIT" not in (out / "events.json").read_text()
    finally:
        draft.unlink()
        wait_for(lambda: get(url + "articles/draft-story/")[0] == 404)


def test_broken_edit_keeps_last_good_site_and_shows_overlay(preview):
    project, url, proc = preview
    path = _article(project)
    original = path.read_text()
    try:
        path.write_text(original.replace("title:", "title: [unclosed", 1))
        wait_for(lambda: "build-error-overlay" in get(url)[1])
        status, html = get(url + "events/")
        _, index = get(url)
        assert "Vladivostok" in index  # the last good site is still there
        assert path.name in index and "not valid YAML" in index
        assert proc.poll() is None  # the server survived
    finally:
        path.write_text(original)
    wait_for(lambda: "build-error-overlay" not in get(url)[1])


def test_template_error_overlay_names_template(preview):
    project, url, _ = preview
    folder = project / "my-templates"
    folder.mkdir(exist_ok=True)
    broken = folder / "event.html"
    broken.write_text('{% extends "base.html" %}\n{% block main %}{{ event.nope }}{% endblock %}\n')
    try:
        wait_for(lambda: "build-error-overlay" in get(url)[1])
        _, html = get(url)
        assert "my-templates/event.html" in html and ":2" in html
    finally:
        broken.unlink()
    wait_for(lambda: "build-error-overlay" not in get(url)[1])
