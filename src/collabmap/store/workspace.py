"""What the coding workspace reads: a project's sources with their counts, and one source
ready to read and code — its reading blocks (speaker turns or paragraphs), codings,
suggestions, memos and the code tree — gathered in a handful of queries.

The workspace opens a 6,000-word transcript with hundreds of codings in well under a second,
so nothing here reads per coding or per segment: each table is read once per view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collabmap.store._engine import Store
from collabmap.store.coding import CodingInfo, code_paths, coding_infos
from collabmap.store.models import Code, Coder, Coding, Memo, Segment, Source
from collabmap.store.projects import find_source, get_project
from collabmap.store.segments import ensure_segments

__all__ = [
    "Block",
    "CodeOption",
    "MemoInfo",
    "SourceSummary",
    "Workspace",
    "code_options",
    "coding_source",
    "list_sources",
    "open_source",
]


@dataclass(frozen=True)
class SourceSummary:
    name: str
    kind: str
    length: int
    codings: int
    suggestions: int
    memos: int
    created_at: datetime


def list_sources(store: Store, project_name: str, *, name: str = "") -> list[SourceSummary]:
    """The project's sources by name (those whose name contains ``name``, ignoring case), each
    with its accepted codings, suggestions waiting for review and memos."""
    with store.reading() as session:
        project = get_project(session, project_name)
        query = select(Source.id, Source.name, Source.kind, Source.length, Source.created_at).where(
            Source.project_id == project.id
        )
        if name.strip():
            pattern = "%" + name.strip().lower().replace("\\", "\\\\").replace("%", "\\%") + "%"
            query = query.where(func.lower(Source.name).like(pattern, escape="\\"))
        rows = list(session.execute(query.order_by(Source.name)))
        counts: dict[tuple[int, str], int] = {}
        for source_id, status, count in session.execute(
            select(Coding.source_id, Coding.status, func.count())
            .where(Coding.project_id == project.id)
            .group_by(Coding.source_id, Coding.status)
        ):
            counts[source_id, status] = count
        memos = dict(
            session.execute(
                select(Memo.source_id, func.count())
                .where(Memo.project_id == project.id, Memo.source_id.is_not(None))
                .group_by(Memo.source_id)
            ).all()
        )
        return [
            SourceSummary(
                name=row.name,
                kind=row.kind,
                length=row.length,
                codings=counts.get((row.id, "accepted"), 0),
                suggestions=counts.get((row.id, "suggested"), 0),
                memos=memos.get(row.id, 0),
                created_at=row.created_at,
            )
            for row in rows
        ]


@dataclass(frozen=True)
class Block:
    """A unit of reading: a speaker turn (with its speaker) or a paragraph."""

    segment_id: int
    start: int
    end: int
    speaker: str | None


@dataclass(frozen=True)
class MemoInfo:
    id: int
    title: str
    text: str
    author: str | None
    coding_id: int | None
    version: int
    created_at: datetime
    updated_by: str | None
    updated_at: datetime | None


@dataclass(frozen=True)
class CodeOption:
    """A code as a coder picks it: its path, its group (the top of its path), whether it can
    be applied (groups cannot), and its depth in the tree."""

    path: str
    name: str
    group: str
    codable: bool
    depth: int
    concept: str | None


@dataclass(frozen=True)
class Workspace:
    project: str
    source: str
    kind: str
    text: str
    blocks: list[Block]
    codings: list[CodingInfo]
    """Accepted codings and suggestions waiting for review, in reading order (rejected
    suggestions are left out: they stay in the store so they are never suggested again)."""
    memos: list[MemoInfo]
    codes: list[CodeOption]

    @property
    def speakers(self) -> list[str]:
        seen: dict[str, None] = {}
        for block in self.blocks:
            if block.speaker:
                seen.setdefault(block.speaker)
        return list(seen)

    @property
    def suggestions(self) -> list[CodingInfo]:
        """Suggestions waiting for review, most confident first."""
        waiting = [c for c in self.codings if c.status == "suggested"]
        return sorted(waiting, key=lambda c: (-(c.confidence or 0), c.start, c.id))


def code_options(session_codes: list[Code]) -> list[CodeOption]:
    """The code tree in order (siblings by position), each code with its path and depth."""
    paths = code_paths(session_codes)
    children: dict[int | None, list[Code]] = {}
    for code in session_codes:
        children.setdefault(code.parent_id, []).append(code)
    ordered: list[CodeOption] = []

    def walk(parent: int | None, depth: int) -> None:
        for code in sorted(children.get(parent, []), key=lambda c: (c.position, c.id)):
            path = paths[code.id]
            ordered.append(
                CodeOption(
                    path, code.name, path.split("/", 1)[0], code.is_codable, depth, code.concept
                )
            )
            walk(code.id, depth + 1)

    walk(None, 0)
    return ordered


def open_source(store: Store, project_name: str, source_name: str) -> Workspace:
    """Everything the workspace shows for one source (segmenting it first if it is new)."""
    with store.reading() as session:
        project = get_project(session, project_name)
        source = find_source(session, project, source_name)
        needs_segments = not source.segmented
        source_id = source.id
    if needs_segments:
        with store.transaction() as session:
            ensure_segments(session, [source_id])
    with store.reading() as session:
        project = get_project(session, project_name)
        source = find_source(session, project, source_name)
        kind = "speaker_turn" if source.kind == "transcript" else "paragraph"
        blocks = [
            Block(row.id, row.start, row.end, row.speaker)
            for row in session.execute(
                select(Segment.id, Segment.start, Segment.end, Segment.speaker)
                .where(Segment.source_id == source.id, Segment.kind == kind)
                .order_by(Segment.start, Segment.id)
            )
        ]
        if not blocks and source.text.strip():
            blocks = _paragraph_blocks(session, source.id)
        codings = list(
            session.scalars(
                select(Coding)
                .where(Coding.source_id == source.id, Coding.status != "rejected")
                .order_by(Coding.start, Coding.end, Coding.id)
            )
        )
        coders = dict(session.execute(select(Coder.id, Coder.name)).all())
        memos = [
            MemoInfo(
                m.id,
                m.title,
                m.text,
                coders.get(m.coder_id) if m.coder_id is not None else None,
                m.coding_id,
                m.version,
                m.created_at,
                m.updated_by,
                m.updated_at,
            )
            for m in session.scalars(
                select(Memo).where(Memo.source_id == source.id).order_by(Memo.id)
            )
        ]
        codes = list(session.scalars(select(Code).where(Code.project_id == project.id)))
        return Workspace(
            project=project.name,
            source=source.name,
            kind=source.kind,
            text=source.text,
            blocks=blocks,
            codings=coding_infos(session, codings),
            memos=memos,
            codes=code_options(codes),
        )


def _paragraph_blocks(session: Session, source_id: int) -> list[Block]:
    """A transcript whose turns were not found falls back to its paragraphs."""
    return [
        Block(row.id, row.start, row.end, None)
        for row in session.execute(
            select(Segment.id, Segment.start, Segment.end)
            .where(Segment.source_id == source_id, Segment.kind == "paragraph")
            .order_by(Segment.start, Segment.id)
        )
    ]


def coding_source(store: Store, project_name: str, coding_id: int) -> str | None:
    """The name of the source a coding of the project is on (None: no such coding)."""
    with store.reading() as session:
        project = get_project(session, project_name)
        return session.scalar(
            select(Source.name)
            .join(Coding, Coding.source_id == Source.id)
            .where(Coding.id == coding_id, Coding.project_id == project.id)
        )
