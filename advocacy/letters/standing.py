"""Where a letter stands, in the writer's words, and what its page may still offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from advocacy.clock import utcnow
from advocacy.letters.forms import CHANNEL_PHRASES
from advocacy.letters.outbox import PENDING, confirmation_expired
from advocacy.models import Letter
from advocacy.templating import long_date

REPLY_PHRASES = {"answered": "they answered", "no-answer": "no answer came"}


@dataclass(frozen=True)
class Standing:
    label: str  # sentence case, e.g. "Sent by email on November 30, 2026"
    sent: bool  # sent by some channel
    site_send_pending: bool  # waiting for the writer's confirmation, queued or being sent from this site
    waiting_confirmation: bool  # the writer may still cancel the site send

    @property
    def settled(self) -> bool:
        """Sent, or on its way: other ways of sending fold away, and "Mark as sent" is not offered."""
        return self.sent or self.site_send_pending


def letter_standing(letter: Letter, now: datetime | None = None) -> Standing:
    now = now or utcnow()
    message = letter.outbox_message
    if letter.status != "draft":
        label = CHANNEL_PHRASES.get(letter.channel or "", "Sent")
        if letter.sent_at:
            label += f" on {long_date(letter.sent_at)}"
        if letter.status in REPLY_PHRASES:
            label += f": {REPLY_PHRASES[letter.status]}"
        return Standing(label, sent=True, site_send_pending=False, waiting_confirmation=False)
    if message is not None and message.status in PENDING and not confirmation_expired(message, now):
        if message.status == "waiting-confirmation":
            label = "Waiting for you to confirm your email address, then it goes from this site"
        else:
            label = "Being sent from this site"
        return Standing(
            label,
            sent=False,
            site_send_pending=True,
            waiting_confirmation=message.status == "waiting-confirmation",
        )
    return Standing("Not sent yet", sent=False, site_send_pending=False, waiting_confirmation=False)
