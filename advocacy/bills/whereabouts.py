"""Where a bill is, who decides its next step, and its next hearing: in the words the state page,
the hearing page, letters, campaigns and alerts all use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from advocacy.dates import long_date
from advocacy.models import Bill, Committee, CommitteeMember, Hearing, Legislator, State
from advocacy.models.bills import BillPlace, BillStatus
from advocacy.models.committees import CHAMBER_WORDS, HearingStatus


def place_words(bill: Bill) -> str:
    """Where the bill is, as a sentence: "In the House Committee on Children and Families since
    February 10, 2026", "On the Senate floor since March 3, 2026", "Became law", "Did not pass"; "" when
    nothing says."""
    if bill.status == BillStatus.ENACTED:
        return "Became law"
    if bill.status == BillStatus.FAILED:
        return "Did not pass"
    since = f" since {long_date(bill.place_since)}" if bill.place_since else ""
    if bill.place == BillPlace.COMMITTEE and bill.committee is not None:
        return f"In the {bill.committee.title}{since}"
    if bill.place == BillPlace.FLOOR:
        chamber = CHAMBER_WORDS.get(bill.place_chamber, "")
        where = f"the {chamber} floor" if chamber and chamber != "Joint" else "the floor"
        return f"On {where}{since}"
    return ""


def hearing_time(hearing: Hearing) -> str:
    """ "February 10, 2026 at 9:30 AM" in the legislature's own time; the day alone when all day."""
    day = long_date(hearing.starts_at.date())
    if hearing.all_day:
        return day
    return f"{day} at {hearing.starts_at:%I:%M %p}".replace(" at 0", " at ")


def is_upcoming(hearing: Hearing, today: date) -> bool:
    return hearing.status != HearingStatus.CANCELLED and hearing.starts_at.date() >= today


def next_hearing(bill: Bill, today: date) -> Hearing | None:
    """The bill's next hearing that is not cancelled, from today on (its hearings load in order)."""
    return next((h for h in bill.hearings if is_upcoming(h, today)), None)


def _coming(today: date) -> tuple:
    """Hearings from today on that are not cancelled (is_upcoming, in SQL)."""
    return (
        Hearing.starts_at >= datetime.combine(today, datetime.min.time()),
        Hearing.status != HearingStatus.CANCELLED.value,
    )


def _upcoming(state: State, today: date) -> tuple:
    return (Hearing.state_abbr == state.abbr, *_coming(today))


def upcoming_hearings(session: Session, state: State, today: date) -> list[Hearing]:
    """The state's hearings from today on that are not cancelled, soonest first, with their
    committees, members and agenda bills loaded."""
    query = (
        select(Hearing)
        .where(*_upcoming(state, today))
        .options(
            selectinload(Hearing.bills).selectinload(Bill.areas),
            selectinload(Hearing.committee).selectinload(Committee.members),
        )
        .order_by(Hearing.starts_at, Hearing.id)
    )
    return list(session.scalars(query))


@dataclass(frozen=True)
class HearingOutlook:
    """What a state's page says of hearings: each bill's next one, and, when the state has none
    coming, whether that is Open States' answer or no key is set to ask it."""

    state_name: str
    next_by_bill: dict[int, Hearing]
    any_upcoming: bool  # the state has a hearing coming, from Open States or added by hand
    asks_open_states: bool  # an Open States key is set

    def next_for(self, bill: Bill) -> Hearing | None:
        return self.next_by_bill.get(bill.id)


def hearing_outlook(
    session: Session, state: State, bills: list[Bill], today: date, asks_open_states: bool
) -> HearingOutlook:
    """The outlook for `bills`, whose hearings are loaded: one query more, for the whole state."""
    coming = session.scalar(select(Hearing.id).where(*_upcoming(state, today)).limit(1))
    found = {bill.id: hearing for bill in bills if (hearing := next_hearing(bill, today)) is not None}
    return HearingOutlook(state.name, found, coming is not None, asks_open_states)


def seats_of(session: Session, legislator_id: str) -> list[CommitteeMember]:
    """A lawmaker's seats on committees (with each committee), by the committee's name."""
    query = (
        select(CommitteeMember)
        .join(CommitteeMember.committee)
        .where(CommitteeMember.legislator_id == legislator_id)
        .options(selectinload(CommitteeMember.committee))
        .order_by(Committee.chamber.desc(), Committee.name)
    )
    return list(session.scalars(query))


def next_committee_hearings(
    session: Session, seats: list[CommitteeMember], today: date
) -> dict[int, Hearing]:
    """Committee id → its next hearing that is not cancelled, for the committees of these seats."""
    ids = {seat.committee_id for seat in seats}
    if not ids:
        return {}
    query = (
        select(Hearing)
        .where(Hearing.committee_id.in_(ids), *_coming(today))
        .order_by(Hearing.starts_at.desc(), Hearing.id.desc())
    )
    # Latest first, so the soonest of each committee is written last and kept.
    return {hearing.committee_id: hearing for hearing in session.scalars(query)}


def seat_words(member: CommitteeMember) -> str:
    """A seat as a letter names it: "the chair of the House Committee on Children and Families",
    "a member of the Senate Committee on Judiciary"."""
    role = (member.role or "member").strip().lower()
    article = "a" if role == "member" else "the"
    return f"{article} {role} of the {member.committee.title}"


def who_decides(session: Session, bill: Bill) -> list[Legislator]:
    """The sitting lawmakers who decide the bill's next step: the members of the committee that
    holds it, or every member of the chamber whose floor it is on; nobody once it is law or has
    failed, or while nothing says where it is."""
    if bill.status != BillStatus.PENDING:
        return []
    query = select(Legislator).where(
        Legislator.state_abbr == bill.state_abbr, Legislator.retired_at.is_(None)
    )
    if bill.place == BillPlace.COMMITTEE and bill.committee_id is not None:
        seats = select(CommitteeMember.legislator_id).where(CommitteeMember.committee_id == bill.committee_id)
        query = query.where(Legislator.id.in_(seats))
    elif bill.place == BillPlace.FLOOR and bill.place_chamber:
        query = query.where(Legislator.chamber == bill.place_chamber)
    else:
        return []
    return list(session.scalars(query.order_by(Legislator.chamber.desc(), Legislator.name)))
