"""Organizers' outreach campaigns."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.extensions import db
from advocacy.models.accounts import User
from advocacy.models.letters import LetterTemplate
from advocacy.models.reportcards import IssueArea, State

campaign_focus_areas = Table(
    "campaign_focus_areas",
    db.metadata,
    Column("campaign_id", ForeignKey("campaigns.id"), primary_key=True),
    Column("issue_area_id", ForeignKey("issue_areas.id"), primary_key=True),
)


class Campaign(db.Model):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    state_abbr: Mapped[str] = mapped_column(ForeignKey("states.abbr"))
    template_id: Mapped[int | None] = mapped_column(ForeignKey("letter_templates.id"))
    # "legislature", "upper", "lower", "districts" (target_districts lists them, one
    # "chamber district" a line) or "lawmakers" (target_legislators lists person ids).
    target: Mapped[str] = mapped_column(String(16), default="legislature")
    target_districts: Mapped[str] = mapped_column(Text, default="")
    target_legislators: Mapped[str] = mapped_column(Text, default="")
    goal: Mapped[int | None]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]

    state: Mapped[State] = relationship()
    template: Mapped[LetterTemplate | None] = relationship()
    owner: Mapped[User] = relationship()
    focus_areas: Mapped[list[IssueArea]] = relationship(secondary=campaign_focus_areas)
