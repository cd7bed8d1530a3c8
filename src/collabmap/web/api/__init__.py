"""The JSON API under ``/api``: everything the pages do, described at ``/openapi.json``."""

from __future__ import annotations

from fastapi import APIRouter

from collabmap.web.api import assessments, matrix

__all__ = ["router"]

router = APIRouter(prefix="/api")
router.include_router(assessments.router)
router.include_router(matrix.router)
