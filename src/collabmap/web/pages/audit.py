"""The project's audit log page, for owners: when, who, what, to what, and the particulars,
newest first, a page at a time."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from collabmap.store.audit import audit_page
from collabmap.web._context import Member, member
from collabmap.web.pages._forms import page

router = APIRouter()


def _detail(detail: dict[str, Any]) -> str:
    """The particulars in words: ``role: viewer; before: none``."""
    parts = []
    for key, value in detail.items():
        if value is None or value == []:
            value = "none"
        elif isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        parts.append(f"{key.replace('_', ' ')}: {value}")
    return "; ".join(parts)


@router.get("/projects/{project}/audit")
def audit_log_page(
    request: Request,
    who: Annotated[Member, Depends(member)],
    page_number: Annotated[int, Query(alias="page", ge=1, le=1_000_000)] = 1,
) -> Any:
    who.require("read_audit")
    found = audit_page(who.store, who.project, page=page_number)
    return page(
        request,
        "audit.html",
        project=who.project,
        member=who,
        log=found,
        details=[_detail(entry.detail) for entry in found.entries],
    )
