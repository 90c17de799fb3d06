"""One JSON file of the project's cache, written so that a reader sees the
old file or the new one, never half of either (a temporary file beside it,
renamed over it); a cache that cannot be written only costs speed, so a
failure is reported, not raised."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import orjson


def save_json(path: Path, data: object, **dumps) -> bool:
    """Write `data` as json.dumps(data, **dumps) writes it (the C encoder:
    json.dump encodes in Python), in UTF-8; False if it could not be written."""
    return save_bytes(path, json.dumps(data, **dumps).encode("utf-8", "surrogatepass"))


def json_bytes(data: object, default: Callable[[object], object] | None = None) -> bytes:
    """`data` as compact JSON in UTF-8, keys in their order: orjson's (a
    tenth of json.dumps's time on the big records: the merge record of
    10,000 articles 0.05 s against 0.48), or json.dumps's where orjson
    refuses a value (a lone surrogate, from text the file system could not
    decode; an integer beyond 64 bits): the same bytes but for such values
    and for a float's exponent, which has no leading zero in orjson's.
    `default` encodes what neither knows, dataclasses included (the
    per-article entries: analysis/cache.py); what it cannot encode raises
    TypeError or ValueError."""
    try:
        return orjson.dumps(data, default=default,
                            option=orjson.OPT_PASSTHROUGH_DATACLASS if default is not None else None)
    except orjson.JSONEncodeError:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), check_circular=False,
                          default=default).encode("utf-8", "surrogatepass")


def parse_json(raw: bytes):
    """A cache file's JSON: orjson's parser (twice as fast as json's on
    the per-article entries), json's for the UTF-8 that orjson refuses (the
    lone surrogates json.dumps writes with "surrogatepass", where orjson
    could not encode a value). Raises ValueError on anything else."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw.decode("utf-8", "surrogatepass"))


def save_bytes(path: Path, data: bytes) -> bool:
    """Write `data` atomically (a temporary file renamed into place); False if it could not be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True
