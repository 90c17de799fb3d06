"""The preview under attack, load and faults, on loopback with bounded loops:
DNS rebinding (a foreign Host) is refused for pages and the reload socket,
bookkeeping files are never served, odd methods, NUL bytes and very long
URLs get a 4xx without a traceback, 200 concurrent requests are all served,
an edit storm converges to the last save, and the watcher survives a
site.toml that is briefly not UTF-8."""

from __future__ import annotations

import base64
import os
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from tests.support import preview_project, running_preview, wait_for
from tests.test_preview import get


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    project = preview_project(tmp_path_factory.mktemp("preview-faults"))
    with running_preview(project) as (url, proc):
        yield project, url, proc


def raw(url: str, request: bytes) -> bytes:
    host, port = urlsplit(url).hostname, urlsplit(url).port
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(request)
        chunks = []
        while True:
            try:
                data = s.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks)


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/") else 0


def request(url: str, path: str = "/", method: str = "GET", host: str | None = None, extra: str = "") -> bytes:
    netloc = host or urlsplit(url).netloc
    return raw(url, f"{method} {path} HTTP/1.1\r\nHost: {netloc}\r\n{extra}Connection: close\r\n\r\n".encode(
        "utf-8", "surrogateescape"))


def test_dns_rebinding_host_is_refused(preview):
    _, url, _ = preview
    port = urlsplit(url).port
    assert status_of(request(url, host=f"127.0.0.1:{port}")) == 200
    assert status_of(request(url, host=f"localhost:{port}")) == 200
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}", f"127.0.0.1:{port + 1}"):
        response = request(url, "/index.html", host=host)
        assert status_of(response) == 403, host
        assert b"Putin" not in response


def _websocket(url: str, host: str, origin: str) -> int:
    key = base64.b64encode(os.urandom(16)).decode()
    head = (f"GET /livereload HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n")
    hostname, port = urlsplit(url).hostname, urlsplit(url).port
    with socket.create_connection((hostname, port), timeout=5) as s:
        s.sendall(head.encode())
        return status_of(s.recv(1024))


def test_reload_socket_refuses_a_rebound_page_even_when_origin_equals_host(preview):
    _, url, _ = preview
    port = urlsplit(url).port
    assert _websocket(url, f"evil.example:{port}", f"http://evil.example:{port}") == 403
    assert _websocket(url, f"127.0.0.1:{port}", f"http://evil.example:{port}") == 403
    assert _websocket(url, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}") == 101


@pytest.mark.parametrize("path", ["/.generator-manifest.json", "/.generator-build", "/.generator-carry.json",
                                  "/events/.hidden", "/%2egenerator-manifest.json"])
def test_bookkeeping_files_are_never_served(preview, path):
    project, url, _ = preview
    assert (project / ".preview" / ".generator-manifest.json").exists()
    response = request(url, path)
    assert status_of(response) == 404 and b'"files"' not in response


@pytest.mark.parametrize("path", ["/%00", "/index.html%00.txt", "/a%00/b", "/" + "a" * 5000,
                                  "/" + "%2e" * 3000, "/" + "x/" * 2000, "/%ff%fe", "/\\..\\site.toml"])
def test_nul_bytes_and_long_or_odd_urls_get_a_4xx_and_no_traceback(preview, path):
    project, url, proc = preview
    assert 400 <= status_of(request(url, path)) < 500
    assert proc.poll() is None and "Traceback" not in (project / "serve.log").read_text()


def test_very_long_url_beyond_the_header_limit(preview):
    project, url, proc = preview
    response = request(url, "/" + "a" * 200_000)
    assert status_of(response) in (0, 400, 404, 414, 431)  # refused or the connection closed
    assert get(url)[0] == 200 and proc.poll() is None


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND", "TRACE", "FOO"])
def test_odd_methods(preview, method):
    project, url, proc = preview
    assert status_of(request(url, "/index.html", method=method)) in (400, 405)
    assert proc.poll() is None and "Traceback" not in (project / "serve.log").read_text()


def test_head_is_answered_without_a_body(preview):
    _, url, _ = preview
    response = request(url, "/index.html", method="HEAD")
    assert status_of(response) == 200 and response.split(b"\r\n\r\n", 1)[1] == b""


def test_two_hundred_concurrent_requests(preview):
    _, url, proc = preview
    paths = ["", "tags/", "articles/", "years/", "events.json", "timeline.json", "no-such-page/"] * 29
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(lambda p: get(url + p)[0], paths[:200]))
    assert statuses.count(404) == paths[:200].count("no-such-page/")
    assert all(s in (200, 404) for s in statuses) and proc.poll() is None


def _article(project):
    return next((project / "content" / "articles").glob("2018-09-12-*.md"))


def test_edit_storm_converges_to_the_last_save(preview):
    project, url, proc = preview
    path = _article(project)
    original = path.read_text()
    try:
        for i in range(50):  # 50 saves in about 2 seconds
            path.write_text(original.replace("deepened bilateral ties", f"deepened bilateral ties STORM{i:02d}X"))
            time.sleep(0.04)
        wait_for(lambda: "STORM49X" in get(url + "articles/")[1] or "STORM49X" in get(url)[1], timeout=90)
        _, page = get(url)
        assert "STORM49X" in page and "STORM48X" not in page and proc.poll() is None
    finally:
        path.write_text(original)
        wait_for(lambda: "STORM" not in get(url)[1], timeout=90)


def test_watcher_survives_a_site_toml_that_is_briefly_not_utf8(preview):
    project, url, proc = preview
    config = project / "site.toml"
    good = config.read_bytes()
    try:
        config.write_bytes(good.replace(b"title", b"\xff\xfetitle", 1))
        # (a save is a truncation then a write: a loaded machine's watcher may first read the file
        # half-written, and show that build's error for a moment)
        wait_for(lambda: "not UTF-8" in get(url)[1], timeout=60)
        page = get(url)[1]
        assert "build-error-overlay" in page and "Vladivostok" in page  # last good site, with the overlay
    finally:
        config.write_bytes(good)
    wait_for(lambda: "build-error-overlay" not in get(url)[1], timeout=60)
    path = _article(project)
    original = path.read_text()
    try:
        path.write_text(original.replace("deepened bilateral ties", "deepened bilateral ties AFTERFAULT"))
        wait_for(lambda: "AFTERFAULT" in get(url)[1], timeout=60)
    finally:
        path.write_text(original)
        wait_for(lambda: "AFTERFAULT" not in get(url)[1], timeout=60)
    assert proc.poll() is None
