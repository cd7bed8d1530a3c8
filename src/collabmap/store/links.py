"""Evidence behind judgements: profile answers and framework-matrix cells, linked to codings.

A partnership's profile answer (say ``activities[0].phases.delivery.citizens``) and a matrix
cell (partnership × code) each keep the codings that support them, so every judgement can be
traced back to the quoted passages it rests on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from collabmap.errors import EditConflict, InvalidInput, UnknownName
from collabmap.store._engine import Store
from collabmap.store.audit import record
from collabmap.store.coding import (
    CodingInfo,
    coding_infos,
    find_code,
    get_coding,
    project_code_paths,
)
from collabmap.store.models import (
    Coder,
    Coding,
    MatrixCell,
    MatrixCellCoding,
    Partnership,
    ProfileAnswer,
    ProfileAnswerCoding,
    utcnow,
)
from collabmap.store.projects import find_partnership, get_coder, get_project

__all__ = [
    "CellConflict",
    "CellInfo",
    "answer_evidence",
    "cell_version",
    "link_answer",
    "matrix_cells",
    "set_matrix_cell",
]

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
            raise UnknownName("profile answer", path, known)
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
        paths = list(
            session.scalars(
                select(ProfileAnswer.path)
                .where(ProfileAnswer.partnership_id == case.id)
                .order_by(ProfileAnswer.path)
            )
        )
        rows = list(
            session.execute(
                select(ProfileAnswer.path, Coding)
                .join(ProfileAnswerCoding, ProfileAnswerCoding.answer_id == ProfileAnswer.id)
                .join(Coding, Coding.id == ProfileAnswerCoding.coding_id)
                .where(ProfileAnswer.partnership_id == case.id)
                .order_by(ProfileAnswer.path, Coding.id)
            )
        )
        infos = coding_infos(session, [coding for _, coding in rows])
        evidence: dict[str, list[CodingInfo]] = {path: [] for path in paths}
        for (path, _), info in zip(rows, infos, strict=True):
            evidence[path].append(info)
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


class CellConflict(EditConflict):
    """Someone saved the cell since the writer's form was opened. Nothing was changed; the
    cell as it now stands is given, so the page can show both texts and lose neither."""

    def __init__(
        self, partnership: str, code: str, *, version: int, summary: str, author: str | None
    ) -> None:
        self.partnership = partnership
        self.code = code
        self.version = version
        self.summary = summary
        self.author = author
        by = f" by {author}" if author else ""
        super().__init__(
            f"the {partnership} × {code} cell was changed{by} after you started editing it; "
            "nothing was saved: compare the two texts, then save again"
        )


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
    expected_version: int | None = None,
    actor: str | None = None,
) -> int:
    """Write (or rewrite) one cell of the framework matrix, with its supporting codings.

    ``expected_version`` is the cell's version when the writer read it (0 for a cell nobody
    has written): if the cell has been written since, :class:`CellConflict` is raised and
    nothing changes. None writes whatever the cell holds (the command line's ``cell``).
    ``actor`` records the change in the audit log. Gives the cell's new version.
    """
    if status not in CELL_STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(CELL_STATUSES)}; got {status!r}")
    if len(summary) > 20_000:
        raise InvalidInput("a matrix summary must be at most 20,000 characters")
    try:
        return _write_cell(
            store,
            project_name,
            partnership,
            code,
            summary,
            author,
            status,
            coding_ids,
            expected_version,
            actor,
        )
    except _FirstWriteTaken:
        # another writer created the cell between our look and our insert (PostgreSQL's
        # row lock cannot hold a row that does not exist yet): their save came first
        if expected_version is None:
            return set_matrix_cell(
                store,
                project_name,
                partnership,
                code,
                summary=summary,
                author=author,
                status=status,
                coding_ids=coding_ids,
                actor=actor,
            )
        with store.reading() as session:
            project = get_project(session, project_name)
            case = find_partnership(session, project, partnership)
            theme = find_code(session, project, code)
            cell = session.scalar(
                select(MatrixCell).where(
                    MatrixCell.partnership_id == case.id, MatrixCell.code_id == theme.id
                )
            )
            assert cell is not None  # it was there a moment ago; cells go with partnerships
            writer = session.get(Coder, cell.author_id) if cell.author_id else None
            raise CellConflict(
                case.name,
                project_code_paths(session, project.id)[theme.id],
                version=cell.version,
                summary=cell.summary,
                author=writer.name if writer else None,
            ) from None


class _FirstWriteTaken(Exception):
    """Two writers created the same cell at once; the database kept the first."""


def _write_cell(
    store: Store,
    project_name: str,
    partnership: str,
    code: str,
    summary: str,
    author: str,
    status: str,
    coding_ids: list[int] | None,
    expected_version: int | None,
    actor: str | None,
) -> int:
    with store.transaction() as session:
        project = get_project(session, project_name)
        case = find_partnership(session, project, partnership)
        theme = find_code(session, project, code)
        if not theme.is_codable:
            group = project_code_paths(session, project.id)[theme.id]
            raise InvalidInput(f"{group!r} is a group; write the cell of one of its codes")
        cell = session.scalar(
            select(MatrixCell)
            .where(MatrixCell.partnership_id == case.id, MatrixCell.code_id == theme.id)
            .with_for_update()
        )
        current = cell.version if cell is not None else 0
        if expected_version is not None and expected_version != current:
            assert cell is not None  # a cell at version 0 does not exist, so it is not stale
            writer = session.get(Coder, cell.author_id) if cell.author_id else None
            raise CellConflict(
                case.name,
                project_code_paths(session, project.id)[theme.id],
                version=current,
                summary=cell.summary,
                author=writer.name if writer else None,
            )
        author_id = get_coder(session, author).id  # before the new cell, so no autoflush
        new = cell is None
        if cell is None:
            cell = MatrixCell(
                project_id=project.id, partnership_id=case.id, code_id=theme.id, version=0
            )
            session.add(cell)
        cell.version = current + 1
        cell.summary = summary
        cell.status = status
        cell.author_id = author_id
        cell.updated_at = utcnow()
        try:
            session.flush()
        except IntegrityError as exc:
            # PostgreSQL names the constraint, SQLite its columns
            said = str(exc.orig)
            if new and ("uq_matrix_cells_cell" in said or "matrix_cells.partnership_id" in said):
                raise _FirstWriteTaken from exc
            raise
        if coding_ids is not None:
            for link in session.scalars(
                select(MatrixCellCoding).where(MatrixCellCoding.cell_id == cell.id)
            ):
                session.delete(link)
            for coding_id in dict.fromkeys(coding_ids):
                get_coding(session, project, coding_id)  # refuses another project's codings
                session.add(MatrixCellCoding(cell_id=cell.id, coding_id=coding_id))
        if actor is not None:
            record(
                session,
                actor,
                "matrix.cell",
                project=project,
                target=f"{case.name} × {project_code_paths(session, project.id)[theme.id]}",
                detail={"version": cell.version, "status": status, "author": author},
            )
        return cell.version


def cell_version(store: Store, project_name: str, partnership: str, code: str) -> int:
    """The cell's version now: what a form sends back to detect a conflicting save (0 when
    nobody has written the cell)."""
    with store.reading() as session:
        project = get_project(session, project_name)
        case = find_partnership(session, project, partnership)
        theme = find_code(session, project, code)
        version = session.scalar(
            select(MatrixCell.version).where(
                MatrixCell.partnership_id == case.id, MatrixCell.code_id == theme.id
            )
        )
        return version or 0


def matrix_cells(store: Store, project_name: str) -> list[CellInfo]:
    """Every written cell of the project's framework matrix, with its evidence."""

    with store.reading() as session:
        project = get_project(session, project_name)
        paths = project_code_paths(session, project.id)
        coders = dict(session.execute(select(Coder.id, Coder.name)).all())
        names = dict(
            session.execute(
                select(Partnership.id, Partnership.name).where(Partnership.project_id == project.id)
            ).all()
        )
        links = list(
            session.execute(
                select(MatrixCellCoding.cell_id, Coding)
                .join(MatrixCell, MatrixCell.id == MatrixCellCoding.cell_id)
                .join(Coding, Coding.id == MatrixCellCoding.coding_id)
                .where(MatrixCell.project_id == project.id)
                .order_by(MatrixCellCoding.cell_id, Coding.id)
            )
        )
        evidence: dict[int, list[CodingInfo]] = {}
        for (cell_id, _), info in zip(
            links, coding_infos(session, [coding for _, coding in links]), strict=True
        ):
            evidence.setdefault(cell_id, []).append(info)
        return [
            CellInfo(
                names[cell.partnership_id],
                paths[cell.code_id],
                cell.summary,
                cell.status,
                coders.get(cell.author_id) if cell.author_id else None,
                evidence.get(cell.id, []),
            )
            for cell in session.scalars(
                select(MatrixCell)
                .where(MatrixCell.project_id == project.id)
                .order_by(MatrixCell.id)
            )
        ]
