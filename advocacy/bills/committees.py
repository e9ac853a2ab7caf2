"""Where a state's bills are: the committee that holds each, its members, the upcoming hearings,
and each move of a bill noted once (BillEvent), from Open States within the bills' refresh.

A move is noted the first time a refresh sees it, on a state's first refresh too: the alerts tell
each follower only of moves noted after they subscribed (BillEvent ids above the one they were
told of), so what happened before is the bill's history, not news. The key of each move (the
action's id, the hearing's id) makes a second refresh note nothing twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Column, func, select
from sqlalchemy.orm import Session, selectinload

from advocacy.bills.whereabouts import hearing_time
from advocacy.clients.openstates_api import (
    ENACTED,
    BillAction,
    BillRecord,
    CommitteeRecord,
    HearingRecord,
    OpenStatesAPI,
)
from advocacy.clock import utcnow
from advocacy.models import (
    Bill,
    BillEvent,
    BillRefresh,
    Committee,
    CommitteeMember,
    Hearing,
    Legislator,
    State,
)
from advocacy.models.bills import BillPlace, BillStatus
from advocacy.models.committees import BillEventKind, HearingStatus

# A state's committees and their members are asked for again once a week, on the state's own day
# of the week (they change at the start of a session, seldom within one): so 52 states' lists are
# spread over the week and the free key's 250 requests a day hold (docs/data.md has the figures).
COMMITTEE_CHECK_AGE = timedelta(days=7)
# Hearings are asked for from today to this far ahead (legislatures post them a week or two before).
HEARING_HORIZON = timedelta(days=60)
# The budget of one UTC day: a state's daily refresh costs about DAILY_REQUESTS (its changed
# bills, its hearings); asking for its committees at most COMMITTEE_REQUESTS more (two chambers,
# up to three pages of 20 each: Missouri's House has about 45).
DAILY_REQUESTS = 2
COMMITTEE_REQUESTS = 6

# Open States' action classifications (openstates-core's vocabulary).
REFERRAL = "referral-committee"
REPORTED_OUT = {"committee-passage", "committee-passage-favorable", "committee-passage-unfavorable"}
FLOOR_VOTES = {"passage", "failure"}
ENDED = {"withdrawal", "executive-veto", "failure"}
CHAMBERS = ("upper", "lower", "legislature")
# "Referred: Children and Families(H)", "Referred to House Committee on General Laws (H)"
REFERRED_TO = re.compile(r"^referred(?:\s+to)?\s*[:\-]?\s*(?P<name>.+?)\s*(?:\([HS]\))?\s*$", re.IGNORECASE)
NAME_NOISE = re.compile(r"^(?:the\s+)?(?:house|senate|joint)?\s*(?:standing\s+)?(?:committee\s+on\s+)?", re.I)


class InvalidCommittees(ValueError):
    """Open States sent a committee or hearing that cannot be kept as it is; nothing was changed."""


@dataclass(frozen=True)
class CommitteeCounts:
    committees: int = 0  # committees holding the session's bills after the refresh
    hearings: int = 0  # upcoming hearings of its bills that Open States lists


def _fits(value: str, column: Column, what: str) -> str:
    limit = getattr(column.type, "length", None)
    if limit is not None and len(value) > limit:
        raise InvalidCommittees(
            f"the {column.key} of {what} is {len(value):,} characters long, more than the {limit:,} "
            "this site keeps; nothing was changed"
        )
    return value


def name_key(name: str) -> str:
    """A committee's name without its chamber and "Committee on": how two sources' names match."""
    bare = NAME_NOISE.sub("", name.strip()).strip()
    bare = re.sub(r"\s+committee$", "", bare, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", bare).lower()


class StateCommittees:
    """A state's committees, found by Open States' id, then by chamber and name; added when new."""

    def __init__(self, session: Session, state: State) -> None:
        self.session, self.state = session, state
        query = select(Committee).where(Committee.state_abbr == state.abbr)
        self.rows = list(session.scalars(query.options(selectinload(Committee.members))))

    def find(self, name: str, ocd_id: str, chamber: str | None) -> Committee | None:
        """With chamber None, a committee of either chamber whose name alone tells it."""
        if ocd_id:
            for row in self.rows:
                if row.ocd_id == ocd_id:
                    return row
        key = name_key(name)
        found = [r for r in self.rows if name_key(r.name) == key and chamber in (None, r.chamber)]
        return found[0] if len(found) == 1 else None

    def named(self, name: str, ocd_id: str, chamber: str) -> Committee:
        committee = self.find(name, ocd_id, chamber)
        if committee is None:
            what = f"Open States' committee {name[:64]}"
            committee = Committee(
                state_abbr=self.state.abbr,
                chamber=chamber if chamber in CHAMBERS else "legislature",
                name=_fits(name, Committee.__table__.c.name, what),
                ocd_id=_fits(ocd_id, Committee.__table__.c.ocd_id, what) or None,
                classification="committee",
                url="",
            )
            self.session.add(committee)
            self.rows.append(committee)
        elif ocd_id and committee.ocd_id is None and not committee.added_by_hand:
            committee.ocd_id = _fits(ocd_id, Committee.__table__.c.ocd_id, "Open States' committee")
        return committee

    def of_action(self, action: BillAction) -> Committee | None:
        """The committee a referral names: its related entity, else its description's words."""
        chamber = action.chamber if action.chamber in CHAMBERS else "legislature"
        if action.committees:
            name, ocd_id = action.committees[0]
            return self.named(name, ocd_id, chamber)
        match = REFERRED_TO.match(action.description)
        return self.named(match["name"], "", chamber) if match and name_key(match["name"]) else None

    def due(self, now: datetime, today: date) -> bool:
        """Never asked for; or on the state's day of the week; or its day was missed."""
        times = [r.members_refreshed_at for r in self.rows if r.members_refreshed_at is not None]
        if not times:
            return True
        age = now - max(times)
        on_its_day = today.toordinal() % 7 == committee_day(self.state.abbr)
        return age > COMMITTEE_CHECK_AGE or (on_its_day and age >= timedelta(days=1))

    def refresh(self, records: list[CommitteeRecord], now: datetime) -> None:
        """Keep each listed committee and its members; never change or delete one added by hand."""
        people = {m.person_id for r in records for m in r.members if m.person_id}
        known = set(self.session.scalars(select(Legislator.id).where(Legislator.id.in_(people))))
        columns, seats = Committee.__table__.c, CommitteeMember.__table__.c
        for record in records:
            what = f"Open States' committee {record.ocd_id[:64]}"
            committee = self.named(record.name, record.ocd_id, record.chamber)
            if committee.added_by_hand:
                continue
            committee.name = _fits(record.name, columns.name, what)
            committee.classification = _fits(record.classification, columns.classification, what)
            committee.url = record.url
            committee.members = [
                CommitteeMember(
                    position=n,
                    name=_fits(m.person_name, seats.name, what),
                    role=_fits(m.role, seats.role, what),
                    legislator_id=m.person_id if m.person_id in known else None,
                )
                for n, m in enumerate(record.members)
            ]
            committee.members_refreshed_at = now
        by_ocd = {r.ocd_id: r for r in self.rows if r.ocd_id}
        for record in records:
            child, parent = by_ocd.get(record.ocd_id), by_ocd.get(record.parent_id)
            if child is not None and not child.added_by_hand and parent is not None:
                child.parent = parent


