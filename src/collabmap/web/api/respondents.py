"""Several respondents over JSON: invitations, their answers side by side, agreeing a profile."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from collabmap.compare.consensus import consensus
from collabmap.errors import UnknownName
from collabmap.store.assessments import start_assessment
from collabmap.store.invitations import (
    InvitationInfo,
    invite_respondent,
    list_invitations,
    respondent_profiles,
    revoke_invitation,
)
from collabmap.web.api._common import Changing, KnownPartnership, ProjectMember, problems
from collabmap.web.api.assessments import AssessmentOut, assessment_out

__all__ = ["router"]

router = APIRouter(tags=["respondent"])


class InviteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    respondent: str = Field(
        min_length=1, max_length=200, description="who is invited: a name and organisation"
    )
    days: int = Field(default=14, ge=1, le=90, description="how long the link lasts")


class InvitationOut(BaseModel):
    id: int
    partnership: str
    respondent: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    status: str = Field(description="waiting, answering, submitted, expired or revoked")


class InvitedOut(InvitationOut):
    link: str = Field(description="the personal link; given only now, never stored")


class AgreeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    basis: str = Field(
        min_length=1, max_length=300, description="the respondent whose answers to start from"
    )


def _invitation(info: InvitationInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "partnership": info.partnership,
        "respondent": info.respondent,
        "created_by": info.created_by,
        "created_at": info.created_at,
        "expires_at": info.expires_at,
        "status": info.status,
    }


_BASE = "/projects/{project}/partnerships/{name}"


@router.get(
    _BASE + "/respondents",
    summary="The partnership's invited respondents",
    responses=problems(401, 403, 404),
)
def invitations(name: KnownPartnership, who: ProjectMember) -> list[InvitationOut]:
    """Each invitation with its status; the links themselves are never shown again."""
    who.require("manage_members")
    return [InvitationOut(**_invitation(i)) for i in list_invitations(who.store, who.project, name)]


@router.post(
    _BASE + "/respondents",
    status_code=201,
    summary="Invite a respondent by a personal link",
    responses=problems(401, 403, 404),
)
def invite(
    request: Request,
    response: Response,
    name: KnownPartnership,
    body: InviteIn,
    who: ProjectMember,
    changer: Changing,
) -> InvitedOut:
    """A personal link for one respondent, given in `link` this once (only its hash is
    kept); it signs its holder in to answer their own assessment of the partnership."""
    who.require("manage_members")
    token, info = invite_respondent(
        who.store,
        who.project,
        name,
        body.respondent,
        actor=who.actor,
        valid_for=timedelta(days=body.days),
    )
    link = str(request.base_url).rstrip("/") + f"/respond/{token}"
    response.headers["Location"] = (
        f"/api/projects/{quote(who.project, safe='')}/partnerships/"
        f"{quote(info.partnership, safe='')}/respondents"
    )
    return InvitedOut(**_invitation(info), link=link)


@router.delete(
    _BASE + "/respondents/{invitation_id}",
    status_code=204,
    summary="Withdraw an invitation",
    responses=problems(401, 403, 404),
)
def withdraw(
    name: KnownPartnership, invitation_id: int, who: ProjectMember, changer: Changing
) -> Response:
    """The link stops working at once and the sessions it opened end; answers already
    given are kept."""
    who.require("manage_members")
    revoke_invitation(who.store, who.project, invitation_id, actor=who.actor)
    return Response(status_code=204)


@router.get(
    _BASE + "/responses",
    summary="Consensus and conflict: each respondent's answers and what they imply",
    responses=problems(401, 403, 404),
)
def responses(name: KnownPartnership, who: ProjectMember) -> dict[str, Any]:
    """Every answered question with each respondent's answer (None: not answered), whether
    they disagree, and the classification each respondent's answers imply; ``pending`` lists
    the invited respondents who have not submitted."""
    who.require("edit")
    profiles, pending = respondent_profiles(who.store, who.project, name)
    report = consensus(profiles).to_dict()
    report["pending"] = pending
    return report


@router.post(
    _BASE + "/responses/agree",
    status_code=201,
    summary="Start the agreed profile from one respondent's answers",
    responses=problems(401, 403, 404),
)
def agree(
    name: KnownPartnership, body: AgreeIn, who: ProjectMember, changer: Changing
) -> AssessmentOut:
    """An assessment editing the partnership, starting from the chosen respondent's answers;
    answer its topics and submit it (see the assessment routes) to save the agreed profile."""
    who.require("edit")
    profiles, _ = respondent_profiles(who.store, who.project, name)
    if body.basis not in profiles:
        raise UnknownName("respondent with submitted answers", body.basis, sorted(profiles))
    draft = start_assessment(
        who.store,
        who.project,
        who.user_id,
        actor=who.actor,
        editing=name,
        answers=profiles[body.basis].model_dump(mode="json", exclude_defaults=True),
        reason=f"agreeing from {body.basis}'s answers",
    )
    return assessment_out(draft)
