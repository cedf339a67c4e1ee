"""Campaign receipts for paid-out money and campaign photos; contract goals record their
language (translatable like initiatives)

Revision ID: eca01170f3e2
Revises: 1454460c7ae7
Create Date: 2026-11-28 23:35:09.775665
"""

import sqlalchemy as sa
from alembic import op

import samenhang.db

revision = "eca01170f3e2"
down_revision = "1454460c7ae7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("stored_name", sa.String(length=40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("alt_text", sa.String(length=200), server_default="", nullable=False),
        sa.Column(
            "created_at",
            samenhang.db.UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_campaign_photos_campaign_id_campaigns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_photos")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_campaign_photos_stored_name")),
    )
    with op.batch_alter_table("campaign_photos", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_photos_campaign_id"), ["campaign_id"], unique=False
        )

    op.create_table(
        "campaign_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("image_name", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            samenhang.db.UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_campaign_receipts_amount_positive")),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_receipts_campaign_id_campaigns"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_campaign_receipts_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_receipts")),
        sa.UniqueConstraint("image_name", name=op.f("uq_campaign_receipts_image_name")),
    )
    with op.batch_alter_table("campaign_receipts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_receipts_campaign_id"), ["campaign_id"], unique=False
        )

    with op.batch_alter_table("contract_goals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("original_locale", sa.String(length=5), server_default="nl", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("contract_goals", schema=None) as batch_op:
        batch_op.drop_column("original_locale")

    with op.batch_alter_table("campaign_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_receipts_campaign_id"))

    op.drop_table("campaign_receipts")
    with op.batch_alter_table("campaign_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_photos_campaign_id"))

    op.drop_table("campaign_photos")
