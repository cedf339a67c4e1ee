"""jobs: retries, task and arguments; letter batches

Count jobs keep the name of their work and its arguments (a queue runs them) and how often
they were tried; stemcode letters are made in batches, each a job whose PDF is kept until
voting opens.

Revision ID: d2ebda23e970
Revises: 4f1c2d9a7b30
Create Date: 2026-11-28 23:28:45.629110
"""

import sqlalchemy as sa
from alembic import op

import samenhang.db

revision = "d2ebda23e970"
down_revision = "4f1c2d9a7b30"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stemdag_letter_batches",
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
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_serial", sa.Integer(), nullable=True),
        sa.Column("last_serial", sa.Integer(), nullable=True),
        sa.Column("file", sa.String(length=100), nullable=True),
        sa.Column("voided_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("voided_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            samenhang.db.UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("started_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("finished_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("task", sa.String(length=200), nullable=True),
        sa.Column("args", sa.JSON(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "percent BETWEEN 0 AND 100", name=op.f("ck_stemdag_letter_batches_percent_range")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_stemdag_letter_batches_requested_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["stemdag_rounds.id"],
            name=op.f("fk_stemdag_letter_batches_round_id_stemdag_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["voided_by_id"],
            ["users.id"],
            name=op.f("fk_stemdag_letter_batches_voided_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stemdag_letter_batches")),
    )
    with op.batch_alter_table("stemdag_letter_batches", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stemdag_letter_batches_round_id", ["round_id", "id"], unique=False
        )

    with op.batch_alter_table("stemdag_count_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("task", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("args", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
    # The counts made so far ran once, in their request.
    jobs = sa.table(
        "stemdag_count_jobs",
        sa.column("task", sa.String),
        sa.column("attempts", sa.Integer),
        sa.column("status", sa.String),
    )
    op.execute(jobs.update().where(jobs.c.status.in_(["done", "failed"])).values(attempts=1))
    op.execute(jobs.update().values(task="samenhang.voting.counting:run_count_job"))


def downgrade() -> None:
    with op.batch_alter_table("stemdag_count_jobs", schema=None) as batch_op:
        batch_op.drop_column("attempts")
        batch_op.drop_column("args")
        batch_op.drop_column("task")

    with op.batch_alter_table("stemdag_letter_batches", schema=None) as batch_op:
        batch_op.drop_index("ix_stemdag_letter_batches_round_id")

    op.drop_table("stemdag_letter_batches")
