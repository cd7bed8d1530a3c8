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

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

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
from collabmap.store.projects import find_source, get_project
from collabmap.store.workspace import MemoInfo, coding_source, list_sources, open_source
from collabmap.web._context import Member
from collabmap.web._errors import problem
from collabmap.web._suggestion_jobs import current_run, start_run
from collabmap.web.api._common import Changing, ProjectMember, problems

__all__ = ["router"]

router = APIRouter(tags=["coding"])

SourceName = Annotated[
    str,
    Path(
        description="The source's name (URL-encoded), as imported.",
        min_length=1,
        max_length=500,
        pattern=r"^[^\x00-\x1f\x7f]+$",
    ),
]


def known_source(source: SourceName, who: ProjectMember) -> str:
    """The source named in the path, once it is known to exist in the project: an unknown
    one is a 404 before the body of the request is looked at."""
    with who.store.reading() as session:
        find_source(session, get_project(session, who.project), source)
    return source


KnownSource = Annotated[str, Depends(known_source)]
MemberDep = ProjectMember


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

    model_config = ConfigDict(extra="forbid")

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
    model_config = ConfigDict(extra="forbid")

    status: Literal["accepted", "rejected"]
    version: int | None = Field(default=None, description="the version you saw")


class MemoIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    text: str = Field(default="", max_length=100_000)
    coding: int | None = Field(default=None, description="a coding the memo is about")


class MemoEditIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

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


_SOURCE = "/projects/{project}/sources/{source}"


def _with_conflict(meaning: str) -> dict[int | str, dict[str, Any]]:
    """The usual error responses, and a 409 that means an edit from an out-of-date view."""
    responses = problems(401, 403, 404, 409)
    responses[409] = {**responses[409], "description": meaning}
    return responses


_STALE_CODING = (
    "Someone reviewed or removed the coding since `version`; nothing was changed, and"
    " `detail` says who and when."
)


@router.get(
    "/projects/{project}/sources",
    summary="The project's sources, with their counts",
    responses=problems(401, 403, 404),
)
def sources(
    who: ProjectMember,
    name: Annotated[
        str, Query(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$", description="a part of the name")
    ] = "",
) -> list[SourceOut]:
    """Every source of the project whose name contains ``name`` (ignoring case), with its
    accepted codings, suggestions waiting for review and memos."""
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


@router.get(_SOURCE, summary="A source, ready to code", responses=problems(401, 403, 404))
def source_detail(source: KnownSource, who: ProjectMember) -> SourceDetailOut:
    """The text (offsets are code points into it), its reading blocks (speaker turns for a
    transcript, else paragraphs), its codings and suggestions, its memos and the code tree."""
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


@router.get(_SOURCE + "/codings", summary="A source's codings", responses=problems(401, 403, 404))
def source_codings(source: KnownSource, who: ProjectMember) -> list[CodingOut]:
    """The accepted codings of the source, in reading order."""
    who.require("view")
    ws = open_source(who.store, who.project, source)
    return [_coding(c) for c in ws.codings if c.status == "accepted"]


@router.post(
    _SOURCE + "/codings",
    status_code=201,
    summary="Apply a code to a span or a segment of the source",
    responses=problems(401, 403, 404),
)
def add_coding(
    response: Response,
    who: ProjectMember,
    changer: Changing,
    source: KnownSource,
    body: CodingIn,
) -> CodingOut:
    """Codes the span ``start``–``end`` (Unicode code points of the text), or a whole
    ``segment``. A span outside the text, an unknown code or a code group is a 422."""
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
    _SOURCE + "/codings/{coding_id}",
    status_code=204,
    summary="Remove a coding",
    responses=_with_conflict(_STALE_CODING),
)
def delete_coding(
    who: ProjectMember,
    changer: Changing,
    source: KnownSource,
    coding_id: int,
    version: Annotated[int | None, Query(description="the version you saw")] = None,
) -> Response:
    """With ``version``, a coding someone reviewed or removed since you saw it is not
    removed: 409, saying who did it and when."""
    who.require("code")
    _on_source(who, source, coding_id)
    remove_coding(who.store, who.project, coding_id, version=version, actor=who.actor)
    return Response(status_code=204)


