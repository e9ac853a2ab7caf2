"""The outbox: letters emailed from this site once their writer confirms, each delivered at most once."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from advocacy.clock import utcnow
from advocacy.extensions import db
from advocacy.jobs import in_app
from advocacy.letters.addresses import Purpose, inbound_address
from advocacy.letters.service import mark_sent
from advocacy.mail import DeliveryUncertain, MailNotSent, UnsafeHeader, mail_configured, send_mail
from advocacy.models import AlertMessage, Letter, OutboxMessage
from advocacy.models.letters import OUTBOX_PENDING, Channel, LetterStatus, OutboxStatus

CONFIRM_MAX_AGE = 2 * 24 * 3600  # seconds a confirmation link stays valid
# Waits after the first, second and third failed attempt; the fourth failure is final.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=25))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# Far longer than any SMTP conversation (each step times out after HTTP_TIMEOUT): a message still
# "sending" after this was interrupted by a crash, not slowed down.
SENDING_TIMEOUT = timedelta(minutes=15)

MAY_HAVE_ARRIVED = (
    "It may or may not have reached the office, so it was not sent again: the office should "
    "never get the same letter twice. You can send it again if you wish."
)
INTERRUPTED = "Sending was interrupted before the mail server confirmed it. " + MAY_HAVE_ARRIVED


PENDING = OUTBOX_PENDING
# A model delivered as the outbox is: status, attempts, next_attempt_at, claimed_at, last_error.
Queued = TypeVar("Queued", OutboxMessage, AlertMessage)


class CannotSendFromSite(ValueError):
    """This letter cannot go out from this site; the message says why and what to do instead."""

    def __init__(self, message: str, letter_token: str = "") -> None:
        super().__init__(message)
        self.letter_token = letter_token  # the letter's page can explain, when the letter is known


class InvalidConfirmation(ValueError):
    """A confirmation link that is forged, expired, or for a request that has been replaced."""

    def __init__(self, message: str, letter_token: str = "") -> None:
        super().__init__(message)
        self.letter_token = letter_token


class OutboxUnavailable(RuntimeError):
    """No mail server is set up, so nothing can be delivered."""


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="advocacy.outbox")


def _usable_address(address: str) -> bool:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def why_not_sendable(letter: Letter) -> str:
    """What stops this letter from being emailed from this site, in the writer's words; "" if nothing."""
    person = letter.legislator
    if letter.status != LetterStatus.DRAFT:
        return "This letter is already marked as sent."
    if not letter.sender_email:
        return (
            "This letter has no email address of yours, so the office could not reply. "
            "Send it from your own email instead, or write it again with your email address."
        )
    if not _usable_address(letter.sender_email):
        return (
            "The email address saved with this letter is not one we can send from. "
            "Send it from your own email instead."
        )
    if not person.email or not _usable_address(person.email):
        return f"{person.title} {person.name} has no usable published email address."
    if person.email_bouncing_since is not None:
        return (
            f"Letters to {person.title} {person.name}'s email address have been bouncing, so this site "
            "has stopped sending there. Call the office, or print the letter and post it."
        )
    return ""


def request_send(session: Session, letter: Letter, secret: str) -> str:
    """Put the letter in the outbox, waiting for its writer to confirm; returns the signed link token.

    Asking again (a lost link, a double click, a failed send) reuses the same message and its key.
    Nothing of the writer's is copied yet: a request never confirmed keeps no personal data.
    """
    problem = why_not_sendable(letter)
    if problem:
        raise CannotSendFromSite(problem)
    message = letter.outbox_message
    if message is None:
        message = OutboxMessage(idempotency_key=uuid.uuid4().hex, letter=letter)
        session.add(message)
    elif message.status not in (
        OutboxStatus.WAITING_CONFIRMATION,
        OutboxStatus.FAILED,
        OutboxStatus.CANCELLED,
    ):
        raise CannotSendFromSite("This letter is already on its way from this site.")
    message.to_address = letter.legislator.email
    message.status = OutboxStatus.WAITING_CONFIRMATION
    message.created_at = utcnow()  # when the writer last asked: the link's age counts from here
    message.attempts = 0
    message.next_attempt_at = None
    message.claimed_at = None
    message.last_error = ""
    session.flush()
    return _serializer(secret).dumps({"id": message.id, "key": message.idempotency_key})


def confirmation_expired(message: OutboxMessage, now: datetime) -> bool:
    return message.status == OutboxStatus.WAITING_CONFIRMATION and now - message.created_at > timedelta(
        seconds=CONFIRM_MAX_AGE
    )


