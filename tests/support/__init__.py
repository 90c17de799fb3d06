"""What tests and benchmarks share: where the workplace's data is, throw-away
projects and builds, the live preview in a subprocess, benchmark results."""

from .data import ROOT, make_corpus, shared_dir
from .preview import free_port, preview_project, running_preview, wait_for
from .projects import (
                       analysed,
                       build_site,
                       make_project,
                       redate,
                       redated,
                       reworded,
                       seed_articles,
                       seed_project,
                       site_files,
)
from .results import merge_result, report_result

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]

__all__ = ["ROOT", "CHROMIUM", "CHROMIUM_ARGS", "analysed", "build_site", "free_port", "make_corpus", "make_project",
           "merge_result", "preview_project", "redate", "redated", "report_result", "reworded", "running_preview",
           "seed_articles", "seed_project", "shared_dir", "site_files", "wait_for"]
