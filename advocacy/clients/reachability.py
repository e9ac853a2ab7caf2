"""Is an outside service up? One cheap request with a short timeout, and the time the service gave."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests

USER_AGENT = "Advocacy (advocacy doctor: is the service up?)"


class ServiceUnreachable(RuntimeError):
    """No HTTP answer came; the message says why (refused, timed out, TLS), never a key."""


@dataclass(frozen=True)
class ServiceAnswer:
    status: int
    server_time: datetime | None  # naive UTC, from the Date header; None when there is none
    received_at: datetime  # naive UTC by this machine's clock, when the answer came


def ask(
    url: str,
    timeout: float,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
) -> ServiceAnswer:
    """One request, no retries: a person is waiting for the verdict. The body is never read."""
    try:
        response = requests.request(
            method,
            url,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
            params=params,
            timeout=(timeout, timeout),
            stream=True,
        )
    except requests.Timeout:
        raise ServiceUnreachable(f"did not answer within {timeout:g} s") from None
    except requests.exceptions.SSLError:
        raise ServiceUnreachable("TLS failed (is the certificate valid for this host?)") from None
    except requests.ConnectionError as error:
        raise ServiceUnreachable(_connection_reason(error)) from None
    except requests.RequestException as error:
        raise ServiceUnreachable(f"could not be asked ({type(error).__name__})") from None
    received_at = datetime.now(UTC).replace(tzinfo=None)
    response.close()
    return ServiceAnswer(response.status_code, _date(response.headers.get("Date")), received_at)


def _connection_reason(error: requests.ConnectionError) -> str:
    # requests wraps urllib3's error, which wraps the socket's: its words are the useful part.
    text = str(error)
    for said, reason in (
        ("Connection refused", "connection refused"),
        ("Name or service not known", "the host name is not known"),
        ("nodename nor servname", "the host name is not known"),
        ("Temporary failure in name resolution", "the host name could not be looked up"),
        ("Network is unreachable", "the network is unreachable"),
        ("No route to host", "no route to the host"),
    ):
        if said in text:
            return reason
    return "could not connect"


def _date(value: str | None) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed.astimezone(UTC).replace(tzinfo=None)


def census_answers(base: str, timeout: float) -> ServiceAnswer:
    """The Census Geocoder's list of benchmarks: a small answer, and no address sent."""
    return ask(f"{base.rstrip('/')}/benchmarks", timeout)


def openstates_file_answers(base: str, abbr: str, timeout: float) -> ServiceAnswer:
    """A HEAD of one state's bulk CSV file: the server and the folder, without the download."""
    return ask(f"{base.rstrip('/')}/{abbr}.csv", timeout, method="HEAD")


def openstates_api_answers(base: str, key: str, timeout: float) -> ServiceAnswer:
    """One jurisdiction from API v3: whether the key is taken. It counts against the key's daily
    allowance (250 requests on the free tier), like any other request."""
    return ask(
        f"{base.rstrip('/')}/jurisdictions",
        timeout,
        headers={"X-API-KEY": key, "Accept": "application/json"},
        params={"classification": "state", "per_page": "1"},
    )
