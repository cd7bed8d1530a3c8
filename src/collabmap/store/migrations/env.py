"""Alembic environment: collabmap runs migrations itself, on the connection it opened."""

from __future__ import annotations

from alembic import context

from collabmap.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - collabmap always passes its connection
    raise RuntimeError("collabmap migrations run through collabmap.store.open_store()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
