"""The pages: server-rendered GOV.UK-styled HTML, one module per area."""

from __future__ import annotations

from fastapi import APIRouter

from collabmap.web.pages import account, partnerships, projects
from collabmap.web.pages.audit import router as audit_router
from collabmap.web.pages.members import router as members_router

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
router.include_router(account.router)
router.include_router(projects.router)
router.include_router(partnerships.router)
router.include_router(members_router)
router.include_router(audit_router)
