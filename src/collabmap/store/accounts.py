"""Local accounts, project roles and signed-in sessions for the web application.

Passwords are hashed with argon2 (argon2-cffi's defaults, RFC 9106's second recommended
parameter set); a session cookie carries a random token whose SHA-256 alone is stored, so a
copy of the database cannot be used to sign in. Failed sign-ins are counted per account and per
address so guessing is slowed down (see :func:`sign_in`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from collabmap.errors import AlreadyExists, InvalidInput, SignInRefused, UnknownName
from collabmap.store._engine import Store
from collabmap.store.audit import record
from collabmap.store.models import ROLES, Member, Project, SignInAttempt, User, WebSession, utcnow
from collabmap.store.projects import get_project

__all__ = [
    "SESSION_LIFETIME",
    "Account",
    "SignedIn",
    "add_member",
    "create_user",
    "end_session",
    "find_session",
    "get_user",
    "list_members",
    "list_users",
    "project_roles",
    "remove_member",
    "sign_in",
]

SESSION_LIFETIME = timedelta(hours=12)
"""How long a sign-in lasts without being renewed."""

THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_PER_ACCOUNT = 5
THROTTLE_PER_ADDRESS = 20
"""Failed sign-ins allowed in the window, for one account and from one address."""

_NAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,99}$")
_MIN_PASSWORD = 10
_MAX_PASSWORD = 1000
_hasher = PasswordHasher()
_hashing = threading.BoundedSemaphore(2)
"""Hashes computed at once: each takes 64 MiB and most of a core for a fraction of a second,
so a burst of sign-ins queues here rather than exhausting the machine's memory."""
_UNUSABLE = _hasher.hash(secrets.token_urlsafe(16))
"""A hash nobody knows the password of: checked for unknown names so timing tells nothing."""


@dataclass(frozen=True, slots=True)
class Account:
    """A user as the web application sees it (never the password hash)."""

    id: int
    name: str
    display_name: str


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A live session: who, and the token that protects their forms from forgery."""

    account: Account
    csrf_token: str
    expires_at: datetime


def _account(user: User) -> Account:
    return Account(user.id, user.name, user.display_name)


def check_user_name(name: str) -> str:
    """A user name as stored: lower case letters, digits and ``. _ @ -``, 1–100 characters."""
    value = name.strip().lower()
    if not _NAME.match(value):
        raise InvalidInput(
            f"user name {name!r} must be 1 to 100 lower-case letters, digits or . _ @ -,"
            " starting with a letter or digit"
        )
    return value


def check_password(password: str) -> str:
    if len(password) < _MIN_PASSWORD:
        raise InvalidInput(f"a password must have at least {_MIN_PASSWORD} characters")
    if len(password) > _MAX_PASSWORD:
        raise InvalidInput(f"a password must have at most {_MAX_PASSWORD} characters")
    return password


def create_user(
    store: Store, name: str, password: str, *, display_name: str | None = None, actor: str
) -> Account:
    """A new local account. ``actor`` says who created it, for the audit log."""
    user_name = check_user_name(name)
    check_password(password)
    shown = (display_name or user_name).strip()
    if not shown or len(shown) > 200:
        raise InvalidInput("a display name must have 1 to 200 characters")
    with store.transaction() as session:
        if session.scalar(select(User.id).where(User.name == user_name)) is not None:
            raise AlreadyExists("user", user_name)
        with _hashing:
            hashed = _hasher.hash(password)
        user = User(name=user_name, display_name=shown, password_hash=hashed)
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


def sign_in(store: Store, name: str, password: str, *, address: str) -> tuple[str, SignedIn]:
    """Check a name and password and open a session: the cookie token and the session.

    Refused alike for an unknown name and a wrong password (so names cannot be discovered),
    and refused without checking after too many recent failures for the account or address.
    """
    user_name = name.strip().lower()[:100]
    address = address[:100]
    now = utcnow()
    with store.transaction() as session:
        session.execute(delete(SignInAttempt).where(SignInAttempt.at < now - THROTTLE_WINDOW))
        if _throttled(session, user_name, address, now):
            raise SignInRefused(
                "too many failed sign-ins; wait 15 minutes and try again", throttled=True
            )
        user = session.scalar(select(User).where(User.name == user_name, User.active))
    try:
        with _hashing:
            _hasher.verify(user.password_hash if user else _UNUSABLE, password[:_MAX_PASSWORD])
        ok = user is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        with store.transaction() as session:
            session.add(SignInAttempt(user_name=user_name, address=address, at=now))
            record(session, user_name or "(blank)", "sign_in.failed", detail={"address": address})
        raise SignInRefused("the user name or password is not right")
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = now + SESSION_LIFETIME
    with store.transaction() as session:
        if _hasher.check_needs_rehash(user.password_hash):
            session.get_one(User, user.id).password_hash = _hasher.hash(password)
        session.add(
            WebSession(
                token_hash=_hash_token(token), user_id=user.id, csrf_token=csrf, expires_at=expires
            )
        )
        session.execute(delete(WebSession).where(WebSession.expires_at < now))
        record(session, user.name, "sign_in", detail={"address": address})
    return token, SignedIn(_account(user), csrf, expires)


def open_session_for(store: Store, user_name: str) -> tuple[str, SignedIn]:
    """A session for a user without a password: only for ``collabmap demo`` on loopback."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = utcnow() + SESSION_LIFETIME
    with store.transaction() as session:
        user = get_user(session, user_name)
        session.add(
            WebSession(
                token_hash=_hash_token(token), user_id=user.id, csrf_token=csrf, expires_at=expires
            )
        )
        return token, SignedIn(_account(user), csrf, expires)


def find_session(store: Store, token: str) -> SignedIn | None:
    """The live session a cookie token belongs to, or None (unknown, expired, user disabled)."""
    if not token or len(token) > 200:
        return None
    with store.reading() as session:
        row = session.execute(
            select(WebSession, User)
            .join(User, User.id == WebSession.user_id)
            .where(WebSession.token_hash == _hash_token(token), User.active)
        ).first()
        if row is None:
            return None
        web_session, user = row
        if web_session.expires_at < utcnow():
            return None
        return SignedIn(_account(user), web_session.csrf_token, web_session.expires_at)


def end_session(store: Store, token: str) -> None:
    """Sign out: the token stops working at once."""
    with store.transaction() as session:
        web_session = session.get(WebSession, _hash_token(token))
        if web_session is not None:
            user = session.get_one(User, web_session.user_id)
            session.delete(web_session)
            record(session, user.name, "sign_out")
