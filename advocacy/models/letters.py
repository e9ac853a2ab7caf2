"""Letter templates with their revisions, and the letters citizens write from them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from advocacy.extensions import db
from advocacy.models.accounts import User
from advocacy.models.legislators import Legislator
from advocacy.models.reportcards import IssueArea, State

if TYPE_CHECKING:
    from advocacy.models.bills import Bill

PURPOSES = ("ask", "thank-you", "follow-up", "phone")


class Channel(StrEnum):
    """How a letter went: the writer's word for email, post or a call, or this site's outbox."""

    EMAIL = "email"
    PRINT = "print"
    PHONE = "phone"
    OUTBOX = "outbox"


class LetterStatus(StrEnum):
    """A letter's stored status (Letter.status)."""

    DRAFT = "draft"
    SENT = "sent"
    NOT_DELIVERED = "not-delivered"
    ANSWERED = "answered"
    NO_ANSWER = "no-answer"


class ReplyStatus(StrEnum):
    """What the writer says came back (Letter.reply_status; "" until they say)."""

    YES = "yes"
    NOT_YET = "not-yet"
    NO = "no"


class ReplyOutcome(StrEnum):
    """Where an answering lawmaker stands (Letter.reply_outcome; "" unless the reply is yes)."""

    SUPPORTIVE = "supportive"
    NON_COMMITTAL = "non-committal"
    OPPOSED = "opposed"


class Stage(StrEnum):
    """How far a letter got, from what was observed or reported: each letter is at exactly one stage.

    Observed outranks reported: a copy that reached the site, the outbox's delivery or a forwarded
    answer confirms a send; the writer's own word reports one. Whether an answer came is counted
    apart (reply_status), since an answered letter was also sent.
    """

    DRAFT = "draft"  # saved, not handed to an email app
    OPENED = "opened"  # handed to an email app; not known to be sent
    SENT_REPORTED = "sent-reported"  # the writer said it was sent
    SENT_CONFIRMED = "sent-confirmed"  # a copy, the outbox or an answer showed it was sent
    NOT_DELIVERED = "not-delivered"  # the lawmaker's mail server refused it for good


def letter_stage(status: str, opened_at: datetime | None, confirmed_at: datetime | None) -> Stage:
    """A letter's stage from its stored columns; tallies.stage_expression says the same in SQL."""
    if status == LetterStatus.NOT_DELIVERED:
        return Stage.NOT_DELIVERED
    if status != LetterStatus.DRAFT:
        return Stage.SENT_CONFIRMED if confirmed_at is not None else Stage.SENT_REPORTED
    return Stage.OPENED if opened_at is not None else Stage.DRAFT


class LetterTemplate(db.Model):
    __tablename__ = "letter_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    issue_area_id: Mapped[int | None] = mapped_column(ForeignKey("issue_areas.id"))
    purpose: Mapped[str] = mapped_column(String(16))
    retired_at: Mapped[datetime | None]

    issue_area: Mapped[IssueArea | None] = relationship()
    revisions: Mapped[list[TemplateRevision]] = relationship(
        back_populates="template", order_by="TemplateRevision.id"
    )

    @property
    def current(self) -> TemplateRevision:
        return self.revisions[-1]


class TemplateRevision(db.Model):
    """Every saved version of a template; letters point at the revision they were drafted from."""

    __tablename__ = "template_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("letter_templates.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: seeded from a file
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]

    template: Mapped[LetterTemplate] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship()


