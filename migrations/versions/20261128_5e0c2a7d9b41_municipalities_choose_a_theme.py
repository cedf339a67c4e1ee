"""Municipalities choose a theme (their design tokens)

Revision ID: 5e0c2a7d9b41
Revises: 80ea19108cd7
Create Date: 2026-11-28 19:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "5e0c2a7d9b41"
down_revision = "80ea19108cd7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("theme", sa.String(length=64), server_default="voorbeeld", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.drop_column("theme")
