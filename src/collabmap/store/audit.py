"""The audit log: who changed what, and when.

Every change made through the web application, and every account change, is recorded in the
same transaction as the change itself, so the log never claims a change that was rolled back
and never misses one that was kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from collabmap.store._engine import Store
from collabmap.store.models import AuditEvent, Project

__all__ = ["AuditEntry", "project_log", "record"]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    target: str | None
    detail: dict[str, Any]


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
