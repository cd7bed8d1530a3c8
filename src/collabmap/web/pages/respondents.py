"""Several respondents: invitations by personal link, the respondent's way in, and the
consensus and conflict view where the owner sees each respondent's answers side by side and
agrees a final profile."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from collabmap.assessment import Question, load_questions, options_for
from collabmap.compare.consensus import ConsensusReport, consensus
from collabmap.errors import InvalidInput, UnknownName
from collabmap.framework import Framework, default_framework
from collabmap.store.accounts import open_session_for
from collabmap.store.assessments import start_assessment
from collabmap.store.invitations import (
    invite_respondent,
    list_invitations,
    redeem_invitation,
    respondent_profiles,
    revoke_invitation,
)
from collabmap.web._app import set_session_cookie
from collabmap.web._context import Member, Visitor, member, visitor
from collabmap.web.pages._forms import errors_by_field, page, read_form

router = APIRouter()

LIFETIMES = {"7": 7, "14": 14, "30": 30}
"""Days an invitation may last, as offered on the form."""


def _partnership_url(project: str, name: str) -> str:
    return f"/projects/{quote(project, safe='')}/partnerships/{quote(name, safe='')}"


_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")
_NEW_LINK_COOKIE = "collabmap_new_link"
"""Carries a just-made invitation link across the redirect after the form (so reloading the
page cannot make a second invitation) to the one page view that shows it: HttpOnly, Strict,
limited to that page's path, gone after a minute or at first sight."""


@router.get("/projects/{project}/partnerships/{name}/respondents")
def respondents_page(request: Request, name: str, who: Annotated[Member, Depends(member)]) -> Any:
    who.require("manage_members")
    token = request.cookies.get(_NEW_LINK_COOKIE)
    link = None
    if token and _TOKEN.fullmatch(token):
        link = str(request.base_url).rstrip("/") + f"/respond/{token}"
    response = _render(request, who, name, {}, {}, link=link)
    if token:
        here = f"{_partnership_url(who.project, name)}/respondents"
        response.delete_cookie(_NEW_LINK_COOKIE, path=here, httponly=True, samesite="strict")
    return response


def _render(
    request: Request,
    who: Member,
    name: str,
    values: dict[str, str],
    errors: dict[str, str],
    link: str | None = None,
) -> Any:
    return page(
        request,
        "respondents.html",
        project=who.project,
        partnership=name,
        invitations=list_invitations(who.store, who.project, name),
        values=values,
        errors=errors,
        link=link,
        base=_partnership_url(who.project, name),
    )


@router.post("/projects/{project}/partnerships/{name}/respondents")
async def respondents_invite(
    request: Request, name: str, who: Annotated[Member, Depends(member)]
) -> Any:
    form = await read_form(request, who.visitor)
    who.require("manage_members")
    respondent = str(form.get("respondent") or "")
    days = str(form.get("days") or "14")
    errors: dict[str, str] = {}
    if not respondent.strip():
        errors["respondent"] = "Enter the respondent’s name and organisation"
    if days not in LIFETIMES:
        errors["days"] = "Choose how long the link lasts"
    if errors:
        return _render(request, who, name, {"respondent": respondent, "days": days}, errors)
    try:
        token, _ = invite_respondent(
            who.store,
            who.project,
            name,
            respondent,
            actor=who.actor,
            valid_for=timedelta(days=LIFETIMES[days]),
        )
    except InvalidInput as exc:
        if isinstance(exc, UnknownName):
            raise
        message = errors_by_field(exc)[""]
        return _render(
            request, who, name, {"respondent": respondent, "days": days}, {"respondent": message}
        )
    here = f"{_partnership_url(who.project, name)}/respondents"
    response = RedirectResponse(here, status_code=303)
    response.set_cookie(
        _NEW_LINK_COOKIE,
        token,
        max_age=60,
        path=here,
        httponly=True,
        samesite="strict",
        secure=who.visitor.settings.secure_cookies,
    )
    return response


@router.post("/projects/{project}/partnerships/{name}/respondents/{invitation_id}/revoke")
async def respondents_revoke(
    request: Request, name: str, invitation_id: int, who: Annotated[Member, Depends(member)]
) -> Any:
    await read_form(request, who.visitor)
    who.require("manage_members")
    revoke_invitation(who.store, who.project, invitation_id, actor=who.actor)
    return RedirectResponse(f"{_partnership_url(who.project, name)}/respondents", 303)


