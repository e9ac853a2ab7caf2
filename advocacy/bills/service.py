"""Bills as pages and letters use them: a state's bills by issue area, a lawmaker's bills, and the
client the settings describe."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from advocacy.bills.sync import RefreshOutcome, last_good_refresh, refresh_state
from advocacy.clients.openstates_api import OpenStatesAPI
from advocacy.errors import NotFound
from advocacy.models import Bill, BillSession, BillSponsor, Hearing, IssueArea, State
from advocacy.models.bills import BillStatus


class UnknownBill(NotFound):
    pass


def api_configured(config: Mapping) -> bool:
    return bool(config["OPENSTATES_API_KEY"])


def api_from_config(config: Mapping) -> OpenStatesAPI:
    """The Open States client the settings describe (OpenStatesAPIError when no key is set)."""
    return OpenStatesAPI(
        config["OPENSTATES_API_URL"],
        config["OPENSTATES_API_KEY"],
        timeout=float(config["HTTP_TIMEOUT"]),
        per_minute=int(config["OPENSTATES_API_PER_MINUTE"]),
        per_day=int(config["OPENSTATES_API_PER_DAY"]),
        backoff=float(config["OPENSTATES_API_BACKOFF"]),
        max_seconds=float(config["OPENSTATES_API_MAX_SECONDS"]),
        max_bytes=int(config["OPENSTATES_API_MAX_BYTES"]),
        max_pages=int(config["OPENSTATES_API_MAX_PAGES"]),
    )


def refresh_states(
    session: Session, config: Mapping, states: list[State], today: date
) -> list[RefreshOutcome]:
    with api_from_config(config) as api:
        return [refresh_state(session, api, state, today) for state in states]


def _with_what_pages_show(query: Select) -> Select:
    """A bill line's areas, sponsors, committee and hearings: a few queries for any number of bills."""
    return query.options(
        selectinload(Bill.areas),
        selectinload(Bill.sponsors).selectinload(BillSponsor.legislator),
        selectinload(Bill.committee),
        selectinload(Bill.hearings).selectinload(Hearing.committee),
    )


def _shown(query: Select) -> Select:
    """Bills an admin has not hidden, with what a page shows of them."""
    return _with_what_pages_show(query.where(Bill.hidden.is_(False)))


def current_session_of(session: Session, state: State) -> BillSession | None:
    return session.get(BillSession, state.abbr)


def state_bills(session: Session, state: State, area: IssueArea | None = None) -> list[Bill]:
    """The state's bills of its current session (every session when none is known yet), newest
    action first; with `area`, only those that address it."""
    query = select(Bill).where(Bill.state_abbr == state.abbr)
    current = current_session_of(session, state)
    if current is not None:
        query = query.where(Bill.session == current.identifier)
    if area is not None:
        query = query.where(Bill.areas.contains(area))
    query = query.order_by(Bill.latest_action_date.desc().nulls_last(), Bill.identifier)
    return list(session.scalars(_shown(query)))


def state_bills_for_admin(session: Session, state: State) -> list[Bill]:
    """Every bill kept for the state, hidden ones too, newest session and action first."""
    query = (
        select(Bill)
        .where(Bill.state_abbr == state.abbr)
        .order_by(Bill.session.desc(), Bill.latest_action_date.desc().nulls_last(), Bill.identifier)
    )
    return list(session.scalars(_with_what_pages_show(query)))


def bills_by_area(bills: list[Bill]) -> dict[int, list[Bill]]:
    """Issue-area id → the bills that address it."""
    found: dict[int, list[Bill]] = {}
    for bill in bills:
        for area in bill.areas:
            found.setdefault(area.id, []).append(bill)
    return found


def sponsored_bills(session: Session, legislator_id: str) -> list[Bill]:
    query = (
        select(Bill)
        .join(Bill.sponsors)
        .where(BillSponsor.legislator_id == legislator_id)
        .order_by(Bill.latest_action_date.desc().nulls_last(), Bill.identifier)
        .distinct()
    )
    return list(session.scalars(_shown(query)))


def get_bill(session: Session, bill_id: int) -> Bill:
    bill = session.get(Bill, bill_id)
    if bill is None:
        raise UnknownBill("There is no such bill.")
    return bill


@dataclass(frozen=True)
class Freshness:
    """What a state's page says about its bills: the session, and when they were last refreshed."""

    session_name: str
    refreshed_at: datetime | None
    session_ended: date | None = None  # the session's end, once it is past

    def session_words(self, bills: list[Bill]) -> str:
        """The session a heading names: "the 2026 regular session", "the 2025-2026 session"; the one
        Open States last named, else the one the bills carry, else "the current session"."""
        named = self.session_name or (bills[0].session_name or bills[0].session if bills else "")
        if not named:
            return "the current session"
        words = named if "session" in named.lower() else f"{named} session"
        return f"the {words.lower()}"


def freshness(session: Session, state: State) -> Freshness:
    current = current_session_of(session, state)
    last = last_good_refresh(session, state.abbr)
    ended = current.end_date if current is not None and current.ended else None
    return Freshness(current.name if current else "", last.finished_at if last else None, ended)


def pending(bills: list[Bill]) -> list[Bill]:
    """Bills a letter may still ask a lawmaker to support: not yet law, not failed."""
    return [bill for bill in bills if bill.status == BillStatus.PENDING]
