"""A campaign that follows its bill: the bill's moves since the campaign began, whom they leave the
campaign writing to, and the bill's next hearing as the campaign's deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from advocacy.bills.whereabouts import hearing_time, next_hearing
from advocacy.dates import long_date
from advocacy.models import Bill, Campaign, Hearing
from advocacy.models.bills import BillPlace, BillStatus
from advocacy.models.campaigns import CampaignTarget
from advocacy.models.committees import CHAMBER_WORDS, BillEvent, BillEventKind

# The moves that change who decides a bill's next step: a referral, a committee's vote (which
# sends it to the floor, or not), a floor vote (which sends it on to the other chamber), law, failure.
MOVES = {
    BillEventKind.REFERRED: "Referred",
    BillEventKind.COMMITTEE_VOTE: "Committee vote",
    BillEventKind.FLOOR_VOTE: "Floor vote",
    BillEventKind.ENACTED: "Became law",
    BillEventKind.FAILED: "Failed",
}


def today() -> date:
    """The day a countdown counts from (the legislature's day, near enough, on a US server)."""
    return date.today()


@dataclass(frozen=True)
class BillMove:
    """One move of the campaign's bill, as the dashboard lists it."""

    day: date | None
    words: str  # "Referred to the House Committee on Children and Families"
    source: str  # where it can be checked


def campaign_began(campaign: Campaign) -> date:
    return campaign.starts_on or campaign.created_at.date()


def bill_fingerprint(campaign: Campaign) -> str:
    """Names where the campaign's bill is and its last move: a kept dashboard is kept per value."""
    bill = campaign.bill if campaign.bill_id else None
    if bill is None:
        return ""
    last = max((e.id for e in bill.events), default=0)
    return f"{bill.status}:{bill.place}:{bill.place_chamber}:{bill.committee_id}:{bill.place_since}:{last}"


def _event_day(event: BillEvent) -> date:
    return event.happened_on or event.seen_at.date()


def move_words(event: BillEvent) -> str:
    """ "Referred to the House Committee on Children and Families"; "Committee vote: “Do pass”"."""
    label = MOVES.get(BillEventKind(event.kind), event.kind)
    if event.kind == BillEventKind.REFERRED and event.committee is not None:
        return f"Referred to the {event.committee.title}"
    description = event.description.strip()
    return f"{label}: “{description}”" if description and description != label else label


def bill_moves(campaign: Campaign) -> list[BillMove]:
    """The moves of the campaign's bill since the campaign began, oldest first."""
    bill = campaign.bill if campaign.bill_id else None
    if bill is None:
        return []
    began = campaign_began(campaign)
    events = [e for e in bill.events if e.kind in MOVES and _event_day(e) >= began]
    events.sort(key=lambda e: (_event_day(e), e.id))
    return [BillMove(_event_day(e), move_words(e), e.source) for e in events]


def targets_words(bill: Bill, count: int, moved_on: date | None) -> str:
    """Whom a committee campaign writes to now, and why, in one sentence: moved_on is the day of
    the bill's last move since the campaign began (None: it has not moved since)."""
    on = f" on {long_date(moved_on)}" if moved_on else ""
    if bill.status in (BillStatus.ENACTED, BillStatus.FAILED):
        became = "became law" if bill.status == BillStatus.ENACTED else "failed"
        return (
            f"{bill.identifier} {became}{on}: there is no one left to ask about it, "
            "so this campaign writes to no one now."
        )
    now = " now" if moved_on else ""
    if bill.place == BillPlace.COMMITTEE and bill.committee is not None:
        where = bill.committee.title
        if not count:
            return (
                f"{bill.identifier} is in the {where}, whose members are not known yet: this campaign "
                "writes to no one until the next refresh of the bills lists them."
            )
        arrived = f"moved to the {where}{on}" if moved_on else f"is in the {where}"
        members = f"{count} member{'' if count == 1 else 's'}"
        return f"{bill.identifier} {arrived}: this campaign{now} writes to its {members}."
    chamber = CHAMBER_WORDS.get(bill.place_chamber, "")
    if bill.place == BillPlace.FLOOR and chamber:
        arrived = f"moved to the {chamber} floor{on}" if moved_on else f"is on the {chamber} floor"
        whom = f"all {count} members" if count != 1 else "the 1 member"
        return f"{bill.identifier} {arrived}: this campaign{now} writes to {whom} of the {chamber}."
    return (
        f"It is not known yet which committee holds {bill.identifier}: this campaign writes to no one "
        "until the next refresh of the bills says where it is."
    )


def committee_words(campaign: Campaign, count: int) -> str:
    """For a campaign that writes to whoever holds its bill: whom it writes to now (`count` of
    them), and why; "" for any other campaign."""
    if campaign.target != CampaignTarget.COMMITTEE or campaign.bill is None:
        return ""
    moves = bill_moves(campaign)
    return targets_words(campaign.bill, count, moves[-1].day if moves else None)


@dataclass(frozen=True)
class HearingDeadline:
    """The bill's next hearing, as the campaign page counts down to it."""

    hearing: Hearing
    days: int  # from today: 0 today, 1 tomorrow

    @property
    def countdown(self) -> str:
        if self.days == 0:
            return "today"
        if self.days == 1:
            return "tomorrow"
        return f"in {self.days} days"

    @property
    def words(self) -> str:
        """ "The hearing is in 5 days: February 24, 2026 at 9:30 AM, House Hearing Room 4, State Capitol"."""
        place = f", {self.hearing.location}" if self.hearing.location else ""
        return f"The hearing is {self.countdown}: {hearing_time(self.hearing)}{place}"


def hearing_deadline(bill: Bill | None, day: date) -> HearingDeadline | None:
    """The bill's next hearing from `day` on, or None when it has none (or there is no bill)."""
    hearing = next_hearing(bill, day) if bill is not None and bill.status == BillStatus.PENDING else None
    if hearing is None:
        return None
    return HearingDeadline(hearing, (hearing.starts_at.date() - day).days)
