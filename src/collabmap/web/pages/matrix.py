"""The framework matrix editor: partnerships × themes, a theme group and 25 partnerships at a
time, each cell's summary editable in place.

With JavaScript, "Edit" swaps the cell for its form (htmx) and "Save" swaps the form for the
updated cell; without, the same links and forms work as whole pages. Each form carries the
version of the cell it was opened on, so when two analysts edit the same cell the second save
is refused with both texts shown and nothing is lost.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse

from collabmap.errors import InvalidDocument, InvalidInput
from collabmap.store.links import CELL_STATUSES, CellConflict
from collabmap.web._context import Member, member
from collabmap.web._matrix import cell_id, cell_view, matrix_view, quote_href, save_cell
from collabmap.web.pages._forms import page, read_form

router = APIRouter()

SUMMARY_LIMIT = 20_000
PageNumber = Annotated[int, Query(alias="page", ge=1, le=100_000)]
_NO_CONTROL = r"^[^\x00-\x1f\x7f]+$"
"""A name typed by a person holds no control character (PostgreSQL text cannot hold NUL)."""
PartnershipParam = Annotated[str, Query(min_length=1, max_length=300, pattern=_NO_CONTROL)]
ThemeParam = Annotated[str, Query(min_length=1, max_length=20, pattern=_NO_CONTROL)]


def _is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _matrix_href(project: str, group: str, page_number: int, anchor: str = "") -> str:
    query = urlencode({"group": group, "page": page_number})
    return f"/projects/{quote(project, safe='')}/matrix?{query}" + (f"#{anchor}" if anchor else "")


@router.get("/projects/{project}/matrix")
def matrix_page(
    request: Request,
    who: Annotated[Member, Depends(member)],
    group: Annotated[str | None, Query(max_length=300, pattern=_NO_CONTROL)] = None,
    page_number: PageNumber = 1,
) -> Any:
    who.require("view")
    view = matrix_view(who.store, who.project, group, page_number)
    return page(
        request,
        "matrix.html",
        project=who.project,
        member=who,
        view=view,
        cell_id=cell_id,
        quote_href=quote_href,
        matrix_href=_matrix_href,
    )


def _cell_context(who: Member, partnership: str, theme: str, **extra: Any) -> dict[str, Any]:
    view = cell_view(who.store, who.project, partnership, theme)
    return {
        "project": who.project,
        "member": who,
        "cell": view,
        "dom_id": cell_id(view.partnership, view.theme.id),
        "quote_href": quote_href,
        "statuses": CELL_STATUSES,
        "group": extra.pop("group", None) or view.theme.group,
        "page_number": extra.pop("page_number", 1),
        **extra,
    }


@router.get("/projects/{project}/matrix/cell")
def cell_page(
    request: Request,
    who: Annotated[Member, Depends(member)],
    partnership: PartnershipParam,
    theme: ThemeParam,
    edit: bool = True,
    page_number: PageNumber = 1,
) -> Any:
    """The cell's edit form (in place with htmx, else as a page); ``edit=false`` gives the
    cell as shown in the table (what "Cancel" swaps back)."""
    who.require("view")
    if edit:
        who.require("edit")
    context = _cell_context(who, partnership, theme, page_number=page_number)
    if not edit:
        return page(request, "_matrix_cell.html", focus=True, **context)
    context["values"] = {
        "summary": context["cell"].cell.summary,
        "status": context["cell"].cell.status
        if context["cell"].cell.status in CELL_STATUSES
        else "draft",
        "evidence": sorted(context["cell"].chosen),
        "version": context["cell"].version,
    }
    template = "_matrix_cell_form.html" if _is_htmx(request) else "matrix_cell.html"
    return page(request, template, inline=_is_htmx(request), **context)


@router.post("/projects/{project}/matrix/cell")
async def cell_save(
    request: Request,
    who: Annotated[Member, Depends(member)],
    partnership: PartnershipParam,
    theme: ThemeParam,
    page_number: PageNumber = 1,
) -> Any:
    who.require("edit")
    form = await read_form(request, who.visitor)
    summary = str(form.get("summary") or "").replace("\r\n", "\n").strip()
    status = str(form.get("status") or "draft")
    errors: dict[str, str] = {}
    evidence: list[int] = []
    for value in form.getlist("evidence"):
        if not str(value).isdigit() or len(str(value)) > 12:
            errors["evidence"] = "Choose quotations from the list"
            break
        evidence.append(int(str(value)))
    raw_version = str(form.get("version") or "")
    version = int(raw_version) if raw_version.isdigit() and len(raw_version) < 12 else -1
    if version < 0:
        raise InvalidInput("the form has no cell version; reload the matrix and try again")
    if len(summary) > SUMMARY_LIMIT:
        errors["summary"] = f"Summary must be {SUMMARY_LIMIT:,} characters or fewer"
    if status not in CELL_STATUSES:
        errors["status"] = "Choose draft, reviewed or agreed"
    values = {"summary": summary, "status": status, "evidence": evidence, "version": version}
    context = _cell_context(who, partnership, theme, page_number=page_number)
    theirs = None
    status_code = 422
    if not errors:
        try:
            save_cell(
                who.store,
                who.project,
                partnership,
                theme,
                summary=summary,
                status=status,
                evidence=evidence,
                version=version,
                author=who.actor,
            )
        except InvalidDocument:  # a quotation not of this cell (no longer coded, say)
            errors["evidence"] = "Choose quotations from the list; one you chose is not in it"
        except CellConflict as conflict:
            theirs = {"summary": conflict.summary, "author": conflict.author}
            values["version"] = conflict.version  # saving again now replaces their text
            errors["summary"] = (
                f"{conflict.author or 'Someone'} changed this cell after you opened it. "
                "Their text is shown above yours, which is still in the box: combine them, then "
                "save again"
            )
            status_code = 409
            context = _cell_context(who, partnership, theme, page_number=page_number)
        else:
            context = _cell_context(who, partnership, theme, page_number=page_number)
            if _is_htmx(request):
                return page(request, "_matrix_cell.html", focus=True, saved=True, **context)
            return RedirectResponse(
                _matrix_href(who.project, context["group"], page_number, context["dom_id"]),
                status_code=303,
            )
    template = "_matrix_cell_form.html" if _is_htmx(request) else "matrix_cell.html"
    response = page(
        request,
        template,
        values=values,
        errors=errors,
        theirs=theirs,
        inline=_is_htmx(request),
        **context,
    )
    response.status_code = status_code
    return response
