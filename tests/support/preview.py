"""Start `python -m generator serve` on a free port for tests, and stop it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from .data import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def preview_project(tmp: Path) -> Path:
    """A copy of the seed project (content and site.toml; templates are the bundled ones)."""
    shutil.copytree(ROOT / "content", tmp / "content")
    text = (ROOT / "site.toml").read_text().replace('templates_dir = "templates"', 'templates_dir = "my-templates"')
    (tmp / "site.toml").write_text(text)
    return tmp


@contextmanager
def running_preview(project: Path, startup_timeout: float = 60, code_root: Path = ROOT):
    """`python -m generator serve` on the project, run from `code_root` (a
    copy of the generator, for tests that edit its rule files)."""
    port = free_port()
    log = open(project / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--config", str(project / "site.toml"),
                             "--port", str(port)], cwd=code_root, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + startup_timeout
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError((project / "serve.log").read_text()) from None
                time.sleep(0.1)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")
