"""Track replies and campaign targets, and index letters for dashboards

Revision ID: 0006
Revises: 0005
Created: 2026-11-26 11:19:28.310306
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_legislators", sa.Text(), nullable=False, server_default=""))

    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reply_status", sa.String(length=16), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("reply_outcome", sa.String(length=16), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("replied_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("share_contact", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index("ix_letters_campaign_created", ["campaign_id", "created_at"], unique=False)
        batch_op.create_index(
            "ix_letters_campaign_legislator",
            ["campaign_id", "legislator_id", "status", "reply_status"],
            unique=False,
        )
        batch_op.create_index(
            "ix_letters_campaign_totals",
            ["campaign_id", "status", "channel", "reply_status", "reply_outcome", "issue_area_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_letters_reply_status"), ["reply_status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letters_reply_status"))
        batch_op.drop_index("ix_letters_campaign_totals")
        batch_op.drop_index("ix_letters_campaign_legislator")
        batch_op.drop_index("ix_letters_campaign_created")
        batch_op.drop_column("share_contact")
        batch_op.drop_column("reminded_at")
        batch_op.drop_column("replied_at")
        batch_op.drop_column("reply_outcome")
        batch_op.drop_column("reply_status")

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("target_legislators")
