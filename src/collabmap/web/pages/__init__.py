"""The pages: server-rendered GOV.UK-styled HTML, one module per area."""

from __future__ import annotations

from fastapi import APIRouter

from collabmap.web.pages import (
    account,
    assessments,
    audit,
    compare,
    downloads,
    matrix,
    members,
    partnerships,
    projects,
    reports,
    respondents,
    sources,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
router.include_router(account.router)
router.include_router(projects.router)
router.include_router(partnerships.router)
router.include_router(assessments.router)
router.include_router(respondents.router)
router.include_router(members.router)
router.include_router(audit.router)
router.include_router(reports.router)
router.include_router(downloads.router)
router.include_router(sources.router)
router.include_router(matrix.router)
router.include_router(compare.router)
