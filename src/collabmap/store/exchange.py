"""Moving a whole project in and out: REFI-QDA (.qdpx, .qdc), CSV, JSON and XLSX.

The database and REFI-QDA meet in :class:`~collabmap.evidence.model.RefiProject`: a project
is turned into one to export, and an imported one is merged into a project — codes by GUID or
else by name under the same parent, coders by GUID or name, partnerships (cases) by name — in
one transaction per file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collabmap import __version__
from collabmap._output import whole_file
from collabmap.errors import InvalidInput
from collabmap.evidence import refi
from collabmap.evidence.importers import ImportLimits
from collabmap.evidence.model import (
    ImportedSource,
    RefiCase,
    RefiCode,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSource,
    RefiUser,
    RefiVariable,
)
from collabmap.evidence.pseudonymise import Pseudonyms, Replaced
from collabmap.evidence.segment import looks_like_transcript
from collabmap.report.spreadsheet import csv_text, safe_cell
from collabmap.store._engine import Store
from collabmap.store.audit import record
from collabmap.store.coding import code_paths
from collabmap.store.models import (
    Code,
    Coder,
    Coding,
    Memo,
    Partnership,
    PartnershipValue,
    Project,
    Source,
    SourcePartnership,
    SourceValue,
    Variable,
)
from collabmap.store.projects import get_project, new_guid
from collabmap.store.sources import FileResult, add_source

__all__ = [
    "ExportFormat",
    "export_project",
    "import_refi",
    "project_pseudonyms",
    "project_to_refi",
    "record_export",
]

ExportFormat = Literal["qdpx", "qdc", "csv", "json", "xlsx"]
FORMATS: tuple[str, ...] = ("qdpx", "qdc", "csv", "json", "xlsx")


def _codes_tree(codes: list[Code]) -> list[RefiCode]:
    nodes = {
        c.id: RefiCode(
            guid=c.guid,
            name=c.name,
            is_codable=c.is_codable,
            description=c.description,
            color=c.color,
        )
        for c in codes
    }
    roots: list[RefiCode] = []
    for code in sorted(codes, key=lambda c: (c.position, c.id)):
        node = nodes[code.id]
        if code.parent_id is not None and code.parent_id in nodes:
            nodes[code.parent_id].children.append(node)
        else:
            roots.append(node)
    return roots


def project_to_refi(session: Session, project: Project) -> RefiProject:
    """Everything REFI-QDA can carry of a project (accepted and person codings)."""
    codes = list(session.scalars(select(Code).where(Code.project_id == project.id)))
    code_guid = {c.id: c.guid for c in codes}
    coders = {c.id: c for c in session.scalars(select(Coder))}
    variables = list(session.scalars(select(Variable).where(Variable.project_id == project.id)))
    var_guid = {v.id: v.guid for v in variables}
    sources = list(
        session.scalars(select(Source).where(Source.project_id == project.id).order_by(Source.id))
    )
    codings = list(
        session.scalars(
            select(Coding)
            .where(Coding.project_id == project.id, Coding.status == "accepted")
            .order_by(Coding.source_id, Coding.start, Coding.id)
        )
    )
    used_coders: set[int] = set()
    selections: dict[int, list[RefiSelection]] = {}
    for coding in codings:
        used_coders.add(coding.coder_id)
        selections.setdefault(coding.source_id, []).append(
            RefiSelection(
                guid=coding.selection_guid or coding.guid,
                start=coding.start,
                end=coding.end,
                code_guids=[code_guid[coding.code_id]],
                creating_user=coders[coding.coder_id].guid,
                created=coding.created_at,
                coding_guids=[coding.guid],
            )
        )
    source_values: dict[int, dict[str, Any]] = {}
    for value in session.scalars(
        select(SourceValue).join(Source).where(Source.project_id == project.id)
    ):
        source_values.setdefault(value.source_id, {})[var_guid[value.variable_id]] = value.value
    memos = list(session.scalars(select(Memo).where(Memo.project_id == project.id)))
    for memo in memos:
        if memo.coder_id is not None:
            used_coders.add(memo.coder_id)
    notes_by_source: dict[int, list[str]] = {}
    for memo in memos:
        if memo.source_id is not None:
            notes_by_source.setdefault(memo.source_id, []).append(memo.guid)
    source_guid = {s.id: s.guid for s in sources}
    cases: list[RefiCase] = []
    for partnership in session.scalars(
        select(Partnership).where(Partnership.project_id == project.id).order_by(Partnership.id)
    ):
        values = {
            var_guid[v.variable_id]: v.value
            for v in session.scalars(
                select(PartnershipValue).where(PartnershipValue.partnership_id == partnership.id)
            )
        }
        members = session.scalars(
            select(SourcePartnership.source_id).where(
                SourcePartnership.partnership_id == partnership.id
            )
        )
        cases.append(
            RefiCase(
                guid=partnership.guid,
                name=partnership.name,
                description=partnership.description,
                variables=values,
                source_guids=[source_guid[m] for m in members],
            )
        )
    return RefiProject(
        name=project.name,
        origin=f"collabmap {__version__}",
        created=project.created_at,
        description=project.description,
        users=[RefiUser(guid=coders[i].guid, name=coders[i].name) for i in sorted(used_coders)],
        codes=_codes_tree(codes),
        variables=[
            RefiVariable(guid=v.guid, name=v.name, type=v.type, description=v.description)  # type: ignore[arg-type]
            for v in variables
        ],
        cases=cases,
        sources=[
            RefiSource(
                guid=s.guid,
                name=s.name,
                text=s.text,
                selections=selections.get(s.id, []),
                variables=source_values.get(s.id, {}),
                note_guids=notes_by_source.get(s.id, []),
                created=s.created_at,
                description=s.description,
            )
            for s in sources
        ],
        notes=[
            RefiNote(
                guid=m.guid,
                name=m.title,
                text=m.text,
                creating_user=coders[m.coder_id].guid if m.coder_id else None,
                created=m.created_at,
            )
            for m in memos
        ],
    )


# --- import -------------------------------------------------------------------------------------


def _naive_utc(moment: datetime) -> datetime:
    """Store times as naive UTC, like every other timestamp in the database."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _coder_for(session: Session, user: RefiUser | None, fallback: str) -> Coder:
    if user is not None:
        found = session.scalar(select(Coder).where(Coder.guid == user.guid))
        if found is None:
            found = session.scalar(select(Coder).where(Coder.name == user.name))
        if found is None:
            found = Coder(guid=user.guid, name=user.name, kind="person")
            session.add(found)
            session.flush()
        return found
    found = session.scalar(select(Coder).where(Coder.name == fallback))
    if found is None:
        found = Coder(guid=new_guid(), name=fallback, kind="person")
        session.add(found)
        session.flush()
    return found


