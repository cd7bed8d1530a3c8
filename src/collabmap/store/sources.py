"""Importing files into a project: one transaction per file, a result for every file.

A refused file (corrupt, hostile, too big) is reported with its reason and leaves nothing
behind; the other files are still imported. REFI-QDA files (.qdpx, .qdc) are merged into the
project by :mod:`collabmap.store.exchange`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from collabmap.errors import CollabmapError, ImportRefused, InvalidInput, StorageFull
from collabmap.evidence.importers import ImportLimits, is_refi
from collabmap.evidence.importers._pool import read_files
from collabmap.evidence.model import ImportedSource, VariableValue
from collabmap.store._bulk import bulk_insert
from collabmap.store._engine import Store, translate
from collabmap.store.audit import record
from collabmap.store.models import (
    SEGMENTS,
    SOURCES,
    AuditEvent,
    Partnership,
    Project,
    Source,
    SourcePartnership,
    SourceValue,
    Variable,
    utcnow,
)
from collabmap.store.projects import find_partnership, get_project, new_guid

__all__ = ["FileResult", "ImportReport", "Progress", "add_source", "import_files"]

Progress = Callable[[int, int, str], None]
"""Called after each file with (files done, files in all, the file's name)."""


@dataclass(frozen=True)
class FileResult:
    """What happened to one file."""

    path: str
    status: Literal["imported", "refused", "skipped"]
    sources: list[str] = field(default_factory=list)
    message: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """What became of the file, in the words the command line and the web both use: what
        it added ("2 sources", "codebook"), or why it was skipped or refused."""
        if self.status == "imported":
            count = len(self.sources)
            return f"{count} source{'s' if count != 1 else ''}" if count else "codebook"
        return self.message or ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "sources": self.sources,
            "message": self.message,
            "warnings": self.warnings,
        }


@dataclass(frozen=True)
class ImportReport:
    """Every file's result; ``exit_code`` follows the command-line contract."""

    results: list[FileResult]

    @property
    def refused(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "refused"]

    @property
    def exit_code(self) -> int:
        if not self.refused:
            return 0
        return 2 if len(self.refused) == len(self.results) else 1


def _variable(session: Session, project: Project, name: str, value: VariableValue) -> Variable:
    variable = session.scalar(
        select(Variable).where(Variable.project_id == project.id, Variable.name == name)
    )
    if variable is None:
        kind = (
            "Boolean"
            if isinstance(value, bool)
            else "Integer"
            if isinstance(value, int)
            else "Float"
            if isinstance(value, float)
            else "Text"
        )
        variable = Variable(project_id=project.id, guid=new_guid(), name=name, type=kind)
        session.add(variable)
        session.flush()
    return variable


def _unique_name(session: Session, project_id: int, name: str) -> str:
    name = name[:480]
    taken = set(
        session.scalars(
            select(Source.name).where(
                Source.project_id == project_id,
                (Source.name == name) | Source.name.like(f"{_escape_like(name)} (%)", escape="\\"),
            )
        )
    )
    candidate, number = name, 2
    while candidate in taken:
        candidate = f"{name} ({number})"
        number += 1
    return candidate


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def add_source(
    session: Session,
    project: Project,
    imported: ImportedSource,
    *,
    original_name: str | None = None,
    partnership: Partnership | None = None,
    guid: str | None = None,
) -> Source:
    """Store one imported source, with its segments if it has them (no commit).

    A source without segments is segmented on first use (:mod:`collabmap.store.segments`).
    """
    source_id = _insert_source(session, project.id, imported, original_name, guid)
    if partnership is not None:
        session.add(SourcePartnership(source_id=source_id, partnership_id=partnership.id))
    for name, value in imported.variables.items():
        variable = _variable(session, project, name, value)
        session.add(SourceValue(source_id=source_id, variable_id=variable.id, value=value))
    stored = session.get(Source, source_id)
    assert stored is not None
    return stored


