"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from collabmap.store import Store
from collabmap.store._engine import MIGRATIONS_FOLDER as MIGRATIONS
from collabmap.store.models import Base


def test_migrations_match_the_models(store: Store) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_opening_a_store_twice_migrates_once(store: Store) -> None:
    from collabmap.store import open_store

    again = open_store(store.url)
    try:
        with again.engine.connect() as connection:
            version = MigrationContext.configure(connection).get_current_revision()
        newest = max(p.name.split("_")[0] for p in MIGRATIONS.glob("versions/0*.py"))
        assert version == newest
    finally:
        again.close()
