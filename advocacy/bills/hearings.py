"""Hearings as their pages show them: one hearing with its agenda and committee, and a state's
upcoming ones."""

from __future__ import annotations

from sqlalchemy.orm import Session, selectinload

from advocacy.errors import NotFound
from advocacy.models import Bill, Committee, CommitteeMember, Hearing, Legislator, State


class UnknownHearing(NotFound):
    pass


class UnknownHearingState(NotFound):
    pass


def get_hearing(session: Session, hearing_id: int) -> Hearing:
    """The hearing with its committee's members and its agenda's bills (UnknownHearing if none)."""
    hearing = session.get(
        Hearing,
        hearing_id,
        options=[
            selectinload(Hearing.committee)
            .selectinload(Committee.members)
            .selectinload(CommitteeMember.legislator),
            selectinload(Hearing.bills).selectinload(Bill.committee),
            selectinload(Hearing.bills).selectinload(Bill.areas),
        ],
    )
    if hearing is None:
        raise UnknownHearing(
            f"There is no hearing number {hearing_id} on this site: it may have been removed. "
            "A state's page lists its upcoming hearings."
        )
    return hearing


def state_for_hearings(session: Session, abbr: str) -> State:
    state = session.get(State, abbr.lower()) if len(abbr) == 2 else None
    if state is None:
        raise UnknownHearingState(f"There is no state with the postal code {abbr.upper()!r}.")
    return state


def agenda(hearing: Hearing) -> list[Bill]:
    """The weak-area bills on the hearing's agenda: those that address an issue area and that no
    admin has hidden, by number."""
    return sorted((b for b in hearing.bills if b.areas and not b.hidden), key=lambda b: b.identifier)


def sitting_members(hearing: Hearing) -> list[Legislator]:
    """The committee's members this site can write to: known, and still sitting."""
    if hearing.committee is None:
        return []
    return [
        seat.legislator
        for seat in hearing.committee.members
        if seat.legislator is not None and seat.legislator.retired_at is None
    ]
