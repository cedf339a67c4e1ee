"""Add the buurtbegroting: budgets per wijk and year, their lines, imports, corrections and
challenges; wijken get their population

Revision ID: e0383bd341d7
Revises: 5e0c2a7d9b41
Create Date: 2026-11-28 19:09:44.155800
"""

import sqlalchemy as sa
from alembic import op

import samenhang.db

revision = "e0383bd341d7"
down_revision = "5e0c2a7d9b41"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "budgets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wijk_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "published", name="budgetstatus", native_enum=False, length=20),
            server_default="draft",
            nullable=False,
        ),
        sa.Column("currency", sa.String(length=3), server_default="EUR", nullable=False),
        sa.Column("intro", sa.Text(), server_default="", nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            samenhang.db.UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("published_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(status = 'published') = (published_at IS NOT NULL)",
            name=op.f("ck_budgets_published_has_time"),
        ),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name=op.f("ck_budgets_year_plausible")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_budgets_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["users.id"], name=op.f("fk_budgets_published_by_id_users")
        ),
        sa.ForeignKeyConstraint(["wijk_id"], ["wijken.id"], name=op.f("fk_budgets_wijk_id_wijken")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budgets")),
        sa.UniqueConstraint("wijk_id", "year", name=op.f("uq_budgets_wijk_id_year")),
    )
    with op.batch_alter_table("budgets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budgets_wijk_id"), ["wijk_id"], unique=False)

    op.create_table(
        "budget_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("applied_sha256", sa.String(length=64), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "applied", name="importstatus", native_enum=False, length=20),
            server_default="pending",
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            samenhang.db.UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("applied_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint("row_count >= 0", name=op.f("ck_budget_imports_row_count_positive")),
        sa.ForeignKeyConstraint(
            ["budget_id"], ["budgets.id"], name=op.f("fk_budget_imports_budget_id_budgets")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_budget_imports_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_imports")),
        sa.UniqueConstraint(
            "budget_id", "applied_sha256", name=op.f("uq_budget_imports_budget_id_applied_sha256")
        ),
    )
    with op.batch_alter_table("budget_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_budget_imports_budget_id"), ["budget_id"], unique=False
        )

    op.create_table(
        "budget_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "origin",
            sa.Enum("platform", "imported", name="lineorigin", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "theme",
            sa.Enum(
                "wonen",
                "veiligheid",
                "leren",
                "werken",
                "inkomen",
                "gezondheid",
                "meedoen",
                name="theme",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "source",
            sa.Enum(
                "gemeente",
                "woningcorporatie",
                "fonds",
                "crowdfunding",
                "other",
                name="source",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("source_name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("planned_cents", sa.BigInteger(), nullable=True),
        sa.Column("actual_cents", sa.BigInteger(), nullable=True),
        sa.Column("is_public_task", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("external_key", sa.String(length=80), nullable=True),
        sa.Column("pot_id", sa.Integer(), nullable=True),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("initiative_id", sa.Integer(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            samenhang.db.UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(origin = 'platform' AND planned_cents IS NULL AND actual_cents IS NULL"
            " AND (pot_id IS NULL) <> (round_id IS NULL))"
            " OR (origin = 'imported' AND planned_cents IS NOT NULL"
            " AND pot_id IS NULL AND round_id IS NULL)",
            name=op.f("ck_budget_lines_figures_match_origin"),
        ),
        sa.CheckConstraint(
            "actual_cents IS NULL OR actual_cents >= 0",
            name=op.f("ck_budget_lines_actual_positive"),
        ),
        sa.CheckConstraint(
            "planned_cents IS NULL OR planned_cents >= 0",
            name=op.f("ck_budget_lines_planned_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["budget_id"], ["budgets.id"], name=op.f("fk_budget_lines_budget_id_budgets")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["budget_imports.id"],
            name=op.f("fk_budget_lines_import_id_budget_imports"),
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_budget_lines_initiative_id_initiatives"),
        ),
        sa.ForeignKeyConstraint(["pot_id"], ["pots.id"], name=op.f("fk_budget_lines_pot_id_pots")),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["stemdag_rounds.id"],
            name=op.f("fk_budget_lines_round_id_stemdag_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_lines")),
        sa.UniqueConstraint(
            "budget_id", "external_key", name=op.f("uq_budget_lines_budget_id_external_key")
        ),
        sa.UniqueConstraint("pot_id", name=op.f("uq_budget_lines_pot_id")),
        sa.UniqueConstraint("round_id", name=op.f("uq_budget_lines_round_id")),
    )
    with op.batch_alter_table("budget_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_lines_budget_id"), ["budget_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_budget_lines_initiative_id"), ["initiative_id"], unique=False
        )

    op.create_table(
        "budget_challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("proposal", sa.Text(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("partners", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open", "accepted", "declined", name="challengestatus", native_enum=False, length=20
            ),
            server_default="open",
            nullable=False,
        ),
        sa.Column(
            "created_at",
            samenhang.db.UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("answer_due_on", sa.Date(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("initiative_id", sa.Integer(), nullable=True),
        sa.Column("reminded_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "(status = 'open') = (answered_at IS NULL)",
            name=op.f("ck_budget_challenges_answered_unless_open"),
        ),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_budget_challenges_amount_positive")),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["users.id"], name=op.f("fk_budget_challenges_answered_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_budget_challenges_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_budget_challenges_initiative_id_initiatives"),
        ),
        sa.ForeignKeyConstraint(
            ["line_id"], ["budget_lines.id"], name=op.f("fk_budget_challenges_line_id_budget_lines")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_challenges")),
    )
    with op.batch_alter_table("budget_challenges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_budget_challenges_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_budget_challenges_line_id"), ["line_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_budget_challenges_status"), ["status"], unique=False)

    op.create_table(
        "budget_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            samenhang.db.UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "length(reason) > 0", name=op.f("ck_budget_corrections_reason_not_empty")
        ),
        sa.ForeignKeyConstraint(
            ["budget_id"], ["budgets.id"], name=op.f("fk_budget_corrections_budget_id_budgets")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_budget_corrections_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["budget_lines.id"],
            name=op.f("fk_budget_corrections_line_id_budget_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_corrections")),
    )
    with op.batch_alter_table("budget_corrections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_budget_corrections_budget_id"), ["budget_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_budget_corrections_line_id"), ["line_id"], unique=False
        )

    with op.batch_alter_table("wijken", schema=None) as batch_op:
        batch_op.add_column(sa.Column("population", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "population_is_example", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_wijken_population_positive"), "population IS NULL OR population > 0"
        )


def downgrade() -> None:
    with op.batch_alter_table("wijken", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_wijken_population_positive"), type_="check")
        batch_op.drop_column("population_is_example")
        batch_op.drop_column("population")

    with op.batch_alter_table("budget_corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_corrections_line_id"))
        batch_op.drop_index(batch_op.f("ix_budget_corrections_budget_id"))

    op.drop_table("budget_corrections")
    with op.batch_alter_table("budget_challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_challenges_status"))
        batch_op.drop_index(batch_op.f("ix_budget_challenges_line_id"))
        batch_op.drop_index(batch_op.f("ix_budget_challenges_author_id"))

    op.drop_table("budget_challenges")
    with op.batch_alter_table("budget_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_lines_initiative_id"))
        batch_op.drop_index(batch_op.f("ix_budget_lines_budget_id"))

    op.drop_table("budget_lines")
    with op.batch_alter_table("budget_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_imports_budget_id"))

    op.drop_table("budget_imports")
    with op.batch_alter_table("budgets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budgets_wijk_id"))

    op.drop_table("budgets")
