"""Paper batches count their invalid (spoilt) ballots

Revision ID: 82a70e30e220
Revises: a19a95e23011
Create Date: 2026-11-28 22:28:39.558147
"""

import sqlalchemy as sa
from alembic import op

revision = "82a70e30e220"
down_revision = "a19a95e23011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stemdag_paper_batches", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("invalid_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_stemdag_paper_batches_invalid_in_entered"),
            "invalid_count BETWEEN 0 AND entered_count",
        )


def downgrade() -> None:
    with op.batch_alter_table("stemdag_paper_batches", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_stemdag_paper_batches_invalid_in_entered"), type_="check"
        )
        batch_op.drop_column("invalid_count")
