"""Participation: the languages spoken in a wijk, with their source

Revision ID: 1454460c7ae7
Revises: 6e9080e751a0
Create Date: 2026-11-28 23:28:16.152460
"""

import sqlalchemy as sa
from alembic import op

import samenhang.db

revision = "1454460c7ae7"
down_revision = "6e9080e751a0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row per wijk: percent of residents per language (JSON), entered by its wijkmanager.
    op.create_table(
        "wijk_languages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wijk_id", sa.Integer(), nullable=False),
        sa.Column("shares", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=True),
        sa.Column("is_example", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "updated_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "year IS NULL OR year BETWEEN 1990 AND 2100",
            name=op.f("ck_wijk_languages_year_plausible"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_wijk_languages_updated_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["wijk_id"], ["wijken.id"], name=op.f("fk_wijk_languages_wijk_id_wijken")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wijk_languages")),
        sa.UniqueConstraint("wijk_id", name=op.f("uq_wijk_languages_wijk_id")),
    )


def downgrade() -> None:
    op.drop_table("wijk_languages")