def _insert_source(
    session: Session,
    project_id: int,
    imported: ImportedSource,
    original_name: str | None,
    guid: str | None,
) -> int:
    """One INSERT (Core, not the unit of work): the hot path of a bulk import."""
    source_id: int = session.execute(
        insert(Source)
        .values(
            project_id=project_id,
            guid=guid or new_guid(),
            name=_unique_name(session, project_id, imported.name),
            kind=imported.kind,
            media_type=imported.media_type,
            text=imported.text,
            length=len(imported.text),
            sha256=_digest(imported.text),
            original_name=original_name,
            segmented=bool(imported.segments),
            created_at=utcnow(),
        )
        .returning(Source.id)
    ).scalar_one()
    if imported.segments:
        bulk_insert(
            session.connection(),
            SEGMENTS,
            ("source_id", "kind", "start", "end", "speaker"),
            [(source_id, s.kind, s.start, s.end, s.speaker) for s in imported.segments],
        )
    return source_id


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _import_one(
    store: Store,
    connection: Connection,
    project_id: int,
    path: Path,
    imported: list[ImportedSource],
    *,
    partnership_id: int | None,
    known: _Known,
    actor: str | None,
) -> FileResult:
    warnings = [w for source in imported for w in source.warnings]
    if partnership_id is None and all(not source.variables for source in imported):
        try:
            try:
                names, skipped = _store_plain(
                    connection, project_id, imported, path.name, known, actor
                )
            except IntegrityError:
                # another process took a name meanwhile: refresh what is known and try once more
                known.refresh(connection, project_id)
                names, skipped = _store_plain(
                    connection, project_id, imported, path.name, known, actor
                )
        except SQLAlchemyError as exc:
            raise translate(exc, store.url) from exc
    else:
        names, skipped = _store_with_links(
            store, project_id, imported, path.name, partnership_id, actor
        )
        known.refresh(connection, project_id)
    if not names and skipped:
        return FileResult(str(path), "skipped", [], "already imported: " + "; ".join(skipped))
    return FileResult(str(path), "imported", names, None, warnings + skipped)


_SOURCES = SOURCES
_INSERT = _SOURCES.insert()


@dataclass
class _Known:
    """Names and texts already in the project, loaded once per import (one query) so that
    storing each file needs no look-up; the unique index still guards the names."""

    names: set[str]
    digests: dict[str, str]

    @classmethod
    def load(cls, connection: Connection, project_id: int) -> _Known:
        """Read what the project holds, in a short transaction of its own."""
        with connection.begin():
            rows = connection.execute(
                select(_SOURCES.c.name, _SOURCES.c.sha256).where(
                    _SOURCES.c.project_id == project_id
                )
            ).all()
        return cls({name for name, _ in rows}, {sha: name for name, sha in rows})

    def refresh(self, connection: Connection, project_id: int) -> None:
        fresh = _Known.load(connection, project_id)
        self.names, self.digests = fresh.names, fresh.digests

    def free_name(self, name: str, *, also_taken: set[str] | frozenset[str] = frozenset()) -> str:
        candidate, number = name, 2
        while candidate in self.names or candidate in also_taken:
            candidate, number = f"{name} ({number})", number + 1
        return candidate


def _store_plain(
    connection: Connection,
    project_id: int,
    imported: list[ImportedSource],
    original: str,
    known: _Known,
    actor: str | None,
) -> tuple[list[str], list[str]]:
    """The bulk path: one prepared INSERT per source, one transaction per file (with its
    audit event, when there is an ``actor``)."""
    names: list[str] = []
    skipped: list[str] = []
    # what this file adds is known to later files only once its transaction has committed, so a
    # rolled-back file never makes a later one look like a duplicate of text that is not there
    added_names: set[str] = set()
    added_digests: dict[str, str] = {}
    with connection.begin():
        for source in imported:
            digest = _digest(source.text)
            # two respondents may give the same answer; only whole documents are duplicates
            duplicate = None
            if source.kind != "survey_response":
                duplicate = added_digests.get(digest) or known.digests.get(digest)
            if duplicate is not None:
                skipped.append(f"{source.name} has the same text as {duplicate!r}")
                continue
            name = known.free_name(source.name[:480], also_taken=added_names)
            result = connection.execute(
                _INSERT.returning(_SOURCES.c.id) if source.segments else _INSERT,
                {
                    "project_id": project_id,
                    "guid": new_guid(),
                    "name": name,
                    "kind": source.kind,
                    "media_type": source.media_type,
                    "text": source.text,
                    "length": len(source.text),
                    "sha256": digest,
                    "original_name": original,
                    "segmented": bool(source.segments),
                    "created_at": utcnow(),
                },
            )
            if source.segments:  # the importer found them (subtitle cues and voices): keep them
                source_id = result.scalar_one()
                bulk_insert(
                    connection,
                    SEGMENTS,
                    ("source_id", "kind", "start", "end", "speaker"),
                    [(source_id, g.kind, g.start, g.end, g.speaker) for g in source.segments],
                )
            names.append(name)
            added_names.add(name)
            added_digests[digest] = name
        if actor is not None and names:
            project_name = connection.scalar(select(Project.name).where(Project.id == project_id))
            connection.execute(
                insert(AuditEvent).values(
                    at=utcnow(),
                    actor=actor[:200],
                    action="source.import",
                    project_id=project_id,
                    project_name=project_name,
                    target=original[:500],
                    detail={"sources": names},
                )
            )
    known.names |= added_names
    known.digests.update(added_digests)
    return names, skipped


