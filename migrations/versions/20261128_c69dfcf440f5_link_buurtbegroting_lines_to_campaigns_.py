"""Link buurtbegroting lines to campaigns (a platform line per campaign's crowdfunding, or a
link from an imported line), and goal links to campaigns and buurtbegroting lines

Revision ID: c69dfcf440f5
Revises: c9209446ebe1
Create Date: 2026-11-28 22:29:18.198604
"""

import sqlalchemy as sa
from alembic import op

revision = "c69dfcf440f5"
down_revision = "c9209446ebe1"
branch_labels = None
depends_on = None

LINE_FIGURES_OLD = (
    "(origin = 'platform' AND planned_cents IS NULL AND actual_cents IS NULL"
    " AND (pot_id IS NULL) <> (round_id IS NULL))"
    " OR (origin = 'imported' AND planned_cents IS NOT NULL"
    " AND pot_id IS NULL AND round_id IS NULL)"
)
LINE_FIGURES_NEW = (
    "(origin = 'platform' AND planned_cents IS NULL AND actual_cents IS NULL"
    " AND (CASE WHEN pot_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN round_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN campaign_id IS NULL THEN 0 ELSE 1 END) = 1)"
    " OR (origin = 'imported' AND planned_cents IS NOT NULL"
    " AND pot_id IS NULL AND round_id IS NULL)"
)
ONE_TARGET_OLD = (
    "(CASE WHEN initiative_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN round_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN pot_id IS NULL THEN 0 ELSE 1 END) = 1"
)
ONE_TARGET_NEW = (
    "(CASE WHEN initiative_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN round_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN pot_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN campaign_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN line_id IS NULL THEN 0 ELSE 1 END) = 1"
)
PLATFORM = sa.text("origin = 'platform'")


def upgrade() -> None:
    with op.batch_alter_table("budget_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_budget_lines_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(
            "uq_budget_lines_platform_campaign",
            ["campaign_id"],
            unique=True,
            sqlite_where=PLATFORM,
            postgresql_where=PLATFORM,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_budget_lines_campaign_id_campaigns"),
            "campaigns",
            ["campaign_id"],
            ["id"],
        )
        batch_op.drop_constraint(batch_op.f("ck_budget_lines_figures_match_origin"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_budget_lines_figures_match_origin"), LINE_FIGURES_NEW
        )

    with op.batch_alter_table("goal_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("line_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_goal_links_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_goal_links_line_id"), ["line_id"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_goal_links_goal_id_campaign_id"), ["goal_id", "campaign_id"]
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_goal_links_goal_id_line_id"), ["goal_id", "line_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_goal_links_line_id_budget_lines"), "budget_lines", ["line_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_goal_links_campaign_id_campaigns"), "campaigns", ["campaign_id"], ["id"]
        )
        batch_op.drop_constraint(batch_op.f("ck_goal_links_one_target"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_goal_links_one_target"), ONE_TARGET_NEW)


def downgrade() -> None:
    # The older schema knows neither kind of goal link: they go. A campaign's platform line
    # becomes an imported line (its goal as the planned amount, the spending not reported),
    # so the line, its corrections and its challenges stay.
    op.execute("DELETE FROM goal_links WHERE campaign_id IS NOT NULL OR line_id IS NOT NULL")
    op.execute(
        "UPDATE budget_lines SET origin = 'imported',"
        " planned_cents = (SELECT goal_cents FROM campaigns WHERE campaigns.id = campaign_id),"
        " external_key = 'campagne-' || CAST(campaign_id AS VARCHAR(20))"
        " WHERE origin = 'platform' AND campaign_id IS NOT NULL"
    )

    with op.batch_alter_table("goal_links", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_goal_links_one_target"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_goal_links_one_target"), ONE_TARGET_OLD)
        batch_op.drop_constraint(
            batch_op.f("fk_goal_links_campaign_id_campaigns"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_goal_links_line_id_budget_lines"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_goal_links_goal_id_line_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_goal_links_goal_id_campaign_id"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_goal_links_line_id"))
        batch_op.drop_index(batch_op.f("ix_goal_links_campaign_id"))
        batch_op.drop_column("line_id")
        batch_op.drop_column("campaign_id")

    with op.batch_alter_table("budget_lines", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_budget_lines_figures_match_origin"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_budget_lines_figures_match_origin"), LINE_FIGURES_OLD
        )
        batch_op.drop_constraint(
            batch_op.f("fk_budget_lines_campaign_id_campaigns"), type_="foreignkey"
        )
        batch_op.drop_index(
            "uq_budget_lines_platform_campaign", sqlite_where=PLATFORM, postgresql_where=PLATFORM
        )
        batch_op.drop_index(batch_op.f("ix_budget_lines_campaign_id"))
        batch_op.drop_column("campaign_id")
