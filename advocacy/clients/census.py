"""US Census Geocoder: one-line address → the state legislative districts it lies in."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import threading
import unicodedata
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urlsplit

import requests
import urllib3
from cachetools import TTLCache
from urllib3.exceptions import HTTPError, MaxRetryError, NewConnectionError, ProtocolError

from advocacy.clients.limits import ConcurrencyLimit, ServiceBusy
from advocacy.clients.retries import retry_policy

USER_AGENT = "Advocacy (find my state lawmakers)"
UPPER_LAYER = "State Legislative Districts - Upper"
LOWER_LAYER = "State Legislative Districts - Lower"
# The Census's code for land or water that no district covers.
UNASSIGNED_CODE = "ZZZ"


class GeocoderUnavailable(RuntimeError):
    """The Geocoder could not be reached or gave no usable answer; says why in plain words."""


class GeocoderBusy(ServiceBusy, GeocoderUnavailable):
    """This process already has as many lookups waiting on the Geocoder as it allows."""


@dataclass(frozen=True)
class LegislativeDistrict:
    """One Census state legislative district (SLDU or SLDL) as the Geocoder describes it."""

    geoid: str  # state FIPS + 3-character code: "29019", "2701A", "25D08"; never a number
    state_fips: str
    code: str  # "019", "01A", "D08", "A-1", or "ZZZ"
    name: str = ""  # "State Senate District 19", "Second Worcester District"
    basename: str = ""

    @property
    def unassigned(self) -> bool:
        return self.code.upper() == UNASSIGNED_CODE


@dataclass(frozen=True)
class DistrictLayer:
    """What the Geocoder said about one chamber's layer at an address."""

    districts: tuple[LegislativeDistrict, ...] = ()
    # Set when the Census could not answer for this layer: the districts are unknown, not absent.
    error: str = ""

    @property
    def known(self) -> bool:
        return not self.error


@dataclass(frozen=True)
class AddressMatch:
    matched_address: str
    state_fips: str  # "" when the answer does not say
    state_postal: str  # the matched address's state, "MO"; "" when not given
    upper: DistrictLayer
    lower: DistrictLayer


@dataclass(frozen=True)
class GeocoderAnswer:
    matches: tuple[AddressMatch, ...]


