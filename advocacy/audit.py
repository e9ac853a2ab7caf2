"""The audit log: who changed what, when, with the values before and after."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from advocacy.clock import utcnow
from advocacy.models import AuditEvent, User
from advocacy.pagination import Page


def record(
    session: Session,
    actor: User | None,
    action: str,
    subject_type: str,
    subject_id: str,
    before: dict | None = None,
    after: dict | None = None,
    origin: str = "web",
) -> AuditEvent:
    event = AuditEvent(
        user_id=actor.id if actor is not None else None,
        origin=origin,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        before=json.dumps(before or {}, sort_keys=True, default=str),
        after=json.dumps(after or {}, sort_keys=True, default=str),
        created_at=utcnow(),
    )
    session.add(event)
    return event


def search_audit(
    session: Session, action: str = "", actor_email: str = "", page: int = 1, per_page: int = 50
) -> Page[AuditEvent]:
    conditions = []
    if action:
        conditions.append(AuditEvent.action == action)
    if actor_email:
        conditions.append(AuditEvent.user.has(func.lower(User.email) == actor_email.strip().lower()))
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    items = list(
        session.scalars(
            select(AuditEvent)
            .where(*conditions)
            .options(selectinload(AuditEvent.user))
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return Page(items=items, total=total, page=page, per_page=per_page)


def audit_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
