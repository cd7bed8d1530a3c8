"""Coding: applying a code to a span or segment, removing it, reviewing suggestions, memos."""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from collabmap.errors import AlreadyExists, EditConflict, InvalidInput, UnknownName
from collabmap.evidence.model import CODING_STATUSES
from collabmap.store._engine import Store
from collabmap.store.audit import record
from collabmap.store.models import AuditEvent, Code, Coder, Coding, Memo, Project, Segment, utcnow
from collabmap.store.projects import (
    find_source,
    get_coder,
    get_project,
    new_guid,
    source_texts,
)

__all__ = [
    "CodeInfo",
    "CodingChanged",
    "CodingInfo",
    "MemoChanged",
    "add_code",
    "apply_code",
    "code_paths",
    "coding_info",
    "coding_infos",
    "edit_memo",
    "find_code",
    "get_coding",
    "list_codes",
    "list_codings",
    "project_code_paths",
    "remove_coding",
    "review_coding",
    "write_memo",
]


@dataclass(frozen=True)
class CodingInfo:
    """A coding as people read it: the code's path, the quoted text, who and how."""

    id: int
    source: str
    code: str
    start: int
    end: int
    text: str
    coder: str
    origin: str
    status: str
    confidence: float | None
    version: int = 1
    changed_by: str | None = None
    changed_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "code": self.code,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "coder": self.coder,
            "origin": self.origin,
            "status": self.status,
            "confidence": self.confidence,
            "version": self.version,
        }


class CodingChanged(EditConflict):
    """Removing or reviewing a coding that someone else changed or removed since it was shown.

    ``by`` and ``at`` say who did, and when, when that is known, so the page can say so."""

    def __init__(self, message: str, *, by: str | None = None, at: datetime | None = None):
        self.by = by
        self.at = at
        super().__init__(message)


class MemoChanged(EditConflict):
    """Editing a memo that someone else edited since it was opened: nothing was saved, and
    their version (``title``, ``text``, ``version``) travels with the error so that both
    can be shown side by side."""

    def __init__(self, memo_id: int, title: str, text: str, version: int, by: str, at: datetime):
        self.memo_id = memo_id
        self.title = title
        self.text = text
        self.version = version
        self.by = by
        self.at = at
        super().__init__(
            f"{by} changed this memo at {at:%H:%M} (UTC) since you opened it; nothing was "
            "saved — compare yours and theirs, then save again"
        )


def code_paths(codes: list[Code]) -> dict[int, str]:
    """Every code's path, computed in memory from one list of the project's codes."""
    by_id = {c.id: c for c in codes}
    paths: dict[int, str] = {}

    def path(code: Code) -> str:
        if code.id not in paths:
            parent = by_id.get(code.parent_id) if code.parent_id is not None else None
            paths[code.id] = f"{path(parent)}/{code.name}" if parent else code.name
        return paths[code.id]

    for code in codes:
        path(code)
    return paths


def project_code_paths(session: Session, project_id: int) -> dict[int, str]:
    """Every code of the project by id, as its path (``Activities/Co-design``)."""
    return code_paths(list(session.scalars(select(Code).where(Code.project_id == project_id))))


def find_code(session: Session, project: Project, ref: str) -> Code:
    """A code by framework concept (``activity:co_design``), path (``Activities/Co-design``)
    or name, if the name is unique in the project."""
    codes = list(session.scalars(select(Code).where(Code.project_id == project.id)))
    paths = code_paths(codes)
    for code in codes:
        if code.concept == ref:
            return code
    for code in codes:
        if paths[code.id] == ref:
            return code
    by_name = [c for c in codes if c.name.casefold() == ref.casefold()]
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        choices = ", ".join(sorted(paths[c.id] for c in by_name))
        raise InvalidInput(f"the code name {ref!r} is ambiguous; use its path: {choices}")
    raise UnknownName(
        "code",
        ref,
        sorted({*(c.concept for c in codes if c.concept), *paths.values()}),
        listing=f"`collabmap codes {shlex.quote(project.name)}` lists them",
    )


def coding_infos(session: Session, codings: Sequence[Coding]) -> list[CodingInfo]:
    """The codings as people read them, in the order given.

    Code paths and coder names are read once, and each source's text once, however many
    codings there are (listing thousands of codings stays a handful of queries).
    """
    if not codings:
        return []
    paths = project_code_paths(session, codings[0].project_id)
    coders = dict(session.execute(select(Coder.id, Coder.name)).all())
    sources = source_texts(session, {c.source_id for c in codings})
    infos = []
    for coding in codings:
        name, text = sources[coding.source_id]
        infos.append(
            CodingInfo(
                id=coding.id,
                source=name,
                code=paths[coding.code_id],
                start=coding.start,
                end=coding.end,
                text=text[coding.start : coding.end],
                coder=coders[coding.coder_id],
                origin=coding.origin,
                status=coding.status,
                confidence=coding.confidence,
                version=coding.version,
                changed_by=coding.changed_by,
                changed_at=coding.changed_at,
            )
        )
    return infos


