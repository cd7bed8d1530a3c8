"""The framework matrix as the pages and the API show it: one theme group at a time (as the
XLSX export has one sheet per group), a page of partnerships at a time, and one cell with
its version for editing.

The matrix itself is built by :func:`collabmap.store.matrix.project_matrix`; here it is cut
to what one screen shows, and each written cell's version is added so a form can send it back
and a conflicting save is detected rather than silently overwriting another analyst's text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from collabmap.classify import Classification, classify
from collabmap.compare.matrix import Cell, Quote, Theme, WrittenCell, build_matrix
from collabmap.errors import CollabmapError, InvalidDocument, InvalidInput, Issue, UnknownName
from collabmap.profile import Profile, parse_profile
from collabmap.store import Store
from collabmap.store.coding import project_code_paths
from collabmap.store.links import set_matrix_cell
from collabmap.store.matrix import partnership_quotes, project_matrix
from collabmap.store.models import Code, Coder, MatrixCell, MatrixCellCoding, Partnership
from collabmap.store.projects import find_partnership, get_project

__all__ = [
    "PARTNERSHIPS_PER_PAGE",
    "CellView",
    "MatrixView",
    "cell_id",
    "cell_view",
    "matrix_view",
    "quote_href",
    "save_cell",
]

PARTNERSHIPS_PER_PAGE = 25
"""Rows of one matrix page: 25 partnerships × a group's themes (at most 7 in the framework)
keeps a page to under 200 cells, readable and quick, however many partnerships there are."""


@dataclass(frozen=True)
class MatrixView:
    """One screen of the matrix: a theme group, a page of partnerships, their cells."""

    groups: tuple[str, ...]
    group: str
    themes: tuple[Theme, ...]
    partnerships: tuple[str, ...]
    cells: dict[tuple[str, str], Cell]
    versions: dict[tuple[str, str], int]
    page: int
    pages: int
    total: int
    first: int
    notes: tuple[str, ...]


@dataclass(frozen=True)
class CellView:
    """One cell for editing: what it shows, every quotation it could cite, its version."""

    partnership: str
    theme: Theme
    path: str
    cell: Cell
    candidates: tuple[Quote, ...]
    chosen: frozenset[int]
    version: int


def cell_id(partnership: str, theme: str) -> str:
    """A stable, HTML-safe id for a cell (partnership names may hold any character)."""
    digest = hashlib.sha1(partnership.encode(), usedforsecurity=False).hexdigest()[:10]
    return f"cell-{digest}-{theme}"


def quote_href(project: str, quote_: Quote) -> str:
    """Where a quotation is in its source: the coding workspace at the passage's offsets."""
    return (
        f"/projects/{quote(project, safe='')}/sources/{quote(quote_.source, safe='')}"
        f"#c{quote_.start}-{quote_.end}"
    )


