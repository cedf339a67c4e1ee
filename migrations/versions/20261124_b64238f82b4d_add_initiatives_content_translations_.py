"""Add initiatives, content translations and notification settings

Revision ID: b64238f82b4d
Revises: cb55399c57e4
Create Date: 2026-11-24 04:08:32.340199
"""

import sqlalchemy as sa
from alembic import op

import samenhang.db

revision = "b64238f82b4d"
down_revision = "cb55399c57e4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "content_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source_digest", sa.String(length=64), nullable=False),
        sa.Column("translator_id", sa.Integer(), nullable=True),
        sa.Column("is_machine", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("reviewed_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["translator_id"],
            ["users.id"],
            name=op.f("fk_content_translations_translator_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_translations")),
        sa.UniqueConstraint(
            "object_type",
            "object_id",
            "field",
            "locale",
            name=op.f("uq_content_translations_object_type_object_id_field_locale"),
        ),
    )
    op.create_table(
        "initiatives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wijk_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("public_name", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("original_locale", sa.String(length=5), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("latitude", sa.Numeric(precision=9, scale=6), nullable=True),
        sa.Column("longitude", sa.Numeric(precision=9, scale=6), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "submitted",
                "in_review",
                "returned",
                "rejected",
                "published",
                "funded",
                "realised",
                name="state",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("state_reason", sa.Text(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("submitted_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("published_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint("length(title) > 0", name=op.f("ck_initiatives_title_not_empty")),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_initiatives_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["wijk_id"], ["wijken.id"], name=op.f("fk_initiatives_wijk_id_wijken")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiatives")),
    )
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_initiatives_author_id"), ["author_id"], unique=False)
        batch_op.create_index("ix_initiatives_wijk_state", ["wijk_id", "state"], unique=False)

    op.create_table(
        "translation_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("wijk_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("fulfilled_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_translation_requests_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["wijk_id"], ["wijken.id"], name=op.f("fk_translation_requests_wijk_id_wijken")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_translation_requests")),
        sa.UniqueConstraint(
            "object_type",
            "object_id",
            "locale",
            "user_id",
            name=op.f("uq_translation_requests_object_type_object_id_locale_user_id"),
        ),
    )
    with op.batch_alter_table("translation_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_translation_requests_object", ["object_type", "object_id", "locale"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_translation_requests_wijk_id"), ["wijk_id"], unique=False
        )

    op.create_table(
        "initiative_budget_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "amount >= 0", name=op.f("ck_initiative_budget_lines_amount_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_initiative_budget_lines_initiative_id_initiatives"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative_budget_lines")),
    )
    with op.batch_alter_table("initiative_budget_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_initiative_budget_lines_initiative_id"), ["initiative_id"], unique=False
        )

    op.create_table(
        "initiative_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("is_hidden", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("hidden_reason", sa.Text(), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_initiative_comments_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_initiative_comments_initiative_id_initiatives"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["initiative_comments.id"],
            name=op.f("fk_initiative_comments_parent_id_initiative_comments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative_comments")),
    )
    with op.batch_alter_table("initiative_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_initiative_comments_initiative_id"), ["initiative_id"], unique=False
        )

    op.create_table(
        "initiative_follows",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_initiative_follows_initiative_id_initiatives"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_initiative_follows_user_id_users")
        ),
        sa.PrimaryKeyConstraint("initiative_id", "user_id", name=op.f("pk_initiative_follows")),
    )
    with op.batch_alter_table("initiative_follows", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_initiative_follows_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "initiative_help",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "money", "time", "space", "materials", name="helpkind", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_initiative_help_initiative_id_initiatives"),
        ),
        sa.PrimaryKeyConstraint("initiative_id", "kind", name=op.f("pk_initiative_help")),
    )
    op.create_table(
        "initiative_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("stored_name", sa.String(length=40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("alt_text", sa.String(length=200), nullable=False),
        sa.Column("is_after", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_initiative_photos_initiative_id_initiatives"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative_photos")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_initiative_photos_stored_name")),
    )
    with op.batch_alter_table("initiative_photos", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_initiative_photos_initiative_id"), ["initiative_id"], unique=False
        )

    op.create_table(
        "initiative_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("budget", sa.Text(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_initiative_revisions_initiative_id_initiatives"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative_revisions")),
    )
    with op.batch_alter_table("initiative_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_initiative_revisions_initiative_id"), ["initiative_id"], unique=False
        )

    op.create_table(
        "initiative_supports",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_initiative_supports_initiative_id_initiatives"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_initiative_supports_user_id_users")
        ),
        sa.PrimaryKeyConstraint("initiative_id", "user_id", name=op.f("pk_initiative_supports")),
    )
    op.create_table(
        "initiative_themes",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_initiative_themes_initiative_id_initiatives"),
        ),
        sa.PrimaryKeyConstraint("initiative_id", "theme", name=op.f("pk_initiative_themes")),
    )
    op.create_table(
        "pending_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("sent_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_pending_notifications_initiative_id_initiatives"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_pending_notifications_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_notifications")),
    )
    with op.batch_alter_table("pending_notifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pending_notifications_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "initiative_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("resolved_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["initiative_comments.id"],
            name=op.f("fk_initiative_flags_comment_id_initiative_comments"),
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_initiative_flags_initiative_id_initiatives"),
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["users.id"], name=op.f("fk_initiative_flags_reporter_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative_flags")),
    )
    with op.batch_alter_table("initiative_flags", schema=None) as batch_op:
        batch_op.create_index(
            "ix_initiative_flags_open", ["initiative_id", "resolved_at"], unique=False
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_translator", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "notification_mode",
                sa.Enum(
                    "immediate",
                    "digest",
                    "off",
                    name="notificationmode",
                    native_enum=False,
                    length=20,
                ),
                server_default="immediate",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("notification_mode")
        batch_op.drop_column("is_translator")

    with op.batch_alter_table("initiative_flags", schema=None) as batch_op:
        batch_op.drop_index("ix_initiative_flags_open")

    op.drop_table("initiative_flags")
    with op.batch_alter_table("pending_notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_notifications_user_id"))

    op.drop_table("pending_notifications")
    op.drop_table("initiative_themes")
    op.drop_table("initiative_supports")
    with op.batch_alter_table("initiative_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiative_revisions_initiative_id"))

    op.drop_table("initiative_revisions")
    with op.batch_alter_table("initiative_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiative_photos_initiative_id"))

    op.drop_table("initiative_photos")
    op.drop_table("initiative_help")
    with op.batch_alter_table("initiative_follows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiative_follows_user_id"))

    op.drop_table("initiative_follows")
    with op.batch_alter_table("initiative_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiative_comments_initiative_id"))

    op.drop_table("initiative_comments")
    with op.batch_alter_table("initiative_budget_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiative_budget_lines_initiative_id"))

    op.drop_table("initiative_budget_lines")
    with op.batch_alter_table("translation_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_translation_requests_wijk_id"))
        batch_op.drop_index("ix_translation_requests_object")

    op.drop_table("translation_requests")
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.drop_index("ix_initiatives_wijk_state")
        batch_op.drop_index(batch_op.f("ix_initiatives_author_id"))

    op.drop_table("initiatives")
    op.drop_table("content_translations")
