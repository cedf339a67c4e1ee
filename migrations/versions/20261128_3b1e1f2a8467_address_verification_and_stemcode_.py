"""Address verification and stemcode requests

Revision ID: 3b1e1f2a8467
Revises: 82a70e30e220
Create Date: 2026-11-28 22:30:29.856591
"""

import sqlalchemy as sa
from alembic import op

import samenhang.db

revision = "3b1e1f2a8467"
down_revision = "82a70e30e220"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "address_verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("wijk_id", sa.Integer(), nullable=False),
        sa.Column("postcode", sa.String(length=7), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "requested",
                "letter_sent",
                "verified",
                "ended",
                name="verificationstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "method",
            sa.Enum("letter", "register", name="verificationmethod", native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("code_expires_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("letter_sent_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("letter_sent_by_id", sa.Integer(), nullable=True),
        sa.Column("verified_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("ended_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column(
            "created_at",
            samenhang.db.UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status != 'verified' OR (method IS NOT NULL AND verified_at IS NOT NULL)",
            name=op.f("ck_address_verifications_verified_has_method"),
        ),
        sa.CheckConstraint(
            "attempts >= 0", name=op.f("ck_address_verifications_attempts_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["letter_sent_by_id"],
            ["users.id"],
            name=op.f("fk_address_verifications_letter_sent_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_address_verifications_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"],
            ["users.id"],
            name=op.f("fk_address_verifications_verified_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["wijk_id"], ["wijken.id"], name=op.f("fk_address_verifications_wijk_id_wijken")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_address_verifications")),
    )
    with op.batch_alter_table("address_verifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_address_verifications_user_id"), ["user_id"], unique=False
        )
        batch_op.create_index(
            "ix_address_verifications_wijk_status", ["wijk_id", "status"], unique=False
        )

    op.create_table(
        "stemdag_code_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("requested", "issued", name="coderequeststatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            samenhang.db.UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("issued_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status <> 'issued' OR (issued_at IS NOT NULL AND issued_by_id IS NOT NULL)",
            name=op.f("ck_stemdag_code_requests_issued_has_issuer"),
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["users.id"], name=op.f("fk_stemdag_code_requests_issued_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["stemdag_rounds.id"],
            name=op.f("fk_stemdag_code_requests_round_id_stemdag_rounds"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_stemdag_code_requests_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stemdag_code_requests")),
        sa.UniqueConstraint(
            "round_id", "user_id", name=op.f("uq_stemdag_code_requests_round_id_user_id")
        ),
    )
    with op.batch_alter_table("stemdag_code_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stemdag_code_requests_round_id"), ["round_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("stemdag_code_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stemdag_code_requests_round_id"))

    op.drop_table("stemdag_code_requests")
    with op.batch_alter_table("address_verifications", schema=None) as batch_op:
        batch_op.drop_index("ix_address_verifications_wijk_status")
        batch_op.drop_index(batch_op.f("ix_address_verifications_user_id"))

    op.drop_table("address_verifications")
