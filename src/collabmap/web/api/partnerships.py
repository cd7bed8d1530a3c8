"""Partnerships: the list with the page's filters, one partnership in full (profile,
classification in the ``classify --json`` shape, evidence), and profiles created or replaced.

Profiles are checked by the library (:func:`collabmap.profile.parse_profile`), not by the
request model, so an invalid one is answered with the library's own paths and messages
(``activities[0].phases.design.citizens: …``) — the same words the command line uses.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Body, Depends, Response
from pydantic import BaseModel, Field, WithJsonSchema

from collabmap.classify import Classification
from collabmap.profile import Profile, parse_profile
from collabmap.store.partnerships import save_profile
from collabmap.web._context import Member
from collabmap.web._data import ClassifiedPartnership, classified_partnerships, partnership_detail
from collabmap.web.api._common import Changing, PartnershipName, ProjectMember, problems
from collabmap.web.partnership_filters import PAGE_SIZE, PartnershipFilter

router = APIRouter(prefix="/projects/{project}/partnerships", tags=["partnerships"])


class PartnershipSummary(BaseModel):
    name: str
    label: str = Field(
        description="The structure label: a structure id, `insufficient_information`, or"
        " `unclassifiable` when the stored profile no longer passes the framework's checks."
    )
    scores: dict[str, float] = Field(description="Fit to each structure, 0 to 1.")
    hybrid: bool
    place: str | None
    activities: int = Field(description="How many activities the profile describes.")
    mismatches: int = Field(description="How many activities have a rhetoric mismatch.")
    flags: int = Field(description="How many accountability questions are left unanswered.")


class PartnershipList(BaseModel):
    items: list[PartnershipSummary]
    total: int = Field(description="Partnerships in the project.")
    matching: int = Field(description="Partnerships that match the filters.")
    page: int = Field(description="This page (a page past the end gives the last).")
    pages: int
    per_page: int


class Quote(BaseModel):
    source: str = Field(description="The source the coded passage is in.")
    code: str = Field(description="The code it was coded with.")
    text: str


class Evidence(BaseModel):
    sources: list[str] = Field(description="Sources linked to the partnership.")
    quotes: list[Quote] = Field(description="Coded passages about it, in reading order.")


class PartnershipOut(BaseModel):
    name: str
    profile: Profile | None = Field(
        description="The profile; null when it no longer passes the framework's checks."
    )
    classification: Classification | None = Field(
        description="As `collabmap classify --json` prints it; null with `problem` set when"
        " the profile cannot be classified."
    )
    problem: str | None = Field(description="Why there is no classification.")
    evidence: Evidence


ProfileBody = Annotated[
    dict[str, Any],
    Body(description="A partnership profile, as `collabmap profile new` describes it."),
    WithJsonSchema({"$ref": "#/components/schemas/Profile"}),
]


def _summary(row: ClassifiedPartnership) -> PartnershipSummary:
    return PartnershipSummary(
        name=row.name,
        label=row.label,
        scores=row.scores,
        hybrid=row.hybrid,
        place=row.place,
        activities=row.activities,
        mismatches=row.mismatches,
        flags=row.flags,
    )


def _full(who: Member, name: str) -> PartnershipOut:
    detail = partnership_detail(who.store, who.project, name)
    return PartnershipOut(
        name=detail.name,
        profile=detail.profile,
        classification=detail.classification,
        problem=detail.problem,
        evidence=Evidence(
            sources=detail.sources,
            quotes=[Quote(**quote) for quote in detail.quotes],
        ),
    )


def _location(response: Response, project: str, name: str) -> None:
    response.headers["Location"] = (
        f"/api/projects/{quote(project, safe='')}/partnerships/{quote(name, safe='')}"
    )


@router.get("", summary="List partnerships", responses=problems(401, 403, 404))
def list_partnerships(
    who: ProjectMember, filters: Annotated[PartnershipFilter, Depends()]
) -> PartnershipList:
    """The project's partnerships by name, with their classification in brief, filtered as
    on the project's page, 50 to a page."""
    who.require("view")
    rows = classified_partnerships(who.store, who.project)
    chosen = filters.apply(rows)
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    page = min(filters.page, pages)
    shown = chosen[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return PartnershipList(
        items=[_summary(row) for row in shown],
        total=len(rows),
        matching=len(chosen),
        page=page,
        pages=pages,
        per_page=PAGE_SIZE,
    )


@router.post(
    "", summary="Add a partnership", status_code=201, responses=problems(401, 403, 404, 409)
)
def create_partnership(
    profile: ProfileBody, who: ProjectMember, changer: Changing, response: Response
) -> PartnershipOut:
    """A new partnership with this profile (its `name` names the partnership)."""
    who.require("edit")
    checked = parse_profile(profile, source="the profile")
    name = save_profile(who.store, who.project, checked, actor=changer.actor)
    _location(response, who.project, name)
    return _full(who, name)


@router.get("/{name}", summary="One partnership", responses=problems(401, 403, 404))
def read_partnership(name: PartnershipName, who: ProjectMember) -> PartnershipOut:
    """The profile, its classification with reasons, and the evidence behind it."""
    who.require("view")
    return _full(who, name)


@router.put("/{name}", summary="Replace a profile", responses=problems(401, 403, 404, 409))
def replace_partnership(
    name: PartnershipName,
    profile: ProfileBody,
    who: ProjectMember,
    changer: Changing,
    response: Response,
) -> PartnershipOut:
    """Replace the partnership's profile. A different `name` in the profile renames the
    partnership; the answers that did not change keep the evidence linked to them."""
    who.require("edit")
    checked = parse_profile(profile, source="the profile")
    saved = save_profile(who.store, who.project, checked, actor=changer.actor, replacing=name)
    _location(response, who.project, saved)
    return _full(who, saved)
