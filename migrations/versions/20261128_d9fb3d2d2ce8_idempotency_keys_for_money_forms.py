"""idempotency keys for money forms

Revision ID: d9fb3d2d2ce8
Revises: eca01170f3e2
Create Date: 2026-11-28 23:28:54.593127
"""

import sqlalchemy as sa
from alembic import op

import samenhang.db

revision = "d9fb3d2d2ce8"
down_revision = "eca01170f3e2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("endpoint", sa.String(length=80), nullable=False),
        sa.Column("result_url", sa.String(length=300), nullable=True),
        sa.Column("result_ref", sa.String(length=80), nullable=True),
        sa.Column(
            "created_at",
            samenhang.db.UTCDateTime(),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_idempotency_keys_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_idempotency_keys")),
    )


def downgrade() -> None:
    op.drop_table("idempotency_keys")
