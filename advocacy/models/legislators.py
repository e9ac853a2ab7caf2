"""State lawmakers, keyed by their Open States person id."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.extensions import db
from advocacy.models.reportcards import State

CHAMBERS = ("upper", "lower", "legislature")


class EmailStatus(StrEnum):
    """Whether this site still sends to a lawmaker's published address (Legislator.email_status)."""

    OK = "ok"
    BOUNCING = "bouncing"  # letters sent there bounced for good twice: the site stopped sending


class CorrectionStatus(StrEnum):
    """A contact correction: waiting for an admin's review, or reviewed."""

    PENDING = "pending"
    APPLIED = "applied"
    DISMISSED = "dismissed"


class Legislator(db.Model):
    __tablename__ = "legislators"
    __table_args__ = (Index("ix_legislators_state_chamber_district", "state_abbr", "chamber", "district"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # ocd-person/<uuid>, as given
    state_abbr: Mapped[str] = mapped_column(ForeignKey("states.abbr"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    given_name: Mapped[str] = mapped_column(String(100), default="")
    family_name: Mapped[str] = mapped_column(String(100), default="")
    chamber: Mapped[str] = mapped_column(String(16))
    district: Mapped[str] = mapped_column(String(100))
    party: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    image: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[str] = mapped_column(Text, default="")  # URLs joined with ";" as Open States gives them
    capitol_address: Mapped[str] = mapped_column(Text, default="")
    capitol_voice: Mapped[str] = mapped_column(String(64), default="")
    district_address: Mapped[str] = mapped_column(Text, default="")
    district_voice: Mapped[str] = mapped_column(String(64), default="")
    last_seen_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]
    # Set when letters sent from this site to `email` bounced for good twice: the site stops
    # sending there until a sync or a correction changes the address, or an admin clears it.
    email_bouncing_since: Mapped[datetime | None]
    email_bounce_reason: Mapped[str] = mapped_column(Text, default="")

    state: Mapped[State] = relationship()

    def forget_bounces(self) -> None:
        """A new address (from a sync or a correction), or an admin's check: send to it again."""
        self.email_bouncing_since = None
        self.email_bounce_reason = ""

    @property
    def email_status(self) -> EmailStatus:
        """Either "ok", or "bouncing" while the site has stopped sending to the published address."""
        return EmailStatus.BOUNCING if self.email_bouncing_since is not None else EmailStatus.OK

    @property
    def postal_address(self) -> str:
        """The office a letter should go to: the capitol, else the district office."""
        return self.capitol_address or self.district_address

    @property
    def phone(self) -> str:
        return self.capitol_voice or self.district_voice

    @property
    def link_list(self) -> list[str]:
        return [link for link in self.links.split(";") if link]

    @property
    def title(self) -> str:
        """How the state addresses this member: Senator, Representative, Delegate, Councilmember…"""
        if self.chamber == "lower":
            return self.state.lower_title
        return self.state.upper_title

    @property
    def chamber_name(self) -> str:
        if self.chamber == "lower":
            return self.state.lower_chamber
        return self.state.upper_chamber

    @property
    def salutation_name(self) -> str:
        return self.family_name or self.name


class SyncRun(db.Model):
    """The outcome of one state's lawmaker sync, kept for the admin's view of data freshness."""

    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    state_abbr: Mapped[str] = mapped_column(ForeignKey("states.abbr"), index=True)
    source: Mapped[str] = mapped_column(Text)
    finished_at: Mapped[datetime]
    added: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    retired: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    # What the next sync needs to tell an unchanged file at almost no cost.
    rows: Mapped[int] = mapped_column(default=0)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    etag: Mapped[str] = mapped_column(Text, default="")
    last_modified: Mapped[str] = mapped_column(String(64), default="")


CORRECTABLE_FIELDS = {
    "email": "Email",
    "capitol_voice": "Capitol office phone",
    "capitol_address": "Capitol office address",
    "district_voice": "District office phone",
    "district_address": "District office address",
}


class ContactCorrection(db.Model):
    """Someone's report that a lawmaker's contact detail is wrong, waiting for an admin's review."""

    __tablename__ = "contact_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    legislator_id: Mapped[str] = mapped_column(ForeignKey("legislators.id"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    reported_value: Mapped[str] = mapped_column(Text)  # what the page showed when reported
    proposed_value: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=CorrectionStatus.PENDING.value, index=True)
    created_at: Mapped[datetime]
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    legislator: Mapped[Legislator] = relationship()

    @property
    def field_label(self) -> str:
        return CORRECTABLE_FIELDS.get(self.field, self.field)


class ContactOverride(db.Model):
    """An applied correction; it wins over the source until the source itself changes that field."""

    __tablename__ = "contact_overrides"
    __table_args__ = (UniqueConstraint("legislator_id", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    legislator_id: Mapped[str] = mapped_column(ForeignKey("legislators.id"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(Text)
    source_value: Mapped[str] = mapped_column(Text)  # the source's value when the override was made
    created_at: Mapped[datetime]
