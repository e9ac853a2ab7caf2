"""Organizers' outreach campaigns."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.extensions import db
from advocacy.models.accounts import User
from advocacy.models.letters import LetterTemplate
from advocacy.models.reportcards import IssueArea, State

if TYPE_CHECKING:
    from advocacy.models.bills import Bill

campaign_focus_areas = Table(
    "campaign_focus_areas",
    db.metadata,
    Column("campaign_id", ForeignKey("campaigns.id"), primary_key=True),
    Column("issue_area_id", ForeignKey("issue_areas.id"), primary_key=True),
)


class CampaignTarget(StrEnum):
    """Whom a campaign's letters go to (Campaign.target)."""

    LEGISLATURE = "legislature"
    UPPER = "upper"
    LOWER = "lower"
    DISTRICTS = "districts"  # target_districts lists them, one "chamber district" a line
    LAWMAKERS = "lawmakers"  # target_legislators lists person ids
    # The members of the committee that holds the campaign's bill; the whole chamber once it is on
    # the floor; nobody once it is law or has failed (bills/whereabouts.py: who_decides).
    COMMITTEE = "committee"


class Campaign(db.Model):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    state_abbr: Mapped[str] = mapped_column(ForeignKey("states.abbr"))
    template_id: Mapped[int | None] = mapped_column(ForeignKey("letter_templates.id"))
    # A bill the campaign backs: its sponsors are thanked, every other target asked to support it.
    bill_id: Mapped[int | None] = mapped_column(ForeignKey("bills.id"))
    # "legislature", "upper", "lower", "districts" (target_districts lists them, one
    # "chamber district" a line), "lawmakers" (target_legislators lists person ids) or "committee"
    # (whoever decides the bill's next step).
    target: Mapped[str] = mapped_column(String(16), default=CampaignTarget.LEGISLATURE.value)
    target_districts: Mapped[str] = mapped_column(Text, default="")
    target_legislators: Mapped[str] = mapped_column(Text, default="")
    goal: Mapped[int | None]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]

    state: Mapped[State] = relationship()
    template: Mapped[LetterTemplate | None] = relationship()
    bill: Mapped[Bill | None] = relationship()
    owner: Mapped[User] = relationship()
    focus_areas: Mapped[list[IssueArea]] = relationship(secondary=campaign_focus_areas)


class CampaignTally(db.Model):
    """How many of a campaign's letters have one value of one figure (status "sent", day "2026-03-02"…).

    Kept in the same transaction as every letter write (advocacy/campaigns/tallies.py), so a
    dashboard reads a few hundred rows instead of counting a million letters. Figures: status,
    stage (models.letters.Stage), channel, reply, outcome, area (an issue area id), day, lawmaker,
    lawmaker-sent and lawmaker-answered (a legislator id), lawmaker-stage ("stage|legislator id"),
    day-stage ("day|stage") and day-answered (a day); "" stands for a letter with no value.
    """

    __tablename__ = "campaign_tallies"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    figure: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(100), primary_key=True)
    letters: Mapped[int] = mapped_column(default=0)
