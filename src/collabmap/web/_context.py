"""What every request handler needs: the store, who is signed in, their role, the CSRF check.

Handlers never look at cookies or roles themselves; they ask for a :class:`Visitor` (anyone) or
a :class:`Member` (someone with a role in the project named in the path), and call
:meth:`Member.require` for the permission the operation needs.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import select

from collabmap.errors import AccessDenied, UnknownName
from collabmap.store import Store
from collabmap.store.access import allowed, require
from collabmap.store.accounts import SignedIn, find_session
from collabmap.store.models import Member as MemberRow
from collabmap.store.models import Project
from collabmap.web._settings import WebSettings

__all__ = ["Member", "NotSignedIn", "Visitor", "check_csrf", "member", "visitor"]


class NotSignedIn(AccessDenied):
    """Nobody is signed in: pages send the browser to the sign-in page, the API answers 401."""

    def __init__(self) -> None:
        super().__init__("you need to sign in")


@dataclass(frozen=True)
class Visitor:
    """Whoever made the request: the store, the settings and the session (if signed in)."""

    store: Store
    settings: WebSettings
    signed_in: SignedIn | None
    token: str | None

    @property
    def actor(self) -> str:
        """The name written in the audit log."""
        return self.signed_in.account.name if self.signed_in else "(anonymous)"

    def account(self) -> SignedIn:
        if self.signed_in is None:
            raise NotSignedIn
        return self.signed_in


@dataclass(frozen=True)
class Member:
    """A signed-in user acting in one project, with their role there."""

    visitor: Visitor
    project: str
    role: str

    @property
    def store(self) -> Store:
        return self.visitor.store

    @property
    def actor(self) -> str:
        return self.visitor.actor

    @property
    def user_id(self) -> int:
        return self.visitor.account().account.id

    def can(self, permission: str) -> bool:
        return allowed(self.role, permission)

    def require(self, permission: str) -> None:
        require(self.role, permission)


def visitor(request: Request) -> Visitor:
    """The visitor of this request (cached on the request: looked up once)."""
    cached = getattr(request.state, "visitor", None)
    if isinstance(cached, Visitor):
        return cached
    settings: WebSettings = request.app.state.settings
    store: Store = request.app.state.store
    token = getattr(request.state, "session_token", None) or request.cookies.get(
        settings.session_cookie
    )
    signed_in = find_session(store, token) if token else None
    found = Visitor(store, settings, signed_in, token if signed_in else None)
    request.state.visitor = found
    return found


def member(project: str, who: Annotated[Visitor, Depends(visitor)]) -> Member:
    """The signed-in user's membership of ``project``; a project they do not belong to is
    reported as unknown, so nobody learns which projects exist."""
    account = who.account()
    with who.store.reading() as session:
        role = session.scalar(
            select(MemberRow.role)
            .join(Project, Project.id == MemberRow.project_id)
            .where(Project.name == project, MemberRow.user_id == account.account.id)
        )
    if role is None:
        raise UnknownName("project", project, None)
    return Member(who, project, role)


def check_csrf(who: Visitor, submitted: Any) -> None:
    """Refuse a change whose form or header does not carry the session's CSRF token."""
    signed_in = who.account()
    if not isinstance(submitted, str) or not hmac.compare_digest(
        submitted.encode(), signed_in.csrf_token.encode()
    ):
        raise AccessDenied(
            "this form has expired or did not come from collabmap; reload the page and try again"
        )


VisitorDep = Annotated[Visitor, Depends(visitor)]
MemberDep = Annotated[Member, Depends(member)]
