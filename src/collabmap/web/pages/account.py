"""Signing in and out."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from collabmap.errors import AccessDenied, SignInRefused
from collabmap.store.accounts import end_session, sign_in
from collabmap.web._app import set_session_cookie
from collabmap.web._context import Visitor, visitor
from collabmap.web._settings import PRE_SESSION_COOKIE, SESSION_COOKIE
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
        client = request.client.host if request.client else "unknown"
        try:
            token, _ = sign_in(who.store, name, password, address=client)
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
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