@router.get("/respond/{token}")
def respond(token: str, request: Request, who: Annotated[Visitor, Depends(visitor)]) -> Any:
    """A respondent's personal link: sign in as the invitation's respondent and go to the
    assessment (their earlier answers, if they have been here before)."""
    redeemed = redeem_invitation(who.store, token)
    address = request.client.host if request.client else ""
    session_token, _ = open_session_for(who.store, redeemed.user_name, address=address)
    target = (
        f"/projects/{quote(redeemed.project, safe='')}/assessments/{redeemed.assessment_id}/about"
    )
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, who.settings, session_token)
    response.headers["Referrer-Policy"] = "no-referrer"  # the token must not leak onwards
    return response


@dataclass(frozen=True)
class ConsensusRow:
    """One question as the consensus page shows it: who said what, in words."""

    group: str
    question: str
    answers: dict[str, str]
    disagreement: bool
    agreement: float
    missing: tuple[str, ...]


def _question_index() -> dict[str, Question]:
    found: dict[str, Question] = {}
    for topic in load_questions().topics:
        for question in topic.questions:
            found[question.field] = question
        for item_page in topic.pages:
            for question in item_page.questions:
                found[f"{topic.collection}.{question.field}"] = question
    return found


def _words(question: Question | None, value: str, fw: Framework) -> str:
    if question is None:
        return value
    texts = {o.value: o.text for o in options_for(question, fw, {})}
    if question.kind == "yes_no":
        return {"yes": "Yes", "no": "No"}.get(value, value)
    if not texts:
        return value
    return "; ".join(texts.get(part.strip(), part.strip()) for part in value.split(","))


def consensus_rows(report: ConsensusReport) -> list[ConsensusRow]:
    """The report's questions with their wording and answers in words, grouped by what they
    are about (the partnership, or one activity, partner or arrangement)."""
    fw = default_framework()
    index = _question_index()
    roles = {t.id: t.label for t in fw.terms("professional_roles")}
    roles.update({f"c:{t.id}": t.label for t in fw.terms("citizen_roles")})
    phases = {t.id: t.label for t in fw.terms("phases")}
    rows = []
    for q in report.questions:
        group, field = "The partnership", q.path
        if "[" in q.path:
            collection, rest = q.path.split("[", 1)
            item, field = rest.rsplit("].", 1)
            group = {"activities": "Activity", "partners": "Partner"}.get(collection, "Arrangement")
            group = f"{group}: {item}"
            key = f"{collection}.{field}"
        else:
            key = field
        if field.startswith("phases."):
            _, phase, role = field.split(".")
            label = f"In {phases.get(phase, phase).lower()}, what do " + (
                "public professionals do?" if role == "professionals" else "residents do?"
            )
            prefix = "" if role == "professionals" else "c:"
            answers = {
                who: roles.get(prefix + v, v) if v is not None else "Not answered"
                for who, v in q.answers.items()
            }
        else:
            question = index.get(key)
            label = question.label if question else field
            answers = {
                who: _words(question, v, fw) if v is not None else "Not answered"
                for who, v in q.answers.items()
            }
        rows.append(ConsensusRow(group, label, answers, q.disagreement, q.agreement, q.missing))
    return rows


@router.get("/projects/{project}/partnerships/{name}/responses")
def responses_page(request: Request, name: str, who: Annotated[Member, Depends(member)]) -> Any:
    who.require("edit")
    profiles, pending = respondent_profiles(who.store, who.project, name)
    report = consensus(profiles)
    return page(
        request,
        "responses.html",
        project=who.project,
        partnership=name,
        report=report,
        rows=consensus_rows(report),
        pending=pending,
        member=who,
        base=_partnership_url(who.project, name),
    )


@router.post("/projects/{project}/partnerships/{name}/responses/agree")
async def responses_agree(
    request: Request, name: str, who: Annotated[Member, Depends(member)]
) -> Any:
    """Start the agreed profile from one respondent's answers; the owner then changes any
    answer on the check-your-answers page and saves. The respondents' own answers stay as
    they gave them, so the record of who said what is kept."""
    form = await read_form(request, who.visitor)
    who.require("edit")
    basis = str(form.get("basis") or "")
    profiles, _ = respondent_profiles(who.store, who.project, name)
    if basis not in profiles:
        raise UnknownName("respondent with submitted answers", basis, sorted(profiles))
    draft = start_assessment(
        who.store,
        who.project,
        who.user_id,
        actor=who.actor,
        editing=name,
        answers=profiles[basis].model_dump(mode="json", exclude_defaults=True),
        reason=f"agreeing from {basis}'s answers",
    )
    base = f"/projects/{quote(who.project, safe='')}/assessments/{draft.id}"
    return RedirectResponse(f"{base}/check", status_code=303)
