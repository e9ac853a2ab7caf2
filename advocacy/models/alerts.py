"""People who follow a state's weak-area bills, or one bill, by email; and the alerts sent to them.

Kept of a follower: the email address and what it follows (and, only when they chose it, the ids
of their own lawmakers, so an alert can link to a letter to them). Nothing else.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.extensions import db
from advocacy.models.bills import Bill
from advocacy.models.campaigns import Campaign
from advocacy.models.reportcards import State


class Follower(db.Model):
    """One address following one thing: a state's weak-area bills (bill_id None) or one bill."""

    __tablename__ = "followers"
    __table_args__ = (UniqueConstraint("email", "follows"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    # A random key: the confirmation and the one-click unsubscribe name the follower by it.
    token: Mapped[str] = mapped_column(String(43), unique=True)
    state_abbr: Mapped[str] = mapped_column(ForeignKey("states.abbr"), index=True)
    bill_id: Mapped[int | None] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"), index=True)
    # What it follows, as one key an address may hold once: "mo", "mo/bill/12", "mo/campaign/3".
    follows: Mapped[str] = mapped_column(String(80))
    # An organizer following on behalf of their campaign: alerts link to the campaign's letter.
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    # The follower's own lawmakers' ids, space-separated, kept only when they asked for it.
    lawmaker_ids: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]  # None until the link in the first email is followed
    # The newest BillEvent id already told: the next alert tells only what came after.
    told_up_to: Mapped[int] = mapped_column(default=0)
    last_alert_on: Mapped[date | None]  # at most one alert a day
    # Alerts to this address bounced for good: none are sent until it follows again.
    stopped_reason: Mapped[str] = mapped_column(Text, default="")

    state: Mapped[State] = relationship()
    bill: Mapped[Bill | None] = relationship()
    campaign: Mapped[Campaign | None] = relationship()


class AlertStatus(StrEnum):
    """An alert email: queued → sending → sent, or back to queued to retry, or failed."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class AlertMessage(db.Model):
    """One alert email to one follower on one day, delivered at most once."""

    __tablename__ = "alert_messages"
    __table_args__ = (UniqueConstraint("follower_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    follower_id: Mapped[int] = mapped_column(ForeignKey("followers.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    # Also the message's Message-ID, so every attempt carries the same identity.
    idempotency_key: Mapped[str] = mapped_column(String(32), unique=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=AlertStatus.QUEUED.value, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    follower: Mapped[Follower] = relationship()
