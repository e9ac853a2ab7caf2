"""Place states on the tile map and date report-card changes

Revision ID: 0003
Revises: 0002
Created: 2026-11-26 09:58:49.724769
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_cards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_report_cards_updated_at"), ["updated_at"], unique=False)

    with op.batch_alter_table("states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tile_row", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("tile_col", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("states", schema=None) as batch_op:
        batch_op.drop_column("tile_col")
        batch_op.drop_column("tile_row")

    with op.batch_alter_table("report_cards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_cards_updated_at"))
        batch_op.drop_column("updated_at")