def confirm_send(session: Session, secret: str, token: str) -> OutboxMessage:
    """The writer opened the link: queue the letter as it is now. Opening it again changes nothing."""
    serializer = _serializer(secret)
    try:
        data = serializer.loads(token, max_age=CONFIRM_MAX_AGE)
    except SignatureExpired as error:
        # The signature is genuine, only old: the letter's own page can offer a new link.
        message = _message_for(session, serializer.load_payload(error.payload))
        raise InvalidConfirmation(
            "This confirmation link has expired, so nothing was sent. Ask for a new link below.",
            message.letter.token if message else "",
        ) from error
    except BadSignature as error:
        raise InvalidConfirmation("This link is not valid. Check that you copied all of it.") from error
    message = _message_for(session, data)
    if message is None:
        raise InvalidConfirmation("This link is no longer valid: the letter may have been deleted.")
    if message.status == OutboxStatus.WAITING_CONFIRMATION:
        # Checked again: the letter may have been marked sent, or purged, since the writer asked.
        problem = why_not_sendable(message.letter)
        if problem:
            raise CannotSendFromSite(f"{problem} Nothing was sent from this site.", message.letter.token)
        letter = message.letter
        message.to_address = letter.legislator.email
        message.reply_to = letter.sender_email
        message.subject = letter.subject
        message.body = letter.body
        message.status = OutboxStatus.QUEUED
        message.next_attempt_at = utcnow()
    return message


def _message_for(session: Session, data: object) -> OutboxMessage | None:
    message = session.get(OutboxMessage, data.get("id")) if isinstance(data, dict) else None
    if message is None or message.idempotency_key != data.get("key"):
        return None
    return message


def cancel_send(letter: Letter) -> None:
    """The writer changed their mind before confirming: the link they were sent will send nothing."""
    message = letter.outbox_message
    if message is None or message.status != OutboxStatus.WAITING_CONFIRMATION:
        raise CannotSendFromSite(
            "Only a letter waiting for your confirmation can be stopped; this one is not.", letter.token
        )
    message.status = OutboxStatus.CANCELLED
    message.last_error = ""


class DeliveryOutcome(StrEnum):
    """What one delivery attempt did with one message."""

    SENT = "sent"
    RETRYING = "retrying"
    FAILED = "failed"


@dataclass(frozen=True)
class Delivery:
    """What one delivery run did with one message."""

    message_id: int
    to: str
    outcome: DeliveryOutcome
    detail: str = ""

    def describe(self) -> str:
        detail = f": {self.detail}" if self.detail else ""
        return f"message {self.message_id} to {self.to}: {self.outcome}{detail}"


def summarize(deliveries: list[Delivery]) -> str:
    """sent 2, retrying 1, failed 0"""
    return ", ".join(
        f"{outcome} {sum(1 for d in deliveries if d.outcome == outcome)}" for outcome in DeliveryOutcome
    )


def deliver_due(session: Session, now: datetime, only: list[int] | None = None) -> list[Delivery]:
    """Send every queued letter that is due (or only those in `only`), each at most once."""
    if not mail_configured():
        raise OutboxUnavailable("no mail server is set up: set ADVOCACY_SMTP_URL to send the outbox")
    return deliver_queued(session, OutboxMessage, now, only, _attempt, _give_up)


def deliver_queued(
    session: Session,
    model: type[Queued],
    now: datetime,
    only: list[int] | None,
    attempt: Callable[[Session, Queued, datetime], Delivery],
    give_up: Callable[[Queued], Delivery],
) -> list[Delivery]:
    """Send every queued message of `model` (the outbox's letters, the alerts) that is due.

    Unlike other services this commits, after every step, as the lawmaker sync does: a message is
    marked "sending" and that is stored before the SMTP conversation starts, so a crash at any
    point leaves a trace, and no transaction stays open while a mail server answers. A message
    found still "sending" after SENDING_TIMEOUT may have been delivered before the crash; `give_up`
    marks it failed, never to be sent again. Refusals and connections lost before the server had
    the whole message are retried after RETRY_DELAYS, up to MAX_ATTEMPTS.
    """
    stuck = select(model).where(
        model.status == OutboxStatus.SENDING, model.claimed_at < now - SENDING_TIMEOUT
    )
    if only is not None:
        stuck = stuck.where(model.id.in_(only))
    deliveries = [give_up(message) for message in session.scalars(stuck)]
    session.commit()
    due = select(model.id).where(model.status == OutboxStatus.QUEUED, model.next_attempt_at <= now)
    if only is not None:
        due = due.where(model.id.in_(only))
    for message_id in list(session.scalars(due.order_by(model.next_attempt_at))):
        claimed = claim(session, model, message_id, now)
        session.commit()
        if claimed:
            deliveries.append(attempt(session, session.get(model, message_id), now))
            session.commit()
    return deliveries


def _give_up(message: OutboxMessage) -> Delivery:
    _finish(message, OutboxStatus.FAILED, INTERRUPTED)
    return Delivery(message.id, message.to_address, DeliveryOutcome.FAILED, INTERRUPTED)


