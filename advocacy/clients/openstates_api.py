"""Open States API v3 (v3.openstates.org): a state's legislative sessions and its bills.

The key travels only in the X-API-KEY header; it is never logged or put in a URL. The free tier
allows 10 requests a minute and 250 a day: the client spaces its requests to the per-minute rate,
and asks again after 429 (rate limited) and 5xx (the server's trouble) by the policy every outside
client shares (advocacy/clients/retries.py), waiting what Retry-After asks, by its own clock.

An answer is read as the API documents it or refused (UnexpectedAnswer): each value of the type
it should have, at most a page of bills a page, web addresses only. A refresh is capped whatever
the server does: its time in all (begin_refresh), each answer's size, and its number of pages.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import requests
from urllib3.exceptions import HTTPError, MaxRetryError, ReadTimeoutError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from advocacy.clients.retries import retry_policy, wait_before_retry
from advocacy.links import outside_url

log = logging.getLogger(__name__)

USER_AGENT = "Advocacy (trafficking bills by state; +https://openstates.org)"
PER_PAGE = 20  # the API's largest page of bills
# Defaults of the caps on one refresh (OPENSTATES_API_MAX_*): 500 bills on one topic in one session
# is already far past any real legislature; a page of 20 bills with every include is under 1 MB.
MAX_PAGES = 25
MAX_BYTES = 8 * 1024 * 1024
MAX_SECONDS = 300.0
CHUNK = 64 * 1024
# The free tier counts requests a minute: a Retry-After longer than that is not waited.
LONGEST_WAIT = 60.0
KEY_HELP = "Get a free key at https://openstates.org/accounts/profile/ and set ADVOCACY_OPENSTATES_API_KEY."


class OpenStatesAPIError(RuntimeError):
    """The API could not be used; the message says why in words an admin can act on."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class UnexpectedAnswer(OpenStatesAPIError):
    """An answer not in the shape the API documents: nothing of it is kept."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"Open States' answer is not as the API documents it: {problem}.")


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


# A chamber as an Organization's classification names it (OrgClassification in the API's schema).
CHAMBERS = ("upper", "lower", "legislature", "executive")


@dataclass(frozen=True)
class BillAction:
    """One action on a bill, as GET /bills?include=actions gives it."""

    id: str
    date: date | None
    description: str
    classification: tuple[str, ...]
    chamber: str  # the acting organization's classification: upper, lower, legislature, executive or ""
    committees: tuple[tuple[str, str], ...] = ()  # (name, ocd-organization id or "") it names


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
    actions: tuple[BillAction, ...] = ()  # oldest first


# Special sessions are numbered after their year: "2025S1", "2022s2".
SPECIAL_SESSION = re.compile(r"\d[sS]\d*$")


# Bills for the next regular session are pre-filed weeks before it starts (Missouri's from 1
# December for a session that starts in early January): once its start is this near, it is the
# session whose bills are refreshed and shown, and its pre-filed bills are pending.
PREFILE_WINDOW = timedelta(days=60)


def current_session(sessions: list[Session], today: date) -> Session | None:
    """The session a state's page should show: the next regular session once pre-filing could have
    opened for it (PREFILE_WINDOW); else a regular session running today; else the regular session
    that started last; else any session that started last. (The API has no "active" flag; special
    sessions, "2025S1", are classified like regular ones in some states' metadata.)"""

    def regular(s: Session) -> bool:
        return s.classification in ("primary", "") and not SPECIAL_SESSION.search(s.identifier)

    prefiling = [
        s
        for s in sessions
        if regular(s)
        and len(s.start_date) >= 10
        and today.isoformat() < s.start_date[:10] <= (today + PREFILE_WINDOW).isoformat()
    ]
    if prefiling:
        return min(prefiling, key=lambda s: s.start_date)
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


# Reading an answer: each value of the type the API documents, or UnexpectedAnswer naming it.
# A value the API may leave out or send as null reads as empty.


def _object(value: object, what: str) -> dict:
    if not isinstance(value, dict):
        raise UnexpectedAnswer(f"{what} is {_kind(value)}, not an object")
    return value


def _objects(value: object, what: str) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise UnexpectedAnswer(f"{what} is {_kind(value)}, not a list")
    return [_object(item, f"an item of {what}") for item in value]


def _text(value: object, what: str, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise UnexpectedAnswer(f"{what} is {_kind(value)}, not a text")
    return value


def _texts(value: object, what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise UnexpectedAnswer(f"{what} is {_kind(value)}, not a list")
    return [_text(item, f"an item of {what}") for item in value]


def _whole(value: object, what: str, *, default: int) -> int:
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise UnexpectedAnswer(f"{what} is {_kind(value)}, not a whole number")
    return value


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return "an empty text" if not value.strip() else "a text"
    if isinstance(value, bool):
        return "true or false"
    return {dict: "an object", list: "a list", int: "a number", float: "a number"}.get(type(value), "?")


def _status(actions: list[dict], what: str) -> str:
    """Where a bill stands by its actions, oldest first: the last one that ended its course wins
    (a veto the legislature overrides is followed by "became-law")."""
    status = "pending"
    for action in actions:
        kinds = set(_texts(action.get("classification"), f"{what}'s action classification"))
        if kinds & ENACTED:
            status = "enacted"
        elif kinds & FAILED:
            status = "failed"
    return status


def _official_url(bill: dict, what: str) -> str:
    """The legislature's own page when Open States lists one, else Open States' page; "" when
    neither is a web address (a javascript: or data: address is never kept)."""
    for source in _objects(bill.get("sources"), f"{what}'s sources"):
        url = _text(source.get("url"), f"{what}'s source url")
        if url.startswith("https://") and outside_url(url):
            return url
    return outside_url(_text(bill.get("openstates_url"), f"{what}'s openstates_url"))


def _action_order(action: dict, what: str) -> tuple[str, int]:
    order = action.get("order")
    if order is not None and (not isinstance(order, int) or isinstance(order, bool)):
        raise UnexpectedAnswer(f"{what}'s action order is {_kind(order)}, not a number")
    return _text(action.get("date"), f"{what}'s action date"), order or 0


def _sponsor(sponsorship: dict, what: str) -> Sponsor:
    person = sponsorship.get("person")
    if person is None:
        person_id = ""
    else:
        person_id = _text(_object(person, f"{what}'s sponsor person").get("id"), f"{what}'s sponsor id")
    primary = sponsorship.get("primary")
    if primary is not None and not isinstance(primary, bool):
        raise UnexpectedAnswer(f"{what}'s sponsorship primary is {_kind(primary)}, not true or false")
    return Sponsor(
        name=_text(sponsorship.get("name"), f"{what}'s sponsor name").strip(),
        person_id=person_id,
        primary=bool(primary),
        classification=_text(sponsorship.get("classification"), f"{what}'s sponsor classification"),
    )


def _record(bill: dict, what: str) -> BillRecord:
    ocd_id = _text(bill.get("id"), f"{what}'s id", required=True)
    what = f"bill {ocd_id[:80]}"  # the server chose the id: quoted no longer than an id can be
    actions = sorted(_objects(bill.get("actions"), f"{what}'s actions"), key=lambda a: _action_order(a, what))
    abstracts = [
        text
        for a in _objects(bill.get("abstracts"), f"{what}'s abstracts")
        if (text := _text(a.get("abstract"), f"{what}'s abstract"))
    ]
    sponsors = tuple(
        sponsor
        for s in _objects(bill.get("sponsorships"), f"{what}'s sponsorships")
        if (sponsor := _sponsor(s, what)).name
    )
    latest = actions[-1] if actions else {}
    latest_action = _text(bill.get("latest_action_description"), f"{what}'s latest_action_description")
    latest_date = _text(bill.get("latest_action_date"), f"{what}'s latest_action_date")
    return BillRecord(
        ocd_id=ocd_id,
        session=_text(bill.get("session"), f"{what}'s session"),
        identifier=_text(bill.get("identifier"), f"{what}'s identifier", required=True),
        title=_text(bill.get("title"), f"{what}'s title").strip(),
        abstract=" ".join(abstracts).strip(),
        url=_official_url(bill, what),
        latest_action=latest_action or _text(latest.get("description"), f"{what}'s action description"),
        latest_action_date=_date(latest_date or _text(latest.get("date"), f"{what}'s action date")),
        updated_at=_datetime(_text(bill.get("updated_at"), f"{what}'s updated_at")),
        sponsors=sponsors,
        status=_status(actions, what),
        actions=tuple(_action(action, what) for action in actions),
    )


def _action(action: dict, what: str) -> BillAction:
    organization = action.get("organization")
    chamber = ""
    if organization is not None:
        kind = _text(
            _object(organization, f"{what}'s action organization").get("classification"),
            f"{what}'s action organization classification",
        )
        chamber = kind if kind in CHAMBERS else ""
    committees = tuple(
        (name, _organization_id(entity, f"{what}'s action entity"))
        for entity in _objects(action.get("related_entities"), f"{what}'s action related_entities")
        if _text(entity.get("entity_type"), f"{what}'s action entity_type") == "organization"
        and (name := _text(entity.get("name"), f"{what}'s action entity name").strip())
    )
    return BillAction(
        id=_text(action.get("id"), f"{what}'s action id"),
        date=_date(_text(action.get("date"), f"{what}'s action date")),
        description=_text(action.get("description"), f"{what}'s action description").strip(),
        classification=tuple(_texts(action.get("classification"), f"{what}'s action classification")),
        chamber=chamber,
        committees=committees,
    )


def _organization_id(entity: dict, what: str) -> str:
    """The ocd-organization id of a related entity or participant, "" when it names none."""
    organization = entity.get("organization")
    if organization is None:
        return ""
    return _text(_object(organization, f"{what}'s organization").get("id"), f"{what}'s organization id")


@dataclass(frozen=True)
class MemberRecord:
    person_name: str
    role: str
    person_id: str  # ocd-person/<uuid>, or "" when Open States links no person


@dataclass(frozen=True)
class CommitteeRecord:
    """A committee from GET /committees. The API's Committee has no chamber: it is the `chamber`
    the list was asked for (the API filters on the chamber of the committee's parent), and a
    subcommittee is asked for with its committee's chamber, so it is known, not guessed."""

    ocd_id: str
    name: str
    chamber: str
    classification: str  # "committee" or "subcommittee"
    parent_id: str  # the chamber's organization, or the committee of a subcommittee
    url: str
    members: tuple[MemberRecord, ...] = ()


@dataclass(frozen=True)
class HearingRecord:
    """An event from GET /events with bills on its agenda."""

    ocd_id: str
    name: str
    starts_at: datetime  # the legislature's wall-clock time, as the event gives it
    all_day: bool
    location: str
    status: str
    description: str
    url: str
    committee: tuple[str, str] | None  # (name, ocd-organization id or ""), from its participants
    bills: tuple[tuple[str, str], ...] = ()  # (ocd-bill id or "", identifier) on its agenda


def _source_url(item: dict, what: str) -> str:
    """The first web address among an item's sources, "" when none is one."""
    for source in _objects(item.get("sources"), f"{what}'s sources"):
        url = outside_url(_text(source.get("url"), f"{what}'s source url"))
        if url:
            return url
    return ""


def _committee(item: dict, chamber: str, what: str) -> CommitteeRecord:
    ocd_id = _text(item.get("id"), f"{what}'s id", required=True)
    what = f"committee {ocd_id[:80]}"
    members = []
    for membership in _objects(item.get("memberships"), f"{what}'s memberships"):
        person = membership.get("person")
        members.append(
            MemberRecord(
                person_name=_text(membership.get("person_name"), f"{what}'s member name").strip(),
                role=_text(membership.get("role"), f"{what}'s member role").strip() or "member",
                person_id=""
                if person is None
                else _text(_object(person, f"{what}'s member person").get("id"), f"{what}'s member id"),
            )
        )
    return CommitteeRecord(
        ocd_id=ocd_id,
        name=_text(item.get("name"), f"{what}'s name", required=True).strip(),
        chamber=chamber,
        classification=_text(item.get("classification"), f"{what}'s classification") or "committee",
        parent_id=_text(item.get("parent_id"), f"{what}'s parent_id"),
        url=_source_url(item, what),
        members=tuple(m for m in members if m.person_name),
    )


def _starts_at(text: str, what: str) -> tuple[datetime, bool]:
    """The event's start as the legislature's wall clock, and whether only a day is given."""
    try:
        if len(text) == 10:
            return datetime.fromisoformat(text), True
        return datetime.fromisoformat(text).replace(tzinfo=None), False
    except ValueError:
        raise UnexpectedAnswer(f"{what}'s start_date is not a date") from None


def _hearing(item: dict, what: str) -> HearingRecord:
    ocd_id = _text(item.get("id"), f"{what}'s id", required=True)
    what = f"event {ocd_id[:80]}"
    starts_at, day_only = _starts_at(
        _text(item.get("start_date"), f"{what}'s start_date", required=True), what
    )
    all_day = item.get("all_day")
    if all_day is not None and not isinstance(all_day, bool):
        raise UnexpectedAnswer(f"{what}'s all_day is {_kind(all_day)}, not true or false")
    location = item.get("location")
    committees = [
        (name, _organization_id(p, f"{what}'s participant"))
        for p in _objects(item.get("participants"), f"{what}'s participants")
        if _text(p.get("entity_type"), f"{what}'s participant entity_type") == "organization"
        and (name := _text(p.get("name"), f"{what}'s participant name").strip())
    ]
    bills = []
    for agenda_item in _objects(item.get("agenda"), f"{what}'s agenda"):
        for entity in _objects(agenda_item.get("related_entities"), f"{what}'s agenda related_entities"):
            if _text(entity.get("entity_type"), f"{what}'s agenda entity_type") != "bill":
                continue
            bill = entity.get("bill")
            bill_id = (
                ""
                if bill is None
                else _text(_object(bill, f"{what}'s agenda bill").get("id"), f"{what}'s agenda bill id")
            )
            bills.append((bill_id, _text(entity.get("name"), f"{what}'s agenda bill name").strip()))
    return HearingRecord(
        ocd_id=ocd_id,
        name=_text(item.get("name"), f"{what}'s name").strip(),
        starts_at=starts_at,
        all_day=bool(all_day) or day_only,
        location=""
        if location is None
        else _text(_object(location, f"{what}'s location").get("name"), f"{what}'s location name").strip(),
        status=_text(item.get("status"), f"{what}'s status").strip().lower(),
        description=_text(item.get("description"), f"{what}'s description").strip(),
        url=_source_url(item, what),
        committee=committees[0] if committees else None,
        bills=tuple(b for b in bills if b[0] or b[1]),
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
        per_day: int = 250,
        retries: int = 3,
        backoff: float = 5.0,
        max_seconds: float = MAX_SECONDS,
        max_bytes: int = MAX_BYTES,
        max_pages: int = MAX_PAGES,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not key:
            raise OpenStatesAPIError(f"No Open States API key is set. {KEY_HELP}", status=403)
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self.per_day = per_day  # the key's daily allowance, which refreshes share out (bills.committees)
        self._retry = retry_policy(retries=retries, backoff=backoff, longest_wait=LONGEST_WAIT)
        self.max_seconds = max_seconds
        self.max_bytes = max_bytes
        self.max_pages = max_pages
        self.sleep = sleep
        self.requests = 0  # calls made, counted against the daily allowance
        self._last = 0.0
        self._deadline = time.monotonic() + max_seconds
        self._http = requests.Session()
        self._http.headers.update({"User-Agent": USER_AGENT, "X-API-KEY": key, "Accept": "application/json"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> OpenStatesAPI:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def begin_refresh(self) -> None:
        """Start the clock of one refresh: its requests, waits and downloads share max_seconds."""
        self._deadline = time.monotonic() + self.max_seconds

    def sessions(self, abbr: str) -> list[Session]:
        answer = _object(self._get(f"/jurisdictions/{abbr}", [("include", "legislative_sessions")]), "it")
        sessions = []
        for s in _objects(answer.get("legislative_sessions"), "legislative_sessions"):
            identifier = _text(s.get("identifier"), "a session's identifier")
            if identifier:
                sessions.append(
                    Session(
                        identifier=identifier,
                        name=_text(s.get("name"), "a session's name") or identifier,
                        classification=_text(s.get("classification"), "a session's classification"),
                        start_date=_text(s.get("start_date"), "a session's start_date"),
                        end_date=_text(s.get("end_date"), "a session's end_date"),
                    )
                )
        return sessions

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
        for n, item in enumerate(self._every_page("/bills", params, "bills")):
            yield _record(item, f"bill {n + 1}")

    def committees(self, abbr: str, chambers: Sequence[str] = ("upper", "lower")) -> list[CommitteeRecord]:
        """The committees of these chambers with their members, every page; joint committees (whose
        parent is the legislature) are not asked for: bills are referred to a chamber's committees."""
        found = []
        for chamber in chambers:
            params = [
                ("jurisdiction", abbr),
                ("chamber", chamber),
                ("include", "memberships"),
                ("include", "sources"),
                ("per_page", str(PER_PAGE)),
            ]
            for n, item in enumerate(self._every_page("/committees", params, "committees")):
                found.append(_committee(item, chamber, f"committee {n + 1} of the {chamber} chamber"))
        return found

    def events(self, abbr: str, after: date, before: date) -> list[HearingRecord]:
        """The events with bills on their agenda that start between `after` and `before`."""
        params = [
            ("jurisdiction", abbr),
            ("after", after.isoformat()),
            ("before", before.isoformat()),
            ("require_bills", "true"),
            ("include", "agenda"),
            ("include", "sources"),
            ("include", "participants"),
            ("per_page", str(PER_PAGE)),
        ]
        return [
            _hearing(item, f"event {n + 1}")
            for n, item in enumerate(self._every_page("/events", params, "events"))
        ]

    def _every_page(self, path: str, params: list[tuple[str, str]], what: str) -> Iterator[dict]:
        """The results of every page of a list, at most max_pages of them."""
        page = 1
        while True:
            answer = _object(self._get(path, [*params, ("page", str(page))]), "it")
            results = _objects(answer.get("results"), "results")
            if len(results) > PER_PAGE:
                raise UnexpectedAnswer(f"it sent {len(results)} {what} in a page of {PER_PAGE}")
            yield from results
            pagination = _object(answer.get("pagination") or {}, "pagination")
            max_page = _whole(pagination.get("max_page"), "pagination.max_page", default=1)
            if page >= max_page:
                return
            if max_page > self.max_pages:
                raise OpenStatesAPIError(
                    f"Open States lists {max_page} pages of {what}, more than the {self.max_pages} a "
                    "refresh may ask for (OPENSTATES_API_MAX_PAGES); nothing was changed."
                )
            page += 1

    def _get(self, path: str, params: list[tuple[str, str]]) -> object:
        url = self.base_url + path
        retry = self._retry
        while True:
            wait = self._last + self.interval - time.monotonic()
            if wait > 0:
                if wait >= self._left():
                    raise self._out_of_time()
                self.sleep(wait)
            self._last = time.monotonic()
            self.requests += 1
            response, body = self._fetch(url, params)
            status = response.status
            if status == 200:
                try:
                    return json.loads(body)
                except (ValueError, RecursionError) as error:
                    raise OpenStatesAPIError(
                        "Open States answered with something that is not JSON."
                    ) from error
            detail = _detail(body, response.reason or "")
            again = self._asking_again(retry, url, response)
            if again is None:
                raise OpenStatesAPIError(_explain(status, detail), status=status)
            retry, pause = again
            log.warning("Open States answered %s (%s); asking again in %.0f s", status, detail, pause)
            if pause > 0:
                self.sleep(pause)

    def _asking_again(self, retry: Retry, url: str, response: BaseHTTPResponse) -> tuple[Retry, float] | None:
        """The policy after this answer and the wait before asking again; None when the answer stands
        (not worth asking again, asked as often as the policy allows, or no time left to wait)."""
        if not retry.is_retry("GET", response.status):
            return None
        try:
            retry = retry.increment("GET", url, response=response)
        except MaxRetryError:
            return None
        pause = wait_before_retry(retry, response)
        return (retry, pause) if pause < self._left() else None

    def _fetch(self, url: str, params: list[tuple[str, str]]) -> tuple[BaseHTTPResponse, bytes]:
        """One GET's answer (status, reason, headers) and its body, read to max_bytes and within the
        deadline."""
        timeout = min(self.timeout, self._left())
        try:
            response = self._http.get(url, params=params, timeout=(timeout, timeout), stream=True)
        except requests.Timeout as error:
            raise self._timed_out(timeout) from error
        except requests.RequestException as error:
            raise OpenStatesAPIError(f"Open States could not be reached ({type(error).__name__}).") from error
        with response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise self._too_large()
            body = bytearray()
            while True:
                # Each read waits at most what is left of the refresh: an answer that trickles
                # in a byte at a time ends with the deadline, not when the server stops.
                left = self._left()
                sock = getattr(response.raw.connection, "sock", None)
                if sock is not None:
                    sock.settimeout(min(self.timeout, left))
                try:
                    chunk = response.raw.read1(CHUNK, decode_content=True)
                except ReadTimeoutError as error:
                    raise self._timed_out(min(self.timeout, left)) from error
                except (HTTPError, OSError) as error:
                    raise OpenStatesAPIError(
                        f"Open States' answer broke off ({type(error).__name__}); try again later."
                    ) from error
                if not chunk:
                    return response.raw, bytes(body)
                body += chunk
                if len(body) > self.max_bytes:
                    raise self._too_large()

    def _left(self) -> float:
        """Seconds left of the refresh; past its deadline, the refresh ends here."""
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise self._out_of_time()
        return left

    def _timed_out(self, waited: float) -> OpenStatesAPIError:
        if self._deadline - time.monotonic() <= 0:
            return self._out_of_time()
        return OpenStatesAPIError(f"Open States did not answer within {waited:g} seconds; try again later.")

    def _out_of_time(self) -> OpenStatesAPIError:
        return OpenStatesAPIError(
            f"the refresh took longer than {self.max_seconds:g} seconds (OPENSTATES_API_MAX_SECONDS), "
            "so it was stopped and nothing was changed; the next refresh will try again."
        )

    def _too_large(self) -> OpenStatesAPIError:
        return OpenStatesAPIError(
            f"Open States' answer is larger than {self.max_bytes:,} bytes (OPENSTATES_API_MAX_BYTES), "
            "so it was not read; nothing was changed."
        )


DETAIL_LENGTH = 300  # of an error's detail quoted in a message: the server chooses what it says


def _detail(body: bytes, reason: str) -> str:
    try:
        detail = json.loads(body).get("detail")
    except (ValueError, AttributeError, RecursionError):
        detail = None
    text = detail if isinstance(detail, str) else reason
    return text[:DETAIL_LENGTH] + ("…" if len(text) > DETAIL_LENGTH else "")


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
