"""Keep the bills before each legislature, their sponsors and areas; letters and campaigns may cite one

Revision ID: 0012
Revises: 0011
Created: 2026-11-30 15:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bill_refreshes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_abbr", sa.String(length=2), nullable=False),
        sa.Column("session", sa.String(length=40), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["state_abbr"], ["states.abbr"], name=op.f("fk_bill_refreshes_state_abbr_states")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill_refreshes")),
    )
    op.create_index(op.f("ix_bill_refreshes_state_abbr"), "bill_refreshes", ["state_abbr"], unique=False)
    op.create_table(
        "bill_sessions",
        sa.Column("state_abbr", sa.String(length=2), nullable=False),
        sa.Column("identifier", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("chosen_by_admin", sa.Boolean(), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["state_abbr"], ["states.abbr"], name=op.f("fk_bill_sessions_state_abbr_states")
        ),
        sa.PrimaryKeyConstraint("state_abbr", name=op.f("pk_bill_sessions")),
    )
    op.create_table(
        "bills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ocd_id", sa.String(length=64), nullable=True),
        sa.Column("state_abbr", sa.String(length=2), nullable=False),
        sa.Column("session", sa.String(length=40), nullable=False),
        sa.Column("session_name", sa.String(length=120), nullable=False),
        sa.Column("identifier", sa.String(length=40), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("latest_action", sa.Text(), nullable=False),
        sa.Column("latest_action_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source_updated_at", sa.DateTime(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("added_by_hand", sa.Boolean(), nullable=False),
        sa.Column("areas_confirmed", sa.Boolean(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["state_abbr"], ["states.abbr"], name=op.f("fk_bills_state_abbr_states")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bills")),
        sa.UniqueConstraint("ocd_id", name=op.f("uq_bills_ocd_id")),
        sa.UniqueConstraint(
            "state_abbr", "session", "identifier", name=op.f("uq_bills_state_abbr_session_identifier")
        ),
    )
    op.create_index(op.f("ix_bills_state_abbr"), "bills", ["state_abbr"], unique=False)
    op.create_table(
        "bill_areas",
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("issue_area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_bill_areas_bill_id_bills"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["issue_area_id"], ["issue_areas.id"], name=op.f("fk_bill_areas_issue_area_id_issue_areas")
        ),
        sa.PrimaryKeyConstraint("bill_id", "issue_area_id", name=op.f("pk_bill_areas")),
    )
    op.create_table(
        "bill_sponsors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("legislator_id", sa.String(length=64), nullable=True),
        sa.Column("primary", sa.Boolean(), nullable=False),
        sa.Column("classification", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_bill_sponsors_bill_id_bills"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["legislator_id"],
            ["legislators.id"],
            name=op.f("fk_bill_sponsors_legislator_id_legislators"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill_sponsors")),
    )
    op.create_index(op.f("ix_bill_sponsors_bill_id"), "bill_sponsors", ["bill_id"], unique=False)
    op.create_index(op.f("ix_bill_sponsors_legislator_id"), "bill_sponsors", ["legislator_id"], unique=False)
    with op.batch_alter_table("letters") as batch:
        batch.add_column(sa.Column("bill_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_letters_bill_id"), ["bill_id"], unique=False)
        batch.create_foreign_key(batch.f("fk_letters_bill_id_bills"), "bills", ["bill_id"], ["id"])
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("bill_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_campaigns_bill_id_bills"), "bills", ["bill_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_constraint(batch.f("fk_campaigns_bill_id_bills"), type_="foreignkey")
        batch.drop_column("bill_id")
    with op.batch_alter_table("letters") as batch:
        batch.drop_constraint(batch.f("fk_letters_bill_id_bills"), type_="foreignkey")
        batch.drop_index(batch.f("ix_letters_bill_id"))
        batch.drop_column("bill_id")
    op.drop_index(op.f("ix_bill_sponsors_legislator_id"), table_name="bill_sponsors")
    op.drop_index(op.f("ix_bill_sponsors_bill_id"), table_name="bill_sponsors")
    op.drop_table("bill_sponsors")
    op.drop_table("bill_areas")
    op.drop_index(op.f("ix_bills_state_abbr"), table_name="bills")
    op.drop_table("bills")
    op.drop_table("bill_sessions")
    op.drop_index(op.f("ix_bill_refreshes_state_abbr"), table_name="bill_refreshes")
    op.drop_table("bill_refreshes")
