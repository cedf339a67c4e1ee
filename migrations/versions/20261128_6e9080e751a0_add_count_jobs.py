"""Add count jobs

Revision ID: 6e9080e751a0
Revises: c69dfcf440f5
Create Date: 2026-11-28 22:53:35.402579
"""

import sqlalchemy as sa
from alembic import op

import samenhang.db

revision = "6e9080e751a0"
down_revision = "c69dfcf440f5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stemdag_count_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "running",
                "done",
                "failed",
                name="jobstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("error_msgid", sa.Text(), nullable=True),
        sa.Column("error_params", sa.JSON(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            samenhang.db.UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("started_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("finished_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "percent BETWEEN 0 AND 100", name=op.f("ck_stemdag_count_jobs_percent_range")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_stemdag_count_jobs_requested_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["stemdag_rounds.id"],
            name=op.f("fk_stemdag_count_jobs_round_id_stemdag_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stemdag_count_jobs")),
    )
    with op.batch_alter_table("stemdag_count_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_stemdag_count_jobs_round_id", ["round_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stemdag_count_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_stemdag_count_jobs_round_id")

    op.drop_table("stemdag_count_jobs")
