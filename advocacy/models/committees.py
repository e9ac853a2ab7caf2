"""Where a bill is: the committees of each legislature, their members, the hearings they hold, and
what happened to each bill as the refreshes saw it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.extensions import db
from advocacy.models.legislators import Legislator
from advocacy.models.reportcards import State

if TYPE_CHECKING:
    from advocacy.models.bills import Bill

CHAMBER_WORDS = {"upper": "Senate", "lower": "House", "legislature": "Joint"}


class Committee(db.Model):
    """A standing (or joint) committee of one state's legislature, from Open States' /committees,
    or added by an admin."""

    __tablename__ = "committees"
    __table_args__ = (UniqueConstraint("state_abbr", "chamber", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Open States' id (ocd-organization/<uuid>); None for a committee an admin added by hand.
    ocd_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    state_abbr: Mapped[str] = mapped_column(ForeignKey("states.abbr"), index=True)
    chamber: Mapped[str] = mapped_column(String(16))  # "upper", "lower" or "legislature" (joint)
    name: Mapped[str] = mapped_column(String(300))  # as Open States names it: "Children and Families"
    classification: Mapped[str] = mapped_column(String(16), default="committee")  # or "subcommittee"
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id", ondelete="SET NULL"))
    url: Mapped[str] = mapped_column(Text, default="")  # the legislature's page, else Open States' source
    added_by_hand: Mapped[bool] = mapped_column(default=False)
    # When its members were last read from Open States (None: never, or added by hand).
    members_refreshed_at: Mapped[datetime | None]

    state: Mapped[State] = relationship()
    parent: Mapped[Committee | None] = relationship(remote_side=[id])
    members: Mapped[list[CommitteeMember]] = relationship(
        back_populates="committee", cascade="all, delete-orphan", order_by="CommitteeMember.position"
    )

    @property
    def title(self) -> str:
        """The committee as a sentence names it: "House Committee on Children and Families"."""
        chamber = CHAMBER_WORDS.get(self.chamber, "")
        if "committee" in self.name.lower():
            return (
                self.name
                if self.name.lower().startswith(chamber.lower())
                else f"{chamber} {self.name}".strip()
            )
        return f"{chamber} Committee on {self.name}".strip()


class CommitteeMember(db.Model):
    """A seat on a committee: the lawmaker when the app knows them, and their role on it."""

    __tablename__ = "committee_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))  # as Open States gives it; kept for unknown members
    legislator_id: Mapped[str | None] = mapped_column(
        ForeignKey("legislators.id", ondelete="SET NULL"), index=True
    )
    role: Mapped[str] = mapped_column(String(60), default="member")  # "chair", "vice chair", "member"…

    committee: Mapped[Committee] = relationship(back_populates="members")
    legislator: Mapped[Legislator | None] = relationship()


hearing_bills = Table(
    "hearing_bills",
    db.metadata,
    Column("hearing_id", ForeignKey("hearings.id", ondelete="CASCADE"), primary_key=True),
    Column("bill_id", ForeignKey("bills.id", ondelete="CASCADE"), primary_key=True),
)


class HearingStatus(StrEnum):
    """An event's status as Open States gives it; a hearing added by hand is confirmed."""

    TENTATIVE = "tentative"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    PASSED = "passed"


class Hearing(db.Model):
    """A committee hearing with bills on its agenda, from Open States' /events, or added by an admin."""

    __tablename__ = "hearings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Open States' id (ocd-event/<uuid>); None for a hearing an admin added by hand.
    ocd_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    state_abbr: Mapped[str] = mapped_column(ForeignKey("states.abbr"), index=True)
    committee_id: Mapped[int | None] = mapped_column(
        ForeignKey("committees.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(300), default="")  # the event's own name
    # The legislature's wall-clock time, as the event gives it (no time zone is kept).
    starts_at: Mapped[datetime] = mapped_column(index=True)
    all_day: Mapped[bool] = mapped_column(default=False)
    location: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=HearingStatus.CONFIRMED.value)
    url: Mapped[str] = mapped_column(Text, default="")  # the source: the legislature's page or Open States'
    added_by_hand: Mapped[bool] = mapped_column(default=False)
    first_seen_at: Mapped[datetime]

    state: Mapped[State] = relationship()
    committee: Mapped[Committee | None] = relationship()
    bills: Mapped[list[Bill]] = relationship(secondary=hearing_bills, back_populates="hearings")


class BillEventKind(StrEnum):
    """What happened to a bill: the moves followers are told of."""

    REFERRED = "referred"  # sent to a committee
    HEARING = "hearing"  # a hearing was set
    COMMITTEE_VOTE = "committee-vote"  # the committee voted (reported it out, or not)
    FLOOR_VOTE = "floor-vote"  # a chamber voted on it
    ENACTED = "enacted"  # signed, or became law
    FAILED = "failed"  # failed, withdrawn, vetoed, or died with its session


class BillEvent(db.Model):
    """One move of a bill, noted once when a refresh (or an admin) first saw it: the alerts' source
    and the bill's history."""

    __tablename__ = "bill_events"
    __table_args__ = (UniqueConstraint("bill_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"), index=True)
    # What makes the move itself, so a second refresh never notes it twice: the action's id, the
    # hearing's id, or an admin's change.
    key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(24))
    happened_on: Mapped[date | None]
    description: Mapped[str] = mapped_column(Text, default="")  # "Referred to House Children and Families"
    source: Mapped[str] = mapped_column(Text, default="")  # where it can be checked
    hearing_id: Mapped[int | None] = mapped_column(ForeignKey("hearings.id", ondelete="SET NULL"))
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id", ondelete="SET NULL"))
    seen_at: Mapped[datetime] = mapped_column(index=True)

    bill: Mapped[Bill] = relationship(back_populates="events")
    hearing: Mapped[Hearing | None] = relationship()
    committee: Mapped[Committee | None] = relationship()