def claim(session: Session, model: type[Queued], message_id: int, now: datetime) -> bool:
    """Move one message from queued to sending; False when another run (or click) got there first."""
    result = session.execute(
        update(model)
        .where(model.id == message_id, model.status == OutboxStatus.QUEUED, model.next_attempt_at <= now)
        .values(status=OutboxStatus.SENDING.value, attempts=model.attempts + 1, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def try_sending(
    message: Queued, now: datetime, send: Callable[[], object], what: str, uncertain: str
) -> Delivery:
    """One claimed attempt at `send`: SENT; RETRYING, the message queued again after its wait; or
    FAILED for good, with the reason (`uncertain` when the server may have kept it), which the
    caller records. The Delivery's `to` is left for the caller."""
    try:
        send()
    except UnsafeHeader as error:
        return Delivery(message.id, "", DeliveryOutcome.FAILED, f"The {what} could not be sent: {error}.")
    except DeliveryUncertain:
        return Delivery(message.id, "", DeliveryOutcome.FAILED, uncertain)
    except (MailNotSent, ValueError) as error:
        # ValueError: a malformed ADVOCACY_SMTP_URL, which whoever runs the site can still fix.
        permanent = isinstance(error, MailNotSent) and error.permanent
        if permanent or message.attempts >= MAX_ATTEMPTS:
            tries = "" if message.attempts == 1 else f"Tried {message.attempts} times; the last time, "
            return Delivery(message.id, "", DeliveryOutcome.FAILED, _sentence(f"{tries}{error}."))
        message.status = OutboxStatus.QUEUED
        message.last_error = str(error)
        message.next_attempt_at = now + RETRY_DELAYS[message.attempts - 1]
        return Delivery(
            message.id,
            "",
            DeliveryOutcome.RETRYING,
            f"again after {message.next_attempt_at:%Y-%m-%d %H:%M} UTC: {error}",
        )
    return Delivery(message.id, "", DeliveryOutcome.SENT)


def _attempt(session: Session, message: OutboxMessage, now: datetime) -> Delivery:
    if message.letter.legislator.email_bouncing_since is not None:
        reason = "The lawmaker's email address has been bouncing, so the letter was not sent."
        _finish(message, OutboxStatus.FAILED, reason)
        return Delivery(message.id, message.to_address, DeliveryOutcome.FAILED, reason)
    tried = try_sending(
        message,
        now,
        lambda: send_mail(
            message.to_address,
            message.subject,
            message.body,
            reply_to=message.reply_to,
            message_id=message.message_id,
            return_path=_bounce_address(message.letter),
        ),
        what="letter",
        uncertain="The mail server hung up before confirming it had the letter. " + MAY_HAVE_ARRIVED,
    )
    delivery = Delivery(message.id, message.to_address, tried.outcome, tried.detail)
    if tried.outcome is DeliveryOutcome.FAILED:
        _finish(message, OutboxStatus.FAILED, tried.detail)
    elif tried.outcome is DeliveryOutcome.SENT:
        _finish(message, OutboxStatus.SENT)
        message.sent_at = now
        mark_sent(message.letter, Channel.OUTBOX)
        message.letter.confirmed_at = now  # the mail server took it: observed, not reported
    return delivery


def _bounce_address(letter: Letter) -> str:
    """The letter's VERP return path, so a bounce names the letter; "" without inbound mail."""
    domain = current_app.config["INBOUND_DOMAIN"]
    return (
        inbound_address(current_app.config["SECRET_KEY"], domain, Purpose.BOUNCE, letter.id) if domain else ""
    )


def retry_after_soft_bounce(letter: Letter, reason: str, now: datetime) -> bool:
    """A temporary failure reported after the server took the letter: send it again on the usual
    schedule. False when it was not sent from here, or has used up its attempts."""
    message = letter.outbox_message
    if message is None or message.status != OutboxStatus.SENT or message.attempts >= MAX_ATTEMPTS:
        return False
    message.status = OutboxStatus.QUEUED
    message.last_error = reason
    message.next_attempt_at = now + RETRY_DELAYS[message.attempts - 1]
    # Sending again needs the writer's words and address, dropped once it was first sent.
    message.body = letter.body
    message.reply_to = letter.sender_email
    letter.status = LetterStatus.DRAFT
    letter.channel = None
    letter.sent_at = None
    letter.confirmed_at = None
    return True


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _finish(message: OutboxMessage, status: OutboxStatus, reason: str = "") -> None:
    message.status = status
    message.last_error = reason
    # The letter keeps its own copy; the outbox needs the writer's words and address no longer.
    message.body = ""
    message.reply_to = ""


def deliver_job(message_id: int) -> list[Delivery]:
    """Deliver one confirmed message: inline in the request, or on `advocacy worker` with Redis."""
    return in_app(lambda: deliver_due(db.session, utcnow(), only=[message_id]))
