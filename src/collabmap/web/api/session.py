"""Signing in and out from a script: the same session cookie as the pages, plus the CSRF
token a client must send back in the ``X-CSRF-Token`` header of every change."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from collabmap.store.accounts import SignedIn, end_session, sign_in
from collabmap.web._app import clear_session_cookie, set_session_cookie
from collabmap.web._context import Visitor, visitor
from collabmap.web.api._common import Changing, problems

router = APIRouter(prefix="/session", tags=["session"])


class Credentials(BaseModel):
    """A user name and password, as for the sign-in page."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100, description="The user name.")
    password: str = Field(min_length=1, max_length=1000, description="The password.")


class UserOut(BaseModel):
    name: str = Field(description="The user name (lower case).")
    display_name: str = Field(description="The name shown on pages.")


class SessionOut(BaseModel):
    """Who is signed in, and the token to send as ``X-CSRF-Token`` with every change."""

    user: UserOut
    csrf_token: str
    expires_at: datetime = Field(description="When the session ends (UTC).")


def _session(signed_in: SignedIn) -> SessionOut:
    account = signed_in.account
    return SessionOut(
        user=UserOut(name=account.name, display_name=account.display_name),
        csrf_token=signed_in.csrf_token,
        expires_at=signed_in.expires_at.replace(tzinfo=UTC),  # stored as naive UTC
    )


@router.post(
    "",
    summary="Sign in",
    status_code=201,
    responses=problems(401, 429),
)
def create_session(
    credentials: Credentials,
    request: Request,
    response: Response,
    who: Annotated[Visitor, Depends(visitor)],
) -> SessionOut:
    """Check the name and password and open a session: the response sets the session cookie
    and gives the CSRF token. Failed attempts are counted like the sign-in page's: after 5
    for one account, or 20 from one address, within 15 minutes, the answer is 429."""
    address = request.client.host if request.client else "unknown"
    agent = request.headers.get("user-agent", "")
    token, signed_in = sign_in(
        who.store, credentials.name, credentials.password, address=address, agent=agent
    )
    set_session_cookie(response, who.settings, token)
    return _session(signed_in)


@router.get("", summary="Who is signed in", responses=problems(401))
def read_session(who: Annotated[Visitor, Depends(visitor)]) -> SessionOut:
    """The signed-in user and the session's CSRF token (for a client that signed in on a
    page, or lost the token)."""
    return _session(who.account())


@router.delete("", summary="Sign out", status_code=204, responses=problems(401, 403))
def delete_session(who: Changing, response: Response) -> None:
    """End the session: its cookie stops working at once."""
    if who.token:
        end_session(who.store, who.token)
    clear_session_cookie(response, who.settings)