def _merge_codes(
    session: Session, project: Project, codes: list[RefiCode], parent: Code | None
) -> dict[str, int]:
    ids: dict[str, int] = {}
    for position, node in enumerate(codes):
        code = session.scalar(
            select(Code).where(Code.project_id == project.id, Code.guid == node.guid)
        )
        if code is None:  # the same code under the same parent: merge, as NVivo does
            parent_clause = (
                Code.parent_id == parent.id if parent is not None else Code.parent_id.is_(None)
            )
            code = session.scalar(
                select(Code).where(
                    Code.project_id == project.id, parent_clause, Code.name == node.name[:300]
                )
            )
        if code is None:
            code = Code(
                project_id=project.id,
                guid=node.guid,
                parent_id=parent.id if parent else None,
                name=node.name[:300],
                description=node.description,
                color=node.color,
                origin="imported",
                is_codable=node.is_codable,
                position=position,
            )
            session.add(code)
            session.flush()
        ids[node.guid] = code.id
        ids.update(_merge_codes(session, project, node.children, code))
    return ids


def _merge(session: Session, project: Project, data: RefiProject, label: str) -> list[str]:
    users = {u.guid: u for u in data.users}
    code_ids = _merge_codes(session, project, data.codes, None)
    var_ids: dict[str, int] = {}
    for variable in data.variables:
        existing = session.scalar(
            select(Variable).where(
                Variable.project_id == project.id, Variable.name == variable.name
            )
        )
        if existing is None:
            existing = Variable(
                project_id=project.id,
                guid=variable.guid,
                name=variable.name,
                type=variable.type,
                description=variable.description,
            )
            session.add(existing)
            session.flush()
        var_ids[variable.guid] = existing.id

    source_ids: dict[str, int] = {}
    names: list[str] = []
    for refi_source in data.sources:
        if session.scalar(
            select(Source.id).where(
                Source.project_id == project.id, Source.guid == refi_source.guid
            )
        ):
            raise InvalidInput(f"the source {refi_source.name!r} is already in the project")
        imported = ImportedSource(  # segmented on first use, like any imported source
            name=refi_source.name,
            text=refi_source.text,
            kind="transcript" if looks_like_transcript(refi_source.text) else "document",
            media_type="text/plain",
        )
        stored = add_source(session, project, imported, original_name=label, guid=refi_source.guid)
        stored.description = refi_source.description
        source_ids[refi_source.guid] = stored.id
        names.append(stored.name)
        for var_guid, value in refi_source.variables.items():
            if var_guid in var_ids:
                session.add(
                    SourceValue(source_id=stored.id, variable_id=var_ids[var_guid], value=value)
                )
        for selection in refi_source.selections:
            coder = _coder_for(session, users.get(selection.creating_user or ""), "imported")
            for index, target in enumerate(selection.code_guids):
                if target not in code_ids:
                    raise InvalidInput(
                        f"a coding in {refi_source.name!r} refers to an unknown code {target}"
                    )
                guid = (
                    selection.coding_guids[index]
                    if index < len(selection.coding_guids)
                    else new_guid()
                )
                coding = Coding(
                    project_id=project.id,
                    guid=guid,
                    source_id=stored.id,
                    code_id=code_ids[target],
                    start=selection.start,
                    end=selection.end,
                    coder_id=coder.id,
                    origin="person",
                    status="accepted",
                    selection_guid=selection.guid,
                )
                if isinstance(selection.created, datetime):
                    coding.created_at = _naive_utc(selection.created)
                session.add(coding)
    for case in data.cases:
        partnership = session.scalar(
            select(Partnership).where(
                Partnership.project_id == project.id, Partnership.name == case.name
            )
        )
        if partnership is None:
            partnership = Partnership(
                project_id=project.id,
                guid=case.guid,
                name=case.name[:300],
                description=case.description,
            )
            session.add(partnership)
            session.flush()
        for var_guid, value in case.variables.items():
            if var_guid in var_ids:
                session.merge(
                    PartnershipValue(
                        partnership_id=partnership.id, variable_id=var_ids[var_guid], value=value
                    )
                )
        for member in case.source_guids:
            if member in source_ids:
                session.add(
                    SourcePartnership(source_id=source_ids[member], partnership_id=partnership.id)
                )
    notes_target = {
        note_guid: source_ids[s.guid] for s in data.sources for note_guid in s.note_guids
    }
    for note in data.notes:
        author = users.get(note.creating_user or "")
        session.add(
            Memo(
                project_id=project.id,
                guid=note.guid,
                title=note.name[:300] or "Note",
                text=note.text,
                coder_id=_coder_for(session, author, "imported").id if author else None,
                source_id=notes_target.get(note.guid),
            )
        )
    return names


