"""Lawmakers' photos, fetched by the sync's worker or `advocacy fetch-photos` and kept on disk, so
pages load nothing from other sites and no request ever waits on a legislature's server.

A photo address comes from Open States or an admin's upload: it may name any host. The fetcher
goes only to public addresses (checked after resolving the name, and again for every redirect,
and then connects to the very address it checked), takes images only, at most 2 MB, and
remembers failures so a dead link is not asked again for a day. Each photo has a deadline, and so
has each run: a server that answers a byte at a time holds neither past it.
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
from urllib3.exceptions import HTTPError, ReadTimeoutError
from urllib3.exceptions import TimeoutError as WaitedTooLong

MAX_BYTES = 2 * 1024 * 1024
CHUNK = 64 * 1024
# Defaults of PHOTO_FETCH_SECONDS and PHOTO_RUN_SECONDS: a photo's redirects and download, and a
# run's photos one after the other (the worker gives a run an hour).
FETCH_SECONDS = 30.0
RUN_SECONDS = 1800.0
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
    def __init__(
        self, timeout: float, allowed: Sequence[Network] = (), max_seconds: float = FETCH_SECONDS
    ) -> None:
        self.timeout = timeout
        self.allowed = list(allowed)
        self.max_seconds = max_seconds
        self._deadline = 0.0
        self._run_ends_first = False

    def fetch(self, url: str, until: float | None = None) -> Photo:
        """The image at `url`, following at most three redirects; PhotoUnavailable says why not.
        It takes at most max_seconds, and never runs past `until` (a time.monotonic() value)."""
        self._deadline = time.monotonic() + self.max_seconds
        self._run_ends_first = until is not None and until < self._deadline
        if until is not None:
            self._deadline = min(self._deadline, until)
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

    def _left(self) -> float:
        """Seconds left for this photo; past its deadline, PhotoUnavailable says whose it was."""
        left = self._deadline - time.monotonic()
        if left > 0:
            return left
        if self._run_ends_first:
            raise PhotoUnavailable("the run's time ran out before the photo arrived (PHOTO_RUN_SECONDS)")
        raise PhotoUnavailable(
            f"the photo took longer than {self.max_seconds:g} seconds (PHOTO_FETCH_SECONDS)"
        )

    def _get(self, url: str) -> urllib3.BaseHTTPResponse:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PhotoUnavailable("not a web address")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = self._public_address(parts.hostname, port)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"Host": parts.netloc.rsplit("@", 1)[-1], "User-Agent": USER_AGENT, "Accept": "image/*"}
        wait = min(self.timeout, self._left())
        timeout = urllib3.Timeout(connect=wait, read=wait)
        # Connect to the address that was checked, not to a name that could resolve anew.
        if parts.scheme == "https":
            pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
                address,
                port,
                timeout=timeout,
                retries=False,
                server_hostname=parts.hostname,
                assert_hostname=parts.hostname,
                cert_reqs="CERT_REQUIRED",
                ca_certs=certifi.where(),
            )
        else:
            pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
        try:
            return pool.urlopen(
                "GET", path, headers=headers, redirect=False, preload_content=False, assert_same_host=False
            )
        except WaitedTooLong:
            self._left()  # says so when the deadline, not the server's pause, ended the wait
            raise PhotoUnavailable(f"the server did not answer within {wait:g} seconds") from None
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
        content = self._read(response)
        if not content.startswith(SIGNATURES[content_type]):
            raise PhotoUnavailable(f"the file is not a {content_type.split('/')[1].upper()} image")
        return Photo(content, content_type)

    def _read(self, response: urllib3.BaseHTTPResponse) -> bytes:
        """The body, at most MAX_BYTES, read before the deadline: each read waits at most what is
        left, so an answer that trickles in ends with the deadline, not when the server stops."""
        content = bytearray()
        while True:
            left = self._left()
            sock = getattr(response.connection, "sock", None)
            if sock is not None:
                sock.settimeout(min(self.timeout, left))
            try:
                chunk = response.read1(CHUNK, decode_content=True)
            except ReadTimeoutError:
                self._left()
                raise PhotoUnavailable("the download stalled") from None
            except (HTTPError, OSError) as error:
                raise PhotoUnavailable(f"the download broke off ({type(error).__name__})") from None
            if not chunk:
                return bytes(content)
            content += chunk
            if len(content) > MAX_BYTES:
                raise PhotoUnavailable("the photo is larger than 2 MB")


@dataclass(frozen=True)
class PhotoCounts:
    fetched: int = 0
    failed: int = 0
    kept: int = 0  # already here, or failed within the last day
    left: int = 0  # not tried: the run's time ran out first

    def describe(self) -> str:
        said = f"{self.fetched} fetched, {self.failed} failed, {self.kept} already kept or tried today"
        return said + (f", {self.left} left for the next run (its time ran out)" if self.left else "")


def fetch_photos(
    store: PhotoStore, fetcher: PhotoFetcher, urls: Iterable[str], max_seconds: float | None = None
) -> PhotoCounts:
    """Fetch each wanted photo, one at a time (a legislature's server is asked politely), for at
    most max_seconds in all; the photos not tried by then are left for the next run."""
    until = None if max_seconds is None else time.monotonic() + max_seconds
    fetched = failed = kept = left = 0
    for url in dict.fromkeys(u for u in urls if u):
        if not store.wanted(url):
            kept += 1
            continue
        if until is not None and time.monotonic() >= until:
            left += 1
            continue
        try:
            store.keep(url, fetcher.fetch(url, until))
            fetched += 1
        except PhotoUnavailable as error:
            store.remember_failure(url, str(error))
            failed += 1
    return PhotoCounts(fetched, failed, kept, left)
