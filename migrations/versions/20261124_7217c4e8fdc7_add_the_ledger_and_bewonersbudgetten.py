"""Add the ledger and bewonersbudgetten: accounts, journal entries, pots, applications, vouchers

Journal entries and lines are append-only: triggers refuse UPDATE and DELETE on both tables
(as for the audit log), and on PostgreSQL a deferred constraint trigger refuses, at commit,
an entry whose lines do not sum to zero per currency.

Revision ID: 7217c4e8fdc7
Revises: b64238f82b4d
Create Date: 2026-11-24 04:15:22.481335
"""

import sqlalchemy as sa
from alembic import op

import samenhang.db

revision = "7217c4e8fdc7"
down_revision = "b64238f82b4d"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "source",
                "pot",
                "reservation",
                "initiative",
                "voucher",
                "payee",
                "campaign",
                "clearing",
                name="accountkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="EUR", nullable=False),
        sa.Column("wijk_id", sa.Integer(), nullable=True),
        sa.Column("is_overdraft_allowed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("balance_cents", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "is_overdraft_allowed OR balance_cents >= 0",
            name=op.f("ck_ledger_accounts_balance_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["wijk_id"], ["wijken.id"], name=op.f("fk_ledger_accounts_wijk_id_wijken")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_accounts")),
    )
    with op.batch_alter_table("ledger_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_accounts_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledger_accounts_wijk_id"), ["wijk_id"], unique=False)

    op.create_table(
        "journal_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=True),
        sa.Column("object_id", sa.String(length=40), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_journal_entries_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["journal_entries.id"],
            name=op.f("fk_journal_entries_reverses_id_journal_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entries")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_journal_entries_reverses_id")),
    )
    with op.batch_alter_table("journal_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_journal_entries_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_journal_entries_kind"), ["kind"], unique=False)

    op.create_table(
        "pots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wijk_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "source_kind",
            sa.Enum(
                "gemeente",
                "woningcorporatie",
                "fonds",
                name="sourcekind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("source_name", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="EUR", nullable=False),
        sa.Column("max_per_application_cents", sa.BigInteger(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "open", "closed", name="potstatus", native_enum=False, length=20),
            server_default="draft",
            nullable=False,
        ),
        sa.Column(
            "criteria_status",
            sa.Enum(
                "draft",
                "consultation",
                "final",
                name="criteriastatus",
                native_enum=False,
                length=20,
            ),
            server_default="draft",
            nullable=False,
        ),
        sa.Column("comments_close_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("criteria_fixed_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("source_account_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("max_per_application_cents > 0", name=op.f("ck_pots_max_positive")),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name=op.f("ck_pots_year_plausible")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["ledger_accounts.id"], name=op.f("fk_pots_account_id_ledger_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_pots_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["source_account_id"],
            ["ledger_accounts.id"],
            name=op.f("fk_pots_source_account_id_ledger_accounts"),
        ),
        sa.ForeignKeyConstraint(["wijk_id"], ["wijken.id"], name=op.f("fk_pots_wijk_id_wijken")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pots")),
        sa.UniqueConstraint("account_id", name=op.f("uq_pots_account_id")),
        sa.UniqueConstraint("source_account_id", name=op.f("uq_pots_source_account_id")),
        sa.UniqueConstraint("wijk_id", "year", "name", name=op.f("uq_pots_wijk_id_year_name")),
    )
    with op.batch_alter_table("pots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pots_wijk_id"), ["wijk_id"], unique=False)

    op.create_table(
        "voucher_suppliers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wijk_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("address", sa.String(length=200), server_default="", nullable=False),
        sa.Column("till_token_hash", sa.String(length=64), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["ledger_accounts.id"],
            name=op.f("fk_voucher_suppliers_account_id_ledger_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["wijk_id"], ["wijken.id"], name=op.f("fk_voucher_suppliers_wijk_id_wijken")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voucher_suppliers")),
        sa.UniqueConstraint("account_id", name=op.f("uq_voucher_suppliers_account_id")),
        sa.UniqueConstraint("till_token_hash", name=op.f("uq_voucher_suppliers_till_token_hash")),
        sa.UniqueConstraint("wijk_id", "name", name=op.f("uq_voucher_suppliers_wijk_id_name")),
    )
    with op.batch_alter_table("voucher_suppliers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voucher_suppliers_wijk_id"), ["wijk_id"], unique=False)

    op.create_table(
        "journal_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.CheckConstraint("amount_cents <> 0", name=op.f("ck_journal_lines_amount_not_zero")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["ledger_accounts.id"],
            name=op.f("fk_journal_lines_account_id_ledger_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_journal_lines_entry_id_journal_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_lines")),
    )
    with op.batch_alter_table("journal_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_journal_lines_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_journal_lines_entry_id"), ["entry_id"], unique=False)

    op.create_table(
        "pot_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pot_id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("group_name", sa.String(length=120), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("amount_requested_cents", sa.BigInteger(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "advice_requested",
                "granted",
                "refused",
                "withdrawn",
                "settled",
                name="applicationstatus",
                native_enum=False,
                length=20,
            ),
            server_default="submitted",
            nullable=False,
        ),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("settled_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("reservation_account_id", sa.Integer(), nullable=True),
        sa.Column("initiative_account_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "amount_requested_cents > 0", name=op.f("ck_pot_applications_requested_positive")
        ),
        sa.ForeignKeyConstraint(
            ["applicant_id"], ["users.id"], name=op.f("fk_pot_applications_applicant_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["initiative_account_id"],
            ["ledger_accounts.id"],
            name=op.f("fk_pot_applications_initiative_account_id_ledger_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["pot_id"], ["pots.id"], name=op.f("fk_pot_applications_pot_id_pots")
        ),
        sa.ForeignKeyConstraint(
            ["reservation_account_id"],
            ["ledger_accounts.id"],
            name=op.f("fk_pot_applications_reservation_account_id_ledger_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pot_applications")),
        sa.UniqueConstraint(
            "initiative_account_id", name=op.f("uq_pot_applications_initiative_account_id")
        ),
        sa.UniqueConstraint(
            "reservation_account_id", name=op.f("uq_pot_applications_reservation_account_id")
        ),
    )
    with op.batch_alter_table("pot_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pot_applications_applicant_id"), ["applicant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pot_applications_pot_id"), ["pot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pot_applications_status"), ["status"], unique=False)

    op.create_table(
        "pot_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pot_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("weight", sa.SmallInteger(), server_default="1", nullable=False),
        sa.CheckConstraint("weight BETWEEN 1 AND 3", name=op.f("ck_pot_criteria_weight_range")),
        sa.ForeignKeyConstraint(["pot_id"], ["pots.id"], name=op.f("fk_pot_criteria_pot_id_pots")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pot_criteria")),
    )
    with op.batch_alter_table("pot_criteria", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pot_criteria_pot_id"), ["pot_id"], unique=False)

    op.create_table(
        "pot_criteria_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pot_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_pot_criteria_comments_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["pot_id"], ["pots.id"], name=op.f("fk_pot_criteria_comments_pot_id_pots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pot_criteria_comments")),
    )
    with op.batch_alter_table("pot_criteria_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pot_criteria_comments_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pot_criteria_comments_pot_id"), ["pot_id"], unique=False
        )

    op.create_table(
        "pot_criteria_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pot_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["pot_id"], ["pots.id"], name=op.f("fk_pot_criteria_participants_pot_id_pots")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_pot_criteria_participants_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pot_criteria_participants")),
    )
    with op.batch_alter_table("pot_criteria_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pot_criteria_participants_pot_id"), ["pot_id"], unique=False
        )

    op.create_table(
        "pot_panel_members",
        sa.Column("pot_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["pot_id"], ["pots.id"], name=op.f("fk_pot_panel_members_pot_id_pots")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_pot_panel_members_user_id_users")
        ),
        sa.PrimaryKeyConstraint("pot_id", "user_id", name=op.f("pk_pot_panel_members")),
    )
    with op.batch_alter_table("pot_panel_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pot_panel_members_user_id"), ["user_id"], unique=False)

    op.create_table(
        "voucher_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pot_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("value_cents", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("expires_at", samenhang.db.UTCDateTime(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_voucher_batches_quantity_positive")),
        sa.CheckConstraint("value_cents > 0", name=op.f("ck_voucher_batches_value_positive")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["ledger_accounts.id"],
            name=op.f("fk_voucher_batches_account_id_ledger_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_voucher_batches_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["pot_id"], ["pots.id"], name=op.f("fk_voucher_batches_pot_id_pots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voucher_batches")),
        sa.UniqueConstraint("account_id", name=op.f("uq_voucher_batches_account_id")),
    )
    with op.batch_alter_table("voucher_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voucher_batches_pot_id"), ["pot_id"], unique=False)

    op.create_table(
        "pot_budget_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_pot_budget_lines_amount_positive")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["pot_applications.id"],
            name=op.f("fk_pot_budget_lines_application_id_pot_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pot_budget_lines")),
    )
    with op.batch_alter_table("pot_budget_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pot_budget_lines_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "pot_contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "time",
                "materials",
                "co_funding",
                name="contributionkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=True),
        sa.Column("amount_cents", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "amount_cents IS NULL OR amount_cents > 0",
            name=op.f("ck_pot_contributions_amount_positive"),
        ),
        sa.CheckConstraint(
            "hours IS NULL OR hours > 0", name=op.f("ck_pot_contributions_hours_positive")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["pot_applications.id"],
            name=op.f("fk_pot_contributions_application_id_pot_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pot_contributions")),
    )
    with op.batch_alter_table("pot_contributions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pot_contributions_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "pot_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum("full", "partial", "refused", name="outcome", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("amount_granted_cents", sa.BigInteger(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "decided_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(outcome = 'refused' AND amount_granted_cents = 0)"
            " OR (outcome <> 'refused' AND amount_granted_cents > 0)",
            name=op.f("ck_pot_decisions_amount_matches_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["pot_applications.id"],
            name=op.f("fk_pot_decisions_application_id_pot_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_pot_decisions_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_pot_decisions_entry_id_journal_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pot_decisions")),
        sa.UniqueConstraint("application_id", name=op.f("uq_pot_decisions_application_id")),
    )
    op.create_table(
        "pot_panel_advice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column(
            "recommendation",
            sa.Enum("full", "partial", "refused", name="outcome", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("amount_cents", sa.BigInteger(), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "amount_cents IS NULL OR amount_cents >= 0",
            name=op.f("ck_pot_panel_advice_amount_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["pot_applications.id"],
            name=op.f("fk_pot_panel_advice_application_id_pot_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["users.id"], name=op.f("fk_pot_panel_advice_member_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pot_panel_advice")),
        sa.UniqueConstraint(
            "application_id", "member_id", name=op.f("uq_pot_panel_advice_application_id_member_id")
        ),
    )
    with op.batch_alter_table("pot_panel_advice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pot_panel_advice_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "pot_payouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.SmallInteger(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("paid_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_pot_payouts_amount_positive")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["pot_applications.id"],
            name=op.f("fk_pot_payouts_application_id_pot_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_pot_payouts_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["paid_by_id"], ["users.id"], name=op.f("fk_pot_payouts_paid_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pot_payouts")),
        sa.UniqueConstraint(
            "application_id", "sequence", name=op.f("uq_pot_payouts_application_id_sequence")
        ),
        sa.UniqueConstraint("entry_id", name=op.f("uq_pot_payouts_entry_id")),
    )
    with op.batch_alter_table("pot_payouts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pot_payouts_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "pot_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("image_name", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_pot_receipts_amount_positive")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["pot_applications.id"],
            name=op.f("fk_pot_receipts_application_id_pot_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_pot_receipts_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pot_receipts")),
    )
    with op.batch_alter_table("pot_receipts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pot_receipts_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "pot_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["pot_applications.id"],
            name=op.f("fk_pot_reports_application_id_pot_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_pot_reports_author_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pot_reports")),
        sa.UniqueConstraint("application_id", name=op.f("uq_pot_reports_application_id")),
    )
    op.create_table(
        "pot_returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_pot_returns_amount_positive")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["pot_applications.id"],
            name=op.f("fk_pot_returns_application_id_pot_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_pot_returns_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_pot_returns_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pot_returns")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_pot_returns_entry_id")),
    )
    with op.batch_alter_table("pot_returns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pot_returns_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "pot_scores",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.SmallInteger(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint("points BETWEEN 0 AND 5", name=op.f("ck_pot_scores_points_range")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["pot_applications.id"],
            name=op.f("fk_pot_scores_application_id_pot_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["pot_criteria.id"],
            name=op.f("fk_pot_scores_criterion_id_pot_criteria"),
        ),
        sa.PrimaryKeyConstraint("application_id", "criterion_id", name=op.f("pk_pot_scores")),
    )
    op.create_table(
        "voucher_batch_suppliers",
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["voucher_batches.id"],
            name=op.f("fk_voucher_batch_suppliers_batch_id_voucher_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["voucher_suppliers.id"],
            name=op.f("fk_voucher_batch_suppliers_supplier_id_voucher_suppliers"),
        ),
        sa.PrimaryKeyConstraint("batch_id", "supplier_id", name=op.f("pk_voucher_batch_suppliers")),
    )
    with op.batch_alter_table("voucher_batch_suppliers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_voucher_batch_suppliers_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "vouchers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("code_hint", sa.String(length=4), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "issued", "redeemed", "expired", name="voucherstatus", native_enum=False, length=20
            ),
            server_default="issued",
            nullable=False,
        ),
        sa.Column("redeemed_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("expired_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "(status = 'redeemed') = (redeemed_at IS NOT NULL)",
            name=op.f("ck_vouchers_redeemed_has_time"),
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["voucher_batches.id"], name=op.f("fk_vouchers_batch_id_voucher_batches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vouchers")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_vouchers_code_hash")),
    )
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vouchers_batch_id"), ["batch_id"], unique=False)

    op.create_table(
        "pot_report_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("image_name", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["pot_reports.id"],
            name=op.f("fk_pot_report_photos_report_id_pot_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pot_report_photos")),
    )
    with op.batch_alter_table("pot_report_photos", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pot_report_photos_report_id"), ["report_id"], unique=False
        )

    op.create_table(
        "voucher_redemptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("voucher_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_voucher_redemptions_amount_positive")),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_voucher_redemptions_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["voucher_suppliers.id"],
            name=op.f("fk_voucher_redemptions_supplier_id_voucher_suppliers"),
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"], ["vouchers.id"], name=op.f("fk_voucher_redemptions_voucher_id_vouchers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voucher_redemptions")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_voucher_redemptions_entry_id")),
        sa.UniqueConstraint("voucher_id", name=op.f("uq_voucher_redemptions_voucher_id")),
    )
    with op.batch_alter_table("voucher_redemptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_voucher_redemptions_supplier_id"), ["supplier_id"], unique=False
        )

    _create_ledger_triggers()


def downgrade() -> None:
    _drop_ledger_triggers()
    with op.batch_alter_table("voucher_redemptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voucher_redemptions_supplier_id"))

    op.drop_table("voucher_redemptions")
    with op.batch_alter_table("pot_report_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pot_report_photos_report_id"))

    op.drop_table("pot_report_photos")
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vouchers_batch_id"))

    op.drop_table("vouchers")
    with op.batch_alter_table("voucher_batch_suppliers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voucher_batch_suppliers_supplier_id"))

    op.drop_table("voucher_batch_suppliers")
    op.drop_table("pot_scores")
    with op.batch_alter_table("pot_returns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pot_returns_application_id"))

    op.drop_table("pot_returns")
    op.drop_table("pot_reports")
    with op.batch_alter_table("pot_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pot_receipts_application_id"))

    op.drop_table("pot_receipts")
    with op.batch_alter_table("pot_payouts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pot_payouts_application_id"))

    op.drop_table("pot_payouts")
    with op.batch_alter_table("pot_panel_advice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pot_panel_advice_application_id"))

    op.drop_table("pot_panel_advice")
    op.drop_table("pot_decisions")
    with op.batch_alter_table("pot_contributions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pot_contributions_application_id"))

    op.drop_table("pot_contributions")
    with op.batch_alter_table("pot_budget_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pot_budget_lines_application_id"))

    op.drop_table("pot_budget_lines")
    with op.batch_alter_table("voucher_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voucher_batches_pot_id"))

    op.drop_table("voucher_batches")
    with op.batch_alter_table("pot_panel_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pot_panel_members_user_id"))

    op.drop_table("pot_panel_members")
    with op.batch_alter_table("pot_criteria_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pot_criteria_participants_pot_id"))

    op.drop_table("pot_criteria_participants")
    with op.batch_alter_table("pot_criteria_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pot_criteria_comments_pot_id"))
        batch_op.drop_index(batch_op.f("ix_pot_criteria_comments_author_id"))

    op.drop_table("pot_criteria_comments")
    with op.batch_alter_table("pot_criteria", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pot_criteria_pot_id"))

    op.drop_table("pot_criteria")
    with op.batch_alter_table("pot_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pot_applications_status"))
        batch_op.drop_index(batch_op.f("ix_pot_applications_pot_id"))
        batch_op.drop_index(batch_op.f("ix_pot_applications_applicant_id"))

    op.drop_table("pot_applications")
    with op.batch_alter_table("journal_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journal_lines_entry_id"))
        batch_op.drop_index(batch_op.f("ix_journal_lines_account_id"))

    op.drop_table("journal_lines")
    with op.batch_alter_table("voucher_suppliers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voucher_suppliers_wijk_id"))

    op.drop_table("voucher_suppliers")
    with op.batch_alter_table("pots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pots_wijk_id"))

    op.drop_table("pots")
    with op.batch_alter_table("journal_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journal_entries_kind"))
        batch_op.drop_index(batch_op.f("ix_journal_entries_actor_id"))

    op.drop_table("journal_entries")
    with op.batch_alter_table("ledger_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_accounts_wijk_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_accounts_kind"))

    op.drop_table("ledger_accounts")


