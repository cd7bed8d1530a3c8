"""The audit log: who changed what, and when.

Every change made through the web application, and every account change, is recorded in the
same transaction as the change itself, so the log never claims a change that was rolled back
and never misses one that was kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collabmap.store._engine import Store
from collabmap.store.models import AuditEvent, Project

__all__ = ["AUDIT_PAGE_SIZE", "AuditEntry", "AuditPage", "audit_page", "project_log", "record"]

AUDIT_PAGE_SIZE = 50
"""Events on one page of a project's audit log."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    target: str | None
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AuditPage:
    """One page of a project's audit log, newest first: ``page`` counts from 1 and is
    clamped to ``pages`` (at least 1, even for an empty log)."""

    entries: list[AuditEntry]
    total: int
    page: int
    pages: int
    per_page: int


def record(
    session: Session,
    actor: str,
    action: str,
    *,
    project: Project | None = None,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one event to the log, inside the caller's transaction."""
    session.add(
        AuditEvent(
            actor=actor[:200],
            action=action,
            project_id=project.id if project else None,
            project_name=project.name if project else None,
            target=target[:500] if target else None,
            detail=detail,
        )
    )


def project_log(store: Store, project_name: str, *, limit: int = 500) -> list[AuditEntry]:
    """The newest events of one project first (including those of its deleted partnerships)."""
    from collabmap.store.projects import get_project

    with store.reading() as session:
        project = get_project(session, project_name)
        rows = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.project_id == project.id)
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        )
        return [
            AuditEntry(row.at, row.actor, row.action, row.target, row.detail or {}) for row in rows
        ]


def audit_page(
    store: Store, project_name: str, *, page: int = 1, per_page: int = AUDIT_PAGE_SIZE
) -> AuditPage:
    """One page of the project's events, newest first, and how many there are in all.

    Ordered by id, not time, so events recorded within the same clock tick keep the order
    they happened in; a page past the end gives the last page rather than nothing.
    """
    from collabmap.store.projects import get_project

    per_page = max(1, min(per_page, 500))
    with store.reading() as session:
        project = get_project(session, project_name)
        where = AuditEvent.project_id == project.id
        total = int(session.scalar(select(func.count()).where(where)) or 0)
        pages = max(1, -(-total // per_page))
        page = max(1, min(page, pages))
        rows = session.scalars(
            select(AuditEvent)
            .where(where)
            .order_by(AuditEvent.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
        entries = [
            AuditEntry(row.at, row.actor, row.action, row.target, row.detail or {}) for row in rows
        ]
    return AuditPage(entries, total, page, pages, per_page)
