"""A project's members: list them, give a user a role, take it away (owners only).

The last owner can be neither removed nor given a lesser role, so every project keeps someone
who can manage it.
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from collabmap.store.accounts import add_member, list_members, remove_member
from collabmap.web.api._common import Changing, ProjectMember, Role, UserName, problems

router = APIRouter(prefix="/projects/{project}/members", tags=["members"])


class MemberOut(BaseModel):
    name: str = Field(description="The user name.")
    display_name: str
    role: Role


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role = Field(
        description="owner: everything, including members and the audit log; analyst: view,"
        " assess and edit; respondent: answer guided assessments only; viewer: view and"
        " download."
    )


def _members(who: ProjectMember) -> list[MemberOut]:
    return [
        MemberOut(name=account.name, display_name=account.display_name, role=role)
        for account, role in list_members(who.store, who.project)
    ]


@router.get("", summary="List members", responses=problems(401, 403, 404))
def read_members(who: ProjectMember) -> list[MemberOut]:
    """Everyone with a role in the project, by user name."""
    who.require("manage_members")
    return _members(who)


@router.put("/{user}", summary="Give a user a role", responses=problems(401, 403, 404))
def set_role(
    user: UserName, change: RoleChange, who: ProjectMember, changer: Changing
) -> MemberOut:
    """Make an existing user a member with this role, or change the role they have. Refused
    (422) when it would leave the project without an owner."""
    who.require("manage_members")
    add_member(who.store, who.project, user, change.role, actor=changer.actor)
    for found in _members(who):
        if found.name == user.strip().lower():
            return found
    raise AssertionError("a member just added is listed")  # pragma: no cover


@router.delete(
    "/{user}", summary="Remove a member", status_code=204, responses=problems(401, 403, 404)
)
def delete_member(user: UserName, who: ProjectMember, changer: Changing) -> Response:
    """Take the user's role away. Refused (422) for the project's last owner."""
    who.require("manage_members")
    remove_member(who.store, who.project, user, actor=changer.actor)
    return Response(status_code=204)
