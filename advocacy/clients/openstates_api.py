"""Open States API v3 (v3.openstates.org): a state's legislative sessions and its bills.

The key travels only in the X-API-KEY header; it is never logged or put in a URL. The free tier
allows 10 requests a minute and 250 a day: the client spaces its requests to the per-minute rate,
and retries, with a growing wait, answers of 429 (rate limited) and 5xx (the server's trouble).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

import requests

log = logging.getLogger(__name__)

USER_AGENT = "Advocacy (trafficking bills by state; +https://openstates.org)"
PER_PAGE = 20  # the API's largest page of bills
MAX_PAGES = 25  # 500 bills on one topic in one session is already far past any real legislature
KEY_HELP = "Get a free key at https://openstates.org/accounts/profile/ and set ADVOCACY_OPENSTATES_API_KEY."


class OpenStatesAPIError(RuntimeError):
    """The API could not be used; the message says why in words an admin can act on."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Session:
    identifier: str
    name: str
    classification: str
    start_date: str  # "YYYY[-MM[-DD]]", as the API gives it
    end_date: str

    @property
    def ends_on(self) -> date | None:
        """The end as a day; None when the API gives none, or only a year or a month."""
        return _date(self.end_date) if len(self.end_date) == 10 else None


@dataclass(frozen=True)
class Sponsor:
    name: str
    person_id: str  # ocd-person/<uuid>, or "" for a committee or an unknown member
    primary: bool
    classification: str


@dataclass(frozen=True)
class BillRecord:
    ocd_id: str
    session: str
    identifier: str
    title: str
    abstract: str
    url: str
    latest_action: str
    latest_action_date: date | None
    updated_at: datetime | None
    sponsors: tuple[Sponsor, ...] = field(default=())
    status: str = "pending"  # "enacted", "failed" or "pending", from its actions' classification


# Special sessions are numbered after their year: "2025S1", "2022s2".
SPECIAL_SESSION = re.compile(r"\d[sS]\d*$")


def current_session(sessions: list[Session], today: date) -> Session | None:
    """The session a state's page should show: a regular session running today; else the regular
    session that started last; else any session that started last. (The API has no "active" flag;
    special sessions, "2025S1", are classified like regular ones in some states' metadata.)"""

    def regular(s: Session) -> bool:
        return s.classification in ("primary", "") and not SPECIAL_SESSION.search(s.identifier)

    started = [s for s in sessions if s.start_date and s.start_date[:10] <= today.isoformat()]
    running = [s for s in started if regular(s) and (not s.end_date or today.isoformat() <= s.end_date[:10])]
    for candidates in (running, [s for s in started if regular(s)], started):
        if candidates:
            return max(candidates, key=lambda s: s.start_date)
    # Nothing has started yet: the first to start.
    return min(sessions, key=lambda s: s.start_date or "9999") if sessions else None


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _datetime(text: str | None) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    return parsed.replace(tzinfo=None) if parsed else None


# Action classifications (Open States' vocabulary) that end a bill's course.
ENACTED = {"became-law", "executive-signature"}
FAILED = {"failure", "withdrawal", "executive-veto"}


def _status(actions: list[dict]) -> str:
    """Where a bill stands by its actions, oldest first: the last one that ended its course wins
    (a veto the legislature overrides is followed by "became-law")."""
    status = "pending"
    for action in actions:
        kinds = set(action.get("classification") or [])
        if kinds & ENACTED:
            status = "enacted"
        elif kinds & FAILED:
            status = "failed"
    return status


def _official_url(bill: dict) -> str:
    """The legislature's own page when Open States lists one, else Open States' page."""
    for source in bill.get("sources") or []:
        if isinstance(source, dict) and str(source.get("url", "")).startswith("https://"):
            return source["url"]
    return str(bill.get("openstates_url") or "")


def _record(bill: dict) -> BillRecord:
    actions = sorted(bill.get("actions") or [], key=lambda a: (a.get("date") or "", a.get("order") or 0))
    abstracts = [a.get("abstract", "") for a in bill.get("abstracts") or [] if a.get("abstract")]
    sponsors = tuple(
        Sponsor(
            name=str(s.get("name") or "").strip(),
            person_id=str((s.get("person") or {}).get("id") or ""),
            primary=bool(s.get("primary")),
            classification=str(s.get("classification") or ""),
        )
        for s in bill.get("sponsorships") or []
        if str(s.get("name") or "").strip()
    )
    latest = actions[-1] if actions else {}
    return BillRecord(
        ocd_id=str(bill["id"]),
        session=str(bill.get("session") or ""),
        identifier=str(bill["identifier"]),
        title=str(bill.get("title") or "").strip(),
        abstract=" ".join(abstracts).strip(),
        url=_official_url(bill),
        latest_action=str(bill.get("latest_action_description") or latest.get("description") or ""),
        latest_action_date=_date(bill.get("latest_action_date") or latest.get("date")),
        updated_at=_datetime(bill.get("updated_at")),
        sponsors=sponsors,
        status=_status(actions),
    )


