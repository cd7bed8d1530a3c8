"""A schema upgrade killed with SIGKILL part-way leaves the store at its old revision with all
its data, and the next open finishes the upgrade; an upgrade never loses rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from collabmap.store import Store, open_store
from collabmap.store._engine import migrate
from collabmap.store.coding import apply_code, write_memo
from collabmap.store.links import link_answer, set_matrix_cell
from collabmap.store.projects import create_project
from collabmap.store.sources import import_files
from tests.reliability.conftest import assert_consistent, collabmap, kill, spawn

OLD = "0003"
TEXT = (
    "We designed the new youth club together with the young people.\n\n"
    "Volunteers now run the food bank on their own, with no staff."
)


@pytest.fixture
def old_store(store: Store, tmp_path: Path) -> Iterator[Store]:
    """A store with data in every table a later migration alters (codings, memos on them,
    matrix cells and their quotations, profile answers linked to codings), taken back to
    revision 0003; brought back to the newest revision afterwards whatever happened."""
    source = tmp_path / "notes.txt"
    source.write_text(TEXT)
    create_project(store, "Study", with_examples=True)
    import_files(store, "Study", [source])
    first = apply_code(store, "Study", "notes.txt", "activity:co_design", quote="designed the new")
    second = apply_code(
        store, "Study", "notes.txt", "activity:citizen_self_help", start=64, end=120
    )
    write_memo(store, "Study", "Why co-design", "They chose the name.", coding=first.id)
    link_answer(store, "Study", "Wigan Deal", "activities[0].phases.delivery.citizens", second.id)
    set_matrix_cell(
        store,
        "Study",
        "Wirral",
        "activity:co_design",
        summary="Designed together.",
        author="ann",
        coding_ids=[first.id, second.id],
    )
    migrate(store, OLD, lambda config: command.downgrade(config, OLD))
    assert _revision(store) == OLD
    try:
        yield store
    finally:
        open_store(store.url).close()


def _revision(store: Store) -> str | None:
    with store.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _rows(store: Store) -> dict[str, int]:
    """How many rows each table holds."""
    with store.engine.connect() as connection:
        names = [n for n in inspect(connection).get_table_names() if not n.startswith("alembic")]
        return {
            name: int(connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())
            for name in sorted(names)
        }


def test_an_upgrade_keeps_every_row(old_store: Store) -> None:
    before = _rows(old_store)
    assert before["memos"] and before["matrix_cell_codings"] and before["profile_answer_codings"]
    upgraded = open_store(old_store.url)
    try:
        assert _revision(upgraded) != OLD
        assert _rows(upgraded) == before
        assert_consistent(upgraded)
    finally:
        upgraded.close()


# killed after the first schema statement, and after the sixth (of seven); on PostgreSQL,
# whose schema changes are transactional by nature, once in the middle
@pytest.mark.parametrize(
    ("store", "statements"),
    [("sqlite", 1), ("sqlite", 6), ("postgresql", 3)],
    indirect=["store"],
)
def test_a_killed_upgrade_leaves_the_old_revision_and_the_next_open_finishes_it(
    old_store: Store, statements: int
) -> None:
    before = _rows(old_store)
    # any command opens the store and so upgrades it; the hook waits after each schema
    # statement, and the upgrade is killed after the chosen one, inside its transaction
    child = spawn(collabmap(old_store.url, "check", hooks=("--trace-ddl", "0.3")), stderr=-1)
    assert child.stderr is not None
    for line in child.stderr:
        if line.strip() == f"ddl {statements}":
            break
    else:
        pytest.fail(f"the upgrade ran fewer than {statements} schema statements")
    kill(child)

    stopped = open_store(old_store.url, migrate=False)
    try:
        assert _revision(stopped) == OLD, "the killed upgrade left part of itself behind"
        assert _rows(stopped) == before
    finally:
        stopped.close()
    reopened = open_store(old_store.url)
    try:
        assert _revision(reopened) != OLD
        assert _rows(reopened) == before
        assert_consistent(reopened)
    finally:
        reopened.close()
