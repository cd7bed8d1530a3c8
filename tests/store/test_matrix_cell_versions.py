"""Two analysts writing the same framework-matrix cell: the later save from an out-of-date
form is refused with the cell as it stands, and nothing is lost."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import event, select

from collabmap.store import Store, open_store
from collabmap.store.audit import project_log
from collabmap.store.links import CellConflict, cell_version, matrix_cells, set_matrix_cell
from collabmap.store.models import MatrixCell
from collabmap.store.projects import create_project

CELL = ("Wigan Deal", "activity:co_design")


@pytest.fixture
def project(store: Store) -> Store:
    create_project(store, "Study", with_examples=True)
    return store


def test_a_cell_nobody_wrote_is_at_version_zero_and_each_save_counts(project: Store) -> None:
    assert cell_version(project, "Study", *CELL) == 0
    first = set_matrix_cell(
        project, "Study", *CELL, summary="One", author="ann", expected_version=0
    )
    second = set_matrix_cell(
        project, "Study", *CELL, summary="Two", author="ann", expected_version=first
    )
    assert (first, second) == (1, 2)
    assert cell_version(project, "Study", *CELL) == 2


def test_the_second_of_two_saves_from_the_same_version_is_refused(project: Store) -> None:
    opened = cell_version(project, "Study", *CELL)
    set_matrix_cell(
        project, "Study", *CELL, summary="Ann's text", author="ann", expected_version=opened
    )
    with pytest.raises(CellConflict) as refused:
        set_matrix_cell(
            project, "Study", *CELL, summary="Bob's text", author="bob", expected_version=opened
        )
    assert refused.value.summary == "Ann's text"
    assert refused.value.author == "ann"
    assert refused.value.version == 1
    assert "changed by ann" in str(refused.value)
    (cell,) = matrix_cells(project, "Study")
    assert cell.summary == "Ann's text"


def test_a_save_without_a_version_overwrites_as_the_command_line_does(project: Store) -> None:
    set_matrix_cell(project, "Study", *CELL, summary="One", author="ann")
    assert set_matrix_cell(project, "Study", *CELL, summary="Two", author="bob") == 2


def test_a_web_save_is_in_the_audit_log_and_a_refused_one_is_not(project: Store) -> None:
    set_matrix_cell(
        project, "Study", *CELL, summary="One", author="ann", actor="ann", expected_version=0
    )
    with pytest.raises(CellConflict):
        set_matrix_cell(
            project, "Study", *CELL, summary="Two", author="bob", actor="bob", expected_version=0
        )
    entries = [e for e in project_log(project, "Study") if e.action == "matrix.cell"]
    assert [(e.actor, e.target, e.detail["version"]) for e in entries] == [
        ("ann", "Wigan Deal × Activities/Co-design", 1)
    ]
    with project.reading() as session:
        assert session.scalar(select(MatrixCell.version)) == 1


def _meanwhile(store: Store, table: str, other: Callable[[Store], object]) -> Callable[[], object]:
    """Run ``other`` on a second connection to the same database just after ``store`` first
    reads ``table`` — inside an operation, between its version check and its write — giving
    it a second to finish. Gives a function that waits for ``other`` and gives its result
    (or the error it raised)."""
    second = open_store(store.url)
    outcome: list[object] = []
    started: list[bool] = []
    thread = threading.Thread(target=lambda: outcome.append(_caught(other, second)))

    def after(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if f"FROM {table}" in statement and not started:
            started.append(True)
            thread.start()
            thread.join(timeout=1.0)  # done at once unless the first operation's lock holds it

    event.listen(store.engine, "after_cursor_execute", after)

    def result() -> object:
        event.remove(store.engine, "after_cursor_execute", after)
        thread.join(timeout=30)
        second.close()
        return outcome[0] if outcome else None

    return result


def _caught(other: Callable[[Store], object], store: Store) -> object:
    try:
        return other(store)
    except Exception as exc:  # the outcome the test looks at
        return exc


def test_two_saves_from_the_same_version_at_the_same_moment_are_not_both_kept(
    project: Store,
) -> None:
    """The soak benchmark found two analysts saving one cell at the same moment both told
    their save had made version 2, and one text silently gone: on SQLite the version was read
    outside the transaction. Now the save that commits second is refused."""
    opened = set_matrix_cell(project, "Study", *CELL, summary="Start", author="ann")
    bob = _meanwhile(
        project,
        "matrix_cells",
        lambda other: set_matrix_cell(
            other, "Study", *CELL, summary="Bob's", author="bob", expected_version=opened
        ),
    )
    anns = set_matrix_cell(
        project, "Study", *CELL, summary="Ann's", author="ann", expected_version=opened
    )
    assert anns == 2
    assert isinstance(bob(), CellConflict)
    (cell,) = matrix_cells(project, "Study")
    assert cell.summary == "Ann's"


def test_two_first_saves_of_a_cell_at_the_same_moment_are_a_conflict_not_an_error(
    project: Store,
) -> None:
    """Nobody has written the cell, so there is no row to lock: the second insert breaks the
    one-row-per-cell rule (a 503 in the soak benchmark). Now whichever save commits first is
    kept and the other is refused as a conflict showing it. (On SQLite Ann's lock makes Bob
    wait, so Ann's comes first; on PostgreSQL Bob's insert goes ahead while Ann is still
    reading, so Bob's does.)"""
    bob = _meanwhile(
        project,
        "matrix_cells",
        lambda other: set_matrix_cell(
            other, "Study", *CELL, summary="Bob's", author="bob", expected_version=0
        ),
    )
    try:
        anns: object = set_matrix_cell(
            project, "Study", *CELL, summary="Ann's", author="ann", expected_version=0
        )
    except CellConflict as refused:
        anns = refused
    bobs = bob()
    (cell,) = matrix_cells(project, "Study")
    outcomes = {"Ann's": (anns, bobs), "Bob's": (bobs, anns)}[cell.summary]
    assert outcomes[0] == 1
    assert isinstance(outcomes[1], CellConflict) and outcomes[1].summary == cell.summary
