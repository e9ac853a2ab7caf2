"""Static files under fingerprinted links (`site.css?v=3f2a…`), which browsers may keep for a year."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, request

YEAR = 365 * 24 * 3600

_fingerprints: dict[tuple[str, int], str] = {}


def fingerprint(folder: str, filename: str) -> str:
    """A short hash of the file's content: a changed file gets a new link, so no stale copy is used."""
    path = Path(folder) / filename
    try:
        changed = path.stat().st_mtime_ns
    except OSError:
        return ""
    key = (str(path), changed)
    if key not in _fingerprints:
        _fingerprints[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return _fingerprints[key]


def register(app: Flask) -> None:
    @app.url_defaults
    def _fingerprinted(endpoint: str, values: dict[str, object]) -> None:
        if endpoint == "static" and "v" not in values and isinstance(values.get("filename"), str):
            stamp = fingerprint(app.static_folder or "", values["filename"])
            if stamp:
                values["v"] = stamp

    def max_age(filename: str | None) -> int | None:
        # Only a fingerprinted link is kept long: its content never changes under that link.
        return YEAR if request.args.get("v") else None

    app.get_send_file_max_age = max_age  # type: ignore[method-assign]
