"""Shared fixtures: a built seed site and a browser (helpers are in tests/support)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import CHROMIUM, CHROMIUM_ARGS, ROOT, build_site, shared_dir

TEMPEVAL = shared_dir() / "data" / "tempeval3" / "tbaq"


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory):
    """The bundled seed content built once into a temp folder."""
    out = tmp_path_factory.mktemp("seed-site")
    result = build_site(ROOT / "site.toml", output=out, use_cache=False)
    return result, out


@pytest.fixture(scope="session")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run `make browser-test`, which installs it")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
