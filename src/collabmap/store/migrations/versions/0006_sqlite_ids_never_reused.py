"""codings and memos never reuse an id on SQLite

SQLite gives a new row the highest id plus one, so removing the newest coding and adding
another gave the new one the old id — and a removal sent again from a stale page (a second
tab, a retried request) removed the new coding, which had the same id and version: another
analyst's work lost without a conflict. Found by the soak benchmark. AUTOINCREMENT makes
SQLite hand out ids that only go up, as PostgreSQL's sequences already do; SQLite can only
add it by copying the table, which :func:`collabmap.store._engine.upgrade` does with foreign
keys off, so dropping the old copy does not cascade into the rows that refer to it. The new
ids start past the highest one the audit log names too, so a coding or memo removed before
this migration (from the web, which audits removals) does not hand its id on either.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 15:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLES = ("codings", "memos")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL's sequences never go back
    bind = op.get_bind()
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass
        # audit targets read "coding 12", "memo 7"
        prefix = f"{table[:-1]} "
        named = bind.execute(
            sa.text(
                "SELECT max(CAST(substr(target, :skip) AS INTEGER)) FROM audit_events"
                " WHERE target LIKE :pattern"
            ),
            {"skip": len(prefix) + 1, "pattern": prefix + "%"},
        ).scalar()
        existing = bind.execute(sa.text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar()
        highest = max(int(named or 0), int(existing or 0))
        bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :name"), {"name": table})
        bind.execute(
            sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"),
            {"name": table, "seq": highest},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always"):
            pass