LEDGER_TABLES = ("journal_entries", "journal_lines")


def _create_ledger_triggers() -> None:
    """The ledger is append-only: the database itself refuses UPDATE and DELETE."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION ledger_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: book a reversing entry', TG_TABLE_NAME;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        for table in LEDGER_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ledger_append_only()"
            )
        op.execute(
            """
            CREATE FUNCTION journal_entry_balanced() RETURNS trigger AS $$
            BEGIN
                IF EXISTS (
                    SELECT 1 FROM journal_lines WHERE entry_id = NEW.entry_id
                    GROUP BY currency HAVING sum(amount_cents) <> 0
                ) THEN
                    RAISE EXCEPTION 'journal entry % is not balanced', NEW.entry_id;
                END IF;
                RETURN NULL;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE CONSTRAINT TRIGGER journal_lines_balanced AFTER INSERT ON journal_lines "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_entry_balanced()"
        )
    else:
        for table in LEDGER_TABLES:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: book a reversing entry');"
                    " END"
                )


def _drop_ledger_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER journal_lines_balanced ON journal_lines")
        op.execute("DROP FUNCTION journal_entry_balanced()")
        for table in LEDGER_TABLES:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION ledger_append_only()")
    else:
        for table in LEDGER_TABLES:
            op.execute(f"DROP TRIGGER {table}_no_update")
            op.execute(f"DROP TRIGGER {table}_no_delete")
