"""Remember sync validators and keep contact corrections

Revision ID: 0004
Revises: 0003
Created: 2026-11-26 10:13:21.179357
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("legislator_id", sa.String(length=64), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("reported_value", sa.Text(), nullable=False),
        sa.Column("proposed_value", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["legislator_id"],
            ["legislators.id"],
            name=op.f("fk_contact_corrections_legislator_id_legislators"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_contact_corrections_reviewed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_corrections")),
    )
    with op.batch_alter_table("contact_corrections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_corrections_legislator_id"), ["legislator_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contact_corrections_status"), ["status"], unique=False)

    op.create_table(
        "contact_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("legislator_id", sa.String(length=64), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("source_value", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["legislator_id"], ["legislators.id"], name=op.f("fk_contact_overrides_legislator_id_legislators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_overrides")),
        sa.UniqueConstraint("legislator_id", "field", name=op.f("uq_contact_overrides_legislator_id_field")),
    )
    with op.batch_alter_table("contact_overrides", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_overrides_legislator_id"), ["legislator_id"], unique=False
        )

    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rows", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("content_hash", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("etag", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("last_modified", sa.String(length=64), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.drop_column("last_modified")
        batch_op.drop_column("etag")
        batch_op.drop_column("content_hash")
        batch_op.drop_column("rows")

    with op.batch_alter_table("contact_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_overrides_legislator_id"))

    op.drop_table("contact_overrides")
    with op.batch_alter_table("contact_corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_corrections_status"))
        batch_op.drop_index(batch_op.f("ix_contact_corrections_legislator_id"))

    op.drop_table("contact_corrections")
