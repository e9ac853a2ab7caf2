"""Where a letter stands, in the writer's words, and what its page may still offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from advocacy.clock import utcnow
from advocacy.dates import long_date
from advocacy.letters.forms import CHANNEL_PHRASES
from advocacy.letters.outbox import PENDING, confirmation_expired
from advocacy.models import Letter
from advocacy.models.letters import LetterStatus, OutboxStatus, Stage

# Each stage in a few words, as lists of letters show it ("Senator Lee: sent (confirmed)").
STAGE_WORDS = {
    Stage.DRAFT: "not sent yet",
    Stage.OPENED: "opened in your email app",
    Stage.SENT_REPORTED: "sent (you said so)",
    Stage.SENT_CONFIRMED: "sent (confirmed)",
    Stage.NOT_DELIVERED: "not delivered",
}


@dataclass(frozen=True)
class Standing:
    label: str  # sentence case, e.g. "Sent by email (confirmed) on November 30, 2026"
    words: str  # a few lower-case words for lists: "sent (confirmed)", "answered"
    sent: bool  # sent by some channel, and not refused by the office's mail server
    site_send_pending: bool  # waiting for the writer's confirmation, queued or being sent from this site
    waiting_confirmation: bool  # the writer may still cancel the site send
    asks_if_sent: bool = False  # opened in an email app and not known to be sent: "Did it send?"
    not_delivered: bool = False

    @property
    def settled(self) -> bool:
        """Sent, or on its way: other ways of sending fold away, and "Mark as sent" is not offered."""
        return self.sent or self.site_send_pending


def _sent_label(letter: Letter) -> str:
    how = "confirmed" if letter.confirmed_at is not None else "you said so"
    label = f"{CHANNEL_PHRASES.get(letter.channel or '', 'Sent')} ({how})"
    return label + (f" on {long_date(letter.sent_at)}" if letter.sent_at else "")


def letter_standing(letter: Letter, now: datetime | None = None) -> Standing:
    now = now or utcnow()
    stage = letter.stage
    if stage is Stage.NOT_DELIVERED:
        label = f"Not delivered: {letter.delivery_problem}" if letter.delivery_problem else "Not delivered"
        return Standing(label, "not delivered", False, False, False, not_delivered=True)
    if letter.status == LetterStatus.ANSWERED:
        on = f" on {long_date(letter.replied_at)}" if letter.replied_at else ""
        sent = _sent_label(letter)
        return Standing(f"Answered{on}. {sent}", "answered", True, False, False)
    if letter.status != LetterStatus.DRAFT:
        label = _sent_label(letter)
        if letter.status == LetterStatus.NO_ANSWER:
            label += ": no answer came"
        return Standing(label, STAGE_WORDS[stage], True, False, False)
    message = letter.outbox_message
    if message is not None and message.status in PENDING and not confirmation_expired(message, now):
        waiting = message.status == OutboxStatus.WAITING_CONFIRMATION
        label = (
            "Waiting for you to confirm your email address, then it goes from this site"
            if waiting
            else "Being sent from this site"
        )
        return Standing(label, "being sent from this site", False, True, waiting)
    if stage is Stage.OPENED:
        return Standing(
            "Opened in your email app: not known to be sent yet",
            STAGE_WORDS[stage],
            False,
            False,
            False,
            asks_if_sent=True,
        )
    return Standing("Not sent yet", STAGE_WORDS[stage], False, False, False)