def _count_codes(session: Session, project: Project) -> int:
    return int(
        session.scalar(select(func.count()).select_from(Code).where(Code.project_id == project.id))
        or 0
    )


def import_refi(
    store: Store,
    project_name: str,
    path: Path,
    *,
    limits: ImportLimits,
    actor: str | None = None,
) -> FileResult:
    """Merge a REFI-QDA project or codebook into a project, in one transaction (with its audit
    event, when there is an ``actor``).

    What the file holds decides, not its name (see :func:`~collabmap.evidence.refi.read_refi`).
    """
    result = refi.read_refi(path, limits=refi.RefiLimits.of(limits))
    if result.codebook:
        with store.transaction() as session:
            project = get_project(session, project_name)
            before = _count_codes(session, project)
            listed = _merge_codes(session, project, result.project.codes, None)
            added = _count_codes(session, project) - before
            if actor is not None:
                record(
                    session,
                    actor,
                    "codebook.import",
                    project=project,
                    target=path.name,
                    detail={"codes": len(listed), "new": added},
                )
        note = f"{len(listed)} codes in the codebook; {added} new, {len(listed) - added} merged"
        return FileResult(str(path), "imported", [], None, [note, *result.warnings])
    with store.transaction() as session:
        project = get_project(session, project_name)
        names = _merge(session, project, result.project, path.name)
        if actor is not None:
            record(
                session,
                actor,
                "source.import",
                project=project,
                target=path.name,
                detail={"sources": names, "format": "REFI-QDA"},
            )
    return FileResult(str(path), "imported", names, None, list(result.warnings))


