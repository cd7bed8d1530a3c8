"""Translating collabmap's errors for the browser and for API clients.

The library raises :class:`~collabmap.errors.CollabmapError`; here each kind becomes an HTTP
status and either an error page or an RFC 9457 problem document (``application/problem+json``)
for paths under ``/api/``. Nothing else turns errors into responses, and no traceback or
internal detail ever reaches a client.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from collabmap.errors import (
    AccessDenied,
    AlreadyExists,
    BrokenInstallation,
    CollabmapError,
    EditConflict,
    InvalidDocument,
    InvalidInput,
    SignInRefused,
    StorageFull,
    StoreError,
    UnknownName,
)
from collabmap.web._context import NotSignedIn
from collabmap.web._logging import redact_url

__all__ = ["field_errors", "install_error_handlers", "not_found", "problem", "status_of"]

log = logging.getLogger("collabmap.web")
security_log = logging.getLogger("collabmap.security")
"""Refused sign-ins and refused access, for whoever watches the server (OWASP ASVS 7.1.3,
7.2.2): who, what and where — never a password, token or any text from the project."""

_TITLES = {
    400: "Bad request",
    401: "Sign-in needed",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",  # a name already taken, or a change made from an out-of-date view
    413: "Too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many attempts",
    500: "Something went wrong",
    503: "Service unavailable",
    507: "Storage full",
}


def status_of(error: CollabmapError) -> int:
    if isinstance(error, SignInRefused):
        return 429 if error.throttled else 401
    if isinstance(error, NotSignedIn):
        return 401
    if isinstance(error, AccessDenied):
        return 403
    if isinstance(error, UnknownName):
        return 404
    if isinstance(error, AlreadyExists | EditConflict):
        return 409
    if isinstance(error, InvalidInput):
        return 422
    if isinstance(error, StorageFull):
        return 507  # Insufficient Storage: retrying will not help until space is freed
    if isinstance(error, StoreError):
        return 503
    if isinstance(error, BrokenInstallation):
        return 500  # the server's fault, and not one a retry will mend
    return 400


def field_errors(error: CollabmapError) -> list[dict[str, str]]:
    """Problems by field, for forms and problem documents (``field`` "" is the whole input)."""
    if isinstance(error, InvalidDocument):
        return [{"field": issue.path, "message": issue.message} for issue in error.issues]
    return []


def problem(
    status: int,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    """An RFC 9457 problem document; ``extra`` adds members (e.g. the current state of what
    a conflicting change would have replaced)."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra or {})
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def _page(request: Request, status: int, detail: str) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request,
        "error.html",
        {"status": status, "title": _TITLES.get(status, "Error"), "detail": detail},
        status_code=status,
    )


def _where(request: Request) -> str:
    """The request's method and path as logged: an invitation link's token is left out."""
    return f"{request.method} {redact_url(request.url.path)!r}"


def _who(request: Request) -> str:
    visitor = getattr(request.state, "visitor", None)
    signed_in = getattr(visitor, "signed_in", None)
    client = request.client.host if request.client else "unknown"
    name = signed_in.account.name if signed_in is not None else "(not signed in)"
    return f"{name} from {client}"


def _collabmap_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CollabmapError)
    status = status_of(exc)
    if isinstance(exc, StoreError):
        log.error("store error on %s: %s", _where(request), exc)
    elif isinstance(exc, SignInRefused):
        security_log.warning(
            "sign-in refused (%d) on %s for %s", status, _where(request), _who(request)
        )
    elif isinstance(exc, AccessDenied) and not isinstance(exc, NotSignedIn):
        security_log.warning("access refused on %s for %s", _where(request), _who(request))
    if _is_api(request):
        return problem(status, str(exc), field_errors(exc))
    if isinstance(exc, NotSignedIn):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/sign-in?next={quote(target, safe='')}", status_code=303)
    return _page(request, status, str(exc))


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query")]
        errors.append({"field": ".".join(location), "message": str(error.get("msg", "invalid"))})
    detail = "; ".join(f"{e['field'] or 'input'}: {e['message']}" for e in errors[:5])
    if _is_api(request):
        return problem(422, detail or "the request is not valid", errors)
    return _page(request, 422, detail or "the request is not valid")


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
    if exc.status_code == 404:
        detail = "there is no page at this address"
    if _is_api(request):
        response: Response = problem(exc.status_code, detail)
    else:
        response = _page(request, exc.status_code, detail)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


def _unexpected(request: Request, exc: Exception) -> Response:
    """The last-resort answer: a plain sentence and a reference the log has next to the
    traceback, so whoever runs collabmap can find what happened (OWASP ASVS 7.4.1)."""
    reference = secrets.token_hex(4).upper()
    log.error("unexpected error %s on %s", reference, _where(request), exc_info=exc)
    detail = (
        "collabmap could not finish this request; nothing was changed"
        f" (reference {reference} for whoever runs collabmap)"
    )
    if _is_api(request):
        return problem(500, detail)
    return _page(request, 500, detail)


def not_found(request: Request) -> Response:
    """The answer for an address that cannot name anything (used before routing)."""
    detail = "there is no page at this address"
    return problem(404, detail) if _is_api(request) else _page(request, 404, detail)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(CollabmapError, _collabmap_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
