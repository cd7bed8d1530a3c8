"""Inviting respondents from partner organisations to assess a partnership separately.

After the Partnership Assessment Tool: every partner answers on their own, and the partnership
then sees where its members agree and disagree. An owner invites each respondent by a personal
link; the link carries a random token (only its SHA-256 is stored), expires, can be revoked,
and signs its holder in as a respondent account made for that invitation alone — which may
answer its own assessment and nothing else (:mod:`collabmap.store.access`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from collabmap.assessment import draft_profile, load_questions
from collabmap.errors import AccessDenied, InvalidInput, UnknownName
from collabmap.framework import default_framework
from collabmap.profile import Profile
from collabmap.store._engine import Store
from collabmap.store.access import INVITATION_ONLY
from collabmap.store.audit import record
from collabmap.store.models import (
    Assessment,
    Invitation,
    Member,
    Partnership,
    Project,
    User,
    utcnow,
)
from collabmap.store.projects import find_partnership, get_project

__all__ = [
    "INVITATION_LIFETIME",
    "InvitationInfo",
    "Redeemed",
    "invite_respondent",
    "list_invitations",
    "redeem_invitation",
    "respondent_profiles",
    "revoke_invitation",
]

INVITATION_LIFETIME = timedelta(days=14)
_MAX_LIFETIME = timedelta(days=90)


@dataclass(frozen=True)
class InvitationInfo:
    """An invitation as its project's owner sees it (never the token)."""

    id: int
    partnership: str
    respondent: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    status: str
    """waiting (not opened), answering, submitted, expired or revoked."""


@dataclass(frozen=True)
class Redeemed:
    """Where a valid link leads: its respondent account, project and assessment."""

    user_name: str
    project: str
    partnership: str
    assessment_id: int


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_respondent(
    store: Store,
    project_name: str,
    partnership: str,
    respondent: str,
    *,
    actor: str,
    valid_for: timedelta = INVITATION_LIFETIME,
) -> tuple[str, InvitationInfo]:
    """A new personal link for ``respondent`` (a name and organisation, as the owner writes
    it) to assess ``partnership``. Gives the token — shown once, never stored — and the
    invitation."""
    label = " ".join(respondent.split())
    if not label or len(label) > 200:
        raise InvalidInput("say who is invited (a name and organisation, 1 to 200 characters)")
    if not timedelta(hours=1) <= valid_for <= _MAX_LIFETIME:
        raise InvalidInput("an invitation lasts between one hour and 90 days")
    token = secrets.token_urlsafe(32)
    with store.transaction() as session:
        project = get_project(session, project_name)
        case = find_partnership(session, project, partnership)
        user = User(
            name=f"respondent-{secrets.token_hex(8)}",
            display_name=label,
            # no password opens this account: only its invitation link does
            password_hash=f"{INVITATION_ONLY}{secrets.token_hex(16)}",
        )
        session.add(user)
        session.flush()
        session.add(Member(project_id=project.id, user_id=user.id, role="respondent"))
        invitation = Invitation(
            project_id=project.id,
            partnership_id=case.id,
            user_id=user.id,
            token_hash=_hash(token),
            respondent=label,
            created_by=actor[:200],
            expires_at=utcnow() + valid_for,
        )
        session.add(invitation)
        session.flush()
        record(
            session,
            actor,
            "respondent.invite",
            project=project,
            target=case.name,
            detail={"respondent": label, "expires_at": invitation.expires_at.isoformat()},
        )
        return token, _info(session, invitation, case.name)


def _info(session: Session, invitation: Invitation, partnership: str) -> InvitationInfo:
    now = utcnow()
    assessment = session.scalar(
        select(Assessment)
        .where(
            Assessment.user_id == invitation.user_id,
            Assessment.partnership_id == invitation.partnership_id,
        )
        .order_by(Assessment.id.desc())
    )
    if invitation.revoked_at is not None:
        status = "revoked"
    elif assessment is not None and assessment.submitted_at is not None:
        status = "submitted"
    elif invitation.expires_at < now:
        status = "expired"
    elif assessment is not None:
        status = "answering"
    else:
        status = "waiting"
    return InvitationInfo(
        invitation.id,
        partnership,
        invitation.respondent,
        invitation.created_by,
        invitation.created_at,
        invitation.expires_at,
        status,
    )


