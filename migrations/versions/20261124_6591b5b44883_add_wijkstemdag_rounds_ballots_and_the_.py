"""Add wijkstemdag rounds, ballots and the voter register

Ballots hold no user and no code and have a random key; the database refuses to delete
them (a changed ballot is marked superseded).

Revision ID: 6591b5b44883
Revises: 7217c4e8fdc7
Create Date: 2026-11-24 04:25:41.895461
"""

import sqlalchemy as sa
from alembic import op

import samenhang.db

revision = "6591b5b44883"
down_revision = "7217c4e8fdc7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stemdag_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wijk_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("budget_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="EUR", nullable=False),
        sa.Column(
            "ballot_type",
            sa.Enum(
                "approval",
                "knapsack",
                "ranking",
                "points",
                name="ballottype",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("min_projects", sa.Integer(), nullable=True),
        sa.Column("max_projects", sa.Integer(), nullable=True),
        sa.Column("max_points", sa.Integer(), nullable=True),
        sa.Column(
            "rule",
            sa.Enum("greedy", "mes", "mes_add1", name="rule", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "eligibility",
            sa.Enum("codes", "residents", "both", name="eligibility", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("min_age", sa.Integer(), nullable=True),
        sa.Column("allows_changes", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("allows_blank", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("online_weight", sa.Numeric(precision=8, scale=4), nullable=False),
        sa.Column("paper_weight", sa.Numeric(precision=8, scale=4), nullable=False),
        sa.Column("is_channel_balanced", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("eligible_count", sa.Integer(), nullable=True),
        sa.Column(
            "phase",
            sa.Enum(
                "draft",
                "ideas",
                "review",
                "voting",
                "counting",
                "results",
                name="phase",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("ideas_on", sa.Date(), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("voting_on", sa.Date(), nullable=True),
        sa.Column("counting_on", sa.Date(), nullable=True),
        sa.Column("results_on", sa.Date(), nullable=True),
        sa.Column("voting_closes_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column("next_serial", sa.Integer(), nullable=False),
        sa.Column("is_leftover_funded", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("imported_pb", sa.Text(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("counted_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("ledger_account_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("budget_cents > 0", name=op.f("ck_stemdag_rounds_budget_positive")),
        sa.CheckConstraint("length(title) > 0", name=op.f("ck_stemdag_rounds_title_not_empty")),
        sa.CheckConstraint(
            "min_age IS NULL OR min_age BETWEEN 0 AND 120",
            name=op.f("ck_stemdag_rounds_min_age_range"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_stemdag_rounds_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["ledger_account_id"],
            ["ledger_accounts.id"],
            name=op.f("fk_stemdag_rounds_ledger_account_id_ledger_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["wijk_id"], ["wijken.id"], name=op.f("fk_stemdag_rounds_wijk_id_wijken")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stemdag_rounds")),
    )
    with op.batch_alter_table("stemdag_rounds", schema=None) as batch_op:
        batch_op.create_index("ix_stemdag_rounds_wijk_phase", ["wijk_id", "phase"], unique=False)

    op.create_table(
        "stemdag_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("cap_cents", sa.BigInteger(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "cap_cents IS NULL OR cap_cents >= 0",
            name=op.f("ck_stemdag_categories_cap_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["stemdag_rounds.id"],
            name=op.f("fk_stemdag_categories_round_id_stemdag_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stemdag_categories")),
        sa.UniqueConstraint("round_id", "name", name=op.f("uq_stemdag_categories_round_id_name")),
    )
    op.create_table(
        "stemdag_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("issued", "spent", "revoked", name="codestatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("replaces_serial", sa.Integer(), nullable=True),
        sa.Column(
            "issued_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("revoked_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["stemdag_rounds.id"],
            name=op.f("fk_stemdag_codes_round_id_stemdag_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stemdag_codes")),
        sa.UniqueConstraint(
            "round_id", "code_hash", name=op.f("uq_stemdag_codes_round_id_code_hash")
        ),
        sa.UniqueConstraint("round_id", "serial", name=op.f("uq_stemdag_codes_round_id_serial")),
    )
    op.create_table(
        "stemdag_paper_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("declared_count", sa.Integer(), nullable=False),
        sa.Column("entered_count", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "entered", "confirmed", "rejected", name="batchstatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("entered_by_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("entry_text", sa.Text(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("decided_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status <> 'confirmed' OR entered_count = declared_count",
            name=op.f("ck_stemdag_paper_batches_counts_reconciled"),
        ),
        sa.CheckConstraint(
            "confirmed_by_id IS NULL OR confirmed_by_id <> entered_by_id",
            name=op.f("ck_stemdag_paper_batches_four_eyes"),
        ),
        sa.CheckConstraint(
            "declared_count > 0", name=op.f("ck_stemdag_paper_batches_declared_positive")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["users.id"],
            name=op.f("fk_stemdag_paper_batches_confirmed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["users.id"],
            name=op.f("fk_stemdag_paper_batches_entered_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["stemdag_rounds.id"],
            name=op.f("fk_stemdag_paper_batches_round_id_stemdag_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stemdag_paper_batches")),
    )
    with op.batch_alter_table("stemdag_paper_batches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stemdag_paper_batches_round_id"), ["round_id"], unique=False
        )

    op.create_table(
        "stemdag_volunteers",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["stemdag_rounds.id"],
            name=op.f("fk_stemdag_volunteers_round_id_stemdag_rounds"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_stemdag_volunteers_user_id_users")
        ),
        sa.PrimaryKeyConstraint("round_id", "user_id", name=op.f("pk_stemdag_volunteers")),
    )
    op.create_table(
        "stemdag_ballots",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("online", "paper", name="channel", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("selection", sa.JSON(), nullable=False),
        sa.Column("points", sa.JSON(), nullable=True),
        sa.Column("is_blank", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_superseded", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("receipt_hash", sa.String(length=64), nullable=True),
        sa.Column("owner_hash", sa.String(length=64), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("cast_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["stemdag_paper_batches.id"],
            name=op.f("fk_stemdag_ballots_batch_id_stemdag_paper_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["stemdag_rounds.id"],
            name=op.f("fk_stemdag_ballots_round_id_stemdag_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stemdag_ballots")),
        sa.UniqueConstraint(
            "round_id", "receipt_hash", name=op.f("uq_stemdag_ballots_round_id_receipt_hash")
        ),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("stemdag_ballots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stemdag_ballots_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(
            "ix_stemdag_ballots_round", ["round_id", "is_superseded"], unique=False
        )

    op.create_table(
        "stemdag_projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("pb_id", sa.String(length=40), nullable=True),
        sa.Column("initiative_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("proposer_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("original_locale", sa.String(length=5), nullable=False),
        sa.Column("cost_cents", sa.BigInteger(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "accepted",
                "rejected",
                name="projectstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("cost_cents >= 0", name=op.f("ck_stemdag_projects_cost_not_negative")),
        sa.CheckConstraint("length(title) > 0", name=op.f("ck_stemdag_projects_title_not_empty")),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["stemdag_categories.id"],
            name=op.f("fk_stemdag_projects_category_id_stemdag_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_stemdag_projects_initiative_id_initiatives"),
        ),
        sa.ForeignKeyConstraint(
            ["proposer_id"], ["users.id"], name=op.f("fk_stemdag_projects_proposer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["stemdag_rounds.id"],
            name=op.f("fk_stemdag_projects_round_id_stemdag_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stemdag_projects")),
        sa.UniqueConstraint("round_id", "pb_id", name=op.f("uq_stemdag_projects_round_id_pb_id")),
    )
    with op.batch_alter_table("stemdag_projects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stemdag_projects_initiative_id"), ["initiative_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_stemdag_projects_round_id"), ["round_id"], unique=False
        )

    op.create_table(
        "stemdag_voters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("stemcode_id", sa.Integer(), nullable=True),
        sa.Column(
            "channel",
            sa.Enum("online", "paper", name="channel", native_enum=False, length=20),
            nullable=False,
        ),
        sa.CheckConstraint(
            "user_id IS NOT NULL OR stemcode_id IS NOT NULL",
            name=op.f("ck_stemdag_voters_user_or_code"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["stemdag_rounds.id"],
            name=op.f("fk_stemdag_voters_round_id_stemdag_rounds"),
        ),
        sa.ForeignKeyConstraint(
            ["stemcode_id"],
            ["stemdag_codes.id"],
            name=op.f("fk_stemdag_voters_stemcode_id_stemdag_codes"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_stemdag_voters_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stemdag_voters")),
        sa.UniqueConstraint(
            "round_id", "stemcode_id", name=op.f("uq_stemdag_voters_round_id_stemcode_id")
        ),
        sa.UniqueConstraint("round_id", "user_id", name=op.f("uq_stemdag_voters_round_id_user_id")),
    )

    _create_ballot_triggers()


def _create_ballot_triggers() -> None:
    """Ballots are never deleted: the database itself refuses DELETE."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION stemdag_ballots_no_delete() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'stemdag_ballots are never deleted';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER stemdag_ballots_no_delete BEFORE DELETE ON stemdag_ballots "
            "FOR EACH ROW EXECUTE FUNCTION stemdag_ballots_no_delete()"
        )
    else:
        op.execute(
            "CREATE TRIGGER stemdag_ballots_no_delete BEFORE DELETE ON stemdag_ballots "
            "BEGIN SELECT RAISE(ABORT, 'stemdag_ballots are never deleted'); END"
        )


def _drop_ballot_triggers() -> None:
    op.execute(
        "DROP TRIGGER stemdag_ballots_no_delete"
        + (" ON stemdag_ballots" if op.get_bind().dialect.name == "postgresql" else "")
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION stemdag_ballots_no_delete()")


def downgrade() -> None:
    _drop_ballot_triggers()
    op.drop_table("stemdag_voters")
    with op.batch_alter_table("stemdag_projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stemdag_projects_round_id"))
        batch_op.drop_index(batch_op.f("ix_stemdag_projects_initiative_id"))

    op.drop_table("stemdag_projects")
    with op.batch_alter_table("stemdag_ballots", schema=None) as batch_op:
        batch_op.drop_index("ix_stemdag_ballots_round")
        batch_op.drop_index(batch_op.f("ix_stemdag_ballots_batch_id"))

    op.drop_table("stemdag_ballots")
    op.drop_table("stemdag_volunteers")
    with op.batch_alter_table("stemdag_paper_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stemdag_paper_batches_round_id"))

    op.drop_table("stemdag_paper_batches")
    op.drop_table("stemdag_codes")
    op.drop_table("stemdag_categories")
    with op.batch_alter_table("stemdag_rounds", schema=None) as batch_op:
        batch_op.drop_index("ix_stemdag_rounds_wijk_phase")

    op.drop_table("stemdag_rounds")
