"""Evidence behind judgements: profile answers and framework-matrix cells, linked to codings.

A partnership's profile answer (say ``activities[0].phases.delivery.citizens``) and a matrix
cell (partnership × code) each keep the codings that support them, so every judgement can be
traced back to the quoted passages it rests on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from collabmap.errors import InvalidInput, UnknownName
from collabmap.store._engine import Store
from collabmap.store.coding import CodingInfo, code_path, coding_info, find_code, get_coding
from collabmap.store.models import (
    Code,
    Coder,
    MatrixCell,
    MatrixCellCoding,
    Partnership,
    ProfileAnswer,
    ProfileAnswerCoding,
    utcnow,
)
from collabmap.store.projects import find_partnership, get_coder, get_project

__all__ = ["CellInfo", "answer_evidence", "link_answer", "matrix_cells", "set_matrix_cell"]

CELL_STATUSES = ("draft", "reviewed", "agreed")


def link_answer(
    store: Store, project_name: str, partnership: str, path: str, coding_id: int
) -> None:
    """Record that a coding supports one answer of a partnership's profile."""
    with store.transaction() as session:
        project = get_project(session, project_name)
        case = find_partnership(session, project, partnership)
        answer = session.scalar(
            select(ProfileAnswer).where(
                ProfileAnswer.partnership_id == case.id, ProfileAnswer.path == path
            )
        )
        if answer is None:
            known = sorted(
                session.scalars(
                    select(ProfileAnswer.path).where(ProfileAnswer.partnership_id == case.id)
                )
            )
            raise UnknownName("profile answer", path, known[:40])
        coding = get_coding(session, project, coding_id)
        exists = session.get(ProfileAnswerCoding, (answer.id, coding.id))
        if exists is None:
            session.add(ProfileAnswerCoding(answer_id=answer.id, coding_id=coding.id))


def answer_evidence(
    store: Store, project_name: str, partnership: str
) -> dict[str, list[CodingInfo]]:
    """Each answered path of a partnership's profile with the codings that support it."""
    with store.reading() as session:
        project = get_project(session, project_name)
        case = find_partnership(session, project, partnership)
        evidence: dict[str, list[CodingInfo]] = {}
        answers = session.scalars(
            select(ProfileAnswer)
            .where(ProfileAnswer.partnership_id == case.id)
            .order_by(ProfileAnswer.path)
        )
        for answer in answers:
            links = session.scalars(
                select(ProfileAnswerCoding.coding_id).where(
                    ProfileAnswerCoding.answer_id == answer.id
                )
            )
            evidence[answer.path] = [
                coding_info(session, get_coding(session, project, coding_id)) for coding_id in links
            ]
        return evidence


@dataclass(frozen=True)
class CellInfo:
    """A framework-matrix cell: a partnership, a theme (code), a summary and its evidence."""

    partnership: str
    code: str
    summary: str
    status: str
    author: str | None
    evidence: list[CodingInfo] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "partnership": self.partnership,
            "code": self.code,
            "summary": self.summary,
            "status": self.status,
            "author": self.author,
            "evidence": [e.to_dict() for e in self.evidence],
        }


def set_matrix_cell(
    store: Store,
    project_name: str,
    partnership: str,
    code: str,
    *,
    summary: str,
    author: str,
    status: str = "draft",
    coding_ids: list[int] | None = None,
) -> None:
    """Write (or rewrite) one cell of the framework matrix, with its supporting codings."""
    if status not in CELL_STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(CELL_STATUSES)}; got {status!r}")
    if len(summary) > 20_000:
        raise InvalidInput("a matrix summary must be at most 20,000 characters")
    with store.transaction() as session:
        project = get_project(session, project_name)
        case = find_partnership(session, project, partnership)
        theme = find_code(session, project, code)
        cell = session.scalar(
            select(MatrixCell).where(
                MatrixCell.partnership_id == case.id, MatrixCell.code_id == theme.id
            )
        )
        if cell is None:
            cell = MatrixCell(project_id=project.id, partnership_id=case.id, code_id=theme.id)
            session.add(cell)
        cell.summary = summary
        cell.status = status
        cell.author_id = get_coder(session, author).id
        cell.updated_at = utcnow()
        session.flush()
        if coding_ids is not None:
            for link in session.scalars(
                select(MatrixCellCoding).where(MatrixCellCoding.cell_id == cell.id)
            ):
                session.delete(link)
            for coding_id in dict.fromkeys(coding_ids):
                get_coding(session, project, coding_id)  # refuses another project's codings
                session.add(MatrixCellCoding(cell_id=cell.id, coding_id=coding_id))


def matrix_cells(store: Store, project_name: str) -> list[CellInfo]:
    """Every written cell of the project's framework matrix, with its evidence."""

    with store.reading() as session:
        project = get_project(session, project_name)
        cells = []
        for cell in session.scalars(
            select(MatrixCell).where(MatrixCell.project_id == project.id).order_by(MatrixCell.id)
        ):
            case = session.get(Partnership, cell.partnership_id)
            theme = session.get(Code, cell.code_id)
            author = session.get(Coder, cell.author_id) if cell.author_id else None
            assert case is not None and theme is not None
            links = session.scalars(
                select(MatrixCellCoding.coding_id).where(MatrixCellCoding.cell_id == cell.id)
            )
            cells.append(
                CellInfo(
                    case.name,
                    code_path(session, theme),
                    cell.summary,
                    cell.status,
                    author.name if author else None,
                    [coding_info(session, get_coding(session, project, c)) for c in links],
                )
            )
        return cells
