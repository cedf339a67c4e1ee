"""Seal online ballots to a counting key; annul a round

A ballot gets `sealed` (its content sealed to the round's counting key) and its
`selection` may be NULL (sealed ballots, and cast rows whose content was written as a
plain row at the count); a round keeps only its counting key's public half and
fingerprint, and may be annulled with public reasons.

Revision ID: a19a95e23011
Revises: a7ad9099db34
Create Date: 2026-11-28 22:30:42.706074
"""

import sqlalchemy as sa
from alembic import op

import samenhang.db

revision = "a19a95e23011"
down_revision = "a7ad9099db34"
branch_labels = None
depends_on = None

SEALED_OR_PLAIN = "sealed IS NULL OR (selection IS NULL AND points IS NULL AND NOT is_blank)"
#: SQLite rebuilds the table in a batch operation, which drops its triggers: put back the
#: one that refuses to delete a ballot (PostgreSQL alters the table in place).
_SQLITE_NO_DELETE = (
    "CREATE TRIGGER stemdag_ballots_no_delete BEFORE DELETE ON stemdag_ballots "
    "BEGIN SELECT RAISE(ABORT, 'stemdag_ballots are never deleted'); END"
)


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if _is_sqlite():
        op.execute("DROP TRIGGER IF EXISTS stemdag_ballots_no_delete")
    with op.batch_alter_table("stemdag_ballots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed", sa.LargeBinary(), nullable=True))
        batch_op.alter_column("selection", existing_type=sa.JSON(), nullable=True)
        batch_op.create_check_constraint(
            batch_op.f("ck_stemdag_ballots_sealed_or_plain"), SEALED_OR_PLAIN
        )
    if _is_sqlite():
        op.execute(_SQLITE_NO_DELETE)

    with op.batch_alter_table("stemdag_rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("counting_public_key", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("counting_key_fingerprint", sa.String(length=8), nullable=True)
        )
        batch_op.add_column(sa.Column("annulled_at", samenhang.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("annulled_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stemdag_rounds", schema=None) as batch_op:
        batch_op.drop_column("annulled_reason")
        batch_op.drop_column("annulled_at")
        batch_op.drop_column("counting_key_fingerprint")
        batch_op.drop_column("counting_public_key")

    # The old schema cannot hold a sealed ballot nor a cast row without a choice: they keep
    # their row (and receipt), with an empty choice, marked superseded so they never count.
    # Their sealed content is lost with the column; without the key shares it was unreadable.
    ballots = sa.table(
        "stemdag_ballots",
        sa.column("selection", sa.JSON()),
        sa.column("is_superseded", sa.Boolean()),
        sa.column("sealed", sa.LargeBinary()),
    )
    op.execute(
        ballots.update()
        .where(ballots.c.selection.is_(None))
        .values(selection=sa.literal_column("'[]'"), is_superseded=sa.true(), sealed=None)
    )
    if _is_sqlite():
        op.execute("DROP TRIGGER IF EXISTS stemdag_ballots_no_delete")
    with op.batch_alter_table("stemdag_ballots", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_stemdag_ballots_sealed_or_plain"), type_="check")
        batch_op.alter_column("selection", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("sealed")
    if _is_sqlite():
        op.execute(_SQLITE_NO_DELETE)
