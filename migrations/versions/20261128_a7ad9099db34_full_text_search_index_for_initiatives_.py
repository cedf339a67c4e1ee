"""Full-text search index for initiatives on PostgreSQL

Revision ID: a7ad9099db34
Revises: a3aeacff5e7f
Create Date: 2026-11-28 22:48:08.958176
"""

from alembic import op

revision = "a7ad9099db34"
down_revision = "a3aeacff5e7f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # PostgreSQL only: SQLite searches with LIKE (samenhang.initiatives.queries).
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_initiatives_search ON initiatives "
            "USING gin (to_tsvector('simple', search_text))"
        )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_initiatives_search")
