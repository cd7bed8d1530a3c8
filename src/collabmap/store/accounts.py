"""Local accounts, project roles and signed-in sessions for the web application.

Passwords are judged and hashed in :mod:`collabmap.store.passwords`. A session cookie carries
a random token whose SHA-256 alone is stored, so a copy of the database cannot be used to sign
in; a session ends after :data:`SESSION_LIFETIME` or :data:`SESSION_IDLE` without use, and its
user can list their sessions and end the others. Failed sign-ins (and failed re-entries of a
password) are counted per account and per address so guessing is slowed down.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from collabmap.errors import AlreadyExists, InvalidInput, SignInRefused, UnknownName
from collabmap.store._engine import Store
from collabmap.store.access import opened_by_invitation
from collabmap.store.audit import record
from collabmap.store.models import ROLES, Member, Project, SignInAttempt, User, WebSession, utcnow
from collabmap.store.passwords import (
    check_new_password,
    hash_password,
    needs_rehash,
    password_matches,
)
from collabmap.store.projects import get_project

__all__ = [
    "SESSION_IDLE",
    "SESSION_LIFETIME",
    "Account",
    "SessionInfo",
    "SignedIn",
    "add_member",
    "change_password",
    "create_user",
    "end_other_sessions",
    "end_session",
    "find_session",
    "get_user",
    "list_members",
    "list_sessions",
    "list_users",
    "project_roles",
    "remove_member",
    "set_password",
    "sign_in",
]

SESSION_LIFETIME = timedelta(hours=12)
"""How long a sign-in lasts at most, used or not (OWASP ASVS 3.3.2, level 2)."""
SESSION_IDLE = timedelta(minutes=30)
"""A session unused this long ends: an unattended screen does not stay signed in."""
_TOUCH_EVERY = timedelta(minutes=1)
"""A session's last use is written at most this often, so reading pages stays read-only."""

THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_PER_ACCOUNT = 5
THROTTLE_PER_ADDRESS = 20
"""Failed sign-ins allowed in the window, for one account and from one address."""

_NAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,99}$")


@dataclass(frozen=True, slots=True)
class Account:
    """A user as the web application sees it (never the password hash)."""

    id: int
    name: str
    display_name: str
    has_password: bool = True
    """False for a respondent's account, which is reached only through an invitation link."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A live session: who, and the token that protects their forms from forgery."""

    account: Account
    csrf_token: str
    expires_at: datetime


def _account(user: User) -> Account:
    invited = opened_by_invitation(user.password_hash)
    return Account(user.id, user.name, user.display_name, has_password=not invited)


def check_user_name(name: str) -> str:
    """A user name as stored: lower case letters, digits and ``. _ @ -``, 1–100 characters."""
    value = name.strip().lower()
    if not _NAME.match(value):
        raise InvalidInput(
            f"user name {name!r} must be 1 to 100 lower-case letters, digits or . _ @ -,"
            " starting with a letter or digit"
        )
    return value


def create_user(
    store: Store, name: str, password: str, *, display_name: str | None = None, actor: str
) -> Account:
    """A new local account. ``actor`` says who created it, for the audit log."""
    user_name = check_user_name(name)
    shown = (display_name or user_name).strip()
    if not shown or len(shown) > 200:
        raise InvalidInput("a display name must have 1 to 200 characters")
    check_new_password(password, personal=(user_name, shown))
    with store.transaction() as session:
        if session.scalar(select(User.id).where(User.name == user_name)) is not None:
            raise AlreadyExists("user", user_name)
        user = User(name=user_name, display_name=shown, password_hash=hash_password(password))
        session.add(user)
        session.flush()
        record(session, actor, "user.create", target=user_name)
        return _account(user)


def get_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name.strip().lower()))
    if user is None:
        raise UnknownName("user", name, None)
    return user


def list_users(store: Store) -> list[Account]:
    with store.reading() as session:
        return [_account(u) for u in session.scalars(select(User).order_by(User.name))]


