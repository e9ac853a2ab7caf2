"""Open States bulk CSV files: `<base>/<abbr>.csv` over HTTP(S), or from a local folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

USER_AGENT = "Advocacy (lawmaker sync; +https://openstates.org bulk data)"


class SourceUnavailable(RuntimeError):
    """The file could not be fetched or read; says why in words a person can act on."""

    def __init__(self, message: str, *, unreachable: bool = False) -> None:
        super().__init__(message)
        # True when the server itself could not be reached, so other files will fail the same way.
        self.unreachable = unreachable


def _session() -> requests.Session:
    session = requests.Session()
    retries = Retry(
        total=3,
        connect=2,
        read=2,
        backoff_factor=0.5,
        status_forcelist=(500, 502, 503, 504),
        allowed_methods=("GET",),
        raise_on_status=False,
    )
    session.mount("http://", HTTPAdapter(max_retries=retries))
    session.mount("https://", HTTPAdapter(max_retries=retries))
    session.headers["User-Agent"] = USER_AGENT
    return session


@dataclass(frozen=True)
class Fetched:
    """One state's file, or None when the server says it has not changed since the last sync."""

    content: bytes | None
    etag: str = ""
    last_modified: str = ""


class BulkSource:
    """Where the per-state CSV files come from."""

    def __init__(self, base: str, timeout: float = 10.0) -> None:
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.is_http = urlsplit(self.base).scheme in ("http", "https")
        self._http = _session() if self.is_http else None

    def location(self, abbr: str) -> str:
        return f"{self.base}/{abbr}.csv"

    def fetch(self, abbr: str, etag: str = "", last_modified: str = "") -> Fetched:
        """One state's file; over HTTP a conditional GET, so an unchanged file costs a 304."""
        location = self.location(abbr)
        if not self.is_http:
            path = Path(self.base.removeprefix("file://")) / f"{abbr}.csv"
            try:
                return Fetched(path.read_bytes())
            except OSError as error:
                raise SourceUnavailable(f"cannot read {path}: {error.strerror}") from error
        assert self._http is not None
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            response = self._http.get(location, headers=headers, timeout=(self.timeout, self.timeout))
        except requests.RequestException as error:
            raise SourceUnavailable(
                f"cannot download {location}: {_reason(error)}",
                unreachable=isinstance(error, requests.ConnectionError | requests.Timeout),
            ) from error
        if response.status_code == 304:
            return Fetched(None, etag, last_modified)
        if response.status_code != 200:
            raise SourceUnavailable(f"{location} answered HTTP {response.status_code} {response.reason}")
        content_type = response.headers.get("Content-Type", "")
        if "html" in content_type.lower():
            raise SourceUnavailable(f"{location} sent an HTML page, not a CSV file")
        return Fetched(
            response.content,
            etag=response.headers.get("ETag", ""),
            last_modified=response.headers.get("Last-Modified", ""),
        )

    def close(self) -> None:
        if self._http is not None:
            self._http.close()


def _reason(error: requests.RequestException) -> str:
    if isinstance(error, requests.Timeout):
        return "the server did not answer in time"
    if isinstance(error, requests.ConnectionError):
        return "could not connect"
    return type(error).__name__
