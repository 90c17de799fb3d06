"""`javascript:` (and data:, vbscript:, disguised variants) in every
front-matter field that becomes a link, in chromium: the published pages
hold no such link and clicking every link opens no dialog. (Overrides have
no field that becomes a link: their title, summary and tags are text, and
tags link to the site's own tag pages.)"""

from __future__ import annotations

import pytest

from tests.support import build_site, make_project

pytestmark = pytest.mark.browser

URLS = ["javascript:alert(document.domain)", " JaVaScRiPt:alert(1)", "java\tscript:alert(2)",
        "&#106;avascript:alert(3)", "data:text/html,<script>alert(4)</script>", "vbscript:msgbox(5)",
        "javascript://example.org/%0Aalert(6)"]


def _article(i: int, url: str) -> str:
    quoted = url.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    return (f'---\ntitle: "Story {i}"\ndate: 2018-09-1{i % 9}\nurl: "{quoted}"\n'
            f'tags: ["javascript:alert({i})"]\nsource: "javascript:alert(7)"\n---\n'
            f"Putin met Xi in Vladivostok on Tuesday. [a link](javascript:alert({i}))\n")


def test_javascript_in_front_matter_links_runs_nothing_in_chromium(browser, tmp_path):
    project = make_project(tmp_path, {f"story-{i}.md": _article(i, u) for i, u in enumerate(URLS)})
    out = tmp_path / "out"
    result = build_site(project / "site.toml", output=out, use_cache=False, search_index=False)
    assert sum("is not an http, https or mailto link" in w.message for w in result.report.warnings) == len(URLS)
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pages = [out / "articles" / f"story-{i}" / "index.html" for i in range(len(URLS))]
    for f in [out / "index.html", *pages, *sorted((out / "tags").glob("*/index.html"))]:
        page.goto(f.as_uri())
        hrefs = [a.get_attribute("href") or "" for a in page.locator("a").all()]
        assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:", "vbscript:"))]
        for i in range(len(hrefs)):
            link = page.locator("a").nth(i)
            if (link.get_attribute("href") or "").startswith(("http", "/", "#", ".")) is False:
                link.click(no_wait_after=True, timeout=2000)
                page.wait_for_timeout(50)
                page.goto(f.as_uri())
    assert dialogs == []
    page.close()
