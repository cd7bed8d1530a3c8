"""The project's members page, for owners: who belongs with which role, giving a user a role,
and taking it away. Changes are audited by the store, each in its own transaction."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from collabmap.errors import InvalidInput, UnknownName
from collabmap.store.accounts import add_member, list_members, remove_member
from collabmap.store.models import ROLES
from collabmap.web._context import Member, member
from collabmap.web.pages._forms import page, read_form

router = APIRouter()

ROLE_CHOICES = [
    ("owner", "Owner", "Everything an analyst can do, and manage members and read the audit log"),
    ("analyst", "Analyst", "See, assess and change partnerships, and download reports"),
    ("respondent", "Respondent", "Answer guided assessments only"),
    ("viewer", "Viewer", "See partnerships and download reports"),
]


def _members_url(project: str, **query: str) -> str:
    url = f"/projects/{quote(project, safe='')}/members"
    if query:
        url += "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
    return url


def _render(
    request: Request,
    who: Member,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    done: str | None = None,
) -> Any:
    return page(
        request,
        "members.html",
        project=who.project,
        member=who,
        members=list_members(who.store, who.project),
        roles=ROLE_CHOICES,
        errors=errors or {},
        values=values or {},
        done=done,
    )


@router.get("/projects/{project}/members")
def members_page(
    request: Request,
    who: Annotated[Member, Depends(member)],
    updated: str = "",
    removed: str = "",
) -> Any:
    who.require("manage_members")
    done = None
    if updated:
        roles = {account.name: role for account, role in list_members(who.store, who.project)}
        if updated in roles:
            done = f"{updated} is now {roles[updated]} of this project."
    elif removed:
        done = f"{removed} no longer belongs to this project."
    return _render(request, who, done=done)


@router.post("/projects/{project}/members")
async def give_role(request: Request, who: Annotated[Member, Depends(member)]) -> Any:
    who.require("manage_members")
    form = await read_form(request, who.visitor)
    user = str(form.get("user") or "").strip()
    role = str(form.get("role") or "")
    errors: dict[str, str] = {}
    if not user:
        errors["user"] = "Enter the user name of the person to add"
    elif len(user) > 100:
        errors["user"] = "A user name has 100 characters or fewer"
    if role not in ROLES:
        errors["role"] = "Select a role"
    if not errors:
        try:
            add_member(who.store, who.project, user, role, actor=who.actor)
        except UnknownName:
            errors["user"] = f"There is no user called {user}; check the spelling"
        except InvalidInput:  # the role is valid, so this is the last owner stepping down
            errors["role"] = (
                "The project must keep an owner: make another member an owner before"
                f" changing {user.lower()}’s role"
            )
        else:
            return RedirectResponse(
                _members_url(who.project, updated=user.lower()), status_code=303
            )
    return _render(request, who, errors=errors, values={"user": user, "role": role})


@router.post("/projects/{project}/members/{user}/remove")
async def remove(request: Request, user: str, who: Annotated[Member, Depends(member)]) -> Any:
    who.require("manage_members")
    await read_form(request, who.visitor)
    try:
        remove_member(who.store, who.project, user, actor=who.actor)
    except UnknownName:  # removed meanwhile, from another page or the API
        return _render(request, who, errors={"": f"{user} is not a member of this project"})
    except InvalidInput:
        message = (
            f"The project must keep an owner: make another member an owner before removing {user}"
        )
        return _render(request, who, errors={"": message})
    if user.strip().lower() == who.visitor.account().account.name:
        return RedirectResponse("/", status_code=303)  # an owner who stepped down
    return RedirectResponse(_members_url(who.project, removed=user.lower()), status_code=303)
