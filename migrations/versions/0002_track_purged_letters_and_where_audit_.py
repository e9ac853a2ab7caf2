"""Track purged letters and where audit events came from

Revision ID: 0002
Revises: 0001
Created: 2026-11-26 09:54:24.218032
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        # Events recorded before this column existed all came from the web.
        batch_op.add_column(sa.Column("origin", sa.String(length=16), nullable=False, server_default="web"))
        batch_op.create_index(batch_op.f("ix_audit_events_action"), ["action"], unique=False)

    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purged_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_column("purged_at")

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_action"))
        batch_op.drop_column("origin")
