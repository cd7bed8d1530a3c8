"""The typology chart: its data as JSON, and the same chart the project's page shows, as SVG."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from collabmap.store.charts import project_chart
from collabmap.web.api._common import ProjectMember, problems
from collabmap.web.pages.projects import typology_svg

router = APIRouter(prefix="/projects/{project}/charts", tags=["charts"])


class StructureType(BaseModel):
    id: str
    label: str


class PartnershipFit(BaseModel):
    name: str
    label: str = Field(description="The structure label, as in the partnership list.")
    hybrid: bool
    scores: dict[str, float] = Field(description="Fit to each structure, 0 to 1.")


class TypologyData(BaseModel):
    """What the typology chart draws: each partnership's fit to each structure."""

    types: list[StructureType]
    partnerships: list[PartnershipFit] = Field(
        description="Partnerships whose profile can be classified."
    )


@router.get("/typology", summary="Typology chart data", responses=problems(401, 403, 404))
def typology(who: ProjectMember) -> TypologyData:
    """Each partnership's fit to each collaborative structure, as the chart draws it."""
    who.require("view")
    return TypologyData.model_validate(project_chart(who.store, who.project, "typology").data)


@router.get(
    "/typology.svg",
    summary="Typology chart (SVG)",
    response_class=Response,
    responses={
        200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}}},
        **problems(401, 403, 404),
    },
)
def typology_image(who: ProjectMember) -> Response:
    """The chart itself, as the project's page shows it (drawn once per state of the
    project's classifications)."""
    return typology_svg(who)
