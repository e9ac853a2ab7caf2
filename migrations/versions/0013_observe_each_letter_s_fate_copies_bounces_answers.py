"""Observe each letter's fate: opened in an email app, confirmed by a copy, bounced, answered

Revision ID: 0013
Revises: 0012
Created: 2026-12-07 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# Every letter before this migration has no opened or confirmed time, so its stage is "draft" or
# "sent-reported". The new tally rows, as advocacy.campaigns.tallies counts them, for every campaign;
# written out here so this migration keeps working whatever the code later becomes.
STAGE = "CASE WHEN status = 'draft' THEN 'draft' ELSE 'sent-reported' END"
DAY = "CAST(date(created_at) AS VARCHAR(10))"
NEW_FIGURES = (
    ("stage", STAGE, STAGE, ""),
    ("lawmaker-stage", f"{STAGE} || '|' || legislator_id", f"{STAGE}, legislator_id", ""),
    ("day-stage", f"{DAY} || '|' || {STAGE}", f"date(created_at), {STAGE}", ""),
    ("day-answered", DAY, "date(created_at)", "AND reply_status = 'yes'"),
)
FILL = "INSERT INTO campaign_tallies (campaign_id, figure, value, letters)\n" + "\nUNION ALL\n".join(
    f"SELECT campaign_id, CAST('{figure}' AS VARCHAR(20)), {value}, COUNT(*) FROM letters "
    f"WHERE campaign_id IS NOT NULL {condition} GROUP BY campaign_id, {grouped}"
    for figure, value, grouped, condition in NEW_FIGURES
)


def upgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.add_column(sa.Column("opened_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column("edited_before_sending", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("delivery_problem", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("legislators") as batch:
        batch.add_column(sa.Column("email_bouncing_since", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("email_bounce_reason", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("path", sa.String(length=8), nullable=False),
        sa.Column("result", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["letter_id"],
            ["letters.id"],
            name=op.f("fk_inbound_messages_letter_id_letters"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_messages")),
    )
    op.create_index(
        op.f("ix_inbound_messages_received_at"), "inbound_messages", ["received_at"], unique=False
    )
    op.create_index(op.f("ix_inbound_messages_result"), "inbound_messages", ["result"], unique=False)
    op.create_index(
        op.f("ix_inbound_messages_fingerprint"), "inbound_messages", ["fingerprint"], unique=False
    )
    op.create_index(
        "ix_inbound_messages_path_received", "inbound_messages", ["path", "received_at"], unique=False
    )
    op.create_table(
        "email_bounces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("legislator_id", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["letter_id"], ["letters.id"], name=op.f("fk_email_bounces_letter_id_letters"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["legislator_id"], ["legislators.id"], name=op.f("fk_email_bounces_legislator_id_legislators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_bounces")),
        sa.UniqueConstraint("letter_id", name=op.f("uq_email_bounces_letter_id")),
    )
    op.create_index(op.f("ix_email_bounces_legislator_id"), "email_bounces", ["legislator_id"], unique=False)
    op.execute(FILL)


def downgrade() -> None:
    figures = ", ".join(f"'{figure}'" for figure, *_ in NEW_FIGURES)
    op.execute(f"DELETE FROM campaign_tallies WHERE figure IN ({figures})")
    op.drop_index(op.f("ix_email_bounces_legislator_id"), table_name="email_bounces")
    op.drop_table("email_bounces")
    op.drop_index("ix_inbound_messages_path_received", table_name="inbound_messages")
    op.drop_index(op.f("ix_inbound_messages_fingerprint"), table_name="inbound_messages")
    op.drop_index(op.f("ix_inbound_messages_result"), table_name="inbound_messages")
    op.drop_index(op.f("ix_inbound_messages_received_at"), table_name="inbound_messages")
    op.drop_table("inbound_messages")
    with op.batch_alter_table("legislators") as batch:
        batch.drop_column("email_bounce_reason")
        batch.drop_column("email_bouncing_since")
    with op.batch_alter_table("letters") as batch:
        batch.drop_column("delivery_problem")
        batch.drop_column("edited_before_sending")
        batch.drop_column("confirmed_at")
        batch.drop_column("opened_at")
