"""Indexes for the public lists: initiatives newest first, in a wijk and everywhere

Revision ID: 4f1c2d9a7b30
Revises: d9fb3d2d2ce8
Create Date: 2026-11-28 23:45:00.000000
"""

from alembic import op

revision = "4f1c2d9a7b30"
down_revision = "d9fb3d2d2ce8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.create_index("ix_initiatives_published", ["published_at", "id"], unique=False)
        batch_op.create_index(
            "ix_initiatives_wijk_published", ["wijk_id", "published_at", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.drop_index("ix_initiatives_wijk_published")
        batch_op.drop_index("ix_initiatives_published")
