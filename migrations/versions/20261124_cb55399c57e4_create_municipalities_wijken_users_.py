"""Create municipalities, wijken, users, roles and the audit log

Revision ID: cb55399c57e4
Revises:
Create Date: 2026-11-24 03:59:36.165150
"""

import sqlalchemy as sa
from alembic import op

import samenhang.db

revision = "cb55399c57e4"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "municipalities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("cbs_code", sa.String(length=6), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipalities")),
        sa.UniqueConstraint("cbs_code", name=op.f("uq_municipalities_cbs_code")),
        sa.UniqueConstraint("slug", name=op.f("uq_municipalities_slug")),
    )
    op.create_table(
        "wijken",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("cbs_code", sa.String(length=8), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_wijken_municipality_id_municipalities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wijken")),
        sa.UniqueConstraint("cbs_code", name=op.f("uq_wijken_cbs_code")),
        sa.UniqueConstraint("municipality_id", "slug", name=op.f("uq_wijken_municipality_id_slug")),
    )
    with op.batch_alter_table("wijken", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wijken_municipality_id"), ["municipality_id"], unique=False
        )

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("display_name", sa.String(length=80), nullable=False),
        sa.Column(
            "role",
            sa.Enum("bewoner", "wijkmanager", "admin", name="role", native_enum=False, length=20),
            server_default="bewoner",
            nullable=False,
        ),
        sa.Column("locale", sa.String(length=5), nullable=True),
        sa.Column("email_verified_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.Column("postcode", sa.String(length=7), nullable=True),
        sa.Column("house_number", sa.String(length=10), nullable=True),
        sa.Column("wijk_id", sa.Integer(), nullable=True),
        sa.Column("session_nonce", sa.String(length=32), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("last_login_at", samenhang.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_users_email_lowercase")),
        sa.ForeignKeyConstraint(["wijk_id"], ["wijken.id"], name=op.f("fk_users_wijk_id_wijken")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_wijk_id"), ["wijk_id"], unique=False)

    op.create_table(
        "wijk_postcodes",
        sa.Column("wijk_id", sa.Integer(), nullable=False),
        sa.Column("postcode4", sa.String(length=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["wijk_id"], ["wijken.id"], name=op.f("fk_wijk_postcodes_wijk_id_wijken")
        ),
        sa.PrimaryKeyConstraint("wijk_id", "postcode4", name=op.f("pk_wijk_postcodes")),
    )
    with op.batch_alter_table("wijk_postcodes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wijk_postcodes_postcode4"), ["postcode4"], unique=False
        )

    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=40), nullable=False),
        sa.Column("wijk_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("is_public", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_audit_entries_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["wijk_id"], ["wijken.id"], name=op.f("fk_audit_entries_wijk_id_wijken")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entries_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entries_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index("ix_audit_entries_object", ["object_type", "object_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entries_wijk_id"), ["wijk_id"], unique=False)

    op.create_table(
        "wijk_managers",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("wijk_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", samenhang.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_wijk_managers_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["wijk_id"], ["wijken.id"], name=op.f("fk_wijk_managers_wijk_id_wijken")
        ),
        sa.PrimaryKeyConstraint("user_id", "wijk_id", name=op.f("pk_wijk_managers")),
    )
    with op.batch_alter_table("wijk_managers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wijk_managers_wijk_id"), ["wijk_id"], unique=False)

    _create_audit_triggers()


def _create_audit_triggers() -> None:
    """The audit log is append-only: the database itself refuses UPDATE and DELETE."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_entries_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'audit_entries is append-only';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries "
            "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_entries_no_{event.lower()} BEFORE {event} ON audit_entries "
                "BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END"
            )


def _drop_audit_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_entries_append_only ON audit_entries")
        op.execute("DROP FUNCTION audit_entries_append_only()")
    else:
        op.execute("DROP TRIGGER audit_entries_no_update")
        op.execute("DROP TRIGGER audit_entries_no_delete")


def downgrade() -> None:
    _drop_audit_triggers()
    with op.batch_alter_table("wijk_managers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wijk_managers_wijk_id"))

    op.drop_table("wijk_managers")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entries_wijk_id"))
        batch_op.drop_index("ix_audit_entries_object")
        batch_op.drop_index(batch_op.f("ix_audit_entries_actor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_action"))

    op.drop_table("audit_entries")
    with op.batch_alter_table("wijk_postcodes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wijk_postcodes_postcode4"))

    op.drop_table("wijk_postcodes")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_wijk_id"))

    op.drop_table("users")
    with op.batch_alter_table("wijken", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wijken_municipality_id"))

    op.drop_table("wijken")
    op.drop_table("municipalities")
