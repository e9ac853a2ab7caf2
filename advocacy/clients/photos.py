"""Lawmakers' photos, fetched by the sync's worker or `advocacy fetch-photos` and kept on disk, so
pages load nothing from other sites and no request ever waits on a legislature's server.

A photo address comes from Open States or an admin's upload: it may name any host. The fetcher
goes only to public addresses (checked after resolving the name, and again for every redirect,
and then connects to the very address it checked), takes images only, at most 2 MB, and
remembers failures so a dead link is not asked again for a day.
"""

from __future__ import annotations

import hashlib
import ipaddress
import socket
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from urllib3.exceptions import HTTPError

MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 3
RETRY_FAILED_AFTER = 24 * 3600  # seconds before a failed photo is asked for again
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
# What each image type's file starts with: a "photo" that is really a page is refused.
SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}
USER_AGENT = "Advocacy (lawmaker photos)"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class PhotoUnavailable(RuntimeError):
    """Why a photo could not be fetched, in plain words."""


@dataclass(frozen=True)
class Photo:
    content: bytes
    content_type: str


class PhotoStore:
    """Photos on disk, keyed by the address they came from; failures kept beside them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, url: str, suffix: str = "") -> Path:
        return self.folder / (hashlib.sha256(url.encode()).hexdigest() + suffix)

    def get(self, url: str) -> Photo | None:
        """The photo fetched from `url`, or None: this never goes to the network."""
        body, kind = self._path(url), self._path(url, ".type")
        if not url or not (body.is_file() and kind.is_file()):
            return None
        return Photo(body.read_bytes(), kind.read_text())

    def wanted(self, url: str, now: float | None = None) -> bool:
        """True when `url` has no photo here and has not failed within the last day."""
        if not url or self.get(url) is not None:
            return False
        failed = self._path(url, ".failed")
        return not failed.is_file() or (now or time.time()) - failed.stat().st_mtime > RETRY_FAILED_AFTER

    def keep(self, url: str, photo: Photo) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._path(url).write_bytes(photo.content)
        self._path(url, ".type").write_text(photo.content_type)
        self._path(url, ".failed").unlink(missing_ok=True)

    def remember_failure(self, url: str, reason: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._path(url, ".failed").write_text(reason)

    def failure(self, url: str) -> str:
        failed = self._path(url, ".failed")
        return failed.read_text() if failed.is_file() else ""


def allowed_networks(values: Iterable[str]) -> list[Network]:
    """PHOTO_ALLOWED_NETWORKS: private ranges an operator trusts (an intranet photo server)."""
    try:
        return [ipaddress.ip_network(value, strict=False) for value in values]
    except ValueError as error:
        raise ValueError(f"PHOTO_ALLOWED_NETWORKS: {error}") from None


class PhotoFetcher:
    def __init__(self, timeout: float, allowed: Sequence[Network] = ()) -> None:
        self.timeout = urllib3.Timeout(connect=timeout, read=timeout)
        self.allowed = list(allowed)

    def fetch(self, url: str) -> Photo:
        """The image at `url`, following at most three redirects; PhotoUnavailable says why not."""
        for _ in range(MAX_REDIRECTS + 1):
            response = self._get(url)
            try:
                if response.status in (301, 302, 303, 307, 308) and response.headers.get("Location"):
                    url = urljoin(url, response.headers["Location"])
                    continue
                return self._photo(response)
            finally:
                response.release_conn()
        raise PhotoUnavailable(f"more than {MAX_REDIRECTS} redirects")

    def _get(self, url: str) -> urllib3.BaseHTTPResponse:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PhotoUnavailable("not a web address")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = self._public_address(parts.hostname, port)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"Host": parts.netloc.rsplit("@", 1)[-1], "User-Agent": USER_AGENT, "Accept": "image/*"}
        # Connect to the address that was checked, not to a name that could resolve anew.
        if parts.scheme == "https":
            pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
                address,
                port,
                timeout=self.timeout,
                retries=False,
                server_hostname=parts.hostname,
                assert_hostname=parts.hostname,
                cert_reqs="CERT_REQUIRED",
                ca_certs=certifi.where(),
            )
        else:
            pool = urllib3.HTTPConnectionPool(address, port, timeout=self.timeout, retries=False)
        try:
            return pool.urlopen(
                "GET", path, headers=headers, redirect=False, preload_content=False, assert_same_host=False
            )
        except HTTPError as error:
            raise PhotoUnavailable(f"the server could not be reached ({type(error).__name__})") from None

    def _public_address(self, host: str, port: int) -> str:
        try:
            found = {info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
        except (OSError, UnicodeError):
            raise PhotoUnavailable(f"{host} could not be resolved") from None
        addresses = sorted(ipaddress.ip_address(a.split("%")[0]) for a in found)
        for address in addresses:
            if any(address in network for network in self.allowed):
                continue
            if not address.is_global or address.is_multicast:
                raise PhotoUnavailable(f"{host} is at {address}, which is not a public address")
        if not addresses:
            raise PhotoUnavailable(f"{host} could not be resolved")
        return str(addresses[0])

    def _photo(self, response: urllib3.BaseHTTPResponse) -> Photo:
        if response.status != 200:
            raise PhotoUnavailable(f"the server answered HTTP {response.status}")
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type not in IMAGE_TYPES:
            raise PhotoUnavailable(f"not an image ({content_type or 'no type'})")
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > MAX_BYTES:
            raise PhotoUnavailable("the photo is larger than 2 MB")
        try:
            content = response.read(MAX_BYTES + 1, decode_content=True)
        except HTTPError as error:
            raise PhotoUnavailable(f"the download broke off ({type(error).__name__})") from None
        if len(content) > MAX_BYTES:
            raise PhotoUnavailable("the photo is larger than 2 MB")
        if not content.startswith(SIGNATURES[content_type]):
            raise PhotoUnavailable(f"the file is not a {content_type.split('/')[1].upper()} image")
        return Photo(content, content_type)


@dataclass(frozen=True)
class PhotoCounts:
    fetched: int = 0
    failed: int = 0
    kept: int = 0  # already here, or failed within the last day

    def describe(self) -> str:
        return f"{self.fetched} fetched, {self.failed} failed, {self.kept} already kept or tried today"


def fetch_photos(store: PhotoStore, fetcher: PhotoFetcher, urls: Iterable[str]) -> PhotoCounts:
    """Fetch each wanted photo, one at a time (a legislature's server is asked politely)."""
    fetched = failed = kept = 0
    for url in dict.fromkeys(u for u in urls if u):
        if not store.wanted(url):
            kept += 1
            continue
        try:
            store.keep(url, fetcher.fetch(url))
            fetched += 1
        except PhotoUnavailable as error:
            store.remember_failure(url, str(error))
            failed += 1
    return PhotoCounts(fetched, failed, kept)
