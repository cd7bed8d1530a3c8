"""matrix cell version

Each framework-matrix cell counts its writes, so that two analysts editing the same cell are
told of the conflict instead of the later save silently replacing the earlier one.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 12:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("matrix_cells") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("matrix_cells") as batch:
        batch.drop_column("version")
