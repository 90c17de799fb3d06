"""One way to record a benchmark figure: merge it under a key into a JSON
file in benchmarks/results/, keeping the figures other runs wrote there."""

from __future__ import annotations

import json
from pathlib import Path


def merge_result(path: Path, key: str, value) -> None:
    data = json.loads(path.read_text()) if path.exists() else {}
    data[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")


def report_result(path: Path, key: str, value) -> None:
    """Record a figure (merge_result) and print it."""
    merge_result(path, key, value)
    print(json.dumps(value, indent=2))
