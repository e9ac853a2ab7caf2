"""Taking one inbound message: match it to a letter, apply what it shows, and record what it did.

Every path (an MTA pipe, the SMTP listener, an IMAP mailbox, a provider's POST) ends in
`receive_mail`, so a message has the same effect whichever way it came, and only once.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from advocacy.alerts.sending import AlertBounce, alert_bounced
from advocacy.clock import utcnow
from advocacy.extensions import db
from advocacy.inbound.notices import tell_writer_not_delivered
from advocacy.inbound.reading import (
    MAX_MESSAGE_BYTES,
    Bounce,
    UnreadableMessage,
    delivery_failure,
    is_auto_reply,
    is_delay_warning,
    message_text,
    parse_message,
    recipients_in_headers,
)
from advocacy.letters.addresses import (
    ForgedAddress,
    InboundKey,
    NotAnInboundAddress,
    Purpose,
    read_inbound_address,
)
from advocacy.letters.outbox import retry_after_soft_bounce
from advocacy.models import EmailBounce, InboundMessage, Letter
from advocacy.models.inbound import FAILURES, TAKEN, MailPath, MailResult
from advocacy.models.letters import Channel, LetterStatus, OutboxStatus, ReplyStatus

log = logging.getLogger("advocacy.inbound")

# Two hard bounces from different letters: one could be a passing fault at the office's server.
BOUNCES_TO_FLAG = 2


@dataclass(frozen=True)
class Taken:
    """What one message did, in words fit for a log line and an admin's page."""

    result: MailResult
    detail: str = ""
    letter_id: int | None = None

    @property
    def failed(self) -> bool:
        return self.result in FAILURES

    @property
    def tells_writer(self) -> bool:
        """A letter bounced for good: its writer should hear of it."""
        return self.result is MailResult.BOUNCED

    def describe(self) -> str:
        letter = f" (letter {self.letter_id})" if self.letter_id is not None else ""
        return f"{self.result}{letter}" + (f": {self.detail}" if self.detail else "")


@dataclass(frozen=True)
class InboundSettings:
    domain: str
    secret: str  # the site's SECRET_KEY signs every inbound address

    @property
    def configured(self) -> bool:
        return bool(self.domain)


def inbound_settings() -> InboundSettings:
    config = current_app.config
    return InboundSettings(domain=str(config["INBOUND_DOMAIN"]).strip().lower(), secret=config["SECRET_KEY"])


def take_mail(
    session: Session,
    settings: InboundSettings,
    raw: bytes,
    path: MailPath,
    recipient: str | None,
    now: datetime,
) -> Taken:
    """Apply one raw message and record its outcome (never its text or its sender)."""
    taken, fingerprint = _take(session, settings, raw, recipient, now)
    session.add(
        InboundMessage(
            received_at=now,
            path=path,
            result=taken.result,
            detail=taken.detail[:300],
            fingerprint=fingerprint,
            letter_id=taken.letter_id,
        )
    )
    session.flush()
    (log.warning if taken.failed else log.info)("inbound mail via %s: %s", path, taken.describe())
    return taken


def _take(
    session: Session, settings: InboundSettings, raw: bytes, recipient: str | None, now: datetime
) -> tuple[Taken, str]:
    whole = hashlib.sha256(raw).hexdigest()
    if len(raw) > MAX_MESSAGE_BYTES:
        return Taken(
            MailResult.TOO_LARGE, f"{len(raw):,} bytes, over the limit of {MAX_MESSAGE_BYTES:,}"
        ), whole
    try:
        message = parse_message(raw)
    except UnreadableMessage as error:
        return Taken(MailResult.UNREADABLE, str(error)), whole
    candidates = [recipient] if recipient else recipients_in_headers(message)
    found = _inbound_key(settings, candidates)
    if isinstance(found, Taken):
        return found, whole
    address, key = found
    message_id = str(message.get("Message-ID", "") or "").strip().lower() or whole
    fingerprint = hashlib.sha256(f"{message_id}|{address}".encode()).hexdigest()
    if _seen(session, fingerprint):
        return Taken(MailResult.DUPLICATE, "this message was taken before", key.letter_id), fingerprint
    if key.purpose is Purpose.ALERT:
        return _alert_bounce(session, key.letter_id, message, now), fingerprint
    letter = session.get(Letter, key.letter_id)
    if letter is None:
        return Taken(MailResult.UNKNOWN_LETTER, f"no letter {key.letter_id}: it was deleted"), fingerprint
    if letter.purged_at is not None:
        detail = f"letter {letter.id}'s details were removed after the retention period"
        return Taken(MailResult.UNKNOWN_LETTER, detail), fingerprint
    if key.purpose is Purpose.COPY:
        return _confirm_copy(letter, message_text(message), now), fingerprint
    if key.purpose is Purpose.BOUNCE:
        return _bounce(session, letter, message, now), fingerprint
    return _answer(letter, message, now), fingerprint