def coding_info(session: Session, coding: Coding) -> CodingInfo:
    """One coding as people read it (see :func:`coding_infos` for many)."""
    return coding_infos(session, [coding])[0]


def _check_status(status: str) -> None:
    if status not in CODING_STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(CODING_STATUSES)}; got {status!r}")


def apply_code(
    store: Store,
    project_name: str,
    source_name: str,
    code_ref: str,
    *,
    start: int | None = None,
    end: int | None = None,
    segment_id: int | None = None,
    quote: str | None = None,
    coder: str = "analyst",
    origin: str = "person",
    confidence: float | None = None,
    status: str = "accepted",
    actor: str | None = None,
) -> CodingInfo:
    """Apply a code to a span given by offsets, by a segment, or by an exact quotation.

    With ``actor`` (the web application), the coding is written to the audit log in the same
    transaction."""
    if origin not in {"person", "machine"}:
        raise InvalidInput(f"origin must be person or machine; got {origin!r}")
    _check_status(status)
    if confidence is not None and not 0 <= confidence <= 1:
        raise InvalidInput(f"confidence must be between 0 and 1; got {confidence}")
    ways = [start is not None or end is not None, segment_id is not None, quote is not None]
    if sum(ways) != 1:
        raise InvalidInput("give exactly one of: --start and --end, --segment, or --quote")
    if ways[0] and (start is None or end is None):
        raise InvalidInput("give both --start and --end")
    with store.transaction() as session:
        project = get_project(session, project_name)
        source = find_source(session, project, source_name)
        code = find_code(session, project, code_ref)
        if not code.is_codable:
            group = project_code_paths(session, project.id)[code.id]
            raise InvalidInput(f"{group!r} is a group; apply one of its codes")
        if segment_id is not None:
            segment = session.get(Segment, segment_id)
            if segment is None or segment.source_id != source.id:
                raise UnknownName(f"segment of {source.name!r}", str(segment_id), None)
            start, end = segment.start, segment.end
        elif quote is not None:
            first = source.text.find(quote)
            if not quote or first < 0:
                raise InvalidInput(f"the quotation does not occur in {source.name!r}")
            if source.text.find(quote, first + 1) >= 0:
                raise InvalidInput(
                    f"the quotation occurs more than once in {source.name!r}; give offsets"
                )
            start, end = first, first + len(quote)
        assert start is not None and end is not None
        if not 0 <= start < end <= source.length:
            raise InvalidInput(
                f"the span {start}–{end} is outside {source.name!r} (0–{source.length})"
            )
        person = get_coder(session, coder, kind="machine" if origin == "machine" else "person")
        coding = Coding(
            project_id=project.id,
            guid=new_guid(),
            source_id=source.id,
            code_id=code.id,
            segment_id=segment_id,
            start=start,
            end=end,
            coder_id=person.id,
            origin=origin,
            confidence=confidence,
            status=status,
        )
        session.add(coding)
        session.flush()
        info = coding_info(session, coding)
        if actor is not None:
            record(
                session,
                actor,
                "coding.add",
                project=project,
                target=f"coding {coding.id}",
                detail={"source": source.name, "code": info.code, "start": start, "end": end},
            )
        return info


def get_coding(session: Session, project: Project, coding_id: int) -> Coding:
    coding = session.get(Coding, coding_id)
    if coding is None or coding.project_id != project.id:
        raise UnknownName(f"coding in {project.name!r}", str(coding_id), None)
    return coding


