"""The framework matrix of a project, gathered from the store, and its spreadsheet exports."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from collabmap._output import whole_file
from collabmap.classify import Classification, classify
from collabmap.compare.matrix import Matrix, Quote, Theme, WrittenCell, build_matrix
from collabmap.errors import CollabmapError, InvalidInput
from collabmap.profile import Profile, parse_profile
from collabmap.report.spreadsheet import csv_text, safe_cell
from collabmap.store._engine import Store
from collabmap.store.coding import find_code
from collabmap.store.models import (
    Code,
    Coder,
    Coding,
    MatrixCell,
    MatrixCellCoding,
    Partnership,
    Project,
    Source,
    SourcePartnership,
)
from collabmap.store.projects import get_project, source_texts

__all__ = [
    "DEFAULT_GROUPS",
    "export_matrix",
    "partnership_quotes",
    "project_matrix",
    "project_profiles",
]

DEFAULT_GROUPS = (
    "group:structures",
    "group:rationales_collaboration",
    "group:rationales_co_creation",
    "group:activities",
    "group:accountability",
)
"""Theme groups shown by default: the article's comparison (27 themes)."""


def project_profiles(
    store: Store, project_name: str, *, only: Collection[str] | None = None
) -> tuple[list[str], dict[str, Profile], dict[str, Classification], dict[str, str]]:
    """Partnership names, their profiles and classifications, and a note for each one left
    out (no profile yet, or one that no longer classifies), keyed by partnership.
    ``only`` limits it to those partnerships (a page of them, say)."""
    with store.reading() as session:
        project = get_project(session, project_name)
        query = (
            select(Partnership.name, Partnership.profile)
            .where(Partnership.project_id == project.id)
            .order_by(Partnership.name)
        )
        if only is not None:
            query = query.where(Partnership.name.in_(list(only)))
        rows = list(session.execute(query))
    names: list[str] = []
    profiles: dict[str, Profile] = {}
    results: dict[str, Classification] = {}
    notes: dict[str, str] = {}
    for name, data in rows:
        names.append(name)
        if not data:
            notes[name] = f"{name} has no profile yet."
            continue
        try:
            profiles[name] = parse_profile(data, source=name)
            results[name] = classify(profiles[name])
        except CollabmapError as exc:
            notes[name] = f"{name}: the stored profile cannot be classified ({exc})."
    return names, profiles, results, notes


def project_matrix(
    store: Store,
    project_name: str,
    *,
    themes: Sequence[str] | None = None,
    partnerships: Collection[str] | None = None,
) -> Matrix:
    """The matrix of every partnership (or of ``partnerships``) × the chosen themes (codes),
    with drafted summaries."""
    names, profiles, results, notes = project_profiles(store, project_name, only=partnerships)
    with store.reading() as session:
        project = get_project(session, project_name)
        codes = list(session.scalars(select(Code).where(Code.project_id == project.id)))
        by_id = {c.id: c for c in codes}
        if themes:
            chosen = [find_code(session, project, ref) for ref in themes]
            groups = [by_id[c.id].name for c in chosen if not c.is_codable]
            if groups:
                raise InvalidInput(
                    f"{', '.join(groups)} is a group of codes; choose the codes in it as themes"
                )
        else:
            order = {
                c.id: DEFAULT_GROUPS.index(c.concept) for c in codes if c.concept in DEFAULT_GROUPS
            }
            chosen = sorted(
                (
                    c
                    for c in codes
                    if c.parent_id is not None and c.parent_id in order and c.is_codable
                ),
                key=lambda c: (order.get(c.parent_id or -1, 99), c.position),
            )
        theme_list = [
            Theme(
                str(c.id),
                c.name,
                by_id[c.parent_id].name
                if c.parent_id is not None and c.parent_id in by_id
                else "Themes",
                c.concept,
            )
            for c in chosen
        ]
        theme_ids = {c.id for c in chosen}
        case_ids = {
            row[0]: row[1]
            for row in session.execute(
                select(Partnership.id, Partnership.name).where(Partnership.project_id == project.id)
            )
        }
        quotes: dict[tuple[str, str], list[Quote]] = {}
        for case, code_id, quote in partnership_quotes(
            session, project, partnerships=partnerships, code_ids=theme_ids
        ):
            quotes.setdefault((case, str(code_id)), []).append(quote)
        coders = {row[0]: row[1] for row in session.execute(select(Coder.id, Coder.name))}
        links: dict[int, list[int]] = {}
        for cell_id, coding_id in session.execute(
            select(MatrixCellCoding.cell_id, MatrixCellCoding.coding_id)
            .join(MatrixCell)
            .where(MatrixCell.project_id == project.id)
        ):
            links.setdefault(cell_id, []).append(coding_id)
        written: dict[tuple[str, str], WrittenCell] = {}
        for cell in session.scalars(
            select(MatrixCell).where(
                MatrixCell.project_id == project.id, MatrixCell.code_id.in_(theme_ids)
            )
        ):
            key = (case_ids[cell.partnership_id], str(cell.code_id))
            written[key] = WrittenCell(
                cell.summary,
                coders.get(cell.author_id or -1),
                cell.status,
                tuple(links.get(cell.id, ())),
            )
    matrix = build_matrix(
        theme_list, names, quotes, profiles=profiles, results=results, written=written
    )
    if notes:
        return Matrix(
            matrix.themes, matrix.partnerships, matrix.cells, matrix.notes + tuple(notes.values())
        )
    return matrix


