"""Static files and theme files under addresses that change with their content (`?v=` a
hash of the file), so browsers and proxies may keep them for a year without asking again;
and their gzip kept in memory, so a popular stylesheet is compressed once per process."""

from __future__ import annotations

import gzip
import hashlib
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request

from samenhang.themes import find_theme

ONE_YEAR = 60 * 60 * 24 * 365


@lru_cache(maxsize=512)
def _digest(path: str, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


#: How long a file's version is used before the file is looked at again (its mtime): a
#: page links a few files, and a stat() per link per request showed in profiles.
RECHECK_SECONDS = 5.0
_versions: dict[str, tuple[float, str | None]] = {}


def file_version(path: Path) -> str | None:
    """A short hash of the file's content (recomputed when the file changes)."""
    key = str(path)
    now = time.monotonic()
    known = _versions.get(key)
    if known is not None and now - known[0] < RECHECK_SECONDS:
        return known[1]
    try:
        version: str | None = _digest(key, path.stat().st_mtime_ns)
    except OSError:
        version = None
    if len(_versions) > 4096:  # the files templates link are few; never grows unbounded
        _versions.clear()
    _versions[key] = (now, version)
    return version


@lru_cache(maxsize=256)
def gzipped(etag: str, data: bytes) -> bytes:
    """A file answer's gzip, by its ETag: compressed harder, and once per process."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def _static_file(values: dict[str, Any]) -> Path | None:
    return Path(current_app.static_folder or "") / values["filename"]


def _theme_file(values: dict[str, Any]) -> Path | None:
    theme = find_theme(values["name"], current_app.config["THEMES_DIR"])
    return Path(theme.folder) / values["filename"] if theme is not None else None


#: The endpoints that serve files, and where a file of a URL of theirs lies.
FILES: dict[str, Callable[[dict[str, Any]], Path | None]] = {
    "static": _static_file,
    "themes.theme_file": _theme_file,
}


def init_assets(app: Flask) -> None:
    locate = FILES

    @app.url_defaults
    def _add_version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint in locate and "v" not in values:
            path = locate[endpoint](values)
            version = file_version(path) if path is not None else None
            if version:
                values["v"] = version

    @app.after_request
    def _cache_versioned(response: Response) -> Response:
        if request.endpoint in locate and request.args.get("v") and response.status_code == 200:
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        return response