def committees_affordable(session: Session, api: OpenStatesAPI, state: State, now: datetime) -> bool:
    """Whether the key's daily allowance still has room for this state's committees once every
    state not yet refreshed today (UTC, as the API counts) has its daily refresh. A new install
    refreshing every state on its first day asks for committees until the day's room runs out;
    the others are asked on a later day (they stay due), and no state goes without its bills."""
    midnight = datetime.combine(now.date(), datetime.min.time())
    today = select(BillRefresh).where(BillRefresh.started_at >= midnight).subquery()
    spent = session.scalar(select(func.coalesce(func.sum(today.c.requests), 0))) + api.requests
    refreshed = select(today.c.state_abbr)
    waiting = session.scalar(
        select(func.count()).select_from(State).where(State.abbr != state.abbr, State.abbr.not_in(refreshed))
    )
    return spent + COMMITTEE_REQUESTS + DAILY_REQUESTS * waiting <= api.per_day


def committee_day(abbr: str) -> int:
    """The day of the week (as date.toordinal() % 7) a state's committees are asked for."""
    return sum(map(ord, abbr.lower())) % 7


def action_kind(action: BillAction) -> BillEventKind | None:
    """The move an action makes, as followers are told of it; None for the rest (readings…)."""
    kinds = set(action.classification)
    if kinds & ENACTED:
        return BillEventKind.ENACTED
    if kinds & FLOOR_VOTES and action.chamber in CHAMBERS:
        return BillEventKind.FLOOR_VOTE
    if kinds & ENDED:
        return BillEventKind.FAILED
    if any(kind.startswith("committee-") for kind in kinds):
        return BillEventKind.COMMITTEE_VOTE
    if REFERRAL in kinds:
        return BillEventKind.REFERRED
    return None


@dataclass
class Place:
    place: BillPlace
    chamber: str
    since: date | None
    committee: Committee | None


