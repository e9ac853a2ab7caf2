"""How inbound mail is doing, for /healthz and the admin: the last message on each path, failures,
and the lawmakers' addresses that bounce."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from advocacy.models import EmailBounce, InboundMessage, Legislator
from advocacy.models.inbound import FAILURES, MailPath

RECENT_FAILURES = 25


@dataclass(frozen=True)
class PathHealth:
    path: MailPath
    last_received: datetime | None
    last_result: str
    this_week: int


@dataclass(frozen=True)
class InboundHealth:
    paths: list[PathHealth]
    failures_today: int
    recent_failures: list[InboundMessage]


def inbound_health(session: Session, now: datetime) -> InboundHealth:
    """Three small queries: each path's newest message and week's count, and the failures."""
    week = now - timedelta(days=7)
    counts = dict(
        session.execute(
            select(InboundMessage.path, func.count())
            .where(InboundMessage.received_at >= week)
            .group_by(InboundMessage.path)
        ).all()
    )
    newest = select(InboundMessage.path, func.max(InboundMessage.id).label("id")).group_by(
        InboundMessage.path
    )
    last = {
        message.path: message
        for message in session.scalars(
            select(InboundMessage).where(InboundMessage.id.in_(select(newest.subquery().c.id)))
        )
    }
    paths = [
        PathHealth(
            path,
            last[path].received_at if path in last else None,
            last[path].result if path in last else "",
            counts.get(path, 0),
        )
        for path in MailPath
    ]
    failures = list(
        session.scalars(
            select(InboundMessage)
            .where(InboundMessage.result.in_(FAILURES))
            .order_by(InboundMessage.id.desc())
            .limit(RECENT_FAILURES)
        )
    )
    today = sum(1 for message in failures if message.received_at >= now - timedelta(days=1))
    return InboundHealth(paths, today, failures)


@dataclass(frozen=True)
class BouncingAddress:
    legislator: Legislator
    bounces: list[EmailBounce]  # the hard bounces to the current address, newest first


def bouncing_addresses(session: Session) -> list[BouncingAddress]:
    """Lawmakers the site has stopped emailing, with the bounces that made it stop."""
    people = list(
        session.scalars(
            select(Legislator)
            .where(Legislator.email_bouncing_since.is_not(None))
            .options(selectinload(Legislator.state))
            .order_by(Legislator.email_bouncing_since.desc())
        )
    )
    bounces: dict[str, list[EmailBounce]] = {}
    for bounce in session.scalars(
        select(EmailBounce)
        .where(EmailBounce.legislator_id.in_([p.id for p in people]))
        .order_by(EmailBounce.id.desc())
    ):
        bounces.setdefault(bounce.legislator_id, []).append(bounce)
    return [
        BouncingAddress(
            person,
            [b for b in bounces.get(person.id, []) if b.address.lower() == person.email.lower()],
        )
        for person in people
    ]


def forget_inbound_log(session: Session, older_than: datetime) -> int:
    """Drop the outcomes of messages received before `older_than` (INBOUND_LOG_DAYS)."""
    result = session.execute(
        delete(InboundMessage)
        .where(InboundMessage.received_at < older_than)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
