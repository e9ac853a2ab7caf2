"""Reports of wrong contact details, and the admin's review that applies or dismisses them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from advocacy.audit import record
from advocacy.clock import utcnow
from advocacy.errors import NotFound
from advocacy.models import ContactCorrection, ContactOverride, Legislator, User
from advocacy.models.legislators import CORRECTABLE_FIELDS, CorrectionStatus


class UnknownCorrection(NotFound):
    pass


def get_correction(session: Session, correction_id: int) -> ContactCorrection:
    correction = session.get(ContactCorrection, correction_id)
    if correction is None:
        raise UnknownCorrection("There is no such correction.")
    return correction


class CorrectionAlreadyReviewed(ValueError):
    pass


def report_correction(
    session: Session, legislator: Legislator, field: str, proposed: str, note: str
) -> ContactCorrection:
    if field not in CORRECTABLE_FIELDS:
        raise ValueError(f"{field!r} cannot be corrected")
    correction = ContactCorrection(
        legislator_id=legislator.id,
        field=field,
        reported_value=getattr(legislator, field),
        proposed_value=proposed.strip(),
        note=note.strip(),
        status=CorrectionStatus.PENDING,
        created_at=utcnow(),
    )
    session.add(correction)
    session.flush()
    return correction


def pending_corrections(session: Session) -> list[ContactCorrection]:
    return list(
        session.scalars(
            select(ContactCorrection)
            .where(ContactCorrection.status == CorrectionStatus.PENDING)
            .options(selectinload(ContactCorrection.legislator).selectinload(Legislator.state))
            .order_by(ContactCorrection.created_at)
        )
    )


def apply_correction(session: Session, correction: ContactCorrection, actor: User) -> None:
    """Change the contact now, and keep the change over later syncs until the source changes it."""
    _check_pending(correction)
    legislator = correction.legislator
    field = correction.field
    before = getattr(legislator, field)
    override = session.scalar(
        select(ContactOverride).where(
            ContactOverride.legislator_id == legislator.id, ContactOverride.field == field
        )
    )
    if override is None:
        # What the source says now: when a later file says something else, the source has changed.
        override = ContactOverride(
            legislator_id=legislator.id, field=field, source_value=before, created_at=utcnow()
        )
        session.add(override)
    override.value = correction.proposed_value
    if field == "email" and correction.proposed_value.lower() != before.lower():
        legislator.forget_bounces()
    setattr(legislator, field, correction.proposed_value)
    _close(correction, CorrectionStatus.APPLIED, actor)
    record(
        session,
        actor,
        "legislator.correction.apply",
        "legislator",
        legislator.id,
        {field: before},
        {field: correction.proposed_value},
    )


def dismiss_correction(session: Session, correction: ContactCorrection, actor: User) -> None:
    _check_pending(correction)
    _close(correction, CorrectionStatus.DISMISSED, actor)
    record(
        session,
        actor,
        "legislator.correction.dismiss",
        "legislator",
        correction.legislator_id,
        {correction.field: correction.reported_value},
        {"proposed": correction.proposed_value, "status": CorrectionStatus.DISMISSED},
    )


def _check_pending(correction: ContactCorrection) -> None:
    if correction.status != CorrectionStatus.PENDING:
        raise CorrectionAlreadyReviewed(f"This report was already {correction.status}.")


def _close(correction: ContactCorrection, status: CorrectionStatus, actor: User) -> None:
    correction.status = status
    correction.reviewed_at = utcnow()
    correction.reviewed_by_id = actor.id
