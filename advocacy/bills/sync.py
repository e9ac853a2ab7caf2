"""Refreshing a state's trafficking bills from Open States API v3, one transaction per state.

The client reads answers by their documented types; here every bill is checked against the columns
that keep it before any is kept, and a state whose refresh fails, for whatever reason, is recorded
as failed while the next state goes on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Column, select
from sqlalchemy.orm import Session

from advocacy.bills.committees import CommitteeCounts, InvalidCommittees, follow_bills
from advocacy.bills.topics import rubric
from advocacy.clients.openstates_api import (
    BillRecord,
    OpenStatesAPI,
    OpenStatesAPIError,
    current_session,
)
from advocacy.clock import utcnow
from advocacy.models import Bill, BillRefresh, BillSession, BillSponsor, Framework, Legislator, State

log = logging.getLogger(__name__)

# A state's list of sessions is asked for again after this long (a new session starts once a
# year or two); an admin's choice is kept until the admin clears it.
SESSION_CHECK_AGE = timedelta(days=7)

# Text columns take any length: these bound what a page, a letter form and the API carry of one
# bill. Real titles run to a few hundred characters (California's to a thousand or two), abstracts
# to a few thousand.
TEXT_LIMITS = {"title": 5_000, "abstract": 20_000, "latest_action": 2_000, "url": 2_000}
MAX_SPONSORS = 1_000  # a state bill's sponsors and co-sponsors are at most a chamber


class InvalidBills(ValueError):
    """Open States sent something that cannot be kept as it is; the message names the first."""


def _limit(column: Column) -> int:
    return getattr(column.type, "length", None) or TEXT_LIMITS[column.key]


def _check_length(value: str, column: Column, what: str) -> None:
    limit = _limit(column)
    if len(value) > limit:
        raise InvalidBills(
            f"the {column.key} of {what} is {len(value):,} characters long, more than the {limit:,} "
            "this site keeps; nothing was changed"
        )


def check_records(records: list[BillRecord]) -> None:
    """Every bill fits the columns that keep it, and no number names two bills: else InvalidBills."""
    bills, sponsors = Bill.__table__.c, BillSponsor.__table__.c
    owners: dict[str, str] = {}
    for record in records:
        what = f"Open States' bill {record.ocd_id[:64]}"
        _check_length(record.ocd_id, bills.ocd_id, what)
        for name in ("identifier", "title", "abstract", "url", "latest_action"):
            _check_length(getattr(record, name), bills[name], what)
        if len(record.sponsors) > MAX_SPONSORS:
            raise InvalidBills(f"{what} lists {len(record.sponsors):,} sponsors; nothing was changed")
        for sponsor in record.sponsors:
            _check_length(sponsor.name, sponsors.name, f"{what}'s sponsor")
            _check_length(sponsor.classification, sponsors.classification, f"{what}'s sponsor")
            _check_length(sponsor.person_id, Legislator.__table__.c.id, f"{what}'s sponsor")
        if owners.setdefault(record.identifier, record.ocd_id) != record.ocd_id:
            raise InvalidBills(
                f"Open States sent two bills numbered {record.identifier}; nothing was changed"
            )


@dataclass(frozen=True)
class BillCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def describe(self) -> str:
        return f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"

    def __add__(self, other: BillCounts) -> BillCounts:
        return BillCounts(
            self.added + other.added, self.updated + other.updated, self.unchanged + other.unchanged
        )


def _counted(number: int, word: str) -> str:
    return f"{number} {word}" + ("" if number == 1 else "s")


@dataclass(frozen=True)
class RefreshOutcome:
    abbr: str
    session: str
    counts: BillCounts | None  # None when the refresh failed
    error: str = ""
    where: CommitteeCounts = field(default_factory=CommitteeCounts)
    requests: int = 0

    def describe(self) -> str:
        """ "mo: 3 added, 1 updated, 0 unchanged; 2 committees, 1 hearing (5 requests)" """
        if self.counts is None:
            return f"{self.abbr}: failed: {self.error}"
        return (
            f"{self.abbr}: {self.counts.describe()}; {_counted(self.where.committees, 'committee')}, "
            f"{_counted(self.where.hearings, 'hearing')} ({_counted(self.requests, 'request')})"
        )


def chosen_session(session: Session, api: OpenStatesAPI, state: State, today: date) -> BillSession:
    """The session to show: an admin's choice, a recent answer, or the API's list chosen by date."""
    kept = session.get(BillSession, state.abbr)
    if kept is not None and (kept.chosen_by_admin or utcnow() - kept.checked_at < SESSION_CHECK_AGE):
        return kept
    found = current_session(api.sessions(state.abbr), today)
    if found is None:
        raise OpenStatesAPIError(f"Open States lists no legislative session for {state.name}.")
    columns = BillSession.__table__.c
    _check_length(found.identifier, columns.identifier, "Open States' current session")
    _check_length(found.name, columns.name, "Open States' current session")
    if kept is None:
        kept = BillSession(state_abbr=state.abbr)
        session.add(kept)
    kept.identifier, kept.name, kept.chosen_by_admin, kept.checked_at = (
        found.identifier,
        found.name,
        False,
        utcnow(),
    )
    kept.end_date = found.ends_on
    return kept


def refresh_state(session: Session, api: OpenStatesAPI, state: State, today: date) -> RefreshOutcome:
    """Ask for the state's trafficking bills changed since the last good refresh, and keep them.

    A failed refresh changes no bill; it is recorded with its reason for the admin's page. Its
    time is capped by the client (OPENSTATES_API_MAX_SECONDS), from here.
    """
    abbr = state.abbr
    started = utcnow()
    asked_before = api.requests
    chosen = ""
    api.begin_refresh()
    try:
        bill_session = chosen_session(session, api, state, today)
        chosen = bill_session.identifier
        last = last_good_refresh(session, abbr, chosen)
        since = last.started_at if last is not None else None
        records = list(api.search_bills(abbr, chosen, rubric().query(), since))
        check_records(records)
        counts = _keep(session, state, bill_session, records)
        where = follow_bills(session, api, state, chosen, records, today)
        session.flush()  # what the database refuses, it refuses here, for this state alone
    except (OpenStatesAPIError, InvalidBills, InvalidCommittees) as error:
        session.rollback()
        outcome = RefreshOutcome(abbr, chosen, None, str(error))
        counts, where = BillCounts(), CommitteeCounts()
    except Exception as error:  # whatever went wrong, the next state goes on
        session.rollback()
        log.exception("The refresh of %s's bills failed", abbr)
        outcome = RefreshOutcome(
            abbr, chosen, None, f"the bills could not be kept ({type(error).__name__}); nothing was changed"
        )
        counts, where = BillCounts(), CommitteeCounts()
    else:
        outcome = RefreshOutcome(abbr, chosen, counts, where=where, requests=api.requests - asked_before)
    session.add(
        BillRefresh(
            state_abbr=abbr,
            session=chosen,
            started_at=started,
            finished_at=utcnow(),
            added=counts.added,
            updated=counts.updated,
            unchanged=counts.unchanged,
            requests=api.requests - asked_before,
            committees=where.committees,
            hearings=where.hearings,
            error=outcome.error,
        )
    )
    session.commit()
    return outcome


def last_good_refresh(session: Session, abbr: str, bill_session: str | None = None) -> BillRefresh | None:
    query = select(BillRefresh).where(BillRefresh.state_abbr == abbr, BillRefresh.error == "")
    if bill_session is not None:
        query = query.where(BillRefresh.session == bill_session)
    return session.scalar(query.order_by(BillRefresh.started_at.desc(), BillRefresh.id.desc()))


def latest_refreshes(session: Session, abbr: str, count: int = 5) -> list[BillRefresh]:
    query = select(BillRefresh).where(BillRefresh.state_abbr == abbr)
    return list(session.scalars(query.order_by(BillRefresh.id.desc()).limit(count)))


def _keep(session: Session, state: State, bill_session: BillSession, records: list[BillRecord]) -> BillCounts:
    framework = session.scalar(select(Framework).where(Framework.featured))
    areas_by_code = {a.code: a for a in framework.issue_areas} if framework else {}
    in_session = list(
        session.scalars(
            select(Bill).where(Bill.state_abbr == state.abbr, Bill.session == bill_session.identifier)
        )
    )
    stored = {bill.ocd_id: bill for bill in in_session if bill.ocd_id}
    # Bills an admin added by hand before a key was set: Open States' record takes them over.
    by_hand = {bill.identifier: bill for bill in in_session if not bill.ocd_id}
    sponsor_ids = {s.person_id for r in records for s in r.sponsors if s.person_id}
    known = (
        set(session.scalars(select(Legislator.id).where(Legislator.id.in_(sponsor_ids))))
        if sponsor_ids
        else set()
    )
    added = updated = 0
    seen: set[str] = set()
    for record in records:
        if record.ocd_id in seen:
            continue
        seen.add(record.ocd_id)
        bill = stored.get(record.ocd_id)
        if bill is None and record.identifier in by_hand:
            bill = by_hand.pop(record.identifier)
            bill.ocd_id, bill.added_by_hand = record.ocd_id, False
            updated += 1
        elif bill is None:
            bill = Bill(
                ocd_id=record.ocd_id,
                state_abbr=state.abbr,
                session=bill_session.identifier,
                first_seen_at=utcnow(),
            )
            session.add(bill)
            added += 1
        elif _same(bill, record, known):
            continue
        else:
            updated += 1
        _copy(bill, record, bill_session, known)
        if not bill.areas_confirmed:
            codes = rubric().area_codes(record.title, record.abstract)
            bill.areas = [areas_by_code[code] for code in codes if code in areas_by_code]
    # Every bill of the session kept before and not changed now: returned the same, or not
    # returned at all (the API sends only the bills updated since the last good refresh).
    return BillCounts(added, updated, len(in_session) - updated)


def _sponsor_rows(record: BillRecord, known: set[str]) -> list[tuple[str, str | None, bool, str]]:
    return [
        (s.name, s.person_id if s.person_id in known else None, s.primary, s.classification)
        for s in record.sponsors
    ]


def _same(bill: Bill, record: BillRecord, known: set[str]) -> bool:
    return (
        bill.title,
        bill.abstract,
        bill.url,
        bill.latest_action,
        bill.latest_action_date,
        bill.identifier,
        bill.status,
        [(s.name, s.legislator_id, s.primary, s.classification) for s in bill.sponsors],
    ) == (
        record.title,
        record.abstract,
        record.url,
        record.latest_action,
        record.latest_action_date,
        record.identifier,
        record.status,
        _sponsor_rows(record, known),
    )


def _copy(bill: Bill, record: BillRecord, bill_session: BillSession, known: set[str]) -> None:
    bill.identifier = record.identifier
    bill.session_name = bill_session.name
    bill.title = record.title or record.identifier
    bill.abstract = record.abstract
    bill.url = record.url
    bill.latest_action = record.latest_action
    bill.latest_action_date = record.latest_action_date
    bill.status = record.status
    bill.source_updated_at = record.updated_at
    bill.sponsors = [
        BillSponsor(position=n, name=name, legislator_id=person, primary=primary, classification=kind)
        for n, (name, person, primary, kind) in enumerate(_sponsor_rows(record, known))
    ]