def partnership_quotes(
    session: Session,
    project: Project,
    *,
    partnerships: Collection[str] | None = None,
    code_ids: Collection[int] | None = None,
) -> list[tuple[str, int, Quote]]:
    """Each partnership's evidence: the accepted codings of the sources linked to it.

    Gives ``(partnership, code id, quote)`` in reading order (partnership, source, position);
    a source linked to two partnerships is evidence for both. Source texts are read once each.
    """
    coders = {row[0]: row[1] for row in session.execute(select(Coder.id, Coder.name))}
    query = (
        select(Partnership.name, Source.id, Source.name, Coding)
        .join(SourcePartnership, SourcePartnership.partnership_id == Partnership.id)
        .join(Source, Source.id == SourcePartnership.source_id)
        .join(Coding, Coding.source_id == Source.id)
        .where(Partnership.project_id == project.id, Coding.status == "accepted")
        .order_by(Partnership.name, Source.name, Coding.start, Coding.id)
    )
    if partnerships is not None:
        query = query.where(Partnership.name.in_(list(partnerships)))
    if code_ids is not None:
        query = query.where(Coding.code_id.in_(list(code_ids)))
    rows = list(session.execute(query))
    texts = source_texts(session, {source_id for _, source_id, _, _ in rows})
    found = []
    for case, source_id, source_name, coding in rows:
        quote = Quote(
            source_name,
            coding.start,
            coding.end,
            texts[source_id][1][coding.start : coding.end],
            coders.get(coding.coder_id, ""),
            coding.id,
        )
        found.append((case, coding.code_id, quote))
    return found


def export_matrix(matrix: Matrix, format: str, out: Path) -> Path:
    """Write the matrix as XLSX (a sheet per theme group, quotes as comments and in a
    'Quotes' sheet) or CSV (one row per cell)."""
    if format not in ("xlsx", "csv"):
        raise InvalidInput(f"a matrix exports as xlsx or csv; got {format!r}")
    with whole_file(out) as tmp:
        if format == "csv":
            text = csv_text(matrix.to_records(), ["partnership", "theme", "summary"])
            tmp.write_text(text, encoding="utf-8")
        else:
            _write_xlsx(matrix, tmp)
    return out


def _write_xlsx(matrix: Matrix, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    draft = PatternFill("solid", fgColor="FFF2CC")
    used: set[str] = set()
    for group, themes in matrix.groups():
        title = _sheet_title(group, used)
        sheet = book.create_sheet(title)
        sheet.append(["Partnership", *[t.label for t in themes]])
        for cell in sheet[1]:
            cell.font = bold
            cell.alignment = wrap
        sheet.column_dimensions["A"].width = 28
        for column in range(2, len(themes) + 2):
            sheet.column_dimensions[sheet.cell(1, column).column_letter].width = 45
        for partnership in matrix.partnerships:
            row = [safe_cell(partnership)]
            row += [safe_cell(matrix.cell(partnership, t.id).summary) for t in themes]
            sheet.append(row)
            excel_row = sheet.max_row
            for offset, theme in enumerate(themes, start=2):
                data = matrix.cell(partnership, theme.id)
                target = sheet.cell(excel_row, offset)
                target.alignment = wrap
                if data.drafted:
                    target.fill = draft
                if data.quotes:
                    lines = [f"{q.source} [{q.start}:{q.end}] {q.text}" for q in data.quotes[:20]]
                    comment = Comment("\n\n".join(lines)[:30_000], data.author or "collabmap")
                    comment.width, comment.height = 400, 300
                    target.comment = comment
        sheet.freeze_panes = "B2"
    quotes = book.create_sheet("Quotes")
    quotes.append(["Partnership", "Group", "Theme", "Source", "Start", "End", "Quotation", "Coder"])
    for cell in quotes[1]:
        cell.font = bold
    labels = {t.id: t for t in matrix.themes}
    for (partnership, theme_id), data in matrix.cells.items():
        theme = labels[theme_id]
        for q in data.quotes:
            quotes.append(
                [
                    safe_cell(partnership),
                    safe_cell(theme.group),
                    safe_cell(theme.label),
                    safe_cell(q.source),
                    q.start,
                    q.end,
                    safe_cell(q.text),
                    safe_cell(q.coder),
                ]
            )
    notes = book.create_sheet("About")
    notes.append(["Framework matrix exported by collabmap"])
    notes.append(["Cells shaded yellow hold drafted summaries (extractive; review before use)."])
    for note in matrix.notes:
        notes.append([note])
    book.save(path)


def _sheet_title(group: str, used: set[str]) -> str:
    title = "".join(ch for ch in group if ch not in "[]:*?/\\")[:31] or "Themes"
    base, number = title, 2
    while title in used:
        title = f"{base[:28]} {number}"
        number += 1
    used.add(title)
    return title
