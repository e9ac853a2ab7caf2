"""Follow each weak-area bill through committees and hearings; people may follow bills by email

Revision ID: 0014
Revises: 0013
Created: 2026-12-08 00:46:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "committees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ocd_id", sa.String(length=64), nullable=True),
        sa.Column("state_abbr", sa.String(length=2), nullable=False),
        sa.Column("chamber", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("classification", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("added_by_hand", sa.Boolean(), nullable=False),
        sa.Column("members_refreshed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["committees.id"],
            name=op.f("fk_committees_parent_id_committees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["state_abbr"], ["states.abbr"], name=op.f("fk_committees_state_abbr_states")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committees")),
        sa.UniqueConstraint("ocd_id", name=op.f("uq_committees_ocd_id")),
        sa.UniqueConstraint(
            "state_abbr", "chamber", "name", name=op.f("uq_committees_state_abbr_chamber_name")
        ),
    )
    with op.batch_alter_table("committees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_committees_state_abbr"), ["state_abbr"], unique=False)

    op.create_table(
        "committee_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("legislator_id", sa.String(length=64), nullable=True),
        sa.Column("role", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committees.id"],
            name=op.f("fk_committee_members_committee_id_committees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["legislator_id"],
            ["legislators.id"],
            name=op.f("fk_committee_members_legislator_id_legislators"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_members")),
    )
    with op.batch_alter_table("committee_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_committee_members_committee_id"), ["committee_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_committee_members_legislator_id"), ["legislator_id"], unique=False
        )

    op.create_table(
        "hearings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ocd_id", sa.String(length=64), nullable=True),
        sa.Column("state_abbr", sa.String(length=2), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("added_by_hand", sa.Boolean(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committees.id"],
            name=op.f("fk_hearings_committee_id_committees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["state_abbr"], ["states.abbr"], name=op.f("fk_hearings_state_abbr_states")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearings")),
        sa.UniqueConstraint("ocd_id", name=op.f("uq_hearings_ocd_id")),
    )
    with op.batch_alter_table("hearings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hearings_committee_id"), ["committee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hearings_starts_at"), ["starts_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_hearings_state_abbr"), ["state_abbr"], unique=False)

    op.create_table(
        "bill_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=True),
        sa.Column("committee_id", sa.Integer(), nullable=True),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_bill_events_bill_id_bills"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committees.id"],
            name=op.f("fk_bill_events_committee_id_committees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearings.id"],
            name=op.f("fk_bill_events_hearing_id_hearings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill_events")),
        sa.UniqueConstraint("bill_id", "key", name=op.f("uq_bill_events_bill_id_key")),
    )
    with op.batch_alter_table("bill_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bill_events_bill_id"), ["bill_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bill_events_seen_at"), ["seen_at"], unique=False)

    op.create_table(
        "hearing_bills",
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_hearing_bills_bill_id_bills"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearings.id"],
            name=op.f("fk_hearing_bills_hearing_id_hearings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("hearing_id", "bill_id", name=op.f("pk_hearing_bills")),
    )
    op.create_table(
        "followers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token", sa.String(length=43), nullable=False),
        sa.Column("state_abbr", sa.String(length=2), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=True),
        sa.Column("follows", sa.String(length=80), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("lawmaker_ids", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("told_up_to", sa.Integer(), nullable=False),
        sa.Column("last_alert_on", sa.Date(), nullable=True),
        sa.Column("stopped_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_followers_bill_id_bills"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_followers_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["state_abbr"], ["states.abbr"], name=op.f("fk_followers_state_abbr_states")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followers")),
        sa.UniqueConstraint("email", "follows", name=op.f("uq_followers_email_follows")),
        sa.UniqueConstraint("token", name=op.f("uq_followers_token")),
    )
    with op.batch_alter_table("followers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followers_bill_id"), ["bill_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_followers_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_followers_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_followers_state_abbr"), ["state_abbr"], unique=False)

    op.create_table(
        "alert_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("follower_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["follower_id"],
            ["followers.id"],
            name=op.f("fk_alert_messages_follower_id_followers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_messages")),
        sa.UniqueConstraint("follower_id", "day", name=op.f("uq_alert_messages_follower_id_day")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_alert_messages_idempotency_key")),
    )
    with op.batch_alter_table("alert_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_messages_follower_id"), ["follower_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_messages_status"), ["status"], unique=False)

    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.add_column(sa.Column("place", sa.String(length=16), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("place_chamber", sa.String(length=16), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("place_since", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("committee_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("place_by_admin", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(batch_op.f("ix_bills_committee_id"), ["committee_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_bills_committee_id_committees"),
            "committees",
            ["committee_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("bill_refreshes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("committees", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("hearings", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("bill_refreshes", schema=None) as batch_op:
        batch_op.drop_column("hearings")
        batch_op.drop_column("committees")

    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_bills_committee_id_committees"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_bills_committee_id"))
        batch_op.drop_column("place_by_admin")
        batch_op.drop_column("committee_id")
        batch_op.drop_column("place_since")
        batch_op.drop_column("place_chamber")
        batch_op.drop_column("place")

    with op.batch_alter_table("alert_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_messages_status"))
        batch_op.drop_index(batch_op.f("ix_alert_messages_follower_id"))

    op.drop_table("alert_messages")
    with op.batch_alter_table("followers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followers_state_abbr"))
        batch_op.drop_index(batch_op.f("ix_followers_email"))
        batch_op.drop_index(batch_op.f("ix_followers_campaign_id"))
        batch_op.drop_index(batch_op.f("ix_followers_bill_id"))

    op.drop_table("followers")
    op.drop_table("hearing_bills")
    with op.batch_alter_table("bill_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bill_events_seen_at"))
        batch_op.drop_index(batch_op.f("ix_bill_events_bill_id"))

    op.drop_table("bill_events")
    with op.batch_alter_table("hearings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hearings_state_abbr"))
        batch_op.drop_index(batch_op.f("ix_hearings_starts_at"))
        batch_op.drop_index(batch_op.f("ix_hearings_committee_id"))

    op.drop_table("hearings")
    with op.batch_alter_table("committee_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_committee_members_legislator_id"))
        batch_op.drop_index(batch_op.f("ix_committee_members_committee_id"))

    op.drop_table("committee_members")
    with op.batch_alter_table("committees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_committees_state_abbr"))

    op.drop_table("committees")
