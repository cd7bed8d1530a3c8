"""Projects: the signed-in user's, and new ones (whose creator becomes their owner)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from collabmap.errors import UnknownName
from collabmap.store.projects import create_project
from collabmap.web._context import Visitor, visitor
from collabmap.web._data import ProjectCard, user_projects
from collabmap.web.api._common import Changing, ProjectMember, Role, problems

router = APIRouter(prefix="/projects", tags=["projects"])


class ProjectOut(BaseModel):
    name: str
    role: Role = Field(description="The signed-in user's role in the project.")
    description: str | None
    partnerships: int | None = Field(
        description="How many partnerships the project holds (null for a respondent)."
    )
    sources: int | None = Field(
        description="How many documents, transcripts and surveys it holds (null for a respondent)."
    )


class NewProject(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200, description="A name not already taken.")
    description: str | None = Field(None, max_length=5000)


def _out(card: ProjectCard) -> ProjectOut:
    return ProjectOut(
        name=card.name,
        role=card.role,
        description=card.description,
        partnerships=card.partnerships,
        sources=card.sources,
    )


def _card(who: Visitor, name: str) -> ProjectCard:
    for card in user_projects(who.store, who.account().account.id):
        if card.name == name:
            return card
    raise UnknownName("project", name, None)


@router.get("", summary="My projects", responses=problems(401))
def list_projects(who: Annotated[Visitor, Depends(visitor)]) -> list[ProjectOut]:
    """The projects the signed-in user belongs to, by name, with their role in each."""
    return [_out(card) for card in user_projects(who.store, who.account().account.id)]


@router.post("", summary="Create a project", status_code=201, responses=problems(401, 403, 409))
def create(new: NewProject, who: Changing, response: Response) -> ProjectOut:
    """A new project with the framework's code tree; the signed-in user becomes its owner."""
    account = who.account().account
    created = create_project(
        who.store,
        new.name,
        description=(new.description or "").strip() or None,
        owner=account.name,
        actor=who.actor,
    )
    response.headers["Location"] = f"/api/projects/{quote(created.name, safe='')}"
    return _out(_card(who, created.name))


@router.get("/{project}", summary="One project", responses=problems(401, 404))
def read_project(who: ProjectMember) -> ProjectOut:
    """A project the signed-in user belongs to and may see, with their role (a respondent,
    who may only answer their assessment, is refused)."""
    who.require("view")
    return _out(_card(who.visitor, who.project))
