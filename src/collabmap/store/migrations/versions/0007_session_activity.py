"""session activity

Each signed-in session remembers when it was last used (so an idle one ends, OWASP ASVS 3.3.2)
and where and in which browser it was opened (so its user can recognise it in the list of
their sessions and end the ones they do not, ASVS 3.3.4).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("web_sessions") as batch:
        batch.add_column(sa.Column("last_seen_at", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column("address", sa.String(length=100), server_default="", nullable=False)
        )
        batch.add_column(
            sa.Column("agent", sa.String(length=200), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("web_sessions") as batch:
        batch.drop_column("agent")
        batch.drop_column("address")
        batch.drop_column("last_seen_at")
