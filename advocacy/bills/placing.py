"""An admin's corrections to where bills are: a bill's committee or floor, set or handed back to
the refreshes, and hearings added or removed by hand. Each is audited, and each move or new
hearing is noted as a BillEvent (key "admin:…"), so followers hear of hand corrections too."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from advocacy.audit import record
from advocacy.bills.whereabouts import hearing_time, place_words
from advocacy.clock import utcnow
from advocacy.links import outside_url
from advocacy.models import Bill, BillEvent, Committee, Hearing, State, User
from advocacy.models.bills import BillPlace
from advocacy.models.committees import CHAMBER_WORDS, BillEventKind, HearingStatus

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


class InvalidCorrection(ValueError):
    """What to fix in an admin's correction, in the admin's words; nothing was saved."""


@dataclass(frozen=True)
class PlaceEntry:
    """Where an admin says a bill is: a committee (chosen by id, or typed as a new name with its
    chamber), or the floor of a chamber; since a day written YYYY-MM-DD, or ""."""

    where: str  # BillPlace.COMMITTEE or BillPlace.FLOOR
    committee_id: int | None = None
    new_committee: str = ""
    chamber: str = ""
    since: str = ""


@dataclass(frozen=True)
class HandHearing:
    committee_id: int | None
    day: str  # YYYY-MM-DD
    clock: str = ""  # HH:MM, the legislature's own time; "" when all day
    all_day: bool = False
    location: str = ""
    source: str = ""
    bill_ids: list[int] = field(default_factory=list)


def parse_day(text: str, what: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        if not DAY.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidCorrection(
            f"Nothing was saved: give {what} as year-month-day, such as 2026-02-10, not {text!r}."
        ) from None


def _clock(text: str) -> time:
    found = CLOCK.match(text.strip())
    if found is None or int(found[1]) > 23 or int(found[2]) > 59:
        raise InvalidCorrection(
            f"Nothing was saved: give the time on a 24-hour clock, such as 09:30 or 14:00, not {text!r}."
        )
    return time(int(found[1]), int(found[2]))


def _chambers(state: State) -> dict[str, str]:
    return dict(state.chambers)


def _chamber_names(state: State) -> str:
    return " or ".join(words for _chamber, words in chamber_choices(state))


def _committee_of(session: Session, state: State, committee_id: int | None) -> Committee:
    committee = session.get(Committee, committee_id) if committee_id is not None else None
    if committee is None or committee.state_abbr != state.abbr:
        raise InvalidCorrection(f"Nothing was saved: choose one of {state.name}'s committees from the list.")
    return committee


def _typed_committee(session: Session, state: State, name: str, chamber: str) -> Committee:
    """The committee an admin typed: the state's own one of that name and chamber, else a new one."""
    name = " ".join(name.split())
    if len(name) > 300:
        raise InvalidCorrection("Nothing was saved: a committee's name can be at most 300 characters long.")
    if chamber not in _chambers(state):
        raise InvalidCorrection(
            f"Nothing was saved: choose the chamber of the new committee ({_chamber_names(state)})."
        )
    found = session.scalar(
        select(Committee).where(
            Committee.state_abbr == state.abbr, Committee.chamber == chamber, Committee.name == name
        )
    )
    if found is None:
        found = Committee(state_abbr=state.abbr, chamber=chamber, name=name, added_by_hand=True)
        session.add(found)
        session.flush()
    return found


def _place_facts(bill: Bill) -> dict:
    return {
        "place": bill.place,
        "chamber": bill.place_chamber,
        "committee": bill.committee.title if bill.committee is not None else None,
        "since": bill.place_since,
        "by_admin": bill.place_by_admin,
    }


def set_place(session: Session, actor: User, bill: Bill, entry: PlaceEntry, today: date) -> None:
    """Put the bill where the admin says; refreshes keep it there until the admin clears it."""
    state = bill.state
    since = parse_day(entry.since, "the date it got there")
    if entry.where == BillPlace.COMMITTEE:
        if entry.committee_id is not None and entry.new_committee.strip():
            raise InvalidCorrection(
                "Nothing was saved: choose a committee from the list or type a new one's name, not both."
            )
        if entry.committee_id is None and not entry.new_committee.strip():
            raise InvalidCorrection(
                "Nothing was saved: choose the committee from the list, or type its name if it is not there."
            )
        if entry.committee_id is not None:
            committee = _committee_of(session, state, entry.committee_id)
        else:
            committee = _typed_committee(session, state, entry.new_committee, entry.chamber)
        chamber = committee.chamber
    elif entry.where == BillPlace.FLOOR:
        if entry.chamber not in _chambers(state):
            raise InvalidCorrection(
                f"Nothing was saved: choose the chamber whose floor it is on ({_chamber_names(state)})."
            )
        committee, chamber = None, entry.chamber
    else:
        raise InvalidCorrection(
            "Nothing was saved: choose whether the bill is in a committee or on the floor."
        )
    before = _place_facts(bill)
    moved = (bill.place, bill.place_chamber, bill.committee_id) != (
        entry.where,
        chamber,
        committee.id if committee else None,
    )
    bill.place, bill.place_chamber, bill.committee = BillPlace(entry.where).value, chamber, committee
    bill.place_since, bill.place_by_admin = since, True
    if moved:
        _note_move(session, bill, since or today)
    record(session, actor, "bill.place", "bill", str(bill.id), before=before, after=_place_facts(bill))


