"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from pathlib import Path

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


def test_a_sqlite_store_from_before_0006_keeps_every_row_and_stops_reusing_ids(
    tmp_path: Path,
) -> None:
    """Migration 0006 copies the codings and memos tables to give them AUTOINCREMENT; the
    rows that refer to them (memos on codings, matrix cells' evidence) must survive the old
    copy being dropped, which with foreign keys on would cascade and delete them; and the id
    of a coding removed before the migration is not handed out again after it."""
    from collabmap.store import open_store
    from collabmap.store._engine import upgrade
    from collabmap.store.coding import apply_code, remove_coding, write_memo
    from collabmap.store.links import set_matrix_cell
    from collabmap.store.projects import create_project
    from collabmap.store.sources import import_files

    store = open_store(str(tmp_path / "old.db"), migrate=False)
    upgrade(store, "0005")
    create_project(store, "Study", with_examples=True)
    notes = tmp_path / "notes.txt"
    notes.write_text("The deal asks residents to recycle. Volunteers run the club.\n")
    import_files(store, "Study", [notes])
    kept = apply_code(store, "Study", "notes.txt", "Co-design", start=0, end=8, coder="ann")
    newest = apply_code(store, "Study", "notes.txt", "Co-design", start=9, end=20, coder="ann")
    write_memo(store, "Study", "Why", "Because.", coding=kept.id)
    set_matrix_cell(
        store,
        "Study",
        "Wigan Deal",
        "activity:co_design",
        summary="S",
        author="ann",
        coding_ids=[kept.id],
    )
    remove_coding(store, "Study", newest.id, actor="ann")  # audited, as the web does
    before = _rows(store)
    store.close()

    store = open_store(str(tmp_path / "old.db"))
    try:
        assert _rows(store) == before
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            sql = connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'codings'"
            ).scalar()
        assert isinstance(sql, str) and "AUTOINCREMENT" in sql and "CHECK" in sql
        again = apply_code(store, "Study", "notes.txt", "Co-design", start=9, end=20, coder="b")
        assert again.id > newest.id
    finally:
        store.close()


def _rows(store: Store) -> dict[str, list[tuple[object, ...]]]:
    tables = ("codings", "memos", "matrix_cells", "matrix_cell_codings", "profile_answers")
    with store.engine.connect() as connection:
        return {
            table: [tuple(row) for row in connection.exec_driver_sql(f"SELECT * FROM {table}")]
            for table in tables
        }