def add_member(store: Store, project_name: str, user_name: str, role: str, *, actor: str) -> None:
    """Give a user a role in a project (replacing any role they had there)."""
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    with store.transaction() as session:
        project = get_project(session, project_name)
        user = get_user(session, user_name)
        member = session.get(Member, (project.id, user.id))
        before = member.role if member else None
        if member is None:
            session.add(Member(project_id=project.id, user_id=user.id, role=role))
        else:
            if before == "owner" and role != "owner":
                _keep_an_owner(session, project, user.name)
            member.role = role
        record(
            session,
            actor,
            "member.set",
            project=project,
            target=user.name,
            detail={"role": role, "before": before},
        )


def remove_member(store: Store, project_name: str, user_name: str, *, actor: str) -> None:
    """Take a user's role in a project away. The last owner cannot be removed, so a project
    always has someone who can manage it."""
    with store.transaction() as session:
        project = get_project(session, project_name)
        user = get_user(session, user_name)
        member = session.get(Member, (project.id, user.id))
        if member is None:
            raise UnknownName("member", user.name, _member_names(session, project))
        if member.role == "owner":
            _keep_an_owner(session, project, user.name)
        role = member.role
        session.delete(member)
        record(
            session,
            actor,
            "member.remove",
            project=project,
            target=user.name,
            detail={"before": role},
        )


def _member_names(session: Session, project: Project) -> list[str]:
    return list(
        session.scalars(
            select(User.name)
            .join(Member, Member.user_id == User.id)
            .where(Member.project_id == project.id)
            .order_by(User.name)
        )
    )


def _keep_an_owner(session: Session, project: Project, leaving: str) -> None:
    """Refuse a change that would leave the project with no owner. The owners' rows are
    locked on PostgreSQL, so two owners demoting each other at once cannot both succeed."""
    owners = list(
        session.scalars(
            select(User.name)
            .join(Member, Member.user_id == User.id)
            .where(Member.project_id == project.id, Member.role == "owner")
            .with_for_update(of=Member)
        )
    )
    if owners == [leaving]:
        raise InvalidInput(
            f"{leaving} is the last owner of {project.name!r}; make another member owner first"
        )


def list_members(store: Store, project_name: str) -> list[tuple[Account, str]]:
    with store.reading() as session:
        project = get_project(session, project_name)
        rows = session.execute(
            select(User, Member.role)
            .join(Member, Member.user_id == User.id)
            .where(Member.project_id == project.id)
            .order_by(User.name)
        ).all()
        return [(_account(user), role) for user, role in rows]


def project_roles(session: Session, user_id: int) -> dict[str, str]:
    """The user's role in each project they belong to, by project name."""
    rows = session.execute(
        select(Project.name, Member.role)
        .join(Member, Member.project_id == Project.id)
        .where(Member.user_id == user_id)
    ).all()
    return {str(name): str(role) for name, role in rows}


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _throttled(session: Session, user_name: str, address: str, now: datetime) -> bool:
    since = now - THROTTLE_WINDOW

    def failures(column: InstrumentedAttribute[str], value: str) -> int:
        query = select(func.count()).where(column == value, SignInAttempt.at >= since)
        return int(session.scalar(query) or 0)

    return (
        failures(SignInAttempt.user_name, user_name) >= THROTTLE_PER_ACCOUNT
        or failures(SignInAttempt.address, address) >= THROTTLE_PER_ADDRESS
    )


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """One of a user's signed-in sessions as they see it in their list (never its token):
    ``handle`` names it in a request to end it."""

    handle: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    address: str
    agent: str
    current: bool


def _refuse_wrong_password(store: Store, user_name: str, address: str) -> SignInRefused:
    with store.transaction() as session:
        session.add(SignInAttempt(user_name=user_name, address=address, at=utcnow()))
        record(session, user_name or "(blank)", "sign_in.failed", detail={"address": address})
    return SignInRefused("the user name or password is not right")