@router.get(
    _SOURCE + "/suggestions",
    summary="Suggestions waiting for review, most confident first",
    responses=problems(401, 403, 404),
)
def source_suggestions(source: KnownSource, who: ProjectMember) -> list[CodingOut]:
    """The machine's suggestions for the source that nobody has accepted or rejected yet."""
    who.require("view")
    return [_coding(c) for c in open_source(who.store, who.project, source).suggestions]


@router.put(
    _SOURCE + "/suggestions/{coding_id}",
    summary="Accept or reject a suggestion",
    responses=_with_conflict(_STALE_CODING),
)
def review_suggestion(
    who: ProjectMember,
    changer: Changing,
    source: KnownSource,
    coding_id: int,
    body: ReviewIn,
) -> CodingOut:
    """With ``version``, a suggestion someone decided since you saw it is left as they
    decided: 409, saying who and when. Accepted suggestions teach the next run."""
    who.require("code")
    _on_source(who, source, coding_id)
    info = review_coding(
        who.store, who.project, coding_id, body.status, version=body.version, actor=who.actor
    )
    return _coding(info)


def _run(request: Request, who: Member, source: str) -> RunOut:
    run = current_run(request.app, who.project, source)
    if run is None:
        raise UnknownName(f"suggestion run for {source!r}", "(latest)", None)
    return RunOut(**run.to_dict())


@router.post(
    _SOURCE + "/suggestion-runs",
    status_code=202,
    summary="Start suggesting codes for the source, in the background",
    responses=problems(401, 403, 404),
)
def start_suggestions(
    request: Request, who: ProjectMember, changer: Changing, source: KnownSource
) -> RunOut:
    """Learning from the project's decisions retrains the model, which can take a minute:
    the run goes on in the background; ask ``GET …/suggestion-runs/latest`` how it goes."""
    who.require("code")
    return RunOut(**start_run(request.app, who, source).to_dict())


@router.get(
    _SOURCE + "/suggestion-runs/latest",
    summary="How the latest suggestion run for the source is going",
    responses=problems(401, 403, 404),
)
def suggestion_run(request: Request, source: KnownSource, who: ProjectMember) -> RunOut:
    """Its stage, the passages read of the total, and its report once done (404 when no
    run for the source was started in the last hour, by any of the server's processes)."""
    who.require("view")
    return _run(request, who, source)


@router.get(_SOURCE + "/memos", summary="Memos on a source", responses=problems(401, 403, 404))
def memos(source: KnownSource, who: ProjectMember) -> list[MemoOut]:
    """The source's memos and those on its codings, oldest first."""
    who.require("view")
    return [_memo(m) for m in open_source(who.store, who.project, source).memos]


@router.post(
    _SOURCE + "/memos",
    status_code=201,
    summary="Write a memo on a source, or on one of its codings",
    responses=problems(401, 403, 404),
)
def add_memo(who: ProjectMember, changer: Changing, source: KnownSource, body: MemoIn) -> MemoOut:
    """A memo with a title and text, about the source or (with ``coding``) one coding."""
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
    _SOURCE + "/memos/{memo_id}",
    summary="Edit a memo",
    response_model=MemoOut,
    responses=_with_conflict(
        "Someone else edited the memo since `version`; nothing was saved, and `theirs`"
        " holds their title, text, version, who and when."
    ),
)
def change_memo(
    who: ProjectMember, changer: Changing, source: KnownSource, memo_id: int, body: MemoEditIn
) -> Any:
    """Saves the title and text if the memo is still at ``version``; otherwise nothing is
    saved and the 409 problem document carries the other edit in ``theirs`` (title, text,
    version, by, at), to show side by side with yours."""
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
        response: JSONResponse = problem(409, str(exc), extra={"theirs": theirs})
        return response
    memo = next(m for m in open_source(who.store, who.project, source).memos if m.id == memo_id)
    return _memo(memo)
