"""A partnership's page: profile, classification with reasons, activities with the rhetoric
check, accountability flags with the article's questions, and the linked evidence."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from collabmap.web._context import Member, member
from collabmap.web._data import partnership_detail
from collabmap.web.pages._forms import page

router = APIRouter()


@router.get("/projects/{project}/partnerships/{name}")
def partnership_page(
    request: Request, name: str, who: Annotated[Member, Depends(member)], saved: bool = False
) -> Any:
    who.require("view")
    detail = partnership_detail(who.store, who.project, name)
    return page(
        request, "partnership.html", project=who.project, member=who, detail=detail, saved=saved
    )
