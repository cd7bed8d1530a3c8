"""Is the store whole? A check of what the database itself cannot enforce.

Constraints guard each row, but some promises span rows: a source's text is whole (its stored
length and digest agree with it), every segment and coding lies inside its source's text, a
coding's segment, code and source belong together. After a crash, a full disk or a restore,
:func:`check_store` says whether those still hold; on SQLite it also runs the database's own
``integrity_check`` and ``foreign_key_check`` (PostgreSQL enforces foreign keys always).
It only reads, so it can run beside a working server.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from collabmap.store._engine import Store
from collabmap.store.models import Code, Coding, Memo, Project, Segment, Source

__all__ = ["Problem", "StoreSummary", "check_store", "summarise"]

_LISTED = 20
"""At most this many problems of one kind are listed; the rest are counted."""


@dataclass(frozen=True)
class Problem:
    """One broken promise: ``kind`` names the check, ``detail`` says where."""

    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


@dataclass(frozen=True)
class StoreSummary:
    """What the store holds, for the line `collabmap check` prints when all is well."""

    projects: int
    sources: int
    segments: int
    codings: int
    memos: int


def check_store(store: Store) -> list[Problem]:
    """Every problem found, in a fixed order; an empty list means the store is consistent."""
    problems: list[Problem] = []
    if store.dialect == "sqlite":
        problems += _sqlite_checks(store)
    with store.reading() as session:
        problems += _texts(session)
        problems += _spans(session)
        problems += _belonging(session)
    return problems


def summarise(store: Store) -> StoreSummary:
    """Counts of the main kinds of rows."""
    with store.reading() as session:

        def count(model: type) -> int:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

        return StoreSummary(
            count(Project), count(Source), count(Segment), count(Coding), count(Memo)
        )


def _listed(kind: str, details: list[str]) -> list[Problem]:
    problems = [Problem(kind, detail) for detail in details[:_LISTED]]
    if len(details) > _LISTED:
        problems.append(Problem(kind, f"… and {len(details) - _LISTED} more"))
    return problems


def _sqlite_checks(store: Store) -> list[Problem]:
    with store.engine.connect() as connection:
        integrity = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        connection.rollback()
    problems = [] if integrity == ["ok"] else _listed("database file", integrity)
    problems += _listed(
        "broken reference",
        [
            f"{table} row {rowid} points at a missing row of {parent}"
            for table, rowid, parent, _ in broken
        ],
    )
    return problems


def _texts(session: Session) -> list[Problem]:
    """A source's text is there and whole: its length and SHA-256 agree with what import
    recorded. Texts are read one at a time, so a large store needs little memory."""
    details: list[str] = []
    rows = session.execute(
        select(Source.id, Source.name, Source.text, Source.length, Source.sha256).execution_options(
            yield_per=200
        )
    )
    for source_id, name, body, length, digest in rows:
        if body is None:
            details.append(f"source {source_id} ({name!r}) has no text")
        elif len(body) != length:
            details.append(
                f"source {source_id} ({name!r}) holds {len(body)} characters, not {length}"
            )
        elif hashlib.sha256(body.encode("utf-8")).hexdigest() != digest:
            details.append(f"source {source_id} ({name!r}) does not match its digest")
    return _listed("source text", details)


def _spans(session: Session) -> list[Problem]:
    """Segments and codings lie inside their source's text."""
    outside_segments = session.execute(
        select(Segment.id, Source.name, Segment.start, Segment.end, Source.length)
        .join(Source, Source.id == Segment.source_id)
        .where((Segment.start < 0) | (Segment.end > Source.length) | (Segment.start > Segment.end))
        .order_by(Segment.id)
    ).all()
    outside_codings = session.execute(
        select(Coding.id, Source.name, Coding.start, Coding.end, Source.length)
        .join(Source, Source.id == Coding.source_id)
        .where((Coding.start < 0) | (Coding.end > Source.length) | (Coding.start > Coding.end))
        .order_by(Coding.id)
    ).all()
    return _listed(
        "segment outside its text",
        [
            f"segment {i} of {n!r} spans {s}–{e} of {length}"
            for i, n, s, e, length in outside_segments
        ],
    ) + _listed(
        "coding outside its text",
        [
            f"coding {i} on {n!r} spans {s}–{e} of {length}"
            for i, n, s, e, length in outside_codings
        ],
    )


def _belonging(session: Session) -> list[Problem]:
    """A coding's source and code are in its project, and its segment (if any) in its source."""
    coded_source = aliased(Source)
    segment = aliased(Segment)
    strays = session.execute(
        select(Coding.id, Coding.project_id, coded_source.project_id, Code.project_id)
        .join(coded_source, coded_source.id == Coding.source_id)
        .join(Code, Code.id == Coding.code_id)
        .where(
            (coded_source.project_id != Coding.project_id) | (Code.project_id != Coding.project_id)
        )
        .order_by(Coding.id)
    ).all()
    wrong_segment = session.execute(
        select(Coding.id, Coding.source_id, segment.source_id)
        .join(segment, segment.id == Coding.segment_id)
        .where(segment.source_id != Coding.source_id)
        .order_by(Coding.id)
    ).all()
    # rows whose parent is gone: PostgreSQL refuses them, SQLite too with foreign keys on, but
    # a store written with them off (an old tool, a manual edit) may hold some
    orphan_codings = session.scalars(
        select(Coding.id)
        .outerjoin(Source, Source.id == Coding.source_id)
        .where(Source.id.is_(None))
        .order_by(Coding.id)
    ).all()
    orphan_segments = session.scalars(
        select(Segment.id)
        .outerjoin(Source, Source.id == Segment.source_id)
        .where(Source.id.is_(None))
        .order_by(Segment.id)
    ).all()
    return (
        _listed(
            "coding in the wrong project",
            [
                f"coding {i} belongs to project {p}, its source to {sp}, its code to {cp}"
                for i, p, sp, cp in strays
            ],
        )
        + _listed(
            "coding on another source's segment",
            [f"coding {i} is on source {s}, its segment on {gs}" for i, s, gs in wrong_segment],
        )
        + _listed("coding without its source", [f"coding {i}" for i in orphan_codings])
        + _listed("segment without its source", [f"segment {i}" for i in orphan_segments])
    )
