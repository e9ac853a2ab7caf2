"""What an account holder may see, take away and erase."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, selectinload

from advocacy.models import AuditEvent, Campaign, ContactCorrection, Letter, TemplateRevision, User


def letters_of(session: Session, user: User) -> list[Letter]:
    return list(
        session.scalars(
            select(Letter)
            .where(Letter.user_id == user.id)
            .options(
                selectinload(Letter.legislator),
                selectinload(Letter.issue_area),
                selectinload(Letter.outbox_message),  # where each letter stands
            )
            .order_by(Letter.created_at.desc(), Letter.id.desc())
        )
    )


def claim_letter(letter: Letter, user: User) -> bool:
    """Add a letter written without an account to `user`'s letters; False if someone else has it."""
    if letter.user_id not in (None, user.id):
        return False
    letter.user_id = user.id
    return True


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export_user_data(session: Session, user: User) -> dict:
    """Everything stored about one account holder, as plain data for a JSON download."""
    return {
        "exported_at": datetime.now(UTC).isoformat(),
        "account": {
            "email": user.email,
            "role": user.role,
            "created_at": _iso(user.created_at),
            "confirmed_at": _iso(user.confirmed_at),
        },
        "letters": [
            {
                "to": letter.legislator.name,
                "legislator_id": letter.legislator_id,
                "state": letter.state_abbr,
                "issue_area": letter.issue_area.name if letter.issue_area else None,
                "subject": letter.subject,
                "body": letter.body,
                "personal_paragraph": letter.personal_paragraph,
                "sender_name": letter.sender_name,
                "sender_town": letter.sender_town,
                "sender_email": letter.sender_email,
                "sender_address": letter.sender_address,
                "is_constituent": letter.is_constituent,
                "channel": letter.channel,
                "status": letter.status,
                "created_at": _iso(letter.created_at),
                "sent_at": _iso(letter.sent_at),
            }
            for letter in letters_of(session, user)
        ],
    }


class AccountInUse(ValueError):
    """An account that others' work depends on (a campaign's organizer) cannot simply vanish."""


def delete_account(session: Session, user: User) -> int:
    """Erase the account and its letters; what the person did for others stays without naming them.

    The audit trail, template revisions and reviewed corrections keep their records with no
    author. Campaigns are other people's letters too, so their organizer must hand them over or
    delete them first.
    """
    if session.scalar(select(Campaign.id).where(Campaign.owner_id == user.id).limit(1)) is not None:
        raise AccountInUse(
            "You still organize campaigns: ask an admin to give them to another organizer first."
        )
    letters = session.execute(delete(Letter).where(Letter.user_id == user.id)).rowcount
    session.execute(update(AuditEvent).where(AuditEvent.user_id == user.id).values(user_id=None))
    session.execute(
        update(TemplateRevision).where(TemplateRevision.author_id == user.id).values(author_id=None)
    )
    session.execute(
        update(ContactCorrection)
        .where(ContactCorrection.reviewed_by_id == user.id)
        .values(reviewed_by_id=None)
    )
    session.delete(user)
    return letters
