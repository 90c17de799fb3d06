"""netlify.toml and the GitHub Pages workflow: their build commands, run
exactly as written in a fresh virtual environment with only requirements.txt,
produce the whole site (the Pages one under its sub-path)."""

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.support import ROOT
from tests.test_site import crawl


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A copy of the tracked files and an empty virtual environment."""
    base = tmp_path_factory.mktemp("deploy")
    repo = base / "repo"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for rel in filter(None, files.decode().split("\0")):
        src = ROOT / rel
        if src.is_file():
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, repo / rel)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {**os.environ, "PATH": f"{venv / 'bin'}:{os.environ['PATH']}", "VIRTUAL_ENV": str(venv),
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONPATH", None)
    return repo, env


def _run(command: str, repo: Path, env: dict) -> None:
    r = subprocess.run(["bash", "-ec", command], cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]


def _check_site(out: Path, base: str) -> None:
    data = json.loads((out / "events.json").read_text())
    assert len(data["events"]) >= 20
    for e in data["events"]:
        assert e["url"].startswith(base)
        assert (out / e["url"][len(base):] / "index.html").is_file()
    for rel in ("index.html", "404.html", "feed.xml", "sitemap.xml"):
        assert (out / rel).is_file()
    assert len(list((out / "articles").glob("*/index.html"))) == 5
    assert crawl(out, base=base) == []


def test_netlify_toml_settings():
    cfg = tomllib.loads((ROOT / "netlify.toml").read_text())
    assert cfg["build"]["publish"] == "output"
    assert cfg["build"]["environment"]["PYTHON_VERSION"].startswith("3.1")
    assert "requirements.txt" in cfg["build"]["command"]
    assert "git diff --quiet" in cfg["build"]["ignore"] and "content" in cfg["build"]["ignore"]
    headers = {h["for"]: h["values"] for h in cfg["headers"]}
    assert headers["/*"]["X-Content-Type-Options"] == "nosniff" and "Referrer-Policy" in headers["/*"]
    assert "script-src 'self'" in headers["/*"]["Content-Security-Policy"]
    assert "immutable" in headers["/static/*"]["Cache-Control"]
    assert any(r["to"] == "/404.html" and r["status"] == 404 for r in cfg["redirects"])


def test_site_satisfies_the_content_security_policy(seed_site):
    """No inline script or style, no external resource: what the CSP allows."""
    import re

    _, out = seed_site
    for f in out.rglob("*.html"):
        html = f.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f
        assert "<style" not in html and " style=" not in html, f
        assert not re.search(r"""(?:src|href)=["']https?://""", html.split("</head>")[0]), f


def test_netlify_build_command_in_fresh_venv(fresh):
    """As Netlify runs it: NETLIFY, CONTEXT and the site's URL set; base_url "/" in site.toml."""
    repo, env = fresh
    cfg = tomllib.loads((repo / "netlify.toml").read_text())
    _run(cfg["build"]["command"], repo, {**env, "NETLIFY": "true", "CONTEXT": "production",
                                         "URL": "https://example.netlify.app"})
    out = repo / cfg["build"]["publish"]
    _check_site(out, "/")
    assert "<id>https://example.netlify.app/events/" in (out / "feed.xml").read_text()


def test_pages_workflow_build_step_in_fresh_venv(fresh):
    repo, env = fresh
    workflow = yaml.safe_load((repo / ".github" / "workflows" / "pages.yml").read_text())
    assert workflow["permissions"] == {"contents": "read"}
    build = workflow["jobs"]["build"]
    uses = [s.get("uses", "") for s in build["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in deploy["steps"])
    step = next(s for s in build["steps"] if s.get("name") == "Build the site")
    command = step["run"].replace("${{ steps.pages.outputs.base_url }}", "https://example.github.io/timeline")
    shutil.rmtree(repo / "output", ignore_errors=True)
    _run(command, repo, env)
    _check_site(repo / "output", "/timeline/")
