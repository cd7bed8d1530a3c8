"""The JSON API under ``/api``: everything the pages do, described at ``/openapi.json``."""

from __future__ import annotations

from fastapi import APIRouter

from collabmap.web.api import (
    account,
    assessments,
    audit,
    charts,
    coding,
    downloads,
    matrix,
    members,
    partnerships,
    projects,
    reports,
    respondents,
    session,
)

__all__ = ["router"]

router = APIRouter(prefix="/api")
router.include_router(session.router)
router.include_router(account.router)
router.include_router(projects.router)
router.include_router(partnerships.router)
router.include_router(charts.router)
router.include_router(members.router)
router.include_router(audit.router)
router.include_router(assessments.router)
router.include_router(respondents.router)
router.include_router(reports.router)
router.include_router(coding.router)
router.include_router(matrix.router)
router.include_router(downloads.router)
