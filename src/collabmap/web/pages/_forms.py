"""Reading forms: the CSRF check, and turning library errors into field messages."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.datastructures import FormData

from collabmap.errors import CollabmapError, InvalidDocument
from collabmap.web._context import Visitor, check_csrf

__all__ = ["errors_by_field", "page", "read_form"]


async def read_form(request: Request, who: Visitor) -> FormData:
    """The submitted form, after checking it carries the session's CSRF token."""
    form = await request.form()
    check_csrf(who, form.get("csrf_token"))
    return form


def errors_by_field(error: CollabmapError, fields: dict[str, str] | None = None) -> dict[str, str]:
    """Field name → message for the error summary. ``fields`` maps a library path (e.g.
    ``lead.organisation``) to the form field that holds it; unmapped paths go to ``""``."""
    fields = fields or {}
    found: dict[str, str] = {}
    if isinstance(error, InvalidDocument):
        for issue in error.issues:
            field = fields.get(issue.path, "")
            message = issue.message[:1].upper() + issue.message[1:]
            found.setdefault(field, message)
    else:
        text = str(error)
        found[""] = text[:1].upper() + text[1:]
    return found


def page(request: Request, template: str, **context: Any) -> Any:
    """Render a template; ``errors`` in the context also set the page title's Error: prefix
    and the 422 status GOV.UK asks for on a form with errors (here: HTTP 422)."""
    errors = context.get("errors") or {}
    context.setdefault("error_count", len(errors))
    return request.app.state.templates.TemplateResponse(
        request, template, context, status_code=422 if errors else 200
    )
