"""coding and memo versions, for edits from stale views

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 12:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("changed_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("changed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("updated_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("updated_by")
        batch_op.drop_column("version")
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.drop_column("changed_at")
        batch_op.drop_column("changed_by")
        batch_op.drop_column("version")
