<%!
    def commands(code):
        """Alembic's autogenerate wraps its commands in "# ### ... ###" banner comments,
        which only ask a person to check them: leave them out."""
        lines = [line for line in code.splitlines() if not line.strip().startswith("# ###")]
        return "\n".join(lines).strip() or "pass"
%>\
"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""

import sqlalchemy as sa
from alembic import op

import samenhang.db
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${commands(upgrades) if upgrades else "pass"}


def downgrade() -> None:
    ${commands(downgrades) if downgrades else "pass"}
