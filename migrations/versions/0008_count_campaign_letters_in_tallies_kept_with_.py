"""Count campaign letters in tallies kept with every letter write, filled from the letters there are

Revision ID: 0008
Revises: 0007
Created: 2026-11-30 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The same rows advocacy.campaigns.tallies.rebuild_tallies counts, for every campaign at once;
# written out here so this migration keeps working whatever the code later becomes.
FIGURES = (
    ("status", "status", "status", ""),
    ("channel", "COALESCE(channel, '')", "channel", ""),
    ("reply", "reply_status", "reply_status", ""),
    ("outcome", "reply_outcome", "reply_outcome", ""),
    ("area", "COALESCE(CAST(issue_area_id AS VARCHAR(20)), '')", "issue_area_id", ""),
    ("day", "CAST(date(created_at) AS VARCHAR(10))", "date(created_at)", ""),
    ("lawmaker", "legislator_id", "legislator_id", ""),
    ("lawmaker-sent", "legislator_id", "legislator_id", "AND status <> 'draft'"),
    ("lawmaker-answered", "legislator_id", "legislator_id", "AND reply_status = 'yes'"),
)
FILL = "INSERT INTO campaign_tallies (campaign_id, figure, value, letters)\n" + "\nUNION ALL\n".join(
    f"SELECT campaign_id, CAST('{figure}' AS VARCHAR(20)), {value}, COUNT(*) FROM letters "
    f"WHERE campaign_id IS NOT NULL {condition} GROUP BY campaign_id, {grouped}"
    for figure, value, grouped, condition in FIGURES
)


def upgrade() -> None:
    op.create_table(
        "campaign_tallies",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("figure", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.Column("letters", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_tallies_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "figure", "value", name=op.f("pk_campaign_tallies")),
    )
    op.execute(FILL)


def downgrade() -> None:
    op.drop_table("campaign_tallies")
