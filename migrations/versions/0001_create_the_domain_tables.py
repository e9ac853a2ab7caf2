"""Create the domain tables

Revision ID: 0001
Revises:
Created: 2026-11-26 09:33:06.119428
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "frameworks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("short_name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("featured", sa.Boolean(), nullable=False),
        sa.Column("grade_scale", sa.String(length=64), nullable=False),
        sa.Column("grade_scale_note", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frameworks")),
        sa.UniqueConstraint("key", name=op.f("uq_frameworks_key")),
        sa.UniqueConstraint("name", name=op.f("uq_frameworks_name")),
    )
    op.create_table(
        "states",
        sa.Column("abbr", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("fips", sa.String(length=2), nullable=False),
        sa.Column("upper_title", sa.String(length=32), nullable=False),
        sa.Column("lower_title", sa.String(length=32), nullable=False),
        sa.Column("upper_chamber", sa.String(length=64), nullable=False),
        sa.Column("lower_chamber", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("abbr", name=op.f("pk_states")),
        sa.UniqueConstraint("fips", name=op.f("uq_states_fips")),
        sa.UniqueConstraint("name", name=op.f("uq_states_name")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject_type", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.String(length=128), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_audit_events_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_user_id"), ["user_id"], unique=False)

    op.create_table(
        "editions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("max_total", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("release_date", sa.Date(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"], ["frameworks.id"], name=op.f("fk_editions_framework_id_frameworks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_editions")),
        sa.UniqueConstraint("key", name=op.f("uq_editions_key")),
        sa.UniqueConstraint("year", name=op.f("uq_editions_year")),
    )
    op.create_table(
        "issue_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("slug", sa.String(length=128), nullable=False),
        sa.Column("max_points", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"], ["frameworks.id"], name=op.f("fk_issue_areas_framework_id_frameworks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_areas")),
        sa.UniqueConstraint("framework_id", "code", name=op.f("uq_issue_areas_framework_id_code")),
        sa.UniqueConstraint("framework_id", "slug", name=op.f("uq_issue_areas_framework_id_slug")),
    )
    op.create_table(
        "legislators",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("state_abbr", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("given_name", sa.String(length=100), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.Column("chamber", sa.String(length=16), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.Column("party", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("image", sa.Text(), nullable=False),
        sa.Column("links", sa.Text(), nullable=False),
        sa.Column("capitol_address", sa.Text(), nullable=False),
        sa.Column("capitol_voice", sa.String(length=64), nullable=False),
        sa.Column("district_address", sa.Text(), nullable=False),
        sa.Column("district_voice", sa.String(length=64), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["state_abbr"], ["states.abbr"], name=op.f("fk_legislators_state_abbr_states")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legislators")),
    )
    with op.batch_alter_table("legislators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legislators_state_abbr"), ["state_abbr"], unique=False)
        batch_op.create_index(
            "ix_legislators_state_chamber_district", ["state_abbr", "chamber", "district"], unique=False
        )

    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_abbr", sa.String(length=2), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["state_abbr"], ["states.abbr"], name=op.f("fk_sync_runs_state_abbr_states")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
    )
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_runs_state_abbr"), ["state_abbr"], unique=False)

    op.create_table(
        "letter_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("issue_area_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["issue_area_id"], ["issue_areas.id"], name=op.f("fk_letter_templates_issue_area_id_issue_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_templates")),
        sa.UniqueConstraint("slug", name=op.f("uq_letter_templates_slug")),
    )
    op.create_table(
        "national_summaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("a_count", sa.Integer(), nullable=True),
        sa.Column("b_count", sa.Integer(), nullable=True),
        sa.Column("c_count", sa.Integer(), nullable=True),
        sa.Column("d_count", sa.Integer(), nullable=True),
        sa.Column("f_count", sa.Integer(), nullable=True),
        sa.Column("average_score", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["editions.id"], name=op.f("fk_national_summaries_edition_id_editions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_national_summaries")),
        sa.UniqueConstraint("edition_id", name=op.f("uq_national_summaries_edition_id")),
    )
    op.create_table(
        "policy_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_area_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("max_points", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_area_id"], ["issue_areas.id"], name=op.f("fk_policy_goals_issue_area_id_issue_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_goals")),
        sa.UniqueConstraint("issue_area_id", "number", name=op.f("uq_policy_goals_issue_area_id_number")),
    )
    op.create_table(
        "report_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_abbr", sa.String(length=2), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=2), nullable=True),
        sa.Column("total_score", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("extra_credit", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("tier", sa.String(length=32), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["editions.id"], name=op.f("fk_report_cards_edition_id_editions")
        ),
        sa.ForeignKeyConstraint(
            ["state_abbr"], ["states.abbr"], name=op.f("fk_report_cards_state_abbr_states")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_cards")),
        sa.UniqueConstraint("state_abbr", "edition_id", name=op.f("uq_report_cards_state_abbr_edition_id")),
    )
    op.create_table(
        "area_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_card_id", sa.Integer(), nullable=False),
        sa.Column("issue_area_id", sa.Integer(), nullable=False),
        sa.Column("area_grade", sa.String(length=2), nullable=True),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.Column("lowest", sa.Boolean(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_area_id"], ["issue_areas.id"], name=op.f("fk_area_findings_issue_area_id_issue_areas")
        ),
        sa.ForeignKeyConstraint(
            ["report_card_id"], ["report_cards.id"], name=op.f("fk_area_findings_report_card_id_report_cards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_findings")),
        sa.UniqueConstraint(
            "report_card_id",
            "issue_area_id",
            "source",
            name=op.f("uq_area_findings_report_card_id_issue_area_id_source"),
        ),
    )
    op.create_table(
        "area_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_card_id", sa.Integer(), nullable=False),
        sa.Column("issue_area_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_area_id"], ["issue_areas.id"], name=op.f("fk_area_scores_issue_area_id_issue_areas")
        ),
        sa.ForeignKeyConstraint(
            ["report_card_id"], ["report_cards.id"], name=op.f("fk_area_scores_report_card_id_report_cards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_scores")),
        sa.UniqueConstraint(
            "report_card_id", "issue_area_id", name=op.f("uq_area_scores_report_card_id_issue_area_id")
        ),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("state_abbr", sa.String(length=2), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("target_districts", sa.Text(), nullable=False),
        sa.Column("goal", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_campaigns_owner_id_users")),
        sa.ForeignKeyConstraint(["state_abbr"], ["states.abbr"], name=op.f("fk_campaigns_state_abbr_states")),
        sa.ForeignKeyConstraint(
            ["template_id"], ["letter_templates.id"], name=op.f("fk_campaigns_template_id_letter_templates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("slug", name=op.f("uq_campaigns_slug")),
    )
    op.create_table(
        "template_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_template_revisions_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["letter_templates.id"],
            name=op.f("fk_template_revisions_template_id_letter_templates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_template_revisions")),
    )
    with op.batch_alter_table("template_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_template_revisions_template_id"), ["template_id"], unique=False)

    op.create_table(
        "campaign_focus_areas",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("issue_area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_campaign_focus_areas_campaign_id_campaigns")
        ),
        sa.ForeignKeyConstraint(
            ["issue_area_id"],
            ["issue_areas.id"],
            name=op.f("fk_campaign_focus_areas_issue_area_id_issue_areas"),
        ),
        sa.PrimaryKeyConstraint("campaign_id", "issue_area_id", name=op.f("pk_campaign_focus_areas")),
    )
    op.create_table(
        "letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("batch", sa.String(length=64), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("state_abbr", sa.String(length=2), nullable=False),
        sa.Column("issue_area_id", sa.Integer(), nullable=True),
        sa.Column("legislator_id", sa.String(length=64), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("personal_paragraph", sa.Text(), nullable=False),
        sa.Column("sender_name", sa.String(length=200), nullable=False),
        sa.Column("sender_town", sa.String(length=200), nullable=False),
        sa.Column("sender_email", sa.String(length=254), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reply_notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_letters_campaign_id_campaigns")
        ),
        sa.ForeignKeyConstraint(
            ["issue_area_id"], ["issue_areas.id"], name=op.f("fk_letters_issue_area_id_issue_areas")
        ),
        sa.ForeignKeyConstraint(
            ["legislator_id"], ["legislators.id"], name=op.f("fk_letters_legislator_id_legislators")
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["template_revisions.id"], name=op.f("fk_letters_revision_id_template_revisions")
        ),
        sa.ForeignKeyConstraint(["state_abbr"], ["states.abbr"], name=op.f("fk_letters_state_abbr_states")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_letters_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letters")),
        sa.UniqueConstraint("token", name=op.f("uq_letters_token")),
    )
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_letters_batch"), ["batch"], unique=False)
        batch_op.create_index(batch_op.f("ix_letters_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_letters_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_letters_legislator_id"), ["legislator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_letters_state_abbr"), ["state_abbr"], unique=False)
        batch_op.create_index(batch_op.f("ix_letters_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letters_user_id"))
        batch_op.drop_index(batch_op.f("ix_letters_state_abbr"))
        batch_op.drop_index(batch_op.f("ix_letters_legislator_id"))
        batch_op.drop_index(batch_op.f("ix_letters_created_at"))
        batch_op.drop_index(batch_op.f("ix_letters_campaign_id"))
        batch_op.drop_index(batch_op.f("ix_letters_batch"))

    op.drop_table("letters")
    op.drop_table("campaign_focus_areas")
    with op.batch_alter_table("template_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_template_revisions_template_id"))

    op.drop_table("template_revisions")
    op.drop_table("campaigns")
    op.drop_table("area_scores")
    op.drop_table("area_findings")
    op.drop_table("report_cards")
    op.drop_table("policy_goals")
    op.drop_table("national_summaries")
    op.drop_table("letter_templates")
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_runs_state_abbr"))

    op.drop_table("sync_runs")
    with op.batch_alter_table("legislators", schema=None) as batch_op:
        batch_op.drop_index("ix_legislators_state_chamber_district")
        batch_op.drop_index(batch_op.f("ix_legislators_state_abbr"))

    op.drop_table("legislators")
    op.drop_table("issue_areas")
    op.drop_table("editions")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_created_at"))

    op.drop_table("audit_events")
    op.drop_table("users")
    op.drop_table("states")
    op.drop_table("frameworks")
