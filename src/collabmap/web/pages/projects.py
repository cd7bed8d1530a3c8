"""The project list (and creating a project), and a project's partnership list with filters
and the typology chart."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from collabmap.errors import InvalidInput
from collabmap.store.projects import create_project
from collabmap.web._charts import chart_alt, typology_response
from collabmap.web._context import Member, Visitor, member, visitor
from collabmap.web._data import project_partnerships, structure_counts, user_projects
from collabmap.web._filters import structure_options
from collabmap.web.pages._forms import errors_by_field, page, read_form
from collabmap.web.partnership_filters import PAGE_SIZE, PartnershipFilter

router = APIRouter()


@router.get("/")
def project_list(request: Request, who: Annotated[Visitor, Depends(visitor)]) -> Any:
    account = who.account()
    projects = user_projects(who.store, account.account.id)
    if who.settings.demo_user and len(projects) == 1:  # the demo opens straight into its project
        return RedirectResponse(f"/projects/{_quote(projects[0].name)}", status_code=303)
    return page(request, "projects.html", projects=projects, values={})


@router.post("/projects")
async def project_create(request: Request, who: Annotated[Visitor, Depends(visitor)]) -> Any:
    account = who.account()
    form = await read_form(request, who)
    name = str(form.get("name") or "").strip()
    description = str(form.get("description") or "").strip() or None
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter a name for the project"
    elif len(name) > 200:
        errors["name"] = "Project name must be 200 characters or fewer"
    if description and len(description) > 5000:
        errors["description"] = "Description must be 5,000 characters or fewer"
    if not errors:
        try:
            create_project(
                who.store,
                name,
                description=description,
                owner=account.account.name,
                actor=who.actor,
            )
        except InvalidInput as exc:
            errors = {"name": errors_by_field(exc)[""]}
        else:
            return RedirectResponse(f"/projects/{_quote(name)}", status_code=303)
    return page(
        request,
        "projects.html",
        projects=user_projects(who.store, account.account.id),
        values={"name": name, "description": description or ""},
        errors=errors,
    )


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


@router.get("/projects/{project}")
def partnership_list(
    request: Request,
    who: Annotated[Member, Depends(member)],
    filters: Annotated[PartnershipFilter, Depends()],
) -> Any:
    who.require("view")
    listing = project_partnerships(who.store, who.project)
    rows = listing.rows
    chosen = filters.apply(rows)
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    current = min(filters.page, pages)
    shown = chosen[(current - 1) * PAGE_SIZE : current * PAGE_SIZE]
    query = {k: v for k, v in filters.query().items() if k != "page"}
    template = (
        "_partnership_results.html" if request.headers.get("HX-Request") else ("partnerships.html")
    )
    return page(
        request,
        template,
        project=who.project,
        member=who,
        rows=shown,
        total=len(rows),
        matching=len(chosen),
        counts=structure_counts(rows),
        filters=filters,
        structures=structure_options(),
        page_number=current,
        pages=pages,
        page_query=urlencode(query),
        chart_key=listing.fingerprint,
        chart_alt=chart_alt(len(rows)),
    )


@router.get("/projects/{project}/charts/typology.svg")
def typology_chart(who: Annotated[Member, Depends(member)]) -> Response:
    """The typology chart of the partnership list (see :mod:`collabmap.web._charts`)."""
    who.require("view")
    return typology_response(who.store, who.project)