# --- export -------------------------------------------------------------------------------------


def _texts(
    session: Session, project: Project, pseudonyms: Pseudonyms | None
) -> dict[int, tuple[str, Replaced]]:
    """Each source's name and text as the export shows them (pseudonymised if asked)."""
    found = {}
    for source in session.scalars(select(Source).where(Source.project_id == project.id)):
        if pseudonyms is None:
            found[source.id] = (source.name, Replaced(source.text))
        else:
            found[source.id] = (
                pseudonyms.replace(source.name).text,
                pseudonyms.replace(source.text),
            )
    return found


def _rows(
    session: Session, project: Project, pseudonyms: Pseudonyms | None = None
) -> list[dict[str, Any]]:
    codes = list(session.scalars(select(Code).where(Code.project_id == project.id)))
    paths = code_paths(codes)
    sources = _texts(session, project, pseudonyms)
    coders = {c.id: c.name for c in session.scalars(select(Coder))}
    rows = []
    for coding in session.scalars(
        select(Coding)
        .where(Coding.project_id == project.id)
        .order_by(Coding.source_id, Coding.start, Coding.id)
    ):
        name, text = sources[coding.source_id]
        start, end = text.span(coding.start, coding.end)
        rows.append(
            {
                "id": coding.id,
                "source": name,
                "code": paths[coding.code_id],
                "start": start,
                "end": end,
                "text": text.text[start:end],
                "coder": coders.get(coding.coder_id, ""),
                "origin": coding.origin,
                "status": coding.status,
                "confidence": coding.confidence,
                "created_at": coding.created_at.isoformat(timespec="seconds"),
            }
        )
    return rows


def _json_document(
    session: Session, project: Project, pseudonyms: Pseudonyms | None
) -> dict[str, Any]:
    codes = list(session.scalars(select(Code).where(Code.project_id == project.id)))
    paths = code_paths(codes)
    texts = _texts(session, project, pseudonyms)

    def plain(text: str) -> str:
        return pseudonyms.replace(text).text if pseudonyms is not None and text else text

    return {
        "collabmap_export": 1,
        "project": {
            "name": project.name,
            "framework": f"{project.framework_id} {project.framework_version}",
            "created_at": project.created_at.isoformat(timespec="seconds"),
        },
        "partnerships": [
            {"name": p.name, "profile": p.profile, "description": p.description}
            for p in session.scalars(
                select(Partnership).where(Partnership.project_id == project.id)
            )
        ],
        "codes": [
            {"path": paths[c.id], "concept": c.concept, "description": c.description} for c in codes
        ],
        "sources": [
            {"name": texts[s.id][0], "kind": s.kind, "text": texts[s.id][1].text}
            for s in session.scalars(select(Source).where(Source.project_id == project.id))
        ],
        "codings": _rows(session, project, pseudonyms),
        "memos": [
            {"title": plain(m.title or ""), "text": plain(m.text)}
            for m in session.scalars(select(Memo).where(Memo.project_id == project.id))
        ],
    }


