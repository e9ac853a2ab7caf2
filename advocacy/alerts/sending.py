"""The daily alerts: one email a day to each follower whose bills moved, delivered exactly once by
the outbox's machinery (claim, one Message-ID for every attempt, retries, a VERP return path)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from advocacy.alerts.mails import alert_text
from advocacy.alerts.service import followed_bills
from advocacy.letters.addresses import Purpose, inbound_address
from advocacy.letters.outbox import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    Delivery,
    DeliveryOutcome,
    OutboxUnavailable,
    deliver_queued,
    summarize,
    try_sending,
)
from advocacy.links import site_url
from advocacy.mail import mail_configured, send_mail
from advocacy.models import AlertMessage, Bill, BillEvent, Follower
from advocacy.models.alerts import AlertStatus

UNCERTAIN = (
    "The mail server hung up before confirming it had the alert. It is not sent again, so that "
    "nobody gets the same alert twice."
)
INTERRUPTED = "Sending was interrupted before the mail server confirmed it. " + UNCERTAIN.split(". ", 1)[1]


@dataclass(frozen=True)
class AlertRun:
    """What one run did: alerts made for today, and what became of each one due."""

    made: int
    deliveries: list[Delivery] = field(default_factory=list)
    skipped: str = ""  # why nothing was made or sent

    def describe(self) -> str:
        if self.skipped:
            return f"alerts: nothing sent: {self.skipped}"
        return f"alerts: {self.made} made; {summarize(self.deliveries)}"


def send_alerts(session: Session, today: date, now: datetime) -> AlertRun:
    """Make today's alerts and deliver every alert that is due. Links in them start with BASE_URL,
    so this runs in a request context made for it (a job and the command have none)."""
    if not mail_configured():
        # Not made either: each follower is told of these moves once mail can go.
        return AlertRun(0, skipped="no mail server is set up: set ADVOCACY_SMTP_URL to send alerts")
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        made = make_alerts(session, today, now)
        session.commit()
        return AlertRun(made, deliver_alerts(session, now))


def make_alerts(session: Session, today: date, now: datetime) -> int:
    """One alert for today to each confirmed follower whose bills moved since its last alert, and
    that has had none today. Returns how many were made."""
    query = select(Follower).where(
        Follower.confirmed_at.is_not(None),
        Follower.stopped_reason == "",
        or_(Follower.last_alert_on.is_(None), Follower.last_alert_on < today),
    )
    by_state: dict[str, list[Bill]] = {}
    return sum(
        _make_alert(session, f, by_state, today, now)
        for f in session.scalars(query.order_by(Follower.id)).all()
    )


def _make_alert(
    session: Session, follower: Follower, by_state: dict[str, list[Bill]], today: date, now: datetime
) -> bool:
    bills = {bill.id: bill for bill in followed_bills(session, follower, by_state)}
    if not bills:
        return False
    events = session.scalars(
        select(BillEvent)
        .where(BillEvent.bill_id.in_(bills), BillEvent.id > follower.told_up_to)
        .order_by(BillEvent.id)
    ).all()
    if not events:
        return False
    news: dict[Bill, list[BillEvent]] = {}
    for event in events:
        news.setdefault(bills[event.bill_id], []).append(event)
    text = alert_text(session, follower, news, today)
    try:
        # The alert and the follower's new mark go together; another run that made today's alert
        # first wins (one alert per follower and day), and this one leaves both as they were.
        with session.begin_nested():
            session.add(
                AlertMessage(
                    follower_id=follower.id,
                    day=today,
                    idempotency_key=uuid.uuid4().hex,
                    subject=text.subject,
                    body=text.body,
                    status=AlertStatus.QUEUED.value,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
            follower.told_up_to = events[-1].id
            follower.last_alert_on = today
    except IntegrityError:
        return False
    return True


def deliver_alerts(session: Session, now: datetime, only: list[int] | None = None) -> list[Delivery]:
    """Send every queued alert that is due, each at most once (see letters.outbox.deliver_queued)."""
    if not mail_configured():
        raise OutboxUnavailable("no mail server is set up: set ADVOCACY_SMTP_URL to send alerts")
    return deliver_queued(session, AlertMessage, now, only, _attempt, _give_up)


def unsubscribe_headers(follower: Follower) -> dict[str, str]:
    """RFC 2369 and RFC 8058: mail apps show an unsubscribe button that posts to the link."""
    return {
        "List-Unsubscribe": f"<{site_url('alerts.stop', token=follower.token)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }


def _bounce_address(follower: Follower) -> str:
    """The follower's VERP return path, so a bounce names the follower; "" without inbound mail."""
    domain = current_app.config["INBOUND_DOMAIN"]
    secret = current_app.config["SECRET_KEY"]
    return inbound_address(secret, domain, Purpose.ALERT, follower.id) if domain else ""