class _HideQueryStrings(logging.Filter):
    """urllib3 logs request URLs (at DEBUG, and at WARNING when it retries); ours carry the address."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                arg.split("?", 1)[0] + "?…" if isinstance(arg, str) and "?" in arg else arg
                for arg in record.args
            )
        return True


_HIDE_QUERY_STRINGS = _HideQueryStrings()
for _logger_name in ("urllib3.connectionpool", "urllib3.util.retry"):
    logging.getLogger(_logger_name).addFilter(_HIDE_QUERY_STRINGS)


# A person is waiting for the page: two quick retries, and no Retry-After waited longer than 2 s.
RETRIES = retry_policy(retries=2, backoff=0.2, longest_wait=2.0)


def _pool(url: str) -> urllib3.PoolManager:
    """Kept-alive connections to the Geocoder, through the proxy the environment names (read once)."""
    proxy = requests.utils.get_environ_proxies(url).get(urlsplit(url).scheme)
    headers = {"User-Agent": USER_AGENT}
    if proxy:
        return urllib3.ProxyManager(proxy, headers=headers, retries=RETRIES)
    return urllib3.PoolManager(headers=headers, retries=RETRIES)


class CensusGeocoder:
    """The Geocoder's `geographies/onelineaddress` call, over kept-alive connections.

    urllib3 directly rather than through requests: a lookup waits on nothing else, and requests'
    preparation of each call cost a third of the lookup's own time.
    """

    def __init__(self, base: str, timeout: float = 10.0) -> None:
        self.url = f"{base.rstrip('/')}/geographies/onelineaddress"
        self.timeout = urllib3.Timeout(connect=float(timeout), read=float(timeout))
        self._http = _pool(self.url)

    def __enter__(self) -> CensusGeocoder:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.clear()

    def locate(self, address: str) -> GeocoderAnswer:
        """Every match the Census finds for the address, with its legislative districts."""
        fields = {
            "address": address,
            "benchmark": "Public_AR_Current",
            "vintage": "Current_Current",
            "layers": "all",
            "format": "json",
        }
        try:
            response = self._http.request("GET", self.url, fields=fields, timeout=self.timeout)
        except HTTPError as error:
            # `from None`: urllib3's own messages quote the URL, and with it the address.
            raise GeocoderUnavailable(f"the Census Geocoder {_reason(error)}") from None
        if response.status != 200:
            raise GeocoderUnavailable(f"the Census Geocoder answered HTTP {response.status}")
        try:
            data = json.loads(response.data)
        except ValueError:
            raise GeocoderUnavailable("the Census Geocoder did not answer in JSON") from None
        return parse_answer(data)


def normalised_address(address: str) -> str:
    """One form for the ways people type the same address: case, spaces and punctuation folded."""
    text = unicodedata.normalize("NFKC", address).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


class KeptAnswers:
    """Geocoder answers for a few minutes, in this process's memory only.

    Keyed by a salted hash of the normalised address, never by the address: the salt is made as the
    process starts and kept nowhere, so no key can be traced back to an address by hashing guesses
    elsewhere. The answers hold only what the Census matched, as any lookup page shows it.
    """

    def __init__(self, size: int = 1024, seconds: float = 300.0) -> None:
        self._salt = secrets.token_bytes(32)
        self._answers: TTLCache[str, GeocoderAnswer] = TTLCache(maxsize=size, ttl=seconds)
        self._lock = threading.Lock()  # TTLCache is not safe for threads on its own

    def key(self, address: str) -> str:
        return hashlib.sha256(self._salt + normalised_address(address).encode()).hexdigest()

    def get(self, address: str) -> GeocoderAnswer | None:
        with self._lock:
            return self._answers.get(self.key(address))

    def put(self, address: str, answer: GeocoderAnswer) -> None:
        with self._lock:
            self._answers[self.key(address)] = answer

    def keys(self) -> list[str]:
        with self._lock:
            return list(self._answers.keys())


class GuardedGeocoder:
    """The Geocoder as a process shares it: at most `concurrency` calls at once, answers kept a while.

    Beyond the limit a lookup fails at once with GeocoderBusy instead of holding a worker thread in
    a queue. Each thread keeps its own CensusGeocoder, so its connection stays open between requests.
    """

    def __init__(
        self, base: str, timeout: float, concurrency: int, answers: KeptAnswers | None = None
    ) -> None:
        self.base = base
        self.timeout = timeout
        self.limit = ConcurrencyLimit(concurrency, busy=GeocoderBusy)
        self.answers = answers if answers is not None else KeptAnswers()
        self._per_thread = threading.local()

    def _geocoder(self) -> CensusGeocoder:
        geocoder = getattr(self._per_thread, "geocoder", None)
        if geocoder is None:
            geocoder = self._per_thread.geocoder = CensusGeocoder(self.base, self.timeout)
        return geocoder

    def locate(self, address: str) -> GeocoderAnswer:
        kept = self.answers.get(address)
        if kept is not None:
            return kept
        with self.limit.slot():
            answer = self._geocoder().locate(address)
        self.answers.put(address, answer)
        return answer


def _reason(error: HTTPError) -> str:
    cause = error.reason if isinstance(error, MaxRetryError) else error
    if isinstance(cause, TimeoutError | urllib3.exceptions.TimeoutError):
        return "did not answer in time"
    if isinstance(cause, NewConnectionError | ProtocolError | OSError) or isinstance(error, MaxRetryError):
        return "could not be reached"
    return f"failed ({type(error).__name__})"


def parse_answer(data: object) -> GeocoderAnswer:
    """The matches of a `geographies/onelineaddress` JSON answer."""
    result = data.get("result") if isinstance(data, dict) else None
    matches = result.get("addressMatches") if isinstance(result, dict) else None
    if not isinstance(matches, list):
        raise GeocoderUnavailable("the Census Geocoder sent an answer without address matches")
    return GeocoderAnswer(tuple(_match(m) for m in matches if isinstance(m, dict)))


def _match(match: dict) -> AddressMatch:
    geographies = match.get("geographies")
    geographies = geographies if isinstance(geographies, dict) else {}
    upper = _district_layer(geographies, UPPER_LAYER, "SLDU")
    lower = _district_layer(geographies, LOWER_LAYER, "SLDL")
    components = match.get("addressComponents")
    postal = components.get("state", "") if isinstance(components, dict) else ""
    return AddressMatch(
        matched_address=str(match.get("matchedAddress", "")),
        state_fips=_state_fips(geographies, upper, lower),
        state_postal=str(postal or ""),
        upper=upper,
        lower=lower,
    )


def _layer_key(geographies: dict, suffix: str) -> str | None:
    """The layer's key, whatever year the Census puts in front ("2024 State Legislative …")."""
    keys = [key for key in geographies if isinstance(key, str) and key.strip().endswith(suffix)]
    # Should two vintages ever come back together, the newest districts are the ones in force.
    return max(keys, key=_year_prefix, default=None)


def _year_prefix(key: str) -> int:
    found = re.match(r"\s*(\d{4})\b", key)
    return int(found.group(1)) if found else 0


def _district_layer(geographies: dict, suffix: str, code_field: str) -> DistrictLayer:
    key = _layer_key(geographies, suffix)
    if key is None:
        return DistrictLayer(error="the answer has no such layer")
    value = geographies[key]
    if not isinstance(value, list):
        return DistrictLayer(error="the layer could not be read")
    districts = []
    for item in value:
        if not isinstance(item, dict):
            return DistrictLayer(error="the layer could not be read")
        if "status" in item and not item.get("GEOID"):
            return DistrictLayer(error=str(item["status"]))
        district = _district(item, code_field)
        if district is None:
            return DistrictLayer(error="the layer could not be read")
        districts.append(district)
    return DistrictLayer(districts=tuple(districts))


def _district(item: dict, code_field: str) -> LegislativeDistrict | None:
    geoid = str(item.get("GEOID") or "")
    state = str(item.get("STATE") or geoid[:2])
    code = str(item.get(code_field) or geoid[2:])
    if len(state) != 2 or not code:
        return None
    return LegislativeDistrict(
        geoid=geoid or state + code,
        state_fips=state,
        code=code,
        name=str(item.get("NAME") or ""),
        basename=str(item.get("BASENAME") or ""),
    )


def _state_fips(geographies: dict, upper: DistrictLayer, lower: DistrictLayer) -> str:
    """The state's FIPS code from the States layer, else from the districts found."""
    states = geographies.get("States")
    if isinstance(states, list):
        for item in states:
            if isinstance(item, dict) and item.get("STATE"):
                return str(item["STATE"])
    return next((d.state_fips for d in (*upper.districts, *lower.districts)), "")
