"""Bills before a state's legislature: from Open States API v3, or added by an admin."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.extensions import db
from advocacy.models.legislators import Legislator
from advocacy.models.reportcards import IssueArea, State

if TYPE_CHECKING:
    from advocacy.models.committees import BillEvent, Committee, Hearing

bill_areas = Table(
    "bill_areas",
    db.metadata,
    Column("bill_id", ForeignKey("bills.id", ondelete="CASCADE"), primary_key=True),
    Column("issue_area_id", ForeignKey("issue_areas.id"), primary_key=True),
)


class BillStatus(StrEnum):
    """Where a bill stands, from the classification of its actions; a bill added by hand is pending."""

    PENDING = "pending"
    ENACTED = "enacted"  # signed or became law
    FAILED = "failed"  # failed, withdrawn, vetoed


class BillPlace(StrEnum):
    """Where a pending bill is: before a committee, or out of committee and before a chamber."""

    UNKNOWN = ""
    COMMITTEE = "committee"
    FLOOR = "floor"


class Bill(db.Model):
    __tablename__ = "bills"
    __table_args__ = (UniqueConstraint("state_abbr", "session", "identifier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Open States' id (ocd-bill/<uuid>); None for a bill an admin added by hand.
    ocd_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    state_abbr: Mapped[str] = mapped_column(ForeignKey("states.abbr"), index=True)
    session: Mapped[str] = mapped_column(String(40))  # the session's identifier: "2026", "2025-2026"
    session_name: Mapped[str] = mapped_column(String(120), default="")  # "2026 Regular Session"
    identifier: Mapped[str] = mapped_column(String(40))  # "HB 2273"
    title: Mapped[str] = mapped_column(Text)
    abstract: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")  # the legislature's page, else Open States'
    latest_action: Mapped[str] = mapped_column(Text, default="")
    latest_action_date: Mapped[date | None]
    # "pending", "enacted" (signed or became law) or "failed" (failed, withdrawn, vetoed), from the
    # classification of its actions; a bill added by hand is pending.
    status: Mapped[str] = mapped_column(String(16), default=BillStatus.PENDING.value)
    source_updated_at: Mapped[datetime | None]  # Open States' updated_at, to tell a changed bill
    first_seen_at: Mapped[datetime]
    added_by_hand: Mapped[bool] = mapped_column(default=False)
    # An admin confirmed or corrected the areas: a refresh no longer changes them.
    areas_confirmed: Mapped[bool] = mapped_column(default=False)
    hidden: Mapped[bool] = mapped_column(default=False)
    # Where it is now (BillPlace), in which chamber, since when, and the committee that holds it:
    # from its referral actions and hearing agendas, or as an admin corrected it.
    place: Mapped[str] = mapped_column(String(16), default=BillPlace.UNKNOWN.value)
    place_chamber: Mapped[str] = mapped_column(String(16), default="")
    place_since: Mapped[date | None]
    committee_id: Mapped[int | None] = mapped_column(
        ForeignKey("committees.id", ondelete="SET NULL"), index=True
    )
    # An admin set where it is: refreshes keep it until the admin clears it.
    place_by_admin: Mapped[bool] = mapped_column(default=False)

    state: Mapped[State] = relationship()
    areas: Mapped[list[IssueArea]] = relationship(secondary=bill_areas, order_by=IssueArea.number)
    sponsors: Mapped[list[BillSponsor]] = relationship(
        back_populates="bill", cascade="all, delete-orphan", order_by="BillSponsor.position"
    )
    committee: Mapped[Committee | None] = relationship()
    hearings: Mapped[list[Hearing]] = relationship(
        secondary="hearing_bills", back_populates="bills", order_by="Hearing.starts_at"
    )
    events: Mapped[list[BillEvent]] = relationship(
        back_populates="bill", cascade="all, delete-orphan", order_by="BillEvent.id"
    )

    # The session the state's pages show now (see BillSession), to tell whether this bill's is over.
    shown_session: Mapped[BillSession | None] = relationship(
        primaryjoin="foreign(Bill.state_abbr) == BillSession.state_abbr", viewonly=True
    )

    @property
    def session_over(self) -> bool:
        """Its session has ended and the bill is neither law nor failed: it died with the session."""
        shown = self.shown_session
        return (
            self.status == BillStatus.PENDING
            and shown is not None
            and shown.identifier == self.session
            and shown.ended
        )

    @property
    def primary_sponsors(self) -> list[BillSponsor]:
        return [s for s in self.sponsors if s.primary] or self.sponsors[:1]

    def sponsored_by(self, legislator_id: str) -> bool:
        return any(s.legislator_id == legislator_id for s in self.sponsors)


class BillSponsor(db.Model):
    __tablename__ = "bill_sponsors"

    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))  # as Open States gives it; kept for unknown sponsors
    # The lawmaker, when the app knows their ocd-person id.
    legislator_id: Mapped[str | None] = mapped_column(
        ForeignKey("legislators.id", ondelete="SET NULL"), index=True
    )
    primary: Mapped[bool] = mapped_column(default=False)
    classification: Mapped[str] = mapped_column(String(40), default="")  # primary, cosponsor…

    bill: Mapped[Bill] = relationship(back_populates="sponsors")
    legislator: Mapped[Legislator | None] = relationship()


class BillSession(db.Model):
    """The session whose bills a state's page shows: chosen from Open States' list of sessions by
    date, or set by an admin (then kept until the admin clears it)."""

    __tablename__ = "bill_sessions"

    state_abbr: Mapped[str] = mapped_column(ForeignKey("states.abbr"), primary_key=True)
    identifier: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120), default="")
    end_date: Mapped[date | None]  # when the session ends (or ended), as Open States gives it
    chosen_by_admin: Mapped[bool] = mapped_column(default=False)
    checked_at: Mapped[datetime]

    @property
    def ended(self) -> bool:
        return self.end_date is not None and self.end_date < date.today()


class BillRefresh(db.Model):
    """One state's bill refresh from Open States: its counts, or why it failed."""

    __tablename__ = "bill_refreshes"

    id: Mapped[int] = mapped_column(primary_key=True)
    state_abbr: Mapped[str] = mapped_column(ForeignKey("states.abbr"), index=True)
    session: Mapped[str] = mapped_column(String(40), default="")
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    added: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    requests: Mapped[int] = mapped_column(default=0)  # calls to the API, against its daily allowance
    # After the refresh: the committees holding the session's bills, and the upcoming hearings of
    # its bills that Open States lists (0 with a good refresh: it lists none for this state).
    committees: Mapped[int] = mapped_column(default=0)
    hearings: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
