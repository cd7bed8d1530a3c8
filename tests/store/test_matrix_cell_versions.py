"""Two analysts writing the same framework-matrix cell: the later save from an out-of-date
form is refused with the cell as it stands, and nothing is lost."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from collabmap.store import Store
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