def list_invitations(
    store: Store, project_name: str, partnership: str | None = None
) -> list[InvitationInfo]:
    """The project's invitations (or one partnership's), newest first."""
    with store.reading() as session:
        project = get_project(session, project_name)
        query = (
            select(Invitation, Partnership.name)
            .join(Partnership, Partnership.id == Invitation.partnership_id)
            .where(Invitation.project_id == project.id)
            .order_by(Invitation.id.desc())
        )
        if partnership is not None:
            query = query.where(
                Invitation.partnership_id == find_partnership(session, project, partnership).id
            )
        return [_info(session, row, name) for row, name in session.execute(query).all()]


def revoke_invitation(store: Store, project_name: str, invitation_id: int, *, actor: str) -> None:
    """The link stops working at once, and its respondent's sessions end."""
    from collabmap.store.models import WebSession

    with store.transaction() as session:
        project = get_project(session, project_name)
        invitation = session.get(Invitation, invitation_id)
        if invitation is None or invitation.project_id != project.id:
            raise UnknownName("invitation", str(invitation_id), None)
        invitation.revoked_at = utcnow()
        for web_session in session.scalars(
            select(WebSession).where(WebSession.user_id == invitation.user_id)
        ):
            session.delete(web_session)
        record(
            session,
            actor,
            "respondent.revoke",
            project=project,
            target=invitation.respondent,
        )


def redeem_invitation(store: Store, token: str) -> Redeemed:
    """Check a link's token and make sure its respondent has an assessment to answer.

    Every refusal says the same (the link is not valid) except expiry, so a guessed token
    learns nothing; the respondent's earlier answers are kept however often the link is used.
    """
    refused = AccessDenied("this link is not valid; ask the person who sent it for a new one")
    if not token or len(token) > 200:
        raise refused
    with store.transaction() as session:
        invitation = session.scalar(select(Invitation).where(Invitation.token_hash == _hash(token)))
        if invitation is None or invitation.revoked_at is not None:
            raise refused
        if invitation.expires_at < utcnow():
            raise AccessDenied("this link has expired; ask the person who sent it for a new one")
        project = session.get_one(Project, invitation.project_id)
        case = session.get_one(Partnership, invitation.partnership_id)
        user = session.get_one(User, invitation.user_id)
        assessment = session.scalar(
            select(Assessment).where(
                Assessment.user_id == user.id, Assessment.partnership_id == case.id
            )
        )
        if assessment is None:
            assessment = Assessment(
                project_id=project.id,
                user_id=user.id,
                partnership_id=case.id,
                answers={"name": case.name},
            )
            session.add(assessment)
            session.flush()
            record(
                session,
                user.name,
                "respondent.open",
                project=project,
                target=case.name,
                detail={"respondent": invitation.respondent},
            )
        return Redeemed(user.name, project.name, case.name, assessment.id)


def respondent_profiles(
    store: Store, project_name: str, partnership: str
) -> tuple[dict[str, Profile], list[str]]:
    """The submitted answers of each invited respondent about one partnership, by respondent
    (as the owner named them), and the respondents whose answers are not (yet) usable."""
    with store.reading() as session:
        project = get_project(session, project_name)
        case = find_partnership(session, project, partnership)
        rows = session.execute(
            select(Invitation.respondent, Assessment)
            .join(
                Assessment,
                (Assessment.user_id == Invitation.user_id)
                & (Assessment.partnership_id == Invitation.partnership_id),
                isouter=True,
            )
            .where(Invitation.partnership_id == case.id, Invitation.revoked_at.is_(None))
            .order_by(Invitation.id)
        ).all()
    found: dict[str, Profile] = {}
    pending: list[str] = []
    for respondent, assessment in rows:
        label = respondent
        number = 2
        while label in found:
            label, number = f"{respondent} ({number})", number + 1
        if assessment is None or assessment.submitted_at is None:
            pending.append(respondent)
            continue
        answers = dict(assessment.answers or {})
        answers["name"] = partnership
        try:
            found[label] = draft_profile(answers, load_questions(), default_framework())
        except InvalidInput:
            pending.append(respondent)
    return found, pending