def _check_not_throttled(store: Store, user_name: str, address: str) -> None:
    now = utcnow()
    with store.transaction() as session:
        session.execute(delete(SignInAttempt).where(SignInAttempt.at < now - THROTTLE_WINDOW))
        if _throttled(session, user_name, address, now):
            raise SignInRefused(
                "too many failed sign-ins; wait 15 minutes and try again", throttled=True
            )


def _open_session(session: Session, user: User, *, address: str, agent: str) -> tuple[str, str]:
    """A new session row for ``user``: its cookie token and CSRF token (a fresh pair at every
    sign-in, so a token planted before signing in is worthless afterwards)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        WebSession(
            token_hash=_hash_token(token),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            last_seen_at=now,
            expires_at=now + SESSION_LIFETIME,
            address=address[:100],
            agent=agent[:200],
        )
    )
    return token, csrf


def sign_in(
    store: Store, name: str, password: str, *, address: str, agent: str = ""
) -> tuple[str, SignedIn]:
    """Check a name and password and open a session: the cookie token and the session.

    Refused alike for an unknown name and a wrong password (so names cannot be discovered),
    and refused without checking after too many recent failures for the account or address.
    ``agent`` (the browser's description of itself) is kept so the user can recognise the
    session in their list.
    """
    user_name = name.strip().lower()[:100]
    address = address[:100]
    _check_not_throttled(store, user_name, address)
    with store.reading() as session:
        user = session.scalar(select(User).where(User.name == user_name, User.active))
    if not password_matches(user.password_hash if user else None, password) or user is None:
        raise _refuse_wrong_password(store, user_name, address)
    with store.transaction() as session:
        if needs_rehash(user.password_hash):
            session.get_one(User, user.id).password_hash = hash_password(password)
        token, csrf = _open_session(session, user, address=address, agent=agent)
        session.execute(delete(WebSession).where(WebSession.expires_at < utcnow()))
        record(session, user.name, "sign_in", detail={"address": address})
    return token, SignedIn(_account(user), csrf, utcnow() + SESSION_LIFETIME)


def open_session_for(store: Store, user_name: str, *, address: str = "") -> tuple[str, SignedIn]:
    """A session for a user without a password: a respondent who opened their invitation
    link, or every visitor of ``collabmap demo`` on loopback."""
    with store.transaction() as session:
        user = get_user(session, user_name)
        token, csrf = _open_session(session, user, address=address, agent="")
        return token, SignedIn(_account(user), csrf, utcnow() + SESSION_LIFETIME)


def find_session(store: Store, token: str) -> SignedIn | None:
    """The live session a cookie token belongs to, or None (unknown, expired, idle for longer
    than :data:`SESSION_IDLE`, user disabled). Using it counts as activity."""
    if not token or len(token) > 200:
        return None
    token_hash = _hash_token(token)
    now = utcnow()
    with store.reading() as session:
        row = session.execute(
            select(WebSession, User)
            .join(User, User.id == WebSession.user_id)
            .where(WebSession.token_hash == token_hash, User.active)
        ).first()
        if row is None:
            return None
        web_session, user = row
        last_seen = web_session.last_seen_at or web_session.created_at
        if web_session.expires_at < now or last_seen + SESSION_IDLE < now:
            return None
        found = SignedIn(_account(user), web_session.csrf_token, web_session.expires_at)
    if last_seen + _TOUCH_EVERY < now:
        with store.transaction() as session:
            session.execute(
                update(WebSession)
                .where(WebSession.token_hash == token_hash)
                .values(last_seen_at=now)
            )
    return found


def end_session(store: Store, token: str) -> None:
    """Sign out: the token stops working at once."""
    with store.transaction() as session:
        web_session = session.get(WebSession, _hash_token(token))
        if web_session is not None:
            user = session.get_one(User, web_session.user_id)
            session.delete(web_session)
            record(session, user.name, "sign_out")


def list_sessions(store: Store, user_id: int, current_token: str | None) -> list[SessionInfo]:
    """A user's live sessions, the most recently used first, the one asking marked."""
    current = _hash_token(current_token) if current_token else None
    now = utcnow()
    with store.reading() as session:
        rows = session.scalars(
            select(WebSession).where(WebSession.user_id == user_id, WebSession.expires_at >= now)
        ).all()
        found = [
            SessionInfo(
                handle=row.token_hash[:16],
                created_at=row.created_at,
                last_seen_at=row.last_seen_at or row.created_at,
                expires_at=row.expires_at,
                address=row.address,
                agent=row.agent,
                current=row.token_hash == current,
            )
            for row in rows
            if (row.last_seen_at or row.created_at) + SESSION_IDLE >= now
        ]
    return sorted(found, key=lambda s: s.last_seen_at, reverse=True)


def _reauthenticate(store: Store, user_id: int, password: str, address: str) -> User:
    """The user, once they have typed their password again (counted like a sign-in)."""
    with store.reading() as session:
        user = session.get_one(User, user_id)
    _check_not_throttled(store, user.name, address)
    if not password_matches(user.password_hash, password):
        raise _refuse_wrong_password(store, user.name, address)
    return user


def end_other_sessions(
    store: Store,
    user_id: int,
    password: str,
    *,
    keep_token: str | None,
    handles: Sequence[str] | None = None,
    address: str = "",
) -> int:
    """Sign a user out of their other sessions — all of them, or those named by ``handles`` —
    after checking their password again (a stolen session cannot lock its owner out). The
    session asking is kept. Gives how many ended."""
    user = _reauthenticate(store, user_id, password, address)
    keep = _hash_token(keep_token) if keep_token else ""
    with store.transaction() as session:
        rows = session.scalars(select(WebSession).where(WebSession.user_id == user.id)).all()
        wanted = set(handles) if handles is not None else None
        ended = 0
        for row in rows:
            if row.token_hash == keep:
                continue
            if wanted is not None and row.token_hash[:16] not in wanted:
                continue
            session.delete(row)
            ended += 1
        record(session, user.name, "sign_out.others", detail={"sessions": ended})
    return ended


def change_password(
    store: Store,
    user_id: int,
    current: str,
    new: str,
    *,
    keep_token: str | None,
    end_others: bool = True,
    address: str = "",
) -> int:
    """Change a user's own password: the current one must be given, the new one must pass
    the password rules. With ``end_others`` every other session ends (someone who had the
    old password is signed out). Gives how many sessions ended."""
    user = _reauthenticate(store, user_id, current, address)
    check_new_password(new, personal=(user.name, user.display_name, current))
    hashed = hash_password(new)
    keep = _hash_token(keep_token) if keep_token else ""
    with store.transaction() as session:
        session.get_one(User, user.id).password_hash = hashed
        ended = 0
        if end_others:
            others = session.scalars(
                select(WebSession).where(
                    WebSession.user_id == user.id, WebSession.token_hash != keep
                )
            ).all()
            for row in others:
                session.delete(row)
            ended = len(others)
        record(session, user.name, "password.change", detail={"other_sessions_ended": ended})
    return ended


def set_password(store: Store, user_name: str, new: str, *, actor: str) -> None:
    """Give a user a new password (``collabmap user password``, for whoever runs collabmap):
    every session of theirs ends, so they sign in again with it."""
    with store.reading() as session:
        user = get_user(session, user_name)
        personal = (user.name, user.display_name)
    check_new_password(new, personal=personal)
    hashed = hash_password(new)
    with store.transaction() as session:
        row = get_user(session, user_name)
        row.password_hash = hashed
        session.execute(delete(WebSession).where(WebSession.user_id == row.id))
        record(session, actor, "password.set", target=row.name)
