"""Add campaigns: pledges, tasks, wanted things and offers, news, payouts, payment events

Revision ID: a3aeacff5e7f
Revises: ee96df779640
Create Date: 2026-11-28 19:32:42.488164
"""

import sqlalchemy as sa
from alembic import op

import samenhang.db

revision = "a3aeacff5e7f"
down_revision = "ee96df779640"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign_clearing_accounts",
        sa.Column(
            "provider",
            sa.Enum("manual", "stripe", name="provider", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["ledger_accounts.id"],
            name=op.f("fk_campaign_clearing_accounts_account_id_ledger_accounts"),
        ),
        sa.PrimaryKeyConstraint("provider", "currency", name=op.f("pk_campaign_clearing_accounts")),
        sa.UniqueConstraint("account_id", name=op.f("uq_campaign_clearing_accounts_account_id")),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("wijk_id", sa.Integer(), nullable=False),
        sa.Column("initiator_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("story", sa.Text(), nullable=False),
        sa.Column("original_locale", sa.String(length=5), nullable=False),
        sa.Column("goal_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="EUR", nullable=False),
        sa.Column("min_amount_cents", sa.BigInteger(), nullable=False),
        sa.Column(
            "funding_model",
            sa.Enum("all_or_nothing", "keep_it", name="fundingmodel", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("deadline_at", samenhang.db.UTCDateTime(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "running",
                "rejected",
                "succeeded",
                "failed",
                name="campaignstatus",
                native_enum=False,
                length=20,
            ),
            server_default="draft",
            nullable=False,
        ),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("initiative_account_id", sa.Integer(), nullable=True),
        sa.Column("match_pot_id", sa.Integer(), nullable=True),
        sa.Column("match_ratio_percent", sa.SmallInteger(), nullable=True),
        sa.Column("match_cap_cents", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("submitted_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("approved_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("closed_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "(match_pot_id IS NULL AND match_ratio_percent IS NULL AND match_cap_cents IS NULL)"
            " OR (match_pot_id IS NOT NULL AND match_ratio_percent > 0 AND match_cap_cents > 0)",
            name=op.f("ck_campaigns_match_complete"),
        ),
        sa.CheckConstraint("goal_cents > 0", name=op.f("ck_campaigns_goal_positive")),
        sa.CheckConstraint("length(title) > 0", name=op.f("ck_campaigns_title_not_empty")),
        sa.CheckConstraint("min_amount_cents > 0", name=op.f("ck_campaigns_min_amount_positive")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["ledger_accounts.id"],
            name=op.f("fk_campaigns_account_id_ledger_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["initiative_account_id"],
            ["ledger_accounts.id"],
            name=op.f("fk_campaigns_initiative_account_id_ledger_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_campaigns_initiative_id_initiatives"),
        ),
        sa.ForeignKeyConstraint(
            ["initiator_id"], ["users.id"], name=op.f("fk_campaigns_initiator_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["match_pot_id"], ["pots.id"], name=op.f("fk_campaigns_match_pot_id_pots")
        ),
        sa.ForeignKeyConstraint(
            ["wijk_id"], ["wijken.id"], name=op.f("fk_campaigns_wijk_id_wijken")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("account_id", name=op.f("uq_campaigns_account_id")),
        sa.UniqueConstraint(
            "initiative_account_id", name=op.f("uq_campaigns_initiative_account_id")
        ),
        sa.UniqueConstraint("initiative_id", name=op.f("uq_campaigns_initiative_id")),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaigns_initiator_id"), ["initiator_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_campaigns_match_pot_id"), ["match_pot_id"], unique=False
        )
        batch_op.create_index("ix_campaigns_wijk_status", ["wijk_id", "status"], unique=False)

    op.create_table(
        "campaign_needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("materials", "space", name="needkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_campaign_needs_campaign_id_campaigns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_needs")),
    )
    with op.batch_alter_table("campaign_needs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_needs_campaign_id"), ["campaign_id"], unique=False
        )

    op.create_table(
        "campaign_payouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.SmallInteger(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("paid_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_campaign_payouts_amount_positive")),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_payouts_campaign_id_campaigns"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_campaign_payouts_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["paid_by_id"], ["users.id"], name=op.f("fk_campaign_payouts_paid_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_payouts")),
        sa.UniqueConstraint(
            "campaign_id", "sequence", name=op.f("uq_campaign_payouts_campaign_id_sequence")
        ),
        sa.UniqueConstraint("entry_id", name=op.f("uq_campaign_payouts_entry_id")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_campaign_payouts_idempotency_key")),
    )
    with op.batch_alter_table("campaign_payouts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_payouts_campaign_id"), ["campaign_id"], unique=False
        )

    op.create_table(
        "campaign_pledges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("supporter_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="EUR", nullable=False),
        sa.Column(
            "provider",
            sa.Enum("manual", "stripe", name="provider", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pledged",
                "pending",
                "received",
                "failed",
                "refunded",
                "cancelled",
                name="pledgestatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("provider_ref", sa.String(length=100), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("is_anonymous", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("share_with_initiator", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("refunded_cents", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("matched_cents", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("match_released_cents", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("received_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("received_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_campaign_pledges_amount_positive")),
        sa.CheckConstraint(
            "match_released_cents >= 0 AND match_released_cents <= matched_cents",
            name=op.f("ck_campaign_pledges_release_within_match"),
        ),
        sa.CheckConstraint(
            "refunded_cents >= 0 AND refunded_cents <= amount_cents",
            name=op.f("ck_campaign_pledges_refund_within_amount"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_pledges_campaign_id_campaigns"),
        ),
        sa.ForeignKeyConstraint(
            ["received_by_id"], ["users.id"], name=op.f("fk_campaign_pledges_received_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["supporter_id"], ["users.id"], name=op.f("fk_campaign_pledges_supporter_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_pledges")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_campaign_pledges_idempotency_key")),
        sa.UniqueConstraint("provider_ref", name=op.f("uq_campaign_pledges_provider_ref")),
        sa.UniqueConstraint("reference", name=op.f("uq_campaign_pledges_reference")),
    )
    with op.batch_alter_table("campaign_pledges", schema=None) as batch_op:
        batch_op.create_index(
            "ix_campaign_pledges_campaign_status", ["campaign_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_campaign_pledges_supporter_id"), ["supporter_id"], unique=False
        )

    op.create_table(
        "campaign_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("happens_on", sa.Date(), nullable=False),
        sa.Column("capacity", sa.SmallInteger(), nullable=False),
        sa.Column("taken", sa.Integer(), server_default="0", nullable=False),
        sa.Column("done_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_campaign_tasks_capacity_positive")),
        sa.CheckConstraint(
            "taken >= 0 AND taken <= capacity", name=op.f("ck_campaign_tasks_taken_within_capacity")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_campaign_tasks_campaign_id_campaigns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_tasks")),
    )
    with op.batch_alter_table("campaign_tasks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_tasks_campaign_id"), ["campaign_id"], unique=False
        )

    op.create_table(
        "campaign_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("mailed_to", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_campaign_updates_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_updates_campaign_id_campaigns"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_updates")),
    )
    with op.batch_alter_table("campaign_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_updates_campaign_id"), ["campaign_id"], unique=False
        )

    op.create_table(
        "campaign_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("confirmed_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["campaign_needs.id"],
            name=op.f("fk_campaign_offers_need_id_campaign_needs"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_campaign_offers_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_offers")),
        sa.UniqueConstraint("need_id", "user_id", name=op.f("uq_campaign_offers_need_id_user_id")),
    )
    with op.batch_alter_table("campaign_offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_offers_need_id"), ["need_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaign_offers_user_id"), ["user_id"], unique=False)

    op.create_table(
        "campaign_payment_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "provider",
            sa.Enum("manual", "stripe", name="provider", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("event_type", sa.String(length=80), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=40), server_default="", nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["campaign_pledges.id"],
            name=op.f("fk_campaign_payment_events_pledge_id_campaign_pledges"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_payment_events")),
        sa.UniqueConstraint(
            "provider", "event_id", name=op.f("uq_campaign_payment_events_provider_event_id")
        ),
    )
    with op.batch_alter_table("campaign_payment_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_payment_events_pledge_id"), ["pledge_id"], unique=False
        )

    op.create_table(
        "campaign_task_signups",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("reminded_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["campaign_tasks.id"],
            name=op.f("fk_campaign_task_signups_task_id_campaign_tasks"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_campaign_task_signups_user_id_users")
        ),
        sa.PrimaryKeyConstraint("task_id", "user_id", name=op.f("pk_campaign_task_signups")),
    )
    with op.batch_alter_table("campaign_task_signups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_task_signups_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("campaign_task_signups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_task_signups_user_id"))

    op.drop_table("campaign_task_signups")
    with op.batch_alter_table("campaign_payment_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_payment_events_pledge_id"))

    op.drop_table("campaign_payment_events")
    with op.batch_alter_table("campaign_offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_offers_user_id"))
        batch_op.drop_index(batch_op.f("ix_campaign_offers_need_id"))

    op.drop_table("campaign_offers")
    with op.batch_alter_table("campaign_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_updates_campaign_id"))

    op.drop_table("campaign_updates")
    with op.batch_alter_table("campaign_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_tasks_campaign_id"))

    op.drop_table("campaign_tasks")
    with op.batch_alter_table("campaign_pledges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_pledges_supporter_id"))
        batch_op.drop_index("ix_campaign_pledges_campaign_status")

    op.drop_table("campaign_pledges")
    with op.batch_alter_table("campaign_payouts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_payouts_campaign_id"))

    op.drop_table("campaign_payouts")
    with op.batch_alter_table("campaign_needs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_needs_campaign_id"))

    op.drop_table("campaign_needs")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index("ix_campaigns_wijk_status")
        batch_op.drop_index(batch_op.f("ix_campaigns_match_pot_id"))
        batch_op.drop_index(batch_op.f("ix_campaigns_initiator_id"))

    op.drop_table("campaigns")
    op.drop_table("campaign_clearing_accounts")
