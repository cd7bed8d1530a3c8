"""The ASGI application: settings, middleware, static assets, templates and routes.

:func:`create_app` is the one way to build it; ``collabmap serve`` and ``collabmap demo`` run
it with uvicorn, tests drive it in a browser or through HTTP.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from collabmap.store import Store
from collabmap.store.accounts import find_session, open_session_for
from collabmap.web import _filters
from collabmap.web._errors import install_error_handlers, not_found
from collabmap.web._settings import STATIC, TEMPLATES, WebSettings

__all__ = ["create_app", "set_session_cookie"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class _BodyLimit:
    """Refuse a request body over the limit before it is read into memory: at once when its
    Content-Length says so, else as soon as the bytes received pass the limit.

    A body sent in chunks (no Content-Length) is refused here too, by answering 413 and then
    telling the application the client has gone. Raising from ``receive`` would not do: the
    ``http`` middleware below reads the body in a task group, which wraps the exception, and
    FastAPI reports any exception met while reading a body as a 400 "error parsing the body".
    """

    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        limit = (
            self.settings.max_upload_bytes
            if content_type.startswith("multipart/form-data")
            else self.settings.max_form_bytes
        )
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                too_big = True
            if too_big:
                await _refuse_too_large(scope, send, limit)
                return
        received = 0
        started = refused = False

        async def counted() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not started:
                        await _refuse_too_large(scope, send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 has been sent; whatever the application says now is moot
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counted, guarded)


def _too_large(limit: int) -> str:
    return f"the request is larger than {limit / 1_000_000:,.1f} MB, the limit; nothing was read"


async def _refuse_too_large(scope: Scope, send: Send, limit: int) -> None:
    from collabmap.web._errors import problem

    response = problem(413, _too_large(limit))
    response.headers["Connection"] = "close"
    await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in {"localhost", "testclient"}


class _Guard:
    """Around every request: refuse an address holding a control character (no name holds
    one, and PostgreSQL text cannot hold NUL), sign a demo visitor in, and add the security
    headers. A plain ASGI middleware: Starlette's ``BaseHTTPMiddleware`` cost a tenth of the
    server's time under load."""

    def __init__(self, app: ASGIApp, store: Store, settings: WebSettings) -> None:
        self.app = app
        self.store = store
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if _CONTROL.search(path):
            await not_found(Request(scope))(scope, receive, send)
            return
        cookie_headers: list[tuple[bytes, bytes]] = []
        client = scope.get("client")
        if self.settings.demo_user and _is_loopback(client[0] if client else ""):
            token = await run_in_threadpool(self._demo_session, Request(scope))
            if token is not None:
                scope.setdefault("state", {})["session_token"] = token
                dummy = Response()
                set_session_cookie(dummy, self.settings, token)
                cookie_headers = [h for h in dummy.raw_headers if h[0] == b"set-cookie"]
        static = path.startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                if not static and "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
                if self.settings.secure_cookies:  # served over HTTPS: browsers stay on it
                    headers["Strict-Transport-Security"] = "max-age=31536000"
                for raw_name, raw_value in cookie_headers:
                    headers.append(raw_name.decode("latin-1"), raw_value.decode("latin-1"))
            await send(message)

        await self.app(scope, receive, with_headers)

    def _demo_session(self, request: Request) -> str | None:
        """A new session for the demo user, unless the visitor already has a live one."""
        assert self.settings.demo_user is not None
        cookie = request.cookies.get(self.settings.session_cookie)
        if cookie and find_session(self.store, cookie) is not None:
            return None
        token, _ = open_session_for(self.store, self.settings.demo_user)
        return token


def set_session_cookie(response: Response, settings: WebSettings, token: str) -> None:
    """The session cookie: HttpOnly (no script reads it), SameSite=Lax (not sent with
    another site's forms), Secure and ``__Host-`` over HTTPS, no expiry (gone when the browser
    closes; the server ends it anyway after the idle or absolute timeout)."""
    response.set_cookie(
        settings.session_cookie,
        token,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


def clear_session_cookie(response: Response, settings: WebSettings) -> None:
    """Tell the browser to forget the session cookie (with the attributes it was set with,
    or a browser keeps a ``__Host-`` cookie)."""
    response.delete_cookie(
        settings.session_cookie,
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    report_jobs = getattr(app.state, "report_jobs", None)  # see web/_reports.py
    if report_jobs is not None:
        report_jobs.close()


def create_app(store: Store, settings: WebSettings | None = None) -> FastAPI:
    """The web application over an open store."""
    from collabmap.web.api import router as api_router
    from collabmap.web.pages import router as pages_router

    settings = settings or WebSettings()
    app = FastAPI(
        title="collabmap",
        summary="Describe, compare and analyse collaborative practice in public services.",
        version=_version(),
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=_lifespan,
    )
    app.state.store = store
    app.state.settings = settings
    templates = Jinja2Templates(directory=TEMPLATES, context_processors=[_filters.page_context])
    _filters.install(templates.env)
    templates.env.auto_reload = False  # templates ship with the package: no stat() per page
    app.state.templates = templates
    install_error_handlers(app)

    app.add_middleware(_Guard, store=store, settings=settings)
    app.add_middleware(_BodyLimit, settings=settings)
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
    app.include_router(api_router)
    app.include_router(pages_router)

    def openapi() -> dict[str, Any]:
        from collabmap.web.api._common import describe_unreadable_bodies

        return describe_unreadable_bodies(FastAPI.openapi(app))

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("collabmap")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"
