"""Comparison pages: the cross-case tables and charts of a project, a partnership's network
chart, and agreement between two coders (two people, or a person and the machine)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from collabmap.errors import CollabmapError, UnknownName
from collabmap.framework import default_framework
from collabmap.store.agreement import project_agreement
from collabmap.store.charts import project_chart
from collabmap.web._charts import drawing_lock, svg_response
from collabmap.web._compare import MAP_SIZE, comparison, project_coders
from collabmap.web._context import Member, member
from collabmap.web.pages._forms import errors_by_field, page

router = APIRouter()

_ANY_BUT_CONTROL = r"^[^\x00-\x1f\x7f]*$"
"""A coder's name holds no control character (PostgreSQL text cannot hold NUL)."""

UNITS = (
    ("sentence", "Sentences"),
    ("paragraph", "Paragraphs"),
    ("speaker_turn", "Speaker turns"),
    ("character", "Characters"),
)


CHART_LIMIT = 40
"""Above this many partnerships the drawn activity and IAP2 charts are too tall to read; the
tables carry the same information."""


def _split_activity(partnerships: tuple[str, ...], item: str) -> tuple[str, str]:
    """``Wigan Deal: Our part – your part`` → (partnership, activity), the longest matching
    partnership name first (a name may itself contain ': ')."""
    for name in sorted(partnerships, key=len, reverse=True):
        if item.startswith(name + ": "):
            return name, item[len(name) + 2 :]
    return "", item


def _structure_index(structure: str) -> int:
    """The structure's place in the framework (its colour and shape on the map)."""
    order = [s.id for s in default_framework().structures]
    return order.index(structure) if structure in order else len(order)


def _map_structures(points: Any) -> list[str]:
    return sorted({p.structure for p in points}, key=_structure_index)


@router.get("/projects/{project}/compare")
def compare_page(request: Request, who: Annotated[Member, Depends(member)]) -> Any:
    who.require("view")
    return page(
        request,
        "compare.html",
        project=who.project,
        member=who,
        view=comparison(who.store, who.project),
        map_size=MAP_SIZE,
        chart_limit=CHART_LIMIT,
        split_activity=_split_activity,
        structure_index=_structure_index,
        map_structures=_map_structures,
    )


def _svg(draw: Any) -> Response:
    with drawing_lock:
        svg = draw("svg")
    return svg_response(svg)


@router.get("/projects/{project}/compare/{kind}.svg")
def compare_chart(kind: str, who: Annotated[Member, Depends(member)]) -> Response:
    """The activities or IAP2 chart of every partnership."""
    who.require("view")
    if kind not in ("activities", "iap2"):
        raise UnknownName("chart", kind, ["activities", "iap2"])
    return _svg(project_chart(who.store, who.project, kind).draw)


@router.get("/projects/{project}/partnerships/{name}/network.svg")
def network_chart(name: str, who: Annotated[Member, Depends(member)]) -> Response:
    """One partnership's network: its lead and partners, coloured by sector."""
    who.require("view")
    return _svg(project_chart(who.store, who.project, "network", partnership=name).draw)


@router.get("/projects/{project}/agreement")
def agreement_page(
    request: Request,
    who: Annotated[Member, Depends(member)],
    coder_a: Annotated[str, Query(max_length=200, pattern=_ANY_BUT_CONTROL)] = "",
    coder_b: Annotated[str, Query(max_length=200, pattern=_ANY_BUT_CONTROL)] = "",
    unit: Annotated[str, Query(max_length=20)] = "sentence",
) -> Any:
    """Choose two coders and a unit; see percent agreement, kappa and alpha code by code."""
    who.require("view")
    coders = project_coders(who.store, who.project)
    errors: dict[str, str] = {}
    report = None
    if coder_a or coder_b:
        known = {name for name, _ in coders}
        if coder_a not in known:
            errors["coder_a"] = "Choose the first coder from the list"
        if coder_b not in known:
            errors["coder_b"] = "Choose the second coder from the list"
        elif coder_a == coder_b:
            errors["coder_b"] = "Choose a second coder different from the first"
        if unit not in dict(UNITS):
            errors["unit"] = "Choose sentences, paragraphs, speaker turns or characters"
        if not errors:
            try:
                report = project_agreement(
                    who.store,
                    who.project,
                    coder_a,
                    coder_b,
                    unit=unit,  # type: ignore[arg-type]
                )
            except CollabmapError as exc:
                errors = errors_by_field(exc)
    return page(
        request,
        "agreement.html",
        project=who.project,
        member=who,
        coders=coders,
        values={"coder_a": coder_a, "coder_b": coder_b, "unit": unit},
        units=UNITS,
        report=report,
        errors=errors,
    )
