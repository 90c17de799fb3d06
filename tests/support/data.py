"""Where the workplace's shared data lives (seed articles, TempEval-3,
Timeline17, the corpus generator): `shared/` beside the repository.

A clone made elsewhere (`git clone . /tmp/x`, as a clean-clone check does)
finds it beside the repository it was cloned from; TIMELINE_SHARED_DIR
overrides both. A missing folder is an error that says what to set, never a
silent skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _origin_checkout() -> Path | None:
    """The working copy this repository was cloned from, if it is a local path."""
    try:
        url = subprocess.run(["git", "config", "--get", "remote.origin.url"], cwd=ROOT,
                             capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    if not url or "://" in url or url.startswith("git@"):
        return None
    path = Path(url.removeprefix("file:")).expanduser()
    path = path if path.is_absolute() else (ROOT / path)
    return path.resolve() if path.is_dir() else None


def shared_dir() -> Path:
    candidates = []
    if os.environ.get("TIMELINE_SHARED_DIR"):
        candidates.append(Path(os.environ["TIMELINE_SHARED_DIR"]))
    candidates.append(ROOT.parent / "shared")
    origin = _origin_checkout()
    if origin is not None:
        candidates.append(origin.parent / "shared")
    for c in candidates:
        if (c / "seeds").is_dir():
            return c
    raise FileNotFoundError(f"no shared data folder (looked in {', '.join(map(str, candidates))}); "
                            "set TIMELINE_SHARED_DIR to the folder holding seeds/, data/ and tools/")


def make_corpus(n: int, fmt: str, out: Path, title: str, search: bool = True,
                base_url: str = "/") -> None:
    """N generated news articles in `out` (shared/tools/make_corpus.py), with a
    site.toml for us when the format is ours ("plain"); `search=False` leaves
    Pagefind out (tests that compare pages, not the index)."""
    subprocess.run([sys.executable, str(shared_dir() / "tools" / "make_corpus.py"), "--n", str(n),
                    "--format", fmt, "--out", str(out)], check=True, capture_output=True)
    if fmt == "plain":
        (out / "site.toml").write_text(f'title = "{title}"\nbase_url = "{base_url}"\n'
                                       + ("" if search else "search = false\n"))