def matrix_view(store: Store, project: str, group: str | None, page: int) -> MatrixView:
    """The cells of one theme group (the first by default) for one page of partnerships.

    Only the page's partnerships are classified and only the group's cells drafted, so a
    page costs the same for 20 partnerships as for 2,000."""
    layout = project_matrix(store, project, partnerships=())  # the themes, no cells
    grouped = layout.groups()
    names = tuple(name for name, _ in grouped)
    with store.reading() as session:
        found = get_project(session, project)
        everyone = list(
            session.scalars(
                select(Partnership.name)
                .where(Partnership.project_id == found.id)
                .order_by(Partnership.name)
            )
        )
        paths = project_code_paths(session, found.id)
    total = len(everyone)
    pages = max(1, -(-total // PARTNERSHIPS_PER_PAGE))
    if page > pages:
        raise InvalidInput(f"page must be between 1 and {pages}; got {page}")
    if not grouped:
        return MatrixView((), "", (), (), {}, {}, 1, 1, total, 0, layout.notes)
    chosen = group or names[0]
    themes = dict(grouped).get(chosen)
    if themes is None:
        raise UnknownName("theme group", chosen, list(names))
    first = (page - 1) * PARTNERSHIPS_PER_PAGE
    shown = tuple(everyone[first : first + PARTNERSHIPS_PER_PAGE])
    matrix = project_matrix(
        store, project, themes=[paths[int(t.id)] for t in themes], partnerships=shown
    )
    cells = {(p, t.id): matrix.cell(p, t.id) for p in matrix.partnerships for t in themes}
    return MatrixView(
        names,
        chosen,
        tuple(themes),
        matrix.partnerships,
        cells,
        _versions(store, project, shown),
        page,
        pages,
        total,
        first,
        matrix.notes,
    )


def _versions(
    store: Store, project_name: str, partnerships: tuple[str, ...]
) -> dict[tuple[str, str], int]:
    with store.reading() as session:
        project = get_project(session, project_name)
        rows = session.execute(
            select(Partnership.name, MatrixCell.code_id, MatrixCell.version)
            .join(Partnership, Partnership.id == MatrixCell.partnership_id)
            .where(MatrixCell.project_id == project.id, Partnership.name.in_(partnerships))
        )
        return {(name, str(code_id)): version for name, code_id, version in rows}


def _theme_code(session: Session, project_id: int, theme: str) -> Code:
    """The codable code a theme id (a code's id, as in the matrix) names in this project."""
    code = session.get(Code, int(theme)) if theme.isdigit() and len(theme) < 12 else None
    if code is None or code.project_id != project_id or not code.is_codable:
        raise UnknownName("theme", theme, None)
    return code


def cell_view(store: Store, project_name: str, partnership: str, theme: str) -> CellView:
    """One cell as the matrix shows it, with every quotation of the partnership coded with
    the theme (to choose evidence from) and the version to send back with a change."""
    with store.reading() as session:
        project = get_project(session, project_name)
        case = find_partnership(session, project, partnership)
        code = _theme_code(session, project.id, theme)
        paths = project_code_paths(session, project.id)
        parent = session.get(Code, code.parent_id) if code.parent_id is not None else None
        subject = Theme(str(code.id), code.name, parent.name if parent else "Themes", code.concept)
        candidates = tuple(
            q
            for _, _, q in partnership_quotes(
                session, project, partnerships=[case.name], code_ids=[code.id]
            )
        )
        row = session.scalar(
            select(MatrixCell).where(
                MatrixCell.partnership_id == case.id, MatrixCell.code_id == code.id
            )
        )
        written: dict[tuple[str, str], WrittenCell] = {}
        version = 0
        if row is not None:
            links = tuple(
                session.scalars(
                    select(MatrixCellCoding.coding_id).where(MatrixCellCoding.cell_id == row.id)
                )
            )
            author = session.get(Coder, row.author_id) if row.author_id else None
            written[(case.name, subject.id)] = WrittenCell(
                row.summary, author.name if author else None, row.status, links
            )
            version = row.version
        name, data = case.name, dict(case.profile or {})
        path = paths[code.id]
    profiles: dict[str, Profile] = {}
    results: dict[str, Classification] = {}
    if data:
        try:
            profiles[name] = parse_profile(data, source=name)
            results[name] = classify(profiles[name])
        except CollabmapError:
            pass  # an unclassifiable profile says nothing about the theme; the quotes still do
    matrix = build_matrix(
        [subject],
        [name],
        {(name, subject.id): candidates},
        profiles=profiles,
        results=results,
        written=written,
    )
    done = written.get((name, subject.id))
    chosen = frozenset(done.coding_ids) if done else frozenset()
    return CellView(name, subject, path, matrix.cell(name, subject.id), candidates, chosen, version)


def save_cell(
    store: Store,
    project: str,
    partnership: str,
    theme: str,
    *,
    summary: str,
    status: str,
    evidence: list[int],
    version: int,
    author: str,
) -> int:
    """Write the cell from a form or an API call that read it at ``version``. Only the
    cell's own quotations (the partnership's codings with the theme) can be cited."""
    current = cell_view(store, project, partnership, theme)
    citable = {q.coding_id for q in current.candidates}
    strays = [coding for coding in evidence if coding not in citable]
    if strays:
        raise InvalidDocument(
            "matrix cell",
            [Issue("evidence", f"coding {strays[0]} is not a quotation of this cell")],
        )
    path = current.path
    return set_matrix_cell(
        store,
        project,
        partnership,
        path,
        summary=summary,
        author=author,
        status=status,
        coding_ids=evidence,
        expected_version=version,
        actor=author,
    )