def _attempt(session: Session, message: AlertMessage, now: datetime) -> Delivery:
    follower = message.follower
    to = f"follower {follower.id}"  # a command's output names no one's address
    if follower.stopped_reason:
        _finish(message, AlertStatus.FAILED, "Alerts to this address bounced, so none are sent.")
        return Delivery(message.id, to, DeliveryOutcome.FAILED, message.last_error)
    tried = try_sending(
        message,
        now,
        lambda: send_mail(
            follower.email,
            message.subject,
            message.body,
            message_id=f"<{message.idempotency_key}@advocacy.local>",
            return_path=_bounce_address(follower),
            headers=unsubscribe_headers(follower),
        ),
        what="alert",
        uncertain=UNCERTAIN,
    )
    if tried.outcome is DeliveryOutcome.FAILED:
        _finish(message, AlertStatus.FAILED, tried.detail)
    elif tried.outcome is DeliveryOutcome.SENT:
        _finish(message, AlertStatus.SENT)
        message.sent_at = now
    return Delivery(message.id, to, tried.outcome, tried.detail)


def _give_up(message: AlertMessage) -> Delivery:
    _finish(message, AlertStatus.FAILED, INTERRUPTED)
    return Delivery(message.id, f"follower {message.follower_id}", DeliveryOutcome.FAILED, INTERRUPTED)


def _finish(message: AlertMessage, status: AlertStatus, reason: str = "") -> None:
    message.status = status.value
    message.last_error = reason


class AlertBounce(StrEnum):
    """What a bounce at a follower's return path did (inbound mail records it)."""

    STOPPED = "stopped"
    RETRYING = "retrying"
    ALREADY_STOPPED = "already-stopped"
    NO_FOLLOWER = "no-follower"
    NOT_RETRIED = "not-retried"


def alert_bounced(
    session: Session, follower_id: int, permanent: bool, reason: str, now: datetime
) -> AlertBounce:
    """A permanent bounce stops the follower: no more alerts go to the address until it follows
    again. A temporary one sends the newest alert again on the outbox's schedule."""
    follower = session.get(Follower, follower_id)
    if follower is None:
        return AlertBounce.NO_FOLLOWER
    if follower.stopped_reason:
        return AlertBounce.ALREADY_STOPPED
    if permanent:
        follower.stopped_reason = reason or "The address's mail server refused the alert."
        return AlertBounce.STOPPED
    message = session.scalar(
        select(AlertMessage)
        .where(AlertMessage.follower_id == follower.id, AlertMessage.status == AlertStatus.SENT.value)
        .order_by(AlertMessage.id.desc())
        .limit(1)
    )
    if message is None or message.attempts >= MAX_ATTEMPTS or not message.body:
        return AlertBounce.NOT_RETRIED
    message.status = AlertStatus.QUEUED.value
    message.last_error = reason
    message.next_attempt_at = now + RETRY_DELAYS[message.attempts - 1]
    return AlertBounce.RETRYING
