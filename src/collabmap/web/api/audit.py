"""A project's audit log, for its owners: who changed what, and when, newest first."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from collabmap.store.audit import AUDIT_PAGE_SIZE, audit_page
from collabmap.web.api._common import ProjectMember, problems

router = APIRouter(prefix="/projects/{project}/audit", tags=["audit"])


class AuditEventOut(BaseModel):
    at: datetime = Field(description="When (UTC).")
    actor: str = Field(description="Who: a user name, or `command line (…)`.")
    action: str = Field(description="What, e.g. `partnership.update`, `member.set`.")
    target: str | None = Field(description="What it was done to: a partnership, a user …")
    detail: dict[str, Any] = Field(description="Particulars, e.g. the fields that changed.")


class AuditLog(BaseModel):
    items: list[AuditEventOut]
    total: int
    page: int = Field(description="This page (a page past the end gives the last).")
    pages: int
    per_page: int


@router.get("", summary="Read the audit log", responses=problems(401, 403, 404))
def read_audit(
    who: ProjectMember,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = AUDIT_PAGE_SIZE,
) -> AuditLog:
    """The project's events, newest first, a page at a time."""
    who.require("read_audit")
    found = audit_page(who.store, who.project, page=page, per_page=per_page)
    return AuditLog(
        items=[
            AuditEventOut(
                at=entry.at.replace(tzinfo=UTC),  # stored as naive UTC
                actor=entry.actor,
                action=entry.action,
                target=entry.target,
                detail=entry.detail,
            )
            for entry in found.entries
        ],
        total=found.total,
        page=found.page,
        pages=found.pages,
        per_page=found.per_page,
    )
