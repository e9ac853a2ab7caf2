"""Inbound mail as the site keeps it: what each message did (never its text or sender), and bounces."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from advocacy.extensions import db


class MailPath(StrEnum):
    """The ways a message reaches the parser."""

    PIPE = "pipe"  # `advocacy take-mail`, from an MTA
    SMTP = "smtp"  # `advocacy inbound-smtp`
    IMAP = "imap"  # `advocacy read-mailbox`
    HTTP = "http"  # POST /inbound/mail, from a mail provider's forwarder


class MailResult(StrEnum):
    """What one inbound message did. The first group changed a letter; the rest changed nothing."""

    CONFIRMED = "confirmed"  # a copy: the letter is sent (confirmed)
    BOUNCED = "bounced"  # a hard bounce: not delivered
    RETRYING = "retrying"  # a soft bounce: the outbox tries again
    ANSWERED = "answered"  # a forwarded answer
    ALREADY_DONE = "already-done"  # a second copy, bounce or answer for the same letter
    DUPLICATE = "duplicate"  # the same message again, by the same or another path
    AUTO_REPLY = "auto-reply"  # out of office, vacation, "we received your message"
    DELAYED = "delayed"  # a warning that delivery is still being tried
    IGNORED = "ignored"  # at a bounce address, but no delivery report
    UNKNOWN_RECIPIENT = "unknown-recipient"  # not one of the inbound domain's address forms
    FORGED = "forged"  # the address's signature does not match
    UNKNOWN_LETTER = "unknown-letter"  # the letter was deleted, or purged
    TOO_LARGE = "too-large"
    UNREADABLE = "unreadable"  # broken MIME, no headers


# Results an admin should look at: the message could not be matched to a letter or read at all.
FAILURES = (
    MailResult.UNKNOWN_RECIPIENT,
    MailResult.FORGED,
    MailResult.UNKNOWN_LETTER,
    MailResult.TOO_LARGE,
    MailResult.UNREADABLE,
)
# Results that took effect: the same message again changes nothing more.
TAKEN = (
    MailResult.CONFIRMED,
    MailResult.BOUNCED,
    MailResult.RETRYING,
    MailResult.ANSWERED,
    MailResult.ALREADY_DONE,
    MailResult.AUTO_REPLY,
    MailResult.DELAYED,
    MailResult.IGNORED,
)


class InboundMessage(db.Model):
    """One inbound message's outcome. No body, subject or sender is kept, only what it did."""

    __tablename__ = "inbound_messages"
    __table_args__ = (Index("ix_inbound_messages_path_received", "path", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)
    path: Mapped[str] = mapped_column(String(8))
    result: Mapped[str] = mapped_column(String(24), index=True)
    detail: Mapped[str] = mapped_column(String(300), default="")
    # A digest of the Message-ID (or of the whole message) and the recipient: the same message
    # brought twice, by one path or two, takes effect once.
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id", ondelete="SET NULL"))


class EmailBounce(db.Model):
    """A letter sent from this site that a lawmaker's mail server refused for good."""

    __tablename__ = "email_bounces"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), unique=True)
    legislator_id: Mapped[str] = mapped_column(ForeignKey("legislators.id"), index=True)
    address: Mapped[str] = mapped_column(String(254))  # where it was sent, as the outbox addressed it
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