def place_from_actions(record: BillRecord, committees: StateCommittees) -> Place | None:
    """Where the actions leave a pending bill: the committee of its latest referral, or the floor
    once a committee reported it out (or a chamber read or passed it after the referral); None
    when no action says."""
    place: Place | None = None
    for action in record.actions:
        kinds = set(action.classification)
        if REFERRAL in kinds:
            committee = committees.of_action(action)
            if committee is not None:
                place = Place(BillPlace.COMMITTEE, committee.chamber, action.date, committee)
        elif kinds & REPORTED_OUT or (
            place is not None
            and place.place == BillPlace.COMMITTEE
            and kinds & {"reading-2", "passage"}
            and action.chamber in CHAMBERS
        ):
            chamber = action.chamber or (place.chamber if place else "")
            place = Place(BillPlace.FLOOR, chamber, action.date, None)
    return place


class Moves:
    """The BillEvents of some bills, each noted once by its key."""

    def __init__(self, session: Session, bills: list[Bill]) -> None:
        self.session = session
        ids = [b.id for b in bills]
        query = select(BillEvent.bill_id, BillEvent.key).where(BillEvent.bill_id.in_(ids))
        self.keys = {(row[0], row[1]) for row in session.execute(query)} if ids else set()

    def noted(self, bill: Bill, key: str) -> bool:
        return (bill.id, key[:120]) in self.keys

    def note(self, bill: Bill, key: str, kind: BillEventKind, **fields: object) -> bool:
        key = key[:120]
        if (bill.id, key) in self.keys:
            return False
        self.keys.add((bill.id, key))
        self.session.add(BillEvent(bill=bill, key=key, kind=kind.value, seen_at=utcnow(), **fields))
        return True


def note_actions(bill: Bill, record: BillRecord, committees: StateCommittees, moves: Moves) -> None:
    for action in record.actions:
        kind = action_kind(action)
        if kind is None:
            continue
        committee = committees.of_action(action) if kind is BillEventKind.REFERRED else None
        description = f"Referred to the {committee.title}" if committee else action.description
        moves.note(
            bill,
            f"action:{action.id or f'{action.date}:{action.description}'}",
            kind,
            happened_on=action.date,
            description=description,
            source=bill.url,
            committee=committee,
        )


def _set_place(bill: Bill, record: BillRecord, committees: StateCommittees) -> None:
    if bill.place_by_admin:
        return
    if record.status != BillStatus.PENDING:  # law, or failed: before no committee any more
        bill.place, bill.place_chamber, bill.place_since, bill.committee = BillPlace.UNKNOWN, "", None, None
        return
    found = place_from_actions(record, committees)
    if found is not None:
        bill.place, bill.place_chamber = found.place.value, found.chamber
        bill.place_since, bill.committee = found.since, found.committee


def hearing_words(hearing: Hearing) -> str:
    """ "Hearing of the House Committee on Children and Families on January 20, 2026 at 12:00 PM,
    House Hearing Room 4" """
    words = f"Hearing of the {hearing.committee.title}" if hearing.committee else "Hearing"
    words += f" on {hearing_time(hearing)}"
    return words + (f", {hearing.location}" if hearing.location else "")


def _identifier_key(identifier: str) -> str:
    return re.sub(r"\s+", "", identifier).upper()


def _agenda(record: HearingRecord, bills: list[Bill]) -> list[Bill]:
    by_ocd = {b.ocd_id: b for b in bills if b.ocd_id}
    by_number = {_identifier_key(b.identifier): b for b in bills}
    found: list[Bill] = []
    for ocd_id, identifier in record.bills:
        bill = by_ocd.get(ocd_id) or by_number.get(_identifier_key(identifier))
        if bill is not None and bill not in found:
            found.append(bill)
    return found


def _hearing_committee(
    record: HearingRecord, agenda: list[Bill], committees: StateCommittees
) -> Committee | None:
    if record.committee is None:
        return None
    name, ocd_id = record.committee
    found = committees.find(name, ocd_id, None)
    if found is not None:
        return found
    chambers = {b.place_chamber for b in agenda if b.place_chamber}
    return committees.named(name, ocd_id, chambers.pop() if len(chambers) == 1 else "legislature")


def _keep_hearing(session: Session, state: State, record: HearingRecord, kept: dict[str, Hearing]) -> Hearing:
    columns = Hearing.__table__.c
    what = f"Open States' event {record.ocd_id[:64]}"
    hearing = kept.get(record.ocd_id)
    if hearing is None:
        hearing = Hearing(
            ocd_id=_fits(record.ocd_id, columns.ocd_id, what), state_abbr=state.abbr, first_seen_at=utcnow()
        )
        session.add(hearing)
    statuses = {s.value for s in HearingStatus}
    hearing.name = _fits(record.name, columns.name, what)
    hearing.starts_at, hearing.all_day = record.starts_at, record.all_day
    hearing.location = _fits(record.location, columns.location, what)
    hearing.description, hearing.url = record.description, record.url
    hearing.status = record.status if record.status in statuses else HearingStatus.CONFIRMED.value
    return hearing