def _inbound_key(settings: InboundSettings, candidates: list[str]) -> tuple[str, InboundKey] | Taken:
    """The first candidate that is a genuine inbound address, or why none is."""
    forged = ""
    for address in candidates:
        try:
            return address.strip().strip("<>").lower(), read_inbound_address(
                settings.secret, settings.domain, address
            )
        except ForgedAddress as error:
            forged = str(error)
        except NotAnInboundAddress:
            continue
    if forged:
        return Taken(MailResult.FORGED, forged)
    named = "no recipient was named" if not candidates else f"none of {len(candidates)} recipient(s)"
    return Taken(MailResult.UNKNOWN_RECIPIENT, f"{named} is an address at {settings.domain or '(not set)'}")


def _seen(session: Session, fingerprint: str) -> bool:
    return (
        session.scalar(
            select(InboundMessage.id)
            .where(InboundMessage.fingerprint == fingerprint, InboundMessage.result.in_(TAKEN))
            .limit(1)
        )
        is not None
    )


WORD = re.compile(r"\w+")


def same_words(copy_text: str, saved: str) -> bool:
    """Whether the copy carries the saved letter word for word. Mail apps rewrap lines, turn the
    text into HTML and add signatures ("Sent from my phone"), so only the words, in order, count."""
    saved_words = " ".join(WORD.findall(saved.lower()))
    return saved_words in " ".join(WORD.findall(copy_text.lower()))


def _confirm_copy(letter: Letter, copy_text: str, now: datetime) -> Taken:
    if letter.confirmed_at is not None:
        return Taken(MailResult.ALREADY_DONE, "its send was already confirmed", letter.id)
    letter.confirmed_at = now
    letter.edited_before_sending = not same_words(copy_text, letter.body)
    if letter.status == LetterStatus.DRAFT:
        letter.status = LetterStatus.SENT
        letter.channel = Channel.EMAIL
        letter.sent_at = now
    message = letter.outbox_message
    if message is not None and message.status == OutboxStatus.WAITING_CONFIRMATION:
        # The writer sent it themselves: the site must not send it a second time.
        message.status = OutboxStatus.CANCELLED
    edited = " (edited before sending)" if letter.edited_before_sending else ""
    return Taken(MailResult.CONFIRMED, f"its copy arrived{edited}", letter.id)


def _bounce(session: Session, letter: Letter, message: EmailMessage, now: datetime) -> Taken:
    failure = delivery_failure(message)
    if failure is None:
        if is_delay_warning(message):
            return Taken(MailResult.DELAYED, "the office's server is still trying", letter.id)
        if is_auto_reply(message):
            return Taken(MailResult.AUTO_REPLY, "an automatic reply to the return path", letter.id)
        return Taken(MailResult.IGNORED, "not a delivery report", letter.id)
    if letter.status == LetterStatus.NOT_DELIVERED:
        return Taken(MailResult.ALREADY_DONE, "it was already marked not delivered", letter.id)
    if not failure.permanent and retry_after_soft_bounce(letter, failure.reason, now):
        return Taken(MailResult.RETRYING, failure.reason, letter.id)
    letter.status = LetterStatus.NOT_DELIVERED
    letter.delivery_problem = failure.reason or "The office's mail server refused the letter."
    if failure.permanent:
        _count_hard_bounce(session, letter, failure, now)
    return Taken(MailResult.BOUNCED, failure.reason, letter.id)