class Letter(db.Model):
    """One message to one lawmaker, tracked through its private token."""

    __tablename__ = "letters"
    # Campaign dashboards group a campaign's letters by lawmaker and by day, in the database.
    __table_args__ = (
        # Covering indexes: a dashboard's grouped counts read the index alone, never the letters.
        Index(
            "ix_letters_campaign_totals",
            "campaign_id",
            "status",
            "channel",
            "reply_status",
            "reply_outcome",
            "issue_area_id",
        ),
        Index("ix_letters_campaign_legislator", "campaign_id", "legislator_id", "status", "reply_status"),
        Index("ix_letters_campaign_created", "campaign_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    # Letters drafted together (one per recipient) share a batch so each tracking page lists the rest.
    batch: Mapped[str] = mapped_column(String(64), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("template_revisions.id"))
    state_abbr: Mapped[str] = mapped_column(ForeignKey("states.abbr"), index=True)
    issue_area_id: Mapped[int | None] = mapped_column(ForeignKey("issue_areas.id"))
    legislator_id: Mapped[str] = mapped_column(ForeignKey("legislators.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    # The bill the letter asks the lawmaker to support (or thanks them for sponsoring).
    bill_id: Mapped[int | None] = mapped_column(ForeignKey("bills.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    personal_paragraph: Mapped[str] = mapped_column(Text, default="")
    sender_name: Mapped[str] = mapped_column(String(200), default="")
    sender_town: Mapped[str] = mapped_column(String(200), default="")
    sender_email: Mapped[str] = mapped_column(String(254), default="")
    # The street address the writer chose to print under their signature ("" when not given).
    sender_address: Mapped[str] = mapped_column(String(300), default="")
    # The address lookup found this lawmaker for the writer's address: only then may the letter
    # say "I am your constituent" and name the district.
    is_constituent: Mapped[bool] = mapped_column(default=False)
    # Moves on with every change to the letter or its outbox message: the key of its cached page.
    version: Mapped[int] = mapped_column(default=0)
    channel: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=LetterStatus.DRAFT.value)
    reply_notes: Mapped[str] = mapped_column(Text, default="")
    # What the writer says came back: "yes", "not-yet" or "no"; and if yes, where the lawmaker stands.
    reply_status: Mapped[str] = mapped_column(String(16), default="", index=True)
    reply_outcome: Mapped[str] = mapped_column(String(16), default="")
    replied_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]  # the one reminder asking whether an answer came
    # The writer agreed that the campaign's organizer may see their name, town and email.
    share_contact: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]
    # When the writer last handed the letter to an email app (mailto, Gmail, Outlook).
    opened_at: Mapped[datetime | None]
    # When something other than the writer's word showed it was sent: its copy arrived, the outbox
    # delivered it, or a forwarded answer came.
    confirmed_at: Mapped[datetime | None]
    # The copy's text differed from the saved letter: the writer changed it in their email app.
    edited_before_sending: Mapped[bool] = mapped_column(default=False)
    # Why the lawmaker's mail server refused it ("" unless status is "not-delivered").
    delivery_problem: Mapped[str] = mapped_column(Text, default="")
    # When the retention period removed the writer's personal details; counts stay.
    purged_at: Mapped[datetime | None]

    revision: Mapped[TemplateRevision] = relationship()
    state: Mapped[State] = relationship()
    issue_area: Mapped[IssueArea | None] = relationship()
    legislator: Mapped[Legislator] = relationship()
    bill: Mapped[Bill | None] = relationship()

    @property
    def stage(self) -> Stage:
        return letter_stage(self.status, self.opened_at, self.confirmed_at)


# A site send on its way: the writer asked (and may still confirm), or confirmed and it is being sent.
class OutboxStatus(StrEnum):
    """An outbox message's status: waiting-confirmation → queued → sending → sent, or back to queued to
    retry, or failed; waiting-confirmation → cancelled when the writer stops it before confirming."""

    WAITING_CONFIRMATION = "waiting-confirmation"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


OUTBOX_PENDING = (OutboxStatus.WAITING_CONFIRMATION, OutboxStatus.QUEUED, OutboxStatus.SENDING)


class OutboxMessage(db.Model):
    """A letter emailed from this site: confirmed by its writer first, then delivered at most once."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), unique=True)
    # Also the message's Message-ID, so every attempt at one letter carries the same identity.
    idempotency_key: Mapped[str] = mapped_column(String(32), unique=True)
    to_address: Mapped[str] = mapped_column(String(254))
    # The writer's address and words, copied from the letter only while a confirmed send needs them.
    reply_to: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # waiting-confirmation → queued → sending → sent, or back to queued to retry, or failed;
    # waiting-confirmation → cancelled when the writer stops it before confirming
    status: Mapped[str] = mapped_column(
        String(24), default=OutboxStatus.WAITING_CONFIRMATION.value, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    # When the latest attempt began: a message left "sending" long after it was interrupted.
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    # Deleting a letter through the ORM deletes its message too (Letter.outbox_message).
    letter: Mapped[Letter] = relationship(
        backref=backref("outbox_message", uselist=False, cascade="all, delete-orphan")
    )

    @property
    def message_id(self) -> str:
        return f"<{self.idempotency_key}@advocacy.local>"