def _place_by_hearing(bill: Bill, committee: Committee | None) -> None:
    """A hearing's committee holds a bill whose actions name none."""
    if committee is not None and not bill.place_by_admin and bill.place == BillPlace.UNKNOWN:
        bill.place, bill.place_chamber, bill.committee = (
            BillPlace.COMMITTEE.value,
            committee.chamber,
            committee,
        )


def _note_hearing(moves: Moves, bill: Bill, hearing: Hearing, before: datetime | None) -> None:
    """The bill's hearing, noted once; and, for followers already told of it, that it was called
    off or moved to another time (each change of time noted once)."""
    key = f"hearing:{hearing.ocd_id}"
    told = moves.noted(bill, key)
    if hearing.status == HearingStatus.CANCELLED:
        if told:
            moves.note(
                bill,
                f"{key}:cancelled",
                BillEventKind.HEARING,
                **_hearing_fields(hearing, bill, "Called off: "),
            )
        return
    if not told:
        moves.note(bill, key, BillEventKind.HEARING, **_hearing_fields(hearing, bill))
    elif before is not None and before != hearing.starts_at:
        moved = f"{key}:{hearing.starts_at.isoformat()}"
        moves.note(
            bill, moved, BillEventKind.HEARING, **_hearing_fields(hearing, bill, "Moved to a new time: ")
        )


def _hearing_fields(hearing: Hearing, bill: Bill, lead: str = "") -> dict[str, object]:
    words = hearing_words(hearing)
    return {
        "happened_on": hearing.starts_at.date(),
        "description": lead + (words[0].lower() + words[1:] if lead else words),
        "source": hearing.url or bill.url,
        "hearing": hearing,
        "committee": hearing.committee,
    }


def keep_hearings(
    session: Session,
    state: State,
    records: list[HearingRecord],
    bills: list[Bill],
    committees: StateCommittees,
) -> int:
    """Keep the hearings with the state's bills on their agenda and note each bill's hearing once;
    the number of them still to come. Hearings added by hand are never touched."""
    ids = [r.ocd_id for r in records]
    query = select(Hearing).where(Hearing.ocd_id.in_(ids), Hearing.added_by_hand.is_(False))
    kept = {h.ocd_id: h for h in session.scalars(query)} if ids else {}
    moves = Moves(session, bills)
    upcoming = 0
    for record in records:
        agenda = _agenda(record, bills)
        if not agenda:
            continue  # no bill this site keeps
        committee = _hearing_committee(record, agenda, committees)
        before = kept[record.ocd_id].starts_at if record.ocd_id in kept else None
        hearing = _keep_hearing(session, state, record, kept)
        hearing.committee = committee
        hearing.bills = agenda
        if hearing.status != HearingStatus.CANCELLED:
            upcoming += 1
        for bill in agenda:
            if hearing.status != HearingStatus.CANCELLED:
                _place_by_hearing(bill, committee)
            _note_hearing(moves, bill, hearing, before)
    return upcoming


def follow_bills(
    session: Session,
    api: OpenStatesAPI,
    state: State,
    session_id: str,
    records: list[BillRecord],
    today: date,
) -> CommitteeCounts:
    """Each refreshed bill's place and moves from its actions; the state's committees (weekly, and
    only while a bill is in one); its upcoming hearings (while it has a pending bill on an issue)."""
    session.flush()  # new bills get their ids, which their moves name
    query = select(Bill).where(Bill.state_abbr == state.abbr, Bill.session == session_id)
    bills = list(session.scalars(query.options(selectinload(Bill.areas))))
    by_ocd = {b.ocd_id: b for b in bills if b.ocd_id}
    committees = StateCommittees(session, state)
    moves = Moves(session, bills)
    for record in records:
        bill = by_ocd.get(record.ocd_id)
        if bill is not None:
            _set_place(bill, record, committees)
            note_actions(bill, record, committees, moves)
    followed = [b for b in bills if b.areas and b.status == BillStatus.PENDING and not b.hidden]
    now = utcnow()
    chambers = sorted(
        {b.place_chamber for b in followed if b.place == BillPlace.COMMITTEE} & {"upper", "lower"}
    )
    if chambers and committees.due(now, today) and committees_affordable(session, api, state, now):
        committees.refresh(api.committees(state.abbr, chambers), now)
    hearings = 0
    if followed:
        hearings = keep_hearings(
            session, state, api.events(state.abbr, today, today + HEARING_HORIZON), bills, committees
        )
    session.flush()
    held = session.scalar(
        select(func.count(func.distinct(Bill.committee_id))).where(
            Bill.state_abbr == state.abbr, Bill.session == session_id, Bill.place == BillPlace.COMMITTEE
        )
    )
    return CommitteeCounts(held or 0, hearings)
