"""Keep the writer's optional postal address and whether the lookup found them in the district

Revision ID: 0007
Revises: 0006
Created: 2026-11-30 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sender_address", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("is_constituent", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_column("is_constituent")
        batch_op.drop_column("sender_address")
