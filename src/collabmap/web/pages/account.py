"""Signing in and out, and a user's own account: their password and where they are signed in."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from collabmap.errors import AccessDenied, InvalidInput, SignInRefused
from collabmap.store.accounts import (
    change_password,
    end_other_sessions,
    end_session,
    list_sessions,
    sign_in,
)
from collabmap.store.passwords import strength
from collabmap.web._app import clear_session_cookie, set_session_cookie
from collabmap.web._context import Visitor, visitor
from collabmap.web._settings import PRE_SESSION_COOKIE
from collabmap.web.pages._forms import page, read_form

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an address elsewhere (no open redirect)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/sign-in")
def sign_in_page(request: Request, next: str = "/") -> Any:
    token = secrets.token_urlsafe(32)
    response = page(request, "sign_in.html", next=_safe_next(next), form_token=token, values={})
    response.set_cookie(PRE_SESSION_COOKIE, token, httponly=True, samesite="strict", path="/")
    return response


@router.post("/sign-in")
async def sign_in_submit(request: Request, who: Annotated[Visitor, Depends(visitor)]) -> Any:
    form = await request.form()
    expected = request.cookies.get(PRE_SESSION_COOKIE, "")
    submitted = form.get("form_token")
    if (
        not expected
        or not isinstance(submitted, str)
        or not hmac.compare_digest(submitted.encode(), expected.encode())
    ):
        raise AccessDenied("this sign-in form has expired; reload the page and try again")
    name = str(form.get("name") or "").strip()
    password = str(form.get("password") or "")
    target = _safe_next(str(form.get("next") or "/"))
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter your user name"
    if not password:
        errors["password"] = "Enter your password"
    if not errors:
        try:
            token, _ = sign_in(
                who.store,
                name,
                password,
                address=_address(request),
                agent=request.headers.get("user-agent", ""),
            )
        except SignInRefused as exc:
            errors["name"] = str(exc)[:1].upper() + str(exc)[1:]
        else:
            response = RedirectResponse(target, status_code=303)
            set_session_cookie(response, who.settings, token)
            response.delete_cookie(PRE_SESSION_COOKIE, path="/")
            return response
    fresh = secrets.token_urlsafe(32)
    response = page(
        request,
        "sign_in.html",
        next=target,
        form_token=fresh,
        values={"name": name},
        errors=errors,
    )
    response.set_cookie(PRE_SESSION_COOKIE, fresh, httponly=True, samesite="strict", path="/")
    return response


@router.post("/sign-out")
async def sign_out(request: Request, who: Annotated[Visitor, Depends(visitor)]) -> Any:
    await read_form(request, who)
    if who.token:
        end_session(who.store, who.token)
    response = RedirectResponse("/sign-in", status_code=303)
    clear_session_cookie(response, who.settings)
    return response


def _account_page(request: Request, who: Visitor, **context: Any) -> Any:
    signed_in = who.account()
    sessions = list_sessions(who.store, signed_in.account.id, who.token)
    context.setdefault("errors", {})
    return page(request, "account.html", sessions=sessions, **context)


@router.get("/account")
def account_page(request: Request, who: Annotated[Visitor, Depends(visitor)]) -> Any:
    """Who you are, where you are signed in, and links to change your password."""
    return _account_page(request, who, ended=request.query_params.get("ended"))


@router.post("/account/sessions")
async def end_sessions_submit(request: Request, who: Annotated[Visitor, Depends(visitor)]) -> Any:
    """Sign out of the chosen other sessions (or all of them) after typing the password."""
    form = await read_form(request, who)
    signed_in = who.account()
    chosen = [str(v) for v in form.getlist("session") if isinstance(v, str)]
    everywhere = form.get("which") == "all"
    password = str(form.get("password") or "")
    errors: dict[str, str] = {}
    if not everywhere and not chosen:
        errors["session"] = "Select the sessions to sign out of, or choose all other sessions"
    if not password:
        errors["password"] = "Enter your password"
    if not errors:
        try:
            ended = end_other_sessions(
                who.store,
                signed_in.account.id,
                password,
                keep_token=who.token,
                handles=None if everywhere else chosen,
                address=_address(request),
            )
        except SignInRefused as exc:
            errors["password"] = _sentence(str(exc)).replace("user name or password", "password")
        else:
            return RedirectResponse(f"/account?ended={ended}", status_code=303)
    return _account_page(request, who, errors=errors, chosen=chosen, which=form.get("which"))


@router.get("/account/password")
def password_page(request: Request, who: Annotated[Visitor, Depends(visitor)]) -> Any:
    """The form to change your own password."""
    _require_password(who)
    return page(request, "account_password.html", errors={}, end_others=True)


@router.post("/account/password")
async def password_submit(request: Request, who: Annotated[Visitor, Depends(visitor)]) -> Any:
    """Change your password: the current one, the new one twice; other sessions end unless
    the box is unticked."""
    form = await read_form(request, who)
    signed_in = _require_password(who)
    current = str(form.get("current_password") or "")
    new = str(form.get("new_password") or "")
    again = str(form.get("confirm_password") or "")
    end_others = form.get("end_others") == "yes"
    errors: dict[str, str] = {}
    if not current:
        errors["current_password"] = "Enter your current password"
    if not new:
        errors["new_password"] = "Enter a new password"
    elif new != again:
        errors["confirm_password"] = "The two new passwords are not the same"
    if not errors:
        try:
            ended = change_password(
                who.store,
                signed_in.account.id,
                current,
                new,
                keep_token=who.token,
                end_others=end_others,
                address=_address(request),
            )
        except SignInRefused as exc:
            message = _sentence(str(exc)).replace("user name or password", "password")
            errors["current_password"] = message
        except InvalidInput as exc:
            errors["new_password"] = _sentence(str(exc))
        else:
            return page(request, "account_password_changed.html", ended=ended, errors={})
    return page(request, "account_password.html", errors=errors, end_others=end_others)


@router.post("/account/password/strength")
async def password_strength(request: Request, who: Annotated[Visitor, Depends(visitor)]) -> Any:
    """The strength meter under "New password" (asked by htmx as the user types)."""
    form = await read_form(request, who)
    signed_in = _require_password(who)
    candidate = str(form.get("new_password") or "")
    found = (
        strength(candidate, personal=(signed_in.account.name, signed_in.account.display_name))
        if candidate
        else None
    )
    return request.app.state.templates.TemplateResponse(
        request, "_password_strength.html", {"strength": found}
    )


def _require_password(who: Visitor) -> Any:
    signed_in = who.account()
    if not signed_in.account.has_password:
        raise AccessDenied(
            "your account is reached through your invitation link and has no password to change"
        )
    return signed_in


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