def _xlsx(session: Session, project: Project, out: Path, pseudonyms: Pseudonyms | None) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    rows = _rows(session, project, pseudonyms)
    sheet = book.create_sheet("Codings")
    columns = ["source", "code", "text", "coder", "origin", "status", "confidence", "start", "end"]
    sheet.append(columns)
    for row in rows:
        sheet.append([safe_cell(row[c]) for c in columns])
    codes_sheet = book.create_sheet("Codes")
    codes_sheet.append(["path", "concept", "codings", "description"])
    codes = list(session.scalars(select(Code).where(Code.project_id == project.id)))
    paths = code_paths(codes)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["code"]] = counts.get(row["code"], 0) + 1
    for code in codes:
        path = paths[code.id]
        codes_sheet.append(
            [safe_cell(path), code.concept, counts.get(path, 0), safe_cell(code.description)]
        )
    sources_sheet = book.create_sheet("Sources")
    sources_sheet.append(["name", "kind", "characters", "imported"])
    texts = _texts(session, project, pseudonyms)
    for s in session.scalars(select(Source).where(Source.project_id == project.id)):
        name, text = texts[s.id]
        sources_sheet.append([safe_cell(name), s.kind, len(text.text), s.created_at])
    book.save(out)


def project_pseudonyms(store: Store, project_name: str, names: Sequence[str] = ()) -> Pseudonyms:
    """Pseudonyms for a project's export: its transcripts' speakers (not roles such as
    "Interviewer") and the other ``names`` people are called by in its texts."""
    with store.reading() as session:
        project = get_project(session, project_name)
        texts = session.scalars(select(Source.text).where(Source.project_id == project.id))
        return Pseudonyms.for_texts(texts, names)


def _pseudonymise_refi(data: RefiProject, pseudonyms: Pseudonyms) -> RefiProject:
    """The REFI-QDA project with names replaced and every selection kept on its words."""
    for source in data.sources:
        replaced = pseudonyms.replace(source.text)
        source.text = replaced.text
        source.name = pseudonyms.replace(source.name).text
        if source.description:
            source.description = pseudonyms.replace(source.description).text
        for selection in source.selections:
            selection.start, selection.end = replaced.span(selection.start, selection.end)
    for note in data.notes:
        note.text = pseudonyms.replace(note.text).text if note.text else note.text
        note.name = pseudonyms.replace(note.name).text if note.name else note.name
    return data


def export_project(
    store: Store,
    project_name: str,
    format: str,
    out: Path,
    *,
    pseudonyms: Pseudonyms | None = None,
) -> Path:
    """Write the project to ``out`` in ``format`` (qdpx, qdc, csv, json or xlsx).

    With ``pseudonyms`` (see :func:`project_pseudonyms`) interviewees' names are replaced in
    every text, source name and memo, and coded passages keep covering the same words.
    """
    if format not in FORMATS:
        raise InvalidInput(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    with store.reading() as session, whole_file(out) as tmp:
        project = get_project(session, project_name)
        if format in ("qdpx", "qdc"):
            data = project_to_refi(session, project)
            if pseudonyms is not None:
                data = _pseudonymise_refi(data, pseudonyms)
            if format == "qdpx":
                refi.write_qdpx(data, tmp)
            else:
                refi.write_qdc(data.codes, tmp)
        elif format == "csv":
            rows = _rows(session, project, pseudonyms)
            tmp.write_text(csv_text(rows, ["id", "source", "code", "text"]), encoding="utf-8")
        elif format == "json":
            document = _json_document(session, project, pseudonyms)
            tmp.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
        else:
            _xlsx(session, project, tmp, pseudonyms)
    return out


def record_export(
    store: Store,
    project_name: str,
    actor: str,
    format: str,
    *,
    pseudonymised: bool,
    size: int,
) -> None:
    """Write an export of the whole project to the audit log: it carries the interviews'
    text, so who took a copy, when, and whether names were replaced is kept."""
    with store.transaction() as session:
        project = get_project(session, project_name)
        record(
            session,
            actor,
            "project.export",
            project=project,
            target=f"{project_name}.{format}",
            detail={"format": format, "pseudonymised": pseudonymised, "bytes": size},
        )
