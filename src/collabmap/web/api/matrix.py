"""The framework matrix, the cross-case comparison and coder agreement over JSON.

The same data as the pages: the matrix a theme group and a page of partnerships at a time,
each cell with its version; a cell is written with ``PUT`` sending back the version it was
read at, and a stale version is refused with 409 and the cell as it now stands (``current``),
so a client can show both texts and lose neither.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from collabmap.compare.matrix import Cell, Quote
from collabmap.store.agreement import project_agreement
from collabmap.store.links import CELL_STATUSES, CellConflict
from collabmap.web._compare import comparison, project_coders
from collabmap.web._context import Member
from collabmap.web._errors import problem
from collabmap.web._matrix import cell_view, matrix_view, quote_href, save_cell
from collabmap.web.api._common import PROBLEM_SCHEMA, Changing, ProjectMember, problems

__all__ = ["router"]

router = APIRouter(tags=["matrix and comparison"])

_NO_CONTROL = r"^[^\x00-\x1f\x7f]+$"
PartnershipParam = Annotated[
    str,
    Query(description="The partnership's name.", min_length=1, max_length=300, pattern=_NO_CONTROL),
]
ThemeParam = Annotated[
    str, Query(description="A theme's id, as in the matrix's `themes`.", pattern=r"^[0-9]{1,12}$")
]
CoderParam = Annotated[str, Query(min_length=1, max_length=200, pattern=_NO_CONTROL)]
READING = problems(401, 403, 404)
WRITING = {
    **READING,
    409: {
        "description": "The cell was saved by someone else since it was read: nothing was"
        " changed; `current` holds the cell as it now stands, to compare and save again.",
        "content": {"application/problem+json": {"schema": PROBLEM_SCHEMA}},
    },
}


class QuoteOut(BaseModel):
    coding_id: int | None
    source: str
    start: int
    end: int
    text: str
    coder: str
    href: str = Field(description="the passage in the coding workspace")


class CellOut(BaseModel):
    partnership: str
    theme: str = Field(description="the theme's id (a code id), as in the matrix's themes")
    summary: str
    drafted: bool = Field(description="drafted by collabmap (no analyst has written it)")
    status: str
    author: str | None
    version: int = Field(description="send it back with a change to detect a conflict")
    answers: list[str] = Field(description="what the partnership's profile says on the theme")
    quotes: list[QuoteOut]


class ThemeOut(BaseModel):
    id: str
    label: str
    group: str
    concept: str | None


class MatrixOut(BaseModel):
    groups: list[str]
    group: str
    themes: list[ThemeOut]
    partnerships: list[str]
    page: int
    pages: int
    total: int = Field(description="partnerships in the project")
    cells: list[CellOut]
    notes: list[str]


class CellEditOut(CellOut):
    path: str
    candidates: list[QuoteOut] = Field(description="every quotation the cell could cite")
    evidence: list[int] = Field(description="coding ids the analyst chose (empty: all shown)")


class CellIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    partnership: str = Field(min_length=1, max_length=300, pattern=_NO_CONTROL)
    theme: str = Field(pattern=r"^[0-9]{1,12}$")
    summary: str = Field(max_length=20_000)
    status: Literal["draft", "reviewed", "agreed"] = "draft"
    evidence: list[int] = Field(default_factory=list, max_length=500)
    version: int = Field(ge=0, description="the cell's version when it was read (0: never written)")


def _quote(project: str, quote: Quote) -> QuoteOut:
    return QuoteOut(
        coding_id=quote.coding_id,
        source=quote.source,
        start=quote.start,
        end=quote.end,
        text=quote.text,
        coder=quote.coder,
        href=quote_href(project, quote),
    )


def _cell(project: str, cell: Cell, version: int) -> CellOut:
    return CellOut(
        partnership=cell.partnership,
        theme=cell.theme,
        summary=cell.summary,
        drafted=cell.drafted,
        status=cell.status,
        author=cell.author,
        version=version,
        answers=list(cell.answers),
        quotes=[_quote(project, q) for q in cell.quotes],
    )


@router.get("/projects/{project}/matrix", summary="The framework matrix", responses=READING)
def get_matrix(
    who: ProjectMember,
    group: Annotated[str | None, Query(max_length=300, pattern=_NO_CONTROL)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> MatrixOut:
    """One theme group of the matrix for one page of 25 partnerships."""
    who.require("view")
    view = matrix_view(who.store, who.project, group, page)
    return MatrixOut(
        groups=list(view.groups),
        group=view.group,
        themes=[
            ThemeOut(id=t.id, label=t.label, group=t.group, concept=t.concept) for t in view.themes
        ],
        partnerships=list(view.partnerships),
        page=view.page,
        pages=view.pages,
        total=view.total,
        cells=[
            _cell(who.project, cell, view.versions.get(key, 0)) for key, cell in view.cells.items()
        ],
        notes=list(view.notes),
    )


def _cell_edit(who: Member, partnership: str, theme: str) -> CellEditOut:
    view = cell_view(who.store, who.project, partnership, theme)
    base = _cell(who.project, view.cell, view.version)
    return CellEditOut(
        **base.model_dump(),
        path=view.path,
        candidates=[_quote(who.project, q) for q in view.candidates],
        evidence=sorted(view.chosen),
    )


@router.get("/projects/{project}/matrix/cell", summary="One matrix cell", responses=READING)
def get_matrix_cell(
    who: ProjectMember, partnership: PartnershipParam, theme: ThemeParam
) -> CellEditOut:
    """One cell with its version and every quotation it could cite."""
    who.require("view")
    return _cell_edit(who, partnership, theme)


@router.put("/projects/{project}/matrix/cell", summary="Write a matrix cell", responses=WRITING)
def put_matrix_cell(who: ProjectMember, changer: Changing, body: CellIn) -> Any:
    """Write one cell's summary, status and chosen quotations (owners and analysts), sending
    the version the cell was read at."""
    who.require("edit")
    assert body.status in CELL_STATUSES
    try:
        save_cell(
            who.store,
            who.project,
            body.partnership,
            body.theme,
            summary=body.summary.replace("\r\n", "\n").strip(),
            status=body.status,
            evidence=body.evidence,
            version=body.version,
            author=changer.actor,
        )
    except CellConflict as conflict:
        current = _cell_edit(who, body.partnership, body.theme)
        return problem(409, str(conflict), extra={"current": current.model_dump(mode="json")})
    return _cell_edit(who, body.partnership, body.theme)


@router.get("/projects/{project}/compare", summary="Compare partnerships", responses=READING)
def get_comparison(who: ProjectMember) -> dict[str, Any]:
    """The cross-case tables (Table 1 regenerated, rationales, accountability), activities by
    IAP2 level and the similarity map, as plain records."""
    who.require("view")
    view = comparison(who.store, who.project)
    return {
        "partnerships": list(view.partnerships),
        "activities": view.activities.to_dict(),
        "rationales": view.rationales.to_dict(),
        "accountability": view.accountability.to_dict(),
        "iap2": [
            {
                "level": level["id"],
                "label": level["label"],
                "activities": [{"partnership": p, "activity": a} for p, a in level["activities"]],
            }
            for level in view.iap2
        ],
        "similarity": view.similarity.to_dict(),
        "notes": list(view.notes),
    }


class CoderOut(BaseModel):
    name: str
    kind: Literal["person", "machine"]


@router.get("/projects/{project}/agreement/coders", summary="Coders", responses=READING)
def get_coders(who: ProjectMember) -> list[CoderOut]:
    """Who (and what) coded in the project: the coders agreement can compare."""
    who.require("view")
    coders = project_coders(who.store, who.project)
    return [CoderOut.model_validate({"name": name, "kind": kind}) for name, kind in coders]


@router.get("/projects/{project}/agreement", summary="Agreement between coders", responses=READING)
def get_agreement(
    who: ProjectMember,
    coder_a: CoderParam,
    coder_b: CoderParam,
    unit: Literal["sentence", "paragraph", "speaker_turn", "character"] = "sentence",
) -> dict[str, Any]:
    """Percent agreement, Cohen's kappa and Krippendorff's alpha per code, their mean, and
    all decisions pooled, between two coders (people, or a person and the machine)."""
    who.require("view")
    return project_agreement(who.store, who.project, coder_a, coder_b, unit=unit).to_dict()
