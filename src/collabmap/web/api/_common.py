"""What every API module shares: the problem document's schema, the error responses each
route declares, typed path parameters, and the CSRF header check for changes.

Errors themselves are turned into problem documents in one place, :mod:`collabmap.web._errors`;
here they are only *described*, so that ``/openapi.json`` tells a client what to expect.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, Header, Path
from pydantic import BaseModel, Field

from collabmap.errors import AccessDenied
from collabmap.web._context import Member, Visitor, check_csrf, member, visitor

__all__ = [
    "CSRF_HEADER",
    "Changing",
    "FieldError",
    "KnownPartnership",
    "PartnershipName",
    "Problem",
    "ProjectMember",
    "ProjectName",
    "Role",
    "UserName",
    "changing",
    "problems",
]

CSRF_HEADER = "X-CSRF-Token"

Role = Literal["owner", "analyst", "respondent", "viewer"]
"""A project role; what each may do is in :mod:`collabmap.store.access`."""

_NO_CONTROL = r"^[^\x00-\x1f\x7f]+$"
"""Names typed by people carry no control characters; refusing them here means a stray
``%00`` in an address is a 422, not a database error (PostgreSQL text cannot hold NUL)."""

ProjectName = Annotated[
    str,
    Path(
        description="The project's name (URL-encoded).",
        min_length=1,
        max_length=200,
        pattern=_NO_CONTROL,
    ),
]
PartnershipName = Annotated[
    str,
    Path(
        description="The partnership's name (URL-encoded).",
        min_length=1,
        max_length=300,
        pattern=_NO_CONTROL,
    ),
]
UserName = Annotated[
    str,
    Path(
        description="A user name, as given to `collabmap user create`.",
        min_length=1,
        max_length=100,
        pattern=_NO_CONTROL,
    ),
]


class FieldError(BaseModel):
    """One problem with one part of the input."""

    field: str = Field(
        description="Where the problem is: a path such as `activities[0].phases.design.citizens`"
        " for a profile, a field or parameter name otherwise; empty for the input as a whole."
    )
    message: str = Field(description="What is wrong, in plain English.")


class Problem(BaseModel):
    """An RFC 9457 problem document: every error the API gives has this shape."""

    type: str = Field("about:blank", description="Always `about:blank`: the status says it all.")
    title: str = Field(description="The status in words, e.g. `Not found`.")
    status: int = Field(description="The HTTP status code, repeated.")
    detail: str = Field(description="What went wrong, in one or more plain-English sentences.")
    errors: list[FieldError] | None = Field(
        None, description="Problems by field, when the input was invalid."
    )


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its ``$defs`` written in place: an OpenAPI response needs a schema
    that stands alone (a ``#/$defs/…`` reference would point at the OpenAPI document)."""
    definitions = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk(dict(definitions[ref.removeprefix("#/$defs/")]))
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return dict(walk(schema))


PROBLEM_SCHEMA = _inline(Problem.model_json_schema())

_MEANINGS = {
    400: "The body could not be read at all (it is not UTF-8 text).",
    401: "Nobody is signed in (or the session has ended): sign in with `POST /api/session`.",
    403: "The signed-in user's role does not allow this, or the `X-CSRF-Token` header is"
    " missing or wrong.",
    404: "Unknown project, partnership or user. A project the user does not belong to is"
    " reported as unknown too.",
    409: "The name is already taken.",
    413: "The request body is larger than the limit; it was refused before being read.",
    422: "The input is not valid; `errors` lists the problems by field.",
    429: "Too many failed sign-ins from this address or for this account; wait and try again.",
}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The error responses of a route, each a problem document (``application/problem+json``).
    A 413 and a 422 can come from any route that reads a body or a parameter, so they are
    always listed."""
    wanted = sorted({*codes, 413, 422})
    return {
        code: {
            "description": _MEANINGS[code],
            "content": {"application/problem+json": {"schema": PROBLEM_SCHEMA}},
        }
        for code in wanted
    }


def describe_unreadable_bodies(document: dict[str, Any]) -> dict[str, Any]:
    """Add the 400 of a body that is not even text to every operation that reads a body.

    FastAPI answers such a body itself, before any route runs, so the routes cannot list it;
    without it the document would promise clients a set of answers the server does not keep
    to (schemathesis found this)."""
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation["responses"].setdefault("400", problems(400)[400])
    return document


def changing(
    who: Annotated[Visitor, Depends(visitor)],
    csrf_token: Annotated[
        str | None,
        Header(
            alias=CSRF_HEADER,
            description="The session's CSRF token, from `POST /api/session` or"
            " `GET /api/session`. Required on every request that changes something.",
        ),
    ] = None,
) -> Visitor:
    """The visitor, once the request has shown the session's CSRF token in its header: a
    page on another site can make a browser send the cookie, but cannot read the token."""
    who.account()  # nobody signed in: 401 before any talk of tokens
    try:
        check_csrf(who, csrf_token)
    except AccessDenied:
        raise AccessDenied(
            f"the {CSRF_HEADER} header is missing or is not this session's token;"
            " get the token from GET /api/session"
        ) from None
    return who


Changing = Annotated[Visitor, Depends(changing)]


def project_member(project: ProjectName, who: Annotated[Visitor, Depends(visitor)]) -> Member:
    """The signed-in user's membership of the project in the path, once the name is known to
    be well formed (a project the user does not belong to is reported as unknown)."""
    return member(project, who)


ProjectMember = Annotated[Member, Depends(project_member)]


def project_partnership(name: PartnershipName, who: ProjectMember) -> str:
    """The partnership named in the path, once it is known to exist in the project: an
    unknown one is a 404 before the body of the request is looked at."""
    from collabmap.store.projects import find_partnership, get_project

    with who.store.reading() as session:
        find_partnership(session, get_project(session, who.project), name)
    return name


KnownPartnership = Annotated[str, Depends(project_partnership)]
