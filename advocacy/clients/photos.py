"""Lawmakers' photos, fetched once from their legislature and kept on disk, so pages load nothing from
other sites (no third-party requests from a visitor's browser)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests

MAX_BYTES = 2 * 1024 * 1024
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")


class PhotoUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class Photo:
    content: bytes
    content_type: str


class PhotoCache:
    def __init__(self, folder: Path, timeout: float) -> None:
        self.folder = folder
        self.timeout = timeout

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode()).hexdigest()
        return self.folder / key, self.folder / f"{key}.type"

    def get(self, url: str) -> Photo:
        """The photo at `url`, from disk when fetched before; PhotoUnavailable says why not."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise PhotoUnavailable("no photo address")
        body_path, type_path = self._paths(url)
        if body_path.is_file() and type_path.is_file():
            return Photo(body_path.read_bytes(), type_path.read_text())
        photo = self._fetch(url)
        self.folder.mkdir(parents=True, exist_ok=True)
        body_path.write_bytes(photo.content)
        type_path.write_text(photo.content_type)
        return photo

    def _fetch(self, url: str) -> Photo:
        try:
            with requests.get(url, timeout=(self.timeout, self.timeout), stream=True) as response:
                content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
                if response.status_code != 200:
                    raise PhotoUnavailable(f"the legislature answered HTTP {response.status_code}")
                if content_type not in IMAGE_TYPES:
                    raise PhotoUnavailable(f"not an image ({content_type or 'no type'})")
                content = response.raw.read(MAX_BYTES + 1, decode_content=True)
        except requests.RequestException as error:
            raise PhotoUnavailable(type(error).__name__) from error
        if len(content) > MAX_BYTES:
            raise PhotoUnavailable("the photo is larger than 2 MB")
        return Photo(content, content_type)
