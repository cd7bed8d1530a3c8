"""Reports in the JSON API: start one as a job, follow it, cancel it, fetch the file.

``POST /api/projects/{project}/reports`` answers 202 at once with the job and its address in
``Location``; the client polls ``GET /api/jobs/{id}`` until ``state`` is ``done``, ``failed``
or ``cancelled``, then fetches ``GET /api/jobs/{id}/result`` (once: the file is deleted after
it is sent). Changes carry the session's CSRF token in the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.background import BackgroundTask

from collabmap.web._context import Visitor, visitor
from collabmap.web._data import MAX_NAME
from collabmap.web._reports import (
    ReportFormat,
    check_request,
    job_view,
    jobs,
    start_report,
)
from collabmap.web.api._common import Changing, ProjectMember, problems

router = APIRouter(tags=["reports"])

JobId = Annotated[
    str,
    Path(description="The job's id, as `POST …/reports` gave it.", max_length=64),
]


class ReportOrder(BaseModel):
    """What report to make: ``format`` html, pdf or md; ``partnership`` for one partnership
    (the whole project when left out)."""

    model_config = ConfigDict(extra="forbid")

    format: ReportFormat
    partnership: str | None = Field(default=None, min_length=1, max_length=MAX_NAME)


class JobProgress(BaseModel):
    fraction: float = Field(ge=0, le=1)
    message: str


class FileOutcome(BaseModel):
    """What became of one uploaded file: ``status`` imported, skipped or refused (or "not
    imported" after a cancel); ``summary`` says what it added or why not, in the command
    line's words; ``sources`` the names of the sources it added."""

    name: str
    status: str
    summary: str
    sources: list[str]
    warnings: list[str]


class JobOut(BaseModel):
    """A background job: ``kind`` report, export, import or suggestions; ``state`` queued,
    running, done, failed or cancelled; ``result`` is the address of the file once it is
    ready (until it has been downloaded); ``files``, for a finished import, what became of
    each file."""

    id: str
    kind: str
    project: str
    title: str
    state: str
    progress: JobProgress
    error: str | None
    filename: str
    media_type: str
    result: str | None
    files: list[FileOutcome] | None = None


@router.post(
    "/projects/{project}/reports",
    status_code=202,
    response_model=JobOut,
    responses=problems(401, 403, 404),
    summary="Start making a report",
)
def create_report(
    request: Request, order: ReportOrder, who: ProjectMember, changer: Changing
) -> JSONResponse:
    """Starts the report as a background job and answers at once (202) with the job and its
    address in `Location`; poll that address until `state` is done, failed or cancelled."""
    job = start_report(request.app, who, check_request(who, order.format, order.partnership))
    return JSONResponse(job_view(job), status_code=202, headers={"Location": f"/api/jobs/{job.id}"})


@router.get(
    "/jobs/{job_id}", response_model=JobOut, responses=problems(401, 404), summary="A job's state"
)
def job_state(request: Request, job_id: JobId, who: Annotated[Visitor, Depends(visitor)]) -> Any:
    """The job's state and progress; someone else's job is not found."""
    return job_view(jobs(request.app).get(job_id, who.account().account.id))


@router.delete(
    "/jobs/{job_id}",
    status_code=202,
    response_model=JobOut,
    responses=problems(401, 403, 404),
    summary="Cancel a job",
)
def job_cancel(request: Request, job_id: JobId, who: Changing) -> Any:
    """Asks the job to stop; it stops between two steps (within a few seconds)."""
    return job_view(jobs(request.app).cancel(job_id, who.account().account.id))


@router.get(
    "/jobs/{job_id}/result",
    response_class=FileResponse,
    responses={
        200: {
            "description": "The report file",
            "content": {
                "application/pdf": {},
                "text/html": {},
                "text/markdown": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                "application/zip": {},
                "text/csv": {},
                "application/json": {},
                "application/xml": {},
            },
        },
        **problems(401, 404),
    },
    summary="Download a finished job's file (once)",
)
def job_result(request: Request, job_id: JobId, who: Annotated[Visitor, Depends(visitor)]) -> Any:
    """The report's or download's file, with its name; it is deleted once sent."""
    runner = jobs(request.app)
    job = runner.result(job_id, who.account().account.id)
    assert job.result is not None
    return FileResponse(
        job.result,
        media_type=job.media_type,
        filename=job.filename,
        background=BackgroundTask(runner.downloaded, job),
    )