def _store_with_links(
    store: Store,
    project_id: int,
    imported: list[ImportedSource],
    original: str,
    partnership_id: int | None,
    actor: str | None,
) -> tuple[list[str], list[str]]:
    """Sources with variables (surveys) or a partnership: through the ORM session."""
    names: list[str] = []
    skipped: list[str] = []
    with store.transaction() as session:
        project = session.get(Project, project_id)
        if project is None:
            raise InvalidInput("the project was deleted during the import")
        partnership = session.get(Partnership, partnership_id) if partnership_id else None
        for source in imported:
            duplicate = (
                session.scalar(
                    select(Source.name).where(
                        Source.project_id == project_id, Source.sha256 == _digest(source.text)
                    )
                )
                if source.kind != "survey_response"
                else None
            )
            if duplicate is not None:
                skipped.append(f"{source.name} has the same text as {duplicate!r}")
                continue
            stored = add_source(
                session, project, source, original_name=original, partnership=partnership
            )
            names.append(stored.name)
        if actor is not None and names:
            detail: dict[str, Any] = {"sources": names}
            if partnership is not None:
                detail["partnership"] = partnership.name
            record(
                session,
                actor,
                "source.import",
                project=project,
                target=original,
                detail=detail,
            )
    return names, skipped


def import_files(
    store: Store,
    project_name: str,
    paths: Sequence[str | Path],
    *,
    limits: ImportLimits | None = None,
    text_column: str | None = None,
    partnership: str | None = None,
    progress: Progress | None = None,
    reported: Callable[[FileResult], None] | None = None,
    actor: str | None = None,
) -> ImportReport:
    """Import each file in its own transaction; a refused file leaves nothing behind.

    ``reported`` hears each file's result as soon as its transaction has committed, so a caller
    can tell people which files are safely stored even if the import is then interrupted.
    A full disk stops the import with :class:`StorageFull`: the file being stored is rolled
    back, the files reported before it are stored whole. With ``actor`` (the web
    application's imports), each file's sources are written to the audit log in the file's
    own transaction."""
    limits = limits or ImportLimits()
    with store.reading() as session:  # fail early, before any file, on a wrong name
        project = get_project(session, project_name)
        project_id = project.id
        partnership_id = find_partnership(session, project, partnership).id if partnership else None
    with store.engine.connect() as connection:
        return _import_all(
            store,
            connection,
            project_name,
            project_id,
            paths,
            limits=limits,
            text_column=text_column,
            partnership_id=partnership_id,
            progress=progress,
            reported=reported,
            actor=actor,
        )


def _import_all(
    store: Store,
    connection: Connection,
    project_name: str,
    project_id: int,
    paths: Sequence[str | Path],
    *,
    limits: ImportLimits,
    text_column: str | None,
    partnership_id: int | None,
    progress: Progress | None,
    reported: Callable[[FileResult], None] | None,
    actor: str | None,
) -> ImportReport:
    from collabmap.store.exchange import import_refi  # exchange builds on this module

    routed = [(path, is_refi(path)) for path in map(Path, paths)]  # one look at each file
    documents = [path for path, refi in routed if not refi]
    parsed = read_files(documents, limits=limits, text_column=text_column, segment=False)
    known = _Known.load(connection, project_id)
    results: list[FileResult] = []
    try:  # the readers' processes stop with the loop, not whenever the collector runs
        for done, (path, refi) in enumerate(routed, start=1):
            try:
                if refi:
                    results.append(
                        import_refi(store, project_name, path, limits=limits, actor=actor)
                    )
                    known.refresh(connection, project_id)
                else:
                    parsed_path, outcome = next(parsed)
                    assert parsed_path == path
                    if isinstance(outcome, ImportRefused):
                        raise outcome
                    results.append(
                        _import_one(
                            store,
                            connection,
                            project_id,
                            path,
                            outcome,
                            partnership_id=partnership_id,
                            known=known,
                            actor=actor,
                        )
                    )
            except ImportRefused as exc:
                results.append(FileResult(str(path), "refused", [], exc.problem))
            except StorageFull:
                raise  # no later file would fit either; the files reported so far are stored
            except CollabmapError as exc:  # a clash, or the store failed: go on with the next file
                results.append(FileResult(str(path), "refused", [], str(exc)))
            if reported is not None:
                reported(results[-1])
            if progress is not None:
                progress(done, len(routed), path.name)
    finally:
        parsed.close()  # type: ignore[attr-defined]  # a generator, typed as its Iterator
    return ImportReport(results)