class OpenStatesAPI:
    """One client per refresh: it keeps its connection and spaces its requests."""

    def __init__(
        self,
        base_url: str,
        key: str,
        *,
        timeout: float = 10.0,
        per_minute: int = 10,
        retries: int = 3,
        backoff: float = 5.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not key:
            raise OpenStatesAPIError(f"No Open States API key is set. {KEY_HELP}", status=403)
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.requests = 0  # calls made, counted against the daily allowance
        self._last = 0.0
        self._http = requests.Session()
        self._http.headers.update({"User-Agent": USER_AGENT, "X-API-KEY": key, "Accept": "application/json"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> OpenStatesAPI:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sessions(self, abbr: str) -> list[Session]:
        answer = self._get(f"/jurisdictions/{abbr}", [("include", "legislative_sessions")])
        return [
            Session(
                identifier=str(s.get("identifier") or ""),
                name=str(s.get("name") or s.get("identifier") or ""),
                classification=str(s.get("classification") or ""),
                start_date=str(s.get("start_date") or ""),
                end_date=str(s.get("end_date") or ""),
            )
            for s in answer.get("legislative_sessions") or []
            if s.get("identifier")
        ]

    def search_bills(
        self, abbr: str, session: str, query: str, updated_since: datetime | None = None
    ) -> Iterator[BillRecord]:
        """Every bill of the session that the full-text `query` finds, page after page."""
        params = [
            ("jurisdiction", abbr),
            ("session", session),
            ("q", query),
            ("sort", "updated_desc"),
            ("per_page", str(PER_PAGE)),
            ("include", "sponsorships"),
            ("include", "actions"),
            ("include", "abstracts"),
            ("include", "sources"),
        ]
        if updated_since is not None:
            params.append(("updated_since", updated_since.replace(microsecond=0).isoformat()))
        page = 1
        while True:
            answer = self._get("/bills", [*params, ("page", str(page))])
            for bill in answer.get("results") or []:
                try:
                    yield _record(bill)
                except (KeyError, TypeError) as error:
                    raise OpenStatesAPIError(
                        f"A bill in the answer lacks {error}: the API changed?"
                    ) from error
            max_page = int((answer.get("pagination") or {}).get("max_page") or 1)
            if page >= max_page or page >= MAX_PAGES:
                return
            page += 1

    def _get(self, path: str, params: list[tuple[str, str]]) -> dict:
        url = self.base_url + path
        for attempt in range(self.retries + 1):
            wait = self._last + self.interval - time.monotonic()
            if wait > 0:
                self.sleep(wait)
            self._last = time.monotonic()
            self.requests += 1
            try:
                response = self._http.get(url, params=params, timeout=(self.timeout, self.timeout))
            except requests.Timeout as error:
                raise OpenStatesAPIError(
                    f"Open States did not answer within {self.timeout:g} seconds; try again later."
                ) from error
            except requests.RequestException as error:
                raise OpenStatesAPIError(
                    f"Open States could not be reached ({type(error).__name__})."
                ) from error
            status = response.status_code
            if status == 200:
                try:
                    return response.json()
                except ValueError as error:
                    raise OpenStatesAPIError(
                        "Open States answered with something that is not JSON."
                    ) from error
            detail = _detail(response)
            if status in (429, 500, 502, 503, 504) and attempt < self.retries:
                pause = self.backoff * 2**attempt
                log.warning("Open States answered %s (%s); asking again in %.0f s", status, detail, pause)
                self.sleep(pause)
                continue
            raise OpenStatesAPIError(_explain(status, detail), status=status)
        raise AssertionError("unreachable")  # the loop returns or raises


def _detail(response: requests.Response) -> str:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    return str(detail) if isinstance(detail, str) else response.reason or ""


def _explain(status: int, detail: str) -> str:
    if status == 401:
        return f"Open States refused the API key ({detail}). {KEY_HELP}"
    if status == 403:
        return f"Open States wants an API key ({detail}). {KEY_HELP}"
    if status == 429:
        return (
            f"Open States' rate limit was reached ({detail}). The free key allows 10 requests a minute "
            "and 250 a day; the next refresh will try again."
        )
    if status >= 500:
        return f"Open States had trouble answering (HTTP {status}); the next refresh will try again."
    return f"Open States answered HTTP {status}: {detail}"
