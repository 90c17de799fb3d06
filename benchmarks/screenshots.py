"""Screenshots of a built site at desktop and phone widths, in chromium.

    python benchmarks/screenshots.py SITE_FOLDER [--out docs/screenshots] [--prefix bpoil]

Takes the front page, the page of the busiest period of the front page's
chart, and that period's first key event reached by a deep link (its `#id`
fragment, so the card is highlighted below the sticky bar), each at 1280 px
and 390 px wide. The PNGs show the viewport a reader lands on, not the whole
page.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.support import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.support.browser import serving  # noqa: E402
from tests.support.preview import free_port  # noqa: E402

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("site", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--prefix", default="site")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with serving(args.site, free_port()) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(base)
        month = page.evaluate("""() => {  // the busiest period of the chart
            let best = null, most = -1;
            for (const a of document.querySelectorAll('svg a.bar-link')) {
                const n = parseInt((a.querySelector('title')?.textContent || '').split(': ')[1] || '0', 10);
                if (n > most) { most = n; best = a.getAttribute('href'); }
            }
            return best; }""")
        page.goto(base.rstrip("/") + month if month.startswith("/") else base + month)
        card = page.evaluate("""() => {  // its first key event, else its first event
            const cards = [...document.querySelectorAll('li.event[id]')];
            return (cards.find(li => li.textContent.includes('key event')) || cards[0]).id; }""")
        deep = page.url.split("#")[0] + "#" + card
        shots = {"front": base, "month": base.rstrip("/") + month if month.startswith("/") else base + month,
                 "deep-link": deep}
        for size, (w, h) in SIZES.items():
            view = browser.new_page(viewport={"width": w, "height": h}, device_scale_factor=1)
            for name, url in shots.items():
                view.goto(url)
                view.wait_for_load_state("load")
                target = args.out / f"{args.prefix}-{name}-{size}.png"
                view.screenshot(path=str(target))
                print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}  {url}")
            view.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
