"""The database itself keeps the data whole, on SQLite as on PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import create_engine, delete, func, select
from sqlalchemy.exc import IntegrityError

from advocacy.extensions import SQLITE_BUSY_MS, db
from advocacy.models import Campaign, CampaignTally, Letter, OutboxMessage, TemplateRevision, User
from tests.builders import make_legislator


def _letter(legislator_id: str) -> Letter:
    return Letter(
        token="t" * 20,
        batch="b" * 20,
        revision_id=db.session.scalar(select(TemplateRevision.id).limit(1)),
        state_abbr="mo",
        legislator_id=legislator_id,
        subject="Subject",
        body="Body",
        created_at=datetime(2026, 1, 1),
    )


def test_a_letter_to_a_lawmaker_who_does_not_exist_is_refused(app):
    db.session.add(_letter("ocd-person/nobody"))

    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_deleting_letters_in_bulk_takes_their_outbox_messages_along(app):
    make_legislator(db.session, n=1)
    letter = _letter(make_legislator(db.session, n=2).id)
    db.session.add(letter)
    db.session.flush()
    db.session.add(
        OutboxMessage(
            letter_id=letter.id,
            idempotency_key="k" * 32,
            to_address="a@b.org",
            created_at=datetime(2026, 1, 1),
        )
    )
    db.session.commit()

    db.session.execute(delete(Letter))
    db.session.commit()

    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_deleting_campaigns_in_bulk_takes_their_tallies_along(app):
    owner = User(email="o@example.org", password_hash="x", role="organizer", created_at=datetime(2026, 1, 1))
    db.session.add(owner)
    db.session.flush()
    campaign = Campaign(
        slug="c",
        title="C",
        description="",
        state_abbr="mo",
        target="upper",
        owner_id=owner.id,
        created_at=datetime(2026, 1, 1),
    )
    db.session.add(campaign)
    db.session.flush()
    db.session.add(CampaignTally(campaign_id=campaign.id, figure="status", value="sent", letters=3))
    db.session.commit()

    db.session.execute(delete(Campaign))
    db.session.commit()

    assert db.session.scalar(select(func.count()).select_from(CampaignTally)) == 0


def test_a_sqlite_site_lets_readers_and_a_writer_work_at_once(tmp_path):
    """Write-ahead logging, and a writer that waits its turn instead of failing at once."""
    engine = create_engine(f"sqlite:///{tmp_path / 'site.sqlite3'}")
    with engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        waits = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    engine.dispose()

    assert (mode, waits) == ("wal", SQLITE_BUSY_MS)
    assert SQLITE_BUSY_MS >= 10_000
