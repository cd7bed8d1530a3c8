"""A user's own account from a script: their sessions and their password.

Ending other sessions and changing the password both ask for the password again, so a stolen
session cookie cannot lock its owner out (OWASP ASVS 3.3.4, 3.7.1)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from collabmap.errors import AccessDenied
from collabmap.store.accounts import change_password, end_other_sessions, list_sessions
from collabmap.store.passwords import MAX_LENGTH
from collabmap.web._context import Visitor, visitor
from collabmap.web.api._common import Changing, problems

router = APIRouter(prefix="/account", tags=["account"])

Password = Annotated[str, Field(min_length=1, max_length=MAX_LENGTH)]


class SessionOut(BaseModel):
    """One signed-in session of yours (never its token)."""

    handle: str = Field(description="Names the session in `POST /api/account/sessions/end`.")
    created_at: datetime = Field(description="When it was opened (UTC).")
    last_seen_at: datetime = Field(description="When it was last used, to the minute (UTC).")
    expires_at: datetime = Field(description="When it ends at the latest (UTC).")
    address: str = Field(description="The network address it was opened from.")
    agent: str = Field(description="The browser's description of itself.")
    current: bool = Field(description="Whether this is the session making the request.")


class EndSessions(BaseModel):
    """Which of your other sessions to end (all of them when ``sessions`` is left out)."""

    model_config = ConfigDict(extra="forbid")
    password: Password = Field(description="Your password, typed again.")
    sessions: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(
        default=None, max_length=1000, description="Handles from `GET /api/account/sessions`."
    )


class Ended(BaseModel):
    ended: int = Field(description="How many sessions ended.")


class PasswordChange(BaseModel):
    """Your current password and the new one. The new one needs at least 12 characters and
    must not be easy to guess (a common password, your name …)."""

    model_config = ConfigDict(extra="forbid")
    current_password: Password
    new_password: Password
    end_other_sessions: bool = Field(
        default=True, description="Sign out of every other session of yours."
    )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)  # stored as naive UTC


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/sessions", summary="Your sessions", responses=problems(401))
def read_sessions(who: Annotated[Visitor, Depends(visitor)]) -> list[SessionOut]:
    """Where you are signed in, the most recently used first."""
    signed_in = who.account()
    return [
        SessionOut(
            handle=s.handle,
            created_at=_utc(s.created_at),
            last_seen_at=_utc(s.last_seen_at),
            expires_at=_utc(s.expires_at),
            address=s.address,
            agent=s.agent,
            current=s.current,
        )
        for s in list_sessions(who.store, signed_in.account.id, who.token)
    ]


@router.post(
    "/sessions/end", summary="End your other sessions", responses=problems(401, 403, 422, 429)
)
def end_sessions(body: EndSessions, request: Request, who: Changing) -> Ended:
    """Sign out of your other sessions (the one asking stays signed in). A wrong password is
    answered 401 and counted like a failed sign-in."""
    signed_in = who.account()
    ended = end_other_sessions(
        who.store,
        signed_in.account.id,
        body.password,
        keep_token=who.token,
        handles=body.sessions,
        address=_address(request),
    )
    return Ended(ended=ended)


@router.post("/password", summary="Change your password", responses=problems(401, 403, 422, 429))
def update_password(body: PasswordChange, request: Request, who: Changing) -> Ended:
    """Change your own password; ``ended`` says how many other sessions were signed out."""
    signed_in = who.account()
    if not signed_in.account.has_password:
        raise AccessDenied("an account reached through an invitation link has no password")
    ended = change_password(
        who.store,
        signed_in.account.id,
        body.current_password,
        body.new_password,
        keep_token=who.token,
        end_others=body.end_other_sessions,
        address=_address(request),
    )
    return Ended(ended=ended)
