"""Add the buurtcontract and wijk outcomes

The buurtcontract: bewonersraad members, contracts (one row per version), their parties,
signatories, signatures, goals, commitments, comments, progress, questions, reviews, links and
followers. Outcomes: imported indicator values per wijk and year beside the city average.

Revision ID: ee96df779640
Revises: e0383bd341d7
Create Date: 2026-11-28 19:09:59.677004
"""

import sqlalchemy as sa
from alembic import op

import samenhang.db

revision = "ee96df779640"
down_revision = "e0383bd341d7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bewonersraad_members",
        sa.Column("wijk_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["granted_by_id"],
            ["users.id"],
            name=op.f("fk_bewonersraad_members_granted_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_bewonersraad_members_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["wijk_id"], ["wijken.id"], name=op.f("fk_bewonersraad_members_wijk_id_wijken")
        ),
        sa.PrimaryKeyConstraint("wijk_id", "user_id", name=op.f("pk_bewonersraad_members")),
    )
    with op.batch_alter_table("bewonersraad_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bewonersraad_members_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "contract_followers",
        sa.Column("wijk_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("last_digest_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_contract_followers_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["wijk_id"], ["wijken.id"], name=op.f("fk_contract_followers_wijk_id_wijken")
        ),
        sa.PrimaryKeyConstraint("wijk_id", "user_id", name=op.f("pk_contract_followers")),
    )
    with op.batch_alter_table("contract_followers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_followers_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wijk_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("version", sa.SmallInteger(), server_default="1", nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "consultation",
                "signing",
                "signed",
                "superseded",
                name="contractstatus",
                native_enum=False,
                length=20,
            ),
            server_default="draft",
            nullable=False,
        ),
        sa.Column("preamble", sa.Text(), server_default="", nullable=False),
        sa.Column("amends_id", sa.Integer(), nullable=True),
        sa.Column("amendment_reason", sa.Text(), server_default="", nullable=False),
        sa.Column("comments_close_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("signing_opened_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("signed_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "(status IN ('signed', 'superseded')) = (signed_at IS NOT NULL)",
            name=op.f("ck_contracts_signed_has_time"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_contracts_version_positive")),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name=op.f("ck_contracts_year_plausible")),
        sa.ForeignKeyConstraint(
            ["amends_id"], ["contracts.id"], name=op.f("fk_contracts_amends_id_contracts")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_contracts_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["wijk_id"], ["wijken.id"], name=op.f("fk_contracts_wijk_id_wijken")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
        sa.UniqueConstraint("amends_id", name=op.f("uq_contracts_amends_id")),
        sa.UniqueConstraint(
            "wijk_id", "year", "version", name=op.f("uq_contracts_wijk_id_year_version")
        ),
    )
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contracts_wijk_id"), ["wijk_id"], unique=False)

    op.create_table(
        "outcome_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("is_example", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["imported_by_id"], ["users.id"], name=op.f("fk_outcome_imports_imported_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_outcome_imports_municipality_id_municipalities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_imports")),
    )
    with op.batch_alter_table("outcome_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_imports_municipality_id"), ["municipality_id"], unique=False
        )

    op.create_table(
        "contract_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_contract_comments_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_comments_contract_id_contracts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_comments")),
    )
    with op.batch_alter_table("contract_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_comments_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contract_comments_contract_id"), ["contract_id"], unique=False
        )

    op.create_table(
        "contract_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "bewonersraad",
                "gemeente",
                "corporatie",
                "other",
                name="partykind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("representatives", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_parties_contract_id_contracts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_parties")),
        sa.UniqueConstraint(
            "contract_id", "name", name=op.f("uq_contract_parties_contract_id_name")
        ),
    )
    with op.batch_alter_table("contract_parties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_parties_contract_id"), ["contract_id"], unique=False
        )

    op.create_table(
        "outcome_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wijk_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("value", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("city_average", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("is_example", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "city_average <> 0", name=op.f("ck_outcome_values_city_average_not_zero")
        ),
        sa.CheckConstraint(
            "year BETWEEN 2000 AND 2100", name=op.f("ck_outcome_values_year_plausible")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["outcome_imports.id"],
            name=op.f("fk_outcome_values_import_id_outcome_imports"),
        ),
        sa.ForeignKeyConstraint(
            ["wijk_id"], ["wijken.id"], name=op.f("fk_outcome_values_wijk_id_wijken")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_values")),
        sa.UniqueConstraint(
            "wijk_id", "indicator", "year", name=op.f("uq_outcome_values_wijk_id_indicator_year")
        ),
    )
    with op.batch_alter_table("outcome_values", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_values_import_id"), ["import_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_outcome_values_indicator"), ["indicator"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_outcome_values_wijk_id"), ["wijk_id"], unique=False)

    op.create_table(
        "contract_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
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
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("indicator", sa.String(length=200), nullable=False),
        sa.Column(
            "unit",
            sa.Enum(
                "percent", "count", "grade", "number", name="unit", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("baseline", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("target", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("owner_party_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "on_track",
                "at_risk",
                "behind",
                "achieved",
                "dropped",
                name="goalstatus",
                native_enum=False,
                length=20,
            ),
            server_default="on_track",
            nullable=False,
        ),
        sa.Column("status_reason", sa.Text(), server_default="", nullable=False),
        sa.Column("status_changed_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("amends_id", sa.Integer(), nullable=True),
        sa.Column("carried_from_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "status <> 'dropped' OR length(status_reason) > 0",
            name=op.f("ck_contract_goals_dropped_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["amends_id"],
            ["contract_goals.id"],
            name=op.f("fk_contract_goals_amends_id_contract_goals"),
        ),
        sa.ForeignKeyConstraint(
            ["carried_from_id"],
            ["contract_goals.id"],
            name=op.f("fk_contract_goals_carried_from_id_contract_goals"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_contract_goals_contract_id_contracts")
        ),
        sa.ForeignKeyConstraint(
            ["owner_party_id"],
            ["contract_parties.id"],
            name=op.f("fk_contract_goals_owner_party_id_contract_parties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_goals")),
    )
    with op.batch_alter_table("contract_goals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_goals_amends_id"), ["amends_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contract_goals_carried_from_id"), ["carried_from_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contract_goals_contract_id"), ["contract_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contract_goals_owner_party_id"), ["owner_party_id"], unique=False
        )

    op.create_table(
        "contract_signatories",
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("authorised_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["authorised_by_id"],
            ["users.id"],
            name=op.f("fk_contract_signatories_authorised_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["contract_parties.id"],
            name=op.f("fk_contract_signatories_party_id_contract_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_contract_signatories_user_id_users")
        ),
        sa.PrimaryKeyConstraint("party_id", "user_id", name=op.f("pk_contract_signatories")),
    )
    with op.batch_alter_table("contract_signatories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_signatories_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "contract_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("signer_name", sa.String(length=80), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "signed_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["contract_parties.id"],
            name=op.f("fk_contract_signatures_party_id_contract_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_contract_signatures_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_signatures")),
        sa.UniqueConstraint("party_id", name=op.f("uq_contract_signatures_party_id")),
    )
    op.create_table(
        "contract_commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amends_id", sa.Integer(), nullable=True),
        sa.Column("done_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("done_note", sa.Text(), server_default="", nullable=False),
        sa.Column("reminded_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["amends_id"],
            ["contract_commitments.id"],
            name=op.f("fk_contract_commitments_amends_id_contract_commitments"),
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["contract_goals.id"],
            name=op.f("fk_contract_commitments_goal_id_contract_goals"),
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["contract_parties.id"],
            name=op.f("fk_contract_commitments_party_id_contract_parties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_commitments")),
    )
    with op.batch_alter_table("contract_commitments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_commitments_goal_id"), ["goal_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contract_commitments_party_id"), ["party_id"], unique=False
        )

    op.create_table(
        "goal_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=True),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("pot_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "(CASE WHEN initiative_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN round_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN pot_id IS NULL THEN 0 ELSE 1 END) = 1",
            name=op.f("ck_goal_links_one_target"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_goal_links_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["contract_goals.id"], name=op.f("fk_goal_links_goal_id_contract_goals")
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_goal_links_initiative_id_initiatives"),
        ),
        sa.ForeignKeyConstraint(["pot_id"], ["pots.id"], name=op.f("fk_goal_links_pot_id_pots")),
        sa.ForeignKeyConstraint(
            ["round_id"], ["stemdag_rounds.id"], name=op.f("fk_goal_links_round_id_stemdag_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_links")),
        sa.UniqueConstraint(
            "goal_id", "initiative_id", name=op.f("uq_goal_links_goal_id_initiative_id")
        ),
        sa.UniqueConstraint("goal_id", "pot_id", name=op.f("uq_goal_links_goal_id_pot_id")),
        sa.UniqueConstraint("goal_id", "round_id", name=op.f("uq_goal_links_goal_id_round_id")),
    )
    with op.batch_alter_table("goal_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_links_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_goal_links_initiative_id"), ["initiative_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_goal_links_pot_id"), ["pot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_goal_links_round_id"), ["round_id"], unique=False)

    op.create_table(
        "goal_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("photo_name", sa.String(length=64), nullable=True),
        sa.Column("photo_width", sa.SmallInteger(), nullable=True),
        sa.Column("photo_height", sa.SmallInteger(), nullable=True),
        sa.Column("evidence_url", sa.String(length=500), server_default="", nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_goal_progress_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["contract_goals.id"], name=op.f("fk_goal_progress_goal_id_contract_goals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_progress")),
    )
    with op.batch_alter_table("goal_progress", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_progress_goal_id"), ["goal_id"], unique=False)

    op.create_table(
        "goal_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "(answer IS NULL) = (answered_at IS NULL)",
            name=op.f("ck_goal_questions_answer_has_time"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["users.id"], name=op.f("fk_goal_questions_answered_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_goal_questions_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["contract_goals.id"],
            name=op.f("fk_goal_questions_goal_id_contract_goals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_questions")),
    )
    with op.batch_alter_table("goal_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_goal_questions_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_goal_questions_goal_id"), ["goal_id"], unique=False)

    op.create_table(
        "goal_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "achieved",
                "partly",
                "not_achieved",
                name="reviewoutcome",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("final_value", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["contract_goals.id"], name=op.f("fk_goal_reviews_goal_id_contract_goals")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_goal_reviews_reviewed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_reviews")),
        sa.UniqueConstraint("goal_id", name=op.f("uq_goal_reviews_goal_id")),
    )


def downgrade() -> None:
    op.drop_table("goal_reviews")
    with op.batch_alter_table("goal_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_questions_goal_id"))
        batch_op.drop_index(batch_op.f("ix_goal_questions_author_id"))

    op.drop_table("goal_questions")
    with op.batch_alter_table("goal_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_progress_goal_id"))

    op.drop_table("goal_progress")
    with op.batch_alter_table("goal_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_links_round_id"))
        batch_op.drop_index(batch_op.f("ix_goal_links_pot_id"))
        batch_op.drop_index(batch_op.f("ix_goal_links_initiative_id"))
        batch_op.drop_index(batch_op.f("ix_goal_links_goal_id"))

    op.drop_table("goal_links")
    with op.batch_alter_table("contract_commitments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_commitments_party_id"))
        batch_op.drop_index(batch_op.f("ix_contract_commitments_goal_id"))

    op.drop_table("contract_commitments")
    op.drop_table("contract_signatures")
    with op.batch_alter_table("contract_signatories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_signatories_user_id"))

    op.drop_table("contract_signatories")
    with op.batch_alter_table("contract_goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_goals_owner_party_id"))
        batch_op.drop_index(batch_op.f("ix_contract_goals_contract_id"))
        batch_op.drop_index(batch_op.f("ix_contract_goals_carried_from_id"))
        batch_op.drop_index(batch_op.f("ix_contract_goals_amends_id"))

    op.drop_table("contract_goals")
    with op.batch_alter_table("outcome_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_values_wijk_id"))
        batch_op.drop_index(batch_op.f("ix_outcome_values_indicator"))
        batch_op.drop_index(batch_op.f("ix_outcome_values_import_id"))

    op.drop_table("outcome_values")
    with op.batch_alter_table("contract_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_parties_contract_id"))

    op.drop_table("contract_parties")
    with op.batch_alter_table("contract_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_comments_contract_id"))
        batch_op.drop_index(batch_op.f("ix_contract_comments_author_id"))

    op.drop_table("contract_comments")
    with op.batch_alter_table("outcome_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_imports_municipality_id"))

    op.drop_table("outcome_imports")
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contracts_wijk_id"))

    op.drop_table("contracts")
    with op.batch_alter_table("contract_followers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_followers_user_id"))

    op.drop_table("contract_followers")
    with op.batch_alter_table("bewonersraad_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bewonersraad_members_user_id"))

    op.drop_table("bewonersraad_members")