def _current(session: Session, project: Project, coding_id: int, version: int | None) -> Coding:
    """The coding to change, refusing when it changed or went since ``version`` was read
    (locked until the change commits, so a concurrent change cannot pass the same check)."""
    coding = session.get(Coding, coding_id, with_for_update=True)
    if coding is None or coding.project_id != project.id:
        if version is None:
            raise UnknownName(f"coding in {project.name!r}", str(coding_id), None)
        gone = session.scalar(
            select(AuditEvent)
            .where(
                AuditEvent.project_id == project.id,
                AuditEvent.action == "coding.remove",
                AuditEvent.target == f"coding {coding_id}",
            )
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
        if gone is not None:
            raise CodingChanged(
                f"{gone.actor} removed this coding at {gone.at:%H:%M} (UTC) since the page "
                "was shown; nothing was changed",
                by=gone.actor,
                at=gone.at,
            )
        raise CodingChanged("this coding was removed since the page was shown; nothing was changed")
    if version is not None and coding.version != version:
        by, at = coding.changed_by or "someone", coding.changed_at or coding.created_at
        raise CodingChanged(
            f"{by} marked this coding {coding.status} at {at:%H:%M} (UTC) since the page was "
            "shown; nothing was changed — it is shown as it is now",
            by=coding.changed_by,
            at=coding.changed_at,
        )
    return coding


def remove_coding(
    store: Store,
    project_name: str,
    coding_id: int,
    *,
    version: int | None = None,
    actor: str | None = None,
) -> None:
    """Remove a coding. With ``version`` (the one the remover saw), a coding someone reviewed
    or removed meanwhile is refused with :class:`CodingChanged`; with ``actor``, the removal
    is audited."""
    with store.transaction() as session:
        project = get_project(session, project_name)
        coding = _current(session, project, coding_id, version)
        if actor is not None:
            info = coding_info(session, coding)
            record(
                session,
                actor,
                "coding.remove",
                project=project,
                target=f"coding {coding_id}",
                detail={
                    "source": info.source,
                    "code": info.code,
                    "start": info.start,
                    "end": info.end,
                    "coder": info.coder,
                },
            )
        session.delete(coding)


def review_coding(
    store: Store,
    project_name: str,
    coding_id: int,
    status: str,
    *,
    version: int | None = None,
    actor: str | None = None,
) -> CodingInfo:
    """Accept or reject a (machine) suggestion. With ``version``, a decision about a coding
    someone else reviewed or removed meanwhile is refused (:class:`CodingChanged`); with
    ``actor``, the decision is recorded on the coding and in the audit log."""
    _check_status(status)
    with store.transaction() as session:
        project = get_project(session, project_name)
        coding = _current(session, project, coding_id, version)
        coding.status = status
        coding.version += 1
        if actor is not None:
            coding.changed_by = actor
            coding.changed_at = utcnow()
        session.flush()
        info = coding_info(session, coding)
        if actor is not None:
            record(
                session,
                actor,
                {"accepted": "coding.accept", "rejected": "coding.reject"}.get(
                    status, "coding.review"
                ),
                project=project,
                target=f"coding {coding_id}",
                detail={"source": info.source, "code": info.code, "origin": info.origin},
            )
        return info


def list_codings(
    store: Store,
    project_name: str,
    *,
    source: str | None = None,
    code: str | None = None,
    status: str | None = None,
) -> list[CodingInfo]:
    if status is not None:
        _check_status(status)
    with store.reading() as session:
        project = get_project(session, project_name)
        query = select(Coding).where(Coding.project_id == project.id)
        if source is not None:
            query = query.where(Coding.source_id == find_source(session, project, source).id)
        if code is not None:
            query = query.where(Coding.code_id == find_code(session, project, code).id)
        if status is not None:
            query = query.where(Coding.status == status)
        if status == "suggested":  # review the most confident suggestions first
            query = query.order_by(Coding.confidence.desc(), Coding.source_id, Coding.start)
        else:
            query = query.order_by(Coding.source_id, Coding.start, Coding.id)
        return coding_infos(session, list(session.scalars(query)))


def write_memo(
    store: Store,
    project_name: str,
    title: str,
    text: str,
    *,
    coder: str = "analyst",
    source: str | None = None,
    code: str | None = None,
    coding: int | None = None,
    actor: str | None = None,
) -> int:
    """A memo about the project, or about one source, code or coding; returns its id."""
    _check_memo(title, text)
    with store.transaction() as session:
        project = get_project(session, project_name)
        about = get_coding(session, project, coding) if coding is not None else None
        memo = Memo(
            project_id=project.id,
            guid=new_guid(),
            title=title.strip(),
            text=text,
            coder_id=get_coder(session, coder).id,
            source_id=(
                find_source(session, project, source).id
                if source
                else (about.source_id if about else None)
            ),
            code_id=find_code(session, project, code).id if code else None,
            coding_id=about.id if about else None,
        )
        session.add(memo)
        session.flush()
        if actor is not None:
            record(
                session,
                actor,
                "memo.write",
                project=project,
                target=f"memo {memo.id}",
                detail={"title": memo.title},
            )
        return memo.id


_MAX_MEMO = 100_000


def _check_memo(title: str, text: str) -> None:
    if not title.strip() or len(title) > 300:
        raise InvalidInput("a memo title must have 1 to 300 characters")
    if len(text) > _MAX_MEMO:
        raise InvalidInput(f"a memo must have {_MAX_MEMO:,} characters or fewer")


def edit_memo(
    store: Store,
    project_name: str,
    memo_id: int,
    title: str,
    text: str,
    *,
    version: int,
    actor: str,
) -> int:
    """Change a memo's title and text, if it is still at ``version`` (the one the editor
    opened); otherwise refuse with :class:`MemoChanged`, carrying the other edit. Returns the
    new version."""
    _check_memo(title, text)
    with store.transaction() as session:
        project = get_project(session, project_name)
        memo = session.get(Memo, memo_id, with_for_update=True)  # held until committed
        if memo is None or memo.project_id != project.id:
            raise UnknownName(f"memo in {project.name!r}", str(memo_id), None)
        if memo.version != version:
            raise MemoChanged(
                memo.id,
                memo.title,
                memo.text,
                memo.version,
                memo.updated_by or "someone",
                memo.updated_at or memo.created_at,
            )
        memo.title = title.strip()
        memo.text = text
        memo.version += 1
        memo.updated_by = actor
        memo.updated_at = utcnow()
        record(
            session,
            actor,
            "memo.edit",
            project=project,
            target=f"memo {memo.id}",
            detail={"title": memo.title, "version": memo.version},
        )
        return memo.version


def add_code(
    store: Store,
    project_name: str,
    path: str,
    *,
    description: str | None = None,
    color: str | None = None,
) -> str:
    """Add the team's own code at ``path`` (``Activities/Peer support``); parents must exist.

    Returns the new code's path. A code whose name is already taken under that parent is
    refused, so the tree never holds two codes a coder cannot tell apart.
    """
    parts = [part.strip() for part in path.split("/")]
    if not all(parts) or any(len(part) > 300 for part in parts):
        raise InvalidInput(f"{path!r} is not a code path (names separated by '/')")
    if color is not None and not re.fullmatch(r"#[0-9A-Fa-f]{6}", color):
        raise InvalidInput(f"a colour is written #RRGGBB; got {color!r}")
    with store.transaction() as session:
        project = get_project(session, project_name)
        codes = list(session.scalars(select(Code).where(Code.project_id == project.id)))
        paths = code_paths(codes)
        by_path = {paths[c.id]: c for c in codes}
        parent_path = "/".join(parts[:-1])
        parent = by_path.get(parent_path) if parent_path else None
        if parent_path and parent is None:
            raise UnknownName(
                "parent code", parent_path, sorted(p for p in by_path if "/" not in p)
            )
        full = "/".join(parts)
        siblings = [c for c in codes if c.parent_id == (parent.id if parent else None)]
        if any(c.name.casefold() == parts[-1].casefold() for c in siblings):
            raise AlreadyExists("code", full)  # names are matched ignoring case
        session.add(
            Code(
                project_id=project.id,
                guid=new_guid(),
                parent_id=parent.id if parent else None,
                name=parts[-1],
                description=description,
                color=color.upper() if color else None,
                origin="team",
                position=len(siblings),
            )
        )
    return full


@dataclass(frozen=True)
class CodeInfo:
    path: str
    concept: str | None
    origin: str
    codings: int
    description: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "concept": self.concept,
            "origin": self.origin,
            "codings": self.codings,
            "description": self.description,
        }


def list_codes(store: Store, project_name: str) -> list[CodeInfo]:
    """The project's code tree in order, each code with how many accepted codings it has."""
    with store.reading() as session:
        project = get_project(session, project_name)
        codes = list(session.scalars(select(Code).where(Code.project_id == project.id)))
        paths = code_paths(codes)
        counts: dict[int, int] = {}
        for code_id in session.scalars(
            select(Coding.code_id).where(
                Coding.project_id == project.id, Coding.status == "accepted"
            )
        ):
            counts[code_id] = counts.get(code_id, 0) + 1
        by_parent: dict[int | None, list[Code]] = {}
        for code in codes:
            by_parent.setdefault(code.parent_id, []).append(code)
        ordered: list[Code] = []

        def walk(parent: int | None) -> None:
            for code in sorted(by_parent.get(parent, []), key=lambda c: (c.position, c.id)):
                ordered.append(code)
                walk(code.id)

        walk(None)
        return [
            CodeInfo(paths[c.id], c.concept, c.origin, counts.get(c.id, 0), c.description)
            for c in ordered
        ]
