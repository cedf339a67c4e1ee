"""Pot criteria record the language they were written in

Revision ID: 80ea19108cd7
Revises: 6591b5b44883
Create Date: 2026-11-24 04:58:21.674368
"""

import sqlalchemy as sa
from alembic import op

revision = "80ea19108cd7"
down_revision = "6591b5b44883"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pot_criteria", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("original_locale", sa.String(length=5), server_default="nl", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("pot_criteria", schema=None) as batch_op:
        batch_op.drop_column("original_locale")
