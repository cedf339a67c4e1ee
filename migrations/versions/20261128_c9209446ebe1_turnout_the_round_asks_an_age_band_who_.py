"""Turnout: the round asks an age band; who cast the sealed ballots, added up at the count

`stemdag_rounds.asks_age_band`: the ballot asks an optional age band (sealed with the vote).
`stemdag_rounds.ballot_profile`: counts by language, device class and age band, written
once when the sealed ballots are opened at the count; never per ballot.

Revision ID: c9209446ebe1
Revises: 3b1e1f2a8467
Create Date: 2026-11-28 22:52:58.728729
"""

import sqlalchemy as sa
from alembic import op

revision = "c9209446ebe1"
down_revision = "3b1e1f2a8467"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stemdag_rounds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("asks_age_band", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("ballot_profile", sa.JSON(), nullable=True))


def downgrade() -> None:
    # The counts are lost with the column; the opened ballots never held them.
    with op.batch_alter_table("stemdag_rounds", schema=None) as batch_op:
        batch_op.drop_column("ballot_profile")
        batch_op.drop_column("asks_age_band")