def _note_move(session: Session, bill: Bill, day: date) -> None:
    """A move an admin made, as followers are told of it."""
    into_committee = bill.place == BillPlace.COMMITTEE
    session.add(
        BillEvent(
            bill=bill,
            key=f"admin:place:{uuid.uuid4().hex}",
            kind=(BillEventKind.REFERRED if into_committee else BillEventKind.COMMITTEE_VOTE).value,
            happened_on=day,
            description=f"{place_words(bill)} (as this site's admins corrected it)",
            source=outside_url(bill.url),
            committee=bill.committee if into_committee else None,
            seen_at=utcnow(),
        )
    )


def clear_place(session: Session, actor: User, bill: Bill) -> None:
    """Hand the bill's place back to the refreshes: the next one decides where it is."""
    before = _place_facts(bill)
    bill.place_by_admin = False
    record(session, actor, "bill.place.clear", "bill", str(bill.id), before=before, after=_place_facts(bill))


def add_hearing(session: Session, actor: User, state: State, entry: HandHearing) -> Hearing:
    """A hearing the admin knows of, with the state's bills on its agenda; refreshes keep it."""
    committee = _committee_of(session, state, entry.committee_id)
    day = parse_day(entry.day, "the hearing's date")
    if day is None:
        raise InvalidCorrection(
            "Nothing was saved: give the hearing's date"
            + (" as well as its time." if entry.clock.strip() else ", such as 2026-02-10.")
        )
    if entry.all_day and entry.clock.strip():
        raise InvalidCorrection("Nothing was saved: give a time, or tick 'All day', not both.")
    if not entry.all_day and not entry.clock.strip():
        raise InvalidCorrection("Nothing was saved: give the hearing's time, or tick 'All day'.")
    starts = datetime.combine(day, time(0, 0) if entry.all_day else _clock(entry.clock))
    source = entry.source.strip()
    if source and not outside_url(source):
        raise InvalidCorrection("Nothing was saved: give the source as a web address starting with https://.")
    bills = _agenda(session, state, entry.bill_ids)
    hearing = Hearing(
        state_abbr=state.abbr,
        committee=committee,
        name=f"{committee.title} hearing",
        starts_at=starts,
        all_day=entry.all_day,
        location=" ".join(entry.location.split())[:500],
        status=HearingStatus.CONFIRMED.value,
        url=source,
        added_by_hand=True,
        first_seen_at=utcnow(),
        bills=bills,
    )
    session.add(hearing)
    session.flush()
    for bill in bills:
        session.add(
            BillEvent(
                bill=bill,
                key=f"admin:hearing:{hearing.id}",
                kind=BillEventKind.HEARING.value,
                happened_on=day,
                description=f"Hearing before the {committee.title} on {hearing_time(hearing)}",
                source=source,
                hearing=hearing,
                committee=committee,
                seen_at=utcnow(),
            )
        )
    record(session, actor, "hearing.add", "hearing", str(hearing.id), after=_hearing_facts(hearing))
    return hearing


def _agenda(session: Session, state: State, bill_ids: list[int]) -> list[Bill]:
    if not bill_ids:
        raise InvalidCorrection("Nothing was saved: tick at least one bill on the hearing's agenda.")
    bills = list(session.scalars(select(Bill).where(Bill.id.in_(bill_ids)).order_by(Bill.identifier)))
    if len(bills) != len(set(bill_ids)) or any(b.state_abbr != state.abbr for b in bills):
        raise InvalidCorrection(
            f"Nothing was saved: the agenda may hold only {state.name}'s bills from the list."
        )
    return bills


def remove_hearing(session: Session, actor: User, hearing: Hearing) -> None:
    """Remove a hearing added by hand, with the moves noted for it; Open States' own hearings stay."""
    if not hearing.added_by_hand:
        raise InvalidCorrection(
            "Nothing was removed: this hearing comes from Open States, and the next refresh would bring it "
            "back. Only a hearing added by hand can be removed."
        )
    before = _hearing_facts(hearing)
    session.execute(delete(BillEvent).where(BillEvent.key == f"admin:hearing:{hearing.id}"))
    session.delete(hearing)
    record(session, actor, "hearing.remove", "hearing", str(hearing.id), before=before)


def _hearing_facts(hearing: Hearing) -> dict:
    return {
        "state": hearing.state_abbr,
        "committee": hearing.committee.title if hearing.committee is not None else None,
        "starts_at": hearing.starts_at.isoformat(timespec="minutes"),
        "all_day": hearing.all_day,
        "location": hearing.location,
        "source": hearing.url,
        "bills": [b.identifier for b in hearing.bills],
    }


def chamber_choices(state: State) -> list[tuple[str, str]]:
    """(value, words) for each chamber of the state: ("lower", "House")…"""
    return [(chamber, CHAMBER_WORDS.get(chamber, name)) for chamber, name in state.chambers]


def state_committees(session: Session, state: State) -> list[Committee]:
    """The state's committees, by chamber and name, for an admin to choose from."""
    query = select(Committee).where(Committee.state_abbr == state.abbr)
    return list(session.scalars(query.order_by(Committee.chamber.desc(), Committee.name)))


def get_hearing_to_correct(session: Session, hearing_id: int) -> Hearing | None:
    return session.get(Hearing, hearing_id)