# What a bounce of an alert did, as the inbound log records it.
ALERT_RESULTS = {
    AlertBounce.STOPPED: MailResult.BOUNCED,
    AlertBounce.RETRYING: MailResult.RETRYING,
    AlertBounce.ALREADY_STOPPED: MailResult.ALREADY_DONE,
    AlertBounce.NOT_RETRIED: MailResult.ALREADY_DONE,
    AlertBounce.NO_FOLLOWER: MailResult.UNKNOWN_LETTER,
}


def _alert_bounce(session: Session, follower_id: int, message: EmailMessage, now: datetime) -> Taken:
    """A bounce at a follower's return path: a permanent one stops their alerts, a temporary one
    sends the alert again. The follower is named by id only: the log keeps no address."""
    failure = delivery_failure(message)
    if failure is None:
        if is_delay_warning(message):
            return Taken(MailResult.DELAYED, f"follower {follower_id}'s mail server is still trying")
        if is_auto_reply(message):
            return Taken(MailResult.AUTO_REPLY, f"an automatic reply to follower {follower_id}'s alert")
        return Taken(MailResult.IGNORED, "not a delivery report")
    outcome = alert_bounced(session, follower_id, failure.permanent, failure.reason, now)
    return Taken(ALERT_RESULTS[outcome], f"alerts to follower {follower_id}: {outcome}: {failure.reason}")


def _count_hard_bounce(session: Session, letter: Letter, failure: Bounce, now: datetime) -> None:
    """Keep the bounce; two from different letters to the same address flag the lawmaker's address."""
    person = letter.legislator
    message = letter.outbox_message
    address = (message.to_address if message is not None else "") or person.email
    session.add(
        EmailBounce(
            letter_id=letter.id,
            legislator_id=person.id,
            address=address,
            reason=failure.reason,
            created_at=now,
        )
    )
    session.flush()
    bounced = session.scalar(
        select(func.count(func.distinct(EmailBounce.letter_id))).where(
            EmailBounce.legislator_id == person.id,
            func.lower(EmailBounce.address) == person.email.lower(),
        )
    )
    if (bounced or 0) >= BOUNCES_TO_FLAG and person.email_bouncing_since is None:
        person.email_bouncing_since = now
        person.email_bounce_reason = failure.reason
        log.warning("%s's address %s is bouncing: %s", person.id, person.email, failure.reason)


def _answer(letter: Letter, message: EmailMessage, now: datetime) -> Taken:
    if is_auto_reply(message):
        return Taken(MailResult.AUTO_REPLY, "an automatic reply is not an answer", letter.id)
    if letter.status == LetterStatus.ANSWERED and letter.reply_status == ReplyStatus.YES:
        return Taken(MailResult.ALREADY_DONE, "it was already answered", letter.id)
    letter.status = LetterStatus.ANSWERED
    letter.reply_status = ReplyStatus.YES
    letter.replied_at = now
    # An answer shows the letter arrived, whatever the writer reported.
    letter.sent_at = letter.sent_at or now
    letter.confirmed_at = letter.confirmed_at or now
    letter.channel = letter.channel or Channel.EMAIL
    return Taken(MailResult.ANSWERED, "a forwarded answer", letter.id)


def receive_mail(raw: bytes, path: MailPath, recipient: str | None = None) -> Taken:
    """Take one message in the current app, commit what it did, then tell a writer whose letter bounced.

    A database failure rolls back and propagates, so the path can ask its sender to try again.
    """
    try:
        taken = take_mail(db.session, inbound_settings(), raw, path, recipient, utcnow())
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        raise
    if taken.tells_writer and taken.letter_id is not None:
        tell_writer_not_delivered(taken.letter_id)
    return taken


def receive_too_large(size: int, path: MailPath) -> Taken:
    """Record a message a mailbox holds but that was not downloaded, being over the limit."""
    taken = Taken(MailResult.TOO_LARGE, f"{size:,} bytes, over the limit of {MAX_MESSAGE_BYTES:,}")
    db.session.add(
        InboundMessage(
            received_at=utcnow(),
            path=path,
            result=taken.result,
            detail=taken.detail,
            fingerprint=hashlib.sha256(f"too-large|{path}|{size}|{utcnow()}".encode()).hexdigest(),
        )
    )
    db.session.commit()
    log.warning("inbound mail via %s: %s", path, taken.describe())
    return taken
