"""The coding workspace over JSON: sources, codings, suggestions and memos.

The same operations as the workspace pages, with the same checks: offsets are Unicode code
points into the source's text (as REFI-QDA counts them); removing or reviewing a coding, and
editing a memo, carry the ``version`` the client last saw, and a change someone else made
meanwhile is refused with 409 rather than overwritten.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, model_validator

from collabmap.errors import InvalidDocument, Issue, UnknownName
from collabmap.store.coding import (
    CodingInfo,
    MemoChanged,
    apply_code,
    edit_memo,
    remove_coding,
    review_coding,
    write_memo,
)
from collabmap.store.workspace import MemoInfo, coding_source, list_sources, open_source
from collabmap.web._context import Member, check_csrf, member
from collabmap.web._errors import problem
from collabmap.web._suggestion_jobs import current_run, start_run

__all__ = ["router"]

router = APIRouter(tags=["coding"])

MemberDep = Annotated[Member, Depends(member)]


class SourceOut(BaseModel):
    name: str
    kind: str
    length: int = Field(description="characters (Unicode code points)")
    codings: int = Field(description="accepted codings")
    suggestions: int = Field(description="suggestions waiting for review")
    memos: int


class CodingOut(BaseModel):
    id: int
    source: str
    code: str = Field(description="the code's path, e.g. Activities/Co-design")
    start: int
    end: int
    text: str
    coder: str
    origin: Literal["person", "machine"]
    status: Literal["suggested", "accepted", "rejected"]
    confidence: float | None
    version: int = Field(description="send it back when removing or reviewing the coding")
    changed_by: str | None
    changed_at: datetime | None


class BlockOut(BaseModel):
    segment: int
    start: int
    end: int
    speaker: str | None


class MemoOut(BaseModel):
    id: int
    title: str
    text: str
    author: str | None
    coding: int | None
    version: int = Field(description="send it back when editing the memo")
    created_at: datetime
    updated_by: str | None
    updated_at: datetime | None


class CodeOut(BaseModel):
    path: str
    group: str
    codable: bool
    depth: int
    concept: str | None


class SourceDetailOut(BaseModel):
    """A source as the workspace reads it: its text, its reading blocks (speaker turns for a
    transcript, else paragraphs), its codings and suggestions, its memos and the code tree."""

    name: str
    kind: str
    text: str
    blocks: list[BlockOut]
    codings: list[CodingOut]
    memos: list[MemoOut]
    codes: list[CodeOut]


class CodingIn(BaseModel):
    """A code applied to ``start``–``end`` (code points), or to a whole ``segment``."""

    code: str = Field(min_length=1, max_length=500, description="a path, concept or name")
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    segment: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _one_way(self) -> CodingIn:
        span = self.start is not None or self.end is not None
        if span == (self.segment is not None):
            raise ValueError("give either start and end, or segment")
        if span and (self.start is None or self.end is None):
            raise ValueError("give both start and end")
        if span and self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError("end must come after start")
        return self


class ReviewIn(BaseModel):
    status: Literal["accepted", "rejected"]
    version: int | None = Field(default=None, description="the version you saw")


class MemoIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    text: str = Field(default="", max_length=100_000)
    coding: int | None = Field(default=None, description="a coding the memo is about")


class MemoEditIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    text: str = Field(default="", max_length=100_000)
    version: int = Field(description="the version you opened")


class RunOut(BaseModel):
    source: str
    stage: str
    stage_text: str
    running: bool
    done: int
    total: int
    seconds: float
    report: dict[str, Any] | None
    error: str | None


def _csrf(request: Request, who: Member) -> None:
    check_csrf(who.visitor, request.headers.get("X-CSRF-Token"))


def _coding(info: CodingInfo) -> CodingOut:
    return CodingOut(
        id=info.id,
        source=info.source,
        code=info.code,
        start=info.start,
        end=info.end,
        text=info.text,
        coder=info.coder,
        origin=info.origin,
        status=info.status,
        confidence=info.confidence,
        version=info.version,
        changed_by=info.changed_by,
        changed_at=info.changed_at,
    )


def _memo(memo: MemoInfo) -> MemoOut:
    return MemoOut(
        id=memo.id,
        title=memo.title,
        text=memo.text,
        author=memo.author,
        coding=memo.coding_id,
        version=memo.version,
        created_at=memo.created_at,
        updated_by=memo.updated_by,
        updated_at=memo.updated_at,
    )


def _on_source(who: Member, source: str, coding_id: int) -> None:
    """Refuse a coding named under another source's path (a coding that is gone entirely is
    left to the store, which says who removed it)."""
    found = coding_source(who.store, who.project, coding_id)
    if found is not None and found != source:
        raise UnknownName(f"coding of {source!r}", str(coding_id), None)


def _coder(who: Member) -> str:
    return who.visitor.account().account.name


@router.get("/projects/{project}/sources", summary="The project's sources, with their counts")
def sources(who: MemberDep, name: Annotated[str, Query(max_length=200)] = "") -> list[SourceOut]:
    who.require("view")
    return [
        SourceOut(
            name=s.name,
            kind=s.kind,
            length=s.length,
            codings=s.codings,
            suggestions=s.suggestions,
            memos=s.memos,
        )
        for s in list_sources(who.store, who.project, name=name)
    ]


@router.get("/projects/{project}/sources/{source}", summary="A source, ready to code")
def source_detail(source: str, who: MemberDep) -> SourceDetailOut:
    who.require("view")
    ws = open_source(who.store, who.project, source)
    return SourceDetailOut(
        name=ws.source,
        kind=ws.kind,
        text=ws.text,
        blocks=[
            BlockOut(segment=b.segment_id, start=b.start, end=b.end, speaker=b.speaker)
            for b in ws.blocks
        ],
        codings=[_coding(c) for c in ws.codings],
        memos=[_memo(m) for m in ws.memos],
        codes=[
            CodeOut(path=c.path, group=c.group, codable=c.codable, depth=c.depth, concept=c.concept)
            for c in ws.codes
        ],
    )


@router.get("/projects/{project}/sources/{source}/codings", summary="A source's codings")
def source_codings(source: str, who: MemberDep) -> list[CodingOut]:
    who.require("view")
    ws = open_source(who.store, who.project, source)
    return [_coding(c) for c in ws.codings if c.status == "accepted"]


@router.post(
    "/projects/{project}/sources/{source}/codings",
    status_code=201,
    summary="Apply a code to a span or a segment of the source",
)
def add_coding(
    request: Request, response: Response, source: str, body: CodingIn, who: MemberDep
) -> CodingOut:
    _csrf(request, who)
    who.require("code")
    try:
        info = apply_code(
            who.store,
            who.project,
            source,
            body.code,
            start=body.start,
            end=body.end,
            segment_id=body.segment,
            coder=_coder(who),
            actor=who.actor,
        )
    except UnknownName as exc:
        if exc.what != "code":
            raise
        raise InvalidDocument("your coding", [Issue("code", str(exc))]) from exc
    response.headers["Location"] = (
        f"/api/projects/{quote(who.project, safe='')}/sources/{quote(source, safe='')}"
        f"/codings/{info.id}"
    )
    return _coding(info)


@router.delete(
    "/projects/{project}/sources/{source}/codings/{coding_id}",
    status_code=204,
    summary="Remove a coding (409 if someone changed or removed it since you saw it)",
)
def delete_coding(
    request: Request,
    source: str,
    coding_id: int,
    who: MemberDep,
    version: Annotated[int | None, Query(description="the version you saw")] = None,
) -> Response:
    _csrf(request, who)
    who.require("code")
    _on_source(who, source, coding_id)
    remove_coding(who.store, who.project, coding_id, version=version, actor=who.actor)
    return Response(status_code=204)


@router.get(
    "/projects/{project}/sources/{source}/suggestions",
    summary="Suggestions waiting for review, most confident first",
)
def source_suggestions(source: str, who: MemberDep) -> list[CodingOut]:
    who.require("view")
    return [_coding(c) for c in open_source(who.store, who.project, source).suggestions]


@router.put(
    "/projects/{project}/sources/{source}/suggestions/{coding_id}",
    summary="Accept or reject a suggestion (409 if someone decided it since you saw it)",
)
def review_suggestion(
    request: Request, source: str, coding_id: int, body: ReviewIn, who: MemberDep
) -> CodingOut:
    _csrf(request, who)
    who.require("code")
    _on_source(who, source, coding_id)
    info = review_coding(
        who.store, who.project, coding_id, body.status, version=body.version, actor=who.actor
    )
    return _coding(info)


def _run(who: Member, source: str) -> RunOut:
    run = current_run(who.store, who.project, source)
    if run is None:
        raise UnknownName(f"suggestion run for {source!r}", "(latest)", None)
    return RunOut(**run.to_dict())


@router.post(
    "/projects/{project}/sources/{source}/suggestion-runs",
    status_code=202,
    summary="Start suggesting codes for the source, in the background",
)
def start_suggestions(request: Request, source: str, who: MemberDep) -> RunOut:
    """Learning from the project's decisions retrains the models, which can take minutes:
    the run goes on in the background; ask ``GET …/suggestion-runs/latest`` how it goes."""
    _csrf(request, who)
    who.require("code")
    open_source(who.store, who.project, source)
    start_run(who.store, who.project, source, who.actor)
    return _run(who, source)


@router.get(
    "/projects/{project}/sources/{source}/suggestion-runs/latest",
    summary="How the latest suggestion run for the source is going",
)
def suggestion_run(source: str, who: MemberDep) -> RunOut:
    who.require("view")
    return _run(who, source)


@router.get("/projects/{project}/sources/{source}/memos", summary="Memos on a source")
def memos(source: str, who: MemberDep) -> list[MemoOut]:
    who.require("view")
    return [_memo(m) for m in open_source(who.store, who.project, source).memos]


@router.post(
    "/projects/{project}/sources/{source}/memos",
    status_code=201,
    summary="Write a memo on a source, or on one of its codings",
)
def add_memo(request: Request, source: str, body: MemoIn, who: MemberDep) -> MemoOut:
    _csrf(request, who)
    who.require("code")
    if body.coding is not None:
        _on_source(who, source, body.coding)
    memo_id = write_memo(
        who.store,
        who.project,
        body.title,
        body.text,
        coder=_coder(who),
        source=source,
        coding=body.coding,
        actor=who.actor,
    )
    return next(
        _memo(m) for m in open_source(who.store, who.project, source).memos if m.id == memo_id
    )


@router.put(
    "/projects/{project}/sources/{source}/memos/{memo_id}",
    summary="Edit a memo (409 with their version if someone edited it since you opened it)",
    responses={409: {"description": "someone else edited the memo; ``theirs`` holds it"}},
)
def change_memo(
    request: Request, source: str, memo_id: int, body: MemoEditIn, who: MemberDep
) -> Any:
    _csrf(request, who)
    who.require("code")
    known = open_source(who.store, who.project, source).memos
    if not any(m.id == memo_id for m in known):
        raise UnknownName(f"memo on {source!r}", str(memo_id), None)
    try:
        edit_memo(
            who.store,
            who.project,
            memo_id,
            body.title,
            body.text,
            version=body.version,
            actor=who.actor,
        )
    except MemoChanged as exc:
        theirs = {
            "title": exc.title,
            "text": exc.text,
            "version": exc.version,
            "by": exc.by,
            "at": exc.at.isoformat(),
        }
        response: JSONResponse = problem(409, str(exc), theirs=theirs)
        return response
    memo = next(m for m in open_source(who.store, who.project, source).memos if m.id == memo_id)
    return _memo(memo)
